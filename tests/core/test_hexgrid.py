"""alpr_qgis.core.hexgrid: flat-topped hexagons, point binning and covering, without QGIS."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely import wkb as shapely_wkb
from shapely.geometry import LineString, Point, box

from alpr_qgis.core.hexgrid import HexGrid, cell_index


def brute_force_cells(grid, area, *, overlap):
    """Every cell near ``area`` tested with shapely, one by one."""
    xmin, ymin, xmax, ymax = area.bounds
    q, r = grid.cells_in_box(xmin - 2 * grid.size, ymin - 2 * grid.size, xmax + 2 * grid.size, ymax + 2 * grid.size)
    found = set()
    for a, b, polygon in zip(q.tolist(), r.tolist(), grid.polygons(q, r)):
        if (polygon.intersection(area).area > 1e-6) if overlap else polygon.intersects(area):
            found.add((a, b))
    return found


def test_geometry_of_one_hexagon():
    grid = HexGrid(500.0)
    hexagon = grid.polygons(np.array([0]), np.array([0]))[0]
    xmin, ymin, xmax, ymax = hexagon.bounds
    assert ymax - ymin == pytest.approx(500.0)  # cell size = distance between opposite (flat) edges
    assert xmax - xmin == pytest.approx(2 * 500.0 / math.sqrt(3))  # vertex to vertex
    assert hexagon.area == pytest.approx(math.sqrt(3) / 2 * 500.0**2) == pytest.approx(grid.area)
    assert hexagon.is_valid and len(hexagon.exterior.coords) == 7
    assert grid.radius == pytest.approx(288.675134595)


def test_centres_and_neighbour_distances():
    grid = HexGrid(100.0, x0=10.0, y0=-5.0)
    cx, cy = grid.centres(np.array([0, 1, 0, -1, 2, 2]), np.array([0, 0, 1, 1, -1, 0]))
    assert (cx[0], cy[0]) == (10.0, -5.0)
    d = np.hypot(cx - cx[0], cy - cy[0])
    # Six neighbours at the cell size, then the next ring at √3 and 2 × the cell size.
    np.testing.assert_allclose(d[1:4], 100.0)
    np.testing.assert_allclose(d[4], 100.0 * math.sqrt(3))
    np.testing.assert_allclose(d[5], 200.0)


def test_points_go_to_the_hexagon_that_holds_them():
    grid = HexGrid(250.0, x0=3.0, y0=7.0)
    rng = np.random.default_rng(7)
    x = rng.uniform(-3000, 3000, 20_000)
    y = rng.uniform(-3000, 3000, 20_000)
    q, r = grid.cell_of(x, y)
    assert q.dtype == np.int64 and r.dtype == np.int64
    # The holding hexagon is the one with the nearest centre ...
    cx, cy = grid.centres(q, r)
    assert np.hypot(x - cx, y - cy).max() <= grid.radius + 1e-9
    for dq, dr in ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)):
        nx, ny = grid.centres(q + dq, r + dr)
        assert (np.hypot(x - cx, y - cy) <= np.hypot(x - nx, y - ny) + 1e-9).all()
    # ... and shapely agrees.
    polygons = grid.polygons(q[:500], r[:500])
    assert all(p.buffer(1e-6).contains(Point(a, b)) for p, a, b in zip(polygons, x[:500], y[:500]))


def test_centres_map_to_their_own_cell():
    grid = HexGrid(333.0)
    q, r = np.meshgrid(np.arange(-20, 21), np.arange(-20, 21))
    q, r = q.ravel(), r.ravel()
    cq, cr = grid.cell_of(*grid.centres(q, r))
    assert (cq == q).all() and (cr == r).all()


@pytest.mark.parametrize(
    "area",
    [
        box(0, 0, 2000, 1000),  # edges that run along hexagon edges: touching cells are out
        box(123.4, -77.0, 5000.2, 3333.0),
        Point(0, 0).buffer(3000),
        Point(0, 0).buffer(3000).difference(Point(0, 0).buffer(1000)),  # a hole
    ],
)
def test_cells_covering_polygons_match_brute_force(area):
    grid = HexGrid(500.0)
    q, r = grid.cells_covering(area)
    assert set(zip(q.tolist(), r.tolist())) == brute_force_cells(grid, area, overlap=True)
    assert (np.diff(q) >= 0).all()  # sorted by q, then r


def test_cells_covering_box_degenerate_extents():
    grid = HexGrid(500.0)
    q, r = grid.cells_covering_box(10.0, 10.0, 10.0, 10.0)  # all reads at one spot
    assert list(zip(q.tolist(), r.tolist())) == [tuple(int(v[0]) for v in grid.cell_of([10.0], [10.0]))]
    q, r = grid.cells_covering_box(0.0, 0.0, 0.0, 1000.0)  # a north-south line of reads
    assert set(zip(q.tolist(), r.tolist())) == brute_force_cells(grid, LineString([(0, 0), (0, 1000)]), overlap=False)
    assert len(q) == 3


def test_cells_covering_points_holds_every_point():
    grid = HexGrid(500.0)
    # A lattice puts reads exactly on hexagon edges, some of them on the extent's edge too.
    gx, gy = np.meshgrid(np.arange(0, 4001, 250.0), np.arange(0, 4001, 250.0))
    x, y = gx.ravel(), gy.ravel()
    q, r = grid.cells_covering_points(x, y)
    pq, pr = grid.cell_of(x, y)
    assert (cell_index(q, r, pq, pr) >= 0).all()
    box_q, box_r = grid.cells_covering_box(0, 0, 4000, 4000)
    assert set(zip(box_q.tolist(), box_r.tolist())) < set(zip(q.tolist(), r.tolist()))
    assert len(q) - len(box_q) <= 20  # only cells that touch the extent are added
    assert (np.diff(q) >= 0).all()


def test_cells_covering_empty_area():
    q, r = HexGrid(100.0).cells_covering(Point(0, 0).buffer(10).difference(Point(0, 0).buffer(20)))
    assert len(q) == len(r) == 0


def test_grid_is_anchored_whatever_the_extent():
    grid = HexGrid(400.0)
    small = set(zip(*(a.tolist() for a in grid.cells_covering_box(0, 0, 1000, 1000))))
    large = set(zip(*(a.tolist() for a in grid.cells_covering_box(-5000, -5000, 5000, 5000))))
    assert small < large


def test_cell_index_finds_cells_and_misses():
    cell_q = np.array([3, -1, 0, 0])
    cell_r = np.array([-2, 5, 0, 1])
    idx = cell_index(cell_q, cell_r, np.array([0, 3, 0, 9, -1, 0]), np.array([1, -2, 0, 9, 5, -7]))
    assert idx.tolist() == [3, 0, 2, -1, 1, -1]
    assert cell_index(
        np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([1]), np.array([1])
    ).tolist() == [-1]


def test_bulk_wkb_equals_shapely_polygons():
    grid = HexGrid(123.0, x0=500000.0, y0=4100000.0)
    q = np.array([0, 5, -7])
    r = np.array([0, -3, 11])
    for raw, polygon in zip(grid.wkb(q, r), grid.polygons(q, r)):
        assert shapely_wkb.loads(raw).equals_exact(polygon, 1e-9)


def test_count_in_box_is_a_fair_estimate():
    grid = HexGrid(100.0)
    estimate = grid.count_in_box(0, 0, 10_000, 10_000)
    actual = len(grid.cells_covering_box(0, 0, 10_000, 10_000)[0])
    assert actual <= estimate <= 1.1 * actual


@pytest.mark.parametrize("size", [0.0, -5.0, float("nan"), float("inf")])
def test_size_must_be_positive(size):
    with pytest.raises(ValueError, match="positive"):
        HexGrid(size)
