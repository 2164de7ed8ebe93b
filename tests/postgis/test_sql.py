"""alpr_qgis.core.sql without a database: identifiers, table layout, COPY text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core import sql
from alpr_qgis.core.errors import AlprInputError, Cancelled


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("plate", '"plate"'),
        ("Read Time", '"Read Time"'),
        ('reads"; DROP TABLE x; --', '"reads""; DROP TABLE x; --"'),
        ('""', '""""""'),
        ("été", '"été"'),
    ],
)
def test_quote_ident(name, quoted):
    assert sql.quote_ident(name) == quoted


@pytest.mark.parametrize(
    ("name", "match"), [("", "empty"), ("a\x00b", "NUL"), ("x" * 64, "63 bytes"), ("é" * 32, "63")]
)
def test_quote_ident_refuses(name, match):
    with pytest.raises(AlprInputError, match=match):
        sql.quote_ident(name)


def test_reads_table_layout():
    frame = pd.DataFrame(
        {
            "read_id": np.array([1, 2], dtype=np.int64),
            "plate": ["A", "B"],
            "read_time": pd.to_datetime(["2014-07-14 08:01:02", None]),
            "n": pd.array([1, None], dtype="Int64"),
            "f": [1.5, np.nan],
            "ok": [True, False],
        }
    )
    layout = sql.reads_table(frame, "reads", "public")
    assert layout.create_sql() == (
        'CREATE TABLE "public"."reads" ("read_id" bigint, "plate" text,'
        ' "read_time" timestamp without time zone, "n" bigint, "f" double precision, "ok" boolean,'
        ' "geom" geometry(Point,4326))'
    )
    assert (
        layout.copy_sql()
        == 'COPY "public"."reads" ("read_id", "plate", "read_time", "n", "f", "ok", "geom") FROM STDIN WITH (FREEZE)'
    )
    assert layout.index_sql() == [
        'ALTER TABLE "public"."reads" ADD PRIMARY KEY ("read_id")',
        'CREATE INDEX ON "public"."reads" USING gist ("geom")',
        'CREATE INDEX ON "public"."reads" ("plate")',
        'CREATE INDEX ON "public"."reads" ("read_time")',
    ]
    with pytest.raises(AlprInputError, match="geometry column"):
        sql.reads_table(frame.assign(geom=1), "reads")
    with pytest.raises(AlprInputError, match="time-zone-aware"):
        sql.reads_table(frame.assign(read_time=frame["read_time"].dt.tz_localize("UTC")), "reads")


def test_copy_text_escapes_nulls_and_points():
    frame = pd.DataFrame(
        {
            "read_id": np.array([7, 8, 9], dtype=np.int64),
            "note": ["tab\there", None, "back\\slash\nnew\rline"],
            "read_time": pd.to_datetime(["2014-07-14 08:01:02.25", "2014-07-20 23:59:59", None]),
            "n": pd.array([1, None, -3], dtype="Int64"),
            "f": [0.1, np.nan, -2.0],
            "ok": [True, False, True],
            "empty": ["", None, "x"],
        }
    )
    x = np.array([-122.27, np.nan, 0.0])
    y = np.array([37.8, 37.8, 0.0])
    text = b"".join(sql.copy_chunks(frame, x, y, chunk_rows=2)).decode()
    rows = [line.split("\t") for line in text.splitlines()]
    assert rows[0][:7] == ["7", "tab\\there", "2014-07-14 08:01:02.250000", "1", "0.1", "t", ""]
    assert rows[1][:7] == ["8", "\\N", "2014-07-20 23:59:59", "\\N", "\\N", "f", "\\N"]
    assert rows[2][:7] == ["9", "back\\\\slash\\nnew\\rline", "\\N", "-3", "-2.0", "t", "x"]
    assert rows[1][7] == "\\N"  # no coordinates: NULL geometry
    point = bytes.fromhex(rows[0][7])
    assert point[:9] == bytes.fromhex("0101000020E6100000")  # little endian, Point with SRID, 4326
    assert np.frombuffer(point[9:], "<f8").tolist() == [-122.27, 37.8]
    assert np.frombuffer(bytes.fromhex(rows[2][7])[9:], "<f8").tolist() == [0.0, 0.0]  # null island kept as given


def test_copy_text_refuses_nul_naming_row_not_value():
    frame = pd.DataFrame({"read_id": np.arange(1, 6) * 10, "plate": ["A", "B", "C", "SECRET\x00", "E"]})
    chunks = sql.copy_chunks(frame, np.zeros(5), np.zeros(5), chunk_rows=2, row_numbers=frame["read_id"].to_numpy())
    assert next(chunks)  # the first chunk is fine
    with pytest.raises(AlprInputError) as caught:
        list(chunks)
    assert "row 40" in str(caught.value) and 'field "plate"' in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_copy_chunks_cancel():
    frame = pd.DataFrame({"read_id": np.arange(1, 11)})
    calls = iter([False, True])
    chunks = sql.copy_chunks(frame, np.zeros(10), np.zeros(10), chunk_rows=5, cancelled=lambda: next(calls))
    next(chunks)
    with pytest.raises(Cancelled):
        next(chunks)
