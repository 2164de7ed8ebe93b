"""The heatmap's points: read, projected to metres and added to a density builder.

:func:`density_of` hands ``alpr:heatmap`` a filled ``kde.DensityBuilder``,
its grid and CRS.  A whole GeoPackage point layer goes in a chunk at a time
(``qgis_io.points``): in metres straight into the builder; in other units
each chunk is projected into a scratch file, which is read back into the
builder once the projected extent (the grid) is known.  Any other source is
read whole (``read_points``; multipoints part by part through QGIS),
projected to the UTM zone of its extent's centre when it is not in metres,
and added at once.  The grid is QGIS's heatmap grid: the points' extent (as the source reports
it for a layer in metres, else that of the projected points) or ``EXTENT``,
grown by the radius.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsFeatureRequest, QgsProcessingUtils, QgsWkbTypes
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core import kde
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.scratch import ScratchDir
from alpr_qgis.qgis_io.crs import is_metric, transform_xy, working_crs
from alpr_qgis.qgis_io.points import open_point_chunks
from alpr_qgis.qgis_io.vector import read_points

Extent = Tuple[float, float, float, float]


def _tr(text: str) -> str:
    return QCoreApplication.translate("HeatmapAlgorithm", text)


@dataclass
class Settings:
    """What the heatmap computes: distances in metres, QGIS's kernel and output value names."""

    radius: float
    pixel: float
    kernel: str
    output: str
    decay: float
    weight_field: Optional[str]


@dataclass
class Density:
    """A density builder holding every point, its grid and CRS, and the features without geometry."""

    builder: kde.DensityBuilder
    grid: kde.Grid
    crs: QgsCoordinateReferenceSystem
    skipped: int


def density_of(alg, parameters: Dict, name: str, extent_name: str, context, feedback, settings: Settings) -> Density:
    """The points of the source parameter ``name`` in a ``kde.DensityBuilder`` (``extent_name``: EXTENT).

    ``feedback`` gets the reading progress; a layer without CRS, without
    features or without located points is an ``AlprInputError``.
    """
    source = alg.parameterAsSource(parameters, name, context)
    layer_name = source.sourceName() or str(parameters.get(name))
    crs = source.sourceCrs()
    if not crs.isValid():
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'Layer "{layer}" has no CRS'),
            args={"layer": layer_name},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Set the layer's CRS so distances can be measured."),
        )
    if hasattr(alg, "log_estimate"):
        alg.log_estimate(feedback, source.featureCount())
    window = bool(parameters.get(extent_name))
    chunks = None
    single = not QgsWkbTypes.isMultiType(source.wkbType())
    if single and not is_metric(crs):
        chunks = open_point_chunks(alg, parameters, name, context, settings.weight_field)
        if chunks is not None:
            return _projected_chunks(
                alg, source, chunks, layer_name, parameters, extent_name, context, feedback, settings
            )
    if single and is_metric(crs) and (window or _source_extent(source) is not None):
        chunks = open_point_chunks(alg, parameters, name, context, settings.weight_field)
    if chunks is not None:
        # A whole GeoPackage layer in metres: its points go into the heatmap a chunk at a time.
        with chunks:
            _check_features(chunks.features, layer_name)
            extent = _extent(alg, parameters, extent_name, context, crs, _source_extent(source), feedback)
            grid = _grid(extent, settings, feedback)
            builder = _builder(grid, settings, window, chunks.features, feedback)
            located = 0
            for x, y, weights in chunks.chunks(progress=lambda f: feedback.setProgress(100 * f)):
                builder.add(x, y, weights)
                located += len(x)
        _check_located(located, chunks.features, layer_name)
        return Density(builder, grid, crs, chunks.features - located)
    x, y, weights, n_features, skipped = _read(alg, source, parameters, name, context, settings.weight_field, feedback)
    _check_features(n_features, layer_name)
    _check_located(len(x), n_features, layer_name)
    x, y, weights, out_crs, extent = _project(source, x, y, weights, crs, context, feedback)
    extent = _extent(alg, parameters, extent_name, context, out_crs, extent, feedback)
    grid = _grid(extent, settings, feedback)
    builder = _builder(grid, settings, window, len(x), feedback)
    builder.add(x, y, weights)
    return Density(builder, grid, out_crs, skipped)


def _projected_chunks(
    alg, source, chunks, layer_name: str, parameters: Dict, extent_name: str, context, feedback, settings: Settings
) -> Density:
    """A whole GeoPackage layer not in metres, a chunk at a time: the raster :func:`_project` would make.

    Each chunk is projected to the working CRS once; its projected points
    (and weights) go to a scratch file while their extent and the counts
    (read, located, not projectable) are kept; the grid known, the file is
    read back a chunk at a time into the builder, sized for the points
    counted.  Nothing holds every point but the builder (6 bytes a point
    when it streams).  The scratch lives in a private folder removed on
    every exit path (``core.scratch.ScratchDir``).
    """
    crs = source.sourceCrs()
    transform_context = context.transformContext()
    weighted = bool(settings.weight_field)
    scratch = ScratchDir(QgsProcessingUtils.tempFolder())
    try:
        sizes = []
        with chunks, open(scratch.file("points.f8"), "w+b") as spill:
            _check_features(chunks.features, layer_name)
            centre = source.sourceExtent().center()
            out_crs = working_crs(crs, np.array([centre.x()]), np.array([centre.y()]), transform_context)
            located = 0
            low, high = [math.inf, math.inf], [-math.inf, -math.inf]
            for x, y, weights in chunks.chunks(progress=lambda f: feedback.setProgress(100 * f)):
                if feedback.isCanceled():
                    raise Cancelled()
                located += len(x)
                px, py = transform_xy(x, y, crs, out_crs, transform_context)
                del x, y
                good = np.isfinite(px) & np.isfinite(py)
                if not good.all():
                    px, py = px[good], py[good]
                    weights = weights[good] if weights is not None else None
                del good
                if len(px):
                    low = [min(low[0], px.min()), min(low[1], py.min())]
                    high = [max(high[0], px.max()), max(high[1], py.max())]
                    px.tofile(spill)
                    py.tofile(spill)
                    if weighted:
                        weights.tofile(spill)
                    sizes.append(len(px))
                del px, py, weights
            _check_located(located, chunks.features, layer_name)
            projected = sum(sizes)
            feedback.pushInfo(
                _tr("Projected to {} ({}) for metres; the heatmap is in this CRS.").format(
                    out_crs.authid(), out_crs.description()
                )
            )
            if projected < located:
                feedback.pushWarning(
                    _tr("{} points could not be projected to {} and are left out.").format(
                        located - projected, out_crs.authid()
                    )
                )
            if not projected:
                raise AlprInputError(
                    QT_TRANSLATE_NOOP("alpr_core", "None of the points could be projected to {crs}"),
                    args={"crs": out_crs.authid()},
                )
            extent = _extent(alg, parameters, extent_name, context, out_crs, (*low, *high), feedback)
            grid = _grid(extent, settings, feedback)
            builder = _builder(grid, settings, bool(parameters.get(extent_name)), projected, feedback)
            spill.seek(0)
            for n in sizes:
                if feedback.isCanceled():
                    raise Cancelled()
                px = np.fromfile(spill, dtype=float, count=n)
                py = np.fromfile(spill, dtype=float, count=n)
                weights = np.fromfile(spill, dtype=float, count=n) if weighted else None
                builder.add(px, py, weights)
                del px, py, weights
    finally:
        scratch.close()
    return Density(builder, grid, out_crs, chunks.features - located)


def _check_features(n_features: int, layer_name: str) -> None:
    if n_features == 0:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'Layer "{layer}" has no features'),
            args={"layer": layer_name},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Give INPUT a layer with points."),
        )


def _check_located(located: int, n_features: int, layer_name: str) -> None:
    if not located:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'Layer "{layer}": none of its {count} features has a geometry'),
            args={"layer": layer_name, "count": n_features},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Give INPUT a layer with located points."),
        )


def _builder(grid: kde.Grid, settings: Settings, window: bool, expected: int, feedback) -> kde.DensityBuilder:
    return kde.DensityBuilder(
        grid,
        settings.radius,
        settings.kernel,
        settings.output,
        settings.decay,
        window=window,
        expected=expected,
        cancelled=feedback.isCanceled,
    )


def _extent(alg, parameters: Dict, extent_name: str, context, out_crs, extent, feedback) -> Extent:
    """The EXTENT parameter in ``out_crs`` when given (it replaces ``extent``), else ``extent``."""
    if not parameters.get(extent_name):
        return extent
    rect = alg.parameterAsExtent(parameters, extent_name, context, out_crs)
    if rect.isNull() or not all(
        math.isfinite(v) for v in (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
    ):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is not a usable extent"),
            field=extent_name,
            value=parameters.get(extent_name),
        )
    extent = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
    feedback.pushInfo(
        _tr("Mapping the extent {:.1f}, {:.1f} : {:.1f}, {:.1f} ({}), grown by the radius.").format(
            *extent, out_crs.authid()
        )
    )
    return extent


def _grid(extent, settings: Settings, feedback) -> kde.Grid:
    grid = kde.Grid.around(extent, settings.radius, settings.pixel)
    feedback.pushInfo(
        _tr("Raster of {} × {} cells of {} m, radius {} m, {} kernel, {} values.").format(
            grid.cols, grid.rows, settings.pixel, settings.radius, settings.kernel, settings.output
        )
    )
    return grid


def _read(
    alg, source, parameters: Dict, name: str, context, weight_field: Optional[str], feedback
) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int, int]:
    """(x, y, weights or None, features read, features without geometry): one row per point (part)."""
    if QgsWkbTypes.isMultiType(source.wkbType()):
        return _read_parts(source, weight_field, feedback)
    points = read_points(
        alg,
        parameters,
        name,
        context,
        weight_field,
        progress=lambda f: feedback.setProgress(100 * f),
        cancelled=feedback.isCanceled,
    )
    if points is None or feedback.isCanceled():
        raise Cancelled()
    return points.x, points.y, points.weights, points.features, points.features - len(points.x)


def _project(source, x: np.ndarray, y: np.ndarray, weights: Optional[np.ndarray], crs, context, feedback):
    """(x, y, weights, CRS, extent): the points in the metric CRS to map in, and the extent native would grid.

    A layer in metres keeps its CRS and its own reported extent (as
    native's ``sourceExtent()``); any other is projected to the UTM zone
    of its extent's centre, and its extent becomes that of the projected
    points, as if it had been reprojected first.
    """
    if is_metric(crs):
        extent = _source_extent(source)
        if len(x):  # widened to the points: a layer being edited may hold points its reported extent misses
            points = (x.min(), y.min(), x.max(), y.max())
            extent = (
                points if extent is None else (*np.minimum(extent[:2], points[:2]), *np.maximum(extent[2:], points[2:]))
            )
        return x, y, weights, crs, extent
    transform_context = context.transformContext()
    centre = source.sourceExtent().center()
    out_crs = working_crs(crs, np.array([centre.x()]), np.array([centre.y()]), transform_context)
    feedback.pushInfo(
        _tr("Projected to {} ({}) for metres; the heatmap is in this CRS.").format(
            out_crs.authid(), out_crs.description()
        )
    )
    px, py = transform_xy(x, y, crs, out_crs, transform_context)
    good = np.isfinite(px) & np.isfinite(py)
    if not good.all():
        feedback.pushWarning(
            _tr("{} points could not be projected to {} and are left out.").format(int((~good).sum()), out_crs.authid())
        )
        px, py = px[good], py[good]
        weights = weights[good] if weights is not None else None
    if not len(px):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "None of the points could be projected to {crs}"),
            args={"crs": out_crs.authid()},
        )
    return px, py, weights, out_crs, (px.min(), py.min(), px.max(), py.max())


def _source_extent(source) -> Optional[Tuple[float, float, float, float]]:
    """The extent the source reports (as native's ``sourceExtent()``), or None when null or not finite."""
    e = source.sourceExtent()
    extent = (e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum())
    if e.isNull() or not all(math.isfinite(v) for v in extent):
        return None
    return extent


def _read_parts(
    source, weight_field: Optional[str], feedback
) -> Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int, int]:
    """Every part of every (multi)point, with its feature's weight (null or unreadable: 0, as ``toDouble()``).

    Returns (x, y, weights or None, features read, features without geometry).
    """
    names = [weight_field] if weight_field else []
    request = QgsFeatureRequest().setSubsetOfAttributes(names, source.fields())
    total = source.featureCount() or 0
    xs, ys, ws = [], [], []
    n = empty = 0
    for n, feature in enumerate(source.getFeatures(request), start=1):
        if n % 10000 == 0:
            if feedback.isCanceled():
                raise Cancelled()
            if total:
                feedback.setProgress(100 * n / total)
        geom = feature.geometry()
        if geom.isNull() or geom.isEmpty():
            empty += 1
            continue
        weight = _to_double(feature[weight_field]) if weight_field else 1.0
        for part in geom.constParts():
            xs.append(part.x())
            ys.append(part.y())
            ws.append(weight)
    weights = np.asarray(ws, dtype=float) if weight_field else None
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), weights, n, empty


def _to_double(value) -> float:
    """A value as ``QVariant::toDouble()`` reads it: null or not a number gives 0."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return 0.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0
