"""The layers a map picture is made of, styled by the plugin, and the plain map render.

:func:`heatmap_layer` styles a density raster in reads per km² (transparent
where the density is negligible); :func:`density_layer` makes one from
points; :func:`points_layer`, :func:`outline_layer` and
:func:`reference_layers` are the overlays; :func:`render_png` draws layers
as PNG bytes.  The publishable map with legend, scale bar and north arrow is
``qgis_io.map_layout``.

The layers given are cloned before they are styled, so a user's project
layers keep their own styles.  Rendering is synchronous: it works headless,
under ``qgis_process`` and in the desktop.
"""

from __future__ import annotations

import contextlib
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
    QgsRasterBandStats,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice, QSize
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from alpr_qgis.qgis_io.raster import (
    META_PER_KM2,
    META_UNIT,
    READS_PER_KM2,
    apply_heatmap_style,
    density_unit,
)
from alpr_qgis.qgis_io.styles import style_path


def heatmap_layer(
    layer: QgsRasterLayer, per_km2: Optional[float] = None, unit: Optional[str] = None
) -> Optional[QgsRasterLayer]:
    """A styled copy of a heatmap raster, its legend in reads per km² when the unit is known.

    The unit comes from ``per_km2``/``unit`` when given, else from the
    GeoTIFF's metadata (alpr:heatmap stores it); the copy then gets the
    plugin's ramp (:func:`alpr_qgis.qgis_io.raster.heatmap_renderer`:
    transparent where the density is negligible, labels in the unit) and is
    named after the unit ("Reads per km²").  A raster of unknown unit keeps
    the ``.qml`` beside its file when there is one, else gets the ramp with
    raster values as labels.
    """
    if layer is None or not layer.isValid():
        return None
    copy = layer.clone()
    if per_km2 is None:
        per_km2, stored_unit = density_unit(layer.source())
        unit = unit or stored_unit
    unit = unit or READS_PER_KM2
    qml = os.path.splitext(layer.source())[0] + ".qml"
    if per_km2 is None and os.path.isfile(qml):
        copy.loadNamedStyle(qml)
        return copy
    apply_heatmap_style(copy, raster_maximum(copy), per_km2, unit)
    copy.setName(unit[:1].upper() + unit[1:] if per_km2 else "Heatmap (raster values)")
    return copy


def raster_maximum(layer: QgsRasterLayer) -> float:
    """The exact largest value of band 1 (no-data left out): every cell read, nothing written beside the file.

    Not the approximate statistics GDAL keeps in a ``.aux.xml`` (QGIS asks
    for them when it opens a raster for its default grey style): those put
    the demo heatmap's largest value at 255.5 instead of 500.9.
    """
    from osgeo import gdal

    try:
        dataset = gdal.Open(layer.source().split("|")[0])
    except RuntimeError:  # (with gdal.UseExceptions() set by someone else)
        dataset = None
    if dataset is not None:
        try:
            with contextlib.suppress(RuntimeError, TypeError):  # (no valid cell: QGIS's statistics below)
                return float(dataset.GetRasterBand(1).ComputeRasterMinMax(False)[1])
        finally:
            dataset = None
    stats = layer.dataProvider().bandStatistics(1, QgsRasterBandStats.Max, QgsRectangle(), 0)  # every cell
    return float(stats.maximumValue)


#: Points binned at a time for a density surface (the working arrays stay this size, whatever the reads).
DENSITY_CHUNK = 500_000


def density_layer(
    x, y, crs: QgsCoordinateReferenceSystem, extent: QgsRectangle, folder: str, long_side: int = 450
) -> Optional[QgsRasterLayer]:
    """Reads as a smoothed count surface (a GeoTIFF in ``folder``), for maps of too many points to draw.

    Counts per cell of a ``long_side`` grid over ``extent`` (binned
    :data:`DENSITY_CHUNK` points at a time), smoothed with a Gaussian of 1.5
    cells (which keeps their sum), styled with the plugin's heatmap ramp with
    its legend in reads per km² (a count per cell over the cell's area; the
    factor is stored in the GeoTIFF as alpr:heatmap does).  ``x``/``y``: the
    points' coordinates; or ``y`` None and ``x`` blocks ``(x, y)`` of them
    (points read back from a scratch file a piece at a time).
    """
    import numpy as np

    if y is None:
        blocks = x
    else:
        blocks = ((x[at : at + DENSITY_CHUNK], y[at : at + DENSITY_CHUNK]) for at in range(0, len(x), DENSITY_CHUNK))
    width, height = extent.width(), extent.height()
    if width <= 0 or height <= 0:
        return None
    cell = max(width, height) / long_side
    cols, rows = max(1, int(np.ceil(width / cell))), max(1, int(np.ceil(height / cell)))
    x0, y1 = extent.xMinimum(), extent.yMinimum() + rows * cell
    counts = np.zeros(rows * cols, dtype=np.int64)
    for bx, by in blocks:
        col = np.floor((np.asarray(bx) - x0) / cell)
        row = np.floor((y1 - np.asarray(by)) / cell)
        inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
        counts += np.bincount((row[inside] * cols + col[inside]).astype(np.int64), minlength=rows * cols)
    return density_raster(counts.reshape(rows, cols).astype(np.float32), x0, y1, cell, crs, folder)


def density_raster(counts, x0: float, y1: float, cell: float, crs: QgsCoordinateReferenceSystem, folder: str):
    """:func:`density_layer`'s raster from counts per cell already made (float32, row 0 at the top).

    The summary's push-down counts the same grid in the database and comes here.
    """
    from osgeo import gdal, osr
    from scipy import ndimage

    rows, cols = counts.shape
    surface = ndimage.gaussian_filter(counts, 1.5)
    per_km2 = 1e6 / (cell * cell) if crs.mapUnits() == QgsUnitTypes.DistanceMeters else None
    path = os.path.join(folder, "alpr_report_density.tif")
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(path, cols, rows, 1, gdal.GDT_Float32)
    dataset.SetGeoTransform((x0, cell, 0.0, y1, 0.0, -cell))
    srs = osr.SpatialReference()
    srs.ImportFromWkt(crs.toWkt())
    dataset.SetProjection(srs.ExportToWkt())
    if per_km2:
        dataset.SetMetadata({META_PER_KM2: repr(per_km2), META_UNIT: READS_PER_KM2})
    dataset.GetRasterBand(1).WriteArray(surface)
    dataset = None  # closes the file
    layer = QgsRasterLayer(path, "density", "gdal", QgsRasterLayer.LayerOptions(loadDefaultStyle=False))
    if not layer.isValid():
        return None
    apply_heatmap_style(layer, float(surface.max()), per_km2)
    layer.setName("Reads per km²" if per_km2 else "Density of reads")
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
    """A star at the reference point and the circle of ``radius_m`` around it (built in ``metric_crs``).

    Named "Reference point" and "Reference distance" (their legend entries).
    """
    layers = []
    to_metric = QgsCoordinateTransform(crs, metric_crs, QgsProject.instance())
    centre = to_metric.transform(point)
    ring = [
        QgsPointXY(centre.x() + radius_m * math.cos(a), centre.y() + radius_m * math.sin(a))
        for a in (2 * math.pi * i / 96 for i in range(97))
    ]
    circle = QgsVectorLayer(
        "Polygon?crs={}".format(metric_crs.authid() or metric_crs.toWkt()), "Reference distance", "memory"
    )
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
    star = QgsVectorLayer("Point?crs={}".format(metric_crs.authid() or metric_crs.toWkt()), "Reference point", "memory")
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
