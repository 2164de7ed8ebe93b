"""alpr:joincensus through processing.run: exact counts and rates, CRSs, key join, bad input, the sample city."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from qgis import processing
from qgis.core import QgsFeature, QgsProcessingException, QgsVectorLayer
from scipy import stats as scipy_stats

from tests.algorithms.test_jurisdiction import CITY, box_wkt, points_layer, polygons_layer, to_crs

FIELDS = [("geoid", "string"), ("population", "integer"), ("income", "double")]
UNITS = [box_wkt(0, 0, 1000, 1000), box_wkt(1000, 0, 2000, 1000), box_wkt(2000, 0, 3000, 1000)]
ROWS = [["06001000100", 1000, 10_000.0], ["06001000200", 2000, 20_000.0], ["06001000300", 50, 30_000.0]]
RATE_FIELDS = ["read_count", "reads_per_km2", "reads_per_1000", "read_share", "pop_share", "disparity"]


def reads_xy():
    """10 reads in unit 1, one on its border with unit 2, 5 in unit 2, 3 in unit 3, 2 in none, 1 without location."""
    return (
        [(100 + 50 * i, 500) for i in range(10)]
        + [(1000, 500)]
        + [(1500, 100 + 100 * i) for i in range(5)]
        + [(2500, 500)] * 3
        + [(5000, 500), (-10, -10)]
        + [None]
    )


def run(params, feedback=None):
    base = {"POPULATION_FIELD": "population", "OUTPUT": "TEMPORARY_OUTPUT", "OUTPUT_STATS": "TEMPORARY_OUTPUT"}
    return processing.run("alpr:joincensus", {**base, **params}, feedback=feedback)


def by_geoid(layer):
    return {f["geoid"]: f for f in layer.getFeatures()}


@pytest.fixture
def census_layer():
    return polygons_layer(UNITS, fields=FIELDS, rows=ROWS, name="tracts")


def test_counts_rates_and_disparity_by_hand(census_layer, feedback):
    res = run({"INPUT": points_layer(reads_xy()), "CENSUS": census_layer, "ATTRIBUTES": ["income"]}, feedback)
    assert (res["READ_COUNT"], res["MATCHED_COUNT"], res["NO_UNIT_COUNT"], res["MISSING_LOCATION_COUNT"]) == (
        22,
        19,
        2,
        1,
    )
    assert (res["UNIT_COUNT"], res["COMPARED_UNIT_COUNT"], res["SMALL_UNIT_COUNT"], res["SKIPPED_UNIT_COUNT"]) == (
        3,
        2,
        1,
        0,
    )
    out = res["OUTPUT"]
    assert [f.name() for f in out.fields() if f.name() != "fid"] == [name for name, _ in FIELDS] + RATE_FIELDS
    units = by_geoid(out)
    one, two, port = units["06001000100"], units["06001000200"], units["06001000300"]
    assert [one["read_count"], two["read_count"], port["read_count"]] == [11, 5, 3]  # the border read: first unit
    assert one["reads_per_1000"] == pytest.approx(11.0) and two["reads_per_1000"] == pytest.approx(2.5)
    assert one["read_share"] == pytest.approx(11 / 16) and one["pop_share"] == pytest.approx(1 / 3)
    assert one["disparity"] == pytest.approx(11 / 16 * 3) and two["disparity"] == pytest.approx(5 / 16 * 1.5)
    # 1 km² squares in UTM: about 1 km² on the ellipsoid (UTM's scale factor is within 0.1 % here)
    assert one["reads_per_km2"] == pytest.approx(11.0, rel=2e-3)
    assert port["reads_per_km2"] == pytest.approx(3.0, rel=2e-3)  # areas do not depend on population
    for name in ("reads_per_1000", "read_share", "pop_share", "disparity"):
        assert port[name] is None or port[name] != port[name] or str(port[name]) == "NULL"
    assert res["READS_PER_1000"] == pytest.approx(16 / 3)
    stats = list(res["OUTPUT_STATS"].getFeatures())
    assert [(f["attribute"], f["rate_basis"], f["n"]) for f in stats] == [
        ("income", "per_1000", 2),
        ("income", "per_km2", 2),
    ]
    assert "no correlation to report" in res["SUMMARY"]
    assert "2 reads (9.1%) fall in no census unit" in feedback.text()


def test_reads_in_degrees_against_metric_units(census_layer):
    res = run({"INPUT": to_crs(points_layer(reads_xy()), "EPSG:4326"), "CENSUS": census_layer})
    units = by_geoid(res["OUTPUT"])
    assert [units[g]["read_count"] for g in sorted(units)] == [11, 5, 3]
    assert (res["NO_UNIT_COUNT"], res["MISSING_LOCATION_COUNT"]) == (2, 1)
    assert res["OUTPUT"].crs().authid() == "EPSG:32610"


def test_census_in_degrees_keeps_its_crs(census_layer):
    res = run({"INPUT": points_layer(reads_xy()), "CENSUS": to_crs(census_layer, "EPSG:4326")})
    units = by_geoid(res["OUTPUT"])
    assert [units[g]["read_count"] for g in sorted(units)] == [11, 5, 3]
    assert res["OUTPUT"].crs().authid() == "EPSG:4326"
    assert units["06001000100"]["reads_per_km2"] == pytest.approx(11.0, rel=2e-3)


def test_statistics_match_scipy_and_summary_names_the_relation():
    rng = np.random.default_rng(2)
    n = 12
    income = np.linspace(15_000, 70_000, n)
    population = rng.integers(800, 3000, n)
    reads_per_unit = np.round((80_000 - income) / 2000 + rng.integers(0, 5, n)).astype(int)
    reads_per_unit[-1] = 0  # a unit without reads takes part with rate 0
    wkts = [box_wkt(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(n)]
    rows = [["u{}".format(i), int(population[i]), float(income[i])] for i in range(n)]
    xy = [(1000 * i + 500, 10 + 10 * k) for i in range(n) for k in range(reads_per_unit[i])]
    res = run(
        {"INPUT": points_layer(xy), "CENSUS": polygons_layer(wkts, fields=FIELDS, rows=rows), "ATTRIBUTES": ["income"]}
    )
    rate = reads_per_unit / population * 1000
    rho, p = scipy_stats.spearmanr(income, rate)
    r, pr = scipy_stats.pearsonr(income, rate)
    row = next(f for f in res["OUTPUT_STATS"].getFeatures() if f["rate_basis"] == "per_1000")
    assert row["n"] == n
    assert row["spearman"] == pytest.approx(rho) and row["spearman_p"] == pytest.approx(p)
    assert row["pearson"] == pytest.approx(r) and row["pearson_p"] == pytest.approx(pr)
    assert res["SUMMARY"].startswith(
        "Strongest relation: units with higher income have fewer reads per 1,000 residents"
    )
    assert "Spearman {:+.2f}".format(rho) in res["SUMMARY"]


def test_count_attributes_report_exposure():
    fields = [("geoid", "string"), ("population", "integer"), ("group_a", "integer"), ("group_b", "integer")]
    rows = [["a", 1000, 900, 100], ["b", 1000, 100, 900]]
    xy = [(500, 500)] * 10 + [(1500, 500)] * 30  # 10 and 30 reads per 1,000: overall 20
    census = polygons_layer(UNITS[:2], fields=fields, rows=rows)
    res = run(
        {
            "INPUT": points_layer(xy),
            "CENSUS": census,
            "ATTRIBUTES": ["group_a", "group_b"],
            "ATTRIBUTES_ARE_COUNTS": True,
        }
    )
    rows_out = {f["attribute"]: f for f in res["OUTPUT_STATS"].getFeatures() if f["rate_basis"] == "per_1000"}
    assert rows_out["group_a"]["exposure_per_1000"] == pytest.approx(12.0)
    assert rows_out["group_a"]["exposure_ratio"] == pytest.approx(0.6)
    assert rows_out["group_b"]["exposure_ratio"] == pytest.approx(1.4)
    assert "group_b residents see 1.40× the overall read rate, group_a residents 0.60×" in res["SUMMARY"]


MIXED_FIELDS = [
    ("geoid", "string"),
    ("population", "integer"),
    ("income", "double"),
    ("white", "integer"),
    ("black", "integer"),
]
MIXED_ROWS = [
    ["u1", 1000, 60_000.0, 800, 200],
    ["u2", 2000, 40_000.0, 1000, 1000],
    ["u3", 1000, 20_000.0, 100, 900],
    ["u4", 4000, 70_000.0, 3000, 1000],
]


def mixed_census():
    """Four 1 km squares; 10, 60, 50 and 40 reads: 10, 30, 50, 10 per 1,000 (overall 160 / 8,000 = 20)."""
    wkts = [box_wkt(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(4)]
    xy = [(1000 * i + 500, 10 + k) for i, n in enumerate((10, 60, 50, 40)) for k in range(n)]
    return points_layer(xy), polygons_layer(wkts, fields=MIXED_FIELDS, rows=MIXED_ROWS, name="tracts")


def test_income_as_a_value_and_race_as_counts(feedback):
    reads, census = mixed_census()
    res = run(
        {"INPUT": reads, "CENSUS": census, "ATTRIBUTES": ["income"], "COUNT_ATTRIBUTES": ["white", "black"]}, feedback
    )
    stats = res["OUTPUT_STATS"]
    assert [f.name() for f in stats.fields() if f.name() != "fid"][:3] == ["attribute", "kind", "rate_basis"]
    rows = {(f["attribute"], f["rate_basis"]): f for f in stats.getFeatures()}
    assert [(a, b, rows[a, b]["kind"]) for a, b in rows] == [
        ("income", "per_1000", "value"),
        ("income", "per_km2", "value"),
        ("white", "per_1000", "count"),
        ("white", "per_km2", "count"),
        ("black", "per_1000", "count"),
        ("black", "per_km2", "count"),
    ]
    rate = np.array([10.0, 30.0, 50.0, 10.0])
    population = np.array([1000.0, 2000.0, 1000.0, 4000.0])
    income = np.array([60_000.0, 40_000.0, 20_000.0, 70_000.0])
    white_share = np.array([0.8, 0.5, 0.1, 0.75])
    # income as given, not divided by the population
    assert rows["income", "per_1000"]["pearson"] == pytest.approx(scipy_stats.pearsonr(income, rate)[0])
    assert rows["income", "per_1000"]["pearson"] != pytest.approx(scipy_stats.pearsonr(income / population, rate)[0])
    # the groups as shares of the residents
    assert rows["white", "per_1000"]["pearson"] == pytest.approx(scipy_stats.pearsonr(white_share, rate)[0])
    assert rows["black", "per_1000"]["spearman"] == pytest.approx(scipy_stats.spearmanr(1 - white_share, rate)[0])
    # exposure by hand, for the counts only
    assert rows["white", "per_1000"]["exposure_per_1000"] == pytest.approx(73_000 / 4_900)  # 14.90
    assert rows["white", "per_1000"]["exposure_ratio"] == pytest.approx(73_000 / 4_900 / 20)  # 0.74
    assert rows["black", "per_1000"]["exposure_per_1000"] == pytest.approx(87_000 / 3_100)  # 28.06
    assert rows["black", "per_1000"]["exposure_ratio"] == pytest.approx(87_000 / 3_100 / 20)  # 1.40
    for key in rows:
        if key != ("white", "per_1000") and key != ("black", "per_1000"):
            assert str(rows[key]["exposure_ratio"]) == "NULL" and str(rows[key]["exposure_per_1000"]) == "NULL"
    assert "black residents see 1.40× the overall read rate, white residents 0.74×" in res["SUMMARY"]
    assert "  income (value, per_1000): Spearman" in feedback.text()
    assert "  white (share of residents, per_1000): Spearman" in feedback.text()


def test_the_older_switch_still_makes_every_attribute_a_count():
    reads, census = mixed_census()
    res = run({"INPUT": reads, "CENSUS": census, "ATTRIBUTES": ["white"], "ATTRIBUTES_ARE_COUNTS": True})
    row = next(f for f in res["OUTPUT_STATS"].getFeatures() if f["rate_basis"] == "per_1000")
    assert row["kind"] == "count" and row["exposure_per_1000"] == pytest.approx(73_000 / 4_900)


def test_a_field_in_both_lists_is_an_error():
    reads, census = mixed_census()
    with pytest.raises(QgsProcessingException, match='"white" is both in ATTRIBUTES and in COUNT_ATTRIBUTES'):
        run({"INPUT": reads, "CENSUS": census, "ATTRIBUTES": ["income", "white"], "COUNT_ATTRIBUTES": ["white"]})


def test_a_count_attribute_that_is_not_a_number_names_the_parameter():
    fields = [("geoid", "string"), ("population", "integer"), ("label", "string")]
    census = polygons_layer(UNITS[:2], fields=fields, rows=[["a", 1000, "12"], ["b", 2000, "many"]], name="tracts")
    with pytest.raises(QgsProcessingException, match=r'row 2, field "label": "many" is not a number.*COUNT_ATTRIBUTES'):
        run({"INPUT": points_layer(reads_xy()), "CENSUS": census, "COUNT_ATTRIBUTES": ["label"]})


def test_key_join_with_a_table_without_geometry(feedback):
    table = QgsVectorLayer("None?field=geoid:string&field=population:integer&field=income:double", "acs", "memory")
    feats = []
    for row in ROWS:
        f = QgsFeature(table.fields())
        f.setAttributes(row)
        feats.append(f)
    assert table.dataProvider().addFeatures(feats)
    keys = ["6001000100"] * 4 + [" 06001000200 "] * 2 + ["6001000300", "99999", None]
    reads = QgsVectorLayer("None?field=read_id:integer&field=tract:string", "coded_reads", "memory")
    feats = []
    for i, key in enumerate(keys):
        f = QgsFeature(reads.fields())
        f.setAttributes([i + 1, key])
        feats.append(f)
    assert reads.dataProvider().addFeatures(feats)
    res = run(
        {
            "INPUT": reads,
            "CENSUS": table,
            "READ_KEY_FIELD": "tract",
            "CENSUS_KEY_FIELD": "geoid",
            "ATTRIBUTES": ["income"],
        },
        feedback,
    )
    units = by_geoid(res["OUTPUT"])
    assert [units[g]["read_count"] for g in sorted(units)] == [4, 2, 1]
    assert (res["MATCHED_COUNT"], res["NO_UNIT_COUNT"], res["MISSING_LOCATION_COUNT"]) == (7, 2, 0)
    assert not res["OUTPUT"].isSpatial()
    assert units["06001000100"]["reads_per_1000"] == pytest.approx(4.0)
    assert [f["rate_basis"] for f in res["OUTPUT_STATS"].getFeatures()] == ["per_1000"]
    assert "1 reads have no tract" in feedback.text()


def test_key_join_needs_both_fields(census_layer):
    with pytest.raises(QgsProcessingException, match="needs both READ_KEY_FIELD and CENSUS_KEY_FIELD"):
        run({"INPUT": points_layer(reads_xy()), "CENSUS": census_layer, "CENSUS_KEY_FIELD": "geoid"})


def test_missing_population_field_lists_the_fields(census_layer):
    params = {"INPUT": points_layer(reads_xy()), "CENSUS": census_layer, "OUTPUT": "TEMPORARY_OUTPUT"}
    assert processing.run("alpr:joincensus", params)["UNIT_COUNT"] == 3  # "population" by default
    renamed = polygons_layer(UNITS, fields=[("geoid", "string"), ("pop", "integer"), ("income", "double")], rows=ROWS)
    with pytest.raises(QgsProcessingException, match=r'has no field "population".*among: geoid, pop, income'):
        processing.run("alpr:joincensus", {**params, "CENSUS": renamed})
    with pytest.raises(QgsProcessingException, match=r'has no field "pop_total".*among: geoid, population, income'):
        run({"INPUT": points_layer(reads_xy()), "CENSUS": census_layer, "POPULATION_FIELD": "pop_total"})


def test_non_numeric_attribute_names_the_feature_and_value():
    fields = [("geoid", "string"), ("population", "string"), ("label", "string")]
    rows = [["a", "1000", "12.5"], ["b", " 2000 ", "high"]]
    census = polygons_layer(UNITS[:2], fields=fields, rows=rows, name="tracts")
    with pytest.raises(QgsProcessingException, match=r'tracts, row 2, field "label": "high" is not a number'):
        run({"INPUT": points_layer(reads_xy()), "CENSUS": census, "ATTRIBUTES": ["label"]})
    # text that holds numbers is fine (the population here)
    res = run({"INPUT": points_layer(reads_xy()), "CENSUS": census})
    assert res["COMPARED_UNIT_COUNT"] == 2


def test_invalid_and_null_units(feedback):
    bow_tie = "POLYGON((0 0, 1000 1000, 1000 0, 0 1000, 0 0))"
    census = polygons_layer([bow_tie, None, UNITS[2]], fields=FIELDS, rows=ROWS[:2] + [["c", 500, 1.0]], name="tracts")
    res = run({"INPUT": points_layer([(900, 500), (500, 100), (2500, 500)]), "CENSUS": census}, feedback)
    units = by_geoid(res["OUTPUT"])
    assert units["06001000100"]["read_count"] == 1  # the repaired bow tie holds (900, 500), not (500, 100)
    assert str(units["06001000200"]["read_count"]) == "NULL"
    assert (res["SKIPPED_UNIT_COUNT"], res["NO_UNIT_COUNT"], res["COMPARED_UNIT_COUNT"]) == (1, 1, 2)
    assert "repaired (feature id 1)" in feedback.text() and "skipped (feature id 2)" in feedback.text()


def test_empty_layers(census_layer, feedback):
    res = run({"INPUT": points_layer([]), "CENSUS": census_layer, "ATTRIBUTES": ["income"]}, feedback)
    assert (res["READ_COUNT"], res["MATCHED_COUNT"]) == (0, 0)
    assert [f["read_count"] for f in res["OUTPUT"].getFeatures()] == [0, 0, 0]
    assert "no features" in feedback.text()
    empty = polygons_layer([], fields=FIELDS)
    res = run({"INPUT": points_layer(reads_xy()), "CENSUS": empty})
    assert (res["UNIT_COUNT"], res["NO_UNIT_COUNT"], res["MISSING_LOCATION_COUNT"]) == (0, 21, 1)


def test_spatial_join_needs_points_and_polygons(census_layer):
    table = QgsVectorLayer("None?field=population:integer", "acs", "memory")
    with pytest.raises(QgsProcessingException, match="spatial join needs census polygons"):
        run({"INPUT": points_layer(reads_xy()), "CENSUS": table})


# ------------------------------------------------------------------ the sample city


@pytest.fixture(scope="module")
def sample_reads(sample_loaded, tmp_path_factory):
    """The sample week loaded with alpr:loadreads (once per module)."""
    folder = tmp_path_factory.mktemp("sample_census")
    loaded = sample_loaded
    return loaded, folder


def test_sample_reads_follow_poverty(sample_reads):
    loaded, folder = sample_reads
    out = str(folder / "census.gpkg")
    res = run(
        {
            "INPUT": loaded["OUTPUT"],
            "CENSUS": CITY + "|layername=census_tracts",
            "ATTRIBUTES": ["per_capita_income"],
            "OUTPUT": out,
        }
    )
    assert (res["UNIT_COUNT"], res["COMPARED_UNIT_COUNT"], res["SMALL_UNIT_COUNT"]) == (32, 30, 2)
    assert res["MISSING_LOCATION_COUNT"] == 27
    assert res["NO_UNIT_COUNT"] == 2241 + 62  # outside the city (README) + reads at 0,0 kept by the loader
    assert res["MATCHED_COUNT"] + res["NO_UNIT_COUNT"] + res["MISSING_LOCATION_COUNT"] == loaded["READ_COUNT"]
    row = next(f for f in res["OUTPUT_STATS"].getFeatures() if f["rate_basis"] == "per_1000")
    assert round(row["spearman"], 2) == -0.86 and row["n"] == 30  # README: -0.86 over the 30 tracts
    assert "higher per_capita_income have fewer reads per 1,000 residents" in res["SUMMARY"]
    units = QgsVectorLayer(out, "census", "ogr")
    small = {f["name"]: f for f in units.getFeatures() if f["population"] < 100}
    assert set(small) == {"Census Tract 4808", "Census Tract 4832"}
    assert all(str(f["disparity"]) == "NULL" for f in small.values())
    poorest = min(units.getFeatures(), key=lambda f: f["per_capita_income"])
    richest = max(units.getFeatures(), key=lambda f: f["per_capita_income"])
    assert poorest["disparity"] > 1.5 > 0.7 > richest["disparity"]
    with sqlite3.connect(out) as conn:
        style = conn.execute("SELECT styleQML FROM layer_styles").fetchone()[0]
    assert "graduatedSymbol" in style and "disparity" in style


def test_sample_exposure_by_race(sample_reads):
    loaded, _ = sample_reads
    groups = ["pop_white", "pop_black", "pop_hispanic", "pop_asian", "pop_other"]
    res = run(
        {
            "INPUT": loaded["OUTPUT"],
            "CENSUS": CITY + "|layername=census_tracts",
            "ATTRIBUTES": groups,
            "ATTRIBUTES_ARE_COUNTS": True,
            "OUTPUT_STATS": "TEMPORARY_OUTPUT",
        }
    )
    ratio = {
        f["attribute"]: f["exposure_ratio"] for f in res["OUTPUT_STATS"].getFeatures() if f["rate_basis"] == "per_1000"
    }
    assert ratio["pop_black"] > 1.3 and ratio["pop_hispanic"] > 1.1 and ratio["pop_white"] < 0.7
    assert "pop_black residents see" in res["SUMMARY"]
