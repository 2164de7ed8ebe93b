"""scripts/demo_project.py on a small folder of outputs: what the project opens on, its groups, its print layout.

The folder holds the sample's city.gpkg, a heatmap GeoTIFF written as
alpr:heatmap writes it (with its .qml) over the city, and a patrol-tracks
GeoPackage.  The project is written, read back with a fresh ``QgsProject``
and its layout rendered to an image whose corners are checked.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsLayerTreeModel,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

from alpr_qgis.qgis_io import raster

ROOT = Path(__file__).resolve().parents[1]
UTM = QgsCoordinateReferenceSystem("EPSG:32610")


def load_script():
    spec = importlib.util.spec_from_file_location("demo_project", ROOT / "scripts" / "demo_project.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def city_extent_utm(folder: Path):
    layer = QgsVectorLayer("{}|layername=city_boundary".format(folder / "city.gpkg"), "b", "ogr")
    return QgsCoordinateTransform(layer.crs(), UTM, QgsProject.instance()).transformBoundingBox(layer.extent())


def write_heatmap(folder: Path) -> None:
    """A heatmap over the city as alpr:heatmap writes it: a blob in the city, its unit, its .qml."""
    city = city_extent_utm(folder)
    x0, y1 = city.xMinimum() - 300, city.yMaximum() + 300
    pixel = 50.0
    cols, rows = int((city.width() + 600) / pixel), int((city.height() + 600) / pixel)
    gx, gy = np.meshgrid(x0 + (np.arange(cols) + 0.5) * pixel, y1 - (np.arange(rows) + 0.5) * pixel)
    centre = city.center()
    t2 = ((gx - centre.x()) ** 2 + (gy - centre.y()) ** 2) / 2500.0**2
    values = np.where(t2 < 1, 80.0 * (1 - t2) ** 2, -9999.0).astype(np.float32)
    path = folder / "heatmap.tif"
    per_km2 = raster.per_km2_factor("quartic", "raw", 300.0)
    raster.write_geotiff_strips(
        str(path),
        [(0, values)],
        rows,
        cols,
        (x0, pixel, 0.0, y1, 0.0, -pixel),
        UTM,
        -9999.0,
        metadata=raster.density_metadata(per_km2, raster.READS_PER_KM2, "quartic", 300.0, pixel, "raw"),
    )
    assert raster.write_heatmap_style(str(path), 80.0, per_km2) is not None


def write_tracks(folder: Path) -> None:
    layer = QgsVectorLayer("LineString?crs=EPSG:4326&field=device:string", "device_tracks", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["car 1"])
    feature.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(-122.28, 37.79), QgsPointXY(-122.05, 37.60)]))
    assert layer.dataProvider().addFeatures([feature])
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "device_tracks"
    err = QgsVectorFileWriter.writeAsVectorFormatV2(
        layer, str(folder / "device_tracks.gpkg"), QgsProject.instance().transformContext(), options
    )[0]
    assert err == QgsVectorFileWriter.NoError


@pytest.fixture
def demo_project(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    shutil.copy(ROOT / "sample" / "city.gpkg", folder / "city.gpkg")
    write_heatmap(folder)
    write_tracks(folder)
    script = load_script()
    path = folder / "alpr_demo.qgz"
    script.build_project(folder, path)
    QgsProject.instance().clear()
    project = QgsProject()
    assert project.read(str(path))
    yield script, folder, project
    project.clear()


def test_project_opens_on_the_city_with_the_heatmap_over_boundary_and_neighbours(demo_project):
    script, folder, project = demo_project
    assert project.crs() == UTM
    root = project.layerTreeRoot()
    order = [node.layer().name() for node in root.findLayers()]
    shown = [node.layer().name() for node in root.findLayers() if node.isVisible()]
    assert shown == ["Police headquarters", script.HEATMAP_TITLE, "City boundary", "Neighbouring jurisdictions"]
    assert order.index(script.HEATMAP_TITLE) < order.index("City boundary")  # drawn over the city
    assert order.index(script.HEATMAP_TITLE) < order.index("Neighbouring jurisdictions")
    # The other findings wait in their groups, switched off.
    tracks = root.findLayer(project.mapLayersByName("Patrol tracks")[0])
    assert tracks.parent().name() == "Patrols" and not tracks.isVisible()
    crimes = root.findLayer(project.mapLayersByName("Crimes")[0])
    assert crimes.parent().name() == "Compare" and not crimes.isVisible()
    # The view: the city (the boundary's extent and a margin), not the 26 km track.
    view = project.viewSettings().defaultViewExtent()
    city = city_extent_utm(folder)
    assert view.crs() == UTM and view.contains(city)
    assert view.width() < 1.3 * city.width() and view.height() < 1.3 * city.height()
    # The heatmap's legend is its ramp, in reads per km² (no "Band 1 (Gray)").
    heat = project.mapLayersByName(script.HEATMAP_TITLE)[0]
    assert isinstance(heat, QgsRasterLayer) and heat.renderer().type() == "singlebandpseudocolor"
    model = QgsLayerTreeModel(root)
    labels = [node.data(0) for node in model.layerLegendNodes(root.findLayer(heat))]
    assert labels[0].startswith("under ") and labels[-1].endswith("reads per km² (highest)")
    assert not any("Band 1" in str(label) for label in labels)


def test_the_print_layout_has_map_legend_scalebar_north_arrow_title(demo_project, tmp_path):
    script, folder, project = demo_project
    layout = project.layoutManager().layoutByName(script.LAYOUT_NAME)
    assert layout is not None
    size = layout.pageCollection().page(0).pageSize()
    assert (round(size.width()), round(size.height())) == (297, 210)  # A4 landscape
    items = {item.id(): item for item in layout.items() if hasattr(item, "id") and item.id()}
    assert isinstance(items["map"], QgsLayoutItemMap)
    assert isinstance(items["legend"], QgsLayoutItemLegend)
    assert isinstance(items["scalebar"], QgsLayoutItemScaleBar)
    assert isinstance(items["north_arrow"], QgsLayoutItemPicture)
    assert isinstance(items["title"], QgsLayoutItemLabel) and "reads per km²" in items["title"].text()
    assert "quartic kernel, 300 m radius" in items["attribution"].text()
    assert items["scalebar"].linkedMap() is items["map"] and items["legend"].linkedMap() is items["map"]
    assert items["map"].extent().contains(city_extent_utm(folder))
    legend = [node.layer().name() for node in items["legend"].model().rootGroup().findLayers()]
    assert legend == ["Police headquarters", script.HEATMAP_TITLE, "City boundary", "Neighbouring jurisdictions"]
    assert items["scalebar"].unitLabel() == "km"

    # Rendered: every corner of the map holds its item (dark text, arrow, bar) over the pale map.
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(1123, 794), 96)
    assert (image.width(), image.height()) == (1123, 794)

    def dark_pixels(x0, y0, x1, y1):
        return sum(
            QColor(image.pixel(x, y)).value() < 90
            for y in range(int(y0 * 794), int(y1 * 794), 2)
            for x in range(int(x0 * 1123), int(x1 * 1123), 2)
        )

    assert dark_pixels(0.02, 0.0, 0.6, 0.07) > 50  # title
    assert dark_pixels(0.03, 0.1, 0.25, 0.35) > 50  # legend
    assert dark_pixels(0.9, 0.1, 0.97, 0.2) > 20  # north arrow
    assert dark_pixels(0.03, 0.9, 0.2, 0.96) > 20  # scale bar
    out = tmp_path / "layout.png"
    assert script.render_layout(project, out) > 0 and out.stat().st_size > 10_000
