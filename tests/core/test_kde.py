"""core.kde: QGIS's heatmap raster, point by point and by the fast methods (no QGIS needed).

``reference()`` below is an independent, literal transcription of how
QgsKernelDensityEstimation computes (NATIVE_HEATMAP.md): loops over each
point's block, C casts, the mirrored y centre, float32 accumulation.  The
exact method must match it to float32 rounding; the fast methods must keep
its grid and no-data cells exactly and its values within 0.5 % of the
largest value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alpr_qgis.core import kde
from alpr_qgis.core.errors import AlprInputError, Cancelled

NODATA = -9999.0


def native_kernel(d: float, r: float, kernel: str, output: str, decay: float) -> float:
    """The kernel table of NATIVE_HEATMAP.md, written out independently of kde.kernel_values."""
    t = d / r
    scaled = output == "scaled"
    if kernel == "quartic":
        return (116 / (5 * math.pi * r * r) * 15 / 16 if scaled else 1) * (1 - t * t) ** 2
    if kernel == "triweight":
        return (128 / (35 * math.pi * r * r) * 35 / 32 if scaled else 1) * (1 - t * t) ** 3
    if kernel == "epanechnikov":
        return (8 / (3 * math.pi * r * r) * 3 / 4 if scaled else 1) * (1 - t * t)
    if kernel == "uniform":
        return 2 / (math.pi * r) * (0.5 / r) if scaled else 1.0
    if kernel == "triangular":
        k = 3 / ((1 + 2 * decay) * math.pi * r * r) if scaled and decay >= 0 else 1.0
        return k * (1 - (1 - decay) * t)
    raise AssertionError(kernel)


def reference(xs, ys, ws, extent, r, p, kernel="quartic", output="raw", decay=0.0) -> np.ndarray:
    """QgsKernelDensityEstimation, literally: one point, one block, one cell at a time."""
    x0, y0, x1, y1 = extent[0] - r, extent[1] - r, extent[2] + r, extent[3] + r
    rows = max(math.ceil((y1 - y0) / p) + 1, 1)
    cols = max(math.ceil((x1 - x0) / p) + 1, 1)
    b = int(r / p)
    if r - p * b > 0.5:
        b += 1
    out = np.full((rows, cols), NODATA, dtype=np.float32)
    for x, y, w in zip(xs, ys, ws):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        x_pos = int((x - x0) / p - b)  # C cast to unsigned int: truncation, -0.5 -> 0
        y_pos = int((y - y0) / p - b)
        y_pos_io = int((y1 - y) / p - b)
        if x_pos + 2 * b >= cols or y_pos_io + 2 * b >= rows:
            continue  # GDALRasterIO refuses the block: the point is lost
        for xp in range(2 * b + 1):
            for yp in range(2 * b + 1):
                cx = (x_pos + xp + 0.5) * p + x0
                cy = (y_pos + yp + 0.5) * p + y0
                d = math.sqrt((cx - x) ** 2 + (cy - y) ** 2)
                if d > r:
                    continue
                cell = out[y_pos_io + yp, x_pos + xp]
                if cell == NODATA:
                    cell = np.float32(0.0)
                out[y_pos_io + yp, x_pos + xp] = np.float32(cell + w * native_kernel(d, r, kernel, output, decay))
    return out


def relative_error(values: np.ndarray, expected: np.ndarray) -> float:
    """Largest difference over the largest |value|, no-data compared as 0; the no-data cells must agree."""
    assert values.shape == expected.shape
    np.testing.assert_array_equal(values == NODATA, expected == NODATA)
    a = np.where(values == NODATA, 0.0, values.astype(float))
    e = np.where(expected == NODATA, 0.0, expected.astype(float))
    top = np.abs(e).max()
    return float(np.abs(a - e).max() / top) if top else float(np.abs(a).max())


def density(xs, ys, ws, r, p, kernel="quartic", output="raw", decay=0.0, budget=None, extent=None, **kw):
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    extent = extent or (xs.min(), ys.min(), xs.max(), ys.max())
    grid = kde.Grid.around(extent, r, p)
    return kde.kernel_density(xs, ys, ws, grid, r, kernel, output, decay, exact_budget=budget, **kw)


def clustered(n: int, seed: int = 7):
    """Clusters, a stack of identical points (a fixed camera), a road of evenly spaced reads, noise."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, (6, 2))
    k = rng.integers(0, 6, n)
    xy = centres[k] + rng.normal(0, 80, (n, 2))
    xy[: n // 10] = (1234.56, 2222.22)
    road = np.linspace(200, 2800, n // 10)
    xy[n // 10 : n // 5] = np.column_stack([road, np.full(n // 10, 1500.0)])
    xy[n // 5 : n // 4] = rng.uniform(0, 3000, (n // 4 - n // 5, 2))
    return np.round(xy[:, 0], 2) + 500000, np.round(xy[:, 1], 2) + 4100000


# ------------------------------------------------------------------ grid and kernels


def test_grid_follows_native_rules():
    grid = kde.Grid.around((0.0, 0.0, 100.0, 60.0), 25.0, 7.5)
    assert (grid.x_min, grid.y_min, grid.x_max, grid.y_max) == (-25.0, -25.0, 125.0, 85.0)
    assert (grid.cols, grid.rows) == (math.ceil(150 / 7.5) + 1, math.ceil(110 / 7.5) + 1) == (21, 16)
    assert grid.geotransform == (-25.0, 7.5, 0.0, 85.0, 0.0, -7.5)
    one = kde.Grid.around((10.0, 20.0, 10.0, 20.0), 30.0, 10.0)  # a single point
    assert (one.cols, one.rows, one.x_min, one.y_max) == (7, 7, -20.0, 50.0)


@pytest.mark.parametrize(
    ("radius", "pixel", "b"),
    [(300, 10, 30), (25, 7.5, 4), (10.4, 1, 10), (10.6, 1, 11), (5.3, 0.5, 10), (100, 30, 4), (50, 30, 2), (0.4, 1, 0)],
)
def test_radius_in_pixels_rounds_up_past_half_a_map_unit(radius, pixel, b):
    assert kde.radius_in_pixels(radius, pixel) == b


@pytest.mark.parametrize("kernel", kde.KERNELS)
@pytest.mark.parametrize("output", kde.OUTPUT_VALUES)
@pytest.mark.parametrize("decay", [0.0, 0.5, -0.5])
def test_kernel_values_match_the_native_table(kernel, output, decay):
    d = np.array([0.0, 12.5, 25.0, 40.0, 50.0])
    expected = [native_kernel(v, 50.0, kernel, output, decay) for v in d]
    np.testing.assert_allclose(kde.kernel_values(d, 50.0, kernel, output, decay), expected, rtol=1e-12)


def test_kernel_constants():
    r = 10.0
    assert kde.kernel_scale("quartic", "scaled", r) == pytest.approx(87 / (4 * math.pi * r * r))
    assert kde.kernel_scale("triweight", "scaled", r) == pytest.approx(4 / (math.pi * r * r))
    assert kde.kernel_scale("uniform", "scaled", r) == pytest.approx(1 / (math.pi * r * r))
    assert kde.kernel_scale("triangular", "scaled", r, -0.5) == 1.0  # native: negative decay is not scaled
    assert kde.kernel_values(np.array([r]), r, "uniform")[0] == 1.0  # the uniform kernel is 1 at d == r


def test_bad_parameters_name_the_field():
    with pytest.raises(AlprInputError, match='field "RADIUS"'):
        kde.Grid.around((0, 0, 1, 1), 0.0, 1.0)
    with pytest.raises(AlprInputError, match='field "PIXEL_SIZE".*too large'):
        kde.Grid.around((0, 0, 1e6, 1e6), 10.0, 0.1)


# ------------------------------------------------------------------ exact method = reference


LAYOUTS = {
    "single": ([500123.37], [4100456.81]),
    # on extent edges and cell edges (x - xMin a whole number of pixels), and exactly r apart
    "edges": ([500000, 500100, 500050, 500000, 500100, 500030], [4100000, 4100000, 4100060, 4100060, 4100030, 4100000]),
    "random": tuple(np.random.default_rng(1).uniform([500000, 4100000], [500400, 4100300], (30, 2)).T),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(("r", "p"), [(50, 10), (25, 7.5), (40, 3)])
@pytest.mark.parametrize("kernel", kde.KERNELS)
def test_exact_matches_reference(layout, r, p, kernel):
    xs, ys = LAYOUTS[layout]
    ws = np.linspace(0.5, 2.0, len(xs))
    extent = (min(xs), min(ys), max(xs), max(ys))
    decay = 0.5 if kernel == "triangular" else 0.0
    got = density(xs, ys, ws, r, p, kernel, "scaled", decay)
    assert got.method == "exact"
    expected = reference(xs, ys, ws, extent, r, p, kernel, "scaled", decay)
    assert relative_error(got.values, expected) < 1e-6


def test_cell_exactly_one_radius_away_is_zero_not_nodata():
    # p = 1, r = 3; the second point sits on a cell centre, so cells 3 m east and west of it are reached
    # with d == r exactly: quartic value 0, and no longer no-data.
    xs, ys = [500000.0, 500000.5], [4100000.0, 4100000.5]
    expected = reference(xs, ys, [1.0, 1.0], (xs[0], ys[0], xs[1], ys[1]), 3.0, 1.0)
    assert (expected == 0.0).sum() >= 2
    for budget in (None, 0):
        got = density(xs, ys, None, 3.0, 1.0, budget=budget).values
        np.testing.assert_array_equal(got == NODATA, expected == NODATA)


def test_block_that_does_not_fit_drops_the_point_as_native():
    # One point, radius 25 m in 7.5 m pixels: b = 4, a 9 × 9 block on an 8 × 8 raster.
    got = density([500123.37], [4100456.81], None, 25.0, 7.5)
    assert got.values.shape == (8, 8) and (got.values == NODATA).all()
    assert (got.points, got.unfit) == (0, 1)
    clipped = density([500123.37], [4100456.81], None, 25.0, 7.5, window=True)
    assert clipped.points == 1 and clipped.maximum == pytest.approx(1.0, abs=0.02)


def test_points_outside_the_grid_and_unlocated_points_are_left_out():
    grid = kde.Grid.around((0.0, 0.0, 100.0, 100.0), 20.0, 5.0)
    x = np.array([50.0, 130.0, np.nan, 50.0])
    y = np.array([50.0, 50.0, 50.0, -20.0])  # (50, -20) is on the grown extent's edge: inside...
    got = kde.kernel_density(x, y, None, grid, 20.0)
    assert (got.points, got.outside, got.unfit) == (1, 2, 1)  # ...but its block leaves the raster
    clipped = kde.kernel_density(x, y, None, grid, 20.0, window=True)
    assert (clipped.points, clipped.outside, clipped.unfit) == (2, 2, 0)


def test_null_weights_count_zero_but_still_reach_cells():
    got = density([0.0, 100.0], [0.0, 0.0], np.array([np.nan, 2.0]), 30.0, 5.0)
    assert 1.9 < got.maximum <= 2.0
    left = got.values[:, :10]
    assert (left == 0.0).any() and left.max() == 0.0  # reached by the 0-weight point: 0, not no-data


# ------------------------------------------------------------------ fast methods


@pytest.mark.parametrize(
    ("kernel", "decay", "r", "p", "method"),
    [
        ("quartic", 0.0, 150, 10, "fft-linear"),
        ("quartic", 0.0, 110, 10, "fft-cubic"),
        ("triweight", 0.0, 95, 10, "fft-cubic"),
        ("triweight", 0.0, 200, 10, "fft-linear"),
        ("uniform", 0.0, 37, 7, "spans"),
        ("epanechnikov", 0.0, 95, 10, "spans"),
        ("triangular", 0.0, 95, 10, "spans+fft-cubic"),
        ("triangular", 0.5, 55, 10, "spans+fft-cubic"),
        ("triangular", -0.5, 95, 10, "spans+fft-cubic"),
    ],
)
def test_fast_methods_match_reference(kernel, decay, r, p, method):
    xs, ys = LAYOUTS["random"]
    xs, ys = np.r_[xs, 500100.0, 500100.0], np.r_[ys, 4100100.0, 4100100.0]  # and a small stack
    ws = np.linspace(0.5, 2.0, len(xs))
    extent = (xs.min(), ys.min(), xs.max(), ys.max())
    for output in kde.OUTPUT_VALUES:
        got = density(xs, ys, ws, r, p, kernel, output, decay, budget=0)
        assert got.method == method
        assert relative_error(got.values, reference(xs, ys, ws, extent, r, p, kernel, output, decay)) < 0.005


@pytest.mark.parametrize("kernel", kde.KERNELS)
def test_fast_methods_on_thousands_of_clustered_points(kernel):
    """Clusters, a 400-read stack, a road and noise: same no-data cells, values within 0.5 % of the maximum."""
    xs, ys = clustered(4000)
    ws = np.random.default_rng(3).uniform(0.0, 2.0, len(xs))
    for r, p in ((150, 10), (66, 6)):
        exact = density(xs, ys, ws, r, p, kernel, decay=0.3)
        fast = density(xs, ys, ws, r, p, kernel, decay=0.3, budget=0)
        assert exact.method == "exact" and fast.method != "exact"
        assert relative_error(fast.values, exact.values) < 0.005


@pytest.mark.parametrize("kernel", kde.KERNELS)
def test_fast_methods_in_a_window_match_the_exact_method(kernel):
    """A window inside the points' extent, a 6.3 m radius in 0.5 m cells (blocks of ±12 cells, as native rounds,
    cut disks of 12.6 cells): the blocks that cut their disks point by point, the rest fast."""
    xs, ys = clustered(3000, seed=21)
    xs, ys = 500000.0 + (xs - 500000.0) / 40.0, 4100000.0 + (ys - 4100000.0) / 40.0  # (about 90 m across)
    ws = np.random.default_rng(5).uniform(0.2, 2.0, len(xs))
    full = kde.Grid.around((xs.min(), ys.min(), xs.max(), ys.max()), 6.3, 0.5)
    x0, y1 = full.x_min + 15.0, full.y_max - 20.0
    grid = kde.Grid(x0, y1 - 75.0, x0 + 85.0, y1, 0.5, 150, 170)
    exact = kde.kernel_density(xs, ys, ws, grid, 6.3, kernel, decay=0.3, window=True)
    fast = kde.kernel_density(xs, ys, ws, grid, 6.3, kernel, decay=0.3, window=True, exact_budget=0)
    assert exact.method == "exact" and fast.method != "exact"
    assert fast.outside > 0
    if "fft" in fast.method:  # (the blocks that cut their disks: left out of the FFT, then point by point)
        assert 0 < fast.exact_points < fast.points
    np.testing.assert_array_equal(fast.values == NODATA, exact.values == NODATA)
    assert relative_error(fast.values, exact.values) < 0.005


def test_triangular_tip_corrections_in_many_small_batches(monkeypatch):
    """The tips added 97 points at a time (each batch over its own rows): the same raster as in one batch."""
    xs, ys = clustered(3000, seed=17)
    ws = np.random.default_rng(8).uniform(0.0, 2.0, len(xs))
    one = density(xs, ys, ws, 95, 10, "triangular", decay=0.2, budget=0)
    monkeypatch.setattr(kde.fft, "_TIP_POINTS", 97)
    many = density(xs, ys, ws, 95, 10, "triangular", decay=0.2, budget=0)
    assert many.method == one.method == "spans+fft-cubic"
    np.testing.assert_allclose(many.values, one.values, rtol=0, atol=1e-5 * one.maximum)
    exact = density(xs, ys, ws, 95, 10, "triangular", decay=0.2)
    assert relative_error(many.values, exact.values) < 0.005


def test_fast_mask_is_exact_on_rim_cases():
    # Points whose disks end exactly on cell centres, and a sparse scatter with a long rim.
    xs = np.r_[np.arange(20) * 37.0 + 500000.0, 500000.0 + np.random.default_rng(2).uniform(0, 3000, 300)]
    ys = np.r_[np.full(20, 4100000.0), 4100000.0 + np.random.default_rng(4).uniform(0, 3000, 300)]
    for r, p in ((130.0, 10.0), (150.0, 10.0), (130.0, 6.5)):
        exact = density(xs, ys, None, r, p)
        fast = density(xs, ys, None, r, p, budget=0)
        assert fast.method.startswith("fft")
        np.testing.assert_array_equal(fast.values == NODATA, exact.values == NODATA)


def test_small_radius_falls_back_to_exact():
    assert kde.plan(10**6, 50.0, 10.0, "quartic") == "exact"  # 5 cells: too few for the FFT
    assert kde.plan(10**6, 300.0, 10.0, "quartic") == "fft-linear"
    assert kde.plan(10**6, 110.0, 10.0, "quartic") == "fft-cubic"
    assert kde.plan(10**6, 20.0, 10.0, "uniform") == "spans"
    assert kde.plan(100, 300.0, 10.0, "quartic") == "exact"  # few points: point by point


def test_progress_and_cancel():
    xs, ys = clustered(2000)
    seen = []
    density(xs, ys, None, 150, 10, budget=0, progress=seen.append)
    assert seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)
    for kernel in ("quartic", "uniform"):
        for budget in (None, 0):
            with pytest.raises(Cancelled):
                density(xs, ys, None, 150, 10, kernel, budget=budget, cancelled=lambda: True)
