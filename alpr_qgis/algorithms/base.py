"""Behaviour shared by every alpr_qgis algorithm: the base class and its parameter builders.

``AlprAlgorithm`` creates instances, translates, names groups and help,
turns core errors into ``QgsProcessingException`` in one place, refuses
clashing outputs, builds the parameters every algorithm repeats (the reads
source, the plate/device/time fields, sinks, count outputs) and logs an
estimate of time and memory before a run on a large input.
"""

from __future__ import annotations

import os
from typing import Dict, Iterable, Optional, Sequence, Tuple

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.qgis_io.outputs import find_clash

HELP_URL = "https://github.com/alpr-qgis/alpr_qgis/blob/main/README.md#{}"
GROUPS = {
    "prepare": "1 · Prepare",
    "map": "2 · Map",
    "compare": "3 · Compare",
    "report": "4 · Report",
}

#: Inputs larger than this get a time and memory estimate in the log before the work starts.
MANY_FEATURES = 1_000_000


#: The help's paragraph on PostGIS inputs, before each algorithm's own ``IN_DATABASE`` sentence.
IN_DATABASE_INTRO = QT_TRANSLATE_NOOP(
    "AlprAlgorithm",
    "when INPUT is a plain PostGIS table (no filter, not selected features only) and python3-psycopg2 is "
    "installed, the work is done in its database and only what the result needs comes back to QGIS; the log "
    "says how many rows came back. Results are the same as for a file. Otherwise the rows are read through "
    "QGIS as for any layer.",
)


def _base_tr(text: str) -> str:
    """``text`` translated in the base class's context (the labels the builders below share)."""
    return QCoreApplication.translate("AlprAlgorithm", text)


class AlprAlgorithm(QgsProcessingAlgorithm):
    """Base class: instance creation, translation, groups, help and error handling.

    Subclasses implement ``process()`` instead of ``processAlgorithm()``; core
    errors become ``QgsProcessingException`` here, in one place, and a
    cancelled run writes nothing more and returns ``{}``.  Outputs that
    clash (two on one file and layer, or one on an input) are refused here
    before any work (``qgis_io.outputs.find_clash``).
    """

    #: Set by each algorithm: its id (``alpr:<NAME>``), its group id, and its display name, tags (comma
    #: separated) and help text, the last three marked ``QT_TRANSLATE_NOOP("<class name>", ...)``.
    NAME = ""
    GROUP = ""
    DISPLAY_NAME = ""
    TAGS = ""
    HELP = ""
    #: What the work in the database is when INPUT is a PostGIS table (marked like HELP), or "" (none).
    IN_DATABASE = ""

    def createInstance(self):
        return type(self)()

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:
        return self.tr(self.DISPLAY_NAME)

    def groupId(self) -> str:
        return self.GROUP

    def group(self) -> str:
        return self.tr(GROUPS[self.groupId()])

    def tags(self):
        return self.tr(self.TAGS).split(",")

    def shortHelpString(self) -> str:
        text = self.tr(self.HELP)
        if self.IN_DATABASE:
            text += "<p><b>{}</b>: {} {}</p>".format(
                _base_tr("PostGIS"), _base_tr(IN_DATABASE_INTRO), self.tr(self.IN_DATABASE)
            )
        return text

    def helpUrl(self) -> str:
        return HELP_URL.format(self.name())

    def add_parameter(self, param: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False) -> None:
        """Add ``param`` with its help text (and the advanced flag for rarely-changed knobs)."""
        param.setHelp(help_text)
        if advanced:
            param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)

    # ------------------------------------------------------------ parameter builders

    def add_source(
        self,
        name: str,
        label: str,
        help_text: str,
        types: Sequence[int] = (QgsProcessing.TypeVectorPoint,),
        optional: bool = False,
        advanced: bool = False,
    ) -> None:
        """A feature-source parameter (points by default), e.g. ``self.add_source(self.INPUT, self.tr("Reads"), help)``."""
        param = QgsProcessingParameterFeatureSource(name, label, list(types), optional=optional)
        self.add_parameter(param, help_text, advanced)

    def add_field(
        self,
        name: str,
        label: str,
        default: Optional[str],
        help_text: str,
        parent: str = "INPUT",
        kind: int = QgsProcessingParameterField.Any,
        multiple: bool = False,
        optional: bool = True,
        advanced: bool = False,
    ) -> None:
        """A field parameter of the layer ``parent`` (optional by default)."""
        param = QgsProcessingParameterField(name, label, default, parent, kind, multiple, optional)
        self.add_parameter(param, help_text, advanced)

    def add_plate_field(
        self, help_text: str, kind: int = QgsProcessingParameterField.Any, advanced: bool = False
    ) -> None:
        """``PLATE_FIELD``: optional field of INPUT, default ``plate``."""
        self.add_field("PLATE_FIELD", _base_tr("Plate field"), "plate", help_text, kind=kind, advanced=advanced)

    def add_device_field(
        self, help_text: str, kind: int = QgsProcessingParameterField.Any, advanced: bool = False
    ) -> None:
        """``DEVICE_FIELD``: optional field of INPUT, default ``device``."""
        self.add_field("DEVICE_FIELD", _base_tr("Device field"), "device", help_text, kind=kind, advanced=advanced)

    def add_time_field(
        self, help_text: str, kind: int = QgsProcessingParameterField.Any, advanced: bool = False
    ) -> None:
        """``TIME_FIELD``: optional field of INPUT, default ``read_time``."""
        self.add_field("TIME_FIELD", _base_tr("Time field"), "read_time", help_text, kind=kind, advanced=advanced)

    def add_sink(
        self,
        name: str,
        label: str,
        kind: int = QgsProcessing.TypeVector,
        optional: bool = False,
        create_by_default: bool = True,
    ) -> None:
        """A feature sink; an optional one (a table of statistics, REJECTED, AUDIT) may be left unset."""
        self.addParameter(QgsProcessingParameterFeatureSink(name, label, kind, None, optional, create_by_default))

    def add_numbers(self, outputs: Iterable[Tuple[str, str]]) -> None:
        """Number outputs, from (name, label) pairs; counts end in ``_COUNT``."""
        for name, label in outputs:
            self.addOutput(QgsProcessingOutputNumber(name, label))

    # ------------------------------------------------------------ large inputs

    #: Rough cost of a run per million input features (measured; see each help text), for ``log_estimate``;
    #: memory above QGIS's own is ``MIB_FIXED + MIB_PER_MILLION`` × millions (a step that streams its reads
    #: has most of its memory in the fixed part).
    SECONDS_PER_MILLION: Optional[float] = None
    MIB_PER_MILLION: Optional[float] = None
    MIB_FIXED: float = 0.0

    def log_estimate(self, feedback, features: int) -> None:
        """Before the work on more than ``MANY_FEATURES`` features, log roughly how long and how much memory.

        Uses the class's ``SECONDS_PER_MILLION``, ``MIB_FIXED`` and
        ``MIB_PER_MILLION`` (nothing is logged when they are not set, or for
        smaller inputs).
        """
        if features is None or features <= MANY_FEATURES or self.SECONDS_PER_MILLION is None:
            return
        millions = features / 1e6
        seconds = max(1.0, self.SECONDS_PER_MILLION * millions)
        text = _base_tr("{:,} features: expect roughly {} and {} of memory on a laptop.").format(
            int(features),
            _duration(seconds),
            _size(self.MIB_FIXED + self.MIB_PER_MILLION * millions) if self.MIB_PER_MILLION is not None else "?",
        )
        feedback.pushInfo(text)

    def processAlgorithm(self, parameters: Dict, context, feedback) -> Dict:
        clash = find_clash(self, parameters, context)
        if clash is not None:  # before any work: nothing is read, nothing is created
            raise QgsProcessingException(clash)
        try:
            return self.process(parameters, context, feedback)
        except AlprInputError as err:
            raise QgsProcessingException(
                err.describe(translate=lambda t: QCoreApplication.translate("alpr_core", t))
            ) from None
        except Cancelled:
            feedback.pushInfo(self.tr("Cancelled: nothing more was written."))
            return {}
        except OSError as err:  # one the writers did not turn into their one line (write_failure): still one line
            if not err.filename:
                raise
            name = os.path.basename(os.fspath(err.filename))
            raise QgsProcessingException("{}: {}".format(name, err.strerror or err.__class__.__name__)) from None


def _duration(seconds: float) -> str:
    if seconds < 90:
        return _base_tr("{:.0f} s").format(seconds)
    if seconds < 5400:
        return _base_tr("{:.0f} min").format(seconds / 60)
    return _base_tr("{:.1f} h").format(seconds / 3600)


def _size(mib: float) -> str:
    if mib < 1024:
        return _base_tr("{:.0f} MiB").format(max(mib, 1.0))
    return _base_tr("{:.1f} GiB").format(mib / 1024)
