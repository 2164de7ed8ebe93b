"""alpr:heatmap on a GeoPackage in degrees: projected a chunk at a time, the raster of the whole-array path.

A layer not in metres is projected to its UTM zone.  Read whole (a memory
layer), its points are projected at once and added to the builder in one
call; a GeoPackage is read a chunk at a time, each chunk projected into a
scratch file, then (the projected extent known) read back into the
builder.  Both must give the same raster, cell for cell, the same counts
and the same messages.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsProcessingFeedback

from alpr_qgis.core import kde
from alpr_qgis.qgis_io import density_input, points
from tests.algorithms.test_heatmap import points_layer, read_tif
from tests.processing_fixtures import RecordingFeedback

LON0, LAT0 = -122.27, 37.80  # UTM zone 10N


def lonlat_reads(n, seed):
    """Clustered reads in degrees, some stacked on one spot, a line of them, all within a few km."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, [0.03, 0.02], (4, 2))
    xy = centres[rng.integers(0, 4, n)] + rng.normal(0, 0.0015, (n, 2))
    xy[: n // 10] = (0.012, 0.008)
    line = n // 5 - n // 10
    xy[n // 10 : n // 5] = np.column_stack([np.linspace(0, 0.03, line), np.full(line, 0.01)])
    return [(LON0 + x, LAT0 + y) for x, y in xy.round(7)]


def gpkg_layer(tmp_path, xy, weights=None, name="reads"):
    """A GeoPackage in EPSG:4326 written by QGIS (read in chunks by alpr:heatmap)."""
    from qgis.core import QgsProject, QgsVectorFileWriter

    layer = points_layer(xy, weights, crs="EPSG:4326", name=name)
    path = str(tmp_path / "{}.gpkg".format(name))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, QgsProject.instance().transformContext(), options)[0]
    assert err == QgsVectorFileWriter.NoError
    return path


class _Temp:
    """Stands for ``QgsProcessingUtils`` in ``density_input``: its scratch goes to a folder of the test's."""

    def __init__(self, folder):
        self.folder = str(folder)
        os.makedirs(self.folder, exist_ok=True)

    def tempFolder(self):  # noqa: N802 (QGIS's name)
        return self.folder


def run_both(tmp_path, monkeypatch, xy, weights=None, chunk=7, **params):
    """(chunked values, whole values, chunked result, whole result, chunked messages, whole messages)."""
    params = {"RADIUS": 150.0, "PIXEL_SIZE": 10.0, **params}
    if weights is not None:
        params["WEIGHT_FIELD"] = "w"
    temp = _Temp(tmp_path / "processing_temp")
    monkeypatch.setattr(density_input, "QgsProcessingUtils", temp)
    whole_feedback, chunked_feedback = RecordingFeedback(), RecordingFeedback()
    layer = points_layer(xy, weights, crs="EPSG:4326", name="reads")
    whole = processing.run(
        "alpr:heatmap", {"INPUT": layer, **params, "OUTPUT": str(tmp_path / "whole.tif")}, feedback=whole_feedback
    )
    path = gpkg_layer(tmp_path, xy, weights)
    monkeypatch.setattr(points, "CHUNK", chunk)

    def fail(*args, **kwargs):
        raise AssertionError("the GeoPackage was read whole")

    monkeypatch.setattr(density_input, "read_points", fail)
    chunked = processing.run(
        "alpr:heatmap", {"INPUT": path, **params, "OUTPUT": str(tmp_path / "chunked.tif")}, feedback=chunked_feedback
    )
    assert os.listdir(temp.folder) == []  # the scratch folder is gone
    a, a_gt, a_crs, _ = read_tif(tmp_path / "chunked.tif")
    w, w_gt, w_crs, _ = read_tif(tmp_path / "whole.tif")
    assert a_gt == w_gt and a_crs == w_crs and a.shape == w.shape
    return a, w, chunked, whole, _logged(chunked_feedback), _logged(whole_feedback)


def _logged(feedback):
    """The messages but the results line (which names the output's path)."""
    return [m for m in feedback.messages if not m.startswith("Results:")]


@pytest.mark.parametrize("fast", [False, True], ids=["exact", "fft"])
@pytest.mark.parametrize("kernel", [0, 3, 4], ids=["quartic", "triweight", "uniform"])
def test_chunks_give_the_raster_of_the_whole_array(tmp_path, monkeypatch, kernel, fast):
    if fast:
        monkeypatch.setattr(kde.tuning, "EXACT_BUDGET", 0)
        monkeypatch.setattr(kde.tuning, "STRIP_ROWS", 9)
    xy = lonlat_reads(1500, kernel) + [None, None]
    a, w, chunked, whole, a_msgs, w_msgs = run_both(tmp_path, monkeypatch, xy, KERNEL=kernel)
    np.testing.assert_array_equal(a, w)
    assert (a != -9999).sum() > 1000 and a.max() > 0
    assert chunked["POINT_COUNT"] == whole["POINT_COUNT"] == 1500
    assert a_msgs == w_msgs
    assert any("Projected to EPSG:32610" in m for m in a_msgs)
    assert any("2 points without geometry skipped" in m for m in a_msgs)


def test_weights_and_one_chunk_per_point(tmp_path, monkeypatch):
    monkeypatch.setattr(kde.tuning, "EXACT_BUDGET", 0)
    xy = lonlat_reads(300, 5)
    weights = [None if i % 40 == 0 else 0.25 + (i % 5) for i in range(len(xy))]
    a, w, chunked, whole, a_msgs, w_msgs = run_both(tmp_path, monkeypatch, xy, weights, chunk=1, OUTPUT_VALUE=1)
    np.testing.assert_array_equal(a, w)
    assert chunked["POINT_COUNT"] == whole["POINT_COUNT"] == 300 and a_msgs == w_msgs


def test_an_extent_window(tmp_path, monkeypatch):
    monkeypatch.setattr(kde.tuning, "EXACT_BUDGET", 0)
    extent = "{},{},{},{} [EPSG:4326]".format(LON0 + 0.005, LON0 + 0.02, LAT0 + 0.004, LAT0 + 0.015)
    a, w, chunked, whole, a_msgs, w_msgs = run_both(tmp_path, monkeypatch, lonlat_reads(900, 8), EXTENT=extent)
    np.testing.assert_array_equal(a, w)
    assert chunked["POINT_COUNT"] == whole["POINT_COUNT"] < 900 and a_msgs == w_msgs


def test_points_that_cannot_be_projected_are_left_out_with_the_same_warning(tmp_path, monkeypatch):
    xy = lonlat_reads(200, 3)
    xy[50] = xy[120] = (LON0, 95.0)  # beyond the pole: no UTM position
    a, w, chunked, whole, a_msgs, w_msgs = run_both(tmp_path, monkeypatch, xy, chunk=16)
    np.testing.assert_array_equal(a, w)
    assert chunked["POINT_COUNT"] == whole["POINT_COUNT"] == 198
    assert a_msgs == w_msgs and any("2 points could not be projected to EPSG:32610" in m for m in a_msgs)


def test_errors_are_those_of_the_whole_array(tmp_path, monkeypatch):
    monkeypatch.setattr(points, "CHUNK", 2)
    out = str(tmp_path / "x.tif")
    nowhere = gpkg_layer(tmp_path, [None] * 3, name="nowhere")
    with pytest.raises(QgsProcessingException, match='Layer "nowhere": none of its 3 features has a geometry'):
        processing.run("alpr:heatmap", {"INPUT": nowhere, "OUTPUT": out})
    pole = gpkg_layer(tmp_path, [(LON0, 95.0), (LON0, 96.0), None], name="pole")
    with pytest.raises(QgsProcessingException, match="None of the points could be projected to EPSG:32610"):
        processing.run("alpr:heatmap", {"INPUT": pole, "OUTPUT": out})
    assert not os.path.exists(out)


def test_cancel_while_projecting_writes_nothing_and_removes_the_scratch(tmp_path, monkeypatch):
    temp = _Temp(tmp_path / "processing_temp")
    monkeypatch.setattr(density_input, "QgsProcessingUtils", temp)
    monkeypatch.setattr(points, "CHUNK", 50)
    path = gpkg_layer(tmp_path, lonlat_reads(600, 1))
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: progress > 10 and feedback.cancel())
    out = tmp_path / "c.tif"
    res = processing.run("alpr:heatmap", {"INPUT": path, "OUTPUT": str(out)}, feedback=feedback)
    assert "POINT_COUNT" not in res and not out.exists()
    assert os.listdir(temp.folder) == []
