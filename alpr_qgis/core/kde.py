"""Kernel density on a raster grid: the raster QGIS's heatmap makes, computed fast.

QGIS's ``qgis:heatmapkerneldensityestimation`` (``QgsKernelDensityEstimation``
in ``src/analysis/raster/qgskde.cpp``) adds every point's kernel to the block
of (2b+1)² cells around it, so its work grows with points × radius².
:func:`kernel_density` returns the same raster — same grid, same no-data
cells, values within a fraction of a percent of the largest value — with work
that grows with points × radius at most, and for the quartic and triweight
kernels with points + cells only.

Native's geometry, reproduced exactly:

* the grid is the source extent grown by the radius on every side;
  ``rows = max(ceil(height / pixel) + 1, 1)``, the same for columns, and the
  origin is the grown extent's top-left corner (:class:`Grid`);
* a point touches only the block of cells ``b`` either side of its own,
  ``b = int(radius / pixel)``, plus one when ``radius - pixel * b > 0.5``
  (map units); the block's first column and row are C ``unsigned int``
  casts, so -0.5 becomes 0, and a point whose block does not fit in the
  raster is lost (GDAL refuses the read);
* x distances are measured to the true cell centre, y distances to a centre
  counted up from the bottom while the value lands in a row counted down from
  the top: the point behaves as if its row position were
  ``yPosIO - yPos + (y - yMin) / pixel`` (``_Points.row``);
* a cell is reached when ``sqrt(dx² + dy²) <= radius`` in double precision, so
  a cell exactly on the rim becomes 0 rather than no-data; cells no point
  reaches are :data:`NODATA`.

How the values are computed (:func:`plan` picks by kernel, radius and size):

``exact``
    Point by point over its block, as native does (summing in double
    precision, where native rounds into single precision after every
    addition).  For small inputs, small radii, and the few points whose block
    cuts their disk (pixels under a map unit; raster edges).
``spans``
    Exact too, row by row: on one raster row a point reaches a run of
    columns, and the uniform and Epanechnikov kernels are polynomials of
    degree ≤ 2 in the column there, so each (point, row) adds its
    coefficients at the run's two ends, and running sums along each row give
    every cell.  Work: points × (2b + 1).
``fft-linear``, ``fft-cubic``
    The quartic and triweight kernels, and the part of the triangular kernel
    that is smooth at the rim: each point's weight is spread over the 2 × 2
    (linear) or 4 × 4 (cubic Lagrange) cell centres around its exact
    position, and the grid is convolved once, by FFT, with the kernel sampled
    at whole-cell offsets — interpolation of the kernel in the point's
    position.  One point's largest error is about 0.67/R² of its peak for the
    quartic kernel with linear weights (the sampled kernel carries -1/12 of
    its Laplacian, which cancels the average error), 0.32/R² with cubic
    weights, 1.0/R² and about 0.1/R² for triweight (R: the radius in cells);
    :data:`FFT_MODES` keeps it near or under 0.3 %.  The cells reached come from
    :func:`_fast_mask`, exactly: one small FFT on blocks of 4 × 4 cells finds
    the cells surely reached, and only the points near unreached cells are
    tested cell by cell at the rims of their disks.

Time and memory: :class:`DensityBuilder` takes the points in chunks and
hands the raster out in strips of rows, so that for the quartic and
triweight kernels nothing the size of the grid is ever held: each point is
kept as 6 bytes (float32 column, uint16 row within a band of 32 rows); the
cells reached come from a coverage of occupied 4 × 4 blocks updated as the
points come, and only the few points then near cells not surely reached
keep their exact coordinates for the rim tests; each strip is one
overlap-save FFT (the strip and the kernel's half-width above and below) in
one float32 buffer, using scipy's pocketfft extension without the rest of
``scipy.fft`` (:func:`_pocketfft`).  The other methods compute the whole
grid at once.

The triangular kernel ``1 - (1 - decay) t`` is split as
``decay + (1 - decay)/2 (1 - t²) + (1 - decay)/2 (1 - t)²``: the jump at the
rim and the kink there (first two terms) go through ``spans``, the rest,
smooth at the rim, through the FFT, whose blunted cone tip is corrected from
a table of exact-minus-interpolated values by sub-cell position.

Pure numpy/scipy: nothing here imports QGIS.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import math
import os
import sys
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Optional, Tuple, Union

import numpy as np

from alpr_qgis.core.errors import AlprInputError, Cancelled

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

#: Kernel names, in the order of QGIS's KERNEL enum (the index is the contract).
KERNELS = ("quartic", "triangular", "uniform", "triweight", "epanechnikov")
#: Output value names, in the order of QGIS's OUTPUT_VALUE enum.
OUTPUT_VALUES = ("raw", "scaled")
#: The value of cells no point reaches (as QGIS's heatmap writes).
NODATA = -9999.0

#: Inputs with points × (2b+1)² at most this are computed point by point.
EXACT_BUDGET = 4_000_000
#: FFT interpolation order by kernel: the first whose smallest radius (in cells)
#: the radius reaches, so that one point's error stays near or under 0.3 % of
#: its peak (linear: 0.67/R² quartic, 1.0/R² triweight; cubic: 0.32/R²,
#: 0.24 % at 6.5 cells; triangular, cubic with the tip table: under 0.3 % from
#: 5 cells).  Smaller radii are computed point by point.
FFT_MODES = {
    "quartic": ((15.0, "linear"), (10.5, "cubic")),
    "triweight": ((18.5, "linear"), (6.5, "cubic")),
    "triangular": ((5.0, "cubic"),),
}
#: Largest grid accepted (cells); beyond it the memory needed is unreasonable.
MAX_CELLS = 60_000_000

_CHUNK = 2_000_000  # elements per vectorised chunk
_TIP_PHASES = 128  # sub-cell positions per axis in the triangular tip table
_TIP_POINTS = 16_384  # points whose tip corrections are added at once (bounds the temporaries)
_EDGE_TOL = 1e-6  # cells: a span end this close to a cell centre is checked exactly
_SPAN_CHUNK = 64_000  # (point, row) pairs per chunk
_RIM_CHUNK = 4_096  # (point, row) pairs per chunk when marking rims
_SPECTRUM_ROWS = 128  # rows of the kernel's spectrum computed at once
_SPREAD_BAND = 64  # raster rows per band of points spread at once
_SURE_BLOCK = 4  # cells per side of the blocks whose surely reached cells one coarse FFT finds
_FRONTIER_BLOCK = 4  # cells per side of the coarse blocks that find the points near unreached cells
#: Raster rows per strip computed (and written) at once when streaming.
STRIP_ROWS = 192
_BUCKET_ROWS = 32  # raster rows per band of stored points (row within it: uint16, 1/2048 of a cell)
_SPREAD_POINTS = 8_192  # points spread at once (bounds the temporaries)
_FIRST_UPDATE = 8_192  # points after which the coverage is first updated (then at each doubling)


# ----------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Grid:
    """The output raster: native's bounds (extent grown by the radius), pixel size and shape."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float
    pixel: float
    rows: int
    cols: int

    @classmethod
    def around(cls, extent: Tuple[float, float, float, float], radius: float, pixel: float) -> Grid:
        """The grid QGIS's heatmap makes for ``extent`` (x_min, y_min, x_max, y_max).

        The extent is grown by ``radius`` on every side; ``rows`` and ``cols``
        follow native's ``max(ceil(size / pixel) + 1, 1)``, so the raster runs
        one or two cells past the grown extent on the right and at the bottom.
        """
        if not (radius > 0 and math.isfinite(radius)):
            raise AlprInputError(
                "is not a usable radius: give a distance greater than 0 m", field="RADIUS", value=radius
            )
        if not (pixel > 0 and math.isfinite(pixel)):
            raise AlprInputError(
                "is not a usable pixel size: give a distance greater than 0 m", field="PIXEL_SIZE", value=pixel
            )
        x0, y0, x1, y1 = (float(v) for v in extent)
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 < x0 or y1 < y0:
            raise AlprInputError("is not a usable extent", field="EXTENT", value=extent)
        x0, y0, x1, y1 = x0 - radius, y0 - radius, x1 + radius, y1 + radius
        rows = int(max(math.ceil((y1 - y0) / pixel) + 1, 1))
        cols = int(max(math.ceil((x1 - x0) / pixel) + 1, 1))
        if rows * cols > MAX_CELLS:
            raise AlprInputError(
                "makes a raster of {} × {} cells, too large".format(rows, cols),
                field="PIXEL_SIZE",
                value=pixel,
                hint="Use a larger pixel size or a smaller extent (at most {:,} cells).".format(MAX_CELLS),
            )
        return cls(x0, y0, x1, y1, float(pixel), rows, cols)

    @property
    def geotransform(self) -> Tuple[float, float, float, float, float, float]:
        """GDAL geotransform: origin at the grown extent's top-left corner, square pixels."""
        return (self.x_min, self.pixel, 0.0, self.y_max, 0.0, -self.pixel)

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Points inside the grown extent, edges included (native skips the others)."""
        return (x >= self.x_min) & (x <= self.x_max) & (y >= self.y_min) & (y <= self.y_max)


def radius_in_pixels(radius: float, pixel: float) -> int:
    """Native's block half-width ``b``: whole pixels in the radius, plus one if the rest exceeds 0.5 map units."""
    b = int(radius / pixel)
    if radius - pixel * b > 0.5:
        b += 1
    return b


# ----------------------------------------------------------------- kernels


def kernel_scale(kernel: str, output: str, radius: float, decay: float = 0.0) -> float:
    """The constant native multiplies the raw kernel by (1 for raw output), as coded in QGIS."""
    if output == "raw":
        return 1.0
    r2 = radius**2
    if kernel == "quartic":
        return 116.0 / (5.0 * math.pi * r2) * (15.0 / 16.0)
    if kernel == "triweight":
        return 128.0 / (35.0 * math.pi * r2) * (35.0 / 32.0)
    if kernel == "epanechnikov":
        return 8.0 / (3.0 * math.pi * r2) * (3.0 / 4.0)
    if kernel == "uniform":
        return 2.0 / (math.pi * radius) * (0.5 / radius)
    if kernel == "triangular":
        return 3.0 / ((1.0 + 2.0 * decay) * math.pi * r2) if decay >= 0 else 1.0
    raise ValueError("unknown kernel {!r}".format(kernel))


def kernel_values(
    distance: np.ndarray, radius: float, kernel: str, output: str = "raw", decay: float = 0.0
) -> np.ndarray:
    """Native's kernel at ``distance`` (map units, ≤ radius), raw or scaled."""
    t = np.asarray(distance, dtype=float) / radius
    if kernel == "quartic":
        raw = (1.0 - t**2) ** 2
    elif kernel == "triweight":
        raw = (1.0 - t**2) ** 3
    elif kernel == "epanechnikov":
        raw = 1.0 - t**2
    elif kernel == "uniform":
        raw = np.ones_like(t)
    elif kernel == "triangular":
        raw = 1.0 - (1.0 - decay) * t
    else:
        raise ValueError("unknown kernel {!r}".format(kernel))
    return raw * kernel_scale(kernel, output, radius, decay)


def _smooth_profile(kernel: str, scale: float, decay: float) -> Optional[Callable[[np.ndarray], np.ndarray]]:
    """The part of the kernel computed by FFT, as a function of t = d / r (None: no such part)."""
    if kernel == "quartic":
        return lambda t: scale * (1.0 - t**2) ** 2
    if kernel == "triweight":
        return lambda t: scale * (1.0 - t**2) ** 3
    if kernel == "triangular":
        return lambda t: scale * 0.5 * (1.0 - decay) * (1.0 - t) ** 2
    return None


def _span_terms(kernel: str, scale: float, decay: float) -> Tuple[float, float]:
    """(alpha, jump): the part ``alpha (1 - t²) + jump`` of the kernel computed by spans."""
    if kernel == "epanechnikov":
        return scale, 0.0
    if kernel == "uniform":
        return 0.0, scale
    if kernel == "triangular":
        return scale * 0.5 * (1.0 - decay), scale * decay
    return 0.0, 0.0


# ----------------------------------------------------------------- result


@dataclass
class Density:
    """A computed heatmap.

    ``values``: float32 (rows, cols), :data:`NODATA` where no point reaches;
    ``method``: how it was computed (see :func:`plan`); ``points``: points
    used; ``outside``: points left out for a non-finite coordinate or lying
    outside the grown extent; ``unfit``: points left out because their block
    does not fit in the raster (as native does); ``exact_points``: points
    computed point by point; ``maximum``: the largest value (0 when no cell
    has data).
    """

    values: np.ndarray
    method: str
    points: int
    outside: int = 0
    unfit: int = 0
    exact_points: int = 0
    maximum: float = 0.0


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


# ----------------------------------------------------------------- exact


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


# ----------------------------------------------------------------- fft


_PAD = 3  # cells of padding around the raster for spread weights (cubic nodes reach 2 cells out)


def _lagrange(t: np.ndarray) -> np.ndarray:
    """Cubic Lagrange weights of the nodes at -1, 0, 1, 2 for positions t in [0, 1); shape (n, 4)."""
    t1 = t - 1.0
    t2 = t - 2.0
    tp = t + 1.0
    return np.stack((-t * t1 * t2 / 6.0, tp * t1 * t2 / 2.0, -tp * t * t2 / 2.0, tp * t * t1 / 6.0), axis=1)


def _sampled(dy: np.ndarray, dx: np.ndarray, pixel: float, radius: float, profile: Callable) -> np.ndarray:
    """``profile`` at cell offsets (dy, dx), zero beyond the radius (native's d <= r)."""
    dist = np.sqrt((dx * pixel) ** 2 + (dy * pixel) ** 2)
    return np.where(dist <= radius, profile(np.minimum(dist / radius, 1.0)), 0.0)


def _lattice(radius_cells: float, pixel: float, radius: float, profile: Callable, order: str) -> np.ndarray:
    """The kernel sampled at whole-cell offsets; shape (2B+1, 2B+1), centred.

    For linear spreading it is corrected by -1/12 of its discrete Laplacian:
    linear interpolation overestimates by (t(1-t)/2) K'' per axis, 1/12 K'' on
    average over positions, so the correction cancels the mean error and
    leaves at most about 0.67/R² (quartic) or 1/R² (triweight) of the peak.
    """
    half = int(math.floor(radius_cells)) + 1
    oy, ox = np.mgrid[-half : half + 1, -half : half + 1]
    lattice = _sampled(oy, ox, pixel, radius, profile)
    if order == "linear":
        padded = np.pad(lattice, 1)
        laplacian = padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:] - 4.0 * lattice
        lattice = lattice - laplacian / 12.0
    return lattice


_POCKETFFT = "scipy.fft._pocketfft.pypocketfft"


def _pocketfft():
    """scipy's pocketfft extension (``r2c``, ``c2c``, ``c2r``, ``good_size``: what ``scipy.fft`` calls).

    ``import scipy.fft`` also imports scipy.special, scipy.linalg and
    scipy.sparse (for its FFTLog), about 70 ms and 12 MiB that the heatmap
    does not use; so the extension is loaded on its own (not even scipy's
    ``__init__`` runs), under its own name (a later ``import scipy.fft``
    then reuses it).  If that fails
    (another scipy layout), through ``scipy.fft``.
    """
    module = sys.modules.get(_POCKETFFT)
    if module is not None:
        return module
    try:
        scipy_spec = importlib.util.find_spec("scipy")  # (finds the package without running it)
        if scipy_spec is None or not scipy_spec.submodule_search_locations:
            raise ImportError("no scipy")
        folder = os.path.join(list(scipy_spec.submodule_search_locations)[0], "fft", "_pocketfft")
        path = next(
            os.path.join(folder, "pypocketfft" + suffix)
            for suffix in importlib.machinery.EXTENSION_SUFFIXES
            if os.path.isfile(os.path.join(folder, "pypocketfft" + suffix))
        )
        spec = importlib.util.spec_from_file_location(_POCKETFFT, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not all(hasattr(module, name) for name in ("r2c", "c2r", "c2c", "good_size")):
            raise ImportError("unexpected pocketfft module")
    except (ImportError, OSError, StopIteration, AttributeError):
        import scipy.fft  # noqa: F401 (imports the extension the usual way)

        return sys.modules[_POCKETFFT]
    sys.modules[_POCKETFFT] = module
    return module


def _fft_shape(field_shape: Tuple[int, int], half: int, crop) -> Tuple[int, int]:
    """The smallest fast FFT size for :func:`_convolve` (wrap-around stays in the cropped margin).

    ``crop``: cells cropped on each side, one number or (rows, columns).
    """
    h, w = field_shape
    crop_r, crop_c = (crop, crop) if isinstance(crop, int) else crop
    fft = _pocketfft()
    return fft.good_size(h + half - crop_r, False), fft.good_size(w + half - crop_c, True)


def _even_spectrum(kernel: np.ndarray, shape: Tuple[int, int]) -> np.ndarray:
    """The transform of ``kernel`` for real FFTs of ``shape``: its rows 0 .. H // 2, float32 (rfft2 columns).

    ``kernel`` is even in x and in y, centred at index (0, 0) with
    wrap-around, so its transform is real: a double cosine sum over one
    quadrant, two small matrix products per band of rows instead of a
    full-size FFT; and even in y too (row ``H - k`` equals row ``k``), so
    only the first half of the rows is kept.  Computed once per FFT shape
    and applied by :func:`_multiply_even_spectrum`.
    """
    height = shape[0]
    half = kernel.shape[0] // 2
    quadrant = kernel[half:, half:].astype(np.float32)
    quadrant[1:, :] *= 2.0
    quadrant[:, 1:] *= 2.0
    k = np.arange(half + 1)
    cos_x = np.cos(2.0 * np.pi * np.outer(np.arange(shape[1] // 2 + 1), k) / shape[1]).astype(np.float32)
    across = quadrant @ cos_x.T
    del cos_x
    top = height // 2 + 1
    table = np.empty((top, shape[1] // 2 + 1), dtype=np.float32)
    for r0 in range(0, top, _SPECTRUM_ROWS):
        r1 = min(r0 + _SPECTRUM_ROWS, top)
        cos_y = np.cos(2.0 * np.pi * np.outer(np.arange(r0, r1), k) / height).astype(np.float32)
        np.matmul(cos_y, across, out=table[r0:r1])
    return table


def _multiply_even_spectrum(spectrum: np.ndarray, table: np.ndarray, height: int) -> None:
    """Multiply ``spectrum`` (rfft2 layout, ``height`` rows) in place by an :func:`_even_spectrum` ``table``."""
    top = table.shape[0]  # rows 0 .. height // 2; the rest mirror them
    spectrum[:top] *= table
    mirrored = height - top + 1  # rows 1 .. mirrored - 1 have a twin height - r
    if mirrored > 1:
        spectrum[height - mirrored + 1 :] *= table[1:mirrored][::-1]


def _fft_buffer(shape: Tuple[int, int]) -> np.ndarray:
    """Zeros for an in-place real FFT of ``shape``: float32 rows of 2 (W // 2 + 1) values (the field is [:, :W])."""
    return np.zeros((shape[0], 2 * (shape[1] // 2 + 1)), dtype=np.float32)


def _convolve(
    field: np.ndarray, kernel: np.ndarray, crop, valid: Tuple[int, int], table: Optional[np.ndarray] = None
) -> np.ndarray:
    """``field`` convolved with the centred, even ``kernel``, without the ``crop``-cell margin (float32).

    ``crop`` is one margin for both axes or (rows, columns); ``valid`` is
    the (rows, cols) of real data in ``field``, the margin included;
    ``table`` the kernel's :func:`_even_spectrum` for this FFT shape, when
    already computed.  Real FFTs in single precision, in place: a field
    already in an :func:`_fft_buffer` of :func:`_fft_shape` is transformed where it
    lies (pass it as a temporary: it becomes the result), any other is
    copied into one.  The result is a view into that buffer.
    """
    half = kernel.shape[0] // 2
    shape = _fft_shape(valid, half, crop)
    workers = os.cpu_count() or 1
    fft = _pocketfft()
    width = 2 * (shape[1] // 2 + 1)
    if field.dtype == np.float32 and field.shape == (shape[0], width) and field.flags.c_contiguous:
        buffer = field
    else:
        buffer = _fft_buffer(shape)
        h, w = min(shape[0], field.shape[0]), min(shape[1], field.shape[1])
        buffer[:h, :w] = field[:h, :w]
    del field
    real = buffer[:, : shape[1]]
    spectrum = buffer.view(np.complex64)  # row by row, each transform overwrites only the row it has read
    fft.r2c(real, (0, 1), True, 0, spectrum, workers)  # along rows, then columns in place
    _multiply_even_spectrum(spectrum, _even_spectrum(kernel, shape) if table is None else table, shape[0])
    # The inverse one axis at a time, in place (both axes at once would take a full-size temporary).
    fft.c2c(spectrum, (0,), False, 2, spectrum, workers)  # inorm 2: divided by the length
    fft.c2r(spectrum, (1,), shape[1], False, 2, real, workers)
    h, w = valid
    crop_r, crop_c = (crop, crop) if isinstance(crop, int) else crop
    return real[crop_r : h - crop_r, crop_c : w - crop_c]


def _node_frame(col: np.ndarray, row: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each point's lower cell centre (row, col) and its offsets from it, in [0, 1)."""
    fx = col - 0.5
    fy = row - 0.5
    ix = np.floor(fx)
    iy = np.floor(fy)
    return iy.astype(np.int64), ix.astype(np.int64), fy - iy, fx - ix


def _weights_1d(t: np.ndarray, order: str) -> Tuple[np.ndarray, np.ndarray]:
    """Interpolation weights at positions t in [0, 1) and their nodes' offsets: linear (0, 1) or cubic (-1..2)."""
    if order == "linear":
        return np.stack((1.0 - t, t), axis=1), np.arange(0, 2)
    return _lagrange(t), np.arange(-1, 3)


def _spread(pts: _Points, grid: Grid, order: str, half: int, cancelled: IsCancelled) -> np.ndarray:
    """Point weights spread over the nearest cell centres (2 × 2 linear or 4 × 4 cubic), as float32.

    The grid is the raster with a :data:`_PAD`-cell margin, laid out in an
    :func:`_fft_buffer` of the FFT size for a kernel of half-width ``half``.
    Points go in bands of :data:`_SPREAD_BAND` rows, so each band's sums
    (``bincount``, in double precision) cover only its own rows.
    """
    hp, wp = _fft_shape((grid.rows + 2 * _PAD, grid.cols + 2 * _PAD), half, _PAD)
    buffer = _fft_buffer((hp, wp))
    if not len(pts):
        return buffer
    field = buffer[:, :wp]
    band = pts.y_pos_io // _SPREAD_BAND  # (any grouping by rows will do: each band finds its own rows)
    band -= band.min()
    by_band = np.argsort(band.astype(np.uint16) if band.max() < 65536 else band, kind="stable")  # radix sort
    bounds = np.concatenate([[0], np.cumsum(np.bincount(band))])
    del band
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if cancelled():
            raise Cancelled()
        if hi == lo:
            continue
        ids = by_band[lo:hi]
        _spread_points(field, _PAD, pts.col[ids], pts.row[ids], pts.w[ids], order)
    return buffer


def _spread_points(
    field: np.ndarray, row_shift: int, col: np.ndarray, row: np.ndarray, w: Union[np.ndarray, float], order: str
) -> None:
    """Add the weights ``w`` of points at (``col``, ``row``) (cell units) to the node cells of ``field``.

    ``w``: one weight per point, or one number for all.  Raster row R is
    ``field`` row ``R + row_shift`` and raster column C its column
    ``C + _PAD``; node rows outside ``field`` are left out (another window
    of rows gets them).  The sums run over the points' own rows only
    (``bincount`` in double precision), so a call with points from a band
    of rows costs that band, not the field.
    """
    hf, wp = field.shape
    iy, ix, ty, tx = _node_frame(col, row)
    if order == "linear":
        row0 = int(iy.min()) + row_shift
        height = int(iy.max()) + row_shift + 2 - row0
        base = (iy + (row_shift - row0)) * wp + (ix + _PAD)
        n = len(base)
        where = np.empty(4 * n, dtype=np.int64)  # the four nodes: (0, 0), (0, 1), (1, 0), (1, 1)
        weight = np.empty(4 * n)
        where[:n] = base
        np.add(base, 1, out=where[n : 2 * n])
        np.add(base, wp, out=where[2 * n : 3 * n])
        np.add(base, wp + 1, out=where[3 * n :])
        np.multiply(w, ty, out=weight[2 * n : 3 * n])
        np.subtract(w, weight[2 * n : 3 * n], out=weight[:n])  # w (1 - ty)
        np.multiply(weight[:n], tx, out=weight[n : 2 * n])
        weight[:n] -= weight[n : 2 * n]
        np.multiply(weight[2 * n : 3 * n], tx, out=weight[3 * n :])
        weight[2 * n : 3 * n] -= weight[3 * n :]
        sums = np.bincount(where, weight, minlength=height * wp)
    else:
        lx, nodes = _weights_1d(tx, order)
        lx *= w[:, None] if np.ndim(w) else w
        ly, _ = _weights_1d(ty, order)
        row0 = int(iy.min()) + row_shift + int(nodes[0])
        height = int(iy.max()) + row_shift + int(nodes[-1]) - row0 + 1
        offsets = (nodes[:, None] * wp + nodes[None, :]).ravel()
        where = (((iy + row_shift - row0) * wp + (ix + _PAD))[:, None] + offsets).ravel()
        sums = np.bincount(where, (ly[:, :, None] * lx[:, None, :]).ravel(), minlength=height * wp)
    lo, hi = max(row0, 0), min(row0 + height, hf)
    if lo < hi:
        field[lo:hi] += sums.reshape(height, wp)[lo - row0 : hi - row0]


def _tip_table(radius_cells: float, pixel: float, radius: float, profile: Callable) -> np.ndarray:
    """Exact minus cubic-interpolated kernel on the 4 × 4 node window, by sub-cell position.

    Shape (Q², 16): row ``qy * Q + qx`` for a point at offset
    ((qy + ½)/Q, (qx + ½)/Q) from its lower cell centre; columns the cells at
    offsets -1..2 (rows) × -1..2 (columns) from that centre.  It restores the
    cone tip that interpolation blunts (the rest of the window is already
    accurate, as is everything outside it).
    """
    q = _TIP_PHASES
    t = (np.arange(q) + 0.5) / q
    nodes = np.arange(-1, 3, dtype=float)
    lag = _lagrange(t)  # (q, 4)
    # exact[qy, qx, i, j]: kernel at cell (i, j) for a point at phase (t[qy], t[qx])
    exact = _sampled(
        nodes[None, None, :, None] - t[:, None, None, None],
        nodes[None, None, None, :] - t[None, :, None, None],
        pixel,
        radius,
        profile,
    )
    # on_lattice[a, c, i, j]: kernel at cell (i, j) from the node (a, c)
    on_lattice = _sampled(
        nodes[None, None, :, None] - nodes[:, None, None, None],
        nodes[None, None, None, :] - nodes[None, :, None, None],
        pixel,
        radius,
        profile,
    )
    approx = np.einsum("ya,xc,acij->yxij", lag, lag, on_lattice)
    return (exact - approx).reshape(q * q, 16)


def _tip_correct(pts: _Points, grid: Grid, table: np.ndarray, sums: np.ndarray, cancelled: IsCancelled) -> None:
    """Add every point's tip correction (from :func:`_tip_table`) to ``sums``.

    The points go in order of their rows, :data:`_TIP_POINTS` at a time, so
    each batch's sums (``bincount``) cover only the rows it reaches, not the
    raster.
    """
    q = _TIP_PHASES
    nodes = np.arange(-1, 3)
    by_row = np.argsort(pts.row, kind="stable")
    for start in range(0, len(pts), _TIP_POINTS):
        if cancelled():
            raise Cancelled()
        part = pts.take(by_row[start : start + _TIP_POINTS])
        iy, ix, ty, tx = _node_frame(part.col, part.row)
        phase = np.minimum((ty * q).astype(np.int64), q - 1) * q + np.minimum((tx * q).astype(np.int64), q - 1)
        values = table[phase] * part.w[:, None]
        rows = (iy[:, None, None] + nodes[None, :, None]).repeat(4, axis=2).reshape(-1, 16)
        cols = (ix[:, None, None] + nodes[None, None, :]).repeat(4, axis=1).reshape(-1, 16)
        ok = (rows >= 0) & (rows < grid.rows) & (cols >= 0) & (cols < grid.cols)
        if not ok.any():
            continue
        r0, r1 = int(rows[ok].min()), int(rows[ok].max()) + 1
        height = r1 - r0
        cells = ((rows - r0) * grid.cols + cols)[ok]
        sums[r0:r1] += np.bincount(cells, values[ok], minlength=height * grid.cols).reshape(height, grid.cols)


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
    found = []  # (rows, lo, hi) of the pieces to mark, all marked at once at the end
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


# ----------------------------------------------------------------- driver


def plan(n_points: int, radius: float, pixel: float, kernel: str, exact_budget: Optional[int] = None) -> str:
    """How :func:`kernel_density` computes: ``exact``, ``spans``, ``fft-linear``, ``fft-cubic``, ``spans+fft-cubic``."""
    b = radius_in_pixels(radius, pixel)
    if n_points * (2 * b + 1) ** 2 <= (EXACT_BUDGET if exact_budget is None else exact_budget):
        return "exact"
    if kernel in ("uniform", "epanechnikov"):
        return "spans"
    radius_cells = radius / pixel
    for min_radius, order in FFT_MODES[kernel]:
        if radius_cells >= min_radius:
            return ("spans+fft-" if kernel == "triangular" else "fft-") + order
    return "exact"


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
        self.exact_budget = EXACT_BUDGET if exact_budget is None else exact_budget
        self.strip_rows = max(1, int(strip_rows or STRIP_ROWS))
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


def _ignore(fraction: float) -> None:
    """A progress callback that reports nothing (for parts whose share is negligible)."""
    del fraction


def _block_rows(pts: _Points, row0: int, height: int, b: int) -> np.ndarray:
    """Indices of points (sorted by ``y_pos_io``) whose block meets raster rows [row0, row0 + height)."""
    lo = np.searchsorted(pts.y_pos_io, row0 - 2 * b, side="left")
    hi = np.searchsorted(pts.y_pos_io, row0 + height, side="left")
    return np.arange(lo, hi)


def _whole_grid(
    pts: _Points,
    grid: Grid,
    radius: float,
    b: int,
    kernel: str,
    output: str,
    decay: float,
    nonnegative: bool,
    exact_budget: int,
    progress: Progress,
    cancelled: IsCancelled,
) -> Tuple[np.ndarray, str, int, float]:
    """(values, method, points computed exactly, maximum) of the whole grid at once (every method)."""
    n = len(pts)
    method = plan(n, radius, grid.pixel, kernel, EXACT_BUDGET if exact_budget is None else exact_budget)
    shape = (grid.rows, grid.cols)
    exact_n = 0
    if method == "exact":
        sums = np.zeros(shape)
        hits = np.zeros(shape, dtype=bool)
        native = lambda d: kernel_values(d, radius, kernel, output, decay)  # noqa: E731
        _exact(pts, grid, radius, b, native, sums, hits, progress, cancelled)
        values = sums.astype(np.float32)
        exact_n = n
    else:
        scale = kernel_scale(kernel, output, radius, decay)
        radius_cells = radius / grid.pixel
        values = hits = None
        spans_share = 0.0
        if "spans" in method:  # (strip by strip: the difference arrays of the whole raster would take 10 × its size)
            spans_share = 0.6 if "fft" in method else 1.0
            values = np.empty(shape, dtype=np.float32)
            hits = np.empty(shape, dtype=bool)
            alpha, jump = _span_terms(kernel, scale, decay)
            order = np.argsort(pts.y_pos_io, kind="stable")
            strips = _span_strip_sums(
                lambda i, j: pts.take(order[i:j]),
                pts.y_pos_io[order],
                grid,
                radius,
                b,
                alpha,
                jump,
                STRIP_ROWS,
                cancelled,
            )
            for row0, sums, reached in strips:
                row1 = row0 + sums.shape[0]
                values[row0:row1] = sums
                hits[row0:row1] = reached
                progress(spans_share * row1 / grid.rows)
            del order, strips
        if "fft" in method:
            step = (1.0 - spans_share) / 4
            profile = _smooth_profile(kernel, scale, decay)
            clipped = _block_clips_disk(pts, grid, b, radius_cells)
            if not clipped.any():
                fast = pts
            elif kernel == "triangular":  # (the spans give the cells reached: a weight of 0 leaves them out, no copy)
                fast = replace(pts, w=np.where(clipped, 0.0, pts.w))
            else:
                fast = pts.take(np.nonzero(~clipped)[0])
            if kernel != "triangular":  # (for the triangular kernel the spans give the cells reached)
                hits = _fast_mask(fast, grid, radius, b, cancelled)
            progress(spans_share + step)
            order = method.rsplit("-", 1)[1]
            lattice = _lattice(radius_cells, grid.pixel, radius, profile, order)
            half = lattice.shape[0] // 2
            valid = (grid.rows + 2 * _PAD, grid.cols + 2 * _PAD)
            fields = [_spread(fast, grid, order, half, cancelled)]
            # Only the points the rest needs outlive the transform.
            slow = pts.take(np.nonzero(clipped)[0]) if clipped.any() else None
            tips = fast if kernel == "triangular" else None
            del pts, fast, clipped
            smooth = _convolve(fields.pop(), lattice, _PAD, valid)  # (the field is freed once transformed)
            if tips is not None:
                _tip_correct(tips, grid, _tip_table(radius_cells, grid.pixel, radius, profile), smooth, cancelled)
                del tips
            elif nonnegative:
                np.maximum(smooth, 0.0, out=smooth)  # FFT round-off below zero
            progress(spans_share + 2 * step)
            if slow is not None:
                # Blocks that cut their disks: point by point (their span part, if any, honoured blocks already).
                exact_n = len(slow)
                _exact(slow, grid, radius, b, lambda d: profile(d / radius), smooth, hits, lambda f: None, cancelled)
            if values is None:
                values = smooth
            else:
                values += smooth
            del smooth
    np.copyto(values, np.float32(NODATA), where=~hits)
    if not hits.any():
        top = 0.0
    elif nonnegative:  # no-data (-9999) is below every value
        top = float(values.max())
    else:
        top = float(np.max(values, where=hits, initial=-np.inf))
    progress(1.0)
    return values, method, exact_n, top
