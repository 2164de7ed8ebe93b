"""core.kde: the rims of frontier points marked a batch of pieces at a time give the cells marked all at once.

``mask._mark_rims`` gathers the pieces of runs to mark and marks them
every :data:`mask._RIM_PIECES` pieces (so its temporaries stay bounded
however many points lie on the coverage's frontier): marking is a union,
so the no-data cells and the values are the same, exactly, whatever the
batch size.
"""

from __future__ import annotations

import numpy as np
import pytest

from alpr_qgis.core import kde
from alpr_qgis.core.kde import mask
from tests.core.test_kde_strips import NODATA, clustered, streamed


@pytest.mark.parametrize(("r", "p", "strip_rows"), [(150.0, 10.0, 7), (130.0, 6.5, 40)])
def test_rims_marked_in_batches_give_the_same_raster(monkeypatch, r, p, strip_rows):
    x, y = clustered(3000, seed=3)
    sparse = np.random.default_rng(8).uniform(0, 3000, (400, 2))
    x, y = np.r_[x, sparse[:, 0] + 500000.0], np.r_[y, sparse[:, 1] + 4100000.0]
    grid = kde.Grid.around((x.min(), y.min(), x.max(), y.max()), r, p)
    calls = []
    mark_runs = mask._mark_runs
    monkeypatch.setattr(mask, "_mark_runs", lambda *args: calls.append(len(args[1])) or mark_runs(*args))
    at_once, builder = streamed(x, y, None, grid, r, chunk=501, strip_rows=strip_rows)
    strips_marked = len(calls)
    monkeypatch.setattr(mask, "_RIM_PIECES", 1)
    batched, batched_builder = streamed(x, y, None, grid, r, chunk=501, strip_rows=strip_rows)
    assert len(calls) - strips_marked > 2 * strips_marked > 0  # (marked in many more batches)
    assert (at_once == NODATA).sum() > 100 and (at_once != NODATA).sum() > 1000
    np.testing.assert_array_equal(batched, at_once)
    assert batched_builder.maximum == builder.maximum and batched_builder.points == builder.points == len(x)
    # and the no-data cells are those of the exact computation
    exact = kde.kernel_density(x, y, None, grid, r, exact_budget=10**12)
    assert exact.method == "exact"
    np.testing.assert_array_equal(batched == NODATA, exact.values == NODATA)
