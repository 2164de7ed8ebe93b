"""The Processing provider "alpr" ("ALPR analysis")."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from alpr_qgis.algorithms.anonymize_plates import AnonymizePlatesAlgorithm
from alpr_qgis.algorithms.clean_reads import CleanReadsAlgorithm
from alpr_qgis.algorithms.device_tracks import DeviceTracksAlgorithm
from alpr_qgis.algorithms.heatmap import HeatmapAlgorithm
from alpr_qgis.algorithms.hotspots import HotspotsAlgorithm
from alpr_qgis.algorithms.join_census import JoinCensusAlgorithm
from alpr_qgis.algorithms.join_crime import JoinCrimeAlgorithm
from alpr_qgis.algorithms.jurisdiction import JurisdictionAlgorithm
from alpr_qgis.algorithms.load_reads import LoadReadsAlgorithm
from alpr_qgis.algorithms.sites import SitesAlgorithm

ICON = ":/plugins/alpr_qgis/icons/alpr.svg"

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
)


class AlprProvider(QgsProcessingProvider):
    """Lists the plugin's algorithms under the id ``alpr``."""

    def id(self) -> str:
        return "alpr"

    def name(self) -> str:
        return "ALPR analysis"

    def longName(self) -> str:  # noqa: N802 (Qt API)
        return "ALPR analysis: licence-plate reader data for accountability"

    def icon(self) -> QIcon:
        from alpr_qgis import resources_rc  # noqa: F401 (registers the icon resources)

        return QIcon(ICON)

    def svgIconPath(self) -> str:  # noqa: N802 (Qt API)
        return ICON

    def loadAlgorithms(self) -> None:  # noqa: N802 (Qt API)
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
