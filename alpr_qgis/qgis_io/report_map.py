"""The map of ``alpr:summary``'s report, drawn by QGIS's renderer (``qgis_io.mapimage``).

``SummaryAlgorithm._map`` calls ``draw_map``; another renderer plugs in
there, as long as it returns ``(PNG bytes or None, caption)``.
"""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np
from qgis.core import Qgis, QgsProcessingUtils, QgsRectangle

from alpr_qgis.core.scratch import ScratchDir
from alpr_qgis.qgis_io import map_layout, mapimage
from alpr_qgis.qgis_io.crs import transform_xy, working_crs

DRAW_POINTS_UP_TO = 100_000  # more located reads than this: the map shows their density


def draw_map(
    alg, parameters, context, feedback, frame, crs, located, point, point_crs, distance, boundary, reads=None
) -> Tuple[Optional[bytes], str]:
    """The report's map drawn with ``qgis_io.mapimage``'s layers: (PNG bytes, caption) or (None, why).

    ``alg``: the summary algorithm (its parameters and ``tr``); ``located``:
    the reads with a usable location; ``point``/``point_crs``/``distance``:
    the reference point and its radius (None without one); ``reads``: where
    the reads come from, a :class:`FramePoints` of ``frame`` when None (the
    push-down gives its own, binned in the database).  Scratch (the
    density raster of many reads) lives in a private folder removed on every
    exit path (``core.scratch.ScratchDir``).
    """
    scratch = ScratchDir(QgsProcessingUtils.tempFolder())
    try:
        reads = reads or FramePoints(frame, crs, located, context.transformContext())
        return _draw_map(alg, parameters, context, feedback, reads, point, point_crs, distance, boundary, scratch.path)
    finally:
        scratch.close()


class FramePoints:
    """The reads as points in this process: their working CRS, and their density when there are many."""

    def __init__(self, frame, crs, located, transform_context) -> None:
        self.frame, self.crs, self.located, self.transform_context = frame, crs, located, transform_context

    def map_crs(self):
        return working_crs(self.crs, self.frame.x, self.frame.y, self.transform_context)

    def density(self, map_crs, folder):
        """``(located reads drawn, density raster or None)``: a raster only beyond ``DRAW_POINTS_UP_TO``."""
        frame, located = self.frame, self.located
        # In map units, a block of reads at a time (the working copies stay the size of a block).
        mx, my = np.empty(int(located.sum())), np.empty(int(located.sum()))
        kept = 0
        for start in range(0, len(frame.x), mapimage.DENSITY_CHUNK):
            block = slice(start, start + mapimage.DENSITY_CHUNK)
            here = located[block]
            bx, by = transform_xy(frame.x[block][here], frame.y[block][here], self.crs, map_crs, self.transform_context)
            ok = np.isfinite(bx) & np.isfinite(by)
            n = int(ok.sum())
            mx[kept : kept + n], my[kept : kept + n] = bx[ok], by[ok]
            kept += n
        mx, my = mx[:kept], my[:kept]
        if len(mx) <= DRAW_POINTS_UP_TO:
            return len(mx), None
        # Too many points to draw one by one (and to see): their density instead.
        frame_extent = QgsRectangle(float(mx.min()), float(my.min()), float(mx.max()), float(my.max()))
        frame_extent.scale(1.1)
        return len(mx), mapimage.density_layer(mx, my, map_crs, frame_extent, folder)


def _draw_map(
    alg, parameters, context, feedback, reads, point, point_crs, distance, boundary, folder
) -> Tuple[Optional[bytes], str]:
    from alpr_qgis.qgis_io.report_io import layer_name, plugin_version

    heat = alg.parameterAsRasterLayer(parameters, alg.HEATMAP, context) if parameters.get(alg.HEATMAP) else None
    raster = None
    overlays = []
    parts = []
    if heat is not None and heat.isValid():
        map_crs = heat.crs() if heat.crs().isValid() else reads.map_crs()
        raster = heat
        parts.append(alg.tr("the heatmap of the reads (reads per km²)"))
    else:
        map_crs = reads.map_crs()
        count, raster = reads.density(map_crs, folder)
        if count > DRAW_POINTS_UP_TO:
            parts.append(alg.tr("the density of the {:,} located reads (reads per km², smoothed)").format(count))
        elif count:
            points = mapimage.points_layer(alg.parameterAsVectorLayer(parameters, alg.INPUT, context))
            if points is not None:
                overlays.append(points)
                parts.append(alg.tr("the reads"))

    def polygons(key: str):
        if not parameters.get(key):
            return None
        layer = alg.parameterAsVectorLayer(parameters, key, context)
        return layer if layer is not None and layer.isValid() else None

    boundary_layer = polygons(alg.BOUNDARY) if boundary is not None else None
    neighbours = polygons(alg.NEIGHBOURS)
    tracts = polygons(alg.CENSUS)
    basemap = [
        (boundary_layer, alg.tr("the boundary"), alg.BOUNDARY),
        (neighbours, alg.tr("the neighbouring jurisdictions"), alg.NEIGHBOURS),
        (tracts, alg.tr("the census units"), alg.CENSUS),
    ]
    parts += [label for layer, label, _ in basemap if layer is not None]
    if point is not None:
        overlays[:0] = mapimage.reference_layers(point, point_crs, distance, map_crs)
        parts.append(alg.tr("the reference point (star) and its radius (dashed)"))
    if raster is None and not overlays:
        return None, alg.tr("No map: the input has no located read to draw.")
    credits = [alg.tr("Reads: {}").format(layer_name(alg, parameters, alg.INPUT, context) or alg.tr("the input"))]
    names = [layer_name(alg, parameters, key, context) for layer, _, key in basemap if layer is not None]
    if names:
        credits.append(alg.tr("basemap: {}").format(", ".join(n for n in names if n)))
    credits.append(alg.tr("map: alpr_qgis {} on QGIS {}").format(plugin_version(), Qgis.QGIS_VERSION.split("-")[0]))
    try:
        png = map_layout.render_map_png(
            raster,
            boundary=boundary_layer,
            neighbours=neighbours,
            tracts=tracts,
            overlays=overlays,
            attribution="; ".join(credits) + ".",
            crs=map_crs,
        )
    except Exception as err:  # noqa: BLE001 (a report without its map beats no report)
        feedback.pushWarning(alg.tr("The map could not be drawn: {}").format(err))
        return None, alg.tr("The map could not be drawn.")
    caption = alg.tr("Map of {}, in {}. Legend, scale bar and north arrow on the map.").format(
        ", ".join(parts), map_crs.authid() or map_crs.description()
    )
    return png, caption
