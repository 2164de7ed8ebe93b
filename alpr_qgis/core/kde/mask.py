"""Masks and coverage: the cells reached (coarse FFT on blocks, rim tests of the points near unreached cells)."""

from __future__ import annotations

import math
from typing import Optional, Tuple

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.kde.exact import _runs
from alpr_qgis.core.kde.fft import _PAD, _convolve, _even_spectrum, _fft_buffer, _fft_shape
from alpr_qgis.core.kde.grid import Grid, IsCancelled
from alpr_qgis.core.kde.points import _Points

_RIM_CHUNK = 4_096  # (point, row) pairs per chunk when marking rims
_RIM_PIECES = 65_536  # pieces of runs gathered before they are marked (bounds the temporaries)
_SURE_BLOCK = 4  # cells per side of the blocks whose surely reached cells one coarse FFT finds
_FRONTIER_BLOCK = 4  # cells per side of the coarse blocks that find the points near unreached cells


# ----------------------------------------------------------------- mask


def _block_always(radius_cells: float, q: int) -> np.ndarray:
    """Offsets, in blocks of q × q cells, at which every cell centre is within the radius of any point of a block.

    Returns a centred odd square of booleans: entry (oy, ox) is true when
    every position in a block (a point anywhere in its q × q cells) is
    within the radius of every cell centre of the block (oy, ox) blocks
    away, with a margin on the safe side of rounding.  Symmetric in oy and
    in ox; each row is one run centred on 0.
    """
    half = int(math.floor((radius_cells + q) / q)) + 1
    o = np.arange(-half, half + 1)
    far = np.maximum(np.abs(q * o + q - 0.5), np.abs(q * o - q + 0.5))  # farthest centre-to-position offset
    eps = 1e-9 * (radius_cells + 1)
    return np.hypot(far[:, None], far[None, :]) <= radius_cells - eps


def _dilate_square(mask: np.ndarray, grow: int) -> np.ndarray:
    """Binary dilation by the (2 grow + 1)² square (separable shifted ORs)."""
    out = mask.copy()
    for _ in range(grow):
        row = out.copy()
        row[:, 1:] |= out[:, :-1]
        row[:, :-1] |= out[:, 1:]
        out = row.copy()
        out[1:, :] |= row[:-1, :]
        out[:-1, :] |= row[1:, :]
    return out


class _Coverage:
    """The cells surely reached, from the blocks points occupy, and the blocks near cells not surely reached.

    Points are added in any order and any number of times (:meth:`occupy`,
    their cells only); :meth:`update` finds the cells within reach of every
    position in an occupied block of :data:`_SURE_BLOCK` × :data:`_SURE_BLOCK`
    cells ("sure") by one FFT dilation on a grid that many times coarser, and
    the blocks of :data:`_FRONTIER_BLOCK` cells that hold a cell not sure,
    grown by the reach of a point.  A point is on the frontier
    (:meth:`frontier`) when its cell lies in such a grown block: only those
    points can reach a cell that is not sure.  Sure cells only grow as points
    are added, so a point off the frontier stays off it.
    """

    def __init__(self, grid: Grid, radius: float) -> None:
        self.grid = grid
        self.q = _SURE_BLOCK
        self.k = _FRONTIER_BLOCK
        radius_cells = radius / grid.pixel
        self.always = _block_always(radius_cells, self.q)
        self.margin = -(-_PAD // self.q)  # coarse blocks for the cells just outside the raster
        q, margin = self.q, self.margin
        self.coarse = (-(-(grid.rows + _PAD) // q) + margin, -(-(grid.cols + _PAD) // q) + margin)
        self.occupied = np.zeros(self.coarse, dtype=bool)
        self.grow = (int(radius_cells + 0.5) + self.k) // self.k + 1
        self.sure_blocks: Optional[np.ndarray] = None
        self.open_blocks: Optional[np.ndarray] = None
        self.near_open: Optional[np.ndarray] = None
        self._table: Optional[np.ndarray] = None  # the coarse kernel's spectrum, once computed

    def occupy(self, cell_r: np.ndarray, cell_c: np.ndarray) -> None:
        """Mark the blocks of these cells (from :func:`_point_cells`) occupied."""
        self.occupied[cell_r // self.q + self.margin, cell_c // self.q + self.margin] = True

    def update(self, last: bool = False) -> None:
        """Recompute the sure cells and the frontier from the blocks occupied so far.

        ``last``: no point comes after, so what only updates need (the
        occupied blocks, the coarse kernel's spectrum) is let go.
        """
        q, margin = self.q, self.margin
        self.sure_blocks = self.open_blocks = self.near_open = None  # (the old ones go before the new ones come)
        shape = _fft_shape(self.coarse, self.always.shape[0] // 2, 0)
        frame = _fft_buffer(shape)  # zero-padded for the FFT
        frame[: self.coarse[0], : self.coarse[1]] = self.occupied
        hq, wq = -(-self.grid.rows // q), -(-self.grid.cols // q)
        if self._table is None:
            self._table = _even_spectrum(self.always.astype(np.float32), shape)
        sure = _convolve(frame, self.always.astype(np.float32), 0, self.coarse, self._table) > 0.5
        del frame
        if last:
            self.occupied = self._table = None
        self.sure_blocks = sure[margin : margin + hq, margin : margin + wq]
        # Frontier blocks (of k = m q cells) holding a cell that is not sure, grown by the reach of a point's
        # cell: at most floor(radius + 1/2) cells away, so at most ``grow`` blocks.
        m = self.k // q
        hb, wb = -(-hq // m), -(-wq // m)
        open_coarse = np.ones((hb * m, wb * m), dtype=bool)  # (blocks past the raster count as open)
        np.logical_not(self.sure_blocks, out=open_coarse[:hq, :wq])
        self.open_blocks = open_coarse.reshape(hb, m, wb, m).any(axis=(1, 3))
        self.near_open = _dilate_square(np.pad(self.open_blocks, self.grow), self.grow)

    def frontier(self, cell_r: np.ndarray, cell_c: np.ndarray) -> np.ndarray:
        """Whether points in these cells may reach a cell that is not sure (all, before any update)."""
        if self.near_open is None:
            return np.ones(len(cell_r), dtype=bool)
        return self.near_open[cell_r // self.k + self.grow, cell_c // self.k + self.grow]

    def sure_rows(self, r0: int, r1: int) -> np.ndarray:
        """The sure cells of raster rows [r0, r1), as booleans (r1 - r0, cols)."""
        q = self.q
        b0, b1 = r0 // q, -(-r1 // q)
        blocks = self.sure_blocks[b0:b1]
        cells = np.empty((b1 - b0, q, blocks.shape[1], q), dtype=bool)
        cells[...] = blocks[:, None, :, None]
        cells = cells.reshape((b1 - b0) * q, blocks.shape[1] * q)
        if cells.shape[1] == self.grid.cols and r0 == b0 * q and r1 == b1 * q:
            return cells
        return np.ascontiguousarray(cells[r0 - b0 * q : r1 - b0 * q, : self.grid.cols])

    def mark_rims(self, pts: _Points, radius: float, b: int, hits: np.ndarray, row0: int, cancelled) -> None:
        """Mark in ``hits`` (raster rows from ``row0``) the cells frontier points ``pts`` reach beyond sure ones."""
        if len(pts) and self.open_blocks.any():
            _mark_rims(pts, self.grid, radius, b, self.always, self.q, hits, self.open_blocks, cancelled, row0)


def _fast_mask(pts: _Points, grid: Grid, radius: float, b: int, cancelled: IsCancelled) -> np.ndarray:
    """Exactly the cells native reaches (blocks assumed not to clip disks), without visiting every block.

    Cells within reach of every position in an occupied block are sure
    (:class:`_Coverage`); any other cell that is reached is reached by a
    point on the frontier, near a cell that is not sure.  Those points mark
    the cells they reach outside their own block's sure cells, row by row,
    with native's own distance test (:func:`_mark_rims`).  (Occupied cells
    lie inside the raster and disks are convex, so sure cells outside the
    raster never make a raster cell reached that the raster's own sure
    cells miss.)
    """
    coverage = _Coverage(grid, radius)
    cell_r, cell_c = _point_cells(pts, grid)
    coverage.occupy(cell_r, cell_c)
    if cancelled():
        raise Cancelled()
    coverage.update()
    sure = coverage.sure_rows(0, grid.rows)
    frontier = coverage.frontier(cell_r, cell_c)
    del cell_r, cell_c
    if frontier.any():
        if cancelled():
            raise Cancelled()
        edge = pts.take(np.nonzero(frontier)[0]) if not frontier.all() else pts
        coverage.mark_rims(edge, radius, b, sure, 0, cancelled)
    return sure


def _point_cells(pts: _Points, grid: Grid) -> Tuple[np.ndarray, np.ndarray]:
    """Each point's cell (row, column): where its mirrored position lies, within :data:`_PAD` of the raster."""
    cell_r = np.floor(pts.row).astype(np.int32)
    np.clip(cell_r, -_PAD, grid.rows + _PAD - 1, out=cell_r)
    cell_c = np.floor(pts.col).astype(np.int32)
    np.clip(cell_c, -_PAD, grid.cols + _PAD - 1, out=cell_c)
    return cell_r, cell_c


def _mark_rims(
    pts: _Points,
    grid: Grid,
    radius: float,
    b: int,
    always: np.ndarray,
    q: int,
    hits: np.ndarray,
    open_blocks: np.ndarray,
    cancelled: IsCancelled,
    row0: int = 0,
) -> None:
    """Mark in ``hits`` the cells the points reach, but for those their own block's ``always`` offsets hold.

    ``hits`` holds the raster rows from ``row0`` on; cells on other rows are not marked.

    On each row a point reaches a run of cells (:func:`_runs`, exact);
    the middle of the run, the cells of the blocks at ``always`` offsets
    (:func:`_block_always`, blocks of ``q`` × ``q`` cells) from the
    point's block, is sure already, so only the one or two short pieces at
    the run's ends are marked, cell by cell; and of those only the pieces
    that cross an ``open_blocks`` block (of :data:`_FRONTIER_BLOCK` cells,
    holding a cell not yet marked), the others being sure already.
    """
    k = _FRONTIER_BLOCK
    top = row0 // k  # (open blocks counted on the block rows of ``hits`` only)
    open_before = np.zeros(((row0 + hits.shape[0] - 1) // k + 1 - top, open_blocks.shape[1] + 1), dtype=np.int32)
    np.cumsum(open_blocks[top : top + open_before.shape[0]], axis=1, out=open_before[:, 1:])
    half = always.shape[0] // 2
    # Half-width, in blocks, of the always-reached run on each block-row offset (-1: none).
    reach = np.where(always.any(axis=1), always.sum(axis=1) // 2, -1)
    chunk = max(1, _RIM_CHUNK // (2 * b + 1))
    found = []  # (rows, lo, hi) of the pieces to mark, marked :data:`_RIM_PIECES` or more at a time
    pending = 0
    for start in range(0, len(pts), chunk):
        if cancelled():
            raise Cancelled()
        ids = np.arange(start, min(start + chunk, len(pts)))
        _, rows, _, lo, hi, valid = _runs(pts, ids, grid, radius, b)
        valid &= (rows >= row0) & (rows < row0 + hits.shape[0])
        cell_r, cell_c = _point_cells(pts.take(ids), grid)  # as the sure cells were found (see _fast_mask)
        block_r = (cell_r // q)[:, None]
        block_c = (cell_c // q)[:, None]
        dy = rows // q - block_r
        inner = np.where(np.abs(dy) <= half, reach[np.clip(dy + half, 0, 2 * half)], -1)
        in_lo = q * (block_c - inner)  # the sure cells of this row: [in_lo, in_hi] (none when inner < 0)
        in_hi = q * (block_c + inner) + q - 1
        lo = lo.astype(np.int64)
        hi = hi.astype(np.int64)
        has_inner = inner >= 0
        # Left piece [lo, min(hi, in_lo - 1)], right piece [max(lo, in_hi + 1), hi]; the whole run without inner.
        left_hi = np.where(has_inner, np.minimum(hi, in_lo - 1), hi)
        right_lo = np.where(has_inner, np.maximum(lo, in_hi + 1), hi + 1)
        right_lo = np.maximum(right_lo, left_hi + 1)  # no cell twice
        seg_lo = np.concatenate([lo[valid], right_lo[valid]])
        seg_hi = np.concatenate([left_hi[valid], hi[valid]])
        seg_row = np.concatenate([rows[valid], rows[valid]])
        length = np.maximum(seg_hi - seg_lo + 1, 0)
        keep = np.nonzero(length > 0)[0]
        seg_lo, seg_hi, seg_row = seg_lo[keep], seg_hi[keep], seg_row[keep]
        block_row = seg_row // k - top
        keep = open_before[block_row, seg_hi // k + 1] > open_before[block_row, seg_lo // k]
        if keep.any():
            found.append((seg_row[keep] - row0, seg_lo[keep], seg_hi[keep]))
            pending += int(keep.sum())
        if pending >= _RIM_PIECES:  # (marking is a union: marked in batches, the same cells)
            _mark_runs(hits, *(np.concatenate([f[i] for f in found]) for i in range(3)))
            found, pending = [], 0
    if found:
        _mark_runs(hits, *(np.concatenate([f[i] for f in found]) for i in range(3)))


def _mark_runs(hits: np.ndarray, rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Set ``hits[rows[i], lo[i] : hi[i] + 1]`` for every i (runs within the rows, lo <= hi).

    Without visiting the cells one by one: the runs, sorted, are merged
    into disjoint ones, whose starts and ends go into a difference array
    (one byte a cell, a slot past each row's end); a running sum along each
    row gives the cells covered.
    """
    top, bottom = int(rows.min()), int(rows.max()) + 1
    hits = hits[top:bottom]  # (only the rows the runs are on)
    width = hits.shape[1] + 1
    start = (rows - top).astype(np.int64) * width + lo
    stop = start + (hi - lo + 1)
    order = np.argsort(start, kind="stable")
    start, stop = start[order], stop[order]
    del order
    reach = np.maximum.accumulate(stop)  # the end of the merged run so far
    new = np.ones(len(start), dtype=bool)
    new[1:] = start[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(start) - 1]
    edges = np.zeros(hits.shape[0] * width, dtype=np.int8)
    edges[start[first]] = 1
    edges[reach[last]] = -1  # (a merged run ends before the next starts, at the latest in its row's extra slot)
    cover = edges.reshape(-1, width)
    np.cumsum(cover, axis=1, dtype=np.int8, out=cover)  # 1 inside a merged run, 0 elsewhere (they are disjoint)
    hits |= cover[:, :-1].view(np.bool_)
