"""A temporary output (TEMPORARY_OUTPUT, or a model's memory: intermediate) is a GeoPackage in QGIS's temp folder.

Written by the same bulk writer as any GeoPackage, and read back in bulk by
the next step; still a layer of the run (processing.run returns it) and
loaded into the project under its name when the desktop asks for that.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingUtils,
    QgsProject,
    QgsVectorLayer,
)

from alpr_qgis.qgis_io.vector import FrameStream, blobs, read_frame, write_frame
from tests.helpers import export_csv, export_rows


class _Writer(QgsProcessingAlgorithm):
    """Writes 5 points through write_frame (OUTPUT) and 2 frames of 3 through FrameStream (STREAM)."""

    def name(self):
        return "writer"

    def createInstance(self):
        return _Writer()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", "Written reads"))
        self.addParameter(QgsProcessingParameterFeatureSink("STREAM", "Streamed reads"))

    def processAlgorithm(self, parameters, context, feedback):
        crs = QgsCoordinateReferenceSystem("EPSG:4326")
        table = pd.DataFrame({"k": [1, 2, 3, 4, 5], "s": ["a", None, "c", "d", "e"]})
        x, y = np.array([1.0, 2.0, np.nan, 4.0, 5.0]), np.array([10.0, 20.0, np.nan, 40.0, 50.0])
        dest, n = write_frame(self, parameters, "OUTPUT", context, table, x=x, y=y, crs=crs)
        stream = FrameStream(self, parameters, "STREAM", context, crs)
        stream.append(table.iloc[:3].reset_index(drop=True), x[:3], y[:3])
        stream.append(table.iloc[3:].reset_index(drop=True), x[3:], y[3:], last=True)
        streamed, m = stream.finish()
        return {"OUTPUT": dest, "STREAM": streamed, "N": n, "M": m}


def _in_temp_folder(path: str) -> bool:
    temp = os.path.realpath(QgsProcessingUtils.tempFolder())
    return os.path.realpath(path).startswith(temp + os.sep)


def _gpkg_of(layer: QgsVectorLayer) -> str:
    assert layer.providerType() == "ogr"
    return layer.source().split("|")[0]


@pytest.mark.parametrize(
    "values",
    [
        {"OUTPUT": QgsProcessing.TEMPORARY_OUTPUT, "STREAM": QgsProcessing.TEMPORARY_OUTPUT},
        {"OUTPUT": "memory:Written reads", "STREAM": "memory:Streamed reads"},  # (a model's intermediates)
    ],
)
def test_temporary_output_is_a_geopackage_in_the_temp_folder(values):
    alg = _Writer()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    results, ok = alg.run(values, context, QgsProcessingFeedback())
    assert ok and results["N"] == 5 and results["M"] == 5
    for key in ("OUTPUT", "STREAM"):
        layer = context.getMapLayer(results[key])  # a layer of the run, as a memory layer would be
        assert isinstance(layer, QgsVectorLayer) and layer.isValid()
        path = _gpkg_of(layer)
        assert path.endswith(".gpkg") and _in_temp_folder(path) and os.path.isfile(path)
        assert layer.featureCount() == 5
        rows = sorted((f["k"], f["s"], f.geometry().isNull()) for f in layer.getFeatures())
        assert [r[0] for r in rows] == [1, 2, 3, 4, 5] and rows[2][2] and rows[1][1] == NULL
        # The next step reads it in bulk, through SQLite.
        parameters = {"INPUT": results[key]}
        assert blobs.bulk_gpkg_source(_Reader.made(), parameters, "INPUT", context) == (
            path,
            os.path.basename(path)[:-5],
        )
        frame = read_frame(_Reader.made(), parameters, "INPUT", context)
        assert frame.table["k"].tolist() == [1, 2, 3, 4, 5] and np.isnan(frame.x[2]) and frame.x[3] == 4.0
    assert not context.layersToLoadOnCompletion()  # nothing asked to be loaded


def test_a_memory_layer_asked_for_by_name_stays_one():
    alg = _Writer()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    results, ok = alg.run({"OUTPUT": "memory:mine", "STREAM": "memory:"}, context, QgsProcessingFeedback())
    assert ok
    for key in ("OUTPUT", "STREAM"):
        layer = context.getMapLayer(results[key])
        assert layer.providerType() == "memory" and layer.featureCount() == 5


def test_destination_project_loads_it_under_its_name():
    alg = _Writer()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    project = QgsProject()
    wanted = QgsProcessingOutputLayerDefinition(QgsProcessing.TEMPORARY_OUTPUT, project)
    wanted.destinationName = "My reads"
    results, ok = alg.run({"OUTPUT": wanted, "STREAM": wanted}, context, QgsProcessingFeedback())
    assert ok
    loads = context.layersToLoadOnCompletion()
    assert set(loads) == {results["OUTPUT"], results["STREAM"]}
    for key in ("OUTPUT", "STREAM"):
        details = loads[results[key]]
        assert details.name == "My reads" and details.project is project and details.outputName == key
        assert _in_temp_folder(_gpkg_of(context.getMapLayer(results[key])))


class _Reader(QgsProcessingAlgorithm):
    def name(self):
        return "reader"

    def createInstance(self):
        return _Reader()

    def initAlgorithm(self, config=None):
        from qgis.core import QgsProcessingParameterFeatureSource

        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "input"))

    def processAlgorithm(self, parameters, context, feedback):
        return {}

    @staticmethod
    def made():
        alg = _Reader()
        alg.initAlgorithm()
        return alg


@pytest.fixture
def bulk_reads(monkeypatch):
    """Every GeoPackage file a step reads in bulk (the spy on blobs._gpkg_layer_path)."""
    seen = []
    real = blobs._gpkg_layer_path

    def spy(layer):
        where = real(layer)
        if where is not None:
            seen.append(where[0])
        return where

    monkeypatch.setattr(blobs, "_gpkg_layer_path", spy)
    return seen


def test_processing_run_chain_reads_the_temporary_output_in_bulk(tmp_path, bulk_reads):
    rows = export_rows(120)
    loaded = processing.run(
        "alpr:loadreads",
        {"INPUT": export_csv(tmp_path, rows=rows), "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"},
    )
    layer = loaded["OUTPUT"]
    assert isinstance(layer, QgsVectorLayer) and layer.featureCount() == loaded["READ_COUNT"] > 100
    path = _gpkg_of(layer)
    assert _in_temp_folder(path) and path.endswith(".gpkg")
    bulk_reads.clear()
    processing.run(
        "alpr:heatmap",
        {
            "INPUT": layer,
            "PIXEL_SIZE": 50.0,
            "RADIUS": 200.0,
            "OUTPUT": "TEMPORARY_OUTPUT",
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )
    assert path in bulk_reads


def test_model_intermediate_is_read_in_bulk(tmp_path, bulk_reads):
    """In a graphical model the intermediate (memory:<description> in QGIS 3.22) is a temp GeoPackage."""
    model = QgsProcessingModelAlgorithm("chunked chain", "tests")
    model.addModelParameter(QgsProcessingParameterFile("csv", "export"), QgsProcessingModelParameter("csv"))
    load = QgsProcessingModelChildAlgorithm("alpr:loadreads")
    load.setChildId("load")
    load.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("csv")])
    model.addChildAlgorithm(load)
    heat = QgsProcessingModelChildAlgorithm("alpr:heatmap")
    heat.setChildId("heat")
    heat.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromChildOutput("load", "OUTPUT")])
    heat.addParameterSources("PIXEL_SIZE", [QgsProcessingModelChildParameterSource.fromStaticValue(50.0)])
    heat.addParameterSources("RADIUS", [QgsProcessingModelChildParameterSource.fromStaticValue(200.0)])
    out = QgsProcessingModelOutput("heat_out")
    out.setChildId("heat")
    out.setChildOutputName("OUTPUT")
    heat.setModelOutputs({"heat_out": out})
    model.addChildAlgorithm(heat)
    model.updateDestinationParameters()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results, ok = model.run(
        {"csv": export_csv(tmp_path, rows=export_rows(80)), "heat:heat_out": str(tmp_path / "heat.tif")},
        context,
        QgsProcessingFeedback(),
    )
    assert ok and os.path.isfile(str(tmp_path / "heat.tif"))
    assert any(_in_temp_folder(p) and p.endswith(".gpkg") for p in bulk_reads), bulk_reads
