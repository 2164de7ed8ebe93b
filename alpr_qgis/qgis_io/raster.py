"""Raster outputs: a float32 GeoTIFF written with GDAL, and its heatmap style.

The GeoTIFF is what QGIS's own heatmap writes (one Float32 band, no creation
options, the CRS as WKT, a no-data value), written in strips of rows as they
are computed, so neither the caller nor GDAL's cache holds the whole raster.  Its style is written as a ``.qml`` beside it, which
QGIS applies whenever it opens the file (post-processors do not run under
``qgis_process``), and applied in the desktop by a layer post-processor.
"""

from __future__ import annotations

import os
import uuid
from typing import Iterable, List, Optional, Sequence, Tuple

import numpy as np
from osgeo import gdal
from qgis.core import (
    QgsBilinearRasterResampler,
    QgsColorRampShader,
    QgsCoordinateReferenceSystem,
    QgsGradientColorRamp,
    QgsGradientStop,
    QgsMapLayer,
    QgsProcessingContext,
    QgsProcessingException,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtGui import QColor

from alpr_qgis.qgis_io.styles import StylePostProcessor

#: Extensions written as GeoTIFF.
GEOTIFF_EXTENSIONS = (".tif", ".tiff")

# A perceptual ramp (matplotlib's "inferno"): position in [0, 1], colour, opacity.
# Zero is fully transparent and low densities fade in over the map beneath.
HEAT_RAMP: Sequence[Tuple[float, str, int]] = (
    (0.0, "#000004", 0),
    (0.125, "#1f0c48", 150),
    (0.25, "#550f6d", 210),
    (0.375, "#88226a", 240),
    (0.5, "#ba3655", 255),
    (0.625, "#e35933", 255),
    (0.75, "#f98c0a", 255),
    (0.875, "#f9c932", 255),
    (1.0, "#fcffa4", 255),
)

# Post-processors must outlive the algorithm run: keep them here.
_KEEP: List[StylePostProcessor] = []


def write_geotiff_strips(
    path: str,
    strips: Iterable[Tuple[int, np.ndarray]],
    rows: int,
    cols: int,
    geotransform: Sequence[float],
    crs: QgsCoordinateReferenceSystem,
    nodata: float,
) -> None:
    """Write a ``rows`` × ``cols`` one-band Float32 GeoTIFF from ``(first row, block of rows)`` pieces.

    ``geotransform`` is GDAL's (origin x, pixel width, 0, origin y, 0,
    -pixel height); the CRS goes in as WKT (``toWkt()``, as QGIS's heatmap
    does) and ``nodata`` as the band's no-data value.  The pieces are
    written as they come (each may be a view the producer reuses) and
    flushed one by one, so GDAL's block cache never holds more than one.
    A stale ``.aux.xml`` (statistics of
    an earlier file) is removed.  If the pieces raise (e.g. cancelled), the
    file is removed and the exception goes on.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    stale = path + ".aux.xml"
    if os.path.exists(stale):
        os.remove(stale)
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(path, cols, rows, 1, gdal.GDT_Float32) if driver is not None else None
    if dataset is None:
        raise QgsProcessingException("Could not create {}: {}".format(path, gdal.GetLastErrorMsg() or "GDAL error"))
    complete = False
    try:
        dataset.SetGeoTransform(tuple(float(v) for v in geotransform))
        dataset.SetProjection(crs.toWkt())
        band = dataset.GetRasterBand(1)
        band.SetNoDataValue(float(nodata))
        for row0, block in strips:
            # WriteArray takes numpy's strides, so a float32 view is written without a copy.
            block = block if block.dtype == np.float32 else block.astype(np.float32)
            if band.WriteArray(block, 0, int(row0)) != 0:
                raise QgsProcessingException("Could not write {}: {}".format(path, gdal.GetLastErrorMsg()))
            band.FlushCache()
        complete = True
        band = None
    finally:
        dataset = None  # closes the file
        if not complete and os.path.exists(path):
            os.remove(path)


def heatmap_renderer(layer: QgsRasterLayer, maximum: float) -> QgsSingleBandPseudoColorRenderer:
    """A pseudocolour renderer for band 1 from 0 (transparent) to ``maximum`` along :data:`HEAT_RAMP`."""
    top = float(maximum) if maximum > 0 else 1.0
    ramp = QgsGradientColorRamp(
        _colour(HEAT_RAMP[0][1], HEAT_RAMP[0][2]),
        _colour(HEAT_RAMP[-1][1], HEAT_RAMP[-1][2]),
        False,
        [QgsGradientStop(pos, _colour(col, alpha)) for pos, col, alpha in HEAT_RAMP[1:-1]],
    )
    function = QgsColorRampShader(0.0, top, ramp, QgsColorRampShader.Interpolated)
    function.setColorRampItemList(
        [
            QgsColorRampShader.ColorRampItem(pos * top, _colour(col, alpha), _label(pos * top))
            for pos, col, alpha in HEAT_RAMP
        ]
    )
    function.setClip(False)  # below 0 (negative weights) keeps the transparent first colour
    shader = QgsRasterShader(0.0, top)
    shader.setRasterShaderFunction(function)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(top)
    return renderer


def write_heatmap_style(path: str, maximum: float) -> Optional[str]:
    """Write the heatmap style of the GeoTIFF ``path`` as ``<name>.qml`` beside it; its path, or None.

    The style depends on ``maximum`` only (one band, the ramp, bilinear
    zoom-in), so it is made on a one-pixel GeoTIFF in GDAL's memory rather
    than on the heatmap itself: opening the heatmap would have QGIS parse
    and identify its CRS, which costs more than the rest of the style.
    """
    stand_in = "/vsimem/alpr_heatmap_style_{}.tif".format(uuid.uuid4().hex)
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(stand_in, 1, 1, 1, gdal.GDT_Float32) if driver is not None else None
    source = path
    if dataset is not None:
        dataset.SetGeoTransform((0.0, 1.0, 0.0, 0.0, 0.0, -1.0))
        dataset.GetRasterBand(1).WriteArray(np.zeros((1, 1), dtype=np.float32))
        dataset = None
        source = stand_in
    try:
        # No default style: the default grey renderer would scan the raster for its minimum and maximum.
        layer = QgsRasterLayer(source, "heatmap", "gdal", QgsRasterLayer.LayerOptions(loadDefaultStyle=False))
        if not layer.isValid():
            return None
        layer.setRenderer(heatmap_renderer(layer, maximum))
        layer.resampleFilter().setZoomedInResampler(QgsBilinearRasterResampler())
        qml = os.path.splitext(path)[0] + ".qml"
        _, ok = layer.saveNamedStyle(qml, QgsMapLayer.Symbology)
        del layer
    finally:
        if source == stand_in:
            gdal.Unlink(stand_in)
    return qml if ok else None


def style_raster_output(dest: str, maximum: float, context: QgsProcessingContext, feedback) -> Optional[str]:
    """Style the heatmap GeoTIFF ``dest``: a ``.qml`` beside it, and in the desktop once loaded.

    Returns the ``.qml`` path (None when it could not be written; a warning
    says so).
    """
    qml = write_heatmap_style(dest, maximum)
    if qml is None:
        feedback.pushWarning("Could not write the heatmap style beside {}.".format(dest))
        return None
    if context.willLoadLayerOnCompletion(dest):
        processor = StylePostProcessor(qml)
        _KEEP.append(processor)
        context.layerToLoadOnCompletionDetails(dest).setPostProcessor(processor)
    return qml


def _colour(hex_rgb: str, alpha: int) -> QColor:
    colour = QColor(hex_rgb)
    colour.setAlpha(alpha)
    return colour


def _label(value: float) -> str:
    return "{:.4g}".format(value)
