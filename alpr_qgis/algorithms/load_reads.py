"""alpr:loadreads — Load ALPR reads from a records-request export."""

from __future__ import annotations

from typing import Dict

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingMultiStepFeedback,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.qgis_io.styles import style_vector_output

# core.reads and the qgis_io modules that write (pandas, numpy) are imported when the
# algorithm runs, so that registering the provider stays light.


class LoadReadsAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    PLATE_FIELD = "PLATE_FIELD"
    TIME_FIELD = "TIME_FIELD"
    LAT_FIELD = "LAT_FIELD"
    LON_FIELD = "LON_FIELD"
    LOCATION_FIELD = "LOCATION_FIELD"
    DEVICE_FIELD = "DEVICE_FIELD"
    STATE_FIELD = "STATE_FIELD"
    TIME_FORMAT = "TIME_FORMAT"
    SOURCE_CRS = "SOURCE_CRS"
    TIMEZONE = "TIMEZONE"
    OUTPUT = "OUTPUT"
    REJECTED = "REJECTED"
    READ_COUNT = "READ_COUNT"
    REJECTED_COUNT = "REJECTED_COUNT"
    PLATES_HASHED = "PLATES_HASHED"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"

    SECONDS_PER_MILLION, MIB_PER_MILLION = 8.0, 300.0  # measured at 0.5 and 1 million reads (see HELP)
    NAME = "loadreads"
    GROUP = "prepare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("LoadReadsAlgorithm", "Load ALPR reads")
    TAGS = QT_TRANSLATE_NOOP("LoadReadsAlgorithm", "alpr,anpr,lpr,plate,csv,import,load,records request,foia")
    HELP = QT_TRANSLATE_NOOP(
        "LoadReadsAlgorithm",
        "<p>Loads the reads of an automatic licence-plate reader (ALPR) export, as obtained "
        "through a public-records request, into a point layer with standard fields.</p>"
        "<p><b>Input file</b>: delimited text (comma, tab, pipe or semicolon, detected), "
        "optionally gzip-compressed (.gz); UTF-8 with or without BOM, or Latin-1. A quoted "
        "field may contain the delimiter or span lines.</p>"
        "<p><b>Fields</b> are detected from common header names and confirmed by the values: "
        "plate (plate, vrm, red_VRM, license, plate_hash…), time (timestamp, dt, "
        "red_Timestamp, or a date and a time column), location (lat/latitude and "
        'lon/lng/longitude, or one column such as "(37.80, -122.27)", "37.80,-122.27" or '
        "POINT(-122.27 37.80)), device (camera, unit…) and plate state. A column named "
        "location that holds beat codes or addresses is not taken for coordinates; separate "
        "latitude/longitude columns win over a combined one. Set PLATE_FIELD, TIME_FIELD, "
        "LAT_FIELD + LON_FIELD or LOCATION_FIELD, DEVICE_FIELD, STATE_FIELD to override.</p>"
        "<p><b>Time format</b>: empty to detect (e.g. 07/20/2014 08:01:02 AM, "
        "10/07/2021 - 16:30:51, ISO 8601, Unix seconds); or strptime codes such as "
        "%m/%d/%Y %I:%M:%S %p. With a date and a time column the format applies to "
        '"date time".</p>'
        "<p><b>Time zone</b>: read_time is the agency's local wall-clock time. Naive "
        "timestamps are kept as written. Timestamps with an offset or Z (and Unix times) are "
        "converted into TIMEZONE (an IANA name such as America/Los_Angeles) when given, else "
        "into the zone where the reads are, looked up offline from their coordinates (one "
        "zone for the whole file, reads without coordinates included), with daylight saving "
        "time. The log names the zone and how it was chosen. When no zone can be found (the "
        "lookup library tzfpy is not installed, or no read has coordinates) the offset is "
        "dropped, the clock time as written is kept, and the log says so: set TIMEZONE.</p>"
        "<p><b>Source CRS</b>: the CRS of the coordinates (EPSG:4326 by default). Combined "
        "pairs are read latitude first unless most only make sense longitude first; in a "
        "projected CRS they are read x, y.</p>"
        "<p><b>Reads</b> (OUTPUT): read_id (1-based index of the record in the file, header "
        "excluded), plate, read_time, device, state (when the file has one), then every other "
        "column of the file, carried through (a mapped column is not repeated; a column whose "
        "name clashes gets the suffix _src). Rows with missing or zero coordinates are kept "
        "(null geometry, or the point 0,0) for the cleaning step to count.</p>"
        "<p><b>Rejected records</b> (REJECTED): records that cannot be read at all, with "
        "read_id, line_number, reason (too_few_fields, too_many_fields, unterminated_quote, "
        "bad_timestamp, missing_timestamp) and the raw text.</p>"
        "<p><b>TIMEZONE</b> (output): the zone read_time is in (given or looked up; empty "
        "when none is known), for a model to pass on.</p>"
        "<p><b>Guarantee</b>: READ_COUNT + REJECTED_COUNT = the data records in the file. "
        "PLATES_HASHED is true when the plates arrived already hashed (every value hex or "
        "base64 text of one length of 16 or more); later steps then skip plate-text rules.</p>"
        "<p><b>PostGIS</b>: OUTPUT (and REJECTED) may be a PostGIS table (a postgis: destination, or a "
        "connection chosen in the output's menu). With python3-psycopg2 installed the reads go in by COPY as "
        "the file is read, in one transaction: the table is made with read_time as timestamp without time "
        "zone, the geometry as Point in the source CRS (null where a read has no coordinates), read_id as its "
        "primary key in file order, a spatial (GiST) index and indexes on plate, device and read_time, then "
        "analysed. A failure or a cancel leaves nothing, and a table of that name there before stays as it "
        "was.</p>"
        "<p><b>Time and memory</b>: time grows in proportion to the records (about 8 s per million on "
        "a 2-core laptop, measured); the file is read in parts by two worker processes and written as it "
        "comes, so memory stays about 300 MiB above QGIS's own (550 MiB in all at a million records, each "
        "worker about 360 MiB). A file of more than a million records (guessed from its size) logs an "
        "estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:loadreads -- INPUT=reads.csv.gz "
        "OUTPUT=reads.gpkg REJECTED=rejected.gpkg</code></p>",
    )

    def initAlgorithm(self, config=None) -> None:
        param = QgsProcessingParameterFile(
            self.INPUT,
            self.tr("ALPR export (CSV or delimited text, may be .gz)"),
            fileFilter=self.tr("Delimited text (*.csv *.tsv *.txt *.psv *.dat *.gz);;All files (*.*)"),
        )
        param.setHelp(self.tr("The file of reads as the agency exported it."))
        self.addParameter(param)
        for key, label, help_text in (
            (
                self.PLATE_FIELD,
                self.tr("Plate field"),
                self.tr("Column holding the plate text or hash; empty to detect."),
            ),
            (
                self.TIME_FIELD,
                self.tr("Time field"),
                self.tr("Column holding the read's date and time; empty to detect."),
            ),
            (
                self.LAT_FIELD,
                self.tr("Latitude (y) field"),
                self.tr("Column of latitudes or y; set with the longitude field."),
            ),
            (
                self.LON_FIELD,
                self.tr("Longitude (x) field"),
                self.tr("Column of longitudes or x; set with the latitude field."),
            ),
            (
                self.LOCATION_FIELD,
                self.tr("Combined location field"),
                self.tr('One column holding both coordinates, e.g. "(37.80, -122.27)" or POINT(-122.27 37.80).'),
            ),
            (
                self.DEVICE_FIELD,
                self.tr("Device (camera/car) field"),
                self.tr("Column naming the camera or patrol car; empty to detect."),
            ),
            (
                self.STATE_FIELD,
                self.tr("Plate state field"),
                self.tr("Column of the plate's issuing state; empty to detect."),
            ),
        ):
            param = QgsProcessingParameterString(key, label, optional=True)
            param.setHelp(help_text)
            self.addParameter(param)
        param = QgsProcessingParameterString(
            self.TIME_FORMAT, self.tr("Time format (strptime, optional)"), optional=True
        )
        param.setHelp(self.tr("For example %m/%d/%Y %I:%M:%S %p. Empty: detect the format."))
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)
        param = QgsProcessingParameterCrs(
            self.SOURCE_CRS, self.tr("CRS of the coordinates"), "EPSG:4326", optional=True
        )
        param.setHelp(self.tr("The coordinate reference system the file's coordinates are in."))
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)
        param = QgsProcessingParameterString(
            self.TIMEZONE, self.tr("Agency time zone (IANA name, optional)"), optional=True
        )
        param.setHelp(
            self.tr(
                "Timestamps with an offset are converted into this zone, e.g. America/Los_Angeles. "
                "Empty: the zone where the reads are, looked up from their coordinates."
            )
        )
        param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(param)
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Reads"), QgsProcessing.TypeVectorPoint)
        )
        self.add_sink(self.REJECTED, self.tr("Rejected records"), optional=True)
        self.addOutput(QgsProcessingOutputNumber(self.READ_COUNT, self.tr("Reads loaded")))
        self.addOutput(QgsProcessingOutputNumber(self.REJECTED_COUNT, self.tr("Records rejected")))
        self.addOutput(QgsProcessingOutputNumber(self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")))
        self.addOutput(QgsProcessingOutputBoolean(self.PLATES_HASHED, self.tr("Plates arrived hashed")))
        self.addOutput(QgsProcessingOutputString(self.TIMEZONE, self.tr("Time zone of read_time")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span, write_output
        from alpr_qgis.qgis_io.reads_loading import estimated_rows, load_to_sink

        path = self.parameterAsFile(parameters, self.INPUT, context)
        crs = self.parameterAsCrs(parameters, self.SOURCE_CRS, context)
        if not crs.isValid():
            crs = QgsCoordinateReferenceSystem("EPSG:4326")
        options = self._options(parameters, context, crs)
        self.log_estimate(feedback, estimated_rows(path))
        steps = QgsProcessingMultiStepFeedback(3, feedback)
        steps.setCurrentStep(0)

        def loaded(table) -> None:
            self._report(table, feedback)
            steps.setCurrentStep(1)

        table, dest, n_reads = load_to_sink(
            self, parameters, self.OUTPUT, context, path, options, crs, steps, feedback.isCanceled, loaded
        )
        if feedback.isCanceled():
            raise Cancelled()
        self._report_table(parameters, context, feedback, n_reads)
        style_vector_output(dest, "reads", context, feedback)
        steps.setCurrentStep(2)
        rejected_dest, _ = write_output(
            self,
            parameters,
            self.REJECTED,
            context,
            feedback,
            table.rejected,
            progress=progress_span(steps, 0, 100),
        )
        n_rejected = len(table.rejected)
        check_accounted(table.records, n_reads, n_rejected, what="records")
        feedback.pushInfo(
            self.tr("{} records: {} reads loaded, {} rejected.").format(table.records, n_reads, n_rejected)
        )
        return {
            self.OUTPUT: dest,
            self.REJECTED: rejected_dest,
            self.READ_COUNT: n_reads,
            self.REJECTED_COUNT: n_rejected,
            self.MISSING_LOCATION_COUNT: table.missing_locations + table.unreadable_locations,
            self.PLATES_HASHED: table.plates_hashed,
            self.TIMEZONE: table.timezone or "",
        }

    def _report_table(self, parameters: Dict, context, feedback, n_reads: int) -> None:
        """Say where the reads went when OUTPUT is a PostGIS table written in bulk (named safely, no secrets)."""
        from alpr_qgis.qgis_io.postgis.sink import postgis_output

        table = postgis_output(parameters, self.OUTPUT, context)
        if table is not None:
            feedback.pushInfo(
                self.tr(
                    "{} reads copied into {} in one transaction (COPY), with a spatial index and indexes on "
                    "plate, device and read_time."
                ).format(n_reads, table.label())
            )

    def _options(self, parameters: Dict, context, crs):
        """The load options from the parameters (an empty field name: detect it)."""
        from alpr_qgis.core.reads import LoadOptions
        from alpr_qgis.qgis_io.reads_loading import to_lonlat

        def text(key):
            value = self.parameterAsString(parameters, key, context)
            return value.strip() or None

        return LoadOptions(
            plate_field=text(self.PLATE_FIELD),
            time_field=text(self.TIME_FIELD),
            lat_field=text(self.LAT_FIELD),
            lon_field=text(self.LON_FIELD),
            location_field=text(self.LOCATION_FIELD),
            device_field=text(self.DEVICE_FIELD),
            state_field=text(self.STATE_FIELD),
            time_format=text(self.TIME_FORMAT),
            timezone=text(self.TIMEZONE),
            geographic=crs.isGeographic(),
            to_lonlat=None if crs.isGeographic() else to_lonlat(crs, context),
        )

    def _report_zone(self, table, feedback) -> None:
        """Say which time zone read_time is in and how it was chosen (or why none could be)."""
        from alpr_qgis.core import reads
        from alpr_qgis.core.timezones import INSTALL_HINT

        source = table.timezone_source
        if source == reads.ZONE_GIVEN:
            feedback.pushInfo(self.tr("Time zone: {}, given as TIMEZONE.").format(table.timezone))
        elif source == reads.ZONE_LOOKED_UP:
            feedback.pushInfo(self.tr("Time zone: {}, looked up from the reads' coordinates.").format(table.timezone))
        if not table.times_aware:
            feedback.pushInfo(self.tr("The timestamps carry no offset: kept as written."))
        if table.offsets_converted:
            feedback.pushInfo(
                self.tr("{} timestamps with an offset (or in Unix time) converted into {}.").format(
                    table.offsets_converted, table.timezone
                )
            )
        if not table.offsets_dropped:
            return
        if source == reads.ZONE_NO_LIBRARY:
            why = self.tr("the time-zone lookup library is not installed")
        elif source == reads.ZONE_NO_COORDINATES:
            why = self.tr("no read has coordinates to look the zone up from")
        elif source == reads.ZONE_NOT_FOUND:
            why = self.tr("the reads' coordinates lie in no known time zone")
        else:
            why = self.tr("they could not be converted")
        hint = self.tr("Set TIMEZONE (an IANA name such as America/Los_Angeles) to convert them.")
        if source == reads.ZONE_NO_LIBRARY:
            hint = self.tr("Set TIMEZONE (an IANA name such as America/Los_Angeles), or {}.").format(INSTALL_HINT)
        feedback.pushWarning(
            self.tr(
                "{} timestamps carry a UTC offset or are in Unix time, but no time zone is known ({}): "
                "their offset was dropped and the clock time as written kept (UTC for Unix times). {}"
            ).format(table.offsets_dropped, why, hint)
        )

    def _report(self, table, feedback) -> None:
        """Say what was detected (column names and counts, never plate values)."""
        from alpr_qgis.core.reads import DELIMITER_NAMES

        f = table.fields
        feedback.pushInfo(
            self.tr("Encoding {}, {}-delimited, {} data records.").format(
                table.encoding, DELIMITER_NAMES.get(table.delimiter, table.delimiter), table.records
            )
        )
        where = ("{} + {}".format(f.lat, f.lon) if f.lat else f.location) or "-"
        feedback.pushInfo(
            self.tr("Fields: plate = {}, time = {}, location = {} ({}), device = {}, state = {}.").format(
                f.plate, " + ".join(f.time), where, table.coordinate_order, f.device or "-", f.state or "-"
            )
        )
        feedback.pushInfo(self.tr("Time format: {}.").format(table.time_format))
        if table.parser != "fast":
            feedback.pushInfo(
                self.tr(
                    "The file has quoted line breaks or irregular quoting: its records were split "
                    "with the exact, slower reader."
                )
            )
        if table.plates_hashed:
            feedback.pushInfo(self.tr("The plates arrived hashed: plate-text rules will not apply to them."))
        if not f.device:
            feedback.pushWarning(self.tr("No device column found: device is null."))
        self._report_zone(table, feedback)
        if table.missing_locations:
            feedback.pushInfo(
                self.tr("{} reads have no coordinates (kept, with no geometry).").format(table.missing_locations)
            )
        if table.unreadable_locations:
            row, field, value = table.first_unreadable_location
            feedback.pushWarning(
                self.tr(
                    "{} reads have coordinates that cannot be read, kept with no geometry; the first "
                    'is row {}, field "{}": "{}".'
                ).format(table.unreadable_locations, row, field, value[:60])
            )
        if table.renamed_columns:
            feedback.pushInfo(
                self.tr("Columns renamed: {}.").format(
                    ", ".join("{} -> {}".format(a, b) for a, b in table.renamed_columns.items())
                )
            )
        if len(table.rejected):
            counts = table.rejected["reason"].value_counts()
            feedback.pushWarning(
                self.tr("Rejected records by reason: {}.").format(
                    ", ".join("{} {}".format(k, v) for k, v in counts.items())
                )
            )
