"""alpr:hotspots through processing.run: grids, projection, counts, styles, errors, the sample city."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)

from alpr_qgis.qgis_io.crs import is_metric, transform_xy, working_crs

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
UTM = "EPSG:32610"
ORIGIN = (565_000.0, 4_183_000.0)  # Oakland-ish, in UTM zone 10N


def points_layer(xy, crs=UTM, name="reads_layer"):
    """A memory point layer; ``None`` in ``xy`` makes a read without geometry."""
    layer = QgsVectorLayer("Point?crs={}&field=read_id:integer".format(crs), name, "memory")
    features = []
    for i, p in enumerate(xy, start=1):
        f = QgsFeature(layer.fields())
        f.setAttributes([i])
        if p is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*p)))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def polygon_layer(wkt, crs=UTM):
    layer = QgsVectorLayer("Polygon?crs={}".format(crs), "boundary_layer", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromWkt(wkt))
    assert layer.dataProvider().addFeatures([f])
    return layer


def clustered_reads(rng):
    """1,600 reads spread over a 4 km × 4 km square, plus 600 within 300 m of one spot."""
    x = np.concatenate([rng.uniform(0, 4000, 1600), 2600 + rng.uniform(-300, 300, 600)])
    y = np.concatenate([rng.uniform(0, 4000, 1600), 1400 + rng.uniform(-300, 300, 600)])
    return list(zip((x + ORIGIN[0]).tolist(), (y + ORIGIN[1]).tolist()))


def run(params, feedback=None):
    base = {"CELL_SIZE": 500.0, "DISTANCE_BAND": 1000.0, "OUTPUT": "TEMPORARY_OUTPUT"}
    return processing.run("alpr:hotspots", {**base, **params}, feedback=feedback)


def containing(layer, x, y):
    point = QgsGeometry.fromPointXY(QgsPointXY(x, y))
    found = [f for f in layer.getFeatures() if f.geometry().contains(point)]
    assert len(found) == 1
    return found[0]


def test_cluster_comes_out_hot_in_a_projected_layer(feedback):
    reads = points_layer(clustered_reads(np.random.default_rng(1)))
    res = run({"INPUT": reads}, feedback)
    out = res["OUTPUT"]
    assert out.crs().authid() == UTM and "Projected" not in feedback.text()
    names = [f.name() for f in out.fields() if f.name() != "fid"]  # (a GeoPackage)
    assert names[:5] == ["read_count", "gi_z", "gi_p", "hotspot_class", "hotspot_label"]
    feats = list(out.getFeatures())
    assert len(feats) == res["CELL_COUNT"] and res["CELL_COUNT"] > 50
    assert sum(f["read_count"] for f in feats) == 1600 + 600
    assert (res["MISSING_LOCATION_COUNT"], res["OUTSIDE_COUNT"]) == (0, 0)
    hot = containing(out, ORIGIN[0] + 2600, ORIGIN[1] + 1400)
    assert hot["read_count"] >= 100 and hot["hotspot_class"] == 3 and hot["hotspot_label"] == "Hot spot (99 %)"
    assert hot["gi_z"] > 2.58 and hot["gi_p"] < 0.01
    assert res["HOT_COUNT"] == sum(f["hotspot_class"] > 0 for f in feats) >= 1
    assert res["COLD_COUNT"] == sum(f["hotspot_class"] < 0 for f in feats)
    assert all(-3 <= f["hotspot_class"] <= 3 and f["gi_p"] == f["gi_p"] for f in feats)  # no NaN
    # Hexagons: CELL_SIZE between opposite edges.
    box = hot.geometry().boundingBox()
    assert box.height() == pytest.approx(500.0) and hot.geometry().area() == pytest.approx(216506.35, rel=1e-6)
    assert "hexagons of 500.0 m" in feedback.text()


def test_geographic_layer_is_projected_to_its_utm_zone(feedback):
    xy = clustered_reads(np.random.default_rng(2))
    to_wgs84 = QgsCoordinateTransform(
        QgsCoordinateReferenceSystem(UTM), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
    )
    lonlat = [(p.x(), p.y()) for p in (to_wgs84.transform(QgsPointXY(*q)) for q in xy)]
    projected = run({"INPUT": points_layer(xy)})["OUTPUT"]
    res = run({"INPUT": points_layer(lonlat, crs="EPSG:4326")}, feedback)
    out = res["OUTPUT"]
    assert out.crs().authid() == UTM
    assert "Projected to EPSG:32610" in feedback.text()

    def cells(layer):
        return sorted(
            (f.geometry().centroid().asWkt(0), f["read_count"], f["hotspot_class"]) for f in layer.getFeatures()
        )

    assert cells(out) == cells(projected)  # the same hexagons, counts and classes


def test_boundary_skipped_and_outside_reads(feedback):
    xy = clustered_reads(np.random.default_rng(3)) + [None, None]
    x0, y0 = ORIGIN
    # The boundary covers the west half of the reads and 1 km beyond them, and is given in WGS 84.
    square = QgsGeometry.fromWkt(
        "Polygon (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format(x0 - 1000, y0, x0 + 2000, y0 + 4000)
    )
    square.transform(
        QgsCoordinateTransform(
            QgsCoordinateReferenceSystem(UTM), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance()
        )
    )
    res = run({"INPUT": points_layer(xy), "BOUNDARY": polygon_layer(square.asWkt(), crs="EPSG:4326")}, feedback)
    out = res["OUTPUT"]
    feats = list(out.getFeatures())
    counted = sum(f["read_count"] for f in feats)
    assert res["MISSING_LOCATION_COUNT"] == 2 and res["OUTSIDE_COUNT"] > 0
    assert counted + res["OUTSIDE_COUNT"] + res["MISSING_LOCATION_COUNT"] == len(xy)
    assert "2 reads without geometry skipped" in feedback.text()
    # Every hexagon overlaps the boundary; hexagons without reads are there with 0.
    square.transform(
        QgsCoordinateTransform(
            QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem(UTM), QgsProject.instance()
        )
    )
    assert all(f.geometry().intersection(square).area() > 1.0 for f in feats)
    assert max(f.geometry().boundingBox().xMinimum() for f in feats) < x0 + 2000
    assert min(f["read_count"] for f in feats) == 0


def test_geopackage_output_carries_the_style(tmp_path):
    out = str(tmp_path / "hot.gpkg")
    res = run({"INPUT": points_layer(clustered_reads(np.random.default_rng(4))), "OUTPUT": out})
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT COUNT(*) FROM layer_styles WHERE useAsDefault").fetchone()[0] == 1
    layer = QgsVectorLayer(res["OUTPUT"], "hot", "ogr")
    assert layer.featureCount() == res["CELL_COUNT"]
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "hotspot_class"
    colours = {int(c.value()): c.symbol().color().name() for c in renderer.categories()}
    assert colours[3] == "#b2182b" and colours[-3] == "#2166ac" and colours[0] == "#e0e0e0"


def test_one_read_is_one_hexagon_not_significant():
    res = run({"INPUT": points_layer([ORIGIN])})
    feats = list(res["OUTPUT"].getFeatures())
    assert len(feats) == 1
    assert (feats[0]["read_count"], feats[0]["gi_z"], feats[0]["gi_p"], feats[0]["hotspot_class"]) == (1, 0.0, 1.0, 0)
    assert feats[0]["hotspot_label"] == "Not significant"
    assert (res["HOT_COUNT"], res["COLD_COUNT"]) == (0, 0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"CELL_SIZE": 0.0}, r"CELL_SIZE must be more than 0 m \(got 0.0\)"),
        ({"CELL_SIZE": -500.0}, r"CELL_SIZE must be more than 0 m \(got -500.0\)"),
        ({"DISTANCE_BAND": 0.0}, r"DISTANCE_BAND must be more than 0 m"),
        ({"CELL_SIZE": 0.5}, r"about \d+ hexagons of 0.5 m .*Choose a larger CELL_SIZE"),
    ],
)
def test_bad_parameters(params, message):
    reads = points_layer([ORIGIN, (ORIGIN[0] + 5000, ORIGIN[1] + 5000)])
    with pytest.raises(QgsProcessingException, match=message):
        run({"INPUT": reads, **params})


def test_reads_at_null_island_without_boundary():
    lonlat = [(-122.27, 37.80), (-122.26, 37.81), (0.0, 0.0)]
    with pytest.raises(QgsProcessingException, match=r"(?s)to cover \d.* km .*points at 0,0: run Remove misreads"):
        run({"INPUT": points_layer(lonlat, crs="EPSG:4326")})


def test_empty_layer_and_no_locations():
    with pytest.raises(QgsProcessingException, match="INPUT has no reads: the layer is empty"):
        run({"INPUT": points_layer([])})
    with pytest.raises(QgsProcessingException, match="None of the 2 reads in INPUT has a location"):
        run({"INPUT": points_layer([None, None])})


def test_boundary_without_area():
    empty = QgsVectorLayer("Polygon?crs={}".format(UTM), "empty_layer", "memory")
    with pytest.raises(QgsProcessingException, match="BOUNDARY has no polygon with an area"):
        run({"INPUT": points_layer([ORIGIN]), "BOUNDARY": empty})


def test_cancel_writes_nothing(tmp_path, feedback):
    feedback.cancel()
    out = tmp_path / "hot.gpkg"
    res = run({"INPUT": points_layer([ORIGIN]), "OUTPUT": str(out)}, feedback)
    assert "HOT_COUNT" not in res and not out.exists()


# ------------------------------------------------------------------ metres (qgis_io.crs)


def test_bulk_transform_matches_point_by_point():
    wgs84, utm = QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem(UTM)
    context = QgsProject.instance().transformContext()
    lon = np.array([-122.27, np.nan, -122.2, -122.31])
    lat = np.array([37.80, 37.7, np.nan, 37.75])
    x, y = transform_xy(lon, lat, wgs84, utm, context)
    one = QgsCoordinateTransform(wgs84, utm, context)
    for k in (0, 3):
        p = one.transform(QgsPointXY(lon[k], lat[k]))
        assert (x[k], y[k]) == (pytest.approx(p.x(), abs=1e-6), pytest.approx(p.y(), abs=1e-6))
    assert np.isnan(x[1]) and np.isnan(y[2])  # no position in, no position out
    back_x, back_y = transform_xy(x, y, utm, wgs84, context)
    np.testing.assert_allclose(back_x[[0, 3]], lon[[0, 3]], atol=1e-9)
    assert transform_xy(np.array([]), np.array([]), wgs84, utm, context)[0].size == 0


@pytest.mark.parametrize(
    ("crs", "expected"),
    [
        ("EPSG:32610", "EPSG:32610"),  # projected in metres: kept
        ("EPSG:2227", "EPSG:32610"),  # California zone 3 in US feet: to UTM
        ("EPSG:4326", "EPSG:32610"),
    ],
)
def test_working_crs(crs, expected):
    source = QgsCoordinateReferenceSystem(crs)
    context = QgsProject.instance().transformContext()
    lon = np.array([-122.27, -122.25, 0.0, -122.26, np.nan])  # one stray read at 0,0
    lat = np.array([37.80, 37.81, 0.0, 37.79, np.nan])
    x, y = transform_xy(lon, lat, QgsCoordinateReferenceSystem("EPSG:4326"), source, context)
    assert working_crs(source, x, y, context).authid() == expected
    assert is_metric(QgsCoordinateReferenceSystem(expected))


def test_working_crs_in_the_southern_hemisphere():
    context = QgsProject.instance().transformContext()
    crs = working_crs(QgsCoordinateReferenceSystem("EPSG:4326"), np.array([151.2]), np.array([-33.9]), context)
    assert crs.authid() == "EPSG:32756"


# ------------------------------------------------------------------ the sample city


@pytest.fixture(scope="module")
def sample_hotspots(sample_loaded, tmp_path_factory):
    """The sample week loaded with alpr:loadreads, then hotspots over the city (once per module)."""
    folder = tmp_path_factory.mktemp("sample_hotspots")
    loaded = sample_loaded
    res = run(
        {
            "INPUT": loaded["OUTPUT"],
            "BOUNDARY": "{}|layername=city_boundary".format(SAMPLE / "city.gpkg"),
            "OUTPUT": str(folder / "hotspots.gpkg"),
        }
    )
    return loaded, res


def test_sample_headquarters_is_a_hot_spot(sample_hotspots):
    loaded, res = sample_hotspots
    out = QgsVectorLayer(res["OUTPUT"], "hotspots", "ogr")
    assert out.crs().authid() == UTM and out.featureCount() == res["CELL_COUNT"]
    hq_layer = QgsVectorLayer("{}|layername=headquarters".format(SAMPLE / "city.gpkg"), "hq", "ogr")
    hq = next(hq_layer.getFeatures()).geometry()
    assert hq.transform(QgsCoordinateTransform(hq_layer.crs(), out.crs(), QgsProject.instance())) == 0
    cell = containing(out, hq.asPoint().x(), hq.asPoint().y())
    assert cell["hotspot_class"] >= 2 and cell["gi_z"] > 1.96
    counts = [f["read_count"] for f in out.getFeatures()]
    assert cell["read_count"] > 10 * np.median(counts)
    assert res["HOT_COUNT"] > 0 and res["COLD_COUNT"] > 0
    # Every read is accounted for: in a hexagon, outside the city's grid, or without location.
    assert sum(counts) + res["OUTSIDE_COUNT"] + res["MISSING_LOCATION_COUNT"] == loaded["READ_COUNT"] == 62_511
    assert res["MISSING_LOCATION_COUNT"] == 27  # the rows with an empty location
    # About 2,300 reads are out of town (neighbours, the mall, points at 0,0); the grid's edge
    # hexagons reach a little beyond the boundary, so some of them are counted in.
    assert 1_500 < res["OUTSIDE_COUNT"] < 2_400
