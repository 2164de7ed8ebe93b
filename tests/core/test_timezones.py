"""Time zones: the offline lookup, and the loader converting aware timestamps into the reads' zone."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core import timezones
from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.reads import (
    ZONE_GIVEN,
    ZONE_LOOKED_UP,
    ZONE_NAIVE,
    ZONE_NO_COORDINATES,
    ZONE_NO_LIBRARY,
    LoadOptions,
    NotStreamableError,
    load_reads,
)
from tests.core.test_reads_stream import assert_same_as_whole, streamed
from tests.helpers import write

OAKLAND = (-122.2711, 37.8044)
NEW_YORK = (-74.0060, 40.7128)

pytestmark = pytest.mark.skipif(not timezones.zone_available(), reason="tzfpy is not installed")


def no_library(monkeypatch):
    monkeypatch.setitem(sys.modules, "tzfpy", None)  # import tzfpy -> ImportError


# ------------------------------------------------------------------ lookup


def test_lookup_finds_the_zone_of_oakland_and_new_york():
    assert timezones.lookup_zone(np.array([OAKLAND[0]]), np.array([OAKLAND[1]])) == "America/Los_Angeles"
    assert timezones.lookup_zone(np.array([NEW_YORK[0]]), np.array([NEW_YORK[1]])) == "America/New_York"


def test_lookup_takes_the_zone_of_most_points_and_skips_unusable_ones():
    lon = np.array([OAKLAND[0]] * 2 + [NEW_YORK[0]] * 3 + [np.nan, 0.0, 500.0, np.inf])
    lat = np.array([OAKLAND[1]] * 2 + [NEW_YORK[1]] * 3 + [37.0, 0.0, 37.0, 37.0])
    assert timezones.lookup_zone(lon, lat) == "America/New_York"
    assert timezones.usable_points(lon, lat).tolist() == [True] * 5 + [False] * 4


def test_lookup_without_a_usable_point_is_none():
    assert timezones.lookup_zone(np.array([np.nan, 0.0, 200.0]), np.array([1.0, 0.0, 10.0])) is None
    assert timezones.lookup_zone(np.array([]), np.array([])) is None


def test_lookup_samples_evenly_at_most_so_many_points(monkeypatch):
    import tzfpy

    asked = []
    real = tzfpy.get_tz
    monkeypatch.setattr(tzfpy, "get_tz", lambda x, y: asked.append((x, y)) or real(x, y))
    n = 100_000
    lon = np.full(n, OAKLAND[0])
    lat = np.full(n, OAKLAND[1])
    lon[n // 2 :] = NEW_YORK[0]  # half and half, then a few more in New York
    lat[n // 2 :] = NEW_YORK[1]
    lon[: n // 10] = NEW_YORK[0]
    lat[: n // 10] = NEW_YORK[1]
    assert timezones.lookup_zone(lon, lat, sample=2000) == "America/New_York"
    assert len(asked) == 2000
    assert asked[0] == (lon[0], lat[0]) and asked[-1] == (lon[-1], lat[-1])  # spread over the whole file


def test_without_the_library_nothing_is_looked_up(monkeypatch):
    no_library(monkeypatch)
    assert not timezones.zone_available()
    assert timezones.lookup_zone(np.array([OAKLAND[0]]), np.array([OAKLAND[1]])) is None
    assert "tzfpy==" + timezones.TZFPY_VERSION in timezones.INSTALL_HINT


def test_check_timezone():
    timezones.check_timezone("America/Los_Angeles")
    timezones.check_timezone("")
    timezones.check_timezone(None)
    with pytest.raises(AlprInputError, match='TIMEZONE "Pacific Time" is not an IANA'):
        timezones.check_timezone("Pacific Time")


# ------------------------------------------------------------------ the loader

DST_START = pd.Timestamp("2021-03-14 08:00")  # UTC; clocks in California go 02:00 PST -> 03:00 PDT at 10:00 UTC


def utc_minutes(n: int = 241):
    """UTC instants a minute apart from 2021-03-14 08:00 UTC (00:00 PST) to 12:00 UTC (05:00 PDT)."""
    return [DST_START + pd.Timedelta(minutes=i) for i in range(n)]


def expected_pacific(instants):
    """The wall-clock times in Oakland, by hand: UTC-8 before 10:00 UTC, UTC-7 from then."""
    return [t - pd.Timedelta(hours=8 if t < pd.Timestamp("2021-03-14 10:00") else 7) for t in instants]


def dst_csv(tmp_path, stamp=lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"), where=OAKLAND, n=241, name="dst.csv"):
    """A reads file, one read a minute over ``utc_minutes``; every tenth read (from the fourth) has no location."""
    rows = ["plate,timestamp,location,device"]
    for i, t in enumerate(utc_minutes(n)):
        loc = "" if i % 10 == 3 else '"{:.5f}, {:.5f}"'.format(where[1] + i / 100000, where[0])
        rows.append("P{:04d},{},{},CAM {}".format(i, stamp(t), loc, i % 3))
    return write(tmp_path / name, "\n".join(rows) + "\n")


def test_utc_timestamps_across_the_spring_change_become_pacific_wall_time(tmp_path):
    table = load_reads(dst_csv(tmp_path))
    times = table.reads["read_time"].tolist()
    assert times == expected_pacific(utc_minutes())
    assert table.timezone == "America/Los_Angeles" and table.timezone_source == ZONE_LOOKED_UP
    assert table.times_aware and table.offsets_converted == 241 and table.offsets_dropped == 0
    # the jump, written out: 09:59 UTC is 01:59 PST, 10:00 UTC is 03:00 PDT; no 02:xx exists
    assert times[119] == pd.Timestamp("2021-03-14 01:59") and times[120] == pd.Timestamp("2021-03-14 03:00")
    assert times[0] == pd.Timestamp("2021-03-14 00:00") and times[-1] == pd.Timestamp("2021-03-14 05:00")
    assert not any(t.hour == 2 for t in times)
    # rows without coordinates are converted too (one zone for the file)
    no_location = np.isnan(table.x)
    assert no_location.sum() == 24 and times[3] == pd.Timestamp("2021-03-14 00:03")


def test_plus_zero_offsets_and_other_offsets_give_the_same_instants(tmp_path):
    plus = load_reads(dst_csv(tmp_path, stamp=lambda t: t.strftime("%Y-%m-%d %H:%M:%S+00:00"), name="a.csv"))
    assert plus.reads["read_time"].tolist() == expected_pacific(utc_minutes())
    eastern = load_reads(  # the same instants, written with New York's offset (-05:00 all morning)
        dst_csv(tmp_path, stamp=lambda t: (t - pd.Timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S-05:00"), name="b.csv")
    )
    assert eastern.reads["read_time"].tolist() == expected_pacific(utc_minutes())


def test_unix_times_are_converted_into_the_looked_up_zone(tmp_path):
    table = load_reads(dst_csv(tmp_path, stamp=lambda t: str(int(t.timestamp()))))
    assert table.time_format == "unix seconds"
    assert table.reads["read_time"].tolist() == expected_pacific(utc_minutes())
    assert table.timezone == "America/Los_Angeles" and table.offsets_converted == 241


def test_reads_in_new_york_get_new_york_time(tmp_path):
    table = load_reads(dst_csv(tmp_path, where=NEW_YORK))
    assert table.timezone == "America/New_York"
    # New York moved at 07:00 UTC, before the first read: all EDT (UTC-4)
    assert table.reads["read_time"].tolist() == [t - pd.Timedelta(hours=4) for t in utc_minutes()]


def test_a_given_timezone_wins_over_the_lookup(tmp_path):
    table = load_reads(dst_csv(tmp_path), LoadOptions(timezone="America/Denver"))
    assert table.timezone == "America/Denver" and table.timezone_source == ZONE_GIVEN
    # Denver moved at 09:00 UTC: 08:59 UTC is 01:59 MST, 09:00 UTC is 03:00 MDT
    times = table.reads["read_time"].tolist()
    assert times[59] == pd.Timestamp("2021-03-14 01:59") and times[60] == pd.Timestamp("2021-03-14 03:00")


def test_naive_timestamps_stay_as_written(tmp_path):
    table = load_reads(dst_csv(tmp_path, stamp=lambda t: t.strftime("%Y-%m-%d %H:%M:%S")))
    assert table.reads["read_time"].tolist() == utc_minutes()
    assert table.timezone is None and table.timezone_source == ZONE_NAIVE and not table.times_aware
    assert table.offsets_converted == table.offsets_dropped == 0
    given = load_reads(
        dst_csv(tmp_path, stamp=lambda t: t.strftime("%Y-%m-%d %H:%M:%S"), name="b.csv"),
        LoadOptions(timezone="America/Chicago"),
    )
    assert given.reads["read_time"].tolist() == utc_minutes()  # a zone does not move naive times
    assert given.timezone == "America/Chicago" and given.timezone_source == ZONE_GIVEN


def test_only_the_timestamps_with_an_offset_are_converted(tmp_path):
    body = (
        "plate,timestamp,lat,lon\nA1,2014-07-20T15:01:02Z,37.8,-122.2\n"
        "B2,2014-07-20T08:01:02-07:00,37.8,-122.2\nC3,2014-07-20 08:01:02,37.8,-122.2\n"
    )
    table = load_reads(write(tmp_path / "t.csv", body))
    assert table.reads["read_time"].tolist() == [pd.Timestamp("2014-07-20 08:01:02")] * 3
    assert table.offsets_converted == 2 and table.timezone_source == ZONE_LOOKED_UP


def test_without_the_library_the_offsets_are_dropped_and_said_so(tmp_path, monkeypatch):
    no_library(monkeypatch)
    table = load_reads(dst_csv(tmp_path))
    assert table.reads["read_time"].tolist() == utc_minutes()  # wall time as written (UTC)
    assert table.timezone is None and table.timezone_source == ZONE_NO_LIBRARY
    assert table.offsets_dropped == 241 and table.offsets_converted == 0
    given = load_reads(dst_csv(tmp_path, name="b.csv"), LoadOptions(timezone="America/Los_Angeles"))
    assert given.reads["read_time"].tolist() == expected_pacific(utc_minutes())  # TIMEZONE needs no library


def test_without_coordinates_the_offsets_are_dropped_and_said_so(tmp_path):
    body = "plate,timestamp,lat,lon\nA1,2014-07-20T15:01:02Z,,\nB2,2014-07-20T15:02:02Z,0,0\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    assert table.reads["read_time"].tolist() == [
        pd.Timestamp("2014-07-20 15:01:02"),
        pd.Timestamp("2014-07-20 15:02:02"),
    ]
    assert table.timezone is None and table.timezone_source == ZONE_NO_COORDINATES and table.offsets_dropped == 2


def test_projected_coordinates_are_looked_up_through_to_lonlat(tmp_path):
    body = "plate,timestamp,x,y\nA1,2021-03-14T10:00:00Z,-122271,37804\n"
    options = LoadOptions(lat_field="y", lon_field="x", geographic=False, to_lonlat=lambda x, y: (x / 1000, y / 1000))
    table = load_reads(write(tmp_path / "t.csv", body), options)
    assert table.timezone == "America/Los_Angeles"
    assert table.reads["read_time"].tolist() == [pd.Timestamp("2021-03-14 03:00")]
    table = load_reads(write(tmp_path / "t.csv", body), LoadOptions(lat_field="y", lon_field="x", geographic=False))
    assert table.timezone_source == ZONE_NO_COORDINATES  # no way to latitude/longitude: nothing to look up


# ------------------------------------------------------------------ streamed, part by part


@pytest.mark.parametrize("worker", [False, True], ids=["here", "worker"])
def test_streamed_parts_give_the_whole_file_result(tmp_path, worker):
    whole, totals, parts = assert_same_as_whole(dst_csv(tmp_path), worker=worker)
    assert whole.reads["read_time"].tolist() == expected_pacific(utc_minutes())
    assert totals.timezone == "America/Los_Angeles" and totals.timezone_source == ZONE_LOOKED_UP
    assert totals.offsets_converted == 241


@pytest.mark.parametrize("worker", [False, True], ids=["here", "worker"])
def test_streamed_with_a_given_zone_or_no_library(tmp_path, monkeypatch, worker):
    path = dst_csv(tmp_path)
    whole, _, _ = assert_same_as_whole(path, LoadOptions(timezone="America/Denver"), worker=worker)
    assert whole.timezone_source == ZONE_GIVEN
    no_library(monkeypatch)
    whole, totals, _ = assert_same_as_whole(path, worker=worker)
    assert totals.timezone_source == ZONE_NO_LIBRARY and totals.offsets_dropped == 241


def test_the_first_part_decides_the_zone_for_the_whole_file(tmp_path):
    """The first part's reads are in Oakland, the rest in New York: every read gets Pacific time."""
    path = dst_csv(tmp_path)
    text = Path(path).read_text().split("\n")
    moved = [text[0], *text[1:6], *(r.replace("-122.27110", "-74.00600").replace('"37.', '"40.') for r in text[6:])]
    write(tmp_path / "moved.csv", "\n".join(moved))
    totals, parts = streamed(str(tmp_path / "moved.csv"))
    assert totals.timezone == "America/Los_Angeles"
    streamed_times = pd.concat([p.reads for p in parts])["read_time"].tolist()
    assert streamed_times == expected_pacific(utc_minutes())
    whole = load_reads(str(tmp_path / "moved.csv"))  # the whole file at once: most reads are in New York
    assert whole.timezone == "America/New_York"


def test_offsets_after_a_naive_first_part_are_not_streamed(tmp_path):
    naive = tmp_path / "mixed.csv"
    path = dst_csv(tmp_path)
    lines = Path(path).read_text().split("\n")
    lines[1:40] = [ln.replace("Z,", ",", 1) for ln in lines[1:40]]  # the first part's timestamps are naive
    write(naive, "\n".join(lines))
    with pytest.raises(NotStreamableError):
        streamed(str(naive))
    table = load_reads(str(naive))  # the whole file: the aware ones are converted
    times = table.reads["read_time"].tolist()
    assert times[:39] == utc_minutes()[:39] and times[39:] == expected_pacific(utc_minutes())[39:]
    assert table.timezone_source == ZONE_LOOKED_UP and table.offsets_converted == 241 - 39
