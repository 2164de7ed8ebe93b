"""Reads that live in PostGIS: find them behind an algorithm's input, check their columns, query them in place.

:func:`postgis_reads` looks behind a source parameter: a layer of QGIS's
``postgres`` provider on a plain table (no SQL subset, no selection, no
unsaved edits — those are read through QGIS as any layer) gives a
:class:`PgReads`, through which an algorithm runs its aggregates in that
database.  Every row that comes back is counted (:attr:`PgReads.fetched`):
the push-down's evidence, logged at the end and checked by the tests.

:func:`pg_destination` says whether an output is a PostGIS table, and
:func:`table_result` gives what an algorithm returns for a table it made in
the database (the form QGIS's Processing reads back as a layer).

Push-down needs psycopg2 (bound values, server-side cursors); without it
the algorithm reads the rows through QGIS as before, and says so.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from qgis.core import QgsProcessingFeatureSourceDefinition, QgsProcessingOutputLayerDefinition
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, Cancelled
from alpr_qgis.core.sql import finite, qualified, quote_ident
from alpr_qgis.qgis_io.postgis.connection import PostgisError, columns, connect, has_psycopg2, libpq_parameters
from alpr_qgis.qgis_io.postgis.uri import PgTable, destination_table, layer_table

#: Rows per FETCH from a server-side cursor.
FETCH_ROWS = 50_000

_cursor_names = itertools.count(1)


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlprAlgorithm", text)


class PgReads:
    """A reads table in PostGIS, open for queries: its connection, columns, geometry column and SRID.

    Use as a context manager (the connection is closed at the end).
    Names go into SQL through :meth:`ident` / :attr:`relation` (quoted);
    values through ``%s`` parameters (bound).
    """

    def __init__(self, table: PgTable, connection, layer_name: str) -> None:
        self.table = table
        self.connection = connection
        self.layer_name = layer_name
        self.fetched = 0  # rows that came back to this process
        self.columns: Dict[str, str] = dict(columns(connection, table.schema, table.table))
        if not self.columns:
            connection.close()
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "{table} does not exist or has no columns"), args={"table": self.label}
            )
        self.geometry, self.srid = self._geometry_column()

    @property
    def label(self) -> str:
        """The table named for messages: database, server and table, never a password or a socket path."""
        return self.table.label()

    @property
    def relation(self) -> str:
        """The quoted ``"schema"."table"`` for SQL text."""
        return qualified(self.table.schema, self.table.table)

    def ident(self, column: str) -> str:
        """A column of the table, quoted for SQL text."""
        return quote_ident(column)

    def has(self, column: Optional[str]) -> bool:
        return bool(column) and column in self.columns

    def require(self, column: str, parameter: str) -> str:
        """``column`` quoted, or a clear error naming the table, the parameter and the field when it is missing."""
        if column not in self.columns:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "{table} has no field {field} (parameter {parameter})"),
                args={"table": self.label, "field": '"{}"'.format(column), "parameter": parameter},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the field that holds it, or load the reads again."),
            )
        return quote_ident(column)

    def geom(self) -> str:
        """The geometry column, quoted; a clear error when the table has none."""
        if self.geometry is None:
            raise PostgisError(
                QT_TRANSLATE_NOOP("alpr_core", "{table} has no geometry column"),
                args={"table": self.label},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Load the reads with alpr:loadreads, which makes one."),
            )
        return quote_ident(self.geometry)

    def _geometry_column(self):
        rows = self.connection.execute(
            "SELECT f_geometry_column, srid FROM public.geometry_columns"
            " WHERE f_table_schema = %s AND f_table_name = %s ORDER BY f_geometry_column",
            (self.table.schema, self.table.table),
        )
        wanted = self.table.geometry
        for name, srid in rows:
            if wanted is None or name == wanted:
                return name, int(srid or 0)
        if wanted is not None and wanted in self.columns:  # a geometry column without a type modifier
            return wanted, 0
        return None, 0

    def query(self, sql: str, params: Optional[Sequence[Any]] = None) -> List[tuple]:
        """Run one statement (values bound to ``%s``); its rows, counted in :attr:`fetched`."""
        rows = self.connection.execute(sql, params)
        self.fetched += len(rows)
        return rows

    def stream(
        self,
        sql: str,
        params: Optional[Sequence[Any]] = None,
        *,
        chunk_rows: int = FETCH_ROWS,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Iterator[List[tuple]]:
        """The rows of ``sql`` in lists of up to ``chunk_rows`` (a server-side cursor), counted in :attr:`fetched`.

        Raises ``Cancelled`` between chunks once ``cancelled()`` says so.
        """
        conn = self.connection
        raw = conn.raw
        was_autocommit = raw.autocommit
        raw.autocommit = False  # (a named cursor lives in a transaction)
        cursor = raw.cursor(name="alpr_stream_{}".format(next(_cursor_names)))
        cursor.itersize = chunk_rows
        try:
            cursor.execute(sql, params)
            while True:
                if cancelled():
                    raise Cancelled()
                rows = cursor.fetchmany(chunk_rows)
                if not rows:
                    break
                self.fetched += len(rows)
                yield rows
        except conn.module.Error as error:
            raise conn.error(error) from None
        finally:
            with contextlib.suppress(conn.module.Error):
                cursor.close()
            conn.rollback()  # (read only: nothing to keep)
            if not raw.closed:
                raw.autocommit = was_autocommit

    def crs(self):
        """The geometry column's CRS (``EPSG:<srid>``; invalid when the column has no SRID)."""
        from qgis.core import QgsCoordinateReferenceSystem

        return (
            QgsCoordinateReferenceSystem("EPSG:{}".format(self.srid)) if self.srid else QgsCoordinateReferenceSystem()
        )

    def metric_crs(self):
        """The CRS the file path works in for these reads (``crs.working_crs``), from ONE aggregate row.

        The same sample as the file path (every k-th located read in file
        order — ``read_id`` order here — up to ``crs._SAMPLE``), its median
        longitude and latitude taken in the database (``percentile_cont(0.5)``:
        the mean of the middle two, as ``numpy.median``), leaving out points
        at 0,0 unless there is nothing else.
        """
        from alpr_qgis.qgis_io.crs import _SAMPLE, is_metric, utm_crs

        crs = self.crs()
        if is_metric(crs):
            return crs
        g = self.geom()
        degrees = g if not crs.isValid() or self.srid == 4326 else "ST_Transform({}, 4326)".format(g)
        order = self.ident("read_id") if self.has("read_id") else "ctid"
        located = "{g} IS NOT NULL AND NOT ST_IsEmpty({g})".format(g=g)
        n = int(self.query("SELECT count(*) FROM {} WHERE {}".format(self.relation, located))[0][0])
        step = n // _SAMPLE + 1 if n > _SAMPLE else 1
        usable = finite("lon", "lat")
        good = usable + " AND (lon <> 0 OR lat <> 0)"
        median = "percentile_cont(0.5) WITHIN GROUP (ORDER BY {}) FILTER (WHERE {})"
        sample = (
            "(SELECT ST_X({d}) AS lon, ST_Y({d}) AS lat FROM {r} WHERE {w})".format(
                d=degrees, r=self.relation, w=located
            )
            if step == 1
            else "(SELECT lon, lat FROM (SELECT ST_X({d}) AS lon, ST_Y({d}) AS lat, row_number() OVER (ORDER BY {o}) - 1"
            " AS i FROM {r} WHERE {w}) AS numbered WHERE i % {s} = 0)".format(
                d=degrees, o=order, r=self.relation, w=located, s=int(step)
            )
        )
        row = self.query(
            "SELECT {}, {}, count(*) FILTER (WHERE {}), {}, {}, count(*) FILTER (WHERE {}) FROM {} AS located".format(
                median.format("lon", good),
                median.format("lat", good),
                good,
                median.format("lon", usable),
                median.format("lat", usable),
                usable,
                sample,
            )
        )[0]
        if row[2]:
            return utm_crs(float(row[0]), float(row[1]))
        if row[5]:
            return utm_crs(float(row[3]), float(row[4]))
        return utm_crs(0.0, 0.0)

    def same_database(self, other: Optional[PgTable]) -> bool:
        """Whether ``other`` is a table reached through the same server, database and user."""
        if other is None:
            return False
        mine, theirs = libpq_parameters(self.table.uri), libpq_parameters(other.uri)
        keys = ("host", "port", "dbname", "user", "service")
        return all(str(mine.get(k) or "") == str(theirs.get(k) or "") for k in keys)

    def log_fetched(self, feedback) -> None:
        """Say how many rows the database sent back (the evidence that the work was done there)."""
        feedback.pushInfo(
            _tr("Worked in the database ({}): {} rows came back to QGIS.").format(self.label, self.fetched)
        )

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> PgReads:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _source_value(parameters: Dict, name: str):
    value = parameters.get(name)
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        return value
    return None


def postgis_reads(alg, parameters: Dict, name: str, context, feedback) -> Optional[PgReads]:
    """A :class:`PgReads` for the source parameter ``name`` when it is a plain PostGIS table, else None.

    None (the rows are then read through QGIS) for any other provider, a
    layer with a subset (SQL filter), a selection asked for ("selected
    features only"), a feature limit or filter, unsaved edits, or when
    psycopg2 is missing (said in the log).  A database that cannot be
    reached, or has no PostGIS, is a clear error naming it.
    """
    definition = _source_value(parameters, name)
    if definition is not None:
        limited = getattr(definition, "featureLimit", -1)
        expression = getattr(definition, "filterExpression", "")
        if definition.selectedFeaturesOnly or (limited is not None and limited >= 0) or expression:
            return None
    layer = alg.parameterAsVectorLayer(parameters, name, context)
    if layer is None or layer.providerType() != "postgres":
        return None
    if layer.isEditable() and layer.isModified():
        return None
    table = layer_table(layer)
    if table is None or layer.subsetString():
        return None
    if not has_psycopg2():
        feedback.pushInfo(
            _tr("python3-psycopg2 is not installed: the reads are read through QGIS instead of in the database.")
        )
        return None
    connection = connect(table.uri)
    return PgReads(table, connection, layer.name())


def pg_destination(parameters: Dict, name: str, context) -> Optional[PgTable]:
    """The PostGIS table the output ``name`` writes (``postgis:``/``postgres://`` destination), else None."""
    value = parameters.get(name)
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink.valueAsString(context.expressionContext())[0]
    if not isinstance(value, str) or not value:
        return None
    return destination_table(value)


def table_result(parameters: Dict, name: str, context, table: PgTable, display: str) -> str:
    """What an algorithm returns for the table it made in the database; loaded on completion when asked.

    The value is the ``postgres://`` form QGIS's Processing reads back as a
    layer (a model's next step, or the caller's ``mapLayerFromString``).
    """
    from qgis.core import QgsDataSourceUri, QgsProcessingContext

    uri = QgsDataSourceUri(table.uri.uri(False))
    uri.setDataSource(table.schema, table.table, table.geometry or "", "", uri.keyColumn())
    value = "postgres://" + uri.uri(False)
    definition = parameters.get(name)
    if isinstance(definition, QgsProcessingOutputLayerDefinition) and definition.destinationProject is not None:
        details = QgsProcessingContext.LayerDetails(display, definition.destinationProject, name)
        context.addLayerToLoadOnCompletion(value, details)
    return value
