"""The same reads as a GeoPackage and as a PostGIS table, so that push-down results can be compared with the file path's.

:func:`gpkg_to_postgis` copies a GeoPackage layer (every column but ``fid``,
``read_time`` as ``timestamp without time zone``, the points as
``geometry(Point, srid)``) into a table of the test cluster with the
plugin's COPY loader, and returns the ``postgres://`` source string QGIS
and ``processing.run`` take.
"""

from __future__ import annotations

import sqlite3

import pandas as pd
from qgis.core import QgsDataSourceUri

from alpr_qgis.qgis_io.postgis import PgTable, connect, load_reads
from alpr_qgis.qgis_io.vector.blobs import parse_point_blobs


def table_uri(pg, table: str, schema: str = "public", geometry: str = "geom") -> QgsDataSourceUri:
    uri = QgsDataSourceUri()
    uri.setConnection(pg.host, str(pg.port), pg.dbname, pg.user, "")
    uri.setDataSource(schema, table, geometry)
    return uri


def source(pg, table: str, schema: str = "public", geometry: str = "geom") -> str:
    """The ``postgres://`` string of a table in the test cluster (what Processing takes as an input)."""
    return "postgres://" + table_uri(pg, table, schema, geometry).uri(False)


def destination(pg, table: str, schema: str = "public", geometry: str = "geom") -> str:
    """The ``postgis:`` destination string of a table in the test cluster."""
    return "postgis:" + table_uri(pg, table, schema, geometry).uri(False)


def gpkg_frame(path: str, layer: str = None):
    """(frame of the attributes without ``fid``, x, y, srs id) of a GeoPackage point layer."""
    with sqlite3.connect(path) as conn:
        if layer is None:
            layer = conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        geom, srs = conn.execute(
            "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
        ).fetchone()
        frame = pd.read_sql_query('SELECT * FROM "{}" ORDER BY fid'.format(layer.replace('"', '""')), conn)
    blobs = frame.pop(geom).tolist()
    frame = frame.drop(columns=["fid"])
    x, y = parse_point_blobs(blobs)
    if "read_time" in frame.columns:
        frame["read_time"] = pd.to_datetime(frame["read_time"], format="%Y-%m-%dT%H:%M:%S.%f")
    return frame, x, y, int(srs)


def gpkg_to_postgis(pg, path: str, table: str, layer: str = None) -> str:
    """Copy a GeoPackage point layer into ``public.<table>`` (replacing it); its ``postgres://`` source."""
    frame, x, y, srs = gpkg_frame(path, layer)
    uri = table_uri(pg, table)
    with connect(uri, driver="psycopg2") as connection:
        load_reads(connection, PgTable(uri, "public", table, "geom"), frame, x, y, srid=srs)
    return source(pg, table)
