"""Reading a layer into columns (``read_frame``) or just its points (``read_points``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsProcessingException,
    QgsWkbTypes,
)

from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.sqlite_rows import connect_readonly, quote_name
from alpr_qgis.qgis_io.vector.blobs import bulk_gpkg_source, parse_point_blobs
from alpr_qgis.qgis_io.vector.fields import Frame, IsCancelled, Progress, _from_qt, _typed
from alpr_qgis.qgis_io.vector.point_chunks import PointChunks

pd = lazy_module("pandas")


# ------------------------------------------------------------------ reading


def _read_gpkg(
    path: str,
    table_name: str,
    fields: Sequence[str],
    geometry: bool,
    attribute_types: Dict[str, int],
    cancelled: IsCancelled = lambda: False,
) -> Tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Columns of a GeoPackage table, one query per column (in one read transaction), by fid.

    One list per column: no list of row tuples to transpose (which cost more
    than the query itself for a million rows).  Once ``cancelled()`` (asked
    while SQLite reads, and between columns) the columns come back empty.
    """
    conn = connect_readonly(path)
    conn.set_progress_handler(lambda: 1 if cancelled() else 0, 50_000)
    data: Dict[str, List[object]] = {}
    blobs = None
    try:
        conn.execute("BEGIN")  # one snapshot for every column
        geom_row = conn.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (table_name,)
        ).fetchone()
        fid_col = next(r[1] for r in conn.execute("PRAGMA table_info({})".format(quote_name(table_name))) if r[5])

        def column(name: str) -> List[object]:
            sql = "SELECT {} FROM {} ORDER BY {}".format(quote_name(name), quote_name(table_name), quote_name(fid_col))
            return [r[0] for r in conn.execute(sql)]

        for name in fields:
            data[name] = column(name)
        blobs = column(geom_row[0]) if geometry and geom_row is not None else None
        if blobs is not None:
            n = len(blobs)
        elif fields:
            n = len(data[fields[0]])
        else:
            n = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(table_name))).fetchone()[0]
    except sqlite3.OperationalError:
        if not cancelled():
            raise
        n = 0  # (interrupted: SQLite was told to stop)
    finally:
        conn.close()
    if cancelled():
        data, blobs, n = {name: [] for name in fields}, None, 0
    table = feature_table(fields, [data[name] for name in fields], attribute_types, n)
    if blobs is not None:
        x, y = parse_point_blobs(blobs)
    else:
        x = y = np.full(n, np.nan)
    return table, x, y


def read_frame(
    alg,
    parameters: Dict,
    name: str,
    context,
    fields: Optional[Sequence[str]] = None,
    *,
    geometry: bool = True,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Frame:
    """The source parameter ``name`` as columns (``fields``: all when None).

    Points come back as x/y arrays (NaN for null geometry); for other
    geometry types read the layer through QGIS instead.  Once
    ``cancelled()`` the frame comes back early, partial or empty: check
    ``cancelled()`` after.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    names = [f.name() for f in source.fields()] if fields is None else list(fields)
    types = {f.name(): f.type() for f in source.fields()}
    where = bulk_gpkg_source(alg, parameters, name, context)
    if where is not None:
        table, x, y = _read_gpkg(where[0], where[1], names, geometry, types, cancelled)
        progress(1.0)
        return Frame(table, x, y, source.sourceCrs())

    request = feature_request(source, names, geometry)
    total = source.featureCount() or 0
    idx = [source.fields().lookupField(n) for n in names]
    columns, xs, ys = feature_columns(
        source.getFeatures(request),
        idx,
        geometry,
        None,
        cancelled,
        lambda i: progress(i / total) if total > 0 else None,
    )
    return Frame(feature_table(names, columns, types, len(xs)), xs, ys, source.sourceCrs())


def feature_request(source, names: Sequence[str], geometry: bool) -> QgsFeatureRequest:
    """The request for ``names`` (and the geometry unless ``geometry`` is False) of ``source``."""
    request = QgsFeatureRequest().setSubsetOfAttributes(list(names), source.fields())
    if not geometry:
        request.setFlags(QgsFeatureRequest.NoGeometry)
    return request


def feature_columns(
    features: Iterator,
    idx: Sequence[int],
    geometry: bool,
    limit: Optional[int],
    cancelled: IsCancelled,
    tick: Callable[[int], None],
) -> Tuple[List[List[object]], np.ndarray, np.ndarray]:
    """Values of the attributes ``idx`` and x/y of up to ``limit`` (None: all) of ``features``, as lists and arrays.

    A point is its x/y, another geometry its centroid, none NaN.  Stops
    early when ``cancelled()`` (asked every 10,000 features, when ``tick``
    is told how many were read).
    """
    columns: List[List[object]] = [[] for _ in idx]
    xs: List[float] = []
    ys: List[float] = []
    point = QgsWkbTypes.Point
    for i, feat in enumerate(features):
        if i % 10000 == 0:
            if cancelled():
                break
            tick(i)
        attrs = feat.attributes()
        for col, j in zip(columns, idx):
            col.append(_from_qt(attrs[j]))
        geom = feat.geometry()
        if geometry and not geom.isNull() and not geom.isEmpty():
            pt = geom.constGet()
            if QgsWkbTypes.flatType(pt.wkbType()) != point:
                pt = geom.centroid().asPoint()
            xs.append(pt.x())
            ys.append(pt.y())
        else:
            xs.append(np.nan)
            ys.append(np.nan)
        if limit is not None and i + 1 >= limit:
            break
    return columns, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def feature_table(names: Sequence[str], columns: List[List[object]], types: Dict[str, int], rows: int) -> pd.DataFrame:
    """The DataFrame of ``columns`` (named ``names``; ``rows`` rows, even with no column), typed by field ``types``."""
    return pd.DataFrame({n: _typed(col, types.get(n)) for n, col in zip(names, columns)}, index=pd.RangeIndex(rows))


# ------------------------------------------------------------------ points only


@dataclass
class Points:
    """The located points of a layer (no attribute table): coordinates, optional weights, counts, CRS.

    ``x``/``y`` hold only features with a point (null and empty geometries
    left out); ``weights`` (None when no weight field was asked for) is
    aligned with them; ``features`` counts every feature read.
    """

    x: np.ndarray
    y: np.ndarray
    weights: Optional[np.ndarray]
    features: int
    crs: QgsCoordinateReferenceSystem


def _gpkg_points(
    path: str, table: str, weight_field: Optional[str], progress: Progress, cancelled: IsCancelled
) -> Optional[Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int]]:
    """(x, y, weights, features) of a GeoPackage point table; None when cancelled or not a point table.

    The chunks of :class:`PointChunks` (fid ranges,
    each decoded by numpy without a Python object per row), gathered.
    """
    try:
        source = PointChunks(path, table, weight_field)
    except ValueError:  # no geometry column
        return None
    with source:
        features = source.features
        x, y = np.empty(features), np.empty(features)
        w = np.empty(features) if weight_field else None
        n = 0
        for cx, cy, cw in source.chunks(progress):
            if cancelled():
                return None
            k = len(cx)
            x[n : n + k], y[n : n + k] = cx, cy
            if w is not None:
                w[n : n + k] = cw
            n += k
    if n < features:  # null or empty geometries: keep only what was filled
        x, y = x[:n].copy(), y[:n].copy()
        w = w[:n].copy() if w is not None else None
    return x, y, w, features


def read_points(
    alg,
    parameters: Dict,
    name: str,
    context,
    weight_field: Optional[str] = None,
    *,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Optional[Points]:
    """The points of the (single-point) source parameter ``name``, and ``weight_field`` (None: no weights).

    A whole GeoPackage layer is read with SQLite (:func:`_gpkg_points`),
    builds no table and no Python object per point; any other source goes
    through :func:`read_frame`.  Null and empty geometries are left out (and
    counted in ``features``).  None when cancelled.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    where = bulk_gpkg_source(alg, parameters, name, context)
    if where is not None:
        read = _gpkg_points(where[0], where[1], weight_field, progress, cancelled)
        if read is None and cancelled():
            return None
        if read is not None:
            x, y, w, features = read
            return Points(x, y, w, features, source.sourceCrs())
    frame = read_frame(
        alg,
        parameters,
        name,
        context,
        fields=[weight_field] if weight_field else [],
        progress=progress,
        cancelled=cancelled,
    )
    if cancelled():
        return None
    located = np.isfinite(frame.x) & np.isfinite(frame.y)
    weights = None
    if weight_field:
        weights = np.asarray(frame.table[weight_field].to_numpy(dtype=float, na_value=0.0), dtype=float)[located]
    return Points(frame.x[located], frame.y[located], weights, len(frame.x), frame.crs)
