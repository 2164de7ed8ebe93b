"""Device tracks made piece by piece: the same tracks as ``core.tracks.split_coded``, a bounded piece at a time.

``split_coded`` sorts every read by device, then time, then input order,
and works on the whole sorted column.  Here the same sorted sequence comes
in consecutive *pieces* (e.g. a few devices, or one busy device's reads
within a time range), and what crosses a piece boundary is carried over:

- :class:`GlitchFilter` drops lone glitches.  Whether a read is a glitch
  depends on the read before and the read after it, so the last read of a
  piece is decided with the next piece (its two last reads are carried).
- :class:`TrackSplitter` cuts the surviving reads into tracks.  A track's
  start depends on the survivor before it (carried), and a track open at
  the end of a piece goes on in the next one: its count, vertices and
  running length are carried (the length is summed in the same order, so
  to the same last bit).

Memory then holds one piece and the open track, whatever the number of
reads.  :func:`device_middle` gives one device's median position and
spread as ``core.tracks._middles`` does, with fewer temporaries.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.tracks import _NS, DEVICE_START, FIXED_SHARE, GAP, SPEED, _glitches, _steps

pd = lazy_module("pandas")

#: The columns of a piece of sorted reads: device rank (int32), time (int64 ns), metric x/y (steps),
#: x/y in the layer's CRS (vertices), read id (int64) and whether it is null (bool).
COLUMNS = ("code", "ns", "sx", "sy", "x", "y", "rid", "null")

Piece = Dict[str, np.ndarray]
_REASONS = (DEVICE_START, GAP, SPEED)
_REASON_TEXT = np.asarray(_REASONS, dtype=object)


def _joined(a: Optional[Piece], b: Piece) -> Piece:
    return b if a is None else {k: np.concatenate([a[k], b[k]]) for k in COLUMNS}


def _cut(piece: Piece, part) -> Piece:
    return {k: piece[k][part] for k in COLUMNS}


class GlitchFilter:
    """Lone glitches left out of consecutive pieces of sorted reads (``drop``: else every read passes)."""

    def __init__(self, drop: bool, max_speed_ms: float) -> None:
        self.drop = drop
        self.max_speed_ms = max_speed_ms
        self.glitches = 0
        self._carry: Optional[Piece] = None  # the last two reads seen; the very last one not decided yet

    def push(self, piece: Piece) -> Piece:
        """The reads of ``piece`` (and before) now known not to be glitches, in order."""
        if not self.drop or not len(piece["ns"]):
            return piece
        carried = 0 if self._carry is None else len(self._carry["ns"])
        both = _joined(self._carry, piece)
        m = len(both["ns"])
        _, _, fast, _ = _steps(both["code"], both["ns"], both["sx"], both["sy"], np.inf, self.max_speed_ms)
        glitch = _glitches(both["code"], both["ns"], both["sx"], both["sy"], fast, self.max_speed_ms)
        del fast
        decided = slice(max(carried - 1, 0), m - 1)  # (the first read ever, or one with a next read)
        keep = ~glitch[decided]
        self.glitches += int(glitch[decided].sum())
        out = {k: both[k][decided][keep] for k in COLUMNS}
        self._carry = _cut(both, slice(max(m - 2, 0), m))
        return out

    def flush(self) -> Piece:
        """The last read (never a glitch: nothing follows it)."""
        if not self.drop or self._carry is None:
            return {k: np.empty(0) for k in COLUMNS}
        last, self._carry = _cut(self._carry, slice(-1, None)), None
        return last


class _Open:
    """The track still open at the end of a piece."""

    def __init__(self, code, reason, start_ns, first_rid, first_null) -> None:
        self.code, self.reason, self.start_ns = int(code), reason, int(start_ns)
        self.first_rid, self.first_null = int(first_rid), bool(first_null)
        self.size, self.length = 0, 0.0
        self.end_ns, self.last_rid, self.last_null = 0, 0, False
        self.xs: List[np.ndarray] = []
        self.ys: List[np.ndarray] = []


class TrackSplitter:
    """Tracks of consecutive pieces of sorted, glitch-free reads; ``push`` returns the tracks a piece finished.

    Each finished batch is ``(table, wkb)``: the rows of the tracks of two
    reads or more, with the columns and values of ``split_coded``'s table
    (``track_id`` numbered on from the previous batch), and each one's
    little-endian WKB LineString of its x/y.  ``names``: the device names by rank.
    """

    def __init__(self, names: np.ndarray, max_gap_s: float, max_speed_ms: float, with_read_ids: bool) -> None:
        self.names = np.asarray(names, dtype=object)
        self.max_gap_s, self.max_speed_ms = max_gap_s, max_speed_ms
        self.with_read_ids = with_read_ids
        self.single_reads = 0
        self.tracks = 0
        self.on_lines = 0
        self._prev: Optional[Piece] = None  # the last read so far
        self._open: Optional[_Open] = None

    def push(self, piece: Piece) -> Tuple[pd.DataFrame, List[bytes]]:
        n = len(piece["ns"])
        if not n:
            return self._batch(None)
        p = 0 if self._prev is None else 1
        both = _joined(self._prev, piece)
        new_device, gap, fast, step = _steps(
            both["code"], both["ns"], both["sx"], both["sy"], self.max_gap_s, self.max_speed_ms
        )
        new_device, gap, fast, step = new_device[p:], gap[p:], fast[p:], step[p:]
        del both
        starts = new_device | gap | fast
        step[starts] = 0.0
        label = np.cumsum(starts)  # 0: reads that go on with the open track
        count = int(label[-1]) + 1
        going_on = not starts[0]
        carried = self._open.length if going_on else 0.0
        sizes = np.bincount(label, minlength=count)
        length = np.bincount(
            np.concatenate([[0], label]), weights=np.concatenate([[carried], step]), minlength=count
        )  # (0.0 + carried + its steps, in order: the sum the whole column gives)
        del step, label
        first = np.concatenate([[0], np.flatnonzero(starts)])  # (label 0: from 0, empty when a track starts there)
        reason = np.where(new_device, 0, np.where(gap, 1, 2)).astype(np.int8)
        del new_device, gap, fast, starts
        self._prev = _cut(piece, slice(n - 1, n))

        closed: Optional[_Open] = None  # the track open before, when it ends in this piece
        if going_on:
            self._extend(piece, 0, int(sizes[0]), float(length[0]))
            if count > 1:
                closed, self._open = self._open, None
        else:
            closed, self._open = self._open, None
        inner = slice(1, max(count - 1, 1))  # tracks that start and end in this piece
        batch = self._batch(piece, closed, first[inner], sizes[inner], length[inner], reason)
        if count > 1:
            k = count - 1
            at = int(first[k])
            self._open = _Open(
                piece["code"][at], _REASONS[reason[at]], piece["ns"][at], piece["rid"][at], piece["null"][at]
            )
            self._extend(piece, at, int(sizes[k]), float(length[k]))
        return batch

    def _extend(self, piece: Piece, at: int, size: int, length: float) -> None:
        track = self._open
        end = at + size - 1
        track.size += size
        track.length = length
        track.end_ns, track.last_rid, track.last_null = (
            int(piece["ns"][end]),
            int(piece["rid"][end]),
            bool(piece["null"][end]),
        )
        track.xs.append(np.array(piece["x"][at : end + 1], dtype=float))
        track.ys.append(np.array(piece["y"][at : end + 1], dtype=float))

    def flush(self) -> Tuple[pd.DataFrame, List[bytes]]:
        """The track left open at the end."""
        closed, self._open = self._open, None
        return self._batch(None, closed)

    def _batch(self, piece, closed=None, first=None, sizes=None, length=None, reason=None):
        """The table and WKB of the finished tracks (``closed``, then the piece's tracks at ``first``) of two reads
        or more; one-read tracks are only counted."""
        empty = np.zeros(0, dtype=np.int64)
        first = empty if first is None else first.astype(np.int64)
        sizes = empty if sizes is None else sizes.astype(np.int64)
        length = np.zeros(0) if length is None else length
        self.single_reads += int((sizes == 1).sum())
        kept = sizes >= 2
        first, sizes, length = first[kept], sizes[kept], length[kept]
        last = first + sizes - 1
        wkb: List[bytes] = []
        head = b"\x01" + (2).to_bytes(4, "little")
        if len(first):
            code, start_ns, end_ns = piece["code"][first], piece["ns"][first], piece["ns"][last]
            reasons = _REASON_TEXT[reason[first]]
            ids = (piece["rid"][first], piece["null"][first], piece["rid"][last], piece["null"][last])
            coords = np.empty((len(piece["x"]), 2), dtype="<f8")
            coords[:, 0], coords[:, 1] = piece["x"], piece["y"]
            raw = coords.tobytes()
            del coords
            wkb = [head + int(c).to_bytes(4, "little") + raw[a * 16 : (a + c) * 16] for a, c in zip(first, sizes)]
            del raw
        else:
            code = start_ns = end_ns = empty
            reasons = np.zeros(0, dtype=object)
            ids = (empty, np.zeros(0, dtype=bool), empty, np.zeros(0, dtype=bool))
        if closed is not None and closed.size < 2:
            self.single_reads += 1
        elif closed is not None:
            xs, ys = np.concatenate(closed.xs), np.concatenate(closed.ys)
            coords = np.empty((len(xs), 2), dtype="<f8")
            coords[:, 0], coords[:, 1] = xs, ys
            wkb.insert(0, head + len(xs).to_bytes(4, "little") + coords.tobytes())
            code = np.concatenate([[closed.code], code])
            start_ns = np.concatenate([[closed.start_ns], start_ns])
            end_ns = np.concatenate([[closed.end_ns], end_ns])
            sizes = np.concatenate([[closed.size], sizes])
            length = np.concatenate([[closed.length], length])
            reasons = np.concatenate([np.asarray([closed.reason], dtype=object), reasons])
            ids = (
                np.concatenate([[closed.first_rid], ids[0]]),
                np.concatenate([[closed.first_null], ids[1]]),
                np.concatenate([[closed.last_rid], ids[2]]),
                np.concatenate([[closed.last_null], ids[3]]),
            )
        self.on_lines += int(sizes.sum())
        k = len(wkb)
        start_ns = np.asarray(start_ns, dtype=np.int64)
        end_ns = np.asarray(end_ns, dtype=np.int64)
        table = pd.DataFrame(
            {
                "track_id": np.arange(self.tracks + 1, self.tracks + k + 1, dtype=np.int64),
                "device": self.names[np.asarray(code, dtype=np.int64)],
                "start_time": start_ns.astype("datetime64[ns]"),
                "end_time": end_ns.astype("datetime64[ns]"),
                "read_count": np.asarray(sizes, dtype=np.int64),
                "length_m": np.asarray(length, dtype=np.float64),
                "duration_min": (end_ns - start_ns) / (60.0 * _NS),
                "start_reason": np.asarray(reasons, dtype=object),
            }
        )
        if self.with_read_ids:
            table["first_read_id"] = pd.arrays.IntegerArray(
                np.asarray(ids[0], dtype=np.int64), np.asarray(ids[1], dtype=bool)
            )
            table["last_read_id"] = pd.arrays.IntegerArray(
                np.asarray(ids[2], dtype=np.int64), np.asarray(ids[3], dtype=bool)
            )
        else:
            table["first_read_id"] = table["last_read_id"] = pd.array([None] * k, dtype="Int64")
        self.tracks += k
        return table, wkb


def device_middle(gx: np.ndarray, gy: np.ndarray) -> Tuple[float, float, float]:
    """One device's median x and y and the ``FIXED_SHARE`` quantile of the distances from there
    (the values of ``core.tracks._middles``); ``gx``/``gy`` (its located reads, any order) are overwritten."""
    mx, my = _median(gx.copy()), _median(gy.copy())
    gx -= mx
    gy -= my
    return mx, my, _spread(np.hypot(gx, gy, out=gx))


def device_middle_read(read: Callable[[str, int, int], np.ndarray], n: int, rows: int) -> Tuple[float, float, float]:
    """``device_middle`` of a device's ``n`` located reads kept elsewhere: ``read(column, start, stop)`` gives
    rows of column ``x`` or ``y`` (e.g. from a file).  Memory holds one column at a time (plus ``rows``)."""
    mx = _median(read("x", 0, n))
    my = _median(read("y", 0, n))
    d = np.empty(n)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        gx, gy = read("x", start, stop), read("y", start, stop)
        gx -= mx
        gy -= my
        np.hypot(gx, gy, out=d[start:stop])
    return mx, my, _spread(d)


def _spread(d: np.ndarray) -> float:
    """The ``FIXED_SHARE`` quantile of the distances ``d`` (reordered), linear between the two nearest."""
    n = len(d)
    at = FIXED_SHARE * (n - 1)
    i, frac = int(at), at % 1
    d.partition([i] if frac == 0.0 or i + 1 >= n else [i, i + 1])
    return float(d[i] if frac == 0.0 else d[i] + (d[i + 1] - d[i]) * frac)


def _median(values: np.ndarray) -> float:
    """``np.median`` of float values without NaN (the same value: the middle one, or the mean of the two);
    ``values`` are reordered."""
    n = len(values)
    half = n // 2
    values.partition([half - 1, half] if n % 2 == 0 else [half])
    if n % 2:
        return float(values[half])
    return float(np.mean(values[half - 1 : half + 1]))
