"""alpr:cleanreads on a PostGIS table: the rules decided in the database.

Only the distinct plates travel: they are classified here by the SAME core
rules as the file path (``core.cleaning.classify_reads``: sign words, OCR
look-alikes, invalid characters, length, government pattern), and the
verdicts go back, bound, into a temporary table of the transaction
(``ON COMMIT DROP``).  One SELECT then joins every read to its plate's
verdict and adds the location rules (null geometry, invalid location, null
island) and, with DEDUP_SECONDS, the duplicate flags (``lag`` over the read
time, per normalised plate and device); its rows are kept once in another
temporary table of the transaction, which the rest reads:

* the counts: one ``GROUP BY reason`` aggregate;
* an output in the same database is made there with ``CREATE TABLE ... AS``
  (geometry typed ``geometry(Point, srid)``, a GiST index);
* any other output gets its rows streamed a chunk at a time (a server-side
  cursor) into the normal writers, in file order;

all in ONE transaction: an error or a cancel leaves no output table.

Rows fetched: the distinct plates, the first 2,000 plates (are they
hashed?), the counts (a few rows), and the rows of outputs not in the
database.
"""

from __future__ import annotations

import contextlib
import io
import itertools
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.PyQt.QtCore import QVariant

from alpr_qgis.core.cleaning import REASONS, classify_reads, rules_lexicon
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import HashedCheck, normalised_codes, plate_field_name
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span
from alpr_qgis.qgis_io.postgis.connection import cancel_watch
from alpr_qgis.qgis_io.postgis.source import pg_destination, table_result
from alpr_qgis.qgis_io.postgis.uri import DEFAULT_GEOMETRY, PgTable
from alpr_qgis.qgis_io.vector import FrameStream
from alpr_qgis.qgis_io.vector.read import feature_table

pd = lazy_module("pandas")

#: The verdicts of the plates, a temporary table of the transaction.
VERDICTS = "pg_temp.alpr_clean_plates"
#: Every read with its verdict, a temporary table of the transaction.
ROWS = "pg_temp.alpr_clean_rows"
#: Rows per chunk streamed to an output outside the database.
STREAM_ROWS = 50_000
_names = itertools.count(1)
_LOCATION_REASONS = ("invalid_location", "null_geometry", "null_island")
_TEXT_TYPES = ("text", "character varying", "character")

# PostgreSQL types -> the QVariant kind a frame column is typed with (as QGIS's provider reads them).
_KINDS = {
    "smallint": QVariant.LongLong,
    "integer": QVariant.LongLong,
    "bigint": QVariant.LongLong,
    "real": QVariant.Double,
    "double precision": QVariant.Double,
    "numeric": QVariant.Double,
    "boolean": QVariant.Bool,
    "timestamp without time zone": QVariant.DateTime,
    "timestamp with time zone": QVariant.DateTime,
    "date": QVariant.Date,
}


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_COPY_ESCAPES)


def copy_rows(cursor, table: str, rows: Sequence[tuple]) -> None:
    """``rows`` into ``table`` through one COPY (text format; values travel as data, never as SQL text)."""
    text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    cursor.copy_expert("COPY {} FROM STDIN".format(table), io.StringIO(text))


def float_sql(value: float) -> str:
    """A number parameter of the algorithm as an SQL float8 literal.

    Statements run without bound values, so that psycopg2 leaves every ``%``
    of their quoted names alone; a float's ``repr`` cannot carry SQL.
    """
    return "'{}'::float8".format(repr(float(value)))


def on_citus(pg) -> bool:
    """Whether the database runs Citus: the reads are then never copied into a temporary table of the coordinator.

    (Each statement then reads the distributed table itself, so that its
    scans, joins and aggregates run on the workers.)
    """
    return bool(pg.query("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus'"))


def begin_work(cursor) -> None:
    """Settings of a push-down transaction: no JIT (it costs more than it saves on these statements)."""
    cursor.execute("SET LOCAL jit = off")


def checked_cancel(feedback) -> None:
    if feedback.isCanceled():
        raise Cancelled()


def frame_of(names: Sequence[str], types: Dict[str, str], rows: List[tuple]) -> pd.DataFrame:
    """The frame of ``rows`` (columns ``names``), typed as the file path types a layer's fields."""
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in names]
    kinds = {n: _KINDS.get(types.get(n, ""), QVariant.String) for n in names}
    return feature_table(list(names), columns, kinds, len(rows))


class _Clean:
    """One run: the rules, the table's fields, the SQL of the classified reads."""

    def __init__(self, alg, pg, parameters: Dict, context, feedback) -> None:
        self.alg, self.pg, self.parameters, self.context, self.feedback = alg, pg, parameters, context, feedback
        self.rules = alg._rules(parameters, context)
        self.geom = pg.geom()
        self.fields = [c for c in pg.columns if c != pg.geometry]
        plate_field = alg.parameterAsString(parameters, alg.PLATE_FIELD, context) or "plate"
        self.plate = text_plate_field(pg, self.fields, plate_field)
        device = alg.parameterAsString(parameters, alg.DEVICE_FIELD, context) or "device"
        time = alg.parameterAsString(parameters, alg.TIME_FIELD, context) or "read_time"
        self.dedup = self.rules.dedup_seconds > 0 and device in self.fields and time in self.fields
        if self.rules.dedup_seconds > 0 and not self.dedup:
            feedback.pushWarning(
                alg.tr("Duplicate flagging needs the fields {} and {}; it was skipped.").format(device, time)
            )
        self.device, self.time = device, time
        self.order = pg.ident("read_id") if pg.has("read_id") else "ctid"
        self.verdicts: List[tuple] = []
        self.rows = ROWS  # the classified reads: a temporary table, or on Citus the query itself

    # ---------------------------------------------------------------- the plates

    def look_over(self) -> None:
        """Are the plates hashed (the first plates in file order, then the distinct ones); each plate's verdict."""
        pg, plate = self.pg, self.pg.ident(self.plate)
        progress = progress_span(self.feedback, 0, 20)
        hashed = HashedCheck()
        head = pg.query(
            "SELECT {p} FROM {r} ORDER BY {o} LIMIT {n}".format(
                p=plate, r=pg.relation, o=self.order, n=int(HashedCheck._HEAD_ROWS)
            )
        )
        hashed.add(pd.Series([row[0] for row in head], dtype=object))
        raw: List[str] = []
        sql = "SELECT DISTINCT {p} FROM {r} WHERE {p} IS NOT NULL".format(p=plate, r=pg.relation)
        for rows in pg.stream(sql, cancelled=self.feedback.isCanceled):
            raw.extend(row[0] for row in rows)
        progress(0.5)
        if not hashed.decided:
            hashed.add(pd.Series(raw, dtype=object))
        self.rules.plates_hashed = hashed.answer()
        self.verdicts = plate_verdicts(raw, self.rules)
        progress(1.0)

    def upload(self, cursor) -> None:
        """The verdicts into the transaction's temporary table (values bound), indexed and analysed."""
        begin_work(cursor)
        cursor.execute(
            "CREATE TEMP TABLE alpr_clean_plates (raw text PRIMARY KEY, code integer, reason text,"
            " reasons text, detail text, is_government boolean) ON COMMIT DROP"
        )
        copy_rows(cursor, VERDICTS, self.verdicts)
        cursor.execute("ANALYZE " + VERDICTS)

    # ---------------------------------------------------------------- the reads

    def classified(self) -> str:
        """SELECT of every read with its reason, reasons, detail, is_government, is_duplicate."""
        pg, g = self.pg, "r." + self.geom
        plate = "r." + pg.ident(self.plate)
        if pg.crs().isGeographic() or not pg.srid or pg.srid == 4326:
            lon, lat = "ST_X({})".format(g), "ST_Y({})".format(g)
        else:
            lon, lat = "ST_X(ST_Transform({}, 4326))".format(g), "ST_Y(ST_Transform({}, 4326))".format(g)
        location = (
            "CASE WHEN {g} IS NULL OR ST_IsEmpty({g}) THEN 'null_geometry'"
            " WHEN NOT (abs({lat}) <= 90 AND abs({lon}) <= 180) THEN 'invalid_location'"
            " WHEN abs({lon}) <= {tol} AND abs({lat}) <= {tol} THEN 'null_island' END"
        ).format(g=g, lon=lon, lat=lat, tol=float_sql(self.rules.null_island_tolerance))
        duplicate, window = "false", ""
        if self.dedup:
            t = "r." + pg.ident(self.time)
            if pg.columns[self.time] not in ("timestamp without time zone", "timestamp with time zone"):
                t += "::timestamp"  # (dates and ISO text, as the file path reads them)
            duplicate = (
                "COALESCE(p.code IS NOT NULL AND {t} IS NOT NULL AND"
                " (floor(extract(epoch FROM {t} - lag({t}) OVER w) * 1000) / 1000)::float8 <= {s}, false)"
            ).format(t=t, s=float_sql(self.rules.dedup_seconds))
            window = " WINDOW w AS (PARTITION BY p.code, r.{d}, {t} IS NULL ORDER BY {t}, r.{o})".format(
                d=pg.ident(self.device), t=t, o=self.order
            )
        inner = (
            "SELECT r.*, CASE WHEN {plate} IS NULL THEN 'empty_plate' ELSE p.reason END AS alpr_plate_reason,"
            " CASE WHEN {plate} IS NULL THEN 'empty_plate' ELSE p.reasons END AS alpr_plate_reasons,"
            " p.detail AS alpr_detail, COALESCE(p.is_government, false) AS alpr_gov,"
            " {location} AS alpr_location, {duplicate} AS alpr_dup"
            " FROM {rel} AS r LEFT JOIN {verdicts} AS p ON p.raw = {plate}{window}"
        ).format(
            plate=plate,
            location=location,
            duplicate=duplicate,
            rel=pg.relation,
            verdicts=VERDICTS,
            window=window,
        )
        reason = "COALESCE(c.alpr_plate_reason, c.alpr_location)"
        return (
            "SELECT c.*, {reason} AS alpr_reason,"
            " NULLIF(concat_ws('|', c.alpr_plate_reasons, c.alpr_location), '') AS alpr_reasons,"
            " ({reason} IS NULL AND c.alpr_dup) AS alpr_duplicate FROM ({inner}) AS c"
        ).format(reason=reason, inner=inner)

    def materialise(self, cursor, in_place: bool = False) -> None:
        """Every read classified ONCE into a temporary table of the transaction (the outputs and counts read it).

        ``in_place`` (Citus): no copy; each statement classifies the reads itself.
        """
        if in_place:
            self.rows = "({})".format(self.classified())
            return
        self.rows = ROWS
        cursor.execute("CREATE TEMP TABLE alpr_clean_rows ON COMMIT DROP AS " + self.classified())

    def counts(self, cursor) -> Tuple[Dict[Optional[str], int], int, int]:
        """Reads per reason (None: clean), reads of government plates, clean reads flagged duplicate."""
        cursor.execute(
            "SELECT alpr_reason, count(*), count(*) FILTER (WHERE alpr_gov), count(*) FILTER (WHERE alpr_duplicate)"
            " FROM " + self.rows + " AS k GROUP BY alpr_reason"
        )
        rows = cursor.fetchall()
        self.pg.fetched += len(rows)
        per_reason = {reason: int(n) for reason, n, _, _ in rows}
        return per_reason, sum(int(r[2]) for r in rows), sum(int(r[3]) for r in rows)

    def columns(self, name: str) -> List[Tuple[str, str]]:
        """(SQL expression, output name) of an output's attribute columns, as the file path lays them out."""
        added = ["is_government", "is_duplicate"] if name == "OUTPUT" else ["reason", "reasons", "detail"]
        out = [("c." + self.pg.ident(f), f) for f in self.fields if f not in added]
        source = {
            "is_government": "c.alpr_gov",
            "is_duplicate": "c.alpr_duplicate",
            "reason": "c.alpr_reason",
            "reasons": "c.alpr_reasons",
            "detail": "c.alpr_detail",
        }
        return out + [(source[a], a) for a in added]

    def order_by(self) -> str:
        """The file's order (read_id) for an output; none when the table has no read_id."""
        return " ORDER BY c." + self.order if self.order != "ctid" else ""

    def where(self, name: str) -> str:
        return "c.alpr_reason IS NULL" if name == "OUTPUT" else "c.alpr_reason IS NOT NULL"

    def create(self, cursor, name: str, table: PgTable) -> None:
        """The output ``name`` made in the database: CREATE TABLE AS, geometry typed, GiST index."""
        from alpr_qgis.core.sql import qualified, quote_ident

        geometry = table.geometry or DEFAULT_GEOMETRY
        relation = qualified(table.schema, table.table)
        select = ", ".join("{} AS {}".format(e, quote_ident(n)) for e, n in self.columns(name))
        cursor.execute("DROP TABLE IF EXISTS " + relation)
        cursor.execute(
            "CREATE TABLE {t} AS SELECT {s}, c.{g}::geometry(Point, {srid}) AS {gn} FROM {c} AS c WHERE {w}"
            "{o}".format(
                t=relation,
                s=select,
                g=self.geom,
                srid=int(self.pg.srid),
                gn=quote_ident(geometry),
                c=self.rows,
                w=self.where(name),
                o=self.order_by(),
            )
        )
        cursor.execute(
            "CREATE INDEX {} ON {} USING GIST ({})".format(
                quote_ident(("{}_{}_gist".format(table.table, geometry))[:63]), relation, quote_ident(geometry)
            )
        )
        cursor.execute("ANALYZE " + relation)

    def stream(self, name: str, progress) -> Tuple[Optional[str], int]:
        """The output ``name`` streamed a chunk at a time into the normal writers (ordered as the file)."""
        pg, feedback = self.pg, self.feedback
        columns = self.columns(name)
        names = [n for _, n in columns]
        types = dict(pg.columns)
        types.update({"is_government": "boolean", "is_duplicate": "boolean"})
        sql = "SELECT {s}, ST_X(c.{g}), ST_Y(c.{g}) FROM {c} AS c WHERE {w}{o}".format(
            s=", ".join(e for e, _ in columns),
            g=self.geom,
            c=self.rows,
            w=self.where(name),
            o=self.order_by(),
        )
        writer = FrameStream(self.alg, self.parameters, name, self.context, pg.crs())
        try:
            for rows in rows_of(pg, sql, None, feedback.isCanceled):
                n = len(names)
                frame = frame_of(names, types, [row[:n] for row in rows])
                x = np.array([row[n] for row in rows], dtype=float)
                y = np.array([row[n + 1] for row in rows], dtype=float)
                if not writer.append(frame, x, y, feedback.isCanceled):
                    raise Cancelled()
            if writer.dest is None and not writer.rows:  # (no row: an empty layer of the same fields)
                writer.append(frame_of(names, types, []), np.zeros(0), np.zeros(0), last=True)
            return writer.finish(progress, feedback.isCanceled)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.forget()
            raise


def rows_of(pg, sql: str, params, cancelled, chunk_rows: int = STREAM_ROWS):
    """The rows of ``sql`` in lists, from a server-side cursor of the transaction open on ``pg`` (counted)."""
    cursor = pg.connection.raw.cursor(name="alpr_rows_{}".format(next(_names)))
    cursor.itersize = chunk_rows
    try:
        cursor.execute(sql, params)
        while True:
            if cancelled():
                raise Cancelled()
            rows = cursor.fetchmany(chunk_rows)
            if not rows:
                break
            pg.fetched += len(rows)
            yield rows
    finally:
        with contextlib.suppress(pg.connection.module.Error):
            cursor.close()


def text_plate_field(pg, fields: Sequence[str], plate_field: str) -> str:
    """The table's name of the plate field (any case), checked to hold text: else the file path's errors."""
    plate = plate_field_name(fields, plate_field, pg.label)
    kind = pg.columns[plate]
    if kind not in _TEXT_TYPES:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "holds numbers ({kind}), not text: plates would lose leading zeros and letters."),
            args={"kind": kind},
            path=pg.label,
            field=plate,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Load the export with alpr:loadreads (it keeps plates as text), or "
                                   "choose the text field of plates."),
        )  # fmt: skip
    return plate


def plate_verdicts(raw: Sequence[str], rules) -> List[tuple]:
    """``(raw plate, plate code, reason, reasons, detail, is_government)`` of each distinct raw plate.

    The plate rules of ``classify_reads`` on the raw texts (locations left
    out); ``code`` numbers the normalised plates (None for an empty one), as
    duplicate flagging groups them.
    """
    if not raw:
        return []
    plates = pd.Series(list(raw), dtype=object)
    codes, _ = normalised_codes(plates)
    ones = np.ones(len(plates))
    result = classify_reads(plates, ones, ones, ones, ones, rules, lexicon=rules_lexicon(rules))
    out = []
    for text, code, reasons, detail, gov in zip(
        raw, codes.tolist(), result.reasons.tolist(), result.detail.tolist(), result.is_government.tolist()
    ):
        kept = [r for r in (reasons or "").split("|") if r and r not in _LOCATION_REASONS]
        out.append((text, code if code >= 0 else None, kept[0] if kept else None, "|".join(kept) or None, detail, gov))
    return out


def run_clean(alg, pg, parameters: Dict, context, feedback) -> Dict:
    """alpr:cleanreads on the PostGIS reads ``pg``: the results dict of the file path."""
    from alpr_qgis.algorithms.clean_reads import sink_requested

    run = _Clean(alg, pg, parameters, context, feedback)
    total = int(pg.query("SELECT count(*) FROM " + pg.relation)[0][0])
    alg.log_estimate(feedback, total)
    feedback.setProgressText(alg.tr("Looking over the plates"))
    run.look_over()
    if run.rules.plates_hashed:
        feedback.pushInfo(alg.tr("The plates arrived hashed: plate-text rules are skipped."))
    feedback.setProgressText(alg.tr("Applying the rules and writing"))
    wanted = [n for n in (alg.OUTPUT, alg.REJECTED) if n == alg.OUTPUT or sink_requested(parameters, n)]
    targets = {n: pg_destination(parameters, n, context) for n in wanted}
    in_db = [n for n in wanted if pg.same_database(targets[n])]
    dests: Dict[str, Optional[str]] = {alg.REJECTED: None}
    written: Dict[str, int] = {}
    spans = {alg.OUTPUT: (50, 75), alg.REJECTED: (75, 100)}
    in_place = on_citus(pg)
    checked_cancel(feedback)
    with cancel_watch(pg.connection, feedback.isCanceled):
        try:
            with pg.connection.transaction() as cursor:  # (ONE transaction: every output, or none)
                run.upload(cursor)
                run.materialise(cursor, in_place)
                per_reason, government, duplicates = run.counts(cursor)
                feedback.setProgress(40)
                for name in wanted:
                    checked_cancel(feedback)
                    if name in in_db:
                        run.create(cursor, name, targets[name])
                    else:
                        dests[name], written[name] = run.stream(name, progress_span(feedback, *spans[name]))
                checked_cancel(feedback)
        except pg.connection.module.extensions.QueryCanceledError:
            raise Cancelled() from None
        except pg.connection.module.Error as error:
            raise pg.connection.error(error) from None
    display = {alg.OUTPUT: alg.tr("Clean reads"), alg.REJECTED: alg.tr("Rejected reads")}
    for name in in_db:
        dests[name] = table_result(parameters, name, context, targets[name], display[name])
    n_clean = per_reason.get(None, 0)
    counts = {reason: per_reason.get(reason, 0) for reason in REASONS}
    for name, expected in ((alg.OUTPUT, n_clean), (alg.REJECTED, total - n_clean)):
        if name in written and written[name] != expected:
            check_accounted(expected, written[name])
    pg.log_fetched(feedback)
    return alg.finish_results(
        feedback,
        context,
        dests[alg.OUTPUT],
        dests[alg.REJECTED],
        total,
        n_clean,
        counts,
        duplicates,
        government,
        run.rules.plates_hashed,
    )
