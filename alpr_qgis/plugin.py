"""The QGIS plugin: installs translations and registers the Processing provider."""

from __future__ import annotations

import os

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

from alpr_qgis import resources_rc  # noqa: F401 (registers the icon resources)


class AlprPlugin:
    """Registers the ``alpr`` provider on load and removes it on unload."""

    def __init__(self, iface) -> None:  # noqa: QGS105 (QGIS hands the plugin its iface here)
        self.iface = iface
        self.provider = None
        self.translator = None
        locale = (QSettings().value("locale/userLocale") or QLocale().name() or "en")[:2]
        path = os.path.join(os.path.dirname(__file__), "i18n", "alpr_qgis_{}.qm".format(locale))
        if os.path.exists(path):
            self.translator = QTranslator()
            if self.translator.load(path):
                QCoreApplication.installTranslator(self.translator)

    def initProcessing(self) -> None:  # noqa: N802 (QGIS API)
        """Called by QGIS (and qgis_process); never touches iface."""
        from alpr_qgis.provider import AlprProvider

        if self.provider is None:
            self.provider = AlprProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS API)
        self.initProcessing()

    def unload(self) -> None:
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
