"""alpr:countmodel — Model read counts by area: more reads than the population explains?"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from alpr_qgis.algorithms.base import AlprAlgorithm
from alpr_qgis.core import countmodel
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.moran import morans_i, queen_neighbours
from alpr_qgis.qgis_io.inputs import read_polygons, unique_name
from alpr_qgis.qgis_io.plumbing import polygon_geometry, progress_span, write_output
from alpr_qgis.qgis_io.vector import read_frame


class CountModelAlgorithm(AlprAlgorithm):
    INPUT = "INPUT"
    COUNT_FIELD = "COUNT_FIELD"
    EXPOSURE_FIELD = "EXPOSURE_FIELD"
    PREDICTORS = "PREDICTORS"
    SHARE_PREDICTORS = "SHARE_PREDICTORS"
    FAMILY = "FAMILY"
    OUTPUT_MODEL = "OUTPUT_MODEL"
    OUTPUT = "OUTPUT"
    N_UNITS = "N_UNITS"
    EXCLUDED_COUNT = "EXCLUDED_COUNT"
    ALPHA = "ALPHA"
    MORAN_I = "MORAN_I"
    MORAN_P = "MORAN_P"

    NAME = "countmodel"
    GROUP = "compare"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("CountModelAlgorithm", "Model read counts by area")
    TAGS = QT_TRANSLATE_NOOP(
        "CountModelAlgorithm",
        "alpr,anpr,lpr,plate,regression,poisson,negative binomial,count model,rate ratio,exposure,offset,"
        "overdispersion,moran,census,crime",
    )
    HELP = QT_TRANSLATE_NOOP(
        "CountModelAlgorithm",
        "<p>Do the cameras read some neighbourhoods more than their population explains, and does crime "
        "explain it? A count regression of the reads per unit (tract, zone) on predictors such as income, "
        "a group's share of the residents or the number of auto crimes, with the population (or the area) "
        "as exposure.</p>"
        "<p><b>INPUT</b>: the units, e.g. the OUTPUT of alpr:joincensus or alpr:joincrime (polygons, or "
        "any table). <b>COUNT_FIELD</b>: the reads per unit (default read_count; whole numbers of 0 or "
        "more). <b>EXPOSURE_FIELD</b>: residents (or km²) per unit; its logarithm is the model's offset, so "
        "the model explains <i>reads per resident</i>, not raw counts — a unit with twice the people is "
        "expected to have twice the reads before any predictor comes in. <b>PREDICTORS</b>: numeric "
        "fields. <b>SHARE_PREDICTORS</b>: counts of residents by group (e.g. pop_black), each entered as "
        "its percentage of the exposure (term <i>pop_black_pct</i>: the read rate per percentage point of "
        "the group's share). Units whose count, exposure or any predictor is null, or whose exposure is 0 or less, are "
        "left out and counted in EXCLUDED_COUNT. <b>FAMILY</b>: <code>negative_binomial</code> (default: "
        "NB2, variance μ + αμ², α estimated by maximum likelihood) or <code>poisson</code>.</p>"
        "<p><b>OUTPUT_MODEL</b>: one row per term (Intercept first, then the predictors in order, then the shares) with "
        "<i>term</i>, <i>estimate</i>, <i>std_error</i>, <i>z</i>, <i>p_value</i>, <i>rate_ratio</i> = "
        "exp(estimate) and its 95 % Wald interval <i>rate_ratio_low</i>, <i>rate_ratio_high</i>. A rate "
        "ratio of 1.25 means 25 % more reads per resident for one unit more of the predictor, the others "
        "held fixed; 0.80 means 20 % fewer; 1 means no effect. One unit is the predictor's own unit (one "
        "dollar of income, one crime, a share going from 0 to 1), so rescale a field (e.g. income in "
        "thousands, a share in percent) to read the ratio easily. <b>OUTPUT</b> (optional): the units with "
        "their fields, <i>fitted</i> (the expected reads) and <i>pearson_residual</i> (null for units "
        "left out). Numbers: N_UNITS (units in the model), EXCLUDED_COUNT, ALPHA (the dispersion; null "
        "for poisson), and for polygons MORAN_I and MORAN_P.</p>"
        "<p><b>Overdispersion.</b> A Poisson model assumes the counts vary as much as their mean; reads "
        "per tract vary far more (a patrol car parks in one tract for hours). Then the Poisson's standard "
        "errors are too small and its p-values far too small. The negative binomial adds α to carry the "
        "extra variation; the log says how far the Pearson χ²/df is from 1. Estimates are statsmodels' "
        "own (GLM Poisson; discrete NegativeBinomial, nb2, at its checked maximum, standard errors from "
        "the observed information); a fit that does not converge stops with an error instead of a "
        "result.</p>"
        "<p><b>Residual spatial autocorrelation.</b> MORAN_I is Moran's I of the Pearson residuals with "
        "queen contiguity (units sharing a border or a corner; row-standardised weights; units without a "
        "neighbour left out), MORAN_P its p-value from 999 permutations (fixed seed, one-sided in the "
        "direction observed). A clearly positive I means neighbouring units are over- or under-read "
        "together beyond what the predictors explain: the units are not independent, and the model's "
        "p-values are again too small.</p>"
        "<p>Caveats: associations, not causes; unit-level results say nothing about individuals "
        "(ecological fallacy); reads come from a few cars, so a unit's count follows their routes.</p>"
        "<p><b>Time and memory</b> grow with the units (tracts, zones), not with the reads: a few "
        "thousand units fit in a second or two; Moran's I compares each unit with its neighbours only.</p>"
        "<p>Example: <code>qgis_process.bin run alpr:countmodel -- INPUT=crime.gpkg "
        "COUNT_FIELD=read_count EXPOSURE_FIELD=population PREDICTORS=per_capita_income "
        "PREDICTORS=crime_count SHARE_PREDICTORS=pop_black FAMILY=negative_binomial OUTPUT_MODEL=model.gpkg OUTPUT=units.gpkg</code></p>",
    )

    def initAlgorithm(self, config=None) -> None:
        self.add_source(
            self.INPUT,
            self.tr("Units"),
            self.tr("Areas with a read count, e.g. the OUTPUT of alpr:joincensus or alpr:joincrime."),
            [QgsProcessing.TypeVector],
        )
        self.add_field(
            self.COUNT_FIELD,
            self.tr("Count field"),
            "read_count",
            self.tr("Reads per unit (whole numbers of 0 or more; default: read_count)."),
        )
        self.add_field(
            self.EXPOSURE_FIELD,
            self.tr("Exposure field"),
            "population",
            self.tr(
                "Residents (or area) per unit (default: population): log(exposure) is the offset. Units with 0 "
                "or less are left out."
            ),
        )
        self.add_field(
            self.PREDICTORS,
            self.tr("Predictors"),
            None,
            self.tr("Numeric fields, e.g. per_capita_income, a group's share, crime_count. None: the rate alone."),
            multiple=True,
        )
        self.add_field(
            self.SHARE_PREDICTORS,
            self.tr("Group counts as shares of the exposure"),
            None,
            self.tr(
                "Counts of residents by group (e.g. pop_black): each enters the model as <field>_pct, its "
                "percentage of the exposure (population)."
            ),
            kind=QgsProcessingParameterField.Numeric,
            multiple=True,
        )
        family = QgsProcessingParameterEnum(
            self.FAMILY, self.tr("Family"), list(countmodel.FAMILIES), defaultValue="negative_binomial"
        )
        family.setUsesStaticStrings(True)
        self.add_parameter(
            family, self.tr("negative_binomial (NB2, for counts that vary more than their mean) or poisson.")
        )
        self.add_sink(self.OUTPUT_MODEL, self.tr("Count model"))
        self.add_sink(
            self.OUTPUT,
            self.tr("Units with fitted reads and residuals"),
            QgsProcessing.TypeVectorAnyGeometry,
            optional=True,
            create_by_default=False,
        )
        self.add_numbers(
            (
                (self.N_UNITS, self.tr("Units in the model")),
                (self.EXCLUDED_COUNT, self.tr("Units left out (null value or exposure of 0 or less)")),
                (self.ALPHA, self.tr("Dispersion alpha (negative binomial)")),
                (self.MORAN_I, self.tr("Moran's I of the residuals")),
                (self.MORAN_P, self.tr("Moran's I permutation p-value")),
            )
        )

    def process(self, parameters: Dict, context, feedback) -> Dict:
        self._require_statsmodels()
        source = self.parameterAsSource(parameters, self.INPUT, context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, self.INPUT))
        count_field = self.parameterAsString(parameters, self.COUNT_FIELD, context) or "read_count"
        exposure_field = self.parameterAsString(parameters, self.EXPOSURE_FIELD, context) or "population"
        predictors = self.parameterAsFields(parameters, self.PREDICTORS, context)
        share_fields = self.parameterAsFields(parameters, self.SHARE_PREDICTORS, context)
        family = self.parameterAsEnumString(parameters, self.FAMILY, context) or "negative_binomial"
        kind = QgsWkbTypes.geometryType(source.wkbType())
        polygons = kind == QgsWkbTypes.PolygonGeometry
        points = kind == QgsWkbTypes.PointGeometry

        feedback.setProgressText(self.tr("Reading the units"))
        geometry, out_crs, geoms = {}, None, None
        if polygons:
            units = read_polygons(self, parameters, self.INPUT, context, feedback)
            table, ids, layer_name, geoms = units.table, units.fids, units.name, units.geoms
            geometry = polygon_geometry(geoms)
            out_crs = units.crs
        else:
            frame = read_frame(self, parameters, self.INPUT, context, None, geometry=points)
            table, ids, layer_name = frame.table, None, source.sourceName() or "the input layer"
            if points:
                geometry, out_crs = {"x": frame.x, "y": frame.y}, frame.crs
        if feedback.isCanceled():
            raise Cancelled()
        feedback.setProgress(20)

        feedback.setProgressText(self.tr("Fitting the model"))
        table, shares = countmodel.add_shares(table, share_fields, exposure_field, layer_name, ids)
        data = countmodel.model_data(table, count_field, exposure_field, list(predictors) + shares, layer_name, ids)
        model = countmodel.fit_count_model(data, family)
        feedback.setProgress(60)
        moran = None
        if polygons:
            feedback.setProgressText(self.tr("Moran's I of the residuals"))
            fitted, resid = countmodel.unit_columns(model, data.used)
            moran = morans_i(resid, queen_neighbours(geoms), cancelled=feedback.isCanceled)
        feedback.setProgress(80)
        self._log(model, data, moran, layer_name, exposure_field, feedback)

        feedback.setProgressText(self.tr("Writing"))
        model_dest, _ = write_output(self, parameters, self.OUTPUT_MODEL, context, feedback, model.table)
        out = table.reset_index(drop=True)
        out = unique_name(out, countmodel.UNIT_FIELDS, feedback, self).reset_index(drop=True)
        out["fitted"], out["pearson_residual"] = countmodel.unit_columns(model, data.used)
        where = {"style": "countmodel" if polygons else None, "crs": out_crs, **geometry}
        dest, _ = write_output(
            self, parameters, self.OUTPUT, context, feedback, out, progress=progress_span(feedback, 80, 100), **where
        )
        return {
            self.OUTPUT_MODEL: model_dest,
            self.OUTPUT: dest,
            self.N_UNITS: int(data.used.sum()),
            self.EXCLUDED_COUNT: data.excluded,
            self.ALPHA: model.alpha,
            self.MORAN_I: _number(moran.i) if moran else None,
            self.MORAN_P: _number(moran.p_value) if moran else None,
        }

    def _require_statsmodels(self) -> None:
        try:
            countmodel.require_statsmodels()
        except countmodel.StatsmodelsMissingError:
            raise QgsProcessingException(
                self.tr(
                    "alpr:countmodel needs the Python package statsmodels, which this QGIS cannot import. "
                    "On Debian or Ubuntu: sudo apt install python3-statsmodels. Elsewhere: pip install statsmodels "
                    "in the Python that QGIS runs (on Windows, in the OSGeo4W Shell). Then restart QGIS."
                )
            ) from None

    def _log(self, model, data, moran, layer_name: str, exposure_field: str, feedback) -> None:
        n = int(data.used.sum())
        feedback.pushInfo(
            self.tr("{}: {} units in the model, {} left out ({}).").format(
                layer_name,
                n,
                data.excluded,
                "; ".join(
                    (self.tr("{} null or ≤ 0: {}") if k == exposure_field else self.tr("{} null: {}")).format(k, v)
                    for k, v in data.reasons.items()
                    if v
                )
                or self.tr("none"),
            )
        )
        for row in model.table.itertuples(index=False):
            feedback.pushInfo(
                self.tr("{}: rate ratio {:.6g} (95 % {:.6g} to {:.6g}), p = {:.3g}").format(
                    row.term, row.rate_ratio, row.rate_ratio_low, row.rate_ratio_high, row.p_value
                )
            )
        feedback.pushInfo(
            self.tr("Family {}: log-likelihood {:.6g}, AIC {:.6g}, Pearson chi²/df {:.3g}.").format(
                model.family, model.loglike, model.aic, model.pearson_dispersion
            )
        )
        if model.alpha is not None:
            feedback.pushInfo(self.tr("Dispersion alpha (NB2): {:.6g}.").format(model.alpha))
        elif model.pearson_dispersion > 1.5:
            feedback.pushWarning(
                self.tr(
                    "The counts vary {:.3g} times more than a Poisson model allows (Pearson chi²/df): its p-values "
                    "are too small. Use FAMILY=negative_binomial."
                ).format(model.pearson_dispersion)
            )
        if moran is not None:
            if moran.i is None:
                feedback.pushInfo(self.tr("Moran's I: too few neighbouring units to compute it."))
            else:
                feedback.pushInfo(
                    self.tr(
                        "Moran's I of the residuals: {:.4f} (expected {:.4f}), permutation p = {:.3g}, {} units."
                    ).format(moran.i, moran.expected, moran.p_value, moran.n)
                )
                if moran.i > 0 and moran.p_value < 0.05:
                    feedback.pushWarning(
                        self.tr(
                            "The residuals are spatially autocorrelated (Moran's I {:.3f}, p = {:.3g}): neighbouring "
                            "units are alike beyond the predictors, so the model's p-values are too small."
                        ).format(moran.i, moran.p_value)
                    )
            if moran.islands:
                feedback.pushInfo(
                    self.tr("{} unit(s) without a neighbour left out of Moran's I.").format(moran.islands)
                )


def _number(value: Optional[float]) -> Optional[float]:
    return float(value) if value is not None and np.isfinite(value) else None
