"""Row outputs to a PostGIS destination: alpr:loadreads by COPY (issue 16, point 1), and every FrameStream/write_frame.

Against the real throw-away cluster (tests/postgis/conftest.py): the sample
week loaded to PostGIS equals its GeoPackage load row for row; the tables are
typed and indexed as the SPEC says; a hostile table name injects nothing; a
cancel or a failure leaves the table there before intact; an unreachable
database is a clear error without the password or the socket path.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg2
import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterFeatureSink,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)

from tests.helpers import export_csv, export_rows
from tests.postgis.pairs import destination, gpkg_frame, table_uri

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "alpr_reads.csv.gz"


@pytest.fixture(scope="module")
def db(pg):
    raw = psycopg2.connect(pg.dsn())
    raw.autocommit = True
    yield raw
    raw.close()


def query(db, sql, params=None):
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def exists(db, table, schema="public") -> bool:
    return bool(query(db, "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s", (schema, table)))


def tables(db) -> set:
    return {r[0] for r in query(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def run_load(params, feedback=None):
    return processing.run("alpr:loadreads", params, feedback=feedback)


class CancelAt(QgsProcessingFeedback):
    """Cancels once the progress passes ``at`` percent (of the whole run)."""

    def __init__(self, at: float) -> None:
        super().__init__()
        self.at = at
        self.progressChanged.connect(self._look)

    def _look(self, value: float) -> None:
        if value >= self.at and not self.isCanceled():
            self.cancel()


@pytest.fixture(scope="module")
def loaded_pg(pg, sample_loaded):
    from tests.processing_fixtures import RecordingFeedback

    feedback = RecordingFeedback()
    params = {
        "INPUT": str(SAMPLE),
        "OUTPUT": destination(pg, "ld_reads"),
        "REJECTED": destination(pg, "ld_rejected"),
    }
    return run_load(params, feedback), feedback


def pg_reads(db, table: str) -> pd.DataFrame:
    rows = query(
        db,
        'SELECT *, ST_X(geom) AS x, ST_Y(geom) AS y FROM public."{}" ORDER BY read_id'.format(table.replace('"', '""')),
    )
    with db.cursor() as cursor:
        cursor.execute('SELECT * FROM public."{}" LIMIT 0'.format(table.replace('"', '""')))
        names = [d[0] for d in cursor.description]
    return pd.DataFrame(rows, columns=names + ["x", "y"]).drop(columns=["geom"])


def assert_same_reads(db, table: str, gpkg_path: str) -> None:
    """The PostGIS table holds exactly the GeoPackage's reads: every column, every point (exact doubles)."""
    frame, x, y, srs = gpkg_frame(gpkg_path)
    back = pg_reads(db, table)
    assert srs == 4326 and len(back) == len(frame)
    assert list(back.columns[:-2]) == list(frame.columns)
    for column in frame.columns:
        if column == "read_time":
            assert back[column].tolist() == [t.to_pydatetime() for t in frame[column]]
        else:
            expected = [None if pd.isna(v) else v for v in frame[column].tolist()]
            assert [None if pd.isna(v) else v for v in back[column].tolist()] == expected, column
    located = np.isfinite(x)
    assert back["x"].isna().to_numpy().tolist() == (~located).tolist()
    assert np.array_equal(back["x"].to_numpy(float)[located], x[located])
    assert np.array_equal(back["y"].to_numpy(float)[located], y[located])


def test_sample_counts_equal_the_geopackage_load(loaded_pg, sample_loaded):
    result, _ = loaded_pg
    for key in ("READ_COUNT", "REJECTED_COUNT", "MISSING_LOCATION_COUNT", "PLATES_HASHED", "TIMEZONE"):
        assert result[key] == sample_loaded[key], key
    assert result["READ_COUNT"] == 62_511


def test_sample_rows_equal_the_geopackage_load(db, loaded_pg, sample_loaded):
    assert_same_reads(db, "ld_reads", sample_loaded["OUTPUT"])
    ((count, ids, located, sx, sy),) = query(
        db, "SELECT count(*), sum(read_id), count(geom), sum(ST_X(geom)), sum(ST_Y(geom)) FROM public.ld_reads"
    )
    frame, x, y, _ = gpkg_frame(sample_loaded["OUTPUT"])
    assert (count, ids, located) == (62_511, int(frame["read_id"].sum()), int(np.isfinite(x).sum()))
    assert sx == pytest.approx(np.nansum(x), rel=1e-12) and sy == pytest.approx(np.nansum(y), rel=1e-12)
    # read_id in file order, physically too (one COPY after another)
    assert [r[0] for r in query(db, "SELECT read_id FROM public.ld_reads LIMIT 3")] == [1, 2, 3]


def test_sample_table_types_and_indexes(db, loaded_pg):
    types = dict(
        query(
            db,
            "SELECT column_name, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END"
            " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'ld_reads'",
        )
    )
    assert types["read_id"] == "bigint" and types["plate"] == "text" and types["device"] == "text"
    assert types["read_time"] == "timestamp without time zone" and types["geom"] == "geometry"
    assert query(db, "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'ld_reads'") == [("POINT", 4326)]
    indexes = [r[0] for r in query(db, "SELECT indexdef FROM pg_indexes WHERE tablename = 'ld_reads'")]
    assert any("USING gist (geom)" in d for d in indexes)
    for column in ("plate", "device", "read_time"):
        assert any("USING btree ({})".format(column) in d for d in indexes), column
    assert query(
        db,
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = 'public.ld_reads'::regclass AND i.indisprimary",
    ) == [("read_id",)]
    assert query(db, "SELECT reltuples FROM pg_class WHERE relname = 'ld_reads'") == [(62_511,)]  # analysed


def gpkg_rows(path: str):
    """(column names without fid, rows in fid order) of a GeoPackage's table."""
    with sqlite3.connect(path.split("|")[0]) as conn:
        layer = conn.execute("SELECT table_name FROM gpkg_contents WHERE table_name != 'layer_styles'").fetchone()[0]
        names = [r[1] for r in conn.execute('PRAGMA table_info("{}")'.format(layer)) if r[1] != "fid"]
        rows = conn.execute('SELECT {} FROM "{}" ORDER BY fid'.format(", ".join(names), layer)).fetchall()
    return names, rows


def test_rejected_records_table_equals_the_geopackage(db, pg, tmp_path):
    src = export_csv(tmp_path, rows=export_rows(240) + ["9999,BROKEN,ROW"])
    files = run_load({"INPUT": src, "OUTPUT": str(tmp_path / "r.gpkg"), "REJECTED": str(tmp_path / "x.gpkg")})
    result = run_load({"INPUT": src, "OUTPUT": destination(pg, "ld_small"), "REJECTED": destination(pg, "ld_rej")})
    for key in ("READ_COUNT", "REJECTED_COUNT", "MISSING_LOCATION_COUNT"):
        assert result[key] == files[key], key
    names, expected = gpkg_rows(files["REJECTED"])
    assert names[:3] == ["read_id", "line_number", "reason"] and len(expected) == result["REJECTED_COUNT"] > 5
    back = query(db, "SELECT {} FROM public.ld_rej ORDER BY read_id".format(", ".join(names)))
    assert back == sorted(expected)
    reasons = {"too_few_fields", "too_many_fields", "unterminated_quote", "bad_timestamp", "missing_timestamp"}
    assert len({r[2] for r in back}) > 1 and {r[2] for r in back} <= reasons
    assert query(db, "SELECT count(*) FROM geometry_columns WHERE f_table_name = 'ld_rej'") == [(0,)]
    assert_same_reads(db, "ld_small", files["OUTPUT"])


def test_sample_result_is_the_loaded_table_and_logs_no_secret(pg, loaded_pg):
    result, feedback = loaded_pg
    assert result["OUTPUT"].startswith("postgres://")
    uri = QgsDataSourceUri(result["OUTPUT"][len("postgres://") :])
    assert (uri.schema(), uri.table(), uri.geometryColumn()) == ("public", "ld_reads", "geom")
    layer = QgsVectorLayer(result["OUTPUT"][len("postgres://") :], "reads", "postgres")
    assert layer.isValid() and layer.featureCount() == 62_511 and layer.crs().authid() == "EPSG:4326"
    rejected = QgsVectorLayer(result["REJECTED"][len("postgres://") :], "rejected", "postgres")
    assert rejected.isValid() and rejected.featureCount() == result["REJECTED_COUNT"]
    ours = [m for m in feedback.messages if not m.startswith(("Input parameters:", "Results:"))]  # QGIS's own echo
    assert ours and not [m for m in ours if pg.host in m or "alpr-pg" in m]
    said = '62511 reads copied into database "alpr" on a local socket:{}, table "public"."ld_reads"'.format(pg.port)
    assert said in feedback.text()


def test_a_file_read_in_parts_is_copied_part_by_part(db, pg, monkeypatch, sample_loaded):
    from alpr_qgis.core.reads import streaming
    from alpr_qgis.qgis_io.postgis import loader

    copies = []
    real = loader.ReadsCopyStream.append

    def append(self, frame, *args, **kwargs):
        copies.append(len(frame))
        return real(self, frame, *args, **kwargs)

    monkeypatch.setattr(loader.ReadsCopyStream, "append", append)
    monkeypatch.setattr(streaming, "STREAM_PART_BYTES", 1 << 20)
    result = run_load({"INPUT": str(SAMPLE), "OUTPUT": destination(pg, "ld_parts")})
    assert result["READ_COUNT"] == 62_511
    assert len(copies) >= 5 and sum(copies) == 62_511  # one COPY per part, as it came (no part stored aside)
    assert_same_reads(db, "ld_parts", sample_loaded["OUTPUT"])
    assert len(query(db, "SELECT 1 FROM pg_indexes WHERE tablename = 'ld_parts'")) == 5


def test_a_hostile_table_name_works_and_injects_nothing(db, pg, pg_cluster, tmp_path):
    pg_cluster.psql("CREATE TABLE IF NOT EXISTS ld_sentinel (id int); INSERT INTO ld_sentinel VALUES (1)")
    name = "ld reads\"; DROP TABLE ld_sentinel; -- ;'x"
    src = export_csv(tmp_path, rows=export_rows(120))
    result = run_load({"INPUT": src, "OUTPUT": destination(pg, name), "REJECTED": destination(pg, name + " rej")})
    assert query(db, "SELECT count(*) FROM ld_sentinel") == [(1,)]
    assert exists(db, name) and exists(db, name + " rej")
    assert query(db, 'SELECT count(*) FROM public."{}"'.format(name.replace('"', '""'))) == [(result["READ_COUNT"],)]
    layer = QgsVectorLayer(result["OUTPUT"][len("postgres://") :], "hostile", "postgres")
    assert layer.isValid() and layer.featureCount() == result["READ_COUNT"] > 100


@pytest.mark.parametrize("part_bytes", [None, 1 << 20], ids=["whole", "parts"])
@pytest.mark.parametrize("at", [30.0, 60.0])
def test_cancel_leaves_the_previous_table(db, pg, pg_cluster, monkeypatch, part_bytes, at):
    from alpr_qgis.core.reads import streaming

    if part_bytes:
        monkeypatch.setattr(streaming, "STREAM_PART_BYTES", part_bytes)
    pg_cluster.psql(
        "DROP TABLE IF EXISTS ld_cancel; CREATE TABLE ld_cancel (keep int); INSERT INTO ld_cancel VALUES (7)"
    )
    before = tables(db)
    feedback = CancelAt(at)
    result = run_load(
        {"INPUT": str(SAMPLE), "OUTPUT": destination(pg, "ld_cancel"), "REJECTED": destination(pg, "ld_cancel_rej")},
        feedback,
    )
    assert feedback.isCanceled() and "READ_COUNT" not in result
    assert query(db, "SELECT * FROM ld_cancel") == [(7,)]
    assert tables(db) == before  # no new table, no half-written one
    assert _connections_gone(db)  # closed


def _connections_gone(db, wait_s: float = 10.0) -> bool:
    """True once no session of the plugin is left on the server (a closed session's backend exits a moment later)."""
    deadline = time.monotonic() + wait_s
    while query(db, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'alpr_qgis'"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_cancel_during_the_index_builds_is_honoured(db, pg, pg_cluster):
    from alpr_qgis.qgis_io.postgis import ReadsCopyStream, connect
    from alpr_qgis.qgis_io.postgis.uri import PgTable

    pg_cluster.psql("DROP TABLE IF EXISTS ld_slow")
    uri = table_uri(pg, "ld_slow")
    frame = pd.DataFrame({"read_id": np.arange(1, 201, dtype=np.int64), "plate": ["P"] * 200})
    x = np.linspace(-122.3, -122.2, 200)
    stream_cancelled = []
    with connect(uri) as conn:
        stream = ReadsCopyStream(conn, PgTable(uri, "public", "ld_slow", "geom"))
        assert stream.append(frame, x, x * 0 + 37.8)
        # A slow statement stands for a long index build: the watcher cancels it on the server.
        real = stream._cursor.execute
        started = []

        def slow(statement, params=None):
            if statement.startswith("CREATE INDEX") and not started:
                started.append(dt.datetime.now())
                return real("SELECT pg_sleep(30)")
            return real(statement, params)

        stream._cursor = _CursorProxy(stream._cursor, slow)
        result = stream.finish(cancelled=lambda: bool(started) and not stream_cancelled.append(1))
        assert result is None
        waited = (dt.datetime.now() - started[0]).total_seconds()
        assert waited < 10
        assert conn.execute("SELECT 1") == [(1,)]
    assert not exists(db, "ld_slow")


class _CursorProxy:
    def __init__(self, cursor, execute):
        self._cursor, self.execute = cursor, execute

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def test_unreachable_database_is_a_clear_error_without_secrets(pg, tmp_path):
    uri = table_uri(pg, "ld_nowhere")
    uri.setPassword("s3cret-Pa55")
    uri.setConnection(pg.host, str(pg.port + 1), pg.dbname, pg.user, "s3cret-Pa55")
    uri.setDataSource("public", "ld_nowhere", "geom")
    src = export_csv(tmp_path, rows=export_rows(30))
    from tests.processing_fixtures import RecordingFeedback

    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException) as caught:
        run_load({"INPUT": src, "OUTPUT": "postgis:" + uri.uri(False)}, feedback)
    ours = [m for m in feedback.messages if not m.startswith(("Input parameters:", "Results:"))]  # QGIS's own echo
    text = str(caught.value) + "\n".join(ours)
    assert "Could not connect to database" in text and '"alpr"' in text
    assert "s3cret" not in text and pg.host not in text and ".s.PGSQL" not in text


# ------------------------------------------------------------------ any row output (write_frame, FrameStream)


class _Writer(QgsProcessingAlgorithm):
    """A bare algorithm with two sinks, to call write_frame and FrameStream as the algorithms do."""

    def name(self):
        return "writer"

    def createInstance(self):
        return _Writer()

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", "Cells"))
        self.addParameter(QgsProcessingParameterFeatureSink("OTHER", "Other", optional=True))

    def processAlgorithm(self, parameters, context, feedback):
        return {}


def _writer():
    alg = _Writer()
    alg.initAlgorithm()
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    return alg, context


def _squares(n: int):
    from shapely.geometry import MultiPolygon, box

    shapes = [MultiPolygon([box(500_000 + 100 * i, 4_180_000, 500_100 + 100 * i, 4_180_100)]) for i in range(n)]
    return [s.wkb for s in shapes]


def test_write_frame_polygons_to_postgis_in_bulk(db, pg):
    from alpr_qgis.qgis_io.vector import write_frame

    alg, context = _writer()
    table = pd.DataFrame(
        {
            "cell_id": np.arange(50, dtype=np.int64),
            "reads": np.arange(50, dtype=np.int64) * 3,
            "gi_z": np.linspace(-2.5, 2.5, 50),
            "label": ["cell {}".format(i) if i % 7 else None for i in range(50)],
        }
    )
    wkb = _squares(50)
    wkb[3] = None
    crs = QgsCoordinateReferenceSystem("EPSG:32610")
    dest, rows = write_frame(
        alg,
        {"OUTPUT": destination(pg, "ld_cells")},
        "OUTPUT",
        context,
        table,
        wkb=wkb,
        wkb_type=QgsWkbTypes.MultiPolygon,
        crs=crs,
    )
    assert rows == 50 and dest.startswith("postgres://")
    assert query(db, "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'ld_cells'") == [
        ("MULTIPOLYGON", 32610)
    ]
    back = query(db, "SELECT cell_id, reads, gi_z, label, ST_AsBinary(geom) FROM public.ld_cells ORDER BY cell_id")
    assert [r[:4] for r in back] == [
        (int(a), int(b), float(c), d) for a, b, c, d in table.itertuples(index=False, name=None)
    ]
    assert [None if r[4] is None else bytes(r[4]) for r in back] == wkb
    assert any(
        "USING gist (geom)" in r[0] for r in query(db, "SELECT indexdef FROM pg_indexes WHERE tablename = 'ld_cells'")
    )
    layer = QgsVectorLayer(dest[len("postgres://") :], "cells", "postgres")
    assert layer.isValid() and layer.featureCount() == 50 and layer.crs().authid() == "EPSG:32610"


def test_write_frame_without_geometry_and_with_repeated_ids(db, pg):
    from alpr_qgis.qgis_io.vector import write_frame

    alg, context = _writer()
    table = pd.DataFrame({"read_id": [1, 1, 2], "site": ["a", "b", "a"], "when": pd.to_datetime(["2014-07-14"] * 3)})
    dest, rows = write_frame(alg, {"OUTPUT": destination(pg, "ld_plain")}, "OUTPUT", context, table)
    assert rows == 3
    assert query(db, 'SELECT read_id, site, "when" FROM public.ld_plain ORDER BY read_id, site') == [
        (1, "a", dt.datetime(2014, 7, 14)),
        (1, "b", dt.datetime(2014, 7, 14)),
        (2, "a", dt.datetime(2014, 7, 14)),
    ]
    assert not query(
        db, "SELECT 1 FROM pg_index WHERE indrelid = 'public.ld_plain'::regclass AND indisprimary"
    )  # read_id repeats: no key, and no failure
    assert QgsVectorLayer(dest[len("postgres://") :], "plain", "postgres").featureCount() == 3


def test_frame_stream_to_postgis_copies_each_frame_in_one_transaction(db, pg, pg_cluster):
    from alpr_qgis.qgis_io.vector import FrameStream

    alg, context = _writer()
    pg_cluster.psql(
        "DROP TABLE IF EXISTS ld_stream; CREATE TABLE ld_stream (keep int); INSERT INTO ld_stream VALUES (1)"
    )
    stream = FrameStream(
        alg, {"OUTPUT": destination(pg, "ld_stream")}, "OUTPUT", context, QgsCoordinateReferenceSystem("EPSG:4326")
    )
    first = pd.DataFrame({"read_id": [1, 2], "speed": [np.nan, np.nan], "note": [None, None]})
    second = pd.DataFrame({"read_id": [3, 4], "speed": [12.0, 3.0], "note": ["x", None]})
    third = pd.DataFrame({"read_id": [5], "speed": pd.array([4], dtype="Int64"), "note": [None]})
    xs = np.array([-122.3, np.nan])
    assert stream.append(first, xs, np.array([37.8, np.nan]))
    # Nothing seen before finish (the catalogue: the old table itself is locked by the open transaction).
    assert query(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'ld_stream'") == [("keep",)]
    assert stream.append(second, np.array([-122.2, -122.1]), np.array([37.7, 37.6]))
    assert stream.append(third, np.array([-122.0]), np.array([37.5]), last=True)
    dest, rows = stream.finish()
    assert rows == 5 and dest.startswith("postgres://")
    assert query(db, "SELECT read_id, speed, note, ST_X(geom) FROM ld_stream ORDER BY read_id") == [
        (1, None, None, -122.3),
        (2, None, None, None),
        (3, 12.0, "x", -122.2),
        (4, 3.0, None, -122.1),
        (5, 4.0, None, -122.0),
    ]
    # forget: the table there before comes back untouched
    pg_cluster.psql("DROP TABLE ld_stream; CREATE TABLE ld_stream (keep int); INSERT INTO ld_stream VALUES (2)")
    stream = FrameStream(alg, {"OUTPUT": destination(pg, "ld_stream")}, "OUTPUT", context, None)
    assert stream.append(first, xs, np.array([37.8, np.nan]))
    stream.forget()
    assert query(db, "SELECT * FROM ld_stream") == [(2,)]
