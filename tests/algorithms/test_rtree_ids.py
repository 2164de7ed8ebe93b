"""The spatial index kept small: ids as ranges or int32, the points let go of early; the same tree as before."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
)

from alpr_qgis.qgis_io.vector import write_frame
from alpr_qgis.qgis_io.vector.appender import GpkgAppender
from alpr_qgis.qgis_io.vector.rtree import fill_rtree, fill_rtree_points, fill_rtree_points_of


def _tree(path, fill) -> dict:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE rt USING rtree(id, minx, maxx, miny, maxy)")
    conn.execute("BEGIN")
    fill(conn)
    conn.execute("COMMIT")
    assert conn.execute("SELECT rtreecheck('rt')").fetchone()[0] == "ok"
    tree = {
        table: conn.execute("SELECT rowid, * FROM {} ORDER BY 1".format(table)).fetchall()
        for table in ("rt_node", "rt_rowid", "rt_parent")
    }
    conn.close()
    return tree


def test_points_tree_from_a_range_or_int32_ids_is_the_int64_tree_node_for_node(tmp_path):
    rng = np.random.default_rng(5)
    n = 20_000  # 393 leaves at 51 cells a node: several slabs, three levels
    x, y = rng.normal(0, 1000, n), np.round(rng.normal(0, 1000, n))  # (ties in y)
    first = 7
    ids = np.arange(first, first + n, dtype=np.int64)
    want = _tree(tmp_path / "int64.sqlite", lambda c: fill_rtree_points(c, "rt", ids, x, y))
    assert len(want["rt_rowid"]) == n and want["rt_rowid"][0][1] == first
    points = [x.copy(), y.copy()]
    got_range = _tree(
        tmp_path / "range.sqlite", lambda c: fill_rtree_points_of(c, "rt", range(first, first + n), points)
    )
    assert points == []  # let go of once the leaves were made
    got_int32 = _tree(tmp_path / "int32.sqlite", lambda c: fill_rtree_points(c, "rt", ids.astype(np.int32), x, y))
    assert got_range == want and got_int32 == want  # the very same node blobs, rowids and parents
    # a few points (one node): the row-by-row path takes a range too
    small = _tree(tmp_path / "small.sqlite", lambda c: fill_rtree_points_of(c, "rt", range(3, 8), [x[:5], y[:5]]))
    assert [r[0] for r in small["rt_rowid"]] == [3, 4, 5, 6, 7]


class _EmptyPoints(QgsProcessingAlgorithm):
    """Makes an empty point layer (the GeoPackage table the appender then fills)."""

    def name(self):
        return "emptypoints"

    def createInstance(self):
        return _EmptyPoints()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", "output"))

    def processAlgorithm(self, parameters, context, feedback):
        empty = np.array([], dtype=float)
        table = pd.DataFrame({"n": pd.Series([], dtype="int64")})
        crs = QgsCoordinateReferenceSystem("EPSG:32610")
        dest, _ = write_frame(self, parameters, "OUTPUT", context, table, x=empty, y=empty, crs=crs)
        return {"OUTPUT": dest}


def _appended(path, frames):
    """Append ``frames`` ((x, y) pairs) to the empty layer at ``path``; (index boxes sorted, index rowids)."""
    alg = _EmptyPoints()
    alg.initAlgorithm()
    results, ok = alg.run({"OUTPUT": str(path)}, QgsProcessingContext(), QgsProcessingFeedback())
    assert ok
    appender = GpkgAppender(str(path), None)
    done = 0
    for k, (x, y) in enumerate(frames):
        table = pd.DataFrame({"n": np.arange(done, done + len(x))})
        assert appender.append(table, x, y, last=k == len(frames) - 1)
        done += len(x)
    assert appender.finish()
    conn = sqlite3.connect(str(path))
    rtree = "rtree_{}_{}".format(*conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchone())
    boxes = sorted(conn.execute("SELECT id, minx, maxx, miny, maxy FROM {}".format(rtree)))
    assert conn.execute("SELECT rtreecheck(?)", (rtree,)).fetchone()[0] == "ok"
    conn.close()
    return boxes


def test_appender_index_is_the_same_with_every_point_or_some_missing(tmp_path, monkeypatch):
    from alpr_qgis.qgis_io.vector import appender as appender_module

    kinds = []
    real = appender_module.fill_rtree_points_of

    def spy(conn, rtree, ids, points):
        kinds.append((type(ids).__name__, getattr(ids, "dtype", None)))
        return real(conn, rtree, ids, points)

    monkeypatch.setattr(appender_module, "fill_rtree_points_of", spy)
    rng = np.random.default_rng(8)
    n = 6_000
    x, y = rng.uniform(500_000, 510_000, n), rng.uniform(4_000_000, 4_010_000, n)
    gaps_x = x.copy()
    gaps_x[::7] = np.nan  # rows without a point: their ids kept as arrays
    for name, xs in (("every", x), ("gaps", gaps_x)):
        cuts = [0, 1_000, 2_500, n]  # three frames: ranges (or arrays) that follow one another
        frames = [(xs[a:b], y[a:b]) for a, b in zip(cuts, cuts[1:])]
        got = _appended(tmp_path / (name + ".gpkg"), frames)
        valid = ~np.isnan(xs)
        ids = np.arange(1, n + 1)[valid]
        bounds = np.column_stack([xs[valid], y[valid], xs[valid], y[valid]])
        want_tree = _tree(
            tmp_path / (name + ".sqlite"), lambda c, ids=ids, bounds=bounds: fill_rtree(c, "rt", ids, bounds)
        )
        conn = sqlite3.connect(tmp_path / (name + ".sqlite"))
        want = sorted(conn.execute("SELECT id, minx, maxx, miny, maxy FROM rt"))
        conn.close()
        assert want_tree["rt_rowid"] and got == want and len(got) == int(valid.sum())
    assert kinds == [("range", None), ("ndarray", np.dtype(np.int32))]  # no id array; else 4 bytes an id
