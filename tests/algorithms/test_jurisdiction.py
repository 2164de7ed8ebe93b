"""alpr:jurisdiction through processing.run: borders, neighbours, distances, CRSs, bad input, the sample city.

The layer helpers here (``points_layer``, ``polygons_layer``, ``to_crs``)
are shared by the other "3 · Compare" algorithm tests.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Sequence

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

from tests.algorithms.conftest import RecordingFeedback

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
CITY = str(SAMPLE / "city.gpkg")
UTM = "EPSG:32610"
ORIGIN = (565_000.0, 4_183_000.0)  # near the sample city, in UTM zone 10N


# ------------------------------------------------------------------ layer helpers


def _field_spec(fields: Sequence[tuple]) -> str:
    return "".join("&field={}:{}".format(name, kind) for name, kind in fields)


def points_layer(xy, crs=UTM, fields=(("read_id", "integer"),), rows=None, name="reads_layer", offset=ORIGIN):
    """A memory point layer; ``None`` in ``xy`` makes a feature without geometry.

    Coordinates are relative to ``offset`` (UTM metres near the sample city).
    ``rows`` gives the attributes (default: 1, 2, 3, ... for the one field).
    """
    layer = QgsVectorLayer("Point?crs={}{}".format(crs, _field_spec(fields)), name, "memory")
    features = []
    for i, p in enumerate(xy):
        f = QgsFeature(layer.fields())
        f.setAttributes(list(rows[i]) if rows is not None else [i + 1])
        if p is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(p[0] + offset[0], p[1] + offset[1])))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def polygons_layer(wkts, crs=UTM, fields=(), rows=None, name="polygons_layer", offset=ORIGIN):
    """A memory polygon layer from WKT in coordinates relative to ``offset``; None makes a null geometry."""
    layer = QgsVectorLayer("MultiPolygon?crs={}{}".format(crs, _field_spec(fields)), name, "memory")
    features = []
    for i, wkt in enumerate(wkts):
        f = QgsFeature(layer.fields())
        if rows is not None:
            f.setAttributes(list(rows[i]))
        if wkt is not None:
            geom = QgsGeometry.fromWkt(wkt)
            geom.translate(offset[0], offset[1])
            f.setGeometry(geom)
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def box_wkt(x0: float, y0: float, x1: float, y1: float) -> str:
    return "POLYGON(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format(x0, y0, x1, y1)


def to_crs(layer: QgsVectorLayer, crs: str) -> QgsVectorLayer:
    """A memory copy of ``layer`` with every geometry transformed to ``crs``."""
    kind = {0: "Point", 2: "MultiPolygon"}[layer.geometryType()]
    fields = "".join(
        "&field={}:{}".format(f.name(), {2: "integer", 4: "integer", 6: "double"}.get(f.type(), "string"))
        for f in layer.fields()
    )
    copy = QgsVectorLayer("{}?crs={}{}".format(kind, crs, fields), layer.name(), "memory")
    transform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem(crs), QgsProject.instance())
    features = []
    for f in layer.getFeatures():
        g = QgsFeature(copy.fields())
        g.setAttributes(f.attributes())
        if f.hasGeometry():
            geom = QgsGeometry(f.geometry())
            assert geom.transform(transform) == 0
            g.setGeometry(geom)
        features.append(g)
    assert copy.dataProvider().addFeatures(features)
    return copy


def features_by(layer: QgsVectorLayer, key: str) -> dict:
    return {f[key]: f for f in layer.getFeatures()}


# ------------------------------------------------------------------ small, exact cases

BOUNDARY = [box_wkt(0, 0, 1000, 1000)]
NEIGHBOURS = [box_wkt(1000, 0, 2000, 1000), box_wkt(1000, 1000, 2000, 2000)]
READS = [
    (500, 500),  # 1 inside
    (1000, 500),  # 2 on the east edge: inside
    (0, 0),  # 3 on a corner: inside
    (1250, 500),  # 4 East, 250 m out
    (500, -300),  # 5 in no neighbour, 300 m out
    (1300, 1400),  # 6 in the unnamed neighbour, 500 m from the corner
    None,  # 7 no location
]


def run(params, feedback=None):
    base = {"OUTPUT": "TEMPORARY_OUTPUT", "OUTPUT_SUMMARY": "TEMPORARY_OUTPUT"}
    return processing.run("alpr:jurisdiction", {**base, **params}, feedback=feedback)


@pytest.fixture
def neighbours_layer():
    return polygons_layer(NEIGHBOURS, fields=[("name", "string")], rows=[["East"], [None]])


@pytest.mark.parametrize("chunk_rows", [None, 2])
def test_reads_outside_with_neighbour_and_distance(neighbours_layer, feedback, monkeypatch, chunk_rows):
    """Also in chunks of two reads: the first has none outside, the last only a read without a location."""
    if chunk_rows:
        from alpr_qgis.qgis_io import outside_stream

        monkeypatch.setattr(outside_stream, "CHUNK_ROWS", chunk_rows)
    res = run(
        {"INPUT": points_layer(READS), "BOUNDARY": polygons_layer(BOUNDARY), "NEIGHBOURS": neighbours_layer}, feedback
    )
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"], res["MISSING_LOCATION_COUNT"]) == (3, 3, 1)
    assert res["UNNAMED_COUNT"] == 2 and res["MAX_DISTANCE_M"] == pytest.approx(500.0)
    out = res["OUTPUT"]
    assert [f.name() for f in out.fields() if f.name() != "fid"] == ["read_id", "jurisdiction", "distance_m"]
    assert out.crs().authid() == UTM
    got = {f["read_id"]: (f["jurisdiction"], f["distance_m"]) for f in out.getFeatures()}
    assert got == {
        4: ("East", pytest.approx(250.0)),
        5: ("unnamed", pytest.approx(300.0)),
        6: ("unnamed", pytest.approx(500.0)),
    }
    point = features_by(out, "read_id")[4].geometry().asPoint()
    assert (point.x(), point.y()) == (ORIGIN[0] + 1250, ORIGIN[1] + 500)  # the read's own location
    summary = {f["jurisdiction"]: f for f in res["OUTPUT_SUMMARY"].getFeatures()}
    assert summary["unnamed"]["read_count"] == 2 and summary["East"]["read_count"] == 1
    assert summary["unnamed"]["max_distance_m"] == pytest.approx(500.0)
    assert "3 of 6 located reads" in feedback.text()


def test_reads_in_degrees_against_a_metric_boundary(neighbours_layer):
    reads = to_crs(points_layer(READS), "EPSG:4326")
    res = run(
        {"INPUT": reads, "BOUNDARY": polygons_layer(BOUNDARY), "NEIGHBOURS": to_crs(neighbours_layer, "EPSG:3857")}
    )
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"], res["MISSING_LOCATION_COUNT"]) == (3, 3, 1)
    out = res["OUTPUT"]
    assert out.crs().authid() == "EPSG:4326"
    got = {f["read_id"]: (f["jurisdiction"], f["distance_m"]) for f in out.getFeatures()}
    assert got[4] == ("East", pytest.approx(250.0, abs=1e-3))
    assert got[6] == ("unnamed", pytest.approx(500.0, abs=1e-3))


def test_boundary_in_degrees_measures_in_utm(feedback):
    boundary = to_crs(polygons_layer(BOUNDARY), "EPSG:4326")
    reads = points_layer([(1250, 500), (500, 500), (-100, 500)])
    res = run({"INPUT": reads, "BOUNDARY": boundary}, feedback)
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"], res["UNNAMED_COUNT"]) == (2, 1, 2)
    got = {f["read_id"]: f["distance_m"] for f in res["OUTPUT"].getFeatures()}
    assert got[1] == pytest.approx(250.0, abs=0.05) and got[3] == pytest.approx(100.0, abs=0.05)
    assert "EPSG:32610" in feedback.text()


def test_boundary_polygons_are_dissolved():
    boundary = polygons_layer([box_wkt(0, 0, 1000, 1000), box_wkt(1000, 0, 2000, 1000)])
    reads = points_layer([(1000, 500), (2100, 500), (1000, 1200)])
    res = run({"INPUT": reads, "BOUNDARY": boundary})
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"]) == (2, 1)
    got = {f["read_id"]: f["distance_m"] for f in res["OUTPUT"].getFeatures()}
    assert got == {2: pytest.approx(100.0), 3: pytest.approx(200.0)}


def test_invalid_boundary_is_repaired_and_reported(feedback):
    bow_tie = "POLYGON((0 0, 1000 1000, 1000 0, 0 1000, 0 0))"
    boundary = polygons_layer([box_wkt(5000, 5000, 5001, 5001), bow_tie, None])
    reads = points_layer([(900, 500), (500, 100), (500, 900)])
    res = run({"INPUT": reads, "BOUNDARY": boundary}, feedback)
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"]) == (2, 1)  # the bow tie holds only (900, 500)
    text = feedback.text()
    assert "1 invalid polygon(s) repaired (feature id 2)" in text
    assert "without a usable polygon skipped (feature id 3)" in text


def test_empty_boundary_is_an_error():
    with pytest.raises(QgsProcessingException, match="has no usable polygon"):
        run({"INPUT": points_layer([(0, 0)]), "BOUNDARY": polygons_layer([])})


def test_empty_reads_give_empty_outputs(feedback):
    res = run({"INPUT": points_layer([]), "BOUNDARY": polygons_layer(BOUNDARY)}, feedback)
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"], res["MISSING_LOCATION_COUNT"]) == (0, 0, 0)
    assert res["OUTPUT"].featureCount() == 0
    assert {"jurisdiction", "distance_m"} <= {f.name() for f in res["OUTPUT"].fields()}
    assert "no features" in feedback.text()


def test_unknown_name_field_lists_the_fields(neighbours_layer):
    with pytest.raises(QgsProcessingException, match="has no field label.*name"):
        run(
            {
                "INPUT": points_layer(READS),
                "BOUNDARY": polygons_layer(BOUNDARY),
                "NEIGHBOURS": neighbours_layer,
                "NEIGHBOUR_NAME_FIELD": "label",
            }
        )


def test_name_field_detected_and_rerun_replaces_fields(feedback):
    neighbours = polygons_layer(
        NEIGHBOURS[:1], fields=[("code", "integer"), ("NAME", "string")], rows=[[7, "Eastport"]]
    )
    reads = points_layer([(1250, 500)], fields=[("read_id", "integer"), ("distance_m", "double")], rows=[[1, -1.0]])
    res = run({"INPUT": reads, "BOUNDARY": polygons_layer(BOUNDARY), "NEIGHBOURS": neighbours}, feedback)
    feat = next(res["OUTPUT"].getFeatures())
    assert feat["jurisdiction"] == "Eastport" and feat["distance_m"] == pytest.approx(250.0)
    assert "replaced" in feedback.text()


def test_geopackage_output_is_styled(tmp_path):
    out = str(tmp_path / "outside.gpkg")
    res = run(
        {
            "INPUT": points_layer(READS),
            "BOUNDARY": polygons_layer(BOUNDARY),
            "OUTPUT": out,
            "OUTPUT_SUMMARY": str(tmp_path / "summary.gpkg"),
        }
    )
    assert res["OUTPUT"] == out
    with sqlite3.connect(out) as conn:
        styles = conn.execute("SELECT styleQML FROM layer_styles").fetchall()
    assert styles and "distance_m" in styles[0][0]
    summary = QgsVectorLayer(res["OUTPUT_SUMMARY"], "summary", "ogr")
    assert summary.isValid() and summary.featureCount() == 1


# ------------------------------------------------------------------ the sample city


@pytest.fixture(scope="module")
def sample_outside(sample_loaded, tmp_path_factory):
    """The sample week loaded with alpr:loadreads, then alpr:jurisdiction against the city (once per module)."""
    folder = tmp_path_factory.mktemp("sample_jurisdiction")
    loaded = sample_loaded
    res = run(
        {
            "INPUT": loaded["OUTPUT"],
            "BOUNDARY": CITY + "|layername=city_boundary",
            "NEIGHBOURS": CITY + "|layername=neighbours",
            "NEIGHBOUR_NAME_FIELD": "name",
            "OUTPUT": str(folder / "outside.gpkg"),
        }
    )
    return loaded, res, list(QgsVectorLayer(res["OUTPUT"], "outside", "ogr").getFeatures())


def test_sample_counts(sample_outside):
    loaded, res, feats = sample_outside
    # 2,241 reads outside the city (README) + 62 reads at 0,0 that the loader keeps (null island).
    assert res["OUTSIDE_COUNT"] == len(feats) == 2241 + 62
    assert res["MISSING_LOCATION_COUNT"] == loaded["MISSING_LOCATION_COUNT"] == 27
    assert res["OUTSIDE_COUNT"] + res["INSIDE_COUNT"] + res["MISSING_LOCATION_COUNT"] == loaded["READ_COUNT"]
    by_name = {}
    for f in feats:
        by_name[f["jurisdiction"]] = by_name.get(f["jurisdiction"], 0) + 1
    assert by_name == {"Lakeside": 1192, "Bay Heights": 647, "Eastport": 189, "unnamed": 210 + 3 + 62}
    assert res["UNNAMED_COUNT"] == 275


def test_sample_finds_the_mall_cluster(sample_outside):
    _, _, feats = sample_outside
    far = [f for f in feats if f["jurisdiction"] == "unnamed" and 1_000 < f["distance_m"] < 100_000]
    assert len(far) == 210
    distances = np.array([f["distance_m"] for f in far])
    assert distances.min() > 20_000 and distances.max() < 35_000
    assert {f["device"] for f in far} == {"PATROL 2"}
    days = {f["read_time"].date().toPyDate().isoformat() for f in far}
    assert days == {"2014-07-17"}
    strays = [f for f in feats if f["jurisdiction"] == "unnamed" and f["distance_m"] < 1_000]
    assert len(strays) == 3 and max(f["distance_m"] for f in strays) < 8
    neighbours = [f["distance_m"] for f in feats if f["jurisdiction"] != "unnamed"]
    assert max(neighbours) < 1_600  # streets reach 1.5 km into the neighbours


def _outside_values(res) -> tuple:
    """Every value of a run: the OUTPUT rows (attributes and point), the summary rows, the counts."""
    rows = [
        (tuple(f.attributes()[1:]), f.geometry().asWkt(6) if f.hasGeometry() else None)
        for f in QgsVectorLayer(res["OUTPUT"], "outside", "ogr").getFeatures()
    ]
    summary = [tuple(f.attributes()[1:]) for f in QgsVectorLayer(res["OUTPUT_SUMMARY"], "summary", "ogr").getFeatures()]
    counts = {k: v for k, v in res.items() if k.endswith("_COUNT") or k == "MAX_DISTANCE_M"}
    return rows, summary, counts


def test_small_chunks_give_the_whole_layer_result(sample_loaded, tmp_path, monkeypatch):
    """A read at a time in chunks of 997 rows: the same rows, jurisdictions, distances, summary and counts.

    The log says the distances' CRS and the null-island warning once (counted over every chunk).
    """
    from alpr_qgis.qgis_io import outside_stream

    def run_with(name: str, fb):
        return run(
            {
                "INPUT": sample_loaded["OUTPUT"],
                "BOUNDARY": CITY + "|layername=city_boundary",
                "NEIGHBOURS": CITY + "|layername=neighbours",
                "OUTPUT": str(tmp_path / (name + ".gpkg")),
                "OUTPUT_SUMMARY": str(tmp_path / (name + "_summary.gpkg")),
            },
            fb,
        )

    whole_log, small_log = RecordingFeedback(), RecordingFeedback()
    whole = _outside_values(run_with("whole", whole_log))
    monkeypatch.setattr(outside_stream, "CHUNK_ROWS", 997)
    small = _outside_values(run_with("small", small_log))
    rows, summary, counts = small
    assert len(rows) == counts["OUTSIDE_COUNT"] == 2303 and len(summary) == 4
    assert counts["UNNAMED_COUNT"] == 275 and counts["MISSING_LOCATION_COUNT"] == 27
    assert small == whole  # value for value, in the same order
    for log in (whole_log, small_log):
        assert log.text().count("Distances measured in EPSG:32610") == 1
        assert log.text().count("62 reads lie at 0,0 (null island)") == 1
    said = [[m for m in log.messages if str(tmp_path) not in m] for log in (whole_log, small_log)]
    assert said[0] == said[1]
