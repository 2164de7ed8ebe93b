"""alpr_qgis.qgis_io.vector: bulk GeoPackage paths agree with QGIS's own feature I/O."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)

from alpr_qgis.qgis_io.vector import parse_point_blobs, point_blobs, read_frame, write_frame
from tests.algorithms.readers import SourceReader
from tests.helpers import export_csv


@pytest.fixture
def loaded(tmp_path):
    res = processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(tmp_path / "r.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    return res["OUTPUT"]


def _read(value, fields=None):
    alg = SourceReader()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return read_frame(alg, {"INPUT": value}, "INPUT", context, fields)


def test_point_blobs_round_trip():
    x = np.array([1.5, np.nan, -122.27456, 0.0])
    y = np.array([2.25, 3.0, 37.80123, 0.0])
    blobs = point_blobs(x, y, 4326)
    assert blobs[1] is None
    assert blobs[0][:2] == b"GP" and len(blobs[0]) == 29
    rx, ry = parse_point_blobs(blobs)
    np.testing.assert_array_equal(np.isnan(rx), [False, True, False, False])
    np.testing.assert_allclose(rx[[0, 2, 3]], x[[0, 2, 3]])
    np.testing.assert_allclose(ry[[0, 2, 3]], y[[0, 2, 3]])


def test_bulk_read_matches_feature_iterator(loaded):
    fast = _read(loaded)
    # A feature limit forces QGIS's own iterator: both paths must give the same frame.
    slow = _read(QgsProcessingFeatureSourceDefinition(loaded, selectedFeaturesOnly=False, featureLimit=5))
    assert list(fast.table.columns) == [
        "fid",
        "read_id",
        "plate",
        "read_time",
        "device",
        "state",
        "ID",
        "Location",
        "ImageFile",
    ]
    pd.testing.assert_frame_equal(fast.table, slow.table, check_dtype=False)
    np.testing.assert_allclose(fast.x, slow.x)
    assert fast.table["read_time"].tolist()[0] == pd.Timestamp("2014-07-20 08:01:02")
    assert fast.table["plate"].tolist()[2] == "CAUT10N"
    assert fast.table["state"].tolist()[2] is None
    assert math.isnan(fast.x[4]) and fast.x[3] == 0.0
    assert fast.crs.authid() == "EPSG:4326"


def test_selected_features_only_uses_the_selection(loaded):
    layer = QgsVectorLayer(loaded, "reads", "ogr")
    QgsProject.instance().addMapLayer(layer)
    layer.selectByExpression('"read_id" in (2, 4)')
    frame = _read(QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True), ["read_id", "plate"])
    assert frame.table["read_id"].tolist() in ([2, 4], [4, 2])
    assert frame.table.columns.tolist() == ["read_id", "plate"]
    QgsProject.instance().removeMapLayer(layer.id())


class _PolygonWriter(QgsProcessingAlgorithm):
    """Writes two squares and a row without geometry through write_frame."""

    def name(self):
        return "polygonwriter"

    def createInstance(self):
        return _PolygonWriter()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", "output"))

    def processAlgorithm(self, parameters, context, feedback):
        from shapely.geometry import box

        table = pd.DataFrame({"cell": [1, 2, 3], "label": ["a", None, "c"]})
        wkb = [box(0, 0, 10, 10).wkb, box(20, 5, 30, 15).wkb, None]
        dest, n = write_frame(
            self,
            parameters,
            "OUTPUT",
            context,
            table,
            wkb=wkb,
            wkb_type=QgsWkbTypes.Polygon,
            crs=QgsCoordinateReferenceSystem("EPSG:32610"),
        )
        return {"OUTPUT": dest, "N": n}


@pytest.mark.parametrize("target", ["gpkg", "memory"])
def test_write_polygons(tmp_path, target):
    alg = _PolygonWriter()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    out = str(tmp_path / "cells.gpkg") if target == "gpkg" else "memory:cells"
    results, ok = alg.run({"OUTPUT": out}, context, QgsProcessingFeedback())
    assert ok and results["N"] == 3
    layer = QgsVectorLayer(results["OUTPUT"]) if target == "gpkg" else context.getMapLayer(results["OUTPUT"])
    feats = sorted(layer.getFeatures(), key=lambda f: f["cell"])
    assert [f["label"] for f in feats][0] == "a"
    assert feats[0].geometry().area() == 100 and feats[1].geometry().boundingBox().xMinimum() == 20
    assert feats[2].geometry().isNull()
    assert layer.crs().authid() == "EPSG:32610"
    assert layer.wkbType() == QgsWkbTypes.Polygon
    if target == "gpkg":
        assert layer.extent().toString(0) == "0,0 : 30,15"
        from qgis.core import QgsFeatureRequest, QgsRectangle

        hits = [f["cell"] for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(QgsRectangle(21, 6, 22, 7)))]
        assert hits == [2]


def test_bulk_rtree_is_a_valid_sqlite_rtree(tmp_path):
    import sqlite3

    from alpr_qgis.qgis_io.vector import fill_rtree

    rng = np.random.default_rng(3)
    n = 20_000  # three levels at 51 cells a node
    x, y = rng.normal(0, 1000, n), rng.normal(0, 1000, n)
    db = tmp_path / "t.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy)")
    conn.execute("BEGIN")
    fill_rtree(conn, "rt", np.arange(1, n + 1), np.column_stack([x, y, x, y]))
    conn.execute("COMMIT")
    assert conn.execute("SELECT rtreecheck('rt')").fetchone()[0] == "ok"
    for box in [(-100, 50, -200, 10), (0, 3000, 0, 3000), (500.5, 500.6, -1e6, 1e6)]:
        got = sorted(
            r[0]
            for r in conn.execute(
                "SELECT id FROM rt WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?",
                (box[1], box[0], box[3], box[2]),
            )
        )
        want = (np.flatnonzero((x >= box[0]) & (x <= box[1]) & (y >= box[2]) & (y <= box[3])) + 1).tolist()
        assert got == want
    # The tree keeps working for ordinary inserts and deletes afterwards.
    conn.execute("INSERT INTO rt VALUES (?, ?, ?, ?, ?)", (n + 1, 9999.0, 9999.0, 9999.0, 9999.0))
    conn.execute("DELETE FROM rt WHERE id = 5")
    assert conn.execute("SELECT rtreecheck('rt')").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM rt").fetchone()[0] == n
    conn.close()


def test_packed_rtree_of_ids_in_any_order_and_of_many_equal_points(tmp_path):
    import sqlite3

    from alpr_qgis.qgis_io.vector import fill_rtree

    rng = np.random.default_rng(5)
    n = 6_000
    ids = rng.permutation(np.arange(10, 10 + 3 * n, 3))  # not ascending: the leaves are put in rowid order by sorting
    x, y = np.round(rng.normal(0, 5, n)), np.round(rng.normal(0, 5, n))  # many points share a position
    conn = sqlite3.connect(tmp_path / "t.sqlite", isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy)")
    conn.execute("BEGIN")
    fill_rtree(conn, "rt", ids, np.column_stack([x, y, x, y]))
    conn.execute("COMMIT")
    assert conn.execute("SELECT rtreecheck('rt')").fetchone()[0] == "ok"
    got = sorted(
        r[0] for r in conn.execute("SELECT id FROM rt WHERE minx <= 0 AND maxx >= 0 AND miny <= 1 AND maxy >= 1")
    )
    assert got == sorted(ids[(x == 0) & (y == 1)].tolist()) and got
    rowids = [r[0] for r in conn.execute("SELECT rowid FROM rt_rowid")]
    assert rowids == sorted(ids.tolist())
    conn.close()


def test_points_rtree_packed_a_slab_at_a_time_is_the_same_valid_tree(tmp_path):
    import sqlite3

    from alpr_qgis.qgis_io.vector.rtree import fill_rtree, fill_rtree_points

    rng = np.random.default_rng(11)
    n = 30_000  # 589 leaves at 51 cells a node: 25 slabs, three levels
    ids = np.cumsum(rng.integers(1, 4, n))  # ascending with gaps (rows without a point)
    x, y = rng.normal(0, 1000, n), np.round(rng.normal(0, 1000, n))  # (ties in y)
    trees = {}
    for name, fill in (
        ("slabs", lambda c: fill_rtree_points(c, "rt", ids, x, y)),
        ("whole", lambda c: fill_rtree(c, "rt", ids, np.column_stack([x, y, x, y]))),
    ):
        conn = sqlite3.connect(tmp_path / (name + ".sqlite"), isolation_level=None)
        conn.execute("CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy)")
        conn.execute("BEGIN")
        fill(conn)
        conn.execute("COMMIT")
        assert conn.execute("SELECT rtreecheck('rt')").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM rt").fetchone()[0] == n
        assert [r[0] for r in conn.execute("SELECT rowid FROM rt_rowid")] == ids.tolist()
        for box in [(-100, 50, -200, 10), (0, 3000, 0, 3000), (500.5, 500.6, -1e6, 1e6)]:
            got = sorted(
                r[0]
                for r in conn.execute(
                    "SELECT id FROM rt WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?",
                    (box[1], box[0], box[3], box[2]),
                )
            )
            want = ids[(x >= box[0]) & (x <= box[1]) & (y >= box[2]) & (y <= box[3])].tolist()
            assert got == want and (got or box[0] == 500.5)
        trees[name] = sorted(conn.execute("SELECT id, minx, maxx, miny, maxy FROM rt"))
        conn.close()
    assert trees["slabs"] == trees["whole"]  # the same boxes, rounded outward to float32 the same way
