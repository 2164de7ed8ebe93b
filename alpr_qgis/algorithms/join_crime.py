"""alpr:joincrime — Compare reads with crime: does the patrol follow crime?"""

from __future__ import annotations

from typing import Dict

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsWkbTypes,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core import spatial
from alpr_qgis.core.crime import ZONE_FIELDS, category_mask, compile_filter, crime_stats, hex_zones, zone_counts
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.inputs import polygons_crs, read_polygons, reads_crs, unique_name, warn_null_island
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame


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
    CRIMES_FILTERED_OUT = "CRIMES_FILTERED_OUT"
    READS_IN_NO_ZONE = "READS_IN_NO_ZONE"
    CRIMES_IN_NO_ZONE = "CRIMES_IN_NO_ZONE"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    SPEARMAN = "SPEARMAN"
    TOP_CRIME_READ_SHARE = "TOP_CRIME_READ_SHARE"
    SUMMARY = "SUMMARY"

    def name(self) -> str:
        return "joincrime"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Compare reads with crime")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "compare"

    def tags(self):
        return self.tr("alpr,anpr,lpr,plate,crime,incident,auto theft,stolen,correlation,spearman,hexagon,zone").split(
            ","
        )

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
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
            "<p>Counts: READ_COUNT = the reads' zone counts + READS_IN_NO_ZONE + "
            "MISSING_LOCATION_COUNT; CRIME_COUNT (crimes kept by the filter) = their zone counts + "
            "CRIMES_IN_NO_ZONE (or without a location); CRIMES_FILTERED_OUT; ZONE_COUNT; SPEARMAN; "
            "TOP_CRIME_READ_SHARE.</p>"
            "<p>Caveats: recorded crime follows reporting and policing as much as crime itself, "
            "and p-values are naive (neighbouring zones are alike; the reads come from a few cars). "
            "Zones of very different sizes make raw counts hard to compare.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:joincrime -- INPUT=reads.gpkg "
            "CRIMES=city.gpkg|layername=crimes CATEGORY_FIELD=category "
            'CATEGORY_FILTER="VEHICLE|AUTO|PLATE" CELL_SIZE=500 OUTPUT=crime.gpkg</code></p>'
        )

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("ALPR reads, e.g. the output of alpr:cleanreads."),
        )
        add(
            QgsProcessingParameterFeatureSource(self.CRIMES, self.tr("Crimes"), [QgsProcessing.TypeVectorPoint]),
            self.tr("Crime incidents as points (e.g. the police department's open data)."),
        )
        add(
            QgsProcessingParameterField(
                self.CATEGORY_FIELD, self.tr("Category field"), None, self.CRIMES, optional=True
            ),
            self.tr("The field holding each crime's category or offence (needed for CATEGORY_FILTER)."),
        )
        add(
            QgsProcessingParameterString(
                self.CATEGORY_FILTER, self.tr("Category filter (regular expression)"), optional=True
            ),
            self.tr("Keep crimes whose category matches, case-insensitive, e.g. VEHICLE|AUTO|PLATE. Empty: all."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.ZONES, self.tr("Zones"), [QgsProcessing.TypeVectorPolygon], optional=True
            ),
            self.tr("Polygons to count in (beats, tracts…). Empty: hexagons of CELL_SIZE."),
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
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Zones with reads and crimes"), QgsProcessing.TypeVectorPolygon
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT_STATS,
                self.tr("Reads against crime: statistics"),
                QgsProcessing.TypeVector,
                optional=True,
                createByDefault=True,
            )
        )
        for key, text in (
            (self.ZONE_COUNT, self.tr("Zones")),
            (self.READ_COUNT, self.tr("Reads in the input")),
            (self.CRIME_COUNT, self.tr("Crimes kept by the filter")),
            (self.CRIMES_FILTERED_OUT, self.tr("Crimes left out by the filter")),
            (self.READS_IN_NO_ZONE, self.tr("Reads in no zone")),
            (self.CRIMES_IN_NO_ZONE, self.tr("Crimes in no zone")),
            (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
            (self.SPEARMAN, self.tr("Spearman correlation of reads and crimes")),
            (self.TOP_CRIME_READ_SHARE, self.tr("Share of reads in the top 20 % crime zones")),
        ):
            self.addOutput(QgsProcessingOutputNumber(key, text))
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("Reads against crime, in words")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        crimes_source = self.parameterAsSource(parameters, self.CRIMES, context)
        if crimes_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.CRIMES))
        layer_name = source.sourceName() or "the input layer"
        crimes_name = crimes_source.sourceName() or "the crimes layer"
        category_field = self.parameterAsString(parameters, self.CATEGORY_FIELD, context)
        filter_text = self.parameterAsString(parameters, self.CATEGORY_FILTER, context) or ""
        pattern = compile_filter(filter_text)
        cell_size = self.parameterAsDouble(parameters, self.CELL_SIZE, context)
        transform_context = context.transformContext()
        crime_fields = [f.name() for f in crimes_source.fields()]
        if pattern is not None and not category_field:
            raise AlprInputError(
                "needs CATEGORY_FIELD, the field to match.",
                field="CATEGORY_FILTER",
                hint="Choose CATEGORY_FIELD among: {}".format(", ".join(crime_fields) or "(no fields)"),
            )
        if category_field and category_field not in crime_fields:
            raise AlprInputError(
                'has no field "{}".'.format(category_field),
                path=crimes_name,
                hint="Choose CATEGORY_FIELD among: {}".format(", ".join(crime_fields) or "(no fields)"),
            )

        feedback.setProgressText(self.tr("Reading"))
        zones = read_polygons(self, parameters, self.ZONES, context, feedback)
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            [],
            progress=lambda f: feedback.setProgress(40 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        crimes = read_frame(self, parameters, self.CRIMES, context, [category_field] if category_field else [])
        crs = reads_crs(frame, layer_name, feedback, self)
        crime_crs = crimes.crs if crimes.crs.isValid() else crs
        warn_null_island(self, frame.x, frame.y, crs, transform_context, feedback)
        keep = category_mask(crimes.table[category_field], pattern) if category_field else np.ones(len(crimes.x), bool)
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
        crime_x, crime_y = crimes.x[keep], crimes.y[keep]
        feedback.setProgress(45)

        feedback.setProgressText(self.tr("Counting reads and crimes per zone"))
        if zones is not None:
            zcrs = polygons_crs(zones, crs, feedback, self)
            rx, ry = transform_xy(frame.x, frame.y, crs, zcrs, transform_context)
            cx, cy = transform_xy(crime_x, crime_y, crime_crs, zcrs, transform_context)
            read_zone = spatial.locate(
                rx, ry, zones.geoms, progress=lambda f: feedback.setProgress(45 + 35 * f), cancelled=feedback.isCanceled
            )
            crime_zone = spatial.locate(cx, cy, zones.geoms)
            counts = zone_counts(read_zone, crime_zone, len(zones.geoms))
            table = unique_name(zones.table, ZONE_FIELDS, feedback, self).reset_index(drop=True)
            multi = [spatial.as_multipolygon(g) for g in zones.geoms]
            geometry = {"wkb": [m.wkb if m is not None else None for m in multi], "wkb_type": QgsWkbTypes.MultiPolygon}
            out_crs = zcrs
        else:
            work = working_crs(crs, frame.x, frame.y, transform_context)
            if work != crs:
                feedback.pushInfo(
                    self.tr("Hexagons built in {} (metres); the output is in this CRS.").format(work.authid())
                )
            rx, ry = transform_xy(frame.x, frame.y, crs, work, transform_context)
            cx, cy = transform_xy(crime_x, crime_y, crime_crs, work, transform_context)
            grid = HexGrid(cell_size)
            q, r, read_zone, crime_zone = hex_zones(grid, rx, ry, cx, cy)
            counts = zone_counts(read_zone, crime_zone, len(q))
            table = counts.iloc[:, :0].copy()
            geometry = {"wkb": grid.wkb(q, r), "wkb_type": QgsWkbTypes.Polygon}
            out_crs = work
            feedback.pushInfo(self.tr("{} hexagons of {} m hold a read or a crime.").format(len(q), cell_size))
        if feedback.isCanceled():
            raise Cancelled()
        feedback.setProgress(80)
        for name in ZONE_FIELDS:
            table[name] = counts[name].to_numpy()
        stats = crime_stats(counts, filter_text)
        summary = self._summary(stats)

        feedback.setProgressText(self.tr("Writing"))
        dest, n_zones = write_frame(
            self,
            parameters,
            self.OUTPUT,
            context,
            table,
            crs=out_crs,
            progress=lambda f: feedback.setProgress(80 + 18 * f),
            cancelled=feedback.isCanceled,
            **geometry,
        )
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "crime", context, feedback)
        stats_dest, _ = write_frame(self, parameters, self.OUTPUT_STATS, context, stats)

        n_reads = len(frame.x)
        missing = int((~(np.isfinite(frame.x) & np.isfinite(frame.y))).sum())
        in_zones = int(counts["read_count"].sum())
        no_zone = n_reads - missing - in_zones
        n_crimes = int(keep.sum())
        crimes_in_zones = int(counts["crime_count"].sum())
        if no_zone < 0 or crimes_in_zones > n_crimes:  # cheap, and it catches real bugs
            raise QgsProcessingException(self.tr("Internal error: reads or crimes counted twice."))
        if not n_reads:
            feedback.pushWarning(self.tr("The input layer has no features."))
        if not len(crimes.x):
            feedback.pushWarning(self.tr("The crimes layer has no features."))
        feedback.pushInfo(
            self.tr(
                "{} reads ({} in no zone, {} without a location) and {} crimes ({} in no zone) in {} zones."
            ).format(n_reads, no_zone, missing, n_crimes, n_crimes - crimes_in_zones, n_zones)
        )
        feedback.pushInfo(summary)
        row = stats.iloc[0]
        return {
            self.OUTPUT: dest,
            self.OUTPUT_STATS: stats_dest,
            self.ZONE_COUNT: n_zones,
            self.READ_COUNT: n_reads,
            self.CRIME_COUNT: n_crimes,
            self.CRIMES_FILTERED_OUT: int((~keep).sum()),
            self.READS_IN_NO_ZONE: no_zone,
            self.CRIMES_IN_NO_ZONE: n_crimes - crimes_in_zones,
            self.MISSING_LOCATION_COUNT: missing,
            self.SPEARMAN: float(row["spearman"]) if np.isfinite(row["spearman"]) else None,
            self.TOP_CRIME_READ_SHARE: (
                float(row["top_crime_read_share"]) if np.isfinite(row["top_crime_read_share"]) else None
            ),
            self.SUMMARY: summary,
        }

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
