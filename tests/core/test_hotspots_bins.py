"""core.hotspots: points binned a chunk at a time (``HexBinner``) give the grid and table of every point at once.

``cells_covering_bins`` must give ``grid_cells(grid, x=x, y=y)`` (the
hexagons covering the points' extent, and those of points on its very edge)
and ``binned_hotspots`` the table of ``hotspots`` on the arrays: the same
values, exactly, whatever the chunks and however often the bins are merged.
"""

from __future__ import annotations

import numpy as np
import pytest

from alpr_qgis.core import hotspots as core
from alpr_qgis.core.hexgrid import HexGrid


def reads(seed: int):
    """Clustered reads, a stack on one spot, and reads on hexagon edges along the extent's bottom and left."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(0, 4000, 900), 2600 + rng.normal(0, 120, 500), np.full(40, 1234.5)])
    y = np.concatenate([rng.uniform(260, 4000, 900), 1400 + rng.normal(0, 120, 500), np.full(40, 987.6)])
    # y = 250 is the edge between hexagons (0, 0) and (0, 1) of a 500 m grid: those reads round into the one
    # below, which only touches the extent (its cell is added from the reads on the edge).
    x = np.concatenate([x, [0.0, 0.0, 10.0, 3999.0], -5.0 + np.zeros(3)])
    y = np.concatenate([y, [250.0, 250.0, 250.0, 250.0], [700.0, 1500.0, 2500.0]])
    return x, y


def chunked_bins(grid, x, y, sizes):
    binner = core.HexBinner(grid)
    start = 0
    for n in sizes:
        binner.add(x[start : start + n], y[start : start + n])
        start += n
    binner.add(x[start:], y[start:])
    return binner.bins()


@pytest.mark.parametrize("merge_rows", [1, 3, 65_536])
@pytest.mark.parametrize(("cell", "band"), [(500.0, 1000.0), (230.0, 500.0)])
def test_bins_give_the_grid_and_table_of_every_point(monkeypatch, merge_rows, cell, band):
    monkeypatch.setattr(core, "_MERGE_ROWS", merge_rows)
    x, y = reads(int(cell))
    grid = HexGrid(cell)
    sizes = np.random.default_rng(3).integers(0, 97, 40)
    cells = chunked_bins(grid, x, y, sizes)
    q, r = grid.cell_of(x, y)
    keys = np.unique(np.column_stack([q, r]), axis=0)
    np.testing.assert_array_equal(cells[:, :2], keys)  # one row per occupied hexagon, sorted by (q, r)
    assert cells[:, 2].sum() == len(x)
    expected_q, expected_r = core.grid_cells(grid, x=x, y=y)
    got_q, got_r = core.cells_covering_bins(grid, cells)
    np.testing.assert_array_equal(got_q, expected_q)
    np.testing.assert_array_equal(got_r, expected_r)
    if cell == 500.0:  # (the reads on the edge y = 250 add their own hexagon)
        box_q, _ = grid.cells_covering_box(x.min(), y.min(), x.max(), y.max())
        assert len(expected_q) > len(box_q)
    expected = core.hotspots(grid, expected_q, expected_r, x, y, band)
    got = core.binned_hotspots(grid, expected_q, expected_r, cells, band)
    assert got.table.equals(expected.table) and got.outside == expected.outside == 0
    assert (got.table["hotspot_class"] != 0).any()
    # A grid that leaves some reads out (a boundary): the same counts, the same reads outside.
    part_q, part_r = expected_q[::3], expected_r[::3]
    expected = core.hotspots(grid, part_q, part_r, x, y, band)
    got = core.binned_hotspots(grid, part_q, part_r, cells, band)
    assert got.table.equals(expected.table) and got.outside == expected.outside > 0


def test_extremes_per_hexagon():
    grid = HexGrid(100.0)
    x = np.array([1.0, -3.0, 2.0, 500.0, 501.5])
    y = np.array([2.0, 4.0, -1.0, 10.0, 9.0])
    cells = chunked_bins(grid, x, y, [2, 0, 1])
    q, r = grid.cell_of(x, y)
    assert len(cells) == 2 and (q[0], r[0]) == (q[1], r[1]) == (q[2], r[2])
    first = cells[(cells[:, 0] == q[0]) & (cells[:, 1] == r[0])][0]
    np.testing.assert_array_equal(first[2:], [3, -3.0, 2.0, -1.0, 4.0])
    second = cells[(cells[:, 0] == q[3]) & (cells[:, 1] == r[3])][0]
    np.testing.assert_array_equal(second[2:], [2, 500.0, 501.5, 9.0, 10.0])


def test_no_points_no_bins():
    binner = core.HexBinner(HexGrid(100.0))
    binner.add(np.empty(0), np.empty(0))
    assert binner.bins().shape == (0, 7)
    assert core.merge_bins([np.empty((0, 7))]).shape == (0, 7)


def test_too_large_a_grid_is_refused_with_grid_cells_message():
    grid = HexGrid(1.0)
    x, y = np.array([0.0, 5000.0]), np.array([0.0, 5000.0])
    cells = chunked_bins(grid, x, y, [1])
    with pytest.raises(core.AlprInputError) as expected:
        core.grid_cells(grid, x=x, y=y)
    with pytest.raises(core.AlprInputError) as got:
        core.cells_covering_bins(grid, cells)
    assert str(got.value) == str(expected.value)


def test_far_apart_points_in_tiny_hexagons_are_binned_too():
    """Hexagon numbers too far apart for one integer key: sorted on both (the same bins)."""
    grid = HexGrid(0.001)
    x = np.array([-1e7, 1e7, -1e7, 5.0, 1e7])
    y = np.array([-1e7, 1e7, -1e7, 5.0, -1e7])
    cells = core.bin_points(grid, x, y)
    q, r = grid.cell_of(x, y)
    assert (int(q.max()) - int(q.min()) + 1) * (int(r.max()) - int(r.min()) + 1) >= 2**62
    rows = np.column_stack([q, r, np.ones(5), x, x, y, y]).astype(float)
    np.testing.assert_array_equal(cells, core.merge_bins([rows]))
    assert sorted(cells[:, 2].tolist()) == [1.0, 1.0, 1.0, 2.0]
