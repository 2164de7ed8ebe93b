"""The map of ``alpr:summary``'s report, drawn by QGIS's renderer (``qgis_io.mapimage``).

``SummaryAlgorithm._map`` calls ``draw_map``; another renderer plugs in
there, as long as it returns ``(PNG bytes or None, caption)``.
"""

from __future__ import annotations

import tempfile
from typing import Optional, Tuple

import numpy as np
from qgis.core import QgsProcessingUtils, QgsRectangle

from alpr_qgis.qgis_io import mapimage
from alpr_qgis.qgis_io.crs import transform_xy, working_crs

DRAW_POINTS_UP_TO = 100_000  # more located reads than this: the map shows their density


def draw_map(
    alg, parameters, context, feedback, frame, crs, located, point, point_crs, distance, boundary
) -> Tuple[Optional[bytes], str]:
    """The report's map drawn with ``qgis_io.mapimage``'s layers: (PNG bytes, caption) or (None, why).

    ``alg``: the summary algorithm (its parameters and ``tr``); ``located``:
    the reads with a usable location; ``point``/``point_crs``/``distance``:
    the reference point and its radius (None without one).
    """

    transform_context = context.transformContext()
    heat = alg.parameterAsRasterLayer(parameters, alg.HEATMAP, context) if parameters.get(alg.HEATMAP) else None
    layers = []
    parts = []
    if heat is not None and heat.isValid():
        map_crs = heat.crs() if heat.crs().isValid() else working_crs(crs, frame.x, frame.y, transform_context)
        styled = mapimage.heatmap_layer(heat)
        layers.append(styled)
        extent = mapimage.layer_extent(heat, map_crs)
        parts.append(alg.tr("the heatmap"))
    else:
        map_crs = working_crs(crs, frame.x, frame.y, transform_context)
        mx, my = transform_xy(frame.x[located], frame.y[located], crs, map_crs, transform_context)
        ok = np.isfinite(mx) & np.isfinite(my)
        mx, my = mx[ok], my[ok]
        extent = None
        if len(mx):
            lo = np.percentile(np.column_stack([mx, my]), 0.5, axis=0)
            hi = np.percentile(np.column_stack([mx, my]), 99.5, axis=0)
            extent = QgsRectangle(lo[0], lo[1], hi[0], hi[1])
        if len(mx) > DRAW_POINTS_UP_TO:
            # Too many points to draw one by one (and to see): their density instead.
            frame_extent = QgsRectangle(float(mx.min()), float(my.min()), float(mx.max()), float(my.max()))
            if boundary is not None:
                bounds = mapimage.layer_extent(alg.parameterAsVectorLayer(parameters, alg.BOUNDARY, context), map_crs)
                if bounds is not None:
                    frame_extent.combineExtentWith(bounds)
            frame_extent.scale(1.1)
            styled = mapimage.density_layer(
                mx,
                my,
                map_crs,
                frame_extent,
                tempfile.mkdtemp(prefix="alpr_map_", dir=QgsProcessingUtils.tempFolder()),
            )
            label = alg.tr("the density of the {:,} located reads (counts per cell, smoothed)").format(len(mx))
        else:
            styled = mapimage.points_layer(alg.parameterAsVectorLayer(parameters, alg.INPUT, context))
            label = alg.tr("the reads")
        if styled is not None:
            layers.append(styled)
            parts.append(label)
    boundary_layer = None
    if boundary is not None:
        boundary_layer = mapimage.outline_layer(alg.parameterAsVectorLayer(parameters, alg.BOUNDARY, context))
        if boundary_layer is not None:
            layers.insert(0, boundary_layer)
            extent = mapimage.layer_extent(boundary_layer, map_crs) or extent
            parts.append(alg.tr("the boundary (outline)"))
    if point is not None:
        layers[:0] = mapimage.reference_layers(point, point_crs, distance, map_crs)
        parts.append(alg.tr("the reference point (star) and its radius (dashed)"))
    if not layers or extent is None or extent.isEmpty():
        return None, alg.tr("No map: the input has no located read to draw.")
    try:
        png = mapimage.render_png(layers, map_crs, extent)
    except Exception as err:  # noqa: BLE001 (a report without its map beats no report)
        feedback.pushWarning(alg.tr("The map could not be drawn: {}").format(err))
        return None, alg.tr("The map could not be drawn.")
    caption = alg.tr("Map of {}, in {}.").format(", ".join(parts), map_crs.authid() or map_crs.description())
    return png, caption
