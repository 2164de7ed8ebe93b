"""Recognising PostGIS layers and destinations, and naming them safely.

A PostGIS table reaches the plugin as a vector layer of the ``postgres``
provider, or as a destination string: ``postgis:<uri>``, ``postgres://<uri>``
or ``postgres:<uri>`` where ``<uri>`` is QGIS's own connection string
(``dbname='alpr' host=... port=5432 user='u' table="public"."reads" (geom)``).
:class:`PgTable` keeps the parsed :class:`QgsDataSourceUri` — credentials
included — and :meth:`PgTable.label` names it for messages: database, host,
port, schema and table, never the user's password, nor a socket directory
(a local path).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsDataSourceUri

#: Destination prefixes QGIS's Processing accepts for a PostGIS table (longest first).
DESTINATION_PREFIXES = ("postgres://", "postgis:", "postgres:")

#: The geometry column made when a destination names none.
DEFAULT_GEOMETRY = "geom"


@dataclass(frozen=True)
class PgTable:
    """A table in a PostgreSQL database: its connection (``uri``), schema, table and geometry column."""

    uri: QgsDataSourceUri
    schema: str
    table: str
    geometry: Optional[str]

    def label(self) -> str:
        """``database "alpr" on db.example:5432, table "public"."reads"`` — safe for messages and logs."""
        return "{}, table {}".format(database_label(self.uri), _quoted(self.schema) + "." + _quoted(self.table))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def database_label(uri: QgsDataSourceUri) -> str:
    """Name a connection for humans: database and server, never the password nor a local socket path."""
    if uri.service():
        where = "service {}".format(_quoted(uri.service()))
    else:
        host = uri.host()
        if not host or host.startswith("/") or host.startswith("@"):
            where = "a local socket"
        else:
            where = host
        if uri.port():
            where += ":{}".format(uri.port())
    name = uri.database() or "(default)"
    return "database {} on {}".format(_quoted(name), where)


def _table(uri: QgsDataSourceUri, default_geometry: Optional[str]) -> Optional[PgTable]:
    if not uri.table():
        return None
    geometry = uri.geometryColumn() or default_geometry
    return PgTable(uri=uri, schema=uri.schema() or "public", table=uri.table(), geometry=geometry)


def layer_table(layer) -> Optional[PgTable]:
    """The PostGIS table behind ``layer`` (a ``QgsVectorLayer``), or None for any other provider.

    A layer built on an SQL query (``table=(SELECT ...)``) has no table and gives None.
    """
    if layer is None or layer.providerType() != "postgres":
        return None
    uri = QgsDataSourceUri(layer.source())
    if uri.sql() or uri.table().lstrip().startswith("("):
        return None
    return _table(uri, None)


def is_postgis_destination(text: str) -> bool:
    """Whether a Processing destination string writes a PostGIS table."""
    return destination_table(text) is not None


def destination_table(text: Optional[str]) -> Optional[PgTable]:
    """The table a ``postgis:``/``postgres://``/``postgres:`` destination writes, else None.

    A destination without a geometry column in parentheses gets ``geom``
    (QGIS itself would silently make a table without geometry).
    """
    text = (text or "").strip()
    for prefix in DESTINATION_PREFIXES:
        if text.lower().startswith(prefix):
            return _table(QgsDataSourceUri(text[len(prefix) :]), DEFAULT_GEOMETRY)
    return None
