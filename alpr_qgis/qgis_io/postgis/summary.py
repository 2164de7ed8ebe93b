"""``alpr:summary`` on a PostGIS table: every count made in the database, only aggregates come back.

One derived view of the reads (:func:`_base`: the normalised plate and
state, the time, the device, the flags, where each read lies) is read by a
handful of aggregate statements:

- one scan grouped by device, date and hour: the totals (reads, plates
  present, duplicates, locations, reads near the reference point and
  outside the boundary, whether the plates look hashed), reads by weekday
  and hour, reads per device per date;
- the reads-per-plate distribution (``GROUP BY plate`` then ``GROUP BY`` the
  count: one row per distinct count, never one per plate) with the
  government plates and reads, and the ten most-read plates (their days,
  devices, first and last read from a second, filtered scan; the plate text
  never leaves the database);
- the working CRS and the time-zone sample from one ordered pass, and the
  map's grid (:mod:`alpr_qgis.qgis_io.postgis.summary_map`);
- the camera kinds and the map's extent from one scan of the located reads
  (:mod:`alpr_qgis.qgis_io.postgis.summary_kinds`).

Each point's degrees, projection and coordinates are computed once per row
(``core.sql.ONCE``): at 10M reads the whole summary takes 53 s instead of 131 s.

``summary_counts.summary_from_counts`` then builds the same ``Summary`` the
file path builds, and the algorithm writes the same table and report.
Values are bound (``%(name)s``), names quoted; nothing is written in the
database.  A table whose columns this cannot read as the file path does
(plates that are not text, times that are not timestamps) is read through
QGIS instead (:func:`summarise_in_database` returns None and says why).
"""

from __future__ import annotations

import contextlib
import math
from types import SimpleNamespace
from typing import Optional

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.sql import ONCE
from alpr_qgis.qgis_io.postgis.connection import PostgisError, cancel_watch

TEXT_TYPES = ("text", "character varying")
TIME_TYPES = ("timestamp without time zone", "date")
NUMBER_TYPES = ("smallint", "integer", "bigint", "numeric", "real", "double precision")
FLAG_TYPES = ("boolean",) + NUMBER_TYPES + TEXT_TYPES
# Python's str.strip() whitespace, as btrim's characters (bound as %(blanks)s).
BLANKS = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
_BLANKS = "%(blanks)s"


#: What ``core.plates`` removes from a plate (``[\\s\\-\\.]``: Python's whitespace, dashes, dots), for translate().
STRIPPED = "".join(c for c in map(chr, range(0x110000)) if c.isspace() or c in "-.")


def _normalised(column: str) -> str:
    """``core.plates`` normalisation in SQL: upper case, whitespace, dashes and dots removed; empty is null."""
    # (texts already normal, upper-case ASCII letters and digits, are kept as they are: a quick test first)
    return "CASE WHEN {c} ~ '^[A-Z0-9]+$' THEN {c} ELSE NULLIF(translate(upper({c}), %(strip)s, ''), '') END".format(
        c=column
    )


def _flag(column: str, kind: str) -> str:
    """``core.summary._as_bool`` in SQL: true, non-zero, or text 1/true/t/yes/y; null is false."""
    if kind == "boolean":
        return "coalesce({}, false)".format(column)
    if kind in NUMBER_TYPES:
        return "coalesce({} <> 0, false)".format(column)
    return "coalesce(lower(btrim({}, {})) IN ('1', 'true', 't', 'yes', 'y'), false)".format(column, _BLANKS)


def _unsupported(pg, columns) -> Optional[str]:
    """Why this table's columns are read through QGIS instead (None: the push-down reads them as the file path)."""
    for role, kinds in (("plate", TEXT_TYPES), ("state", TEXT_TYPES), ("device", TEXT_TYPES), ("time", TIME_TYPES)):
        name = columns.get(role)
        if name and pg.columns.get(name) not in kinds:
            return name
    for role in ("government", "duplicate"):
        name = columns.get(role)
        if name and pg.columns.get(name) not in FLAG_TYPES:
            return name
    return None


def _base(pg, columns, srid: int, setup, gov: str = "NULL::boolean") -> str:
    """The derived reads, one row each, as a parenthesised subquery (values as ``%(name)s`` parameters).

    The level that finds each read's degrees marks ``lon`` and ``lat`` volatile (``core.sql.ONCE``): PostgreSQL then
    computes them once per row in that level, instead of copying ``ST_X``/``ST_IsEmpty`` (or a transform) into
    every flag that uses them and into every condition on those flags it would push down to the scan.
    """
    geom = pg.geom()
    col = {role: pg.ident(name) if name else None for role, name in columns.items()}
    gl = geom if pg.srid else "ST_SetSRID({}, 4326)".format(geom)  # (no SRID: degrees, as the file path reads it)
    degrees = "r.gl" if srid == 4326 else "ST_Transform(r.gl, 4326)"
    device = col["device"]
    inner = [
        "{} AS o".format(col["read_id"] or "ctid"),
        "{} AS p".format(_normalised(col["plate"]) if col["plate"] else "NULL::text"),
        "{} AS s".format(_normalised(col["state"]) if col["state"] else "NULL::text"),
        "{} AS praw".format(col["plate"] or "NULL::text"),
        "{}::timestamp AS t".format(col["time"] or "NULL"),
        "CASE WHEN btrim({d}, {b}) = '' THEN NULL ELSE {d} END AS d".format(d=device, b=_BLANKS)
        if device
        else "NULL::text AS d",
        "{} AS draw".format(device or "NULL::text"),
        "{} AS dup".format(_flag(col["duplicate"], pg.columns[columns["duplicate"]]) if col["duplicate"] else "false"),
        "{} AS gfield".format(
            _flag(col["government"], pg.columns[columns["government"]]) if col["government"] else "false"
        ),
        "{} AS gl".format(gl),
        "({g} IS NULL OR ST_IsEmpty({g})) AS nogeom".format(g=geom),
    ]
    degrees_sql = (
        "SELECT r.*, CASE WHEN r.nogeom OR {v} THEN NULL ELSE ST_X(d.pt) END AS lon,"
        " CASE WHEN r.nogeom OR {v} THEN NULL ELSE ST_Y(d.pt) END AS lat"
        " FROM (SELECT {inner} FROM {rel}) AS r"
        " CROSS JOIN LATERAL (SELECT CASE WHEN r.nogeom THEN NULL ELSE {deg} END AS pt) AS d"
    ).format(inner=", ".join(inner), rel=pg.relation, deg=degrees, v=ONCE)
    missing = (
        "(m.nogeom OR NOT coalesce(abs(m.lon) <= 180 AND abs(m.lat) <= 90, false)"
        " OR (abs(m.lon) <= %(tol)s AND abs(m.lat) <= %(tol)s))"
    )
    invalid = "(NOT m.nogeom AND NOT coalesce(abs(m.lon) <= 180 AND abs(m.lat) <= 90, false))"
    island = "(NOT m.nogeom AND coalesce(abs(m.lon) <= 180 AND abs(m.lat) <= 90, false)" + (
        " AND abs(m.lon) <= %(tol)s AND abs(m.lat) <= %(tol)s)"
    )
    near = "false"
    if setup.reference is not None:
        near = (
            "CASE WHEN NOT {} AND m.lat BETWEEN %(ref_s)s AND %(ref_n)s AND m.lon BETWEEN %(ref_w)s AND %(ref_e)s"
            " THEN ST_DWithin(ST_SetSRID(ST_MakePoint(m.lon, m.lat), 4326)::geography,"
            " ST_SetSRID(ST_MakePoint(%(ref_lon)s, %(ref_lat)s), 4326)::geography, %(ref_m)s) ELSE false END"
        ).format(missing)
    outside = "false"
    if setup.boundary_srid is not None:
        point = "m.gl" if setup.boundary_srid == srid else "ST_Transform(m.gl, %(b_srid)s)"
        outside = "CASE WHEN NOT {} THEN NOT ST_Covers(z.shape, {}) ELSE false END".format(missing, point)
    gov_sql = gov.replace("{p}", "m.p")
    return (
        "(SELECT m.*, {inv} AS invalid, {isl} AS island, NOT {mis} AS located, {near} AS near, {out} AS outside,"
        " {gov} AS g FROM ({deg}) AS m{zone})"
    ).format(
        inv=invalid,
        isl=island,
        mis=missing,
        near=near,
        out=outside,
        gov=gov_sql,
        deg=degrees_sql,
        zone=" CROSS JOIN (SELECT ST_GeomFromWKB(%(b_wkb)s, %(b_srid)s) AS shape) AS z"
        if setup.boundary_srid is not None
        else "",
    )


def _boundary(setup, crs, srid: int, params: dict, feedback) -> None:
    """The dissolved boundary as a bound WKB in a CRS PostGIS knows (``setup.boundary_srid``; None: no boundary)."""
    from shapely import wkb

    setup.boundary_srid = None
    if setup.shape is None:
        return
    shape, bcrs = setup.shape
    if bcrs == crs or not bcrs.isValid():
        target = srid
    else:
        target = bcrs.postgisSrid()
        if not target or not bcrs.authid().upper().startswith("EPSG:"):
            return  # (read through QGIS: see summarise_in_database)
    setup.boundary_srid = int(target)
    params.update(b_wkb=wkb.dumps(shape), b_srid=int(target))


def _regex_ok(pg, setup) -> bool:
    """Whether PostgreSQL's regular expressions take GOVERNMENT_PATTERN (Python's own syntax, e.g. ``(?P<name>``,
    is read through QGIS instead)."""
    connection = pg.connection
    connection.execute("SAVEPOINT alpr_pattern")
    try:
        connection.execute("SELECT '' ~ %(gov)s", {"gov": "^(?:{})$".format(setup.gov_pattern)})
    except PostgisError:
        connection.execute("ROLLBACK TO SAVEPOINT alpr_pattern")
        return False
    connection.execute("RELEASE SAVEPOINT alpr_pattern")
    return True


def _check(feedback, progress: Optional[int] = None) -> None:
    if feedback.isCanceled():
        raise Cancelled()
    if progress is not None:
        feedback.setProgress(progress)


#: Settings of the one read-only transaction the statements share (``SET LOCAL``: gone with it).  PostGIS's
#: functions make the planner expect one row where there are millions (a nested loop then reads a table once
#: per device); the sorts of the medians fit in memory; JIT compiles for seconds what runs in one pass.
SESSION = (
    "SET LOCAL enable_nestloop = off",
    "SET LOCAL enable_sort = off",
    "SET LOCAL work_mem = '64MB'",
    "SET LOCAL jit = off",
)


@contextlib.contextmanager
def snapshot(pg, feedback=None):
    """One read-only transaction (REPEATABLE READ: every count from the same snapshot), rolled back at the end.

    With ``feedback``, a watcher cancels the running statement on the server as soon as the user cancels
    (``Cancelled`` is raised then), so a long aggregate does not have to finish first.
    """
    connection = pg.connection
    connection.begin().close()
    watching = contextlib.ExitStack()
    if feedback is not None:
        watching.enter_context(cancel_watch(connection, feedback.isCanceled))
    try:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for statement in SESSION:
            connection.execute(statement)
        yield
    except PostgisError:
        if feedback is not None and feedback.isCanceled():
            raise Cancelled() from None
        raise
    finally:
        watching.close()
        connection.rollback()


def summarise_in_database(alg, pg, parameters, context, feedback, setup):
    """``(summary, zone, map reads)`` of the PostGIS reads, or None when they are to be read through QGIS."""
    from alpr_qgis.core.geodesy import NULL_ISLAND_TOLERANCE_DEG
    from alpr_qgis.core.summary import SummaryInput
    from alpr_qgis.qgis_io.postgis import summary_kinds, summary_map
    from alpr_qgis.qgis_io.postgis.summary_counts import summary_from_counts

    columns = setup.columns
    why = _unsupported(pg, columns)
    geom = pg.geom()
    crs, srid = pg.crs(), pg.srid
    params = {"tol": NULL_ISLAND_TOLERANCE_DEG, "strip": STRIPPED, "blanks": BLANKS}
    _boundary(setup, crs, srid or 4326, params, feedback)
    if why is None and setup.shape is not None and setup.boundary_srid is None:
        why = alg.tr("the boundary's CRS")
    if why is None and columns.get("plate") and not columns.get("government") and not _regex_ok(pg, setup):
        why = "GOVERNMENT_PATTERN"
    if why is not None:
        feedback.pushInfo(
            alg.tr("{}: {} cannot be counted in the database as in a file; the reads are read through QGIS.").format(
                pg.label, why
            )
        )
        return None
    feedback.setProgressText(alg.tr("Reading the reads"))
    if not srid:
        crs = _no_crs(alg, pg, geom, feedback)
    if setup.reference is not None:
        lon, lat, metres = setup.reference[2]
        params.update(ref_lon=lon, ref_lat=lat, ref_m=metres, **_near_box(lon, lat, metres))
    base = _base(pg, columns, srid or 4326, setup)
    counts, located = _totals(pg, base, params, setup, columns)
    alg.log_estimate(feedback, counts.n)
    if not counts.n:
        feedback.pushWarning(alg.tr("The input layer has no features."))
    _check(feedback, 10)
    base = _government(pg, columns, srid or 4326, setup, counts, params)
    _plates(pg, base, params, counts)
    _check(feedback, 40)
    looked_up = not alg.parameterAsString(parameters, alg.TIMEZONE, context).strip()
    working, zone_points = summary_map.samples(pg, base, params, crs, counts.n - counts.no_geometry, located, looked_up)
    zone = _zone(alg, parameters, context, zone_points)
    feedback.pushInfo(
        alg.tr("Times are named in {} ({}).").format(zone[0] or alg.tr("local time as recorded"), zone[1])
    )
    _check(feedback, 45)
    rejected, unreadable = _other_layers(alg, parameters, context, feedback, crs, pg, setup)
    extent = None
    if columns.get("device"):
        counts.kinds, extent = summary_kinds.camera_kinds(
            alg, pg, base, params, parameters, context, working, srid or 4326, counts
        )
    _check(feedback)
    feedback.setProgressText(alg.tr("Counting"))
    data = SummaryInput(
        n=counts.n,
        rejected_reasons=rejected.reasons if rejected else None,
        rejected_all_reasons=rejected.all_reasons if rejected else None,
        rejected_locations=rejected.locations if rejected else None,
        unreadable_reasons=unreadable[0] if unreadable else None,
    )
    summary = summary_from_counts(counts, data)
    reads = summary_map.DatabaseReads(pg, base, params, crs, srid or 4326, working, located, extent)
    return summary, zone, reads


def _near_box(lon: float, lat: float, metres: float) -> dict:
    """A box in degrees around the reference point holding every point within ``metres`` of it, with room to
    spare (a degree of latitude is over 110 km; a degree of longitude over 111 km × cos of the box's highest
    latitude): the ellipsoidal distance is computed only inside it.  The whole world near a pole or the
    antimeridian, or for a distance over 1,000 km."""
    inf = float("inf")
    dlat = metres / 110_000.0 + 1e-6
    top = abs(lat) + dlat + 1.0
    if metres > 1_000_000.0 or top >= 89.0:
        return {"ref_s": -inf, "ref_n": inf, "ref_w": -inf, "ref_e": inf}
    dlon = 1.01 * metres / (111_000.0 * math.cos(math.radians(top))) + 1e-6
    west, east = (lon - dlon, lon + dlon) if lon - dlon > -180.0 and lon + dlon < 180.0 else (-inf, inf)
    return {"ref_s": lat - dlat, "ref_n": lat + dlat, "ref_w": west, "ref_e": east}


def _no_crs(alg, pg, geom, feedback):
    """A geometry column without an SRID: degrees when its coordinates can be (``inputs.reads_crs``)."""
    from qgis.core import QgsCoordinateReferenceSystem

    from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError

    plausible = pg.query(
        "SELECT coalesce(bool_and((abs(ST_X({g})) <= 180 OR ST_X({g}) = 'NaN')"
        " AND (abs(ST_Y({g})) <= 90 OR ST_Y({g}) = 'NaN')), true) FROM {r}"
        " WHERE {g} IS NOT NULL AND NOT ST_IsEmpty({g})".format(g=geom, r=pg.relation)
    )[0][0]
    if not plausible:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "has no CRS, and its coordinates are not longitudes and latitudes."),
            path=pg.layer_name,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Set the layer's CRS (Layer Properties → Source) and run again."),
        )
    feedback.pushWarning(alg.tr("{} has no CRS; its coordinates are read as EPSG:4326 degrees.").format(pg.layer_name))
    return QgsCoordinateReferenceSystem("EPSG:4326")


_HASHED = (
    "count({v}), min(length({v})), max(length({v})), coalesce(bool_and({v} ~ '^[0-9A-Fa-f]+$'), false),"
    " coalesce(bool_and({v} ~ '^[A-Za-z0-9+/_-]+={{0,2}}$'), false)"
)


def _looks_hashed(texts, short, long, hexa, b64) -> bool:
    """``core.plates._all_hashed`` from its aggregates: one length of 16 or more, all hex or all base64."""
    return bool(texts) and short == long and int(short) >= 16 and bool(hexa or b64)


def _head_not_hashed(pg, columns, params: dict) -> bool:
    """``plates_look_hashed``'s quick answer: the first 1,000 plates of the first 2,000 reads are not all hashed.

    Read from the table itself (the read_id index gives the first rows without a scan).
    """
    v = "NULLIF(btrim(h.praw, {}), '')".format(_BLANKS)
    order = pg.ident(columns["read_id"]) if columns.get("read_id") else "ctid"
    row = pg.query(
        "WITH f AS (SELECT r.{p} AS praw, r.{o} AS o FROM {rel} AS r ORDER BY r.{o} LIMIT 2000),"
        " h AS (SELECT f.praw FROM f WHERE f.praw IS NOT NULL ORDER BY f.o LIMIT 1000)"
        " SELECT count(*), {agg} FROM h".format(
            p=pg.ident(columns["plate"]), o=order, rel=pg.relation, agg=_HASHED.format(v=v)
        ),
        params,
    )[0]
    return int(row[0]) == 1000 and not _looks_hashed(*row[1:])


#: Columns of ``_totals``' rows before ``_HASHED``'s: device, date, hour, nine counts, first and last time.
_TALLIES = 14


def _totals(pg, base: str, params: dict, setup, columns):
    """Every count over the reads in ONE scan, by device, date and hour, and whether the plates look hashed.

    The rows (at most devices × dates × 24) give the totals, the reads per
    device per date with their first and last, and the reads by weekday and
    hour (``plates_look_hashed`` from per-group aggregates when the first
    plates do not already settle it).
    """
    from alpr_qgis.qgis_io.postgis.summary_counts import Counts

    decided = not columns.get("plate") or _head_not_hashed(pg, columns, params)
    hashed = "" if decided else ", " + _HASHED.format(v="NULLIF(btrim(b.praw, {}), '')".format(_BLANKS))
    rows = pg.query(
        "SELECT b.d, b.t::date, extract(hour FROM b.t)::int, count(*), count(b.p), count(*) FILTER (WHERE b.dup),"
        " count(*) FILTER (WHERE b.nogeom), count(*) FILTER (WHERE b.invalid), count(*) FILTER (WHERE b.island),"
        " count(*) FILTER (WHERE b.near), count(*) FILTER (WHERE b.outside), count(*) FILTER (WHERE b.located),"
        " min(b.t), max(b.t){h} FROM {b} AS b GROUP BY 1, 2, 3".format(h=hashed, b=base),
        params,
    )
    sums = [sum(int(r[i]) for r in rows) for i in range(3, _TALLIES - 2)]
    n, with_plate, dup, nogeom, invalid, island, near, outside, located = sums
    counts = Counts(
        n=n,
        plate_field=bool(columns.get("plate")),
        state_field=bool(columns.get("state")),
        with_plate=with_plate,
        hashed=False if decided else _looks_hashed(*_hashed_over(rows)),
        duplicates=dup if columns.get("duplicate") else None,
        no_geometry=nogeom,
        null_island=island,
        invalid=invalid,
        near=near if setup.reference is not None else None,
        reference_note=setup.reference[3] if setup.reference is not None else "",
        outside=outside if setup.shape is not None else None,
        time_field=bool(columns.get("time")),
        device_field=bool(columns.get("device")),
    )
    _times(rows, counts)
    return counts, located


def _hashed_over(rows):
    """``_HASHED``'s aggregates over every read from its per-group values (the columns after ``_TALLIES``)."""
    groups = [r[_TALLIES:] for r in rows if r[_TALLIES]]
    if not groups:
        return 0, None, None, False, False
    return (
        sum(int(g[0]) for g in groups),
        min(g[1] for g in groups),
        max(g[2] for g in groups),
        all(g[3] for g in groups),
        all(g[4] for g in groups),
    )


def _government(pg, columns, srid: int, setup, counts, params: dict) -> str:
    """The derived reads again, with each read's government flag (``core.summary._government``'s rule)."""
    if not counts.plate_field:
        return _base(pg, columns, srid, setup)
    if columns.get("government"):
        counts.government = (0, 0, "from the is_government field")
        return _base(pg, columns, srid, setup, "m.gfield")
    if counts.hashed:
        counts.government_why = (
            "plates are hashed: GOVERNMENT_PATTERN cannot be applied and there is no is_government field"
        )
        return _base(pg, columns, srid, setup)
    counts.government = (0, 0, "plates matching the pattern {}".format(setup.gov_pattern))
    params["gov"] = "^(?:{})$".format(setup.gov_pattern)
    return _base(pg, columns, srid, setup, "coalesce({p} ~ %(gov)s, false)")


def _plates(pg, base: str, params: dict, counts) -> None:
    """The reads-per-plate distribution (one row per distinct count), the government plates and reads, and the
    ten most-read plates (ties: the plate read first comes first), by rank: the plate text stays in the database.

    The ten are found in the one ``GROUP BY`` of the plates; their days, devices, first and last read come from a
    second scan that keeps only the reads whose plate has one of their ``hashtext`` values (a parallel scan; a
    hash colliding with another plate is told apart by its count and first read).
    """
    from alpr_qgis.core.metrics import TOP_PLATES

    if not counts.plate_field:
        return
    rows = pg.query(
        "WITH k AS MATERIALIZED (SELECT b.p, b.s, count(*) AS n, count(*) FILTER (WHERE b.g) AS gn, min(b.o) AS o"
        " FROM {b} AS b GROUP BY b.p, b.s),"
        " top AS (SELECT k.p, k.s, k.n, k.o FROM k WHERE k.p IS NOT NULL ORDER BY k.n DESC, k.o LIMIT %(top)s),"
        " dist AS (SELECT k.n, count(*) AS c, count(*) FILTER (WHERE k.gn > 0) AS gp, sum(k.gn) AS gr FROM k"
        " WHERE k.p IS NOT NULL GROUP BY k.n UNION ALL SELECT 0, 0, 0, sum(k.gn) FROM k WHERE k.p IS NULL)"
        " SELECT false, dist.n, dist.c, dist.gp, dist.gr, NULL::text, NULL::int FROM dist"
        " UNION ALL SELECT true, top.n, row_number() OVER (ORDER BY top.n DESC, top.o), NULL, NULL, top.o::text,"
        " hashtext(top.p) FROM top".format(b=base),
        dict(params, top=TOP_PLATES),
    )
    plates = reads = 0
    top = []
    for is_top, n, count, gov_plates, gov_reads, first_read, key in rows:
        if is_top:
            top.append((int(count), int(n), first_read, key))
            continue
        if n:
            counts.per_plate[int(n)] = int(count)
        plates += int(gov_plates or 0)
        reads += int(gov_reads or 0)
    counts.top = _top_details(pg, base, params, top)
    if counts.government is not None:
        counts.government = (plates, reads, counts.government[2])


def _top_details(pg, base: str, params: dict, top) -> list:
    """(reads, days, devices, first, last, government) of the most-read plates, by rank; ``top`` holds their
    (rank, reads, first read id, hashtext)."""
    if not top:
        return []
    details = {}
    for n, first_read, days, devices, first, last, gov in pg.query(
        "SELECT count(*), min(b.o)::text, count(DISTINCT b.t::date),"
        " count(DISTINCT b.draw) FILTER (WHERE b.d IS NOT NULL), min(b.t), max(b.t), bool_or(b.g)"
        " FROM {} AS b WHERE hashtext(b.p) = ANY(%(keys)s) GROUP BY b.p, b.s".format(base),
        dict(params, keys=sorted({key for *_, key in top})),
    ):
        details[(int(n), first_read)] = (int(n), days, devices, first, last, gov)
    return [details[(n, first_read)] for _, n, first_read, _ in sorted(top)]


def _times(rows, counts) -> None:
    """Reads per device per date with their first and last, and by weekday and hour (Monday first), from the
    counts by device, date and hour."""
    per_day = {}
    by_hour = np.zeros((7, 24), dtype=np.int64)
    for device, day, hour, reads, *_, first, last in (r[:_TALLIES] for r in rows):
        key = (device, day)
        if key in per_day:
            had = per_day[key]
            per_day[key] = (had[0] + int(reads), min(had[1], first), max(had[2], last))
        else:
            per_day[key] = (int(reads), first, last)
        if day is not None:
            by_hour[day.weekday(), int(hour)] += int(reads)
    counts.device_dates = [(device, day, *values) for (device, day), values in per_day.items()]
    if counts.time_field:
        counts.weekday_hour = by_hour
        counts.by_hour = by_hour.sum(axis=0).astype(np.int64)


def _zone(alg, parameters, context, points):
    """``summary_parts.zone_of``: TIMEZONE when given, else looked up from the sample of located reads ``points``
    ((lon, lat): ``summary_map.samples``)."""
    from alpr_qgis.qgis_io import report_io, summary_parts

    if points is None:
        return summary_parts.zone_of(alg, parameters, context, None, None)
    lon, lat = points
    zone = report_io.lookup_zone(lon, lat) if len(lon) else None
    if zone:
        return zone, alg.tr("looked up from where the reads are")
    return None, alg.tr("the zone could not be looked up from the reads' locations")


def _other_layers(alg, parameters, context, feedback, crs, pg, setup):
    """``summary_parts.other_layers``: the shared read ids counted in the database (one row back)."""
    from alpr_qgis.qgis_io import report_io

    rejected = report_io.read_rejected(alg, parameters, alg.REJECTED, context, crs)
    unreadable = report_io.read_unreadable(alg, parameters, alg.UNREADABLE, context) if setup.unreadable_plan else None
    read_id = setup.columns.get("read_id")
    for other, what in ((rejected, "REJECTED"), (unreadable, "UNREADABLE")):
        ids = None if other is None else (other.read_ids if what == "REJECTED" else other[2])
        if not read_id or ids is None or not len(ids):
            continue
        shared = int(
            pg.query(
                "SELECT count(DISTINCT {c}) FROM {r} WHERE {c} = ANY(%(ids)s)".format(
                    c=pg.ident(read_id), r=pg.relation
                ),
                {"ids": np.unique(ids).astype(np.int64).tolist()},
            )[0][0]
        )
        if shared:
            feedback.pushWarning(
                alg.tr(
                    "{} read_id values are both in INPUT and in {}: records_in_source counts them twice. "
                    "Give the clean reads as INPUT and each step's own rejected layer."
                ).format(shared, what)
            )
    return rejected, unreadable


def as_setup(**values) -> SimpleNamespace:
    """What the algorithm checked before reading (fields, pattern, reference, boundary, plans), for this module."""
    return SimpleNamespace(**values)
