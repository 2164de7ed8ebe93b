"""alpr_qgis.core.tracks: cutting each device's reads into patrols, without QGIS."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from shapely import wkb as shapely_wkb

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.tracks import (
    DEVICE_START,
    GAP,
    NO_DEVICE,
    NO_GEOMETRY,
    NO_TIME,
    SPEED,
    coerce_times,
    linestring_wkb,
    split_tracks,
)

T0 = pd.Timestamp("2014-07-17 08:00:00")
GAP_S = 30 * 60.0
SPEED_MS = 150 / 3.6


def reads(rows):
    """(device, seconds after T0 or None, x, y) rows -> columns."""
    device = pd.Series([r[0] for r in rows], dtype=object)
    time = pd.Series([T0 + pd.Timedelta(seconds=r[1]) if r[1] is not None else pd.NaT for r in rows])
    x = np.array([r[2] for r in rows], dtype=float)
    y = np.array([r[3] for r in rows], dtype=float)
    return device, time, x, y


def run(rows, **kw):
    kw.setdefault("max_gap_s", GAP_S)
    kw.setdefault("max_speed_ms", SPEED_MS)
    return split_tracks(*reads(rows), **kw)


def summary(tracks):
    t = tracks.table
    return list(zip(t["device"], t["read_count"], t["start_reason"]))


def test_one_patrol_is_one_track():
    rows = [("P1", 60 * i, 300.0 * i, 0.0) for i in range(5)]  # 300 m a minute: 18 km/h
    tracks = run(rows)
    row = tracks.table.iloc[0]
    assert len(tracks.table) == 1 and tracks.devices == 1
    assert (row["device"], row["read_count"], row["start_reason"]) == ("P1", 5, DEVICE_START)
    assert row["start_time"] == T0 and row["end_time"] == T0 + pd.Timedelta(minutes=4)
    assert row["length_m"] == pytest.approx(1200.0) and row["duration_min"] == pytest.approx(4.0)
    assert list(tracks.table.columns) == [
        "track_id",
        "device",
        "start_time",
        "end_time",
        "read_count",
        "length_m",
        "duration_min",
        "start_reason",
        "first_read_id",
        "last_read_id",
    ]
    assert tracks.table["first_read_id"].isna().all()  # no read ids given
    assert tracks.order.tolist() == [0, 1, 2, 3, 4] and tracks.offsets.tolist() == [0, 5]
    assert tracks.single_reads == 0 and tracks.skipped_total == 0


def test_gap_splits():
    rows = [("P1", 0, 0.0, 0.0), ("P1", 600, 500.0, 0.0), ("P1", 600 + 1801, 900.0, 0.0), ("P1", 4000, 1000.0, 0.0)]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 2, DEVICE_START), ("P1", 2, GAP)]
    assert tracks.table["length_m"].tolist() == [500.0, 100.0]  # the step across the gap belongs to no track
    # Exactly the maximum gap does not split.
    rows[2] = ("P1", 600 + 1800, 900.0, 0.0)
    assert summary(run(rows)) == [("P1", 4, DEVICE_START)]


def test_speed_splits():
    # 1000 m in 20 s is 180 km/h: too fast; 1000 m in 30 s is 120 km/h: fine.
    rows = [("P1", 0, 0.0, 0.0), ("P1", 10, 100.0, 0.0), ("P1", 30, 1100.0, 0.0), ("P1", 60, 2100.0, 0.0)]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 2, DEVICE_START), ("P1", 2, SPEED)]
    assert tracks.table["length_m"].tolist() == [100.0, 1000.0]
    assert summary(run(rows, max_speed_ms=200 / 3.6)) == [("P1", 4, DEVICE_START)]


def test_same_second_reads_do_not_split():
    # Several plates read in one second, a few metres apart (GPS noise): no infinite speed.
    rows = [("P1", 0, 0.0, 0.0), ("P1", 0, 8.0, 6.0), ("P1", 0, 0.0, 0.0), ("P1", 5, 50.0, 0.0)]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 4, DEVICE_START)]
    assert tracks.table["length_m"][0] == pytest.approx(10 + 10 + 50)
    # Ties keep their input order.
    assert tracks.order.tolist() == [0, 1, 2, 3]


def test_time_order_whatever_the_input_order():
    rows = [("P1", 60 * i, 100.0 * i, 10.0 * i) for i in range(6)]
    shuffled = [rows[k] for k in (3, 0, 5, 1, 4, 2)]
    tracks = run(shuffled)
    assert tracks.order.tolist() == [1, 3, 5, 0, 4, 2]  # input positions, in time order
    device, time, x, y = reads(shuffled)
    line = shapely_wkb.loads(linestring_wkb(x, y, tracks)[0])
    assert list(line.coords) == [(100.0 * i, 10.0 * i) for i in range(6)]
    assert tracks.table["length_m"][0] == pytest.approx(5 * math.hypot(100, 10))


def test_two_devices_interleaved():
    rows = []
    for i in range(4):
        rows.append(("P2", 60 * i, 0.0, 100.0 * i))
        rows.append(("P1", 60 * i + 30, 5000.0 + 100 * i, 0.0))
    tracks = run(rows, read_id=np.arange(1, 9))
    assert summary(tracks) == [("P1", 4, DEVICE_START), ("P2", 4, DEVICE_START)]
    assert tracks.devices == 2
    assert tracks.table["track_id"].tolist() == [1, 2]
    assert tracks.table["first_read_id"].tolist() == [2, 1] and tracks.table["last_read_id"].tolist() == [8, 7]
    # The step from one device to the other is no step: each track is 300 m long.
    assert tracks.table["length_m"].tolist() == [300.0, 300.0]
    lines = [shapely_wkb.loads(w) for w in linestring_wkb(*reads(rows)[2:], tracks)]
    assert [len(line.coords) for line in lines] == [4, 4]
    assert lines[1].coords[0] == (0.0, 0.0) and lines[1].coords[-1] == (0.0, 300.0)


def test_nulls_are_skipped_and_counted():
    rows = [
        ("P1", 0, 0.0, 0.0),
        ("P1", 60, math.nan, math.nan),  # no geometry
        ("P1", None, 10.0, 0.0),  # no time
        (None, 90, 10.0, 0.0),  # no device
        ("", 95, 10.0, 0.0),  # empty device
        ("P1", 120, 200.0, 0.0),
    ]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 2, DEVICE_START)]
    assert tracks.skipped == {NO_GEOMETRY: 1, NO_TIME: 1, NO_DEVICE: 2}
    assert tracks.skipped_total == 4 and tracks.order.tolist() == [0, 5]


def test_single_read_tracks_are_counted_not_drawn():
    rows = [
        ("P1", 0, 0.0, 0.0),
        ("P1", 60, 100.0, 0.0),
        ("P1", 5000, 200.0, 0.0),  # alone between two gaps
        ("P1", 10000, 300.0, 0.0),
        ("P1", 10060, 400.0, 0.0),
        ("P3", 0, 0.0, 0.0),  # a device with one read
    ]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 2, DEVICE_START), ("P1", 2, GAP)]
    assert tracks.single_reads == 2 and tracks.devices == 2
    assert tracks.table["read_count"].sum() + tracks.single_reads == len(rows)


def test_lone_glitch_is_left_out():
    # A read at 0,0 in the middle of a patrol 4,000 km away: jumps there and straight back.
    rows = [("P1", 60 * i, 4e6 + 200.0 * i, 0.0) for i in range(6)]
    rows[3] = ("P1", 180, 0.0, 0.0)
    tracks = run(rows)
    assert summary(tracks) == [("P1", 5, DEVICE_START)] and tracks.glitches == 1
    assert 3 not in tracks.order.tolist()
    assert tracks.table["length_m"][0] == pytest.approx(1000.0)
    # Without glitch removal it breaks the track in three.
    tracks = run(rows, drop_glitches=False)
    assert summary(tracks) == [("P1", 3, DEVICE_START), ("P1", 2, SPEED)]
    assert tracks.single_reads == 1 and tracks.glitches == 0


def test_a_real_jump_is_not_a_glitch():
    # The car (or the camera) really moved 50 km: the reads after the jump stay there.
    rows = [("P1", 0, 0.0, 0.0), ("P1", 60, 100.0, 0.0), ("P1", 120, 5e4, 0.0), ("P1", 180, 5e4 + 100, 0.0)]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 2, DEVICE_START), ("P1", 2, SPEED)] and tracks.glitches == 0


def test_glitch_at_the_edge_of_a_device_is_a_single_read():
    rows = [("P1", 0, 0.0, 0.0), ("P1", 60, 100.0, 0.0), ("P1", 120, 9e6, 0.0), ("P2", 130, 200.0, 0.0)]
    tracks = run(rows)
    assert summary(tracks) == [("P1", 2, DEVICE_START)]
    assert tracks.glitches == 0 and tracks.single_reads == 2


def test_numeric_devices_become_text():
    device = pd.Series([12, 12, 7, 7])
    time = pd.Series([T0 + pd.Timedelta(seconds=s) for s in (0, 60, 0, 60)])
    tracks = split_tracks(device, time, np.array([0.0, 10, 0, 10]), np.zeros(4), max_gap_s=GAP_S, max_speed_ms=SPEED_MS)
    assert tracks.table["device"].tolist() == ["7", "12"]


def test_no_valid_reads_gives_no_tracks():
    tracks = run([("P1", None, 0.0, 0.0), (None, 5, 1.0, 1.0)])
    assert tracks.table.empty and tracks.skipped_total == 2 and tracks.devices == 0
    assert linestring_wkb(np.zeros(2), np.zeros(2), tracks) == []


def test_progress_and_cancel():
    seen = []
    run([("P1", 0, 0.0, 0.0), ("P1", 5, 1.0, 0.0)], progress=seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    with pytest.raises(Cancelled):
        run([("P1", 0, 0.0, 0.0)], cancelled=lambda: True)


def test_coerce_times():
    parsed = coerce_times(pd.Series(["2014-07-17 08:00:00", None, "garbage"], dtype=object), "when")
    assert parsed.tolist()[0] == T0 and parsed.isna().tolist() == [False, True, True]
    aware = coerce_times(pd.Series(pd.to_datetime(["2014-07-17T08:00:00+02:00"])), "when")
    assert aware.tolist() == [T0]  # wall-clock time kept, zone dropped
    with pytest.raises(AlprInputError, match='field "when": holds no date-time values. Choose the field'):
        coerce_times(pd.Series(["PATROL 1", "PATROL 2"], dtype=object), "when")
    with pytest.raises(AlprInputError, match='field "n": holds numbers, not date-time values'):
        coerce_times(pd.Series([1, 2, 3]), "n")
    assert coerce_times(pd.Series([None, None], dtype=object), "when").isna().all()


def test_camera_kinds_fixed_and_mobile():
    from alpr_qgis.core.tracks import FIXED, MOBILE, camera_kinds

    rng = np.random.default_rng(1)
    # A fixed camera: 200 reads within ~10 m, one stray read 3 km away (a GPS glitch); a patrol car driving 5 km;
    # a device seen once; reads without a device or a location.
    fx, fy = 1000 + rng.normal(0, 4, 200), 2000 + rng.normal(0, 4, 200)
    fx[17], fy[17] = 4000, 2000
    px, py = np.linspace(0, 5000, 150), np.linspace(0, 300, 150)
    devices = pd.Series(["CAM A"] * 200 + ["PATROL 1"] * 150 + ["ONCE", None, " "] + ["PATROL 1"], dtype=object)
    x = np.concatenate([fx, px, [10.0, 5.0, 5.0, np.nan]])
    y = np.concatenate([fy, py, [10.0, 5.0, 5.0, np.nan]])
    kinds = camera_kinds(devices, x, y, radius_m=50)
    table = kinds.table.set_index("device")
    assert table.loc["CAM A", "kind"] == FIXED and table.loc["CAM A", "read_count"] == 200
    assert table.loc["CAM A", "spread_m"] < 20 and abs(table.loc["CAM A", "x"] - 1000) < 2
    assert table.loc["PATROL 1", "kind"] == MOBILE and table.loc["PATROL 1", "read_count"] == 151
    assert table.loc["PATROL 1", "located_count"] == 150
    assert table.loc["ONCE", "kind"] == MOBILE  # one read cannot show a camera stays put
    assert set(table.index) == {"CAM A", "PATROL 1", "ONCE"}
    assert kinds.fixed_read.sum() == 200 and kinds.fixed_read[:200].all()
    assert not camera_kinds(devices, x, y, radius_m=0).fixed_read.any()  # 0: every device mobile
    assert camera_kinds(devices, x, y, radius_m=10).table.set_index("device").loc["CAM A", "kind"] == MOBILE
