"""alpr:anonymizeplates on a PostGIS table: the release made in the database.

What travels to QGIS: the distinct raw plates (each with the read_id of its
first read, so plates are numbered in file order as the file path numbers
them), the distinct values of each kept field (with counts: scrubbing looks
at each distinct value once, with the SAME core matchers), one row for the
working CRS (the median of the file path's sample), and the audit's
distinct (vehicle, place, time) points as compact numbers (one
``COPY ... TO STDOUT``).  Then, in ONE transaction:

* the plates' codes (and, for ``token``, their random ids) go into a
  temporary table of the transaction; for ``hmac`` the ids are made there by
  pgcrypto (``hmac(plate, key, 'sha256')``): the key goes in through COPY
  data into a temporary table, never in SQL text (psycopg2 pastes "bound"
  values into the statement, which ``pg_stat_activity`` and server logs
  show), and that table is dropped as soon as the ids are made;
* each read is kept once in a temporary table with its plate's code and id,
  its time floored with ``date_trunc`` and its place in the working CRS
  (``ST_Transform``; snapped with the file path's
  ``floor(x / size) * size + size / 2``): the audit and the release read it;
* the release (``plate_id``, the kept fields scrubbed, the geometry: each
  distinct snapped cell moved back once) made with ``CREATE TABLE ... AS``
  in its order (coarsened time, plate id, ties in random order) in the same
  database, or streamed in that order to any other destination.
"""

from __future__ import annotations

import io
import tempfile
from typing import Dict, List, Optional, Tuple

import numpy as np

from alpr_qgis.core.anonymize import (
    HMAC_LENGTH,
    TOKEN_LENGTH,
    PlateMatcher,
    audit_table,
    ids_for,
    location_hits,
    reidentification_audit,
    release_fields,
)
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalised_codes
from alpr_qgis.core.sql import qualified, quote_ident
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span, write_output
from alpr_qgis.qgis_io.postgis.clean import (
    begin_work,
    checked_cancel,
    copy_rows,
    float_sql,
    frame_of,
    on_citus,
    rows_of,
    text_plate_field,
)
from alpr_qgis.qgis_io.postgis.connection import PostgisError, cancel_watch
from alpr_qgis.qgis_io.postgis.source import pg_destination, table_result
from alpr_qgis.qgis_io.postgis.uri import DEFAULT_GEOMETRY
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import FrameStream

pd = lazy_module("pandas")

PLATES = "pg_temp.alpr_anon_plates"
ROWS = "pg_temp.alpr_anon_rows"
KEY = "pg_temp.alpr_anon_key"
STREAM_ROWS = 50_000
_TIME_TYPES = ("timestamp without time zone", "timestamp with time zone", "date")
_NOT_SCRUBBED = _TIME_TYPES + ("boolean",)
_TRUNC = {"minute": "minute", "hour": "hour", "day": "day"}


class _Release:
    """One run: the parameters, the plan, the plates and the SQL of the release."""

    def __init__(self, alg, pg, parameters: Dict, context, feedback) -> None:
        self.alg, self.pg, self.parameters, self.context, self.feedback = alg, pg, parameters, context, feedback
        p = alg
        self.method = p.parameterAsEnumString(parameters, p.METHOD, context) or "hmac"
        self.precision = p.parameterAsEnumString(parameters, p.TIME_PRECISION, context) or "keep"
        self.grid = p.parameterAsDouble(parameters, p.LOCATION_PRECISION_M, context)
        self.time_field = p.parameterAsString(parameters, p.TIME_FIELD, context) or "read_time"
        keep = p.parameterAsFields(parameters, p.KEEP_FIELDS, context)
        extra = p.parameterAsFields(parameters, p.EXTRA_PLATE_FIELDS, context)
        self.keep = keep
        self.geom = pg.geom()
        self.fields = [c for c in pg.columns if c != pg.geometry]
        plate_field = p.parameterAsString(parameters, p.PLATE_FIELD, context) or "plate"
        self.plate = text_plate_field(pg, self.fields, plate_field)
        self.time = next((c for c in self.fields if c.lower() == self.time_field.lower()), None)
        self.plan = release_fields(self.fields, self.plate, self.time, keep, extra)
        self.extra = [c for c in extra if c in self.fields]
        self.order = pg.ident("read_id") if pg.has("read_id") else "ctid"
        self.cleared: Dict[str, int] = {}
        self.scrub: Dict[str, object] = {}  # field -> values to clear (a list), or True: every value
        self.plates: List[tuple] = []  # (raw, code, id)
        self.plate_count = 0
        self.rows = ROWS  # each read with its code, id, place and time: a temporary table, or on Citus the query

    # ---------------------------------------------------------------- what comes back

    def look_at_plates(self) -> None:
        """The distinct raw plates, numbered as the file path numbers them (first read in file order)."""
        pg, plate = self.pg, self.pg.ident(self.plate)
        raw: List[str] = []
        first: List[int] = []
        first_read = "min({})".format(self.order) if self.order != "ctid" else "NULL"  # (no read_id: as met)
        sql = "SELECT {p}, {f} FROM {r} WHERE {p} IS NOT NULL GROUP BY {p}".format(p=plate, f=first_read, r=pg.relation)
        for rows in pg.stream(sql, cancelled=self.feedback.isCanceled):
            raw.extend(r[0] for r in rows)
            first.extend(r[1] if isinstance(r[1], (int, float)) else i for i, r in enumerate(rows, len(first)))
        codes, normal = normalised_codes(pd.Series(raw, dtype=object))
        # Normalised plates numbered by their first read (the order PlateCodes meets them in the file).
        firsts = pd.Series(first, dtype=float)[codes >= 0].groupby(codes[codes >= 0]).min()
        rank = np.full(len(normal), -1, dtype=np.int64)
        rank[firsts.sort_values(kind="stable").index.to_numpy()] = np.arange(len(firsts))
        normal = np.asarray(normal, dtype=object)
        ordered = np.empty(len(normal), dtype=object)
        ordered[rank] = normal
        self.normal = ordered  # the distinct normalised plates, in the file path's code order
        self.plate_count = len(ordered)
        ids = ids_for(ordered, self.method, b"") if self.method == "token" else np.full(len(ordered), None)
        code = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
        self.plates = [
            (text, int(c) if c >= 0 else None, ordered[c] if c >= 0 else None, ids[c] if c >= 0 else None)
            for text, c in zip(raw, code.tolist())
        ]

    def look_at_kept(self) -> None:
        """The kept values that give a plate or a place away (each distinct value once), and their reads."""
        pg = self.pg
        extra_plates: set = set()
        for name in self.extra:
            values = [r[0] for r in pg.query("SELECT DISTINCT {f} FROM {r}".format(f=pg.ident(name), r=pg.relation))]
            extra_plates.update(normalised_codes(pd.Series(values, dtype=object))[1].tolist())
        matcher = PlateMatcher(np.concatenate([self.normal, np.array(sorted(extra_plates, key=str), dtype=object)]))
        for name in self.plan.kept:
            checked_cancel(self.feedback)
            if name == self.time or pg.columns[name] in _NOT_SCRUBBED:
                continue
            rows = pg.query(
                "SELECT {f}, count(*) FROM {r} WHERE {f} IS NOT NULL GROUP BY {f}".format(
                    f=pg.ident(name), r=pg.relation
                )
            )
            values = frame_of([name], dict(pg.columns), [(r[0],) for r in rows])[name]
            found = matcher.hits(values, self.feedback.isCanceled) | location_hits(values, name, self.grid)
            count = int(sum(int(r[1]) for r, hit in zip(rows, found.tolist()) if hit))
            if count:
                self.cleared[name] = count
                self.scrub[name] = True if bool(found.all()) else [r[0] for r, hit in zip(rows, found.tolist()) if hit]

    # ---------------------------------------------------------------- the SQL

    def prepare(self, cursor, key: bytes) -> None:
        """The plates' table of the transaction (and their hmac ids made by pgcrypto)."""
        begin_work(cursor)
        cursor.execute(
            "CREATE TEMP TABLE alpr_anon_plates (raw text PRIMARY KEY, code integer, normal text, plate_id text)"
            " ON COMMIT DROP"
        )
        copy_rows(cursor, PLATES, self.plates)
        if self.method == "hmac":
            cursor.execute("CREATE TEMP TABLE alpr_anon_key (k bytea) ON COMMIT DROP")
            try:
                cursor.copy_expert("COPY " + KEY + " (k) FROM STDIN", io.BytesIO(b"\\\\x" + key.hex().encode() + b"\n"))
                cursor.execute(
                    "UPDATE {p} SET plate_id = encode(hmac(convert_to(normal, 'UTF8'), (SELECT k FROM {k}), 'sha256'),"
                    " 'hex') WHERE normal IS NOT NULL".format(p=PLATES, k=KEY)
                )
                cursor.execute("DROP TABLE " + KEY)
            except self.pg.connection.module.Error:  # (the reason could quote the key: never shown)
                raise PostgisError(
                    QT_TRANSLATE_NOOP("alpr_core", "{connection}: the keyed ids could not be made with pgcrypto"),
                    args={"connection": self.pg.connection.label},
                ) from None
        cursor.execute("ANALYZE " + PLATES)
        for name, values in self.scrub.items():
            if values is not True:
                table = "pg_temp.alpr_anon_clear_{}".format(self.plan.kept.index(name))
                kind = _type_of(self.pg.columns[name])
                cursor.execute("CREATE TEMP TABLE {} (v {}) ON COMMIT DROP".format(table.split(".")[1], kind))
                copy_rows(cursor, table, [(v,) for v in values])

    def metric(self):
        """``(ST_X, ST_Y)`` SQL of the places in the working CRS (snapped when LOCATION_PRECISION_M is set)."""
        g = "r." + self.geom
        if self.work_srid != self.pg.srid:
            g = "ST_Transform({}, {})".format(g, int(self.work_srid))
        x, y = "ST_X({})".format(g), "ST_Y({})".format(g)
        if self.grid > 0:
            snap = "(floor({v} / {g}) * {g} + {g} / 2)"
            x, y = snap.format(v=x, g=float_sql(self.grid)), snap.format(v=y, g=float_sql(self.grid))
        return x, y

    def coarse(self, expr: str, kind: str) -> str:
        """A time floored to TIME_PRECISION (``date_trunc``), as the file path floors it."""
        if self.precision == "keep":
            return expr
        value = expr if kind in _TIME_TYPES else expr + "::timestamp"
        return "date_trunc('{}', {})".format(_TRUNC[self.precision], value)

    def materialise(self, cursor, in_place: bool = False) -> None:
        """Each read once with its plate's code and id, its place in the working CRS and its floored time.

        A temporary table of the transaction: the audit and the release both
        read it (one join, one transform per read).  ``in_place`` (Citus): no
        copy to the coordinator; each statement reads the query itself.
        """
        mx, my = self.metric()
        t = self.coarse("r." + self.pg.ident(self.time), self.pg.columns[self.time]) if self.time else "NULL::timestamp"
        query = (
            "SELECT r.*, p.code AS alpr_code, p.plate_id AS alpr_id, {x} AS alpr_mx, {y} AS alpr_my, {t} AS alpr_t"
            " FROM {r} AS r LEFT JOIN {p} AS p ON p.raw = r.{plate}"
        ).format(x=mx, y=my, t=t, r=self.pg.relation, p=PLATES, plate=self.pg.ident(self.plate))
        if in_place:
            self.rows = "({})".format(query)
            return
        self.rows = ROWS
        cursor.execute("CREATE TEMP TABLE alpr_anon_rows ON COMMIT DROP AS " + query)

    def geometry(self) -> Tuple[str, str]:
        """The released geometry's SQL, and the join that gives it.

        Snapped places: each distinct grid cell moved back to the layer's CRS
        once (``ST_Transform`` of the cells, joined on the cell), as the file
        path moves every snapped point back; else the place as it is.
        """
        pg = self.pg
        if self.grid <= 0:
            return "r." + self.geom, ""
        point = "ST_SetSRID(ST_MakePoint(alpr_mx, alpr_my), {})".format(int(self.work_srid))
        if self.work_srid != pg.srid:
            point = "ST_Transform({}, {})".format(point, int(pg.srid))
        cells = (
            " LEFT JOIN (SELECT alpr_mx, alpr_my, {g} AS alpr_cell FROM (SELECT DISTINCT alpr_mx, alpr_my FROM {rows} AS c"
            " WHERE alpr_mx IS NOT NULL AND alpr_my IS NOT NULL) AS d) AS cell"
            " ON cell.alpr_mx = r.alpr_mx AND cell.alpr_my = r.alpr_my"
        ).format(g=point, rows=self.rows)
        return "cell.alpr_cell", cells

    def select(self, geometry: str) -> Tuple[str, List[str]]:
        """The release's SELECT in its order: the attribute columns, then ``geometry`` (``{g}``: the released place)."""
        pg = self.pg
        columns: List[Tuple[str, str]] = []
        if self.method != "drop":
            columns.append(("r.alpr_id", "plate_id"))
        for name in self.plan.kept:
            expr, kind = "r." + pg.ident(name), pg.columns[name]
            if name == self.time:
                expr = "r.alpr_t"
            elif kind in _TIME_TYPES:
                expr = self.coarse(expr, kind)
            elif self.scrub.get(name) is True:
                expr = "NULL::" + _type_of(kind)
            elif name in self.scrub:  # (the values to clear: a table of the transaction, filled by COPY)
                typed = _type_of(kind) == kind
                expr = "CASE WHEN {e}{c} IN (SELECT v FROM pg_temp.alpr_anon_clear_{i}) THEN NULL ELSE {e} END".format(
                    e=expr, c="" if typed else "::text", i=self.plan.kept.index(name)
                )
            columns.append((expr, name))
        order = ["r.alpr_t ASC NULLS LAST"] if self.time else []
        if self.method != "drop":
            order.append('r.alpr_id COLLATE "C" ASC NULLS LAST')
        order.append("random()")
        place, join = self.geometry()
        sql = "SELECT {c}, {g} FROM {rows} AS r{join} ORDER BY {o}".format(
            c=", ".join("{} AS {}".format(e, quote_ident(n)) for e, n in columns),
            g=geometry.format(g=place),
            rows=self.rows,
            join=join,
            o=", ".join(order),
        )
        return sql, [n for _, n in columns]

    def audit(self, cursor, progress) -> list:
        """The re-identification audit on the release's distinct (vehicle, place, time) points.

        They come back through one ``COPY ... TO STDOUT`` as four numbers a
        point (vehicle code, x, y in the working CRS, time in microseconds),
        read into numpy arrays: no Python object per point.
        """
        if self.method == "drop" or self.time is None:
            return reidentification_audit(
                np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0), pd.Series([], dtype="datetime64[ns]")
            )
        sql = (
            "COPY (SELECT DISTINCT alpr_code, alpr_mx, alpr_my, (extract(epoch FROM alpr_t) * 1000000)::bigint"
            " FROM {} AS a WHERE alpr_code IS NOT NULL AND alpr_mx IS NOT NULL AND alpr_my IS NOT NULL"
            " AND alpr_t IS NOT NULL) TO STDOUT WITH (FORMAT csv)"
        ).format(self.rows)
        with tempfile.TemporaryFile(mode="w+b") as spool:
            cursor.copy_expert(sql, spool)
            checked_cancel(self.feedback)
            spool.seek(0)
            points = pd.read_csv(
                spool,
                header=None,
                names=["code", "x", "y", "t"],
                dtype={"code": np.int64, "x": np.float64, "y": np.float64, "t": np.int64},
                float_precision="round_trip",
            )
        self.pg.fetched += len(points)
        times = pd.Series((points["t"].to_numpy() * 1000).view("datetime64[ns]"))
        return reidentification_audit(
            points["code"].to_numpy(),
            points["x"].to_numpy(),
            points["y"].to_numpy(),
            times,
            cancelled=self.feedback.isCanceled,
            progress=progress,
        )

    def create(self, cursor, table) -> None:
        """The release made in the database (CREATE TABLE AS, in its order), geometry typed, GiST index."""
        geometry = table.geometry or DEFAULT_GEOMETRY
        relation = qualified(table.schema, table.table)
        typed = "{{g}}::geometry(Point, {}) AS {}".format(int(self.pg.srid), quote_ident(geometry))
        sql, _ = self.select(typed)
        cursor.execute("DROP TABLE IF EXISTS " + relation)
        cursor.execute("CREATE TABLE {} AS {}".format(relation, sql))
        self.written = cursor.rowcount
        cursor.execute(
            "CREATE INDEX {} ON {} USING GIST ({})".format(
                quote_ident("{}_{}_gist".format(table.table, geometry)[:63]), relation, quote_ident(geometry)
            )
        )
        cursor.execute("ANALYZE " + relation)

    def stream(self, progress) -> Tuple[Optional[str], int]:
        """The release streamed in its order a chunk at a time into the normal writers."""
        pg, alg, feedback = self.pg, self.alg, self.feedback
        sql, names = self.select("ST_X({g}), ST_Y({g})")
        types = dict(pg.columns)
        types["plate_id"] = "text"
        if self.precision != "keep":
            types.update({n: "timestamp without time zone" for n in self.plan.kept if n == self.time})
        types.update({n: "timestamp without time zone" for n in self.plan.kept if types.get(n) == "date"})
        writer = FrameStream(alg, self.parameters, alg.OUTPUT, self.context, pg.crs())
        n = len(names)
        try:
            for rows in _stream(pg, sql, None, feedback.isCanceled):
                frame = frame_of(names, types, [row[:n] for row in rows])
                x = np.array([row[n] for row in rows], dtype=float)
                y = np.array([row[n + 1] for row in rows], dtype=float)
                if not writer.append(frame, x, y, feedback.isCanceled):
                    raise Cancelled()
            if not writer.rows:
                writer.append(frame_of(names, types, []), np.zeros(0), np.zeros(0), last=True)
            return writer.finish(progress, feedback.isCanceled)
        except BaseException:
            writer.forget()
            raise


def _type_of(kind: str) -> str:
    return kind if kind in ("text", "bigint", "integer", "smallint", "double precision", "real", "numeric") else "text"


def _stream(pg, sql, params, cancelled):
    """``rows_of`` with the driver's errors as clear ones (a cancelled statement: ``Cancelled``)."""
    module = pg.connection.module
    try:
        yield from rows_of(pg, sql, params, cancelled, STREAM_ROWS)
    except module.extensions.QueryCanceledError:
        raise Cancelled() from None
    except module.Error as error:
        raise pg.connection.error(error) from None


def ensure_pgcrypto(pg) -> None:
    """pgcrypto in the database (CREATE EXTENSION IF NOT EXISTS), or a clear error naming the connection."""
    try:
        pg.connection.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    except PostgisError:
        raise PostgisError(
            QT_TRANSLATE_NOOP("alpr_core", "pgcrypto is not available in {connection}"),
            args={"connection": pg.connection.label},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Install PostgreSQL's contrib extensions and run CREATE EXTENSION "
                                   "pgcrypto as a database owner."),
        ) from None  # fmt: skip


def run_anonymize(alg, pg, parameters: Dict, context, feedback) -> Dict:
    """alpr:anonymizeplates on the PostGIS reads ``pg``: the results dict of the file path."""
    release = _Release(alg, pg, parameters, context, feedback)
    key, _ = alg._secret(parameters, context, release.method, feedback)
    total = int(pg.query("SELECT count(*) FROM " + pg.relation)[0][0])
    alg.log_estimate(feedback, total)
    if release.method == "hmac":
        ensure_pgcrypto(pg)
    feedback.setProgressText(alg.tr("Reading the reads"))
    release.look_at_plates()
    release.look_at_kept()
    feedback.setProgress(40)
    work = pg.metric_crs()
    release.work_srid = int(work.postgisSrid()) if work.isValid() else pg.srid
    alg._log_fields(feedback, release.plan, release.keep, release.cleared, release.time, release.time_field,
                    release.precision)  # fmt: skip
    if release.grid > 0:
        feedback.pushInfo(alg.tr("Locations snapped to a {} m grid in {}.").format(release.grid, work.authid()))
    target = pg_destination(parameters, alg.OUTPUT, context)
    in_place = on_citus(pg)
    checked_cancel(feedback)
    with cancel_watch(pg.connection, feedback.isCanceled):
        try:
            with pg.connection.transaction() as cursor:
                release.prepare(cursor, key)
                del key
                release.materialise(cursor, in_place)
                feedback.setProgressText(alg.tr("Auditing the release"))
                audit = release.audit(cursor, progress_span(feedback, 55, 70))
                alg._log_audit(feedback, audit)
                feedback.setProgressText(alg.tr("Writing the release"))
                if pg.same_database(target):
                    release.create(cursor, target)
                    dest, n = table_result(parameters, alg.OUTPUT, context, target, alg.tr("Anonymized reads")), None
                else:
                    dest, n = release.stream(progress_span(feedback, 70, 95))
                checked_cancel(feedback)
        except pg.connection.module.extensions.QueryCanceledError:
            raise Cancelled() from None
        except pg.connection.module.Error as error:
            raise pg.connection.error(error) from None
    n = release.written if n is None else n
    check_accounted(total, n)
    style_vector_output(dest, "reads", context, feedback)
    audit_dest, _ = write_output(
        alg,
        parameters,
        alg.AUDIT,
        context,
        feedback,
        audit_table(audit, release.plan.dropped, release.cleared, release.precision, release.grid),
    )
    feedback.setProgress(100)
    pg.log_fetched(feedback)
    feedback.pushInfo(
        alg.tr("{} reads of {} plates anonymized with {} ({} characters).").format(
            n, release.plate_count, release.method, {"hmac": HMAC_LENGTH, "token": TOKEN_LENGTH}.get(release.method, 0)
        )
    )
    results = {
        alg.OUTPUT: dest,
        alg.AUDIT: audit_dest,
        alg.READ_COUNT: n,
        alg.PLATE_COUNT: release.plate_count,
        alg.CLEARED_COUNT: sum(release.cleared.values()),
        alg.DROPPED_FIELD_COUNT: len(release.plan.dropped),
    }
    for r in audit:
        results["UNIQUE_SHARE_{}".format(r.known_points)] = r.unique_share if r.unique_share is not None else 0.0
    return results
