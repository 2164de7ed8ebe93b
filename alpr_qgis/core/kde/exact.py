"""Exact methods: point by point over each block, and per-point spans on each row summed strip by strip."""

from __future__ import annotations

from typing import Callable, Iterator, Optional, Tuple

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.kde.grid import Grid, IsCancelled, Progress
from alpr_qgis.core.kde.points import _inside, _Points

_CHUNK = 2_000_000  # elements per vectorised chunk
_EDGE_TOL = 1e-6  # cells: a span end this close to a cell centre is checked exactly
_SPAN_CHUNK = 64_000  # (point, row) pairs per chunk


# ----------------------------------------------------------------- exact


def _ignore(fraction: float) -> None:
    """A progress callback that reports nothing (for parts whose share is negligible)."""
    del fraction


def _exact(
    pts: _Points,
    grid: Grid,
    radius: float,
    b: int,
    values_at: Callable[[np.ndarray], np.ndarray],
    sums: np.ndarray,
    hits: np.ndarray,
    progress: Progress,
    cancelled: IsCancelled,
) -> None:
    """Add every point's block, exactly as native does (in double precision), into ``sums``/``hits``.

    ``values_at`` gives the kernel at distances (map units, ≤ radius).
    """
    n = len(pts)
    if not n:
        return
    side = 2 * b + 1
    offs = np.arange(side)
    p = grid.pixel
    order = np.lexsort((pts.x_pos, pts.y_pos_io))
    chunk = max(1, _CHUNK // (side * side))
    for start in range(0, n, chunk):
        if cancelled():
            raise Cancelled()
        ids = order[start : start + chunk]
        cols = pts.x_pos[ids, None] + offs
        rows = pts.y_pos_io[ids, None] + offs
        dx = ((cols + 0.5) * p + grid.x_min) - pts.x[ids, None]
        dy = ((pts.y_pos[ids, None] + offs + 0.5) * p + grid.y_min) - pts.y[ids, None]
        dist = np.sqrt(dx[:, None, :] ** 2 + dy[:, :, None] ** 2)
        ok = dist <= radius
        ok &= ((cols >= 0) & (cols < grid.cols))[:, None, :]
        ok &= ((rows >= 0) & (rows < grid.rows))[:, :, None]
        if not ok.any():
            continue
        r0, r1 = max(int(rows.min()), 0), min(int(rows.max()), grid.rows - 1)
        c0, c1 = max(int(cols.min()), 0), min(int(cols.max()), grid.cols - 1)
        width = c1 - c0 + 1
        flat = ((rows - r0)[:, :, None] * width + (cols - c0)[:, None, :])[ok]
        weight = np.broadcast_to(pts.w[ids, None, None], ok.shape)[ok]
        values = values_at(dist[ok]) * weight
        size = (r1 - r0 + 1) * width
        sums[r0 : r1 + 1, c0 : c1 + 1] += np.bincount(flat, values, minlength=size).reshape(r1 - r0 + 1, width)
        hits[r0 : r1 + 1, c0 : c1 + 1] |= np.bincount(flat, minlength=size).reshape(r1 - r0 + 1, width) > 0
        progress(min(1.0, (start + chunk) / n))


# ----------------------------------------------------------------- spans


def _runs(
    pts: _Points, ids: np.ndarray, grid: Grid, radius: float, b: int
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cells points ``ids`` reach on each row of their blocks, by native's exact test.

    Returns arrays of shape (len(ids), 2b + 1), one column per block row:
    the point's column position from cell centres (``centre``, one column),
    the raster ``rows``, the squared y offset in cells (``dy2``), the first
    and last column reached (``lo``, ``hi``, clipped to the block and the
    raster) and whether the row has any (``valid``).  A run end within
    :data:`_EDGE_TOL` of a cell centre is settled by native's own test.
    """
    p = grid.pixel
    r2 = (radius / p) ** 2
    offs = np.arange(2 * b + 1)
    x_pos, y_pos_io = pts.x_pos[ids, None], pts.y_pos_io[ids, None]
    centre = pts.col[ids, None] - 0.5  # column position measured from cell centres
    rows = y_pos_io + offs
    # y offset of each row's centre from the point, in cells (native's mirrored centre)
    dyc = (pts.y_pos[ids, None] + 0.5 - (pts.y[ids, None] - grid.y_min) / p) + offs
    dy2 = dyc * dyc
    half = np.sqrt(np.maximum(r2 - dy2, 0.0))  # the run's half-width, in cells
    t_lo = centre - half
    t_hi = centre + half
    lo = np.ceil(t_lo)
    hi = np.floor(t_hi)
    for end, t, step in ((lo, t_lo, 1.0), (hi, t_hi, -1.0)):
        gap = np.abs(end - t)
        near = (gap < _EDGE_TOL) | (gap > 1.0 - _EDGE_TOL)
        if near.any():
            k = np.nonzero(near)
            c = np.rint(t[k])
            inside = _inside(pts, ids[k[0]], c, rows[k], grid, radius)
            end[k] = np.where(inside, c, c + step)
    lo = np.maximum(lo, np.maximum(x_pos, 0))
    hi = np.minimum(hi, np.minimum(x_pos + 2 * b, grid.cols - 1))
    valid = (dy2 <= r2 * (1 + 4e-16)) & (lo <= hi)
    if y_pos_io.min() < 0 or y_pos_io.max() + 2 * b + 1 > grid.rows:
        valid &= (rows >= 0) & (rows < grid.rows)
    return centre, rows, dy2, lo, hi, valid


def _spans(
    pts: _Points,
    grid: Grid,
    radius: float,
    b: int,
    alpha: float,
    jump: float,
    sums: np.ndarray,
    hits: np.ndarray,
    progress: Progress,
    cancelled: IsCancelled,
    rows: Optional[Tuple[int, int]] = None,
) -> None:
    """Add ``w (alpha (1 - t²) + jump)`` over every point's disk, exactly, row by row.

    On raster row R a point reaches the columns [lo, hi] (native's exact
    test, clipped to its block and the raster); there
    ``alpha (1 - t²) + jump`` is ``c0 + c1 C + c2 C²`` in the column C.  The
    coefficients go into difference arrays at lo and hi + 1; running sums
    along each row then give every cell's coefficients, and a count of runs
    the cells reached.  With equal weights c2 (and, without ``alpha``, c0)
    is a constant times the count, and is not summed separately.

    ``rows``: only the raster rows [first, end), which ``sums`` and
    ``hits`` then hold (a strip); None: the whole raster.  Each row's value
    depends on that row's runs only, so a strip equals those rows of the
    whole.
    """
    n = len(pts)
    if not n:
        return
    first, end = (0, grid.rows) if rows is None else rows
    rows_n, cols_n = end - first, grid.cols
    width = cols_n + 1
    p = grid.pixel
    radius_cells = radius / p
    r2 = radius_cells**2
    side = 2 * b + 1
    s2 = 1.0 / r2
    same_weight = bool(np.all(pts.w == pts.w[0]))
    w0 = float(pts.w[0])
    keys = [
        k
        for k, needed in (
            (0, alpha != 0.0 or not same_weight),
            (1, alpha != 0.0),
            (2, alpha != 0.0 and not same_weight),
        )
        if needed
    ]
    acc = {k: np.zeros(rows_n * width) for k in keys}
    count = np.zeros(rows_n * width, dtype=np.int32)
    order = np.argsort(pts.y_pos_io, kind="stable")
    chunk = max(1, _SPAN_CHUNK // side)
    for start in range(0, n, chunk):
        if cancelled():
            raise Cancelled()
        ids = order[start : start + chunk]
        y_pos_io = pts.y_pos_io[ids, None]
        centre, raster_rows, dy2, lo, hi, valid = _runs(pts, ids, grid, radius, b)
        if rows is not None:
            valid &= (raster_rows >= first) & (raster_rows < end)
        r0 = max(int(y_pos_io.min()), first)
        r1 = min(int(y_pos_io.max()) + side - 1, end - 1)
        if r1 < r0:  # (no row of these blocks in the strip)
            continue
        size = (r1 - r0 + 1) * width
        window = slice((r0 - first) * width, (r1 - first + 1) * width)
        local = (raster_rows - r0) * width
        # Invalid runs land in one extra slot (index ``size``), dropped.
        starts = np.where(valid, local + lo.astype(np.int64), size).ravel()
        stops = np.where(valid, local + hi.astype(np.int64) + 1, size).ravel()
        count[window] += (np.bincount(starts, minlength=size + 1) - np.bincount(stops, minlength=size + 1))[:size]
        w = pts.w[ids, None]
        for key in keys:
            if key == 0:
                coef = (alpha * w) * (1.0 - s2 * centre**2) + jump * w - (alpha * s2 * w) * dy2
            elif key == 1:
                coef = np.broadcast_to(2.0 * alpha * s2 * w * centre, dy2.shape)
            else:
                coef = np.broadcast_to(-alpha * s2 * w, dy2.shape)
            coef = coef.ravel()
            part = np.bincount(starts, coef, minlength=size + 1) - np.bincount(stops, coef, minlength=size + 1)
            acc[key][window] += part[:size]
        progress(min(1.0, (start + chunk) / n))
    runs = np.cumsum(count.reshape(rows_n, width), axis=1)[:, :cols_n]
    del count
    reached = runs > 0
    c = np.arange(cols_n, dtype=float)
    values = np.cumsum(acc[0].reshape(rows_n, width), axis=1)[:, :cols_n] if 0 in acc else runs * (jump * w0)
    if 1 in acc:
        values += np.cumsum(acc[1].reshape(rows_n, width), axis=1)[:, :cols_n] * c
    if 2 in acc:
        values += np.cumsum(acc[2].reshape(rows_n, width), axis=1)[:, :cols_n] * c**2
    elif alpha != 0.0:
        values += runs * (-alpha * s2 * w0) * c**2
    sums += np.where(reached, values, 0.0)
    hits |= reached


def _span_strip_sums(
    points_of: Callable[[int, int], _Points],
    tops: np.ndarray,
    grid: Grid,
    radius: float,
    b: int,
    alpha: float,
    jump: float,
    strip_rows: int,
    cancelled: IsCancelled,
) -> Iterator[Tuple[int, np.ndarray, np.ndarray]]:
    """:func:`_spans` strip by strip: ``(first row, sums (float64), cells reached)`` from the top down.

    ``tops`` is the sorted first block row of every point and
    ``points_of(i, j)`` the points i to j in that order; each strip takes the
    points whose block reaches its rows (a point is handled by every strip
    its block crosses, about 1 + (2b + 1) / ``strip_rows`` strips), so only
    arrays of a strip's rows are held.
    """
    for row0 in range(0, grid.rows, strip_rows):
        if cancelled():
            raise Cancelled()
        height = min(strip_rows, grid.rows - row0)
        i0, i1 = np.searchsorted(tops, [row0 - 2 * b, row0 + height]).tolist()
        sums = np.zeros((height, grid.cols))
        hits = np.zeros((height, grid.cols), dtype=bool)
        if i1 > i0:
            _spans(
                points_of(i0, i1), grid, radius, b, alpha, jump, sums, hits, _ignore, cancelled, (row0, row0 + height)
            )
        yield row0, sums, hits
