"""alpr:summary — ALPR summary ("the numbers") and the HTML accountability report."""

from __future__ import annotations

import datetime
import os
import platform
import tempfile
from typing import Dict, List, Optional, Tuple

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingUtils,
    QgsRectangle,
)

from alpr_qgis.algorithms.base import AlprAlgorithm

# Metric names as in core.summary.METRICS (listed here so the provider loads without pandas).
METRIC_NAMES = (
    "total_reads",
    "unique_plates",
    "plates_seen_once",
    "mean_reads_per_plate",
    "max_reads_single_plate",
    "government_plates",
    "government_reads",
    "duplicate_reads",
    "reads_near_reference",
    "reads_outside_boundary",
    "reads_missing_location",
    "misreads",
    "devices",
    "days_with_reads",
    "busiest_device_share",
)
DRAW_POINTS_UP_TO = 100_000  # more located reads than this: the map shows their density
PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plugin_version() -> str:
    """The plugin's version from metadata.txt: inside the installed package, or beside it in a checkout."""
    for folder in (PLUGIN_DIR, os.path.dirname(PLUGIN_DIR)):
        path = os.path.join(folder, "metadata.txt")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("version="):
                        return line.split("=", 1)[1].strip()
    return "unknown"


class SummaryAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    PLATE_FIELD = "PLATE_FIELD"
    TIME_FIELD = "TIME_FIELD"
    DEVICE_FIELD = "DEVICE_FIELD"
    STATE_FIELD = "STATE_FIELD"
    REFERENCE_POINT = "REFERENCE_POINT"
    REFERENCE_DISTANCE = "REFERENCE_DISTANCE"
    BOUNDARY = "BOUNDARY"
    REJECTED = "REJECTED"
    HEATMAP = "HEATMAP"
    GOVERNMENT_PATTERN = "GOVERNMENT_PATTERN"
    REPORT_TITLE = "REPORT_TITLE"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    OUTPUT_HTML = "OUTPUT_HTML"

    def name(self) -> str:
        return "summary"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("ALPR summary and report")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "report"

    def tags(self):
        return self.tr("alpr,anpr,lpr,plate,summary,report,statistics,numbers,html,audit,accountability").split(",")

    def flags(self):
        # The map image is drawn with QGIS's renderer from (copies of) project layers: main thread.
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
            "<p>The numbers of an ALPR dataset, as a table and as an accountability report.</p>"
            "<p><b>INPUT</b>: reads (raw from alpr:loadreads, or clean from alpr:cleanreads). "
            "<b>PLATE_FIELD</b> (default plate; plate_id on anonymized reads), <b>TIME_FIELD</b> "
            "(default read_time), <b>DEVICE_FIELD</b> (default device), <b>STATE_FIELD</b> (default: "
            "state when the layer has it; plates are then paired with their state). "
            "<b>REFERENCE_POINT</b> and <b>REFERENCE_DISTANCE</b> (metres, default one mile = 1609.344 "
            "m, measured on the WGS 84 ellipsoid): e.g. police headquarters. <b>BOUNDARY</b>: the "
            "jurisdiction's polygon(s). <b>REJECTED</b>: the rejected output of alpr:cleanreads, for "
            "misreads. <b>HEATMAP</b>: an alpr:heatmap raster drawn on the report's map (else the reads "
            "are drawn, or their density beyond 100,000). <b>GOVERNMENT_PATTERN</b>: regular expression of whole normalised government "
            "plates, used when the layer has no is_government field. <b>REPORT_TITLE</b>: the report's "
            "title (default: after the input layer's name).</p>"
            "<p><b>OUTPUT_TABLE</b>: one row per metric: <i>metric</i>, <i>value</i> (null where the "
            "input cannot give it, never a made-up zero), <i>note</i>. Metrics: total_reads (every "
            "feature); unique_plates (distinct plates after the cleaner's normalisation: upper case, "
            "spaces, dashes and dots removed; paired with the state when there is one); "
            "plates_seen_once; mean_reads_per_plate (reads with a plate / unique plates); "
            "max_reads_single_plate; government_plates and government_reads (from is_government, "
            "else the pattern; null for hashed plates); duplicate_reads (from is_duplicate); "
            "reads_near_reference; reads_outside_boundary (reads with a location beyond BOUNDARY; the "
            "border counts as inside); reads_missing_location (no geometry, or at 0,0); misreads "
            "(REJECTED reads with reason sign_word, overlength or invalid_chars); devices; "
            "days_with_reads; busiest_device_share. Each metric is also an output number of the same "
            "name in upper case.</p>"
            "<p><b>OUTPUT_HTML</b>: one self-contained HTML file (charts embedded, opens offline): key "
            "findings, the numbers, reads by hour and by weekday × hour, reads per plate (log scale), "
            "reads per device per day, a map drawn by QGIS's renderer, and the methods (inputs, "
            "parameters, software versions, definitions). Every text from the data is escaped; no plate "
            "is ever shown.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:summary -- INPUT=clean.gpkg "
            "REJECTED=rejected.gpkg BOUNDARY=city.gpkg|layername=city_boundary "
            'REFERENCE_POINT="-122.27,37.80 [EPSG:4326]" OUTPUT_TABLE=summary.gpkg '
            "OUTPUT_HTML=report.html</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("ALPR reads: the output of alpr:loadreads or alpr:cleanreads."),
        )
        for key, label, default, text, kind in (
            (
                self.PLATE_FIELD,
                "Plate field",
                "plate",
                "Field holding the plates (plate_id on anonymized reads).",
                QgsProcessingParameterField.String,
            ),
            (
                self.TIME_FIELD,
                "Time field",
                "read_time",
                "Field holding each read's date and time.",
                QgsProcessingParameterField.Any,
            ),
            (
                self.DEVICE_FIELD,
                "Device field",
                "device",
                "Field naming the camera or car.",
                QgsProcessingParameterField.Any,
            ),
            (
                self.STATE_FIELD,
                "State field",
                None,
                "Field holding the plate's state (default: state, when present).",
                QgsProcessingParameterField.Any,
            ),
        ):
            add(
                QgsProcessingParameterField(key, self.tr(label), default, self.INPUT, kind, optional=True),
                self.tr(text),
            )
        add(
            QgsProcessingParameterPoint(self.REFERENCE_POINT, self.tr("Reference point"), optional=True),
            self.tr("A place to count reads around, e.g. police headquarters (any CRS)."),
        )
        add(
            QgsProcessingParameterNumber(
                self.REFERENCE_DISTANCE,
                self.tr("Reference distance (m)"),
                QgsProcessingParameterNumber.Double,
                1609.344,
                minValue=0.0,
            ),
            self.tr("Radius around the reference point, in metres on the ellipsoid (one mile = 1609.344)."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.BOUNDARY, self.tr("Boundary"), [QgsProcessing.TypeVectorPolygon], optional=True
            ),
            self.tr("The jurisdiction's polygon(s): reads beyond it are counted, and it frames the map."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.REJECTED,
                self.tr("Rejected reads (from alpr:cleanreads)"),
                [QgsProcessing.TypeVector],
                optional=True,
            ),
            self.tr("The cleaner's REJECTED layer (field reason): misreads are counted from it."),
        )
        add(
            QgsProcessingParameterRasterLayer(self.HEATMAP, self.tr("Heatmap (for the report's map)"), optional=True),
            self.tr("An alpr:heatmap raster to draw on the map; without it the reads are drawn."),
        )
        add(
            QgsProcessingParameterString(
                self.GOVERNMENT_PATTERN, self.tr("Government plate pattern (regex)"), r"\d{7}"
            ),
            self.tr("Whole normalised plates of government vehicles (used without an is_government field)."),
            True,
        )
        add(
            QgsProcessingParameterString(self.REPORT_TITLE, self.tr("Report title"), optional=True),
            self.tr("Title of the HTML report (default: ALPR accountability report: <input layer name>)."),
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_TABLE, self.tr("Summary table"), QgsProcessing.TypeVector)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, self.tr("Report (HTML)"), self.tr("HTML files (*.html *.htm)")
            )
        )
        for metric in METRIC_NAMES:
            self.addOutput(QgsProcessingOutputNumber(metric.upper(), metric.replace("_", " ").capitalize()))

    # ------------------------------------------------------------------ run

    def _field(self, parameters, key: str, context, fields: List[str], source_name: str, feedback):
        """The field named by ``key`` (matched case-insensitively), None when empty.

        A field named explicitly but missing is an error; a default that the
        layer lacks leaves the field out (its metrics are null), with a warning.
        """
        name = self.parameterAsString(parameters, key, context)
        if not name:
            return None
        match = next((f for f in fields if f.lower() == name.lower()), None)
        if match is not None:
            return match
        if parameters.get(key) in (None, ""):
            feedback.pushWarning(
                self.tr('{} has no field "{}" ({}): the metrics that need it are null.').format(source_name, name, key)
            )
            return None
        from alpr_qgis.core.errors import AlprInputError

        raise AlprInputError(
            'has no field "{}".'.format(name),
            path=source_name,
            field=key,
            hint="Fields present: {}. Set {} to one of them, or leave it empty.".format(
                ", ".join(f for f in fields if f != "fid") or "none", key
            ),
        )

    def process(self, parameters: Dict, context, feedback) -> Dict:
        import numpy as np

        from alpr_qgis.core.cleaning import compile_government
        from alpr_qgis.core.errors import AlprInputError, Cancelled
        from alpr_qgis.core.jurisdiction import classify, dissolve, near_null_island
        from alpr_qgis.core.summary import SummaryInput, describe_distance, summarise, within_distance
        from alpr_qgis.qgis_io.crs import to_degrees, transform_xy
        from alpr_qgis.qgis_io.inputs import polygons_crs, read_polygons, reads_crs
        from alpr_qgis.qgis_io.vector import read_frame, write_frame

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = source.sourceName() or "the input layer"
        fields = [f.name() for f in source.fields()]
        plate_field, time_field, device_field, state_field = (
            self._field(parameters, key, context, fields, layer_name, feedback)
            for key in (self.PLATE_FIELD, self.TIME_FIELD, self.DEVICE_FIELD, self.STATE_FIELD)
        )
        if state_field is None and not parameters.get(self.STATE_FIELD):
            state_field = next((f for f in fields if f.lower() == "state"), None)
        gov_pattern = self.parameterAsString(parameters, self.GOVERNMENT_PATTERN, context) or r"\d{7}"
        compile_government(gov_pattern)  # a clear error for a bad pattern
        distance = self.parameterAsDouble(parameters, self.REFERENCE_DISTANCE, context)
        gov_flag = next((f for f in fields if f.lower() == "is_government"), None)
        dup_flag = next((f for f in fields if f.lower() == "is_duplicate"), None)
        wanted = [f for f in (plate_field, time_field, device_field, state_field, gov_flag, dup_flag) if f]
        wanted = list(dict.fromkeys(wanted))

        feedback.setProgressText(self.tr("Reading the reads"))
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            wanted,
            progress=lambda f: feedback.setProgress(35 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        table = frame.table
        n = len(frame.x)
        if not n:
            feedback.pushWarning(self.tr("The input layer has no features."))
        if plate_field is not None and n:
            import pandas as pd

            kind = pd.api.types.infer_dtype(table[plate_field], skipna=True)
            if kind not in ("string", "empty"):
                raise AlprInputError(
                    "holds {} values, not text: plates would lose leading zeros and letters.".format(kind),
                    path=layer_name,
                    field=plate_field,
                    hint="Load the export with alpr:loadreads (it keeps plates as text), or choose the field of plates.",
                )
        transform_context = context.transformContext()
        crs = reads_crs(frame, layer_name, feedback, self) if n else QgsCoordinateReferenceSystem("EPSG:4326")
        no_geometry = ~(np.isfinite(frame.x) & np.isfinite(frame.y))
        lon, lat = to_degrees(frame.x, frame.y, crs, transform_context)
        island = near_null_island(lon, lat) & ~no_geometry
        feedback.setProgress(40)

        near = None
        reference_note = ""
        point_crs = None
        point = None
        if parameters.get(self.REFERENCE_POINT):
            point = self.parameterAsPoint(parameters, self.REFERENCE_POINT, context)
            point_crs = self.parameterAsPointCrs(parameters, self.REFERENCE_POINT, context)
            if not point_crs.isValid():
                point_crs = crs
            ref_lon, ref_lat = to_degrees(np.array([point.x()]), np.array([point.y()]), point_crs, transform_context)
            if not np.isfinite(ref_lon[0]):
                raise AlprInputError(
                    "cannot be placed on the Earth in its CRS.", field=self.REFERENCE_POINT, value=point.toString(6)
                )
            near = within_distance(float(ref_lon[0]), float(ref_lat[0]), lon, lat, distance)
            reference_note = "within {} of {:.6f}, {:.6f} (lon, lat)".format(
                describe_distance(distance), ref_lon[0], ref_lat[0]
            )

        boundary = read_polygons(self, parameters, self.BOUNDARY, context, feedback, fields=[])
        outside = None
        if boundary is not None:
            bcrs = polygons_crs(boundary, crs, feedback, self)
            shape = dissolve(boundary.geoms)
            if shape is None:
                raise AlprInputError(
                    "holds no usable polygon.", path=boundary.name, hint="Choose the jurisdiction's polygon layer."
                )
            bx, by = transform_xy(frame.x, frame.y, crs, bcrs, transform_context)
            outside = classify(bx, by, shape).outside
        feedback.setProgress(50)

        rejected_reasons = None
        rejected_name = None
        if parameters.get(self.REJECTED):
            rejected_source = self.parameterAsSource(parameters, self.REJECTED, context)
            if rejected_source is None:
                raise QgsProcessingException(self.invalidSourceError(parameters, self.REJECTED))
            rejected_name = rejected_source.sourceName() or "the rejected layer"
            reason = next((f.name() for f in rejected_source.fields() if f.name().lower() == "reason"), None)
            if reason is None:
                raise AlprInputError(
                    'has no field "reason": it is not the REJECTED output of alpr:cleanreads.',
                    path=rejected_name,
                    hint="Give the rejected layer written by alpr:cleanreads, or leave REJECTED empty.",
                )
            rejected = read_frame(self, parameters, self.REJECTED, context, [reason], geometry=False)
            rejected_reasons = rejected.table[reason]

        feedback.setProgressText(self.tr("Counting"))
        summary = summarise(
            SummaryInput(
                n=n,
                plates=table[plate_field] if plate_field else None,
                states=table[state_field] if state_field else None,
                times=table[time_field] if time_field else None,
                devices=table[device_field] if device_field else None,
                is_government=table[gov_flag] if gov_flag else None,
                is_duplicate=table[dup_flag] if dup_flag else None,
                government_pattern=gov_pattern,
                no_geometry=no_geometry,
                null_island=island,
                near_reference=near,
                reference_note=reference_note,
                outside_boundary=outside,
                rejected_reasons=rejected_reasons,
            )
        )
        if feedback.isCanceled():
            raise Cancelled()
        feedback.setProgress(60)

        feedback.setProgressText(self.tr("Drawing the map"))
        located = ~no_geometry & ~island
        map_png, caption = self._map(
            parameters, context, feedback, frame, crs, located, point, point_crs, distance, boundary
        )
        feedback.setProgress(85)

        feedback.setProgressText(self.tr("Writing"))
        html_path = self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context)
        report = self._report(
            summary,
            parameters,
            context,
            layer_name,
            rejected_name,
            map_png,
            caption,
            distance,
            [plate_field, time_field, device_field, state_field, gov_pattern],
            "{} [{}]".format(point.toString(6), point_crs.authid() or "layer CRS") if point is not None else None,
        )
        self._write_text(html_path, report)
        dest, _ = write_frame(self, parameters, self.OUTPUT_TABLE, context, summary.table)

        for metric, value, note in summary.table.itertuples(index=False, name=None):
            shown = (
                "null"
                if value != value
                else ("{:,.0f}".format(value) if float(value).is_integer() else "{:.3f}".format(value))
            )
            feedback.pushInfo("{}: {}{}".format(metric, shown, " ({})".format(note) if note else ""))
        feedback.pushInfo(self.tr("Report written to {}").format(html_path))
        results = {self.OUTPUT_TABLE: dest, self.OUTPUT_HTML: html_path}
        for metric in METRIC_NAMES:
            results[metric.upper()] = summary.value(metric)
        return results

    # ------------------------------------------------------------------ pieces

    @staticmethod
    def _write_text(path: str, text: str) -> None:
        """Write ``text`` to ``path`` whole or not at all (a temporary file renamed into place)."""
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        handle, tmp = tempfile.mkstemp(prefix=".alpr-report-", suffix=".html", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def _map(
        self, parameters, context, feedback, frame, crs, located, point, point_crs, distance, boundary
    ) -> Tuple[Optional[bytes], str]:
        """The report's map (PNG bytes) and its caption; (None, why) when it cannot be drawn.

        ``located``: the reads with a usable location (a geometry, not at 0,0).
        """
        import numpy as np

        from alpr_qgis.qgis_io import mapimage
        from alpr_qgis.qgis_io.crs import transform_xy, working_crs

        transform_context = context.transformContext()
        heat = self.parameterAsRasterLayer(parameters, self.HEATMAP, context) if parameters.get(self.HEATMAP) else None
        layers = []
        parts = []
        if heat is not None and heat.isValid():
            map_crs = heat.crs() if heat.crs().isValid() else working_crs(crs, frame.x, frame.y, transform_context)
            styled = mapimage.heatmap_layer(heat)
            layers.append(styled)
            extent = mapimage.layer_extent(heat, map_crs)
            parts.append(self.tr("the heatmap"))
        else:
            map_crs = working_crs(crs, frame.x, frame.y, transform_context)
            mx, my = transform_xy(frame.x[located], frame.y[located], crs, map_crs, transform_context)
            ok = np.isfinite(mx) & np.isfinite(my)
            mx, my = mx[ok], my[ok]
            extent = None
            if len(mx):
                lo = np.percentile(np.column_stack([mx, my]), 0.5, axis=0)
                hi = np.percentile(np.column_stack([mx, my]), 99.5, axis=0)
                extent = QgsRectangle(lo[0], lo[1], hi[0], hi[1])
            if len(mx) > DRAW_POINTS_UP_TO:
                # Too many points to draw one by one (and to see): their density instead.
                frame_extent = QgsRectangle(float(mx.min()), float(my.min()), float(mx.max()), float(my.max()))
                if boundary is not None:
                    bounds = mapimage.layer_extent(
                        self.parameterAsVectorLayer(parameters, self.BOUNDARY, context), map_crs
                    )
                    if bounds is not None:
                        frame_extent.combineExtentWith(bounds)
                frame_extent.scale(1.1)
                styled = mapimage.density_layer(
                    mx,
                    my,
                    map_crs,
                    frame_extent,
                    tempfile.mkdtemp(prefix="alpr_map_", dir=QgsProcessingUtils.tempFolder()),
                )
                label = self.tr("the density of the {:,} located reads (counts per cell, smoothed)").format(len(mx))
            else:
                styled = mapimage.points_layer(self.parameterAsVectorLayer(parameters, self.INPUT, context))
                label = self.tr("the reads")
            if styled is not None:
                layers.append(styled)
                parts.append(label)
        boundary_layer = None
        if boundary is not None:
            boundary_layer = mapimage.outline_layer(self.parameterAsVectorLayer(parameters, self.BOUNDARY, context))
            if boundary_layer is not None:
                layers.insert(0, boundary_layer)
                extent = mapimage.layer_extent(boundary_layer, map_crs) or extent
                parts.append(self.tr("the boundary (outline)"))
        if point is not None:
            layers[:0] = mapimage.reference_layers(point, point_crs, distance, map_crs)
            parts.append(self.tr("the reference point (star) and its radius (dashed)"))
        if not layers or extent is None or extent.isEmpty():
            return None, self.tr("No map: the input has no located read to draw.")
        try:
            png = mapimage.render_png(layers, map_crs, extent)
        except Exception as err:  # noqa: BLE001 (a report without its map beats no report)
            feedback.pushWarning(self.tr("The map could not be drawn: {}").format(err))
            return None, self.tr("The map could not be drawn.")
        caption = self.tr("Map of {}, in {}.").format(", ".join(parts), map_crs.authid() or map_crs.description())
        return png, caption

    def _report(
        self, summary, parameters, context, layer_name, rejected_name, map_png, caption, distance, chosen, point_text
    ) -> str:
        import matplotlib
        import numpy
        import pandas
        from osgeo import gdal

        from alpr_qgis.core.report import ReportContext, build_report
        from alpr_qgis.core.summary import describe_distance

        def source_text(key: str) -> str:
            value = parameters.get(key)
            if not value:
                return self.tr("(not given)")
            layer = self.parameterAsLayer(parameters, key, context)
            if layer is not None:
                return "{} ({})".format(layer.name(), layer.source())
            return str(value)

        plate_field, time_field, device_field, state_field, gov_pattern = chosen
        ctx = ReportContext(
            title=self.parameterAsString(parameters, self.REPORT_TITLE, context).strip()
            or self.tr("ALPR accountability report: {}").format(layer_name),
            generated=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            inputs=[
                (self.INPUT, source_text(self.INPUT)),
                (self.BOUNDARY, source_text(self.BOUNDARY)),
                (self.REJECTED, source_text(self.REJECTED) if rejected_name else self.tr("(not given)")),
                (self.HEATMAP, source_text(self.HEATMAP)),
            ],
            parameters=[
                (self.PLATE_FIELD, plate_field or "(none)"),
                (self.TIME_FIELD, time_field or "(none)"),
                (self.DEVICE_FIELD, device_field or "(none)"),
                (self.STATE_FIELD, state_field or "(none)"),
                (self.REFERENCE_POINT, point_text or self.tr("(not given)")),
                (self.REFERENCE_DISTANCE, describe_distance(distance)),
                (self.GOVERNMENT_PATTERN, gov_pattern),
            ],
            software=[
                ("alpr_qgis", plugin_version()),
                ("QGIS", Qgis.QGIS_VERSION),
                ("Python", platform.python_version()),
                ("pandas", pandas.__version__),
                ("numpy", numpy.__version__),
                ("matplotlib", matplotlib.__version__),
                ("GDAL", gdal.__version__),
            ],
            map_png=map_png,
            map_caption=caption,
            reference_distance_text=describe_distance(distance),
        )
        return build_report(summary, ctx)
