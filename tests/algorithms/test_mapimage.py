"""The report's map picture (qgis_io.map_layout.render_map_png): size, legend, scale bar, north arrow, transparency.

The layers are made here in UTM 10N: a 4 km square city, a neighbour to its
west, two census tracts, and a heatmap GeoTIFF written as alpr:heatmap writes
it (its unit in its metadata) with a known surface: a bright blob in the
city's west and, around the map's centre, a plateau at 1.5 % of the largest
value (negligible: it must not tint the map).  The picture is decoded and
its pixels checked where the layout draws each item.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor, QImage

from alpr_qgis.qgis_io import map_layout, mapimage, raster

UTM = "EPSG:32610"
X0, Y0 = 565_000.0, 4_183_000.0
PIXEL = 10.0
TOP = 40.0  # the heatmap's largest value (raw, quartic, 300 m: 40 × 10.6 = 424 reads per km²)
PER_KM2 = raster.per_km2_factor("quartic", "raw", 300.0)
# The map: the city (0..4000 m) in the middle of a wider extent, so the picture's corners show
# only the basemap's background and the neighbour's fill (no dark line) beneath the items.
EXTENT = QgsRectangle(X0 - 2000, Y0 - 2000, X0 + 6000, Y0 + 6000)
CENTRE = (X0 + 2000, Y0 + 2000)  # the picture's centre: inside the city, on the negligible plateau


def polygons(name, rings, fields="name:string", values=None):
    layer = QgsVectorLayer("Polygon?crs={}&field={}".format(UTM, fields), name, "memory")
    features = []
    for i, ring in enumerate(rings):
        f = QgsFeature(layer.fields())
        f.setAttributes([values[i] if values else "n{}".format(i)])
        f.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(X0 + x, Y0 + y) for x, y in ring]]))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def square(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


@pytest.fixture
def city():
    boundary = polygons("city_boundary", [square(0, 0, 4000, 4000)])
    neighbours = polygons("neighbours", [square(-2500, -500, 0, 4500)], values=["Westport"])
    tracts = polygons("tracts", [square(0, 0, 3000, 4000), square(3000, 0, 4000, 4000)])
    return boundary, neighbours, tracts


@pytest.fixture
def heatmap(tmp_path):
    """A heatmap GeoTIFF over the extent: a quartic blob at (800, 2000) peaking at TOP, a plateau at 1.5 %."""
    cols = rows = int(EXTENT.width() / PIXEL)
    xs = EXTENT.xMinimum() + (np.arange(cols) + 0.5) * PIXEL
    ys = EXTENT.yMaximum() - (np.arange(rows) + 0.5) * PIXEL
    gx, gy = np.meshgrid(xs, ys)
    t2 = ((gx - (X0 + 800)) ** 2 + (gy - (Y0 + 2000)) ** 2) / 600.0**2
    values = np.where(t2 < 1, TOP * (1 - t2) ** 2, -9999.0)
    plateau = (np.abs(gx - CENTRE[0]) < 500) & (np.abs(gy - CENTRE[1]) < 500)
    values[plateau] = 0.015 * TOP
    path = tmp_path / "heatmap.tif"
    raster.write_geotiff_strips(
        str(path),
        [(0, values.astype(np.float32))],
        rows,
        cols,
        (EXTENT.xMinimum(), PIXEL, 0.0, EXTENT.yMaximum(), 0.0, -PIXEL),
        QgsCoordinateReferenceSystem(UTM),
        -9999.0,
        metadata=raster.density_metadata(PER_KM2, raster.READS_PER_KM2, "quartic", 300.0, PIXEL, "raw"),
    )
    layer = QgsRasterLayer(str(path), "heat", "gdal")
    assert layer.isValid()
    return layer


def render(heatmap, city, **kwargs):
    boundary, neighbours, tracts = city
    png = map_layout.render_map_png(
        heatmap,
        boundary=boundary,
        neighbours=neighbours,
        tracts=tracts,
        attribution="Data: test city [% 1+1 %] <b>x</b>",
        extent=EXTENT,
        **kwargs,
    )
    image = QImage.fromData(png, "PNG").convertToFormat(QImage.Format_RGB32)
    assert not image.isNull()
    return png, image


def pixels(image, x0, y0, x1, y1):
    """The RGB pixels of a region given in fractions of the picture, as an (n, 3) array."""
    w, h = image.width(), image.height()
    out = []
    for y in range(int(y0 * h), int(y1 * h)):
        for x in range(int(x0 * w), int(x1 * w)):
            c = QColor(image.pixel(x, y))
            out.append((c.red(), c.green(), c.blue()))
    return np.array(out, dtype=int)


def dark(region, level=90):
    return int((region.max(axis=1) < level).sum())


def near(region, colour, tolerance=12):
    target = np.array([colour.red(), colour.green(), colour.blue()])
    return int((np.abs(region - target).max(axis=1) <= tolerance).sum())


def test_map_picture_has_its_size_legend_scalebar_north_arrow_and_credit(heatmap, city):
    png, image = render(heatmap, city, width=800)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (image.width(), image.height()) == (800, 800)  # a square extent: as tall as wide
    top_left = pixels(image, 0.03, 0.03, 0.30, 0.30)
    top_right = pixels(image, 0.85, 0.03, 0.97, 0.16)
    bottom_left = pixels(image, 0.03, 0.88, 0.30, 0.97)
    bottom_right = pixels(image, 0.70, 0.92, 0.97, 0.97)
    background = QColor(map_layout.BASEMAP["background"])
    neighbours = QColor(map_layout.BASEMAP["neighbours_fill"])
    for region in (top_left, top_right, bottom_left, bottom_right):
        # Without the items these corners are plain basemap: background or the neighbour's fill.
        assert near(region, background, 3) + near(region, neighbours, 3) < len(region)
        assert dark(region) > 20  # text, arrow, bar
    # The legend: its ramp swatches (the largest value's pale yellow, orange at 3/4) in the top-left corner.
    assert near(top_left, raster.ramp_colour(1.0)) > 20
    assert near(top_left, raster.ramp_colour(0.75), 30) > 20
    assert near(top_right, raster.ramp_colour(1.0)) == 0
    # The scale bar: a long horizontal run of black in the bottom-left corner.
    w = image.width()
    runs = []
    for y in range(int(0.88 * image.height()), int(0.97 * image.height())):
        row = [QColor(image.pixel(x, y)).value() < 60 for x in range(int(0.03 * w), int(0.35 * w))]
        best = cur = 0
        for is_dark in row:
            cur = cur + 1 if is_dark else 0
            best = max(best, cur)
        runs.append(best)
    assert max(runs) > 0.08 * w


def test_negligible_density_is_transparent_and_the_blob_is_drawn(heatmap, city):
    _, image = render(heatmap, city, width=600)
    # The centre: the plateau at 1.5 % of the largest value shows the city's own fill, untouched.
    centre = QColor(image.pixel(image.width() // 2, image.height() // 2))
    fill = QColor(map_layout.BASEMAP["boundary_fill"])
    assert abs(centre.red() - fill.red()) <= 2 and abs(centre.green() - fill.green()) <= 2
    assert abs(centre.blue() - fill.blue()) <= 2
    low = raster.ramp_colour(0.02 + 1e-6)
    assert (centre.red(), centre.green(), centre.blue()) != (low.red(), low.green(), low.blue())
    # The blob: its brightest colour is on the map (outside the legend's corner).
    assert near(pixels(image, 0.25, 0.3, 0.6, 0.7), raster.ramp_colour(1.0), 20) > 5


def test_legend_labels_in_reads_per_km2_and_the_heatmap_layer_is_named_by_its_unit(heatmap):
    styled = mapimage.heatmap_layer(heatmap)
    assert styled.name() == "Reads per km²"
    function = styled.renderer().shader().rasterShaderFunction()
    items = function.colorRampItemList()
    assert items[0].label.startswith("under 8.5 reads per km²") and items[0].color.alpha() == 0
    assert items[-1].label == "{:,.0f} reads per km² (highest)".format(TOP * PER_KM2)
    assert [it.label for it in items[1:-1]] == ["100", "200", "300"]
    assert items[1].value == pytest.approx(100 / PER_KM2)
    assert heatmap.renderer().type() == "singlebandgray"  # the caller's layer keeps its own style


def test_without_a_unit_the_legend_says_raster_values(tmp_path, city):
    path = tmp_path / "plain.tif"
    values = np.full((20, 20), 3.0, dtype=np.float32)
    values[5, 5] = 7.5
    raster.write_geotiff_strips(
        str(path),
        [(0, values)],
        20,
        20,
        (X0, 200.0, 0.0, Y0 + 4000, 0.0, -200.0),
        QgsCoordinateReferenceSystem(UTM),
        -9999.0,
    )
    styled = mapimage.heatmap_layer(QgsRasterLayer(str(path), "plain", "gdal"))
    assert styled.name() == "Heatmap (raster values)"
    items = styled.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert items[-1].label == "7.5 (highest)" and "km" not in items[0].label
    _, image = render(QgsRasterLayer(str(path), "plain", "gdal"), city, width=500)
    assert image.width() == 500


def test_overlays_and_a_title_and_a_file(tmp_path, heatmap, city):
    star = mapimage.reference_layers(
        QgsPointXY(*CENTRE), QgsCoordinateReferenceSystem(UTM), 500.0, QgsCoordinateReferenceSystem(UTM)
    )
    out = tmp_path / "map.png"
    png, image = render(heatmap, city, overlays=star, title="Reads in Testville", width=700, path=str(out))
    assert out.read_bytes() == png
    assert image.width() == 700 and image.height() > 700  # the title's band on top of a square map
    assert dark(pixels(image, 0.02, 0.0, 0.4, 0.05)) > 30  # the title's letters
    red = QColor("#d7301f")
    assert near(pixels(image, 0.45, 0.45, 0.58, 0.58), red, 40) > 5  # the star at the centre


def test_nothing_to_draw_is_an_error():
    with pytest.raises(ValueError, match="nothing to draw"):
        map_layout.render_map_png(None)


def test_density_layer_speaks_reads_per_km2(tmp_path):
    # 1,000 reads spread evenly over 1 km²: about 1,000 reads per km² in the middle.
    rng = np.random.default_rng(3)
    x = X0 + rng.uniform(0, 1000, 1000)
    y = Y0 + rng.uniform(0, 1000, 1000)
    extent = QgsRectangle(X0 - 500, Y0 - 500, X0 + 1500, Y0 + 1500)
    layer = mapimage.density_layer(x, y, QgsCoordinateReferenceSystem(UTM), extent, str(tmp_path), long_side=100)
    factor, unit = raster.density_unit(layer.source())
    assert unit == "reads per km²" and factor == pytest.approx(1e6 / 20.0**2)
    provider = layer.dataProvider()
    block = provider.block(1, extent, 100, 100)
    values = np.array([[block.value(r, c) for c in range(100)] for r in range(100)])
    assert values[35:65, 35:65].mean() * factor == pytest.approx(1000, rel=0.1)
    assert values.sum() * 20.0**2 * factor / 1e6 == pytest.approx(1000, rel=0.01)
    assert layer.name() == "Reads per km²"
    assert math.isclose(layer.renderer().classificationMax(), float(values.max()), rel_tol=1e-5)


def test_the_legend_top_is_the_exact_largest_value_and_nothing_is_written_beside(tmp_path):
    # 2.25 million cells with one peak: QGIS's default (sampled) statistics can miss it.
    values = np.full((1500, 1500), 1.0, dtype=np.float32)
    values[777, 1234] = 93.5
    path = tmp_path / "peak.tif"
    raster.write_geotiff_strips(
        str(path),
        [(0, values)],
        1500,
        1500,
        (X0, 2.0, 0.0, Y0 + 3000, 0.0, -2.0),
        QgsCoordinateReferenceSystem(UTM),
        -9999.0,
        metadata=raster.density_metadata(PER_KM2),
    )
    layer = QgsRasterLayer(str(path), "peak", "gdal")
    assert mapimage.raster_maximum(layer) == 93.5
    styled = mapimage.heatmap_layer(layer)
    assert styled.renderer().classificationMax() == 93.5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peak.tif"]  # no .aux.xml of statistics
