"""SQLite values and bulk inserts, without QGIS: the GeoPackage writer's and the loader's worker processes' own.

Whole columns become the Python values SQLite stores as a GeoPackage
expects them (:func:`sql_values`, :func:`point_blobs`) and go in hundreds of
rows per statement (:func:`insert_batches`).  Nothing here imports QGIS, so
the loader's worker processes (plain Python, see
:func:`alpr_qgis.core.reads.stream_reads`) use it too: :func:`store_part`
puts the reads of a part a worker has read into the worker's own SQLite
file, from which :class:`alpr_qgis.qgis_io.vector.GpkgAppender` copies them
into the output inside SQLite, with no Python value per row in between.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pathlib
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

_GPKG_POINT = np.dtype(
    [
        ("magic", "S2"),
        ("version", "u1"),
        ("flags", "u1"),
        ("srs_id", "<i4"),
        ("order", "u1"),
        ("wkb_type", "<u4"),
        ("x", "<f8"),
        ("y", "<f8"),
    ]
)
BATCH = 50_000  # rows made into SQLite values at once


def sql_values(series: pd.Series) -> List[object]:
    """Python values SQLite stores as the GeoPackage expects (None for null)."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _datetime_text(series.to_numpy(dtype="datetime64[ms]"))
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return series.astype(int).tolist()
    if pd.api.types.is_object_dtype(dtype):
        values = series.to_numpy()
        if pd.api.types.infer_dtype(values, skipna=False) == "string":  # text, no null: a quicker look than isna
            return values.tolist()
        missing = pd.isna(values)
        if missing.any():
            values = values.copy()
            values[missing] = None
        return values.tolist()
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:  # Int64 without nulls too
        return series.to_numpy(dtype=np.int64).tolist()
    if series.hasnans or pd.api.types.is_object_dtype(dtype) or pd.api.types.is_extension_array_dtype(dtype):
        values = series.astype(object)
        if pd.api.types.is_bool_dtype(dtype):
            values = values.map(lambda v: v if v is None or v is pd.NA else int(v))
        return values.where(series.notna(), None).tolist()
    return series.tolist()


@functools.lru_cache(maxsize=1)
def _clock_tables() -> Tuple[np.ndarray, np.ndarray]:
    """``Thh:mm:ss.`` of every second of a day and ``mmm`` of every millisecond, as object arrays.

    Made on first use: the 86,400 strings take about 6 MiB, which every
    algorithm would otherwise carry from the moment the provider loads.
    """
    clock = np.array(
        ["T{:02d}:{:02d}:{:02d}.".format(s // 3600, s // 60 % 60, s % 60) for s in range(86400)], dtype=object
    )
    return clock, np.array(["{:03d}".format(i) for i in range(1000)], dtype=object)


# One ``YYYY-MM-DDTHH:MM:SS.mmm`` text and its line end, as fixed-width fields.
_ISO_ROW = np.dtype(
    {
        "names": ["century", "year", "month", "day", "hour", "minute", "second", "milli"],
        "formats": ["S2", "S2", "S2", "S2", "S2", "S2", "S2", "S3"],
        "offsets": [0, 2, 5, 8, 11, 14, 17, 20],
        "itemsize": 24,
    }
)


@functools.lru_cache(maxsize=1)
def _digit_tables() -> Tuple[np.ndarray, np.ndarray]:
    """ "00".."99" and "000".."999" as fixed-width byte strings."""
    return (
        np.array(["{:02d}".format(i).encode() for i in range(100)], dtype="S2"),
        np.array(["{:03d}".format(i).encode() for i in range(1000)], dtype="S3"),
    )


def _datetime_text(values: np.ndarray) -> List[Optional[str]]:
    """``YYYY-MM-DDTHH:MM:SS.mmm`` of datetime64[ms] values (None for NaT), as numpy writes them.

    The digits are written by numpy into one byte buffer, decoded once and
    split: no Python string operation per value.  Years outside 1000-9999
    (which numpy writes with another width) take the slower table lookup.
    """
    missing = np.isnat(values)
    ms = np.where(missing, 0, values.astype(np.int64))
    days = ms // 86_400_000
    of_day = ms - days * 86_400_000
    day = days.astype("datetime64[D]")
    month_start = day.astype("datetime64[M]")
    year_start = month_start.astype("datetime64[Y]")
    year = year_start.astype(np.int64) + 1970
    if len(values) and not ((year >= 1000) & (year <= 9999)).all():
        return _datetime_text_by_table(values)
    text = np.empty(len(values), dtype=_ISO_ROW)
    text.view("S24")[:] = b"0000-00-00T00:00:00.000\n"  # the separators
    two, three = _digit_tables()
    text["century"], text["year"] = two[year // 100], two[year % 100]
    text["month"] = two[(month_start - year_start).astype(np.int64) + 1]
    text["day"] = two[(day - month_start).astype(np.int64) + 1]
    text["hour"] = two[of_day // 3_600_000]
    text["minute"] = two[of_day // 60_000 % 60]
    text["second"] = two[of_day // 1000 % 60]
    text["milli"] = three[of_day % 1000]
    out: List[Optional[str]] = text.tobytes().decode("ascii").split("\n")
    out.pop()  # after the last line end
    for i in np.flatnonzero(missing).tolist():
        out[i] = None
    return out


def _datetime_text_by_table(values: np.ndarray) -> List[Optional[str]]:
    """``_datetime_text`` for any year: each distinct day written by numpy, the time of day from tables."""
    missing = np.isnat(values)
    ms = np.where(missing, 0, values.astype(np.int64))
    days, of_day = np.divmod(ms, 86_400_000)
    unique_days, day_of = np.unique(days, return_inverse=True)
    day_text = unique_days.astype("datetime64[D]").astype(str).astype(object)
    clock, millis = _clock_tables()
    text = day_text[day_of] + clock[of_day // 1000] + millis[of_day % 1000]
    text[missing] = None
    return text.tolist()


def connect_readonly(path: str) -> sqlite3.Connection:
    """A read-only connection to the SQLite file ``path``, whatever its name holds (``#``, ``?``, ``%``, spaces, ...).

    SQLite takes ``mode=ro`` only in a URI, where such characters mean
    something: the path goes in percent-quoted (``pathlib``'s ``file://``
    URI), so no other file is opened or created.
    """
    uri = pathlib.Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True)


def quote_name(name: str) -> str:
    """``name`` as an SQL identifier (in double quotes, its own doubled)."""
    return '"{}"'.format(name.replace('"', '""'))


def point_blobs(x: np.ndarray, y: np.ndarray, srs_id: int) -> List[Optional[bytes]]:
    """GeoPackage binary points (no envelope, little-endian WKB); None where x or y is NaN."""
    valid = ~(np.isnan(x) | np.isnan(y))
    packed = np.zeros(int(valid.sum()), dtype=_GPKG_POINT)
    packed["magic"] = b"GP"
    packed["flags"] = 1  # little-endian header, no envelope
    packed["srs_id"] = srs_id
    packed["order"] = 1
    packed["wkb_type"] = 1
    packed["x"] = x[valid]
    packed["y"] = y[valid]
    whole = packed.view("V{}".format(_GPKG_POINT.itemsize)).tolist()  # one bytes object per point
    if len(whole) == len(x):
        return whole
    blobs = np.full(len(x), None, dtype=object)
    blobs[valid] = whole
    return blobs.tolist()


def insert_rows(
    conn: sqlite3.Connection,
    table: str,
    names: Sequence[str],
    columns: Sequence[Sequence[object]],
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> bool:
    """Insert ``columns`` (equal-length sequences of SQLite values) as rows of ``table``; False if cancelled."""
    n = len(columns[0]) if columns else 0
    return insert_batches(conn, table, names, n, lambda a, b: [c[a:b] for c in columns], progress, cancelled)


def insert_batches(
    conn: sqlite3.Connection,
    table: str,
    names: Sequence[str],
    n: int,
    batch: Callable[[int, int], Sequence[Sequence[object]]],
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
    *,
    threaded: bool = False,
) -> bool:
    """Insert ``n`` rows, whose columns for rows ``a:b`` are ``batch(a, b)``, into ``table``; False if cancelled.

    Hundreds of rows go in per statement (``INSERT ... VALUES (...), (...), ...``):
    Python's ``executemany`` spends a few microseconds on every statement it
    runs, more than SQLite spends storing a row, so one statement per row
    costs about twice the time.  The parameters are the columns interleaved
    into one flat list (slice assignment, no per-row tuples), handed out in
    slices.  With ``threaded`` (``conn`` made with ``check_same_thread=False``)
    SQLite stores one batch in a second thread while this one prepares the
    next: SQLite works without Python's global lock, so the two overlap.
    """
    k = len(names)
    if not n or not k:
        progress(1.0)
        return True
    try:
        limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except AttributeError:  # Python < 3.11
        limit = 999
    per = max(1, min(500, limit // k))
    values = "({})".format(", ".join("?" * k))
    head = "INSERT INTO {} ({}) VALUES ".format(quote_name(table), ", ".join(quote_name(c) for c in names))
    many = head + ", ".join([values] * per)

    def store(flat: List[object], rows: int) -> None:
        whole = rows // per * per
        if whole:
            conn.executemany(many, (flat[i : i + per * k] for i in range(0, whole * k, per * k)))
        if whole < rows:
            conn.execute(head + ", ".join([values] * (rows - whole)), flat[whole * k :])

    step = max(per, BATCH // per * per)
    pool = ThreadPoolExecutor(max_workers=1) if threaded else None
    pending = None
    try:
        for start in range(0, n, step):
            if cancelled():
                return False
            stop = min(n, start + step)
            flat: List[object] = [None] * ((stop - start) * k)
            for j, col in enumerate(batch(start, stop)):
                flat[j::k] = col
            if pending is not None:
                pending.result()  # the previous batch is stored (or its error raised)
            if pool is None:
                store(flat, stop - start)
            else:
                pending = pool.submit(store, flat, stop - start)
            progress(start / n if pool else stop / n)
        if pending is not None:
            pending.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    progress(1.0)
    return True


# ------------------------------------------------------------------ a worker's parts

#: The table of a worker's SQLite file: ``geom`` (GeoPackage point blob), then ``c0``, ``c1``, ...
#: (the reads' columns in order), declared without types so each value stays as bound.
PART_TABLE = "part_rows"

#: Files the loader's workers store parts in, for one output: a connection attaches at most 10 databases.
PART_FILES = 8

_PARENT: List[int] = []  # (in a worker) the process that asked for its first part
_PART_FILES: Dict[str, sqlite3.Connection] = {}  # (in a worker) its file, open from its first part on


def part_column(i: int) -> str:
    """The name, in :data:`PART_TABLE`, of the reads' ``i``-th column."""
    return "c{}".format(i)


def _remove_folder_when_orphaned(folder: str) -> None:
    """When this worker ends on its own (its parent closed the pipe, or died), remove ``folder`` if orphaned.

    The parent holds the scratch folder's lock while it runs and removes the
    folder itself; a parent killed outright cannot, and then the worker sees
    the end of its requests, finds the lock free and removes the raw plates.
    """
    import atexit

    _PARENT.append(os.getppid())
    atexit.register(_close_then_remove, folder)


def _close_then_remove(folder: str) -> None:
    """(At a worker's exit) close its files, then remove ``folder`` once the parent is seen gone.

    A worker exits on its own only when its parent closed the pipe by dying
    (a parent that ends normally kills its workers).  A dying process closes
    its files before it hands its children to another one, so for a moment
    its lock may still look held: wait (briefly) until it is gone.  Each
    worker removes the folder after its own last write, so the last one out
    leaves nothing, whatever a sibling was writing while another removed.
    """
    from alpr_qgis.core.scratch import PREFIX, remove_if_orphaned

    for conn in _PART_FILES.values():
        with contextlib.suppress(sqlite3.Error):
            conn.close()
    _PART_FILES.clear()
    deadline = time.monotonic() + 5.0
    while not _parent_gone() and os.path.isdir(folder) and time.monotonic() < deadline:
        time.sleep(0.01)
    if not _parent_gone() or not os.path.basename(os.path.normpath(folder)).startswith(PREFIX):
        remove_if_orphaned(folder)  # (the lock says whether its owner is alive)
        return
    for _ in range(50):  # (a sibling may be finishing a write into it)
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            return
        time.sleep(0.01)


def store_part(table, path: str, srs_id: int) -> int:
    """Append the reads of ``table`` (a ``ReadsTable``) to :data:`PART_TABLE` in ``path``; the first rowid used.

    Run in a loader's worker process, once per part it reads; each part is
    committed on its own, so a part whose rowid was returned is whole even if
    the worker is stopped later.  The values are those ``GpkgAppender.append``
    binds (:func:`sql_values`, :func:`point_blobs` with ``srs_id``).
    """
    reads = table.reads
    if _parent_gone():
        raise SystemExit("the loader that asked for this part is gone")  # (atexit removes the folder)
    conn = _PART_FILES.get(path)
    if conn is None:
        if not _PART_FILES:
            _remove_folder_when_orphaned(os.path.dirname(path))
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")  # (a scratch file: the output is committed elsewhere)
        names = ", ".join(["geom"] + [part_column(i) for i in range(reads.shape[1])])
        conn.execute("CREATE TABLE IF NOT EXISTS {} ({})".format(PART_TABLE, names))
        _PART_FILES[path] = conn
    first = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM {}".format(PART_TABLE)).fetchone()[0]
    x, y = table.x, table.y
    columns: List[Callable[[int, int], Sequence[object]]] = [lambda a, b: point_blobs(x[a:b], y[a:b], srs_id)]
    for i in range(reads.shape[1]):
        columns.append(lambda a, b, series=reads.iloc[:, i]: sql_values(series.iloc[a:b]))
    names = ["rowid", "geom"] + [part_column(i) for i in range(reads.shape[1])]
    n = len(reads)
    rowids = np.arange(first, first + n, dtype=np.int64)
    conn.execute("BEGIN")
    try:
        stored = insert_batches(
            conn,
            PART_TABLE,
            names,
            n,
            lambda a, b: [rowids[a:b].tolist()] + [column(a, b) for column in columns],
            cancelled=_parent_gone,  # a batch at a time: no write after the parent is gone
        )
        if not stored:
            raise SystemExit("the loader that asked for this part is gone")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return int(first)


def _parent_gone() -> bool:
    """(In a worker) whether the process that asked for the parts is gone (this one was handed to another)."""
    return bool(_PARENT) and os.getppid() != _PARENT[0]
