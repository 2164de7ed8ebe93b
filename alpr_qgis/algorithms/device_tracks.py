"""alpr:devicetracks — Each camera's reads joined into lines, one per continuous patrol."""

from __future__ import annotations

import math
from typing import Dict, Optional

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.scratch import ScratchDir
from alpr_qgis.core.tracks import FIXED, FIXED_RADIUS_M, NO_DEVICE, NO_GEOMETRY, NO_TIME
from alpr_qgis.qgis_io.crs import _SAMPLE as SAMPLE_POINTS
from alpr_qgis.qgis_io.crs import is_metric, transform_xy, working_crs
from alpr_qgis.qgis_io.plumbing import check_accounted, write_output
from alpr_qgis.qgis_io.streamed_reads import sample_xy, spill_track_reads
from alpr_qgis.qgis_io.track_spill import LineStream, TrackWork

pd = lazy_module("pandas")


class DeviceTracksAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    DEVICE_FIELD = "DEVICE_FIELD"
    TIME_FIELD = "TIME_FIELD"
    MAX_GAP_MINUTES = "MAX_GAP_MINUTES"
    MAX_SPEED_KMH = "MAX_SPEED_KMH"
    DROP_GLITCHES = "DROP_GLITCHES"
    OUTPUT = "OUTPUT"
    TRACK_COUNT = "TRACK_COUNT"
    DEVICE_COUNT = "DEVICE_COUNT"
    SINGLE_READ_COUNT = "SINGLE_READ_COUNT"
    GLITCH_COUNT = "GLITCH_COUNT"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    MISSING_TIME_COUNT = "MISSING_TIME_COUNT"
    MISSING_DEVICE_COUNT = "MISSING_DEVICE_COUNT"
    FIXED_RADIUS_M = "FIXED_RADIUS_M"
    FIXED_CAMERAS = "FIXED_CAMERAS"
    FIXED_CAMERA_COUNT = "FIXED_CAMERA_COUNT"
    MOBILE_DEVICE_COUNT = "MOBILE_DEVICE_COUNT"
    FIXED_READ_COUNT = "FIXED_READ_COUNT"
    # Measured (bench/_scale_worker.py's tracks at 0.5M and 2M reads): memory is about flat, ~90 MiB above
    # QGIS's own; the per-million figure (linear in base.log_estimate) errs high below ~2M reads and beyond.
    # Memory above QGIS's own: net 82 and 92 MiB at 0.5 and 2 million reads.
    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 8.5, 80.0, 7.0

    NAME = "devicetracks"
    GROUP = "map"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeviceTracksAlgorithm", "Draw device tracks")
    TAGS = QT_TRANSLATE_NOOP(
        "DeviceTracksAlgorithm", "alpr,anpr,lpr,device,camera,patrol,car,track,route,trajectory,line"
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "DeviceTracksAlgorithm",
        "The tracks are made with window functions per device there (ST_MakeLine); an OUTPUT table in "
        "the same database is made there in one transaction, any other output is streamed a chunk at a "
        "time.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "DeviceTracksAlgorithm",
        "<p>Joins each camera's reads, in time order, into lines: one line per device per "
        "continuous patrol, showing where each camera car drove and when.</p>"
        "<p><b>Reads</b> (INPUT): a point layer, e.g. the output of Load ALPR reads. The input "
        "order does not matter: reads are sorted by time within each device (reads with the "
        "same time keep their input order).</p>"
        "<p><b>Device field</b> (DEVICE_FIELD, default device) and <b>Time field</b> "
        "(TIME_FIELD, default read_time): the camera or car, and the date-time of each read (a "
        "date-time field, or text such as 2014-07-20 08:01:02).</p>"
        "<p><b>Maximum gap (minutes)</b> (MAX_GAP_MINUTES, default 30): a pause longer than "
        "this between two reads of a device starts a new track (end of a shift, a trip out of "
        "town with the camera off).</p>"
        "<p><b>Maximum speed (km/h)</b> (MAX_SPEED_KMH, default 150): a jump between two "
        "consecutive reads faster than this (straight-line distance over time) also starts a "
        "new track — a GPS glitch or a camera moved to another car. Timestamps are whole "
        "seconds, so reads less than a second apart count as one second apart.</p>"
        "<p><b>Leave out lone glitches</b> (DROP_GLITCHES, default true): a single read "
        "reached by a jump too fast and left by another, between two reads the car could have "
        "driven between — a GPS error, a point at 0,0 — is left out (GLITCH_COUNT) and the "
        "track goes on. When false, it breaks the track in three like any jump.</p>"
        "<p><b>Tracks</b> (OUTPUT, in the input's CRS): track_id, device, start_time, end_time, "
        "read_count, length_m (the sum of the straight steps between consecutive reads, in "
        "metres, measured in the local UTM zone — or in the layer's CRS when it is projected in "
        "metres), duration_min, start_reason (device_start, gap or speed: why the track "
        "begins), first_read_id and last_read_id (null when the reads have no read_id). The line's "
        "vertices are the reads, in time order.</p>"
        "<p><b>Fixed cameras</b> (FIXED_RADIUS_M, default 50 m; 0 = every device moves): a device "
        "with 10 reads or more whose reads (99 % of them, so one GPS glitch does not count) stay within "
        "this distance of "
        "their median position over the whole period is a fixed camera (on a pole, a bridge, a "
        "trailer), not a patrol car. Fixed cameras get no track; they come out as points in "
        "<b>Fixed cameras</b> (FIXED_CAMERAS, optional: device, read_count, first_time, last_time, "
        "spread_m — the radius holding 99 % of its reads) and their reads are counted in "
        "FIXED_READ_COUNT. FIXED_CAMERA_COUNT and MOBILE_DEVICE_COUNT count the devices of each "
        "kind.</p>"
        "<p><b>Counts</b>: TRACK_COUNT lines, DEVICE_COUNT devices, SINGLE_READ_COUNT reads "
        "that form a track of their own (a read isolated by gaps or jumps on both sides: "
        "counted, not drawn, since a line needs two points), MISSING_LOCATION_COUNT reads without "
        "geometry (or that cannot be projected), MISSING_TIME_COUNT reads with a location but no "
        "readable time, MISSING_DEVICE_COUNT reads with both but no device. Guarantee: the read_count "
        "total + SINGLE_READ_COUNT + GLITCH_COUNT + MISSING_LOCATION_COUNT + MISSING_TIME_COUNT + "
        "MISSING_DEVICE_COUNT + FIXED_READ_COUNT = the reads in INPUT.</p>"
        "<p><b>Time and memory</b>: the time grows in proportion to the reads, about 8 s per million reads "
        "on a busy 2-core machine; the memory hardly at all. The reads stream in a chunk at a time into files "
        "in a private scratch folder (removed at the end; about 120 bytes a read of disk for the time of the "
        "run), and the tracks are made a few devices, or one busy device's range of time, at a time and "
        "written as they are made. Measured: 0.5 and 2 million reads took 82 and 92 MiB of memory above QGIS's "
        "own (about 7 MiB more per million reads). A run on more than a million reads logs its estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:devicetracks -- INPUT=reads.gpkg "
        "MAX_GAP_MINUTES=30 MAX_SPEED_KMH=150 OUTPUT=tracks.gpkg</code></p>"
    )  # fmt: skip

    def initAlgorithm(self, config=None) -> None:
        param = QgsProcessingParameterFeatureSource(
            self.INPUT, self.tr("Reads"), [QgsProcessing.SourceType.TypeVectorPoint]
        )
        param.setHelp(self.tr("Point layer of reads with a device and a time field."))
        self.addParameter(param)
        param = QgsProcessingParameterField(
            self.DEVICE_FIELD, self.tr("Device field"), "device", self.INPUT, optional=True
        )
        param.setHelp(self.tr("Field naming the camera or patrol car (default device)."))
        self.addParameter(param)
        param = QgsProcessingParameterField(
            self.TIME_FIELD, self.tr("Time field"), "read_time", self.INPUT, optional=True
        )
        param.setHelp(self.tr("Field holding each read's date and time (default read_time)."))
        self.addParameter(param)
        param = QgsProcessingParameterNumber(
            self.MAX_GAP_MINUTES, self.tr("Maximum gap (minutes)"), QgsProcessingParameterNumber.Double, 30.0
        )
        param.setHelp(self.tr("A longer pause between two reads of a device starts a new track."))
        self.addParameter(param)
        param = QgsProcessingParameterNumber(
            self.MAX_SPEED_KMH, self.tr("Maximum speed (km/h)"), QgsProcessingParameterNumber.Double, 150.0
        )
        param.setHelp(self.tr("A faster jump between two consecutive reads starts a new track."))
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)
        param = QgsProcessingParameterBoolean(self.DROP_GLITCHES, self.tr("Leave out lone glitches"), True)
        param.setHelp(
            self.tr("Leave out a single read that jumps away and straight back (GPS error) instead of splitting.")
        )
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)
        param = QgsProcessingParameterNumber(
            self.FIXED_RADIUS_M,
            self.tr("Fixed camera radius (m)"),
            QgsProcessingParameterNumber.Double,
            FIXED_RADIUS_M,
            minValue=0.0,
        )
        param.setHelp(self.tr("A device whose reads stay this close to one place is a fixed camera (0: none)."))
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Device tracks"), QgsProcessing.TypeVectorLine)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.FIXED_CAMERAS,
                self.tr("Fixed cameras"),
                QgsProcessing.TypeVectorPoint,
                optional=True,
                createByDefault=True,
            )
        )
        self.add_numbers(
            (
                (self.TRACK_COUNT, self.tr("Tracks")),
                (self.DEVICE_COUNT, self.tr("Devices")),
                (self.SINGLE_READ_COUNT, self.tr("One-read tracks (not drawn)")),
                (self.GLITCH_COUNT, self.tr("Glitches left out")),
                (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
                (self.MISSING_TIME_COUNT, self.tr("Reads without a time")),
                (self.MISSING_DEVICE_COUNT, self.tr("Reads without a device")),
                (self.FIXED_CAMERA_COUNT, self.tr("Fixed cameras")),
                (self.MOBILE_DEVICE_COUNT, self.tr("Mobile devices (patrol cars)")),
                (self.FIXED_READ_COUNT, self.tr("Reads by fixed cameras")),
            )
        )

    def process(self, parameters: Dict, context, feedback) -> Dict:
        self._limits(parameters, context)
        in_database = self._in_database(parameters, context, feedback)
        if in_database is not None:
            return in_database
        device_field, time_field, has_read_id = self._fields(parameters, context)
        # The reads' columns go to files in a private folder (0700, removed on every exit path): memory holds a
        # chunk or a piece of them at a time (qgis_io.track_spill).
        scratch = ScratchDir(QgsProcessingUtils.tempFolder())
        try:
            return self._spilled(parameters, context, feedback, device_field, time_field, has_read_id, scratch.path)
        finally:
            scratch.close()

    def _spilled(self, parameters, context, feedback, device_field, time_field, has_read_id, folder) -> Dict:
        steps = QgsProcessingMultiStepFeedback(4, feedback)
        steps.setCurrentStep(0)
        reads, crs = spill_track_reads(
            self, parameters, context, feedback, device_field, time_field, has_read_id, steps.setProgress, folder
        )
        n_input = reads.n
        if n_input == 0:
            raise QgsProcessingException(self.tr("INPUT has no reads: the layer is empty."))

        steps.setCurrentStep(1)
        progress = lambda f: steps.setProgress(100 * f)  # noqa: E731
        work = self._in_metres(reads, crs, context, feedback, progress)
        kinds, fixed_raw = work.kinds(
            self.parameterAsDouble(parameters, self.FIXED_RADIUS_M, context), feedback.isCanceled
        )
        is_fixed = (kinds["kind"] == FIXED).to_numpy()
        n_fixed_reads = int(kinds["read_count"][is_fixed].sum())
        skipped = work.skipped(fixed_raw)
        if sum(skipped.values()) + n_fixed_reads == n_input and not is_fixed.any():
            raise QgsProcessingException(
                self.tr('None of the {} reads has a location, a time (field "{}") and a device (field "{}").').format(
                    n_input, time_field, device_field
                )
            )

        steps.setCurrentStep(2)
        names = work.partition(fixed_raw, progress, feedback.isCanceled)

        steps.setCurrentStep(3)
        out = LineStream(self, parameters, self.OUTPUT, context, feedback, crs, "tracks")
        stats = {"length": [], "gap": 0, "speed": 0}
        try:
            for table, wkb in work.tracks(
                names,
                self.parameterAsDouble(parameters, self.MAX_GAP_MINUTES, context) * 60.0,
                self.parameterAsDouble(parameters, self.MAX_SPEED_KMH, context) / 3.6,
                self.parameterAsBoolean(parameters, self.DROP_GLITCHES, context),
                lambda f: steps.setProgress(90 * f),
                feedback.isCanceled,
            ):
                stats["length"].append(table["length_m"].to_numpy())
                reasons = table["start_reason"]
                stats["gap"] += int((reasons == "gap").sum())
                stats["speed"] += int((reasons == "speed").sum())
                out.append(table, wkb)
            splitter, glitches = work.splitter, work.glitch.glitches
            self.say_tracks(
                feedback,
                splitter.tracks,
                len(names),
                float(pd.Series(np.concatenate(stats["length"])).sum()),
                splitter.on_lines,
                stats["gap"],
                stats["speed"],
                glitches,
                splitter.single_reads,
                (skipped[NO_GEOMETRY], skipped[NO_TIME], skipped[NO_DEVICE]),
            )
            check_accounted(
                n_input, splitter.on_lines, splitter.single_reads, glitches, sum(skipped.values()), n_fixed_reads
            )
            dest = out.finish(lambda f: steps.setProgress(90 + 10 * f))
        except BaseException:
            out.forget()
            raise
        fixed_dest = self._fixed_cameras(parameters, context, kinds, work, crs, work.metric, feedback)
        return {
            self.FIXED_CAMERAS: fixed_dest,
            self.FIXED_CAMERA_COUNT: int(is_fixed.sum()),
            self.MOBILE_DEVICE_COUNT: len(kinds) - int(is_fixed.sum()),
            self.FIXED_READ_COUNT: n_fixed_reads,
            self.OUTPUT: dest,
            self.TRACK_COUNT: splitter.tracks,
            self.DEVICE_COUNT: len(names),
            self.SINGLE_READ_COUNT: splitter.single_reads,
            self.GLITCH_COUNT: glitches,
            self.MISSING_LOCATION_COUNT: skipped[NO_GEOMETRY],
            self.MISSING_TIME_COUNT: skipped[NO_TIME],
            self.MISSING_DEVICE_COUNT: skipped[NO_DEVICE],
        }

    def _in_database(self, parameters: Dict, context, feedback) -> Optional[Dict]:
        """The results made in the database when INPUT is a PostGIS table (``qgis_io.postgis.tracks``), else None."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (on first use: it brings pandas)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is None:
            return None
        from alpr_qgis.qgis_io.postgis.tracks import pushable, run

        with pg:
            fields = (
                self._field(parameters, self.DEVICE_FIELD, "device", context),
                self._field(parameters, self.TIME_FIELD, "read_time", context),
            )
            if fields[0] == fields[1]:
                raise QgsProcessingException(self.tr("DEVICE_FIELD and TIME_FIELD are the same field."))
            if pushable(pg, *fields):
                return run(self, pg, parameters, context, feedback, *fields)
        feedback.pushInfo(self.tr("The device or time field is not of a type read in the database: read through QGIS."))
        return None

    def _limits(self, parameters: Dict, context) -> None:
        """MAX_GAP_MINUTES and MAX_SPEED_KMH must be positive numbers."""
        max_gap = self.parameterAsDouble(parameters, self.MAX_GAP_MINUTES, context)
        max_speed = self.parameterAsDouble(parameters, self.MAX_SPEED_KMH, context)
        if not (math.isfinite(max_gap) and max_gap > 0):
            raise QgsProcessingException(self.tr("MAX_GAP_MINUTES must be more than 0 (got {}).").format(max_gap))
        if not (math.isfinite(max_speed) and max_speed > 0):
            raise QgsProcessingException(self.tr("MAX_SPEED_KMH must be more than 0 (got {}).").format(max_speed))

    def _fields(self, parameters: Dict, context):
        """(device field, time field, whether read_id is read), checked against INPUT's fields."""
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        device_field = self._field(parameters, self.DEVICE_FIELD, "device", context)
        time_field = self._field(parameters, self.TIME_FIELD, "read_time", context)
        names = source.fields().names()
        for key, name in ((self.DEVICE_FIELD, device_field), (self.TIME_FIELD, time_field)):
            if name not in names:
                raise QgsProcessingException(
                    self.tr('INPUT has no field "{}". Its fields are: {}. Choose the right {}.').format(
                        name, ", ".join(names) or "-", key
                    )
                )
        if device_field == time_field:
            raise QgsProcessingException(self.tr("DEVICE_FIELD and TIME_FIELD are the same field."))
        return device_field, time_field, "read_id" in names and "read_id" not in (device_field, time_field)

    def _in_metres(self, reads, crs, context, feedback, progress):
        """The reads' work (qgis_io.track_spill.TrackWork), measured in a metric CRS; a read that cannot be
        projected has no location."""
        transform_context = context.transformContext()
        if not crs.isValid():
            raise QgsProcessingException(self.tr("INPUT has no CRS: set the layer's CRS so distances can be measured."))
        metric = crs if is_metric(crs) else working_crs(crs, *sample_xy(reads, SAMPLE_POINTS), transform_context)
        self.say_metric(metric, crs, feedback)
        work = TrackWork(reads, crs, metric, transform_context)
        work.measure(progress, feedback.isCanceled)
        self.say_lost(feedback, work.lost)
        return work

    def _fixed_cameras(self, parameters, context, kinds, work, crs, metric, feedback):
        """The fixed cameras as points at their median position, with their reads and period (None if not asked)."""
        rows = np.flatnonzero((kinds["kind"] == FIXED).to_numpy())
        fixed = kinds.iloc[rows].reset_index(drop=True)
        if len(fixed):
            self.say_fixed(feedback, list(fixed["device"]), int(fixed["read_count"].sum()))
        first, last = work.first_last(rows)
        table = pd.DataFrame(
            {
                "device": fixed["device"].astype(object),
                "read_count": fixed["read_count"].astype("int64"),
                "first_time": pd.to_datetime(pd.Series(first)),
                "last_time": pd.to_datetime(pd.Series(last)),
                "spread_m": fixed["spread_m"].astype(float).round(1),
            }
        )
        x, y = transform_xy(fixed["x"].to_numpy(), fixed["y"].to_numpy(), metric, crs, context.transformContext())
        dest, _ = write_output(
            self, parameters, self.FIXED_CAMERAS, context, feedback, table, style="fixed_cameras", x=x, y=y, crs=crs
        )
        return dest

    def _field(self, parameters: Dict, key: str, default: str, context) -> str:
        chosen = self.parameterAsFields(parameters, key, context)
        return chosen[0] if chosen and chosen[0] else default

    def say_tracks(self, feedback, n_tracks, devices, length_m, on_lines, gaps, speeds, glitches, singles, skipped):
        """The run's summary lines (both paths): tracks, reasons, glitches, lone reads, reads skipped by reason."""
        feedback.pushInfo(
            self.tr("{} tracks from {} devices, {:.1f} km in all; {} reads on lines.").format(
                n_tracks, devices, length_m / 1000.0, on_lines
            )
        )
        feedback.pushInfo(self.tr("Tracks starting after a gap: {}, after a jump too fast: {}.").format(gaps, speeds))
        if glitches:
            feedback.pushInfo(
                self.tr("{} lone reads that jump away and straight back left out as glitches.").format(glitches)
            )
        if singles:
            feedback.pushInfo(
                self.tr("{} reads form a track of their own (not drawn: a line needs two reads).").format(singles)
            )
        if sum(skipped):
            feedback.pushWarning(
                self.tr("{} reads skipped: {} without geometry, {} without time, {} without device.").format(
                    sum(skipped), *skipped
                )
            )

    def say_metric(self, metric, crs, feedback) -> None:
        """Say which metric CRS distances are measured in, when it is not the layer's."""
        if metric != crs:
            feedback.pushInfo(
                self.tr("Distances and speeds measured in {} ({}); the tracks stay in {}.").format(
                    metric.authid(), metric.description(), crs.authid()
                )
            )

    def say_lost(self, feedback, lost: int) -> None:
        """Warn of reads whose position could not be projected to measure distances (none: nothing said)."""
        if lost:
            feedback.pushWarning(
                self.tr(
                    "{} reads could not be projected to measure distances (skipped, counted as without geometry)."
                ).format(lost)
            )

    def say_fixed(self, feedback, devices, reads) -> None:
        """Name the fixed cameras, which get no track."""
        feedback.pushInfo(
            self.tr("{} fixed cameras ({} reads) get no track: {}.").format(
                len(devices), reads, ", ".join(str(d) for d in devices)
            )
        )
