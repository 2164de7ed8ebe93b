"""core.sites.site_counts slice by slice: any slice size gives the figures of one slice, plates asked for only near a site."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.plates import normalise_plates
from alpr_qgis.core.sites import site_counts


def clustered_reads(n=3000, seed=5):
    """Reads crowding around a few places (so the draws' counts vary), some without a location, with plates."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [400.0, 100.0], [-300.0, 250.0], [1000.0, -800.0]])
    which = rng.integers(0, len(centres), n)
    xy = centres[which] + rng.normal(0.0, 60.0, (n, 2))
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    x[rng.choice(n, 40, replace=False)] = np.nan
    y[rng.choice(n, 40, replace=False)] = np.nan
    letters = np.array(["7ABC123", "7abc 123", "5-XYZ-999", "4DEF456", "8GHI789", None], dtype=object)
    plates = pd.Series(letters[rng.integers(0, len(letters), n)])
    plates = plates.where(rng.random(n) < 0.5, pd.Series([f"P{i % 700:04d}" for i in range(n)]))
    return x, y, plates


SITES_X = np.array([0.0, 420.0, -280.0, 5000.0, np.nan, 1000.0])
SITES_Y = np.array([10.0, 90.0, 240.0, 0.0, 0.0, -800.0])


@pytest.mark.parametrize("slice_rows", [1, 7, 100, 2999])
def test_any_slice_size_gives_the_figures_of_one_slice(slice_rows):
    x, y, plates = clustered_reads()
    args = (x, y, SITES_X, SITES_Y, 45.0)
    whole = site_counts(*args, plates=plates, draws=300, seed=11, slice_rows=len(x))
    sliced = site_counts(*args, plates=plates, draws=300, seed=11, slice_rows=slice_rows)
    assert whole.table["read_count"].tolist()[:4] == sliced.table["read_count"].tolist()[:4]
    assert whole.table["read_count"].iloc[0] > 20 and whole.table["read_count"].iloc[3] == 0
    pd.testing.assert_frame_equal(whole.table, sliced.table)
    assert np.array_equal(whole.draw_counts, sliced.draw_counts)
    assert len(set(whole.draw_counts.tolist())) > 5  # a baseline that varies, not a constant
    assert whole.reads_near_any == sliced.reads_near_any > 0
    # the default slice size too
    default = site_counts(*args, plates=plates, draws=300, seed=11)
    pd.testing.assert_frame_equal(whole.table, default.table)
    assert np.array_equal(whole.draw_counts, default.draw_counts)


def test_plates_by_row_only_near_a_site_same_figures():
    x, y, plates = clustered_reads()
    asked = []

    def fetch(rows):
        asked.append(rows.copy())
        return plates.iloc[rows]

    args = (x, y, SITES_X, SITES_Y, 45.0)
    from_series = site_counts(*args, plates=plates, draws=100, seed=2, slice_rows=64)
    from_rows = site_counts(*args, plates=fetch, draws=100, seed=2, slice_rows=64)
    pd.testing.assert_frame_equal(from_series.table, from_rows.table)
    assert from_series.table["unique_plates"].iloc[0] > 3
    (rows,) = asked  # one pass over the plates, for the reads near a site only
    assert np.all(np.diff(rows) > 0) and len(rows) == from_rows.reads_near_any < len(x) // 3
    for i in range(4):  # against every read's distance, by brute force
        near = np.flatnonzero(np.hypot(x - SITES_X[i], y - SITES_Y[i]) <= 45.0)
        assert from_rows.table["read_count"].iloc[i] == len(near)
        assert from_rows.table["unique_plates"].iloc[i] == normalise_plates(plates.iloc[near]).dropna().nunique()
