"""alpr_qgis.core.track_stream: tracks made piece by piece are split_coded's tracks, to the last bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.track_stream import COLUMNS, GlitchFilter, TrackSplitter, device_middle, device_middle_read
from alpr_qgis.core.tracks import FIXED_SHARE, _middles, _sorted_devices, linestring_wkb, split_coded

NAT = np.iinfo(np.int64).min


def reads(n: int, seed: int):
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 5, n).astype(np.int32)
    codes[: n // 3] = 2  # one busy device
    ns = (rng.integers(0, 6 * 3600, n) * 1_000_000_000).astype(np.int64)
    ns[rng.random(n) < 0.02] = NAT
    ns[5:25] = ns[4]  # reads in the same second
    x = np.cumsum(rng.normal(0, 400, n))
    y = np.cumsum(rng.normal(0, 400, n))
    far = rng.random(n) < 0.03
    x[far], y[far] = 0.0, 0.0  # glitches at 0,0
    x[rng.random(n) < 0.02] = np.nan
    rid = np.arange(100, 100 + n, dtype=np.int64)
    null = rng.random(n) < 0.05
    return codes, ns, x, y, rid, null


def sorted_pieces(codes, values, ns, x, y, rid, null, bounds):
    """The valid reads as split_coded sorts them, cut at ``bounds``, with x*2 as layer x (vertices)."""
    valid = np.flatnonzero(np.isfinite(x) & np.isfinite(y) & (ns != NAT) & (codes >= 0))
    rank, names = _sorted_devices(codes[valid], values)
    order = valid[np.lexsort((valid, ns[valid], rank))]
    rank = rank[np.lexsort((valid, ns[valid], rank))]
    whole = {
        "code": rank.astype(np.int32),
        "ns": ns[order],
        "sx": x[order],
        "sy": y[order],
        "x": 2 * x[order],
        "y": 2 * y[order],
        "rid": rid[order],
        "null": null[order],
    }
    edges = [0, *bounds, len(order)]
    return names, [{k: whole[k][a:b] for k in COLUMNS} for a, b in zip(edges[:-1], edges[1:])]


@pytest.mark.parametrize("drop", [True, False])
@pytest.mark.parametrize("cuts", [[], [1], [1, 2, 3], [7, 8, 300, 301, 302, 900], list(range(0, 1400, 13))])
def test_tracks_in_pieces_are_the_whole_column_tracks(drop, cuts):
    codes, ns, x, y, rid, null = reads(1500, 7)
    values = ["d{}".format(v) for v in range(5)]
    ids = pd.arrays.IntegerArray(rid, null)
    whole = split_coded(codes, values, ns, x, y, max_gap_s=600, max_speed_ms=30, read_id=ids, drop_glitches=drop)
    names, pieces = sorted_pieces(codes, values, ns, x, y, rid, null, cuts)
    glitch = GlitchFilter(drop, 30)
    split = TrackSplitter(names, 600, 30, with_read_ids=True)
    tables, wkb = [], []
    for piece in pieces + [None]:
        kept = glitch.push(piece) if piece is not None else glitch.flush()
        table, lines = split.push(kept)
        tables.append(table)
        wkb += lines
    table, lines = split.flush()
    tables.append(table)
    wkb += lines
    got = pd.concat(tables, ignore_index=True)
    pd.testing.assert_frame_equal(got, whole.table, check_exact=True)
    assert wkb == linestring_wkb(2 * x, 2 * y, whole)
    assert glitch.glitches == whole.glitches and (not drop or whole.glitches > 0)
    assert split.single_reads == whole.single_reads and split.on_lines == len(whole.order)


def test_without_read_ids_the_ids_are_null():
    codes, ns, x, y, rid, null = reads(300, 3)
    values = ["d{}".format(v) for v in range(5)]
    whole = split_coded(codes, values, ns, x, y, max_gap_s=600, max_speed_ms=30)
    names, pieces = sorted_pieces(codes, values, ns, x, y, rid, null, [50, 51])
    glitch, split = GlitchFilter(True, 30), TrackSplitter(names, 600, 30, with_read_ids=False)
    tables = [split.push(glitch.push(p))[0] for p in pieces]
    tables += [split.push(glitch.flush())[0], split.flush()[0]]
    pd.testing.assert_frame_equal(pd.concat(tables, ignore_index=True), whole.table, check_exact=True)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 1000, 1001])
def test_device_middle_is_the_middles_of_core_tracks(n):
    rng = np.random.default_rng(n)
    x = rng.normal(500, 40, n)
    y = rng.normal(-300, 40, n)
    mx, my, spread, _ = _middles(np.zeros(n, dtype=np.int32), 1, x, y)
    got = device_middle(x.copy(), y.copy())
    assert got == (mx[0], my[0], spread[0])
    columns = {"x": x, "y": y}
    assert device_middle_read(lambda c, a, b: columns[c][a:b].copy(), n, 7) == got
    assert FIXED_SHARE < 1
