"""core.spatial.PolygonLocator: points located a chunk at a time, each polygon prepared once: ``locate``'s answer."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from alpr_qgis.core import spatial
from alpr_qgis.core.errors import Cancelled


def polygons():
    holed = Polygon([(0, 0), (400, 0), (400, 400), (0, 400)], [[(100, 100), (300, 100), (300, 300), (100, 300)]])
    return [
        holed,
        box(400, 0, 800, 400),  # shares the border x = 400 with the first: its points go to the first
        None,
        box(150, 150, 250, 250),  # inside the hole
        Polygon(),
        MultiPolygon([box(900, 0, 1000, 100), box(1100, 0, 1200, 100)]),
        box(0, 0, 2000, 2000),  # under everything: only what the others leave
    ]


@pytest.mark.parametrize("chunk", [1, 7, 100, 10_000])
def test_chunks_give_what_locate_gives_on_every_point(chunk):
    rng = np.random.default_rng(chunk)
    x = np.concatenate([rng.uniform(-100, 2100, 600), [400.0, 400.0, 100.0, 150.0, 800.0, np.nan, 5.0]])
    y = np.concatenate([rng.uniform(-100, 2100, 600), [50.0, 400.0, 200.0, 150.0, 0.0, 5.0, np.nan]])
    expected = spatial.locate(x, y, polygons())
    locator = spatial.PolygonLocator(polygons())
    got = np.concatenate([locator.locate(x[i : i + chunk], y[i : i + chunk]) for i in range(0, len(x), chunk)])
    np.testing.assert_array_equal(got, expected)
    assert set(np.unique(expected)) >= {-1, 0, 1, 3, 5, 6}
    assert got[-7:-2].tolist() == [0, 0, 0, 3, 1]  # borders: the first polygon in order


def test_empty_chunks_and_cancel():
    locator = spatial.PolygonLocator(polygons())
    assert locator.locate(np.empty(0), np.empty(0)).tolist() == []
    assert locator.locate(np.array([np.nan]), np.array([1.0])).tolist() == [-1]
    with pytest.raises(Cancelled):
        locator.locate(np.array([1.0]), np.array([1.0]), cancelled=lambda: True)
