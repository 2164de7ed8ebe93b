"""Compact columns built chunk by chunk (core.codes, core.summary_reads, core.track_reads, core.summary_tallies).

Each is compared, value for value, with the whole-column computation it
replaces: codes with ``pd.factorize``, the streamed summary with
``summarise`` of the whole table, the streamed tracks with
``split_tracks`` of the whole columns, the numpy tallies with the pandas
groupbys they stand for.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.codes import Coder
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.summary import SummaryInput, summarise
from alpr_qgis.core.summary_reads import SummaryReads
from alpr_qgis.core.summary_tallies import series_device_codes, series_ns, time_tallies
from alpr_qgis.core.track_reads import TrackReads
from alpr_qgis.core.tracks import camera_kinds, camera_kinds_coded, split_coded, split_tracks

RNG = np.random.default_rng(20141)
N = 400


def reads() -> pd.DataFrame:
    """Reads with repeats, blanks, nulls, mixed spellings of one plate, times missing and out of order."""
    plates = RNG.choice(["ABC123", "abc 123", "XYZ-9", "1234567", "Q1", "", None, "LONGPLATE99"], N)
    devices = RNG.choice(["P1", "P2", " ", "", None, "CAM 7"], N)
    seconds = RNG.integers(0, 9 * 86_400, N).astype("int64")
    times = pd.Series(pd.Timestamp("2014-07-14") + pd.to_timedelta(seconds, unit="s"))
    times[RNG.random(N) < 0.05] = pd.NaT
    return pd.DataFrame(
        {
            "plate": pd.Series(plates, dtype=object),
            "state": pd.Series(RNG.choice(["CA", "ca", None, "NV"], N), dtype=object),
            "device": pd.Series(devices, dtype=object),
            "read_time": times,
            "is_duplicate": RNG.random(N) < 0.1,
            "read_id": np.arange(1, N + 1),
        }
    )


def chunks(table: pd.DataFrame, rows: int):
    for start in range(0, len(table), rows):
        yield start, table.iloc[start : start + rows].reset_index(drop=True)


@pytest.mark.parametrize("rows", [1, 7, 1000])
def test_codes_across_chunks_are_the_whole_column_codes(rows):
    column = reads()["plate"]
    coder = Coder()
    codes = np.concatenate([coder.encode(part["plate"]) for _, part in chunks(column.to_frame(), rows)])
    whole, uniques = pd.factorize(column.astype(object), sort=False)
    assert codes.tolist() == whole.tolist() and coder.values == list(uniques)
    assert coder.series(codes).astype(object).where(lambda s: s.notna(), None).tolist() == column.tolist()


@pytest.mark.parametrize("rows", [3, 64])
def test_streamed_summary_is_the_whole_summary(rows):
    table = reads()
    x = RNG.uniform(-122.3, -122.2, N)
    flags = {"no_geometry": RNG.random(N) < 0.03, "null_island": RNG.random(N) < 0.02, "near": RNG.random(N) < 0.4}
    flags["invalid"] = np.zeros(N, dtype=bool)
    whole = summarise(
        SummaryInput(
            n=N,
            plates=table["plate"],
            states=table["state"],
            times=table["read_time"],
            devices=table["device"],
            is_duplicate=table["is_duplicate"],
            no_geometry=flags["no_geometry"],
            null_island=flags["null_island"],
            invalid_location=flags["invalid"],
            near_reference=flags["near"],
            reference_note="near",
        )
    )
    streamed = SummaryReads(N, "reads", "plate", "state", "read_time", "device", None, "is_duplicate", "read_id")
    for start, part in chunks(table, rows):
        where = {k: v[start : start + len(part)] for k, v in flags.items()}
        streamed.add(part, x[start : start + len(part)], x[start : start + len(part)], start, where)
    got = summarise(streamed.finish().summary_input(reference_note="near"))
    pd.testing.assert_frame_equal(got.table, whole.table)
    pd.testing.assert_frame_equal(got.device_days, whole.device_days)
    pd.testing.assert_frame_equal(got.devices, whole.devices)
    pd.testing.assert_frame_equal(got.top_plates, whole.top_plates)
    pd.testing.assert_series_equal(got.reads_per_plate, whole.reads_per_plate)
    assert (got.by_hour.tolist(), got.weekday_hour.tolist()) == (whole.by_hour.tolist(), whole.weekday_hour.tolist())
    assert got.time_range == whole.time_range and got.reads_without_time == whole.reads_without_time


def test_numpy_tallies_are_the_pandas_groupbys():
    table = reads()
    times, devices = table["read_time"], table["device"]
    tallies = time_tallies(series_ns(times), series_device_codes(devices))
    ok = times.notna().to_numpy()
    valid = times[ok]
    named = devices.astype(object).where(~(devices.isna() | devices.astype(str).str.strip().eq("")), None)
    frame = pd.DataFrame({"device": named[ok].fillna("(no device)").astype(str), "date": valid.dt.normalize()})
    device_days = frame.groupby(["device", "date"]).size().unstack(fill_value=0).sort_index()
    stats = (
        frame.assign(time=valid)
        .groupby("device")
        .agg(reads=("time", "size"), days=("date", "nunique"), first=("time", "min"), last=("time", "max"))
    )
    pd.testing.assert_frame_equal(tallies.device_days, device_days)
    expected = stats.reset_index().sort_values("reads", ascending=False, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(tallies.device_table.reset_index(drop=True), expected)
    assert tallies.by_hour.tolist() == np.bincount(valid.dt.hour, minlength=24).tolist()
    assert tallies.weekday_hour.sum(axis=1).tolist() == np.bincount(valid.dt.weekday, minlength=7).tolist()
    assert tallies.days == valid.dt.normalize().nunique() and tallies.time_range == (valid.min(), valid.max())


def test_a_plate_that_is_not_text_names_its_row_never_its_value():
    streamed = SummaryReads(10, "reads.gpkg", plate="plate")
    streamed.add(pd.DataFrame({"plate": ["A1", "B2"]}), np.zeros(2), np.zeros(2), 0, {})
    with pytest.raises(AlprInputError, match="row 7") as err:
        streamed.add(pd.DataFrame({"plate": ["C3", 4412, "D4"]}, dtype=object), np.zeros(3), np.zeros(3), 5, {})
    assert "4412" not in str(err.value)


@pytest.mark.parametrize("rows", [2, 50])
def test_streamed_tracks_are_the_whole_column_tracks(rows):
    table = reads()
    x = np.cumsum(RNG.normal(0, 300, N))
    y = np.cumsum(RNG.normal(0, 300, N))
    x[RNG.random(N) < 0.05] = np.nan
    whole = split_tracks(
        table["device"], table["read_time"], x, y, max_gap_s=1800, max_speed_ms=40, read_id=table["read_id"].to_numpy()
    )
    streamed = TrackReads(N, "read_time", with_read_id=True)
    for start, part in chunks(table, rows):
        stop = start + len(part)
        streamed.add(part["device"], part["read_time"], x[start:stop], y[start:stop], part["read_id"])
    streamed.finish()
    got = split_coded(
        streamed.device,
        streamed.devices.values,
        streamed.ns,
        streamed.x,
        streamed.y,
        max_gap_s=1800,
        max_speed_ms=40,
        read_id=streamed.read_ids(),
        blank_code=streamed.blank_code,
    )
    pd.testing.assert_frame_equal(got.table, whole.table)
    assert got.order.tolist() == whole.order.tolist() and got.offsets.tolist() == whole.offsets.tolist()
    assert (got.single_reads, got.glitches, got.skipped) == (whole.single_reads, whole.glitches, whole.skipped)
    kinds = camera_kinds_coded(streamed.device, streamed.devices.values, x, y, 5000.0)
    pd.testing.assert_frame_equal(kinds.table, camera_kinds(table["device"], x, y, 5000.0).table)


def test_a_time_column_with_no_time_in_any_chunk_is_an_error_but_one_bad_chunk_is_not():
    streamed = TrackReads(4, "when", with_read_id=False)
    streamed.add(pd.Series(["P", "P"]), pd.Series(["nonsense", None]), np.zeros(2), np.zeros(2))
    streamed.add(pd.Series(["P", "P"]), pd.Series(["2014-07-14 08:00:00", None]), np.zeros(2), np.zeros(2))
    assert streamed.finish().n == 4
    streamed = TrackReads(2, "when", with_read_id=False)
    streamed.add(pd.Series(["P", "P"]), pd.Series(["nonsense", "garbage"]), np.zeros(2), np.zeros(2))
    with pytest.raises(AlprInputError, match="when"):
        streamed.finish()


def test_summarise_stops_when_cancelled():
    table = reads()
    with pytest.raises(Cancelled):
        summarise(SummaryInput(n=N, plates=table["plate"]), cancelled=lambda: True)


def test_camera_middles_are_pandas_groupby_median_and_quantile():
    from alpr_qgis.core.tracks import FIXED_SHARE, _middles

    n = 5_000
    codes = RNG.integers(-1, 7, n).astype(np.int32)
    x = RNG.normal(0, 40, n) + codes * 1000.0
    y = RNG.normal(0, 40, n)
    x[RNG.random(n) < 0.02] = np.nan
    codes[:3] = 7  # a device of three reads
    mx, my, spread, located_count = _middles(codes, 8, x, y)
    located = (codes >= 0) & np.isfinite(x) & np.isfinite(y)
    frame = pd.DataFrame({"c": codes[located], "x": x[located], "y": y[located]})
    middle = frame.groupby("c")[["x", "y"]].median()
    frame["d"] = np.hypot(
        frame["x"] - middle["x"].reindex(frame["c"]).to_numpy(), frame["y"] - middle["y"].reindex(frame["c"]).to_numpy()
    )
    grouped = frame.groupby("c")["d"]
    assert mx.tolist() == middle["x"].tolist() and my.tolist() == middle["y"].tolist()
    assert spread.tolist() == grouped.quantile(FIXED_SHARE).tolist()  # exactly, not approximately
    assert located_count.tolist() == grouped.size().tolist()
