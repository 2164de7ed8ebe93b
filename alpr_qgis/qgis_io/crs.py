"""Coordinate transforms of whole columns, and the metric CRS an algorithm works in."""

from __future__ import annotations

import math
from typing import Tuple

import numpy as np
from osgeo import gdal, osr
from qgis.core import QgsCoordinateReferenceSystem

WGS84 = "EPSG:4326"


def _srs(crs: QgsCoordinateReferenceSystem) -> osr.SpatialReference:
    srs = osr.SpatialReference()
    if srs.ImportFromWkt(crs.toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED)) != 0:
        srs.SetFromUserInput(crs.authid())
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)  # x = longitude/easting
    return srs


def transform_xy(
    x: np.ndarray, y: np.ndarray, source: QgsCoordinateReferenceSystem, target: QgsCoordinateReferenceSystem
) -> Tuple[np.ndarray, np.ndarray]:
    """``x``/``y`` from ``source`` to ``target`` in one call to PROJ; NaN in, or failure, gives NaN."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if source == target:
        return x.copy(), y.copy()
    out_x = np.full(len(x), np.nan)
    out_y = np.full(len(y), np.nan)
    valid = np.isfinite(x) & np.isfinite(y)
    if not valid.any():
        return out_x, out_y
    transform = osr.CoordinateTransformation(_srs(source), _srs(target))
    points = np.column_stack([x[valid], y[valid]])
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # failed points come back as inf, made NaN below
    try:
        result = np.asarray(transform.TransformPoints(points), dtype=float)
    finally:
        gdal.PopErrorHandler()
    result[~np.isfinite(result)] = np.nan
    result[np.abs(result) > 1e30] = np.nan  # PROJ's HUGE_VAL for failed points
    out_x[valid] = result[:, 0]
    out_y[valid] = result[:, 1]
    return out_x, out_y


def to_degrees(x: np.ndarray, y: np.ndarray, crs: QgsCoordinateReferenceSystem) -> Tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude of the points (as given when the CRS is already geographic)."""
    if crs.isGeographic():
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return transform_xy(x, y, crs, QgsCoordinateReferenceSystem(WGS84))


def utm_crs(lon: float, lat: float) -> QgsCoordinateReferenceSystem:
    """The WGS 84 / UTM zone CRS holding the point (north or south)."""
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return QgsCoordinateReferenceSystem("EPSG:{}".format((32600 if lat >= 0 else 32700) + zone))


def metric_crs(x: np.ndarray, y: np.ndarray, crs: QgsCoordinateReferenceSystem) -> QgsCoordinateReferenceSystem:
    """``crs`` itself when it is projected, else the local UTM zone of the points' centre."""
    if not crs.isGeographic():
        return crs
    valid = np.isfinite(x) & np.isfinite(y) & (np.abs(y) <= 90) & (np.abs(x) <= 180) & ((x != 0) | (y != 0))
    if not valid.any():
        return utm_crs(0.0, 0.0)
    return utm_crs(float(np.median(x[valid])), float(np.median(y[valid])))
