"""The fast no-data mask against the point-by-point one, on layouts that stress its coarse blocks."""

from __future__ import annotations

import numpy as np
import pytest

from alpr_qgis.core import kde

NODATA = -9999.0


@pytest.fixture(
    params=[(4, 4), (1, 4), (2, 8)], ids=["sure4-frontier4", "sure1-frontier4", "sure2-frontier8"], autouse=True
)
def blocks(request, monkeypatch):
    """Every test runs with the shipped block sizes and with others (the frontier block a multiple of the sure one)."""
    sure, frontier = request.param
    monkeypatch.setattr(kde.mask, "_SURE_BLOCK", sure)
    monkeypatch.setattr(kde.mask, "_FRONTIER_BLOCK", frontier)
    return request.param


def _both(xs, ys, r, p, kernel="quartic"):
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    grid = kde.Grid.around((xs.min(), ys.min(), xs.max(), ys.max()), r, p)
    exact = kde.kernel_density(xs, ys, None, grid, r, kernel)
    fast = kde.kernel_density(xs, ys, None, grid, r, kernel, exact_budget=0)
    assert exact.method == "exact" and fast.method.startswith("fft")
    return exact, fast


@pytest.mark.parametrize(("r", "p"), [(150.0, 10.0), (160.0, 10.0), (157.3, 9.7), (121.0, 5.5)])
def test_mask_on_cell_and_block_edges(r, p):
    """Points on cell edges, on the edges of 2 × 2 blocks and at cell centres, alone and in small groups."""
    x0, y0 = 500000.0, 4100000.0
    k = np.arange(40)
    xs = np.r_[x0 + k * p, x0 + k * 2 * p + 0.5 * p, x0 + 3 * p * np.ones(10), x0 + 900.0 + k[:25] * 0.25 * p]
    ys = np.r_[y0 + k * 0.5 * p, y0 + 600.0 + 0 * k, y0 + 300.0 + np.arange(10) * 2 * p, y0 + 1200.0 + 0 * k[:25]]
    exact, fast = _both(xs, ys, r, p)
    np.testing.assert_array_equal(fast.values == NODATA, exact.values == NODATA)
    assert fast.points == exact.points


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mask_on_a_sparse_scatter_with_holes(seed):
    """Scattered points leave holes and long rims everywhere: every one of them is a frontier point."""
    rng = np.random.default_rng(seed)
    xs = 500000.0 + np.round(rng.uniform(0, 4000, 400), 2)
    ys = 4100000.0 + np.round(rng.uniform(0, 4000, 400), 2)
    exact, fast = _both(xs, ys, 170.0, 10.0)
    np.testing.assert_array_equal(fast.values == NODATA, exact.values == NODATA)
    assert (exact.values == NODATA).any() and (exact.values != NODATA).any()


def test_block_always_holds_only_cells_every_position_reaches():
    """Each offset marked for blocks of q cells is within the radius of the block's farthest corner."""
    for q in (1, 2, 4):
        for radius_cells in (5.0, 14.6, 30.0):
            always = kde._block_always(radius_cells, q)
            half = always.shape[0] // 2
            for oy, ox in zip(*np.nonzero(always)):
                # cell centres of the block (oy, ox) blocks away, against the corners of the block at 0
                cy = (oy - half) * q + np.arange(q) + 0.5
                cx = (ox - half) * q + np.arange(q) + 0.5
                dy = np.abs(cy[:, None] - np.array([0.0, q])[None, :]).max()
                dx = np.abs(cx[:, None] - np.array([0.0, q])[None, :]).max()
                assert np.hypot(dx, dy) <= radius_cells
            # and q = 1 holds the cells next to a point's own cell
            assert always[half, half]
