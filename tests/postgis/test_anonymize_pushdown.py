"""alpr:anonymizeplates pushed down to PostGIS: the same release and audit as the file path, the key kept out of SQL text."""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import pandas as pd
import psycopg2
import pytest
from qgis import processing
from qgis.core import QgsProcessingException

from tests.postgis.pairs import destination, gpkg_frame, source
from tests.processing_fixtures import RecordingFeedback

SECRET = "p4-secret-Zq8v!3kT9mW2xR7bL5nC"
NUMBERS = ("READ_COUNT", "PLATE_COUNT", "CLEARED_COUNT", "DROPPED_FIELD_COUNT") + tuple(
    "UNIQUE_SHARE_{}".format(k) for k in (1, 2, 3, 4)
)
PARAMS = {"KEY": SECRET, "TIME_PRECISION": "hour", "LOCATION_PRECISION_M": 200}


def table_frame(pg, table: str):
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute('SELECT *, ST_X(geom), ST_Y(geom) FROM public."{}"'.format(table))
        names = [d.name for d in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=names)
    x, y = frame.pop("st_x").astype(float).to_numpy(), frame.pop("st_y").astype(float).to_numpy()
    return frame.drop(columns=["geom"]), x, y


def sorted_rows(frame: pd.DataFrame, x, y) -> pd.DataFrame:
    """Every column as text (x/y also as numbers), sorted by the text of all of them (x/y to 1e-6 degrees)."""
    out = pd.DataFrame({c: frame[c].astype(object).where(frame[c].notna(), None).astype(str) for c in frame.columns})
    out["x_key"] = pd.Series(np.round(np.asarray(x, dtype=float), 6)).astype(str)
    out["y_key"] = pd.Series(np.round(np.asarray(y, dtype=float), 6)).astype(str)
    out["x"], out["y"] = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keys = [c for c in out.columns if c not in ("x", "y")]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same_release(expected, got) -> None:
    (a, ax, ay), (b, bx, by) = expected, got
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    if "read_time" in a.columns:
        b = b.assign(read_time=pd.to_datetime(b["read_time"]))
        a = a.assign(read_time=pd.to_datetime(a["read_time"]))
    left, right = sorted_rows(a, ax, ay), sorted_rows(b, bx, by)
    for name in left.columns:
        if name in ("x", "y"):
            np.testing.assert_allclose(left[name], right[name], rtol=0, atol=1e-9, equal_nan=True)
        else:
            assert left[name].tolist() == right[name].tolist(), name


def audit_rows(path: str) -> pd.DataFrame:
    import sqlite3

    with sqlite3.connect(path.split("|")[0]) as conn:
        layer = conn.execute("SELECT table_name FROM gpkg_contents").fetchone()[0]
        frame = pd.read_sql_query('SELECT * FROM "{}" ORDER BY fid'.format(layer), conn)
    return frame.drop(columns=["fid"])


@pytest.fixture(scope="module")
def file_run(sample_pair, tmp_path_factory):
    folder = tmp_path_factory.mktemp("anon_file")
    params = dict(PARAMS, INPUT=sample_pair["gpkg"], OUTPUT=str(folder / "release.gpkg"))
    params["AUDIT"] = str(folder / "audit.gpkg")
    return processing.run("alpr:anonymizeplates", params)


def _server_setting(pg, statement: str) -> None:
    raw = psycopg2.connect(pg.dsn())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute(statement)
            cursor.execute("SELECT pg_reload_conf()")
    finally:
        raw.close()


@pytest.fixture(scope="module")
def db_run(pg, pg_cluster, sample_pair, tmp_path_factory):
    """The push-down to a table of the same database, with every statement the server ran logged."""
    folder = tmp_path_factory.mktemp("anon_db")
    _server_setting(pg, "ALTER SYSTEM SET log_statement = 'all'")
    with open(pg_cluster.log, "rb") as handle:
        start = len(handle.read())
    feedback = RecordingFeedback()
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=destination(pg, "p4_release"))
    params["AUDIT"] = str(folder / "audit.gpkg")
    try:
        result = processing.run("alpr:anonymizeplates", params, feedback=feedback)
    finally:
        _server_setting(pg, "ALTER SYSTEM RESET log_statement")
    with open(pg_cluster.log, "rb") as handle:
        log = handle.read()[start:].decode("utf-8", "replace")
    return result, feedback, log


def test_numbers_equal_the_file_path(file_run, db_run):
    result, _, _ = db_run
    for name in NUMBERS:
        assert result[name] == pytest.approx(file_run[name], abs=1e-12), name
    assert file_run["READ_COUNT"] == 62_511
    assert 0 < file_run["UNIQUE_SHARE_1"] < file_run["UNIQUE_SHARE_4"] <= 1


def test_release_made_in_the_database_equals_the_file_release(pg, file_run, db_run):
    expected = gpkg_frame(file_run["OUTPUT"].split("|")[0])[:3]
    got = table_frame(pg, "p4_release")
    assert_same_release(expected, got)
    assert len(expected[0]["plate_id"].dropna().iloc[0]) == 64


def test_audit_equals_the_file_audit(file_run, db_run):
    result, _, _ = db_run
    pd.testing.assert_frame_equal(audit_rows(file_run["AUDIT"]), audit_rows(result["AUDIT"]))


def test_ids_are_hmac_sha256_of_the_normalised_plate(pg, db_run):
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT plate FROM public.sample_reads WHERE plate ~ '^[A-Z0-9]+$' ORDER BY read_id LIMIT 1")
        plate = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM public.p4_release WHERE plate_id = %s", (_hmac(plate),))
        assert cursor.fetchone()[0] >= 1


def _hmac(plate: str) -> str:
    return hmac.new(SECRET.encode(), plate.encode(), hashlib.sha256).hexdigest()


def test_the_key_is_in_no_message_output_or_server_log(pg, db_run):
    result, feedback, log = db_run
    assert "alpr_anon_plates" in log  # (the server did log the run's statements)
    hexed = SECRET.encode().hex()
    for text in (feedback.text(), log, str(result)):
        assert SECRET not in text and hexed not in text.lower()
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.p4_release AS r WHERE strpos(r::text, %s) > 0", (SECRET,))
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'p4_release'")
        columns = {row[0] for row in cursor.fetchall()}
    assert "plate" not in columns and "read_id" not in columns and "plate_id" in columns


def test_gpkg_destination_from_postgis_equals_the_file_release(sample_pair, file_run, tmp_path):
    feedback = RecordingFeedback()
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=str(tmp_path / "release.gpkg"))
    result = processing.run("alpr:anonymizeplates", params, feedback=feedback)
    for name in NUMBERS:
        assert result[name] == pytest.approx(file_run[name], abs=1e-12), name
    expected = gpkg_frame(file_run["OUTPUT"].split("|")[0])[:3]
    assert_same_release(expected, gpkg_frame(result["OUTPUT"].split("|")[0])[:3])
    assert "Worked in the database" in feedback.text()
    assert SECRET not in feedback.text()


def test_table_without_the_plate_field_is_a_clear_error(pg, sample_pair):
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS public.p4_anon_noplate")
        cursor.execute(
            "CREATE TABLE public.p4_anon_noplate AS SELECT read_id, read_time, geom FROM public.sample_reads"
        )
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:anonymizeplates",
            dict(PARAMS, INPUT=source(pg, "p4_anon_noplate"), OUTPUT=destination(pg, "p4_anon_noplate_out")),
        )
    message = str(caught.value)
    assert re.search(r"plate", message) and "PLATE_FIELD" in message
    assert SECRET not in message and pg.host not in message


def test_rows_fetched_are_the_plates_and_the_audit_trails(pg, db_run):
    """What came back: the distinct plates, the kept fields' distinct values, the audit's distinct trail points."""
    _, feedback, _ = db_run
    found = re.search(r"Worked in the database \(.*\): (\d+) rows came back", feedback.text())
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT plate) FROM public.sample_reads")
        plates = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM (SELECT DISTINCT plate, date_trunc('hour', read_time),"
            " floor(ST_X(ST_Transform(geom, 32610)) / 200), floor(ST_Y(ST_Transform(geom, 32610)) / 200)"
            " FROM public.sample_reads WHERE geom IS NOT NULL AND read_time IS NOT NULL AND plate <> '') AS t"
        )
        trails = cursor.fetchone()[0]
        cursor.execute("SELECT count(DISTINCT device) + count(DISTINCT state) FROM public.sample_reads")
        values = cursor.fetchone()[0]
    assert plates + trails <= int(found.group(1)) <= plates + trails + values + 10


KEEP = {"KEEP_FIELDS": ["ID", "Location", "ImageFile"], "TIME_PRECISION": "minute", "LOCATION_PRECISION_M": 100}


@pytest.fixture(scope="module")
def cleaned_pair(pg, sample_pair, tmp_path_factory):
    """The cleaned sample (booleans is_government, is_duplicate) as a GeoPackage and as a PostGIS table."""
    from tests.postgis.pairs import gpkg_to_postgis

    folder = tmp_path_factory.mktemp("anon_cleaned")
    out = processing.run(
        "alpr:cleanreads", {"INPUT": sample_pair["gpkg"], "OUTPUT": str(folder / "clean.gpkg"), "DEDUP_SECONDS": 60}
    )["OUTPUT"]
    return {"gpkg": out, "pg": gpkg_to_postgis(pg, out.split("|")[0], "p4_cleaned_reads")}


@pytest.mark.parametrize("method", ["hmac", "drop"])
def test_kept_fields_scrubbed_as_the_file_path_scrubs_them(pg, cleaned_pair, tmp_path, method):
    params = dict(KEEP, KEY=SECRET, METHOD=method)
    on_file = processing.run(
        "alpr:anonymizeplates", dict(params, INPUT=cleaned_pair["gpkg"], OUTPUT=str(tmp_path / "release.gpkg"))
    )
    table = "p4_release_kept_" + method
    on_db = processing.run(
        "alpr:anonymizeplates",
        dict(params, INPUT=cleaned_pair["pg"], OUTPUT=destination(pg, table), AUDIT=str(tmp_path / "audit.gpkg")),
    )
    for name in NUMBERS:
        assert on_db[name] == pytest.approx(on_file[name], abs=1e-12), name
    assert on_file["CLEARED_COUNT"] > on_file["READ_COUNT"]  # (every ImageFile and Location, some IDs)
    expected = gpkg_frame(on_file["OUTPUT"].split("|")[0])[:3]
    assert_same_release(expected, table_frame(pg, table))
    assert ("plate_id" in expected[0].columns) == (method != "drop")


def test_missing_pgcrypto_is_a_clear_error(pg, pg_cluster, tmp_path):
    """A role that may not create pgcrypto, in a database without it: the error names the database, not the key."""
    from qgis.core import QgsDataSourceUri

    pg_cluster.create_database("p4_nocrypto", postgis=False)
    pg_cluster.psql(
        "CREATE EXTENSION postgis; CREATE ROLE p4_plain LOGIN;"
        " CREATE TABLE reads AS SELECT g::bigint AS read_id, 'ABC' || g AS plate,"
        " timestamp '2014-07-14 10:00' + g * interval '1 minute' AS read_time,"
        " ST_SetSRID(ST_MakePoint(-122.2 + g * 0.001, 37.8), 4326)::geometry(Point, 4326) AS geom"
        " FROM generate_series(1, 20) AS g; GRANT SELECT ON reads TO p4_plain;",
        dbname="p4_nocrypto",
    )
    uri = QgsDataSourceUri()
    uri.setConnection(pg.host, str(pg.port), "p4_nocrypto", "p4_plain", "")
    uri.setDataSource("public", "reads", "geom")
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:anonymizeplates",
            dict(PARAMS, INPUT="postgres://" + uri.uri(False), OUTPUT=str(tmp_path / "release.gpkg")),
        )
    message = str(caught.value)
    assert "pgcrypto is not available" in message and "p4_nocrypto" in message
    assert SECRET not in message and pg.host not in message
    assert not (tmp_path / "release.gpkg").exists()


def test_token_ids_are_one_random_token_per_plate(pg, sample_pair, file_run):
    result = processing.run(
        "alpr:anonymizeplates",
        {"INPUT": sample_pair["pg"], "METHOD": "token", "OUTPUT": destination(pg, "p4_release_token")},
    )
    assert result["PLATE_COUNT"] == file_run["PLATE_COUNT"]
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT plate_id), min(length(plate_id)), max(length(plate_id)), count(plate_id)"
            " FROM public.p4_release_token"
        )
        assert cursor.fetchone() == (result["PLATE_COUNT"], 22, 22, result["READ_COUNT"] - _empty_plates(cursor))


def _empty_plates(cursor) -> int:
    cursor.execute(
        "SELECT count(*) FROM public.sample_reads WHERE coalesce(regexp_replace(plate, '[\\s.-]', '', 'g'), '') = ''"
    )
    return cursor.fetchone()[0]


def test_without_the_temporary_copy_of_the_reads_as_on_citus(pg, sample_pair, file_run, tmp_path, monkeypatch):
    """On Citus every statement reads the distributed table itself: the same release and audit."""
    import alpr_qgis.qgis_io.postgis.anonymize as anonymize

    monkeypatch.setattr(anonymize, "on_citus", lambda pg: True)
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=destination(pg, "p4_release_citus"))
    result = processing.run("alpr:anonymizeplates", dict(params, AUDIT=str(tmp_path / "audit.gpkg")))
    for name in NUMBERS:
        assert result[name] == pytest.approx(file_run[name], abs=1e-12), name
    expected = gpkg_frame(file_run["OUTPUT"].split("|")[0])[:3]
    assert_same_release(expected, table_frame(pg, "p4_release_citus"))
    pd.testing.assert_frame_equal(audit_rows(file_run["AUDIT"]), audit_rows(result["AUDIT"]))
