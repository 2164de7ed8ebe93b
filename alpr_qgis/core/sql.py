"""PostgreSQL text built without a database: quoted identifiers, the reads table, COPY data.

Pure Python (numpy, pandas): no QGIS, no psycopg2.  The PostGIS bridge
(``alpr_qgis.qgis_io.postgis``) sends what this module builds.

Rules kept here:

* Identifiers are always quoted (:func:`quote_ident`), whatever they hold:
  quotes, semicolons, spaces, upper case.  A name PostgreSQL would silently
  truncate (over 63 bytes) or cannot hold (a NUL) is refused, naming it.
* Values never go into SQL text: they travel as bound parameters or as COPY
  data.  The same layout and COPY text serve every row output written to
  PostGIS (any geometry type, or none), not only the reads.  COPY's text format is produced here (:func:`copy_chunks`), escaped
  column by column: ``\\`` ``\\t`` ``\\n`` ``\\r`` as COPY's backslash
  sequences, nulls as ``\\N``.  Geometries travel as hex EWKB (SRID included).
* ``read_time`` and every other datetime column are naive wall-clock time
  (``timestamp without time zone``), as the reads loader keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")  # (imported on first use: registering the provider stays light)

#: PostgreSQL's NAMEDATALEN - 1: a longer identifier is truncated without error, so it is refused.
MAX_IDENTIFIER_BYTES = 63

#: Columns indexed after loading (btree), when present, besides the GiST index on the geometry.
INDEXED_COLUMNS = ("plate", "device", "read_time")

#: Columns whose values are never echoed in an error message.
PRIVATE_COLUMNS = frozenset({"plate"})

#: Geometry types a table's geometry column may be declared with (``geometry(<type>, srid)``), Z/M/ZM allowed.
GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
        "Geometry",
    }
)

_COPY_SPECIALS = ("\\", "\t", "\n", "\r")


#: An always-false volatile test (``clock_timestamp()``: parallel safe).  A column whose expression holds it is
#: computed once per row in its own query level: PostgreSQL neither pulls that level up into the query above
#: nor pushes a condition on the column down into it (where it would paste the expression again, once for
#: every place the condition names the column: ``ST_Transform``, ``ST_X`` each read the whole geometry).
#: Citus pushes it to the workers as any expression.
ONCE = "clock_timestamp() IS NULL"


def finite(*columns: str) -> str:
    """SQL condition: each float8 of ``columns`` is a finite number (not null, NaN or an infinity), as
    ``numpy.isfinite``.  Strict bounds: ``BETWEEN '-Infinity' AND 'Infinity'`` would keep the infinities, and
    PostgreSQL sorts NaN above them."""
    return " AND ".join("{c} > '-Infinity'::float8 AND {c} < 'Infinity'::float8".format(c=c) for c in columns)


def quote_ident(name: str) -> str:
    """``name`` as a quoted PostgreSQL identifier: ``"`` around it, inner ``"`` doubled.

    Refuses an empty name, a NUL character and a name longer than 63 bytes in
    UTF-8 (PostgreSQL would truncate it, silently merging two columns).
    """
    if not isinstance(name, str) or not name:
        raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "An empty name cannot be a PostgreSQL table or column"))
    if "\x00" in name:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "The name {name} holds a NUL character, which PostgreSQL cannot store"),
            args={"name": repr(name.replace("\x00", ""))},
        )
    if len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
        raise AlprInputError(
            QT_TRANSLATE_NOOP(
                "alpr_core", "The name {name} is longer than PostgreSQL's 63 bytes; rename the field or table"
            ),
            args={"name": repr(name[:40] + "...")},
        )
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: Optional[str], table: str) -> str:
    """``"schema"."table"`` (or ``"table"`` without a schema), both quoted."""
    return (quote_ident(schema) + "." if schema else "") + quote_ident(table)


def column_type(series: pd.Series) -> str:
    """The PostgreSQL type a column of the reads table gets, from its pandas dtype."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double precision"
    if isinstance(dtype, pd.DatetimeTZDtype):
        raise AlprInputError(
            QT_TRANSLATE_NOOP(
                "alpr_core", "Column {name} holds time-zone-aware times; the reads table stores naive local time"
            ),
            args={"name": repr(series.name)},
        )
    if pd.api.types.is_datetime64_dtype(dtype):
        return "timestamp without time zone"
    return "text"


def geometry_type_sql(kind: str) -> str:
    """``kind`` (``Point``, ``MultiPolygon``, ``LineStringZ``...) checked against :data:`GEOMETRY_TYPES`, for SQL text."""
    base = re.sub(r"(ZM|Z|M)$", "", kind or "")
    if base not in GEOMETRY_TYPES:
        raise ValueError("not a PostGIS geometry type: {!r}".format(kind))
    return kind


@dataclass(frozen=True)
class ReadsTable:
    """The layout of a reads table (or any row output): ``columns`` as (name, SQL type), then the geometry.

    ``geometry_type`` None: a table without geometry (``geometry`` unused).
    """

    schema: Optional[str]
    table: str
    columns: Tuple[Tuple[str, str], ...]
    geometry: str = "geom"
    srid: int = 4326
    key: Optional[str] = "read_id"
    geometry_type: Optional[str] = "Point"

    @property
    def name(self) -> str:
        return qualified(self.schema, self.table)

    @property
    def has_geometry(self) -> bool:
        return self.geometry_type is not None

    def create_sql(self) -> str:
        """``CREATE TABLE`` with every column, the geometry last (the key comes after the rows: :meth:`index_sql`)."""
        parts = ["{} {}".format(quote_ident(name), sql_type) for name, sql_type in self.columns]
        if self.has_geometry:
            parts.append(
                "{} geometry({},{:d})".format(
                    quote_ident(self.geometry), geometry_type_sql(self.geometry_type), int(self.srid)
                )
            )
        return "CREATE TABLE {} ({})".format(self.name, ", ".join(parts))

    def drop_sql(self) -> str:
        return "DROP TABLE IF EXISTS {}".format(self.name)

    def copy_sql(self, freeze: bool = True) -> str:
        """``COPY ... FROM STDIN`` (text format) naming every column in the order of :func:`copy_chunks`.

        ``freeze`` (for a table created in the same transaction) writes the rows
        already frozen and visible: no later rewrite of every page by VACUUM or
        by the first reads setting hint bits.
        """
        names = [quote_ident(name) for name, _ in self.columns]
        if self.has_geometry:
            names.append(quote_ident(self.geometry))
        listed = " ({})".format(", ".join(names)) if names else ""
        return "COPY {}{} FROM STDIN{}".format(self.name, listed, " WITH (FREEZE)" if freeze else "")

    def key_sql(self) -> Optional[str]:
        """``ALTER TABLE ... ADD PRIMARY KEY (key)``, or None without a key."""
        if not self.key:
            return None
        return "ALTER TABLE {} ADD PRIMARY KEY ({})".format(self.name, quote_ident(self.key))

    def index_sql(self, key: bool = True) -> List[str]:
        """The primary key on ``key`` (unless ``key`` is False), GiST on the geometry, btree on each of
        :data:`INDEXED_COLUMNS` present.

        Built after the COPY (one sort each rather than one insertion per row);
        index names are left to PostgreSQL, which keeps them unique.
        """
        statements = []
        if key and self.key:
            statements.append(self.key_sql())
        if self.has_geometry:
            statements.append("CREATE INDEX ON {} USING gist ({})".format(self.name, quote_ident(self.geometry)))
        present = {name for name, _ in self.columns}
        for column in INDEXED_COLUMNS:
            if column in present and column != self.key:
                statements.append("CREATE INDEX ON {} ({})".format(self.name, quote_ident(column)))
        return statements

    def analyze_sql(self) -> str:
        return "ANALYZE {}".format(self.name)


def reads_table(
    frame: pd.DataFrame,
    table: str,
    schema: Optional[str] = "public",
    geometry: str = "geom",
    srid: int = 4326,
    key: Optional[str] = "read_id",
    geometry_type: Optional[str] = "Point",
) -> ReadsTable:
    """The table that holds ``frame``'s columns (in order) and a geometry (``geometry_type``; None: none).

    Checks every name.
    """
    names = [str(name) for name in frame.columns]
    if geometry_type is not None and geometry in names:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "The reads already have a column called {name}, the geometry column's name"),
            args={"name": repr(geometry)},
        )
    if len(set(names)) != len(names):
        raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "The reads have two columns of the same name"))
    columns = tuple((str(name), column_type(frame[name])) for name in frame.columns)
    result = ReadsTable(schema, table, columns, geometry, int(srid), key if key in names else None, geometry_type)
    result.create_sql()  # checks every identifier now, before anything is sent
    return result


def ewkb_points_hex(x: np.ndarray, y: np.ndarray, srid: int) -> np.ndarray:
    """Hex EWKB of 2D points with ``srid`` (little endian), as an object array; None where x or y is NaN."""
    x = np.asarray(x, dtype="<f8")
    y = np.asarray(y, dtype="<f8")
    record = np.dtype([("order", "u1"), ("kind", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")])
    points = np.zeros(len(x), dtype=record)
    points["order"] = 1
    points["kind"] = 1 | 0x20000000  # Point, with an SRID
    points["srid"] = srid
    points["x"] = x
    points["y"] = y
    text = points.tobytes().hex().upper()
    width = 2 * record.itemsize
    out = np.array([text[i : i + width] for i in range(0, len(text), width)], dtype=object)
    out[np.isnan(x) | np.isnan(y)] = None
    return out


_SRID_FLAG = 0x20000000


def ewkb_hex(values: Sequence[Optional[bytes]], srid: int) -> np.ndarray:
    """Hex EWKB (the outer geometry given ``srid``) of WKB values, as an object array; None stays None.

    Takes ISO or extended WKB of any type, either byte order (shapely's
    ``.wkb``, QGIS's ``asWkb()``); an SRID already present is replaced.
    """
    srid_bytes = {0: int(srid).to_bytes(4, "big"), 1: int(srid).to_bytes(4, "little")}
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        if value is None:
            out[i] = None
            continue
        wkb = bytes(value)
        if len(wkb) < 5 or wkb[0] not in (0, 1):
            raise ValueError("not WKB at row {}".format(i + 1))
        order = "little" if wkb[0] == 1 else "big"
        kind = int.from_bytes(wkb[1:5], order)
        rest = wkb[9:] if kind & _SRID_FLAG else wkb[5:]
        head = wkb[:1] + (kind | _SRID_FLAG).to_bytes(4, order) + srid_bytes[wkb[0]]
        out[i] = (head + rest).hex().upper()
    return out


_CLOCK = np.array(["{:02d}:{:02d}:{:02d}".format(s // 3600, s // 60 % 60, s % 60) for s in range(86400)], dtype=object)


def _timestamp_text(values: np.ndarray) -> np.ndarray:
    """ISO text (``2014-07-14 08:01:02[.123456]``) of datetime64 values, ``\\N`` for NaT, vectorised."""
    micro = values.astype("datetime64[us]")
    missing = np.isnat(micro)
    micro = np.where(missing, np.datetime64(0, "us"), micro)
    days = micro.astype("datetime64[D]")
    unique_days, inverse = np.unique(days, return_inverse=True)
    day_text = (np.datetime_as_string(unique_days, unit="D").astype(object) + " ")[inverse]
    within = (micro - days).astype(np.int64)  # microseconds since midnight
    out = day_text + _CLOCK[within // 1_000_000]
    fraction = within % 1_000_000
    has_fraction = fraction != 0
    if has_fraction.any():
        digits = np.array(list(map(".{:06d}".format, fraction[has_fraction].tolist())), dtype=object)
        out[has_fraction] = out[has_fraction] + digits
    out[missing] = "\\N"
    return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class _UnstorableError(Exception):
    """A value COPY cannot carry, at ``index`` within its chunk."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def _text_values(series: pd.Series) -> np.ndarray:
    """One column as COPY text: an object array of str, ``\\N`` for nulls."""
    dtype = series.dtype
    values = series.to_numpy()
    if pd.api.types.is_bool_dtype(dtype) and dtype == np.bool_:
        return np.where(values, "t", "f").astype(object)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return np.array(list(map(str, values.tolist())), dtype=object)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        out = np.array(list(map(repr, values.tolist())), dtype=object)
        out[np.isnan(values)] = "\\N"
        return out
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return _timestamp_text(values)
    # object, string and pandas' nullable types: text of each value, None/NaN/NA/NaT as null.
    missing = pd.isna(series).to_numpy()
    if pd.api.types.is_bool_dtype(dtype):
        out = np.where(series.fillna(False).to_numpy(dtype=bool), "t", "f").astype(object)
    elif pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        out = values.astype(object).copy()
    else:
        out = np.array([value if isinstance(value, str) else str(value) for value in values], dtype=object)
    out[missing] = ""
    joined = "\x1f".join(out)
    if "\x00" in joined:
        raise _UnstorableError(next(i for i, value in enumerate(out) if "\x00" in value))
    if any(special in joined for special in _COPY_SPECIALS):
        out = np.array([_escape(value) for value in out], dtype=object)
    out[missing] = "\\N"
    return out


def copy_chunks(
    frame: pd.DataFrame,
    x: Optional[np.ndarray],
    y: Optional[np.ndarray],
    srid: int = 4326,
    chunk_rows: int = 100_000,
    row_numbers: Optional[Sequence[int]] = None,
    progress: Callable[[float], None] = lambda _f: None,
    cancelled: Callable[[], bool] = lambda: False,
    geometry: Optional[np.ndarray] = None,
) -> Iterator[bytes]:
    """COPY text-format data (UTF-8) for ``frame`` and its geometries, ``chunk_rows`` rows at a time.

    Columns come in ``frame``'s order, then the geometry: points from ``x``
    and ``y`` (hex EWKB; null where ``x`` or ``y`` is NaN), or ``geometry``
    (hex EWKB per row, None for null: :func:`ewkb_hex`); neither: no
    geometry column.  A value PostgreSQL cannot store (a NUL
    character) raises :class:`AlprInputError` naming the row — its
    ``row_numbers`` entry, else its 1-based position — and the field, never
    the value.  ``cancelled()`` is asked before each chunk (raises
    :class:`Cancelled`); ``progress`` gets the share of rows encoded.
    """
    total = len(frame)
    if geometry is not None:
        if len(geometry) != total:
            raise ValueError("geometry must have one value per row")
    elif x is not None and (len(x) != total or len(y) != total):
        raise ValueError("x and y must have one value per row")
    for start in range(0, total, chunk_rows):
        if cancelled():
            raise Cancelled()
        stop = min(total, start + chunk_rows)
        part = frame.iloc[start:stop]
        columns = []
        for name in frame.columns:
            try:
                columns.append(_text_values(part[name]))
            except _UnstorableError as bad:
                row = int(row_numbers[start + bad.index]) if row_numbers is not None else start + bad.index + 1
                raise AlprInputError(
                    QT_TRANSLATE_NOOP("alpr_core", "The value holds a NUL character, which PostgreSQL cannot store"),
                    row=row,
                    field=str(name),
                    private=True,
                    hint=QT_TRANSLATE_NOOP("alpr_core", "Remove the character from the source and load again."),
                ) from None
        if geometry is not None:
            shapes = np.array(geometry[start:stop], dtype=object)
            shapes[pd.isna(shapes)] = "\\N"
            columns.append(shapes)
        elif x is not None:
            points = ewkb_points_hex(x[start:stop], y[start:stop], srid)
            points[pd.isna(points)] = "\\N"
            columns.append(points)
        if not columns:  # (COPY of no column: one empty line per row)
            columns.append(np.full(stop - start, "", dtype=object))
        text = "\n".join(map("\t".join, zip(*(column.tolist() for column in columns)))) + "\n"
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as error:
            index = text.count("\n", 0, error.start)
            row = int(row_numbers[start + index]) if row_numbers is not None else start + index + 1
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "A value is not valid Unicode text (a lone surrogate)"),
                row=row,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Fix the file's encoding and load again."),
            ) from None
        yield data
        progress(stop / total if total else 1.0)
