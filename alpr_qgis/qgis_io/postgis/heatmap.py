"""alpr:heatmap in the database: the points binned to the raster's grid in SQL, then the file path's smoothing.

:func:`pg_density` hands ``alpr:heatmap`` the same filled
``kde.DensityBuilder``, grid and CRS as ``qgis_io.density_input.density_of``
does for a file, from a PostGIS table:

1. one aggregate gives the features, the located points, their extent in the
   metric CRS (``ST_Transform`` to the file path's CRS: a layer in metres
   keeps its own, any other goes to the UTM zone of its extent's centre) and
   whether every weight is non-negative; the grid is then the file path's;
2. for the quartic and triweight kernels by FFT (the builder's streaming
   plan, chosen for the same number of points as on the file path) each
   point is placed as the builder places it (its column as float32, its
   row, mirrored as QGIS does, to 1/2048 of a cell) and its weight spread
   over the 2 × 2 (linear) or 4 × 4 (cubic) cell centres around it.  The
   spreading weights are polynomials in the point's offsets (tx, ty) from
   its lower cell centre, so one ``GROUP BY`` of the points by (cell, lower
   cell centre) returns their weighted moments Σ w·ty^i·tx^j (4 or 16 sums),
   from which the weight of every cell centre follows exactly: a few rows per
   occupied cell come back, whatever the number of points.  The points near
   the raster's edge (whose block of cells may cut their disk) come back one
   by one and go through the builder as on the file path;
3. which cells are reached (no-data elsewhere) comes, as on the file path,
   from the coverage of occupied cells and QGIS's own distance test for the
   points near cells not surely reached: those points' coordinates come back
   (a second query, for the frontier cells only).

The other kernels and plans (few points, small radii, uniform, Epanechnikov,
triangular) need every point: they are streamed in chunks into the builder,
as the file path reads them.

Citus: plain ``GROUP BY`` aggregates over one table (workers group their
shards, the coordinator merges sums and counts) and filtered scans; nothing
else.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

from alpr_qgis.core import kde
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.kde.builder import _BUCKET_ROWS as _BAND  # (stored rows: 1/2048 of a cell in a band)
from alpr_qgis.core.kde.fft import _PAD
from alpr_qgis.core.kde.mask import _FRONTIER_BLOCK, _SURE_BLOCK
from alpr_qgis.qgis_io.crs import is_metric, working_crs
from alpr_qgis.qgis_io.density_input import (
    Density,
    Settings,
    _check_features,
    _check_located,
    _extent,
    _grid,
    _tr,
)
from alpr_qgis.qgis_io.postgis.copy_out import float_rows

# Points are grouped by the blocks of cells the coverage of reached cells counts (occupied, on the frontier).
_BLOCK = _SURE_BLOCK
assert _FRONTIER_BLOCK % _BLOCK == 0
#: A column that keeps PostgreSQL from pulling a subquery up into the next (a volatile function in its
#: select list): each level's expressions are computed once per row instead of being copied into every
#: reference above (the transform alone would run dozens of times a point).  ``clock_timestamp()`` is
#: parallel safe (``random()`` is not): the scans below still run in parallel workers.  Citus pushes it down
#: as any select-list expression.
FENCE = "clock_timestamp() AS fence"
_CHUNK_ROWS = 50_000  # rows per array handed over from the COPY stream
_EDGE = 3  # points within the radius and this many cells of the raster's edge go through the builder one by one

# Spreading weights as polynomials in the offset t (rows: nodes; columns: powers of t), as fft._weights_1d.
_LINEAR = (np.array([[1.0, -1.0], [0.0, 1.0]]), np.arange(0, 2))
_CUBIC = (
    np.array(
        [
            [0.0, -1.0 / 3.0, 0.5, -1.0 / 6.0],
            [1.0, -0.5, -1.0, 0.5],
            [0.0, 1.0, 0.5, -0.5],
            [0.0, -1.0 / 6.0, 0.0, 1.0 / 6.0],
        ]
    ),
    np.arange(-1, 3),
)


class _BinnedBuilder(kde.DensityBuilder):
    """A streaming builder that also takes cell-centre weights summed in the database (:meth:`add_bins`).

    The weights go into one grid of the raster's cell centres (double
    precision, the FFT's margin around it), added to each strip's field band
    by band of rows as the stored points' spreads are; the blocks of cells
    the binned points occupy feed the coverage of cells reached.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._expected = 0  # (the plan is made: blocks for the few points added one by one are sized for them)
        grid = self.grid
        self._nodes = np.zeros((grid.rows + 2 * _PAD, grid.cols + 2 * _PAD))  # raster (R, C) at (R + _PAD, C + _PAD)
        self._blocks_used = np.zeros((-(-grid.rows // _BLOCK), -(-grid.cols // _BLOCK)), dtype=bool)

    def add_bins(self, points: int, block_r: np.ndarray, block_c: np.ndarray, rows, cols, weights) -> None:
        """``points`` binned points in the blocks of cells (``block_r``, ``block_c``), their weights spread on the
        cell centres (raster ``rows``, ``cols``: any order, repeats summed)."""
        self.points += int(points)
        self._fast += int(points)
        if not len(block_r):
            return
        self._blocks_used[block_r, block_c] = True
        self._coverage.occupy(block_r * _BLOCK, block_c * _BLOCK)
        width = self._nodes.shape[1]
        keys = (rows + _PAD) * width + (cols + _PAD)
        unique, where = np.unique(keys, return_inverse=True)
        self._nodes.ravel()[unique] += np.bincount(where, weights=weights, minlength=len(unique))
        for band in np.unique((unique // width - _PAD) // _BAND).tolist():
            self._buckets.setdefault(int(band), [])

    def frontier_blocks(self) -> Tuple[np.ndarray, np.ndarray]:
        """The occupied blocks holding points that may reach a cell not surely reached."""
        block_r, block_c = np.nonzero(self._blocks_used)
        self._coverage.update()
        front = self._coverage.frontier(block_r * _BLOCK, block_c * _BLOCK)
        return block_r[front], block_c[front]

    def add_frontier(self, x: np.ndarray, y: np.ndarray) -> None:
        """Binned points on the frontier: their exact positions, for QGIS's distance test at the rims."""
        if len(x):
            self._kept.append((np.asarray(x, dtype=float), np.asarray(y, dtype=float)))

    def _spread_band(self, field: np.ndarray, row_shift: int, band: int, order: str) -> None:
        super()._spread_band(field, row_shift, band, order)
        first = max(band * _BAND, -_PAD, -row_shift)  # raster rows of the band in the grid and in the field
        last = min(band * _BAND + _BAND, self.grid.rows + _PAD, field.shape[0] - row_shift)
        if first < last:
            field[first + row_shift : last + row_shift, : self._nodes.shape[1]] += self._nodes[
                first + _PAD : last + _PAD
            ]


class _Points:
    """The SQL of the table's located points (x, y in the metric CRS, weight) and what is known of the table."""

    def __init__(self, pg, settings: Settings, srid: Optional[int], multi: bool) -> None:
        geom = pg.geom()
        self.relation = pg.relation
        self.located = "{g} IS NOT NULL AND NOT ST_IsEmpty({g})".format(g=geom)
        weight = "1::float8"
        if settings.weight_field:
            w = "{}::float8".format(pg.require(settings.weight_field, "WEIGHT_FIELD"))
            weight = "coalesce(NULLIF({w}, 'NaN'::float8), 0::float8)".format(w=w)  # (null, NaN: 0, as QGIS)
        part = "(ST_Dump({})).geom".format(geom) if multi else geom
        point = part if srid is None else "ST_Transform({}, {})".format(part, int(srid))
        self._text = (
            "SELECT ST_X(g) AS x, ST_Y(g) AS y, w, {f} FROM (SELECT {p} AS g, {w} AS w, {f} FROM {r} WHERE {l}{{where}})"
            " AS pts"
        ).format(p=point, w=weight, r=pg.relation, l=self.located, f=FENCE)
        self.sql = self._text.format(where="")
        self.weighted = bool(settings.weight_field)
        self.geom = geom
        self.projected = srid is not None and not multi  # (a prefilter on the degrees applies)

    def where(self, condition: str) -> str:
        """The points' SQL with one more condition on the table's rows (before any transform)."""
        return self._text.format(where=" AND ({})".format(condition))


def pg_density(alg, pg, parameters: Dict, extent_name: str, context, feedback, settings: Settings) -> Density:
    """The file path's :class:`Density` (builder filled, grid, CRS, features without geometry) from PostGIS."""
    layer_name = pg.layer_name
    crs = pg.crs()
    if not crs.isValid():
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'Layer "{layer}" has no CRS'),
            args={"layer": layer_name},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Set the layer's CRS so distances can be measured."),
        )
    geom = pg.geom()
    multi = _is_multi(pg)
    features, located_features, lon0, lat0, lon1, lat1 = query(
        pg,
        "SELECT count(*), count({g}), min(ST_XMin({g})), min(ST_YMin({g})), max(ST_XMax({g})), max(ST_YMax({g}))"
        " FROM (SELECT CASE WHEN {g} IS NOT NULL AND NOT ST_IsEmpty({g}) THEN {g} END AS {g} FROM {r}) AS t".format(
            g=geom, r=pg.relation
        ),
        None,
        feedback,
    )[0]
    features, located_features = int(features), int(located_features)
    alg.log_estimate(feedback, features)
    _check_features(features, layer_name)
    _check_located(located_features, features, layer_name)
    out_crs, srid = crs, None
    if not is_metric(crs):
        centre = (np.array([(lon0 + lon1) / 2.0]), np.array([(lat0 + lat1) / 2.0]))
        out_crs = working_crs(crs, *centre, context.transformContext())
        srid = int(out_crs.postgisSrid())
        feedback.pushInfo(
            _tr("Projected to {} ({}) for metres; the heatmap is in this CRS.").format(
                out_crs.authid(), out_crs.description()
            )
        )
    points = _Points(pg, settings, srid, multi)
    n, x0, y0, x1, y1, low = query(
        pg, "SELECT count(*), min(x), min(y), max(x), max(y), min(w) FROM ({}) AS p".format(points.sql), None, feedback
    )[0]
    n = int(n)
    extent = _extent(alg, parameters, extent_name, context, out_crs, (x0, y0, x1, y1), feedback)
    grid = _grid(extent, settings, feedback)
    window = bool(parameters.get(extent_name))
    expected = features if (is_metric(crs) and not multi) else n  # (as the file path: all features, or the points)
    builder = _BinnedBuilder(
        grid,
        settings.radius,
        settings.kernel,
        settings.output,
        settings.decay,
        window=window,
        expected=expected,
        cancelled=feedback.isCanceled,
    )
    if points.weighted:
        builder.nonnegative = low is None or float(low) >= 0
    if builder.streaming and _binnable(builder):
        lonlat = (lon0, lat0, lon1, lat1) if points.projected else None
        _add_binned(builder, pg, points, feedback, _Degrees(lonlat, crs, out_crs, context) if lonlat else None)
    else:
        _add_streamed(builder, pg, points, n, feedback)
    return Density(builder, grid, out_crs, features - located_features)


def _is_multi(pg) -> bool:
    rows = pg.query(
        "SELECT type FROM public.geometry_columns WHERE f_table_schema = %s AND f_table_name = %s"
        " AND f_geometry_column = %s",
        (pg.table.schema, pg.table.table, pg.geometry),
    )
    kind = str(rows[0][0]).upper() if rows else "GEOMETRY"
    return kind.startswith("MULTI") or kind in ("GEOMETRY", "GEOMETRYCOLLECTION")


def _binnable(builder) -> bool:
    """Whether only points near the raster's edge can have a block that cuts their disk (else: every point)."""
    reach = builder.radius / builder.grid.pixel * (1 + 1e-9) + 1e-9
    return reach < builder.b + 0.5 - 1e-6


def _add_streamed(builder, pg, points: _Points, n: int, feedback) -> None:
    """Every point, a chunk at a time, into the builder (as the file path adds them)."""
    done = 0
    for rows in pg.stream("SELECT x, y, w FROM ({}) AS p".format(points.sql), cancelled=feedback.isCanceled):
        xyw = np.array(rows, dtype=float).reshape(-1, 3)
        builder.add(xyw[:, 0], xyw[:, 1], xyw[:, 2] if points.weighted else None)
        done += len(xyw)
        feedback.setProgress(100.0 * done / max(n, 1))


def _positions(grid: kde.Grid, b: int, window: bool) -> Tuple[str, List]:
    """SQL of each point's place on the grid as ``kde.points._points`` computes it, and its bound values.

    Columns: x, y, w, col, row (QGIS's mirrored row), cls (0 outside the
    grown extent, 1 near the raster's edge, 2 binned).
    """

    def cast(q: str) -> str:  # the block's first column or row: C's unsigned cast, or floor in a window
        if window:
            return "floor({})".format(q)
        return "(CASE WHEN {q} <= -1 THEN floor({q}) ELSE trunc({q}) END)".format(q=q)

    margin = b + _EDGE
    sql = (
        "SELECT x, y, w, col, row, CASE WHEN NOT inside THEN 0"
        " WHEN col < {m} OR col > {cols} - {m} OR row < {m} OR row > {rows} - {m} THEN 1 ELSE 2 END AS cls, {f}"
        " FROM (SELECT x, y, w, inside, col, row0 + ({yio} - {ypos}) AS row, {f} FROM ("
        "SELECT x, y, w, (x - %s::float8) / %s::float8 AS col, (y - %s::float8) / %s::float8 AS row0,"
        " (%s::float8 - y) / %s::float8 - {b} AS q_io,"
        " (x >= %s::float8 AND x <= %s::float8 AND y >= %s::float8 AND y <= %s::float8) AS inside, {f}"
        " FROM ({{points}}) AS p) AS a) AS c"
    ).format(
        f=FENCE,
        m=margin,
        cols=grid.cols,
        rows=grid.rows,
        b=b,
        yio=cast("q_io"),
        ypos=cast("row0 - {}".format(b)),
    )
    params = [grid.x_min, grid.pixel, grid.y_min, grid.pixel, grid.y_max, grid.pixel]
    params += [grid.x_min, grid.x_max, grid.y_min, grid.y_max]
    return sql, params


def _add_binned(builder: _BinnedBuilder, pg, points: _Points, feedback, degrees=None) -> None:
    """The points binned in the database (moments per cell), the edge points one by one, the frontier's exactly."""
    grid, b = builder.grid, builder.b
    order = builder.method.rsplit("-", 1)[1]
    coefficients, offsets = _LINEAR if order == "linear" else _CUBIC
    k = len(offsets)
    placed, params = _positions(grid, b, builder.window)
    placed = placed.format(points=points.sql)
    wq = "(w::real)::float8" if points.weighted else "1::float8"  # (the builder keeps weights as float32)
    moments = ", ".join(
        "sum(CASE WHEN cls = 2 THEN {w}{ty}{tx} ELSE 0 END) AS m{i}{j}".format(
            w=wq, ty="*ty" * i, tx="*tx" * j, i=i, j=j
        )
        for i in range(k)
        for j in range(k)
    )
    # The binned points' stored place (builder._store): column as float32, row to 1/2048 within its band.
    binned = (
        "SELECT cls, x, y, w, floor(floor(row) / {q}) AS block_r, floor(floor(col) / {q}) AS block_c, iy, ix,"
        " fy - iy AS ty, fx - ix AS tx, {f}"
        " FROM (SELECT cls, x, y, w, col, row, fx, fy, floor(fy) AS iy, floor(fx) AS ix, {f}"
        " FROM (SELECT cls, x, y, w, col, row, (col::real)::float8 - 0.5 AS fx,"
        " least(greatest(round((row - band * {n}) * {up}::float8), 0), 65535) * {down}::float8 + band * {n} - 0.5"
        " AS fy, {f} FROM (SELECT cls, x, y, w, col, row, floor(floor(row) / {n}) AS band, {f}"
        " FROM ({placed}) AS s) AS t) AS u) AS v"
    ).format(f=FENCE, q=_BLOCK, n=_BAND, up=repr(65536.0 / _BAND), down=repr(_BAND / 65536.0), placed=placed)
    sql = (
        "SELECT cls, CASE WHEN cls = 2 THEN block_r ELSE 0 END AS br, CASE WHEN cls = 2 THEN block_c ELSE 0 END AS bc,"
        " CASE WHEN cls = 2 THEN iy ELSE 0 END AS gy, CASE WHEN cls = 2 THEN ix ELSE 0 END AS gx,"
        " CASE WHEN cls = 1 THEN x ELSE 0 END AS ex, CASE WHEN cls = 1 THEN y ELSE 0 END AS ey,"
        " CASE WHEN cls = 1 THEN w ELSE 0 END AS ew,"
        " count(*) AS n, {moments} FROM ({binned}) AS pts GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    ).format(moments=moments, binned=binned)
    names = ["cls", "br", "bc", "gy", "gx", "ex", "ey", "ew", "n"] + [
        "m{}{}".format(i, j) for i in range(k) for j in range(k)
    ]
    sql = "SELECT {} FROM ({}) AS q".format(", ".join("q.{}::float8".format(n) for n in names), sql)
    edges = [np.empty((0, 9 + k * k))]
    binned = [0, 0]  # (points, rows)

    def take(table: np.ndarray) -> None:  # (a chunk at a time: nothing the size of the result kept)
        cls = table[:, 0]
        builder.outside += int(table[cls == 0, 8].sum())
        edges.append(table[cls == 1])
        bins = table[cls == 2]
        _add_bins(builder, bins, coefficients, offsets)
        binned[0] += int(bins[:, 8].sum())
        binned[1] += len(bins)

    with cancellable(pg, feedback):
        float_rows(pg, sql, params, len(names), take, chunk_rows=_CHUNK_ROWS)
    binned_points, binned_rows = binned
    feedback.setProgress(60)
    edge = np.concatenate(edges)
    if len(edge):
        repeat = edge[:, 8].astype(np.int64)
        ex, ey, ew = (np.repeat(edge[:, c], repeat) for c in (5, 6, 7))
        builder.add(ex, ey, ew if points.weighted else None)
    if feedback.isCanceled():
        raise Cancelled()
    frontier = _add_frontier(builder, pg, points, params, feedback, degrees)
    feedback.pushInfo(
        _tr(
            "Binned in the database: {} points in {} rows of sums, {} points near the raster's edge and {} places "
            "near its no-data cells one by one."
        ).format(binned_points, binned_rows, int(edge[:, 8].sum()), frontier)
    )
    feedback.setProgress(100)


def _add_bins(builder: _BinnedBuilder, bins: np.ndarray, coefficients: np.ndarray, offsets: np.ndarray) -> None:
    """Each cell centre's weight from the bins' moments: Σ_ij A[a, i] A[b, j] Σ w ty^i tx^j, into the builder."""
    k = len(offsets)
    weights = np.einsum("ai,gij,bj->gab", coefficients, bins[:, 9:].reshape(-1, k, k), coefficients)
    iy, ix = bins[:, 3].astype(np.int64), bins[:, 4].astype(np.int64)
    rows = np.broadcast_to(iy[:, None, None] + offsets[None, :, None], weights.shape)
    cols = np.broadcast_to(ix[:, None, None] + offsets[None, None, :], weights.shape)
    blocks = bins[:, 1:3].astype(np.int64)
    builder.add_bins(bins[:, 8].sum(), blocks[:, 0], blocks[:, 1], rows.ravel(), cols.ravel(), weights.ravel())


def _add_frontier(builder, pg, points: _Points, params: List, feedback, degrees=None) -> int:
    """The places (distinct positions) of the binned points in blocks on the coverage's frontier: a filtered query.

    With ``degrees`` (a table in degrees, projected in SQL) only the rows in
    the cells of a grid in degrees whose projection comes near a frontier
    block are projected (:class:`_Degrees`): a cheap test on the stored
    coordinates first.
    """
    block_r, block_c = builder.frontier_blocks()
    if not len(block_r):
        return 0
    width = builder.grid.cols // _BLOCK + 3
    keys = ((block_r + 1) * width + block_c + 1).tolist()
    source, extra = points.sql, []
    if degrees is not None:
        condition, extra = degrees.condition(builder.grid, block_r, block_c, points.geom)
        source = points.where(condition)
    placed, _ = _positions(builder.grid, builder.b, builder.window)
    sql = (
        "SELECT x, y FROM (SELECT x, y, cls, floor(floor(row) / {q}) AS block_r, floor(floor(col) / {q}) AS block_c,"
        " {f} FROM ({placed}) AS s) AS pts WHERE cls = 2"
        " AND ((block_r + 1)::bigint * {width} + (block_c + 1)::bigint) = ANY(%s::bigint[])"  # (hashed)
        " GROUP BY x, y"
    ).format(placed=placed.format(points=source), q=_BLOCK, f=FENCE, width=width)
    with cancellable(pg, feedback):
        return float_rows(
            pg,
            sql,
            [*params, *extra, keys],
            2,
            lambda xy: builder.add_frontier(xy[:, 0], xy[:, 1]),
            chunk_rows=_CHUNK_ROWS,
        )


class _Degrees:
    """A grid of cells in degrees over the located points, to find the rows near given raster blocks cheaply."""

    DIVISIONS = 256  # cells per side

    def __init__(self, lonlat, crs, out_crs, context) -> None:
        self.lon0, self.lat0, self.lon1, self.lat1 = (float(v) for v in lonlat)
        self.crs, self.out_crs, self.context = crs, out_crs, context

    def condition(self, grid: kde.Grid, block_r: np.ndarray, block_c: np.ndarray, geom: str) -> Tuple[str, List]:
        """(SQL condition on the stored point, its bound values): the row lies in a cell near one of the blocks.

        Each cell's corners are projected; the box around them, grown by two
        pixels (the curve of its edges, and the mirrored row), is compared
        with the blocks.  Every point lies in its cell's closed box, so none
        near a block is left out.
        """
        from alpr_qgis.qgis_io.crs import transform_xy

        n = self.DIVISIONS
        dlon = (self.lon1 - self.lon0) / n
        dlat = (self.lat1 - self.lat0) / n
        if not (dlon > 0 and dlat > 0):
            return "true", []
        lon, lat = np.meshgrid(self.lon0 + dlon * np.arange(n + 1), self.lat0 + dlat * np.arange(n + 1), indexing="ij")
        x, y = transform_xy(lon.ravel(), lat.ravel(), self.crs, self.out_crs, self.context.transformContext())
        x, y = x.reshape(n + 1, n + 1), y.reshape(n + 1, n + 1)
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            return "true", []
        corners_x = np.stack([x[:-1, :-1], x[1:, :-1], x[:-1, 1:], x[1:, 1:]])
        corners_y = np.stack([y[:-1, :-1], y[1:, :-1], y[:-1, 1:], y[1:, 1:]])
        margin = 2.0 * grid.pixel
        c_lo = np.floor((corners_x.min(axis=0) - margin - grid.x_min) / grid.pixel / _BLOCK).astype(np.int64)
        c_hi = np.floor((corners_x.max(axis=0) + margin - grid.x_min) / grid.pixel / _BLOCK).astype(np.int64)
        r_lo = np.floor((grid.y_max - corners_y.max(axis=0) - margin) / grid.pixel / _BLOCK).astype(np.int64)
        r_hi = np.floor((grid.y_max - corners_y.min(axis=0) + margin) / grid.pixel / _BLOCK).astype(np.int64)
        rows, cols = -(-grid.rows // _BLOCK) + 1, -(-grid.cols // _BLOCK) + 1
        front = np.zeros((rows + 1, cols + 1), dtype=np.int64)  # prefix sums of the frontier blocks
        np.add.at(front, (np.clip(block_r, 0, rows - 1) + 1, np.clip(block_c, 0, cols - 1) + 1), 1)
        front = front.cumsum(axis=0).cumsum(axis=1)
        r0, r1 = np.clip(r_lo, 0, rows - 1), np.clip(r_hi, 0, rows - 1) + 1
        c0, c1 = np.clip(c_lo, 0, cols - 1), np.clip(c_hi, 0, cols - 1) + 1
        hits = front[r1, c1] - front[r0, c1] - front[r1, c0] + front[r0, c0]
        near = np.flatnonzero(hits.ravel() > 0)  # (cell i, j at i * n + j)
        if len(near) > 0.8 * n * n:
            return "true", []  # (most cells: the test would not pay)
        key = (
            "(least(greatest(floor((ST_X({g}) - %s::float8) / %s::float8), 0), {m}) * {n}"
            " + least(greatest(floor((ST_Y({g}) - %s::float8) / %s::float8), 0), {m}))::bigint"
        ).format(g=geom, m=n - 1, n=n)
        return "{} = ANY(%s::bigint[])".format(key), [self.lon0, dlon, self.lat0, dlat, near.tolist()]


# ------------------------------------------------------------------ running statements


@contextmanager
def cancellable(pg, feedback) -> Iterator[None]:
    """Cancel the statement running inside when the run is cancelled (``connection.cancelled_in_server``)."""
    from alpr_qgis.qgis_io.postgis.connection import cancelled_in_server

    with cancelled_in_server(pg.connection, feedback.isCanceled):
        yield
    if feedback.isCanceled():
        raise Cancelled()


def query(pg, sql: str, params, feedback) -> List[tuple]:
    """``pg.query`` (a plain statement: the server may run it in parallel), cancellable."""
    with cancellable(pg, feedback):
        return pg.query(sql, params)
