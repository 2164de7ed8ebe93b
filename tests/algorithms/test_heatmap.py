"""alpr:heatmap through processing.run, compared cell by cell with QGIS's own heatmap.

Each parity test runs ``qgis:heatmapkerneldensityestimation`` and
``alpr:heatmap`` on the same points and reads both GeoTIFFs with GDAL: same
size, geotransform, CRS and no-data cells, values within 0.5 % of the
largest value (the contract says 1 %).  ``fast`` runs force the fast
methods (spans / FFT) on these small inputs, which would otherwise be
computed point by point.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)

from alpr_qgis.core import kde
from alpr_qgis.qgis_io import raster

UTM = "EPSG:32610"
X0, Y0 = 565_000.0, 4_183_000.0  # Oakland-ish, UTM zone 10N
RNG = np.random.default_rng(2024)
RANDOM = [(X0 + x, Y0 + y) for x, y in RNG.uniform(0, [420, 310], (36, 2)).round(2)]
CLUSTERED = [(X0 + 150 + dx, Y0 + 120 + dy) for dx, dy in RNG.normal(0, 25, (30, 2)).round(1)] + [(X0, Y0)] * 6
# On the extent's edges and on cell edges (whole pixels from the grown extent's corner).
EDGES = [(X0, Y0), (X0 + 100, Y0), (X0 + 50, Y0 + 60), (X0, Y0 + 60), (X0 + 100, Y0 + 30), (X0 + 30, Y0)]


def points_layer(xy, weights=None, crs=UTM, name="points_layer", geometry="Point"):
    """A memory layer; ``None`` in ``xy`` makes a feature without geometry, a list of pairs a multipoint."""
    layer = QgsVectorLayer("{}?crs={}&field=w:double".format(geometry, crs), name, "memory")
    features = []
    for i, p in enumerate(xy):
        f = QgsFeature(layer.fields())
        f.setAttributes([None if weights is None or weights[i] is None else float(weights[i])])
        if p is not None and isinstance(p[0], tuple):
            f.setGeometry(QgsGeometry.fromMultiPointXY([QgsPointXY(*q) for q in p]))
        elif p is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*p)))
        features.append(f)
    ok, _ = layer.dataProvider().addFeatures(features)
    assert ok and layer.featureCount() == len(features)
    layer.updateExtents()
    return layer


def read_tif(path):
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    out = band.ReadAsArray(), ds.GetGeoTransform(), ds.GetProjection(), band.GetNoDataValue()
    ds = None
    return out


def compare(tmp_path, layer, fast=False, monkeypatch=None, feedback=None, **params):
    """Run both heatmaps; return (our values, native values, our results) after checking the grid."""
    params = {"RADIUS": 50.0, "PIXEL_SIZE": 7.0, **params}
    native = tmp_path / "native.tif"
    ours = tmp_path / "alpr.tif"
    processing.run("qgis:heatmapkerneldensityestimation", {"INPUT": layer, **params, "OUTPUT": str(native)})
    if fast:
        monkeypatch.setattr(kde.tuning, "EXACT_BUDGET", 0)
    res = processing.run("alpr:heatmap", {"INPUT": layer, **params, "OUTPUT": str(ours)}, feedback=feedback)
    a, a_gt, a_crs, a_nodata = read_tif(ours)
    n, n_gt, n_crs, n_nodata = read_tif(native)
    assert a.shape == n.shape
    assert a_gt == n_gt
    assert QgsCoordinateReferenceSystem(a_crs) == QgsCoordinateReferenceSystem(n_crs)
    assert a_nodata == n_nodata == -9999
    return a, n, res


def assert_parity(ours, native, tolerance=0.005):
    np.testing.assert_array_equal(ours == -9999, native == -9999)
    a = np.where(ours == -9999, 0.0, ours.astype(float))
    n = np.where(native == -9999, 0.0, native.astype(float))
    top = np.abs(n).max()
    assert top > 0
    assert np.abs(a - n).max() <= tolerance * top


@pytest.mark.parametrize("fast", [False, True], ids=["exact", "fast"])
@pytest.mark.parametrize("output", [0, 1], ids=["raw", "scaled"])
@pytest.mark.parametrize("kernel", range(5), ids=kde.KERNELS)
def test_parity_every_kernel(tmp_path, monkeypatch, kernel, output, fast):
    # 100 m in 7 m pixels: the radius is not a whole number of pixels (14.3 → b = 15).
    weights = list(np.linspace(0.2, 3.0, len(RANDOM)))
    layer = points_layer(RANDOM, weights)
    params = {"KERNEL": kernel, "OUTPUT_VALUE": output, "WEIGHT_FIELD": "w", "RADIUS": 100.0}
    ours, native, res = compare(tmp_path, layer, fast, monkeypatch, **params)
    assert_parity(ours, native)
    assert res["POINT_COUNT"] == len(RANDOM)
    assert res["MAXIMUM"] == pytest.approx(float(native.max()), rel=0.005)


@pytest.mark.parametrize("decay", [0.0, 0.5, -0.5])
@pytest.mark.parametrize("fast", [False, True], ids=["exact", "fast"])
def test_parity_triangular_decay(tmp_path, monkeypatch, decay, fast):
    layer = points_layer(CLUSTERED)
    for output in (0, 1):
        ours, native, _ = compare(tmp_path, layer, fast, monkeypatch, KERNEL=1, DECAY=decay, OUTPUT_VALUE=output)
        assert_parity(ours, native)
    if decay < 0:
        assert native.min() < 0 < native.max()  # a negative decay dips below zero towards the rim


@pytest.mark.parametrize(
    ("layout", "radius", "pixel"),
    [
        ("edges", 50.0, 10.0),  # points on cell edges and on the extent's edges
        ("edges", 40.0, 3.0),
        ("clustered", 90.0, 7.5),  # clusters and a stack of six reads at one spot
        ("single", 30.0, 10.0),
        ("random", 100.0, 30.0),  # coarse pixels: b rounded up
    ],
)
@pytest.mark.parametrize("fast", [False, True], ids=["exact", "fast"])
def test_parity_layouts(tmp_path, monkeypatch, layout, radius, pixel, fast):
    xy = {"edges": EDGES, "clustered": CLUSTERED, "single": [(X0 + 0.37, Y0 + 0.81)], "random": RANDOM}[layout]
    ours, native, _ = compare(tmp_path, points_layer(xy), fast, monkeypatch, RADIUS=radius, PIXEL_SIZE=pixel)
    assert_parity(ours, native)


@pytest.mark.parametrize("kernel", range(5), ids=kde.KERNELS)
def test_parity_thousands_of_clustered_reads(tmp_path, feedback, kernel):
    """3,000 reads in clusters, on a road and at two fixed cameras: the fast methods, as chosen."""
    rng = np.random.default_rng(kernel)
    centres = rng.uniform(0, 2500, (5, 2))
    xy = centres[rng.integers(0, 5, 3000)] + rng.normal(0, 120, (3000, 2))
    xy[:400] = (800.0, 900.0)
    xy[400:500] = (1700.25, 300.5)
    xy[500:800] = np.column_stack([np.linspace(0, 2500, 300), np.full(300, 1200.0)])
    layer = points_layer([(X0 + x, Y0 + y) for x, y in xy.round(2)])
    params = {"RADIUS": 200.0, "PIXEL_SIZE": 10.0, "KERNEL": kernel, "DECAY": 0.25}
    ours, native, res = compare(tmp_path, layer, feedback=feedback, **params)
    assert_parity(ours, native)
    assert res["POINT_COUNT"] == 3000
    assert "3000 points mapped (spans" in feedback.text() or "3000 points mapped (fft" in feedback.text()


def test_block_wider_than_the_raster_leaves_the_point_out_as_qgis(tmp_path, feedback):
    # One point, 25 m radius in 7.5 m pixels: QGIS's 9 × 9 block does not fit the 8 × 8 raster.
    ours, native, res = compare(tmp_path, points_layer([(X0, Y0)]), feedback=feedback, RADIUS=25.0, PIXEL_SIZE=7.5)
    assert ours.shape == (8, 8) and (ours == -9999).all() and (native == -9999).all()
    assert res["POINT_COUNT"] == 0
    assert "1 points left out, as QGIS's heatmap leaves them out" in feedback.text()


def test_null_weights_count_zero(tmp_path):
    weights = [2.0, None, 1.5, None] + [1.0] * (len(EDGES) - 4)
    ours, native, _ = compare(tmp_path, points_layer(EDGES, weights), WEIGHT_FIELD="w")
    assert_parity(ours, native)


def test_multipoint_parts_each_count(tmp_path):
    parts = [((X0, Y0), (X0 + 40, Y0 + 10)), ((X0 + 90, Y0 + 60),), ((X0 + 10, Y0 + 70), (X0 + 55, Y0 + 35))]
    layer = points_layer(parts, [1.0, 2.0, 0.5], geometry="MultiPoint")
    ours, native, res = compare(tmp_path, layer, WEIGHT_FIELD="w")
    assert_parity(ours, native)
    assert res["POINT_COUNT"] == 5


def test_geographic_layer_is_projected_to_its_utm_zone(tmp_path, feedback):
    lonlat = [(-122.27 + dx, 37.80 + dy) for dx, dy in RNG.uniform(0, [0.004, 0.003], (25, 2))]
    weights = [1.0 + (i % 4) for i in range(25)]
    layer = points_layer(lonlat, weights, crs="EPSG:4326", name="wgs84_points")
    params = {"RADIUS": 60.0, "PIXEL_SIZE": 8.0, "WEIGHT_FIELD": "w"}
    out = tmp_path / "alpr.tif"
    res = processing.run("alpr:heatmap", {"INPUT": layer, **params, "OUTPUT": str(out)}, feedback=feedback)
    ours, gt, wkt, _ = read_tif(out)
    assert QgsCoordinateReferenceSystem(wkt).authid() == "EPSG:32610"
    assert "Projected to EPSG:32610" in feedback.text()
    # QGIS's heatmap on the same points reprojected by QGIS to that zone gives the same raster.
    moved = processing.run(
        "native:reprojectlayer", {"INPUT": layer, "TARGET_CRS": "EPSG:32610", "OUTPUT": "TEMPORARY_OUTPUT"}
    )["OUTPUT"]
    native = tmp_path / "native.tif"
    processing.run("qgis:heatmapkerneldensityestimation", {"INPUT": moved, **params, "OUTPUT": str(native)})
    expected, native_gt, _, _ = read_tif(native)
    assert gt == pytest.approx(native_gt, abs=1e-6) and ours.shape == expected.shape
    assert_parity(ours, expected)
    assert res["POINT_COUNT"] == 25


def test_southern_hemisphere_zone(tmp_path, feedback):
    layer = points_layer([(151.20, -33.87), (151.21, -33.86)], crs="EPSG:4326")
    processing.run(
        "alpr:heatmap",
        {"INPUT": layer, "RADIUS": 200.0, "PIXEL_SIZE": 50.0, "OUTPUT": str(tmp_path / "s.tif")},
        feedback=feedback,
    )
    assert QgsCoordinateReferenceSystem(read_tif(tmp_path / "s.tif")[2]).authid() == "EPSG:32756"


def test_extent_replaces_the_points_extent(tmp_path, feedback):
    # The layer's extent runs from a corner read to a far read, a whole number of pixels apart, both
    # far from the area mapped below (QGIS shifts a kernel by a row for a read near the extent's edge).
    corner, far = (X0 - 710.0, Y0 - 710.0), (X0 - 710.0 + 7.0 * 800, Y0 - 710.0 + 7.0 * 800)
    layer = points_layer(RANDOM + [corner, far])
    full = processing.run(
        "alpr:heatmap", {"INPUT": layer, "RADIUS": 50.0, "PIXEL_SIZE": 7.0, "OUTPUT": str(tmp_path / "f.tif")}
    )
    # An extent on the full raster's lattice (its top and bottom rows too: y is measured from the bottom).
    x_min, y_min = corner[0] + 7.0 * 103, corner[1] + 7.0 * 102
    x_max, y_max = x_min + 7.0 * 40, y_min + 7.0 * 30
    extent = "{},{},{},{} [{}]".format(x_min, x_max, y_min, y_max, UTM)
    res = processing.run(
        "alpr:heatmap",
        {"INPUT": layer, "RADIUS": 50.0, "PIXEL_SIZE": 7.0, "EXTENT": extent, "OUTPUT": str(tmp_path / "e.tif")},
        feedback=feedback,
    )
    part, gt, _, _ = read_tif(tmp_path / "e.tif")
    whole, full_gt, _, _ = read_tif(tmp_path / "f.tif")
    assert gt == (x_min - 50.0, 7.0, 0.0, y_max + 50.0, 0.0, -7.0)
    assert part.shape == (math.ceil((y_max - y_min + 100) / 7.0) + 1, math.ceil((x_max - x_min + 100) / 7.0) + 1)
    assert res["POINT_COUNT"] < full["POINT_COUNT"] == len(RANDOM) + 2
    assert "outside the extent" in feedback.text()
    # Inside the extent the density is complete: the same cells as the full raster's.
    col = round((gt[0] - full_gt[0]) / 7.0)
    row = round((full_gt[3] - gt[3]) / 7.0)
    inner = slice(8, part.shape[0] - 8), slice(8, part.shape[1] - 8)  # 50 m = 7.1 pixels of rim
    same = whole[row : row + part.shape[0], col : col + part.shape[1]]
    assert (part[inner] != -9999).any()
    np.testing.assert_allclose(part[inner], same[inner], rtol=1e-5, atol=1e-6)


def test_extent_in_another_crs_is_reprojected(tmp_path):
    layer = points_layer(RANDOM)
    extent = "-122.28,-122.26,37.79,37.80 [EPSG:4326]"
    processing.run(
        "alpr:heatmap",
        {"INPUT": layer, "RADIUS": 50.0, "PIXEL_SIZE": 20.0, "EXTENT": extent, "OUTPUT": str(tmp_path / "x.tif")},
    )
    _, gt, _, _ = read_tif(tmp_path / "x.tif")
    assert 560_000 < gt[0] < 570_000 and 4_180_000 < gt[3] < 4_190_000  # in metres, UTM 10N


def test_style_beside_the_geotiff_and_in_the_desktop(tmp_path):
    out = str(tmp_path / "heat.tif")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    dest = QgsProcessingOutputLayerDefinition(out, QgsProject.instance())
    res = processing.run(
        "alpr:heatmap",
        {"INPUT": points_layer(RANDOM), "RADIUS": 50.0, "PIXEL_SIZE": 7.0, "OUTPUT": dest},
        context=context,
    )
    qml = Path(out).with_suffix(".qml")
    assert qml.exists()
    layer = QgsRasterLayer(out, "heat", "gdal")  # QGIS applies the .qml beside the file on opening
    assert layer.renderer().type() == "singlebandpseudocolor"
    assert layer.renderer().classificationMax() == pytest.approx(res["MAXIMUM"])
    function = layer.renderer().shader().rasterShaderFunction()
    items = function.colorRampItemList()
    top = res["MAXIMUM"]
    # Transparent up to 2 % of the largest value (and below: zero, negative), then the ramp.
    assert items[0].value == pytest.approx(raster.NEGLIGIBLE_SHARE * top) and items[0].color.alpha() == 0
    assert layer.renderer().classificationMin() == pytest.approx(items[0].value)
    assert not function.clip() and function.colorRampType() == function.Interpolated
    assert items[-1].value == pytest.approx(top) and items[-1].color.alpha() == 255
    assert [i.value for i in items] == sorted(i.value for i in items)
    # The labels are reads per km²: raw quartic, 50 m radius: value × 3 / (π 50²) per m².
    per_km2 = 3.0 / (math.pi * 50.0**2) * 1e6
    low, high = items[0].label.split(" ", 2), items[-1].label.split(" ", 1)
    assert low[0] == "under" and low[2] == "reads per km² (not shown)" and high[1] == "reads per km² (highest)"
    assert float(low[1]) == pytest.approx(raster.NEGLIGIBLE_SHARE * top * per_km2, rel=0.01)
    assert float(high[0].replace(",", "")) == pytest.approx(top * per_km2, rel=0.001)
    middle = [float(i.label.replace(",", "")) for i in items[1:-1]]
    assert 3 <= len(middle) <= 7 and all(m == round(m) for m in middle)  # round numbers
    assert [i.value * per_km2 for i in items[1:-1]] == pytest.approx(middle)
    assert not function.legendSettings().useContinuousLegend()  # a list: the labels carry the unit
    processor = context.layerToLoadOnCompletionDetails(out).postProcessor()
    assert processor is not None and processor in raster._KEEP
    plain = QgsRasterLayer(out, "heat", "gdal", QgsRasterLayer.LayerOptions(loadDefaultStyle=False))
    assert plain.renderer().type() == "singlebandgray"
    processor.postProcessLayer(plain, context, None)
    assert plain.renderer().type() == "singlebandpseudocolor"


def test_errors_name_the_layer_or_parameter(tmp_path):
    out = str(tmp_path / "x.tif")
    with pytest.raises(QgsProcessingException, match='Layer "empty_points" has no features'):
        processing.run("alpr:heatmap", {"INPUT": points_layer([], name="empty_points"), "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match='Layer "nowhere": none of its 3 features has a geometry'):
        processing.run("alpr:heatmap", {"INPUT": points_layer([None] * 3, name="nowhere"), "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match='field "OUTPUT".*not a GeoTIFF'):
        processing.run("alpr:heatmap", {"INPUT": points_layer(RANDOM), "OUTPUT": str(tmp_path / "x.asc")})
    with pytest.raises(QgsProcessingException, match='field "PIXEL_SIZE".*too large'):
        processing.run("alpr:heatmap", {"INPUT": points_layer(RANDOM), "PIXEL_SIZE": 0.01, "OUTPUT": out})


def test_points_without_geometry_are_skipped(tmp_path, feedback):
    res = processing.run(
        "alpr:heatmap",
        {
            "INPUT": points_layer(RANDOM[:5] + [None, None]),
            "RADIUS": 50.0,
            "PIXEL_SIZE": 7.0,
            "OUTPUT": str(tmp_path / "n.tif"),
        },
        feedback=feedback,
    )
    assert res["POINT_COUNT"] == 5 and "2 points without geometry skipped" in feedback.text()


def test_cancel_writes_nothing(tmp_path, feedback):
    feedback.cancel()
    out = tmp_path / "c.tif"
    res = processing.run("alpr:heatmap", {"INPUT": points_layer(RANDOM), "OUTPUT": str(out)}, feedback=feedback)
    assert "POINT_COUNT" not in res and not out.exists()


# ------------------------------------------------------------------ GeoPackage layers: streamed


def gpkg_layer(tmp_path, xy, weights=None, name="reads"):
    """A GeoPackage written by QGIS from :func:`points_layer` (read in chunks by alpr:heatmap)."""
    from qgis.core import QgsVectorFileWriter

    layer = points_layer(xy, weights)
    path = str(tmp_path / "{}.gpkg".format(name))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = name
    err = QgsVectorFileWriter.writeAsVectorFormatV2(layer, path, QgsProject.instance().transformContext(), options)[0]
    assert err == QgsVectorFileWriter.NoError
    return path


def no_whole_read(monkeypatch):
    """Make reading every point at once (the in-memory path) fail: the test must go through the chunks."""
    from alpr_qgis.qgis_io import density_input

    def fail(*args, **kwargs):
        raise AssertionError("the GeoPackage was read whole")

    monkeypatch.setattr(density_input, "read_points", fail)


def clustered_reads(n, seed):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 2500, (5, 2))
    xy = centres[rng.integers(0, 5, n)] + rng.normal(0, 120, (n, 2))
    xy[: n // 8] = (800.0, 900.0)
    xy[n // 8 : n // 4] = np.column_stack([np.linspace(0, 2500, n // 4 - n // 8), np.full(n // 4 - n // 8, 1200.0)])
    return [(X0 + x, Y0 + y) for x, y in xy.round(2)]


@pytest.mark.parametrize("kernel", [0, 3], ids=["quartic", "triweight"])
def test_geopackage_streamed_in_chunks_and_strips_matches_qgis(tmp_path, monkeypatch, feedback, kernel):
    """Points read a few hundred at a time, the raster made 16 rows at a time: QGIS's raster."""
    from alpr_qgis.qgis_io import points

    monkeypatch.setattr(points, "CHUNK", 300)
    monkeypatch.setattr(kde.tuning, "STRIP_ROWS", 16)
    no_whole_read(monkeypatch)
    path = gpkg_layer(tmp_path, clustered_reads(2500, kernel) + [None, None])
    params = {"RADIUS": 200.0, "PIXEL_SIZE": 10.0, "KERNEL": kernel, "OUTPUT_VALUE": 1}
    ours, native, res = compare(tmp_path, path, True, monkeypatch, feedback, **params)
    assert_parity(ours, native)
    assert res["POINT_COUNT"] == 2500
    text = feedback.text()
    assert "2500 points mapped (fft-" in text and "2 points without geometry skipped" in text


def test_geopackage_weights_streamed(tmp_path, monkeypatch):
    from alpr_qgis.qgis_io import points

    monkeypatch.setattr(points, "CHUNK", 250)
    monkeypatch.setattr(kde.tuning, "STRIP_ROWS", 10)
    no_whole_read(monkeypatch)
    xy = clustered_reads(1200, 4)
    weights = [None if i % 50 == 0 else 0.5 + (i % 7) for i in range(len(xy))]
    path = gpkg_layer(tmp_path, xy, weights)
    ours, native, _ = compare(tmp_path, path, True, monkeypatch, RADIUS=200.0, PIXEL_SIZE=10.0, WEIGHT_FIELD="w")
    assert_parity(ours, native)


def test_geopackage_and_memory_layer_give_the_same_raster_with_an_extent(tmp_path, monkeypatch):
    """The streamed path (GeoPackage) and the in-memory one (memory layer) on one EXTENT window."""
    monkeypatch.setattr(kde.tuning, "EXACT_BUDGET", 0)
    monkeypatch.setattr(kde.tuning, "STRIP_ROWS", 12)
    xy = clustered_reads(1500, 9)
    extent = "{},{},{},{} [{}]".format(X0 + 500, X0 + 1900, Y0 + 400, Y0 + 1600, UTM)
    params = {"RADIUS": 200.0, "PIXEL_SIZE": 10.0, "EXTENT": extent}
    streamed = processing.run(
        "alpr:heatmap", {"INPUT": gpkg_layer(tmp_path, xy), **params, "OUTPUT": str(tmp_path / "g.tif")}
    )
    in_memory = processing.run("alpr:heatmap", {"INPUT": points_layer(xy), **params, "OUTPUT": str(tmp_path / "m.tif")})
    a, a_gt, _, _ = read_tif(tmp_path / "g.tif")
    m, m_gt, _, _ = read_tif(tmp_path / "m.tif")
    assert a_gt == m_gt and streamed["POINT_COUNT"] == in_memory["POINT_COUNT"] < 1500
    np.testing.assert_array_equal(a == -9999, m == -9999)
    top = np.abs(m[m != -9999]).max()
    assert np.abs(np.where(a == -9999, 0, a) - np.where(m == -9999, 0, m)).max() <= 1e-4 * top


def test_cancel_while_streaming_removes_the_partial_geotiff(tmp_path, monkeypatch):
    monkeypatch.setattr(kde.tuning, "EXACT_BUDGET", 0)
    monkeypatch.setattr(kde.tuning, "STRIP_ROWS", 8)
    path = gpkg_layer(tmp_path, clustered_reads(800, 2))
    out = tmp_path / "c.tif"
    feedback = QgsProcessingFeedback()
    seen = []

    def cancel_while_writing(progress):  # the second half of the progress is the raster's strips
        seen.append(progress)
        if progress > 60:
            feedback.cancel()

    feedback.progressChanged.connect(cancel_while_writing)
    res = processing.run(
        "alpr:heatmap", {"INPUT": path, "RADIUS": 200.0, "PIXEL_SIZE": 10.0, "OUTPUT": str(out)}, feedback=feedback
    )
    assert "POINT_COUNT" not in res and not out.exists() and max(seen) > 60


def test_geotiff_written_strip_by_strip(tmp_path):
    values = np.arange(7 * 5, dtype=np.float32).reshape(7, 5)
    path = str(tmp_path / "s.tif")
    crs = QgsCoordinateReferenceSystem(UTM)
    strips = ((r0, values[r0 : r0 + 3]) for r0 in range(0, 7, 3))  # 3, 3 and 1 rows
    raster.write_geotiff_strips(path, strips, 7, 5, (10.0, 2.0, 0.0, 50.0, 0.0, -2.0), crs, -9999.0)
    got, gt, _, nodata = read_tif(path)
    np.testing.assert_array_equal(got, values)
    assert gt == (10.0, 2.0, 0.0, 50.0, 0.0, -2.0) and nodata == -9999.0

    def failing():
        yield 0, values[:3]
        raise kde.Cancelled()

    with pytest.raises(kde.Cancelled):  # a failed rewrite leaves the earlier file whole, and nothing else
        raster.write_geotiff_strips(path, failing(), 7, 5, (10.0, 2.0, 0.0, 50.0, 0.0, -2.0), crs, -9999.0)
    np.testing.assert_array_equal(read_tif(path)[0], values)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.tif"]
    with pytest.raises(kde.Cancelled):
        raster.write_geotiff_strips(
            str(tmp_path / "new.tif"), failing(), 7, 5, (10.0, 2.0, 0.0, 50.0, 0.0, -2.0), crs, 0
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.tif"]


# ------------------------------------------------------------------ the file: compressed, tiled, its unit


def image_structure(path):
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    out = ds.GetMetadata("IMAGE_STRUCTURE"), band.GetBlockSize(), ds.GetMetadata()
    ds = None
    return out


def test_geotiff_is_deflate_tiled_with_the_float_predictor_and_values_exact(tmp_path):
    # Rows in strips of 100 (not a multiple of the 256-row tiles), a ragged last row of tiles,
    # no-data: every value comes back bit for bit, and each tile is written once (the file is
    # no larger than GDAL's own copy of the same raster with the same options).
    yy, xx = np.mgrid[0:600, 0:300]
    values = (np.exp(-((xx - 120.0) ** 2 + (yy - 250.0) ** 2) / 9000.0) * 37.3).astype(np.float32)
    values[values < 0.5] = -9999.0
    path = tmp_path / "t.tif"
    crs = QgsCoordinateReferenceSystem(UTM)
    gt = (0.0, 1.0, 0.0, 600.0, 0.0, -1.0)
    raster.write_geotiff_strips(
        str(path), ((r, values[r : r + 100]) for r in range(0, 600, 100)), 600, 300, gt, crs, -9999.0
    )
    got, _, _, nodata = read_tif(path)
    np.testing.assert_array_equal(got, values)
    structure, block, _ = image_structure(path)
    assert structure["COMPRESSION"] == "DEFLATE" and structure["PREDICTOR"] == "3"
    assert block == [256, 256] and nodata == -9999.0
    copy = tmp_path / "copy.tif"
    gdal.Translate(str(copy), str(path), creationOptions=list(raster.GEOTIFF_OPTIONS) + ["PREDICTOR=3"])
    assert path.stat().st_size <= copy.stat().st_size * 1.01
    assert path.stat().st_size < values.nbytes / 2

    # Pieces out of order are written as they come: the values still come back exactly.
    order = [0, 100, 200, 400, 300, 500]
    raster.write_geotiff_strips(str(path), ((r, values[r : r + 100]) for r in order), 600, 300, gt, crs, -9999.0)
    np.testing.assert_array_equal(read_tif(path)[0], values)


def test_demo_like_heatmap_compressed_values_equal_qgis_and_unit_stored(tmp_path, feedback):
    # Reads clustered along streets with much empty space: the file is a fraction of the raw raster.
    xy = clustered_reads(4000, 11)
    layer = points_layer(xy)
    params = {"RADIUS": 150.0, "PIXEL_SIZE": 5.0}
    ours, native, _ = compare(tmp_path, layer, **params)
    assert_parity(ours, native)
    structure, block, meta = image_structure(tmp_path / "alpr.tif")
    assert structure["COMPRESSION"] == "DEFLATE" and structure["PREDICTOR"] == "3" and block == [256, 256]
    assert (tmp_path / "alpr.tif").stat().st_size < 0.5 * (tmp_path / "native.tif").stat().st_size
    assert meta[raster.META_UNIT] == "reads per km²"
    assert float(meta[raster.META_PER_KM2]) == pytest.approx(3.0 / (math.pi * 150.0**2) * 1e6)


@pytest.mark.parametrize("output", [0, 1], ids=["raw", "scaled"])
@pytest.mark.parametrize("kernel", range(5), ids=kde.KERNELS)
def test_density_unit_integrates_to_the_number_of_reads(tmp_path, kernel, output):
    # The stored factor turns values into reads per km²: summed over the cells (each 7 m × 7 m)
    # the density gives back the number of points, for every kernel, raw or scaled (QGIS's
    # scaled quartic constant included, 7.25 times the true one).
    layer = points_layer(RANDOM)
    out = tmp_path / "u.tif"
    params = {"RADIUS": 100.0, "PIXEL_SIZE": 7.0, "KERNEL": kernel, "OUTPUT_VALUE": output, "DECAY": 0.25}
    processing.run("alpr:heatmap", {"INPUT": layer, **params, "OUTPUT": str(out)})
    values, _, _, _ = read_tif(out)
    factor, unit = raster.density_unit(str(out))
    assert unit == "reads per km²"
    total = np.where(values == -9999, 0.0, values.astype(float)).sum() * 7.0**2 * factor / 1e6
    assert total == pytest.approx(len(RANDOM), rel=0.02)


def test_density_unit_none_where_the_kernel_has_no_area_and_weighted_named(tmp_path):
    assert raster.per_km2_factor("triangular", "raw", 100.0, -0.5) is None
    assert raster.per_km2_factor("quartic", "scaled", 100.0) == pytest.approx(1e6 / 7.25)
    out = tmp_path / "w.tif"
    processing.run(
        "alpr:heatmap",
        {"INPUT": points_layer(RANDOM, [2.0] * len(RANDOM)), "WEIGHT_FIELD": "w", "OUTPUT": str(out)},
    )
    assert raster.density_unit(str(out))[1] == "weighted reads per km²"
    out = tmp_path / "n.tif"
    processing.run("alpr:heatmap", {"INPUT": points_layer(RANDOM), "KERNEL": 1, "DECAY": -1.0, "OUTPUT": str(out)})
    assert raster.density_unit(str(out)) == (None, "")
    layer = QgsRasterLayer(str(out), "n", "gdal")
    items = layer.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert "reads" not in items[-1].label and items[-1].label.endswith("(highest)")  # raster values, no unit


@pytest.mark.parametrize("top", [0.0123, 0.9, 1.0, 7.3, 42.0, 99.9, 100.0, 531.5, 5314.9, 123456.0])
def test_legend_stops_are_round_numbers_between_the_threshold_and_the_top(top):
    factor = 10.61
    stops = raster.legend_stops(top / factor, factor)
    shown = [u for _, u in stops]
    assert shown[0] == pytest.approx(raster.NEGLIGIBLE_SHARE * top) and shown[-1] == pytest.approx(top)
    assert shown == sorted(shown) and len(set(shown)) == len(shown)
    ticks = shown[1:-1]
    assert 3 <= len(ticks) <= 7
    step = ticks[0]
    assert ticks == pytest.approx([step * (k + 1) for k in range(len(ticks))])
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1.0, 2.0, 2.5, 5.0)
    assert [v for v, _ in stops] == pytest.approx([u / factor for u in shown])
