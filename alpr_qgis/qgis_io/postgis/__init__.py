"""PostGIS: recognise a PostGIS layer or destination, connect to its database, load reads in bulk.

The plugin loads without psycopg2; the bulk loader and bound-value queries need it
(Debian's ``python3-psycopg2``), QGIS's own connection serves the rest.
"""

from alpr_qgis.qgis_io.postgis.connection import (
    PostgisError,
    PsycopgConnection,
    QgisConnection,
    connect,
    has_psycopg2,
    libpq_parameters,
    postgis_version,
    scrub,
    table_exists,
)
from alpr_qgis.qgis_io.postgis.loader import LoadResult, ReadsCopyStream, load_reads
from alpr_qgis.qgis_io.postgis.uri import (
    PgTable,
    database_label,
    destination_table,
    is_postgis_destination,
    layer_table,
)

__all__ = [
    "LoadResult",
    "PgTable",
    "PostgisError",
    "PsycopgConnection",
    "QgisConnection",
    "ReadsCopyStream",
    "connect",
    "database_label",
    "destination_table",
    "has_psycopg2",
    "is_postgis_destination",
    "layer_table",
    "libpq_parameters",
    "load_reads",
    "postgis_version",
    "scrub",
    "table_exists",
]
