"""The GeoPackage write path's bulk helpers (qgis_io.vector)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from alpr_qgis.qgis_io.sqlite_rows import _datetime_text, insert_batches, insert_rows, point_blobs
from alpr_qgis.qgis_io.vector import parse_point_blobs


def test_datetime_text_is_numpys_own_formatting():
    rng = np.random.default_rng(3)
    ms = rng.integers(-2 * 10**12, 4 * 10**12, 5000)
    values = ms.astype("datetime64[ms]")
    values[::7] = np.datetime64("NaT")
    expected = values.astype(str).astype(object)
    expected[np.isnat(values)] = None
    assert _datetime_text(values) == expected.tolist()


@pytest.mark.parametrize("n", [0, 1, 499, 500, 1234, 120_001])
def test_insert_rows_stores_every_row_in_order(n):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB)")
    ids = list(range(1, n + 1))
    texts = [None if i % 5 == 0 else "v{}".format(i) for i in ids]
    reals = [i / 3 for i in ids]
    blobs = [bytes([i % 256]) * 3 for i in ids]
    seen = []
    assert insert_rows(conn, "t", ["id", "a", "b", "c"], [ids, texts, reals, blobs], progress=seen.append)
    assert conn.execute("SELECT id, a, b, c FROM t ORDER BY id").fetchall() == list(zip(ids, texts, reals, blobs))
    assert not n or seen[-1] == 1.0


def test_insert_rows_stops_when_cancelled():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    assert not insert_rows(conn, "t", ["id"], [list(range(10))], cancelled=lambda: True)
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0


def test_point_blobs_with_and_without_missing_points():
    x = np.array([1.5, np.nan, -3.25, 0.0])
    y = np.array([2.5, 1.0, 4.0, 0.0])
    blobs = point_blobs(x, y, 4326)
    assert blobs[1] is None and all(len(b) == 29 for b in blobs if b is not None)
    back_x, back_y = parse_point_blobs(blobs)
    np.testing.assert_array_equal(back_x, x)
    np.testing.assert_array_equal(back_y, [2.5, np.nan, 4.0, 0.0])
    assert point_blobs(x[[0, 2]], y[[0, 2]], 4326) == [blobs[0], blobs[2]]


def test_threaded_batches_store_everything_and_raise_the_writers_errors():
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)")
    n = 130_000
    assert insert_batches(
        conn, "t", ["id", "a"], n, lambda a, b: [list(range(a, b)), [str(i) for i in range(a, b)]], threaded=True
    )
    assert conn.execute("SELECT COUNT(*), SUM(id), MAX(a) FROM t").fetchone() == (n, n * (n - 1) // 2, "99999")
    with pytest.raises(sqlite3.IntegrityError):  # ids already taken: the second thread's error comes back
        insert_batches(conn, "t", ["id", "a"], 10, lambda a, b: [list(range(a, b)), ["x"] * (b - a)], threaded=True)


def test_rollback_journal_only_when_the_file_is_free(tmp_path):
    from alpr_qgis.qgis_io.vector import _rollback_journal

    path = str(tmp_path / "j.gpkg")
    first = sqlite3.connect(path)
    first.execute("PRAGMA journal_mode = WAL")
    first.execute("CREATE TABLE t (x)")
    first.commit()
    reader = sqlite3.connect(path)
    reader.execute("SELECT * FROM t").fetchall()
    other = sqlite3.connect(path, isolation_level=None)
    assert _rollback_journal(other) is False  # the others still hold it: left in WAL mode
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    reader.close()
    first.close()
    assert _rollback_journal(other) is True
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other.close()


def test_datetime_text_matches_numpy_for_every_year_width():
    values = np.array(
        ["2014-07-14T00:00:02.000", "1999-12-31T23:59:59.999", "2000-02-29T12:00:00.001", "NaT"],
        dtype="datetime64[ms]",
    )
    assert _datetime_text(values) == [
        "2014-07-14T00:00:02.000",
        "1999-12-31T23:59:59.999",
        "2000-02-29T12:00:00.001",
        None,
    ]
    odd = np.array(["0999-01-01T00:00:00.000", "10000-01-01T00:00:00.5", "NaT"], dtype="datetime64[ms]")
    assert _datetime_text(odd) == np.datetime_as_string(odd[:2]).tolist() + [None]  # the slower table path
    assert _datetime_text(odd[:0]) == []


def test_sql_values_of_text_columns_with_and_without_nulls():
    import pandas as pd

    from alpr_qgis.qgis_io.sqlite_rows import sql_values

    assert sql_values(pd.Series(["a", "b", "ç"], dtype=object)) == ["a", "b", "ç"]
    assert sql_values(pd.Series(["a", None, np.nan, pd.NA, pd.NaT], dtype=object)) == ["a", None, None, None, None]
    assert sql_values(pd.Series(["a", 1, 2.5], dtype=object)) == ["a", 1, 2.5]  # (not all text: kept as they are)
    assert sql_values(pd.Series([], dtype=object)) == []


def test_write_back_flushes_an_existing_file_only(tmp_path):
    from alpr_qgis.qgis_io.vector import _write_back

    path = tmp_path / "a.gpkg"
    path.write_bytes(b"x" * 4096)
    assert _write_back(str(path)) is True
    assert _write_back(str(tmp_path / "missing.gpkg")) is False
    assert path.read_bytes() == b"x" * 4096


def test_stored_rows_that_are_missing_stop_the_copy(tmp_path):
    from alpr_qgis.qgis_io.sqlite_rows import PART_TABLE

    part = tmp_path / "part.sqlite"
    with sqlite3.connect(part) as conn:
        conn.execute("CREATE TABLE {} (geom, c0)".format(PART_TABLE))
        conn.executemany(
            "INSERT INTO {} (rowid, geom, c0) VALUES (?, NULL, ?)".format(PART_TABLE), [(1, "a"), (2, "b")]
        )
    out = tmp_path / "out.sqlite"
    with sqlite3.connect(out) as conn:
        conn.execute("CREATE TABLE t (fid INTEGER PRIMARY KEY, name TEXT)")
    from alpr_qgis.qgis_io.vector import GpkgAppender

    appender = GpkgAppender.__new__(GpkgAppender)  # (the copy alone: no GeoPackage tables needed)
    appender.conn = sqlite3.connect(out, isolation_level=None)
    appender.name, appender.fid_col, appender.geom_row, appender._attached = "t", "fid", None, {}
    appender.conn.execute("BEGIN")
    assert appender._copy_stored([(str(part), 1, 2, 10, [("name", "c0", None)])], lambda f: None, lambda: False)
    assert appender.conn.execute("SELECT fid, name FROM t").fetchall() == [(10, "a"), (11, "b")]
    with pytest.raises(RuntimeError, match="2 of 3 stored rows"):
        appender._copy_stored([(str(part), 1, 3, 20, [("name", "c0", None)])], lambda f: None, lambda: False)
    assert not appender._copy_stored([(str(part), 1, 2, 30, [])], lambda f: None, lambda: True)  # cancelled
    appender.conn.execute("ROLLBACK")
    appender.conn.close()
