"""core.crime: the category filter, counts per zone, correlation and the top-crime zones, hexagon zones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from alpr_qgis.core.crime import (
    STATS_FIELDS,
    category_mask,
    compile_filter,
    crime_stats,
    hex_zones,
    top_crime_zones,
    zone_counts,
)
from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.hexgrid import HexGrid


def test_category_filter_is_case_insensitive_and_searches_anywhere():
    categories = pd.Series(["VEHICLE THEFT", "auto burglary", "STOLEN PLATE", "THEFT", None, "Burglary - Auto"])
    mask = category_mask(categories, compile_filter("vehicle|AUTO|plate"))
    assert mask.tolist() == [True, True, True, False, False, True]
    assert category_mask(categories, compile_filter("  ")).all() and compile_filter("") is None


def test_bad_regular_expression():
    with pytest.raises(AlprInputError, match=r'"AUTO\(" is not a valid regular expression'):
        compile_filter("AUTO(")


def test_zone_counts_and_reads_per_crime():
    table = zone_counts(np.array([0, 0, 1, -1, 2, 2, 2]), np.array([0, 2, -1, 2]), 4)
    assert table["read_count"].tolist() == [2, 1, 3, 0]
    assert table["crime_count"].tolist() == [1, 0, 2, 0]
    np.testing.assert_allclose(table["reads_per_crime"], [2.0, np.nan, 1.5, np.nan])


def test_crime_stats_match_scipy():
    rng = np.random.default_rng(4)
    zones = pd.DataFrame({"read_count": rng.integers(0, 100, 20), "crime_count": rng.integers(0, 30, 20)})
    row = crime_stats(zones, "AUTO").iloc[0]
    rho, p = scipy_stats.spearmanr(zones["read_count"], zones["crime_count"])
    assert list(crime_stats(zones).columns) == list(STATS_FIELDS)
    assert row["spearman"] == pytest.approx(rho) and row["spearman_p"] == pytest.approx(p)
    assert (row["zone_count"], row["read_count"], row["crime_count"]) == (
        20,
        zones.read_count.sum(),
        zones.crime_count.sum(),
    )
    assert row["top_crime_zones"] == 4 and row["category_filter"] == "AUTO"


def test_top_crime_zones_by_hand():
    reads = np.array([50.0, 10, 10, 10, 10, 5, 5, 0, 0, 0])
    crimes = np.array([0.0, 0, 0, 0, 0, 0, 0, 0, 30, 10])  # crime where the cameras are not
    mask, crime_share, read_share = top_crime_zones(reads, crimes)
    assert mask.tolist() == [False] * 8 + [True, True]
    assert crime_share == 1.0 and read_share == 0.0
    mask, _, _ = top_crime_zones(np.array([1.0, 2.0]), np.array([3.0, 3.0]))
    assert mask.tolist() == [True, False]  # at least one zone; ties by zone order


def test_degenerate_stats_are_null_not_errors():
    for zones in (
        pd.DataFrame({"read_count": [], "crime_count": []}),
        pd.DataFrame({"read_count": [1, 2], "crime_count": [3, 4]}),
        pd.DataFrame({"read_count": [1, 2, 3], "crime_count": [0, 0, 0]}),
    ):
        row = crime_stats(zones).iloc[0]
        assert np.isnan(row["spearman"]) and np.isnan(row["pearson_p"])
    empty = crime_stats(pd.DataFrame({"read_count": [], "crime_count": []})).iloc[0]
    assert empty["top_crime_zones"] == 0 and np.isnan(empty["top_crime_read_share"])
    no_crime = crime_stats(pd.DataFrame({"read_count": [1, 2, 3], "crime_count": [0, 0, 0]})).iloc[0]
    assert np.isnan(no_crime["top_crime_share"])


def test_hex_zones_keep_cells_with_a_read_or_a_crime():
    grid = HexGrid(100.0)
    rx = np.array([0.0, 5.0, 1000.0, np.nan])
    ry = np.array([0.0, 5.0, 0.0, 0.0])
    cx, cy = np.array([0.0, 5000.0]), np.array([3.0, 0.0])
    q, r, read_zone, crime_zone = hex_zones(grid, rx, ry, cx, cy)
    assert len(q) == 3  # the origin's cell, the read 1 km east, the crime 5 km east
    assert read_zone[0] == read_zone[1] == crime_zone[0] and read_zone[3] == -1
    assert len({read_zone[0], read_zone[2], crime_zone[1]}) == 3
    counts = zone_counts(read_zone, crime_zone, len(q))
    assert counts["read_count"].sum() == 3 and counts["crime_count"].sum() == 2
    q, r, read_zone, crime_zone = hex_zones(grid, np.array([]), np.array([]), np.array([]), np.array([]))
    assert len(q) == 0 and len(read_zone) == 0
