"""The reads of ``alpr:devicetracks`` kept compact while they stream in, chunk by chunk.

Per read it keeps what the tracks need and nothing more: the device as a
code into one dictionary of distinct values (``core.codes.Coder``), the
time as int64 nanoseconds, the position as two float64 and the read id as
int64 (about 36 bytes a read, against some 400 for a table of text
columns).  The arrays are allocated once for the number of reads the
source announces.  ``core.tracks.camera_kinds_coded`` and
``core.tracks.split_coded`` then work on them as they would on whole
columns, with the same results.

``SpilledTrackReads`` takes the same chunks but writes their columns to
files instead (memory: the device dictionary and a few counts), for
``qgis_io.track_spill`` to work through a piece at a time.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from alpr_qgis.core.codes import Coder
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.tracks import coerce_times

pd = lazy_module("pandas")

NAT = np.iinfo(np.int64).min  # the int64 value of NaT: no time


def _grown(array: Optional[np.ndarray], size: int) -> Optional[np.ndarray]:
    if array is None or len(array) >= size:
        return array
    bigger = np.empty(max(size, 2 * len(array)), dtype=array.dtype)
    bigger[: len(array)] = array
    return bigger


class TrackReads:
    """Device codes, times, positions and read ids of the reads, filled chunk by chunk with ``add``."""

    def __init__(self, total: int, time_field: str, with_read_id: bool) -> None:
        self.time_field = time_field
        self.devices = Coder()
        self.n = 0
        self.text_devices = True  # the device column holds text (an empty text is then no device)
        self._times_given = self._times_read = False
        size = max(int(total), 0)
        self.device = np.empty(size, dtype=np.int32)
        self.ns = np.empty(size, dtype=np.int64)
        self.x = np.empty(size, dtype=np.float64)
        self.y = np.empty(size, dtype=np.float64)
        self.read_id = np.empty(size, dtype=np.int64) if with_read_id else None
        self.read_id_null: Optional[np.ndarray] = None  # bool per read, once a null read id came

    def add(self, devices, times, x: np.ndarray, y: np.ndarray, read_ids=None) -> None:
        """One chunk: its device and time columns, its coordinates and (when kept) its read ids."""
        m = len(x)
        start, end = self.n, self.n + m
        for name in ("device", "ns", "x", "y", "read_id", "read_id_null"):
            setattr(self, name, _grown(getattr(self, name), end))
        device, ns, ids, null = self._columns(devices, times, read_ids)
        self.device[start:end] = device
        self.ns[start:end] = ns
        self.x[start:end] = x
        self.y[start:end] = y
        if self.read_id is not None:
            if null.any() and self.read_id_null is None:
                self.read_id_null = np.zeros(len(self.read_id), dtype=bool)
            if self.read_id_null is not None:
                self.read_id_null[start:end] = null
            self.read_id[start:end] = ids
        self.n = end

    def _columns(self, devices, times, read_ids):
        """A chunk's device codes (int32), times (int64 ns), read ids (int64, 0 where null) and their nulls."""
        devices = pd.Series(devices, copy=False)
        self.text_devices = self.text_devices and devices.dtype == object
        codes = self.devices.encode(devices)
        parsed = coerce_times(pd.Series(times, copy=False), self.time_field, strict=False)
        self._times_given = self._times_given or bool(pd.Series(times, copy=False).notna().any())
        self._times_read = self._times_read or bool(parsed.notna().any())
        ns = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        ids = null = None
        if read_ids is not None:
            ids = pd.Series(read_ids, copy=False)
            null = ids.isna().to_numpy()
            ids = ids.fillna(0).to_numpy(dtype=np.int64) if null.any() else ids.to_numpy(np.int64)
        return codes, ns, ids, null

    def finish(self) -> TrackReads:
        """Trim the arrays to the reads that came; a time column with values but no date-time is an error."""
        if self._times_given and not self._times_read:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "holds no date-time values"),
                field=self.time_field,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the field with the read times as TIME_FIELD"),
            )
        for name in ("device", "ns", "x", "y", "read_id", "read_id_null"):
            array = getattr(self, name)
            if array is not None and len(array) != self.n:
                setattr(self, name, array[: self.n])
        return self

    @property
    def blank_code(self) -> int:
        """The code of the empty text, which is no device (-1 when there is none)."""
        return self.devices.code_of("") if self.text_devices else -1

    def read_ids(self, keep: Optional[np.ndarray] = None):
        """The read ids (of the reads ``keep`` selects) as a nullable Int64 array, or None without them."""
        if self.read_id is None:
            return None
        values = self.read_id if keep is None else self.read_id[keep]
        mask = None if self.read_id_null is None else (self.read_id_null if keep is None else self.read_id_null[keep])
        if mask is None:
            mask = np.zeros(len(values), dtype=bool)
        return pd.arrays.IntegerArray(values, mask)


#: The columns ``SpilledTrackReads`` writes, in input order, and their types.
SPILLED = {"device": np.int32, "ns": np.int64, "x": np.float64, "y": np.float64, "read_id": np.int64, "null": np.bool_}


class SpilledTrackReads(TrackReads):
    """``TrackReads`` whose columns go to files in ``folder`` (a private scratch folder) as each chunk comes.

    Memory keeps only the device dictionary and a few counts: reads per
    device code (``counts``; index 0: no device), per device code the reads
    with a position and a time (``placed``), the reads with a position
    (``located``) and the range of the times (``t_min``, ``t_max``).
    ``chunk`` reads a range of rows back.
    """

    def __init__(self, folder: str, time_field: str, with_read_id: bool) -> None:
        super().__init__(0, time_field, with_read_id)
        self.folder = folder
        self.with_read_id = with_read_id
        self.counts = np.zeros(1, dtype=np.int64)
        self.placed = np.zeros(1, dtype=np.int64)
        self.located = 0
        self.t_min, self.t_max = None, None
        for name in self.columns:
            open(self.file(name), "wb").close()

    @property
    def columns(self):
        return [c for c in SPILLED if self.with_read_id or c not in ("read_id", "null")]

    def file(self, name: str) -> str:
        import os

        return os.path.join(self.folder, "reads_{}.bin".format(name))

    def add(self, devices, times, x: np.ndarray, y: np.ndarray, read_ids=None) -> None:
        device, ns, ids, null = self._columns(devices, times, read_ids)
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        values = {"device": device, "ns": ns, "x": x, "y": y, "read_id": ids, "null": null}
        for name in self.columns:
            with open(self.file(name), "ab") as out:
                np.ascontiguousarray(values[name], dtype=SPILLED[name]).tofile(out)
        size = len(self.devices.values) + 1
        located = np.isfinite(x) & np.isfinite(y)
        timed = ns != NAT
        self.located += int(located.sum())
        self.counts = _added(self.counts, np.bincount(device + 1, minlength=size))
        self.placed = _added(self.placed, np.bincount(device[located & timed] + 1, minlength=size))
        if timed.any():
            low, high = int(ns[timed].min()), int(ns[timed].max())
            self.t_min = low if self.t_min is None else min(self.t_min, low)
            self.t_max = high if self.t_max is None else max(self.t_max, high)
        self.n += len(x)

    def finish(self) -> SpilledTrackReads:
        if self._times_given and not self._times_read:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "holds no date-time values"),
                field=self.time_field,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the field with the read times as TIME_FIELD"),
            )
        size = len(self.devices.values) + 1
        self.counts = _added(np.zeros(size, dtype=np.int64), self.counts)
        self.placed = _added(np.zeros(size, dtype=np.int64), self.placed)
        return self

    def chunk(self, names, start: int, stop: int) -> dict:
        """The columns ``names`` of rows ``start`` to ``stop`` (input order)."""
        out = {}
        for name in names:
            dtype = np.dtype(SPILLED[name])
            out[name] = np.fromfile(self.file(name), dtype=dtype, count=stop - start, offset=start * dtype.itemsize)
        return out


def _added(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` for counts of different lengths (the longer one's length)."""
    if len(a) < len(b):
        a, b = b, a
    a = a.copy()
    a[: len(b)] += b
    return a
