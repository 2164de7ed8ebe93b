"""The numbers of an ALPR dataset: the metrics of ``alpr:summary`` and the tallies its report draws.

Pure pandas/numpy (no QGIS).  The algorithm reads the layers and decides,
per read, where it lies (missing location, near the reference point, outside
the boundary); this module counts.  Every metric is a value (float, or None
where the input cannot give it) with a note saying what it counted or why it
is missing.  Nothing here ever puts plate text into a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.geodesy import MILE_M, describe_distance, geodesic_distance, within_distance  # noqa: F401
from alpr_qgis.core.metrics import (
    CLEANER_REASONS,
    LOCATION_REASONS,
    METRICS,
    MISREAD_REASONS,
    REASON_LABELS,
    TOP_PLATES,
    UNREADABLE_LABELS,
    metric_label,
    reason_metric,
)
from alpr_qgis.core.plates import normalised_codes, plates_look_hashed
from alpr_qgis.core.summary_tallies import DeviceCodes, device_codes, series_device_codes, series_ns, time_tallies


@dataclass
class Locations:
    """Where a layer's reads stand on location: one bool per read (None = all False)."""

    no_geometry: Optional[np.ndarray] = None
    null_island: Optional[np.ndarray] = None  # a point at (or near) 0,0
    invalid: Optional[np.ndarray] = None  # a point whose latitude/longitude are out of range

    def arrays(self, n: int, reasons: Optional[pd.Series] = None) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(no geometry, at 0,0, out of range), exclusive in that order, each problem once per read.

        ``reasons``: the cleaner's ``reasons`` text per read (rules joined by
        ``|``): a read it found without a usable location counts even when
        the geometry test here would not (another null-island tolerance).
        """

        def flag(values: Optional[np.ndarray]) -> np.ndarray:
            return np.zeros(n, bool) if values is None else np.asarray(values, bool).copy()

        none, island, invalid = flag(self.no_geometry), flag(self.null_island), flag(self.invalid)
        if reasons is not None and n:
            text = reasons.astype("object").where(reasons.notna(), "").astype(str).str.split("|")
            listed = {r: text.map(lambda parts, r=r: r in parts).to_numpy(bool) for r in LOCATION_REASONS}
            none |= listed["null_geometry"]
            island |= listed["null_island"]
            invalid |= listed["invalid_location"]
        island &= ~none
        invalid &= ~none & ~island
        return none, island, invalid


@dataclass
class SummaryInput:
    """What ``summarise`` needs, one entry per read (``None`` where the input lacks it)."""

    n: int
    plates: Optional[pd.Series] = None
    states: Optional[pd.Series] = None
    times: Optional[pd.Series] = None
    devices: Optional[pd.Series] = None
    is_government: Optional[pd.Series] = None
    is_duplicate: Optional[pd.Series] = None
    government_pattern: str = r"\d{7}"
    no_geometry: Optional[np.ndarray] = None  # bool
    null_island: Optional[np.ndarray] = None  # bool
    invalid_location: Optional[np.ndarray] = None  # bool: latitude/longitude out of range
    near_reference: Optional[np.ndarray] = None  # bool, None = no reference point
    reference_note: str = ""
    outside_boundary: Optional[np.ndarray] = None  # bool, None = no boundary
    rejected_reasons: Optional[pd.Series] = None  # the REJECTED layer's reason column, None = not given
    rejected_all_reasons: Optional[pd.Series] = None  # its reasons column (rules joined by |), when present
    rejected_locations: Optional[Locations] = None  # the REJECTED layer's own geometry test
    unreadable_reasons: Optional[pd.Series] = None  # the loader's REJECTED table's reason column, None = not given
    camera_kinds: Optional[pd.DataFrame] = None  # core.tracks.camera_kinds' table: device, kind, read_count
    plate_codes: Optional[PlateCodes] = None  # plate_codes(plates, states) when already known (streamed reads)
    device_codes: Optional[Tuple[np.ndarray, List[object]]] = None  # (codes, distinct values) instead of devices
    time_ns: Optional[np.ndarray] = None  # int64 nanoseconds (NaT's value: none) instead of times


@dataclass
class Summary:
    """The metrics table plus the tallies the report's charts and tables show."""

    table: pd.DataFrame  # metric, value, note
    by_hour: np.ndarray  # 24 counts
    weekday_hour: np.ndarray  # 7 x 24 counts, Monday first
    reads_per_plate: pd.Series  # index k = reads of a plate, value = plates read k times
    device_days: pd.DataFrame  # rows = devices, columns = dates, values = reads
    devices: pd.DataFrame  # device, reads, days, first, last
    time_range: Tuple[Optional[pd.Timestamp], Optional[pd.Timestamp]]
    reads_without_time: int
    plates_hashed: bool
    top_plates: pd.DataFrame = None  # rank, reads, days, devices, first, last, government (True/False/None)
    funnel: List[Tuple[str, int]] = None  # (metric, count): the parts that add up to records_in_source
    unreadable_reasons: Dict[str, int] = None  # the loader's reasons, when UNREADABLE was given

    def value(self, metric: str) -> Optional[float]:
        row = self.table.loc[self.table["metric"] == metric, "value"]
        if row.empty or row.isna().iloc[0]:
            return None
        return float(row.iloc[0])

    def note(self, metric: str) -> str:
        row = self.table.loc[self.table["metric"] == metric, "note"]
        return "" if row.empty else str(row.iloc[0])


def _share(part: float, whole: float) -> str:
    return "{:.1%}".format(part / whole) if whole else "n/a"


@dataclass
class PlateCodes:
    """Each read's plate as an integer: equal codes = the same plate (and state), -1 = no plate."""

    codes: np.ndarray  # int64, one per read
    plain: np.ndarray  # int64, one per read: the normalised plate alone (no state), -1 = none
    plates: np.ndarray  # object: the distinct normalised plates, indexed by ``plain``


def plate_codes(plates: pd.Series, states: Optional[pd.Series] = None) -> PlateCodes:
    """Plates compared after the cleaner's normalisation, paired with the normalised state when given."""
    plain, uniques = normalised_codes(plates)
    codes = plain.copy()
    if states is not None:
        state, state_uniques = normalised_codes(states)
        paired = np.where(plain >= 0, plain * (len(state_uniques) + 1) + (state + 1), -1)
        codes = np.full(len(paired), -1, dtype=np.int64)
        codes[paired >= 0] = pd.factorize(paired[paired >= 0])[0]
    return PlateCodes(codes, plain, uniques)


def _as_bool(series: pd.Series) -> np.ndarray:
    """A flag column (bool, 0/1, or text true/false) as a bool array; null counts as False."""
    if pd.api.types.is_bool_dtype(series.dtype) or str(series.dtype) == "boolean":
        return series.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.fillna(0).to_numpy(dtype=float) != 0
    text = series.astype("object").where(series.notna(), "").astype(str).str.strip().str.lower()
    return text.isin(("1", "true", "t", "yes", "y")).to_numpy()


def as_times(series: pd.Series) -> pd.Series:
    """Date-times (NaT where missing or unreadable), without a time zone (the wall-clock time recorded)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        times = series
    else:
        times = pd.to_datetime(series.astype("object"), errors="coerce")
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    return times


def _tally(values: pd.Series) -> pd.Series:
    """Counts of each text value (null and blank as ``""``), most frequent first."""
    text = values.astype("object").where(values.notna(), "").astype(str).str.strip()
    return text.value_counts()


def _reason_order(reasons) -> List[str]:
    known = [r for r in CLEANER_REASONS if r in reasons]
    return known + sorted(r for r in reasons if r not in CLEANER_REASONS)


def _funnel(data: SummaryInput, add) -> Tuple[List[Tuple[str, int]], Dict[str, int]]:
    """The rows that account for every record of the export; returns the funnel's parts and unreadable reasons."""
    n = int(data.n)
    parts: List[Tuple[str, int]] = []
    unreadable: Dict[str, int] = {}
    missing_inputs = []
    total = n
    if data.unreadable_reasons is not None:
        tally = _tally(data.unreadable_reasons)
        unreadable = {(k or "no reason"): int(v) for k, v in tally.items()}
        count = int(len(data.unreadable_reasons))
        total += count
        parts.append(("unreadable_records", count))
    else:
        missing_inputs.append("UNREADABLE (records the loader could not read)")
    reason_rows: List[Tuple[str, int]] = []
    if data.rejected_reasons is not None:
        tally = _tally(data.rejected_reasons)
        total += int(len(data.rejected_reasons))
        counts: Dict[str, int] = {}
        for reason, count in tally.items():
            metric = reason_metric(reason)
            counts[metric] = counts.get(metric, 0) + int(count)
        order = _reason_order([m[len("rejected_") :] for m in counts])
        reason_rows = [("rejected_" + r, counts["rejected_" + r]) for r in order]
        parts.extend(reason_rows)
    else:
        missing_inputs.append("REJECTED (reads the cleaner set apart)")
    parts.append(("total_reads", n))
    note = "= " + " + ".join("{:,} {}".format(c, metric_label(m).lower()) for m, c in parts)
    if missing_inputs:
        note += "; not given: " + ", ".join(missing_inputs)
    add("records_in_source", total, note)
    if data.unreadable_reasons is not None:
        add(
            "unreadable_records",
            parts[0][1],
            "; ".join("{:,} {}".format(v, UNREADABLE_LABELS.get(k, k.replace("_", " "))) for k, v in unreadable.items())
            or "none",
        )
    else:
        add("unreadable_records", None, "no UNREADABLE table given (the REJECTED output of alpr:loadreads)")
    if data.rejected_reasons is not None:
        rejected = int(len(data.rejected_reasons))
        mis = sum(c for m, c in reason_rows if m[len("rejected_") :] in MISREAD_REASONS)
        add("rejected_reads", rejected, "{} of the reads cleaned".format(_share(rejected, rejected + n)))
        for metric, count in reason_rows:
            add(metric, count, "{} of the rejected reads".format(_share(count, rejected)))
        add(
            "misreads",
            mis,
            "; ".join(
                "{:,} {}".format(dict(reason_rows)["rejected_" + r], REASON_LABELS[r])
                for r in MISREAD_REASONS
                if dict(reason_rows).get("rejected_" + r)
            )
            or "none of the rejected reads is a misread",
        )
    else:
        add("rejected_reads", None, "no REJECTED layer given (the rejected output of alpr:cleanreads)")
        add("misreads", None, "no REJECTED layer given (the rejected output of alpr:cleanreads)")
    return parts, unreadable


def _government(data: SummaryInput, codes: Optional[PlateCodes], hashed: bool, add) -> Optional[np.ndarray]:
    """Adds the government metrics; returns the per-read government flag (None when it cannot be known)."""
    if codes is None:
        add("government_plates", None, "no plate field")
        add("government_reads", None, "no plate field")
        return None
    if data.is_government is not None:
        flag = _as_bool(data.is_government)
        note = "from the is_government field"
    elif hashed:
        note = "plates are hashed: GOVERNMENT_PATTERN cannot be applied and there is no is_government field"
        add("government_plates", None, note)
        add("government_reads", None, note)
        return None
    else:
        pattern = re.compile(data.government_pattern)
        matched = np.fromiter(
            (pattern.fullmatch(p) is not None for p in codes.plates), dtype=bool, count=len(codes.plates)
        )
        flag = np.append(matched, False)[codes.plain]  # plain -1 (no plate) picks the appended False
        note = "plates matching the pattern {}".format(data.government_pattern)
    gov = codes.codes[flag & (codes.codes >= 0)]
    add("government_plates", int(len(np.unique(gov))), note)
    add("government_reads", int(flag.sum()), note)
    return flag


def _top_plates(
    codes: Optional[PlateCodes],
    per_code: np.ndarray,
    gov: Optional[np.ndarray] = None,
    ns: Optional[np.ndarray] = None,
    devices: Optional[DeviceCodes] = None,
    top: int = TOP_PLATES,
) -> pd.DataFrame:
    """The most-read plates, by rank (never the plate): reads, days, devices, first and last read, government.

    ``ns``: each read's time (int64 nanoseconds); ``devices``: each read's device (``summary_tallies``).
    """
    columns = ["rank", "reads", "days", "devices", "first", "last", "government"]
    if codes is None or not len(per_code):
        return pd.DataFrame(columns=columns)
    order = np.argsort(-per_code, kind="stable")[:top]
    order = order[per_code[order] > 0]
    pick = np.isin(codes.codes, order)
    frame = pd.DataFrame({"code": codes.codes[pick]})
    frame["time"] = np.asarray(ns)[pick].view("datetime64[ns]") if ns is not None else pd.NaT
    frame["device"] = devices.raw[pick] if devices is not None else -1
    frame["gov"] = gov[pick] if gov is not None else False
    grouped = frame.groupby("code")
    rows = []
    for rank, code in enumerate(order, start=1):
        group = frame.iloc[grouped.indices[code]]
        stamps = pd.to_datetime(group["time"]).dropna()
        seen = group["device"].to_numpy()
        rows.append(
            {
                "rank": rank,
                "reads": int(per_code[code]),
                "days": int(stamps.dt.normalize().nunique()) if len(stamps) else None,
                "devices": int(len(np.unique(seen[seen >= 0]))) if devices is not None else None,
                "first": stamps.min() if len(stamps) else None,
                "last": stamps.max() if len(stamps) else None,
                "government": bool(group["gov"].any()) if gov is not None else None,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _location_rows(data: SummaryInput, n: int, add) -> np.ndarray:
    """Adds reads_near_reference, reads_outside_boundary and reads_missing_location; returns INPUT's missing mask."""
    none, island, invalid = Locations(data.no_geometry, data.null_island, data.invalid_location).arrays(n)
    missing = none | island | invalid
    near = int((np.asarray(data.near_reference, bool) & ~missing).sum()) if data.near_reference is not None else None
    out = int((np.asarray(data.outside_boundary, bool) & ~missing).sum()) if data.outside_boundary is not None else None
    location_rows(
        data, add, n, [int(none.sum()), int(island.sum()), int(invalid.sum())], near, out, data.reference_note
    )
    return missing


def location_rows(data: SummaryInput, add, n: int, found, near, outside, reference_note) -> None:
    """The three location rows from counts: ``found`` = INPUT's reads [without a geometry, at 0,0, out of
    range]; ``near``/``outside`` = located reads near the reference / outside the boundary (None: not asked).

    The file path counts them from its masks, the PostGIS push-down in the database; REJECTED's own
    reads (``data.rejected_*``) are added to the missing ones here.
    """
    in_input = sum(found)
    located = n - in_input
    if near is not None:
        note = "; ".join(filter(None, [reference_note, "{} of reads with a location".format(_share(near, located))]))
        add("reads_near_reference", near, note)
    else:
        add("reads_near_reference", None, "no REFERENCE_POINT given")
    if outside is not None:
        add("reads_outside_boundary", outside, "{} of reads with a location".format(_share(outside, located)))
    else:
        add("reads_outside_boundary", None, "no BOUNDARY given")
    counts = list(found)
    where = ""
    if data.rejected_reasons is not None:
        m = len(data.rejected_reasons)
        r_none, r_island, r_invalid = (data.rejected_locations or Locations()).arrays(
            m, data.rejected_all_reasons if data.rejected_all_reasons is not None else data.rejected_reasons
        )
        counts = [counts[0] + int(r_none.sum()), counts[1] + int(r_island.sum()), counts[2] + int(r_invalid.sum())]
        in_rejected = sum(counts) - in_input
        if in_input and in_rejected:
            where = "{:,} among the analysed reads, {:,} among the rejected".format(in_input, in_rejected)
        elif in_rejected:
            where = "all among the rejected reads"
        elif in_input:
            where = "all among the analysed reads"
    note = "{:,} without a geometry, {:,} at 0,0".format(counts[0], counts[1])
    if counts[2]:
        note += ", {:,} out of range".format(counts[2])
    if where:
        note += "; " + where
    add("reads_missing_location", sum(counts), note)


def _camera_kinds(kinds: Optional[pd.DataFrame], add) -> None:
    """Devices and reads by kind: fixed cameras (reads all in one place) and mobile devices (patrol cars)."""
    if kinds is None:
        for metric in ("fixed_cameras", "mobile_devices", "reads_by_fixed_cameras", "reads_by_mobile_devices"):
            add(metric, None, "no device field")
        return
    fixed = kinds[kinds["kind"] == "fixed"]
    mobile = kinds[kinds["kind"] != "fixed"]
    total = int(kinds["read_count"].sum())
    add("fixed_cameras", len(fixed), "devices whose reads all lie in one place (a camera on a pole, a trailer)")
    add("mobile_devices", len(mobile), "devices that move (patrol cars)")
    n_fixed = int(fixed["read_count"].sum())
    add("reads_by_fixed_cameras", n_fixed, "{} of the reads with a device".format(_share(n_fixed, total)))
    add(
        "reads_by_mobile_devices",
        total - n_fixed,
        "{} of the reads with a device".format(_share(total - n_fixed, total)),
    )


def summarise(data: SummaryInput, cancelled: Callable[[], bool] = lambda: False) -> Summary:
    """Every metric of ``METRICS`` (and one ``rejected_<reason>`` per reason) for the reads described by ``data``.

    ``cancelled`` is asked between the steps (plates, devices, times): ``Cancelled`` when it is true.
    """
    rows: List[Tuple[str, Optional[float], str]] = []
    n = int(data.n)

    def add(metric: str, value: Optional[float], note: str) -> None:
        if cancelled():
            raise Cancelled()
        rows.append((metric, None if value is None else float(value), note))

    funnel, unreadable = _funnel(data, add)
    add("total_reads", n, "")

    # -- plates
    hashed = False
    per_plate = np.zeros(0, dtype=np.int64)  # reads of each distinct plate
    per_code = np.zeros(0, dtype=np.int64)  # reads of each plate code (zeros kept: indexed by code)
    codes = None
    if data.plates is not None:
        hashed = plates_look_hashed(data.plates)
        codes = data.plate_codes if data.plate_codes is not None else plate_codes(data.plates, data.states)
        has_plate = codes.codes >= 0
        if has_plate.any():
            per_code = np.bincount(codes.codes[has_plate])
            per_plate = per_code[per_code > 0]
        no_plate = n - int(has_plate.sum())
        unique = int(len(per_plate))
        once = int((per_plate == 1).sum())
        plate_note = "{:,} reads have no plate".format(no_plate) if no_plate else ""
        if data.states is not None:
            plate_note = "; ".join(filter(None, [plate_note, "plates paired with their state"]))
        if hashed:
            plate_note = "; ".join(filter(None, [plate_note, "plates arrived hashed"]))
        add("unique_plates", unique, plate_note)
        add("plates_seen_once", once, "{} of distinct plates".format(_share(once, unique)) if unique else "")
        add(
            "mean_reads_per_plate",
            (n - no_plate) / unique if unique else None,
            "" if unique else "no plate in the input",
        )
        add("max_reads_single_plate", int(per_plate.max()) if unique else None, "" if unique else "no plate")
    else:
        for metric in ("unique_plates", "plates_seen_once", "mean_reads_per_plate", "max_reads_single_plate"):
            add(metric, None, "no plate field")

    gov_flag = _government(data, codes, hashed, add)

    # -- duplicates
    if data.is_duplicate is not None:
        dup = int(_as_bool(data.is_duplicate).sum())
        add("duplicate_reads", dup, "{} of reads".format(_share(dup, n)))
    else:
        add("duplicate_reads", None, "no is_duplicate field (run alpr:cleanreads first)")

    _location_rows(data, n, add)

    # -- devices and time
    devices = None
    if data.device_codes is not None:
        devices = device_codes(*data.device_codes)
    elif data.devices is not None:
        devices = series_device_codes(data.devices)
    if devices is not None:
        named = devices.codes[devices.codes >= 0]
        per_device = np.bincount(named, minlength=len(devices.names)) if len(named) else np.zeros(0, np.int64)
        busiest = int(per_device.max()) if len(per_device) else 0
        add("devices", len(per_device), "{:,} reads have no device".format(len(devices.codes) - len(named)))
        add(
            "busiest_device_share",
            busiest / n if len(per_device) and n else None,
            "{:,} reads by the busiest device".format(busiest) if len(per_device) else "no device",
        )
    else:
        add("devices", None, "no device field")
        add("busiest_device_share", None, "no device field")
    _camera_kinds(data.camera_kinds, add)

    ns = data.time_ns if data.time_ns is not None else None
    if ns is None and data.times is not None:
        ns = series_ns(as_times(data.times))
    tallies = time_tallies(ns if ns is not None else np.zeros(0, np.int64), devices)
    no_time = tallies.no_time if ns is not None else n
    if ns is None:
        add("days_with_reads", None, "no time field")
    elif tallies.days:
        start, end = tallies.time_range
        add(
            "days_with_reads",
            tallies.days,
            "from {:%Y-%m-%d %H:%M} to {:%Y-%m-%d %H:%M}{}".format(
                start, end, "; {} reads without a time".format(no_time) if no_time else ""
            ),
        )
    else:
        add("days_with_reads", None, "no readable time")

    table = pd.DataFrame(rows, columns=["metric", "value", "note"])
    table["value"] = table["value"].astype("float64")
    order = {m: i for i, m in enumerate(METRICS)}
    rejected_at = order["rejected_reads"] + 0.5  # rejected_<reason> rows follow rejected_reads, in funnel order
    table = table.sort_values("metric", key=lambda s: s.map(order).fillna(rejected_at), kind="stable")
    table = table.reset_index(drop=True)
    if len(per_plate):
        tally = np.bincount(per_plate)
        k = np.flatnonzero(tally)
        reads_per_plate = pd.Series(tally[k], index=k, dtype="int64")
    else:
        reads_per_plate = pd.Series(dtype="int64")
    if cancelled():
        raise Cancelled()
    top = _top_plates(codes, per_code, gov_flag, ns, devices) if codes is not None else _top_plates(None, per_code)
    return Summary(
        table=table,
        by_hour=tallies.by_hour,
        weekday_hour=tallies.weekday_hour,
        reads_per_plate=reads_per_plate,
        device_days=tallies.device_days,
        devices=tallies.device_table.reset_index(drop=True),
        time_range=tallies.time_range,
        reads_without_time=no_time,
        plates_hashed=hashed,
        top_plates=top,
        funnel=funnel,
        unreadable_reasons=unreadable,
    )
