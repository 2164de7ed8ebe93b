"""Processing set-up for algorithm tests (pytest-qgis)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from qgis import processing
from qgis.core import QgsApplication, QgsProcessingFeedback
from qgis.PyQt import sip

from alpr_qgis.provider import AlprProvider


@pytest.fixture(scope="session", autouse=True)
def alpr_provider(qgis_processing):
    """Register the provider once and keep a reference (a collected provider loses its ids)."""
    provider = AlprProvider()
    assert QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    if not sip.isdeleted(provider):
        QgsApplication.processingRegistry().removeProvider(provider)


@pytest.fixture(scope="session")
def sample_loaded(alpr_provider, tmp_path_factory) -> dict:
    """The sample week loaded once with alpr:loadreads, for every test that starts from it (read it, never change it)."""
    folder = tmp_path_factory.mktemp("sample_loaded")
    sample = Path(__file__).resolve().parents[2] / "sample" / "alpr_reads.csv.gz"
    return processing.run(
        "alpr:loadreads",
        {"INPUT": str(sample), "OUTPUT": str(folder / "reads.gpkg"), "REJECTED": str(folder / "records.gpkg")},
    )


class RecordingFeedback(QgsProcessingFeedback):
    """Feedback that keeps every message, to check what users (and logs) see."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: List[str] = []

    def pushInfo(self, info):  # noqa: N802
        self.messages.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802
        self.messages.append(warning)
        super().pushWarning(warning)

    def reportError(self, error, fatalError=False):  # noqa: N802, N803
        self.messages.append(error)
        super().reportError(error, fatalError)

    def pushDebugInfo(self, info):  # noqa: N802
        self.messages.append(info)
        super().pushDebugInfo(info)

    def pushCommandInfo(self, info):  # noqa: N802
        self.messages.append(info)
        super().pushCommandInfo(info)

    def setProgressText(self, text):  # noqa: N802
        self.messages.append(text)
        super().setProgressText(text)

    def text(self) -> str:
        return "\n".join(self.messages)


@pytest.fixture
def feedback() -> RecordingFeedback:
    return RecordingFeedback()
