"""alpr:cleanreads — Remove misreads and null-island points."""

from __future__ import annotations

import contextlib
import os
from typing import Dict, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.cleaning import (
    REASONS,
    CleanRules,
    DuplicateFinder,
    classify_reads,
    compile_government,
    rules_lexicon,
    sign_word_set,
    split_reads,
)
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.geodesy import NULL_ISLAND_TOLERANCE_DEG
from alpr_qgis.core.heap import trim
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import HashedCheck, plate_column, plate_field_name
from alpr_qgis.core.scratch import ScratchDir
from alpr_qgis.qgis_io.crs import to_degrees
from alpr_qgis.qgis_io.inputs import reads_crs
from alpr_qgis.qgis_io.outputs import requested_destination
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import FrameStream, read_chunks

pd = lazy_module("pandas")

#: Reads held at a time (a chunk of the input and what is made of it); tests make it small.
CHUNK_ROWS = 100_000
#: Reads the duplicate flagging sorts at a time (one bucket of reads parted by plate); tests make it small.
BUCKET_READS = 250_000


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
    GOVERNMENT_READ_COUNT = "GOVERNMENT_READ_COUNT"
    PLATES_HASHED = "PLATES_HASHED"
    # Memory above QGIS's own: net 238 and 310 MiB at 0.5 and 2 million reads.
    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 13.0, 215.0, 48.0

    NAME = "cleanreads"
    GROUP = "prepare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("CleanReadsAlgorithm", "Remove misreads and null-island points")
    TAGS = QT_TRANSLATE_NOOP(
        "CleanReadsAlgorithm", "alpr,anpr,lpr,plate,misread,clean,sign,null island,duplicate,government"
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "CleanReadsAlgorithm",
        "Only the distinct plates come back: they are judged by the same rules here, and the verdicts go "
        "back into a temporary table; the location and duplicate rules run in SQL. An OUTPUT table in "
        "the same database is made there in one transaction; any other output is streamed a chunk at a "
        "time.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "CleanReadsAlgorithm",
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
        "CLEAN_COUNT, REJECTED_COUNT, DUPLICATE_COUNT, GOVERNMENT_READ_COUNT and one per reason "
        "(EMPTY_PLATE_COUNT, INVALID_CHARS_COUNT, SIGN_WORD_COUNT, OVERLENGTH_COUNT, "
        "GOVERNMENT_COUNT, INVALID_LOCATION_COUNT, NULL_GEOMETRY_COUNT, NULL_ISLAND_COUNT).</p>"
        "<p><b>Large layers.</b> The reads are read, tested and written a chunk at a time. With DEDUP_SECONDS "
        "a first pass parts the reads by plate into temporary files of a private folder (removed at the end) "
        "and looks for duplicates one part at a time; for the whole layer only a byte per read is kept (and the "
        "points for the output's spatial index), so "
        "memory barely grows with the number of reads. Measured here (2 cores): about 13 s per million "
        "reads; about 480 MB of memory for half a million reads and 560 MB for two million, QGIS (about "
        "250 MB) included. A run on more than a million reads logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:cleanreads -- INPUT=reads.gpkg "
        "OUTPUT=clean.gpkg REJECTED=misreads.gpkg DEDUP_SECONDS=60</code></p>"
    )  # fmt: skip

    def initAlgorithm(self, config=None) -> None:
        add = self.add_parameter
        self.add_source(self.INPUT, self.tr("Reads"), self.tr("ALPR reads, e.g. the output of alpr:loadreads."))
        self.add_plate_field(
            self.tr("The text field holding the plates (default: plate)."), kind=QgsProcessingParameterField.String
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
        self.add_device_field(
            self.tr("Field naming the camera or car, for duplicate flagging (default: device)."), advanced=True
        )
        self.add_time_field(
            self.tr("Date-time field of the read, for duplicate flagging (default: read_time)."),
            kind=QgsProcessingParameterField.DateTime,
            advanced=True,
        )
        self.add_sink(self.OUTPUT, self.tr("Clean reads"), QgsProcessing.TypeVectorPoint)
        self.add_sink(self.REJECTED, self.tr("Rejected reads"), QgsProcessing.TypeVectorPoint, optional=True)
        self.add_numbers(
            [(self.CLEAN_COUNT, self.tr("Clean reads")), (self.REJECTED_COUNT, self.tr("Rejected reads"))]
            + [(reason.upper() + "_COUNT", self.tr("Reads rejected as {}").format(reason)) for reason in REASONS]
            + [
                (self.DUPLICATE_COUNT, self.tr("Clean reads flagged duplicate")),
                (self.GOVERNMENT_READ_COUNT, self.tr("Reads of government plates")),
            ]
        )
        self.addOutput(QgsProcessingOutputBoolean(self.PLATES_HASHED, self.tr("Plates arrived hashed")))

    def _rules(self, parameters: Dict, context) -> CleanRules:
        pattern = self.parameterAsString(parameters, self.GOVERNMENT_PATTERN, context) or r"\d{7}"
        compile_government(pattern)
        return CleanRules(
            max_plate_length=self.parameterAsInt(parameters, self.MAX_PLATE_LENGTH, context),
            extra_sign_words=tuple(sign_word_set(self.parameterAsString(parameters, self.EXTRA_SIGN_WORDS, context))),
            null_island_tolerance=self.parameterAsDouble(parameters, self.NULL_ISLAND_TOLERANCE, context),
            government_pattern=pattern,
            exclude_government=self.parameterAsBool(parameters, self.EXCLUDE_GOVERNMENT, context),
            dedup_seconds=self.parameterAsDouble(parameters, self.DEDUP_SECONDS, context),
        )

    def _in_database(self, parameters: Dict, context, feedback) -> Optional[Dict]:
        """On a plain PostGIS table: the work done in its database (``qgis_io.postgis.clean``); else None."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (not at import: the provider loads light)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is None:
            return None
        from alpr_qgis.qgis_io.postgis.clean import run_clean

        with pg:
            return run_clean(self, pg, parameters, context, feedback)

    def process(self, parameters: Dict, context, feedback) -> Dict:
        pushed = self._in_database(parameters, context, feedback)
        if pushed is not None:
            return pushed
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = source.sourceName() or "the input layer"
        self.log_estimate(feedback, source.featureCount())
        rules = self._rules(parameters, context)
        columns = [f.name() for f in source.fields()]
        plate_field = self.parameterAsString(parameters, self.PLATE_FIELD, context) or "plate"
        plate = plate_field_name(columns, plate_field, layer_name)
        device_field = self.parameterAsString(parameters, self.DEVICE_FIELD, context) or "device"
        time_field = self.parameterAsString(parameters, self.TIME_FIELD, context) or "read_time"
        dedup = rules.dedup_seconds > 0 and device_field in columns and time_field in columns
        if rules.dedup_seconds > 0 and not dedup:
            feedback.pushWarning(
                self.tr("Duplicate flagging needs the fields {} and {}; it was skipped.").format(
                    device_field, time_field
                )
            )

        feedback.setProgressText(self.tr("Looking over the plates"))
        finder = self._look_over(
            parameters, context, feedback, rules, [plate, device_field, time_field] if dedup else [plate]
        )
        if rules.plates_hashed:
            feedback.pushInfo(self.tr("The plates arrived hashed: plate-text rules are skipped."))
        feedback.setProgressText(self.tr("Applying the rules and writing"))
        run = _CleanRun(self, parameters, context, feedback, rules, layer_name, finder)
        run.rejected_wanted = sink_requested(parameters, self.REJECTED)
        try:
            counts = run.clean_chunks(plate)
            trim()  # (the chunks' freed memory back to the system before the spatial index is packed)
            dest, n_clean = run.clean.finish(progress_span(feedback, 90, 95), feedback.isCanceled)
            rej_dest, n_rejected = run.finish_rejected(progress_span(feedback, 95, 100))
        except BaseException:
            run.forget()
            raise
        check_accounted(run.total, n_clean, run.rejected_count)
        return self.finish_results(
            feedback,
            context,
            dest,
            rej_dest,
            run.total,
            n_clean,
            counts,
            run.duplicate_count,
            run.government_count,
            rules.plates_hashed,
        )

    def finish_results(
        self, feedback, context, dest, rej_dest, total, n_clean, counts, duplicates, government, hashed
    ) -> Dict:
        """Style the outputs, log the counts, and the results (the file path's and the PostGIS push-down's)."""
        style_vector_output(dest, "reads", context, feedback)
        style_vector_output(rej_dest, "rejected", context, feedback)
        rejected = total - n_clean
        if not total:
            feedback.pushWarning(self.tr("The input layer has no features."))
        feedback.pushInfo(self.tr("{} reads: {} clean, {} rejected.").format(total, n_clean, rejected))
        for reason in REASONS:
            if counts[reason]:
                feedback.pushInfo(self.tr("  {}: {}").format(reason, counts[reason]))
        results = {
            self.OUTPUT: dest,
            self.REJECTED: rej_dest,
            self.CLEAN_COUNT: n_clean,
            self.REJECTED_COUNT: rejected,
            self.DUPLICATE_COUNT: duplicates,
            self.GOVERNMENT_READ_COUNT: government,
            self.PLATES_HASHED: hashed,
        }
        results.update({reason.upper() + "_COUNT": counts[reason] for reason in REASONS})
        return results

    def _look_over(self, parameters, context, feedback, rules: CleanRules, fields) -> Optional[DuplicateFinder]:
        """First look at the reads: are the plates hashed (``rules.plates_hashed``), and the duplicate flags.

        Reads only ``fields`` (the plate; with DEDUP_SECONDS also the device
        and the time); without duplicate flagging, usually only the first
        chunk's plates (the first thousand plates tell hashed ones apart).
        The duplicate finder parts the reads by plate into files of a
        private scratch folder (plate texts), removed once the flags are made.
        """
        hashed = HashedCheck()
        finder = scratch = None
        progress = progress_span(feedback, 0, 20)
        reading = read_chunks(
            self,
            parameters,
            self.INPUT,
            context,
            fields,
            geometry=False,
            chunk_rows=CHUNK_ROWS,
            cancelled=feedback.isCanceled,
        )
        try:
            with reading as chunks:
                if len(fields) == 3:
                    scratch = ScratchDir(QgsProcessingUtils.tempFolder())
                    finder = DuplicateFinder(rules.dedup_seconds, scratch.path, chunks.total, BUCKET_READS)
                for chunk in chunks:
                    plates = chunk.table[fields[0]]
                    hashed.add(plates)
                    if finder is not None:
                        finder.add(plates, chunk.table[fields[1]], chunk.table[fields[2]])
                    elif hashed.decided:
                        break
                    progress((chunk.offset + len(chunk.table)) / max(1, chunks.total))
            rules.plates_hashed = hashed.answer()
            if finder is not None:
                finder.duplicates = finder.flags(progress_span(feedback, 20, 25), feedback.isCanceled)
        finally:
            if scratch is not None:
                scratch.close()
        trim()
        return finder


def sink_requested(parameters: Dict, name: str) -> bool:
    """False for an optional sink left unset (nothing to write; its count is still reported)."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        return bool(value.sink.staticValue())
    return bool(value)


class _CleanRun:
    """The main pass: chunk after chunk classified and handed to the OUTPUT and REJECTED streams."""

    def __init__(self, alg, parameters, context, feedback, rules, layer_name, finder) -> None:
        self.alg, self.parameters, self.context, self.feedback = alg, parameters, context, feedback
        self.rules, self.layer_name, self.finder = rules, layer_name, finder
        self.lexicon = rules_lexicon(rules)
        self.clean = self.rejected = None
        self.rejected_wanted = True
        self.later: Optional[list] = None  # rejected chunks held back (OUTPUT and REJECTED in one file)
        self.total = self.rejected_count = self.duplicate_count = self.government_count = 0

    def clean_chunks(self, plate: str) -> Dict[str, int]:
        alg, feedback = self.alg, self.feedback
        counts = dict.fromkeys(REASONS, 0)
        progress = progress_span(feedback, 25 if self.finder is not None else 20, 90)
        with read_chunks(
            alg, self.parameters, alg.INPUT, self.context, None, chunk_rows=CHUNK_ROWS, cancelled=feedback.isCanceled
        ) as chunks:
            crs = chunks.crs
            for chunk in chunks:
                if not chunks.crs.isValid():  # (every chunk's coordinates are checked)
                    crs = reads_crs(chunk, self.layer_name, feedback, alg, warn=chunk.offset == 0)
                if self.clean is None:
                    self.clean = FrameStream(alg, self.parameters, alg.OUTPUT, self.context, crs)
                    if self.rejected_wanted:
                        self.rejected = FrameStream(alg, self.parameters, alg.REJECTED, self.context, crs)
                        self.later = [] if self._one_file() else None  # (then written once OUTPUT is done)
                self._chunk(chunk, plate, crs, counts, chunk.offset + len(chunk.table) >= chunks.total)
                progress((chunk.offset + len(chunk.table)) / max(1, chunks.total))
        return counts

    def _chunk(self, chunk, plate: str, crs, counts: Dict[str, int], last: bool) -> None:
        table, n = chunk.table, len(chunk.table)
        plates = plate_column(table, plate, self.layer_name, first_row=chunk.offset)
        lon, lat = to_degrees(chunk.x, chunk.y, crs, self.context.transformContext())
        flags = None
        if self.finder is not None:
            flags = self.finder.duplicates[chunk.offset : chunk.offset + n]
        result = classify_reads(plates, chunk.x, chunk.y, lon, lat, self.rules, duplicates=flags, lexicon=self.lexicon)
        out, rejected, clean = split_reads(table, result)
        cancelled = self.feedback.isCanceled
        if not self.clean.append(out, chunk.x[clean], chunk.y[clean], cancelled, last=last):
            raise Cancelled()
        if self.later is not None:
            self.later.append((rejected, chunk.x[~clean], chunk.y[~clean]))
        elif self.rejected is not None and not self.rejected.append(
            rejected, chunk.x[~clean], chunk.y[~clean], cancelled, last=last
        ):
            raise Cancelled()
        self.total += n
        trim()  # (a chunk's freed memory back to the system: it does not pile up over millions of reads)
        self.rejected_count += len(rejected)
        self.duplicate_count += int(result.is_duplicate.sum())
        self.government_count += int(result.is_government.sum())
        for reason, count in result.counts.items():
            counts[reason] += count

    def _one_file(self) -> bool:
        """True when OUTPUT and REJECTED are two layers of one GeoPackage file (written one after the other)."""
        paths = [requested_destination(self.alg, self.parameters, n, self.context) for n in ("OUTPUT", "REJECTED")]
        return None not in paths and os.path.abspath(paths[0].path) == os.path.abspath(paths[1].path)

    def finish_rejected(self, progress) -> Tuple[Optional[str], int]:
        if self.rejected is None:
            return None, 0
        if self.later is not None:  # (OUTPUT is in its file now: the layer goes in beside it)
            frames, self.later = self.later, None
            table = pd.concat([f[0] for f in frames], ignore_index=True)
            x, y = np.concatenate([f[1] for f in frames]), np.concatenate([f[2] for f in frames])
            self.rejected.append(table, x, y, self.feedback.isCanceled, last=True)
        dest, rows = self.rejected.finish(progress, self.feedback.isCanceled)
        if rows != self.rejected_count:
            check_accounted(self.rejected_count, rows, what="rejected reads")
        return dest, rows

    def forget(self) -> None:
        """Drop what the streams took (nothing half-written is left)."""
        for stream in (self.clean, self.rejected):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.forget()
