"""core.spatial: containment with borders inside, first covering polygon, repair, exact distances."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Point, Polygon, box
from shapely.ops import voronoi_diagram

from alpr_qgis.core import spatial
from alpr_qgis.core.errors import Cancelled

SQUARE_WITH_HOLE = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [
        (1, 1, True),  # interior
        (5, 5, False),  # in the hole
        (11, 5, False),  # beyond
        (10, 5, True),  # on the outer edge
        (0, 0, True),  # on a corner
        (4, 5, True),  # on the hole's edge
        (6, 6, True),  # on the hole's corner
        (10 + 1e-6, 5, False),  # a micrometre out: beyond the tolerance
        (10 + 1e-12, 5, True),  # rounding noise: on the border
        (np.nan, 5, False),  # no location
    ],
)
def test_covered_counts_the_border_as_inside(x, y, inside):
    assert spatial.covered(SQUARE_WITH_HOLE, np.array([x], dtype=float), np.array([y], dtype=float))[0] == inside


def test_covered_with_multipolygon_and_degrees():
    parts = MultiPolygon([box(-122.3, 37.7, -122.2, 37.8), box(-122.1, 37.7, -122.0, 37.8)])
    x = np.array([-122.25, -122.15, -122.05, -122.2, -122.1 - 1e-7])
    y = np.array([37.75, 37.75, 37.75, 37.8, 37.75])
    assert spatial.covered(parts, x, y).tolist() == [True, False, True, True, False]


def test_covered_empty_inputs():
    assert spatial.covered(box(0, 0, 1, 1), np.array([]), np.array([])).tolist() == []
    assert spatial.covered(None, np.array([0.5]), np.array([0.5])).tolist() == [False]


def test_border_tolerance_scales_with_the_polygon():
    assert spatial.border_tolerance((0, 0, 10_000, 8_000)) == pytest.approx(1e-5)
    assert spatial.border_tolerance((-122.3, 37.7, -122.2, 37.8)) == pytest.approx(1e-10)
    assert spatial.border_tolerance((5, 5, 5, 5)) > 0


def test_sorted_points_in_box_matches_brute_force():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 100, 5000), rng.uniform(0, 100, 5000)
    x[::97] = np.nan
    points = spatial.SortedPoints(x, y)
    for minx, miny, maxx, maxy in [(10, 20, 30, 25), (0, 0, 100, 100), (50, 50, 50, 50), (-5, -5, -1, -1)]:
        with np.errstate(invalid="ignore"):
            expected = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        assert points.in_box(minx, miny, maxx, maxy).tolist() == expected.tolist()


def test_locate_first_polygon_wins_on_shared_borders():
    polygons = [box(0, 0, 1, 1), None, box(1, 0, 2, 1), box(0, 0, 2, 1)]
    x = np.array([0.5, 1.0, 1.5, 3.0, np.nan, 2.0])
    y = np.array([0.5, 0.5, 0.5, 0.5, 0.5, 1.0])
    assert spatial.locate(x, y, polygons).tolist() == [0, 0, 2, -1, -1, 2]


def test_locate_agrees_with_shapely_on_random_tiles():
    rng = np.random.default_rng(7)
    seeds = rng.uniform(0, 10, (30, 2))
    cells = [c.intersection(box(0, 0, 10, 10)) for c in voronoi_diagram(MultiPoint(seeds.tolist())).geoms]
    x, y = rng.uniform(-1, 11, 3000), rng.uniform(-1, 11, 3000)
    unit = spatial.locate(x, y, cells)
    for i in range(0, 3000, 7):
        expected = next((j for j, c in enumerate(cells) if c.covers(Point(x[i], y[i]))), -1)
        assert unit[i] == expected


def test_locate_reports_progress_and_honours_cancel():
    seen = []
    spatial.locate(np.array([0.5]), np.array([0.5]), [box(0, 0, 1, 1), box(2, 2, 3, 3)], progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 1.0
    with pytest.raises(Cancelled):
        spatial.locate(np.array([0.5]), np.array([0.5]), [box(0, 0, 1, 1)], cancelled=lambda: True)


def test_repair_polygon():
    bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    assert not bow_tie.is_valid
    fixed, status = spatial.repair_polygon(bow_tie)
    assert status == "repaired" and fixed.is_valid and fixed.area == pytest.approx(2.0)
    square = box(0, 0, 1, 1)
    assert spatial.repair_polygon(square) == (square, "ok")
    assert spatial.repair_polygon(None) == (None, "empty")
    assert spatial.repair_polygon(Polygon()) == (None, "empty")
    assert spatial.repair_polygon(LineString([(0, 0), (1, 1)])) == (None, "empty")


def test_as_multipolygon_drops_z_and_non_polygons():
    poly3d = Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5)])
    multi = spatial.as_multipolygon(poly3d)
    assert multi.geom_type == "MultiPolygon" and not multi.has_z
    assert spatial.as_multipolygon(LineString([(0, 0), (1, 1)])) is None


def test_boundary_segments_include_holes():
    seg = spatial.boundary_segments(SQUARE_WITH_HOLE)
    assert len(seg) == 8
    assert spatial.boundary_segments(None).shape == (0, 4)


def test_split_segments_keeps_the_line():
    seg = np.array([[0.0, 0.0, 10.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    pieces = spatial.split_segments(seg, 3.0)
    assert len(pieces) == 4 + 1
    assert np.hypot(pieces[:, 2] - pieces[:, 0], pieces[:, 3] - pieces[:, 1]).sum() == pytest.approx(11.0)
    assert pieces[0, :2].tolist() == [0.0, 0.0] and pieces[3, 2:].tolist() == [10.0, 0.0]


def test_distance_to_segments_is_exact():
    rng = np.random.default_rng(11)
    t = np.linspace(0, 2 * np.pi, 400, endpoint=False)
    radius = 4 + 0.5 * np.sin(7 * t)
    shape = Polygon(np.column_stack([5 + radius * np.cos(t), 5 + radius * np.sin(t)])).difference(box(4, 4, 6, 6))
    seg = spatial.boundary_segments(shape)
    x = np.concatenate([rng.uniform(-2, 12, 400), rng.uniform(100, 300, 50), [np.nan]])
    y = np.concatenate([rng.uniform(-2, 12, 400), rng.uniform(-100, 100, 50), [1.0]])
    got = spatial.distance_to_segments(x, y, seg)
    ring = shape.boundary
    expected = [ring.distance(Point(a, b)) for a, b in zip(x[:-1], y[:-1])]
    assert np.allclose(got[:-1], expected, rtol=0, atol=1e-9)
    assert np.isnan(got[-1])


def test_distance_to_a_few_long_segments():
    seg = spatial.boundary_segments(box(0, 0, 1000, 1000))
    got = spatial.distance_to_segments(
        np.array([500.0, -3.0, 1250.0, 500.0]), np.array([500.0, -4.0, 500.0, 1000.0]), seg
    )
    assert got.tolist() == pytest.approx([500.0, 5.0, 250.0, 0.0])
    assert np.isnan(spatial.distance_to_segments(np.array([1.0]), np.array([1.0]), np.empty((0, 4)))).all()
