"""A map picture rendered by QGIS's own map renderer, as PNG bytes (for reports).

The layers given are cloned before they are styled, so a user's project
layers keep their own styles.  Rendering is synchronous (a custom-painter job
on a QImage): it works headless, under ``qgis_process`` and in the desktop.
"""

from __future__ import annotations

import math
import os
from typing import List, Optional, Sequence, Tuple

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFillSymbol,
    QgsGeometry,
    QgsMapLayer,
    QgsMapRendererCustomPainterJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice, QSize
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from alpr_qgis.qgis_io.styles import style_path


def heatmap_layer(layer: QgsRasterLayer) -> Optional[QgsRasterLayer]:
    """A styled copy of a heatmap raster: its ``.qml`` when one lies beside the file, else the plugin's ramp."""
    if layer is None or not layer.isValid():
        return None
    copy = layer.clone()
    qml = os.path.splitext(layer.source())[0] + ".qml"
    if os.path.isfile(qml):
        copy.loadNamedStyle(qml)
    else:
        from alpr_qgis.qgis_io.raster import heatmap_renderer

        stats = copy.dataProvider().bandStatistics(1)
        copy.setRenderer(heatmap_renderer(copy, stats.maximumValue))
    return copy


def density_layer(
    x, y, crs: QgsCoordinateReferenceSystem, extent: QgsRectangle, folder: str, long_side: int = 450
) -> Optional[QgsRasterLayer]:
    """Reads as a smoothed count surface (a GeoTIFF in ``folder``), for maps of too many points to draw.

    Counts per cell of a ``long_side`` grid over ``extent``, smoothed with a
    Gaussian of 1.5 cells, styled with the plugin's heatmap ramp.
    """
    import numpy as np
    from osgeo import gdal, osr
    from scipy import ndimage

    from alpr_qgis.qgis_io.raster import heatmap_renderer

    width, height = extent.width(), extent.height()
    if width <= 0 or height <= 0:
        return None
    cell = max(width, height) / long_side
    cols, rows = max(1, int(np.ceil(width / cell))), max(1, int(np.ceil(height / cell)))
    x0, y1 = extent.xMinimum(), extent.yMinimum() + rows * cell
    col = np.floor((np.asarray(x) - x0) / cell)
    row = np.floor((y1 - np.asarray(y)) / cell)
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    counts = (
        np.bincount((row[inside] * cols + col[inside]).astype(np.int64), minlength=rows * cols)
        .reshape(rows, cols)
        .astype(np.float32)
    )
    surface = ndimage.gaussian_filter(counts, 1.5)
    path = os.path.join(folder, "alpr_report_density.tif")
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(path, cols, rows, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((x0, cell, 0.0, y1, 0.0, -cell))
    srs = osr.SpatialReference()
    srs.ImportFromWkt(crs.toWkt())
    dataset.SetProjection(srs.ExportToWkt())
    dataset.GetRasterBand(1).WriteArray(surface)
    dataset = None  # closes the file
    layer = QgsRasterLayer(path, "density", "gdal", QgsRasterLayer.LayerOptions(loadDefaultStyle=False))
    if not layer.isValid():
        return None
    layer.setRenderer(heatmap_renderer(layer, float(surface.max())))
    return layer


def points_layer(layer: QgsVectorLayer) -> Optional[QgsVectorLayer]:
    """A copy of a point layer with the plugin's reads style."""
    if layer is None or not layer.isValid():
        return None
    copy = layer.clone()
    copy.loadNamedStyle(style_path("reads"))
    return copy


def outline_layer(layer: QgsVectorLayer, colour: str = "#1f2d3d", width: float = 0.6) -> Optional[QgsVectorLayer]:
    """A copy of a polygon layer drawn as outlines only."""
    if layer is None or not layer.isValid():
        return None
    copy = layer.clone()
    symbol = QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": colour, "outline_width": str(width), "outline_width_unit": "MM"}
    )
    copy.setRenderer(QgsSingleSymbolRenderer(symbol))
    return copy


def reference_layers(
    point: QgsPointXY, crs: QgsCoordinateReferenceSystem, radius_m: float, metric_crs: QgsCoordinateReferenceSystem
) -> List[QgsVectorLayer]:
    """A star at the reference point and the circle of ``radius_m`` around it (built in ``metric_crs``)."""
    layers = []
    to_metric = QgsCoordinateTransform(crs, metric_crs, QgsProject.instance())
    centre = to_metric.transform(point)
    ring = [
        QgsPointXY(centre.x() + radius_m * math.cos(a), centre.y() + radius_m * math.sin(a))
        for a in (2 * math.pi * i / 96 for i in range(97))
    ]
    circle = QgsVectorLayer("Polygon?crs={}".format(metric_crs.authid() or metric_crs.toWkt()), "radius", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPolygonXY([ring]))
    circle.dataProvider().addFeatures([feature])
    circle.setRenderer(
        QgsSingleSymbolRenderer(
            QgsFillSymbol.createSimple(
                {"style": "no", "outline_color": "#d7301f", "outline_width": "0.5", "outline_style": "dash"}
            )
        )
    )
    star = QgsVectorLayer("Point?crs={}".format(metric_crs.authid() or metric_crs.toWkt()), "reference", "memory")
    feature = QgsFeature()
    feature.setGeometry(QgsGeometry.fromPointXY(centre))
    star.dataProvider().addFeatures([feature])
    star.setRenderer(
        QgsSingleSymbolRenderer(
            QgsMarkerSymbol.createSimple(
                {"name": "star", "color": "#d7301f", "outline_color": "white", "size": "4.5", "outline_width": "0.3"}
            )
        )
    )
    layers.extend([star, circle])
    return layers


def render_png(
    layers: Sequence[QgsMapLayer],
    crs: QgsCoordinateReferenceSystem,
    extent: QgsRectangle,
    width: int = 900,
    max_height: int = 900,
) -> bytes:
    """Render ``layers`` (top first) over ``extent`` (in ``crs``) to PNG bytes, white background."""
    extent = QgsRectangle(extent)
    extent.scale(1.06)
    ratio = extent.height() / extent.width() if extent.width() > 0 else 1.0
    height = max(200, min(max_height, int(round(width * ratio))))
    settings = QgsMapSettings()
    settings.setLayers(list(layers))
    settings.setDestinationCrs(crs)
    settings.setTransformContext(QgsProject.instance().transformContext())
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputDpi(96)
    image = QImage(QSize(width, height), QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    job = QgsMapRendererCustomPainterJob(settings, painter)
    job.renderSynchronously()
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def layer_extent(layer: QgsMapLayer, crs: QgsCoordinateReferenceSystem) -> Optional[QgsRectangle]:
    """The layer's extent in ``crs`` (None when empty or not transformable)."""
    if layer is None or not layer.isValid():
        return None
    extent = layer.extent()
    if extent.isNull() or extent.isEmpty() and extent.width() == 0 and extent.height() == 0:
        return None
    if layer.crs().isValid() and crs.isValid() and layer.crs() != crs:
        try:
            extent = QgsCoordinateTransform(layer.crs(), crs, QgsProject.instance()).transformBoundingBox(extent)
        except Exception:  # noqa: BLE001 (QgsCsException: an extent outside the CRS's area)
            return None
    return extent


def bounds_rectangle(bounds: Tuple[float, float, float, float]) -> QgsRectangle:
    return QgsRectangle(bounds[0], bounds[1], bounds[2], bounds[3])
