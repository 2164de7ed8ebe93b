"""The worker processes that read the later parts of a streamed file (``_serve``, ``_PartReader``,
``_start_worker``) and the packing of a part's reads for the pipe.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.reads.loading import NotStreamableError, _Decisions, _load
from alpr_qgis.core.reads.options import IsCancelled, LoadOptions, PartStore, ReadsTable, StoredRows


def _read_part(
    path: str, start: int, end: int, header_line: bytes, encoding: str, options: LoadOptions, known: _Decisions
) -> ReadsTable:
    """Bytes ``start:end`` of a plain (not gzip) file, headed by its header line, read with ``known`` decisions."""
    with open(path, "rb") as handle:
        handle.seek(start)
        text = header_line + handle.read(end - start)
    return _load_part(text, encoding, path, options, known)


def _load_part(text: bytes, encoding: str, path: str, options: LoadOptions, known: _Decisions) -> ReadsTable:
    """The reads of one later part (``text``: the header line, then the part's lines)."""
    return _load(text, None, encoding, path, options, lambda f: None, lambda: False, known=known)[0]


def _serve() -> None:
    """The worker process's loop: read a request on stdin, answer ``("ok", table)`` or ``("failed", text)``.

    The worker dies with its parent: it ends when its requests end (the
    parent closed the pipe or died) and checks, before each request and
    before storing what it read, that its parent is still the one that
    started it (a dead parent's children are handed to another process);
    ``store_part`` checks again between batches.

    A request is ``_read_part``'s arguments and the store: None (the reads
    are sent back, packed) or ``(function, file, arg)`` of a ``PartStore``.
    """
    import pickle
    import traceback

    parent = os.getppid()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            args = pickle.load(requests)
        except EOFError:
            return  # the parent closed the pipe, or died
        if os.getppid() != parent:
            return  # the parent died with requests still in the pipe: none is done (no write after it)
        try:
            *to_read, store = args
            table = _read_part(*to_read)
            if os.getppid() != parent:
                return  # (died while this part was read: it is not stored)
            if store is None:
                answer = ("ok", _pack(table))
            else:
                function, file, arg = store
                stored = StoredRows(file, function(table, file, arg), len(table.reads))
                answer = ("ok", dataclasses.replace(table, reads=table.reads.iloc[:0], stored=stored))
        except NotStreamableError as err:
            answer = ("not streamable", str(err))
        except Exception:  # the parent reads the part itself and meets the error there
            answer = ("failed", traceback.format_exc(limit=3))
        try:
            pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
            answers.flush()
        except OSError:  # (BrokenPipeError: the parent is gone)
            return


def _pack(table: ReadsTable) -> ReadsTable:
    """``table`` with its reads in a form that crosses a pipe fast (``_unpack`` undoes it).

    Pickling a column of Python strings costs as much as reading them: each
    text column goes as one string (values joined by NUL, which a regular
    file cannot hold) plus a mask of nulls, integer columns with nulls as
    values plus mask, the rest as numpy arrays.
    """
    columns = []
    for name in table.reads.columns:
        series = table.reads[name]
        null = series.isna().to_numpy()
        if series.dtype == object:
            values = np.where(null, "", series.to_numpy()) if null.any() else series.to_numpy()
            if pd.api.types.infer_dtype(values, skipna=False) == "string":  # (a part has no NUL)
                columns.append((name, "text", "\x00".join(values), null))
                continue
        elif isinstance(series.dtype, pd.Int64Dtype):
            columns.append((name, "Int64", series.to_numpy(dtype=np.int64, na_value=0), null))
            continue
        columns.append((name, "series", series, None))
    return dataclasses.replace(table, reads=columns)


def _unpack(table: ReadsTable) -> ReadsTable:
    """The ``ReadsTable`` ``_pack`` packed (a stored part as it came)."""
    if table.stored is not None:
        return table
    out = {}
    for name, kind, values, null in table.reads:
        if kind == "text":
            column = np.empty(len(null), dtype=object)
            if len(null):
                column[:] = values.split("\x00")
                column[null] = None
            out[name] = pd.Series(column, dtype=object)
        elif kind == "Int64":
            out[name] = pd.Series(pd.arrays.IntegerArray(values, null))
        else:
            out[name] = values.reset_index(drop=True)
    return dataclasses.replace(table, reads=pd.DataFrame(out))


class _PartReader:
    """Reads the parts after the first, in order: in other Python processes when they can be started.

    Python runs one thread at a time, and reading and writing the reads are
    both mostly Python: worker processes (this Python's interpreter running
    ``_serve``) read the next parts on the other core while this one stores
    the last.  With ``workers`` of them, part ``i`` goes to worker
    ``i % workers``, each asked for two parts ahead.  Requests and answers
    go through their stdin and stdout, pickled; a worker reads the bytes
    from the file itself.  Without workers (none asked for, a gzip file, no
    interpreter found beside this one) or once one fails, the parts are read
    here, one by one, as asked for.
    """

    def __init__(self, path: str, encoding: str, options: LoadOptions, workers: int) -> None:
        self.path, self.encoding = path, encoding
        self.options = dataclasses.replace(options, to_lonlat=None)  # (pickled to the workers; not needed there)
        self.procs: list = []
        if workers and _plain_file(path):
            for _ in range(workers):
                proc = _start_worker()
                if proc is None:
                    break
                self.procs.append(proc)
        self.known: Optional[_Decisions] = None
        self.header_line = self.data = b""
        self.ranges: List[Tuple[int, int]] = []
        self.store: Optional[PartStore] = None
        self.closing: set = set()  # the parts after which their file gets no more (``PartStore``)
        self.sent = 0  # parts asked for (each worker answers in the order it was asked)

    def start(
        self,
        known: _Decisions,
        header_line: bytes,
        data: bytes,
        ranges: Sequence[Tuple[int, int]],
        store: Optional[PartStore] = None,
    ) -> None:
        """Parts to read: ``ranges`` of the file's (decompressed) bytes ``data``, each after ``header_line``."""
        self.known, self.header_line, self.data, self.ranges = known, header_line, data, list(ranges)
        self.store = store
        if store is not None and self.procs:
            last = {self._file(i): i for i in range(len(self.ranges))}
            self.closing = set(last.values())
        for _ in range(2 * len(self.procs)):
            self._ask()

    def _file(self, i: int) -> int:
        """Which of the store's files part ``i`` goes to (see ``PartStore``)."""
        workers = len(self.procs)
        groups = max(1, len(self.store.files) // workers)
        return i % workers * groups + min(groups - 1, i * groups // len(self.ranges))

    def _args(self, i: int) -> tuple:
        start, end = self.ranges[i]
        store = None
        if self.store is not None:
            store = (self.store.function, self.store.files[self._file(i)], self.store.arg)
        return (self.path, start, end, self.header_line, self.encoding, self.options, self.known, store)

    def _ask(self) -> None:
        if not self.procs or self.sent >= len(self.ranges):
            return
        import pickle

        try:
            proc = self.procs[self.sent % len(self.procs)]
            pickle.dump(self._args(self.sent), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            self.sent += 1
        except OSError:  # a worker is gone: the parts are read here
            self.close()

    def next(self, index: int, cancelled: IsCancelled) -> ReadsTable:
        """The reads of part ``index`` (of the ranges given to ``start``); parts are asked for in order."""
        if cancelled():
            raise Cancelled()
        if self.procs:
            import pickle

            try:
                status, value = pickle.load(self.procs[index % len(self.procs)].stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                status, value = "failed", "the worker process stopped"
            if status == "ok":
                self._ask()
                if value.stored is not None:
                    value.stored.closes = index in self.closing
                return _unpack(value)
            if status == "not streamable":
                raise NotStreamableError(value)
            self.close()  # read here from now on; a real error is raised here, as load_reads would
        start, end = self.ranges[index]
        text = b"".join((self.header_line, self.data[start:end]))
        return _load_part(text, self.encoding, self.path, self.options, self.known)

    def close(self) -> None:
        """Stop the worker processes (what they were reading is dropped)."""
        procs, self.procs = self.procs, []
        for proc in procs:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            try:
                proc.stdin.close()
            except BrokenPipeError:  # a request still buffered for the worker, which is gone: nothing to do
                continue


def _plain_file(path: str) -> bool:
    """Whether ``path`` can be read by byte ranges (not gzip)."""
    with open(path, "rb") as handle:
        return handle.read(2) != b"\x1f\x8b"


def _start_worker():
    """This Python's interpreter running ``_serve`` (a ``subprocess.Popen``), or None when none can be found."""
    import subprocess

    # The interpreter of this Python's own installation (or venv), not sys.executable: inside QGIS
    # that is QGIS, or whatever "python3" comes first on PATH, which may lack numpy and pandas.
    version = "python{}.{}".format(*sys.version_info[:2])
    found = [os.path.join(p, "bin", version) for p in (sys.exec_prefix, sys.base_exec_prefix)]
    exe = next((c for c in found if os.access(c, os.X_OK)), "")
    if not exe:
        return None
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    code = "import sys; sys.path.insert(0, {!r}); from alpr_qgis.core.reads import _serve; _serve()".format(
        package_root
    )
    try:
        return subprocess.Popen(
            [exe, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None
