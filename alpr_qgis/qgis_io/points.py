"""Points of a GeoPackage layer, chunk by chunk: for algorithms that never need all of them at once.

:func:`alpr_qgis.qgis_io.vector.read_points` returns every point as two
float64 arrays (16 bytes a point); :class:`PointChunks` hands the same
points out a fid range at a time (about :data:`CHUNK` rows), so a consumer
that keeps less per point (the heatmap keeps 6 bytes) holds less.  It
reads a whole GeoPackage point layer with SQLite, in one read transaction
(``read_points`` gathers its chunks): each range as one ``group_concat`` blob decoded by
numpy, or row by row when the range holds other kinds of blobs (empty
points, envelopes, Z) or when weights are asked for.  Any other source
(memory layers, selections, filters, other formats) is not read here:
:func:`open_point_chunks` returns None and the caller falls back to
``read_points``.
"""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Tuple

import numpy as np

from alpr_qgis.qgis_io.sqlite_rows import connect_readonly
from alpr_qgis.qgis_io.vector import bulk_gpkg_source, packed_points, parse_point_blobs, quote_name

#: Rows per fid range read at once (about 0.5 MB of geometry blobs).
CHUNK = 32_768
_CACHE_KIB = 256  # SQLite page cache of the reading connection

Chunk = Tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]


class PointChunks:
    """The located points of one GeoPackage point table, a fid range at a time.

    ``features`` counts every row (null and empty geometries included);
    :meth:`chunks` yields (x, y, weights or None) for the rows with a point.
    Weights are read as SQLite REAL (null or text that is not a number: 0,
    as QGIS's ``toDouble()``).  Use it as a context manager: the file stays
    open, in one read transaction (one snapshot), until it is closed.
    """

    def __init__(self, path: str, table: str, weight_field: Optional[str] = None) -> None:
        self.weight_field = weight_field
        self._conn = connect_readonly(path)
        try:
            self._conn.execute("PRAGMA cache_size = -{}".format(_CACHE_KIB))  # one pass in fid order: little cache
            self._conn.execute("BEGIN")  # one snapshot
            geom = self._conn.execute(
                "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (table,)
            ).fetchone()
            if geom is None:
                raise ValueError("{} has no geometry column".format(table))
            fid = next(r[1] for r in self._conn.execute("PRAGMA table_info({})".format(quote_name(table))) if r[5])
            t, g, f = quote_name(table), quote_name(geom[0]), quote_name(fid)
            # (three queries: alone, each is a b-tree count or one end of the b-tree; together, a full scan)
            self.features = self._conn.execute("SELECT count(*) FROM {t}".format(t=t)).fetchone()[0]
            self._lo = self._conn.execute("SELECT min({f}) FROM {t}".format(f=f, t=t)).fetchone()[0]
            self._hi = self._conn.execute("SELECT max({f}) FROM {t}".format(f=f, t=t)).fetchone()[0]
        except BaseException:
            self._conn.close()
            raise
        where = "{f} >= ? AND {f} < ? AND {g} IS NOT NULL".format(f=f, g=g)
        self._packed_sql = "SELECT CAST(group_concat({g}, X'') AS BLOB) FROM {t} WHERE {w}".format(g=g, t=t, w=where)
        self._rows_sql = "SELECT {g}{wf} FROM {t} WHERE {w}".format(
            g=g,
            t=t,
            w=where,
            wf=", coalesce(CAST({} AS REAL), 0.0)".format(quote_name(weight_field)) if weight_field else "",
        )

    def __enter__(self) -> PointChunks:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def chunks(self, progress=lambda f: None) -> Iterator[Chunk]:
        """(x, y, weights or None) of each fid range's located points, in fid order; progress in [0, 1]."""
        if not self.features:
            return
        lo, hi = self._lo, self._hi
        step = max(1, -(-(hi - lo + 1) // -(-self.features // CHUNK)))
        for start in range(lo, hi + 1, step):
            decoded = None
            if not self.weight_field:
                packed = self._conn.execute(self._packed_sql, (start, start + step)).fetchone()[0]
                decoded = packed_points(packed or b"")
                del packed
            if decoded is not None:
                x, y = decoded
                w = None
            else:
                rows = self._conn.execute(self._rows_sql, (start, start + step)).fetchall()
                x, y = parse_point_blobs([r[0] for r in rows])
                w = np.fromiter((r[1] for r in rows), dtype=float, count=len(rows)) if self.weight_field else None
                del rows
                located = np.isfinite(x) & np.isfinite(y)
                if not located.all():
                    x, y = x[located], y[located]
                    w = w[located] if w is not None else None
            progress(min(1.0, (start + step - lo) / (hi - lo + 1)))
            yield x, y, w


def open_point_chunks(
    alg, parameters: Dict, name: str, context, weight_field: Optional[str] = None
) -> Optional[PointChunks]:
    """Chunks of the source parameter ``name`` when it is a whole GeoPackage point layer; None otherwise."""
    where = bulk_gpkg_source(alg, parameters, name, context)
    if where is None:
        return None
    try:
        return PointChunks(where[0], where[1], weight_field)
    except (ValueError, StopIteration):
        return None  # no geometry column or no primary key: the caller reads the layer through QGIS


def release_freed_memory() -> None:
    """Nothing (kept while ``algorithms/heatmap.py`` still calls it; remove those calls, then this).

    It used to hand the C heap's free pages back with glibc's
    ``malloc_trim`` through ``ctypes``; measured on the heatmap bench (1M
    points, 10 m and 4 m pixels) the peak resident memory is the same
    without it, so the private call went.
    """
