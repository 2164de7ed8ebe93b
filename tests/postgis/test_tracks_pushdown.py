"""alpr:devicetracks on a PostGIS table: the tracks made in the database equal the file path's.

The sample week is read twice, as a GeoPackage (file path) and as the same
rows in PostGIS (push-down); the counts, every track's attributes and its
vertices, and the fixed cameras must agree.  Small hand-made tables check
the glitch, gap, speed and fixed-camera rules, the same-database
destination (made in the database, typed, indexed) and bad input.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime, timedelta

import pandas as pd
import psycopg2
import pytest
from qgis import processing
from qgis.core import QgsProcessingException

from alpr_qgis.qgis_io.postgis import PgTable, connect, load_reads
from tests.postgis.pairs import destination, gpkg_frame, source, table_uri
from tests.processing_fixtures import RecordingFeedback

COUNTS = (
    "TRACK_COUNT",
    "DEVICE_COUNT",
    "SINGLE_READ_COUNT",
    "GLITCH_COUNT",
    "MISSING_LOCATION_COUNT",
    "MISSING_TIME_COUNT",
    "MISSING_DEVICE_COUNT",
    "FIXED_CAMERA_COUNT",
    "MOBILE_DEVICE_COUNT",
    "FIXED_READ_COUNT",
)
ATTRIBUTES = ("device", "start_time", "end_time", "read_count", "duration_min", "start_reason")


def _lines(path: str, layer: str = None):
    """(attributes sorted by device and start, vertices per track) of a GeoPackage line layer."""
    with sqlite3.connect(path) as conn:
        if layer is None:
            layer = conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        geom = conn.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)).fetchone()
        frame = pd.read_sql_query('SELECT * FROM "{}" ORDER BY fid'.format(layer), conn)
    blobs = frame.pop(geom[0]).tolist()
    frame["vertices"] = [_vertices(b) for b in blobs]
    return frame.sort_values(["device", "start_time"]).reset_index(drop=True)


def _vertices(blob: bytes):
    """The (x, y) vertices of a GeoPackage LineString blob (standard header, little-endian WKB)."""
    import struct

    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    wkb = blob[8 + envelope :]
    order = "<" if wkb[0] == 1 else ">"
    (count,) = struct.unpack(order + "I", wkb[5:9])
    values = struct.unpack(order + "{}d".format(2 * count), wkb[9 : 9 + 16 * count])
    return list(zip(values[0::2], values[1::2]))


def _run(reads: str, out_dir, name: str, feedback=None, **extra):
    parameters = {"INPUT": reads, "OUTPUT": str(out_dir / (name + ".gpkg"))}
    parameters["FIXED_CAMERAS"] = str(out_dir / (name + "_fixed.gpkg"))
    parameters.update(extra)
    return processing.run("alpr:devicetracks", parameters, feedback=feedback)


def _assert_same_tracks(file_path: str, pushed: str) -> None:
    a, b = _lines(file_path), _lines(pushed)
    assert len(a) == len(b)
    for column in ATTRIBUTES + ("first_read_id", "last_read_id"):
        assert a[column].tolist() == b[column].tolist(), column
    assert (a["length_m"] - b["length_m"]).abs().max() < 1e-6 if len(a) else True
    assert a["vertices"].tolist() == b["vertices"].tolist()
    assert sorted(a["track_id"]) == sorted(b["track_id"]) == list(range(1, len(a) + 1))
    assert a.sort_values("track_id")["device"].tolist() == b.sort_values("track_id")["device"].tolist()


def _fetched(text: str) -> int:
    line = [m for m in text.splitlines() if "Worked in the database" in m][-1]
    return int(line.split(": ")[-1].split(" rows")[0])


def test_sample_tracks_equal_the_file_path(pg, sample_pair, tmp_path, feedback):
    file_result = _run(sample_pair["gpkg"], tmp_path, "file")
    pg_result = _run(sample_pair["pg"], tmp_path, "pg", feedback=feedback)
    for key in COUNTS:
        assert pg_result[key] == file_result[key], key
    assert pg_result["TRACK_COUNT"] > 10
    _assert_same_tracks(file_result["OUTPUT"], pg_result["OUTPUT"])
    # Only per-track rows, the fixed cameras and counts come back: never a row per read.
    assert _fetched(feedback.text()) < 0.05 * 62_511
    assert "Distances and speeds measured in EPSG:326" in feedback.text()


def test_sample_without_glitch_rule_and_other_limits(sample_pair, tmp_path):
    extra = {"DROP_GLITCHES": False, "MAX_GAP_MINUTES": 7.5, "MAX_SPEED_KMH": 60.0, "FIXED_RADIUS_M": 0}
    file_result = _run(sample_pair["gpkg"], tmp_path, "file", **extra)
    pg_result = _run(sample_pair["pg"], tmp_path, "pg", **extra)
    for key in COUNTS:
        assert pg_result[key] == file_result[key], key
    assert pg_result["FIXED_CAMERA_COUNT"] == 0
    _assert_same_tracks(file_result["OUTPUT"], pg_result["OUTPUT"])


# ------------------------------------------------------------------ small hand-made tables


def _patrol() -> pd.DataFrame:
    """Two cars, a glitch, a gap, a jump too fast, a lone read, a fixed camera and reads lacking a field."""
    t0 = datetime(2024, 3, 1, 8, 0, 0)
    rows = []

    def add(device, minutes, lon, lat):
        rows.append((device, None if minutes is None else t0 + timedelta(minutes=minutes), lon, lat))

    for k in range(8):  # car A drives east, ~100 m a minute
        add("car A", k, -122.27 + 0.0012 * k, 37.80)
    add("car A", 8, 0.0, 0.0)  # a glitch at 0,0 between two reads the car links
    for k in range(9, 14):
        add("car A", k, -122.27 + 0.0012 * k, 37.80)
    for k in range(60, 64):  # after a gap of 46 minutes
        add("car A", k, -122.25 + 0.0012 * k, 37.81)
    for k in range(64, 67):  # a jump of ~10 km in a minute: a new track (speed), no way back
        add("car A", k, -122.10 + 0.0012 * k, 37.85)
    add("car B", 5, -122.26, 37.79)  # car B: a lone read, then a gap, then a track of 3
    for k in range(50, 53):
        add("car B", k, -122.26 + 0.001 * k, 37.79)
    add("car B", 52, -122.26 + 0.001 * 52.1, 37.79)  # same second as the last: ties keep the input order
    for k in range(12):  # a fixed camera: 12 reads within a few metres
        add("pole 7", 3 * k, -122.2601 + 0.00001 * (k % 3), 37.7901)
    add("car A", None, -122.27, 37.80)  # no time
    add(None, 20, -122.27, 37.80)  # no device
    add("", 21, -122.27, 37.80)  # blank device
    add("car B", 30, math.nan, math.nan)  # no location
    add("car B", 31, 10.0, 95.0)  # past the pole: cannot be projected, so no location
    add("pole 7", 90, math.nan, math.nan)  # a fixed camera's read without a location: still the camera's
    frame = pd.DataFrame(rows, columns=["device", "read_time", "lon", "lat"])
    frame.insert(0, "read_id", range(1, len(frame) + 1))
    frame["plate"] = ["P{}".format(k % 7) for k in range(len(frame))]
    return frame


def _load(pg, frame: pd.DataFrame, table: str) -> str:
    frame = frame.copy()
    x, y = frame.pop("lon").to_numpy(float), frame.pop("lat").to_numpy(float)
    uri = table_uri(pg, table)
    with connect(uri, driver="psycopg2") as connection:
        load_reads(connection, PgTable(uri, "public", table, "geom"), frame, x, y, srid=4326)
    return source(pg, table)


def test_patrol_rules_equal_the_file_path(pg, tmp_path, feedback):
    frame = _patrol()
    pushed = _load(pg, frame, "tracks_patrol")
    file_reads = _frame_to_gpkg(pg, pushed, tmp_path / "patrol.gpkg")
    file_result = _run(file_reads, tmp_path, "file")
    pg_result = _run(pushed, tmp_path, "pg", feedback=feedback)
    for key in COUNTS:
        assert pg_result[key] == file_result[key], key
    assert pg_result["GLITCH_COUNT"] == 1
    assert pg_result["FIXED_CAMERA_COUNT"] == 1 and pg_result["FIXED_READ_COUNT"] == 13
    assert pg_result["SINGLE_READ_COUNT"] == 1
    assert pg_result["MISSING_TIME_COUNT"] == 1 and pg_result["MISSING_DEVICE_COUNT"] == 2
    assert pg_result["MISSING_LOCATION_COUNT"] == 2
    assert "1 reads could not be projected to measure distances" in feedback.text()
    _assert_same_tracks(file_result["OUTPUT"], pg_result["OUTPUT"])
    tracks = _lines(pg_result["OUTPUT"])
    assert tracks["start_reason"].tolist() == ["device_start", "gap", "speed", "gap"]
    assert tracks["read_count"].tolist() == [13, 4, 3, 4]
    assert tracks.loc[0, "first_read_id"] == 1 and tracks.loc[0, "last_read_id"] == 14
    fixed_file, fixed_pg = (gpkg_frame(r["FIXED_CAMERAS"]) for r in (file_result, pg_result))
    assert fixed_pg[0]["device"].tolist() == ["pole 7"]
    for column in ("device", "read_count", "first_time", "last_time", "spread_m"):
        assert fixed_pg[0][column].tolist() == fixed_file[0][column].tolist(), column
    assert abs(fixed_pg[1][0] - fixed_file[1][0]) < 1e-9 and abs(fixed_pg[2][0] - fixed_file[2][0]) < 1e-9
    assert "1 fixed cameras (13 reads) get no track: pole 7." in feedback.text()


def _frame_to_gpkg(pg, pushed: str, path) -> str:
    """The PostGIS table's rows as a GeoPackage through QGIS (the file path's input, the same rows)."""
    return processing.run("native:savefeatures", {"INPUT": pushed, "OUTPUT": str(path)})["OUTPUT"]


def test_same_database_destination_is_made_there(pg, sample_pair, tmp_path, feedback):
    file_result = _run(sample_pair["gpkg"], tmp_path, "file")
    result = processing.run(
        "alpr:devicetracks",
        {
            "INPUT": sample_pair["pg"],
            "OUTPUT": destination(pg, "sample_tracks"),
            "FIXED_CAMERAS": destination(pg, "sample_fixed"),
        },
        feedback=feedback,
    )
    assert result["OUTPUT"].startswith("postgres://")
    assert result["TRACK_COUNT"] == file_result["TRACK_COUNT"]
    with psycopg2.connect(pg.dsn()) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_name = 'sample_tracks' AND f_geometry_column = 'geom'"
        )
        assert cur.fetchone() == ("LINESTRING", 4326)
        cur.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'sample_tracks'")
        assert any("gist" in row[0] for row in cur.fetchall())
        cur.execute(
            "SELECT track_id, device, start_time, end_time, read_count, length_m, duration_min, start_reason,"
            " first_read_id, last_read_id, ST_NPoints(geom) FROM sample_tracks ORDER BY track_id"
        )
        rows = cur.fetchall()
        cur.execute("SELECT count(*) FROM sample_fixed")
        assert cur.fetchone()[0] == file_result["FIXED_CAMERA_COUNT"]
    pushed = pd.DataFrame(
        rows,
        columns=["track_id"]
        + list(ATTRIBUTES[:4])
        + ["length_m", "duration_min", "start_reason", "first_read_id", "last_read_id", "points"],
    )
    expected = _lines(file_result["OUTPUT"]).sort_values("track_id").reset_index(drop=True)
    assert pushed["track_id"].tolist() == expected["track_id"].tolist()
    assert pushed["device"].tolist() == expected["device"].tolist()
    assert pushed["read_count"].tolist() == expected["read_count"].tolist() == pushed["points"].tolist()
    assert (pushed["length_m"] - expected["length_m"]).abs().max() < 1e-6
    assert pushed["start_reason"].tolist() == expected["start_reason"].tolist()
    assert _fetched(feedback.text()) < 0.05 * 62_511


def test_missing_field_and_geometry_are_clear_errors(pg, sample_pair, tmp_path):
    with pytest.raises(QgsProcessingException) as info:
        _run(sample_pair["pg"], tmp_path, "bad", DEVICE_FIELD="plate_x", TIME_FIELD="read_time")
    text = str(info.value)
    assert "plate_x" in text and "DEVICE_FIELD" in text and "sample_reads" in text
    assert "password" not in text.lower() and pg.host not in text


def _sql(pg, *statements: str) -> None:
    with psycopg2.connect(pg.dsn()) as conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)


def _exists(pg, table: str) -> bool:
    with psycopg2.connect(pg.dsn()) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", ('public."{}"'.format(table.replace('"', '""')),))
        return cur.fetchone()[0] is not None


def test_without_read_id_the_table_order_decides_ties(pg, tmp_path):
    _load(pg, _patrol(), "tracks_patrol_src")
    _sql(
        pg,
        "DROP TABLE IF EXISTS tracks_noid",
        "CREATE TABLE tracks_noid AS SELECT device, read_time, plate, geom FROM tracks_patrol_src ORDER BY read_id",
        "ALTER TABLE tracks_noid ADD COLUMN fid serial PRIMARY KEY",
    )
    pushed = source(pg, "tracks_noid")
    file_result = _run(_frame_to_gpkg(pg, pushed, tmp_path / "noid.gpkg"), tmp_path, "file")
    pg_result = _run(pushed, tmp_path, "pg")
    for key in COUNTS:
        assert pg_result[key] == file_result[key], key
    _assert_same_tracks(file_result["OUTPUT"], pg_result["OUTPUT"])
    assert _lines(pg_result["OUTPUT"])["first_read_id"].isna().all()
    assert pg_result["TRACK_COUNT"] == 4 and pg_result["GLITCH_COUNT"] == 1


def test_text_times_are_read_through_qgis(pg, sample_pair, tmp_path, feedback):
    _sql(
        pg,
        "DROP TABLE IF EXISTS tracks_texttime",
        "CREATE TABLE tracks_texttime AS SELECT read_id, device, to_char(read_time, 'YYYY-MM-DD HH24:MI:SS')"
        " AS read_time, geom FROM sample_reads",
        "ALTER TABLE tracks_texttime ADD PRIMARY KEY (read_id)",
    )
    file_result = _run(sample_pair["gpkg"], tmp_path, "file")
    result = _run(source(pg, "tracks_texttime"), tmp_path, "text", feedback=feedback)
    assert "read through QGIS" in feedback.text() and "Worked in the database" not in feedback.text()
    for key in COUNTS:
        assert result[key] == file_result[key], key


def test_same_database_with_an_awkward_name_and_cancel(pg, sample_pair, tmp_path):
    name = 'tracks "of"; DROP TABLE sample_reads; --'
    result = processing.run(
        "alpr:devicetracks", {"INPUT": sample_pair["pg"], "OUTPUT": destination(pg, name), "FIXED_CAMERAS": None}
    )
    assert _exists(pg, name) and _exists(pg, "sample_reads")
    with psycopg2.connect(pg.dsn()) as conn, conn.cursor() as cur:
        cur.execute('SELECT count(*), sum(read_count) FROM public."{}"'.format(name.replace('"', '""')))
        assert cur.fetchone() == (result["TRACK_COUNT"], _on_lines(result))

    class CancelAtReport(RecordingFeedback):
        def pushInfo(self, info):  # noqa: N802
            super().pushInfo(info)
            if "tracks from" in info:
                self.cancel()

    cancelling = CancelAtReport()
    result = processing.run(
        "alpr:devicetracks",
        {"INPUT": sample_pair["pg"], "OUTPUT": destination(pg, "tracks_cancelled"), "FIXED_CAMERAS": None},
        feedback=cancelling,
    )
    assert result == {} or "OUTPUT" not in result or not result["OUTPUT"]
    assert "Cancelled: nothing more was written." in cancelling.text()
    assert not _exists(pg, "tracks_cancelled")


def _on_lines(result) -> int:
    return 62_511 - sum(
        result[k]
        for k in (
            "SINGLE_READ_COUNT",
            "GLITCH_COUNT",
            "MISSING_LOCATION_COUNT",
            "MISSING_TIME_COUNT",
            "MISSING_DEVICE_COUNT",
            "FIXED_READ_COUNT",
        )
    )


def test_a_long_statement_is_cancelled_in_the_server(pg):
    import threading
    import time

    from alpr_qgis.core.errors import Cancelled
    from alpr_qgis.qgis_io.postgis.connection import cancelled_in_server

    feedback = RecordingFeedback()
    threading.Timer(0.3, feedback.cancel).start()
    started = time.monotonic()
    connection = connect(table_uri(pg, "sample_reads"), driver="psycopg2")
    with connection, pytest.raises(Cancelled), cancelled_in_server(connection, feedback.isCanceled):
        connection.execute("SELECT pg_sleep(20)")
    assert time.monotonic() - started < 10


def test_a_table_without_geometry_is_a_clear_error(pg, tmp_path):
    _sql(
        pg,
        "DROP TABLE IF EXISTS tracks_nogeom",
        "CREATE TABLE tracks_nogeom AS SELECT read_id, device, read_time FROM sample_reads LIMIT 50",
        "ALTER TABLE tracks_nogeom ADD PRIMARY KEY (read_id)",
    )
    with pytest.raises(QgsProcessingException) as info:
        _run(source(pg, "tracks_nogeom", geometry=""), tmp_path, "nogeom")
    text = str(info.value)
    assert "tracks_nogeom" in text and "has no geometry column" in text
    assert "password" not in text.lower() and pg.host not in text


def test_integer_devices_sort_by_value(pg, tmp_path):
    frame = _patrol()
    codes = {"car A": 7, "car B": 12, "pole 7": 3, "": None}
    frame["device"] = pd.array([codes.get(d) if d is not None else None for d in frame["device"]], dtype="Int64")
    pushed = _load(pg, frame, "tracks_intdev")
    file_result = _run(_frame_to_gpkg(pg, pushed, tmp_path / "intdev.gpkg"), tmp_path, "file")
    pg_result = _run(pushed, tmp_path, "pg")
    for key in COUNTS:
        assert pg_result[key] == file_result[key], key
    a, b = _lines(file_result["OUTPUT"]), _lines(pg_result["OUTPUT"])
    assert b.sort_values("track_id")["device"].tolist() == ["7", "7", "7", "12"]  # by value, as the file path
    assert a.sort_values("track_id")["device"].tolist() == b.sort_values("track_id")["device"].tolist()
    assert a["vertices"].tolist() == b["vertices"].tolist()


def test_an_empty_table_says_so(pg, tmp_path):
    _sql(
        pg,
        "DROP TABLE IF EXISTS tracks_empty",
        "CREATE TABLE tracks_empty (LIKE sample_reads INCLUDING ALL)",
    )
    with pytest.raises(QgsProcessingException, match="INPUT has no reads: the layer is empty"):
        _run(source(pg, "tracks_empty"), tmp_path, "empty")


class _StubReads:
    """Just enough of PgReads to build the statements (no database)."""

    relation = '"public"."reads"'
    srid = 4326
    columns = {"device": "text", "read_time": "timestamp without time zone", "read_id": "bigint"}

    def require(self, column, parameter):
        return '"{}"'.format(column)

    def ident(self, column):
        return '"{}"'.format(column)

    def geom(self):
        return '"geom"'

    def has(self, column):
        return column in self.columns

    def crs(self):
        from qgis.core import QgsCoordinateReferenceSystem

        return QgsCoordinateReferenceSystem("EPSG:4326")


@pytest.mark.parametrize("drop_glitches", [True, False])
def test_the_tracks_statement_stays_per_device(drop_glitches):
    """What docs/scaling.md says Citus needs: every window partitioned by the device, each CTE read once."""
    import re

    from alpr_qgis.qgis_io.postgis.tracks import _Sql, _tracks_statement

    text = _tracks_statement(_Sql(_StubReads(), "device", "read_time", 32610), drop_glitches)
    windows = re.findall(r"OVER\s*\(([^)]*)\)|WINDOW w AS \(([^)]*)\)", text)
    assert windows
    for inline, named in windows:
        assert (inline or named).strip().startswith("PARTITION BY device"), inline or named
    assert "OVER w" in text and "row_number()" not in text and "random()" not in text
    for name in re.findall(r"^(\w+) AS \(", text, flags=re.M) + ["pts"]:
        assert len(re.findall(r"\bFROM {}\b".format(name), text)) == 1, name
    assert "RECURSIVE" not in text and "MATERIALIZED" not in text
