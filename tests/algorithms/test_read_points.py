"""alpr_qgis.qgis_io.vector.read_points: GeoPackage blobs in bulk, agreeing with QGIS's own features."""

from __future__ import annotations

import sqlite3
import struct

import numpy as np
import pytest
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from alpr_qgis.qgis_io.vector import read_points
from tests.algorithms.readers import SourceReader

X0, Y0 = 565_000.0, 4_183_000.0


def _read(value, weight_field=None, **kw):
    alg = SourceReader()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return read_points(alg, {"INPUT": value}, "INPUT", context, weight_field, **kw)


def _gpkg(tmp_path, xy, weights, spatial_index=True):
    """A GeoPackage point layer written by QGIS (``None`` in ``xy``: no geometry).

    Without a spatial index its rows can be changed with plain SQLite (the
    index's triggers call SpatiaLite functions).
    """
    layer = QgsVectorLayer("Point?crs=EPSG:32610&field=w:double&field=label:string", "pts", "memory")
    feats = []
    for p, w in zip(xy, weights):
        f = QgsFeature(layer.fields())
        f.setAttributes([w, "x"])
        if p is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*p)))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    path = str(tmp_path / "pts.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "pts"
    if not spatial_index:
        options.layerOptions = ["SPATIAL_INDEX=NO"]
    err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, QgsProject.instance().transformContext(), options)[0]
    assert err == QgsVectorFileWriter.NoError
    return path


def _blob(x, y, *, big_endian=False, envelope=False, empty=False, srs=32610):
    """A GeoPackage point blob written by hand (header flags as the GeoPackage standard has them)."""
    flags = 0x01 | (0x02 if envelope else 0) | (0x10 if empty else 0)
    head = b"GP" + bytes([0, flags]) + struct.pack("<i", srs)
    if envelope:
        head += struct.pack("<4d", x, x, y, y)
    order = ">" if big_endian else "<"
    return head + bytes([0 if big_endian else 1]) + struct.pack(order + "I2d", 1, x, y)


def test_plain_points_come_back_exactly_with_their_count(tmp_path):
    rng = np.random.default_rng(5)
    xy = [(X0 + a, Y0 + b) for a, b in rng.uniform(0, 5000, (300, 2))]
    path = _gpkg(tmp_path, xy + [None, None], [1.0] * 302)
    got = _read(path)
    assert got.features == 302
    assert got.weights is None
    np.testing.assert_array_equal(got.x, [p[0] for p in xy])
    np.testing.assert_array_equal(got.y, [p[1] for p in xy])


def test_weights_follow_their_points_null_and_text_count_zero(tmp_path):
    xy = [(X0 + i, Y0 + 2 * i) for i in range(6)] + [None]
    path = _gpkg(tmp_path, xy, [2.5, None, 1.0, 4.0, 0.5, 3.0, 9.0], spatial_index=False)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE pts SET w = 'not a number' WHERE fid = 5")
    conn.commit()
    conn.close()
    got = _read(path, "w")
    assert got.features == 7
    np.testing.assert_array_equal(got.x, [X0 + i for i in range(6)])
    np.testing.assert_array_equal(got.weights, [2.5, 0.0, 1.0, 4.0, 0.0, 3.0])


@pytest.mark.parametrize("odd", ["big_endian", "envelope", "empty"])
def test_other_blobs_among_plain_ones_are_decoded_one_by_one(tmp_path, odd):
    xy = [(X0 + 10.5 * i, Y0 + 3.25 * i) for i in range(50)]
    path = _gpkg(tmp_path, xy, [1.0] * 50, spatial_index=False)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE pts SET geom = ? WHERE fid = 17", (_blob(X0 - 1.0, Y0 - 2.0, **{odd: True}),))
    conn.commit()
    conn.close()
    got = _read(path)
    expected = list(xy)
    if odd == "empty":
        del expected[16]
    else:
        expected[16] = (X0 - 1.0, Y0 - 2.0)
    assert got.features == 50
    np.testing.assert_array_equal(np.column_stack([got.x, got.y]), np.array(expected))


def test_agrees_with_the_feature_iterator_for_a_memory_layer_and_a_selection(tmp_path):
    rng = np.random.default_rng(9)
    xy = [(X0 + a, Y0 + b) for a, b in rng.uniform(0, 900, (40, 2)).round(2)]
    weights = [float(w) for w in rng.uniform(0, 3, 40)]
    path = _gpkg(tmp_path, xy, weights)
    layer = QgsVectorLayer(path, "pts", "ogr")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByIds([3, 4, 5, 30])
        got = _read(QgsProcessingFeatureSourceDefinition(layer.id(), True), "w")
        assert got.features == 4
        np.testing.assert_allclose(got.x, [xy[i][0] for i in (2, 3, 4, 29)])
        np.testing.assert_array_equal(got.weights, [layer.getFeature(fid)["w"] for fid in (3, 4, 5, 30)])
        np.testing.assert_allclose(got.weights, [weights[i] for i in (2, 3, 4, 29)], rtol=1e-5)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_cancelled_read_returns_none(tmp_path):
    path = _gpkg(tmp_path, [(X0, Y0)] * 10, [1.0] * 10)
    assert _read(path, cancelled=lambda: True) is None


def test_fid_ranges_cover_sparse_fids(tmp_path, monkeypatch):
    """Gaps in the fids and ranges smaller than the table: every point once."""
    from alpr_qgis.qgis_io.vector import point_chunks

    monkeypatch.setattr(point_chunks, "CHUNK", 7)
    xy = [(X0 + i, Y0 - i) for i in range(60)]
    path = _gpkg(tmp_path, xy, [1.0] * 60, spatial_index=False)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM pts WHERE fid % 3 = 0 OR fid BETWEEN 20 AND 40")
    conn.execute("UPDATE pts SET fid = fid + 100000 WHERE fid > 50")
    conn.commit()
    kept = sorted(r[0] for r in conn.execute("SELECT fid FROM pts"))
    conn.close()
    got = _read(path)
    assert got.features == len(kept)
    np.testing.assert_array_equal(np.sort(got.x), np.sort([X0 + ((f - 100000) if f > 100000 else f) - 1 for f in kept]))


# ------------------------------------------------------------------ qgis_io.points: the same points in chunks


def _chunks(path, weight_field=None, chunk=None, monkeypatch=None):
    from alpr_qgis.qgis_io import points

    if chunk:
        monkeypatch.setattr(points, "CHUNK", chunk)
    alg = SourceReader()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    reader = points.open_point_chunks(alg, {"INPUT": path}, "INPUT", context, weight_field)
    assert reader is not None
    with reader:
        parts = list(reader.chunks())
        return reader.features, parts


def test_chunks_hold_the_points_of_read_points_in_fid_ranges(tmp_path, monkeypatch):
    """Sparse fids, null geometries, odd blobs and weights: every located point once, with its weight."""
    rng = np.random.default_rng(8)
    xy = [(X0 + a, Y0 + b) for a, b in rng.uniform(0, 3000, (90, 2)).round(3)]
    weights = [None if i % 9 == 0 else float(i) for i in range(90)]
    path = _gpkg(tmp_path, xy + [None], weights + [1.0], spatial_index=False)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM pts WHERE fid BETWEEN 30 AND 44")
    conn.execute("UPDATE pts SET fid = fid + 5000 WHERE fid > 70")
    conn.execute("UPDATE pts SET geom = ? WHERE fid = 5", (_blob(X0 + 1.5, Y0 + 2.5, envelope=True),))
    conn.commit()
    conn.close()
    whole = _read(path, "w")
    for weight_field in (None, "w"):
        features, parts = _chunks(path, weight_field, 16, monkeypatch)
        assert features == whole.features == 76 and len(parts) > 4
        x = np.concatenate([p[0] for p in parts])
        y = np.concatenate([p[1] for p in parts])
        np.testing.assert_array_equal(x, whole.x)
        np.testing.assert_array_equal(y, whole.y)
        assert (X0 + 1.5, Y0 + 2.5) in set(zip(x, y))
        if weight_field:
            np.testing.assert_array_equal(np.concatenate([p[2] for p in parts]), whole.weights)
        else:
            assert all(p[2] is None for p in parts)


def test_chunks_are_not_offered_for_a_memory_layer_or_a_selection(tmp_path):
    from alpr_qgis.qgis_io import points

    path = _gpkg(tmp_path, [(X0, Y0), (X0 + 5, Y0 + 5)], [1.0, 2.0])
    layer = QgsVectorLayer(path, "pts", "ogr")
    layer.selectByIds([1])
    QgsProject.instance().addMapLayer(layer)
    alg = SourceReader()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    try:
        selection = QgsProcessingFeatureSourceDefinition(layer.id(), True)
        assert points.open_point_chunks(alg, {"INPUT": selection}, "INPUT", context) is None
        memory = QgsVectorLayer("Point?crs=EPSG:32610", "m", "memory")
        assert points.open_point_chunks(alg, {"INPUT": memory}, "INPUT", context) is None
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
