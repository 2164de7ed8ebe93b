"""core.countmodel: the same estimates as statsmodels run directly, units left out, errors, Moran's I."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from shapely.geometry import box
from statsmodels.discrete.discrete_model import NegativeBinomial

from alpr_qgis.core import countmodel as cm
from alpr_qgis.core import moran
from alpr_qgis.core.errors import AlprInputError

REL = 1e-6


def units(n: int = 60, seed: int = 7, alpha: float = 0.5) -> pd.DataFrame:
    """Units with a population, an income in dollars (badly scaled on purpose), a share and NB2 counts."""
    rng = np.random.default_rng(seed)
    population = rng.integers(500, 8000, n).astype(float)
    income = rng.uniform(15_000, 80_000, n)
    share = rng.uniform(0, 1, n)
    crimes = rng.poisson(10, n).astype(float)
    mu = population * np.exp(-1.0 - 0.00002 * income + 1.2 * share + 0.02 * crimes)
    counts = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    return pd.DataFrame(
        {"read_count": counts, "population": population, "income": income, "share": share, "crimes": crimes}
    )


PREDICTORS = ["income", "share", "crimes"]


def design(t: pd.DataFrame, predictors=PREDICTORS):
    return (
        t["read_count"].to_numpy(float),
        sm.add_constant(t[predictors].to_numpy(float), has_constant="add"),
        np.log(t["population"].to_numpy(float)),
    )


def test_poisson_equals_statsmodels_glm():
    t = units()
    model = cm.fit_count_model(cm.model_data(t, "read_count", "population", PREDICTORS), "poisson")
    y, x, off = design(t)
    ref = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit()
    table = model.table
    assert list(table.columns) == list(cm.MODEL_FIELDS)
    assert list(table["term"]) == ["Intercept"] + PREDICTORS
    np.testing.assert_allclose(table["estimate"], ref.params, rtol=REL)
    np.testing.assert_allclose(table["std_error"], ref.bse, rtol=REL)
    np.testing.assert_allclose(table["z"], ref.tvalues, rtol=REL)
    np.testing.assert_allclose(table["p_value"], ref.pvalues, rtol=REL, atol=1e-300)
    np.testing.assert_allclose(table["rate_ratio"], np.exp(ref.params), rtol=REL)
    np.testing.assert_allclose(table["rate_ratio_low"], np.exp(ref.params - 1.959964 * ref.bse), rtol=REL)
    np.testing.assert_allclose(table["rate_ratio_high"], np.exp(ref.params + 1.959964 * ref.bse), rtol=REL)
    np.testing.assert_allclose(model.fitted, ref.fittedvalues, rtol=REL)
    np.testing.assert_allclose(model.pearson_residual, ref.resid_pearson, rtol=REL)
    assert model.alpha is None
    assert model.pearson_dispersion > 5  # NB2 data: far more variation than a Poisson's


def test_negative_binomial_equals_statsmodels_at_its_maximum():
    t = units()
    model = cm.fit_count_model(cm.model_data(t, "read_count", "population", PREDICTORS))
    y, x, off = design(t)
    nb = NegativeBinomial(y, x, loglike_method="nb2", offset=off)
    poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit()
    ref = nb.fit(start_params=np.append(poisson.params, 0.5), method="newton", maxiter=200, disp=0)
    assert ref.mle_retvals["converged"]
    np.testing.assert_allclose(model.table["estimate"], ref.params[:-1], rtol=REL)
    np.testing.assert_allclose(model.alpha, ref.params[-1], rtol=REL)
    np.testing.assert_allclose(model.table["std_error"], ref.bse[:-1], rtol=REL)
    np.testing.assert_allclose(model.table["p_value"], ref.pvalues[:-1], rtol=REL)
    np.testing.assert_allclose(model.loglike, ref.llf, rtol=1e-9)
    # A true maximum: no score left, standard errors from the observed information there.
    params = np.append(model.table["estimate"], model.alpha)
    score = nb.score(params)
    hessian = nb.hessian(params)
    assert np.all(np.abs(np.linalg.solve(-hessian, score)) < 1e-6 * np.sqrt(np.diag(np.linalg.inv(-hessian))))
    np.testing.assert_allclose(model.table["std_error"], np.sqrt(np.diag(np.linalg.inv(-hessian)))[:-1], rtol=1e-6)
    mu = np.exp(x @ params[:-1] + off)
    np.testing.assert_allclose(model.fitted, mu, rtol=REL)
    np.testing.assert_allclose(model.pearson_residual, (y - mu) / np.sqrt(mu + model.alpha * mu**2), rtol=REL)
    assert 0.2 < model.alpha < 1.0  # the true alpha is 0.5
    assert (
        model.table["std_error"].iloc[1]
        > 2
        * cm.fit_count_model(cm.model_data(t, "read_count", "population", PREDICTORS), "poisson")
        .table["std_error"]
        .iloc[1]
    )


def test_negative_binomial_where_the_default_fit_wanders_off():
    """statsmodels' default fit() on incomes in dollars stops far from the maximum; ours gets there."""
    t = units(n=40, seed=3)
    y, x, off = design(t)
    nb = NegativeBinomial(y, x, loglike_method="nb2", offset=off)
    with np.errstate(all="ignore"), pytest.warns(Warning):
        default = nb.fit(disp=0)
    model = cm.fit_count_model(cm.model_data(t, "read_count", "population", PREDICTORS))
    assert model.loglike > default.llf + 1 or not np.isfinite(default.llf)
    params = np.append(model.table["estimate"], model.alpha)
    assert abs(nb.loglike(params) - model.loglike) < 1e-9 * abs(model.loglike)


def test_intercept_only_model_is_the_overall_rate():
    t = units()
    model = cm.fit_count_model(cm.model_data(t, "read_count", "population", []), "poisson")
    assert list(model.table["term"]) == ["Intercept"]
    rate = t["read_count"].sum() / t["population"].sum()
    assert model.table["rate_ratio"].iloc[0] == pytest.approx(rate, rel=1e-9)


def test_units_left_out_and_counted():
    t = units(n=30).astype({"read_count": "float64"})
    t.loc[0, "population"] = 0
    t.loc[1, "population"] = np.nan
    t.loc[2, "population"] = -5
    t.loc[3, "share"] = np.nan
    t.loc[4, "read_count"] = np.nan
    data = cm.model_data(t, "read_count", "population", PREDICTORS)
    assert data.excluded == 5
    assert list(np.flatnonzero(~data.used)) == [0, 1, 2, 3, 4]
    assert data.reasons == {"read_count": 1, "population": 3, "income": 0, "share": 1, "crimes": 0}
    model = cm.fit_count_model(data, "poisson")
    y, x, off = design(t.iloc[5:])
    ref = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit()
    np.testing.assert_allclose(model.table["estimate"], ref.params, rtol=REL)
    fitted, resid = cm.unit_columns(model, data.used)
    assert np.isnan(fitted[:5]).all() and np.isfinite(fitted[5:]).all()
    np.testing.assert_allclose(resid[5:], ref.resid_pearson, rtol=REL)


def test_text_holding_numbers_is_read_as_numbers():
    t = units(n=20)
    t["income"] = t["income"].map(lambda v: "{:.6f}".format(v))
    a = cm.fit_count_model(cm.model_data(t, "read_count", "population", PREDICTORS), "poisson")
    b = cm.fit_count_model(cm.model_data(units(n=20), "read_count", "population", PREDICTORS), "poisson")
    np.testing.assert_allclose(a.table["estimate"], b.table["estimate"], rtol=1e-5)


@pytest.mark.parametrize(
    ("change", "predictors", "match"),
    [
        (lambda t: t.assign(name=["Tract {}".format(i) for i in range(len(t))]), ["name"], r'row 1, field "name"'),
        (lambda t: t.assign(population=0), PREDICTORS, r'field "population": has no positive value'),
        (lambda t: t.assign(population=np.nan), PREDICTORS, r'field "population": has no positive value'),
        (lambda t: t, ["missing"], r'has no field "missing".*PREDICTORS'),
        (lambda t: t.assign(flat=3.0), ["income", "flat"], r'field "flat": is constant'),
        (
            lambda t: t.assign(twice=2 * t["income"]),
            ["income", "twice"],
            r'field "twice": is constant, or a combination',
        ),
        (lambda t: t.assign(read_count=t["read_count"] * 0.5 + 0.25), PREDICTORS, r'field "read_count".*whole number'),
        (lambda t: t.assign(read_count=-t["read_count"] - 1), PREDICTORS, r'field "read_count".*negative'),
        (lambda t: t.assign(read_count=0), PREDICTORS, r'field "read_count": is 0 in every unit'),
        (lambda t: t, ["income", "income"], r'field "income": is listed twice'),
        (lambda t: t, ["population"], r'field "population": is the count or the exposure'),
        (lambda t: t.assign(yes=True), ["yes"], r'field "yes": is a yes/no field'),
    ],
)
def test_bad_input_names_the_field(change, predictors, match):
    t = change(units(n=20))
    with pytest.raises(AlprInputError, match=match):
        cm.model_data(t, "read_count", "population", predictors, "tracts")


def test_fewer_units_than_parameters():
    t = units(n=4)
    with pytest.raises(AlprInputError, match=r"4 unit\(s\) can enter the model.*4 parameter\(s\) needs at least 5"):
        cm.model_data(t, "read_count", "population", PREDICTORS, "tracts")
    data = cm.model_data(units(n=5), "read_count", "population", PREDICTORS)
    with pytest.raises(AlprInputError, match=r"negative binomial model with 4 parameter\(s\).*at least 6"):
        cm.fit_count_model(data, "negative_binomial")


def test_no_overdispersion_is_a_clear_error_not_a_result():
    """Counts exactly at their Poisson mean: the NB2 maximum is at alpha = 0; say so, suggest poisson."""
    rng = np.random.default_rng(1)
    population = rng.integers(1000, 5000, 30).astype(float)
    x = rng.uniform(0, 1, 30)
    counts = np.round(population * 0.01 * np.exp(0.5 * x))
    t = pd.DataFrame({"read_count": counts, "population": population, "x": x})
    data = cm.model_data(t, "read_count", "population", ["x"])
    with pytest.raises(AlprInputError, match=r"negative binomial fit did not converge.*FAMILY=poisson"):
        cm.fit_count_model(data, "negative_binomial")
    assert cm.fit_count_model(data, "poisson").pearson_dispersion < 0.1


def test_perfect_separation_fails_the_poisson_fit():
    t = pd.DataFrame(
        {
            "read_count": [0, 0, 0, 0, 5, 9, 7, 4],
            "population": [100.0] * 8,
            "x": [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    with pytest.raises(AlprInputError, match=r"Poisson fit did not converge"):
        cm.fit_count_model(cm.model_data(t, "read_count", "population", ["x"]), "poisson")


def test_unknown_family():
    data = cm.model_data(units(n=20), "read_count", "population", PREDICTORS)
    with pytest.raises(AlprInputError, match=r'"gaussian" is not a model family.*poisson, negative_binomial'):
        cm.fit_count_model(data, "gaussian")


def test_missing_statsmodels_says_how_to_install():
    code = (
        "import sys; sys.modules['statsmodels'] = None\n"
        "from alpr_qgis.core import countmodel as cm\n"
        "try:\n"
        "    cm.require_statsmodels()\n"
        "except cm.StatsmodelsMissingError as err:\n"
        "    print(err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "statsmodels" in out and "apt install python3-statsmodels" in out and "pip install statsmodels" in out


# ------------------------------------------------------------------ neighbours and Moran's I


def grid(rows: int, cols: int):
    return [box(c, r, c + 1, r + 1) for r in range(rows) for c in range(cols)]


def test_queen_neighbours_on_a_grid():
    cells = grid(3, 3)
    nb = moran.queen_neighbours(cells)
    assert list(nb[4]) == [0, 1, 2, 3, 5, 6, 7, 8]  # the centre touches every cell, corners included
    assert list(nb[0]) == [1, 3, 4]  # a corner: two edges and one corner point
    assert list(nb[1]) == [0, 2, 3, 4, 5]


def test_islands_and_missing_polygons_have_no_neighbours():
    cells = grid(1, 3) + [box(10, 10, 11, 11), None]
    nb = moran.queen_neighbours(cells)
    assert [list(n) for n in nb] == [[1], [0, 2], [1], [], []]


def test_tiny_gaps_within_tolerance_still_touch():
    cells = [box(0, 0, 1, 1), box(1 + 1e-12, 0, 2, 1), box(1.1, 2, 2, 3)]
    nb = moran.queen_neighbours(cells)
    assert [list(n) for n in nb] == [[1], [0], []]


def dense_moran(values: np.ndarray, nb) -> float:
    n = len(values)
    w = np.zeros((n, n))
    for i, js in enumerate(nb):
        w[i, js] = 1.0 / len(js)
    z = values - values.mean()
    return n / w.sum() * (z @ w @ z) / (z @ z)


def test_morans_i_matches_the_formula_and_detects_patterns():
    cells = grid(6, 6)
    nb = moran.queen_neighbours(cells)
    rng = np.random.default_rng(0)
    gradient = np.array([r + c for r in range(6) for c in range(6)], dtype=float) + rng.normal(0, 0.1, 36)
    result = moran.morans_i(gradient, nb)
    assert result.i == pytest.approx(dense_moran(gradient, nb), rel=1e-12)
    assert result.i > 0.5 and result.p_value == pytest.approx(1 / 1000)
    assert result.expected == pytest.approx(-1 / 35) and result.n == 36 and result.islands == 0
    # Stripes by row: a cell's neighbours are mostly in the rows above and below, unlike it.
    checker = np.array([r % 2 for r in range(6) for c in range(6)], dtype=float)
    result = moran.morans_i(checker, nb)
    assert result.i == pytest.approx(dense_moran(checker, nb), rel=1e-12)
    assert result.i < 0 and result.p_value < 0.01
    noise = rng.normal(size=36)
    assert moran.morans_i(noise, nb).p_value > 0.05
    # Fixed seed: the same data give the same p-value.
    assert moran.morans_i(noise, nb).p_value == moran.morans_i(noise, nb).p_value


def test_morans_i_leaves_out_islands_and_missing_values():
    cells = grid(4, 4) + [box(20, 20, 21, 21)]
    nb = moran.queen_neighbours(cells)
    values = np.r_[np.arange(16, dtype=float), 100.0]
    values[5] = np.nan
    result = moran.morans_i(values, nb)
    keep = [i for i in range(16) if i != 5]
    sub_nb = [np.array([keep.index(j) for j in nb[i] if j in keep]) for i in keep]
    assert result.n == 15 and result.islands == 1
    assert result.i == pytest.approx(dense_moran(values[keep], sub_nb), rel=1e-12)


def test_morans_i_with_too_few_units_or_no_variation():
    nb = moran.queen_neighbours(grid(1, 2))
    assert moran.morans_i(np.array([1.0, 2.0]), nb).i is None
    nb = moran.queen_neighbours(grid(2, 2))
    flat = moran.morans_i(np.ones(4), nb)
    assert flat.i is None and flat.p_value is None


def test_negative_binomial_with_few_units_and_low_counts():
    """12 units, low counts: Newton's method from the Poisson fit and a small alpha stops below the maximum."""
    rng = np.random.default_rng(117)
    n, alpha = int(rng.choice([12, 30, 100, 1000])), float(rng.choice([0.02, 0.3, 1.0, 4.0]))
    population = rng.integers(50, 9000, n).astype(float)
    income, share = rng.uniform(1e4, 1e5, n), rng.uniform(0, 1, n)
    crimes = rng.poisson(rng.choice([1, 20]), n).astype(float)
    mu = population * np.exp(rng.choice([-8, -4, -1]) - 1e-5 * income + share + 0.01 * crimes)
    counts = rng.negative_binomial(1 / alpha, 1 / (1 + alpha * mu))
    t = pd.DataFrame(
        {"read_count": counts, "population": population, "income": income, "share": share, "crimes": crimes}
    )
    assert n == 12
    model = cm.fit_count_model(cm.model_data(t, "read_count", "population", PREDICTORS))
    y, x, off = design(t)
    # The profile likelihood on a grid of alpha (beta by IRLS for each): nothing above the fit.
    grid = [
        sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=a), offset=off).fit().llf for a in np.logspace(-3, 1, 41)
    ]
    assert model.loglike >= max(grid) - 1e-9
    nb = NegativeBinomial(y, x, loglike_method="nb2", offset=off)
    # statsmodels started at our estimates stays there: the same numbers.
    params = np.append(model.table["estimate"], model.alpha)
    ref = nb.fit(start_params=params, method="newton", maxiter=100, disp=0)
    np.testing.assert_allclose(ref.params, params, rtol=REL)
    np.testing.assert_allclose(ref.bse[:-1], model.table["std_error"], rtol=REL)
