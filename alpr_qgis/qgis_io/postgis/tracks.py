"""``alpr:devicetracks`` on a PostGIS table: the tracks made by window functions in the database.

The same rules as ``core.tracks`` (see its docstring), in SQL:

* **Fixed cameras** (``FIXED_RADIUS_M`` > 0): per device, the median x and y
  of its located reads in the working metric CRS (``percentile_cont(0.5)``,
  linear between the two middle values as ``np.median``), then the 0.99
  quantile of their distances from there (``percentile_cont(0.99)``, the
  same linear rule as pandas).  Only these few rows come back; their devices
  go to the tracks query as one bound ``text[]``.
* **Tracks**: the moving devices' located, timed reads, positions projected
  with ``ST_Transform`` to the same metric CRS as the file path (chosen
  from the file path's sample in one aggregate row:
  ``postgis.anonymize.working_crs``), ordered by time then ``read_id`` (the input
  order) within each device.  ``lag``/``lead`` ``OVER (PARTITION BY device
  ...)`` find the lone glitches (computed once on the full sequence, as the
  file path does), then ``lag`` again over the reads kept gives each step:
  a new track starts at the device's first read, after a gap longer than
  the maximum, or after a step faster than the maximum speed (seconds at
  least 1).  A running ``count`` of the starts numbers the tracks; one row
  per track (``ST_MakeLine`` of the layer's points in order, read count,
  length as the sum of the steps in order, start and end) goes into a
  temporary table of this transaction (the glitches in rows of their own).
* **Outputs**: to a table of the same database, ``CREATE TABLE`` +
  ``INSERT ... SELECT`` from that per-track table, ``geometry(LineString,
  srid)`` with a GiST index, in the same transaction (nothing is left on an
  error or a cancel).  To any other destination the tracks (only the lines
  of two reads or more) stream back from a server-side cursor and go to the
  normal writer.

Times are compared as whole microseconds since the epoch, differences
divided in double precision as the file path's nanoseconds are (the same
quotient, so the same breaks).  Messages are the algorithm's own (its
``say_*`` methods and ``tr``), so both paths log the same lines.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from qgis.core import QgsProcessingException, QgsWkbTypes

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sql import qualified, quote_ident
from alpr_qgis.core.tracks import FIXED_SHARE, MIN_FIXED_READS
from alpr_qgis.qgis_io.plumbing import check_accounted, write_output
from alpr_qgis.qgis_io.postgis.connection import cancelled_in_server
from alpr_qgis.qgis_io.postgis.source import pg_destination, table_result

pd = lazy_module("pandas")
np = lazy_module("numpy")

#: Column types the push-down takes for the device and time fields (others are read through QGIS).
DEVICE_TYPES = ("text", "character varying", "character", "integer", "bigint", "smallint")
TIME_TYPES = ("timestamp without time zone",)

#: The temporary per-track table (dropped at the end of the transaction), created and read by this name.
_TRACKS = "alpr_tracks"
_TRACKS_TEMP = "pg_temp." + _TRACKS

#: Whitespace that makes a device blank for the fixed-camera test (as ``str.strip``).
_SPACES = " \t\n\r\x0b\x0c"

_TRACK_COLUMNS = (
    ("track_id", "bigint"),
    ("device", "text"),
    ("start_time", "timestamp without time zone"),
    ("end_time", "timestamp without time zone"),
    ("read_count", "bigint"),
    ("length_m", "double precision"),
    ("duration_min", "double precision"),
    ("start_reason", "text"),
    ("first_read_id", "bigint"),
    ("last_read_id", "bigint"),
)


def pushable(pg, device_field: str, time_field: str) -> bool:
    """Whether the fields have types the SQL reads as the file path does (else the rows go through QGIS).

    A missing field is left to the run, which names it.
    """
    device_type = pg.columns.get(device_field)
    time_type = pg.columns.get(time_field)
    return (device_type is None or device_type in DEVICE_TYPES) and (time_type is None or time_type in TIME_TYPES)


class _Sql:
    """The SQL pieces of one run: quoted names and the projected position."""

    def __init__(self, pg, device_field: str, time_field: str, metric_srid: int) -> None:
        self.rel = pg.relation
        self.dev = pg.require(device_field, "DEVICE_FIELD")
        self.time = pg.require(time_field, "TIME_FIELD")
        self.geom = pg.geom()
        with_id = pg.has("read_id") and "read_id" not in (device_field, time_field)
        self.read_id = pg.ident("read_id") if with_id else "NULL::bigint"
        self.order = pg.ident("read_id") if with_id else "ctid"
        has_point = "({g} IS NOT NULL AND NOT ST_IsEmpty({g}))".format(g=self.geom)
        # A latitude past the pole cannot be projected (QGIS gives NaN, ST_Transform an error): no location.
        pole = metric_srid != pg.srid and pg.crs().isGeographic()
        projectable = "abs(ST_Y({})) <= 90".format(self.geom) if pole else "TRUE"
        self.located = "({} AND {})".format(has_point, projectable)
        self.lost = "({} AND NOT {})".format(has_point, projectable) if pole else "FALSE"
        self.metric_srid = metric_srid
        self.transform = metric_srid != pg.srid
        self.point = self.point_of(self.geom)
        self.has_device = "({d} IS NOT NULL AND {d}::text <> '')".format(d=self.dev)

    def point_of(self, geometry: str) -> str:
        """``geometry`` (an expression) in the working metric CRS."""
        return "ST_Transform({}, {:d})".format(geometry, self.metric_srid) if self.transform else geometry


def _fixed_cameras(pg, sql: _Sql, radius_m: float) -> List[tuple]:
    """Rows (device, read_count, first_time, last_time, spread_m, x, y in the metric CRS) of the fixed cameras."""
    if not radius_m > 0:
        return []
    # r is read twice (medians, then distances from them): NOT MATERIALIZED, so each reading is a plain scan
    # (Citus pushes both down); positions projected where used, once a read in each pass.
    query = """
WITH r AS NOT MATERIALIZED (
  SELECT {dev}::text AS device, {t} AS t, {o} AS o, {located} AS located, {g} AS g FROM {rel}
  WHERE {dev} IS NOT NULL AND btrim({dev}::text, %(spaces)s) <> ''
),
m AS (
  SELECT device, count(*) AS n, min(t) AS first_time, max(t) AS last_time, min(o) AS first_seen,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_X({p})) FILTER (WHERE located) AS mx,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Y({p})) FILTER (WHERE located) AS my
  FROM r GROUP BY device HAVING count(*) FILTER (WHERE located) >= %(min_reads)s
),
s AS (
  SELECT r.device, percentile_cont(%(share)s) WITHIN GROUP (
           ORDER BY ST_Distance({rp}, ST_SetSRID(ST_MakePoint(m.mx, m.my), {srid:d}))) AS spread
  FROM r JOIN m USING (device) WHERE r.located GROUP BY r.device
)
SELECT m.device, m.n, m.first_time, m.last_time, s.spread, m.mx, m.my
FROM m JOIN s USING (device) WHERE s.spread <= %(radius)s ORDER BY m.first_seen
""".format(
        dev=sql.dev,
        t=sql.time,
        o=sql.order,
        g=sql.geom,
        located=sql.located,
        rel=sql.rel,
        p=sql.point_of("g"),
        rp=sql.point_of("r.g"),
        srid=sql.metric_srid,
    )
    params = {"spaces": _SPACES, "min_reads": MIN_FIXED_READS, "share": FIXED_SHARE, "radius": float(radius_m)}
    return pg.query(query, params)


def _tracks_statement(sql: _Sql, drop_glitches: bool) -> str:
    """CREATE TEMP TABLE of one row per track (rows with ``glitch`` true: the glitches, put aside, not tracks).

    Every CTE is read once (so PostgreSQL and Citus inline it: no materialised
    intermediate result), and every window is partitioned by the device: the
    glitches are set aside by partitioning by (device, glitch), so the steps
    of the reads kept skip them as the file path's second pass does.
    """
    step = "sqrt(({a}x - {b}x) * ({a}x - {b}x) + ({a}y - {b}y) * ({a}y - {b}y))"
    seconds = "greatest(({a}us - {b}us)::float8 / 1000000.0::float8, 1.0::float8)"
    fast = "(" + step + " / " + seconds + " > %(speed)s)"
    if drop_glitches:  # reached by a jump too fast, left by another, between two reads a car could link
        glitch = "(p0_us IS NOT NULL AND p2_us IS NOT NULL AND {} AND {} AND NOT {})".format(
            _fmt(fast, "", "p0_"), _fmt(fast, "p2_", ""), _fmt(fast, "p2_", "p0_")
        )
    else:
        glitch = "FALSE"
    return """
CREATE TEMP TABLE {tracks} ON COMMIT DROP AS
WITH pts AS (
  SELECT device, t, o, read_id, g, ST_X(p) AS x, ST_Y(p) AS y, (extract(epoch FROM t) * 1000000)::bigint AS us
  FROM (SELECT {dev}::text AS device, {t} AS t, {o} AS o, {read_id} AS read_id, ST_Force2D({g}) AS g, {point} AS p
        FROM {rel}
        WHERE {located} AND {t} IS NOT NULL AND {has_device} AND NOT ({dev}::text = ANY(%(fixed)s))) AS s
),
s1 AS (
  SELECT *, lag(x) OVER w AS p0_x, lag(y) OVER w AS p0_y, lag(us) OVER w AS p0_us,
         lead(x) OVER w AS p2_x, lead(y) OVER w AS p2_y, lead(us) OVER w AS p2_us
  FROM pts WINDOW w AS (PARTITION BY device ORDER BY t, o)
),
s2 AS (
  SELECT device, t, o, read_id, g, x, y, us, {glitch} AS glitch FROM s1
),
s3 AS (
  SELECT device, glitch, t, o, read_id, g, us, lag(us) OVER w AS p0_us,
         sqrt((x - lag(x) OVER w) * (x - lag(x) OVER w) + (y - lag(y) OVER w) * (y - lag(y) OVER w)) AS step
  FROM s2 WINDOW w AS (PARTITION BY device, glitch ORDER BY t, o)
),
s4 AS (
  SELECT *, CASE WHEN p0_us IS NULL THEN 'device_start'
                 WHEN (us - p0_us)::float8 / 1000000.0::float8 > %(gap)s THEN 'gap'
                 WHEN step / {seconds} > %(speed)s THEN 'speed' END AS reason
  FROM s3
),
s5 AS (
  SELECT *, count(reason) OVER (PARTITION BY device, glitch ORDER BY t, o ROWS UNBOUNDED PRECEDING) AS seg,
         lead(reason IS NOT NULL, 1, TRUE) OVER (PARTITION BY device, glitch ORDER BY t, o) AS ends
  FROM s4
)
SELECT device, glitch, seg, count(*) AS n,
       sum(CASE WHEN reason IS NULL THEN step ELSE 0.0::float8 END ORDER BY t, o) AS length_m,
       min(t) AS start_time, max(t) AS end_time, (max(us) - min(us))::float8 / 60000000.0::float8 AS duration_min,
       min(reason) AS start_reason,
       min(read_id) FILTER (WHERE reason IS NOT NULL) AS first_read_id, min(read_id) FILTER (WHERE ends) AS last_read_id,
       ST_MakeLine(g ORDER BY t, o) AS line
FROM s5 GROUP BY device, glitch, seg
""".format(
        tracks=_TRACKS,
        dev=sql.dev,
        t=sql.time,
        o=sql.order,
        read_id=sql.read_id,
        g=sql.geom,
        point=sql.point,
        rel=sql.rel,
        located=sql.located,
        has_device=sql.has_device,
        glitch=glitch,
        seconds=_fmt(seconds, "", "p0_"),
    )


def _fmt(template: str, a: str, b: str) -> str:
    return template.format(a=a, b=b)


def _skipped(pg, sql: _Sql, fixed: List[str]) -> Tuple[Tuple[int, int, int], int, int]:
    """((no location, no time, no device) among the reads not of a fixed camera, the mobile devices,
    the reads whose point cannot be projected)."""
    rows = pg.query(
        """
SELECT count(*) FILTER (WHERE moving AND NOT located),
       count(*) FILTER (WHERE moving AND located AND NOT timed),
       count(*) FILTER (WHERE moving AND located AND timed AND NOT has_device),
       count(DISTINCT device) FILTER (WHERE moving AND btrim(device, %(spaces)s) <> ''),
       count(*) FILTER (WHERE lost)
FROM (SELECT {located} AS located, {t} IS NOT NULL AS timed, {has_device} AS has_device, {dev}::text AS device,
             {lost} AS lost, ({dev} IS NULL OR NOT ({dev}::text = ANY(%(fixed)s))) AS moving FROM {rel}) AS s
""".format(located=sql.located, t=sql.time, has_device=sql.has_device, rel=sql.rel, dev=sql.dev, lost=sql.lost),
        {"fixed": fixed, "spaces": _SPACES},
    )
    values = [int(v) for v in rows[0]]
    return (values[0], values[1], values[2]), values[3], values[4]


_STATS = """
SELECT count(*) FILTER (WHERE NOT glitch AND n >= 2),
       count(DISTINCT device) FILTER (WHERE NOT glitch),
       count(*) FILTER (WHERE NOT glitch AND n = 1),
       coalesce(sum(n) FILTER (WHERE glitch), 0),
       coalesce(sum(n) FILTER (WHERE NOT glitch AND n >= 2), 0),
       coalesce(sum(length_m) FILTER (WHERE NOT glitch AND n >= 2), 0),
       count(*) FILTER (WHERE NOT glitch AND n >= 2 AND start_reason = 'gap'),
       count(*) FILTER (WHERE NOT glitch AND n >= 2 AND start_reason = 'speed')
FROM {}
""".format(_TRACKS_TEMP)

#: The tracks drawn (two reads or more), numbered by device then time: devices in the file path's order
#: (text by code point, as Python sorts it; integers by value).
_DRAWN = """
SELECT row_number() OVER (ORDER BY {order}, seg) AS track_id, device, start_time, end_time, n,
       length_m, duration_min, start_reason, first_read_id, last_read_id, {line}
FROM {tracks} WHERE NOT glitch AND n >= 2
"""


def run(alg, pg, parameters: Dict, context, feedback, device_field: str, time_field: str) -> Dict:
    """The whole of ``alpr:devicetracks`` on the PostGIS table ``pg``; the algorithm's results."""
    crs = pg.crs()
    sql = _Sql(pg, device_field, time_field, pg.srid)  # (names checked before any query)
    if not crs.isValid():
        raise QgsProcessingException(alg.tr("INPUT has no CRS: set the layer's CRS so distances can be measured."))
    n_input = int(pg.query("SELECT count(*) FROM {}".format(sql.rel))[0][0])
    if n_input == 0:
        raise QgsProcessingException(alg.tr("INPUT has no reads: the layer is empty."))
    alg.log_estimate(feedback, n_input)
    metric = pg.metric_crs()  # (the file path's zone, from one aggregate row)
    alg.say_metric(metric, crs, feedback)
    sql = _Sql(pg, device_field, time_field, metric.postgisSrid() if metric != crs else pg.srid)
    feedback.setProgress(10)
    # (JIT compiles these long plans for seconds and wins little: off for this connection, closed at the end)
    pg.connection.execute("SET jit = off")
    with cancelled_in_server(pg.connection, feedback.isCanceled):
        fixed = _fixed_cameras(pg, sql, alg.parameterAsDouble(parameters, alg.FIXED_RADIUS_M, context))
        fixed_devices = [row[0] for row in fixed]
        skipped, mobile, lost = _skipped(pg, sql, fixed_devices)
        alg.say_lost(feedback, lost)
        _check_cancel(feedback)
        feedback.setProgress(30)
        params = {
            "fixed": fixed_devices,
            "gap": alg.parameterAsDouble(parameters, alg.MAX_GAP_MINUTES, context) * 60.0,
            "speed": alg.parameterAsDouble(parameters, alg.MAX_SPEED_KMH, context) / 3.6,
        }
        drop_glitches = alg.parameterAsBoolean(parameters, alg.DROP_GLITCHES, context)
        connection = pg.connection
        cursor = connection.begin()
        try:
            cursor.execute(_tracks_statement(sql, drop_glitches), params)
            _check_cancel(feedback)
            feedback.setProgress(70)
            stats = [float(v) if i == 5 else int(v) for i, v in enumerate(pg.query(_STATS)[0])]
            results = _finish(alg, pg, parameters, context, feedback, crs, metric, fixed, skipped, stats, n_input)
            results[alg.MOBILE_DEVICE_COUNT] = mobile
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            cursor.close()
    pg.log_fetched(feedback)
    return results


def _check_cancel(feedback) -> None:
    if feedback.isCanceled():
        raise Cancelled()


def _finish(alg, pg, parameters, context, feedback, crs, metric, fixed, skipped, stats, n_input) -> Dict:
    """Report, check the accounting and write both outputs (inside the run's transaction)."""
    n_tracks, devices, singles, glitches, on_lines, length_m, gaps, speeds = stats
    n_fixed_reads = sum(int(row[1]) for row in fixed)
    if sum(skipped) + n_fixed_reads == n_input and not fixed:
        raise QgsProcessingException(
            alg.tr('None of the {} reads has a location, a time (field "{}") and a device (field "{}").').format(
                n_input,
                alg._field(parameters, alg.TIME_FIELD, "read_time", context),
                alg._field(parameters, alg.DEVICE_FIELD, "device", context),
            )
        )
    alg.say_tracks(feedback, n_tracks, devices, length_m, on_lines, gaps, speeds, glitches, singles, skipped)
    check_accounted(n_input, on_lines, singles, glitches, sum(skipped), n_fixed_reads)
    output = _write_tracks(alg, pg, parameters, context, feedback, crs)
    feedback.setProgress(90)
    fixed_dest = _write_fixed(alg, pg, parameters, context, feedback, crs, metric, fixed)
    feedback.setProgress(100)
    return {
        alg.FIXED_CAMERAS: fixed_dest,
        alg.FIXED_CAMERA_COUNT: len(fixed),
        alg.FIXED_READ_COUNT: n_fixed_reads,
        alg.OUTPUT: output,
        alg.TRACK_COUNT: n_tracks,
        alg.DEVICE_COUNT: devices,
        alg.SINGLE_READ_COUNT: singles,
        alg.GLITCH_COUNT: glitches,
        alg.MISSING_LOCATION_COUNT: skipped[0],
        alg.MISSING_TIME_COUNT: skipped[1],
        alg.MISSING_DEVICE_COUNT: skipped[2],
    }


def _device_order(pg, alg, parameters: Dict, context) -> str:
    """How the tracks' devices sort, as the file path sorts their values."""
    field = alg._field(parameters, alg.DEVICE_FIELD, "device", context)
    numeric = pg.columns.get(field) in ("integer", "bigint", "smallint")
    return "device::bigint" if numeric else 'device COLLATE "C"'


def _same_db_table(pg, parameters: Dict, name: str, context):
    """The output ``name``'s table when it is in the input's database (geometry column ``geom`` if not named)."""
    import dataclasses

    dest = pg_destination(parameters, name, context)
    if not pg.same_database(dest):
        return None
    return dataclasses.replace(dest, geometry=dest.geometry or "geom")


def _write_tracks(alg, pg, parameters: Dict, context, feedback, crs):
    """OUTPUT: made in the database (same database) or streamed to the normal writer; its destination."""
    table = _same_db_table(pg, parameters, alg.OUTPUT, context)
    if table is not None:
        target, geom = qualified(table.schema, table.table), quote_ident(table.geometry)
        columns = ", ".join("{} {}".format(quote_ident(c), kind) for c, kind in _TRACK_COLUMNS)
        statements = (
            "DROP TABLE IF EXISTS {}".format(target),
            "CREATE TABLE {} ({}, {} geometry(LineString, {:d}), PRIMARY KEY (track_id))".format(
                target, columns, geom, pg.srid
            ),
            "INSERT INTO {} ".format(target)
            + _DRAWN.format(line="line", tracks=_TRACKS_TEMP, order=_device_order(pg, alg, parameters, context)),
            "CREATE INDEX ON {} USING gist ({})".format(target, geom),
            "ANALYZE {}".format(target),
        )
        for statement in statements:
            _check_cancel(feedback)
            pg.connection.execute(statement)
        display = alg.parameterDefinition(alg.OUTPUT).description()
        return table_result(parameters, alg.OUTPUT, context, table, display)
    names = [c for c, _ in _TRACK_COLUMNS]
    rows: List[tuple] = []
    cursor = pg.connection.raw.cursor(name="alpr_tracks_out")
    try:
        cursor.execute(
            _DRAWN.format(
                line="ST_AsBinary(line, 'NDR')", tracks=_TRACKS_TEMP, order=_device_order(pg, alg, parameters, context)
            )
            + " ORDER BY track_id"
        )
        while True:
            _check_cancel(feedback)
            chunk = cursor.fetchmany(5000)
            if not chunk:
                break
            pg.fetched += len(chunk)
            rows.extend(chunk)
    finally:
        cursor.close()
    frame = pd.DataFrame.from_records([r[:-1] for r in rows], columns=names)
    frame = frame.astype({"track_id": "int64", "device": object, "read_count": "int64"})
    frame = frame.astype({"length_m": float, "duration_min": float, "start_reason": object})
    for column in ("start_time", "end_time"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("first_read_id", "last_read_id"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    dest, _ = write_output(
        alg,
        parameters,
        alg.OUTPUT,
        context,
        feedback,
        frame,
        style="tracks",
        wkb=[bytes(r[-1]) for r in rows],
        wkb_type=QgsWkbTypes.LineString,
        crs=crs,
    )
    return dest


def _write_fixed(alg, pg, parameters: Dict, context, feedback, crs, metric, fixed: List[tuple]) -> Optional[str]:
    """FIXED_CAMERAS at their median position, in the input's CRS (None when not asked)."""
    from alpr_qgis.qgis_io.crs import transform_xy

    if fixed:
        alg.say_fixed(feedback, [row[0] for row in fixed], sum(int(row[1]) for row in fixed))
    mx = np.array([row[5] for row in fixed], dtype=float)
    my = np.array([row[6] for row in fixed], dtype=float)
    x, y = transform_xy(mx, my, metric, crs, context.transformContext())
    spread = np.round(np.array([row[4] for row in fixed], dtype=float), 1)
    table = _same_db_table(pg, parameters, alg.FIXED_CAMERAS, context)
    if table is not None:
        target, geom = qualified(table.schema, table.table), quote_ident(table.geometry)
        pg.connection.execute("DROP TABLE IF EXISTS {}".format(target))
        pg.connection.execute(
            "CREATE TABLE {} (device text PRIMARY KEY, read_count bigint, first_time timestamp without time zone,"
            " last_time timestamp without time zone, spread_m double precision, {} geometry(Point, {:d}))".format(
                target, geom, pg.srid
            )
        )
        for k, row in enumerate(fixed):  # (a handful of cameras: one bound INSERT each)
            pg.connection.execute(
                "INSERT INTO {} VALUES (%s, %s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), {:d}))".format(
                    target, pg.srid
                ),
                (row[0], int(row[1]), row[2], row[3], float(spread[k]), float(x[k]), float(y[k])),
            )
        pg.connection.execute("CREATE INDEX ON {} USING gist ({})".format(target, geom))
        display = alg.parameterDefinition(alg.FIXED_CAMERAS).description()
        return table_result(parameters, alg.FIXED_CAMERAS, context, table, display)
    frame = pd.DataFrame(
        {
            "device": pd.Series([row[0] for row in fixed], dtype=object),
            "read_count": np.array([int(row[1]) for row in fixed], dtype="int64"),
            "first_time": pd.to_datetime(pd.Series([row[2] for row in fixed], dtype=object)),
            "last_time": pd.to_datetime(pd.Series([row[3] for row in fixed], dtype=object)),
            "spread_m": spread,
        }
    )
    dest, _ = write_output(
        alg, parameters, alg.FIXED_CAMERAS, context, feedback, frame, style="fixed_cameras", x=x, y=y, crs=crs
    )
    return dest
