"""Reads outside a jurisdiction: which, in whose territory, and how far out.

Pure numpy/pandas/shapely (no QGIS).  The algorithm ``alpr:jurisdiction``
reads the layers, transforms coordinates and writes; this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np

from alpr_qgis.core import spatial
from alpr_qgis.core.geodesy import NULL_ISLAND_TOLERANCE_DEG
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

UNNAMED = "unnamed"


@dataclass
class Outside:
    """Where each read lies relative to the boundary."""

    outside: np.ndarray  # bool: a location beyond the boundary
    missing: np.ndarray  # bool: no location (neither inside nor outside)
    unplaced: int = 0  # located reads that could not be placed in the boundary's CRS (counted outside)

    @property
    def inside(self) -> np.ndarray:
        return ~self.outside & ~self.missing

    @property
    def outside_count(self) -> int:
        return int(self.outside.sum())

    @property
    def inside_count(self) -> int:
        return int(self.inside.sum())

    @property
    def missing_count(self) -> int:
        return int(self.missing.sum())


def dissolve(polygons: Sequence[Optional[object]]):
    """One geometry covering every polygon given (None when there are none)."""
    from shapely.ops import unary_union

    parts = [p for p in polygons if p is not None and not p.is_empty]
    if not parts:
        return None
    merged = unary_union(parts)
    return merged if not merged.is_empty else None


def classify(x: np.ndarray, y: np.ndarray, boundary, located: Optional[np.ndarray] = None) -> Outside:
    """Which reads lie outside ``boundary`` (points on its border count as inside).

    ``x``/``y`` are in the boundary's CRS; NaN marks a read without a location.
    ``located`` (optional): which reads had a location before they were
    transformed; one that lost it in the transform is far from the boundary:
    outside (distance unknown), counted in ``unplaced``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    missing = ~(np.isfinite(x) & np.isfinite(y))
    inside = spatial.covered(boundary, x, y)
    outside = ~inside & ~missing
    unplaced = 0
    if located is not None:
        stray = np.asarray(located, dtype=bool) & missing
        unplaced = int(stray.sum())
        outside = outside | stray
        missing = missing & ~stray
    return Outside(outside=outside, missing=missing, unplaced=unplaced)


def outside_rows(table: pd.DataFrame, outside: np.ndarray, jurisdiction: np.ndarray, distance_m: np.ndarray):
    """The rows of ``table`` at the indices ``outside``, with ``jurisdiction`` and ``distance_m`` added."""
    out = table.iloc[outside].reset_index(drop=True)
    out["jurisdiction"] = pd.Series(jurisdiction, dtype=object)
    out["distance_m"] = distance_m
    return out


class _Codes:
    """Values as small integer codes, the same code for the same value in every chunk (-1: null)."""

    def __init__(self) -> None:
        self._code: dict = {}
        self._parts: List[np.ndarray] = []

    def add(self, values) -> None:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object).to_numpy())
        known = np.array([self._code.setdefault(v, len(self._code)) for v in uniques], dtype=np.int32)
        part = np.full(len(codes), -1, dtype=np.int32)
        hit = codes >= 0
        part[hit] = known[codes[hit]]
        self._parts.append(part)

    def column(self) -> np.ndarray:
        """Every value added, in order, as objects (None for null)."""
        labels = np.empty(len(self._code) + 1, dtype=object)
        for value, code in self._code.items():
            labels[code] = value
        labels[-1] = None
        codes = np.concatenate(self._parts) if self._parts else np.empty(0, dtype=np.int32)
        return labels[codes]

    def count(self, value) -> int:
        code = self._code.get(value)
        if code is None:
            return 0
        return int(sum(int((part == code).sum()) for part in self._parts))


class OutsideTally:
    """What the summary of the reads outside needs, gathered a chunk at a time in compact columns.

    Per read outside: its jurisdiction and device as integer codes, its
    distance and its time; :meth:`summary` is :func:`by_jurisdiction` of
    them, the same table as for the whole layer at once.
    """

    def __init__(self) -> None:
        self._jurisdictions = _Codes()
        self._devices: Optional[_Codes] = None
        self._distances: List[np.ndarray] = []
        self._times: Optional[list] = None

    def add(self, table: pd.DataFrame, outside: np.ndarray, jurisdiction: np.ndarray, distance_m: np.ndarray) -> None:
        """Take the reads of ``table`` at the indices ``outside`` (with their jurisdiction and distance)."""
        self._jurisdictions.add(jurisdiction)
        self._distances.append(np.asarray(distance_m, dtype=float))
        if "read_time" in table.columns:
            self._times = self._times if self._times is not None else []
            self._times.append(table["read_time"].iloc[outside].reset_index(drop=True))
        if "device" in table.columns:
            self._devices = self._devices if self._devices is not None else _Codes()
            self._devices.add(table["device"].iloc[outside])

    @property
    def distances(self) -> np.ndarray:
        return np.concatenate(self._distances) if self._distances else np.empty(0)

    @property
    def unnamed_count(self) -> int:
        """Reads outside in no neighbour."""
        return self._jurisdictions.count(UNNAMED)

    @property
    def max_distance(self) -> float:
        """The farthest read outside (0 when none has a distance)."""
        distances = self.distances
        finite = distances[np.isfinite(distances)]
        return float(finite.max()) if len(finite) else 0.0

    def summary(self) -> pd.DataFrame:
        """:func:`by_jurisdiction` of every read taken."""
        times = None
        if self._times is not None:
            times = pd.concat(self._times, ignore_index=True) if len(self._times) > 1 else self._times[0]
        devices = pd.Series(self._devices.column(), dtype=object) if self._devices is not None else None
        return by_jurisdiction(self._jurisdictions.column(), self.distances, times, devices)


def neighbour_names(
    x: np.ndarray, y: np.ndarray, neighbours: Sequence[Optional[object]], names: Sequence[Optional[str]]
) -> np.ndarray:
    """The name of the first neighbour polygon holding each point, ``"unnamed"`` where none does.

    A neighbour polygon whose name is null or blank also gives ``"unnamed"``.
    """
    out = np.full(len(x), UNNAMED, dtype=object)
    if not len(x) or not len(neighbours):
        return out
    unit = spatial.locate(np.asarray(x, dtype=float), np.asarray(y, dtype=float), neighbours)
    labels = np.array(
        [
            UNNAMED if n is None or (isinstance(n, float) and np.isnan(n)) or not str(n).strip() else str(n)
            for n in names
        ]
        + [UNNAMED],
        dtype=object,
    )
    return labels[np.where(unit >= 0, unit, len(names))]


def by_jurisdiction(
    jurisdiction: np.ndarray,
    distance_m: np.ndarray,
    times: Optional[pd.Series] = None,
    devices: Optional[pd.Series] = None,
) -> pd.DataFrame:
    """One row per jurisdiction: read count, distances (m), first and last read, devices.

    Sorted by read count, largest first.  ``first_read``/``last_read`` and
    ``devices`` are present when ``times``/``devices`` are given.
    """
    frame = pd.DataFrame({"jurisdiction": pd.Series(jurisdiction, dtype=object), "distance_m": distance_m})
    if times is not None:
        frame["time"] = pd.to_datetime(pd.Series(times).reset_index(drop=True), errors="coerce")
    if devices is not None:
        frame["device"] = pd.Series(devices).reset_index(drop=True).astype(object)
    columns = ["jurisdiction", "read_count", "min_distance_m", "median_distance_m", "max_distance_m"]
    if times is not None:
        columns += ["first_read", "last_read"]
    if devices is not None:
        columns += ["devices"]
    if frame.empty:
        empty = pd.DataFrame(
            {c: pd.Series(dtype=object if c in ("jurisdiction", "devices") else float) for c in columns}
        )
        empty["read_count"] = empty["read_count"].astype("int64")
        return empty
    groups = frame.groupby("jurisdiction", sort=False)
    out = pd.DataFrame(
        {
            "read_count": groups.size(),
            "min_distance_m": groups["distance_m"].min(),
            "median_distance_m": groups["distance_m"].median(),
            "max_distance_m": groups["distance_m"].max(),
        }
    )
    if times is not None:
        out["first_read"] = groups["time"].min()
        out["last_read"] = groups["time"].max()
    if devices is not None:
        out["devices"] = groups["device"].agg(lambda s: ", ".join(sorted({str(v) for v in s.dropna()})) or None)
    out = out.reset_index().sort_values(["read_count", "jurisdiction"], ascending=[False, True], kind="stable")
    out["read_count"] = out["read_count"].astype("int64")
    return out[columns].reset_index(drop=True)


def near_null_island(lon: np.ndarray, lat: np.ndarray, tolerance: float = NULL_ISLAND_TOLERANCE_DEG) -> np.ndarray:
    """Reads within ``tolerance`` degrees of 0,0: coordinates that were really missing."""
    with np.errstate(invalid="ignore"):
        return (np.abs(lon) <= tolerance) & (np.abs(lat) <= tolerance)
