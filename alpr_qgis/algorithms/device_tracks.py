"""alpr:devicetracks — Each camera's reads joined into lines, one per continuous patrol."""

from __future__ import annotations

import math
from typing import Dict

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.tracks import (
    FIXED_RADIUS_M,
    NO_DEVICE,
    NO_GEOMETRY,
    NO_TIME,
    camera_kinds,
    coerce_times,
    linestring_wkb,
    split_tracks,
)
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame

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
    SKIPPED_COUNT = "SKIPPED_COUNT"
    FIXED_RADIUS_M = "FIXED_RADIUS_M"
    FIXED_CAMERAS = "FIXED_CAMERAS"
    FIXED_CAMERA_COUNT = "FIXED_CAMERA_COUNT"
    MOBILE_DEVICE_COUNT = "MOBILE_DEVICE_COUNT"
    FIXED_READ_COUNT = "FIXED_READ_COUNT"

    def name(self) -> str:
        return "devicetracks"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Draw device tracks")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "map"

    def tags(self):
        return self.tr("alpr,anpr,lpr,device,camera,patrol,car,track,route,trajectory,line").split(",")

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
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
            "counted, not drawn, since a line needs two points) and SKIPPED_COUNT reads without "
            "geometry, time or device. Guarantee: the read_count total + SINGLE_READ_COUNT + "
            "GLITCH_COUNT + SKIPPED_COUNT + FIXED_READ_COUNT = the reads in INPUT.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:devicetracks -- INPUT=reads.gpkg "
            "MAX_GAP_MINUTES=30 MAX_SPEED_KMH=150 OUTPUT=tracks.gpkg</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
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
        self.addOutput(QgsProcessingOutputNumber(self.TRACK_COUNT, self.tr("Tracks")))
        self.addOutput(QgsProcessingOutputNumber(self.DEVICE_COUNT, self.tr("Devices")))
        self.addOutput(QgsProcessingOutputNumber(self.SINGLE_READ_COUNT, self.tr("One-read tracks (not drawn)")))
        self.addOutput(QgsProcessingOutputNumber(self.GLITCH_COUNT, self.tr("Glitches left out")))
        self.addOutput(QgsProcessingOutputNumber(self.SKIPPED_COUNT, self.tr("Reads without geometry, time or device")))
        self.addOutput(QgsProcessingOutputNumber(self.FIXED_CAMERA_COUNT, self.tr("Fixed cameras")))
        self.addOutput(QgsProcessingOutputNumber(self.MOBILE_DEVICE_COUNT, self.tr("Mobile devices (patrol cars)")))
        self.addOutput(QgsProcessingOutputNumber(self.FIXED_READ_COUNT, self.tr("Reads by fixed cameras")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        device_field = self._field(parameters, self.DEVICE_FIELD, "device", context)
        time_field = self._field(parameters, self.TIME_FIELD, "read_time", context)
        max_gap = self.parameterAsDouble(parameters, self.MAX_GAP_MINUTES, context)
        max_speed = self.parameterAsDouble(parameters, self.MAX_SPEED_KMH, context)
        drop_glitches = self.parameterAsBoolean(parameters, self.DROP_GLITCHES, context)
        fixed_radius = self.parameterAsDouble(parameters, self.FIXED_RADIUS_M, context)
        if not (math.isfinite(max_gap) and max_gap > 0):
            raise QgsProcessingException(self.tr("MAX_GAP_MINUTES must be more than 0 (got {}).").format(max_gap))
        if not (math.isfinite(max_speed) and max_speed > 0):
            raise QgsProcessingException(self.tr("MAX_SPEED_KMH must be more than 0 (got {}).").format(max_speed))
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
        fields = [device_field, time_field]
        has_read_id = "read_id" in names and "read_id" not in fields
        if has_read_id:
            fields.append("read_id")

        steps = QgsProcessingMultiStepFeedback(4, feedback)
        steps.setCurrentStep(0)
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            fields=fields,
            progress=lambda f: steps.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        n_input = len(frame.x)
        if n_input == 0:
            raise QgsProcessingException(self.tr("INPUT has no reads: the layer is empty."))
        times = coerce_times(frame.table[time_field], time_field)

        steps.setCurrentStep(1)
        transform_context = context.transformContext()
        crs = frame.crs
        if not crs.isValid():
            raise QgsProcessingException(self.tr("INPUT has no CRS: set the layer's CRS so distances can be measured."))
        metric = working_crs(crs, frame.x, frame.y, transform_context)
        if metric != crs:
            feedback.pushInfo(
                self.tr("Distances and speeds measured in {} ({}); the tracks stay in {}.").format(
                    metric.authid(), metric.description(), crs.authid()
                )
            )
        mx, my = transform_xy(frame.x, frame.y, crs, metric, transform_context)
        if feedback.isCanceled():
            raise Cancelled()

        steps.setCurrentStep(2)
        kinds = camera_kinds(frame.table[device_field], mx, my, fixed_radius)
        moving = ~kinds.fixed_read  # fixed cameras get no track
        tracks = split_tracks(
            frame.table[device_field][moving].reset_index(drop=True),
            times[moving].reset_index(drop=True),
            mx[moving],
            my[moving],
            max_gap_s=max_gap * 60.0,
            max_speed_ms=max_speed / 3.6,
            read_id=frame.table["read_id"].to_numpy()[moving] if has_read_id else None,
            drop_glitches=drop_glitches,
            progress=lambda f: steps.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        n_fixed_reads = int(kinds.fixed_read.sum())
        skipped = tracks.skipped_total
        if skipped + n_fixed_reads == n_input and not len(kinds.fixed):
            raise QgsProcessingException(
                self.tr('None of the {} reads has a location, a time (field "{}") and a device (field "{}").').format(
                    n_input, time_field, device_field
                )
            )
        lost = int(np.count_nonzero(np.isfinite(frame.x) & ~np.isfinite(mx)))
        self._report(tracks, lost, feedback)

        table = tracks.table
        on_lines = int(table["read_count"].sum())
        accounted = on_lines + tracks.single_reads + tracks.glitches + skipped + n_fixed_reads
        if accounted != n_input:  # cheap, and it catches real bugs
            raise QgsProcessingException(
                self.tr("Internal error: {} reads unaccounted for.").format(n_input - accounted)
            )

        steps.setCurrentStep(3)
        dest, _ = write_frame(
            self,
            parameters,
            self.OUTPUT,
            context,
            table,
            wkb=linestring_wkb(frame.x[moving], frame.y[moving], tracks),
            wkb_type=QgsWkbTypes.LineString,
            crs=crs,
            progress=lambda f: steps.setProgress(100 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "tracks", context, feedback)
        fixed_dest = self._fixed_cameras(parameters, context, kinds, times, crs, metric, feedback)
        return {
            self.FIXED_CAMERAS: fixed_dest,
            self.FIXED_CAMERA_COUNT: len(kinds.fixed),
            self.MOBILE_DEVICE_COUNT: len(kinds.table) - len(kinds.fixed),
            self.FIXED_READ_COUNT: n_fixed_reads,
            self.OUTPUT: dest,
            self.TRACK_COUNT: len(table),
            self.DEVICE_COUNT: tracks.devices,
            self.SINGLE_READ_COUNT: tracks.single_reads,
            self.GLITCH_COUNT: tracks.glitches,
            self.SKIPPED_COUNT: skipped,
        }

    def _fixed_cameras(self, parameters, context, kinds, times, crs, metric, feedback):
        """The fixed cameras as points at their median position, with their reads and period (None if not asked)."""
        fixed = kinds.fixed.reset_index(drop=True)
        if len(fixed):
            feedback.pushInfo(
                self.tr("{} fixed cameras ({} reads) get no track: {}.").format(
                    len(fixed), int(fixed["read_count"].sum()), ", ".join(str(d) for d in fixed["device"])
                )
            )
        period = pd.DataFrame({"device": kinds.read_device, "t": times.to_numpy()})[kinds.fixed_read]
        first = period.groupby("device")["t"].min()
        last = period.groupby("device")["t"].max()
        table = pd.DataFrame(
            {
                "device": fixed["device"].astype(object),
                "read_count": fixed["read_count"].astype("int64"),
                "first_time": pd.to_datetime(fixed["device"].map(first)),
                "last_time": pd.to_datetime(fixed["device"].map(last)),
                "spread_m": fixed["spread_m"].astype(float).round(1),
            }
        )
        x, y = transform_xy(fixed["x"].to_numpy(), fixed["y"].to_numpy(), metric, crs, context.transformContext())
        dest, _ = write_frame(self, parameters, self.FIXED_CAMERAS, context, table, x=x, y=y, crs=crs)
        style_vector_output(dest, "fixed_cameras", context, feedback)
        return dest

    def _field(self, parameters: Dict, key: str, default: str, context) -> str:
        chosen = self.parameterAsFields(parameters, key, context)
        return chosen[0] if chosen and chosen[0] else default

    def _report(self, tracks, lost: int, feedback) -> None:
        table = tracks.table
        feedback.pushInfo(
            self.tr("{} tracks from {} devices, {:.1f} km in all; {} reads on lines.").format(
                len(table), tracks.devices, table["length_m"].sum() / 1000.0, int(table["read_count"].sum())
            )
        )
        reasons = table["start_reason"].value_counts()
        feedback.pushInfo(
            self.tr("Tracks starting after a gap: {}, after a jump too fast: {}.").format(
                int(reasons.get("gap", 0)), int(reasons.get("speed", 0))
            )
        )
        if tracks.glitches:
            feedback.pushInfo(
                self.tr("{} lone reads that jump away and straight back left out as glitches.").format(tracks.glitches)
            )
        if tracks.single_reads:
            feedback.pushInfo(
                self.tr("{} reads form a track of their own (not drawn: a line needs two reads).").format(
                    tracks.single_reads
                )
            )
        skipped = tracks.skipped
        if tracks.skipped_total:
            feedback.pushWarning(
                self.tr("{} reads skipped: {} without geometry, {} without time, {} without device.").format(
                    tracks.skipped_total, skipped[NO_GEOMETRY], skipped[NO_TIME], skipped[NO_DEVICE]
                )
            )
        if lost:
            feedback.pushWarning(
                self.tr(
                    "{} reads could not be projected to measure distances (skipped, counted as without geometry)."
                ).format(lost)
            )
