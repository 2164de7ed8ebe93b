"""Bulk load of reads into a PostGIS table: one transaction, one COPY, then the indexes.

:func:`load_reads` makes ``schema.table`` from a table of reads (``read_id``,
``plate``, ``read_time`` naive, ``device``, ``state``, any other columns) and
their coordinates (x/y arrays, NaN where a read has none):

* columns typed from the frame (``read_time`` ``timestamp without time zone``,
  integers ``bigint``, text ``text``), ``read_id`` the primary key (file order),
  the geometry last as ``geometry(Point, srid)``, NULL without coordinates;
* the rows through one ``COPY ... FROM STDIN`` fed chunk by chunk
  (:func:`alpr_qgis.core.sql.copy_chunks`): the next chunk is encoded while
  the server parses the last;
* a GiST index on the geometry, btree indexes on ``plate``, ``device``,
  ``read_time``, then ``ANALYZE``;

all in ONE transaction: a bad value, a lost connection or a cancel leaves
the database as it was (an existing table that was to be replaced included).
:class:`ReadsCopyStream` does the same part by part (``append`` each part,
then ``finish`` or ``forget``), with ``FrameStream``'s shape, for a loader
that reads a file in parts; :func:`load_reads` is one part.
Needs psycopg2 (QGIS's connection has no COPY).
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sql import ReadsTable, copy_chunks, reads_table
from alpr_qgis.qgis_io.postgis.connection import PostgisError, PsycopgConnection, cancel_watch, table_exists
from alpr_qgis.qgis_io.postgis.uri import PgTable

pd = lazy_module("pandas")  # (imported on first use: registering the provider stays light)

#: Rows per COPY chunk: about 12 MB of text for a typical export.
CHUNK_ROWS = 100_000

#: Memory for the index builds, for this transaction only.
MAINTENANCE_WORK_MEM = "256MB"

#: SQLSTATEs: a statement cancelled (``connection.cancel()``), a duplicate key, a null in a key column.
QUERY_CANCELED, UNIQUE_VIOLATION, NOT_NULL_VIOLATION = "57014", "23505", "23502"

_COPY_CONTEXT = re.compile(r"COPY [^,]*, line (?P<line>\d+)(?:, column (?P<column>[^:]+))?")


@dataclass(frozen=True)
class LoadResult:
    """What :func:`load_reads` wrote: rows, rows with a geometry, and the table's layout."""

    rows: int
    located: int
    layout: ReadsTable


class _ChunkReader:
    """A read-only file over byte chunks, as ``copy_expert`` wants, encoding ahead in a thread.

    While the server parses chunk k (psycopg2 releases the GIL while it
    sends), a worker thread encodes chunk k+1, so the load takes about the
    longer of the two rather than their sum.  An error or cancel raised while
    encoding is kept in :attr:`error` and aborts the COPY.
    """

    _DONE = object()

    def __init__(
        self,
        encode: Callable[[Callable[[float], None], Callable[[], bool]], Iterator[bytes]],
        progress: Callable[[float], None],
        cancelled: Callable[[], bool],
        ahead: int = 2,
    ) -> None:
        self.error: Optional[BaseException] = None
        self._progress = progress
        self._cancelled = cancelled
        self._share = 0.0
        self._queue: queue.Queue = queue.Queue(maxsize=ahead)
        self._stop = threading.Event()
        self._current = b""
        self._offset = 0
        self._finished = False
        shares = [0.0]
        chunks = encode(lambda share: shares.__setitem__(0, share), self._stop.is_set)
        self._thread = threading.Thread(
            target=self._produce, args=(chunks, shares), name="alpr-copy-encoder", daemon=True
        )
        self._thread.start()

    def _produce(self, chunks: Iterator[bytes], shares: list) -> None:
        """The encoder thread: chunks and the share of rows done, into the queue; no callback of the caller."""
        try:
            for piece in chunks:
                self._queue.put((piece, shares[0]))
            self._queue.put(self._DONE)
        except BaseException as error:  # handed to the reading side, which aborts the COPY
            self._queue.put(error)

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the next chunk; ``progress`` and ``cancelled`` are called here, in the caller's thread."""
        if self._offset >= len(self._current):
            self._progress(self._share)
            if self._finished:
                return b""
            if self._cancelled():
                self._finished = True
                self.error = Cancelled()
                raise self.error
            item = self._queue.get()
            if item is self._DONE:
                self._finished = True
                return b""
            if isinstance(item, BaseException):
                self._finished = True
                self.error = item
                raise item
            (self._current, self._share), self._offset = item, 0
        end = len(self._current) if size is None or size < 0 else self._offset + size
        out = self._current[self._offset : end]
        self._offset += len(out)
        return out

    def close(self) -> None:
        """Stop the encoder (after an error on the server's side) and wait for it."""
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.1)  # unblocks a put() of the encoder
        self._thread.join()


class ReadsCopyStream:
    """Writes parts of reads (frames of the same columns) into one new PostGIS table, in ONE transaction.

    The shape of ``FrameStream`` (``append`` part by part, then ``finish`` or
    ``forget``), so a loader that reads a file part by part can write a
    PostGIS destination the same way: the first ``append`` opens the
    transaction and creates the table from that part's columns; each part is
    one ``COPY``; ``finish`` builds the primary key and indexes, analyses and
    commits; ``forget`` (or any error) rolls everything back, leaving the
    database as it was.  Errors name the table (and the row, by ``read_id``,
    and field of a refused value), never a value.

    Any row output goes the same way (``alpr_qgis.qgis_io.postgis.sink``):
    ``geometry_type`` names the geometry column's type (``Point`` from x/y,
    another type from ``append(..., geometry=<hex EWKB>)``, None for a table
    without geometry); with ``key_optional`` a ``read_id`` that is not
    unique (or has nulls) leaves the table without a primary key instead of
    failing.  A later part whose columns have other types than the first's
    (a column all null in one part) is written into the first part's types.
    """

    def __init__(
        self,
        connection: PsycopgConnection,
        target: PgTable,
        *,
        srid: int = 4326,
        replace: bool = True,
        chunk_rows: int = CHUNK_ROWS,
        geometry_type: Optional[str] = "Point",
        key_optional: bool = False,
    ) -> None:
        if not isinstance(connection, PsycopgConnection):
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "Writing {table} in bulk needs python3-psycopg2"),
                args={"table": target.label()},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Install python3-psycopg2 (Debian) and run again."),
            )
        self.connection = connection
        self.target = target
        self.srid = srid
        self.replace = replace
        self.chunk_rows = chunk_rows
        self.geometry_type = geometry_type
        self.key_optional = key_optional
        self.layout: Optional[ReadsTable] = None
        self.rows = 0
        self.located = 0
        self._cursor = None  # set while the transaction is open

    def append(
        self,
        frame: pd.DataFrame,
        x: Optional[np.ndarray],
        y: Optional[np.ndarray],
        cancelled: Callable[[], bool] = lambda: False,
        last: bool = False,
        progress: Callable[[float], None] = lambda _f: None,
        *,
        geometry: Optional[np.ndarray] = None,
    ) -> bool:
        """COPY ``frame``'s rows with their points (NaN: no point); False if cancelled (then call ``forget``).

        ``geometry`` (hex EWKB per row, None: no geometry; ``core.sql.ewkb_hex``)
        instead of ``x``/``y`` for other geometry types.  ``progress`` gets the
        share of this part sent; ``last`` is accepted for ``FrameStream``'s
        signature (``finish`` ends the load).
        """
        layout = reads_table(
            frame,
            self.target.table,
            self.target.schema,
            self.target.geometry or "geom",
            self.srid,
            geometry_type=self.geometry_type,
        )
        if self.layout is None:
            self._begin(layout)
        elif layout.columns != self.layout.columns:
            frame = self._conform(frame, layout)
        if self.geometry_type is None:
            x = y = geometry = None
        elif geometry is None:
            x = np.asarray(x, dtype=float)
            y = np.asarray(y, dtype=float)
        row_numbers = frame["read_id"].to_numpy() if "read_id" in frame.columns else None
        first_line = self.rows
        reader = _ChunkReader(
            lambda encoded, stopped: copy_chunks(
                frame,
                x,
                y,
                srid=self.srid,
                chunk_rows=self.chunk_rows,
                row_numbers=row_numbers if row_numbers is not None else np.arange(1, len(frame) + 1) + first_line,
                progress=encoded,
                cancelled=stopped,
                geometry=geometry,
            ),
            progress=progress,
            cancelled=cancelled,
        )
        try:
            self._cursor.copy_expert(self.layout.copy_sql(freeze=True), reader, size=1 << 20)
        except Cancelled:
            self.forget()
            return False
        except self.connection.module.Error as error:
            self.forget()
            if isinstance(reader.error, Cancelled):
                return False
            if reader.error is not None:  # our own error, surfaced through the COPY
                raise reader.error from None
            raise _load_error(error, self.connection, self.target, row_numbers) from None
        except BaseException:
            self.forget()
            raise
        finally:
            reader.close()
        if isinstance(reader.error, Cancelled):
            self.forget()
            return False
        if reader.error is not None:
            self.forget()
            raise reader.error
        self.rows += len(frame)
        if geometry is not None:
            self.located += int(pd.notna(np.asarray(geometry, dtype=object)).sum())
        elif x is not None:
            self.located += int((np.isfinite(x) & np.isfinite(y)).sum())
        return True

    def _conform(self, frame: pd.DataFrame, layout: ReadsTable) -> pd.DataFrame:
        """``frame`` fitted to the table's columns when only their types differ (COPY text then converts).

        A column typed ``bigint`` in the table that comes as floats here (nulls
        in a column of integers) is given as integers; a fraction there is an
        error naming the field.  Other columns go as text, which the server
        parses into the table's type (or refuses, naming row and field).
        """
        names = [name for name, _ in self.layout.columns]
        if [name for name, _ in layout.columns] != names:
            self.forget()  # the caller's loader checks this first (NotStreamableError): a programming error here
            raise ValueError("a later part of the reads does not have the first part's columns and types")
        frame = frame.copy()
        for (name, wanted), (_, given) in zip(self.layout.columns, layout.columns):
            if wanted == given:
                continue
            column = frame[name]
            if wanted == "bigint" and given == "double precision":
                values = column.to_numpy(dtype=float)
                whole = values[np.isfinite(values)]
                if not np.array_equal(whole, np.round(whole)):
                    self.forget()
                    raise PostgisError(
                        QT_TRANSLATE_NOOP("alpr_core", "{table}: field {field} holds integers, then fractions"),
                        args={"table": self.target.label(), "field": '"{}"'.format(name)},
                    )
                frame[name] = column.astype("Int64")
            else:
                frame[name] = column.astype(object).where(column.notna(), None)
        return frame

    def _begin(self, layout: ReadsTable) -> None:
        if not self.replace and table_exists(self.connection, self.target.schema, self.target.table):
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "{table} already exists"),
                args={"table": self.target.label()},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose another table name or allow replacing it."),
            )
        self._cursor = self.connection.begin()
        try:
            self._cursor.execute("SET LOCAL maintenance_work_mem = %s", (MAINTENANCE_WORK_MEM,))
            if self.replace:
                self._cursor.execute(layout.drop_sql())
            self._cursor.execute(layout.create_sql())
        except self.connection.module.Error as error:
            self.forget()
            raise _load_error(error, self.connection, self.target, None) from None
        except BaseException:
            self.forget()
            raise
        self.layout = layout

    def finish(
        self, progress: Callable[[float], None] = lambda _f: None, cancelled: Callable[[], bool] = lambda: False
    ) -> Optional[LoadResult]:
        """Build the key and indexes, analyse and commit; the result, or None if cancelled (nothing kept)."""
        if self.layout is None:
            raise ValueError("finish() before any append(): append the reads, even an empty frame")
        optional_key = self.key_optional and self.layout.key_sql() is not None
        statements = self.layout.index_sql(key=not optional_key) + [self.layout.analyze_sql()]
        try:
            if optional_key:
                self._optional_key()
            for done, statement in enumerate(statements, 1):
                if cancelled():
                    self.forget()
                    return None
                with cancel_watch(self.connection, cancelled):
                    self._cursor.execute(statement)
                progress(done / len(statements))
        except self.connection.module.Error as error:
            self.forget()
            if getattr(error, "pgcode", None) == QUERY_CANCELED and cancelled():
                return None
            raise _load_error(error, self.connection, self.target, None) from None
        except BaseException:
            self.forget()
            raise
        cursor, self._cursor = self._cursor, None
        try:
            self.connection.commit()
        except self.connection.module.Error as error:
            self.connection.rollback()
            raise _load_error(error, self.connection, self.target, None) from None
        finally:
            cursor.close()
        return LoadResult(rows=self.rows, located=self.located, layout=self.layout)

    def _optional_key(self) -> None:
        """The primary key on ``read_id`` when its values allow one; else none (a savepoint undoes the try)."""
        self._cursor.execute("SAVEPOINT alpr_key")
        try:
            self._cursor.execute(self.layout.key_sql())
        except self.connection.module.Error as error:
            if getattr(error, "pgcode", None) not in (UNIQUE_VIOLATION, NOT_NULL_VIOLATION):
                raise
            self._cursor.execute("ROLLBACK TO SAVEPOINT alpr_key")
        self._cursor.execute("RELEASE SAVEPOINT alpr_key")

    def forget(self) -> None:
        """Roll the whole load back (safe to call twice, and before any ``append``)."""
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            self.connection.rollback()
            with contextlib.suppress(Exception):
                cursor.close()


def load_reads(
    connection: PsycopgConnection,
    target: PgTable,
    frame: pd.DataFrame,
    x: np.ndarray,
    y: np.ndarray,
    *,
    srid: int = 4326,
    replace: bool = True,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[float], None] = lambda _f: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> LoadResult:
    """Create ``target`` and fill it with ``frame`` and points (``x``, ``y`` in ``srid``; NaN: no point).

    ``replace`` drops an existing table of that name (inside the same
    transaction); otherwise an existing table is an error.  ``progress`` gets
    0..1 (the COPY is 80 %, the indexes the rest); ``cancelled()`` raises
    :class:`Cancelled` with nothing written.  Errors name the table and,
    for a value the server refused, the row (``read_id`` when present) and
    field, never the value.
    """
    stream = ReadsCopyStream(connection, target, srid=srid, replace=replace, chunk_rows=chunk_rows)
    if not stream.append(frame, x, y, cancelled, last=True, progress=lambda share: progress(0.8 * share)):
        raise Cancelled()
    result = stream.finish(lambda share: progress(0.8 + 0.2 * share), cancelled)
    if result is None:
        raise Cancelled()
    return result


def _primary_key(error) -> Optional[str]:
    """``read_id`` when a unique violation is the primary key's (PostgreSQL names it ``<table>_pkey``)."""
    constraint = getattr(getattr(error, "diag", None), "constraint_name", None) or ""
    return "read_id" if constraint.endswith("_pkey") else None


def _load_error(error, connection: PsycopgConnection, target: PgTable, row_numbers) -> AlprInputError:
    """A server error during the load, naming the table (and row and field for a refused value), no value."""
    diag = getattr(error, "diag", None)
    context = (getattr(diag, "context", None) or "") if diag is not None else ""
    match = _COPY_CONTEXT.search(context)
    code = getattr(error, "pgcode", None) or ""
    layout_key = _primary_key(error)
    if code == "23505" and layout_key:  # the primary key, built after the COPY: two rows share a read_id
        return PostgisError(
            QT_TRANSLATE_NOOP("alpr_core", "{table}: the server refused the value ({code})"),
            args={"table": target.label(), "code": "UNIQUE_VIOLATION"},
            field=layout_key,
        )
    if match and code[:2] in ("22", "23"):  # data exception, integrity violation: a value's fault
        line = int(match.group("line"))
        row = int(row_numbers[line - 1]) if row_numbers is not None and line <= len(row_numbers) else line
        return PostgisError(
            QT_TRANSLATE_NOOP("alpr_core", "{table}: the server refused the value ({code})"),
            args={"table": target.label(), "code": connection.module.errorcodes.lookup(code) or code},
            row=row,
            field=match.group("column"),
        )
    return PostgisError(
        QT_TRANSLATE_NOOP("alpr_core", "Could not write {table}: {reason}"),
        args={"table": target.label(), "reason": connection.reason(error)},
    )
