"""copy_out.float_rows: numbers by binary COPY, in chunks, equal to what the query gives, counted, refused when
a value is not a float8 or is null."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from alpr_qgis.qgis_io.postgis.connection import connect
from alpr_qgis.qgis_io.postgis.copy_out import float_rows
from tests.postgis.pairs import table_uri


@pytest.fixture
def reads(pg):
    """A stand-in for ``PgReads``: the connection and the fetched-rows counter ``float_rows`` uses."""
    with connect(table_uri(pg, "none"), driver="psycopg2") as connection:
        yield SimpleNamespace(connection=connection, fetched=7)


def test_rows_arrive_in_chunks_equal_to_the_query(reads):
    chunks = []
    sql = "SELECT g::float8, (g * 0.5 - %s)::float8, 'Infinity'::float8 FROM generate_series(1, %s) AS g ORDER BY g"
    count = float_rows(reads, sql, (3.25, 12_345), 3, chunks.append, chunk_rows=1_000)
    assert count == 12_345 and reads.fetched == 7 + 12_345
    assert len(chunks) >= 12 and all(len(c) <= 1_001 for c in chunks)
    got = np.concatenate(chunks)
    g = np.arange(1, 12_346, dtype=float)
    assert np.array_equal(got[:, 0], g) and np.array_equal(got[:, 1], g * 0.5 - 3.25)
    assert np.isposinf(got[:, 2]).all()


def test_no_rows(reads):
    chunks = []
    assert float_rows(reads, "SELECT 1::float8 WHERE false", None, 1, chunks.append) == 0
    assert sum(len(c) for c in chunks) == 0 and reads.fetched == 7


@pytest.mark.parametrize(
    ("sql", "columns"),
    [
        ("SELECT g::float8, NULL::float8 FROM generate_series(1, 5) AS g", 2),  # (a null)
        ("SELECT g::int FROM generate_series(1, 5) AS g", 1),  # (not a float8)
        ("SELECT g::float8 FROM generate_series(1, 5) AS g", 2),  # (fewer columns than said)
    ],
)
def test_other_values_are_refused(reads, sql, columns):
    with pytest.raises(ValueError):
        float_rows(reads, sql, None, columns, lambda _: None)
    reads.connection.rollback()
    assert reads.connection.execute("SELECT 41 + 1") == [(42,)]  # (the connection is still usable)


def test_finite_keeps_numbers_and_once_is_false(reads):
    """``core.sql.finite``: NaN, infinities and nulls fail it; ``core.sql.ONCE`` is false on every row."""
    from alpr_qgis.core.sql import ONCE, finite

    rows = reads.connection.execute(
        "SELECT {}, {} FROM (VALUES (1.5::float8, 2.0::float8), ('NaN', 2.0), ('Infinity', 2.0), ('-Infinity', 2.0),"
        " (NULL, 2.0), (1.5, 'NaN')) AS v(x, y)".format(finite("x", "y"), ONCE)
    )
    assert [bool(ok) for ok, _ in rows] == [True, False, False, False, False, False]
    assert [once for _, once in rows] == [False] * 6
