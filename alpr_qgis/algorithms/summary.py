"""alpr:summary — ALPR summary ("the numbers") and the HTML report that tells the whole story."""

from __future__ import annotations

import datetime
import os
from typing import Dict, List, Optional, Tuple

from qgis.core import (
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
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.metrics import METRICS  # (no pandas: the provider loads without it)


class SummaryAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    PLATE_FIELD = "PLATE_FIELD"
    TIME_FIELD = "TIME_FIELD"
    DEVICE_FIELD = "DEVICE_FIELD"
    STATE_FIELD = "STATE_FIELD"
    REFERENCE_POINT = "REFERENCE_POINT"
    REFERENCE_DISTANCE = "REFERENCE_DISTANCE"
    BOUNDARY = "BOUNDARY"
    NEIGHBOURS = "NEIGHBOURS"
    FIXED_RADIUS_M = "FIXED_RADIUS_M"
    REJECTED = "REJECTED"
    UNREADABLE = "UNREADABLE"
    GOVERNMENT_PATTERN = "GOVERNMENT_PATTERN"
    TIMEZONE = "TIMEZONE"
    HOTSPOTS = "HOTSPOTS"
    CENSUS = "CENSUS"
    CENSUS_STATS = "CENSUS_STATS"
    CRIME_STATS = "CRIME_STATS"
    SITES = "SITES"
    OUTSIDE = "OUTSIDE"
    TRACKS = "TRACKS"
    AUDIT = "AUDIT"
    MODEL = "MODEL"
    HEATMAP = "HEATMAP"
    REPORT_TITLE = "REPORT_TITLE"
    OUTPUT_TABLE = "OUTPUT_TABLE"
    OUTPUT_HTML = "OUTPUT_HTML"

    # Result inputs, in the report's order: (parameter, label, what it is, layer type).
    RESULTS = (
        (HOTSPOTS, "Hotspots", "the hexagons of alpr:hotspots", QgsProcessing.TypeVectorPolygon),
        (CENSUS, "Census units", "the OUTPUT of alpr:joincensus", QgsProcessing.TypeVector),
        (CENSUS_STATS, "Census statistics", "the OUTPUT_STATS table of alpr:joincensus", QgsProcessing.TypeVector),
        (CRIME_STATS, "Crime statistics", "the OUTPUT_STATS table of alpr:joincrime", QgsProcessing.TypeVector),
        (SITES, "Sensitive sites", "the OUTPUT of alpr:sites", QgsProcessing.TypeVectorPoint),
        (OUTSIDE, "Reads outside the boundary", "the OUTPUT of alpr:jurisdiction", QgsProcessing.TypeVectorPoint),
        (TRACKS, "Device tracks", "the tracks of alpr:devicetracks", QgsProcessing.TypeVectorLine),
        (AUDIT, "Re-identification audit", "the AUDIT table of alpr:anonymizeplates", QgsProcessing.TypeVector),
        (MODEL, "Count model", "the OUTPUT_MODEL table of alpr:countmodel", QgsProcessing.TypeVector),
    )

    def name(self) -> str:
        return "summary"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("ALPR summary and report")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "report"

    def tags(self):
        return self.tr(
            "alpr,anpr,lpr,plate,summary,report,statistics,numbers,html,audit,accountability,funnel,findings"
        ).split(",")

    def flags(self):
        # The map image is drawn with QGIS's renderer from (copies of) project layers: main thread.
        return super().flags() | QgsProcessingAlgorithm.FlagNoThreading

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
            "<p>The numbers of an ALPR dataset, as a table, and the whole story as one HTML report a newsroom "
            "could publish: from the records of the export to every finding, each with its method and caveats.</p>"
            "<p><b>INPUT</b>: the reads analysed (clean from alpr:cleanreads, or raw from alpr:loadreads). "
            "<b>PLATE_FIELD</b> (default plate; plate_id on anonymized reads), <b>TIME_FIELD</b> (default "
            "read_time), <b>DEVICE_FIELD</b> (default device), <b>STATE_FIELD</b> (default: state when the "
            "layer has it; plates are then paired with their state). <b>REFERENCE_POINT</b> and "
            "<b>REFERENCE_DISTANCE</b> (metres, default one mile = 1609.344 m, on the WGS 84 ellipsoid): e.g. "
            "police headquarters. <b>BOUNDARY</b>: the jurisdiction's polygon(s); reads beyond it are counted, "
            "it frames the map and names the place in the default title (its name field, else the layer's "
            "name). <b>NEIGHBOURS</b>: neighbouring jurisdictions, drawn and named around it on the map, with "
            "the census units (CENSUS) as a light basemap; the map shows the heatmap in reads per km² with its "
            "legend, a scale bar and a north arrow. <b>GOVERNMENT_PATTERN</b>: regular expression of whole normalised government plates, used "
            "when the layer has no is_government field. <b>FIXED_RADIUS_M</b> (default 50 m; 0 = none): a device "
            "with 10 reads or more, 99 % of them within this distance of one place, is a fixed camera; the "
            "report counts devices and reads of fixed and mobile cameras apart.</p>"
            "<p><b>The funnel.</b> <b>REJECTED</b>: the cleaner's rejected layer (field reason). "
            "<b>UNREADABLE</b>: the loader's REJECTED table (records that could not be read; only its reason "
            "is read, never the raw text). With both, records_in_source = INPUT + REJECTED + UNREADABLE "
            "accounts for every record of the export, and the report opens with it.</p>"
            "<p><b>Time zone.</b> <b>TIMEZONE</b> (optional IANA name such as America/Los_Angeles): the zone the "
            "report names for its times. Empty: the zone where the reads are, looked up offline from their "
            "coordinates; when it cannot be, times are called local time as recorded. Times are never shifted: "
            "reads already hold the agency's local wall-clock time.</p>"
            "<p><b>Results</b> (optional; each adds a section to the report with a headline and its number, a "
            "chart and a table, the method and its caveats): <b>HOTSPOTS</b> (alpr:hotspots hexagons: hot "
            "spots and their share of the reads), <b>CENSUS</b> and <b>CENSUS_STATS</b> (alpr:joincensus units "
            "and statistics: disparity, correlations, exposure by group; caveats: ecological fallacy, naive "
            "p-values), <b>CRIME_STATS</b> (alpr:joincrime statistics: do reads follow crime?), <b>SITES</b> "
            "(alpr:sites: reads near sensitive places against a road-based baseline), <b>OUTSIDE</b> "
            "(alpr:jurisdiction: reads outside the boundary, by jurisdiction and distance), <b>TRACKS</b> "
            "(alpr:devicetracks: where and when each camera car drove), <b>AUDIT</b> (alpr:anonymizeplates "
            "audit: how many vehicles a few known sightings single out in the release, fields dropped and "
            "values cleared), <b>MODEL</b> (alpr:countmodel OUTPUT_MODEL: rate ratios with 95 % intervals), "
            "<b>HEATMAP</b> (an alpr:heatmap raster drawn on the map; without it the reads are drawn, or their "
            "density beyond 100,000). A layer of the wrong kind (without the fields its algorithm writes) is "
            "an error naming the parameter; nothing is written.</p>"
            "<p><b>REPORT_TITLE</b>: the report's title (default: the place and the dates of the reads).</p>"
            "<p><b>OUTPUT_TABLE</b>: one row per metric: <i>metric</i>, <i>value</i> (null where the input "
            "cannot give it, never a made-up zero), <i>note</i>. The funnel: records_in_source, "
            "unreadable_records, rejected_reads, one rejected_&lt;reason&gt; per reason present, misreads "
            "(rejected for their text: empty_plate, invalid_chars, sign_word, overlength). Then total_reads; "
            "unique_plates (after the cleaner's normalisation: upper case, spaces, dashes and dots removed; "
            "paired with the state when there is one); plates_seen_once; mean_reads_per_plate; "
            "max_reads_single_plate; government_plates and government_reads (from is_government, else the "
            "pattern; null for hashed plates); duplicate_reads (from is_duplicate); reads_near_reference; "
            "reads_outside_boundary (the border counts as inside); reads_missing_location (INPUT and REJECTED "
            "together: no geometry, at 0,0, or out of range); devices; days_with_reads; busiest_device_share. "
            "Each metric of that list is also an output number of the same name in upper case.</p>"
            "<p><b>OUTPUT_HTML</b>: one self-contained HTML file (charts embedded, opens offline): the title, "
            "the funnel, key findings, the numbers under plain labels, reads by hour and by weekday × hour in "
            "the named zone, reads per plate and the most-read plates by rank (plates withheld, government "
            "plates flagged), reads per camera, a map, a section per result, and a methods appendix "
            "(inputs by layer name, parameters, software versions, definitions, caveats). Every text from the "
            "data is escaped; no plate, path or layer source appears. The file is created with the user's "
            "umask.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:summary -- INPUT=clean.gpkg "
            "REJECTED=rejected.gpkg UNREADABLE=unreadable.gpkg BOUNDARY=city.gpkg|layername=city_boundary "
            'HOTSPOTS=hotspots.gpkg REFERENCE_POINT="-122.27,37.80 [EPSG:4326]" OUTPUT_TABLE=summary.gpkg '
            "OUTPUT_HTML=report.html</code></p>"
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("ALPR reads: the output of alpr:cleanreads (or alpr:loadreads)."),
        )
        for key, label, default, text, kind in (
            (self.PLATE_FIELD, "Plate field", "plate", "Field holding the plates (plate_id on anonymized reads).", 2),
            (self.TIME_FIELD, "Time field", "read_time", "Field holding each read's date and time.", -1),
            (self.DEVICE_FIELD, "Device field", "device", "Field naming the camera or car.", -1),
            (
                self.STATE_FIELD,
                "State field",
                None,
                "Field holding the plate's state (default: state, when present).",
                -1,
            ),
        ):
            kind = QgsProcessingParameterField.String if kind == 2 else QgsProcessingParameterField.Any
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
            self.tr(
                "The jurisdiction's polygon(s): reads beyond it are counted; it frames the map and names the place."
            ),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.NEIGHBOURS, self.tr("Neighbouring jurisdictions"), [QgsProcessing.TypeVectorPolygon], optional=True
            ),
            self.tr("Drawn (and named, from a name field) as the map's light basemap around the boundary."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.REJECTED,
                self.tr("Rejected reads (from alpr:cleanreads)"),
                [QgsProcessing.TypeVector],
                optional=True,
            ),
            self.tr("The cleaner's REJECTED layer (field reason): the funnel's rejected reads, by reason."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.UNREADABLE,
                self.tr("Unreadable records (from alpr:loadreads)"),
                [QgsProcessing.TypeVector],
                optional=True,
            ),
            self.tr("The loader's REJECTED table: records of the export that could not be read."),
        )
        add(
            QgsProcessingParameterString(
                self.GOVERNMENT_PATTERN, self.tr("Government plate pattern (regex)"), r"\d{7}"
            ),
            self.tr("Whole normalised plates of government vehicles (used without an is_government field)."),
            True,
        )
        add(
            QgsProcessingParameterNumber(
                self.FIXED_RADIUS_M,
                self.tr("Fixed camera radius (m)"),
                QgsProcessingParameterNumber.Double,
                50.0,
                minValue=0.0,
            ),
            self.tr("A device whose reads stay this close to one place is a fixed camera, not a patrol car (0: none)."),
            True,
        )
        add(
            QgsProcessingParameterString(self.TIMEZONE, self.tr("Time zone the report names"), optional=True),
            self.tr("IANA name (e.g. America/Los_Angeles); empty: looked up from where the reads are."),
        )
        for key, label, what, kind in self.RESULTS:
            add(
                QgsProcessingParameterFeatureSource(key, self.tr(label), [kind], optional=True),
                self.tr("Optional: {}; adds its section to the report.").format(self.tr(what)),
            )
        add(
            QgsProcessingParameterRasterLayer(self.HEATMAP, self.tr("Heatmap (for the report's map)"), optional=True),
            self.tr("An alpr:heatmap raster to draw on the map; without it the reads are drawn."),
        )
        add(
            QgsProcessingParameterString(self.REPORT_TITLE, self.tr("Report title"), optional=True),
            self.tr("Title of the HTML report (default: the place and the dates of the reads)."),
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT_TABLE, self.tr("Summary table"), QgsProcessing.TypeVector)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT_HTML, self.tr("Report (HTML)"), self.tr("HTML files (*.html *.htm)")
            )
        )
        for metric in METRICS:
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

    def _zone(self, parameters, context, lon, lat) -> Tuple[Optional[str], str]:
        """(IANA zone or None, how it was chosen): TIMEZONE when given (checked), else looked up."""
        from alpr_qgis.core.errors import AlprInputError

        given = self.parameterAsString(parameters, self.TIMEZONE, context).strip()
        if given:
            try:
                import zoneinfo

                zoneinfo.ZoneInfo(given)
            except (ValueError, KeyError, OSError) as err:
                raise AlprInputError(
                    '"{}" is not an IANA time-zone name.'.format(given),
                    field=self.TIMEZONE,
                    hint="Use a name such as America/Los_Angeles, or leave TIMEZONE empty.",
                ) from err
            return given, self.tr("given as TIMEZONE")
        from alpr_qgis.qgis_io.report_io import lookup_zone

        zone = lookup_zone(lon, lat) if len(lon) else None
        if zone:
            return zone, self.tr("looked up from where the reads are")
        return None, self.tr("the zone could not be looked up from the reads' locations")

    def process(self, parameters: Dict, context, feedback) -> Dict:
        import numpy as np

        from alpr_qgis.core.cleaning import compile_government
        from alpr_qgis.core.errors import AlprInputError, Cancelled
        from alpr_qgis.core.jurisdiction import classify, dissolve, near_null_island
        from alpr_qgis.core.summary import SummaryInput, describe_distance, summarise, within_distance
        from alpr_qgis.core.tracks import camera_kinds
        from alpr_qgis.qgis_io import report_io
        from alpr_qgis.qgis_io.crs import to_degrees, transform_xy, working_crs
        from alpr_qgis.qgis_io.inputs import polygons_crs, read_polygons, reads_crs
        from alpr_qgis.qgis_io.report_io import write_text
        from alpr_qgis.qgis_io.report_map import draw_map
        from alpr_qgis.qgis_io.vector import read_frame, write_frame

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        layer_name = report_io.layer_name(self, parameters, self.INPUT, context) or "the input layer"
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
        # Every result input is checked before anything is read: a wrong layer stops the run here.
        plans = {key: report_io.plan_result(self, parameters, key, context) for key, *_ in self.RESULTS}
        unreadable_plan = report_io.plan_result(self, parameters, self.UNREADABLE, context)
        gov_flag = next((f for f in fields if f.lower() == "is_government"), None)
        dup_flag = next((f for f in fields if f.lower() == "is_duplicate"), None)
        id_field = next((f for f in fields if f.lower() == "read_id"), None)
        wanted = [f for f in (plate_field, time_field, device_field, state_field, gov_flag, dup_flag, id_field) if f]
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
        with np.errstate(invalid="ignore"):
            in_range = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        invalid = ~no_geometry & ~in_range
        island = near_null_island(lon, lat) & ~no_geometry & in_range
        located = ~no_geometry & ~island & ~invalid
        zone, zone_how = self._zone(parameters, context, lon[located], lat[located])
        feedback.pushInfo(
            self.tr("Times are named in {} ({}).").format(zone or self.tr("local time as recorded"), zone_how)
        )
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

        rejected = report_io.read_rejected(self, parameters, self.REJECTED, context, crs)
        unreadable = report_io.read_unreadable(self, parameters, self.UNREADABLE, context) if unreadable_plan else None
        read_ids = table[id_field].dropna().to_numpy(dtype=np.int64) if id_field else None
        for other, what in ((rejected, "REJECTED"), (unreadable, "UNREADABLE")):
            ids = None if other is None else (other.read_ids if what == "REJECTED" else other[2])
            shared = report_io.shared_ids(read_ids, ids)
            if shared:
                feedback.pushWarning(
                    self.tr(
                        "{} read_id values are both in INPUT and in {}: records_in_source counts them twice. "
                        "Give the clean reads as INPUT and each step's own rejected layer."
                    ).format(shared, what)
                )

        kinds = None
        if device_field:
            metric = working_crs(crs, frame.x, frame.y, transform_context)
            mx, my = transform_xy(
                np.where(located, frame.x, np.nan), np.where(located, frame.y, np.nan), crs, metric, transform_context
            )
            radius = self.parameterAsDouble(parameters, self.FIXED_RADIUS_M, context)
            kinds = camera_kinds(table[device_field], mx, my, radius).table

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
                invalid_location=invalid,
                near_reference=near,
                reference_note=reference_note,
                outside_boundary=outside,
                rejected_reasons=rejected.reasons if rejected else None,
                rejected_all_reasons=rejected.all_reasons if rejected else None,
                rejected_locations=rejected.locations if rejected else None,
                unreadable_reasons=unreadable[0] if unreadable else None,
                camera_kinds=kinds,
            )
        )
        if feedback.isCanceled():
            raise Cancelled()
        sections = self._sections(parameters, context, plans, summary)
        feedback.setProgress(60)

        feedback.setProgressText(self.tr("Drawing the map"))
        # The report's map: (PNG bytes, caption), or (None, why); another renderer plugs in here.
        map_png, caption = draw_map(
            self, parameters, context, feedback, frame, crs, located, point, point_crs, distance, boundary
        )
        feedback.setProgress(85)

        feedback.setProgressText(self.tr("Writing"))
        html_path = self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context)
        report = self._report(
            summary,
            parameters,
            context,
            sections,
            (zone, zone_how),
            map_png,
            caption,
            distance,
            [plate_field, time_field, device_field, state_field, gov_pattern],
            "{} [{}]".format(point.toString(6), point_crs.authid() or "layer CRS") if point is not None else None,
        )
        write_text(html_path, report)
        dest, _ = write_frame(self, parameters, self.OUTPUT_TABLE, context, summary.table)

        for metric, value, note in summary.table.itertuples(index=False, name=None):
            shown = (
                "null"
                if value != value
                else ("{:,.0f}".format(value) if float(value).is_integer() else "{:.3f}".format(value))
            )
            feedback.pushInfo("{}: {}{}".format(metric, shown, " ({})".format(note) if note else ""))
        feedback.pushInfo(self.tr("Report written: {}").format(os.path.basename(html_path)))
        results = {self.OUTPUT_TABLE: dest, self.OUTPUT_HTML: html_path}
        for metric in METRICS:
            results[metric.upper()] = summary.value(metric)
        return results

    # ------------------------------------------------------------------ pieces

    def _sections(self, parameters, context, plans, summary) -> list:
        """The report's result sections, from the result inputs given (read here, checked before)."""
        from alpr_qgis.core.report.findings import Facts, build_sections
        from alpr_qgis.qgis_io.report_io import read_result

        devices = summary.value("devices")
        facts = Facts(int(summary.value("total_reads") or 0), int(devices) if devices is not None else None)
        tables = {
            key: (read_result(self, parameters, key, context, plan[0]), plan[1])
            for key, plan in plans.items()
            if plan is not None
        }
        return build_sections(tables, facts)

    def _report(
        self, summary, parameters, context, sections, zone, map_png, caption, distance, chosen, point_text
    ) -> str:
        from alpr_qgis.core.report import ReportContext, build_report, default_title
        from alpr_qgis.core.summary import describe_distance
        from alpr_qgis.qgis_io.report_io import layer_name, place_name, software_versions

        not_given = self.tr("(not given)")
        inputs = [(self.tr("Reads analysed (INPUT)"), layer_name(self, parameters, self.INPUT, context))]
        for key, label in (
            (self.REJECTED, self.tr("Rejected reads (REJECTED)")),
            (self.UNREADABLE, self.tr("Unreadable records (UNREADABLE)")),
            (self.BOUNDARY, self.tr("Boundary (BOUNDARY)")),
        ):
            inputs.append((label, layer_name(self, parameters, key, context) or not_given))
        for key, label, *_ in (*self.RESULTS, (self.HEATMAP, "Heatmap")):
            if parameters.get(key):  # result inputs: only those given
                inputs.append(("{} ({})".format(self.tr(label), key), layer_name(self, parameters, key, context)))
        plate_field, time_field, device_field, state_field, gov_pattern = chosen
        start, end = summary.time_range
        title = self.parameterAsString(parameters, self.REPORT_TITLE, context).strip() or default_title(
            place_name(self, parameters, self.BOUNDARY, context), start, end
        )
        ctx = ReportContext(
            title=title,
            generated=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            inputs=inputs,
            parameters=[
                (self.PLATE_FIELD, plate_field or "(none)"),
                (self.TIME_FIELD, time_field or "(none)"),
                (self.DEVICE_FIELD, device_field or "(none)"),
                (self.STATE_FIELD, state_field or "(none)"),
                (self.REFERENCE_POINT, point_text or not_given),
                (self.REFERENCE_DISTANCE, describe_distance(distance)),
                (self.GOVERNMENT_PATTERN, gov_pattern),
                (self.TIMEZONE, "{} ({})".format(zone[0] or self.tr("local time as recorded"), zone[1])),
            ],
            software=software_versions(),
            map_png=map_png,
            map_caption=caption,
            reference_distance_text=describe_distance(distance),
            time_zone=zone[0],
            time_zone_how=zone[1],
            sections=sections,
        )
        return build_report(summary, ctx)
