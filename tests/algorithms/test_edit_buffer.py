"""A layer being edited (unsaved changes) or used with "Selected features only" is read as QGIS shows it.

The bulk readers read a GeoPackage file with SQLite; a layer with an edit
buffer or a selection must instead go through QGIS's own feature source, or
the file on disk (without the edits, with every feature) would be read.
"""

from __future__ import annotations

import numpy as np
import pytest
from qgis import processing
from qgis.core import (
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from alpr_qgis.qgis_io.points import open_point_chunks
from alpr_qgis.qgis_io.vector import bulk_gpkg_source, read_chunks, read_frame, read_points
from tests.algorithms.readers import SourceReader

X0, Y0 = 565_000.0, 4_183_000.0


def _gpkg(path: str, points) -> str:
    layer = QgsVectorLayer("Point?crs=EPSG:32610&field=k:integer&field=w:double", "pts", "memory")
    feats = []
    for k, (x, y, w) in enumerate(points, 1):
        f = QgsFeature(layer.fields())
        f.setAttributes([k, w])
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feats.append(f)
    assert layer.dataProvider().addFeatures(feats)[0]
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "pts"
    err = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, QgsProject.instance().transformContext(), options)
    assert err[0] == QgsVectorFileWriter.NoError
    return path


POINTS = [(X0, Y0, 1.0), (X0 + 100, Y0, 2.0), (X0 + 200, Y0 + 50, 3.0), (X0 + 300, Y0 + 80, 4.0)]


@pytest.fixture
def edited(tmp_path):
    """The four points' layer in the project, with k=2 deleted, k=3 moved and given w=30, and k=5 added, unsaved."""
    layer = QgsVectorLayer(_gpkg(str(tmp_path / "pts.gpkg"), POINTS), "pts", "ogr")
    QgsProject.instance().addMapLayer(layer)
    assert layer.startEditing()
    by_k = {f["k"]: f.id() for f in layer.getFeatures()}
    assert layer.deleteFeature(by_k[2])
    assert layer.changeGeometry(by_k[3], QgsGeometry.fromPointXY(QgsPointXY(X0 + 250, Y0 + 60)))
    assert layer.changeAttributeValue(by_k[3], layer.fields().lookupField("w"), 30.0)
    added = QgsFeature(layer.fields())
    added.setAttributes([None, 5, 5.0])
    added.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(X0 + 400, Y0 + 90)))
    assert layer.addFeature(added)
    yield layer
    layer.rollBack()
    QgsProject.instance().removeMapLayer(layer.id())


def _alg_context():
    alg = SourceReader()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return alg, context


EDITED = {1: (X0, Y0, 1.0), 3: (X0 + 250, Y0 + 60, 30.0), 4: (X0 + 300, Y0 + 80, 4.0), 5: (X0 + 400, Y0 + 90, 5.0)}


def test_every_reader_sees_the_edit_buffer(edited):
    alg, context = _alg_context()
    parameters = {"INPUT": edited.id()}
    assert bulk_gpkg_source(alg, parameters, "INPUT", context) is None
    assert open_point_chunks(alg, parameters, "INPUT", context) is None
    frame = read_frame(alg, parameters, "INPUT", context, ["k", "w"])
    got = {k: (x, y, w) for k, w, x, y in zip(frame.table["k"], frame.table["w"], frame.x, frame.y)}
    assert got == EDITED
    with read_chunks(alg, parameters, "INPUT", context, ["k", "w"], chunk_rows=3) as chunks:
        assert chunks.total == 4
        ks = [k for chunk in chunks for k in chunk.table["k"]]
    assert sorted(ks) == [1, 3, 4, 5]
    points = read_points(alg, parameters, "INPUT", context, "w")
    assert points.features == 4
    assert sorted(zip(points.x, points.y, points.weights)) == sorted(EDITED.values())


def test_every_reader_honours_selected_features_only(tmp_path):
    layer = QgsVectorLayer(_gpkg(str(tmp_path / "pts.gpkg"), POINTS), "pts", "ogr")
    QgsProject.instance().addMapLayer(layer)
    try:
        layer.selectByExpression('"k" in (2, 4)')
        alg, context = _alg_context()
        parameters = {"INPUT": QgsProcessingFeatureSourceDefinition(layer.id(), selectedFeaturesOnly=True)}
        assert bulk_gpkg_source(alg, parameters, "INPUT", context) is None
        assert open_point_chunks(alg, parameters, "INPUT", context) is None
        assert sorted(read_frame(alg, parameters, "INPUT", context, ["k"]).table["k"]) == [2, 4]
        with read_chunks(alg, parameters, "INPUT", context, ["k"], chunk_rows=1) as chunks:
            assert chunks.total == 2 and sorted(int(c.table["k"][0]) for c in chunks) == [2, 4]
        points = read_points(alg, parameters, "INPUT", context, "w")
        assert points.features == 2 and sorted(points.weights) == [2.0, 4.0]
        # Without the flag, the whole layer (in bulk).
        assert bulk_gpkg_source(alg, {"INPUT": layer.id()}, "INPUT", context) is not None
        assert read_points(alg, {"INPUT": layer.id()}, "INPUT", context).features == 4
    finally:
        QgsProject.instance().removeMapLayer(layer.id())


def test_heatmap_of_a_layer_being_edited_is_the_heatmap_of_its_edits(edited, tmp_path):
    """alpr:heatmap on the edited layer equals alpr:heatmap on a file holding what the edit buffer shows."""
    saved = _gpkg(str(tmp_path / "as_edited.gpkg"), [EDITED[k] for k in sorted(EDITED)])
    # (A window of its own: the extent QGIS reports for a layer being edited may leave out an added feature.)
    window = "{},{},{},{} [EPSG:32610]".format(X0 - 200, X0 + 600, Y0 - 200, Y0 + 300)
    params = {"RADIUS": 150.0, "PIXEL_SIZE": 10.0, "WEIGHT_FIELD": "w", "EXTENT": window}
    a = processing.run("alpr:heatmap", dict(params, INPUT=edited.id(), OUTPUT=str(tmp_path / "a.tif")))
    b = processing.run("alpr:heatmap", dict(params, INPUT=saved, OUTPUT=str(tmp_path / "b.tif")))

    def values(path):
        layer = QgsRasterLayer(path, "r", "gdal")
        assert layer.isValid()
        block = layer.dataProvider().block(1, layer.extent(), layer.width(), layer.height())
        return layer.extent().toString(3), np.frombuffer(bytes(block.data()), dtype=np.float32).copy()

    extent_a, va = values(a["OUTPUT"])
    extent_b, vb = values(b["OUTPUT"])
    assert extent_a == extent_b and va.max() > 0
    np.testing.assert_allclose(va, vb, rtol=1e-6)
