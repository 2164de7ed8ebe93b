"""Points of a GeoPackage point table a fid range at a time (``PointChunks``), decoded by numpy.

:func:`read_points` gathers its chunks; :func:`alpr_qgis.qgis_io.points.open_point_chunks`
hands them out one at a time, for consumers that keep less per point.
"""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

import numpy as np

from alpr_qgis.qgis_io.sqlite_rows import connect_readonly, quote_name
from alpr_qgis.qgis_io.vector.blobs import packed_points, parse_point_blobs

#: Rows per fid range read at once (about 0.5 MB of geometry blobs).
CHUNK = 32_768
_CACHE_KIB = 256  # SQLite page cache of the reading connection

Chunk = Tuple[np.ndarray, np.ndarray, Optional[np.ndarray]]


class PointChunks:
    """The located points of one GeoPackage point table, a fid range at a time.

    About ``chunk_rows`` (default :data:`CHUNK`) rows a range.
    ``features`` counts every row (null and empty geometries included);
    :meth:`chunks` yields (x, y, weights or None) for the rows with a point.
    Weights are read as SQLite REAL (null or text that is not a number: 0,
    as QGIS's ``toDouble()``).  Use it as a context manager: the file stays
    open, in one read transaction (one snapshot), until it is closed.
    """

    def __init__(
        self, path: str, table: str, weight_field: Optional[str] = None, chunk_rows: Optional[int] = None
    ) -> None:
        self.weight_field = weight_field
        self.chunk_rows = chunk_rows  # (None: :data:`CHUNK`, looked up when reading)
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
        step = max(1, -(-(hi - lo + 1) // -(-self.features // (self.chunk_rows or CHUNK))))
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
