"""Boundaries in metres: a polygon source as one shapely area in a CRS, and distances to a boundary.

- :func:`boundary_area`: the polygons of a source (a city's limits) projected
  with QGIS and dissolved into one shapely geometry, for a grid to cover.
- :func:`boundary_distances`: metres from points to a boundary's edge,
  measured in a metric CRS (the boundary's own, or its local UTM zone).
"""

from __future__ import annotations

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCsException, QgsWkbTypes

from alpr_qgis.core import spatial
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.qgis_io.crs import transform_xy, working_crs


def boundary_area(source, name: str, crs: QgsCoordinateReferenceSystem, transform_context, cancelled=lambda: False):
    """The polygons of the feature source ``source`` (parameter ``name``) as one shapely geometry in ``crs``.

    Curves are straightened, invalid polygons repaired (``buffer(0)``); a
    polygon that cannot be projected, or no polygon with an area, is an
    ``AlprInputError`` naming the parameter.
    """
    from shapely import wkb as shapely_wkb
    from shapely.ops import unary_union

    transform = QgsCoordinateTransform(source.sourceCrs(), crs, transform_context)
    parts = []
    for feature in source.getFeatures():
        if cancelled():
            raise Cancelled()
        geom = feature.geometry()
        if geom.isNull() or geom.isEmpty():
            continue
        if QgsWkbTypes.isCurvedType(geom.wkbType()):
            geom.convertToStraightSegment()
        try:
            geom.transform(transform)
        except QgsCsException as err:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "A {name} polygon cannot be projected to {crs}: {error}"),
                args={"name": name, "crs": crs.authid(), "error": str(err)},
            ) from None
        shape = shapely_wkb.loads(bytes(geom.asWkb()))
        if not shape.is_valid:
            shape = shape.buffer(0)
        parts.append(shape)
    area = unary_union(parts) if parts else None
    if area is None or area.is_empty or area.area <= 0:
        raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "{name} has no polygon with an area."), args={"name": name})
    return area


def metric_segments(area, crs: QgsCoordinateReferenceSystem, transform_context):
    """(the edges of ``area``'s boundary as x1, y1, x2, y2 rows in metres, that metric CRS).

    ``crs`` itself when in metres, else the UTM zone of the area's centre,
    the long edges cut first (straight in degrees is not straight in metres).
    """
    segments = spatial.boundary_segments(area)
    minx, miny, maxx, maxy = area.bounds
    work = working_crs(crs, np.array([(minx + maxx) / 2]), np.array([(miny + maxy) / 2]), transform_context)
    if work != crs:
        segments = spatial.split_segments(segments, max(maxx - minx, maxy - miny) / 500)
        ax, ay = transform_xy(segments[:, 0], segments[:, 1], crs, work, transform_context)
        bx, by = transform_xy(segments[:, 2], segments[:, 3], crs, work, transform_context)
        segments = np.column_stack([ax, ay, bx, by])
        segments = segments[np.isfinite(segments).all(axis=1)]
    return segments, work


def boundary_distances(area, crs: QgsCoordinateReferenceSystem, x, y, transform_context, feedback, message: str):
    """Metres from each point (in ``crs``) to the boundary of ``area`` (in ``crs``), in a metric CRS.

    When ``crs`` is not in metres, both go to the UTM zone of the area's
    centre, the boundary's long edges cut first (straight in degrees is not
    straight in metres), and ``message`` (one ``{}``: that CRS's id) is logged.
    """
    if not len(x):
        return np.empty(0)
    segments, work = metric_segments(area, crs, transform_context)
    if work != crs:
        x, y = transform_xy(x, y, crs, work, transform_context)
        feedback.pushInfo(message.format(work.authid()))
    return spatial.distance_to_segments(x, y, segments)
