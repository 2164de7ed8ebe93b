"""alpr_qgis.qgis_io.vector: bulk GeoPackage paths agree with QGIS's own feature I/O."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProject,
    QgsVectorLayer,
)

from alpr_qgis.qgis_io.vector import parse_point_blobs, point_blobs, read_frame
from tests.helpers import export_csv


class _Reader(QgsProcessingAlgorithm):
    def name(self):
        return "reader"

    def createInstance(self):
        return _Reader()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "input"))

    def processAlgorithm(self, parameters, context, feedback):
        return {}


@pytest.fixture
def loaded(tmp_path):
    res = processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(tmp_path / "r.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"},
    )
    return res["OUTPUT"]


def _read(value, fields=None):
    alg = _Reader()
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
