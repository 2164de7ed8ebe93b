"""Device tracks: each camera's reads, in time order, cut into continuous patrols.

A device's reads are sorted by time (ties keep their input order).  A new
track starts at the device's first read, and wherever the step from the
previous read

* is longer in time than the maximum gap (``gap``), or
* implies a speed above the maximum (``speed``): the straight-line distance
  divided by the time between the reads.  Timestamps are whole seconds, so a
  step of less than a second counts as one second — two reads logged in the
  same second a few metres apart (GPS noise, several plates at once) do not
  split a track.

A lone read reached by a jump too fast and left by another, between two
reads the car could have driven between, is a glitch (a GPS error, a
point at 0,0): with ``drop_glitches`` (the default) it is left out and
counted, and the track goes on instead of breaking in three.

The reason a track starts is kept (``device_start``, ``gap``, ``speed``; data
codes, never translated).  Reads without a position, a time or a device
cannot be placed on a track and are skipped and counted.  A track needs two
reads to be a line: one-read tracks are counted, not drawn.  Guarantee:
reads on lines + one-read tracks + glitches + skipped reads = input reads.

Distances and lengths are planar, in the units of the coordinates given
(the algorithm passes metres in the layer's local UTM zone).  Everything is
whole-column numpy/pandas: one sort, then diff/cumsum/bincount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

# Why a track starts (the ``start_reason`` field).
DEVICE_START = "device_start"
GAP = "gap"
SPEED = "speed"
# Why a read is skipped.
NO_GEOMETRY = "no_geometry"
NO_TIME = "no_time"
NO_DEVICE = "no_device"

_NS = 1_000_000_000


@dataclass
class Tracks:
    """The result of ``split_tracks()``.

    ``table`` has one row per track of two reads or more, ordered by device
    then time: ``track_id`` (1-based), ``device`` (text), ``start_time``,
    ``end_time``, ``read_count``, ``length_m``, ``duration_min``,
    ``start_reason``, ``first_read_id`` and ``last_read_id`` (null without
    read ids).  The reads of track ``k`` are the input positions
    ``order[offsets[k]:offsets[k + 1]]``, in time order.  ``single_reads``
    counts one-read tracks, ``glitches`` the reads left out as glitches,
    ``skipped`` the reads without position, time or device, by reason.
    """

    table: pd.DataFrame
    order: np.ndarray
    offsets: np.ndarray
    single_reads: int
    glitches: int = 0
    skipped: Dict[str, int] = field(default_factory=dict)
    devices: int = 0

    @property
    def skipped_total(self) -> int:
        return int(sum(self.skipped.values()))


def coerce_times(values: pd.Series, field_name: str, strict: bool = True) -> pd.Series:
    """``values`` as naive ``datetime64[ns]`` (NaT where missing or unreadable).

    Date-time columns pass through; text is parsed.  A column of numbers, or
    with values but not one readable date-time, raises ``AlprInputError``
    naming the field (``strict`` False: not the latter, for one chunk of a column).
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        times = values
    elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "holds numbers, not date-time values"),
            field=field_name,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the field with the read times as TIME_FIELD"),
        )
    else:
        times = pd.to_datetime(values, errors="coerce")
        if strict and times.isna().all() and values.notna().any():
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "holds no date-time values"),
                field=field_name,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the field with the read times as TIME_FIELD"),
            )
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    return times.astype("datetime64[ns]")


def split_tracks(
    device: pd.Series,
    time: pd.Series,
    x: np.ndarray,
    y: np.ndarray,
    *,
    max_gap_s: float,
    max_speed_ms: float,
    read_id: Optional[np.ndarray] = None,
    drop_glitches: bool = True,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Tracks:
    """Cut each device's reads into tracks (see the module docstring).

    ``device`` and ``time`` (datetime64) are columns of the reads; ``x``/``y``
    their planar coordinates in metres (NaN: no position); ``max_gap_s`` in
    seconds, ``max_speed_ms`` in metres per second.  ``drop_glitches``: leave
    out lone reads that jump away and straight back (see the module docstring).
    """
    device = pd.Series(device).reset_index(drop=True)
    raw, values = pd.factorize(device.astype("object").to_numpy(dtype=object), sort=False)
    values = list(values)
    blank = values.index("") if device.dtype == object and "" in values else -1
    ns = pd.Series(time).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return split_coded(
        raw,
        values,
        ns,
        x,
        y,
        max_gap_s=max_gap_s,
        max_speed_ms=max_speed_ms,
        read_id=read_id,
        blank_code=blank,
        drop_glitches=drop_glitches,
        progress=progress,
        cancelled=cancelled,
    )


def _sorted_devices(codes: np.ndarray, values: Sequence[object]) -> Tuple[np.ndarray, np.ndarray]:
    """Device codes renumbered by device value (as ``pd.factorize(..., sort=True)``) and their names as text."""
    seen = np.bincount(codes) > 0 if len(codes) else np.zeros(0, dtype=bool)
    used = np.flatnonzero(seen)
    local = (np.cumsum(seen) - 1)[codes]  # (codes of distinct devices, not sorted: bincount, no sort)
    chosen = np.empty(len(used), dtype=object)
    chosen[:] = [values[c] for c in used]
    try:
        rank = np.argsort(chosen, kind="stable")
        renumber = np.empty(len(used), dtype=np.int64)
        renumber[rank] = np.arange(len(used))
        names = np.asarray([str(v) for v in chosen[rank]], dtype=object)
    except TypeError:  # mixed types (numbers and text) do not sort: sorted as text
        names, renumber = np.unique(np.asarray([str(v) for v in chosen], dtype=object), return_inverse=True)
        names = names.astype(object)
    return renumber[local].astype(np.int64), names


def split_coded(
    device_codes: np.ndarray,
    device_values: Sequence[object],
    ns: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    *,
    max_gap_s: float,
    max_speed_ms: float,
    read_id: Optional[np.ndarray] = None,
    blank_code: int = -1,
    drop_glitches: bool = True,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Tracks:
    """``split_tracks`` for compact columns: ``device_codes`` (int, -1 = none) into ``device_values``
    (any order), ``ns`` the times as int64 nanoseconds (NaT's value: no time), ``blank_code`` a code
    that counts as no device (an empty text), ``read_id`` int64 or a nullable array."""
    n = len(x)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    device_codes = np.asarray(device_codes)
    has_geometry = np.isfinite(x) & np.isfinite(y)
    has_time = np.asarray(ns) != np.iinfo(np.int64).min
    has_device = (device_codes >= 0) & (device_codes != blank_code)
    skipped = {
        NO_GEOMETRY: int((~has_geometry).sum()),
        NO_TIME: int((has_geometry & ~has_time).sum()),
        NO_DEVICE: int((has_geometry & has_time & ~has_device).sum()),
    }
    valid = np.flatnonzero(has_geometry & has_time & has_device)
    progress(0.1)
    if cancelled():
        raise Cancelled()

    codes, names = _sorted_devices(device_codes[valid], device_values)
    codes = codes.astype(np.int32)  # (each array is let go as soon as the sorted one is made: a few bytes a read)
    ns = np.asarray(ns)[valid]
    rank = np.lexsort((valid, ns, codes))  # by device, then time, then input order
    order = valid[rank]
    del valid
    codes = codes[rank]
    ns = ns[rank]
    del rank
    sx = x[order]
    sy = y[order]
    progress(0.4)
    if cancelled():
        raise Cancelled()

    glitches = 0
    new_device, gap, fast, step = _steps(codes, ns, sx, sy, max_gap_s, max_speed_ms)
    if drop_glitches and len(order) > 2:
        glitch = _glitches(codes, ns, sx, sy, fast, max_speed_ms)
        glitches = int(glitch.sum())
        if glitches:
            order, codes, ns, sx, sy = (a[~glitch] for a in (order, codes, ns, sx, sy))
            new_device, gap, fast, step = _steps(codes, ns, sx, sy, max_gap_s, max_speed_ms)
    starts = new_device | gap | fast
    del fast
    track = np.cumsum(starts) - 1
    n_tracks = int(starts.sum())
    sizes = np.bincount(track, minlength=n_tracks)
    step[starts] = 0.0  # (a track's length is the sum of its steps; adding 0.0 changes no sum)
    length = np.bincount(track, weights=step, minlength=n_tracks)
    del track, step, sx, sy
    first = np.flatnonzero(starts)
    last = first + sizes - 1
    progress(0.7)
    if cancelled():
        raise Cancelled()

    keep = sizes >= 2
    kept = np.flatnonzero(keep)
    starting = first[kept]  # (the reason a track starts, for the tracks drawn only: text is 48 bytes a track)
    reason = np.where(new_device[starting], DEVICE_START, np.where(gap[starting], GAP, SPEED)).astype(object)
    start_ns, end_ns = ns[first[kept]], ns[last[kept]]
    table = pd.DataFrame(
        {
            "track_id": np.arange(1, len(kept) + 1, dtype=np.int64),
            "device": names[codes[first[kept]]],
            "start_time": start_ns.astype("datetime64[ns]"),
            "end_time": end_ns.astype("datetime64[ns]"),
            "read_count": sizes[kept].astype(np.int64),
            "length_m": length[kept],
            "duration_min": (end_ns - start_ns) / (60.0 * _NS),
            "start_reason": reason,
        }
    )
    if read_id is not None:
        ids = read_id if isinstance(read_id, pd.api.extensions.ExtensionArray) else pd.array(read_id, dtype="Int64")
        table["first_read_id"] = ids[order[first[kept]]]
        table["last_read_id"] = ids[order[last[kept]]]
    else:
        table["first_read_id"] = table["last_read_id"] = pd.array([None] * len(kept), dtype="Int64")
    on_lines = np.repeat(keep, sizes)
    line_order = order[on_lines]
    offsets = np.concatenate([[0], np.cumsum(sizes[kept])]).astype(np.int64)
    single = int((sizes == 1).sum())
    if len(line_order) + single + glitches + sum(skipped.values()) != n:  # cheap, and it catches real bugs
        raise RuntimeError("tracks: {} reads unaccounted for".format(n - len(line_order) - single - glitches))
    progress(1.0)
    return Tracks(
        table=table,
        order=line_order,
        offsets=offsets,
        single_reads=single,
        glitches=glitches,
        skipped=skipped,
        devices=len(names),
    )


def _steps(
    codes: np.ndarray, ns: np.ndarray, sx: np.ndarray, sy: np.ndarray, max_gap_s: float, max_speed_ms: float
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For sorted reads: device changes, too-long gaps, too-fast jumps (each at the read arrived at), step lengths."""
    m = len(codes)
    new_device = np.ones(m, dtype=bool)
    gap = np.zeros(m, dtype=bool)
    fast = np.zeros(m, dtype=bool)
    step = np.zeros(m)
    if m > 1:
        new_device[1:] = codes[1:] != codes[:-1]
        seconds = np.diff(ns) / _NS
        step[1:] = np.hypot(np.diff(sx), np.diff(sy))
        gap[1:] = seconds > max_gap_s
        fast[1:] = step[1:] / np.maximum(seconds, 1.0) > max_speed_ms
    gap &= ~new_device  # a step between two devices is no step
    fast &= ~new_device
    return new_device, gap, fast, step


def _glitches(
    codes: np.ndarray, ns: np.ndarray, sx: np.ndarray, sy: np.ndarray, fast: np.ndarray, max_speed_ms: float
) -> np.ndarray:
    """Sorted reads reached by a jump too fast and left by another, between two reads of the same
    device that are close enough in space and time for the car to have driven from one to the other."""
    glitch = np.zeros(len(codes), dtype=bool)
    if len(codes) < 3:
        return glitch
    # Slices, not index arrays: read k (1 .. m-2) against k-1 (``[:-2]``) and k+1 (``[2:]``).
    spike = (codes[:-2] == codes[1:-1]) & (codes[2:] == codes[1:-1]) & fast[1:-1] & fast[2:]
    seconds = np.maximum((ns[2:] - ns[:-2]) / _NS, 1.0)
    bridge = np.hypot(sx[2:] - sx[:-2], sy[2:] - sy[:-2]) / seconds <= max_speed_ms
    glitch[1:-1] = spike & bridge
    return glitch


def _middles(codes: np.ndarray, n_dev: int, x: np.ndarray, y: np.ndarray):
    """Per device: median x and y of its located reads, the ``FIXED_SHARE`` quantile of their distances from
    there (linear between the two nearest, as pandas' groupby quantile), and how many are located.

    One stable sort of the located reads by device, then each device's slice: a few bytes a read.
    """
    mx = np.full(n_dev, np.nan)
    my = np.full(n_dev, np.nan)
    spread = np.full(n_dev, np.nan)
    located = np.flatnonzero((codes >= 0) & np.isfinite(x) & np.isfinite(y))
    device = codes[located]
    located = located[np.argsort(device, kind="stable")]
    located_count = np.bincount(device, minlength=n_dev).astype(np.int64)
    del device
    ends = np.cumsum(located_count)
    for k in np.flatnonzero(located_count):
        rows = located[ends[k] - located_count[k] : ends[k]]
        gx, gy = x[rows], y[rows]
        mx[k], my[k] = np.median(gx), np.median(gy)
        d = np.sort(np.hypot(gx - mx[k], gy - my[k]))
        at = FIXED_SHARE * (len(d) - 1)
        i, frac = int(at), at % 1
        spread[k] = d[i] if frac == 0.0 else d[i] + (d[i + 1] - d[i]) * frac
    return mx, my, spread, located_count


def linestring_wkb(x: np.ndarray, y: np.ndarray, tracks: Tracks) -> List[bytes]:
    """Little-endian WKB LineStrings of each track, from coordinates ``x``/``y`` (e.g. in the layer's CRS)."""
    coords = np.empty((len(tracks.order), 2), dtype="<f8")
    coords[:, 0] = np.asarray(x, dtype=float)[tracks.order]
    coords[:, 1] = np.asarray(y, dtype=float)[tracks.order]
    raw = coords.tobytes()
    out: List[bytes] = []
    offsets = tracks.offsets
    for k in range(len(offsets) - 1):
        count = int(offsets[k + 1] - offsets[k])
        head = b"\x01" + (2).to_bytes(4, "little") + count.to_bytes(4, "little")
        out.append(head + raw[offsets[k] * 16 : offsets[k + 1] * 16])
    return out


# ------------------------------------------------------------------ camera kinds

FIXED = "fixed"
MOBILE = "mobile"
FIXED_RADIUS_M = 50.0  # a device whose reads stay within this of their middle is a fixed camera
FIXED_SHARE = 0.99  # ... all but the odd stray read (a GPS glitch): this share of them
MIN_FIXED_READS = 10  # too few reads cannot show that a device stays put


@dataclass
class CameraKinds:
    """Which devices are fixed cameras and which move (patrol cars), from where their reads are.

    ``table`` has one row per device: ``device``, ``kind`` (``fixed`` or
    ``mobile``), ``read_count`` (all its reads), ``located_count``, ``x``/``y``
    (the median position of its located reads, in the coordinates given) and
    ``spread_m`` (the distance from there within which ``FIXED_SHARE`` of its
    located reads lie).  ``fixed_read`` flags, per read, the reads of fixed
    cameras; ``device_code`` gives each read's row in ``table`` (-1 without a
    device) and ``devices_of(mask)`` the device names of the reads ``mask``
    selects (None without one).
    """

    table: pd.DataFrame
    fixed_read: np.ndarray
    device_code: np.ndarray

    @property
    def fixed(self) -> pd.DataFrame:
        return self.table[self.table["kind"] == FIXED]

    def devices_of(self, mask: np.ndarray) -> np.ndarray:
        names = np.asarray(list(self.table["device"]) + [None], dtype=object)
        return names[self.device_code[mask]]

    @property
    def read_device(self) -> np.ndarray:
        """Each read's device as named in ``table`` (None without one)."""
        return self.devices_of(slice(None))


def camera_kinds(devices: pd.Series, x: np.ndarray, y: np.ndarray, radius_m: float = FIXED_RADIUS_M) -> CameraKinds:
    """Fixed cameras and mobile devices: fixed when ``FIXED_SHARE`` of a device's located reads lie within
    ``radius_m`` of their median position (and it has ``MIN_FIXED_READS`` located reads or more);
    ``radius_m`` 0 = all mobile.

    ``x``/``y`` in metres (a projected CRS).  Reads without a device belong to none.
    """
    raw_codes, raw = pd.factorize(devices.astype("object").to_numpy(dtype=object), sort=False)
    return camera_kinds_coded(raw_codes, raw, x, y, radius_m)


def camera_kinds_coded(
    raw_codes: np.ndarray, raw: Sequence[object], x: np.ndarray, y: np.ndarray, radius_m: float = FIXED_RADIUS_M
) -> CameraKinds:
    """``camera_kinds`` for a device column given as codes (-1 = null) into its distinct values ``raw``
    (in order of first appearance, as ``pd.factorize`` or ``core.codes.Coder`` give them)."""
    of_value, names = kinds_devices(raw)
    codes = np.append(of_value, -1).astype(np.int32)[np.asarray(raw_codes)]  # (null devices: -1)
    n_dev = len(names)
    read_count = np.bincount(codes[codes >= 0], minlength=n_dev)
    mx, my, spread, located_count = _middles(codes, n_dev, np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    table, is_fixed = kinds_table(names, read_count, located_count, mx, my, spread, radius_m)
    return CameraKinds(table, np.append(is_fixed, False)[codes], codes)  # (no device: not fixed)


def kinds_devices(raw: Sequence[object]) -> Tuple[np.ndarray, np.ndarray]:
    """(each distinct device value's row in the camera kinds table, -1 for none; the table's device names).

    Devices as text, blank ones as none: decided once per distinct value, not per read.
    """
    text = pd.Series(np.asarray(list(raw) + [None], dtype=object)[:-1], dtype=object).astype(str)
    text = text.where(text.str.strip() != "", None)
    codes, names = pd.factorize(text, sort=False)
    return codes.astype(np.int32), names


def kinds_table(names, read_count, located_count, mx, my, spread, radius_m: float) -> Tuple[pd.DataFrame, np.ndarray]:
    """``CameraKinds.table`` from each device's counts, middle and spread; and whether each is fixed."""
    is_fixed = (radius_m > 0) & (located_count >= MIN_FIXED_READS) & (spread <= radius_m)
    table = pd.DataFrame(
        {
            "device": pd.Series(np.asarray(names, dtype=object), dtype=object),
            "kind": np.where(is_fixed, FIXED, MOBILE),
            "read_count": np.asarray(read_count).astype(np.int64),
            "located_count": located_count,
            "x": mx,
            "y": my,
            "spread_m": spread,
        }
    )
    return table, np.asarray(is_fixed, dtype=bool)
