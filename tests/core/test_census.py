"""core.census: keys, numeric columns, rates without infinities, correlations, exposure, the summary finding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from alpr_qgis.core.census import (
    KIND_COUNT,
    KIND_VALUE,
    STATS_FIELDS,
    attribute_kinds,
    attribute_stats,
    count_by_key,
    exposure_extremes,
    normalise_keys,
    numeric_column,
    overall_rate,
    strength,
    strongest,
    unit_rates,
)
from alpr_qgis.core.errors import AlprInputError


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("98036", "98036"),
        (98036, "98036"),
        (98036.0, "98036"),
        (" 98036 ", "98036"),
        ("06001480100", "6001480100"),
        (6001480100, "6001480100"),
        ("02134", "2134"),
        ("000", "0"),
        ("ab-12", "AB-12"),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        (12.5, "12.5"),
    ],
)
def test_normalise_keys(value, key):
    assert normalise_keys(pd.Series([value], dtype=object)).iloc[0] == key


def test_numeric_column_accepts_numbers_and_numeric_text():
    table = pd.DataFrame({"pop": [10, 20], "income": ["1 000".replace(" ", ""), " 2.5 "], "blank": ["", None]})
    assert numeric_column(table, "pop", "tracts", "POPULATION_FIELD").tolist() == [10.0, 20.0]
    assert numeric_column(table, "income", "tracts", "ATTRIBUTES").tolist() == [1000.0, 2.5]
    assert numeric_column(table, "POP", "tracts", "POPULATION_FIELD").tolist() == [10.0, 20.0]  # case-insensitive
    assert numeric_column(table, "blank", "tracts", "ATTRIBUTES").isna().all()


def test_numeric_column_errors_name_the_fields_rows_and_values():
    table = pd.DataFrame({"geoid": ["a", "b"], "name": ["x", "unknown"], "flag": [True, False]})
    with pytest.raises(AlprInputError, match=r'tracts: has no field "population".*among: geoid, name, flag'):
        numeric_column(table, "population", "tracts", "POPULATION_FIELD")
    with pytest.raises(AlprInputError, match=r'tracts, row 8, field "name": "x" is not a number \(2 such values\)'):
        numeric_column(table, "name", "tracts", "ATTRIBUTES", ids=[8, 9])
    with pytest.raises(AlprInputError, match="yes/no field"):
        numeric_column(table, "flag", "tracts", "ATTRIBUTES")


def test_unit_rates_by_hand():
    rates = unit_rates(
        np.array([10, 0, 5, 7, 4]),
        np.array([1000.0, 2000.0, 50.0, np.nan, 500.0]),
        np.array([1.0, 2.0, 0.0, 1.0, 1.0]),
        100,
        usable=np.array([True, True, True, True, False]),
    )
    assert rates["compared"].tolist() == [True, True, False, False, False]
    assert rates["read_count"].tolist()[:4] == [10, 0, 5, 7] and rates["read_count"].isna().tolist()[4]
    np.testing.assert_allclose(rates["reads_per_1000"], [10.0, 0.0, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(rates["read_share"], [1.0, 0.0, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(rates["pop_share"], [1 / 3, 2 / 3, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(rates["disparity"], [3.0, 0.0, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(rates["reads_per_km2"], [10.0, 0.0, np.nan, 7.0, np.nan])  # zero area: null
    assert overall_rate(rates, np.array([1000.0, 2000.0, 50.0, np.nan, 500.0])) == pytest.approx(10 / 3)


@pytest.mark.parametrize(
    ("counts", "population", "min_population"),
    [
        ([0, 0], [1000.0, 2000.0], 100),  # no reads at all
        ([3, 4], [10.0, 20.0], 100),  # every unit too small
        ([3, 4], [0.0, 0.0], 0),  # no population even without a minimum
        ([], [], 100),  # no units
    ],
)
def test_unit_rates_never_divide_by_zero(counts, population, min_population):
    with np.errstate(all="raise"):
        rates = unit_rates(np.array(counts), np.array(population), np.ones(len(counts)), min_population)
    values = rates.drop(columns=["compared", "read_count"]).to_numpy(dtype=float)
    assert not np.isinf(values).any()
    assert rates["disparity"].isna().all()


def _rates(reads, population):
    return unit_rates(np.array(reads), np.array(population, dtype=float), np.ones(len(reads)), 100)


def test_attribute_stats_match_scipy():
    rng = np.random.default_rng(5)
    population = rng.integers(500, 5000, 25).astype(float)
    income = rng.uniform(15_000, 80_000, 25)
    reads = np.maximum(0, (90_000 - income) / 100 + rng.normal(0, 50, 25)).astype(int)
    reads[3] = 0  # a unit without reads takes part with rate 0
    rates = _rates(reads, population)
    table = attribute_stats(rates, pd.DataFrame({"income": income}), population, as_counts=False, bases=("per_1000",))
    assert list(table.columns) == list(STATS_FIELDS)
    row = table.iloc[0]
    rate = reads / population * 1000
    rho, p = scipy_stats.spearmanr(income, rate)
    r, pr = scipy_stats.pearsonr(income, rate)
    assert (row.attribute, row.rate_basis, row.n) == ("income", "per_1000", 25)
    assert row.spearman == pytest.approx(rho) and row.spearman_p == pytest.approx(p)
    assert row.pearson == pytest.approx(r) and row.pearson_p == pytest.approx(pr)
    assert np.isnan(row.exposure_ratio)


def test_exposure_by_hand_and_small_n_is_null():
    population = np.array([1000.0, 1000.0])
    rates = _rates([10, 30], population)  # 10 and 30 per 1,000; overall 20
    groups = pd.DataFrame({"a": [900.0, 100.0], "b": [100.0, 900.0]})
    table = attribute_stats(rates, groups, population, as_counts=True)
    per_1000 = table[table.rate_basis == "per_1000"].set_index("attribute")
    assert per_1000.loc["a", "exposure_per_1000"] == pytest.approx(12.0)
    assert per_1000.loc["a", "exposure_ratio"] == pytest.approx(0.6)
    assert per_1000.loc["b", "exposure_ratio"] == pytest.approx(1.4)
    assert table["spearman"].isna().all() and (table["n"] == 2).all()  # two units: no correlation
    assert table[table.rate_basis == "per_km2"]["exposure_ratio"].isna().all()
    assert exposure_extremes(table) == (("b", pytest.approx(1.4)), ("a", pytest.approx(0.6)))


def _mixed_units():
    """Four units: rates 10, 30, 50, 10 per 1,000 (overall 160 / 8,000 = 20); income a value, two groups counted."""
    population = np.array([1000.0, 2000.0, 1000.0, 4000.0])
    rates = _rates([10, 60, 50, 40], population)
    attrs = pd.DataFrame(
        {
            "income": [60_000.0, 40_000.0, 20_000.0, 70_000.0],
            "white": [800.0, 1000.0, 100.0, 3000.0],
            "black": [200.0, 1000.0, 900.0, 1000.0],
        }
    )
    return population, rates, attrs


def test_values_are_compared_as_given_and_counts_as_shares():
    population, rates, attrs = _mixed_units()
    table = attribute_stats(rates, attrs, population, counts=["white", "black"], bases=("per_1000",))
    assert list(table.columns) == list(STATS_FIELDS)
    rows = table.set_index("attribute")
    assert rows["kind"].to_dict() == {"income": KIND_VALUE, "white": KIND_COUNT, "black": KIND_COUNT}
    rate = np.array([10.0, 30.0, 50.0, 10.0])
    income = attrs["income"].to_numpy()
    # income is NOT divided by the population ...
    assert rows.loc["income", "pearson"] == pytest.approx(scipy_stats.pearsonr(income, rate)[0])
    assert rows.loc["income", "pearson"] != pytest.approx(scipy_stats.pearsonr(income / population, rate)[0])
    # ... the groups are: shares 0.8, 0.5, 0.1, 0.75 and 0.2, 0.5, 0.9, 0.25
    white_share = np.array([0.8, 0.5, 0.1, 0.75])
    assert rows.loc["white", "pearson"] == pytest.approx(scipy_stats.pearsonr(white_share, rate)[0])
    assert rows.loc["white", "spearman"] == pytest.approx(scipy_stats.spearmanr(white_share, rate)[0])
    assert rows.loc["black", "pearson"] == pytest.approx(scipy_stats.pearsonr(1 - white_share, rate)[0])
    # exposure, by hand: (800·10 + 1000·30 + 100·50 + 3000·10) / 4900 and (200·10 + 1000·30 + 900·50 + 1000·10) / 3100
    assert rows.loc["white", "exposure_per_1000"] == pytest.approx(73_000 / 4_900)
    assert rows.loc["white", "exposure_ratio"] == pytest.approx(73_000 / 4_900 / 20)
    assert rows.loc["black", "exposure_per_1000"] == pytest.approx(87_000 / 3_100)
    assert rows.loc["black", "exposure_ratio"] == pytest.approx(87_000 / 3_100 / 20)
    assert np.isnan(rows.loc["income", "exposure_per_1000"]) and np.isnan(rows.loc["income", "exposure_ratio"])
    assert exposure_extremes(table) == (("black", pytest.approx(1.4032258)), ("white", pytest.approx(0.7448980)))


def test_the_older_switch_makes_every_attribute_a_count():
    population, rates, attrs = _mixed_units()
    table = attribute_stats(rates, attrs[["white"]], population, as_counts=True, bases=("per_1000",))
    assert table["kind"].tolist() == [KIND_COUNT]
    assert table["exposure_per_1000"].iloc[0] == pytest.approx(73_000 / 4_900)


def test_attribute_kinds():
    assert attribute_kinds(["income", "age"], ["white"]) == {"income": "value", "age": "value", "white": "count"}
    assert list(attribute_kinds(["income"], ["white", "black"])) == ["income", "white", "black"]
    assert attribute_kinds(["white"], ["black"], values_are_counts=True) == {"white": "count", "black": "count"}
    assert attribute_kinds([], []) == {}
    with pytest.raises(AlprInputError, match='"white" is both in ATTRIBUTES and in COUNT_ATTRIBUTES'):
        attribute_kinds(["income", "white"], ["white"])


def test_strongest_says_the_kind():
    population, rates, attrs = _mixed_units()
    table = attribute_stats(rates, attrs[["white"]], population, counts=["white"], bases=("per_1000",))
    assert strongest(table).kind == KIND_COUNT
    table = attribute_stats(rates, attrs[["income"]], population, bases=("per_1000",))
    assert strongest(table).kind == KIND_VALUE


def test_constant_or_missing_attributes_give_null_correlations():
    population = np.array([1000.0, 2000.0, 3000.0, 50.0])
    rates = _rates([5, 10, 40, 99], population)
    attrs = pd.DataFrame({"same": [1.0, 1.0, 1.0, 1.0], "gaps": [np.nan, 2.0, 3.0, 4.0]})
    table = attribute_stats(rates, attrs, population, as_counts=False, bases=("per_1000",))
    assert table["spearman"].isna().all() and table["pearson_p"].isna().all()
    assert table.set_index("attribute").loc["gaps", "n"] == 2  # the small unit and the null stay out


def test_strongest_and_strength_words():
    table = pd.DataFrame(
        {
            "attribute": ["income", "income", "share"],
            "rate_basis": ["per_1000", "per_km2", "per_1000"],
            "spearman": [-0.85, -0.95, 0.3],
            "spearman_p": [1e-9, 1e-12, 0.1],
            "n": [30, 30, 30],
            "exposure_ratio": [np.nan, np.nan, np.nan],
        }
    )
    found = strongest(table)
    assert (found.attribute, found.rate_basis, found.direction, found.strength) == (
        "income",
        "per_1000",
        "fewer",
        "strong",
    )
    assert [strength(v) for v in (0.7, -0.5, 0.2, 0.19)] == ["strong", "moderate", "weak", "none"]
    table["spearman"] = np.nan
    assert strongest(table) is None and exposure_extremes(table) is None


def test_count_by_key():
    units = pd.Series(["06001480100", "06001480200", None, "98036"])
    reads = pd.Series([6001480100, "6001480100", " 06001480200", 98036.0, "99999", None, ""], dtype=object)
    counts, unmatched, no_key = count_by_key(reads, units, "tracts", "geoid")
    assert counts.tolist() == [2, 1, 0, 1]
    assert (unmatched, no_key) == (1, 2)


def test_count_by_key_rejects_duplicate_units():
    with pytest.raises(AlprInputError, match=r'row 2, field "zip": "02134" appears 2 times'):
        count_by_key(pd.Series(["1"]), pd.Series(["1", "02134", "2134"]), "zips", "zip")
    with pytest.raises(AlprInputError, match=r"row 11, "):
        count_by_key(pd.Series(["1"]), pd.Series(["1", "02134", "2134"]), "zips", "zip", ids=[10, 11, 12])
