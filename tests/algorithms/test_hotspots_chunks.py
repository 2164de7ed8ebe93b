"""alpr:hotspots reads a few rows at a time and keeps only counts per hexagon: the output of every read at once.

``whole_array`` is what the algorithm computed when it held every read
(projected together, ``grid_cells`` and ``core.hotspots.hotspots`` on the
arrays); the algorithm, reading 7 rows at a time (``hex_reads.CHUNK_ROWS``),
must write the same hexagons with the same values, and count the same
reads outside and without a location.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.core.hotspots import grid_cells, hotspots
from alpr_qgis.qgis_io import crs as crs_module
from alpr_qgis.qgis_io import hex_reads
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from tests.algorithms.test_hotspots import ORIGIN, UTM, points_layer, polygon_layer
from tests.processing_fixtures import RecordingFeedback

COLUMNS = ["read_count", "gi_z", "gi_p", "hotspot_class", "hotspot_label", "neighbour_count"]
LON0, LAT0 = -122.27, 37.80


def metric_reads(seed):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(0, 4000, 700), 2600 + rng.normal(0, 150, 300)])
    y = np.concatenate([rng.uniform(0, 4000, 700), 1400 + rng.normal(0, 150, 300)])
    xy = list(zip((x + ORIGIN[0]).round(2).tolist(), (y + ORIGIN[1]).round(2).tolist()))
    return xy[:500] + [None, None] + xy[500:]


def degree_reads(seed):
    rng = np.random.default_rng(seed)
    lon = np.concatenate([rng.uniform(0, 0.045, 700), 0.03 + rng.normal(0, 0.002, 300)])
    lat = np.concatenate([rng.uniform(0, 0.035, 700), 0.012 + rng.normal(0, 0.002, 300)])
    xy = list(zip((lon + LON0).round(7).tolist(), (lat + LAT0).round(7).tolist()))
    return xy[:300] + [None] + xy[300:]


def gpkg(tmp_path, xy, crs, name="reads"):
    layer = points_layer(xy, crs, name)
    path = str(tmp_path / "{}.gpkg".format(name))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, QgsProject.instance().transformContext(), options)[0]
    assert err == QgsVectorFileWriter.NoError
    return path


def whole_array(xy, crs_id, cell, band, work=None):
    """(table, outside, CRS): the algorithm's computation on every read at once, as it was."""
    crs = QgsCoordinateReferenceSystem(crs_id)
    x = np.array([p[0] if p else np.nan for p in xy])
    y = np.array([p[1] if p else np.nan for p in xy])
    work = work or working_crs(crs, x, y)
    px, py = transform_xy(x, y, crs, work)
    located = np.isfinite(x) & np.isfinite(y)
    px, py = px[located], py[located]
    good = np.isfinite(px) & np.isfinite(py)
    grid = HexGrid(cell)
    q, r = grid_cells(grid, x=px[good], y=py[good])
    result = hotspots(grid, q, r, px[good], py[good], band)
    return result.table, result.outside + int((~good).sum()), work, grid.wkb(q, r)


class _Temp:
    def __init__(self, folder):
        self.folder = str(folder)
        os.makedirs(self.folder, exist_ok=True)

    def tempFolder(self):  # noqa: N802 (QGIS's name)
        return self.folder


def run_chunked(tmp_path, monkeypatch, source, feedback=None, **params):
    monkeypatch.setattr(hex_reads, "CHUNK_ROWS", 7)
    temp = _Temp(tmp_path / "processing_temp")
    monkeypatch.setattr(hex_reads, "QgsProcessingUtils", temp)
    out = str(tmp_path / "hot.gpkg")
    base = {"CELL_SIZE": 500.0, "DISTANCE_BAND": 1000.0, "INPUT": source, "OUTPUT": out}
    res = processing.run("alpr:hotspots", {**base, **params}, feedback=feedback)
    assert os.listdir(temp.folder) == []  # no scratch left
    layer = QgsVectorLayer(out, "hot", "ogr")
    features = sorted(layer.getFeatures(), key=lambda f: f.id())
    values = {c: [f[c] for f in features] for c in COLUMNS}
    wkb = [f.geometry() for f in features]
    return res, values, layer.crs(), wkb


def assert_same(res, values, out_crs, geometries, expected, skipped):
    table, outside, work, wkb = expected
    assert out_crs == work
    assert res["CELL_COUNT"] == len(table) and res["OUTSIDE_COUNT"] == outside
    assert res["MISSING_LOCATION_COUNT"] == skipped
    for c in COLUMNS:
        assert values[c] == table[c].tolist(), c
    assert res["HOT_COUNT"] == int((table["hotspot_class"] > 0).sum()) > 0
    from qgis.core import QgsGeometry

    for got, raw in zip(geometries, wkb):
        want = QgsGeometry()
        want.fromWkb(raw)
        assert got.equals(want) or got.asWkt(3) == want.asWkt(3)


@pytest.mark.parametrize("kind", ["gpkg", "memory"])
def test_metric_reads_without_boundary(tmp_path, monkeypatch, kind):
    xy = metric_reads(1)
    source = gpkg(tmp_path, xy, UTM) if kind == "gpkg" else points_layer(xy)
    got = run_chunked(tmp_path, monkeypatch, source)
    assert_same(*got, whole_array(xy, UTM, 500.0, 1000.0), skipped=2)


def test_reads_in_degrees_without_boundary_sample_their_zone_as_before(tmp_path, monkeypatch):
    """The UTM zone from a sample of every read (a small sample here: every 7th read, across chunks)."""
    monkeypatch.setattr(crs_module, "_SAMPLE", 150)
    monkeypatch.setattr(hex_reads, "_SAMPLE", 150)
    xy = degree_reads(2)
    feedback = RecordingFeedback()
    got = run_chunked(tmp_path, monkeypatch, gpkg(tmp_path, xy, "EPSG:4326"), feedback, CELL_SIZE=300.0)
    expected = whole_array(xy, "EPSG:4326", 300.0, 1000.0)
    assert expected[2].authid() == "EPSG:32610"
    assert_same(*got, expected, skipped=1)
    assert any("Projected to EPSG:32610" in m for m in feedback.messages)


def test_sample_is_the_one_working_crs_takes(tmp_path, monkeypatch):
    monkeypatch.setattr(hex_reads, "_SAMPLE", 10)
    rng = np.random.default_rng(5)
    x, y = rng.uniform(size=95), rng.uniform(size=95)
    sizes = [7, 0, 30, 1, 20, 37]
    with open(tmp_path / "spill.f8", "w+b") as spill:
        start = 0
        for n in sizes:
            x[start : start + n].tofile(spill)
            y[start : start + n].tofile(spill)
            start += n
        sx, sy = hex_reads._sample(spill, sizes, 95)
    step = 95 // 10 + 1
    np.testing.assert_array_equal(sx, x[::step])
    np.testing.assert_array_equal(sy, y[::step])


def test_reads_in_degrees_with_a_boundary(tmp_path, monkeypatch):
    xy = degree_reads(3)
    boundary = polygon_layer(
        "POLYGON(({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))".format(
            LON0 + 0.005, LAT0 + 0.005, LON0 + 0.04, LAT0 + 0.03
        ),
        crs="EPSG:4326",
    )
    got = run_chunked(tmp_path, monkeypatch, gpkg(tmp_path, xy, "EPSG:4326"), BOUNDARY=boundary)
    res, values = got[0], got[1]
    centre = boundary.extent().center()
    work = working_crs(boundary.crs(), np.array([centre.x()]), np.array([centre.y()]))
    crs = QgsCoordinateReferenceSystem("EPSG:4326")
    x = np.array([p[0] for p in xy if p])
    y = np.array([p[1] for p in xy if p])
    px, py = transform_xy(x, y, crs, work)
    from alpr_qgis.qgis_io.boundary import boundary_area

    grid = HexGrid(500.0)
    area = boundary_area(boundary, "BOUNDARY", work, QgsProject.instance().transformContext(), lambda: False)
    q, r = grid_cells(grid, area=area)
    expected = hotspots(grid, q, r, px, py, 1000.0)
    assert got[2] == work and res["OUTSIDE_COUNT"] == expected.outside > 0
    for c in COLUMNS:
        assert values[c] == expected.table[c].tolist(), c


def test_reads_that_cannot_be_projected_count_outside(tmp_path, monkeypatch):
    xy = degree_reads(4)
    xy[10] = xy[700] = (LON0, 95.0)
    feedback = RecordingFeedback()
    got = run_chunked(tmp_path, monkeypatch, gpkg(tmp_path, xy, "EPSG:4326"), feedback)
    expected = whole_array(xy, "EPSG:4326", 500.0, 1000.0)
    assert expected[1] == 2
    assert_same(*got, expected, skipped=1)
    assert any("2 reads could not be projected to EPSG:32610" in m for m in feedback.messages)


def test_errors_and_cancel(tmp_path, monkeypatch):
    monkeypatch.setattr(hex_reads, "CHUNK_ROWS", 3)
    temp = _Temp(tmp_path / "processing_temp")
    monkeypatch.setattr(hex_reads, "QgsProcessingUtils", temp)
    base = {"CELL_SIZE": 500.0, "DISTANCE_BAND": 1000.0, "OUTPUT": str(tmp_path / "x.gpkg")}
    with pytest.raises(QgsProcessingException, match="None of the 4 reads in INPUT has a location"):
        processing.run("alpr:hotspots", {**base, "INPUT": gpkg(tmp_path, [None] * 4, "EPSG:4326", "nowhere")})
    pole = gpkg(tmp_path, [(LON0, 95.0), (LON0, 96.0), None, (LON0, 97.0)], "EPSG:4326", "pole")
    with pytest.raises(QgsProcessingException, match="None of the reads could be projected to"):
        processing.run("alpr:hotspots", {**base, "INPUT": pole})
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda progress: progress > 5 and feedback.cancel())
    res = processing.run(
        "alpr:hotspots", {**base, "INPUT": gpkg(tmp_path, degree_reads(6), "EPSG:4326")}, feedback=feedback
    )
    assert "CELL_COUNT" not in res and not os.path.exists(base["OUTPUT"])
    assert os.listdir(temp.folder) == []
