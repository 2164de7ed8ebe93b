"""The numbers of an ALPR dataset: the metrics of ``alpr:summary`` and the tallies its report draws.

Pure pandas/numpy (no QGIS).  The algorithm reads the layers and decides,
per read, where it lies (missing location, near the reference point, outside
the boundary); this module counts.  Every metric is a value (float, or None
where the input cannot give it) with a note saying what it counted or why it
is missing.  Nothing here ever puts plate text into a note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.plates import normalise_plates, plates_look_hashed

# The cleaner's reasons that mean "the reader's text is not a plate".
MISREAD_REASONS: Tuple[str, ...] = ("sign_word", "overlength", "invalid_chars")
WEEKDAYS: Tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MILE_M = 1609.344

# Definitions, shown in the algorithm's help and in the report's methods section.
DEFINITIONS: Dict[str, str] = {
    "total_reads": "Every feature of the input layer.",
    "unique_plates": "Distinct plates among reads with a plate, compared after normalisation (upper case; "
    "spaces, dashes and dots removed) and paired with the state where a state field is given.",
    "plates_seen_once": "Distinct plates read exactly once.",
    "mean_reads_per_plate": "Reads with a plate divided by unique_plates.",
    "max_reads_single_plate": "Reads of the most-read plate (the plate itself is never shown).",
    "government_plates": "Distinct plates flagged is_government by alpr:cleanreads, or else matching "
    "GOVERNMENT_PATTERN; null when plates are hashed and no is_government field exists.",
    "government_reads": "Reads of those plates.",
    "duplicate_reads": "Reads flagged is_duplicate by alpr:cleanreads (same plate, same device, within its "
    "window); null without that field.",
    "reads_near_reference": "Reads within REFERENCE_DISTANCE of REFERENCE_POINT, measured on the WGS 84 "
    "ellipsoid (geodesic); null without a reference point.",
    "reads_outside_boundary": "Reads with a location outside BOUNDARY (a read on the border is inside); "
    "null without a boundary.",
    "reads_missing_location": "Reads with no geometry, or at 0,0 (null island: the export filled a missing "
    "location with zeros).",
    "misreads": "Reads the cleaner rejected because the text is not a plate (reasons sign_word, overlength, "
    "invalid_chars), counted in REJECTED; null without it.",
    "devices": "Distinct devices (cameras or cars) among reads with a device.",
    "days_with_reads": "Distinct calendar days (in the time field's own time) with at least one read.",
    "busiest_device_share": "Share of the reads taken by the device with the most reads.",
}
METRICS: Tuple[str, ...] = tuple(DEFINITIONS)


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
    near_reference: Optional[np.ndarray] = None  # bool, None = no reference point
    reference_note: str = ""
    outside_boundary: Optional[np.ndarray] = None  # bool, None = no boundary
    rejected_reasons: Optional[pd.Series] = None  # the REJECTED layer's reason column, None = not given


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


def _blank(series: pd.Series) -> np.ndarray:
    """True where the value is null or only white space (tested once per distinct value)."""
    codes, uniques = pd.factorize(series.astype("object"), use_na_sentinel=True)
    blank = pd.Series(uniques, dtype=object).astype(str).str.strip().eq("").to_numpy()
    return np.append(blank, True)[codes]  # code -1 (null) picks the appended True


@dataclass
class PlateCodes:
    """Each read's plate as an integer: equal codes = the same plate (and state), -1 = no plate."""

    codes: np.ndarray  # int64, one per read
    plain: np.ndarray  # int64, one per read: the normalised plate alone (no state), -1 = none
    plates: np.ndarray  # object: the distinct normalised plates, indexed by ``plain``


def _normalised_codes(values: pd.Series) -> Tuple[np.ndarray, np.ndarray]:
    """(code per row, distinct normalised texts): normalisation runs once per distinct raw value."""
    raw_codes, raw_uniques = pd.factorize(values.astype("object"), use_na_sentinel=True)
    normal = normalise_plates(pd.Series(raw_uniques, dtype=object))
    normal = normal.where(normal.notna() & (normal.astype(str) != ""), None)
    norm_codes, norm_uniques = pd.factorize(normal, use_na_sentinel=True)
    lookup = np.append(norm_codes, -1).astype(np.int64)  # raw code -1 (null) maps to the last entry: -1
    return lookup[raw_codes], np.asarray(norm_uniques, dtype=object)


def plate_codes(plates: pd.Series, states: Optional[pd.Series] = None) -> PlateCodes:
    """Plates compared after the cleaner's normalisation, paired with the normalised state when given."""
    plain, uniques = _normalised_codes(plates)
    codes = plain.copy()
    if states is not None:
        state, state_uniques = _normalised_codes(states)
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


def summarise(data: SummaryInput) -> Summary:
    """Every metric of ``METRICS`` for the reads described by ``data``."""
    rows: List[Tuple[str, Optional[float], str]] = []
    n = int(data.n)

    def add(metric: str, value: Optional[float], note: str) -> None:
        rows.append((metric, None if value is None else float(value), note))

    add("total_reads", n, "")

    # -- plates
    hashed = False
    per_plate = np.zeros(0, dtype=np.int64)  # reads of each distinct plate
    codes = None
    if data.plates is not None:
        hashed = plates_look_hashed(data.plates)
        codes = plate_codes(data.plates, data.states)
        has_plate = codes.codes >= 0
        if has_plate.any():
            per_plate = np.bincount(codes.codes[has_plate])
            per_plate = per_plate[per_plate > 0]
        no_plate = n - int(has_plate.sum())
        unique = int(len(per_plate))
        once = int((per_plate == 1).sum())
        plate_note = "{:,} reads have no plate".format(no_plate) if no_plate else ""
        if data.states is not None:
            plate_note = "; ".join(filter(None, [plate_note, "plates paired with their state"]))
        if hashed:
            plate_note = "; ".join(filter(None, [plate_note, "plates arrived hashed"]))
        add("unique_plates", unique, plate_note)
        add("plates_seen_once", once, "{} of unique plates".format(_share(once, unique)) if unique else "")
        add(
            "mean_reads_per_plate",
            (n - no_plate) / unique if unique else None,
            "" if unique else "no plate in the input",
        )
        add("max_reads_single_plate", int(per_plate.max()) if unique else None, "" if unique else "no plate")
    else:
        for metric in ("unique_plates", "plates_seen_once", "mean_reads_per_plate", "max_reads_single_plate"):
            add(metric, None, "no plate field")

    # -- government plates
    if codes is None:
        add("government_plates", None, "no plate field")
        add("government_reads", None, "no plate field")
    elif data.is_government is not None:
        flag = _as_bool(data.is_government)
        gov = codes.codes[flag & (codes.codes >= 0)]
        add("government_plates", int(len(np.unique(gov))), "from the is_government field")
        add("government_reads", int(flag.sum()), "from the is_government field")
    elif hashed:
        note = "plates are hashed: GOVERNMENT_PATTERN cannot be applied and there is no is_government field"
        add("government_plates", None, note)
        add("government_reads", None, note)
    else:
        pattern = re.compile(data.government_pattern)
        matched = np.fromiter(
            (pattern.fullmatch(p) is not None for p in codes.plates), dtype=bool, count=len(codes.plates)
        )
        flag = np.append(matched, False)[codes.plain]  # plain -1 (no plate) picks the appended False
        note = "plates matching the pattern {}".format(data.government_pattern)
        add("government_plates", int(len(np.unique(codes.codes[flag]))), note)
        add("government_reads", int(flag.sum()), note)

    # -- duplicates
    if data.is_duplicate is not None:
        dup = int(_as_bool(data.is_duplicate).sum())
        add("duplicate_reads", dup, "{} of reads".format(_share(dup, n)))
    else:
        add("duplicate_reads", None, "no is_duplicate field (run alpr:cleanreads first)")

    # -- location
    no_geometry = np.zeros(n, bool) if data.no_geometry is None else np.asarray(data.no_geometry, bool)
    island = np.zeros(n, bool) if data.null_island is None else np.asarray(data.null_island, bool) & ~no_geometry
    missing = no_geometry | island
    located = n - int(missing.sum())
    if data.near_reference is not None:
        near = int((np.asarray(data.near_reference, bool) & ~missing).sum())
        note = "; ".join(
            filter(None, [data.reference_note, "{} of reads with a location".format(_share(near, located))])
        )
        add("reads_near_reference", near, note)
    else:
        add("reads_near_reference", None, "no REFERENCE_POINT given")
    if data.outside_boundary is not None:
        out = int((np.asarray(data.outside_boundary, bool) & ~missing).sum())
        add("reads_outside_boundary", out, "{} of reads with a location".format(_share(out, located)))
    else:
        add("reads_outside_boundary", None, "no BOUNDARY given")
    add(
        "reads_missing_location",
        int(missing.sum()),
        "{} without a geometry, {} at 0,0".format(int(no_geometry.sum()), int(island.sum())),
    )

    # -- misreads
    if data.rejected_reasons is not None:
        reasons = data.rejected_reasons.astype("object").where(data.rejected_reasons.notna(), "")
        tally = reasons.astype(str).value_counts()
        mis = int(sum(int(tally.get(r, 0)) for r in MISREAD_REASONS))
        parts = ["{} {}".format(int(tally.get(r, 0)), r) for r in MISREAD_REASONS]
        add("misreads", mis, "{}; REJECTED holds {} reads in all".format(", ".join(parts), len(reasons)))
    else:
        add("misreads", None, "no REJECTED layer given (the rejected output of alpr:cleanreads)")

    # -- devices and time
    device_table = pd.DataFrame(columns=["device", "reads", "days", "first", "last"])
    device_days = pd.DataFrame()
    times = as_times(data.times) if data.times is not None else None
    devices = None
    if data.devices is not None:
        devices = data.devices.astype("object").where(~_blank(data.devices), None)
        per_device = devices.dropna().astype(str).value_counts()
        add("devices", len(per_device), "{:,} reads have no device".format(int(devices.isna().sum())))
        add(
            "busiest_device_share",
            per_device.iloc[0] / n if len(per_device) and n else None,
            "{:,} reads by the busiest device".format(int(per_device.iloc[0])) if len(per_device) else "no device",
        )
    else:
        add("devices", None, "no device field")
        add("busiest_device_share", None, "no device field")

    by_hour = np.zeros(24, dtype=np.int64)
    weekday_hour = np.zeros((7, 24), dtype=np.int64)
    time_range: Tuple[Optional[pd.Timestamp], Optional[pd.Timestamp]] = (None, None)
    no_time = n
    if times is not None:
        ok = times.notna().to_numpy()
        no_time = int((~ok).sum())
        valid = times[ok]
        if len(valid):
            hours = valid.dt.hour.to_numpy()
            days = valid.dt.weekday.to_numpy()
            by_hour = np.bincount(hours, minlength=24).astype(np.int64)
            weekday_hour = np.bincount(days * 24 + hours, minlength=7 * 24).reshape(7, 24).astype(np.int64)
            time_range = (valid.min(), valid.max())
            dates = valid.dt.normalize()
            add(
                "days_with_reads",
                int(dates.nunique()),
                "from {:%Y-%m-%d %H:%M} to {:%Y-%m-%d %H:%M}{}".format(
                    time_range[0], time_range[1], "; {} reads without a time".format(no_time) if no_time else ""
                ),
            )
            if devices is not None:
                frame = pd.DataFrame({"device": devices[ok].fillna("(no device)").astype(str), "date": dates})
                device_days = frame.groupby(["device", "date"]).size().unstack(fill_value=0).sort_index()
                stats = (
                    frame.assign(time=valid)
                    .groupby("device")
                    .agg(reads=("time", "size"), days=("date", "nunique"), first=("time", "min"), last=("time", "max"))
                )
                device_table = stats.reset_index().sort_values("reads", ascending=False, kind="stable")
        else:
            add("days_with_reads", None, "no readable time")
    else:
        add("days_with_reads", None, "no time field")

    table = pd.DataFrame(rows, columns=["metric", "value", "note"])
    table["value"] = table["value"].astype("float64")
    order = {m: i for i, m in enumerate(METRICS)}
    table = table.sort_values("metric", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    if len(per_plate):
        tally = np.bincount(per_plate)
        k = np.flatnonzero(tally)
        reads_per_plate = pd.Series(tally[k], index=k, dtype="int64")
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
        plates_hashed=hashed,
    )


# ------------------------------------------------------------------ geodesy

_A = 6378137.0
_F = 1 / 298.257223563
_B = _A * (1 - _F)


def geodesic_distance(lon1, lat1, lon2, lat2, *, tolerance: float = 1e-12, max_iter: int = 100) -> np.ndarray:
    """Distances in metres on the WGS 84 ellipsoid (Vincenty's inverse formula, vectorised).

    Accurate to well under a millimetre; the rare nearly antipodal pairs where
    the iteration does not converge fall back to the great-circle distance on a
    sphere of the ellipsoid's mean radius.  NaN in, NaN out.
    """
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    shape = lon1.shape
    lon1, lat1, lon2, lat2 = (np.ravel(v) for v in (lon1, lat1, lon2, lat2))
    out = np.full(lon1.shape, np.nan)
    good = np.isfinite(lon1) & np.isfinite(lat1) & np.isfinite(lon2) & np.isfinite(lat2)
    if not good.any():
        return out.reshape(shape)
    big_l = np.radians(lon2[good] - lon1[good])
    u1 = np.arctan((1 - _F) * np.tan(np.radians(lat1[good])))
    u2 = np.arctan((1 - _F) * np.tan(np.radians(lat2[good])))
    sin_u1, cos_u1, sin_u2, cos_u2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    lam = big_l.copy()
    converged = np.zeros(lam.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(max_iter):
            sin_lam, cos_lam = np.sin(lam), np.cos(lam)
            sin_sigma = np.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
            cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
            sigma = np.arctan2(sin_sigma, cos_sigma)
            sin_alpha = np.where(sin_sigma == 0, 0.0, cos_u1 * cos_u2 * sin_lam / sin_sigma)
            cos2_alpha = 1 - sin_alpha**2
            cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha)
            c = _F / 16 * cos2_alpha * (4 + _F * (4 - 3 * cos2_alpha))
            new = big_l + (1 - c) * _F * sin_alpha * (
                sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
            )
            converged = np.abs(new - lam) < tolerance
            lam = new
            if converged.all():
                break
        u_sq = cos2_alpha * (_A**2 - _B**2) / _B**2
        a_k = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
        b_k = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
        d_sigma = (
            b_k
            * sin_sigma
            * (
                cos_2sm
                + b_k
                / 4
                * (
                    cos_sigma * (-1 + 2 * cos_2sm**2)
                    - b_k / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
                )
            )
        )
        dist = _B * a_k * (sigma - d_sigma)
    bad = ~converged | ~np.isfinite(dist)
    if bad.any():
        p1, p2 = np.radians(lat1[good][bad]), np.radians(lat2[good][bad])
        dl = big_l[bad]
        h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        dist[bad] = 2 * ((2 * _A + _B) / 3) * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    out[good] = dist
    return out.reshape(shape)


def within_distance(lon0: float, lat0: float, lon, lat, distance_m: float) -> np.ndarray:
    """Which points lie within ``distance_m`` of (lon0, lat0) on the WGS 84 ellipsoid.

    A great-circle distance screens the points first (it is within 0.7 % of
    the ellipsoidal one); only those near the threshold get Vincenty's formula.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.zeros(lon.shape, dtype=bool)
    good = np.isfinite(lon) & np.isfinite(lat)
    p0, p = math.radians(lat0), np.radians(lat[good])
    h = np.sin((p - p0) / 2) ** 2 + math.cos(p0) * np.cos(p) * np.sin(np.radians(lon[good] - lon0) / 2) ** 2
    sphere = 2 * ((2 * _A + _B) / 3) * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    margin = 0.01 * distance_m + 1.0
    sure = sphere <= distance_m - margin
    maybe = ~sure & (sphere <= distance_m + margin)
    idx = np.flatnonzero(good)
    out[idx[sure]] = True
    if maybe.any():
        exact = geodesic_distance(lon0, lat0, lon[idx[maybe]], lat[idx[maybe]])
        out[idx[maybe]] = exact <= distance_m
    return out


def describe_distance(metres: float) -> str:
    """``1609 m (1 mile)`` style text for notes."""
    miles = metres / MILE_M
    shown = "{:g}".format(round(miles, 2))
    return "{:,.0f} m ({} mile{})".format(metres, shown, "" if math.isclose(miles, 1.0) else "s")
