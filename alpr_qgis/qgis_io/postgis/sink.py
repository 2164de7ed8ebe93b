"""Row outputs to a PostGIS destination, in bulk: COPY in one transaction instead of QGIS's sink.

QGIS's own sink for a ``postgis:`` destination sends one prepared INSERT per
feature and builds no index.  Every row output of the plugin goes through
``FrameStream`` or ``write_frame`` (``alpr_qgis.qgis_io.vector``); for a
PostGIS destination they hand the rows here:

* :func:`postgis_output` says whether an output writes a PostGIS table this
  way (a ``postgis:``/``postgres://``/``postgres:`` destination, and
  python3-psycopg2 installed: without it QGIS's sink still works, slowly);
* :class:`PgSink` writes frames one after another (``append``), each one
  ``COPY``, inside ONE transaction that also replaces any table of that
  name; ``finish`` builds the primary key (``read_id`` when unique), a GiST
  index on the geometry and btree indexes on plate, device and read_time,
  analyses and commits; ``forget``, an error or a cancel rolls it all back,
  a table there before left as it was;
* :func:`write_table` is ``write_frame``'s whole-frame form.

Points come as x/y (``geometry(Point, srid)``); other geometries as WKB with
their QGIS type (``geometry(MultiPolygon, srid)``...); none, a table without
geometry.  The SRID is the output CRS's EPSG code.  What an algorithm then
returns for the output is the table's ``postgres://`` string
(``source.table_result``: loaded on completion when asked).  Messages name
the database and table (``PgTable.label``), never a password or a socket path.
"""

from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsWkbTypes

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sql import ewkb_hex
from alpr_qgis.qgis_io.postgis.connection import connect, has_psycopg2
from alpr_qgis.qgis_io.postgis.loader import CHUNK_ROWS, ReadsCopyStream
from alpr_qgis.qgis_io.postgis.uri import PgTable

pd = lazy_module("pandas")


def postgis_output(parameters: Dict, name: str, context) -> Optional[PgTable]:
    """The PostGIS table the output ``name`` asks for, when it can be written by COPY; else None."""
    from alpr_qgis.qgis_io.postgis.source import pg_destination

    table = pg_destination(parameters, name, context)
    if table is None or not has_psycopg2():
        return None
    return table


def srid_of(crs: Optional[QgsCoordinateReferenceSystem]) -> int:
    """The PostGIS SRID for ``crs``: its EPSG code (0 when it has none, or no CRS is given)."""
    if crs is None or not crs.isValid():
        return 0
    authid = crs.authid()
    if authid.upper().startswith("EPSG:") and authid[5:].isdigit():
        return int(authid[5:])
    srid = crs.postgisSrid()
    return int(srid) if srid and srid > 0 else 0


def geometry_type(wkb_type: Optional[int]) -> str:
    """The PostGIS type name of a QGIS WKB type (``MultiPolygon``, ``LineStringZ``; ``Geometry`` when unknown)."""
    if wkb_type is None or QgsWkbTypes.flatType(wkb_type) in (QgsWkbTypes.Unknown, QgsWkbTypes.NoGeometry):
        return "Geometry"
    name = QgsWkbTypes.displayString(QgsWkbTypes.flatType(wkb_type))
    suffix = ("Z" if QgsWkbTypes.hasZ(wkb_type) else "") + ("M" if QgsWkbTypes.hasM(wkb_type) else "")
    return name + suffix


class PgSink:
    """One row output written to a new PostGIS table: frames by COPY, in one transaction (see the module).

    ``kind``: ``Point`` (frames come with x/y), another PostGIS type (frames
    come with WKB), or None (no geometry).  The connection opens with the
    first frame and closes at ``finish``/``forget``.
    """

    def __init__(
        self,
        parameters: Dict,
        name: str,
        context,
        table: PgTable,
        crs: Optional[QgsCoordinateReferenceSystem],
        kind: Optional[str] = "Point",
        display: Optional[str] = None,
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self.parameters, self.name, self.context, self.table = parameters, name, context, table
        self.srid = srid_of(crs)
        self.kind = kind
        self.display = display or name
        self.chunk_rows = chunk_rows
        self.rows = 0
        self._connection = None
        self._stream: Optional[ReadsCopyStream] = None

    @property
    def label(self) -> str:
        """The table named for messages (database, server, table; no secrets)."""
        return self.table.label()

    def open(self) -> PgSink:
        """Connect now (a database that cannot be reached fails before any work is done)."""
        self._open()
        return self

    def _open(self) -> ReadsCopyStream:
        if self._stream is None:
            self._connection = connect(self.table.uri, driver="psycopg2", require_postgis=self.kind is not None)
            self._stream = ReadsCopyStream(
                self._connection,
                self.table,
                srid=self.srid,
                chunk_rows=self.chunk_rows,
                geometry_type=self.kind,
                key_optional=True,
            )
        return self._stream

    def append(
        self,
        frame,
        x: Optional[np.ndarray] = None,
        y: Optional[np.ndarray] = None,
        cancelled=lambda: False,
        *,
        wkb: Optional[Sequence[Optional[bytes]]] = None,
        progress=lambda _f: None,
    ) -> bool:
        """COPY ``frame``'s rows (points from x/y, or ``wkb``); False when cancelled (everything then undone)."""
        stream = self._open()
        geometry = ewkb_hex(wkb, self.srid) if wkb is not None and self.kind is not None else None
        try:
            done = stream.append(frame, x, y, cancelled, progress=progress, geometry=geometry)
        except BaseException:
            self.forget()
            raise
        if not done:
            self.forget()
            return False
        self.rows += len(frame)
        return True

    def finish(self, progress=lambda _f: None, cancelled=lambda: False) -> Optional[str]:
        """Indexes, ANALYZE, commit; the output's value (the table's ``postgres://`` string), None if cancelled."""
        from alpr_qgis.qgis_io.postgis.source import table_result

        stream = self._open()
        try:
            if stream.layout is None:  # (no frame came: an empty table of no column is no output)
                raise ValueError("PgSink.finish() before any append(): append the rows, even an empty frame")
            result = stream.finish(progress, cancelled)
        finally:
            self.close()
        if result is None:
            return None
        table = (
            self.table if self.kind is not None else PgTable(self.table.uri, self.table.schema, self.table.table, None)
        )
        return table_result(self.parameters, self.name, self.context, table, self.display)

    def forget(self) -> None:
        """Roll back everything written (a table there before stays as it was); safe to call twice."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.forget()
        self.rows = 0
        self.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def output_display(alg, parameters: Dict, name: str) -> str:
    """The name a loaded output layer gets: the one asked for in the desktop, else the output's description."""
    from qgis.core import QgsProcessingOutputLayerDefinition

    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition) and value.destinationName:
        return value.destinationName
    definition = alg.parameterDefinition(name)
    return definition.description() if definition is not None else name


def write_table(
    alg,
    parameters: Dict,
    name: str,
    context,
    table: PgTable,
    frame,
    *,
    x: Optional[np.ndarray] = None,
    y: Optional[np.ndarray] = None,
    wkb: Optional[Sequence[Optional[bytes]]] = None,
    wkb_type: Optional[int] = None,
    crs: Optional[QgsCoordinateReferenceSystem] = None,
    progress=lambda _f: None,
    cancelled=lambda: False,
) -> Tuple[str, int]:
    """``write_frame`` for a PostGIS destination: ``(the table's postgres:// string, rows)``; ``Cancelled`` if so."""
    if x is not None:
        kind: Optional[str] = "Point"
    elif wkb is not None:
        kind = geometry_type(wkb_type)
    else:
        kind = None
    sink = PgSink(parameters, name, context, table, crs, kind, output_display(alg, parameters, name))
    if not sink.append(frame, x, y, cancelled, wkb=wkb, progress=lambda share: progress(0.8 * share)):
        raise Cancelled()
    dest = sink.finish(lambda share: progress(0.8 + 0.2 * share), cancelled)
    if dest is None:
        raise Cancelled()
    return dest, len(frame)
