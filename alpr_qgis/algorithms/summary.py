"""alpr:summary — ALPR summary ("the numbers") and the HTML report that tells the whole story."""

from __future__ import annotations

import os
from typing import Dict, List

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
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
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

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

    # measured (bench/bench_summary_tracks.py); memory is about flat (150 MiB at 0.5 and 2 million reads)
    # Memory above QGIS's own: net 146 and 153 MiB at 0.5 and 2 million reads.
    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 20.0, 145.0, 5.0

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

    NAME = "summary"
    GROUP = "report"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("SummaryAlgorithm", "ALPR summary and report")
    TAGS = QT_TRANSLATE_NOOP(
        "SummaryAlgorithm",
        "alpr,anpr,lpr,plate,summary,report,statistics,numbers,html,audit,accountability,funnel,findings"
    )  # fmt: skip
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "SummaryAlgorithm",
        "Every count is an aggregate made there (totals, reads per plate, the most-read plates, weekday "
        "and hour, devices, the map's grid): what comes back is at most a row per device, date and hour, "
        "the map's rows and a thousand places for the time zone, whatever the number of reads.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "SummaryAlgorithm",
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
        "<p><b>Time and memory</b>: time grows in proportion to the reads, memory hardly. The reads stream "
        "in a chunk at a time and each chunk is counted at once; what needs every read together (the plates, the "
        "positions, each device's reads, the read ids) goes into scratch files in QGIS's temporary folder "
        "(about 100 bytes a read, in a private folder removed at the end) and is counted a bucket at a "
        "time. Measured on a busy 2-core machine: about 20 s per million reads, and about 150 MiB above "
        "QGIS's own whatever the number of reads (0.5 and 2 million reads: 146 and 157 MiB). A run on more "
        "than a million reads logs its estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:summary -- INPUT=clean.gpkg "
        "REJECTED=rejected.gpkg UNREADABLE=unreadable.gpkg BOUNDARY=city.gpkg|layername=city_boundary "
        'HOTSPOTS=hotspots.gpkg REFERENCE_POINT="-122.27,37.80 [EPSG:4326]" OUTPUT_TABLE=summary.gpkg '
        "OUTPUT_HTML=report.html</code></p>"
    )  # fmt: skip

    def initAlgorithm(self, config=None) -> None:
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
        # The one name every algorithm gives reads without coordinates (the metric above, under it).
        self.addOutput(QgsProcessingOutputNumber("MISSING_LOCATION_COUNT", self.tr("Reads without a location")))

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
        from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError

        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'has no field "{name}".'),
            args={"name": name, "parameter": key, "fields": ", ".join(f for f in fields if f != "fid") or "none"},
            path=source_name,
            field=key,
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Fields present: {fields}. Set {parameter} to one of them, or leave it empty."
            ),
        )

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS's name)
        """QGIS's check, its message without a database's socket path or password (it quotes the source)."""
        from alpr_qgis.qgis_io.postgis.connection import scrub

        ok, message = super().checkParameterValues(parameters, context)
        return ok, message if ok else scrub(message)

    def process(self, parameters: Dict, context, feedback) -> Dict:
        from alpr_qgis.qgis_io.postgis.source import postgis_reads

        setup = self._setup(parameters, context, feedback)
        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is not None:  # a PostGIS table: counted in its database, only aggregates come back
            from alpr_qgis.qgis_io.postgis.summary import snapshot, summarise_in_database

            with pg, snapshot(pg, feedback):
                counted = summarise_in_database(self, pg, parameters, context, feedback, setup)
                if counted is not None:
                    results = self._report(parameters, context, feedback, setup, *counted)
                    pg.log_fetched(feedback)
                    return results
        from qgis.core import QgsProcessingUtils

        from alpr_qgis.core.scratch import ScratchDir

        # The reads' columns spilled while they are counted (plate text among them): a private folder,
        # removed on every exit path.
        scratch = ScratchDir(QgsProcessingUtils.tempFolder())
        try:
            counted = self._summarise(parameters, context, feedback, setup, scratch.path)
            return self._report(parameters, context, feedback, setup, *counted)
        finally:
            scratch.close()

    def _setup(self, parameters, context, feedback):
        """What is checked before anything is read: fields, pattern, result layers, reference point, boundary."""
        from alpr_qgis.core.cleaning import compile_government
        from alpr_qgis.qgis_io import report_io, summary_parts
        from alpr_qgis.qgis_io.postgis.summary import as_setup

        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:  # (QGIS's message quotes the source: a database's socket path or password stays out)
            from alpr_qgis.qgis_io.postgis.connection import scrub

            raise QgsProcessingException(scrub(self.invalidSourceError(parameters, self.INPUT)))
        fields, columns = self._fields(parameters, context, source, feedback)
        gov_pattern = self.parameterAsString(parameters, self.GOVERNMENT_PATTERN, context) or r"\d{7}"
        compile_government(gov_pattern)  # a clear error for a bad pattern
        distance = self.parameterAsDouble(parameters, self.REFERENCE_DISTANCE, context)
        # Every result input is checked before anything is read: a wrong layer stops the run here.
        plans = {key: report_io.plan_result(self, parameters, key, context) for key, *_ in self.RESULTS}
        unreadable_plan = report_io.plan_result(self, parameters, self.UNREADABLE, context)
        crs = source.sourceCrs() if source.sourceCrs().isValid() else QgsCoordinateReferenceSystem("EPSG:4326")
        reference = summary_parts.reference_point(self, parameters, context, crs, distance)
        boundary, shape = summary_parts.boundary_shape(self, parameters, context, feedback, crs)
        return as_setup(
            fields=fields,
            columns=columns,
            gov_pattern=gov_pattern,
            distance=distance,
            plans=plans,
            unreadable_plan=unreadable_plan,
            crs=crs,
            reference=reference,
            boundary=boundary,
            shape=shape,
        )

    def _summarise(self, parameters, context, feedback, setup, folder):
        """``(summary, time zone, the reads for the map)`` of reads streamed through QGIS (the file path),
        counted a chunk at a time with their columns spilled into ``folder`` (``qgis_io.summary_stream``)."""
        from alpr_qgis.core.errors import Cancelled
        from alpr_qgis.qgis_io import summary_parts, summary_stream
        from alpr_qgis.qgis_io.plumbing import progress_span
        from alpr_qgis.qgis_io.streamed_reads import Locator

        feedback.setProgressText(self.tr("Reading the reads"))
        reference = setup.reference
        locator = Locator(context.transformContext(), reference[2] if reference else None, setup.shape)
        reads, crs = summary_stream.read_flat(
            self,
            parameters,
            context,
            feedback,
            setup.columns,
            setup.fields,
            locator.flags,
            progress_span(feedback, 0, 40),
            folder,
            setup.gov_pattern,
        )
        if not reads.n:
            feedback.pushWarning(self.tr("The input layer has no features."))
        zone = summary_stream.zone_of(self, parameters, context, reads, crs)
        feedback.pushInfo(
            self.tr("Times are named in {} ({}).").format(zone[0] or self.tr("local time as recorded"), zone[1])
        )
        feedback.setProgress(45)
        rejected, unreadable = summary_parts.other_layers(
            self, parameters, context, feedback, crs, reads.shared_ids, setup.unreadable_plan
        )
        metric = summary_stream.metric_crs(reads, crs, context.transformContext())
        kinds = summary_stream.camera_kinds(self, parameters, context, reads, crs, metric, feedback)
        if feedback.isCanceled():
            raise Cancelled()

        feedback.setProgressText(self.tr("Counting"))
        summary = summary_stream.summary_of(reads, setup, rejected, unreadable, kinds, feedback)
        return summary, zone, summary_stream.SpilledPoints(reads, crs, metric, context.transformContext(), folder)

    def _report(self, parameters, context, feedback, setup, summary, zone, reads) -> Dict:
        """The result sections, the map, the HTML report and the table; the algorithm's results."""
        from alpr_qgis.core.errors import Cancelled
        from alpr_qgis.qgis_io import report_io, summary_parts
        from alpr_qgis.qgis_io.report_map import draw_map
        from alpr_qgis.qgis_io.vector import write_frame

        sections = summary_parts.result_sections(self, parameters, context, setup.plans, summary)
        feedback.setProgress(60)

        feedback.setProgressText(self.tr("Drawing the map"))
        # The report's map: (PNG bytes, caption), or (None, why); another renderer plugs in here.
        reference, distance = setup.reference, setup.distance
        point, point_crs = (reference[0], reference[1]) if reference else (None, None)
        drawn = draw_map(
            self, parameters, context, feedback, None, None, None, point, point_crs, distance, setup.boundary, reads
        )
        if feedback.isCanceled():
            raise Cancelled()
        feedback.setProgress(85)

        feedback.setProgressText(self.tr("Writing"))
        html_path = self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context)
        chosen = [setup.columns.get(k) for k in ("plate", "time", "device", "state")] + [setup.gov_pattern]
        report = summary_parts.report_html(
            self, summary, parameters, context, sections, zone, drawn, distance, chosen, reference
        )
        report_io.write_text(html_path, report)
        dest, _ = write_frame(self, parameters, self.OUTPUT_TABLE, context, summary.table)
        summary_parts.log_metrics(feedback, summary.table)
        feedback.pushInfo(self.tr("Report written: {}").format(os.path.basename(html_path)))
        results = {self.OUTPUT_TABLE: dest, self.OUTPUT_HTML: html_path}
        for metric in METRICS:
            results[metric.upper()] = summary.value(metric)
        results["MISSING_LOCATION_COUNT"] = results["READS_MISSING_LOCATION"]
        return results

    def _fields(self, parameters, context, source, feedback):
        """(fields to read, their roles for ``SummaryReads``): the chosen fields and the cleaner's flags."""
        layer_name = self.layer_name_of(parameters, context)
        fields = [f.name() for f in source.fields()]
        plate, time, device, state = (
            self._field(parameters, key, context, fields, layer_name, feedback)
            for key in (self.PLATE_FIELD, self.TIME_FIELD, self.DEVICE_FIELD, self.STATE_FIELD)
        )
        if state is None and not parameters.get(self.STATE_FIELD):
            state = next((f for f in fields if f.lower() == "state"), None)
        columns = {"plate": plate, "time": time, "device": device, "state": state}
        for role, name in (("government", "is_government"), ("duplicate", "is_duplicate"), ("read_id", "read_id")):
            columns[role] = next((f for f in fields if f.lower() == name), None)
        wanted = list(dict.fromkeys(f for f in columns.values() if f))
        return wanted, columns

    def layer_name_of(self, parameters, context) -> str:
        from alpr_qgis.qgis_io.report_io import layer_name

        return layer_name(self, parameters, self.INPUT, context) or "the input layer"
