"""alpr:heatmap on PostGIS: the points binned to the raster's grid in the database, the file path's raster.

Each case runs alpr:heatmap from a GeoPackage (the file path) and from the
same rows in PostGIS, and compares the two GeoTIFFs: the same size,
geotransform, CRS and no-data cells, values equal to float32 rounding (the
file path itself sums in float32 a batch at a time: the order of additions
moves a value by a few units in the last place of the largest), the same
POINT_COUNT and MAXIMUM.  For the FFT kernels only a few rows per occupied
cell, the raster's edge points and the frontier's points come back.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from osgeo import gdal
from qgis import processing
from qgis.core import QgsProcessingException

from tests.postgis.pairs import gpkg_to_postgis

CLEAN_READS = 62_303


def fetched(feedback) -> int:
    found = re.findall(r"Worked in the database \(.*\): (\d+) rows came back to QGIS", feedback.text())
    assert found, "the run did not say it worked in the database"
    return int(found[-1])


def read_tif(path):
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    out = band.ReadAsArray().astype(float), ds.GetGeoTransform(), ds.GetProjection(), band.GetNoDataValue()
    ds = None
    return out


@pytest.fixture(scope="module")
def clean_pair(pg, sample_pair, tmp_path_factory) -> dict:
    """The cleaned sample week (degrees) as a GeoPackage and as a PostGIS table."""
    out = str(tmp_path_factory.mktemp("heatmap_clean") / "clean.gpkg")
    processing.run("alpr:cleanreads", {"INPUT": sample_pair["gpkg"], "OUTPUT": out})
    return {"gpkg": out, "pg": gpkg_to_postgis(pg, out, "heatmap_clean_reads")}


@pytest.fixture(scope="module")
def metric_pair(pg, tmp_path_factory) -> dict:
    """Reads in UTM 10N: 85 % at 100 fixed cameras (the same place every time), 15 % from patrol cars around the
    centre; a weight (some null) and a few without geometry."""
    rng = np.random.default_rng(11)
    n = 40_000
    sites = rng.integers(0, 100, n - 6000)
    site_x, site_y = rng.uniform(563_000, 569_000, 100), rng.uniform(4_181_000, 4_187_000, 100)
    x = np.r_[site_x[sites], rng.normal(566_000, 900, 6000)]
    y = np.r_[site_y[sites], rng.normal(4_184_000, 700, 6000)]
    x[:5], y[:5] = np.nan, np.nan
    weight = rng.uniform(0.0, 3.0, n)
    weight[rng.random(n) < 0.05] = np.nan
    frame = pd.DataFrame({"read_id": np.arange(1, n + 1), "plate": ["P"] * n, "weight": weight})
    folder = tmp_path_factory.mktemp("heatmap_metric")
    path = str(folder / "points.gpkg")
    _write_gpkg(path, frame, x, y, 32610)
    return {"gpkg": path, "pg": gpkg_to_postgis(pg, path, "heatmap_metric_points")}


def _write_gpkg(path: str, frame: pd.DataFrame, x, y, epsg: int) -> None:
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    layer = ds.CreateLayer("points", srs, ogr.wkbPoint)
    layer.CreateField(ogr.FieldDefn("read_id", ogr.OFTInteger64))
    layer.CreateField(ogr.FieldDefn("plate", ogr.OFTString))
    layer.CreateField(ogr.FieldDefn("weight", ogr.OFTReal))
    layer.StartTransaction()
    for i, row in enumerate(frame.itertuples(index=False)):
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetField("read_id", int(row.read_id))
        f.SetField("plate", row.plate)
        if not np.isnan(row.weight):
            f.SetField("weight", float(row.weight))
        if not np.isnan(x[i]):
            f.SetGeometry(ogr.CreateGeometryFromWkt("POINT ({!r} {!r})".format(float(x[i]), float(y[i]))))
        layer.CreateFeature(f)
    layer.CommitTransaction()
    ds = None


def both(pair, tmp_path, params, Feedback):  # noqa: N803
    """(file values, PostGIS values, file result, PostGIS result, PostGIS feedback), grids checked equal."""
    file_fb, pg_fb = Feedback(), Feedback()
    on_file = processing.run(
        "alpr:heatmap", {"INPUT": pair["gpkg"], **params, "OUTPUT": str(tmp_path / "file.tif")}, feedback=file_fb
    )
    on_pg = processing.run(
        "alpr:heatmap", {"INPUT": pair["pg"], **params, "OUTPUT": str(tmp_path / "pg.tif")}, feedback=pg_fb
    )
    assert "Worked in the database" not in file_fb.text()
    a, a_gt, a_crs, a_nodata = read_tif(on_file["OUTPUT"])
    b, b_gt, b_crs, b_nodata = read_tif(on_pg["OUTPUT"])
    assert a.shape == b.shape and a_crs == b_crs and a_nodata == b_nodata == -9999
    np.testing.assert_allclose(b_gt, a_gt, rtol=1e-12, atol=1e-9)
    return a, b, on_file, on_pg, pg_fb


def assert_same_raster(a, b, on_file, on_pg, tolerance=2e-6):
    np.testing.assert_array_equal(b == -9999, a == -9999)
    top = float(a.max())
    assert top > 0
    assert np.abs(b - a).max() <= tolerance * top
    assert on_pg["POINT_COUNT"] == on_file["POINT_COUNT"]
    assert on_pg["MAXIMUM"] == pytest.approx(on_file["MAXIMUM"], rel=tolerance)


@pytest.fixture
def Feedback():  # noqa: N802 (a class handed out)
    from tests.processing_fixtures import RecordingFeedback

    return RecordingFeedback


@pytest.mark.parametrize(
    ("params", "method"),
    [
        ({"RADIUS": 300.0, "PIXEL_SIZE": 10.0}, "fft-linear"),
        ({"RADIUS": 110.0, "PIXEL_SIZE": 10.0, "KERNEL": 3, "OUTPUT_VALUE": 1}, "fft-cubic"),
        ({"RADIUS": 250.0, "PIXEL_SIZE": 20.0, "EXTENT": "563000,566500,4181000,4184500 [EPSG:32610]"}, "fft-cubic"),
    ],
    ids=["quartic-linear", "triweight-cubic-scaled", "extent"],
)
def test_heatmap_same_as_file(clean_pair, tmp_path, Feedback, params, method):  # noqa: N803
    a, b, on_file, on_pg, fb = both(clean_pair, tmp_path, params, Feedback)
    assert_same_raster(a, b, on_file, on_pg)
    assert "({})".format(method) in fb.text() and "Projected to EPSG:32610" in fb.text()
    if "EXTENT" not in params:
        assert on_pg["POINT_COUNT"] == CLEAN_READS
    else:
        assert "points outside the extent" in fb.text()
    if method == "fft-linear":  # (the sample is sparse at 10 m: about one read per occupied cell)
        assert fetched(fb) < 0.8 * CLEAN_READS


@pytest.mark.parametrize(
    ("params", "dense"),
    [
        ({"RADIUS": 400.0, "PIXEL_SIZE": 25.0, "WEIGHT_FIELD": "weight"}, False),
        ({"RADIUS": 1000.0, "PIXEL_SIZE": 50.0}, True),
        ({"RADIUS": 1100.0, "PIXEL_SIZE": 100.0, "KERNEL": 3, "OUTPUT_VALUE": 1}, True),
    ],
    ids=["weighted", "dense-linear", "dense-cubic"],
)
def test_heatmap_metric_table(metric_pair, tmp_path, Feedback, params, dense):  # noqa: N803
    a, b, on_file, on_pg, fb = both(metric_pair, tmp_path, params, Feedback)
    assert_same_raster(a, b, on_file, on_pg)
    assert "Projected" not in fb.text() and "5 points without geometry skipped" in fb.text()
    assert on_pg["POINT_COUNT"] == 40_000 - 5
    # Rows back grow with the occupied cells, not the reads: at 50 m and 100 m pixels the cameras' reads share
    # their cells (what still comes back: the patrol reads' cells, the edge's and the frontier's places).
    assert fetched(fb) < (0.1 if dense else 0.9) * 40_000


def test_heatmap_point_by_point_kernels_stream_the_points(metric_pair, tmp_path, Feedback):  # noqa: N803
    """Uniform kernel (exact runs per point): every point comes back, in chunks; the same raster."""
    params = {"RADIUS": 300.0, "PIXEL_SIZE": 25.0, "KERNEL": 2}
    a, b, on_file, on_pg, fb = both(metric_pair, tmp_path, params, Feedback)
    assert_same_raster(a, b, on_file, on_pg, tolerance=1e-6)
    assert "(spans)" in fb.text() and fetched(fb) >= 40_000 - 5


def test_heatmap_errors_name_table_and_field_never_the_socket(pg, metric_pair, tmp_path, Feedback):  # noqa: N803
    from tests.postgis.test_joins_pushdown import small_table

    frame = pd.DataFrame({"read_id": [1, 2], "plate": ["A", "B"]})
    empty = small_table(pg, "heatmap_unlocated", frame, [np.nan] * 2, [np.nan] * 2)
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("alpr:heatmap", {"INPUT": empty, "OUTPUT": str(tmp_path / "x.tif")}, feedback=Feedback())
    text = str(raised.value)
    assert "heatmap_unlocated" in text and "2 features" in text and pg.host not in text
    params = {"INPUT": metric_pair["pg"], "WEIGHT_FIELD": "no such weight", "OUTPUT": str(tmp_path / "w.tif")}
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("alpr:heatmap", params, feedback=Feedback())
    text = str(raised.value)
    assert '"no such weight"' in text and "WEIGHT_FIELD" in text and "heatmap_metric_points" in text
    assert pg.host not in text and not (tmp_path / "w.tif").exists()


def test_heatmap_cancel_stops_the_statement_and_writes_nothing(pg, tmp_path):
    """A cancel while the database bins 3 million points: the statement is cancelled on the server, no raster."""
    import threading
    import time

    import psycopg2
    from qgis.core import QgsProcessingFeedback

    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cur:
        cur.execute(
            "DROP TABLE IF EXISTS heatmap_cancel_reads; CREATE TABLE heatmap_cancel_reads AS"
            " SELECT i AS read_id, ST_SetSRID(ST_MakePoint(-122.35 + 0.2 * random(), 37.7 + 0.18 * random()),"
            " 4326)::geometry(Point, 4326) AS geom FROM generate_series(1, 3000000) AS i; ANALYZE heatmap_cancel_reads"
        )
    from tests.postgis.pairs import source

    feedback = QgsProcessingFeedback()
    out = tmp_path / "cancelled.tif"
    cancelled_at = []

    def cancel() -> None:
        cancelled_at.append(time.monotonic())
        feedback.cancel()

    timer = threading.Timer(2.0, cancel)
    timer.start()
    results = {}
    try:
        results = processing.run(
            "alpr:heatmap",
            {"INPUT": source(pg, "heatmap_cancel_reads"), "RADIUS": 300.0, "PIXEL_SIZE": 10.0, "OUTPUT": str(out)},
            feedback=feedback,
        )
    except QgsProcessingException:
        pass  # (QGIS may report a cancelled run as failed)
    finally:
        returned = time.monotonic()
        timer.cancel()
    assert cancelled_at and not results  # (cancelled while the database worked, not after)
    assert returned - cancelled_at[0] < 3.0
    assert not out.exists()
