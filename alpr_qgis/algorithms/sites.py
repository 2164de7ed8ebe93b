"""alpr:sites — Reads near sensitive sites."""

from __future__ import annotations

from typing import Dict

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sites import DEFAULT_DRAWS, DEFAULT_SEED, site_counts
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.inputs import reads_crs, unique_name, warn_null_island
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import read_frame, write_frame

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
    READS_NEAR_SITES = "READS_NEAR_SITES"
    EXPECTED_READS = "EXPECTED_READS"
    MISSING_LOCATION_COUNT = "MISSING_LOCATION_COUNT"
    SKIPPED_SITE_COUNT = "SKIPPED_SITE_COUNT"

    def name(self) -> str:
        return "sites"

    def displayName(self) -> str:  # noqa: N802 (Qt API)
        return self.tr("Count reads near sensitive sites")

    def groupId(self) -> str:  # noqa: N802 (Qt API)
        return "compare"

    def tags(self):
        return self.tr(
            "alpr,anpr,lpr,plate,sensitive,site,mosque,church,clinic,school,lawyer,radius,buffer,baseline,percentile"
        ).split(",")

    def shortHelpString(self) -> str:  # noqa: N802 (Qt API)
        return self.tr(
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
            "Counts: SITE_COUNT, READS_NEAR_SITES (distinct reads within RADIUS of any site), "
            "EXPECTED_READS, MISSING_LOCATION_COUNT (reads without a location, left out).</p>"
            "<p>A high percentile shows where the cameras went, not why: a site on a main road or "
            "next to the police station will rank high whatever the intent.</p>"
            "<p>Example: <code>qgis_process.bin run alpr:sites -- INPUT=reads.gpkg "
            "SITES=city.gpkg|layername=sensitive_sites RADIUS=150 OUTPUT=sites.gpkg</code></p>"
        ).format(DEFAULT_DRAWS, DEFAULT_SEED)

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 (Qt API)
        add = self.add_parameter
        add(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Reads"), [QgsProcessing.TypeVectorPoint]),
            self.tr("ALPR reads, e.g. the output of alpr:cleanreads."),
        )
        add(
            QgsProcessingParameterFeatureSource(
                self.SITES, self.tr("Sensitive sites"), [QgsProcessing.TypeVectorPoint]
            ),
            self.tr("Points of the places to check: places of worship, clinics, schools, lawyers, shelters…"),
        )
        add(
            QgsProcessingParameterNumber(
                self.RADIUS, self.tr("Radius (m)"), QgsProcessingParameterNumber.Double, 150.0, minValue=0.0
            ),
            self.tr("Reads at most this many metres from a site count as near it."),
        )
        add(
            QgsProcessingParameterField(self.PLATE_FIELD, self.tr("Plate field"), "plate", self.INPUT, optional=True),
            self.tr("The field holding the plates (or their anonymized ids), for unique_plates (default: plate)."),
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
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Sites with read counts"), QgsProcessing.TypeVectorPoint
            )
        )
        self.addOutput(QgsProcessingOutputNumber(self.SITE_COUNT, self.tr("Sites")))
        self.addOutput(QgsProcessingOutputNumber(self.READS_NEAR_SITES, self.tr("Reads near any site")))
        self.addOutput(QgsProcessingOutputNumber(self.EXPECTED_READS, self.tr("Expected reads near a read location")))
        self.addOutput(QgsProcessingOutputNumber(self.MISSING_LOCATION_COUNT, self.tr("Reads without a location")))
        self.addOutput(QgsProcessingOutputNumber(self.SKIPPED_SITE_COUNT, self.tr("Sites without a location")))

    def process(self, parameters: Dict, context, feedback) -> Dict:
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        sites_source = self.parameterAsSource(parameters, self.SITES, context)
        if sites_source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.SITES))
        layer_name = source.sourceName() or "the input layer"
        radius = self.parameterAsDouble(parameters, self.RADIUS, context)
        draws = self.parameterAsInt(parameters, self.DRAWS, context)
        seed = self.parameterAsInt(parameters, self.SEED, context)
        chosen = self.parameterAsString(parameters, self.PLATE_FIELD, context)
        plate_field = chosen or "plate"
        fields = [f.name() for f in source.fields()]
        if plate_field not in fields:
            if chosen and parameters.get(self.PLATE_FIELD):
                raise AlprInputError(
                    'has no field "{}".'.format(plate_field),
                    path=layer_name,
                    hint="Choose PLATE_FIELD among: {}".format(", ".join(fields) or "(no fields)"),
                )
            feedback.pushWarning(self.tr("No plate field {}: unique_plates stays empty.").format(plate_field))
            plate_field = None
        transform_context = context.transformContext()

        feedback.setProgressText(self.tr("Reading"))
        frame = read_frame(
            self,
            parameters,
            self.INPUT,
            context,
            [plate_field] if plate_field else [],
            progress=lambda f: feedback.setProgress(40 * f),
            cancelled=feedback.isCanceled,
        )
        if feedback.isCanceled():
            raise Cancelled()
        sites = read_frame(self, parameters, self.SITES, context)
        crs = reads_crs(frame, layer_name, feedback, self)
        site_crs = sites.crs if sites.crs.isValid() else crs
        warn_null_island(self, frame.x, frame.y, crs, transform_context, feedback)
        work = working_crs(crs, frame.x, frame.y, transform_context)
        rx, ry = transform_xy(frame.x, frame.y, crs, work, transform_context)
        sx, sy = transform_xy(sites.x, sites.y, site_crs, work, transform_context)
        if work != crs:
            feedback.pushInfo(self.tr("Distances measured in {} (metres).").format(work.authid()))
        feedback.setProgress(50)

        feedback.setProgressText(self.tr("Counting reads near the sites and at random read locations"))
        result = site_counts(
            rx,
            ry,
            sx,
            sy,
            radius,
            plates=frame.table[plate_field] if plate_field else None,
            draws=draws,
            seed=seed,
            progress=lambda f: feedback.setProgress(50 + 40 * f),
            cancelled=feedback.isCanceled,
        )
        table = unique_name(sites.table, SITE_FIELDS, feedback, self).reset_index(drop=True)
        for name in SITE_FIELDS:
            table[name] = result.table[name]
        dest, n_sites = write_frame(self, parameters, self.OUTPUT, context, table, x=sites.x, y=sites.y, crs=site_crs)
        if feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, "sites", context, feedback)

        missing = int((~(np.isfinite(rx) & np.isfinite(ry))).sum())
        skipped = int(result.table["read_count"].isna().sum())
        expected = float(result.draw_counts.mean()) if len(result.draw_counts) else float("nan")
        if not len(frame.table):
            feedback.pushWarning(self.tr("The input layer has no features."))
        if not n_sites:
            feedback.pushWarning(self.tr("The sites layer has no features."))
        feedback.pushInfo(
            self.tr("A random read location has {:.1f} other reads within {} m ({} draws, seed {}).").format(
                expected if np.isfinite(expected) else 0.0, radius, len(result.draw_counts), seed
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
        return {
            self.OUTPUT: dest,
            self.SITE_COUNT: n_sites,
            self.READS_NEAR_SITES: result.reads_near_any,
            self.EXPECTED_READS: expected if np.isfinite(expected) else 0.0,
            self.MISSING_LOCATION_COUNT: missing,
            self.SKIPPED_SITE_COUNT: skipped,
        }
