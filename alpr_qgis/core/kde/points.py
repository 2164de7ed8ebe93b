"""Point storage: the positions native derives from each point (block, effective row), and block tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from alpr_qgis.core.kde.grid import Grid

# ----------------------------------------------------------------- positions


def _cast_unsigned(q: np.ndarray) -> np.ndarray:
    """C's double → unsigned int for q > -1 (truncation: -0.5 → 0); floor below (undefined in C)."""
    out = np.trunc(q)
    low = q <= -1.0
    if low.any():
        out[low] = np.floor(q[low])
    return out.astype(np.int32)


@dataclass
class _Points:
    """Points inside the grid with everything native derives from them.

    ``col`` is the x position in cell units (cell C spans [C, C+1));
    ``row`` the y position native effectively uses, in rows counted down
    from the top; ``x_pos``/``y_pos_io`` the block's first column/row and
    ``y_pos`` the row native counts its y centres from.
    """

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    col: np.ndarray
    row: np.ndarray
    x_pos: np.ndarray
    y_pos: np.ndarray
    y_pos_io: np.ndarray

    def __len__(self) -> int:
        return len(self.x)

    def take(self, idx: np.ndarray) -> _Points:
        return _Points(*(getattr(self, f)[idx] for f in _Points.__dataclass_fields__))


def _block_cast(window: bool) -> Callable[[np.ndarray], np.ndarray]:
    """Cell position → a block's first column or row: native's truncation, or floor in a window."""
    return (lambda q: np.floor(q).astype(np.int32)) if window else _cast_unsigned


def _block_top(y: np.ndarray, grid: Grid, b: int, window: bool) -> np.ndarray:
    """The first raster row of each point's block (``_Points.y_pos_io``)."""
    return _block_cast(window)((grid.y_max - y) / grid.pixel - b)


def _points(x: np.ndarray, y: np.ndarray, w: np.ndarray, grid: Grid, b: int, window: bool) -> _Points:
    p = grid.pixel
    cast = _block_cast(window)
    col = (x - grid.x_min) / p
    x_pos = cast(col - b)
    y_pos_io = _block_top(y, grid, b, window)
    row = (y - grid.y_min) / p  # up, from the bottom...
    y_pos = cast(row - b)
    row += y_pos_io - y_pos  # ...and the row native effectively uses
    return _Points(x, y, w, col, row, x_pos, y_pos, y_pos_io)


def _block_clips_disk(pts: _Points, grid: Grid, b: int, radius_cells: float) -> np.ndarray:
    """Points whose block leaves out raster cells their disk reaches (they need the exact method).

    Away from the raster's edges a block spans ``b`` cells either side of
    the point's own cell and the disk ``radius + 1/2`` at most, so with a
    radius under ``b + 1/2`` cells only points within ``b + 2`` cells of an
    edge (where a truncated block start moves the block) are checked.
    """
    reach = radius_cells * (1 + 1e-9) + 1e-9
    if reach >= b + 0.5 - 1e-6 or not len(pts):
        return _clips(pts, grid, b, reach)
    margin = b + 2
    near = (pts.col < margin) | (pts.col > grid.cols - margin) | (pts.row < margin)
    near |= pts.row > grid.rows - margin
    clipped = np.zeros(len(pts), dtype=bool)
    idx = np.nonzero(near)[0]
    if len(idx):
        clipped[idx] = _clips(pts.take(idx), grid, b, reach)
    return clipped


def _clips(pts: _Points, grid: Grid, b: int, reach: float) -> np.ndarray:
    """Whether each point's disk (radius ``reach`` cells) reaches raster cells outside its block."""
    c_lo = np.maximum(np.ceil(pts.col - reach - 0.5), 0)
    c_hi = np.minimum(np.floor(pts.col + reach - 0.5), grid.cols - 1)
    r_lo = np.maximum(np.ceil(pts.row - reach - 0.5), 0)
    r_hi = np.minimum(np.floor(pts.row + reach - 0.5), grid.rows - 1)
    return (c_lo < pts.x_pos) | (c_hi > pts.x_pos + 2 * b) | (r_lo < pts.y_pos_io) | (r_hi > pts.y_pos_io + 2 * b)


def _inside(pts: _Points, idx: np.ndarray, cols: np.ndarray, rows: np.ndarray, grid: Grid, radius: float) -> np.ndarray:
    """Native's test ``sqrt(dx² + dy²) <= radius`` for point ``idx`` and cell (``rows``, ``cols``)."""
    p = grid.pixel
    dx = ((cols + 0.5) * p + grid.x_min) - pts.x[idx]
    dy = ((pts.y_pos[idx] + (rows - pts.y_pos_io[idx]) + 0.5) * p + grid.y_min) - pts.y[idx]
    return np.sqrt(dx**2 + dy**2) <= radius
