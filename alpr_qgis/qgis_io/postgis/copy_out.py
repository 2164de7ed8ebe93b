"""Numbers out of PostgreSQL by ``COPY (query) TO STDOUT (FORMAT binary)``, a chunk of rows at a time.

A server-side cursor (``PgReads.stream``) never runs in parallel: PostgreSQL
plans a cursor's query for one process, since the client may stop between
fetches.  ``COPY (query) TO STDOUT`` is planned like a plain statement, so
a large ``GROUP BY`` runs in the parallel workers (and, on Citus, on the
workers), and its rows still arrive as a stream.  In the binary format every
row of float8 columns has the same size, so a chunk of rows becomes a numpy
array with one ``frombuffer``: no Python object per value.

Only for queries whose every column is ``float8`` and never null (the caller
casts); anything else is refused with a clear error rather than misread.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_HEADER = len(_SIGNATURE) + 8  # (signature, flags, length of the header extension)
_TRAILER = b"\xff\xff"


class _Rows:
    """A writable file for psycopg2's ``copy_expert``: whole rows go to ``consume`` as (k, columns) arrays."""

    def __init__(self, columns: int, consume: Callable[[np.ndarray], None], chunk_rows: int) -> None:
        self.columns = columns
        self.dtype = np.dtype(
            [("n", ">i2")] + [(p + str(i), t) for i in range(columns) for p, t in (("l", ">i4"), ("v", ">f8"))]
        )
        self.consume = consume
        self.limit = self.dtype.itemsize * chunk_rows
        self.buffer = bytearray()
        self.skip: Optional[int] = None  # (bytes of header still to drop; None: not read yet)
        self.rows = 0

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= self.limit:
            self._emit()
        return len(data)

    def _emit(self) -> None:
        if self.skip is None:
            if len(self.buffer) < _HEADER:
                return
            if bytes(self.buffer[: len(_SIGNATURE)]) != _SIGNATURE:
                raise ValueError("not PostgreSQL's binary COPY format")
            self.skip = _HEADER + int.from_bytes(self.buffer[_HEADER - 4 : _HEADER], "big")
        if self.skip:
            taken = min(self.skip, len(self.buffer))
            del self.buffer[:taken]
            self.skip -= taken
            if self.skip:
                return
        whole = len(self.buffer) // self.dtype.itemsize
        if not whole:
            return
        size = whole * self.dtype.itemsize
        records = np.frombuffer(bytes(self.buffer[:size]), dtype=self.dtype)
        del self.buffer[:size]
        if (records["n"] != self.columns).any() or any((records["l" + str(i)] != 8).any() for i in range(self.columns)):
            raise ValueError("a COPY row that is not {} float8 values".format(self.columns))
        values = np.empty((whole, self.columns))
        for i in range(self.columns):
            values[:, i] = records["v" + str(i)]
        self.rows += whole
        self.consume(values)

    def finish(self) -> None:
        """Hand over the last rows; what is left must be the format's trailer."""
        tail = self.buffer[-len(_TRAILER) :] if self.buffer.endswith(_TRAILER) else None
        if tail is None:
            raise ValueError("the COPY stream ended without its trailer")
        del self.buffer[-len(_TRAILER) :]
        self._emit()
        if self.buffer:
            raise ValueError("a partial COPY row at the end of the stream")


def float_rows(
    pg,
    sql: str,
    params: Optional[Sequence[Any]],
    columns: int,
    consume: Callable[[np.ndarray], None],
    *,
    chunk_rows: int = 50_000,
) -> int:
    """Run ``sql`` (``columns`` float8 columns, values bound as for ``execute``) and hand its rows to ``consume``
    in arrays of up to about ``chunk_rows`` rows; the number of rows (also counted in ``pg.fetched``).

    To cancel it, cancel the statement on the server (``connection.cancelled_in_server``): the COPY then fails
    with the server's error, as any statement.
    """
    connection = pg.connection
    raw = connection.raw
    sink = _Rows(columns, consume, chunk_rows)
    try:
        with raw.cursor() as cursor:
            statement = cursor.mogrify(sql, params)  # (bytes in the connection's encoding, values bound)
            cursor.copy_expert(b"COPY (" + statement + b") TO STDOUT (FORMAT binary)", sink)
    except connection.module.Error as error:
        raise connection.error(error) from None
    sink.finish()
    pg.fetched += sink.rows
    return sink.rows
