"""alpr:joincrime through processing.run: filter, zones and hexagons, CRSs, bad input, the sample city."""

from __future__ import annotations

import sqlite3

import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorLayer

from tests.algorithms.test_jurisdiction import CITY, UTM, box_wkt, points_layer, polygons_layer, to_crs

CRIME_FIELDS = (("crime_id", "integer"), ("category", "string"))
ZONES = [box_wkt(0, 0, 1000, 1000), box_wkt(1000, 0, 2000, 1000), box_wkt(2000, 0, 3000, 1000)]


def crimes_layer(crs=UTM):
    """Auto crimes in zone 3 (4) and zone 2 (1), other crimes in zone 1 (3), one outside, one without location."""
    xy = [(2500, 100), (2500, 200), (2500, 300), (2500, 400), (1500, 500), (500, 500), (500, 600), (500, 700)]
    xy += [(9000, 9000), None]
    cats = ["VEHICLE THEFT", "auto burglary", "STOLEN PLATE", "VEHICLE THEFT", "Auto Burglary"]
    cats += ["ASSAULT", "THEFT", None, "VEHICLE THEFT", "VEHICLE THEFT"]
    layer = points_layer(xy, fields=CRIME_FIELDS, rows=[[i + 1, c] for i, c in enumerate(cats)], name="crimes")
    return to_crs(layer, crs) if crs != UTM else layer


def reads_layer(crs=UTM):
    """Reads: 20 in zone 1, 5 in zone 2, 1 in zone 3, 2 outside, 1 without location."""
    xy = [(100 + 40 * i, 500) for i in range(20)] + [(1500, 100 + 100 * i) for i in range(5)] + [(2500, 900)]
    xy += [(-500, 0), (7000, 0), None]
    layer = points_layer(xy)
    return to_crs(layer, crs) if crs != UTM else layer


def run(params, feedback=None):
    base = {"OUTPUT": "TEMPORARY_OUTPUT", "OUTPUT_STATS": "TEMPORARY_OUTPUT"}
    return processing.run("alpr:joincrime", {**base, **params}, feedback=feedback)


def test_zones_with_an_auto_filter(feedback):
    zones = polygons_layer(ZONES, fields=[("beat", "string")], rows=[["A"], ["B"], ["C"]])
    res = run(
        {
            "INPUT": reads_layer(),
            "CRIMES": crimes_layer(),
            "CATEGORY_FIELD": "category",
            "CATEGORY_FILTER": "vehicle|auto|plate",
            "ZONES": zones,
        },
        feedback,
    )
    out = {f["beat"]: f for f in res["OUTPUT"].getFeatures()}
    assert [f.name() for f in res["OUTPUT"].fields() if f.name() != "fid"] == [
        "beat",
        "read_count",
        "crime_count",
        "reads_per_crime",
    ]
    assert [out[b]["read_count"] for b in "ABC"] == [20, 5, 1]
    assert [out[b]["crime_count"] for b in "ABC"] == [0, 1, 4]
    assert str(out["A"]["reads_per_crime"]) == "NULL" and out["C"]["reads_per_crime"] == pytest.approx(0.25)
    assert (res["CRIME_COUNT"], res["FILTERED_OUT_CRIME_COUNT"], res["NO_ZONE_CRIME_COUNT"]) == (7, 3, 2)
    assert (res["READ_COUNT"], res["NO_ZONE_READ_COUNT"], res["MISSING_LOCATION_COUNT"]) == (29, 2, 1)
    assert res["ZONE_COUNT"] == 3 and res["SPEARMAN"] == pytest.approx(-1.0)
    stats = next(res["OUTPUT_STATS"].getFeatures())
    assert (stats["top_crime_zones"], stats["top_crime_share"]) == (1, pytest.approx(4 / 5))
    assert stats["top_crime_read_share"] == pytest.approx(1 / 26) == res["TOP_CRIME_READ_SHARE"]
    assert stats["category_filter"] == "vehicle|auto|plate"
    assert "7 of 10 crimes match" in feedback.text() and "hold 80% of the crimes but 4% of the reads" in res["SUMMARY"]


def test_layers_in_three_crss():
    zones = to_crs(polygons_layer(ZONES, fields=[("beat", "string")], rows=[["A"], ["B"], ["C"]]), "EPSG:3857")
    res = run({"INPUT": reads_layer("EPSG:4326"), "CRIMES": crimes_layer("EPSG:4269"), "ZONES": zones})
    out = {f["beat"]: f for f in res["OUTPUT"].getFeatures()}
    assert [out[b]["read_count"] for b in "ABC"] == [20, 5, 1]
    assert [out[b]["crime_count"] for b in "ABC"] == [3, 1, 4]  # no filter: every crime
    assert res["OUTPUT"].crs().authid() == "EPSG:3857"


def test_hexagons_in_utm_for_reads_in_degrees(feedback):
    res = run({"INPUT": reads_layer("EPSG:4326"), "CRIMES": crimes_layer(), "CELL_SIZE": 1000.0}, feedback)
    out = res["OUTPUT"]
    assert out.crs().authid() == "EPSG:32610" and "EPSG:32610" in feedback.text()
    feats = list(out.getFeatures())
    assert len(feats) == res["ZONE_COUNT"] > 3
    assert sum(f["read_count"] for f in feats) == 28 and sum(f["crime_count"] for f in feats) == 9
    assert res["NO_ZONE_READ_COUNT"] == 0 and res["NO_ZONE_CRIME_COUNT"] == 1
    area = feats[0].geometry().area()
    assert area == pytest.approx(3**0.5 / 2 * 1000**2, rel=1e-9)  # hexagons 1 km across


def test_bad_filter_and_fields():
    with pytest.raises(QgsProcessingException, match="not a valid regular expression"):
        run({"INPUT": reads_layer(), "CRIMES": crimes_layer(), "CATEGORY_FIELD": "category", "CATEGORY_FILTER": "("})
    with pytest.raises(QgsProcessingException, match="needs CATEGORY_FIELD.*crime_id, category"):
        run({"INPUT": reads_layer(), "CRIMES": crimes_layer(), "CATEGORY_FILTER": "AUTO"})
    with pytest.raises(QgsProcessingException, match=r'has no field "offense".*crime_id, category'):
        run({"INPUT": reads_layer(), "CRIMES": crimes_layer(), "CATEGORY_FIELD": "offense"})


def test_nothing_matches_and_empty_layers(feedback):
    res = run(
        {"INPUT": reads_layer(), "CRIMES": crimes_layer(), "CATEGORY_FIELD": "category", "CATEGORY_FILTER": "ARSON"},
        feedback,
    )
    assert res["CRIME_COUNT"] == 0 and res["SPEARMAN"] is None
    assert "No crime matches" in feedback.text()
    empty = run({"INPUT": points_layer([]), "CRIMES": points_layer([], fields=CRIME_FIELDS)})
    assert (empty["ZONE_COUNT"], empty["READ_COUNT"], empty["CRIME_COUNT"]) == (0, 0, 0)
    assert "no correlation" in empty["SUMMARY"]


@pytest.fixture(scope="module")
def sample_reads(sample_loaded, tmp_path_factory):
    """The sample week loaded with alpr:loadreads (once per module)."""
    folder = tmp_path_factory.mktemp("sample_crime")
    loaded = sample_loaded
    return loaded, folder


def test_sample_reads_do_not_follow_crime(sample_reads):
    loaded, folder = sample_reads
    base = {"INPUT": loaded["OUTPUT"], "CRIMES": CITY + "|layername=crimes", "ZONES": CITY + "|layername=census_tracts"}
    auto = run({**base, "CATEGORY_FIELD": "category", "CATEGORY_FILTER": "VEHICLE|AUTO|PLATE"})
    every = run(base)
    # README: -0.32 against auto-related crimes and -0.23 against all crimes (per tract)
    assert auto["SPEARMAN"] == pytest.approx(-0.32, abs=0.03) and every["SPEARMAN"] == pytest.approx(-0.23, abs=0.03)
    assert (auto["CRIME_COUNT"], auto["FILTERED_OUT_CRIME_COUNT"]) == (355 + 268 + 95, 3019 - 718)
    stats = next(auto["OUTPUT_STATS"].getFeatures())
    assert stats["top_crime_share"] > 0.6 and stats["top_crime_read_share"] < 0.1  # crime hubs are barely patrolled


def test_sample_hexagons_are_styled(sample_reads):
    loaded, folder = sample_reads
    out = str(folder / "crime_hex.gpkg")
    res = run(
        {
            "INPUT": loaded["OUTPUT"],
            "CRIMES": CITY + "|layername=crimes",
            "CATEGORY_FIELD": "category",
            "CATEGORY_FILTER": "VEHICLE|AUTO|PLATE",
            "CELL_SIZE": 500.0,
            "OUTPUT": out,
        }
    )
    layer = QgsVectorLayer(out, "crime", "ogr")
    assert layer.featureCount() == res["ZONE_COUNT"] > 100
    assert res["TOP_CRIME_READ_SHARE"] < 0.5
    with sqlite3.connect(out) as conn:
        assert "reads_per_crime" in conn.execute("SELECT styleQML FROM layer_styles").fetchone()[0]
