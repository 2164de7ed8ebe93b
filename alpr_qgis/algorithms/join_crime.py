"""alpr:joincrime — Compare reads with crime: does the patrol follow crime?"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core import spatial
from alpr_qgis.core.crime import (
    ZONE_FIELDS,
    binned_hex_counts,
    category_mask,
    compile_filter,
    count_in_zones,
    counted_zones,
    crime_stats,
)
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.qgis_io.crs import is_metric, transform_xy
from alpr_qgis.qgis_io.hex_reads import bin_reads
from alpr_qgis.qgis_io.inputs import polygons_crs, read_polygons, unique_name
from alpr_qgis.qgis_io.plumbing import polygon_geometry, progress_span, write_output
from alpr_qgis.qgis_io.reads_input import read_reads
from alpr_qgis.qgis_io.unit_reads import locate_in_units
from alpr_qgis.qgis_io.vector import read_frame


class JoinCrimeAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    CRIMES = "CRIMES"
    CATEGORY_FIELD = "CATEGORY_FIELD"
    CATEGORY_FILTER = "CATEGORY_FILTER"
    ZONES = "ZONES"
    CELL_SIZE = "CELL_SIZE"
    OUTPUT = "OUTPUT"
    OUTPUT_STATS = "OUTPUT_STATS"
    ZONE_COUNT = "ZONE_COUNT"
    READ_COUNT = "READ_COUNT"
    CRIME_COUNT = "CRIME_COUNT"
    FILTERED_OUT_CRIME_COUNT = "FILTERED_OUT_CRIME_COUNT"
    NO_ZONE_READ_COUNT = "NO_ZONE_READ_COUNT"
    NO_ZONE_CRIME_COUNT = "NO_ZONE_CRIME_COUNT"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    SPEARMAN = "SPEARMAN"
    TOP_CRIME_READ_SHARE = "TOP_CRIME_READ_SHARE"
    SUMMARY = "SUMMARY"

    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 3.0, 85.0, 1.0  # measured at 0.5 and 2 million reads (HELP)
    NAME = "joincrime"
    GROUP = "compare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("JoinCrimeAlgorithm", "Compare reads with crime")
    TAGS = QT_TRANSLATE_NOOP(
        "JoinCrimeAlgorithm", "alpr,anpr,lpr,plate,crime,incident,auto theft,stolen,correlation,spearman,hexagon,zone"
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "JoinCrimeAlgorithm",
        "The zones are uploaded into a temporary table of the transaction with a spatial index, and the "
        "reads are counted per zone (or per hexagon) there: one row per zone or hexagon comes back.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "JoinCrimeAlgorithm",
        "<p>Does the patrol follow crime? Counts reads and crimes in the same zones and "
        "correlates them.</p>"
        "<p><b>INPUT</b>: reads (points). <b>CRIMES</b>: incidents (points), in any CRS. "
        "<b>CATEGORY_FIELD</b> and <b>CATEGORY_FILTER</b>: keep only the crimes whose category "
        "matches the regular expression (case-insensitive, anywhere in the text), e.g. "
        "<code>VEHICLE|AUTO|PLATE</code> for the auto-related crimes an ALPR is meant for; "
        "empty: every crime. <b>ZONES</b> (optional): polygons (beats, tracts, "
        "neighbourhoods); reads and crimes are transformed to their CRS, a point on a border "
        "shared by two zones goes to the first. Without ZONES: flat-topped hexagons of "
        "<b>CELL_SIZE</b> metres between opposite edges (default 500), in the reads' CRS when it "
        "is in metres, else their local UTM zone; only hexagons holding a read or a crime are "
        "kept (many empty cells would make any two layers look alike).</p>"
        "<p><b>OUTPUT</b>: the zones (with their fields) or hexagons, with <i>read_count</i>, "
        "<i>crime_count</i> and <i>reads_per_crime</i> (null where there is no crime). "
        "<b>OUTPUT_STATS</b>: one row with <i>zone_count</i>, <i>read_count</i>, "
        "<i>crime_count</i>, <i>spearman</i>, <i>spearman_p</i>, <i>pearson</i>, "
        "<i>pearson_p</i> (reads against crimes across the zones; null with fewer than three "
        "zones), <i>top_crime_zones</i> (the 20 % of zones with the most crime, at least one), "
        "their share of the crimes (<i>top_crime_share</i>) and of the reads "
        "(<i>top_crime_read_share</i>): if patrols followed crime, the two would be alike. "
        "<b>SUMMARY</b> says it in one sentence, also in the log.</p>"
        "<p>Counts: READ_COUNT = the reads' zone counts + NO_ZONE_READ_COUNT + "
        "MISSING_LOCATION_COUNT; CRIME_COUNT (crimes kept by the filter) = their zone counts + "
        "NO_ZONE_CRIME_COUNT (or without a location); FILTERED_OUT_CRIME_COUNT; ZONE_COUNT; SPEARMAN; "
        "TOP_CRIME_READ_SHARE.</p>"
        "<p>Caveats: recorded crime follows reporting and policing as much as crime itself, "
        "and p-values are naive (neighbouring zones are alike; the reads come from a few cars). "
        "Zones of very different sizes make raw counts hard to compare.</p>"
        "<p><b>Time and memory</b>: the reads are read, located (or binned to hexagons) and counted a chunk "
        "at a time, so time grows with the reads, about 2 to 3 s per million, and memory does not: about "
        "80 MiB above QGIS's own at half a million reads and at two million, with zones or hexagons "
        "(measured on a busy 2-core machine); the zones and crimes add little. A run on more than a million "
        "reads logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:joincrime -- INPUT=reads.gpkg "
        "CRIMES=city.gpkg|layername=crimes CATEGORY_FIELD=category "
        'CATEGORY_FILTER="VEHICLE|AUTO|PLATE" CELL_SIZE=500 OUTPUT=crime.gpkg</code></p>',
    )

    def initAlgorithm(self, config=None) -> None:
        add = self.add_parameter
        self.add_source(self.INPUT, self.tr("Reads"), self.tr("ALPR reads, e.g. the output of alpr:cleanreads."))
        self.add_source(
            self.CRIMES,
            self.tr("Crimes"),
            self.tr("Crime incidents as points (e.g. the police department's open data)."),
        )
        self.add_field(
            self.CATEGORY_FIELD,
            self.tr("Category field"),
            None,
            self.tr("The field holding each crime's category or offence (needed for CATEGORY_FILTER)."),
            parent=self.CRIMES,
        )
        add(
            QgsProcessingParameterString(
                self.CATEGORY_FILTER, self.tr("Category filter (regular expression)"), optional=True
            ),
            self.tr("Keep crimes whose category matches, case-insensitive, e.g. VEHICLE|AUTO|PLATE. Empty: all."),
        )
        self.add_source(
            self.ZONES,
            self.tr("Zones"),
            self.tr("Polygons to count in (beats, tracts…). Empty: hexagons of CELL_SIZE."),
            [QgsProcessing.TypeVectorPolygon],
            optional=True,
        )
        add(
            QgsProcessingParameterNumber(
                self.CELL_SIZE,
                self.tr("Hexagon size (m)"),
                QgsProcessingParameterNumber.Double,
                500.0,
                minValue=1.0,
            ),
            self.tr("Distance between opposite edges of a hexagon, in metres (used without ZONES)."),
        )
        self.add_sink(self.OUTPUT, self.tr("Zones with reads and crimes"), QgsProcessing.TypeVectorPolygon)
        self.add_sink(self.OUTPUT_STATS, self.tr("Reads against crime: statistics"), optional=True)
        self.add_numbers(
            (
                (self.ZONE_COUNT, self.tr("Zones")),
                (self.READ_COUNT, self.tr("Reads in the input")),
                (self.CRIME_COUNT, self.tr("Crimes kept by the filter")),
                (self.FILTERED_OUT_CRIME_COUNT, self.tr("Crimes left out by the filter")),
                (self.NO_ZONE_READ_COUNT, self.tr("Reads in no zone")),
                (self.NO_ZONE_CRIME_COUNT, self.tr("Crimes in no zone")),
                (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
                (self.SPEARMAN, self.tr("Spearman correlation of reads and crimes")),
                (self.TOP_CRIME_READ_SHARE, self.tr("Share of reads in the top 20 % crime zones")),
            )
        )
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("Reads against crime, in words")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        category_field, filter_text = self._category(parameters, context)
        cell_size = self.parameterAsDouble(parameters, self.CELL_SIZE, context)

        feedback.setProgressText(self.tr("Reading"))
        zones = read_polygons(self, parameters, self.ZONES, context, feedback)
        args = (parameters, context, feedback, zones, category_field, filter_text, cell_size)
        counts, q, r, out_crs, grid, n_reads, missing, crimes, keep = self._count(*args)
        table, geometry = self._output_table(zones, counts, grid, q, r, cell_size, feedback)
        if feedback.isCanceled():
            raise Cancelled()
        feedback.setProgress(80)
        for name in ZONE_FIELDS:
            table[name] = counts[name].to_numpy()
        stats = crime_stats(counts, filter_text)
        summary = self._summary(stats)

        feedback.setProgressText(self.tr("Writing"))
        where = {"style": "crime", "crs": out_crs, "progress": progress_span(feedback, 80, 98), **geometry}
        dest, n_zones = write_output(self, parameters, self.OUTPUT, context, feedback, table, **where)
        stats_dest, _ = write_output(self, parameters, self.OUTPUT_STATS, context, feedback, stats)

        n_crimes = int(keep.sum())
        no_zone = n_reads - missing - int(counts["read_count"].sum())
        no_zone_crimes = n_crimes - int(counts["crime_count"].sum())
        if no_zone < 0 or no_zone_crimes < 0:  # cheap, and it catches real bugs
            raise QgsProcessingException(self.tr("Internal error: reads or crimes counted twice."))
        self._log(n_reads, no_zone, missing, n_crimes, no_zone_crimes, n_zones, len(crimes.x), summary, feedback)
        row = stats.iloc[0]
        return {
            self.OUTPUT: dest,
            self.OUTPUT_STATS: stats_dest,
            self.ZONE_COUNT: n_zones,
            self.READ_COUNT: n_reads,
            self.CRIME_COUNT: n_crimes,
            self.FILTERED_OUT_CRIME_COUNT: int((~keep).sum()),
            self.NO_ZONE_READ_COUNT: no_zone,
            self.NO_ZONE_CRIME_COUNT: no_zone_crimes,
            self.MISSING_LOCATION_COUNT: missing,
            self.SPEARMAN: _number(row["spearman"]),
            self.TOP_CRIME_READ_SHARE: _number(row["top_crime_read_share"]),
            self.SUMMARY: summary,
        }

    def _count(self, parameters: Dict, context, feedback, zones, category_field, filter_text: str, cell_size: float):
        """(counts per zone, q, r, output CRS, hex grid, reads, reads without a location, crimes, crimes kept)."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (on first use: it brings pandas)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is not None:
            from alpr_qgis.qgis_io.postgis.joins import crime_counts

            with pg:
                found = crime_counts(self, pg, parameters, context, feedback, zones, category_field, filter_text,
                                     cell_size)  # fmt: skip
                if found is not None:
                    pg.log_fetched(feedback)
                    return found
        if zones is not None:
            return self._count_in_zones(parameters, context, feedback, zones, category_field, filter_text)
        if self.parameterAsSource(parameters, self.INPUT, context).sourceCrs().isValid():
            return self._count_in_hexagons(parameters, context, feedback, category_field, filter_text, cell_size)
        # A layer without CRS (read as degrees, with a warning): every read at once, as before.
        reads = read_reads(self, parameters, context, feedback, [], progress=progress_span(feedback, 0, 40))
        crimes = read_frame(self, parameters, self.CRIMES, context, [category_field] if category_field else [])
        keep = self._filter(crimes, category_field, filter_text, feedback)
        crime_crs = crimes.crs if crimes.crs.isValid() else reads.crs
        feedback.setProgress(45)

        feedback.setProgressText(self.tr("Counting reads and crimes per zone"))
        if zones is not None:
            out_crs = polygons_crs(zones, reads.crs, feedback, self)
            rx, ry = reads.to(out_crs)
        else:
            message = self.tr("Hexagons built in {} (metres); the output is in this CRS.")
            out_crs, rx, ry = reads.in_metres(feedback, message)
        cx, cy = transform_xy(crimes.x[keep], crimes.y[keep], crime_crs, out_crs, reads.transform_context)
        grid = HexGrid(cell_size) if zones is None else None
        counts, q, r = count_in_zones(
            rx,
            ry,
            cx,
            cy,
            zones=zones.geoms if zones is not None else None,
            grid=grid,
            progress=progress_span(feedback, 45, 80),
            cancelled=feedback.isCanceled,
        )
        return counts, q, r, out_crs, grid, len(reads), reads.missing_count, crimes, keep

    def _count_in_zones(self, parameters: Dict, context, feedback, zones, category_field, filter_text: str):
        """``_count`` with ZONES: the reads located and counted a chunk at a time (``qgis_io.unit_reads``)."""
        feedback.setProgressText(self.tr("Counting reads and crimes per zone"))
        found = locate_in_units(
            self, parameters, context, feedback, zones, progress=progress_span(feedback, 0, 75), warn_lost=False
        )
        crimes = read_frame(self, parameters, self.CRIMES, context, [category_field] if category_field else [])
        keep = self._filter(crimes, category_field, filter_text, feedback)
        crime_crs = crimes.crs if crimes.crs.isValid() else found.reads_crs
        cx, cy = transform_xy(crimes.x[keep], crimes.y[keep], crime_crs, found.units_crs, context.transformContext())
        crime_zone = spatial.locate(cx, cy, zones.geoms, cancelled=feedback.isCanceled)
        counts = counted_zones(found.counts, crime_zone, len(zones.geoms))
        feedback.setProgress(80)
        return counts, None, None, found.units_crs, None, found.total, found.missing, crimes, keep

    def _count_in_hexagons(self, parameters: Dict, context, feedback, category_field, filter_text, cell_size):
        """``_count`` without ZONES: the reads binned to hexagons a chunk at a time (``qgis_io.hex_reads``)."""
        feedback.setProgressText(self.tr("Counting reads and crimes per zone"))
        grid = HexGrid(cell_size)
        binned = bin_reads(
            self,
            parameters,
            context,
            feedback,
            grid,
            lambda crs: crs if is_metric(crs) else None,
            progress=progress_span(feedback, 0, 75),
            null_island=True,
        )
        if binned.island:
            feedback.pushWarning(
                self.tr(
                    "{} reads lie at 0,0 (null island): their coordinates were missing. "
                    "Run alpr:cleanreads first to set them apart."
                ).format(binned.island)
            )
        out_crs = binned.crs
        if out_crs != binned.reads_crs:
            feedback.pushInfo(
                self.tr("Hexagons built in {} (metres); the output is in this CRS.").format(out_crs.authid())
            )
        crimes = read_frame(self, parameters, self.CRIMES, context, [category_field] if category_field else [])
        keep = self._filter(crimes, category_field, filter_text, feedback)
        crime_crs = crimes.crs if crimes.crs.isValid() else binned.reads_crs
        cx, cy = transform_xy(crimes.x[keep], crimes.y[keep], crime_crs, out_crs, binned.transform_context)
        counts, q, r = binned_hex_counts(grid, binned.cells, cx, cy)
        feedback.setProgress(80)
        return counts, q, r, out_crs, grid, binned.total, binned.missing, crimes, keep

    def _output_table(self, zones, counts, grid, q, r, cell_size: float, feedback):
        """(the zones' fields, or none for hexagons; ``write_frame`` geometry arguments)."""
        if zones is not None:
            table = unique_name(zones.table, ZONE_FIELDS, feedback, self).reset_index(drop=True)
            return table, polygon_geometry(zones.geoms)
        feedback.pushInfo(self.tr("{} hexagons of {} m hold a read or a crime.").format(len(q), cell_size))
        return counts.iloc[:, :0].copy(), {"wkb": grid.wkb(q, r), "wkb_type": QgsWkbTypes.Polygon}

    def _category(self, parameters: Dict, context) -> Tuple[Optional[str], str]:
        """(CATEGORY_FIELD or None, CATEGORY_FILTER); a filter needs a field of CRIMES."""
        crimes_source = self.parameterAsSource(parameters, self.CRIMES, context)
        if crimes_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.CRIMES))
        category_field = self.parameterAsString(parameters, self.CATEGORY_FIELD, context) or None
        filter_text = self.parameterAsString(parameters, self.CATEGORY_FILTER, context) or ""
        crime_fields = [f.name() for f in crimes_source.fields()]
        if compile_filter(filter_text) is not None and not category_field:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "needs CATEGORY_FIELD, the field to match."),
                args={"parameter": "CATEGORY_FIELD", "fields": ", ".join(crime_fields) or "(no fields)"},
                field="CATEGORY_FILTER",
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
            )
        if category_field and category_field not in crime_fields:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", 'has no field "{field}".'),
                args={
                    "field": category_field,
                    "parameter": "CATEGORY_FIELD",
                    "fields": ", ".join(crime_fields) or "(no fields)",
                },
                path=crimes_source.sourceName() or "the crimes layer",
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
            )
        return category_field, filter_text

    def _filter(self, crimes, category_field: Optional[str], filter_text: str, feedback) -> np.ndarray:
        """Which crimes CATEGORY_FILTER keeps (all without a filter), logged by category."""
        pattern = compile_filter(filter_text)
        if not category_field:
            return np.ones(len(crimes.x), bool)
        keep = category_mask(crimes.table[category_field], pattern)
        if pattern is not None:
            kept = crimes.table[category_field][keep].astype(str).value_counts()
            feedback.pushInfo(
                self.tr("{} of {} crimes match {}: {}").format(
                    int(keep.sum()),
                    len(keep),
                    filter_text,
                    ", ".join("{} {}".format(k, v) for k, v in kept.items()) or self.tr("none"),
                )
            )
            if not keep.any():
                feedback.pushWarning(self.tr("No crime matches CATEGORY_FILTER: every crime count is 0."))
        return keep

    def _log(self, n_reads, no_zone, missing, n_crimes, no_zone_crimes, n_zones, crimes_read, summary, feedback):
        if not n_reads:
            feedback.pushWarning(self.tr("The input layer has no features."))
        if not crimes_read:
            feedback.pushWarning(self.tr("The crimes layer has no features."))
        feedback.pushInfo(
            self.tr(
                "{} reads ({} in no zone, {} without a location) and {} crimes ({} in no zone) in {} zones."
            ).format(n_reads, no_zone, missing, n_crimes, no_zone_crimes, n_zones)
        )
        feedback.pushInfo(summary)

    def _summary(self, stats) -> str:
        row = stats.iloc[0]
        if np.isfinite(row["spearman"]):
            text = self.tr("Across {} zones, reads against crimes: Spearman {:+.2f} (naive p = {:.2g}).").format(
                int(row["zone_count"]), row["spearman"], row["spearman_p"]
            )
        else:
            text = self.tr("Across {} zones, no correlation of reads and crimes can be computed.").format(
                int(row["zone_count"])
            )
        if np.isfinite(row["top_crime_share"]) and np.isfinite(row["top_crime_read_share"]):
            text += " " + self.tr(
                "The {} zones with the most crime (top 20 %) hold {:.0%} of the crimes but {:.0%} of the reads."
            ).format(int(row["top_crime_zones"]), row["top_crime_share"], row["top_crime_read_share"])
        return text


def _number(value) -> Optional[float]:
    return float(value) if np.isfinite(value) else None
