"""``alpr:devicetracks`` in bounded memory: the reads spilled to a private scratch folder, worked a piece at a time.

The reads come in chunk by chunk (``streamed_reads.spill_track_reads``) and
their columns go to files (``core.track_reads.SpilledTrackReads``).  Then,
a chunk of rows at a time:

1. :meth:`TrackWork.measure`: the positions in metres (files of their
   own), the reads of each kind of skip by device, each camera's located
   reads in the file of its group of devices, each camera's first and last
   time, and for a busy device how its reads spread over time.
2. :meth:`TrackWork.kinds`: fixed cameras and moving devices, a group of
   devices at a time (``core.track_stream.device_middle``).
3. :meth:`TrackWork.partition`: the reads that go on tracks, to one file a
   *piece*: a few devices in the order of their names, or one busy device's
   reads in a range of time — at most about :data:`PIECE_READS` reads each.
4. :meth:`TrackWork.tracks`: each piece sorted by device, time and input
   order, in turn, through ``core.track_stream`` (glitches, then tracks):
   the tracks come out in order, as they are made, to :class:`LineStream`.

Memory holds a chunk, a piece or one device's located reads (to find its
middle), never every read.  The results are those of
``core.tracks.camera_kinds_coded`` and ``split_coded`` on whole columns.
"""

from __future__ import annotations

import contextlib
import os
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
from qgis.core import QgsProcessingException, QgsWkbTypes

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.track_reads import NAT, SpilledTrackReads
from alpr_qgis.core.track_stream import GlitchFilter, TrackSplitter, device_middle, device_middle_read
from alpr_qgis.core.tracks import NO_DEVICE, NO_GEOMETRY, NO_TIME, _sorted_devices, kinds_devices, kinds_table

pd = lazy_module("pandas")

#: Reads a piece holds at most (one device with more is cut in ranges of time): module constant, tests make it tiny.
PIECE_READS = 100_000
_TIME_BINS = 1024  # how finely a busy device's times are counted to cut its reads in ranges

_PIECE = np.dtype(
    [
        ("idx", "<i8"),
        ("code", "<i4"),
        ("ns", "<i8"),
        ("sx", "<f8"),
        ("sy", "<f8"),
        ("x", "<f8"),
        ("y", "<f8"),
        ("rid", "<i8"),
        ("null", "u1"),
    ]
)


def _chunk_rows() -> int:
    from alpr_qgis.qgis_io import streamed_reads

    return streamed_reads.CHUNK_ROWS


def _packed(counts: np.ndarray, cap: int) -> np.ndarray:
    """Each item's group: consecutive items, a group holding at most ``cap`` (an item with more: alone)."""
    group = np.zeros(len(counts), dtype=np.int64)
    g, held = 0, 0
    for i, c in enumerate(counts.tolist()):
        if held and held + c > cap:
            g, held = g + 1, 0
        group[i] = g
        held += c
    return group


def _append(path: str, records: np.ndarray) -> None:
    with open(path, "ab") as out:
        records.tofile(out)


def _by_file(files: np.ndarray, columns: Dict[str, np.ndarray], name) -> None:
    """Append each row of ``columns`` to the file(s) its entry in ``files`` numbers (``name(number, column)``:
    a column's path), keeping their order."""
    if not len(files):
        return
    order = np.argsort(files, kind="stable")
    files = files[order]
    columns = {c: v[order] for c, v in columns.items()}
    cuts = np.concatenate([[0], np.flatnonzero(np.diff(files)) + 1, [len(files)]])
    for a, b in zip(cuts[:-1], cuts[1:]):
        for c, values in columns.items():
            _append(name(int(files[a]), c), values[a:b])


class TrackWork:
    """The phases of the tracks of spilled reads (see the module docstring); ``reads`` is finished."""

    def __init__(self, reads: SpilledTrackReads, crs, metric, transform_context) -> None:
        self.reads, self.crs, self.metric, self.transform_context = reads, crs, metric, transform_context
        self.n = reads.n
        values = reads.devices.values
        self.n_raw = len(values)
        of_value, self.kinds_names = kinds_devices(values)
        self.kind_of = np.concatenate([[-1], of_value]).astype(np.int64)  # by raw code + 1 (0: no device)
        self.blank = reads.blank_code
        n_kinds = len(self.kinds_names)
        # Kinds' groups: devices in their order, about PIECE_READS located reads a group.
        located_guess = self._by_kind(reads.placed)
        self.kinds_group = _packed(located_guess, PIECE_READS)
        self.busy = np.flatnonzero(reads.placed[1:] > PIECE_READS)  # raw codes whose times are counted
        self.lost = 0
        self.categories = np.zeros((self.n_raw + 1, 4), dtype=np.int64)  # by raw code + 1: skip kind, or placed
        self.t_first = np.full(n_kinds, np.iinfo(np.int64).max, dtype=np.int64)
        self.t_last = np.full(n_kinds, NAT, dtype=np.int64)
        self.histograms: Dict[int, np.ndarray] = {}

    def _by_kind(self, counts: np.ndarray) -> np.ndarray:
        """Counts by raw device code (+ 1) summed by device of the kinds table."""
        kind = self.kind_of[1:]
        mine = kind >= 0
        n_kinds = len(self.kinds_names)
        return np.bincount(kind[mine], weights=counts[1:][mine], minlength=n_kinds).astype(np.int64)[:n_kinds]

    def file(self, name: str) -> str:
        return os.path.join(self.reads.folder, name)

    def _chunks(self, progress, cancelled) -> Iterator[Tuple[int, int]]:
        rows = _chunk_rows()
        for start in range(0, self.n, rows):
            if cancelled():
                raise Cancelled()
            yield start, min(self.n, start + rows)
            progress(min(1.0, (start + rows) / max(self.n, 1)))

    # ------------------------------------------------------------------ 1. measure

    def measure(self, progress, cancelled) -> None:
        from alpr_qgis.qgis_io.crs import transform_xy

        for name in ("mx", "my"):
            open(self.file("reads_{}.bin".format(name)), "wb").close()
        span = None
        if len(self.busy) and self.reads.t_min is not None:
            span = (self.reads.t_min, max(self.reads.t_max - self.reads.t_min, 1))
            self.histograms = {int(r): np.zeros(_TIME_BINS, dtype=np.int64) for r in self.busy}
        for start, stop in self._chunks(progress, cancelled):
            c = self.reads.chunk(("device", "ns", "x", "y"), start, stop)
            mx, my = transform_xy(c["x"], c["y"], self.crs, self.metric, self.transform_context)
            mx, my = np.asarray(mx, dtype=np.float64), np.asarray(my, dtype=np.float64)
            self.lost += int(np.count_nonzero(np.isfinite(c["x"]) & ~np.isfinite(mx)))
            _append(self.file("reads_mx.bin"), mx)
            _append(self.file("reads_my.bin"), my)
            device, ns = c["device"].astype(np.int64), c["ns"]
            located = np.isfinite(mx) & np.isfinite(my)
            timed = ns != NAT
            has_device = (device >= 0) & (device != self.blank)
            category = np.where(~located, 0, np.where(~timed, 1, np.where(~has_device, 2, 3)))
            self.categories += np.bincount((device + 1) * 4 + category, minlength=4 * (self.n_raw + 1)).reshape(-1, 4)
            kind = self.kind_of[device + 1]
            here = np.flatnonzero(located & (kind >= 0))
            _by_file(
                self.kinds_group[kind[here]],
                {"k": kind[here].astype(np.int32), "x": mx[here], "y": my[here]},
                lambda g, c: self.file("kinds_{}_{}.bin".format(g, c)),
            )
            when = np.flatnonzero(timed & (kind >= 0))
            np.minimum.at(self.t_first, kind[when], ns[when])
            np.maximum.at(self.t_last, kind[when], ns[when])
            if span is not None:
                for raw, counts in self.histograms.items():
                    sel = ns[(device == raw) & timed & located]
                    bins = np.clip(((sel - span[0]) / span[1] * _TIME_BINS).astype(np.int64), 0, _TIME_BINS - 1)
                    counts += np.bincount(bins, minlength=_TIME_BINS)

    # ------------------------------------------------------------------ 2. kinds

    def kinds(self, radius_m: float, cancelled) -> Tuple[pd.DataFrame, np.ndarray]:
        """(``CameraKinds.table``, whether each raw device code is a fixed camera)."""
        n_kinds = len(self.kinds_names)
        read_count = self._by_kind(self.reads.counts)
        mx, my, spread = (np.full(n_kinds, np.nan) for _ in range(3))
        located_count = np.zeros(n_kinds, dtype=np.int64)
        rows = _chunk_rows()
        for g in range(int(self.kinds_group.max()) + 1 if n_kinds else 0):
            if cancelled():
                raise Cancelled()
            path = self.file("kinds_{}_k.bin".format(g))
            if not os.path.exists(path):
                continue
            kinds = np.fromfile(path, dtype=np.int32)
            files = {c: self.file("kinds_{}_{}.bin".format(g, c)) for c in ("x", "y")}
            if np.all(kinds == kinds[0]):  # one device (a busy one, maybe): a column at a time

                def read(column, start, stop, files=files):
                    return np.fromfile(files[column], dtype=np.float64, count=stop - start, offset=8 * start)

                k = int(kinds[0])
                located_count[k] = len(kinds)
                mx[k], my[k], spread[k] = device_middle_read(read, len(kinds), rows)
            else:
                order = np.argsort(kinds, kind="stable")
                kinds = kinds[order]
                xs = np.fromfile(files["x"], dtype=np.float64)[order]
                ys = np.fromfile(files["y"], dtype=np.float64)[order]
                del order
                cuts = np.flatnonzero(np.diff(kinds)) + 1
                for a, b in zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [len(kinds)]])):
                    k = int(kinds[a])
                    located_count[k] = b - a
                    mx[k], my[k], spread[k] = device_middle(xs[a:b], ys[a:b])
                del xs, ys
            del kinds
            for name in (path, *files.values()):
                os.remove(name)  # (disk given back as soon as done)
        table, is_fixed = kinds_table(self.kinds_names, read_count, located_count, mx, my, spread, radius_m)
        fixed_raw = np.append(is_fixed, False)[self.kind_of]  # by raw code + 1
        return table, fixed_raw

    def first_last(self, kinds_rows: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """First and last time (datetime64[ns], NaT when none) of the devices at ``kinds_rows`` of the table."""
        first = self.t_first[kinds_rows].copy()
        last = self.t_last[kinds_rows].copy()
        none = first > last
        first[none] = NAT
        last[none] = NAT
        return first.view("datetime64[ns]"), last.view("datetime64[ns]")

    def skipped(self, fixed_raw: np.ndarray) -> Dict[str, int]:
        """Reads skipped by reason, among the reads of moving devices (and of none)."""
        moving = self.categories[~fixed_raw]
        return {
            NO_GEOMETRY: int(moving[:, 0].sum()),
            NO_TIME: int(moving[:, 1].sum()),
            NO_DEVICE: int(moving[:, 2].sum()),
        }

    # ------------------------------------------------------------------ 3. partition

    def partition(self, fixed_raw: np.ndarray, progress, cancelled) -> np.ndarray:
        """Write the reads that go on tracks to their pieces' files; the device names by rank.

        The reads' own files are removed afterwards (call ``first_last`` and ``skipped`` any time).
        """
        placed = self.categories[1:, 3].copy()
        placed[fixed_raw[1:]] = 0
        used = np.flatnonzero(placed > 0)
        if len(used):
            rank, names = _sorted_devices(used, self.reads.devices.values)
        else:
            rank, names = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
        self.rank_of = np.full(self.n_raw + 1, -1, dtype=np.int64)
        self.rank_of[used + 1] = rank
        self.total = int(placed.sum())
        per_rank = np.bincount(rank, weights=placed[used], minlength=len(names)).astype(np.int64)
        group = _packed(per_rank, PIECE_READS)
        # Pieces: a group of devices, or a busy device's reads cut at times (``bounds``).
        self.bounds: List[np.ndarray] = []
        first_piece = np.zeros(int(group.max()) + 2 if len(group) else 1, dtype=np.int64)
        for g in range(len(first_piece) - 1):
            ranks = np.flatnonzero(group == g)
            bounds = np.zeros(0, dtype=np.int64)
            if len(ranks) == 1 and per_rank[ranks[0]] > PIECE_READS:
                bounds = self._time_bounds(np.flatnonzero(self.rank_of[1:] == ranks[0]))
            self.bounds.append(bounds)
            first_piece[g + 1] = first_piece[g] + len(bounds) + 1
        self.pieces = int(first_piece[-1])
        for p in range(self.pieces):
            open(self.file("piece_{}.bin".format(p)), "wb").close()
        with_ids = self.reads.with_read_id
        columns = ["device", "ns", "x", "y"] + (["read_id", "null"] if with_ids else [])
        split = [g for g, b in enumerate(self.bounds) if len(b)]
        for start, stop in self._chunks(progress, cancelled):
            c = self.reads.chunk(columns, start, stop)
            mx = np.fromfile(self.file("reads_mx.bin"), dtype=np.float64, count=stop - start, offset=start * 8)
            my = np.fromfile(self.file("reads_my.bin"), dtype=np.float64, count=stop - start, offset=start * 8)
            rank = self.rank_of[c["device"].astype(np.int64) + 1]
            on = np.flatnonzero((rank >= 0) & np.isfinite(mx) & np.isfinite(my) & (c["ns"] != NAT))
            rank = rank[on]
            records = np.empty(len(on), dtype=_PIECE)
            records["idx"] = on + start
            records["code"] = rank
            records["ns"] = c["ns"][on]
            records["sx"], records["sy"] = mx[on], my[on]
            records["x"], records["y"] = c["x"][on], c["y"][on]
            if with_ids:
                records["rid"], records["null"] = c["read_id"][on], c["null"][on]
            else:
                records["rid"], records["null"] = 0, 1
            del c, mx, my
            g = group[rank]
            piece = first_piece[g]
            for s in split:
                mine = g == s
                piece[mine] += np.searchsorted(self.bounds[s], records["ns"][mine], side="right")
            _by_file(piece, {"r": records}, lambda p, _: self.file("piece_{}.bin".format(p)))
        for name in ("mx", "my"):
            os.remove(self.file("reads_{}.bin".format(name)))  # (the pieces hold all the tracks need now)
        for name in self.reads.columns:
            os.remove(self.reads.file(name))
        return names

    def _time_bounds(self, raws: np.ndarray) -> np.ndarray:
        """Times that cut a busy device's reads in ranges of about PIECE_READS (from its counts by time)."""
        counts = sum((self.histograms.get(int(r), 0) for r in raws), np.zeros(_TIME_BINS, dtype=np.int64))
        if self.reads.t_min is None or not counts.sum():
            return np.zeros(0, dtype=np.int64)
        start, span = self.reads.t_min, max(self.reads.t_max - self.reads.t_min, 1)
        bounds, held = [], 0
        for b, c in enumerate(counts.tolist()):
            if held and held + c > PIECE_READS:
                bounds.append(start + int(np.ceil(b * span / _TIME_BINS)))
                held = 0
            held += c
        return np.unique(np.asarray(bounds, dtype=np.int64))

    # ------------------------------------------------------------------ 4. tracks

    def tracks(
        self, names, max_gap_s: float, max_speed_ms: float, drop_glitches: bool, progress, cancelled
    ) -> Iterator[Tuple[pd.DataFrame, List[bytes]]]:
        """The tracks, in order, a batch at a time: ``(table, wkb)``; then ``self.splitter``/``self.glitch`` count."""
        self.glitch = glitch = GlitchFilter(drop_glitches and self.total > 2, max_speed_ms)
        self.splitter = splitter = TrackSplitter(names, max_gap_s, max_speed_ms, self.reads.with_read_id)
        for p in range(self.pieces):
            if cancelled():
                raise Cancelled()
            path = self.file("piece_{}.bin".format(p))
            records = np.fromfile(path, dtype=_PIECE)
            os.remove(path)
            order = np.lexsort((records["idx"], records["ns"], records["code"]))
            piece = {k: records[k][order] for k in ("code", "ns", "sx", "sy", "x", "y", "rid")}
            piece["null"] = records["null"][order].astype(bool)
            del records, order
            yield splitter.push(glitch.push(piece))
            progress((p + 1) / max(self.pieces, 1))
        yield splitter.push(glitch.flush())
        yield splitter.flush()


class LineStream:
    """Batches of tracks (a table and each row's WKB LineString) written to the sink ``name`` as they come.

    To a GeoPackage file (a temporary output too) the rows go in through
    ``GpkgAppender``, batch after batch, aside until ``finish`` renames the
    file into place; any other destination gets every batch at ``finish``
    in one ``write_output``.  Batches are gathered up to a size first.
    """

    _ROWS, _VERTICES = 20_000, 500_000  # a batch written when either is reached

    def __init__(self, alg, parameters: Dict, name: str, context, feedback, crs, style: str) -> None:
        from alpr_qgis.qgis_io.outputs import requested_destination
        from alpr_qgis.qgis_io.postgis.sink import postgis_output
        from alpr_qgis.qgis_io.vector.write import bulk_parameters

        self.alg, self.asked, self.name, self.context, self.feedback = alg, parameters, name, context, feedback
        self.crs, self.style = crs, style
        self.parameters = bulk_parameters(alg, parameters, name, context)
        wanted = requested_destination(alg, self.parameters, name, context)
        target = wanted.path if wanted is not None else ""
        self.to_gpkg = target.lower().endswith(".gpkg") and postgis_output(self.parameters, name, context) is None
        self.rows = 0
        self._waiting: List[Tuple[pd.DataFrame, List[bytes]]] = []
        self._vertices = 0
        self._output = None
        self._appender = None

    def append(self, table: pd.DataFrame, wkb: List[bytes]) -> None:
        self._waiting.append((table, wkb))
        self._vertices += sum(len(w) for w in wkb) // 16
        if not self.to_gpkg:
            return
        if sum(len(t) for t, _ in self._waiting) >= self._ROWS or self._vertices >= self._VERTICES:
            self._write()

    def _write(self, last: bool = False) -> None:
        from qgis.core import QgsCoordinateReferenceSystem

        from alpr_qgis.qgis_io.outputs import WRITE_ERRORS
        from alpr_qgis.qgis_io.vector.appender import GpkgAppender
        from alpr_qgis.qgis_io.vector.fields import qgs_fields
        from alpr_qgis.qgis_io.vector.write import _Output

        waiting, self._waiting, self._vertices = self._waiting, [], 0
        table = pd.concat([t for t, _ in waiting], ignore_index=True) if len(waiting) > 1 else waiting[0][0]
        wkb = [w for _, lines in waiting for w in lines]
        del waiting
        if self._appender is None:
            out = _Output(
                self.alg,
                self.asked,
                self.name,
                self.context,
                qgs_fields(table),
                QgsWkbTypes.LineString,
                self.crs or QgsCoordinateReferenceSystem(),
                resolved=self.parameters,
            )
            if out.sink is None:
                raise QgsProcessingException(self.alg.invalidSinkError(self.parameters, self.name))
            self._output = out
            out.close_sink()
            if out.path is None:
                raise QgsProcessingException("The output {} is not a GeoPackage file.".format(self.name))
            try:
                self._appender = GpkgAppender(out.path, out.layer)
            except WRITE_ERRORS as err:
                raise self._fail(err) from None
        self.rows += len(table)
        try:
            if not self._appender.append(table, None, None, wkb, cancelled=self.feedback.isCanceled, last=last):
                raise Cancelled()
        except WRITE_ERRORS as err:
            raise self._fail(err) from None

    def _fail(self, err: BaseException) -> QgsProcessingException:
        from alpr_qgis.qgis_io.outputs import WRITE_ERRORS, failed_write

        appender, self._appender = self._appender, None
        if appender is not None:
            with contextlib.suppress(*WRITE_ERRORS):
                appender.rollback()
        out, self._output = self._output, None
        return out.failed(err) if out is not None else failed_write(err, self.name)

    def forget(self) -> None:
        """Drop everything written so far (the file being written aside is removed)."""
        appender, self._appender = self._appender, None
        out, self._output = self._output, None
        self._waiting = []
        try:
            if appender is not None:
                appender.rollback()
        finally:
            if out is not None:
                out.discard()

    def finish(self, progress=lambda f: None) -> Optional[str]:
        """Write what waits and store everything; the destination."""
        from alpr_qgis.qgis_io.outputs import WRITE_ERRORS
        from alpr_qgis.qgis_io.plumbing import write_output
        from alpr_qgis.qgis_io.styles import style_vector_output

        if not self.to_gpkg:
            waiting, self._waiting = self._waiting, []
            table = pd.concat([t for t, _ in waiting], ignore_index=True) if len(waiting) > 1 else waiting[0][0]
            wkb = [w for _, lines in waiting for w in lines]
            del waiting
            dest, _ = write_output(
                self.alg,
                self.asked,
                self.name,
                self.context,
                self.feedback,
                table,
                style=self.style,
                wkb=wkb,
                wkb_type=QgsWkbTypes.LineString,
                crs=self.crs,
                progress=progress,
            )
            return dest
        if self._waiting or self._appender is None:
            self._write(last=True)
        appender, self._appender = self._appender, None
        try:
            if not appender.finish(progress, self.feedback.isCanceled):
                raise Cancelled()
            self._output.commit(self.rows)
            dest = self._output.dest
            self._output = None
        except WRITE_ERRORS as err:
            raise self._fail(err) from None
        if self.feedback.isCanceled():
            raise Cancelled()
        style_vector_output(dest, self.style, self.context, self.feedback)
        return dest
