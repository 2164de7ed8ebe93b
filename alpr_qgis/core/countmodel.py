"""A count regression of reads per unit with the population (or area) as exposure.

For units ``i`` with counts ``y_i``, exposure ``e_i`` and predictors ``x_i``
the expected count is ``μ_i = e_i · exp(β₀ + x_i·β)``: log(e_i) enters as an
offset, so the model compares *rates* (reads per resident), and ``exp(β_j)``
is a rate ratio — the factor by which the expected rate grows with one unit
more of predictor ``j``, the others held fixed.

- ``poisson``: statsmodels' ``GLM`` with a Poisson family and the offset
  (IRLS; for this canonical link the expected and observed information agree).
- ``negative_binomial``: statsmodels' discrete ``NegativeBinomial`` with
  ``loglike_method='nb2'`` (variance ``μ + α μ²``, α by maximum likelihood).
  Its default ``fit()`` can run off to an enormous α and still call that
  converged, and badly scaled predictors (incomes in dollars) stall its
  quasi-Newton search; so three searches run on standardised predictors
  (Newton's method from the Poisson fit and a moment estimate of α; the
  profile likelihood over log α; BFGS), each is mapped back and polished by
  Newton's method on the original predictors, and the best is accepted only
  when the Newton step left is negligible against its standard errors.
  Standard errors come from the observed information, as statsmodels reports
  them.  When the likelihood keeps growing as α goes to 0 (no overdispersion)
  the fit stops with an error that says to use ``poisson``.

Intervals are 95 % Wald intervals, ``exp(β ± 1.959964 · se)``.

Moran's I of the Pearson residuals (``core.moran.morans_i``) uses queen contiguity
(``core.moran.queen_neighbours``: polygons sharing a boundary point) with
row-standardised weights; a unit without a neighbour among the modelled units
is left out of it.  Its p-value comes from permutations with a fixed seed
(the same data give the same p), one-sided in the direction observed.

statsmodels is imported inside the functions: loading the plugin does not
need it, and :func:`require_statsmodels` says how to install it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.census import numeric_column
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

FAMILIES = ("poisson", "negative_binomial")
MODEL_FIELDS = (
    "term",
    "estimate",
    "std_error",
    "z",
    "p_value",
    "rate_ratio",
    "rate_ratio_low",
    "rate_ratio_high",
)
UNIT_FIELDS = ("fitted", "pearson_residual")
INTERCEPT = "Intercept"
Z95 = 1.959964
INSTALL_HINT = (
    "Install statsmodels: on Debian or Ubuntu `sudo apt install python3-statsmodels`; elsewhere "
    "`pip install statsmodels` in the Python that QGIS runs (on Windows, the OSGeo4W Shell)"
)
# A negative binomial fit is accepted when the Newton step left is below this share of each standard error.
STEP_TOLERANCE = 1e-4
# Beyond this the dispersion is not a usable estimate (the likelihood is flat in α).
MAX_ALPHA = 1e4
# A fitted count below this: the Poisson fit runs off to infinity (e.g. a predictor separating units without reads).
VANISHING_MEAN = 1e-9
# Below this the NB2 maximum sits on α = 0: no overdispersion, the model is a Poisson one.
MIN_ALPHA = 1e-8

IsCancelled = Callable[[], bool]


class StatsmodelsMissingError(AlprInputError):
    """statsmodels cannot be imported in this Python."""


def require_statsmodels():
    """The statsmodels package, or ``StatsmodelsMissingError`` saying how to install it."""
    try:
        import statsmodels.api as sm  # noqa: F401
        from statsmodels.discrete.discrete_model import NegativeBinomial  # noqa: F401
    except ImportError:
        raise StatsmodelsMissingError(
            "alpr:countmodel needs the Python package statsmodels.", hint=INSTALL_HINT
        ) from None
    import statsmodels

    return statsmodels


# ------------------------------------------------------------------ data


@dataclass
class ModelData:
    """The units as arrays: the rows used (``used``), the count, exposure and predictor columns."""

    y: np.ndarray  # counts of the used units
    exposure: np.ndarray  # exposure of the used units (> 0)
    design: np.ndarray  # design of the used units: a column of ones, then the predictors
    terms: List[str]  # "Intercept", then the predictors in order
    used: np.ndarray  # bool per input unit
    excluded: int
    reasons: dict = field(default_factory=dict)  # units with a null (or, for the exposure, ≤ 0) per field


def add_shares(
    table: pd.DataFrame,
    share_fields: Sequence[str],
    exposure_field: str,
    source: str = "the input layer",
    ids: Optional[Sequence[int]] = None,
) -> Tuple[pd.DataFrame, List[str]]:
    """Group counts as percentages of the exposure: ``<field>_pct`` = 100 × field ÷ exposure (null where exposure ≤ 0).

    For counts of residents by group (e.g. ``pop_black``) with the population
    as exposure: the model then asks how the read rate changes with the
    group's share of the residents, not with its raw number.
    """
    names = []
    if not share_fields:
        return table, names
    table = table.copy()
    exposure = numeric_column(table, exposure_field, source, "EXPOSURE_FIELD", ids).to_numpy(dtype=float)
    for f in share_fields:
        if f == exposure_field:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is the exposure: its share of itself is 100 %."),
                field=f,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Remove it from SHARE_PREDICTORS"),
            )
        counts = numeric_column(table, f, source, "SHARE_PREDICTORS", ids).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(exposure > 0, 100.0 * counts / exposure, np.nan)
        name = "{}_pct".format(f)
        table[name] = share
        names.append(name)
    return table, names


def model_data(
    table: pd.DataFrame,
    count_field: str,
    exposure_field: str,
    predictors: Sequence[str],
    source: str = "the input layer",
    ids: Optional[Sequence[int]] = None,
) -> ModelData:
    """Check the fields and pick the usable units.

    A unit is left out (and counted) when its count, its exposure or any
    predictor is null, or its exposure is ≤ 0.  Raises ``AlprInputError`` for
    a missing or non-numeric field, negative or fractional counts, an
    exposure field without a positive value, a predictor listed twice or
    equal to the count or exposure field, a predictor that is constant or a
    combination of the others, and fewer units than parameters + 1.
    """
    predictors = list(predictors)
    seen = set()
    for p in predictors:
        if p in (count_field, exposure_field):
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is the count or the exposure, not a predictor."),
                field=p,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Remove it from PREDICTORS"),
            )
        if p in seen:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is listed twice in PREDICTORS."),
                field=p,
                hint=QT_TRANSLATE_NOOP("alpr_core", "List each predictor once"),
            )
        seen.add(p)
    count = numeric_column(table, count_field, source, "COUNT_FIELD", ids).to_numpy(dtype=float)
    exposure = numeric_column(table, exposure_field, source, "EXPOSURE_FIELD", ids).to_numpy(dtype=float)
    columns = [numeric_column(table, p, source, "PREDICTORS", ids).to_numpy(dtype=float) for p in predictors]
    n_all = len(table)

    finite_count = np.isfinite(count)
    if (count[finite_count] < 0).any():
        i = int(np.flatnonzero(finite_count & (count < 0))[0])
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is negative: a count model needs counts of 0 or more."),
            path=source,
            row=int(ids[i]) if ids is not None else i + 1,
            field=count_field,
            value=count[i],
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a COUNT_FIELD of counts, e.g. read_count"),
        )
    fractional = finite_count & (np.abs(count - np.round(count)) > 1e-9)
    if fractional.any():
        i = int(np.flatnonzero(fractional)[0])
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is not a whole number: a count model needs counts, not rates or shares."),
            path=source,
            row=int(ids[i]) if ids is not None else i + 1,
            field=count_field,
            value=count[i],
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Choose a COUNT_FIELD of counts, e.g. read_count, and put the population in EXPOSURE_FIELD"
            ),
        )
    positive = np.isfinite(exposure) & (exposure > 0)
    if n_all and not positive.any():
        raise AlprInputError(
            QT_TRANSLATE_NOOP(
                "alpr_core", "has no positive value: the exposure (population or area) must be above 0 in some unit."
            ),
            path=source,
            field=exposure_field,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose another EXPOSURE_FIELD, e.g. population"),
        )
    used = finite_count & positive
    reasons = {count_field: int((~finite_count).sum()), exposure_field: int((~positive).sum())}
    for p, col in zip(predictors, columns):
        reasons[p] = int((~np.isfinite(col)).sum())
        used &= np.isfinite(col)

    terms = [INTERCEPT] + predictors
    n = int(used.sum())
    n_params = len(terms)  # + α for the negative binomial: checked by fit_count_model
    if n < n_params + 1:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "{units} unit(s) can enter the model (count, exposure > 0 and every "
                              "predictor known), but a model with {parameters} parameter(s) needs at least {needed}."),
            args={"units": n, "parameters": n_params, "needed": n_params + 1},
            path=source,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Use fewer PREDICTORS or more units"),
        )  # fmt: skip
    design = np.column_stack([np.ones(n)] + [c[used] for c in columns])
    # A predictor that adds nothing to the ones before it (constant, or a combination of them).
    for j in range(1, design.shape[1]):
        scaled = design[:, : j + 1] / np.maximum(np.abs(design[:, : j + 1]).max(axis=0), 1e-300)
        if np.linalg.matrix_rank(scaled) <= j:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is constant, or a combination of the predictors before it, over the "
                                  "units in the model: its effect cannot be estimated."),
                path=source,
                field=terms[j],
                hint=QT_TRANSLATE_NOOP("alpr_core", "Remove it from PREDICTORS"),
            )  # fmt: skip
    y = count[used]
    if not (y > 0).any():
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is 0 in every unit of the model: there is nothing to model."),
            path=source,
            field=count_field,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Check COUNT_FIELD"),
        )
    return ModelData(y, exposure[used], design, terms, used, n_all - n, reasons)


# ------------------------------------------------------------------ fit


@dataclass
class CountModel:
    """A fitted model: one row per term, fitted values and Pearson residuals per used unit, fit figures."""

    table: pd.DataFrame  # MODEL_FIELDS, Intercept first
    fitted: np.ndarray  # expected count per used unit
    pearson_residual: np.ndarray  # (y − μ) / √V(μ) per used unit
    family: str
    alpha: Optional[float]  # NB2 dispersion; None for poisson
    loglike: float
    aic: float
    pearson_dispersion: float  # Σ pearson² / (n − parameters): about 1 when the variance fits


def _normal_p(z: np.ndarray) -> np.ndarray:
    from scipy.stats import norm

    return 2.0 * norm.sf(np.abs(z))


def term_table(terms: Sequence[str], params: np.ndarray, bse: np.ndarray) -> pd.DataFrame:
    """The per-term table: estimate, standard error, z, two-sided normal p, rate ratio and its 95 % Wald interval."""
    params = np.asarray(params, dtype=float)
    bse = np.asarray(bse, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = params / bse
        return pd.DataFrame(
            {
                "term": list(terms),
                "estimate": params,
                "std_error": bse,
                "z": z,
                "p_value": _normal_p(z),
                "rate_ratio": np.exp(params),
                "rate_ratio_low": np.exp(params - Z95 * bse),
                "rate_ratio_high": np.exp(params + Z95 * bse),
            },
            columns=list(MODEL_FIELDS),
        )


def fit_count_model(data: ModelData, family: str = "negative_binomial") -> CountModel:
    """Fit ``family`` (``poisson`` or ``negative_binomial``) to ``data``; ``AlprInputError`` when it does not converge."""
    if family not in FAMILIES:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is not a model family."),
            args={"families": ", ".join(FAMILIES)},
            field="FAMILY",
            value=family,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose one of: {families}"),
        )
    require_statsmodels()
    offset = np.log(data.exposure)
    poisson = _fit_poisson(data.y, data.design, offset, data.terms)
    if family == "poisson":
        mu = np.asarray(poisson.fittedvalues, dtype=float)
        resid = (data.y - mu) / np.sqrt(mu)
        k = data.design.shape[1]
        return CountModel(
            term_table(data.terms, poisson.params, poisson.bse),
            mu,
            resid,
            family,
            None,
            float(poisson.llf),
            float(poisson.aic),
            float(np.sum(resid**2) / max(len(data.y) - k, 1)),
        )
    if len(data.y) < data.design.shape[1] + 2:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "{units} unit(s) can enter the model, but a negative binomial model with "
                              "{parameters} parameter(s) and its dispersion needs at least {needed}."),
            args={"units": len(data.y), "parameters": data.design.shape[1], "needed": data.design.shape[1] + 2},
            field="FAMILY",
            hint=QT_TRANSLATE_NOOP("alpr_core", "Use fewer PREDICTORS, more units, or FAMILY=poisson"),
        )  # fmt: skip
    result = _fit_nb2(data.y, data.design, offset, np.asarray(poisson.params, dtype=float))
    params = np.asarray(result.params, dtype=float)
    bse = np.asarray(result.bse, dtype=float)
    alpha = float(params[-1])
    mu = np.exp(data.design @ params[:-1] + offset)
    resid = (data.y - mu) / np.sqrt(mu + alpha * mu**2)
    return CountModel(
        term_table(data.terms, params[:-1], bse[:-1]),
        mu,
        resid,
        family,
        alpha,
        float(result.llf),
        float(result.aic),
        float(np.sum(resid**2) / max(len(data.y) - len(params), 1)),
    )


def _not_converged(message: str, **args: object) -> AlprInputError:
    return AlprInputError(message, args=args, field="FAMILY")


def _fit_poisson(y: np.ndarray, design: np.ndarray, offset: np.ndarray, terms: Sequence[str]):
    import statsmodels.api as sm

    try:
        res = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset).fit()
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as err:
        raise _not_converged(
            QT_TRANSLATE_NOOP("alpr_core", "The Poisson fit did not converge: {error} — check the predictors' values."),
            error=err,
        ) from None
    params, bse = np.asarray(res.params, dtype=float), np.asarray(res.bse, dtype=float)
    # A fitted count near 0 means an estimate runs off to infinity (IRLS stops there and calls it converged).
    vanishing = bool((np.asarray(res.fittedvalues, dtype=float) < VANISHING_MEAN).any())
    if vanishing or not res.converged or not np.isfinite(params).all() or not np.isfinite(bse).all():
        bad = [t for t, b in zip(terms, bse) if not np.isfinite(b)]
        raise _not_converged(
            QT_TRANSLATE_NOOP("alpr_core", "The Poisson fit did not converge: an estimate runs off to infinity{terms} "
                              "(e.g. a predictor that separates units with and without reads)."),
            terms=" ({})".format(", ".join(bad)) if bad else "",
        )  # fmt: skip
    return res


def moment_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """A moment estimate of the NB2 dispersion from Poisson means: Σ((y−μ)² − y) / Σμ², at least 0.01."""
    value = float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2))
    return value if np.isfinite(value) and value > 0.01 else 0.01


def _newton_step(model, params: np.ndarray) -> Optional[np.ndarray]:
    """The Newton step left at ``params`` (None when the Hessian is not negative definite)."""
    hessian = model.hessian(params)
    score = model.score(params)
    if not (np.isfinite(hessian).all() and np.isfinite(score).all()):
        return None
    try:
        np.linalg.cholesky(-hessian)
    except np.linalg.LinAlgError:
        return None
    return np.linalg.solve(-hessian, score)


def _profile_start(y: np.ndarray, design: np.ndarray, offset: np.ndarray) -> Optional[np.ndarray]:
    """(β, α) at the maximum of the profile likelihood over log α, β by IRLS for each α (None if it fails).

    Slower than Newton's method but sure-footed: for a fixed α the NB2 model
    is a GLM whose IRLS fit is as stable as the Poisson one, and a bounded
    one-dimensional search over log α cannot run off.  The α found may sit
    on the lower bound: then the likelihood keeps growing as α goes to 0.
    """
    import statsmodels.api as sm
    from scipy.optimize import minimize_scalar

    found = {}

    def minus_loglike(log_alpha: float) -> float:
        alpha = float(np.exp(log_alpha))
        try:
            fit = sm.GLM(y, design, family=sm.families.NegativeBinomial(alpha=alpha), offset=offset).fit()
        except (ValueError, np.linalg.LinAlgError, FloatingPointError, OverflowError):
            return np.inf
        found[log_alpha] = np.r_[np.asarray(fit.params, dtype=float), alpha]
        value = -float(fit.llf)  # the NB2 log-likelihood (the family's scale is 1)
        return value if np.isfinite(value) else np.inf

    bounds = (np.log(MIN_ALPHA) + 2.0, np.log(MAX_ALPHA) - 2.0)
    result = minimize_scalar(minus_loglike, bounds=bounds, method="bounded", options={"xatol": 1e-5})
    if not np.isfinite(result.fun) or result.x not in found:
        return None
    return found[result.x]


def _fit_nb2(y: np.ndarray, design: np.ndarray, offset: np.ndarray, poisson_params: np.ndarray):
    """statsmodels' NB2 fit at its true maximum, checked, on the original predictors.

    Three searches on standardised predictors (Newton's method from the
    Poisson fit and a moment estimate of α, the profile likelihood, BFGS in
    log α) each end with Newton's method on the original predictors; the
    best one whose remaining Newton step is negligible wins.
    """
    from statsmodels.discrete.discrete_model import NegativeBinomial

    # Standardised predictors: the same maximum (β_j = β*_j / s_j), a better-conditioned search.
    centre = np.r_[0.0, design[:, 1:].mean(axis=0)]
    scale = np.r_[1.0, design[:, 1:].std(axis=0)]
    scale[scale == 0] = 1.0
    scaled = (design - centre) / scale
    scaled[:, 0] = 1.0
    start = np.r_[poisson_params[0] + np.sum(poisson_params[1:] * centre[1:]), poisson_params[1:] * scale[1:]]
    mu0 = np.exp(design @ poisson_params + offset)
    start = np.r_[start, moment_alpha(y, mu0)]

    def back(p: np.ndarray) -> np.ndarray:
        beta = p[1:-1] / scale[1:]
        return np.r_[p[0] - np.sum(beta * centre[1:]), beta, p[-1]]

    errors = (ValueError, np.linalg.LinAlgError, FloatingPointError, OverflowError)
    # The searches probe parameters where statsmodels' NB2 likelihood takes the log of 0 or overflows: expected,
    # and such candidates are dropped by the finiteness and Newton-step checks below, which also judge convergence.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scaled_model = NegativeBinomial(y, scaled, loglike_method="nb2", offset=offset)
        candidates = []
        for method, kwargs in (
            ("newton", {"maxiter": 200}),
            ("profile", {}),
            ("bfgs", {"maxiter": 2000, "gtol": 1e-10}),
        ):
            try:
                if method == "profile":
                    p = _profile_start(y, scaled, offset)
                else:
                    p = np.asarray(
                        scaled_model.fit(
                            start_params=start, method=method, disp=0, warn_convergence=False, **kwargs
                        ).params
                    )
            except errors:
                continue
            if p is not None and np.isfinite(p).all():
                candidates.append(np.asarray(p, dtype=float))
        original = NegativeBinomial(y, design, loglike_method="nb2", offset=offset)
        best = None
        for p in candidates:
            if not MIN_ALPHA < p[-1] < MAX_ALPHA:
                continue
            try:
                res = original.fit(start_params=back(p), method="newton", maxiter=100, disp=0, warn_convergence=False)
            except errors:
                continue
            params = np.asarray(res.params, dtype=float)
            bse = np.asarray(res.bse, dtype=float)
            if not (np.isfinite(params).all() and np.isfinite(bse).all() and (bse > 0).all()):
                continue
            if not MIN_ALPHA < params[-1] < MAX_ALPHA:
                continue
            step = _newton_step(original, params)
            if step is None or not (np.abs(step) <= STEP_TOLERANCE * bse).all():
                continue
            if best is None or res.llf > best.llf:
                best = res
    if best is None:
        alphas = [p[-1] for p in candidates]
        if not candidates or min(alphas) < 1e-4:
            raise _not_converged(
                QT_TRANSLATE_NOOP("alpr_core", "The negative binomial fit did not converge: its dispersion α goes to 0 "
                                  "(the counts vary no more than a Poisson's) or the search fails. Use FAMILY=poisson, "
                                  "or fewer PREDICTORS.")
            )  # fmt: skip
        raise _not_converged(
            QT_TRANSLATE_NOOP("alpr_core", "The negative binomial fit did not converge: no maximum of the likelihood "
                              "was found. Try fewer PREDICTORS, or FAMILY=poisson.")
        )  # fmt: skip
    return best


def unit_columns(model: CountModel, used: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """``fitted`` and ``pearson_residual`` for every input unit (NaN for those left out)."""
    fitted = np.full(len(used), np.nan)
    resid = np.full(len(used), np.nan)
    fitted[used] = model.fitted
    resid[used] = model.pearson_residual
    return fitted, resid
