"""core.sites: counts within a radius, distinct plates, the seeded read-location baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.sites import site_counts


def line_of_reads(n=100, step=1.0):
    """Reads along the x axis, ``step`` metres apart."""
    return np.arange(n) * step, np.zeros(n)


def test_counts_within_the_radius_border_included():
    x, y = line_of_reads()
    result = site_counts(x, y, np.array([0.0, 50.0, 500.0, np.nan]), np.array([0.0, 3.0, 0.0, 0.0]), 5.0, draws=50)
    table = result.table
    assert table["read_count"].tolist()[:3] == [6, 9, 0]  # 0..5; 46..54 (x² + 3² ≤ 25); none
    assert table["read_count"].isna().tolist() == [False, False, False, True]
    assert table["percentile"].isna().tolist() == [False, False, False, True]
    assert result.reads_near_any == 6 + 9


def test_unique_plates_after_normalisation():
    x, y = line_of_reads(6)
    plates = pd.Series(["6TRM913", "6trm 913", "6TRM-913", "ABC123", None, "XYZ999"])
    table = site_counts(x, y, np.array([2.0, 100.0]), np.array([0.0, 0.0]), 10.0, plates=plates, draws=20).table
    assert table["unique_plates"].tolist() == [3, 0]
    no_plates = site_counts(x, y, np.array([2.0]), np.array([0.0]), 10.0, draws=20).table
    assert no_plates["unique_plates"].isna().all()


def test_baseline_excludes_the_drawn_read_and_is_seeded():
    x, y = line_of_reads(200, step=10.0)  # 10 m apart: with a 12 m radius each read has 2 neighbours (1 at the ends)
    a = site_counts(x, y, np.array([5.0]), np.array([0.0]), 12.0, draws=500, seed=1)
    b = site_counts(x, y, np.array([5.0]), np.array([0.0]), 12.0, draws=500, seed=1)
    c = site_counts(x, y, np.array([5.0]), np.array([0.0]), 12.0, draws=500, seed=2)
    assert set(a.draw_counts.tolist()) <= {1, 2} and a.draw_counts.mean() > 1.9
    assert np.array_equal(a.draw_counts, b.draw_counts) and a.table.equals(b.table)
    assert not np.array_equal(a.draw_counts, c.draw_counts)
    assert a.table["expected_reads"].iloc[0] == pytest.approx(a.draw_counts.mean())
    assert a.table["read_count"].iloc[0] == 2  # x = 0 and 10


def test_percentile_counts_ties_half():
    x, y = line_of_reads(200, step=10.0)
    result = site_counts(x, y, np.array([5.0, 5000.0, 1000.0]), np.array([0.0, 0.0, 0.0]), 12.0, draws=400, seed=3)
    draws = result.draw_counts
    below, equal = (draws < 2).mean(), (draws == 2).mean()
    assert result.table["percentile"].iloc[0] == pytest.approx(100 * (below + equal / 2))
    assert result.table["percentile"].iloc[1] == 0.0  # no reads: below every draw
    assert result.table["ratio_expected"].iloc[1] == 0.0


def test_empty_and_degenerate_inputs():
    empty = site_counts(np.array([]), np.array([]), np.array([1.0]), np.array([1.0]), 10.0)
    assert empty.table["read_count"].tolist() == [0] and np.isnan(empty.table["expected_reads"].iloc[0])
    assert len(empty.draw_counts) == 0 and np.isnan(empty.table["percentile"].iloc[0])
    no_sites = site_counts(*line_of_reads(10), np.array([]), np.array([]), 10.0, draws=10)
    assert no_sites.table.empty and len(no_sites.draw_counts) == 10
    alone = site_counts(np.array([0.0, 100.0]), np.array([0.0, 0.0]), np.array([0.0]), np.array([0.0]), 1.0, draws=10)
    assert alone.table["expected_reads"].iloc[0] == 0.0 and np.isnan(alone.table["ratio_expected"].iloc[0])


def test_cancel():
    with pytest.raises(Cancelled):
        site_counts(*line_of_reads(10), np.array([1.0]), np.array([1.0]), 5.0, cancelled=lambda: True)
