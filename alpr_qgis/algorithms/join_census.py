"""alpr:joincensus — Join census layer: whom do the cameras watch."""

from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np
from qgis.core import (
    QgsDistanceArea,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterNumber,
    QgsUnitTypes,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.census import (
    KIND_COUNT,
    RATE_FIELDS,
    attribute_kinds,
    compare_units,
    exposure_extremes,
    strongest,
    unit_values,
)
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.inputs import Polygons, read_polygons, unique_name
from alpr_qgis.qgis_io.plumbing import check_accounted, polygon_geometry, progress_span, write_output
from alpr_qgis.qgis_io.unit_reads import count_in_units, count_keys

pd = lazy_module("pandas")


class JoinCensusAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    CENSUS = "CENSUS"
    POPULATION_FIELD = "POPULATION_FIELD"
    ATTRIBUTES = "ATTRIBUTES"
    COUNT_ATTRIBUTES = "COUNT_ATTRIBUTES"
    ATTRIBUTES_ARE_COUNTS = "ATTRIBUTES_ARE_COUNTS"
    MIN_POPULATION = "MIN_POPULATION"
    READ_KEY_FIELD = "READ_KEY_FIELD"
    CENSUS_KEY_FIELD = "CENSUS_KEY_FIELD"
    OUTPUT = "OUTPUT"
    OUTPUT_STATS = "OUTPUT_STATS"
    READ_COUNT = "READ_COUNT"
    MATCHED_COUNT = "MATCHED_COUNT"
    NO_UNIT_COUNT = "NO_UNIT_COUNT"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    UNIT_COUNT = "UNIT_COUNT"
    COMPARED_UNIT_COUNT = "COMPARED_UNIT_COUNT"
    SMALL_UNIT_COUNT = "SMALL_UNIT_COUNT"
    SKIPPED_UNIT_COUNT = "SKIPPED_UNIT_COUNT"
    READS_PER_1000 = "READS_PER_1000"
    SUMMARY = "SUMMARY"

    # Memory above QGIS's own: net 81 and 80 MiB at 0.5 and 2 million reads.
    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 4.2, 80.0, 1.0
    NAME = "joincensus"
    GROUP = "compare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("JoinCensusAlgorithm", "Join census layer")
    TAGS = QT_TRANSLATE_NOOP(
        "JoinCensusAlgorithm",
        "alpr,anpr,lpr,plate,census,tract,zip,population,income,race,disparity,equity,exposure,correlation",
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "JoinCensusAlgorithm",
        "The census units are uploaded into a temporary table of the transaction with a spatial index, "
        "and the reads are counted per unit there: one row per unit comes back.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "JoinCensusAlgorithm",
        "<p>Whom do the cameras watch? Counts the reads in each census unit (tract, block group, "
        "ZIP code) and compares the read rate with the units' population and attributes.</p>"
        "<p><b>Spatial join</b> (default): <b>CENSUS</b> is a polygon layer; each read is counted "
        "in the unit it falls in (on a border shared by two units: the first of them). Layers in "
        "different CRSs are fine (the reads are transformed to the census layer's CRS); invalid "
        "polygons are repaired and reported by feature id. <b>Key join</b>: for reads already "
        "coded by tract or ZIP, set <b>READ_KEY_FIELD</b> (on the reads) and "
        "<b>CENSUS_KEY_FIELD</b> (on the census layer, which may be a table without geometry). "
        "Keys are compared as text: spaces trimmed, case ignored, 98036.0 read as 98036, and "
        'leading zeros of all-digit keys ignored ("06001480100" = 6001480100, ZIP "02134" = '
        "2134).</p>"
        "<p><b>POPULATION_FIELD</b>: residents per unit. Two kinds of numeric fields are compared "
        "with the read rate. <b>ATTRIBUTES</b>: values compared as given (per-capita income, "
        "median age). <b>COUNT_ATTRIBUTES</b>: residents by group (by race, by age band): each is "
        "divided by the population (the group's share) before correlating, and gets the exposure "
        "figures below. A field goes in one list or the other, not both. "
        "<b>ATTRIBUTES_ARE_COUNTS</b> (older switch): treats every ATTRIBUTES field as a count. "
        "<b>MIN_POPULATION</b> "
        "(default 100): smaller units, and units without population, get null population-based "
        "fields and stay out of the statistics (a port with 50 residents and 500 reads would "
        "otherwise dominate them); they are counted in SMALL_UNIT_COUNT. Text fields holding "
        "numbers are accepted; other text is an error naming the feature and the value.</p>"
        "<p><b>OUTPUT</b>: the census units with all their fields plus <i>read_count</i>, "
        "<i>reads_per_km2</i> (area on the ellipsoid; every unit with an area), "
        "<i>reads_per_1000</i> (per 1,000 residents), <i>read_share</i> and <i>pop_share</i> "
        "(shares of the reads and of the residents over the units compared) and "
        "<i>disparity</i> = read_share ÷ pop_share (1 = the average rate, 2 = twice it), styled "
        "as a diverging map centred on 1 (grey: no rate). "
        "<b>OUTPUT_STATS</b>: one row per attribute and rate basis (<i>per_1000</i>; "
        "<i>per_km2</i> too when the units have areas) with <i>kind</i> (<i>value</i> or "
        "<i>count</i>), <i>spearman</i>, <i>spearman_p</i>, "
        "<i>pearson</i>, <i>pearson_p</i> and <i>n</i> (units compared, including units without "
        "reads, rate 0), and, for count attributes only, <i>exposure_per_1000</i> (the read rate where "
        "the group's members live, weighted by their number) and <i>exposure_ratio</i> (that "
        "over the overall rate). Exposure avoids the small-denominator trap of per-unit rates. "
        "<b>SUMMARY</b>: one sentence on the strongest relation, also in the log.</p>"
        "<p>Counts: READ_COUNT = MATCHED_COUNT (reads in a unit) + NO_UNIT_COUNT (in no unit, or "
        "a key matching none) + MISSING_LOCATION_COUNT (no location, spatial join); "
        "UNIT_COUNT, COMPARED_UNIT_COUNT, SMALL_UNIT_COUNT, SKIPPED_UNIT_COUNT (units without a "
        "usable polygon: null read_count); READS_PER_1000 over the units compared.</p>"
        "<p><b>Caveats.</b> The p-values are naive: neighbouring units are alike (spatial "
        "autocorrelation) and the reads come from a few patrol cars, not independent draws, so "
        "treat them as descriptive. Unit-level results say nothing about individuals (the "
        "ecological fallacy): a correlation with a group's share does not show that members of "
        "the group were read more. Census figures carry their own error margins, and a read "
        "records where a camera passed, not who lives there.</p>"
        "<p><b>Time and memory</b>: the reads are read, located and counted a chunk at a time, so time "
        "grows with the reads, about 4 s per million, and memory does not: about 80 MiB above QGIS's own "
        "at half a million reads and at two million (measured on a busy 2-core machine); the units add "
        "little. A run on more than a million reads logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:joincensus -- INPUT=reads.gpkg "
        "CENSUS=city.gpkg|layername=census_tracts POPULATION_FIELD=population "
        "ATTRIBUTES=per_capita_income COUNT_ATTRIBUTES=pop_white COUNT_ATTRIBUTES=pop_black "
        "OUTPUT=census.gpkg OUTPUT_STATS=census_stats.gpkg</code></p>",
    )

    def initAlgorithm(self, config=None) -> None:
        add = self.add_parameter
        self.add_source(
            self.INPUT,
            self.tr("Reads"),
            self.tr("ALPR reads: points for a spatial join, or any table with READ_KEY_FIELD for a key join."),
            [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVector],
        )
        self.add_source(
            self.CENSUS,
            self.tr("Census units"),
            self.tr("Census polygons (tracts, block groups, ZIP areas), or a table joined on CENSUS_KEY_FIELD."),
            [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVector],
        )
        self.add_field(
            self.POPULATION_FIELD,
            self.tr("Population field"),
            "population",
            self.tr("Residents per unit (numeric; default: population)."),
            parent=self.CENSUS,
        )
        self.add_field(
            self.ATTRIBUTES,
            self.tr("Attributes to compare"),
            None,
            self.tr("Numeric census values compared with the read rate as given, e.g. per_capita_income."),
            parent=self.CENSUS,
            multiple=True,
        )
        self.add_field(
            self.COUNT_ATTRIBUTES,
            self.tr("Residents by group (counts, turned into shares)"),
            None,
            self.tr(
                "Numeric census fields counting residents of a group, e.g. pop_white, pop_black: each is "
                "divided by the population before comparing, and gets its exposure (the read rate where "
                "the group lives)."
            ),
            parent=self.CENSUS,
            multiple=True,
        )
        add(
            QgsProcessingParameterBoolean(
                self.ATTRIBUTES_ARE_COUNTS, self.tr("Treat every attribute as a count (older switch)"), False
            ),
            self.tr(
                "Treat every ATTRIBUTES field as a count of residents, as COUNT_ATTRIBUTES does. "
                "Prefer COUNT_ATTRIBUTES, which lets values such as income be compared as given."
            ),
            True,
        )
        add(
            QgsProcessingParameterNumber(
                self.MIN_POPULATION,
                self.tr("Minimum population"),
                QgsProcessingParameterNumber.Double,
                100,
                minValue=0,
            ),
            self.tr("Units with fewer residents get null rates and stay out of the statistics."),
        )
        self.add_field(
            self.READ_KEY_FIELD,
            self.tr("Read key field (key join)"),
            None,
            self.tr("For reads already coded by tract or ZIP: the field holding the code."),
            advanced=True,
        )
        self.add_field(
            self.CENSUS_KEY_FIELD,
            self.tr("Census key field (key join)"),
            None,
            self.tr("The census field matching READ_KEY_FIELD (e.g. geoid, zip)."),
            parent=self.CENSUS,
            advanced=True,
        )
        self.add_sink(self.OUTPUT, self.tr("Census units with read rates"), QgsProcessing.TypeVectorPolygon)
        self.add_sink(self.OUTPUT_STATS, self.tr("Census statistics"), optional=True)
        self.add_numbers(
            (
                (self.READ_COUNT, self.tr("Reads in the input")),
                (self.MATCHED_COUNT, self.tr("Reads in a census unit")),
                (self.NO_UNIT_COUNT, self.tr("Reads in no census unit")),
                (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
                (self.UNIT_COUNT, self.tr("Census units")),
                (self.COMPARED_UNIT_COUNT, self.tr("Units compared")),
                (self.SMALL_UNIT_COUNT, self.tr("Units below the minimum population")),
                (self.SKIPPED_UNIT_COUNT, self.tr("Units without a usable polygon")),
                (self.READS_PER_1000, self.tr("Reads per 1,000 residents overall")),
            )
        )
        self.addOutput(QgsProcessingOutputString(self.SUMMARY, self.tr("Strongest relation, in words")))

    # ------------------------------------------------------------ helpers

    def _areas_km2(self, geoms: List, crs, context) -> np.ndarray:
        """Ellipsoidal area of each polygon in km² (NaN where there is none)."""
        measure = QgsDistanceArea()
        measure.setSourceCrs(crs, context.transformContext())
        ellipsoid = context.ellipsoid() if hasattr(context, "ellipsoid") else ""
        if not ellipsoid or ellipsoid.upper() == "NONE":
            ellipsoid = crs.ellipsoidAcronym() or "WGS84"
        if not measure.setEllipsoid(ellipsoid):
            measure.setEllipsoid("WGS84")
        areas = np.full(len(geoms), np.nan)
        for i, geom in enumerate(geoms):
            if geom is None:
                continue
            qgs = QgsGeometry()
            qgs.fromWkb(geom.wkb)
            area = measure.measureArea(qgs)
            areas[i] = measure.convertAreaMeasurement(area, QgsUnitTypes.AreaSquareKilometers)
        return areas

    def _summary(self, stats: pd.DataFrame, overall: float, compared: int) -> str:
        finding = strongest(stats)
        if finding is None:
            text = self.tr(
                "{} units compared; {:.1f} reads per 1,000 residents overall; no correlation to report."
            ).format(compared, overall)
        else:
            basis = (
                self.tr("reads per 1,000 residents") if finding.rate_basis == "per_1000" else self.tr("reads per km²")
            )
            subject = (
                self.tr("a higher share of {}").format(finding.attribute)
                if finding.kind == KIND_COUNT
                else self.tr("higher {}").format(finding.attribute)
            )
            words = {
                "strong": self.tr("strong"),
                "moderate": self.tr("moderate"),
                "weak": self.tr("weak"),
                "none": self.tr("no clear relation"),
            }[finding.strength]
            direction = self.tr("more") if finding.direction == "more" else self.tr("fewer")
            text = self.tr(
                "Strongest relation: units with {} have {} {} (Spearman {:+.2f}, {}; n = {} units, naive p = {:.2g})."
            ).format(subject, direction, basis, finding.spearman, words, finding.n, finding.spearman_p)
        extremes = exposure_extremes(stats)
        if extremes is not None:
            (most, high), (least, low) = extremes
            text += " " + self.tr(
                "Where they live, {} residents see {:.2f}× the overall read rate, {} residents {:.2f}×."
            ).format(most, high, least, low)
        return text

    # ------------------------------------------------------------ run

    def process(self, parameters: Dict, context, feedback) -> Dict:
        pop_field = self.parameterAsString(parameters, self.POPULATION_FIELD, context) or "population"
        value_fields = self.parameterAsFields(parameters, self.ATTRIBUTES, context)
        kinds = attribute_kinds(  # {field: value or count}; a field in both lists is an error
            value_fields,
            self.parameterAsFields(parameters, self.COUNT_ATTRIBUTES, context),
            values_are_counts=self.parameterAsBool(parameters, self.ATTRIBUTES_ARE_COUNTS, context),
        )
        min_population = self.parameterAsDouble(parameters, self.MIN_POPULATION, context)
        read_key = self.parameterAsString(parameters, self.READ_KEY_FIELD, context)
        census_key = self.parameterAsString(parameters, self.CENSUS_KEY_FIELD, context)
        if bool(read_key) != bool(census_key):
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "A key join needs both READ_KEY_FIELD and CENSUS_KEY_FIELD."),
                hint=QT_TRANSLATE_NOOP("alpr_core", "Set both, or neither for a spatial join"),
            )

        feedback.setProgressText(self.tr("Reading the census units"))
        units, has_polygons = self._units(parameters, context, feedback, key_mode=bool(read_key))
        population, values = unit_values(units.table, pop_field, kinds, value_fields, units.name, units.fids)
        feedback.setProgress(5)

        feedback.setProgressText(self.tr("Reading the reads"))
        counts, n_reads, no_unit, missing, ucrs, usable = self._count(
            parameters, context, feedback, units, read_key, census_key
        )
        if feedback.isCanceled():
            raise Cancelled()

        feedback.setProgressText(self.tr("Rates and statistics"))
        areas = self._areas_km2(units.geoms, ucrs, context) if has_polygons else None
        found = compare_units(counts, population.to_numpy(), values, kinds, areas, min_population, usable)
        compared = found.rates["compared"].to_numpy()
        summary = self._summary(found.stats, found.overall, int(compared.sum()))
        feedback.setProgress(70)

        table = unique_name(units.table, RATE_FIELDS, feedback, self).reset_index(drop=True)
        out = pd.concat([table, found.rates.drop(columns=["compared"])], axis=1)
        feedback.setProgressText(self.tr("Writing"))
        where = {"style": "census", "crs": ucrs, **polygon_geometry(units.geoms)} if has_polygons else {}
        where["progress"] = progress_span(feedback, 70, 95)
        dest, n_units = write_output(self, parameters, self.OUTPUT, context, feedback, out, **where)
        stats_dest, _ = write_output(self, parameters, self.OUTPUT_STATS, context, feedback, found.stats)

        matched = int(counts[usable].sum())
        check_accounted(n_reads, matched, no_unit, missing)
        small, skipped = int((usable & ~compared).sum()), int((~usable).sum())
        self._log(
            n_reads, matched, no_unit, missing, n_units, int(compared.sum()), small, min_population, skipped, feedback
        )
        self._log_stats(found.stats, summary, feedback)
        return {
            self.OUTPUT: dest,
            self.OUTPUT_STATS: stats_dest,
            self.READ_COUNT: n_reads,
            self.MATCHED_COUNT: matched,
            self.NO_UNIT_COUNT: no_unit,
            self.MISSING_LOCATION_COUNT: missing,
            self.UNIT_COUNT: n_units,
            self.COMPARED_UNIT_COUNT: int(compared.sum()),
            self.SMALL_UNIT_COUNT: small,
            self.SKIPPED_UNIT_COUNT: skipped,
            self.READS_PER_1000: found.overall if np.isfinite(found.overall) else 0.0,
            self.SUMMARY: summary,
        }

    def _units(self, parameters: Dict, context, feedback, key_mode: bool) -> Tuple[Polygons, bool]:
        """(the CENSUS units, whether they are polygons); a spatial join needs polygons and points."""
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        census_source = self.parameterAsSource(parameters, self.CENSUS, context)
        if census_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.CENSUS))
        has_polygons = QgsWkbTypes.geometryType(census_source.wkbType()) == QgsWkbTypes.PolygonGeometry
        if not key_mode and not has_polygons:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "has no polygons: a spatial join needs census polygons."),
                path=census_source.sourceName(),
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a polygon CENSUS layer, or join on READ_KEY_FIELD and "
                                       "CENSUS_KEY_FIELD"),
            )  # fmt: skip
        if not key_mode and QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.PointGeometry:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "has no points: a spatial join needs reads with locations."),
                path=source.sourceName() or "the input layer",
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a point INPUT layer, or join on READ_KEY_FIELD and "
                                       "CENSUS_KEY_FIELD"),
            )  # fmt: skip
        units = read_polygons(self, parameters, self.CENSUS, context, feedback, geometry=has_polygons)
        if not len(units.fids):
            feedback.pushWarning(self.tr("The census layer has no features."))
        return units, has_polygons

    def _count(self, parameters: Dict, context, feedback, units: Polygons, read_key: str, census_key: str):
        """(reads per unit, reads, in no unit, without a location, the units' CRS, units usable): in PostGIS or here."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (on first use: it brings pandas)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is not None:
            from alpr_qgis.qgis_io.postgis.joins import census_counts

            with pg:
                found = census_counts(self, pg, units, read_key, census_key, context, feedback)
                if found is not None:
                    pg.log_fetched(feedback)
                    return found
        if read_key:
            counts, n_reads, no_unit, missing = self._count_by_key(
                parameters, context, feedback, units, read_key, census_key
            )
            return counts, n_reads, no_unit, missing, units.crs, np.ones(len(units.fids), dtype=bool)
        counts, n_reads, no_unit, missing, ucrs = self._count_in_units(parameters, context, feedback, units)
        return counts, n_reads, no_unit, missing, ucrs, np.array([g is not None for g in units.geoms], dtype=bool)

    def _count_by_key(self, parameters: Dict, context, feedback, units: Polygons, read_key: str, census_key: str):
        """(reads per unit, reads, reads in no unit, reads without a location = 0): a key join."""
        source = self.parameterAsSource(parameters, self.INPUT, context)
        layer_name = source.sourceName() or "the input layer"
        for field, fields, where, param in (
            (read_key, [f.name() for f in source.fields()], layer_name, "READ_KEY_FIELD"),
            (census_key, list(units.table.columns), units.name, "CENSUS_KEY_FIELD"),
        ):
            if field not in fields:
                raise AlprInputError(
                    QT_TRANSLATE_NOOP("alpr_core", 'has no field "{field}".'),
                    args={"field": field, "parameter": param, "fields": ", ".join(fields) or "(no fields)"},
                    path=where,
                    hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
                )
        counts, n_reads, unmatched, no_key = count_keys(
            self, parameters, context, feedback, units, read_key, census_key, progress=progress_span(feedback, 5, 30)
        )
        if no_key:
            feedback.pushWarning(self.tr("{} reads have no {}: counted in no unit.").format(no_key, read_key))
        feedback.setProgress(65)
        return counts, n_reads, unmatched + no_key, 0

    def _count_in_units(self, parameters: Dict, context, feedback, units: Polygons):
        """(reads per unit, reads, reads in no unit, reads without a location, the units' CRS): a spatial join.

        The reads are located and counted a chunk at a time (``qgis_io.unit_reads``).
        """
        return count_in_units(self, parameters, context, feedback, units, progress=progress_span(feedback, 5, 65))

    def _log(self, n_reads, matched, no_unit, missing, n_units, compared, small, min_population, skipped, feedback):
        if not n_reads:
            feedback.pushWarning(self.tr("The input layer has no features."))
        feedback.pushInfo(
            self.tr("{} reads: {} in a census unit, {} in none, {} without a location.").format(
                n_reads, matched, no_unit, missing
            )
        )
        feedback.pushInfo(
            self.tr("{} units: {} compared, {} below {} residents or without population, {} without a polygon.").format(
                n_units, compared, small, min_population, skipped
            )
        )
        if no_unit:
            feedback.pushWarning(
                self.tr("{} reads ({:.1%}) fall in no census unit: they are not in any rate.").format(
                    no_unit, no_unit / n_reads if n_reads else 0.0
                )
            )

    def _log_stats(self, stats, summary: str, feedback) -> None:
        for row in stats.itertuples(index=False):
            feedback.pushInfo(
                self.tr("  {} ({}, {}): Spearman {:.3f} (p {:.2g}), Pearson {:.3f} (p {:.2g}), n {}").format(
                    row.attribute,
                    self.tr("share of residents") if row.kind == KIND_COUNT else self.tr("value"),
                    row.rate_basis,
                    row.spearman,
                    row.spearman_p,
                    row.pearson,
                    row.pearson_p,
                    row.n,
                )
            )
            if np.isfinite(row.exposure_ratio):
                feedback.pushInfo(
                    self.tr("    exposure: {:.1f} reads per 1,000 where they live, {:.2f}× the overall rate").format(
                        row.exposure_per_1000, row.exposure_ratio
                    )
                )
        feedback.pushInfo(summary)
