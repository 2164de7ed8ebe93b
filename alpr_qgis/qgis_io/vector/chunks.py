"""Reading a layer a chunk of rows at a time (``read_chunks``): ``read_frame``'s columns, in consecutive pieces.

A whole GeoPackage layer (:func:`bulk_gpkg_source`) is read with SQLite by
fid ranges, in one read transaction (one snapshot), each column of a range
in one query; anything else (memory layers, CSV, a layer being edited,
"selected features only", a feature limit or filter) through QGIS's feature
source, one iterator handed out ``chunk_rows`` features at a time.  Either
way the chunks, concatenated, are what :func:`read_frame` returns for the
same arguments, and only one chunk is held at a time.
"""

from __future__ import annotations

import sqlite3
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsFeatureRequest, QgsProcessingException
from qgis.PyQt.QtCore import QVariant

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.sqlite_rows import connect_readonly, quote_name
from alpr_qgis.qgis_io.vector.blobs import bulk_gpkg_source, parse_point_blobs
from alpr_qgis.qgis_io.vector.fields import Frame, IsCancelled, Progress, _from_qt
from alpr_qgis.qgis_io.vector.read import feature_columns, feature_request, feature_table

pd = lazy_module("pandas")

_INTEGER_TYPES = (QVariant.Int, QVariant.LongLong, QVariant.UInt, QVariant.ULongLong)

#: SQLite virtual-machine steps between two looks at ``cancelled()`` while a chunk's columns are read.
_CANCEL_STEPS = 50_000


class FrameChunks:
    """The rows of one source as consecutive :class:`Frame` chunks (iterable once; a context manager).

    ``total``: rows the chunks hold together; ``crs``: the source's CRS;
    ``names``: the columns of each chunk.  Each chunk's ``offset`` is the
    index of its first row in the whole source, and its table's index starts
    at 0.  A source with no rows gives one empty chunk (with its columns
    typed).  Column types come from the layer's field types, the same in
    every chunk, as ``read_frame`` gives them: an integer column is
    ``Int64`` in every chunk when the source holds a null in it anywhere
    (one look over the source when the chunks are made), else ``int64``.
    Iterating (and making the chunks, which looks the source over) raises
    ``Cancelled`` once ``cancelled()`` is true (asked at least every 10,000
    rows).
    """

    def __init__(
        self,
        source,
        names: Sequence[str],
        geometry: bool,
        chunk_rows: int,
        where: Optional[tuple],
        progress: Progress,
        cancelled: IsCancelled,
    ) -> None:
        if chunk_rows < 1:
            raise ValueError("chunk_rows must be at least 1")
        self.names: List[str] = list(names)
        self.crs: QgsCoordinateReferenceSystem = source.sourceCrs()
        self._types: Dict[str, int] = {f.name(): f.type() for f in source.fields()}
        self._geometry, self._rows = geometry, int(chunk_rows)
        self._progress, self._cancelled = progress, cancelled
        self._source = source
        self._features = None  # QGIS's iterator, while iterating
        self._conn: Optional[sqlite3.Connection] = None
        self._used = False
        integers = [n for n in self.names if self._types.get(n) in _INTEGER_TYPES]
        nullable = self._open_gpkg(where[0], where[1], integers) if where is not None else None
        if nullable is None:  # (not a GeoPackage table with an integer feature id: through QGIS)
            self.total, nullable = self._look_over_features(integers)
        self._nullable: Set[str] = nullable

    # ------------------------------------------------------------------ set-up

    def _open_gpkg(self, path: str, table: str, integers: List[str]) -> Optional[Set[str]]:
        """Open the snapshot; the integer columns (of ``integers``) that hold a null (None: no feature id)."""
        self._conn = conn = connect_readonly(path)
        try:
            conn.set_progress_handler(lambda: 1 if self._cancelled() else 0, _CANCEL_STEPS)
            conn.execute("BEGIN")  # one snapshot for every chunk
            geom = conn.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (table,)
            ).fetchone()
            info = conn.execute("PRAGMA table_info({})".format(quote_name(table))).fetchall()
            fid = next((r[1] for r in info if r[5]), None)
            if fid is None:
                self.close()
                return None
            t, f = quote_name(table), quote_name(fid)
            self.total = conn.execute("SELECT count(*) FROM {}".format(t)).fetchone()[0]
            self._first = conn.execute("SELECT min({}) FROM {}".format(f, t)).fetchone()[0]
            never_null = {r[1] for r in info if r[3] or r[5]}
            maybe = [n for n in integers if n not in never_null]
            nullable: Set[str] = set()
            if maybe and self.total:
                sql = "SELECT {} FROM {}".format(", ".join("max({} IS NULL)".format(quote_name(n)) for n in maybe), t)
                nullable = {n for n, has in zip(maybe, conn.execute(sql).fetchone()) if has}
        except sqlite3.OperationalError:
            self.close()
            self._check()  # (interrupted by the progress handler)
            raise
        except BaseException:
            self.close()
            raise
        self._geom_column = geom[0] if geom is not None and self._geometry else None
        self._range_sql = "SELECT {{}} FROM {t} WHERE {f} >= ? AND {f} <= ? ORDER BY {f}".format(t=t, f=f)
        self._end_sql = "SELECT {f} FROM {t} WHERE {f} >= ? ORDER BY {f} LIMIT 1 OFFSET ?".format(t=t, f=f)
        self._last_sql = "SELECT max({f}) FROM {t}".format(t=t, f=f)

        return nullable

    def _look_over_features(self, integers: List[str]) -> Tuple[int, Set[str]]:
        """(features, the integer columns that hold a null): counted by QGIS, or by one pass when needed."""
        count = self._source.featureCount()
        if count is not None and count >= 0 and not integers:
            return count, set()
        fields = self._source.fields()
        idx = [fields.lookupField(n) for n in integers]
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes(idx)
        nullable: Set[str] = set()
        n = 0
        for n, feat in enumerate(self._source.getFeatures(request), 1):
            if n % 10000 == 0:
                self._check()
            attrs = feat.attributes()
            for name, j in zip(integers, idx):
                if name not in nullable and _from_qt(attrs[j]) is None:
                    nullable.add(name)
        return n, nullable

    # ------------------------------------------------------------------ protocol

    def __enter__(self) -> FrameChunks:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the SQLite connection or QGIS's iterator (nothing more is read)."""
        self._features = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __iter__(self) -> Iterator[Frame]:
        if self._used:
            raise RuntimeError("the chunks of a source can be read only once")
        self._used = True
        try:
            if self.total == 0:
                yield self._frame(0, [[] for _ in self.names], np.empty(0), np.empty(0))
                return
            yield from self._gpkg_chunks() if self._conn is not None else self._feature_chunks()
            self._progress(1.0)
        finally:
            self.close()

    def _frame(self, offset: int, columns: List[List[object]], x: np.ndarray, y: np.ndarray) -> Frame:
        table = feature_table(self.names, columns, self._types, len(x))
        for name in self._nullable:
            if table[name].dtype != "Int64":
                table[name] = table[name].astype("Int64")
        return Frame(table, x, y, self.crs, offset)

    def _check(self) -> None:
        if self._cancelled():
            raise Cancelled()

    # ------------------------------------------------------------------ GeoPackage, by fid ranges

    def _gpkg_chunks(self) -> Iterator[Frame]:
        conn = self._conn
        last = conn.execute(self._last_sql).fetchone()[0]
        start, offset = self._first, 0
        while offset < self.total:
            self._check()
            n = min(self._rows, self.total - offset)
            try:
                end = last if offset + n >= self.total else conn.execute(self._end_sql, (start, n - 1)).fetchone()[0]
                columns = [self._range(name, start, end) for name in self.names]
                blobs = self._range(self._geom_column, start, end) if self._geom_column else None
            except sqlite3.OperationalError:
                self._check()  # (interrupted by the progress handler)
                raise
            if blobs is not None:
                x, y = parse_point_blobs(blobs)
                del blobs
            else:
                x = np.full(n, np.nan)
                y = np.full(n, np.nan)
            self._progress(offset / self.total)
            yield self._frame(offset, columns, x, y)
            offset += n
            start = end + 1

    def _range(self, column: str, start: int, end: int) -> List[object]:
        return [r[0] for r in self._conn.execute(self._range_sql.format(quote_name(column)), (start, end))]

    # ------------------------------------------------------------------ QGIS's feature source

    def _feature_chunks(self) -> Iterator[Frame]:
        source = self._source
        idx = [source.fields().lookupField(n) for n in self.names]
        self._features = source.getFeatures(feature_request(source, self.names, self._geometry))
        offset = 0
        while True:
            self._check()
            columns, x, y = feature_columns(self._features, idx, self._geometry, self._rows, self._cancelled, _ignore)
            self._check()
            n = len(x)
            if n == 0 and offset:
                break
            self._progress(min(1.0, offset / self.total) if self.total else 0.0)
            yield self._frame(offset, columns, x, y)
            offset += n
            if n < self._rows:
                break


def _ignore(_rows: int) -> None:
    return None


def read_chunks(
    alg,
    parameters: Dict,
    name: str,
    context,
    fields: Optional[Sequence[str]] = None,
    *,
    geometry: bool = True,
    chunk_rows: int = 200_000,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> FrameChunks:
    """The source parameter ``name``'s columns ``fields`` (all when None), ``chunk_rows`` rows at a time.

    Use it as ``with read_chunks(...) as chunks: for chunk in chunks: ...``;
    see :class:`FrameChunks`.  Points come as x/y (NaN for no geometry),
    another geometry as its centroid, as in :func:`read_frame`.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    names = [f.name() for f in source.fields()] if fields is None else list(fields)
    where = bulk_gpkg_source(alg, parameters, name, context)
    return FrameChunks(source, names, geometry, chunk_rows, where, progress, cancelled)
