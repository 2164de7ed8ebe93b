"""Report sections that compare areas: census (disparity, correlation, exposure), crime, the count model."""

from __future__ import annotations

from typing import List, Optional

import numpy as np
import pandas as pd

from alpr_qgis.core.report import charts
from alpr_qgis.core.report.common import NAIVE_P, Facts, basis_words, direction, label_of, strength
from alpr_qgis.core.report.html import Section, figure, number, p_value, paragraph, plural, share, table
from alpr_qgis.core.report.inputs import numeric

# ------------------------------------------------------------------ census


def census_section(
    units: Optional[pd.DataFrame], stats: Optional[pd.DataFrame], layers: List[str], facts: Facts
) -> Section:
    body: List[str] = []
    headlines: List[str] = []
    if stats is not None and len(stats):
        layer = layers[-1]
        rho = numeric(stats, "spearman", "CENSUS_STATS", layer)
        rho_p = numeric(stats, "spearman_p", "CENSUS_STATS", layer)
        r = numeric(stats, "pearson", "CENSUS_STATS", layer)
        r_p = numeric(stats, "pearson_p", "CENSUS_STATS", layer)
        n = numeric(stats, "n", "CENSUS_STATS", layer)
        ratio = numeric(stats, "exposure_ratio", "CENSUS_STATS", layer)
        per_1000 = numeric(stats, "exposure_per_1000", "CENSUS_STATS", layer)
        attribute = stats["attribute"].astype(str).to_numpy()
        basis = stats["rate_basis"].astype(str).to_numpy()
        if "kind" in stats.columns:
            kind = stats["kind"].astype("object").where(stats["kind"].notna(), "").astype(str).str.lower().to_numpy()
        else:
            kind = np.where(np.isfinite(ratio), "count", "value")
        exposure = (kind == "count") & np.isfinite(ratio)
        if exposure.any():
            order = np.flatnonzero(exposure)[np.argsort(-ratio[exposure], kind="stable")]
            most, least = order[0], order[-1]
            text = "Residents counted in {} live where the cameras read {:.2f} times as often per resident as the average".format(
                attribute[most], ratio[most]
            )
            if least != most:
                text += "; those in {}, {:.2f} times".format(attribute[least], ratio[least])
            headlines.append(text + ".")
            labels = [attribute[i] for i in order]
            body.append(
                figure(
                    charts.horizontal_bars(
                        labels,
                        ratio[order],
                        xlabel="Read rate where the group lives ÷ the overall rate (1 = average)",
                        value_labels=["{:.2f}×".format(ratio[i]) for i in order],
                        reference=1.0,
                    ),
                    "Bar chart of each group's exposure ratio",
                    "Exposure: the read rate where each group's members live, over the overall rate.",
                )
            )
            body.append(
                table(
                    ["Group (census field)", "Reads per 1,000 residents where they live", "Ratio to the overall rate"],
                    [(attribute[i], number(per_1000[i], 1), "{:.2f}".format(ratio[i])) for i in order],
                    [False, True, True],
                )
            )
        valid = np.isfinite(rho)
        if valid.any():
            values = valid & (kind != "count") if (valid & (kind != "count")).any() else valid
            pick = np.flatnonzero(values)
            best = pick[np.argmax(np.abs(rho[pick]))]
            headlines.append(
                "{} shows {} {} correlation with {} across {} units (Spearman ρ = {:+.2f}, naive {}).".format(
                    basis_words(basis[best]).capitalize(),
                    strength(rho[best]),
                    direction(rho[best]) if abs(rho[best]) >= 0.1 else "",
                    attribute[best],
                    number(n[best]),
                    rho[best],
                    p_value(rho_p[best]),
                ).replace("  ", " ")
            )
        rows = [
            (
                attribute[i],
                "group count" if kind[i] == "count" else "value",
                basis_words(basis[i]),
                number(rho[i], 2),
                p_value(rho_p[i]),
                number(r[i], 2),
                p_value(r_p[i]),
                number(n[i]),
            )
            for i in range(len(stats))
        ]
        body.append(
            "<h3>Correlations across units</h3>"
            + table(
                ["Census field", "Kind", "Rate", "Spearman ρ", "", "Pearson r", "", "Units"],
                rows,
                [False, False, False, True, False, True, False, True],
            )
        )
    if units is not None and len(units):
        layer = layers[0]
        disparity = numeric(units, "disparity", "CENSUS", layer)
        reads = numeric(units, "read_count", "CENSUS", layer)
        rate = numeric(units, "reads_per_1000", "CENSUS", layer)
        ok = np.isfinite(disparity)
        twice = int((disparity[ok] >= 2).sum())
        sentence = (
            "{} of the {} units compared were read at least twice as often as their share of the population.".format(
                number(twice), number(ok.sum())
            )
        )
        headlines.append(sentence)
        order = np.flatnonzero(ok)[np.argsort(-disparity[ok], kind="stable")][:10]
        labels = [label_of(units, i, "unit {}".format(i + 1)) for i in order]
        if len(order):
            body.append(
                figure(
                    charts.horizontal_bars(
                        labels,
                        disparity[order],
                        xlabel="Share of the reads ÷ share of the population (1 = in proportion)",
                        value_labels=["{:.2f}×".format(v) for v in disparity[order]],
                        reference=1.0,
                    ),
                    "Bar chart of the units with the highest disparity",
                    "The units read most out of proportion to their population.",
                )
            )
            body.append(
                table(
                    ["Unit", "Reads", "Reads per 1,000 residents", "Disparity"],
                    [
                        (lab, number(reads[i]), number(rate[i], 1), "{:.2f}".format(disparity[i]))
                        for lab, i in zip(labels, order)
                    ],
                    [False, True, True, True],
                )
            )
    headline = headlines[0] if headlines else "The census layers hold no unit to compare."
    body[:0] = [paragraph(h) for h in headlines[1:]]
    return Section(
        "census",
        "Whose neighbourhoods the cameras read",
        headline,
        body,
        method=(
            "Each read was placed in the census unit (tract, block group or ZIP code) it fell in and the reads "
            "were divided by the units' population. Disparity is a unit's share of the reads over its share of "
            "the residents. Correlations (Spearman's rank and Pearson's) run across the units with enough "
            "residents, units without reads included at rate 0. Exposure, for a group counted by the census, is "
            "the read rate where its members live, weighted by their number, over the overall rate."
        ),
        caveats=[
            "Unit-level results say nothing about individuals (the ecological fallacy): a higher rate where a "
            "group lives does not show that members of the group were read more.",
            NAIVE_P,
            "A read records where a camera passed, not who lives there; census figures carry their own margins "
            "of error.",
            facts.few_cars(),
        ],
        source=", ".join(layers),
    )


# ------------------------------------------------------------------ crime


def crime_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    known = ("zone_count", "read_count", "crime_count", "spearman", "spearman_p", "pearson", "pearson_p")
    known += ("top_crime_zones", "top_crime_share", "top_crime_read_share")
    row = {c: numeric(t, c, "CRIME_STATS", layer)[:1] for c in known if c in t.columns}

    def get(name: str) -> float:
        values = row.get(name)
        return float(values[0]) if values is not None and len(values) else float("nan")

    zones, rho = get("zone_count"), get("spearman")
    correlation = "Across {} zones, reads and crimes show {} correlation (Spearman ρ = {}, naive {}).".format(
        number(zones), strength(rho) if rho == rho else "no measurable", number(rho, 2), p_value(get("spearman_p"))
    )
    body: List[str] = []
    crime_share, read_share = get("top_crime_share"), get("top_crime_read_share")
    if crime_share == crime_share and read_share == read_share:
        headline = "The {} with the most crime hold {} of the crimes but {} of the reads.".format(
            plural(get("top_crime_zones"), "zone"), share(crime_share), share(read_share)
        )
        body.append(paragraph(correlation))
        body.append(
            figure(
                charts.horizontal_bars(
                    ["Crimes in the top-crime zones", "Reads in the top-crime zones"],
                    [100 * crime_share, 100 * read_share],
                    colours=[charts.RED, charts.BLUE],
                    xlabel="Share (%)",
                    value_labels=[share(crime_share), share(read_share)],
                ),
                "Bar chart of the top-crime zones' share of crimes and of reads",
                "If patrols followed crime, the two bars would be alike.",
            )
        )
    else:
        headline = correlation
    body.append(
        table(
            ["Measure", "Value"],
            [
                ("Zones", number(zones)),
                ("Reads in zones", number(get("read_count"))),
                ("Crimes in zones", number(get("crime_count"))),
                ("Spearman ρ (reads against crimes)", "{} ({})".format(number(rho, 2), p_value(get("spearman_p")))),
                ("Pearson r", "{} ({})".format(number(get("pearson"), 2), p_value(get("pearson_p")))),
            ],
            [False, True],
        )
    )
    return Section(
        "crime",
        "Do the cameras follow crime?",
        headline,
        body,
        method=(
            "Reads and recorded crimes (the categories chosen in alpr:joincrime) were counted in the same zones "
            "and compared: by rank correlation across the zones, and by the share of the reads that falls in "
            "the fifth of the zones with the most crime."
        ),
        caveats=[
            "Recorded crime follows reporting and policing as much as crime itself.",
            NAIVE_P,
            "Zones of very different sizes make raw counts hard to compare.",
            facts.few_cars(),
        ],
        source=layer,
    )


# ------------------------------------------------------------------ model


def ratios(*values: float) -> List[str]:
    """Rate ratios with one number of decimals, enough to show how far each is from 1 (``1.012``, ``0.999970``)."""
    finite = [v for v in values if np.isfinite(v)]
    if any(v < 0.5 or v > 2 for v in finite):
        return ["{:.3g}".format(v) if np.isfinite(v) else "–" for v in values]
    gaps = [abs(v - 1.0) for v in finite if v != 1.0]
    decimals = int(min(8, max(2, -np.floor(np.log10(min(gaps))) + 1))) if gaps else 2
    return ["{:.{}f}".format(v, decimals) if np.isfinite(v) else "–" for v in values]


def model_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    terms = t["term"].astype(str).to_numpy()
    est, se, z, p = (numeric(t, c, "MODEL", layer) for c in ("estimate", "std_error", "z", "p_value"))
    rr, lo, hi = (numeric(t, c, "MODEL", layer) for c in ("rate_ratio", "rate_ratio_low", "rate_ratio_high"))
    predictors = np.flatnonzero(~np.isin(np.char.lower(terms.astype(str)), ["intercept", "(intercept)", "const"]))
    body: List[str] = []
    usable = predictors[np.isfinite(p[predictors]) & np.isfinite(rr[predictors])] if len(predictors) else predictors
    if len(usable):
        best = usable[np.argmin(p[usable])]
        headline = (
            "Holding the other factors fixed, each one-unit increase in {} multiplies the expected reads by "
            "{} (95 % interval {} to {}, naive {})."
        ).format(terms[best], *ratios(rr[best], lo[best], hi[best]), p_value(p[best]))
        body.append(
            figure(
                charts.chart_forest(
                    [terms[i] for i in predictors],
                    rr[predictors],
                    lo[predictors],
                    hi[predictors],
                    "Rate ratio per one-unit increase (1 = no effect)",
                ),
                "Rate ratios of the model's terms with their 95 % intervals",
                "Rate ratios with 95 % intervals: left of the dashed line, fewer reads; right, more.",
            )
        )
    else:
        headline = "The model has no predictor with an estimate: only the baseline rate."
    shown = [ratios(rr[i], lo[i], hi[i]) for i in range(len(t))]
    body.append(
        table(
            ["Term", "Rate ratio", "95 % interval", "Estimate", "Std. error", "z", "p"],
            [
                (
                    terms[i],
                    shown[i][0],
                    "{} to {}".format(shown[i][1], shown[i][2]),
                    "{:.4g}".format(est[i]) if np.isfinite(est[i]) else "–",
                    "{:.4g}".format(se[i]) if np.isfinite(se[i]) else "–",
                    number(z[i], 2),
                    p_value(p[i]),
                )
                for i in range(len(t))
            ],
            [False, True, True, True, True, True, False],
        )
    )
    return Section(
        "model",
        "What explains where the cameras read",
        headline,
        body,
        method=(
            "A count regression (Poisson or negative binomial) of the reads per unit, with the unit's "
            "population (or area) as exposure, so that the model compares rates. A rate ratio is exp(estimate): "
            "how many times the expected reads grow with one unit more of the predictor, the others held fixed; "
            "the intervals are 95 % Wald intervals."
        ),
        caveats=[
            NAIVE_P + " Check the spatial autocorrelation of the residuals (Moran's I) before trusting them.",
            "Associations, not causes; unit-level results say nothing about individuals (ecological fallacy).",
            "A one-unit increase depends on the predictor's units (a dollar of income, one percentage point).",
            facts.few_cars(),
        ],
        source=layer,
    )
