"""alpr_qgis.core.hotspots: Getis-Ord Gi*, worked by hand on tiny grids, without QGIS."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.core.hotspots import count_points, gi_star, hotspot_classes, hotspot_labels, hotspots

GRID = HexGrid(100.0)
RING = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))  # around (0, 0), each next to the one before


def test_column_of_seven_by_hand():
    # Seven hexagons in a column, centres 100 m apart; a band of 100 m links each to the next.
    q, r = np.zeros(7, dtype=np.int64), np.arange(7)
    x = np.array([1, 0, 2, 12, 5, 1, 0])
    # n = 7, X̄ = 21 / 7 = 3, S = √(Σx²/n − X̄²) = √(175/7 − 9) = √16 = 4.
    # Ends have W = 2 (itself and one neighbour), the others W = 3.
    # Denominator: S·√((n·W − W²)/(n − 1)): 4·√(10/6) for W = 2, 4·√(12/6) for W = 3.
    end, inner = 4 * math.sqrt(10 / 6), 4 * math.sqrt(12 / 6)
    expected = [
        (1 + 0 - 3 * 2) / end,  # -0.968
        (1 + 0 + 2 - 3 * 3) / inner,  # -1.061
        (0 + 2 + 12 - 3 * 3) / inner,  # 0.884
        (2 + 12 + 5 - 3 * 3) / inner,  # 1.768
        (12 + 5 + 1 - 3 * 3) / inner,  # 1.591
        (5 + 1 + 0 - 3 * 3) / inner,  # -0.530
        (1 + 0 - 3 * 2) / end,  # -0.968
    ]
    gi = gi_star(x, *GRID.centres(q, r), band=100.0)
    np.testing.assert_allclose(gi.z, expected, rtol=1e-12)
    np.testing.assert_allclose(gi.z[3], 1.7677669529663687)
    assert gi.neighbours.tolist() == [2, 3, 3, 3, 3, 3, 2]
    # Two-sided p from the normal distribution: p = erfc(|z| / √2).
    np.testing.assert_allclose(gi.p, [math.erfc(abs(z) / math.sqrt(2)) for z in expected], rtol=1e-12)
    assert gi.p[3] == pytest.approx(0.0771, abs=1e-4)  # significant at 90 % only
    assert hotspot_classes(gi.z, gi.p).tolist() == [0, 0, 0, 1, 0, 0, 0]


def test_flower_of_seven_by_hand():
    # A centre and its six neighbours; band = cell size.  Each ring cell sees itself, the
    # centre and its two ring neighbours (W = 4); the centre sees all seven (W = n).
    q = np.array([0] + [d[0] for d in RING])
    r = np.array([0] + [d[1] for d in RING])
    x = np.array([10, 6, 4, 2, 0, 1, 1])
    mean = 24 / 7
    s = math.sqrt((10**2 + 6**2 + 4**2 + 2**2 + 0 + 1 + 1) / 7 - mean**2)  # √(158/7 − (24/7)²)
    den = s * math.sqrt((7 * 4 - 4**2) / (7 - 1))
    ring = [6, 4, 2, 0, 1, 1]
    expected = [0.0]  # W = n: numerator and denominator are both 0, Gi* is undefined -> 0
    for k in range(6):
        lag = ring[k] + ring[k - 1] + ring[(k + 1) % 6] + 10
        expected.append((lag - mean * 4) / den)
    gi = gi_star(x, *GRID.centres(q, r), band=100.0)
    np.testing.assert_allclose(gi.z, expected, rtol=1e-12, atol=1e-12)
    assert gi.z[1] == pytest.approx((21 - 96 / 7) / (math.sqrt(158 / 7 - (24 / 7) ** 2) * math.sqrt(2)))
    assert gi.neighbours.tolist() == [7, 4, 4, 4, 4, 4, 4]
    assert gi.p[0] == 1.0


def test_matches_a_dense_implementation():
    rng = np.random.default_rng(3)
    q, r = GRID.cells_covering_box(0, 0, 2500, 2000)
    values = rng.poisson(4, len(q)).astype(float)
    values[:5] += 30
    cx, cy = GRID.centres(q, r)
    band = 260.0
    gi = gi_star(values, cx, cy, band)
    # Textbook Gi* with a full weight matrix (w_ii = 1), written independently.
    w = (np.hypot(cx[:, None] - cx[None, :], cy[:, None] - cy[None, :]) <= band).astype(float)
    n = len(values)
    mean = values.mean()
    s = math.sqrt((values**2).sum() / n - mean**2)
    num = w @ values - mean * w.sum(axis=1)
    den = s * np.sqrt((n * (w**2).sum(axis=1) - w.sum(axis=1) ** 2) / (n - 1))
    np.testing.assert_allclose(gi.z, num / den, rtol=1e-9)
    np.testing.assert_array_equal(gi.neighbours, w.sum(axis=1))


def test_band_is_inclusive_and_rounding_safe():
    q, r = GRID.cells_covering_box(-1000, -1000, 1000, 1000)
    centre = np.flatnonzero((q == 0) & (r == 0))[0]
    cx, cy = GRID.centres(q + 40_000, r - 30_000)  # far from the origin: centres carry rounding
    for band, neighbours in ((100.0, 7), (100.0 * math.sqrt(3), 13), (200.0, 19), (199.0, 13)):
        gi = gi_star(np.arange(len(q)), cx, cy, band)
        assert gi.neighbours[centre] == neighbours, band


@pytest.mark.parametrize("value", [5.0, 0.0, 1e9], ids=["all equal", "no reads", "large equal counts"])
def test_equal_counts_are_not_significant_and_never_nan(value):
    q, r = GRID.cells_covering_box(0, 0, 300, 300)
    gi = gi_star(np.full(len(q), value), *GRID.centres(q, r), band=150.0)
    assert not np.isnan(gi.z).any() and not np.isnan(gi.p).any()
    assert (gi.z == 0).all() and (gi.p == 1).all()
    assert (hotspot_classes(gi.z, gi.p) == 0).all()


def test_band_covering_everything_gives_zero():
    q, r = GRID.cells_covering_box(0, 0, 500, 500)
    gi = gi_star(np.arange(len(q), dtype=float), *GRID.centres(q, r), band=1e6)
    assert (gi.z == 0).all() and (gi.neighbours == len(q)).all()


def test_one_cell_and_no_cells():
    gi = gi_star(np.array([42.0]), np.array([0.0]), np.array([0.0]), 100.0)
    assert gi.z.tolist() == [0.0] and gi.p.tolist() == [1.0] and gi.neighbours.tolist() == [1]
    gi = gi_star(np.array([]), np.array([]), np.array([]), 100.0)
    assert len(gi.z) == 0


def test_band_smaller_than_cells_compares_each_count_with_the_mean():
    x = np.array([1.0, 2.0, 3.0, 10.0])
    q, r = np.zeros(4, dtype=np.int64), np.arange(4)
    gi = gi_star(x, *GRID.centres(q, r), band=50.0)
    np.testing.assert_allclose(gi.z, (x - x.mean()) / x.std())  # W = 1: √((n − 1)/(n − 1)) = 1


@pytest.mark.parametrize(
    ("z", "expected"),
    [(2.6, 3), (2.0, 2), (1.7, 1), (1.6, 0), (0.0, 0), (-1.7, -1), (-2.0, -2), (-2.6, -3), (-40.0, -3)],
)
def test_classes_by_confidence(z, expected):
    p = math.erfc(abs(z) / math.sqrt(2))
    assert hotspot_classes(np.array([z]), np.array([p])).tolist() == [expected]


def test_labels():
    labels = hotspot_labels(np.array([3, 2, 1, 0, -1, -2, -3]))
    assert labels.tolist() == [
        "Hot spot (99 %)",
        "Hot spot (95 %)",
        "Hot spot (90 %)",
        "Not significant",
        "Cold spot (90 %)",
        "Cold spot (95 %)",
        "Cold spot (99 %)",
    ]


def test_count_points_and_outside():
    q, r = np.array([0, 0, 1]), np.array([0, 1, 0])
    cx, cy = GRID.centres(q, r)
    x = np.concatenate([np.repeat(cx, [3, 1, 2]) + 10, [5000.0, -5000.0]])
    y = np.concatenate([np.repeat(cy, [3, 1, 2]) - 10, [5000.0, 0.0]])
    seen = []
    counts, outside = count_points(GRID, q, r, x, y, progress=seen.append, chunk=3)
    assert counts.tolist() == [3, 1, 2] and outside == 2
    assert seen[-1] == 1.0 and len(seen) == 3


def test_count_points_cancels():
    with pytest.raises(Cancelled):
        count_points(GRID, np.array([0]), np.array([0]), np.zeros(10), np.zeros(10), cancelled=lambda: True)


def test_hotspots_table():
    q, r = GRID.cells_covering_box(0, 0, 1000, 1000)
    cx, cy = GRID.centres(q, r)
    hot = np.hypot(cx - 500, cy - 500) < 150  # a cell and its six neighbours
    x = np.concatenate([np.repeat(cx[hot], 20), cx, [1e6]])
    y = np.concatenate([np.repeat(cy[hot], 20), cy, [1e6]])
    result = hotspots(GRID, q, r, x, y, 200.0)
    table = result.table
    assert list(table.columns) == ["read_count", "gi_z", "gi_p", "hotspot_class", "hotspot_label", "neighbour_count"]
    assert hot.sum() == 7 and result.outside == 1
    assert table["read_count"].sum() == 7 * 20 + len(q)
    assert set(table["read_count"][hot]) == {21} and set(table["read_count"][~hot]) == {1}
    centre = np.argmin(np.hypot(cx - 500, cy - 500))
    assert table["hotspot_class"][centre] == 3 and table["hotspot_label"][centre] == "Hot spot (99 %)"
    assert (table["hotspot_class"][~hot] <= table["hotspot_class"][centre]).all()
    assert str(table["hotspot_class"].dtype) == "int64"
