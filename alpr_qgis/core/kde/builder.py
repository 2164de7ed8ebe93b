"""The builder: :class:`DensityBuilder` (points in chunks, raster out in strips), its knobs, :func:`kernel_density`."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Optional, Tuple

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.kde import tuning
from alpr_qgis.core.kde.exact import _exact, _ignore, _span_strip_sums
from alpr_qgis.core.kde.fft import _PAD, _convolve, _even_spectrum, _fft_buffer, _fft_shape, _lattice, _spread_points
from alpr_qgis.core.kde.grid import (
    KERNELS,
    NODATA,
    OUTPUT_VALUES,
    Density,
    Grid,
    IsCancelled,
    Progress,
    radius_in_pixels,
)
from alpr_qgis.core.kde.kernels import _smooth_profile, _span_terms, kernel_scale
from alpr_qgis.core.kde.mask import _Coverage, _point_cells
from alpr_qgis.core.kde.points import _block_clips_disk, _block_top, _Points, _points
from alpr_qgis.core.kde.tuning import plan
from alpr_qgis.core.kde.whole import _whole_grid

_BUCKET_ROWS = 32  # raster rows per band of stored points (row within it: uint16, 1/2048 of a cell)
_SPREAD_POINTS = 8_192  # points spread at once (bounds the temporaries)
_FIRST_UPDATE = 8_192  # points after which the coverage is first updated (then at each doubling)


def kernel_density(
    x: np.ndarray,
    y: np.ndarray,
    weights: Optional[np.ndarray],
    grid: Grid,
    radius: float,
    kernel: str = "quartic",
    output: str = "raw",
    decay: float = 0.0,
    *,
    window: bool = False,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
    exact_budget: Optional[int] = None,
    strip_rows: Optional[int] = None,
) -> Density:
    """The heatmap of points (x, y) with ``weights`` (None: 1 each) on ``grid``, as QGIS computes it.

    ``radius`` and the grid are in the points' (projected) units; ``kernel``
    is one of :data:`KERNELS`, ``output`` one of :data:`OUTPUT_VALUES`;
    ``decay`` applies to the triangular kernel only.  Points outside the
    grid's grown extent and points with a non-finite coordinate are left
    out, as native does; a NaN weight counts as 0.  Native also drops a
    point whose block of (2b+1)² cells does not fit in the raster (its
    raster read fails): that happens when the radius in cells was rounded
    up and a point lies within a pixel of the extent's edge, e.g. one point
    alone.  With ``window`` the grid is treated as a window on a larger one
    (for a grid cut from another extent, where points near its edges reach
    inside it): blocks are clipped to the raster instead, and block
    positions are floored rather than truncated (native's truncation moves
    a point's kernel by a row when its block starts up to one cell before
    the raster), so cells inside the window get the values of the larger
    grid.  ``exact_budget`` overrides :data:`EXACT_BUDGET`; ``strip_rows``
    :data:`STRIP_ROWS` (see :class:`DensityBuilder`, which this wraps).
    ``progress`` gets fractions in [0, 1]; raises ``Cancelled`` when
    ``cancelled()`` turns true.
    """
    builder = DensityBuilder(
        grid,
        radius,
        kernel,
        output,
        decay,
        window=window,
        expected=len(x),
        exact_budget=exact_budget,
        strip_rows=strip_rows,
        cancelled=cancelled,
    )
    builder.add(x, y, weights)
    if not builder.streaming:
        values = builder.whole(progress)
    else:
        values = np.empty((grid.rows, grid.cols), dtype=np.float32)
        for row0, strip in builder.strips(progress):
            values[row0 : row0 + strip.shape[0]] = strip
    return Density(
        values, builder.method, builder.points, builder.outside, builder.unfit, builder.exact_points, builder.maximum
    )


class DensityBuilder:
    """A heatmap built from points added in chunks, and handed out in strips of rows: no full-grid array.

    ``add()`` takes points (any number of calls); ``strips()`` then yields
    ``(first row, float32 block of rows)`` from the top down, each block
    valid until the next is asked for; afterwards ``method``, ``points``,
    ``outside``, ``unfit``, ``exact_points`` and ``maximum`` are those of
    :class:`Density`.  The raster is the one :func:`kernel_density` makes.

    For the quartic and triweight kernels by FFT (``streaming``: :func:`plan`
    for ``expected`` points says ``fft-...``) nothing of the size of the
    grid is ever held:

    * each point is kept as 6 bytes: its column position (float32) and its
      row within a band of :data:`_BUCKET_ROWS` rows (1/2048 of a cell,
      uint16); its weight (float32) only with weights.  They are copied, a
      chunk at a time sorted by band, into blocks sized for the points
      expected, and each band keeps the list of its runs in them: so the
      points lie together, not scattered among the heap pages each chunk's
      temporaries use, and nothing holds them twice;
    * the cells reached come from a :class:`_Coverage` of occupied 4 × 4
      blocks, updated as points arrive; only the points then on its
      frontier keep their exact coordinates (double), and the rims of their
      disks are tested with native's own test when their strip comes: the
      same cells as the whole-grid mask;
    * each strip of :data:`STRIP_ROWS` rows is one overlap-save FFT: the
      points of the bands within the kernel's reach of the strip are spread
      over the strip's rows and the kernel's half-width above and below,
      convolved in one float32 buffer, and the strip's rows kept;
    * points whose block cuts their disk (near the raster's edges) are kept
      exactly and added point by point to each strip they reach.

    The uniform and Epanechnikov kernels (``spans``) keep the points
    (double) and compute the exact runs strip by strip too
    (:meth:`_span_strips`): per strip, arrays of its rows only.  The
    triangular kernel (its spans summed strip by strip, its FFT part over
    the whole raster) and the ``exact`` method (few points) keep the points
    and compute the whole grid when the strips are asked for (``whole()``).
    """

    def __init__(
        self,
        grid: Grid,
        radius: float,
        kernel: str = "quartic",
        output: str = "raw",
        decay: float = 0.0,
        *,
        window: bool = False,
        expected: int = 0,
        exact_budget: Optional[int] = None,
        strip_rows: Optional[int] = None,
        cancelled: IsCancelled = lambda: False,
    ) -> None:
        if kernel not in KERNELS:
            raise ValueError("unknown kernel {!r}".format(kernel))
        if output not in OUTPUT_VALUES:
            raise ValueError("unknown output value {!r}".format(output))
        self.grid, self.radius, self.kernel, self.output, self.decay = grid, radius, kernel, output, decay
        self.window = window
        self.b = radius_in_pixels(radius, grid.pixel)
        self.exact_budget = tuning.EXACT_BUDGET if exact_budget is None else exact_budget
        self.strip_rows = max(1, int(strip_rows or tuning.STRIP_ROWS))
        self.cancelled = cancelled
        planned = plan(expected, radius, grid.pixel, kernel, self.exact_budget)
        self.streaming = kernel in ("quartic", "triweight") and planned.startswith("fft")
        self.method = planned if self.streaming else ""
        self.points = self.outside = self.unfit = self.exact_points = 0
        self.maximum = 0.0
        self.nonnegative = True
        self._parts: list = []  # (x, y, w or None) of every point kept, when not streaming
        self._coverage = _Coverage(grid, radius) if self.streaming else None
        self._expected = expected
        self._blocks: list = []  # [col float32, row uint16, w float32 or None] of the points stored, in blocks
        self._used = 0  # points stored in the last block
        self._buckets: dict = {}  # band of rows -> [(block, first, end)]: its runs in the blocks
        self._kept: list = []  # (x, y) of points on the frontier when they came
        self._clipped: list = []  # (x, y, w) of points whose block cuts their disk
        self._fast = 0
        self._next_update = _FIRST_UPDATE

    # -------------------------------------------------------------- points in

    def add(self, x: np.ndarray, y: np.ndarray, weights: Optional[np.ndarray] = None) -> None:
        """Add points (map units; ``weights`` None: 1 each, NaN: 0)."""
        if self.cancelled():
            raise Cancelled()
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if weights is None:
            w = np.broadcast_to(np.float64(1.0), x.shape)  # (read-only, no memory)
        else:
            w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
            self.nonnegative &= bool(np.all(w >= 0))
        grid, b = self.grid, self.b
        keep = np.isfinite(x) & np.isfinite(y) & grid.contains(x, y)
        outside = int(len(x) - keep.sum())
        if outside:
            x, y, w = x[keep], y[keep], w[keep]
            self.outside += outside
        del keep
        pts = _points(x, y, w, grid, b, self.window)
        del x, y, w  # (pts holds them)
        if not self.window:
            fits = (pts.x_pos >= 0) & (pts.x_pos + 2 * b < grid.cols) & (pts.y_pos_io >= 0)
            fits &= pts.y_pos_io + 2 * b < grid.rows
            unfit = int(len(pts) - fits.sum())
            if unfit:
                pts = pts.take(np.nonzero(fits)[0])
                self.unfit += unfit
        self.points += len(pts)
        if not len(pts):
            return
        weighted = weights is not None
        if not self.streaming:
            self._parts.append((pts.x, pts.y, pts.w if weighted else None))
            return
        clipped = _block_clips_disk(pts, grid, b, self.radius / grid.pixel)
        if clipped.any():
            self._clipped.append((pts.x[clipped], pts.y[clipped], np.array(pts.w[clipped], dtype=float)))
            pts = pts.take(np.nonzero(~clipped)[0])
        del clipped
        cell_r, cell_c = _point_cells(pts, grid)
        self._coverage.occupy(cell_r, cell_c)
        front = self._coverage.frontier(cell_r, cell_c)
        del cell_r, cell_c
        if front.any():
            self._kept.append((pts.x[front], pts.y[front]))
        del front
        self._store(pts.col, pts.row, pts.w if weighted else None)
        self._fast += len(pts)
        del pts
        if self._fast >= self._next_update:
            self._update()
            self._next_update = 2 * self._fast

    def _store(self, col: np.ndarray, row: np.ndarray, w: Optional[np.ndarray]) -> None:
        """Keep the points' positions, 6 bytes each, in their bands of :data:`_BUCKET_ROWS` rows.

        The chunk is sorted by band (a radix sort on 16-bit band numbers) and
        copied to the end of the last block, so each band gets one run of it;
        a block holds the points still expected (:meth:`_block`), so the
        stored points lie together, not among the temporaries of each chunk.
        """
        n = len(col)
        band = np.floor(row).astype(np.int64) // _BUCKET_ROWS
        low = int(band.min())
        span = band - low
        order = np.argsort(span.astype(np.uint16) if int(span.max()) < 65536 else span, kind="stable")
        del span
        band = band[order]
        k, pos = self._block(n, w is not None)
        col32, row16, w32 = self._blocks[k]
        end = pos + n
        col32[pos:end] = col[order]
        offset = row[order]
        offset -= band * _BUCKET_ROWS
        offset *= 65536.0 / _BUCKET_ROWS
        np.rint(offset, out=offset)
        np.clip(offset, 0, 65535, out=offset)
        row16[pos:end] = offset
        del offset
        if w32 is not None:
            w32[pos:end] = w[order] if w is not None else 1.0
        del order
        starts = np.flatnonzero(np.diff(band)) + 1
        for lo, hi in zip(np.r_[0, starts].tolist(), np.r_[starts, n].tolist()):
            self._buckets.setdefault(int(band[lo]), []).append((k, pos + lo, pos + hi))

    def _block(self, n: int, weighted: bool) -> Tuple[int, int]:
        """(block, first free place) for ``n`` more points: the last block, or a new one for the points still expected."""
        if not self._blocks or self._used + n > len(self._blocks[-1][0]):
            size = max(n, self._expected - self._fast)
            self._blocks.append([np.empty(size, dtype=np.float32), np.empty(size, dtype=np.uint16), None])
            self._used = 0
        block = self._blocks[-1]
        if weighted and block[2] is None:
            block[2] = np.empty(len(block[0]), dtype=np.float32)
            block[2][: self._used] = 1.0
        pos = self._used
        self._used += n
        return len(self._blocks) - 1, pos

    def _frontier_points(self, x: np.ndarray, y: np.ndarray) -> _Points:
        return _points(x, y, np.ones(len(x)), self.grid, self.b, self.window)

    def _update(self, last: bool = False) -> None:
        """Update the coverage and drop the kept points no longer on its frontier (``last``: no more points come)."""
        self._coverage.update(last)
        if not self._kept:
            return
        x = np.concatenate([k[0] for k in self._kept])
        y = np.concatenate([k[1] for k in self._kept])
        self._kept = []
        on = self._coverage.frontier(*_point_cells(self._frontier_points(x, y), self.grid))
        if on.any():
            self._kept = [(x[on], y[on])]

    # -------------------------------------------------------------- raster out

    def _by_strips(self) -> bool:
        """True when the raster is computed strip by strip: the FFT kernels, and spans (uniform, Epanechnikov)."""
        if self.streaming:
            return True
        n = sum(len(part[0]) for part in self._parts)
        return plan(n, self.radius, self.grid.pixel, self.kernel, self.exact_budget) == "spans"

    def whole(self, progress: Progress = lambda f: None) -> np.ndarray:
        """The whole raster at once (float32)."""
        if self._by_strips():
            values = np.empty((self.grid.rows, self.grid.cols), dtype=np.float32)
            for row0, strip in self.strips(progress):
                values[row0 : row0 + strip.shape[0]] = strip
            return values
        x, y, w = self._gathered()
        pts = _points(x, y, w, self.grid, self.b, self.window)
        del x, y, w
        values, self.method, self.exact_points, self.maximum = _whole_grid(
            pts,
            self.grid,
            self.radius,
            self.b,
            self.kernel,
            self.output,
            self.decay,
            self.nonnegative,
            self.exact_budget,
            progress,
            self.cancelled,
        )
        return values

    def _gathered(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, w) of the points kept when not streaming, in one array each (the parts let go)."""
        if self._parts:
            x = np.concatenate([p[0] for p in self._parts])
            y = np.concatenate([p[1] for p in self._parts])
            weighted = any(p[2] is not None for p in self._parts)
            w = (
                np.concatenate([p[2] if p[2] is not None else np.ones(len(p[0])) for p in self._parts])
                if weighted
                else np.broadcast_to(np.float64(1.0), x.shape)
            )
        else:
            x = y = np.empty(0)
            w = np.empty(0)
        self._parts = []
        return x, y, w

    def _span_strips(self, progress: Progress) -> Iterator[Tuple[int, np.ndarray]]:
        """The strips of the ``spans`` method (uniform and Epanechnikov kernels): exact, no full-grid array.

        The points (x, y, w) are sorted by their block's first row; each
        strip takes the points whose block reaches its rows and adds their
        runs on those rows only (:func:`_spans` with ``rows``).  A point is
        handled by every strip its block crosses (about 1 + (2b + 1) /
        :data:`STRIP_ROWS` strips).
        """
        grid, b = self.grid, self.b
        x, y, w = self._gathered()
        top_row = _block_top(y, grid, b, self.window)
        order = np.argsort(top_row, kind="stable")
        top_row = top_row[order]
        x, y = x[order], y[order]
        if w.strides != (0,):  # (no weights: one broadcast 1.0)
            w = w[order]
        del order
        alpha, jump = _span_terms(
            self.kernel, kernel_scale(self.kernel, self.output, self.radius, self.decay), self.decay
        )
        self.method = "spans"
        top = -np.inf
        strips = _span_strip_sums(
            lambda i, j: _points(x[i:j], y[i:j], w[i:j], grid, b, self.window),
            top_row,
            grid,
            self.radius,
            b,
            alpha,
            jump,
            self.strip_rows,
            self.cancelled,
        )
        for row0, sums, hits in strips:
            out = sums.astype(np.float32)
            del sums
            if hits.any():
                top = max(top, float(np.max(out, where=hits, initial=-np.inf)))
            np.copyto(out, np.float32(NODATA), where=~hits)
            del hits
            progress(min(1.0, (row0 + out.shape[0]) / grid.rows))
            yield row0, out
        self.maximum = top if top > -np.inf else 0.0

    def strips(self, progress: Progress = lambda f: None) -> Iterator[Tuple[int, np.ndarray]]:
        """``(first row, rows)`` from the top down: float32, :data:`NODATA` where no point reaches."""
        if not self.streaming and self._by_strips():
            yield from self._span_strips(progress)
            return
        if not self.streaming:
            values = self.whole(progress)
            for row0 in range(0, self.grid.rows, self.strip_rows):
                yield row0, values[row0 : row0 + self.strip_rows]
            return
        grid, radius, b, cancelled = self.grid, self.radius, self.b, self.cancelled
        self._update(last=True)
        kept = self._sorted([(x, y, np.ones(len(x))) for x, y in self._kept])
        self._kept = []
        slow = self._sorted(self._clipped)
        self._clipped = []
        self.exact_points = len(slow)
        radius_cells = radius / grid.pixel
        profile = _smooth_profile(self.kernel, kernel_scale(self.kernel, self.output, radius, self.decay), self.decay)
        order = self.method.rsplit("-", 1)[1]
        lattice = _lattice(radius_cells, grid.pixel, radius, profile, order)
        half = lattice.shape[0] // 2
        rows_s = self.strip_rows
        valid = (rows_s + 2 * half, grid.cols + 2 * _PAD)
        crop = (half, _PAD)
        shape = _fft_shape(valid, half, crop)
        buffer = _fft_buffer(shape)
        field = buffer[: valid[0], : shape[1]]
        table = _even_spectrum(lattice, shape)  # (the same for every strip)
        reach = _BUCKET_ROWS + 3  # a band's node rows: from 2 above its first row to 2 below its last
        top = -np.inf
        for row0 in range(0, grid.rows, rows_s):
            if cancelled():
                raise Cancelled()
            height = min(rows_s, grid.rows - row0)
            buffer.fill(0.0)
            first, last = row0 - half, row0 + rows_s + half  # the field's raster rows
            for band in sorted(self._buckets):
                start = band * _BUCKET_ROWS
                if start + reach - 1 < first:
                    del self._buckets[band]  # (no later strip reaches it)
                elif start - 2 < last:
                    self._spread_band(field, half - row0, band, order)
            out = _convolve(buffer, lattice, crop, valid, table)[:height]
            if self.nonnegative:
                np.maximum(out, 0.0, out=out)  # FFT round-off below zero
            hits = self._coverage.sure_rows(row0, row0 + height)
            near = kept.take(_block_rows(kept, row0, height, b)) if len(kept) else kept
            self._coverage.mark_rims(near, radius, b, hits, row0, cancelled)
            if len(slow):
                near = slow.take(_block_rows(slow, row0, height, b))
                if len(near):
                    near.y_pos_io = near.y_pos_io - row0
                    strip_grid = replace(grid, rows=height)
                    _exact(near, strip_grid, radius, b, lambda d: profile(d / radius), out, hits, _ignore, cancelled)
            reached = bool(hits.any())
            np.logical_not(hits, out=hits)  # (in place: now the cells no point reaches)
            np.copyto(out, np.float32(NODATA), where=hits)
            if reached and self.nonnegative:  # no-data (-9999) is below every value
                top = max(top, float(out.max()))
            elif reached:
                top = max(top, float(np.max(out, where=np.logical_not(hits, out=hits), initial=-np.inf)))
            del hits
            progress(min(1.0, (row0 + height) / grid.rows))
            yield row0, out
        self._buckets = {}
        self._blocks = []
        self.maximum = top if top > -np.inf else 0.0

    def _sorted(self, parts: list) -> _Points:
        """Points (x, y, w) of ``parts`` with everything native derives, sorted by their block's first row."""
        if parts:
            x = np.concatenate([p[0] for p in parts])
            y = np.concatenate([p[1] for p in parts])
            w = np.concatenate([p[2] for p in parts])
        else:
            x = y = w = np.empty(0)
        pts = _points(x, y, w, self.grid, self.b, self.window)
        return pts.take(np.argsort(pts.y_pos_io, kind="stable"))

    def _spread_band(self, field: np.ndarray, row_shift: int, band: int, order: str) -> None:
        """Spread the points of one band of rows into ``field`` (raster row R at field row R + row_shift).

        Its runs (one per chunk added) are gathered :data:`_SPREAD_POINTS` at a time.
        """
        base = band * _BUCKET_ROWS
        batch: list = []
        size = 0
        runs = self._buckets[band]
        for i, (k, lo, hi) in enumerate(runs):
            while lo < hi:
                end = min(hi, lo + _SPREAD_POINTS - size)
                batch.append((k, lo, end))
                size += end - lo
                lo = end
                if size == _SPREAD_POINTS or (lo == hi and i == len(runs) - 1):
                    self._spread_batch(field, row_shift, base, batch, order)
                    batch = []
                    size = 0

    def _spread_batch(self, field: np.ndarray, row_shift: int, base: int, batch: list, order: str) -> None:
        """Spread the stored points of ``batch`` (runs ``(block, first, end)`` of one band, from row ``base``)."""
        blocks = self._blocks
        col = np.concatenate([blocks[k][0][lo:hi] for k, lo, hi in batch], dtype=float)
        row = np.concatenate([blocks[k][1][lo:hi] for k, lo, hi in batch], dtype=float)
        row *= _BUCKET_ROWS / 65536.0
        row += base
        w = 1.0
        if any(blocks[k][2] is not None for k, _, _ in batch):  # (a block gets weights when a weighted chunk comes)
            w = np.concatenate(
                [blocks[k][2][lo:hi] if blocks[k][2] is not None else np.ones(hi - lo) for k, lo, hi in batch],
                dtype=float,
            )
        _spread_points(field, row_shift, col, row, w, order)


def _block_rows(pts: _Points, row0: int, height: int, b: int) -> np.ndarray:
    """Indices of points (sorted by ``y_pos_io``) whose block meets raster rows [row0, row0 + height)."""
    lo = np.searchsorted(pts.y_pos_io, row0 - 2 * b, side="left")
    hi = np.searchsorted(pts.y_pos_io, row0 + height, side="left")
    return np.arange(lo, hi)
