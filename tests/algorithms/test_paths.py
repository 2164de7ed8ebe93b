"""File inputs and outputs in folders and files whose names hold #, ?, %, spaces and non-ASCII letters.

SQLite opens a read-only file only through a URI, where ``#``, ``?`` and
``%`` mean something: a path pasted into one by hand opens another file
(or creates a stray one).  Every bulk reader, writer and appender, a raster
output and whole algorithms are run on such paths; nothing else appears.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from alpr_qgis.qgis_io import raster
from alpr_qgis.qgis_io.points import open_point_chunks
from alpr_qgis.qgis_io.vector import FrameStream, bulk_gpkg_source, read_chunks, read_frame, read_points, write_frame
from tests.helpers import export_csv, export_rows

FOLDER = "a #1 ?x% é"
# (Not "%" and two hex digits in a GeoPackage that QGIS opens: GDAL 3.6 opens it read-only through a URI of its own,
# unquoted, so QGIS itself cannot load such a file; the plugin writes it, see "rejected %20.gpkg" below.)
NAME = "reads #2 ?v=1&b%x ü.gpkg"


def _tree(root: Path):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


class _Io(QgsProcessingAlgorithm):
    """Writes 6 points with write_frame (OUTPUT) or a FrameStream in two frames (STREAM); reads INPUT."""

    def name(self):
        return "io"

    def createInstance(self):
        return _Io()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "input", optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", "output", optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink("STREAM", "stream", optional=True))

    def processAlgorithm(self, parameters, context, feedback):
        crs = QgsCoordinateReferenceSystem("EPSG:32610")
        table = pd.DataFrame({"k": np.arange(1, 7), "w": [1.0, 2.0, 0.5, 3.0, 1.0, 4.0], "s": list("abcdef")})
        x = np.array([500_000.0, 500_010.0, np.nan, 500_030.0, 500_040.0, 500_050.0])
        y = np.array([4_100_000.0, 4_100_010.0, np.nan, 4_100_030.0, 4_100_040.0, 4_100_050.0])
        out = {}
        if parameters.get("OUTPUT"):
            out["OUTPUT"], _ = write_frame(self, parameters, "OUTPUT", context, table, x=x, y=y, crs=crs)
        if parameters.get("STREAM"):
            stream = FrameStream(self, parameters, "STREAM", context, crs)
            stream.append(table.iloc[:4].reset_index(drop=True), x[:4], y[:4])
            stream.append(table.iloc[4:].reset_index(drop=True), x[4:], y[4:], last=True)
            out["STREAM"], _ = stream.finish()
        return out


def _run(parameters):
    alg = _Io()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results, ok = alg.run(parameters, context, QgsProcessingFeedback())
    assert ok
    return alg, context, results


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # (a stray file made from a cut path would land here, or beside the folder)
    path = tmp_path / FOLDER
    path.mkdir()
    return path


def _read_back(value: str) -> None:
    """Every bulk reader gives the 6 rows written (5 located), through SQLite."""
    alg, context, _ = _run({})
    parameters = {"INPUT": value}
    assert bulk_gpkg_source(alg, parameters, "INPUT", context) is not None
    frame = read_frame(alg, parameters, "INPUT", context)
    assert frame.table["k"].tolist() == [1, 2, 3, 4, 5, 6] and np.isnan(frame.x[2])
    assert frame.x[5] == 500_050.0 and frame.crs.authid() == "EPSG:32610"
    with read_chunks(alg, parameters, "INPUT", context, chunk_rows=4) as chunks:
        parts = list(chunks)
    assert [len(p.table) for p in parts] == [4, 2]
    pd.testing.assert_frame_equal(pd.concat([p.table for p in parts], ignore_index=True), frame.table)
    points = read_points(alg, parameters, "INPUT", context, "w")
    assert points.features == 6 and points.x.tolist() == frame.x[~np.isnan(frame.x)].tolist()
    assert points.weights.tolist() == [1.0, 2.0, 3.0, 1.0, 4.0]
    source = open_point_chunks(alg, parameters, "INPUT", context)
    assert source is not None
    with source:
        assert sum(len(c[0]) for c in source.chunks()) == 5


def test_bulk_readers_writers_and_appender(folder, tmp_path):
    gpkg = folder / NAME
    streamed = folder / "streamed #3 ?%.gpkg"
    _run({"OUTPUT": str(gpkg), "STREAM": str(streamed)})
    listing = [FOLDER, os.path.join(FOLDER, NAME), os.path.join(FOLDER, streamed.name)]
    assert _tree(tmp_path) == listing
    _read_back(str(gpkg))
    _read_back(str(streamed))
    # Another layer into the existing GeoPackage: written in that file through SQLite (the appender).
    _run({"OUTPUT": "{}|layername=more".format(gpkg)})
    more = QgsVectorLayer("{}|layername=more".format(gpkg), "more", "ogr")
    assert more.isValid() and more.featureCount() == 6
    _read_back("{}|layername=more".format(gpkg))
    assert _tree(tmp_path) == listing


def test_raster_output(folder, tmp_path):
    path = str(folder / "heat #4 ?% é.tif")
    strips = [(0, np.arange(10, dtype=np.float32).reshape(2, 5)), (2, np.full((1, 5), 7, dtype=np.float32))]
    crs = QgsCoordinateReferenceSystem("EPSG:32610")
    raster.write_geotiff_strips(path, strips, 3, 5, (10.0, 2.0, 0.0, 50.0, 0.0, -2.0), crs, -9999.0)
    layer = QgsRasterLayer(path, "heat", "gdal")
    assert layer.isValid() and (layer.width(), layer.height()) == (5, 3)
    block = layer.dataProvider().block(1, layer.extent(), 5, 3)
    assert block.value(1, 4) == 9.0 and block.value(2, 0) == 7.0
    assert _tree(tmp_path) == [FOLDER, os.path.join(FOLDER, "heat #4 ?% é.tif")]


def test_algorithms_through_processing_run(folder, tmp_path):
    """alpr:loadreads reads a CSV and writes GeoPackages there; alpr:heatmap reads them and writes a GeoTIFF."""
    src = export_csv(folder, name="export #5 ?.csv", rows=export_rows(60))
    loaded = processing.run(
        "alpr:loadreads",
        {"INPUT": src, "OUTPUT": str(folder / "loaded ?é.gpkg"), "REJECTED": str(folder / "rejected %20.gpkg")},
    )
    assert loaded["READ_COUNT"] + loaded["REJECTED_COUNT"] == 60 and loaded["READ_COUNT"] > 40
    layer = QgsVectorLayer(loaded["OUTPUT"], "loaded", "ogr")
    assert layer.isValid() and layer.featureCount() == loaded["READ_COUNT"]
    heat = processing.run(
        "alpr:heatmap",
        {"INPUT": loaded["OUTPUT"], "RADIUS": 200.0, "PIXEL_SIZE": 50.0, "OUTPUT": str(folder / "heat #6.tif")},
    )
    tif = QgsRasterLayer(heat["OUTPUT"], "heat", "gdal")
    assert tif.isValid() and tif.dataProvider().bandStatistics(1).maximumValue > 0
    expected = {"export #5 ?.csv", "loaded ?é.gpkg", "rejected %20.gpkg", "heat #6.tif"}
    names = set(os.listdir(folder))
    assert expected <= names and names - expected <= {"heat #6.qml", "heat #6.tif.aux.xml"}, names
    assert os.listdir(tmp_path) == [FOLDER]


def test_reads_streamed_in_parts_through_the_workers_files(folder, tmp_path, monkeypatch):
    """A file read part by part: the workers' SQLite files (beside the output) are attached by name and copied."""
    from alpr_qgis.core.reads import streaming
    from alpr_qgis.qgis_io.vector import stream

    src = export_csv(folder, name="big ?#%.csv", rows=export_rows(300))
    whole = processing.run(
        "alpr:loadreads", {"INPUT": src, "OUTPUT": str(folder / "whole.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"}
    )
    monkeypatch.setattr(streaming, "STREAM_PART_BYTES", 700)
    stored = []
    real = stream.FrameStream.append_stored
    monkeypatch.setattr(
        stream.FrameStream,
        "append_stored",
        lambda self, t, s, *a, **k: stored.append(s.rows) or real(self, t, s, *a, **k),
    )
    out = folder / "parts #7 ?%x é.gpkg"
    parts = processing.run("alpr:loadreads", {"INPUT": src, "OUTPUT": str(out), "REJECTED": "TEMPORARY_OUTPUT"})
    assert parts["READ_COUNT"] == whole["READ_COUNT"] > 250
    assert stored and sum(stored) <= parts["READ_COUNT"]  # (some parts went through the workers' files)

    def rows(path):
        layer = QgsVectorLayer(path, "r", "ogr")
        return sorted((f["read_id"], f["plate"], f.geometry().asWkt(6)) for f in layer.getFeatures())

    assert rows(str(out)) == rows(whole["OUTPUT"])
    assert sorted(os.listdir(folder)) == sorted(["big ?#%.csv", "whole.gpkg", out.name])
    assert os.listdir(tmp_path) == [FOLDER]
