"""What every report section shares: facts about the reads, words for statistics, the naive-p caveat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pandas as pd

from alpr_qgis.core.report.html import number, plural

MAX_ROWS = 15  # rows of a section's table (the layer holds them all)
NAIVE_P = (
    "The p-values are naive: neighbouring areas are alike (spatial autocorrelation) and the reads are not "
    "independent draws, so treat them as descriptive, not as proof."
)


@dataclass
class Facts:
    """What every section may cite about the reads themselves."""

    total_reads: Optional[int] = None
    devices: Optional[int] = None

    def few_cars(self) -> str:
        if self.devices:
            return "The reads come from {} ({} reads): where those cars drove shapes every figure.".format(
                plural(self.devices, "camera"), number(self.total_reads)
            )
        return "The reads come from a few patrol cars: where those cars drove shapes every figure."


def label_of(table: pd.DataFrame, i: int, fallback: str) -> str:
    if "label" in table.columns:
        value = table["label"].iloc[i]
        if value is not None and value == value and str(value).strip():
            return str(value)
    return fallback


def strength(rho: float) -> str:
    size = abs(rho)
    if size < 0.1:
        return "no meaningful"
    return "a weak" if size < 0.3 else ("a moderate" if size < 0.5 else "a strong")


def direction(rho: float) -> str:
    return "positive" if rho > 0 else "negative"


def basis_words(value: object) -> str:
    return {"per_1000": "reads per 1,000 residents", "per_km2": "reads per km²"}.get(str(value), str(value))
