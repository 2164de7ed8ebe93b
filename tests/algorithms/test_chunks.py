"""alpr_qgis.qgis_io.vector.read_chunks: the chunks, put together, are read_frame's frame, whatever the source."""

from __future__ import annotations

import sqlite3

import numpy as np
import pandas as pd
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.qgis_io.vector import Frame, read_chunks, read_frame
from tests.algorithms.readers import SourceReader

ROWS = 23


def _alg_context():
    alg = SourceReader()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return alg, context


def memory_layer(rows: int = ROWS) -> QgsVectorLayer:
    """Points with every field type: nulls here and there, ``n`` null in rows 8-15 only, ``e`` always null."""
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "mixed", "memory")
    provider = layer.dataProvider()
    provider.addAttributes(
        [
            QgsField("id", QVariant.LongLong),
            QgsField("n", QVariant.Int),
            QgsField("d", QVariant.Double),
            QgsField("s", QVariant.String),
            QgsField("t", QVariant.DateTime),
            QgsField("b", QVariant.Bool),
            QgsField("e", QVariant.String),
        ]
    )
    layer.updateFields()
    feats = []
    for i in range(rows):
        feat = QgsFeature(layer.fields())
        when = QDateTime(QDate(2021, 3, 1 + i % 28), QTime(i % 24, 7, 9))
        feat.setAttributes(
            [
                i + 1,
                None if 8 <= i < 16 else i * 3,
                None if i % 5 == 2 else i / 4,
                None if i % 4 == 1 else "plate {}".format(i),
                None if i % 6 == 3 else when,
                None if i % 7 == 6 else bool(i % 2),
                None,
            ]
        )
        if i % 9 != 4:  # rows 4, 13, 22: no geometry
            feat.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(-122.0 + i / 100, 37.5 + i / 50)))
        feats.append(feat)
    provider.addFeatures(feats)
    return layer


@pytest.fixture
def gpkg(tmp_path) -> str:
    """The memory layer as a GeoPackage whose fids have gaps (rows 3 and 10 deleted)."""
    path = str(tmp_path / "mixed.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "mixed"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        memory_layer(ROWS + 2), path, QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.NoError
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM mixed WHERE fid IN (4, 11)")
    conn.commit()
    conn.close()
    return path


def _joined(chunks):
    frames = list(chunks)
    table = pd.concat([f.table for f in frames], ignore_index=True)
    return frames, table, np.concatenate([f.x for f in frames]), np.concatenate([f.y for f in frames])


def _assert_same(value, chunk_rows, fields=None, geometry=True):
    alg, context = _alg_context()
    whole = read_frame(alg, {"INPUT": value}, "INPUT", context, fields, geometry=geometry)
    seen = []
    with read_chunks(
        alg, {"INPUT": value}, "INPUT", context, fields, geometry=geometry, chunk_rows=chunk_rows, progress=seen.append
    ) as chunks:
        total, names, crs = chunks.total, chunks.names, chunks.crs
        frames, table, x, y = _joined(chunks)
    assert total == len(whole.table) and names == list(whole.table.columns)
    assert crs.authid() == whole.crs.authid() == "EPSG:4326"
    pd.testing.assert_frame_equal(table, whole.table, check_dtype=True)
    np.testing.assert_array_equal(x, whole.x)
    np.testing.assert_array_equal(y, whole.y)
    assert [f.offset for f in frames] == list(range(0, total, chunk_rows))
    assert all(len(f.table) == min(chunk_rows, total - f.offset) == len(f.x) for f in frames)
    assert all(f.table.index[0] == 0 for f in frames)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    return frames, whole


@pytest.mark.parametrize("chunk_rows", [1, 7, 1000])
def test_gpkg_chunks_are_read_frame(gpkg, chunk_rows):
    frames, whole = _assert_same(gpkg, chunk_rows)
    assert len(whole.table) == ROWS and np.isnan(whole.x).sum() == 3
    assert whole.table["id"].tolist()[:5] == [1, 2, 3, 5, 6]  # fid order, gaps skipped
    dtypes = whole.table.dtypes.astype(str).to_dict()
    assert dtypes == {
        "fid": "int64",
        "id": "int64",
        "n": "Int64",
        "d": "float64",
        "s": "object",
        "t": "datetime64[ns]",
        "b": "boolean",
        "e": "object",
    }
    if chunk_rows == 7:  # rows 7-13 (ids 9-16): n is null in every row, the column stays an integer one
        assert frames[1].table["n"].isna().all() and str(frames[1].table["n"].dtype) == "Int64"
        assert str(frames[1].table["t"].dtype) == "datetime64[ns]"
    if chunk_rows == 1:
        assert np.isnan(frames[3].x[0]) and frames[3].table["id"].iloc[0] == 5


@pytest.mark.parametrize("chunk_rows", [1, 7, 1000])
def test_memory_layer_chunks_are_read_frame(chunk_rows):
    layer = memory_layer()
    QgsProject.instance().addMapLayer(layer)
    try:
        _assert_same(layer.id(), chunk_rows)
        _assert_same(layer.id(), chunk_rows, ["s", "n"], geometry=False)
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_some_columns_and_no_geometry_from_gpkg(gpkg):
    frames, whole = _assert_same(gpkg, 5, ["t", "id"], geometry=False)
    assert list(whole.table.columns) == ["t", "id"] and np.isnan(whole.x).all()
    frames, whole = _assert_same(gpkg, 5, [])
    assert whole.table.shape == (ROWS, 0) and np.isnan(whole.x).sum() == 3


@pytest.mark.parametrize("chunk_rows", [1, 4, 100])
def test_selected_features_only(gpkg, chunk_rows):
    layer = QgsVectorLayer(gpkg, "mixed", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByExpression('"id" in (2, 5, 9, 12, 20, 21, 25)')
        value = QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True)
        frames, whole = _assert_same(value, chunk_rows)
        assert sorted(whole.table["id"].tolist()) == [2, 5, 9, 12, 20, 21, 25]
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_empty_source_gives_one_empty_typed_chunk(tmp_path, gpkg):
    conn = sqlite3.connect(gpkg)
    conn.execute("DELETE FROM mixed")
    conn.commit()
    conn.close()
    alg, context = _alg_context()
    with read_chunks(alg, {"INPUT": gpkg}, "INPUT", context) as chunks:
        frames = list(chunks)
    assert chunks.total == 0 and len(frames) == 1
    assert len(frames[0].table) == 0 and str(frames[0].table["t"].dtype) == "datetime64[ns]"
    assert isinstance(frames[0], Frame) and frames[0].offset == 0


@pytest.mark.parametrize("source", ["gpkg", "memory"])
def test_cancel_between_chunks(gpkg, source):
    layer = memory_layer()
    QgsProject.instance().addMapLayer(layer)
    value = gpkg if source == "gpkg" else layer.id()
    alg, context = _alg_context()
    stop = []
    got = []

    def read():
        with read_chunks(alg, {"INPUT": value}, "INPUT", context, chunk_rows=5, cancelled=lambda: bool(stop)) as c:
            for chunk in c:
                got.append(chunk)
                stop.append(True)

    try:
        with pytest.raises(Cancelled):
            read()
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert len(got) == 1


def _big(tmp_path):
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=k:integer&field=s:string", "big", "memory")
    feats = []
    for i in range(30_000):
        f = QgsFeature(layer.fields())
        f.setAttributes([i, "v{}".format(i)])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(i / 1000, 1.0)))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    path = str(tmp_path / "big.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, QgsProject.instance().transformContext(), options)
    return layer, path


def test_read_frame_stops_while_sqlite_reads(tmp_path):
    _, path = _big(tmp_path)
    alg, context = _alg_context()
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 2

    frame = read_frame(alg, {"INPUT": path}, "INPUT", context, cancelled=cancelled)
    assert len(frame.table) == len(frame.x) == 0 and list(frame.table.columns) == ["fid", "k", "s"]
    assert len(asked) < 10  # (not once per row or per column read to its end)


def test_cancel_within_a_big_chunk(tmp_path):
    """A chunk of 30,000 rows is not read to its end once cancelled: SQLite asks while it reads."""
    layer, path = _big(tmp_path)
    alg, context = _alg_context()
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 3

    def read(value):
        with read_chunks(alg, {"INPUT": value}, "INPUT", context, chunk_rows=100_000, cancelled=cancelled) as chunks:
            assert chunks.total == 30_000
            list(chunks)

    with pytest.raises(Cancelled):
        read(path)
    assert 4 <= len(asked) <= 5  # (one chunk: only a look while SQLite reads it could stop it)
    # The same through QGIS's iterator: asked every 10,000 rows.
    QgsProject.instance().addMapLayer(layer)
    asked.clear()
    try:
        with pytest.raises(Cancelled):
            read(layer.id())
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
    assert 4 <= len(asked) <= 5


def test_chunks_are_read_once(gpkg):
    alg, context = _alg_context()
    with read_chunks(alg, {"INPUT": gpkg}, "INPUT", context, chunk_rows=10) as chunks:
        assert len(list(chunks)) == 3
        with pytest.raises(RuntimeError):
            list(chunks)


def test_crs_of_the_source(tmp_path):
    layer = QgsVectorLayer("Point?crs=EPSG:32610&field=k:integer", "utm", "memory")
    QgsProject.instance().addMapLayer(layer)
    try:
        alg, context = _alg_context()
        with read_chunks(alg, {"INPUT": layer.id()}, "INPUT", context) as chunks:
            assert chunks.crs == QgsCoordinateReferenceSystem("EPSG:32610") and chunks.total == 0
            assert [len(f.table) for f in chunks] == [0]
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_layer_being_edited_is_read_with_its_edit_buffer(gpkg):
    """Unsaved additions, deletions and changes are what the chunks (and read_frame) hold, not the file."""
    layer = QgsVectorLayer(gpkg, "mixed", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        assert layer.startEditing()
        by_id = {f["id"]: f for f in layer.getFeatures()}
        assert layer.deleteFeature(by_id[2].id())
        assert layer.changeAttributeValue(by_id[6].id(), layer.fields().lookupField("s"), "changed")
        assert layer.changeGeometry(by_id[7].id(), QgsGeometry.fromPointXY(QgsPointXY(5.0, 6.0)))
        added = QgsFeature(layer.fields())
        added.setAttributes([None, 99, None, 1.5, "new", None, True, None])
        added.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(1.0, 2.0)))
        assert layer.addFeature(added)
        for chunk_rows in (1, 7, 100):
            frames, whole = _assert_same(layer.id(), chunk_rows)
            ids = whole.table["id"].tolist()
            assert 2 not in ids and 99 in ids and len(ids) == ROWS
            row = whole.table.index[whole.table["id"] == 6][0]
            assert whole.table.loc[row, "s"] == "changed"
            row7 = whole.table.index[whole.table["id"] == 7][0]
            assert (whole.x[row7], whole.y[row7]) == (5.0, 6.0)
        layer.rollBack()
    finally:
        QgsProject.instance().removeMapLayer(layer.id())
