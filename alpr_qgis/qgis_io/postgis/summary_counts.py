"""``core.summary.Summary`` from the aggregates the database counted (the push-down of ``alpr:summary``).

:mod:`alpr_qgis.qgis_io.postgis.summary` runs the SQL and fills a
:class:`Counts`; :func:`summary_from_counts` turns it into the very
``Summary`` that ``core.summary.summarise`` gives for the same reads read
one by one: the same metrics, values and notes, the same reads-per-plate
distribution, tallies by hour and weekday, per-device table and
device-by-date table, and most-read plates (by rank, never the plate).

Pure pandas/numpy: the funnel (the client-side REJECTED and UNREADABLE
layers) and the camera kinds' metrics go through ``core.summary``'s own
helpers; the rest mirrors ``summarise`` row for row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.metrics import METRICS
from alpr_qgis.core.summary import Summary, SummaryInput, _camera_kinds, _funnel, _share, location_rows
from alpr_qgis.core.summary_tallies import DAY_NS, NO_DEVICE

pd = lazy_module("pandas")


@dataclass
class Counts:
    """What the database counted for ``alpr:summary`` (None: the field or parameter was not there)."""

    n: int
    plate_field: bool = False
    state_field: bool = False
    with_plate: int = 0  # reads whose normalised plate is not empty
    per_plate: Dict[int, int] = field(default_factory=dict)  # k -> plates read k times
    hashed: bool = False
    government: Optional[Tuple[int, int, str]] = None  # (plates, reads, note); None: cannot be known
    government_why: str = ""  # the note when ``government`` is None
    duplicates: Optional[int] = None
    no_geometry: int = 0
    null_island: int = 0
    invalid: int = 0
    near: Optional[int] = None
    reference_note: str = ""
    outside: Optional[int] = None
    time_field: bool = False
    by_hour: Optional[np.ndarray] = None  # 24 counts
    weekday_hour: Optional[np.ndarray] = None  # 7 x 24, Monday first
    # (device text or None, date or None, reads, first, last): reads per device per date
    device_dates: List[tuple] = field(default_factory=list)
    device_field: bool = False
    top: List[tuple] = field(default_factory=list)  # (reads, days, devices, first, last, government)
    kinds: object = None  # DataFrame device, kind, read_count (None without a device field)


def _stamp(value) -> Optional[object]:
    return None if value is None else pd.Timestamp(value)


def _date_ns(day: datetime.date) -> int:
    return (day - datetime.date(1970, 1, 1)).days * DAY_NS


def _time_tallies(counts: Counts):
    """(by_hour, weekday_hour, time_range, no_time, days, device_days, device_table) as ``time_tallies`` gives."""
    timed = [row for row in counts.device_dates if row[1] is not None]
    no_time = sum(int(row[2]) for row in counts.device_dates if row[1] is None)
    device_table = pd.DataFrame(columns=["device", "reads", "days", "first", "last"])
    if not counts.time_field or not timed:
        zeros = (np.zeros(24, dtype=np.int64), np.zeros((7, 24), dtype=np.int64), (None, None))
        return (*zeros, no_time if counts.time_field else counts.n, 0, pd.DataFrame(), device_table)
    time_range = (pd.Timestamp(min(r[3] for r in timed)), pd.Timestamp(max(r[4] for r in timed)))
    dates = sorted({r[1] for r in timed})
    device_days = pd.DataFrame()
    if counts.device_field:
        device_days, device_table = _per_device(timed, dates)
    return counts.by_hour, counts.weekday_hour, time_range, no_time, len(dates), device_days, device_table


def _per_device(timed: List[tuple], dates: List[datetime.date]):
    """``summary_tallies._per_device`` of the rows (device, date, reads, first, last) of the timed reads."""
    labels = sorted({NO_DEVICE if r[0] is None else r[0] for r in timed})  # (by name, as its argsort)
    row_of = {label: i for i, label in enumerate(labels)}
    col_of = {day: j for j, day in enumerate(dates)}
    grid = np.zeros((len(labels), len(dates)), dtype=np.int64)
    first: List[Optional[object]] = [None] * len(labels)
    last: List[Optional[object]] = [None] * len(labels)
    for device, day, reads, start, end in timed:
        i = row_of[NO_DEVICE if device is None else device]
        grid[i, col_of[day]] += int(reads)
        first[i] = start if first[i] is None or start < first[i] else first[i]
        last[i] = end if last[i] is None or end > last[i] else last[i]
    columns = pd.DatetimeIndex(np.array([_date_ns(d) for d in dates], dtype=np.int64).astype("datetime64[ns]"))
    device_days = pd.DataFrame(grid, index=pd.Index(np.asarray(labels, dtype=object), name="device"))
    device_days.columns = columns.rename("date")
    stats = pd.DataFrame(
        {
            "device": np.asarray(labels, dtype=object),
            "reads": grid.sum(axis=1).astype(np.int64),
            "days": (grid > 0).sum(axis=1).astype(np.int64),
            "first": pd.to_datetime(pd.Series(first)).to_numpy(dtype="datetime64[ns]"),
            "last": pd.to_datetime(pd.Series(last)).to_numpy(dtype="datetime64[ns]"),
        }
    )
    return device_days, stats.sort_values("reads", ascending=False, kind="stable")


def _location_rows(counts: Counts, data: SummaryInput, add) -> None:
    """``core.summary.location_rows`` from the counts of INPUT made in the database."""
    found = [counts.no_geometry, counts.null_island, counts.invalid]
    location_rows(data, add, counts.n, found, counts.near, counts.outside, counts.reference_note)


def _plate_rows(counts: Counts, add) -> None:
    if not counts.plate_field:
        for metric in ("unique_plates", "plates_seen_once", "mean_reads_per_plate", "max_reads_single_plate"):
            add(metric, None, "no plate field")
        return
    unique = int(sum(counts.per_plate.values()))
    once = int(counts.per_plate.get(1, 0))
    no_plate = counts.n - counts.with_plate
    note = "{:,} reads have no plate".format(no_plate) if no_plate else ""
    if counts.state_field:
        note = "; ".join(filter(None, [note, "plates paired with their state"]))
    if counts.hashed:
        note = "; ".join(filter(None, [note, "plates arrived hashed"]))
    add("unique_plates", unique, note)
    add("plates_seen_once", once, "{} of distinct plates".format(_share(once, unique)) if unique else "")
    add(
        "mean_reads_per_plate",
        (counts.n - no_plate) / unique if unique else None,
        "" if unique else "no plate in the input",
    )
    add("max_reads_single_plate", int(max(counts.per_plate)) if unique else None, "" if unique else "no plate")


def _device_rows(counts: Counts, add) -> None:
    if not counts.device_field:
        add("devices", None, "no device field")
        add("busiest_device_share", None, "no device field")
        return
    per_device: Dict[str, int] = {}
    without = 0
    for device, _day, reads, *_ in counts.device_dates:
        if device is None:
            without += int(reads)
        else:
            per_device[device] = per_device.get(device, 0) + int(reads)
    busiest = max(per_device.values()) if per_device else 0
    add("devices", len(per_device), "{:,} reads have no device".format(without))
    add(
        "busiest_device_share",
        busiest / counts.n if per_device and counts.n else None,
        "{:,} reads by the busiest device".format(busiest) if per_device else "no device",
    )


def _top_plates(counts: Counts) -> object:
    columns = ["rank", "reads", "days", "devices", "first", "last", "government"]
    if not counts.plate_field or not counts.top:
        return pd.DataFrame(columns=columns)
    rows = []
    for rank, (reads, days, devices, first, last, government) in enumerate(counts.top, start=1):
        rows.append(
            {
                "rank": rank,
                "reads": int(reads),
                "days": int(days) if first is not None else None,
                "devices": int(devices) if counts.device_field else None,
                "first": _stamp(first),
                "last": _stamp(last),
                "government": bool(government) if counts.government is not None else None,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def summary_from_counts(counts: Counts, data: SummaryInput) -> Summary:
    """The ``Summary`` of the counted reads; ``data`` holds the funnel's other layers (REJECTED, UNREADABLE)."""
    rows: List[Tuple[str, Optional[float], str]] = []

    def add(metric: str, value: Optional[float], note: str) -> None:
        rows.append((metric, None if value is None else float(value), note))

    funnel, unreadable = _funnel(data, add)
    add("total_reads", counts.n, "")
    _plate_rows(counts, add)
    if not counts.plate_field:
        add("government_plates", None, "no plate field")
        add("government_reads", None, "no plate field")
    elif counts.government is None:
        add("government_plates", None, counts.government_why)
        add("government_reads", None, counts.government_why)
    else:
        plates, reads, note = counts.government
        add("government_plates", plates, note)
        add("government_reads", reads, note)
    if counts.duplicates is not None:
        add("duplicate_reads", counts.duplicates, "{} of reads".format(_share(counts.duplicates, counts.n)))
    else:
        add("duplicate_reads", None, "no is_duplicate field (run alpr:cleanreads first)")
    _location_rows(counts, data, add)
    _device_rows(counts, add)
    _camera_kinds(counts.kinds, add)
    by_hour, weekday_hour, time_range, no_time, days, device_days, device_table = _time_tallies(counts)
    if not counts.time_field:
        add("days_with_reads", None, "no time field")
    elif days:
        start, end = time_range
        add(
            "days_with_reads",
            days,
            "from {:%Y-%m-%d %H:%M} to {:%Y-%m-%d %H:%M}{}".format(
                start, end, "; {} reads without a time".format(no_time) if no_time else ""
            ),
        )
    else:
        add("days_with_reads", None, "no readable time")

    table = pd.DataFrame(rows, columns=["metric", "value", "note"])
    table["value"] = table["value"].astype("float64")
    order = {m: i for i, m in enumerate(METRICS)}
    rejected_at = order["rejected_reads"] + 0.5
    table = table.sort_values("metric", key=lambda s: s.map(order).fillna(rejected_at), kind="stable")
    table = table.reset_index(drop=True)
    if counts.per_plate:
        k = np.array(sorted(counts.per_plate), dtype=np.int64)
        reads_per_plate = pd.Series([counts.per_plate[int(i)] for i in k], index=k, dtype="int64")
    else:
        reads_per_plate = pd.Series(dtype="int64")
    return Summary(
        table=table,
        by_hour=by_hour,
        weekday_hour=weekday_hour,
        reads_per_plate=reads_per_plate,
        device_days=device_days,
        devices=device_table.reset_index(drop=True),
        time_range=time_range,
        reads_without_time=no_time,
        plates_hashed=counts.hashed,
        top_plates=_top_plates(counts),
        funnel=funnel,
        unreadable_reasons=unreadable,
    )
