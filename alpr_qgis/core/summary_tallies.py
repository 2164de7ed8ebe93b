"""The device and time tallies of ``alpr:summary``, from compact columns.

Devices come as integer codes into their distinct values (``-1``: none)
and times as int64 nanoseconds (NaT's value: none), as
``core.summary_reads`` keeps them; whole-column Series are turned into
that form first.  Every tally is computed with numpy on those arrays
(bincounts and one sort), not with groupbys over a table of text, so a
few million reads need a few bytes each.  The results are those of the
pandas formulation they replace: devices named by their text (blank and
null ones are "no device"), per-device rows sorted by name then by reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

NAT = np.iinfo(np.int64).min
DAY_NS = 86_400 * 1_000_000_000
HOUR_NS = 3_600 * 1_000_000_000
NO_DEVICE = "(no device)"


@dataclass
class DeviceCodes:
    """Each read's device as a code into ``names`` (the device's text), -1 for a blank or null device."""

    codes: np.ndarray
    names: np.ndarray  # object: distinct texts, in order of first appearance
    raw: np.ndarray  # each read's code into the distinct raw values (-1: blank or null), for counting devices


def device_codes(codes: np.ndarray, values: Sequence[object]) -> DeviceCodes:
    """Devices as text codes, from codes into distinct raw ``values`` (blank text counts as no device)."""
    values = np.asarray(list(values) + [None], dtype=object)[:-1]
    text = pd.Series(values, dtype=object).astype(str)
    blank = pd.isna(pd.Series(values, dtype=object)).to_numpy() | text.str.strip().eq("").to_numpy()
    text_codes, names = pd.factorize(text.where(~blank, None), sort=False)
    lookup = np.append(text_codes, -1).astype(np.int64)
    raw_lookup = np.append(np.where(blank, -1, np.arange(len(values))), -1).astype(np.int64)
    codes = np.asarray(codes)
    return DeviceCodes(lookup[codes], np.asarray(names, dtype=object), raw_lookup[codes])


def series_device_codes(devices) -> DeviceCodes:
    """``device_codes`` of a whole device column."""
    codes, values = pd.factorize(devices.astype("object").to_numpy(dtype=object), sort=False)
    return device_codes(codes, values)


def series_ns(times) -> np.ndarray:
    """A column of naive date-times as int64 nanoseconds (NaT's value where missing)."""
    return times.to_numpy(dtype="datetime64[ns]").astype(np.int64)


@dataclass
class TimeTallies:
    by_hour: np.ndarray
    weekday_hour: np.ndarray
    time_range: Tuple[Optional[object], Optional[object]]
    no_time: int
    days: int
    device_days: object  # DataFrame: devices x dates
    device_table: object  # DataFrame: device, reads, days, first, last


def time_tallies(ns: np.ndarray, devices: Optional[DeviceCodes]) -> TimeTallies:
    """Reads by hour, by weekday x hour, the time range and days, and per device per day (``ns`` has a read each)."""
    ok = ns != NAT
    no_time = int((~ok).sum())
    valid = ns[ok]
    device_table = pd.DataFrame(columns=["device", "reads", "days", "first", "last"])
    if not len(valid):
        empty = (np.zeros(24, dtype=np.int64), np.zeros((7, 24), dtype=np.int64), (None, None))
        return TimeTallies(*empty, no_time, 0, pd.DataFrame(), device_table)
    day = valid // DAY_NS  # (floor: whole days since 1970-01-01, a Thursday)
    hours = (valid - day * DAY_NS) // HOUR_NS
    weekday = (day + 3) % 7
    by_hour = np.bincount(hours, minlength=24).astype(np.int64)
    weekday_hour = np.bincount(weekday * 24 + hours, minlength=7 * 24).reshape(7, 24).astype(np.int64)
    del weekday
    time_range = (pd.Timestamp(int(valid.min())), pd.Timestamp(int(valid.max())))
    first_day = int(day.min())
    day -= first_day
    seen = np.bincount(day)
    dates = np.flatnonzero(seen) + first_day
    lookup = np.cumsum(seen > 0) - 1  # day since the first -> index among the days with reads
    date_index = lookup[day]
    del day, seen, lookup
    device_days = pd.DataFrame()
    if devices is not None:
        device_days, device_table = _per_device(devices.codes[ok], devices.names, valid, dates, date_index)
    return TimeTallies(by_hour, weekday_hour, time_range, no_time, len(dates), device_days, device_table)


def _per_device(codes: np.ndarray, names: np.ndarray, valid: np.ndarray, dates: np.ndarray, date_index: np.ndarray):
    """(reads per device per date, one row per device: reads, days, first, last), devices sorted by name."""
    labels = np.append(names, NO_DEVICE)  # code -1: no device (a device named so is the same row)
    label_codes, label_names = pd.factorize(pd.Series(labels, dtype=object), sort=False)
    per_read = label_codes[codes]  # (code -1 picks the last label: no device)
    keep = np.bincount(per_read, minlength=len(label_names)) > 0
    text_codes = (np.cumsum(keep) - 1)[per_read]
    del per_read
    label_names = np.asarray(label_names, dtype=object)[keep]
    order = np.argsort(label_names, kind="stable")  # by name, as groupby sorts
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    row = rank[text_codes]
    n_dev, n_dates = len(order), len(dates)
    counts = np.bincount(row * n_dates + date_index, minlength=n_dev * n_dates).reshape(n_dev, n_dates)
    columns = pd.DatetimeIndex((dates * DAY_NS).astype("datetime64[ns]"), name="date")
    device_days = pd.DataFrame(counts.astype(np.int64), index=pd.Index(label_names[order], name="device"))
    device_days.columns = columns
    grouped = pd.Series(valid).groupby(row, sort=True)
    first, last = grouped.min().to_numpy(), grouped.max().to_numpy()
    stats = pd.DataFrame(
        {
            "device": label_names[order],
            "reads": counts.sum(axis=1).astype(np.int64),
            "days": (counts > 0).sum(axis=1).astype(np.int64),
            "first": first.astype("datetime64[ns]"),
            "last": last.astype("datetime64[ns]"),
        }
    )
    return device_days, stats.sort_values("reads", ascending=False, kind="stable")
