"""core.jurisdiction: inside/outside/missing, neighbour names, the per-jurisdiction table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from alpr_qgis.core.jurisdiction import UNNAMED, by_jurisdiction, classify, dissolve, near_null_island, neighbour_names


def test_dissolve_merges_and_skips_empty():
    merged = dissolve([box(0, 0, 1, 1), None, box(1, 0, 2, 1)])
    assert merged.area == pytest.approx(2.0) and merged.geom_type == "Polygon"
    assert dissolve([]) is None and dissolve([None]) is None


def test_classify_accounts_for_every_read():
    area = dissolve([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    x = np.array([0.5, 1.0, 2.0, 3.0, np.nan, -0.1])
    y = np.array([0.5, 0.5, 1.0, 0.5, 0.5, 0.5])
    result = classify(x, y, area)
    assert result.outside.tolist() == [False, False, False, True, False, True]
    assert result.missing.tolist() == [False, False, False, False, True, False]
    assert result.inside.tolist() == [True, True, True, False, False, False]
    assert (result.inside_count, result.outside_count, result.missing_count) == (3, 2, 1)


def test_neighbour_names():
    neighbours = [box(2, 0, 3, 1), box(3, 0, 4, 1), box(4, 0, 5, 1), box(2.5, 0, 3.5, 1)]
    names = ["East", None, "  ", "Overlap"]
    x = np.array([2.5, 3.5, 4.5, 9.0, 3.0])
    got = neighbour_names(x, np.full(5, 0.5), neighbours, names)
    # the first polygon wins where two overlap or share a border; blank and null names are unnamed
    assert got.tolist() == ["East", UNNAMED, UNNAMED, UNNAMED, "East"]
    assert neighbour_names(np.array([1.0]), np.array([1.0]), [], []).tolist() == [UNNAMED]
    assert neighbour_names(np.array([]), np.array([]), neighbours, names).tolist() == []


def test_by_jurisdiction_table():
    jurisdiction = np.array(["B", "A", "A", UNNAMED, "A"], dtype=object)
    distance = np.array([10.0, 1.0, 3.0, 30000.0, 2.0])
    times = pd.Series(pd.to_datetime(["2014-07-14 10:00", "2014-07-15", "2014-07-14", "2014-07-17 14:07", None]))
    devices = pd.Series(["P1", "P2", "P1", "P2", None])
    table = by_jurisdiction(jurisdiction, distance, times, devices)
    assert table["jurisdiction"].tolist() == ["A", "B", UNNAMED]
    assert table["read_count"].tolist() == [3, 1, 1]
    a = table.iloc[0]
    assert (a.min_distance_m, a.median_distance_m, a.max_distance_m) == (1.0, 2.0, 3.0)
    assert a.first_read == pd.Timestamp("2014-07-14") and a.last_read == pd.Timestamp("2014-07-15")
    assert a.devices == "P1, P2"
    assert table.iloc[2].devices == "P2"


def test_by_jurisdiction_empty():
    table = by_jurisdiction(np.array([], dtype=object), np.array([]), pd.Series([], dtype="datetime64[ns]"))
    assert table.empty and list(table.columns)[:2] == ["jurisdiction", "read_count"]
    assert "first_read" in table.columns and "devices" not in table.columns


def test_near_null_island():
    lon = np.array([0.0, 0.005, -122.2, np.nan])
    lat = np.array([0.0, -0.001, 37.8, 0.0])
    assert near_null_island(lon, lat).tolist() == [True, True, False, False]
