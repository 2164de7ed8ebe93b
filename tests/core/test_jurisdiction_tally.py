"""core.jurisdiction.OutsideTally: the summary gathered chunk by chunk is by_jurisdiction's of the whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.jurisdiction import UNNAMED, OutsideTally, by_jurisdiction


@pytest.mark.parametrize(
    "devices", [["a", None, "b", "a", "c", None], pd.array([3, None, 1, 3, 2, None], dtype="Int64")]
)
def test_tally_in_chunks_equals_the_whole(devices):
    table = pd.DataFrame(
        {
            "read_time": pd.to_datetime(["2014-07-0{}".format(d) for d in (1, 2, 3, 4, 5, 6)]),
            "device": devices,
        }
    )
    jurisdiction = np.array(["B", UNNAMED, "A", "B", UNNAMED, "A"], dtype=object)
    distance = np.array([5.0, 900.0, 1.0, 7.0, np.nan, 2.0])
    tally = OutsideTally()
    for lo, hi in ((0, 2), (2, 2), (2, 6)):  # (an empty chunk between)
        chunk = table.iloc[lo:hi].reset_index(drop=True)
        tally.add(chunk, np.arange(hi - lo), jurisdiction[lo:hi], distance[lo:hi])
    whole = by_jurisdiction(jurisdiction, distance, table["read_time"], table["device"])
    pd.testing.assert_frame_equal(tally.summary(), whole)
    assert tally.unnamed_count == 2 and tally.max_distance == 900.0
    assert whole["jurisdiction"].tolist() == ["A", "B", UNNAMED]
    assert whole["devices"].tolist() == (["b", "a", "c"] if isinstance(devices, list) else ["1", "3", "2"])
