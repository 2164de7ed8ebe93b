"""The whole grid at once, every method (:func:`_whole_grid`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Tuple

import numpy as np

from alpr_qgis.core.kde import tuning
from alpr_qgis.core.kde.exact import _exact, _span_strip_sums
from alpr_qgis.core.kde.fft import _PAD, _convolve, _lattice, _spread, _tip_correct, _tip_table
from alpr_qgis.core.kde.grid import NODATA, Grid, IsCancelled, Progress
from alpr_qgis.core.kde.kernels import _smooth_profile, _span_terms, kernel_scale, kernel_values
from alpr_qgis.core.kde.mask import _fast_mask
from alpr_qgis.core.kde.points import _block_clips_disk, _Points
from alpr_qgis.core.kde.tuning import plan


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
    method = plan(n, radius, grid.pixel, kernel, tuning.EXACT_BUDGET if exact_budget is None else exact_budget)
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
                tuning.STRIP_ROWS,
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
