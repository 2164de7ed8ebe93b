"""Processing fixtures shared by the algorithm and PostGIS tests: the provider, the loaded sample, a recording feedback.

Each folder's conftest imports these; the provider is registered once per
session whichever folder asks first.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from qgis import processing
from qgis.core import QgsApplication, QgsProcessingFeedback
from qgis.PyQt import sip

from alpr_qgis.provider import AlprProvider

_PROVIDER: List[AlprProvider] = []  # registered once, whichever folder's tests ask first
_SAMPLE: List[dict] = []  # loaded once


@pytest.fixture(scope="session", autouse=True)
def alpr_provider(qgis_processing):
    """Register the provider once and keep a reference (a collected provider loses its ids)."""
    if not _PROVIDER or sip.isdeleted(_PROVIDER[0]):
        registered = QgsApplication.processingRegistry().providerById("alpr")
        if registered is not None:  # (tests/algorithms/test_provider.py leaves the plugin's own provider)
            _PROVIDER[:] = [registered]
        else:
            provider = AlprProvider()
            assert QgsApplication.processingRegistry().addProvider(provider)
            _PROVIDER[:] = [provider]
    return _PROVIDER[0]


@pytest.fixture(scope="session")
def sample_loaded(alpr_provider, tmp_path_factory) -> dict:
    """The sample week loaded once with alpr:loadreads, for every test that starts from it (read it, never change it)."""
    if _SAMPLE:
        return _SAMPLE[0]
    folder = tmp_path_factory.mktemp("sample_loaded")
    sample = Path(__file__).resolve().parents[1] / "sample" / "alpr_reads.csv.gz"
    _SAMPLE.append(
        processing.run(
            "alpr:loadreads",
            {"INPUT": str(sample), "OUTPUT": str(folder / "reads.gpkg"), "REJECTED": str(folder / "records.gpkg")},
        )
    )
    return _SAMPLE[0]


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
