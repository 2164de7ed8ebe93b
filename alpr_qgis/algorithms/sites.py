"""alpr:sites — Reads near sensitive sites."""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sites import DEFAULT_DRAWS, DEFAULT_SEED, site_counts
from alpr_qgis.qgis_io.crs import transform_xy
from alpr_qgis.qgis_io.inputs import unique_name
from alpr_qgis.qgis_io.plumbing import progress_span, write_output
from alpr_qgis.qgis_io.reads_input import read_reads
from alpr_qgis.qgis_io.site_reads import plates_of_rows, project_in_place
from alpr_qgis.qgis_io.vector import read_frame

pd = lazy_module("pandas")

SITE_FIELDS = ("read_count", "unique_plates", "expected_reads", "percentile", "ratio_expected")


class SitesAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    SITES = "SITES"
    RADIUS = "RADIUS"
    PLATE_FIELD = "PLATE_FIELD"
    DRAWS = "DRAWS"
    SEED = "SEED"
    OUTPUT = "OUTPUT"
    SITE_COUNT = "SITE_COUNT"
    NEAR_SITES_READ_COUNT = "NEAR_SITES_READ_COUNT"
    EXPECTED_READS = "EXPECTED_READS"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    SKIPPED_SITE_COUNT = "SKIPPED_SITE_COUNT"

    SECONDS_PER_MILLION, MIB_FIXED, MIB_PER_MILLION = 3.5, 115.0, 18.0  # measured at 0.5 and 2 million reads
    NAME = "sites"
    GROUP = "compare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("SitesAlgorithm", "Count reads near sensitive sites")
    TAGS = QT_TRANSLATE_NOOP(
        "SitesAlgorithm",
        "alpr,anpr,lpr,plate,sensitive,site,mosque,church,clinic,school,lawyer,radius,buffer,baseline,percentile",
    )
    IN_DATABASE = QT_TRANSLATE_NOOP(
        "SitesAlgorithm",
        "The sites are uploaded into a temporary table of the transaction with a spatial index, and the "
        "reads near each site (and near the random draws) are counted there: only counts per site and "
        "per draw come back.",
    )
    HELP = QT_TRANSLATE_NOOP(
        "SitesAlgorithm",
        "<p>Do the cameras linger at places of worship, clinics, lawyers' offices, gun shops? "
        "Counts the reads and the distinct plates near each sensitive site and compares them with "
        "what is usual for a place where the cameras read.</p>"
        "<p><b>INPUT</b>: reads (points). <b>SITES</b>: the sites (points: mosques, clinics, "
        "schools…), in any CRS. <b>RADIUS</b> (m, default 150): reads at most this far from a "
        "site count (distances in metres: the reads' CRS when it is in metres, else their local "
        "UTM zone; both layers are transformed to it). <b>PLATE_FIELD</b> (default plate): "
        "distinct plates are counted after the cleaner's normalisation (upper case; spaces, "
        "dashes, dots removed); hashed plates work too.</p>"
        "<p>The baseline: <b>DRAWS</b> read locations (default {}) are drawn at random, with "
        "a fixed <b>SEED</b> (default {}) so that a run can be repeated, and the reads within "
        "RADIUS of each are counted (the drawn read itself excluded). Reads happen on roads, so "
        "random points anywhere (an area-proportional baseline) would make any site on a street "
        "look watched; a random read location asks how busy a typical place where the cameras "
        "read is. Busy places are drawn more often, so the baseline is demanding.</p>"
        "<p><b>OUTPUT</b>: the sites with all their fields plus <i>read_count</i>, "
        "<i>unique_plates</i>, <i>expected_reads</i> (the mean count of the draws), "
        "<i>percentile</i> (percent of draws with fewer reads, ties counting half: 95 means the "
        "site is busier than 95 % of read locations) and <i>ratio_expected</i> (read_count ÷ "
        "expected_reads). Sites without a location keep null figures (SKIPPED_SITE_COUNT). "
        "Counts: SITE_COUNT, NEAR_SITES_READ_COUNT (distinct reads within RADIUS of any site), "
        "EXPECTED_READS, MISSING_LOCATION_COUNT (reads without a location, left out).</p>"
        "<p>A high percentile shows where the cameras went, not why: a site on a main road or "
        "next to the police station will rank high whatever the intent.</p>"
        "<p><b>Time and memory</b>: only the reads' locations are held (16 bytes a read); they are counted "
        "a slice at a time, and the plate field is read again for the reads near a site only. Time grows "
        "with the reads (and with DRAWS), about 3.5 s per million with the default draws; memory above "
        "QGIS's own was about 120 MiB at half a million reads and 150 MiB at two million (measured on a busy "
        "2-core machine). A run on more than a million reads logs an estimate first.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:sites -- INPUT=reads.gpkg "
        "SITES=city.gpkg|layername=sensitive_sites RADIUS=150 OUTPUT=sites.gpkg</code></p>",
    )

    def shortHelpString(self) -> str:
        return super().shortHelpString().format(DEFAULT_DRAWS, DEFAULT_SEED)

    def initAlgorithm(self, config=None) -> None:
        add = self.add_parameter
        self.add_source(self.INPUT, self.tr("Reads"), self.tr("ALPR reads, e.g. the output of alpr:cleanreads."))
        self.add_source(
            self.SITES,
            self.tr("Sensitive sites"),
            self.tr("Points of the places to check: places of worship, clinics, schools, lawyers, shelters…"),
        )
        add(
            QgsProcessingParameterNumber(
                self.RADIUS, self.tr("Radius (m)"), QgsProcessingParameterNumber.Double, 150.0, minValue=0.0
            ),
            self.tr("Reads at most this many metres from a site count as near it."),
        )
        self.add_plate_field(
            self.tr("The field holding the plates (or their anonymized ids), for unique_plates (default: plate).")
        )
        add(
            QgsProcessingParameterNumber(
                self.DRAWS,
                self.tr("Random read locations for the baseline"),
                QgsProcessingParameterNumber.Integer,
                DEFAULT_DRAWS,
                minValue=10,
                maxValue=1_000_000,
            ),
            self.tr("How many read locations are drawn for expected_reads and percentile."),
            True,
        )
        add(
            QgsProcessingParameterNumber(
                self.SEED, self.tr("Random seed"), QgsProcessingParameterNumber.Integer, DEFAULT_SEED, minValue=0
            ),
            self.tr("Seed of the draws: the same seed and inputs give the same figures."),
            True,
        )
        self.add_sink(self.OUTPUT, self.tr("Sites with read counts"), QgsProcessing.TypeVectorPoint)
        self.add_numbers(
            (
                (self.SITE_COUNT, self.tr("Sites")),
                (self.NEAR_SITES_READ_COUNT, self.tr("Reads near any site")),
                (self.EXPECTED_READS, self.tr("Expected reads near a read location")),
                (self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")),
                (self.SKIPPED_SITE_COUNT, self.tr("Sites without a location")),
            )
        )

    def process(self, parameters: Dict, context, feedback) -> Dict:
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        draws = self.parameterAsInt(parameters, self.DRAWS, context)
        seed = self.parameterAsInt(parameters, self.SEED, context)
        plate_field = self._plate_field(parameters, context, feedback)

        args = (parameters, context, feedback, plate_field, radius, draws, seed)
        sites, site_crs, result, n_reads, missing = self._count(*args)
        table = unique_name(sites.table, SITE_FIELDS, feedback, self).reset_index(drop=True)
        for name in SITE_FIELDS:
            table[name] = result.table[name]
        dest, n_sites = write_output(
            self, parameters, self.OUTPUT, context, feedback, table, style="sites", x=sites.x, y=sites.y, crs=site_crs
        )
        expected = float(result.draw_counts.mean()) if len(result.draw_counts) else 0.0
        self._log(n_reads, sites, result, expected, radius, seed, feedback)
        return {
            self.OUTPUT: dest,
            self.SITE_COUNT: n_sites,
            self.NEAR_SITES_READ_COUNT: result.reads_near_any,
            self.EXPECTED_READS: expected,
            self.MISSING_LOCATION_COUNT: missing,
            self.SKIPPED_SITE_COUNT: int(result.table["read_count"].isna().sum()),
        }

    def _count(self, parameters: Dict, context, feedback, plate_field: Optional[str], radius, draws, seed):
        """(the sites, their CRS, core.sites.SiteResult, reads, reads without a location): in PostGIS or here."""
        from alpr_qgis.qgis_io.postgis.source import postgis_reads  # (on first use: it brings pandas)

        pg = postgis_reads(self, parameters, self.INPUT, context, feedback)
        if pg is not None:
            from alpr_qgis.qgis_io.postgis.joins import site_figures

            with pg:
                found = site_figures(self, pg, parameters, context, feedback, plate_field, radius, draws, seed)
                if found is not None:
                    pg.log_fetched(feedback)
                    return found
        feedback.setProgressText(self.tr("Reading"))
        # only the locations of every read (16 bytes a read, projected in place); the plates are read
        # again afterwards for the few reads near a site (site_reads.plates_of_rows)
        reads = read_reads(self, parameters, context, feedback, [], progress=progress_span(feedback, 0, 40))
        sites = read_frame(self, parameters, self.SITES, context)
        site_crs = sites.crs if sites.crs.isValid() else reads.crs
        work = reads.metric_crs()
        if work != reads.crs:
            feedback.pushInfo(self.tr("Distances measured in {} (metres).").format(work.authid()))
        rx, ry = project_in_place(reads, work)
        sx, sy = transform_xy(sites.x, sites.y, site_crs, work, context.transformContext())
        feedback.setProgress(50)

        feedback.setProgressText(self.tr("Counting reads near the sites and at random read locations"))
        plates = plates_of_rows(self, parameters, context, feedback, plate_field) if plate_field else None
        result = site_counts(
            rx,
            ry,
            sx,
            sy,
            radius,
            plates=plates,
            draws=draws,
            seed=seed,
            progress=progress_span(feedback, 50, 90),
            cancelled=feedback.isCanceled,
        )
        missing = int(len(rx) - np.count_nonzero(np.isfinite(rx) & np.isfinite(ry)))
        return sites, site_crs, result, len(reads), missing

    def _plate_field(self, parameters: Dict, context, feedback) -> Optional[str]:
        """PLATE_FIELD, or None (with a warning) when the default plate field is not there."""
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        chosen = self.parameterAsString(parameters, self.PLATE_FIELD, context)
        plate_field = chosen or "plate"
        fields = [f.name() for f in source.fields()]
        if plate_field in fields:
            return plate_field
        if chosen and parameters.get(self.PLATE_FIELD):
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", 'has no field "{field}".'),
                args={"field": plate_field, "parameter": "PLATE_FIELD", "fields": ", ".join(fields) or "(no fields)"},
                path=source.sourceName() or "the input layer",
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
            )
        feedback.pushWarning(self.tr("No plate field {}: unique_plates stays empty.").format(plate_field))
        return None

    def _log(self, n_reads: int, sites, result, expected: float, radius: float, seed: int, feedback) -> None:
        """The baseline, then each site by percentile, busiest first."""
        if not n_reads:
            feedback.pushWarning(self.tr("The input layer has no features."))
        if not len(sites.table):
            feedback.pushWarning(self.tr("The sites layer has no features."))
        feedback.pushInfo(
            self.tr("A random read location has {:.1f} other reads within {} m ({} draws, seed {}).").format(
                expected, radius, len(result.draw_counts), seed
            )
        )
        name_field = next((c for c in sites.table.columns if str(c).lower() == "name"), None)
        counts = result.table["read_count"]
        plates = result.table["unique_plates"]
        percentiles = result.table["percentile"].to_numpy(dtype=float)
        for i in np.argsort(np.nan_to_num(percentiles, nan=-1.0), kind="stable")[::-1]:
            if pd.isna(counts.iloc[i]):
                continue
            label = str(sites.table[name_field].iloc[i]) if name_field else self.tr("site {}").format(i + 1)
            feedback.pushInfo(
                self.tr("  {}: {} reads, {} plates; busier than {:.0f} % of read locations").format(
                    label,
                    int(counts.iloc[i]),
                    "-" if pd.isna(plates.iloc[i]) else int(plates.iloc[i]),
                    percentiles[i] if np.isfinite(percentiles[i]) else 0.0,
                )
            )
