"""The COPY loader against a real PostgreSQL 15 + PostGIS cluster (tests/postgis/conftest.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import psycopg2
import pytest
from qgis.core import QgsDataSourceUri, QgsVectorLayer, QgsWkbTypes

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.qgis_io.postgis import PgTable, PostgisError, ReadsCopyStream, connect, layer_table, load_reads

ROWS = 10_000


def table_uri(pg, table: str, schema: str = "public", geometry: str = "geom") -> QgsDataSourceUri:
    uri = QgsDataSourceUri()
    uri.setConnection(pg.host, str(pg.port), pg.dbname, pg.user, "")
    uri.setDataSource(schema, table, geometry)
    return uri


def target(pg, table: str, schema: str = "public") -> PgTable:
    return PgTable(table_uri(pg, table, schema), schema, table, "geom")


def synthetic_reads(rows: int = ROWS, seed: int = 16):
    """Reads as the loader gets them: file order, naive times, some missing devices and coordinates."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789"), dtype=object)
    plates = ["".join(rng.choice(letters, 7)) for _ in range(rows)]
    times = pd.Timestamp("2014-07-14") + pd.to_timedelta(np.sort(rng.integers(0, 7 * 86400 * 1000, rows)), unit="ms")
    devices = np.array(["PATROL 1", "PATROL 2", None], dtype=object)[rng.integers(0, 3, rows)]
    notes = np.array(['say "hi"; DROP TABLE x; --', "tab\there", "back\\slash", "two\nlines", "", None, "été"])
    frame = pd.DataFrame(
        {
            "read_id": np.arange(1, rows + 1, dtype=np.int64),
            "plate": plates,
            "read_time": times,
            "device": devices,
            "state": np.where(rng.random(rows) < 0.9, "CA", "NV").astype(object),
            "Location text": notes[rng.integers(0, len(notes), rows)].astype(object),
        }
    )
    x = rng.uniform(-122.31, -122.19, rows)
    y = rng.uniform(37.74, 37.86, rows)
    missing = rng.random(rows) < 0.02
    x[missing] = np.nan
    y[missing] = np.nan
    x[5], y[5] = 0.0, 0.0  # null island: kept as given
    return frame, x, y


@pytest.fixture(scope="module")
def db(pg):
    with psycopg2.connect(pg.dsn()) as raw:
        raw.autocommit = True
        yield raw
    raw.close()


def query(db, sql, params=None):
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def exists(db, table, schema="public") -> bool:
    return bool(query(db, "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s", (schema, table)))


@pytest.fixture(scope="module")
def loaded(pg, db):
    frame, x, y = synthetic_reads()
    shares = []
    with connect(table_uri(pg, "reads")) as conn:
        result = load_reads(conn, target(pg, "reads"), frame, x, y, chunk_rows=3000, progress=shares.append)
    assert shares == sorted(shares) and shares[-1] == pytest.approx(1.0)
    return frame, x, y, result


def test_load_round_trip_values(db, loaded):
    frame, x, y, result = loaded
    assert (result.rows, result.located) == (ROWS, int(np.isfinite(x).sum()))
    rows = query(
        db,
        'SELECT read_id, plate, read_time, device, state, "Location text", ST_X(geom), ST_Y(geom), ST_SRID(geom)'
        " FROM public.reads ORDER BY read_id",
    )
    assert len(rows) == ROWS
    back = pd.DataFrame(rows, columns=[*frame.columns, "x", "y", "srid"])
    assert back["read_id"].tolist() == list(range(1, ROWS + 1))
    for column in ("plate", "device", "state", "Location text"):
        expected = [None if v is None or v is np.nan else v for v in frame[column].tolist()]
        assert back[column].tolist() == expected, column
    assert back["read_time"].tolist() == [t.to_pydatetime() for t in frame["read_time"]]
    assert all(isinstance(t, dt.datetime) and t.tzinfo is None for t in back["read_time"])
    located = np.isfinite(x)
    assert back["x"].isna().to_numpy().tolist() == (~located).tolist()  # NULL geometry where no coordinates
    assert np.array_equal(back["x"].to_numpy(float)[located], x[located])  # exact: EWKB carries the doubles
    assert np.array_equal(back["y"].to_numpy(float)[located], y[located])
    assert set(back["srid"].dropna()) == {4326}
    assert (back.loc[5, "x"], back.loc[5, "y"]) == (0.0, 0.0)
    # Physical order is file order too (one COPY, in order).
    assert [r[0] for r in query(db, "SELECT read_id FROM public.reads LIMIT 5")] == [1, 2, 3, 4, 5]


def test_load_types_and_indexes(db, loaded):
    types = dict(
        query(
            db,
            "SELECT column_name, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END"
            " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'reads'",
        )
    )
    assert types == {
        "read_id": "bigint",
        "plate": "text",
        "read_time": "timestamp without time zone",
        "device": "text",
        "state": "text",
        "Location text": "text",
        "geom": "geometry",
    }
    assert query(db, "SELECT type, srid, coord_dimension FROM geometry_columns WHERE f_table_name = 'reads'") == [
        ("POINT", 4326, 2)
    ]
    indexes = [row[0] for row in query(db, "SELECT indexdef FROM pg_indexes WHERE tablename = 'reads'")]
    assert any("USING gist (geom)" in d for d in indexes)
    for column in ("plate", "device", "read_time"):
        assert any("USING btree ({})".format(column) in d for d in indexes), column
    assert any("UNIQUE" in d and "(read_id)" in d for d in indexes)  # the primary key
    tuples, pages, visible = query(
        db, "SELECT reltuples, relpages, relallvisible FROM pg_class WHERE relname = 'reads'"
    )[0]
    assert tuples == ROWS  # analysed
    assert visible == pages > 0  # COPY FREEZE: every page all-visible already


def test_qgis_opens_the_loaded_table(pg, loaded, qgis_app):
    layer = QgsVectorLayer(pg.qgis_uri("reads"), "r", "postgres")
    assert layer.isValid()
    assert layer.featureCount() == ROWS
    assert layer.wkbType() == QgsWkbTypes.Point and layer.crs().authid() == "EPSG:4326"
    assert [f.name() for f in layer.fields()][:3] == ["read_id", "plate", "read_time"]
    first = next(layer.getFeatures("read_id = 1"))
    frame, x, y, _ = loaded
    assert first["plate"] == frame.loc[0, "plate"]
    assert first.geometry().asPoint().x() == pytest.approx(x[0])
    found = layer_table(layer)
    assert (found.schema, found.table, found.geometry) == ("public", "reads", "geom")


def test_hostile_names_inject_nothing(pg, pg_cluster, db, qgis_app):
    pg_cluster.psql("CREATE TABLE IF NOT EXISTS x (id int); INSERT INTO x VALUES (1)")
    table = 'reads"; DROP TABLE x; --'
    column = "col\"; DROP TABLE x; -- ;'"
    frame, x, y = synthetic_reads(50)
    frame = frame.rename(columns={"Location text": column})
    frame["a b;c"] = "v"
    with connect(table_uri(pg, table)) as conn:
        load_reads(conn, target(pg, table), frame, x, y)
        assert conn.execute("SELECT count(*) FROM x") == [(1,)]  # the sentinel survives
    assert exists(db, table) and exists(db, "x")
    names = [
        r[0] for r in query(db, "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,))
    ]
    assert column in names and "a b;c" in names
    assert query(db, 'SELECT count(*) FROM public."reads""; DROP TABLE x; --"') == [(50,)]
    layer = QgsVectorLayer(table_uri(pg, table).uri(False), "hostile", "postgres")
    assert layer.isValid() and layer.featureCount() == 50


def test_failed_chunk_leaves_nothing(pg, db):
    frame, x, y = synthetic_reads(5000)
    frame.loc[3499, "plate"] = "BAD\x00PLATE"  # in the second chunk of 2,000
    with connect(table_uri(pg, "failed")) as conn:
        with pytest.raises(AlprInputError) as caught:
            load_reads(conn, target(pg, "failed"), frame, x, y, chunk_rows=2000)
        assert conn.execute("SELECT 1") == [(1,)]  # the connection is usable afterwards
    message = str(caught.value)
    assert "row 3500" in message and 'field "plate"' in message and "BAD" not in message
    assert not exists(db, "failed")


def test_server_refusal_in_chunk_two_leaves_old_table(pg, db):
    frame, x, y = synthetic_reads(3000)
    with connect(table_uri(pg, "kept")) as conn:
        load_reads(conn, target(pg, "kept"), frame.head(10), x[:10], y[:10])
        bad = frame.assign(counter=np.arange(3000, dtype=np.uint64))
        bad.loc[2500, "counter"] = 2**63  # beyond bigint: the server refuses it while copying chunk 2
        with pytest.raises(PostgisError) as caught:
            load_reads(conn, target(pg, "kept"), bad, x, y, chunk_rows=1000)
        message = str(caught.value)
        assert "row 2501" in message and 'field "counter"' in message and "NUMERIC_VALUE_OUT_OF_RANGE" in message
        assert 'table "public"."kept"' in message and str(2**63) not in message
        duplicate = frame.copy()
        duplicate.loc[2500, "read_id"] = 7
        with pytest.raises(PostgisError, match='field "read_id".*UNIQUE_VIOLATION') as caught:
            load_reads(conn, target(pg, "kept"), duplicate, x, y, chunk_rows=1000)
        assert duplicate.loc[2500, "plate"] not in str(caught.value)
    assert query(db, "SELECT count(*) FROM public.kept") == [(10,)]  # the table to replace is untouched


def test_cancel_leaves_nothing(pg, db):
    frame, x, y = synthetic_reads(3000)
    answers = iter([False, False, True] + [True] * 10)
    with connect(table_uri(pg, "cancelled")) as conn, pytest.raises(Cancelled):
        load_reads(conn, target(pg, "cancelled"), frame, x, y, chunk_rows=1000, cancelled=lambda: next(answers))
    assert not exists(db, "cancelled")


def test_existing_table_without_replace(pg):
    frame, x, y = synthetic_reads(10)
    with connect(table_uri(pg, "once")) as conn:
        load_reads(conn, target(pg, "once"), frame, x, y)
        with pytest.raises(PostgisError, match='table "public"."once" already exists'):
            load_reads(conn, target(pg, "once"), frame, x, y, replace=False)


def test_other_schema(pg, pg_cluster, db):
    pg_cluster.psql('CREATE SCHEMA "Field Data"')
    frame, x, y = synthetic_reads(20)
    with connect(table_uri(pg, "Reads 2014", "Field Data")) as conn:
        load_reads(conn, target(pg, "Reads 2014", "Field Data"), frame, x, y)
    assert query(db, 'SELECT count(*), count(geom) FROM "Field Data"."Reads 2014"') == [(20, int(np.isfinite(x).sum()))]


def test_stream_of_parts_is_one_table_in_file_order(pg, db):
    frame, x, y = synthetic_reads(2500)
    parts = [(0, 1000), (1000, 1001), (1001, 2500)]  # a one-row part too
    with connect(table_uri(pg, "parts")) as conn:
        stream = ReadsCopyStream(conn, target(pg, "parts"), chunk_rows=400)
        for start, stop in parts:
            assert stream.append(frame.iloc[start:stop], x[start:stop], y[start:stop], last=stop == 2500)
        assert not exists(db, "parts")  # nothing visible before finish: one transaction
        result = stream.finish()
    assert (result.rows, result.located) == (2500, int(np.isfinite(x).sum()))
    assert query(db, "SELECT count(*), min(read_id), max(read_id) FROM public.parts") == [(2500, 1, 2500)]
    assert [r[0] for r in query(db, "SELECT plate FROM public.parts ORDER BY read_id")] == frame["plate"].tolist()
    assert len(query(db, "SELECT 1 FROM pg_indexes WHERE tablename = 'parts'")) == 5


def test_stream_forget_bad_part_and_cancel_leave_nothing(pg, pg_cluster, db):
    frame, x, y = synthetic_reads(3000)
    pg_cluster.psql("CREATE TABLE public.streamed (keep int); INSERT INTO public.streamed VALUES (1)")
    with connect(table_uri(pg, "streamed")) as conn:
        stream = ReadsCopyStream(conn, target(pg, "streamed"))
        assert stream.append(frame.iloc[:1000], x[:1000], y[:1000])
        stream.forget()
        stream.forget()  # twice is fine
        bad = frame.iloc[1000:2000].copy()
        bad.loc[1500, "device"] = "PATROL\x00 9"
        stream = ReadsCopyStream(conn, target(pg, "streamed"))
        assert stream.append(frame.iloc[:1000], x[:1000], y[:1000])
        with pytest.raises(AlprInputError, match='row 1501, field "device"'):
            stream.append(bad, x[1000:2000], y[1000:2000])
        stream = ReadsCopyStream(conn, target(pg, "streamed"), chunk_rows=100)
        assert stream.append(frame.iloc[:1000], x[:1000], y[:1000])
        answers = iter([False, False, True] + [True] * 20)
        assert not stream.append(frame.iloc[1000:], x[1000:], y[1000:], cancelled=lambda: next(answers))
        stream = ReadsCopyStream(conn, target(pg, "streamed"))
        assert stream.append(frame.iloc[:10], x[:10], y[:10])
        with pytest.raises(ValueError, match="columns and types"):
            stream.append(frame.iloc[10:20].assign(extra=1), x[10:20], y[10:20])
        assert conn.execute("SELECT 1") == [(1,)]
    assert query(db, "SELECT * FROM public.streamed") == [(1,)]  # the table to replace survived every failure


def test_header_only_file_makes_an_empty_table(pg, db):
    frame, x, y = synthetic_reads(10)
    with connect(table_uri(pg, "empty")) as conn:
        result = load_reads(conn, target(pg, "empty"), frame.iloc[:0], x[:0], y[:0])
    assert result.rows == 0 and query(db, "SELECT count(*) FROM public.empty") == [(0,)]


# ------------------------------------------------------------------ any row output: other geometries, none, later parts


def test_ewkb_hex_of_any_wkb_is_read_back_by_postgis(pg):
    import struct

    from shapely import wkb as shapely_wkb
    from shapely.geometry import LineString, MultiPolygon, Point, box

    from alpr_qgis.core.sql import ewkb_hex

    shapes = [MultiPolygon([box(0, 0, 1, 2)]), LineString([(0, 0), (3, 4)]), Point(1.5, 2.5, 7.0)]
    values = [s.wkb for s in shapes] + [None]
    big_endian = shapely_wkb.dumps(Point(5, 6), big_endian=True)
    with_srid = shapely_wkb.dumps(Point(8, 9), srid=4326)  # an SRID already there is replaced
    values += [big_endian, with_srid]
    hexes = ewkb_hex(values, 32610)
    assert hexes[3] is None
    with connect(table_uri(pg, "unused")) as conn:
        back = [conn.execute("SELECT ST_AsEWKT(%s::geometry)", (h,))[0][0] for h in hexes if h is not None]
    assert back == [
        "SRID=32610;MULTIPOLYGON(((1 0,1 2,0 2,0 0,1 0)))",
        "SRID=32610;LINESTRING(0 0,3 4)",
        "SRID=32610;POINT(1.5 2.5 7)",
        "SRID=32610;POINT(5 6)",
        "SRID=32610;POINT(8 9)",
    ]
    with pytest.raises(ValueError, match="row 1"):
        ewkb_hex([struct.pack("<B", 7) + b"xxxx"], 4326)


def test_layout_without_geometry_and_checked_geometry_types():
    from alpr_qgis.core import sql

    frame = pd.DataFrame({"read_id": [1], "geom": ["a column of that name is fine without a geometry"]})
    layout = sql.reads_table(frame, "plain", "public", geometry_type=None)
    assert layout.create_sql() == 'CREATE TABLE "public"."plain" ("read_id" bigint, "geom" text)'
    assert layout.copy_sql() == 'COPY "public"."plain" ("read_id", "geom") FROM STDIN WITH (FREEZE)'
    assert layout.index_sql() == ['ALTER TABLE "public"."plain" ADD PRIMARY KEY ("read_id")']
    assert layout.index_sql(key=False) == []
    polygons = sql.reads_table(frame.drop(columns="geom"), "cells", "public", "shape", 32610, None, "MultiPolygonZ")
    assert (
        polygons.create_sql()
        == 'CREATE TABLE "public"."cells" ("read_id" bigint, "shape" geometry(MultiPolygonZ,32610))'
    )
    for bad in ("Point); DROP TABLE x; --", "Polygonal", ""):
        with pytest.raises(ValueError, match="geometry type"):
            sql.reads_table(frame.drop(columns="geom"), "cells", geometry_type=bad)
    text = b"".join(sql.copy_chunks(frame, None, None)).decode()
    assert text == "1\ta column of that name is fine without a geometry\n"


def test_sink_geometry_types_and_srid(qgis_app):
    from qgis.core import QgsCoordinateReferenceSystem

    from alpr_qgis.qgis_io.postgis.sink import geometry_type, srid_of

    assert geometry_type(QgsWkbTypes.MultiPolygon) == "MultiPolygon"
    assert geometry_type(QgsWkbTypes.LineStringZ) == "LineStringZ"
    assert geometry_type(QgsWkbTypes.PointZM) == "PointZM"
    assert geometry_type(QgsWkbTypes.Unknown) == geometry_type(None) == "Geometry"
    assert srid_of(QgsCoordinateReferenceSystem("EPSG:32610")) == 32610
    assert srid_of(None) == srid_of(QgsCoordinateReferenceSystem()) == 0


def test_later_parts_fitted_to_the_first_parts_types(pg, db):
    frame = pd.DataFrame(
        {"read_id": np.array([1, 2], dtype=np.int64), "n": [np.nan, np.nan], "t": [None, None], "ok": [True, False]}
    )
    with connect(table_uri(pg, "fitted")) as conn:
        stream = ReadsCopyStream(conn, target(pg, "fitted"), key_optional=True)
        assert stream.append(frame.assign(n=pd.array([5, None], dtype="Int64")), np.zeros(2), np.zeros(2))
        later = pd.DataFrame({"read_id": np.array([3], dtype=np.int64), "n": [7.0], "t": ["x"], "ok": [None]})
        assert stream.append(later, np.zeros(1), np.zeros(1))
        assert stream.append(frame.assign(read_id=[4, 5]), np.zeros(2), np.zeros(2))
        bad = later.assign(n=[7.5])
        with pytest.raises(PostgisError, match='"fitted": field "n" holds integers, then fractions'):
            stream.append(bad, np.zeros(1), np.zeros(1))
        assert not exists(db, "fitted")  # the whole load rolled back
        stream = ReadsCopyStream(conn, target(pg, "fitted"), key_optional=True)
        assert stream.append(frame.assign(n=pd.array([5, None], dtype="Int64")), np.zeros(2), np.zeros(2))
        assert stream.append(later, np.zeros(1), np.zeros(1))
        assert stream.finish() is not None
    assert query(db, "SELECT read_id, n, t, ok FROM public.fitted ORDER BY read_id") == [
        (1, 5, None, True),
        (2, None, None, False),
        (3, 7, "x", None),
    ]
