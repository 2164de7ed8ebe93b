"""The reads of ``alpr:summary`` counted as they stream in, with flat memory whatever their number.

Each chunk of reads is counted at once (funnel, locations, duplicates,
government reads, reads by hour and weekday, reads per device per day) and
what needs every read together goes into scratch files, a few bucket files
each (:class:`Spill`, in a private ``core.scratch.ScratchDir`` folder, as
they hold plate text):

- the plates: each read's normalised plate (UTF-8 bytes), state, index,
  time, device and government flag, in a bucket chosen by the plate, so
  that a bucket at a time gives the reads per plate, the government plates
  and the most-read plates (:meth:`FlatReads.plate_counts`);
- the positions of the reads that have one (the map, the time zone and
  the working CRS);
- the located reads of each device (fixed cameras and patrol cars), a
  bucket of devices at a time;
- the read ids (the ids INPUT shares with the other layers).

Memory then holds a chunk, a bucket and the aggregates (per device and
day, per plate bucket), not the reads.  The counts are those
``core.summary.summarise`` makes of the whole columns: plates compared
after the cleaner's normalisation (paired with the state when given),
ties among the most-read plates going to the plate read first.
"""

from __future__ import annotations

import datetime
import os
import re
from typing import Callable, Dict, Iterator, List, Optional

import numpy as np

from alpr_qgis.core.codes import Coder
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.metrics import TOP_PLATES
from alpr_qgis.core.plates import _all_hashed, normalised_codes
from alpr_qgis.core.summary import Locations, _as_bool, as_times
from alpr_qgis.core.summary_reads import check_plates
from alpr_qgis.core.summary_tallies import DAY_NS, HOUR_NS, NAT

pd = lazy_module("pandas")

#: Reads a bucket file holds at most, roughly (the working memory of a bucket's counting).
BUCKET_READS = 250_000
MAX_BUCKETS = 256
UNKNOWN_BUCKETS = 32  # for a source that does not announce its number of rows
_HEAD = 2000  # the rows ``core.plates.plates_look_hashed`` looks at first
_HEX = re.compile(r"[0-9A-Fa-f]+")
_B64 = re.compile(r"[A-Za-z0-9+/_\-]+={0,2}")


def buckets_for(total: int, per_bucket: Optional[int] = None) -> int:
    """How many bucket files for ``total`` reads, ``per_bucket`` a bucket (default :data:`BUCKET_READS`; one
    for few reads, at most :data:`MAX_BUCKETS`)."""
    per_bucket = BUCKET_READS if per_bucket is None else per_bucket
    if total < 0:  # (a source that cannot tell its rows)
        return UNKNOWN_BUCKETS
    return int(max(1, min(MAX_BUCKETS, -(-max(int(total), 1) // max(int(per_bucket), 1)))))


class Spill:
    """Columns appended a chunk at a time to ``k`` bucket files (``name_<b>.bin`` in ``folder``).

    Each write is a segment (a structured array: its layout kept here), so a
    column of bytes may be as wide as its chunk needs; reading a bucket gives
    its rows in the order they came.
    """

    def __init__(self, folder: str, name: str, k: int = 1) -> None:
        self.k = int(k)
        self.paths = [os.path.join(folder, "{}_{}.bin".format(name, b)) for b in range(self.k)]
        self._files: List[Optional[object]] = [None] * self.k
        self.segments: List[list] = [[] for _ in range(self.k)]  # (offset, rows, dtype)

    def add(self, columns: Dict[str, np.ndarray], bucket: Optional[np.ndarray] = None) -> None:
        """Rows given as equal-length ``columns``; ``bucket``: each row's bucket (0 when None)."""
        n = len(next(iter(columns.values())))
        if not n:
            return
        if bucket is None or self.k == 1:
            self._write(0, columns, n)
            return
        order = np.argsort(bucket, kind="stable")
        ends = np.cumsum(np.bincount(bucket, minlength=self.k))
        for b in np.flatnonzero(np.diff(ends, prepend=0)):
            rows = order[ends[b - 1] if b else 0 : ends[b]]
            self._write(int(b), {name: a[rows] for name, a in columns.items()}, len(rows))

    def _write(self, b: int, columns: Dict[str, np.ndarray], n: int) -> None:
        record = np.empty(n, dtype=[(name, a.dtype) for name, a in columns.items()])
        for name, a in columns.items():
            record[name] = a
        if self._files[b] is None:
            self._files[b] = open(self.paths[b], "wb")  # noqa: SIM115 (closed in close())
        f = self._files[b]
        self.segments[b].append((f.tell(), n, record.dtype))
        record.tofile(f)

    def rows(self, b: int = 0) -> int:
        return int(sum(seg[1] for seg in self.segments[b]))

    def pieces(self, b: int = 0) -> Iterator[np.ndarray]:
        """The segments of bucket ``b`` (structured arrays), one at a time."""
        if not self.segments[b]:
            return
        if self._files[b] is not None:
            self._files[b].flush()
        with open(self.paths[b], "rb") as f:
            for offset, n, dtype in self.segments[b]:
                f.seek(offset)
                yield np.fromfile(f, dtype=dtype, count=n)

    def read(self, b: int, names) -> Dict[str, np.ndarray]:
        """The whole bucket ``b``: each column of ``names`` (bytes widened to the widest)."""
        parts: Dict[str, list] = {name: [] for name in names}
        for piece in self.pieces(b):
            for name in names:
                parts[name].append(piece[name])
        return {name: np.concatenate(p) if p else np.zeros(0) for name, p in parts.items()}

    def close(self) -> None:
        for f in self._files:
            if f is not None:
                f.close()
        self._files = [None] * self.k


class _Hashed:
    """``core.plates.plates_look_hashed`` of a column given a chunk at a time."""

    def __init__(self) -> None:
        self.head: List[object] = []  # the first non-null values among the first rows
        self.seen = 0
        self.not_hashed = False  # decided by the head
        self.lengths: set = set()
        self.hex = True
        self.b64 = True
        self.any = False

    def add(self, plates) -> None:
        if self.not_hashed:
            return
        if self.seen < _HEAD:
            part = plates.iloc[: _HEAD - self.seen].dropna().astype(str)
            self.head.extend(part.tolist()[: 1000 - len(self.head)])
            self.seen += min(len(plates), _HEAD - self.seen)
            if len(self.head) == 1000 and not _all_hashed(pd.Series(self.head, dtype=object)):
                self.not_hashed = True
                return
        values = pd.Series(pd.unique(plates.dropna().astype(str).to_numpy(dtype=object)), dtype=object).str.strip()
        values = values[values != ""]
        if values.empty:
            return
        self.any = True
        self.lengths.update(int(v) for v in values.str.len().unique())
        if len(self.lengths) > 1:
            self.hex = self.b64 = False
        if self.hex:
            self.hex = bool(values.map(lambda v: _HEX.fullmatch(v) is not None).all())
        if self.b64:
            self.b64 = bool(values.map(lambda v: _B64.fullmatch(v) is not None).all())

    def result(self) -> bool:
        if self.not_hashed or not self.any or len(self.lengths) != 1 or min(self.lengths) < 16:
            return False
        return self.hex or self.b64


class FlatReads:
    """What ``alpr:summary`` counts of the reads, chunk by chunk; ``plate``, ``state``, ... name the fields
    of each role (None: absent); scratch files go into ``folder`` (a private scratch folder)."""

    def __init__(
        self,
        total: int,
        layer: str,
        folder: str,
        plate: Optional[str] = None,
        state: Optional[str] = None,
        time: Optional[str] = None,
        device: Optional[str] = None,
        government: Optional[str] = None,
        duplicate: Optional[str] = None,
        read_id: Optional[str] = None,
        gov_pattern: str = r"\d{7}",
        bucket_reads: Optional[int] = None,
    ) -> None:
        self.layer = layer
        self.fields = {"plate": plate, "state": state, "time": time, "device": device}
        self.government_field, self.duplicate_field, self.id_field = government, duplicate, read_id
        self.pattern = re.compile(gov_pattern)
        self.gov_pattern = gov_pattern
        k = buckets_for(total, bucket_reads)
        self.plates = Spill(folder, "plates", k) if plate else None
        self.points = Spill(folder, "points")  # reads with finite coordinates: x, y, located
        self.device_points = Spill(folder, "devices", k) if device else None  # located reads with a device
        self.ids = Spill(folder, "ids") if read_id else None
        self.n = 0
        self.with_plate = 0
        self.gov_reads = 0
        self.duplicates = 0
        self.found = [0, 0, 0]  # without a geometry, at 0,0, out of range
        self.near: Optional[int] = None
        self.outside: Optional[int] = None
        self.by_hour = np.zeros(24, dtype=np.int64)
        self.weekday_hour = np.zeros(7 * 24, dtype=np.int64)
        self.hashed = _Hashed()
        self.states = Coder()  # normalised states (few)
        self.devices = Coder()  # raw device values (few)
        self.device_names = Coder()  # device texts (blank ones left out), in order of first appearance
        self.text_of = np.zeros(0, dtype=np.int64)  # each raw device's text code (-1: blank)
        self.raw_reads = np.zeros(0, dtype=np.int64)  # reads of each raw device
        self.per_day: Dict[tuple, list] = {}  # (raw device, day) -> [reads, first, last] of the timed reads
        self.untimed: Dict[int, int] = {}  # raw device -> reads without a time

    # ------------------------------------------------------------------ a chunk

    def add(self, table, x: np.ndarray, y: np.ndarray, offset: int, where: Dict[str, np.ndarray]) -> None:
        """One chunk: its table (the fields named), coordinates, first row's index, location flags."""
        m = len(x)
        index = np.arange(self.n, self.n + m, dtype=np.int64)
        ns = self._times(table, m)
        raw = self._devices(table, m)
        self._where(where, m, x, y, raw)
        if self.duplicate_field:
            self.duplicates += int(_as_bool(table[self.duplicate_field]).sum())
        if self.fields["plate"]:
            self._plates(table, offset, index, ns, raw)
        if self.ids is not None:
            ids = table[self.id_field].dropna().to_numpy(dtype=np.int64)
            self.ids.add({"id": ids})
        self._tally_times(ns, raw)
        self.n += m

    def _times(self, table, m: int) -> np.ndarray:
        if not self.fields["time"]:
            return np.full(m, NAT, dtype=np.int64)
        times = as_times(table[self.fields["time"]])
        return times.to_numpy(dtype="datetime64[ns]").astype(np.int64)

    def _devices(self, table, m: int) -> np.ndarray:
        if not self.fields["device"]:
            return np.full(m, -1, dtype=np.int32)
        raw = self.devices.encode(table[self.fields["device"]])
        known = len(self.text_of)
        if len(self.devices) > known:  # new raw values: their text (blank: no device), once each
            fresh = pd.Series(np.asarray(self.devices.values[known:] + [None], dtype=object)[:-1], dtype=object)
            text = fresh.astype(str)
            blank = fresh.isna().to_numpy() | text.str.strip().eq("").to_numpy()
            codes = self.device_names.encode(text.where(~blank, None))
            self.text_of = np.append(self.text_of, codes.astype(np.int64))
            self.raw_reads = np.append(self.raw_reads, np.zeros(len(fresh), dtype=np.int64))
        named = raw[raw >= 0]
        if len(named):
            self.raw_reads += np.bincount(named, minlength=len(self.raw_reads))
        return raw

    def _where(self, where: Dict[str, np.ndarray], m: int, x: np.ndarray, y: np.ndarray, raw: np.ndarray) -> None:
        none, island, invalid = Locations(
            where.get("no_geometry"), where.get("null_island"), where.get("invalid")
        ).arrays(m)
        missing = none | island | invalid
        for i, flag in enumerate((none, island, invalid)):
            self.found[i] += int(flag.sum())
        if "near" in where:
            self.near = (self.near or 0) + int((np.asarray(where["near"], bool) & ~missing).sum())
        if "outside" in where:
            self.outside = (self.outside or 0) + int((np.asarray(where["outside"], bool) & ~missing).sum())
        located = ~missing
        finite = np.isfinite(x) & np.isfinite(y)
        self.points.add({"x": x[finite], "y": y[finite], "located": located[finite].astype(np.uint8)})
        if self.device_points is not None:
            text = np.append(self.text_of, -1)[raw]
            keep = located & finite & (text >= 0)
            text = text[keep].astype(np.int32)
            self.device_points.add({"d": text, "x": x[keep], "y": y[keep]}, text % self.device_points.k)

    def _plates(self, table, offset: int, index, ns, raw) -> None:
        plates = table[self.fields["plate"]]
        check_plates(plates, offset, self.layer, self.fields["plate"])
        self.hashed.add(plates)
        plain, uniques = normalised_codes(plates)
        has = plain >= 0
        self.with_plate += int(has.sum())
        if self.government_field:
            gov = _as_bool(table[self.government_field])
        else:
            matched = np.fromiter((self.pattern.fullmatch(p) is not None for p in uniques), bool, len(uniques))
            gov = np.append(matched, False)[plain]
        self.gov_reads += int(gov.sum())
        if self.fields["state"]:
            state, state_uniques = normalised_codes(table[self.fields["state"]])
            lookup = np.append(self.states.encode(pd.Series(state_uniques, dtype=object)).astype(np.int32), -1)
            state = lookup[state]
        else:
            state = np.full(len(plain), -1, dtype=np.int32)
        encoded = np.array([u.encode("utf-8") for u in uniques], dtype="S") if len(uniques) else np.zeros(0, "S1")
        bucket = (pd.util.hash_array(np.asarray(uniques, dtype=object)) % np.uint64(self.plates.k)).astype(np.int64)
        rows = np.flatnonzero(has)
        codes = plain[rows]
        self.plates.add(
            {
                "p": encoded[codes],
                "s": state[rows],
                "i": index[rows],
                "t": ns[rows],
                "d": raw[rows].astype(np.int32),
                "g": gov[rows].astype(np.uint8),
            },
            bucket[codes],
        )

    def _tally_times(self, ns: np.ndarray, raw: np.ndarray) -> None:
        ok = ns != NAT
        if not ok.all():
            devices, counts = np.unique(raw[~ok], return_counts=True)
            for d, c in zip(devices.tolist(), counts.tolist()):
                self.untimed[d] = self.untimed.get(d, 0) + c
        valid = ns[ok]
        if not len(valid):
            return
        day = valid // DAY_NS
        hours = (valid - day * DAY_NS) // HOUR_NS
        weekday = (day + 3) % 7
        self.by_hour += np.bincount(hours, minlength=24)
        self.weekday_hour += np.bincount(weekday * 24 + hours, minlength=7 * 24)
        frame = pd.DataFrame({"d": raw[ok], "day": day, "t": valid})
        grouped = frame.groupby(["d", "day"], sort=False)["t"].agg(["size", "min", "max"])
        for (d, k), reads, first, last in grouped.itertuples(name=None):
            row = self.per_day.get((d, k))
            if row is None:
                self.per_day[(d, k)] = [int(reads), int(first), int(last)]
            else:
                row[0] += int(reads)
                row[1] = min(row[1], int(first))
                row[2] = max(row[2], int(last))

    def close(self) -> None:
        for spill in (self.plates, self.points, self.device_points, self.ids):
            if spill is not None:
                spill.close()

    # ------------------------------------------------------------------ after the last chunk

    def device_text(self, raw: int) -> Optional[str]:
        code = int(self.text_of[raw]) if raw >= 0 else -1
        return None if code < 0 else str(self.device_names.values[code])

    def device_dates(self) -> list:
        """(device text or None, date or None, reads, first, last): reads per device per date (as the push-down)."""
        rows = []
        epoch = datetime.date(1970, 1, 1)
        for (d, day), (reads, first, last) in self.per_day.items():
            date = epoch + datetime.timedelta(days=int(day))
            rows.append((self.device_text(d), date, reads, pd.Timestamp(first), pd.Timestamp(last)))
        for d, reads in self.untimed.items():
            rows.append((self.device_text(d), None, reads, None, None))
        return rows

    def device_reads(self) -> np.ndarray:
        """Reads of each device text (``device_names`` order)."""
        named = self.text_of >= 0
        return np.bincount(self.text_of[named], weights=self.raw_reads[named], minlength=len(self.device_names)).astype(
            np.int64
        )

    def plate_counts(self, government: bool, cancelled: Callable[[], bool] = lambda: False):
        """``(per_plate {k: plates read k times}, government plates, top)``, a plate bucket at a time.

        ``government``: whether the government flag counts (False: it cannot be known); ``top``: the
        :data:`TOP_PLATES` most-read plates as (reads, days, devices, first, last, government).
        """
        tally = np.zeros(1, dtype=np.int64)
        gov_plates = 0
        candidates = []  # (reads, first read, details)
        blank = np.append(self.text_of < 0, True)  # a raw device of blank text (or none: -1) is no device
        for b in range(self.plates.k):
            if cancelled():
                raise Cancelled()
            cols = self.plates.read(b, ("p", "s", "i", "t", "d", "g"))
            if not len(cols["i"]):
                continue
            _, plate = np.unique(cols["p"], return_inverse=True)
            del cols["p"]
            pair = plate.astype(np.int64) * (len(self.states) + 1) + (cols["s"].astype(np.int64) + 1)
            del plate
            _, first, group, counts = np.unique(pair, return_index=True, return_inverse=True, return_counts=True)
            del pair
            group = group.ravel()
            seen = np.bincount(counts)
            if len(seen) > len(tally):
                tally = np.append(tally, np.zeros(len(seen) - len(tally), dtype=np.int64))
            tally[: len(seen)] += seen
            if government:
                gov = cols["g"].astype(bool)
                gov_plates += int(len(np.unique(group[gov])))
            first_read = cols["i"][first]
            order = np.lexsort((first_read, -counts))[:TOP_PLATES]
            for g in order:
                rows = np.flatnonzero(group == g)
                devices = cols["d"][rows].astype(np.int64)
                devices = np.where(blank[devices], -1, devices)
                candidates.append(
                    (int(counts[g]), int(first_read[g]), _details(cols["t"][rows], devices, cols["g"][rows]))
                )
        candidates.sort(key=lambda c: (-c[0], c[1]))
        per_plate = {int(k): int(v) for k, v in enumerate(tally) if k and v}
        top = [(reads, *details) for reads, _, details in candidates[:TOP_PLATES]]
        return per_plate, gov_plates, top

    def shared_ids(self, other: Optional[np.ndarray]) -> int:
        """How many distinct read ids of INPUT are in ``other`` (``report_io.shared_ids``, a segment at a time)."""
        if self.ids is None or other is None or not len(other) or not self.ids.rows():
            return 0
        wanted = np.unique(other)
        found = [piece["id"][np.isin(piece["id"], wanted)] for piece in self.ids.pieces()]
        return int(len(np.unique(np.concatenate(found)))) if found else 0


def _details(ns: np.ndarray, devices: np.ndarray, gov: np.ndarray) -> tuple:
    """(days, devices, first, last, government) of one plate's reads, as ``core.summary._top_plates`` counts them."""
    stamps = pd.to_datetime(pd.Series(ns.view("datetime64[ns]"))).dropna()
    days = int(stamps.dt.normalize().nunique()) if len(stamps) else 0
    first = stamps.min() if len(stamps) else None
    last = stamps.max() if len(stamps) else None
    return days, int(len(np.unique(devices[devices >= 0]))), first, last, bool(gov.astype(bool).any())


def device_spread(x: np.ndarray, y: np.ndarray) -> tuple:
    """(located reads, spread) of one device's reads in metres, as ``core.tracks`` decides fixed cameras: the
    ``FIXED_SHARE`` quantile of the distances from the median point (linear between the two nearest).

    The same numbers as ``core.tracks._middles``' sort, with the two order statistics picked in place
    (a few bytes a read beyond the coordinates).
    """
    from alpr_qgis.core.tracks import FIXED_SHARE

    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.all():
        x, y = x[ok], y[ok]
    del ok
    n = len(x)
    if not n:
        return 0, np.nan
    dx = x - np.median(x)
    dy = y - np.median(y)
    np.hypot(dx, dy, out=dx)
    del dy
    at = FIXED_SHARE * (n - 1)
    i, frac = int(at), at % 1
    if frac == 0.0:
        dx.partition(i)
        return n, dx[i]
    dx.partition([i, i + 1])
    return n, dx[i] + (dx[i + 1] - dx[i]) * frac
