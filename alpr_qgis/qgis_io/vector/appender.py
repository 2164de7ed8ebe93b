"""``GpkgAppender``: rows appended to a GeoPackage table through SQLite, in one transaction."""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsProcessingException

from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.sqlite_rows import PART_TABLE, insert_batches, part_column, point_blobs, quote_name, sql_values
from alpr_qgis.qgis_io.vector.blobs import _gpkg_table, wkb_blobs
from alpr_qgis.qgis_io.vector.fields import IsCancelled, Progress
from alpr_qgis.qgis_io.vector.rtree import _rtree_capacity, fill_rtree, fill_rtree_points_of, pack_rtree

pd = lazy_module("pandas")


def _write_back(path: str) -> bool:
    """Have the system write the file's changed pages to disk now (False if it cannot).

    The appender's connection never waits for the disk (``synchronous =
    OFF``), so a GeoPackage filled with hundreds of megabytes leaves them
    all in memory, and whoever next commits to the file with the usual
    safety (QGIS, saving the layer's style) waits for every one of them to
    be written: half a second for a million reads.  Written back in a
    background thread while the rows go in, they cost nothing.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        getattr(os, "fdatasync", os.fsync)(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _rollback_journal(conn: sqlite3.Connection) -> bool:
    """Switch ``conn``'s file to a rollback journal; False when another connection holds it (mode kept).

    OGR leaves a GeoPackage in write-ahead-log mode, where every new page is
    written twice: to the log, then into the file.  With a rollback journal
    the pages a bulk insert adds are written once.  Leaving the log needs
    the file to itself.
    """
    try:
        return conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() == "delete"
    except sqlite3.OperationalError as err:
        if "locked" not in str(err):
            raise
        return False


class GpkgAppender:
    """Appends rows to an empty GeoPackage table through SQLite, in one transaction.

    Made for a table that QGIS has just created (``parameterAsSink``): its
    feature-count and R-tree triggers are dropped while the rows go in and
    made again at the end; the spatial index is packed at once
    (``fill_rtree``).  ``append`` hands one frame to a second thread, which
    makes its rows' values while a third has SQLite store them, and returns
    at once (unless two frames are still waiting), so the caller can make
    the next frame meanwhile.  ``finish`` commits, unless a frame's storing
    was cancelled; ``rollback`` (also on any error) leaves the table as it
    was.

    Rows that loader worker processes stored in files of their own
    (``append_stored``) are copied in by SQLite, in the same
    transaction, once their file is done: reading a file holds it until the
    commit, so a worker could not write to it again.  They are copied in
    the order of their feature ids, as soon as the files of every earlier
    stored part are done (the rest at ``finish``).
    """

    _QUEUED = 2  # frames waiting at most; the caller waits beyond

    def __init__(self, path: str, layer: Optional[str]) -> None:
        self.path = path
        self.conn = conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # see insert_batches
        try:
            self.name = name = _gpkg_table(conn, path, layer)
            self.geom_row = conn.execute(
                "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
                (name,),
            ).fetchone()
            self.fid_col = next(r[1] for r in conn.execute("PRAGMA table_info({})".format(quote_name(name))) if r[5])
            self.next_fid = (
                conn.execute(
                    "SELECT COALESCE(MAX({}), 0) FROM {}".format(quote_name(self.fid_col), quote_name(name))
                ).fetchone()[0]
                + 1
            )
            conn.execute("PRAGMA synchronous = OFF")
            _rollback_journal(conn)
            conn.execute("BEGIN")
            self.rows_before = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(name))).fetchone()[0]
            self.triggers = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(?)",
                (name,),
            ).fetchall()
            for trig, _ in self.triggers:
                conn.execute("DROP TRIGGER {}".format(quote_name(trig)))
        except Exception:
            conn.close()
            raise
        self._jobs = ThreadPoolExecutor(max_workers=1)
        self._queued: List = []
        self.cancelled = False
        self.rows = 0
        # For the spatial index: ids and boxes (minx, miny, maxx, maxy) of rows with a geometry, or only
        # their points (x, y) while every row so far is a point (half the memory, packed a slab at a time).
        self._ids: list = []  # per part: a range of ids (every row has a point), else an array of them
        self._bounds: List[np.ndarray] = []
        self._points = True
        self._packer = ThreadPoolExecutor(max_workers=1)
        self._packing = None
        self._flusher = ThreadPoolExecutor(max_workers=1)
        self._flushing = None
        # Stored rows not copied yet: (file, first rowid, rows, first feature id,
        # [(column, its name in the file, number added or None)]), in feature-id order.
        self._stored: List[Tuple[str, int, int, int, List[Tuple[str, str, Optional[int]]]]] = []
        self._done_files: set = set()  # files no more rows will be stored in
        self._attached: Dict[str, str] = {}  # file -> its schema name on self.conn

    def append(
        self,
        table: pd.DataFrame,
        x: Optional[np.ndarray] = None,
        y: Optional[np.ndarray] = None,
        wkb: Optional[Sequence[Optional[bytes]]] = None,
        progress: Progress = lambda f: None,
        cancelled: IsCancelled = lambda: False,
        *,
        last: bool = False,
    ) -> bool:
        """Hand ``table``'s rows over for storing; False if cancelled.  ``last``: no more rows will come.

        ``progress`` and ``cancelled`` are called from the storing thread.
        """
        n = len(table)
        # Each column as a function of a row range: values are made batch by batch, while SQLite stores.
        columns: List[Callable[[int, int], Sequence[object]]] = [lambda a, b: fids[a:b].tolist()]
        names = [self.fid_col]
        bounds = None
        if self.geom_row is not None and x is not None:
            srs_id = self.srs_id
            columns.append(lambda a, b: point_blobs(x[a:b], y[a:b], srs_id))
            names.append(self.geom_row[0])
            bounds = np.column_stack([x, y])
        elif self.geom_row is not None and wkb is not None:
            blobs, bounds = wkb_blobs(wkb, self.srs_id)
            columns.append(lambda a, b: blobs[a:b])
            names.append(self.geom_row[0])
        for col in table.columns:
            if str(col).lower() == self.fid_col.lower():
                continue  # a source's feature id: the new layer numbers its own features
            columns.append(lambda a, b, series=table[col]: sql_values(series.iloc[a:b]))
            names.append(str(col))
        fids = self._take(n, bounds, last)

        def store() -> bool:
            return insert_batches(
                self.conn,
                self.name,
                names,
                n,
                lambda a, b: [column(a, b) for column in columns],
                progress,
                cancelled,
                threaded=True,
            )

        return self._submit(store, cancelled)

    def _take(self, n: int, bounds: Optional[np.ndarray], last: bool) -> np.ndarray:
        """Feature ids for ``n`` more rows; their ``bounds`` kept for the spatial index.

        ``bounds`` are points (x, y) or boxes (minx, miny, maxx, maxy).
        ``last``: no more rows come; boxes are then packed now (numpy,
        without the global lock) while the rows go in.  Points are packed
        at ``finish``, a slab at a time (``fill_rtree_points``).
        """
        fids = np.arange(self.next_fid, self.next_fid + n, dtype=_id_dtype(self.next_fid + n))
        self.next_fid += n
        self.rows += n
        if bounds is not None and n:
            valid = ~np.isnan(bounds).any(axis=1)
            if bounds.shape[1] == 4 and self._points:  # boxes from now on: the points so far become boxes
                self._bounds = [np.column_stack([b, b]) for b in self._bounds]
                self._points = False
            elif bounds.shape[1] == 2 and not self._points:
                bounds = np.column_stack([bounds, bounds])
            self._ids.append(range(int(fids[0]), int(fids[0]) + n) if valid.all() else fids[valid])
            self._bounds.append(np.ascontiguousarray(bounds[valid]))
        if last:
            self._start_packing()
        return fids

    @property
    def srs_id(self) -> Optional[int]:
        """The spatial reference id of the table's geometry column (None without one)."""
        return int(self.geom_row[1]) if self.geom_row is not None else None

    def _submit(self, job: Callable[[], bool], cancelled: IsCancelled) -> bool:
        """Queue ``job`` (True when done, False when cancelled) for the storing thread; False if cancelled."""
        while len(self._queued) >= self._QUEUED:
            self._settle(self._queued.pop(0))
        if self.cancelled or cancelled():
            self.cancelled = True
            return False
        self._queued.append(self._jobs.submit(self._then_write_back, job))
        return True

    def _then_write_back(self, job: Callable[[], bool]) -> bool:
        done = job()
        if done:
            self._write_back_soon()
        return done

    def _write_back_soon(self) -> None:
        """Have the pages written so far go to disk in the background (``_write_back``), unless that is under way."""
        if self._flushing is None or self._flushing.done():
            self._flushing = self._flusher.submit(_write_back, self.path)

    def append_stored(
        self,
        table: pd.DataFrame,
        file: str,
        first: int,
        rows: int,
        x: np.ndarray,
        y: np.ndarray,
        add: Optional[Dict[str, int]] = None,
        *,
        closes: bool = False,
        cancelled: IsCancelled = lambda: False,
        last: bool = False,
    ) -> bool:
        """Take ``rows`` rows a worker stored (``sqlite_rows.store_part``) in ``file`` from rowid ``first``.

        ``table`` has the columns they were stored with (no rows needed);
        ``x``/``y`` are their points; ``add`` maps integer columns to a number
        added to each value; ``closes``: no more rows will be stored in
        ``file``.  The rows take their feature ids now (rows appended later
        come after them) and are copied in once their file and those before
        it are done (at ``finish`` at the latest).  False if cancelled.
        """
        add = add or {}
        columns = [
            (str(col), part_column(i), int(add[col]) if col in add else None)
            for i, col in enumerate(table.columns)
            if str(col).lower() != self.fid_col.lower()  # as in append
        ]
        self._stored.append((file, first, rows, self.next_fid, columns))
        self._take(rows, np.column_stack([x, y]) if self.geom_row is not None else None, last)
        if closes:
            self._done_files.add(file)
        ready = 0
        while ready < len(self._stored) and self._stored[ready][0] in self._done_files:
            ready += 1
        if ready:
            parts, self._stored = self._stored[:ready], self._stored[ready:]
            return self._submit(lambda: self._copy_stored(parts, lambda f: None, cancelled), cancelled)
        return not (self.cancelled or cancelled())

    def _copy_stored(self, parts: list, progress: Progress, cancelled: IsCancelled) -> bool:
        """Copy stored rows (``_stored`` items) in, part by part; False if cancelled."""
        conn = self.conn
        total = sum(part[2] for part in parts) or 1
        done = 0
        for file, first, rows, fid, columns in parts:
            if cancelled():
                return False
            alias = self._attached.get(file)
            if alias is None:
                alias = self._attached[file] = "alpr_part{}".format(len(self._attached))
                conn.execute("ATTACH DATABASE ? AS {}".format(alias), (file,))  # (allowed in a transaction)
            names, values, params = [self.fid_col], ["rowid + ?"], [fid - first]
            if self.geom_row is not None:
                names.append(self.geom_row[0])
                values.append("geom")
            for name, source, plus in columns:
                names.append(name)
                values.append(source if plus is None else "{} + ?".format(source))
                params += [] if plus is None else [plus]
            copied = conn.execute(
                "INSERT INTO {} ({}) SELECT {} FROM {}.{} WHERE rowid >= ? AND rowid < ?".format(
                    quote_name(self.name),
                    ", ".join(quote_name(n) for n in names),
                    ", ".join(values),
                    alias,
                    PART_TABLE,
                ),
                params + [first, first + rows],
            ).rowcount
            if copied != rows:  # (a worker's file that lost rows: never write an output short of them)
                raise RuntimeError("{} of {} stored rows were found in {}".format(copied, rows, file))
            done += rows
            progress(done / total)
        return True

    def _settle(self, job) -> None:
        if not job.result():  # raises the job's error
            self.cancelled = True

    def _rtree(self) -> Optional[str]:
        if self.geom_row is None:
            return None
        rtree = "rtree_{}_{}".format(self.name, self.geom_row[0])
        exists = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (rtree,)).fetchone()
        return rtree if exists else None

    def _start_packing(self) -> None:
        if self._packing is not None or not self._ids or self._points:
            return
        ids, bounds = _joined(self._ids, np.int64), np.concatenate(self._bounds)
        self._ids, self._bounds = [ids], [bounds]
        rtree = self._rtree()
        per_node = _rtree_capacity(self.conn, rtree) if rtree and len(ids) else 0
        if per_node:
            self._packing = self._packer.submit(pack_rtree, ids, bounds, per_node)

    def finish(self, progress: Progress = lambda f: None, cancelled: IsCancelled = lambda: False) -> bool:
        """Store what is pending, fill the spatial index, count the features, commit; False if cancelled."""
        conn, name = self.conn, self.name
        try:
            self._start_packing()
            while self._queued:
                self._settle(self._queued.pop(0))
            # (the spatial index is packed in another thread meanwhile)
            parts, self._stored = self._stored, []
            if self.cancelled or not self._copy_stored(parts, lambda f: progress(0.5 * f), cancelled):
                self.rollback()
                return False
            self._packer.shutdown(wait=True)
            progress(0.5)
            if self._ids:
                self._index(progress)
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone():
                conn.execute(
                    "UPDATE gpkg_ogr_contents SET feature_count = (SELECT COUNT(*) FROM {}) "
                    "WHERE lower(table_name) = lower(?)".format(quote_name(name)),
                    (name,),
                )
            for _, trig_sql in self.triggers:
                conn.execute(trig_sql)
            added = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(name))).fetchone()[0] - self.rows_before
            if added != self.rows:  # never commit a table short of rows (or with more)
                raise QgsProcessingException(
                    "could not write {}: {} of {} rows were stored; run again".format(
                        os.path.basename(self.path), added, self.rows
                    )
                )
            conn.execute("COMMIT")
            progress(1.0)
        except BaseException:
            self.rollback()
            raise
        self._close()
        return True

    def _index(self, progress: Progress) -> None:
        """Fill the spatial index and set the layer's extent, from the ids and bounds kept (then let go of them)."""
        conn = self.conn
        # (rows with a point numbered one after another: their ids as a range, not an array)
        ids = _id_range(self._ids) if self._points else None
        if ids is None:
            ids = _joined(self._ids, _id_dtype(self.next_fid) if self._points else np.int64)
        self._ids = []
        rtree = self._rtree()
        if self._points:
            x, y = np.empty(len(ids)), np.empty(len(ids))
            at = 0
            while self._bounds:  # (each part let go of as it is copied)
                part = self._bounds.pop(0)
                x[at : at + len(part)], y[at : at + len(part)] = part[:, 0], part[:, 1]
                at += len(part)
            extent = (x.min(), y.min(), x.max(), y.max()) if len(ids) else None
            points = [x, y]
            del x, y
            if rtree:
                fill_rtree_points_of(conn, rtree, ids, points)  # (lets go of the points once the leaves are made)
            del points
        else:
            bounds, self._bounds = np.concatenate(self._bounds), []
            extent = (
                (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()) if len(ids) else None
            )
            if rtree:
                fill_rtree(conn, rtree, ids, bounds, self._packing.result() if self._packing else None)
        if rtree:
            self._write_back_soon()  # (the index's pages too, meanwhile)
        if extent is not None:
            conn.execute(
                "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
                "last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE lower(table_name) = lower(?)",
                tuple(float(v) for v in extent) + (self.name,),
            )

    def rollback(self) -> None:
        """Forget every row appended (the table is as it was) and close."""
        try:
            self._queued = []
            self._jobs.shutdown(wait=True, cancel_futures=True)
            self._packer.shutdown(wait=True)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            self._close()

    def _close(self) -> None:
        self._jobs.shutdown(wait=True)
        self._packer.shutdown(wait=True)
        self._flusher.shutdown(wait=False)
        self.conn.close()


def _id_dtype(end: int):
    """The feature ids' dtype while kept for the spatial index: int32 (half the memory) while they fit."""
    return np.int32 if end < 2**31 else np.int64


def _id_range(parts: list) -> Optional[range]:
    """The ids ``parts`` (arrays, or ranges of step 1) hold as one range, if they follow one another; else None."""
    if not parts or not all(isinstance(p, range) for p in parts):
        return None
    if any(a.stop != b.start for a, b in zip(parts, parts[1:])):
        return None
    return range(parts[0].start, parts[-1].stop)


def _joined(parts: list, dtype) -> np.ndarray:
    """``np.concatenate(parts)`` (arrays or ranges), letting go of each part as it is copied (the list is emptied)."""
    out = np.empty(sum(len(p) for p in parts), dtype=dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        out[at : at + len(part)] = np.arange(part.start, part.stop, dtype=dtype) if isinstance(part, range) else part
        at += len(part)
    return out


def _insert_gpkg(
    path: str,
    layer: Optional[str],
    table: pd.DataFrame,
    x: Optional[np.ndarray],
    y: Optional[np.ndarray],
    wkb: Optional[Sequence[Optional[bytes]]],
    progress: Progress,
    cancelled: IsCancelled,
) -> bool:
    """Append ``table``'s rows to the (empty) GeoPackage table and commit; False (nothing stored) if cancelled."""
    appender = GpkgAppender(path, layer)
    try:
        done = appender.append(table, x, y, wkb, lambda f: progress(0.9 * f), cancelled, last=True)
    except BaseException:
        appender.rollback()
        raise
    if not done:
        appender.rollback()
        return False
    return appender.finish(lambda f: progress(0.9 + 0.1 * f))  # rolls back when cancelled
