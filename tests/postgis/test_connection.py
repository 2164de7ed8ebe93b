"""Connections to PostGIS: recognising URIs, both drivers, credentials, and errors that keep secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest
from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsVectorLayer

from alpr_qgis.qgis_io.postgis import (
    PostgisError,
    connect,
    destination_table,
    layer_table,
    libpq_parameters,
    postgis_version,
    scrub,
    table_exists,
)

PASSWORD = "s3cret-Pa55 word"


def uri_for(pg, dbname=None, port=None, host=None, password=PASSWORD) -> QgsDataSourceUri:
    uri = QgsDataSourceUri()
    uri.setConnection(host or pg.host, str(port or pg.port), dbname or pg.dbname, pg.user, password)
    return uri


@pytest.mark.parametrize("prefix", ["postgis:", "postgres://", "postgres:", "POSTGIS:"])
def test_destination_strings(prefix):
    text = prefix + "dbname='alpr' host=db.example port=5433 user='u' password='pw' table=\"field\".\"reads\" (pt)"
    table = destination_table(text)
    assert (table.schema, table.table, table.geometry) == ("field", "reads", "pt")
    assert table.uri.password() == "pw"  # kept for connecting...
    assert table.label() == 'database "alpr" on db.example:5433, table "field"."reads"'  # ...never shown


def test_destination_defaults_and_non_postgis():
    table = destination_table("postgis:dbname='alpr' host=/tmp/sock port=5432 table=\"reads\"")
    assert (table.schema, table.table, table.geometry) == ("public", "reads", "geom")
    assert table.label() == 'database "alpr" on a local socket:5432, table "public"."reads"'  # no local path
    for other in ("reads.gpkg", "ogr:dbname='x.gpkg' table=\"r\" (geom)", "memory:", "TEMPORARY_OUTPUT", "", None):
        assert destination_table(other) is None
    assert destination_table("postgis:dbname='alpr' host=db") is None  # no table


def test_layer_table_other_providers(qgis_app):
    assert layer_table(QgsVectorLayer("Point?crs=EPSG:4326", "m", "memory")) is None
    assert layer_table(None) is None


def test_scrub():
    uri = QgsDataSourceUri("dbname='a' host=/tmp/alpr-pg-x port=5432 user='u' password='p@ss'")
    text = "connection to server on socket \"/tmp/alpr-pg-x/.s.PGSQL.5432\" failed: p@ss password=p@ss password='x y'"
    cleaned = scrub(text, uri)
    assert "p@ss" not in cleaned and "/tmp" not in cleaned and "x y" not in cleaned
    assert "a local socket" in cleaned and "failed" in cleaned


@pytest.mark.parametrize("driver", ["psycopg2", "qgis"])
def test_both_drivers_answer(pg, driver, qgis_app):
    with connect(uri_for(pg), driver=driver) as conn:
        assert conn.driver == driver
        assert postgis_version(conn).startswith("3.")
        assert conn.execute("SELECT 40 + 2, 'x'") == [(42, "x")]
        assert table_exists(conn, "public", "spatial_ref_sys")
        assert not table_exists(conn, "public", 'nope"; DROP TABLE spatial_ref_sys; --')
        assert table_exists(conn, "public", "spatial_ref_sys")


def test_qgis_driver_binds_no_values(pg, qgis_app):
    with connect(uri_for(pg), driver="qgis") as conn, pytest.raises(PostgisError, match="psycopg2"):
        conn.execute("SELECT %s", (1,))


def test_psycopg2_binds_values(pg):
    with connect(uri_for(pg), driver="psycopg2") as conn:
        hostile = "'; DROP TABLE spatial_ref_sys; --"
        assert conn.execute("SELECT %s::text, %s::int", (hostile, 3)) == [(hostile, 3)]
        assert conn.execute("SELECT count(*) > 0 FROM spatial_ref_sys") == [(True,)]


@pytest.mark.parametrize("driver", ["psycopg2", "qgis"])
def test_unreachable_database_names_it_without_secrets(pg, driver, qgis_app):
    for uri in (uri_for(pg, port=pg.port + 1), uri_for(pg, host="127.0.0.1", port=1)):
        with pytest.raises(PostgisError) as caught:
            connect(uri, driver=driver)
        message = str(caught.value)
        assert 'database "alpr"' in message and "Could not connect" in message
        assert PASSWORD not in message and "s3cret" not in message
        assert pg.host not in message  # the socket directory is a local path


@pytest.mark.parametrize("driver", ["psycopg2", "qgis"])
def test_database_without_postgis(pg, pg_cluster, driver, qgis_app):
    with connect(uri_for(pg), driver="psycopg2") as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'plain'"):
            pg_cluster.create_database("plain", postgis=False)
    with pytest.raises(PostgisError) as caught:
        connect(uri_for(pg, dbname="plain"), driver=driver)
    message = str(caught.value)
    assert 'database "plain"' in message and "has no PostGIS extension" in message and "CREATE EXTENSION" in message
    assert PASSWORD not in message and pg.host not in message
    with connect(uri_for(pg, dbname="plain"), driver=driver, require_postgis=False) as conn:
        assert conn.execute("SELECT 1") == [(1,)]


def test_credentials_from_authcfg(pg, qgis_app):
    manager = QgsApplication.authManager()
    assert manager.setMasterPassword("master password for tests", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("alpr postgis")
    config.setConfig("username", pg.user)
    config.setConfig("password", PASSWORD)
    stored = manager.storeAuthenticationConfig(config)
    config = stored[1] if isinstance(stored, tuple) else config
    uri = QgsDataSourceUri()
    uri.setConnection(pg.host, str(pg.port), pg.dbname, "", "", QgsDataSourceUri.SslPrefer, config.id())
    params = libpq_parameters(uri)
    assert (params["user"], params["password"], params["dbname"]) == (pg.user, PASSWORD, pg.dbname)
    assert uri.password() == ""  # the caller's URI is not filled in
    with connect(uri) as conn:
        assert conn.execute("SELECT current_user") == [(pg.user,)]
    bad = QgsDataSourceUri(uri.uri(False))
    bad.setAuthConfigId("nosuch1")
    with pytest.raises(PostgisError, match="authentication configuration nosuch1"):
        libpq_parameters(bad)


def test_plugin_loads_without_psycopg2():
    code = (
        "import sys; sys.modules['psycopg2'] = None\n"
        "import alpr_qgis.qgis_io.postgis as p, alpr_qgis.provider\n"
        "assert not p.has_psycopg2()\n"
        "from qgis.core import QgsDataSourceUri\n"
        "try:\n"
        "    p.PsycopgConnection(QgsDataSourceUri(''))\n"
        "except p.PostgisError as e:\n"
        "    assert 'psycopg2' in str(e)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
