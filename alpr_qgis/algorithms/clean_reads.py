"""alpr:cleanreads — Remove misreads and null-island points."""

from __future__ import annotations

from typing import Dict

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.cleaning import REASONS, CleanRules, classify_reads, compile_government, sign_word_set
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.geodesy import NULL_ISLAND_TOLERANCE_DEG
from alpr_qgis.core.plates import plate_column, plates_look_hashed
from alpr_qgis.qgis_io.crs import to_degrees
from alpr_qgis.qgis_io.inputs import reads_crs
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame


class CleanReadsAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    PLATE_FIELD = "PLATE_FIELD"
    MAX_PLATE_LENGTH = "MAX_PLATE_LENGTH"
    EXTRA_SIGN_WORDS = "EXTRA_SIGN_WORDS"
    NULL_ISLAND_TOLERANCE = "NULL_ISLAND_TOLERANCE"
    GOVERNMENT_PATTERN = "GOVERNMENT_PATTERN"
    EXCLUDE_GOVERNMENT = "EXCLUDE_GOVERNMENT"
    DEDUP_SECONDS = "DEDUP_SECONDS"
    DEVICE_FIELD = "DEVICE_FIELD"
    TIME_FIELD = "TIME_FIELD"
    OUTPUT = "OUTPUT"
    REJECTED = "REJECTED"
    CLEAN_COUNT = "CLEAN_COUNT"
    REJECTED_COUNT = "REJECTED_COUNT"
    DUPLICATE_COUNT = "DUPLICATE_COUNT"
    GOVERNMENT_READS = "GOVERNMENT_READS"
    PLATES_HASHED = "PLATES_HASHED"

    def name(self) -> str:
        return "cleanreads"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Remove misreads and null-island points")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "prepare"

    def tags(self):
        return self.tr("alpr,anpr,lpr,plate,misread,clean,sign,null island,duplicate,government").split(",")

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
            "<p>Separates trustworthy reads from misreads and unusable locations. Every read lands in "
            "exactly one output: <b>OUTPUT</b> (clean reads) or <b>REJECTED</b> (with the reason); "
            "CLEAN_COUNT + REJECTED_COUNT = the input's features.</p>"
            "<p>Plates are first normalised: upper case, spaces, dashes and dots removed "
            '("6trm-913" is tested as 6TRM913, "ONE WAY" as ONEWAY). The rules, in the order '
            "that picks the primary <i>reason</i> (all failing rules are listed in <i>reasons</i>):</p>"
            "<ul><li><b>empty_plate</b>: no plate text.</li>"
            "<li><b>invalid_chars</b>: characters other than letters and digits.</li>"
            "<li><b>sign_word</b>: road, traffic or parking sign text read as a plate: about 220 "
            "legends of US signs (STOP, YIELD, ONE WAY, DO NOT ENTER, NO PARKING, TOW AWAY ZONE, "
            "SCHOOL BUS, ROAD CLOSED, NO TURN ON RED, RIGHT LANE MUST TURN RIGHT, PED XING, EXIT…; "
            "multi-word legends as one string), recognised through OCR confusions: digits or pairs "
            "read for letters anywhere (0/O, 1/I/L, 5/S, 8/B, 2/Z, 6/G, 4/A, 7/T, CJ/O, M/N…: "
            "CAUT10N, SCH00L) and one more error. In words of five letters or more that error may be "
            "a look-alike letter (PARKIMG), two letters swapped (YEILD), a letter doubled, a character "
            "added at either end, the first or last letter dropped (ROSSWALK) or the text cut at a "
            "reader's length limit; in words of six letters or more, on text without digits, also any "
            "letter dropped, added or replaced anywhere (CAUTON, PARKNIG, DETOUT). Words of four "
            "letters or fewer must match whole, nothing shorter than five characters matches loosely, "
            "and text with more than two digits is never a sign: no sequential plate of a US format "
            "is taken for a sign (none of 105,000 random ones in 14 formats, in the tests) and "
            "plates that merely contain a word (CAT123, STOP4ME, BIKE4ME) stay clean. <i>detail</i> "
            "names the word. Add words with EXTRA_SIGN_WORDS (comma-separated); they get the same "
            "variants.</li>"
            "<li><b>overlength</b>: longer than MAX_PLATE_LENGTH characters (7 by default).</li>"
            "<li><b>government</b>: matches GOVERNMENT_PATTERN (a regular expression, seven digits "
            "by default: California's exempt plates) — only when EXCLUDE_GOVERNMENT is checked. "
            "Otherwise such reads stay clean with <i>is_government</i> = true.</li>"
            "<li><b>invalid_location</b>: latitude beyond ±90 or longitude beyond ±180 (layers in "
            "a projected CRS are converted to degrees first).</li>"
            "<li><b>null_geometry</b>: the read has no location.</li>"
            "<li><b>null_island</b>: within NULL_ISLAND_TOLERANCE degrees of 0,0, where reads "
            "without coordinates end up.</li></ul>"
            "<p>Plates that arrived hashed (hex or base64 text of one length, 16 or more) skip the "
            "plate-text rules; PLATES_HASHED and the log say so.</p>"
            "<p><b>DEDUP_SECONDS</b> (0 = off): a read of the same plate by the same device within "
            "that many seconds of its previous read is flagged <i>is_duplicate</i> (a parked "
            "patrol car re-reading its neighbour inflates every count) — flagged, not removed.</p>"
            "<p>Outputs: clean reads with every input field plus is_government and is_duplicate; "
            "rejected reads with every input field plus reason, reasons and detail; counts "
            "CLEAN_COUNT, REJECTED_COUNT, DUPLICATE_COUNT, GOVERNMENT_READS and one per reason "
            "(EMPTY_PLATE_COUNT, INVALID_CHARS_COUNT, SIGN_WORD_COUNT, OVERLENGTH_COUNT, "
            "GOVERNMENT_COUNT, INVALID_LOCATION_COUNT, NULL_GEOMETRY_COUNT, NULL_ISLAND_COUNT).</p>"
            "<p>Example: <code>qgis_process.bin run alpr:cleanreads -- INPUT=reads.gpkg "
            "OUTPUT=clean.gpkg REJECTED=misreads.gpkg DEDUP_SECONDS=60</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("ALPR reads, e.g. the output of alpr:loadreads."),
        )
        add(
            QgsProcessingParameterField(
                self.PLATE_FIELD,
                self.tr("Plate field"),
                "plate",
                self.INPUT,
                QgsProcessingParameterField.String,
                optional=True,
            ),
            self.tr("The text field holding the plates (default: plate)."),
        )
        add(
            QgsProcessingParameterNumber(
                self.MAX_PLATE_LENGTH,
                self.tr("Maximum plate length (characters)"),
                QgsProcessingParameterNumber.Integer,
                7,
                minValue=1,
            ),
            self.tr("Longer plates (spaces and dashes not counted) are overlength misreads."),
        )
        add(
            QgsProcessingParameterString(
                self.EXTRA_SIGN_WORDS, self.tr("Extra sign words (comma-separated)"), optional=True
            ),
            self.tr("More sign or business text to treat as misreads, e.g. PIZZA, OPEN HOUSE."),
        )
        add(
            QgsProcessingParameterNumber(
                self.NULL_ISLAND_TOLERANCE,
                self.tr("Null-island tolerance (degrees)"),
                QgsProcessingParameterNumber.Double,
                NULL_ISLAND_TOLERANCE_DEG,
                minValue=0,
            ),
            self.tr("Reads within this many degrees of 0,0 are null-island points."),
            True,
        )
        add(
            QgsProcessingParameterString(
                self.GOVERNMENT_PATTERN, self.tr("Government plate pattern (regex)"), r"\d{7}"
            ),
            self.tr("A regular expression matching whole normalised plates of government vehicles."),
            True,
        )
        add(
            QgsProcessingParameterBoolean(self.EXCLUDE_GOVERNMENT, self.tr("Exclude government plates"), False),
            self.tr("Reject reads of government plates (reason government) instead of flagging them."),
        )
        add(
            QgsProcessingParameterNumber(
                self.DEDUP_SECONDS,
                self.tr("Duplicate window (seconds, 0 = off)"),
                QgsProcessingParameterNumber.Double,
                0,
                minValue=0,
            ),
            self.tr("Flag re-reads of the same plate by the same device within this many seconds."),
        )
        add(
            QgsProcessingParameterField(
                self.DEVICE_FIELD, self.tr("Device field"), "device", self.INPUT, optional=True
            ),
            self.tr("Field naming the camera or car, for duplicate flagging (default: device)."),
            True,
        )
        add(
            QgsProcessingParameterField(
                self.TIME_FIELD,
                self.tr("Time field"),
                "read_time",
                self.INPUT,
                QgsProcessingParameterField.DateTime,
                optional=True,
            ),
            self.tr("Date-time field of the read, for duplicate flagging (default: read_time)."),
            True,
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Clean reads"), QgsProcessing.TypeVectorPoint)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.REJECTED, self.tr("Rejected reads"), QgsProcessing.TypeVectorPoint)
        )
        self.addOutput(QgsProcessingOutputNumber(self.CLEAN_COUNT, self.tr("Clean reads")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED_COUNT, self.tr("Rejected reads")))
        for reason in REASONS:
            self.addOutput(
                QgsProcessingOutputNumber(reason.upper() + "_COUNT", self.tr("Reads rejected as {}").format(reason))
            )
        self.addOutput(QgsProcessingOutputNumber(self.DUPLICATE_COUNT, self.tr("Clean reads flagged duplicate")))
        self.addOutput(QgsProcessingOutputNumber(self.GOVERNMENT_READS, self.tr("Reads of government plates")))
        self.addOutput(QgsProcessingOutputBoolean(self.PLATES_HASHED, self.tr("Plates arrived hashed")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = source.sourceName() or "the input layer"
        plate_field = self.parameterAsString(parameters, self.PLATE_FIELD, context) or "plate"
        pattern = self.parameterAsString(parameters, self.GOVERNMENT_PATTERN, context) or r"\d{7}"
        compile_government(pattern)
        rules = CleanRules(
            max_plate_length=self.parameterAsInt(parameters, self.MAX_PLATE_LENGTH, context),
            extra_sign_words=tuple(sign_word_set(self.parameterAsString(parameters, self.EXTRA_SIGN_WORDS, context))),
            null_island_tolerance=self.parameterAsDouble(parameters, self.NULL_ISLAND_TOLERANCE, context),
            government_pattern=pattern,
            exclude_government=self.parameterAsBool(parameters, self.EXCLUDE_GOVERNMENT, context),
            dedup_seconds=self.parameterAsDouble(parameters, self.DEDUP_SECONDS, context),
        )
        device_field = self.parameterAsString(parameters, self.DEVICE_FIELD, context) or "device"
        time_field = self.parameterAsString(parameters, self.TIME_FIELD, context) or "read_time"

        feedback.setProgressText(self.tr("Reading reads"))
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            progress=lambda f: feedback.setProgress(30 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        table = frame.table
        plates = plate_column(table, plate_field, layer_name)
        rules.plates_hashed = plates_look_hashed(plates)
        if rules.plates_hashed:
            feedback.pushInfo(self.tr("The plates arrived hashed: plate-text rules are skipped."))
        crs = reads_crs(frame, layer_name, feedback, self)
        lon, lat = to_degrees(frame.x, frame.y, crs, context.transformContext())
        devices = table[device_field] if device_field in table.columns else None
        times = table[time_field] if time_field in table.columns else None
        if rules.dedup_seconds > 0 and (devices is None or times is None):
            feedback.pushWarning(
                self.tr("Duplicate flagging needs the fields {} and {}; it was skipped.").format(
                    device_field, time_field
                )
            )

        feedback.setProgressText(self.tr("Applying the rules"))
        result = classify_reads(
            plates,
            frame.x,
            frame.y,
            lon,
            lat,
            rules,
            devices=devices,
            times=times,
            progress=lambda f: feedback.setProgress(30 + 20 * f),
            cancelled=feedback.isCanceled,
        )
        clean = result.clean
        out = table[clean].reset_index(drop=True)
        out["is_government"] = result.is_government[clean]
        out["is_duplicate"] = result.is_duplicate[clean]
        rejected = table[~clean].reset_index(drop=True)
        rejected["reason"] = result.reason[~clean]
        rejected["reasons"] = result.reasons[~clean]
        rejected["detail"] = result.detail[~clean]

        feedback.setProgressText(self.tr("Writing"))
        dest, n_clean = write_frame(
            self,
            parameters,
            self.OUTPUT,
            context,
            out,
            x=frame.x[clean],
            y=frame.y[clean],
            crs=crs,
            progress=lambda f: feedback.setProgress(50 + 40 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "reads", context, feedback)
        rej_dest, n_rejected = write_frame(
            self,
            parameters,
            self.REJECTED,
            context,
            rejected,
            x=frame.x[~clean],
            y=frame.y[~clean],
            crs=crs,
            progress=lambda f: feedback.setProgress(90 + 10 * f),
            cancelled=feedback.isCanceled,
        )
        style_vector_output(rej_dest, "rejected", context, feedback)
        if n_clean + n_rejected != len(table):  # cheap, and it catches real bugs
            raise QgsProcessingException(
                self.tr("Internal error: {} reads unaccounted for.").format(len(table) - n_clean - n_rejected)
            )
        if not len(table):
            feedback.pushWarning(self.tr("The input layer has no features."))
        feedback.pushInfo(self.tr("{} reads: {} clean, {} rejected.").format(len(table), n_clean, n_rejected))
        for reason in REASONS:
            if result.counts[reason]:
                feedback.pushInfo(self.tr("  {}: {}").format(reason, result.counts[reason]))
        results = {
            self.OUTPUT: dest,
            self.REJECTED: rej_dest,
            self.CLEAN_COUNT: n_clean,
            self.REJECTED_COUNT: n_rejected,
            self.DUPLICATE_COUNT: int(result.is_duplicate.sum()),
            self.GOVERNMENT_READS: int(result.is_government.sum()),
            self.PLATES_HASHED: rules.plates_hashed,
        }
        results.update({reason.upper() + "_COUNT": result.counts[reason] for reason in REASONS})
        return results
