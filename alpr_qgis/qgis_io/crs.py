"""Coordinate reference systems: whole-column transforms and the metric CRS an algorithm works in.

Distance parameters are metres whatever the layer's CRS (SPEC, "The
provider"), so an algorithm works in a metric CRS: the layer's own when it
is projected in metres, else the WGS 84 / UTM zone of the data.

Whole columns go through ``QgsCoordinateTransform`` (so the project's datum
transformations apply) in one call: the points are packed as the vertices of
one WKB LineString and ``QgsGeometry.transform()`` moves them all in C++.
``QgsCoordinateTransform.transformCoords()`` cannot be used from Python in
3.22 (its arrays are bound as single floats), and one ``transform()`` call
per point costs about 2 µs; the bulk path costs about 0.55 µs per point
(3 million points in 1.7 s, measured on QGIS 3.22.16), about three times
faster than OSR's ``TransformPoints()``.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsUnitTypes,
)


def utm_crs(lon: float, lat: float) -> QgsCoordinateReferenceSystem:
    """The WGS 84 / UTM zone CRS holding the point (north or south)."""
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return QgsCoordinateReferenceSystem("EPSG:{}".format((32600 if lat >= 0 else 32700) + zone))


WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
_SAMPLE = 100_000


def is_metric(crs: QgsCoordinateReferenceSystem) -> bool:
    """True when ``crs`` is projected with metres as its map units."""
    return crs.isValid() and not crs.isGeographic() and crs.mapUnits() == QgsUnitTypes.DistanceMeters


def transform_xy(
    x: np.ndarray,
    y: np.ndarray,
    source: QgsCoordinateReferenceSystem,
    dest: QgsCoordinateReferenceSystem,
    transform_context: Optional[QgsCoordinateTransformContext] = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """Coordinates ``x``/``y`` from ``source`` to ``dest``; NaN stays NaN, a point that fails becomes NaN.

    ``transform_context`` defaults to the current project's (pass the
    Processing context's ``transformContext()`` inside an algorithm).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if source == dest:
        return x.copy(), y.copy()
    out_x = np.full(len(x), np.nan)
    out_y = np.full(len(y), np.nan)
    valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if not len(valid):
        return out_x, out_y
    if transform_context is None:
        transform_context = QgsProject.instance().transformContext()
    transform = QgsCoordinateTransform(source, dest, transform_context)
    coords = np.empty((len(valid), 2), dtype="<f8")
    coords[:, 0] = x[valid]
    coords[:, 1] = y[valid]
    header = b"\x01" + (2).to_bytes(4, "little") + len(valid).to_bytes(4, "little")
    line = QgsGeometry()
    line.fromWkb(header + coords.tobytes())
    try:
        done = line.transform(transform) == 0
    except QgsCsException:
        done = False
    if done:
        moved = np.frombuffer(bytes(line.asWkb()), dtype="<f8", offset=9).reshape(-1, 2)
    else:
        moved = _transform_each(coords, transform)  # rare: some point cannot be transformed
    moved = np.where(np.isfinite(moved) & (np.abs(moved) < 1e30), moved, np.nan)
    out_x[valid] = moved[:, 0]
    out_y[valid] = moved[:, 1]
    return out_x, out_y


def _transform_each(coords: np.ndarray, transform: QgsCoordinateTransform) -> np.ndarray:
    out = np.full(coords.shape, np.nan)
    for k, (px, py) in enumerate(coords.tolist()):
        try:
            p = transform.transform(QgsPointXY(px, py))
        except QgsCsException:
            continue
        out[k] = (p.x(), p.y())
    return out


def working_crs(
    crs: QgsCoordinateReferenceSystem,
    x: np.ndarray,
    y: np.ndarray,
    transform_context: Optional[QgsCoordinateTransformContext] = None,
) -> QgsCoordinateReferenceSystem:
    """The metric CRS to work in: ``crs`` when it is projected in metres, else a local UTM zone.

    The zone is that of the median position of the points ``x``/``y`` (in
    ``crs``; a sample of them when there are many), which stray points —
    reads at 0,0, a car far out of town — do not move.  Pass one point, e.g.
    the centre of a boundary's extent, to choose the zone by that.
    """
    if is_metric(crs):
        return crs
    valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if len(valid) > _SAMPLE:
        valid = valid[:: len(valid) // _SAMPLE + 1]
    lon, lat = transform_xy(np.asarray(x)[valid], np.asarray(y)[valid], crs, WGS84, transform_context)
    good = np.isfinite(lon) & np.isfinite(lat) & ((lon != 0) | (lat != 0))
    if not good.any():
        good = np.isfinite(lon) & np.isfinite(lat)
    if not good.any():
        return utm_crs(0.0, 0.0)
    return utm_crs(float(np.median(lon[good])), float(np.median(lat[good])))


def to_degrees(
    x: np.ndarray,
    y: np.ndarray,
    crs: QgsCoordinateReferenceSystem,
    transform_context: Optional[QgsCoordinateTransformContext] = None,
) -> Tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude of the points (as given when the CRS is already geographic)."""
    if crs.isGeographic():
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return transform_xy(x, y, crs, WGS84, transform_context)
