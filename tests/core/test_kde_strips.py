"""core.kde.DensityBuilder: the raster built from chunks of points and handed out in strips of rows.

The streamed raster must equal the whole-grid computation (``kde._whole_grid``,
the same FFT on one buffer): the same no-data cells exactly, and values
within the rounding of the stored positions (1/2048 of a cell in y, float32
in x), far inside the 1 % contract; strips as thin as a few rows put their
boundaries inside every kernel.
"""

from __future__ import annotations

import numpy as np
import pytest

from alpr_qgis.core import kde
from alpr_qgis.core.errors import Cancelled

NODATA = -9999.0


def clustered(n: int, seed: int = 11):
    """Clusters, a stack of identical reads, a road and sparse noise (holes and long rims in the mask)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, (5, 2))
    xy = centres[rng.integers(0, 5, n)] + rng.normal(0, 90, (n, 2))
    xy[: n // 10] = (1234.56, 2222.22)
    xy[n // 10 : n // 5] = np.column_stack([np.linspace(200, 2800, n // 5 - n // 10), np.full(n // 5 - n // 10, 900.0)])
    xy[n // 5 : n // 4] = rng.uniform(0, 3000, (n // 4 - n // 5, 2))
    return np.round(xy[:, 0], 2) + 500000.0, np.round(xy[:, 1], 2) + 4100000.0


def kept_points(x, y, w, grid, r, window):
    """(points, b) the builder keeps: inside the grown extent, and (outside a window) blocks that fit."""
    b = kde.radius_in_pixels(r, grid.pixel)
    ww = np.broadcast_to(1.0, x.shape) if w is None else np.asarray(w, float)
    keep = grid.contains(x, y)
    pts = kde._points(x[keep], y[keep], ww[keep], grid, b, window)
    if not window:
        fits = (pts.x_pos >= 0) & (pts.x_pos + 2 * b < grid.cols) & (pts.y_pos_io >= 0)
        pts = pts.take(np.nonzero(fits & (pts.y_pos_io + 2 * b < grid.rows))[0])
    return pts, b


def whole(x, y, w, grid, r, kernel="quartic", output="raw", window=False):
    """The whole-grid computation of the same points, by FFT (the oracle for the strips)."""
    pts, b = kept_points(x, y, w, grid, r, window)
    nonnegative = w is None or bool(np.all(np.asarray(w, float) >= 0))
    values, method, _, top = kde._whole_grid(
        pts, grid, r, b, kernel, output, 0.0, nonnegative, 0, lambda f: None, lambda: False
    )
    assert method.startswith("fft")
    return values, top


def streamed(x, y, w, grid, r, kernel="quartic", *, chunk=None, strip_rows=None, window=False, output="raw"):
    builder = kde.DensityBuilder(
        grid, r, kernel, output, window=window, expected=len(x), exact_budget=0, strip_rows=strip_rows
    )
    chunk = chunk or len(x)
    for i in range(0, len(x), chunk):
        builder.add(x[i : i + chunk], y[i : i + chunk], None if w is None else w[i : i + chunk])
    assert builder.streaming
    values = np.full((grid.rows, grid.cols), np.nan, dtype=np.float32)
    rows = []
    for row0, strip in builder.strips():
        rows.append((row0, strip.shape[0]))
        values[row0 : row0 + strip.shape[0]] = strip
    assert rows == [(r0, min(builder.strip_rows, grid.rows - r0)) for r0 in range(0, grid.rows, builder.strip_rows)]
    return values, builder


def assert_same(values, expected, top, tolerance=1e-4):
    np.testing.assert_array_equal(values == NODATA, expected == NODATA)
    a = np.where(values == NODATA, 0.0, values.astype(float))
    e = np.where(expected == NODATA, 0.0, expected.astype(float))
    assert np.abs(a - e).max() <= tolerance * top


@pytest.mark.parametrize("strip_rows", [5, 16, 64, 1000])
@pytest.mark.parametrize(("kernel", "r", "p"), [("quartic", 150.0, 10.0), ("triweight", 95.0, 10.0)])
def test_strips_equal_the_whole_grid(kernel, r, p, strip_rows):
    x, y = clustered(3000)
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), r, p)
    expected, top = whole(x, y, None, grid, r, kernel)
    values, builder = streamed(x, y, None, grid, r, kernel, strip_rows=strip_rows)
    assert_same(values, expected, top)
    assert builder.maximum == pytest.approx(top, rel=1e-4)
    assert builder.points == 3000 and builder.method == kde.plan(3000, r, p, kernel, 0)


def test_chunks_and_early_coverage_updates_change_nothing(monkeypatch):
    """Points added 97 at a time, the coverage updated after 50 and at each doubling: the same raster."""
    monkeypatch.setattr(kde.builder, "_FIRST_UPDATE", 50)
    x, y = clustered(2500, seed=5)
    w = np.random.default_rng(2).uniform(0.0, 3.0, len(x))
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 150.0, 10.0)
    expected, top = whole(x, y, w, grid, 150.0, output="scaled")
    values, builder = streamed(x, y, w, grid, 150.0, chunk=97, strip_rows=9, output="scaled")
    assert_same(values, expected, top)
    assert builder.points == len(x)
    one, _ = streamed(x, y, w, grid, 150.0, strip_rows=9, output="scaled")
    assert_same(values, one, top, tolerance=1e-5)


def test_more_points_than_expected_mixed_weights_and_batches_that_cut_runs(monkeypatch):
    """Stored points in several blocks (more came than expected), weights in some chunks only, and bands
    spread 40 points at a time across runs of many chunks: the raster of the same points added at once."""
    monkeypatch.setattr(kde.builder, "_SPREAD_POINTS", 40)
    x, y = clustered(2500, seed=12)
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 150.0, 10.0)
    builder = kde.DensityBuilder(grid, 150.0, expected=900, exact_budget=0, strip_rows=9)
    assert builder.streaming
    w = np.ones(len(x))
    for i, start in enumerate(range(0, len(x), 211)):
        part = slice(start, start + 211)
        if i % 3 == 1:  # (a weighted chunk after unweighted ones, in a block without weights)
            w[part] = np.random.default_rng(i).uniform(0.5, 2.0, len(x[part]))
            builder.add(x[part], y[part], w[part])
        else:
            builder.add(x[part], y[part])
    assert len(builder._blocks) > 1 and sum(len(b[0]) for b in builder._blocks) < 2 * len(x)
    values = np.concatenate([strip.copy() for _, strip in builder.strips()])  # (each strip is a reused buffer)
    expected, top = whole(x, y, w, grid, 150.0)
    assert_same(values, expected, top)
    once, _ = streamed(x, y, w, grid, 150.0, strip_rows=9)
    assert_same(values, once, top, tolerance=1e-6)
    assert builder.points == len(x) and builder.maximum == pytest.approx(top, rel=1e-4)


def test_negative_weights_keep_their_sign():
    x, y = clustered(1500, seed=8)
    w = np.where(np.arange(len(x)) % 3 == 0, -1.5, 1.0)
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 150.0, 10.0)
    expected, _ = whole(x, y, w, grid, 150.0)
    values, builder = streamed(x, y, w, grid, 150.0, strip_rows=11)
    top = np.abs(np.where(expected == NODATA, 0.0, expected)).max()
    assert_same(values, expected, top)
    assert (values[values != NODATA] < -0.5).any()
    assert builder.maximum == pytest.approx(float(np.max(expected, where=expected != NODATA, initial=-np.inf)), 1e-4)


def test_window_cut_from_a_larger_extent():
    """A window on a larger extent: points near its edges reach inside it, their blocks cut by the raster."""
    x, y = clustered(3000, seed=3)
    r = 150.0
    grid = kde.Grid.around((500800.0, 4100700.0, 502300.0, 4102100.0), r, 10.0)
    expected, top = whole(x, y, None, grid, r, window=True)
    values, builder = streamed(x, y, None, grid, r, window=True, strip_rows=7)
    assert builder.outside > 0
    assert_same(values, expected, top)


def test_blocks_that_cut_their_disks_are_added_point_by_point_in_every_strip_they_reach():
    """Pixels under a map unit: b = 20 for a radius of 20.6 cells, so many blocks cut their disks."""
    rng = np.random.default_rng(6)
    x = np.round(500000.0 + rng.normal(40, 12, 1500), 3)
    y = np.round(4100000.0 + rng.normal(30, 9, 1500), 3)
    r, p = 10.3, 0.5
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), r, p)
    expected, top = whole(x, y, None, grid, r)
    values, builder = streamed(x, y, None, grid, r, strip_rows=8)
    assert builder.exact_points > 100
    assert_same(values, expected, top)


def test_rims_of_sparse_points_across_strip_boundaries():
    """Sparse points whose disks end exactly on cell centres, rims cut by many strips: the exact no-data mask."""
    xs = np.r_[np.arange(20) * 37.0 + 500000.0, 500000.0 + np.random.default_rng(2).uniform(0, 3000, 300)]
    ys = np.r_[np.full(20, 4100000.0), 4100000.0 + np.random.default_rng(4).uniform(0, 3000, 300)]
    for r, p in ((130.0, 10.0), (150.0, 10.0), (130.0, 6.5)):
        grid = kde.Grid.around((xs.min(), ys.min(), xs.max(), ys.max()), r, p)
        exact = kde.kernel_density(xs, ys, None, grid, r)
        assert exact.method == "exact"
        values, _ = streamed(xs, ys, None, grid, r, strip_rows=6)
        np.testing.assert_array_equal(values == NODATA, exact.values == NODATA)


@pytest.mark.parametrize("kernel", ["uniform", "epanechnikov", "triangular"])
def test_other_kernels_come_in_strips_of_the_whole_grid(kernel):
    x, y = clustered(2000, seed=9)
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 95.0, 10.0)
    full = kde.kernel_density(x, y, None, grid, 95.0, kernel, exact_budget=0)
    builder = kde.DensityBuilder(grid, 95.0, kernel, expected=len(x), exact_budget=0, strip_rows=13)
    builder.add(x[:700], y[:700])
    builder.add(x[700:], y[700:])
    assert not builder.streaming
    got = np.concatenate([strip for _, strip in builder.strips()])
    np.testing.assert_array_equal(got, full.values)
    assert (builder.method, builder.maximum) == (full.method, full.maximum)


def test_mark_runs_equals_setting_each_run():
    rng = np.random.default_rng(1)
    hits = np.zeros((9, 23), dtype=bool)
    hits[4, 3] = True  # marks already there stay
    rows = rng.integers(0, 9, 400)
    lo = rng.integers(0, 23, 400)
    hi = np.minimum(lo + rng.integers(0, 6, 400), 22)
    rows = np.r_[rows, 0, 0, 8]
    lo = np.r_[lo, 0, 5, 22]  # adjacent runs, a run ending at the row's end
    hi = np.r_[hi, 4, 9, 22]
    expected = hits.copy()
    for r, a, b in zip(rows, lo, hi):
        expected[r, a : b + 1] = True
    kde._mark_runs(hits, rows, lo, hi)
    np.testing.assert_array_equal(hits, expected)


def test_cancel_while_adding_or_in_strips():
    x, y = clustered(1000)
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 150.0, 10.0)
    stop = [False]
    builder = kde.DensityBuilder(grid, 150.0, expected=len(x), exact_budget=0, strip_rows=20, cancelled=lambda: stop[0])
    builder.add(x, y)
    strips = builder.strips()
    next(strips)
    stop[0] = True
    with pytest.raises(Cancelled):
        next(strips)
    with pytest.raises(Cancelled):
        builder.add(x, y)


def whole_spans(x, y, w, grid, r, kernel, window=False):
    """The spans of the same points over the whole raster at once (``_spans`` on full-size arrays)."""
    pts, b = kept_points(x, y, w, grid, r, window)
    assert kde.plan(len(pts), r, grid.pixel, kernel, 0) == "spans"
    sums = np.zeros((grid.rows, grid.cols))
    hits = np.zeros((grid.rows, grid.cols), dtype=bool)
    alpha, jump = kde._span_terms(kernel, kde.kernel_scale(kernel, "raw", r), 0.0)
    kde._spans(pts, grid, r, b, alpha, jump, sums, hits, lambda f: None, lambda: False)
    values = np.where(hits, sums, NODATA).astype(np.float32)
    return values, float(sums[hits].max())


@pytest.mark.parametrize("strip_rows", [1, 7, 64, 1000])
@pytest.mark.parametrize("kernel", ["uniform", "epanechnikov"])
def test_span_kernels_come_in_strips_equal_to_the_whole_grid(kernel, strip_rows):
    """Uniform and Epanechnikov (exact spans) strip by strip: the whole-grid raster, cell for cell."""
    x, y = clustered(3000, seed=4)
    w = np.random.default_rng(3).uniform(-0.5, 2.0, len(x))  # (negative weights: the maximum skips no-data)
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 120.0, 10.0)
    for weights in (None, w):
        expected, top = whole_spans(x, y, weights, grid, 120.0, kernel)
        builder = kde.DensityBuilder(grid, 120.0, kernel, expected=len(x), exact_budget=0, strip_rows=strip_rows)
        for i in range(0, len(x), 700):
            builder.add(x[i : i + 700], y[i : i + 700], None if weights is None else weights[i : i + 700])
        assert not builder.streaming
        rows = []
        values = np.full((grid.rows, grid.cols), np.nan, dtype=np.float32)
        for row0, strip in builder.strips():
            rows.append((row0, strip.shape[0]))
            values[row0 : row0 + strip.shape[0]] = strip
        assert rows == [(r0, min(strip_rows, grid.rows - r0)) for r0 in range(0, grid.rows, strip_rows)]
        np.testing.assert_array_equal(values == NODATA, expected == NODATA)
        assert (values != NODATA).sum() > grid.rows * grid.cols // 10
        assert_same(values, expected, abs(top), tolerance=1e-6)
        assert builder.method == "spans" and builder.points == len(x)
        assert builder.maximum == pytest.approx(top, rel=1e-6)


def test_span_strips_in_a_window_and_a_cancel():
    """A window cut from a larger grid (blocks clipped, floored positions) and a cancel between strips."""
    x, y = clustered(2000, seed=8)
    big = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), 120.0, 10.0)
    x_min, y_max = big.x_min + 400.0, big.y_max - 600.0
    grid = kde.Grid(x_min, y_max - 1400.0, x_min + 1500.0, y_max, big.pixel, 140, 150)
    expected, top = whole_spans(x, y, None, grid, 120.0, "uniform", window=True)
    builder = kde.DensityBuilder(grid, 120.0, "uniform", window=True, expected=len(x), exact_budget=0, strip_rows=33)
    builder.add(x, y)
    values = np.concatenate([strip for _, strip in builder.strips()])
    assert values.shape == (140, 150) and (values != NODATA).sum() > 140 * 150 // 4
    assert_same(values, expected, top, tolerance=1e-9)
    assert builder.outside == len(x) - int(grid.contains(x, y).sum()) > 0
    stop = []
    builder = kde.DensityBuilder(
        grid, 120.0, "uniform", window=True, exact_budget=0, strip_rows=33, cancelled=lambda: bool(stop)
    )
    builder.add(x, y)
    strips = builder.strips()
    next(strips)
    stop.append(True)
    with pytest.raises(Cancelled):
        next(strips)
