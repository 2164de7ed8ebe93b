"""Raster outputs: a float32 GeoTIFF written with GDAL, and its heatmap style.

The GeoTIFF holds what QGIS's own heatmap writes (one Float32 band, the CRS
as WKT, a no-data value, the same values) in a file a person expects:
DEFLATE-compressed with the floating-point predictor, in 256 × 256 tiles
(BigTIFF only when it might need it).  It is written a row of tiles at a
time as the strips are computed, so neither the caller nor GDAL's cache
holds the whole raster.  The unit of its values (the factor that turns them
into reads per km²) is stored in its metadata.

Its style is written as a ``.qml`` beside it, which QGIS applies whenever it
opens the file (post-processors do not run under ``qgis_process``), and
applied in the desktop by a layer post-processor.  The style's legend speaks
reads per km² (the raster's values stay QGIS's; only the labels convert),
and densities under :data:`NEGLIGIBLE_SHARE` of the largest are transparent,
so the heatmap fades out instead of ending in a rectangle.
"""

from __future__ import annotations

import errno
import math
import os
import uuid
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from osgeo import gdal
from qgis.core import (
    QgsBilinearRasterResampler,
    QgsColorRampLegendNodeSettings,
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

from alpr_qgis.core.kde import kernel_scale
from alpr_qgis.qgis_io.outputs import WRITE_ERRORS, AtomicFile, failed_write
from alpr_qgis.qgis_io.styles import StylePostProcessor

#: Extensions written as GeoTIFF.
GEOTIFF_EXTENSIONS = (".tif", ".tiff")

#: Side of the GeoTIFF's square tiles, in pixels.
TILE = 256

#: GeoTIFF creation options; PREDICTOR is added by :func:`write_geotiff_strips`
#: (3, the floating-point predictor, or 2 where GDAL refuses 3 for the type).
GEOTIFF_OPTIONS = (
    "COMPRESS=DEFLATE",
    "TILED=YES",
    "BLOCKXSIZE={}".format(TILE),
    "BLOCKYSIZE={}".format(TILE),
    "BIGTIFF=IF_SAFER",
)

#: Metadata items of a heatmap GeoTIFF: the factor turning a value into the
#: density unit, and the unit's name (absent when the values have no area unit).
META_PER_KM2 = "ALPR_PER_KM2"
META_UNIT = "ALPR_DENSITY_UNIT"

#: The unit of an unweighted heatmap.
READS_PER_KM2 = "reads per km²"

#: Densities under this share of the largest are drawn fully transparent.
NEGLIGIBLE_SHARE = 0.02

# A perceptual ramp (matplotlib's "inferno"): position in [0, 1] of the largest value, colour.
INFERNO: Sequence[Tuple[float, str]] = (
    (0.0, "#000004"),
    (0.125, "#1f0c48"),
    (0.25, "#550f6d"),
    (0.375, "#88226a"),
    (0.5, "#ba3655"),
    (0.625, "#e35933"),
    (0.75, "#f98c0a"),
    (0.875, "#f9c932"),
    (1.0, "#fcffa4"),
)
# Opacity climbs from 0 at the negligible share to full at this share of the largest value.
OPAQUE_SHARE = 0.3

# The integral over the plane of each raw kernel, divided by π r² (t = d / r; for the
# triangular kernel with decay ratio a: (1 + 2a) / 3).
_KERNEL_AREA = {"quartic": 1.0 / 3.0, "triweight": 1.0 / 4.0, "epanechnikov": 1.0 / 2.0, "uniform": 1.0}

# Post-processors must outlive the algorithm run: keep them here.
_KEEP: List[StylePostProcessor] = []


def per_km2_factor(kernel: str, output: str, radius_m: float, decay: float = 0.0) -> Optional[float]:
    """What turns one of the heatmap's values into a density per km² (None when nothing does).

    A raw value is a sum of kernel heights (1 at a lone point); divided by the
    raw kernel's integral over the plane (π r²/3 for the quartic kernel) it is
    points per m².  A scaled value is the raw one times QGIS's constant (see
    :func:`alpr_qgis.core.kde.kernel_scale`), which is that integral's inverse
    for every kernel but the quartic, where QGIS's 87/(4π r²) is 7.25 times
    3/(π r²); dividing by the constant first makes both exact.  A triangular
    kernel whose decay ratio is -0.5 or less integrates to 0 or less: no unit.
    The metres are the raster's CRS units (alpr:heatmap always maps in metres).
    """
    if kernel == "triangular":
        share = (1.0 + 2.0 * decay) / 3.0
    else:
        share = _KERNEL_AREA.get(kernel)
    if share is None or share <= 0 or not (radius_m > 0):
        return None
    integral = share * math.pi * radius_m**2  # m² per unit of raw value
    return 1e6 / (kernel_scale(kernel, output, radius_m, decay) * integral)


def density_unit_name(weighted: bool = False) -> str:
    """The unit of a heatmap's densities: reads per km², or weighted reads per km² with a weight field."""
    return "weighted " + READS_PER_KM2 if weighted else READS_PER_KM2


def density_metadata(
    per_km2: Optional[float],
    unit: str = READS_PER_KM2,
    kernel: Optional[str] = None,
    radius_m: Optional[float] = None,
    pixel_m: Optional[float] = None,
    output: Optional[str] = None,
) -> Dict[str, str]:
    """The GeoTIFF metadata items of a heatmap: its unit (when it has one) and how it was made."""
    items = {}
    if per_km2 is not None and per_km2 > 0 and math.isfinite(per_km2):
        items.update({META_PER_KM2: repr(float(per_km2)), META_UNIT: unit})
    for key, value in (("KERNEL", kernel), ("RADIUS_M", radius_m), ("PIXEL_M", pixel_m), ("OUTPUT_VALUE", output)):
        if value is not None:
            items["ALPR_" + key] = value if isinstance(value, str) else repr(float(value))
    return items


def heatmap_parameters(source: str) -> Dict[str, object]:
    """What alpr:heatmap stored in a GeoTIFF: ``kernel``, ``radius_m``, ``pixel_m``, ``output``, ``per_km2``, ``unit``.

    Missing items (another raster, an older heatmap) are left out; an empty
    dict when the file cannot be opened.
    """
    try:
        dataset = gdal.Open(source.split("|")[0]) if source else None
    except RuntimeError:  # (with gdal.UseExceptions() set by someone else)
        dataset = None
    if dataset is None:
        return {}
    meta = dataset.GetMetadata() or {}
    dataset = None
    out: Dict[str, object] = {}
    for key, name in (("ALPR_KERNEL", "kernel"), ("ALPR_OUTPUT_VALUE", "output"), (META_UNIT, "unit")):
        if meta.get(key):
            out[name] = meta[key]
    for key, name in (("ALPR_RADIUS_M", "radius_m"), ("ALPR_PIXEL_M", "pixel_m"), (META_PER_KM2, "per_km2")):
        try:
            number = float(meta.get(key, ""))
        except ValueError:
            continue
        if number > 0 and math.isfinite(number):
            out[name] = number
    if "per_km2" not in out:
        out.pop("unit", None)
    return out


def density_unit(source: str) -> Tuple[Optional[float], str]:
    """(factor to the unit, the unit's name) stored in a GeoTIFF by alpr:heatmap; (None, "") otherwise."""
    params = heatmap_parameters(source)
    if "per_km2" not in params:
        return None, ""
    return float(params["per_km2"]), str(params.get("unit") or READS_PER_KM2)


def write_geotiff_strips(
    path: str,
    strips: Iterable[Tuple[int, np.ndarray]],
    rows: int,
    cols: int,
    geotransform: Sequence[float],
    crs: QgsCoordinateReferenceSystem,
    nodata: float,
    metadata: Optional[Dict[str, str]] = None,
) -> None:
    """Write a ``rows`` × ``cols`` one-band Float32 GeoTIFF from ``(first row, block of rows)`` pieces.

    ``geotransform`` is GDAL's (origin x, pixel width, 0, origin y, 0,
    -pixel height); the CRS goes in as WKT (``toWkt()``, as QGIS's heatmap
    does), ``nodata`` as the band's no-data value and ``metadata`` as the
    dataset's metadata items.  The file is DEFLATE-compressed with a
    predictor, in :data:`TILE`-pixel tiles (:data:`GEOTIFF_OPTIONS`); the
    values are stored exactly.  The pieces (top down, each may be a view
    the producer reuses) are gathered into a buffer one row of tiles high,
    written and flushed a whole row of tiles at a time, so each tile is
    compressed once and GDAL's block cache never holds more than one row of
    tiles.  The file is written aside (``outputs.AtomicFile``) and renamed
    into place only once GDAL has written and closed it without an error and
    it reads back; a stale ``.aux.xml`` (statistics of an earlier file) is
    removed then.  If the pieces raise (e.g. cancelled) or a write fails,
    nothing is renamed: any earlier file stays as it was, and the partial
    one is removed.  A failed write raises ``QgsProcessingException`` with
    one line naming the file ("disk full while writing heat.tif: free space
    and run again").
    """
    atomic = AtomicFile(path)
    errors = _GdalErrors()
    try:
        with errors:
            _write_strips(atomic.temp, strips, rows, cols, geotransform, crs, nodata, metadata, errors)
            _check_geotiff(atomic.temp, rows, cols, errors)
        atomic.commit(stale=(atomic.path + ".aux.xml",))
    except WRITE_ERRORS as err:
        raise failed_write(err, path) from None
    finally:
        atomic.discard()


class _GdalErrors:
    """Collects GDAL's errors while in a ``with`` block (instead of printing them), and raises the first."""

    def __init__(self) -> None:
        self.messages: List[str] = []

    def __call__(self, kind, number, message) -> None:
        if kind >= gdal.CE_Failure:
            self.messages.append(str(message))

    def __enter__(self) -> _GdalErrors:
        gdal.PushErrorHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        gdal.PopErrorHandler()

    def check(self) -> None:
        """Raise an ``OSError`` with GDAL's first error, if any came."""
        if self.messages:
            text = self.messages[0]
            number = errno.ENOSPC if "no space" in text.lower() else None
            raise OSError(number, text) if number else OSError(text)


def _write_strips(path, strips, rows, cols, geotransform, crs, nodata, metadata, errors: _GdalErrors) -> None:
    dataset = _create_geotiff(path, rows, cols)
    try:
        dataset.SetGeoTransform(tuple(float(v) for v in geotransform))
        dataset.SetProjection(crs.toWkt())
        if metadata:
            dataset.SetMetadata(dict(metadata))
        band = dataset.GetRasterBand(1)
        band.SetNoDataValue(float(nodata))
        height = min(TILE, rows)
        buffer = np.empty((height, cols), dtype=np.float32)
        start = filled = 0  # the buffer holds rows start .. start + filled

        def flush() -> None:
            if filled and band.WriteArray(buffer[:filled], 0, start) != 0:
                errors.check()
                raise OSError("GDAL could not write rows {} to {}".format(start, start + filled))
            band.FlushCache()
            errors.check()

        for row0, block in strips:
            row0 = int(row0)
            if row0 != start + filled:  # not the next rows: write what is buffered and this piece as it is
                flush()
                start, filled = row0 + len(block), 0
                if band.WriteArray(np.asarray(block, dtype=np.float32), 0, row0) != 0:
                    errors.check()
                    raise OSError("GDAL could not write rows from {}".format(row0))
                continue
            taken = 0
            while taken < len(block):
                n = min(len(block) - taken, height - filled)
                buffer[filled : filled + n] = block[taken : taken + n]
                filled += n
                taken += n
                if filled == height or start + filled == rows:
                    flush()
                    start, filled = start + filled, 0
        flush()
        band = None
        dataset.FlushCache()
        errors.check()
    finally:
        dataset = None  # closes the file (its errors are collected)
    errors.check()


def _check_geotiff(path: str, rows: int, cols: int, errors: _GdalErrors) -> None:
    """Raise unless ``path`` opens as a ``rows`` × ``cols`` raster whose last row of tiles reads back."""
    dataset = gdal.Open(path)
    errors.check()
    if dataset is None or dataset.RasterXSize != cols or dataset.RasterYSize != rows:
        raise OSError("the GeoTIFF written does not read back")
    last = max(0, rows - min(TILE, rows))
    block = dataset.GetRasterBand(1).ReadAsArray(0, last, cols, rows - last)
    dataset = None
    errors.check()
    if block is None:
        raise OSError("the GeoTIFF written does not read back")


def _create_geotiff(path: str, rows: int, cols: int):
    """The GeoTIFF dataset, compressed with the floating-point predictor (2 if GDAL refuses 3)."""
    driver = gdal.GetDriverByName("GTiff")
    if driver is None:
        raise QgsProcessingException("Could not create {}: GDAL has no GeoTIFF driver".format(os.path.basename(path)))
    for predictor in ("3", "2"):
        options = list(GEOTIFF_OPTIONS) + ["PREDICTOR=" + predictor]
        gdal.ErrorReset()
        try:
            dataset = driver.Create(path, cols, rows, 1, gdal.GDT_Float32, options=options)
        except RuntimeError:  # (with gdal.UseExceptions() set by someone else)
            dataset = None
        if dataset is not None:
            return dataset
    raise OSError(gdal.GetLastErrorMsg() or "GDAL could not create the file")


def ramp_colour(share: float) -> QColor:
    """The ramp's colour and opacity at ``share`` of the largest value (transparent at or under the negligible share)."""
    share = min(max(float(share), 0.0), 1.0)
    i = next(i for i in range(1, len(INFERNO)) if share <= INFERNO[i][0] or i == len(INFERNO) - 1)
    (p0, c0), (p1, c1) = INFERNO[i - 1], INFERNO[i]
    f = 0.0 if p1 == p0 else (share - p0) / (p1 - p0)
    a, b = QColor(c0), QColor(c1)
    colour = QColor(
        round(a.red() + f * (b.red() - a.red())),
        round(a.green() + f * (b.green() - a.green())),
        round(a.blue() + f * (b.blue() - a.blue())),
    )
    if share <= NEGLIGIBLE_SHARE:
        alpha = 0
    else:
        alpha = round(255 * min(1.0, (share - NEGLIGIBLE_SHARE) / (OPAQUE_SHARE - NEGLIGIBLE_SHARE)) ** 0.6)
    colour.setAlpha(alpha)
    return colour


def legend_stops(maximum: float, per_km2: Optional[float]) -> List[Tuple[float, float]]:
    """The ramp's stops as (raster value, value in the unit): the negligible threshold, round numbers, the top.

    The round numbers are in the unit (reads per km² when ``per_km2`` is
    given, else raster values), three to seven of them, 1, 2, 2.5 or 5 times a
    power of ten apart.
    """
    top = float(maximum) if maximum > 0 and math.isfinite(maximum) else 1.0
    factor = per_km2 if per_km2 else 1.0
    top_u = top * factor
    low_u = NEGLIGIBLE_SHARE * top_u
    raw_step = top_u / 4.0
    power = 10.0 ** math.floor(math.log10(raw_step))
    step = max(m * power for m in (1.0, 2.0, 2.5, 5.0) if m * power <= raw_step * 1.001)
    ticks = []
    k = 1
    while k * step < top_u * 0.93:
        if k * step > low_u * 1.5:
            ticks.append(k * step)
        k += 1
    units = [low_u] + ticks + [top_u]
    return [(u / factor, u) for u in units]


def heatmap_renderer(
    layer: QgsRasterLayer, maximum: float, per_km2: Optional[float] = None, unit: str = READS_PER_KM2
) -> QgsSingleBandPseudoColorRenderer:
    """A pseudocolour renderer for band 1 up to ``maximum`` with its legend in ``unit``.

    ``per_km2`` turns a raster value into ``unit`` (see
    :func:`per_km2_factor`); without it the legend shows raster values.
    The ramp (:data:`INFERNO`) runs from the negligible threshold
    (:data:`NEGLIGIBLE_SHARE` of ``maximum``, transparent, as is everything
    under it, zero and negative values included) to ``maximum``, with its
    stops at round numbers of the unit (:func:`legend_stops`), so the legend
    reads e.g. "under 106 reads per km² (not shown)", "1,000", …, "5,314
    reads per km² (highest)".  The legend is a list of those stops (not a
    continuous bar, whose labels would be raster values).
    """
    top = float(maximum) if maximum > 0 and math.isfinite(maximum) else 1.0
    unit = unit if per_km2 else ""
    stops = legend_stops(top, per_km2)
    items = []
    for i, (value, shown) in enumerate(stops):
        if i == 0:
            label = "under {}{} (not shown)".format(_number(shown), " " + unit if unit else "")
        elif i == len(stops) - 1:
            label = "{}{} (highest)".format(_number(shown), " " + unit if unit else "")
        else:
            label = _number(shown)
        # The threshold's colour is white: its legend swatch (drawn opaque) reads as "nothing".
        colour = QColor(255, 255, 255, 0) if i == 0 else ramp_colour(value / top)
        items.append(QgsColorRampShader.ColorRampItem(value, colour, label))
    low = stops[0][0]
    ramp = QgsGradientColorRamp(
        items[0].color,
        items[-1].color,
        False,
        [QgsGradientStop((item.value - low) / (top - low), item.color) for item in items[1:-1]],
    )
    function = QgsColorRampShader(low, top, ramp, QgsColorRampShader.Interpolated)
    function.setColorRampItemList(items)
    function.setClip(False)  # under the threshold (zero, negative weights) keeps the transparent first colour
    legend = QgsColorRampLegendNodeSettings()
    legend.setUseContinuousLegend(False)
    function.setLegendSettings(legend)
    shader = QgsRasterShader(low, top)
    shader.setRasterShaderFunction(function)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(low)
    renderer.setClassificationMax(top)
    return renderer


def write_heatmap_style(
    path: str, maximum: float, per_km2: Optional[float] = None, unit: str = READS_PER_KM2
) -> Optional[str]:
    """Write the heatmap style of the GeoTIFF ``path`` as ``<name>.qml`` beside it; its path, or None.

    The ``.qml`` is written aside and renamed into place whole (an earlier
    one stays until then).  The style depends on ``maximum`` and the unit only (one band, the ramp,
    bilinear resampling), so it is made on a one-pixel GeoTIFF in GDAL's
    memory rather than on the heatmap itself: opening the heatmap would have
    QGIS parse and identify its CRS, which costs more than the rest of the
    style.
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
        apply_heatmap_style(layer, maximum, per_km2, unit)
        qml = os.path.splitext(path)[0] + ".qml"
        with AtomicFile(qml) as atomic:  # written aside, renamed into place whole
            _, ok = layer.saveNamedStyle(atomic.temp, QgsMapLayer.Symbology)
            ok = ok and os.path.getsize(atomic.temp) > 0
            if ok:
                atomic.commit()
        del layer
    finally:
        if source == stand_in:
            gdal.Unlink(stand_in)
    return qml if ok else None


def apply_heatmap_style(
    layer: QgsRasterLayer, maximum: float, per_km2: Optional[float] = None, unit: str = READS_PER_KM2
) -> None:
    """Give ``layer`` the heatmap renderer (:func:`heatmap_renderer`) and bilinear resampling both ways."""
    layer.setRenderer(heatmap_renderer(layer, maximum, per_km2, unit))
    layer.resampleFilter().setZoomedInResampler(QgsBilinearRasterResampler())
    layer.resampleFilter().setZoomedOutResampler(QgsBilinearRasterResampler())


def style_raster_output(
    dest: str,
    maximum: float,
    context: QgsProcessingContext,
    feedback,
    per_km2: Optional[float] = None,
    unit: str = READS_PER_KM2,
) -> Optional[str]:
    """Style the heatmap GeoTIFF ``dest``: a ``.qml`` beside it, and in the desktop once loaded.

    ``per_km2`` and ``unit``: as :func:`heatmap_renderer`.  Returns the
    ``.qml`` path (None when it could not be written; a warning says so).
    """
    qml = write_heatmap_style(dest, maximum, per_km2, unit)
    if qml is None:
        feedback.pushWarning("Could not write the heatmap style beside {}.".format(os.path.basename(dest)))
        return None
    if context.willLoadLayerOnCompletion(dest):
        processor = StylePostProcessor(qml)
        _KEEP.append(processor)
        context.layerToLoadOnCompletionDetails(dest).setPostProcessor(processor)
    return qml


def _number(value: float) -> str:
    """A legend number: thousands separators, no needless decimals (0.25, 7.5, 1,000)."""
    if value >= 100 or float(value).is_integer():
        return "{:,.0f}".format(value)
    if value >= 1:
        return "{:,.1f}".format(value).rstrip("0").rstrip(".")
    return "{:.2g}".format(value)
