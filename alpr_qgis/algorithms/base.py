"""Behaviour shared by every alpr_qgis algorithm."""

from __future__ import annotations

import os
from typing import Dict

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingParameterDefinition
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.qgis_io.outputs import find_clash

HELP_URL = "https://github.com/alpr-qgis/alpr_qgis/blob/main/README.md#{}"
GROUPS = {
    "prepare": "1 · Prepare",
    "map": "2 · Map",
    "compare": "3 · Compare",
    "report": "4 · Report",
}


class AlprAlgorithm(QgsProcessingAlgorithm):
    """Base class: instance creation, translation, groups, help and error handling.

    Subclasses implement ``process()`` instead of ``processAlgorithm()``; core
    errors become ``QgsProcessingException`` here, in one place, and a
    cancelled run writes nothing more and returns ``{}``.  Outputs that
    clash (two on one file and layer, or one on an input) are refused here
    before any work (``qgis_io.outputs.find_clash``).
    """

    def createInstance(self):  # noqa: N802 (Qt API)
        return type(self)()

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    def group(self) -> str:
        return self.tr(GROUPS[self.groupId()])

    def helpUrl(self) -> str:  # noqa: N802 (Qt API)
        return HELP_URL.format(self.name())

    def add_parameter(self, param: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False) -> None:
        """Add ``param`` with its help text (and the advanced flag for rarely-changed knobs)."""
        param.setHelp(help_text)
        if advanced:
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)

    def processAlgorithm(self, parameters: Dict, context, feedback) -> Dict:  # noqa: N802 (Qt API)
        clash = find_clash(self, parameters, context)
        if clash is not None:  # before any work: nothing is read, nothing is created
            raise QgsProcessingException(clash)
        try:
            return self.process(parameters, context, feedback)
        except AlprInputError as err:
            raise QgsProcessingException(err.describe()) from None
        except Cancelled:
            feedback.pushInfo(self.tr("Cancelled: nothing more was written."))
            return {}
        except OSError as err:  # one the writers did not turn into their one line (write_failure): still one line
            if not err.filename:
                raise
            name = os.path.basename(os.fspath(err.filename))
            raise QgsProcessingException("{}: {}".format(name, err.strerror or err.__class__.__name__)) from None
