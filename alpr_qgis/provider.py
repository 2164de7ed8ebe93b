"""The Processing provider "alpr" ("ALPR analysis")."""

from __future__ import annotations

import glob
import os

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsProcessingModelAlgorithm, QgsProcessingProvider
from qgis.PyQt import sip
from qgis.PyQt.QtGui import QIcon

from alpr_qgis.algorithms.anonymize_plates import AnonymizePlatesAlgorithm
from alpr_qgis.algorithms.clean_reads import CleanReadsAlgorithm
from alpr_qgis.algorithms.count_model import CountModelAlgorithm
from alpr_qgis.algorithms.device_tracks import DeviceTracksAlgorithm
from alpr_qgis.algorithms.heatmap import HeatmapAlgorithm
from alpr_qgis.algorithms.hotspots import HotspotsAlgorithm
from alpr_qgis.algorithms.join_census import JoinCensusAlgorithm
from alpr_qgis.algorithms.join_crime import JoinCrimeAlgorithm
from alpr_qgis.algorithms.jurisdiction import JurisdictionAlgorithm
from alpr_qgis.algorithms.load_reads import LoadReadsAlgorithm
from alpr_qgis.algorithms.sites import SitesAlgorithm
from alpr_qgis.algorithms.summary import SummaryAlgorithm

ICON = ":/plugins/alpr_qgis/icons/alpr.svg"
# The shipped graphical models (.model3), e.g. "ALPR accountability pipeline".
MODELS_DIR = os.path.join(os.path.dirname(__file__), "models")

# One line per algorithm, in toolbox order.
ALGORITHMS = (
    LoadReadsAlgorithm,
    CleanReadsAlgorithm,
    AnonymizePlatesAlgorithm,
    HeatmapAlgorithm,
    HotspotsAlgorithm,
    DeviceTracksAlgorithm,
    JoinCensusAlgorithm,
    JoinCrimeAlgorithm,
    SitesAlgorithm,
    JurisdictionAlgorithm,
    CountModelAlgorithm,
    SummaryAlgorithm,
)


class AlprProvider(QgsProcessingProvider):
    """Lists the plugin's algorithms under the id ``alpr``."""

    def id(self) -> str:
        return "alpr"

    def name(self) -> str:
        return "ALPR analysis"

    def longName(self) -> str:
        return "ALPR analysis: licence-plate reader data for accountability"

    def icon(self) -> QIcon:
        from alpr_qgis import resources_rc  # noqa: F401 (registers the icon resources)

        return QIcon(ICON)

    def svgIconPath(self) -> str:
        return ICON

    def loadAlgorithms(self) -> None:
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
        self.load_models()

    # -- the shipped models ----------------------------------------------------------------
    # A model's child algorithms (alpr:loadreads, ...) are looked up in the Processing
    # registry when the model is read, and QgsProcessingRegistry.addProvider() calls
    # loadAlgorithms() *before* it lists this provider.  So the first load skips the models
    # and waits for providerAdded("alpr"); then one refreshAlgorithms() loads everything
    # again, and the models' children resolve (in the desktop and under qgis_process alike).

    def is_registered(self) -> bool:
        """True once the registry lists this very provider under its id."""
        return QgsApplication.processingRegistry().providerById(self.id()) is self

    def load_models(self) -> None:
        """Add every ``models/*.model3`` (only once this provider is registered)."""
        if not self.is_registered():
            self._wait_for_registration()
            return
        for path in sorted(glob.glob(os.path.join(MODELS_DIR, "*.model3"))):
            model = QgsProcessingModelAlgorithm()
            if not model.fromFile(path):
                QgsMessageLog.logMessage(
                    "Could not read the model {}".format(os.path.basename(path)), "ALPR analysis", Qgis.Warning
                )
                continue
            model.setSourceFilePath(path)
            unresolved = [c.childId() for c in model.childAlgorithms().values() if c.algorithm() is None]
            if unresolved:
                QgsMessageLog.logMessage(
                    "Model {}: child algorithms {} not found".format(os.path.basename(path), ", ".join(unresolved)),
                    "ALPR analysis",
                    Qgis.Warning,
                )
            self.addAlgorithm(model)

    def _wait_for_registration(self) -> None:
        if getattr(self, "_waiting", False):
            return
        self._waiting = True
        QgsApplication.processingRegistry().providerAdded.connect(self._provider_added)

    def _provider_added(self, provider_id: str) -> None:
        if provider_id != "alpr" or sip.isdeleted(self):
            return
        if not self.is_registered():  # another "alpr" provider: this one was refused and is going away
            return
        QgsApplication.processingRegistry().providerAdded.disconnect(self._provider_added)
        self._waiting = False
        self.refreshAlgorithms()
