"""The FFT path: the sampled kernel, ``scipy.fft`` convolution (overlap-save), spreading points, the tip table."""

from __future__ import annotations

import math
import os
from typing import Callable, Optional, Tuple, Union

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.kde.grid import Grid, IsCancelled
from alpr_qgis.core.kde.points import _Points

_TIP_PHASES = 128  # sub-cell positions per axis in the triangular tip table
_TIP_POINTS = 16_384  # points whose tip corrections are added at once (bounds the temporaries)
_SPECTRUM_ROWS = 128  # rows of the kernel's spectrum computed at once
_SPREAD_BAND = 64  # raster rows per band of points spread at once


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


#: Rows transformed at once along the rows (bounds the temporaries of ``scipy.fft.rfft``/``irfft``).
_FFT_BAND = 64


def _scipy_fft():
    """``scipy.fft`` (imported on first use: the other kernel methods do without it)."""
    import scipy.fft

    return scipy.fft


def _fft_shape(field_shape: Tuple[int, int], half: int, crop) -> Tuple[int, int]:
    """The smallest fast FFT size for :func:`_convolve` (wrap-around stays in the cropped margin).

    ``crop``: cells cropped on each side, one number or (rows, columns).
    """
    h, w = field_shape
    crop_r, crop_c = (crop, crop) if isinstance(crop, int) else crop
    fft = _scipy_fft()
    return fft.next_fast_len(h + half - crop_r, False), fft.next_fast_len(w + half - crop_c, True)


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
    fft = _scipy_fft()
    width = 2 * (shape[1] // 2 + 1)
    if field.dtype == np.float32 and field.shape == (shape[0], width) and field.flags.c_contiguous:
        buffer = field
    else:
        buffer = _fft_buffer(shape)
        h, w = min(shape[0], field.shape[0]), min(shape[1], field.shape[1])
        buffer[:h, :w] = field[:h, :w]
    del field
    real = buffer[:, : shape[1]]
    spectrum = buffer.view(np.complex64)  # row r of the spectrum takes the bytes of row r of the field
    # Along the rows a band at a time: each band's transform replaces the rows it was made from.
    for r0 in range(0, shape[0], _FFT_BAND):
        spectrum[r0 : r0 + _FFT_BAND] = fft.rfft(real[r0 : r0 + _FFT_BAND], axis=1, workers=workers)
    _in_place(spectrum, fft.fft(spectrum, axis=0, overwrite_x=True, workers=workers))  # along the columns
    _multiply_even_spectrum(spectrum, _even_spectrum(kernel, shape) if table is None else table, shape[0])
    _in_place(spectrum, fft.ifft(spectrum, axis=0, overwrite_x=True, workers=workers))  # (÷ length, as irfft)
    for r0 in range(0, shape[0], _FFT_BAND):
        real[r0 : r0 + _FFT_BAND] = fft.irfft(spectrum[r0 : r0 + _FFT_BAND], shape[1], axis=1, workers=workers)
    h, w = valid
    crop_r, crop_c = (crop, crop) if isinstance(crop, int) else crop
    return real[crop_r : h - crop_r, crop_c : w - crop_c]


def _in_place(array: np.ndarray, result: np.ndarray) -> None:
    """``result`` into ``array`` (``overwrite_x`` lets scipy transform in place: then there is nothing to copy)."""
    if not np.shares_memory(array, result):
        array[...] = result


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
