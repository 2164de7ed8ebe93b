"""Reads counted per census unit, per crime zone and near sites, in the database (joincensus, joincrime, sites).

The polygon and point layers these algorithms compare the reads with are
small and usually live in files: they are read through QGIS as on the file
path (the same repair of invalid polygons, the same CRS decisions), then
uploaded into the reads' database inside the one transaction that counts
(``TEMP`` tables ``ON COMMIT DROP`` with a GiST index, analysed).  Only
counts per unit, zone, hexagon, site or random draw come back.

The same rules as the file path (``core.spatial``):

* a read is in the *first* polygon covering it, the polygon grown by its
  ``border_tolerance`` as ``core.spatial`` grows it (``ST_Contains``);
* reads are measured in the polygons' CRS (``ST_Transform`` of the read);
  distances in metres in the same working CRS as the file path
  (``PgReads.metric_crs``);
* hexagons are found with ``HexGrid.cell_of``'s arithmetic on
  ``float8`` (``round`` on ``float8`` rounds half to even, as ``np.rint``).

Citus: the counts join the distributed reads to small tables through
``LATERAL ... ORDER BY idx LIMIT 1`` (per read, against a table every
worker can see when it is a reference table) and group by the unit; the
random draws number the located reads with ``row_number() OVER (ORDER BY
read_id)`` (not partitioned: run on the coordinator).
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sql import quote_ident

pd = lazy_module("pandas")

_names = itertools.count(1)

#: core.plates' normalisation strips these (a PostgreSQL regular expression as well).
PLATE_STRIP = r"[\s\-\.]+"

#: Rows per INSERT batch when uploading a small layer.
UPLOAD_ROWS = 1000


# ------------------------------------------------------------------ shared pieces


def located(pg) -> str:
    """SQL condition: the read has a location."""
    g = "r." + pg.geom()
    return "{g} IS NOT NULL AND NOT ST_IsEmpty({g})".format(g=g)


def own_srid(pg) -> int:
    """The reads' SRID (a column without one is read as EPSG:4326 degrees, as the file path does)."""
    return pg.srid or 4326


def point_in(pg, srid: int) -> str:
    """SQL expression: the read's point (alias ``r``) in ``srid`` (an integer we chose, not user text)."""
    return project(pg, "r." + pg.geom(), srid)


def lateral(expression: str, alias: str) -> str:
    """A FROM item naming ``expression`` (a geometry) ``alias``.p, computed once per row.

    A function call becomes a function scan (PostgreSQL would otherwise
    repeat a subquery's expression wherever its column is used: a
    projection per use); a bare column is simply renamed.
    """
    if expression.startswith("ST_"):
        return " CROSS JOIN LATERAL {} AS {}(p)".format(expression, alias)
    return " CROSS JOIN LATERAL (SELECT {}) AS {}(p)".format(expression, alias)


def project(pg, g: str, srid: int) -> str:
    """SQL expression: ``g``, a geometry of the reads' column, in ``srid``."""
    if not pg.srid:
        g = "ST_SetSRID({}, 4326)".format(g)
    return g if int(srid) == own_srid(pg) else "ST_Transform({}, {:d})".format(g, int(srid))


def srid_of(pg, crs) -> Optional[int]:
    """The PostGIS SRID of a QGIS CRS when the database knows it, else None (the caller keeps the file path)."""
    if crs is None or not crs.isValid():
        return None
    srid = int(crs.postgisSrid() or 0)
    if srid <= 0:
        return None
    rows = pg.connection.execute("SELECT 1 FROM public.spatial_ref_sys WHERE srid = %s", (srid,))
    return srid if rows else None


def scratch_name(kind: str) -> str:
    """A fresh name for a table of this transaction (``pg_temp``), quoted."""
    return "pg_temp." + quote_ident("alpr_{}_{}".format(kind, next(_names)))


def upload_polygons(pg, geoms: Sequence[Optional[object]], srid: int, labels: Optional[Sequence[str]] = None) -> str:
    """The shapely polygons ``geoms`` (None skipped) as ``(idx, label, geom)`` rows of a new TEMP table; its name.

    ``idx`` is the polygon's position; ``geom`` the polygon grown by its
    border tolerance exactly as ``core.spatial`` grows it before testing
    points (``ST_Contains`` on it is the file path's test); ``label`` from
    ``labels``.  Call inside a transaction (the table goes at commit).
    """
    from alpr_qgis.core.spatial import _grown, border_tolerance

    name = scratch_name("polygons")
    execute = pg.connection.execute
    execute("CREATE TEMP TABLE {} (idx integer, label text, geom geometry) ON COMMIT DROP".format(name))
    rows = [
        (i, labels[i] if labels is not None else None, bytes(_grown(g, border_tolerance(g.bounds)).wkb), int(srid))
        for i, g in enumerate(geoms)
        if g is not None and not g.is_empty
    ]
    _insert(pg, "INSERT INTO {} VALUES (%s, %s, ST_GeomFromWKB(%s, %s))".format(name), rows)
    execute("CREATE INDEX ON {} USING gist (geom)".format(name))
    execute("ANALYZE {}".format(name))
    return name


def upload_points(pg, x: np.ndarray, y: np.ndarray, srid: int, radius: float = 0.0) -> str:
    """Points (NaN skipped) as ``(idx, geom, box)`` rows of a new TEMP table; ``box`` (in the reads' SRID)
    holds every read within ``radius`` of the point, for the reads' GiST index.  Its name."""
    name = scratch_name("points")
    execute = pg.connection.execute
    execute("CREATE TEMP TABLE {} (idx integer, geom geometry, box geometry) ON COMMIT DROP".format(name))
    rows = [(i, float(x[i]), float(y[i]), int(srid)) for i in range(len(x)) if np.isfinite(x[i]) and np.isfinite(y[i])]
    _insert(pg, "INSERT INTO {} (idx, geom) VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), %s))".format(name), rows)
    # The circle, grown a little and drawn with many vertices, in the reads' CRS: only a first filter.
    execute(
        "UPDATE {n} SET box = ST_Envelope(ST_Transform(ST_Buffer(geom, %s, 32), %s))".format(n=name),
        (radius * 1.05 + 1.0, own_srid(pg)),
    )
    execute("CREATE INDEX ON {} USING gist (box)".format(name))
    execute("ANALYZE {}".format(name))
    return name


def _insert(pg, sql: str, rows: List[tuple]) -> None:
    conn = pg.connection
    binary = conn.module.Binary
    rows = [tuple(binary(v) if isinstance(v, bytes) else v for v in row) for row in rows]
    try:
        with conn.raw.cursor() as cursor:
            for start in range(0, len(rows), UPLOAD_ROWS):
                cursor.executemany(sql, rows[start : start + UPLOAD_ROWS])
    except conn.module.Error as error:
        raise conn.error(error) from None


@contextlib.contextmanager
def transaction(pg, feedback):
    """One transaction for a whole count (its TEMP tables go at the end), without JIT; a cancel stops it.

    A cancel is seen between statements (``check``) and, for a long one,
    by a watcher thread that cancels the running statement: either way the
    transaction is rolled back and ``Cancelled`` raised.  JIT compiling
    costs about half a second a statement, more than these gain from it;
    a Memoize node keyed on each read's own point never hits.
    """
    from alpr_qgis.qgis_io.postgis.connection import PostgisError, cancel_watch

    conn = pg.connection
    try:
        with cancel_watch(conn, feedback.isCanceled), conn.transaction():
            conn.execute("SET LOCAL jit = off")
            conn.execute("SET LOCAL enable_memoize = off")  # (a cache keyed on each read's point never hits)
            yield
    except (PostgisError, conn.module.Error) as error:
        if feedback.isCanceled():
            raise Cancelled() from None
        if isinstance(error, PostgisError):
            raise
        raise conn.error(error) from None


def check(feedback) -> None:
    """Between statements: stop (the transaction is rolled back) once cancelled."""
    if feedback.isCanceled():
        raise Cancelled()


def totals(pg) -> Tuple[int, int]:
    """(reads, reads without a location)."""
    g = pg.geom()
    n, missing = pg.query(
        "SELECT count(*), count(*) FILTER (WHERE {g} IS NULL OR ST_IsEmpty({g})) FROM {r}".format(g=g, r=pg.relation)
    )[0]
    return int(n), int(missing)


def first_polygon_counts(pg, table: str, srid: int, n_polygons: int) -> np.ndarray:
    """Reads per polygon of ``table`` (``upload_polygons``): each located read in the first polygon covering it."""
    rows = pg.query(
        "SELECT u.idx, count(*) FROM {reads} AS r{t_p} CROSS JOIN LATERAL ("
        "SELECT z.idx FROM {t} AS z WHERE ST_Contains(z.geom, t.p) ORDER BY z.idx LIMIT 1) AS u"
        " WHERE {located} GROUP BY u.idx".format(
            reads=pg.relation, t_p=lateral(point_in(pg, srid), "t"), t=table, located=located(pg)
        )
    )
    counts = np.zeros(n_polygons, dtype=np.int64)
    for idx, count in rows:
        counts[int(idx)] = int(count)
    return counts


# ------------------------------------------------------------------ joincensus


def census_counts(alg, pg, units, read_key: Optional[str], census_key: Optional[str], context, feedback):
    """``(reads per unit, reads, reads in no unit, reads without a location, the units' CRS, usable)``.

    What ``JoinCensusAlgorithm`` counts on the file path, counted in the
    database: a key join groups the reads by their key (the distinct keys
    come back, normalised here as ``core.census.count_by_key`` does); a
    spatial join uploads the units and counts per unit.  None when the
    units' CRS is not one the database knows (the file path then runs).
    """
    from alpr_qgis.qgis_io.inputs import polygons_crs

    if read_key:
        counts, n_reads, no_unit = _census_by_key(alg, pg, units, read_key, census_key, feedback)
        return counts, n_reads, no_unit, 0, units.crs, np.ones(len(units.fids), dtype=bool)
    ucrs = polygons_crs(units, pg.crs(), feedback, alg)
    srid = srid_of(pg, ucrs)
    if srid is None:
        return None
    with transaction(pg, feedback):
        n_reads, missing = totals(pg)
        alg.log_estimate(feedback, n_reads)
        feedback.setProgress(30)
        feedback.setProgressText(alg.tr("Finding the unit of each read"))
        check(feedback)
        table = upload_polygons(pg, units.geoms, srid)
        check(feedback)
        counts = first_polygon_counts(pg, table, srid, len(units.geoms))
    feedback.setProgress(65)
    usable = np.array([g is not None for g in units.geoms], dtype=bool)
    return counts, n_reads, n_reads - missing - int(counts.sum()), missing, ucrs, usable


def _census_by_key(alg, pg, units, read_key: str, census_key: str, feedback):
    """(reads per unit, reads, reads in no unit or without a key): the reads grouped by key in the database."""
    from decimal import Decimal

    from alpr_qgis.core.census import count_by_key, normalise_keys
    from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError

    column = pg.require(read_key, "READ_KEY_FIELD")
    fields = list(units.table.columns)
    if census_key not in fields:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'has no field "{field}".'),
            args={"field": census_key, "parameter": "CENSUS_KEY_FIELD", "fields": ", ".join(fields) or "(no fields)"},
            path=units.name,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
        )
    rows = pg.query("SELECT {k}, count(*) FROM {r} GROUP BY {k}".format(k=column, r=pg.relation))
    feedback.setProgress(30)
    keys = pd.Series([float(k) if isinstance(k, Decimal) else k for k, _ in rows], dtype=object)
    weights = np.array([int(c) for _, c in rows], dtype=np.int64)
    # The units' duplicate keys are refused as on the file path (one read per distinct key stands in).
    count_by_key(keys, units.table[census_key], units.name, census_key, units.fids)
    unit_keys = normalise_keys(units.table[census_key])
    position = {k: i for i, k in enumerate(unit_keys) if k is not None}
    read_keys = normalise_keys(keys)
    counts = np.zeros(len(unit_keys), dtype=np.int64)
    no_key = unmatched = 0
    for key, weight in zip(read_keys, weights):
        if key is None:
            no_key += int(weight)
        elif key in position:
            counts[position[key]] += int(weight)
        else:
            unmatched += int(weight)
    if no_key:
        feedback.pushWarning(alg.tr("{} reads have no {}: counted in no unit.").format(no_key, read_key))
    feedback.setProgress(65)
    return counts, int(weights.sum()), unmatched + no_key


# ------------------------------------------------------------------ joincrime


def reads_crs(pg):
    """The reads' CRS (EPSG:4326 for a geometry column without SRID, as the file path reads such a layer)."""
    from qgis.core import QgsCoordinateReferenceSystem

    return pg.crs() if pg.srid else QgsCoordinateReferenceSystem("EPSG:4326")


def zone_table(read_counts: np.ndarray, crime_counts: np.ndarray):
    """``core.crime.zone_counts``'s table from counts per zone."""
    reads = np.asarray(read_counts, dtype=np.int64)
    crimes = np.asarray(crime_counts, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_crime = np.where(crimes > 0, reads / np.where(crimes > 0, crimes, 1), np.nan)
    return pd.DataFrame({"read_count": reads, "crime_count": crimes, "reads_per_crime": per_crime})


def hex_counts(pg, grid, srid: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(q, r, reads) of the hexagons of ``grid`` holding located reads, ``HexGrid.cell_of`` computed in SQL."""
    rows = pg.query(
        "SELECT q, r, count(*) FROM ("
        " SELECT CASE WHEN dq > dr AND dq > ds THEN -rr - rs ELSE rq END AS q,"
        "  CASE WHEN NOT (dq > dr AND dq > ds) AND dr > ds THEN -rq - rs ELSE rr END AS r"
        " FROM (SELECT rq, rr, rs, abs(rq - fq) AS dq, abs(rr - fr) AS dr, abs(rs - (-fq - fr)) AS ds"
        "  FROM (SELECT fq, fr, round(fq) AS rq, round(fr) AS rr, round(-fq - fr) AS rs"
        "   FROM (SELECT fq, (y - %s) / %s - fq / 2.0::float8 AS fr"
        "    FROM (SELECT (cx.x - %s) * %s / %s AS fq, cy.y AS y FROM {reads} AS r{t_p}"
        "     CROSS JOIN LATERAL ST_X(t.p) AS cx(x) CROSS JOIN LATERAL ST_Y(t.p) AS cy(y)"
        "     WHERE {located}) AS a) AS b) AS c) AS d) AS cells"
        " GROUP BY q, r".format(t_p=lateral(point_in(pg, srid), "t"), reads=pg.relation, located=located(pg)),
        (float(grid.y0), float(grid.size), float(grid.x0), 2.0 / 3.0, float(grid.radius)),
    )
    q = np.array([int(row[0]) for row in rows], dtype=np.int64)
    r = np.array([int(row[1]) for row in rows], dtype=np.int64)
    n = np.array([int(row[2]) for row in rows], dtype=np.int64)
    return q, r, n


def crime_counts(alg, pg, parameters: Dict, context, feedback, zones, category_field, filter_text, cell_size):
    """``JoinCrimeAlgorithm``'s counts with the reads counted in the database; None to keep the file path.

    ``(counts per zone, q, r, the output CRS, the hex grid or None, reads,
    reads without a location, the crimes frame, the crimes kept)``.  The
    crimes (a small layer) are read and placed here as on the file path.
    """
    from alpr_qgis.core import spatial
    from alpr_qgis.core.hexgrid import HexGrid, cell_index
    from alpr_qgis.qgis_io.crs import transform_xy
    from alpr_qgis.qgis_io.inputs import polygons_crs
    from alpr_qgis.qgis_io.vector import read_frame

    own = reads_crs(pg)
    out_crs = polygons_crs(zones, own, feedback, alg) if zones is not None else pg.metric_crs()
    srid = srid_of(pg, out_crs)
    if srid is None:
        return None
    crimes = read_frame(alg, parameters, alg.CRIMES, context, [category_field] if category_field else [])
    keep = alg._filter(crimes, category_field, filter_text, feedback)
    crime_crs = crimes.crs if crimes.crs.isValid() else own
    if zones is None and out_crs != own:
        feedback.pushInfo(alg.tr("Hexagons built in {} (metres); the output is in this CRS.").format(out_crs.authid()))
    cx, cy = transform_xy(crimes.x[keep], crimes.y[keep], crime_crs, out_crs, context.transformContext())
    feedback.setProgressText(alg.tr("Counting reads and crimes per zone"))
    grid = q = r = None
    with transaction(pg, feedback):
        n_reads, missing = totals(pg)
        alg.log_estimate(feedback, n_reads)
        feedback.setProgress(45)
        check(feedback)
        if zones is not None:
            table = upload_polygons(pg, zones.geoms, srid)
            check(feedback)
            reads_per_zone = first_polygon_counts(pg, table, srid, len(zones.geoms))
            crime_zone = spatial.locate(cx, cy, zones.geoms)
            crimes_per_zone = np.bincount(crime_zone[crime_zone >= 0], minlength=len(zones.geoms))
        else:
            grid = HexGrid(cell_size)
            rq, rr, rn = hex_counts(pg, grid, srid)
            ok = np.isfinite(cx) & np.isfinite(cy)
            cq, cr = grid.cell_of(cx[ok], cy[ok])
            keys = np.unique(np.column_stack([np.concatenate([rq, cq]), np.concatenate([rr, cr])]), axis=0)
            q = keys[:, 0] if len(keys) else np.empty(0, dtype=np.int64)
            r = keys[:, 1] if len(keys) else np.empty(0, dtype=np.int64)
            reads_per_zone = np.zeros(len(q), dtype=np.int64)
            crimes_per_zone = np.zeros(len(q), dtype=np.int64)
            if len(q):
                reads_per_zone[cell_index(q, r, rq, rr)] = rn
                np.add.at(crimes_per_zone, cell_index(q, r, cq, cr), 1)
    if feedback.isCanceled():
        raise Cancelled()
    feedback.setProgress(80)
    counts = zone_table(reads_per_zone, crimes_per_zone)
    return counts, q, r, out_crs, grid, n_reads, missing, crimes, keep


# ------------------------------------------------------------------ sites


def _own_point(pg) -> str:
    g = "r." + pg.geom()
    return g if pg.srid else "ST_SetSRID({}, 4326)".format(g)


def _near(pg, points: str, srid: int) -> str:
    """SQL condition: read ``r`` within ``%s`` metres of the point ``s`` of table ``points``."""
    return "{own} && s.box AND ST_DWithin({p}, s.geom, %s)".format(own=_own_point(pg), p=point_in(pg, srid))


def _per_point(pg, points: str, srid: int, radius: float) -> Dict[int, int]:
    """{point idx: reads within ``radius``} for the points of ``points`` that have any."""
    rows = pg.query(
        "SELECT s.idx, count(*) FROM {t} AS s JOIN {reads} AS r ON {near} GROUP BY s.idx".format(
            t=points, reads=pg.relation, near=_near(pg, points, srid)
        ),
        (radius,),
    )
    return {int(idx): int(count) for idx, count in rows}


def _draw_counts(pg, positions: np.ndarray, srid: int, radius: float) -> np.ndarray:
    """Other reads within ``radius`` of each drawn read (``positions``: 0-based among the located reads in
    ``read_id`` order), as the file path counts them; only the distribution (count, draws) comes back.

    A hash join on cells of ``radius`` metres: each draw is listed in the
    nine cells around its own, each read meets the draws listed in its cell,
    and the distance is measured on the projected coordinates.
    """
    name, cells = scratch_name("draws"), scratch_name("cells")
    order = pg.ident("read_id") if pg.has("read_id") else "ctid"
    picked, times = np.unique(positions, return_counts=True)
    size = radius if radius > 0 else 1.0
    execute = pg.connection.execute
    execute(
        "CREATE TEMP TABLE {n} ON COMMIT DROP AS SELECT i AS idx, times, ST_X(p) AS x, ST_Y(p) AS y FROM ("
        "SELECT w.i, d.times, {p} AS p FROM (SELECT row_number() OVER (ORDER BY {o}) - 1 AS i, r.{g} AS g"
        " FROM {reads} AS r WHERE {located}) AS w JOIN unnest(%s::bigint[], %s::bigint[]) AS d(i, times)"
        " ON d.i = w.i) AS v".format(
            n=name, p=project(pg, "w.g", srid), o=order, g=pg.geom(), reads=pg.relation, located=located(pg)
        ),
        ([int(i) for i in picked], [int(t) for t in times]),
    )
    execute(
        "CREATE TEMP TABLE {c} ON COMMIT DROP AS SELECT s.idx, s.times, s.x, s.y, floor(s.x / %s)::bigint + ox AS cx,"
        " floor(s.y / %s)::bigint + oy AS cy FROM {n} AS s, generate_series(-1, 1) AS ox, generate_series(-1, 1) AS oy"
        "".format(c=cells, n=name),
        (size, size),
    )
    execute("ANALYZE {}".format(cells))
    rows = pg.query(
        "SELECT within - 1, sum(times) FROM (SELECT s.idx, s.times, count(*) AS within"
        " FROM {reads} AS r{t_p} CROSS JOIN LATERAL ST_X(t.p) AS cx(x)"
        " CROSS JOIN LATERAL ST_Y(t.p) AS cy(y)"
        " JOIN {cells} AS s ON s.cx = floor(cx.x / %s)::bigint AND s.cy = floor(cy.y / %s)::bigint"
        " WHERE {located} AND (cx.x - s.x) * (cx.x - s.x) + (cy.y - s.y) * (cy.y - s.y) <= %s"
        " GROUP BY s.idx, s.times) AS drawn GROUP BY within ORDER BY within".format(
            t_p=lateral(point_in(pg, srid), "t"), reads=pg.relation, located=located(pg), cells=cells
        ),
        (size, size, radius * radius),
    )
    return np.repeat(np.array([int(r[0]) for r in rows], dtype=np.int64), [int(r[1]) for r in rows])


def site_figures(alg, pg, parameters: Dict, context, feedback, plate_field: Optional[str], radius, draws, seed):
    """``SitesAlgorithm``'s figures with the reads counted in the database; None to keep the file path.

    ``(sites frame, sites' CRS, core.sites.SiteResult, reads, reads without a
    location)``.  The sites (a small layer) are uploaded in metres; the
    baseline draws the same read locations as the file path (the same
    generator over the located reads in ``read_id`` order) and counts in SQL.
    """
    from scipy import stats

    from alpr_qgis.core.sites import SiteResult
    from alpr_qgis.qgis_io.crs import transform_xy
    from alpr_qgis.qgis_io.vector import read_frame

    plate = pg.require(plate_field, "PLATE_FIELD") if plate_field else None
    work = pg.metric_crs()
    srid = srid_of(pg, work)
    if srid is None:
        return None
    own = reads_crs(pg)
    if work != own:
        feedback.pushInfo(alg.tr("Distances measured in {} (metres).").format(work.authid()))
    sites = read_frame(alg, parameters, alg.SITES, context)
    site_crs = sites.crs if sites.crs.isValid() else own
    sx, sy = transform_xy(sites.x, sites.y, site_crs, work, context.transformContext())
    feedback.setProgress(50)
    feedback.setProgressText(alg.tr("Counting reads near the sites and at random read locations"))
    n_sites = len(sx)
    site_located = np.isfinite(sx) & np.isfinite(sy)
    unique = np.full(n_sites, np.nan)
    draw_counts = np.empty(0, dtype=np.int64)
    with transaction(pg, feedback):
        n_reads, missing = totals(pg)
        alg.log_estimate(feedback, n_reads)
        check(feedback)
        table = upload_points(pg, sx, sy, srid, radius)
        per_site = _per_point(pg, table, srid, radius)
        counts = np.array([per_site.get(i, 0) for i in range(n_sites)], dtype=float)
        near_any = pg.query(
            "SELECT count(*) FROM {reads} AS r WHERE {located} AND EXISTS (SELECT 1 FROM {t} AS s WHERE {near})".format(
                reads=pg.relation, located=located(pg), t=table, near=_near(pg, table, srid)
            ),
            (radius,),
        )[0][0]
        if plate is not None:  # core.plates.normalise_plates: upper case, without spaces, dashes and dots
            plates = "upper(regexp_replace(r.{}::text, %s, '', 'g'))".format(plate)
            rows = pg.query(
                "SELECT s.idx, count(DISTINCT {n}) FROM {t} AS s JOIN {reads} AS r ON {near} GROUP BY s.idx".format(
                    n=plates, t=table, reads=pg.relation, near=_near(pg, table, srid)
                ),
                (PLATE_STRIP, radius),
            )
            unique[site_located] = 0
            for idx, n in rows:
                unique[int(idx)] = int(n)
        feedback.setProgress(70)
        n_valid = n_reads - missing
        if n_valid and draws > 0:
            check(feedback)
            positions = np.random.default_rng(seed).integers(0, n_valid, draws)
            draw_counts = _draw_counts(pg, positions, srid, radius)
    if feedback.isCanceled():
        raise Cancelled()
    counts[~site_located] = np.nan
    expected = float(draw_counts.mean()) if len(draw_counts) else np.nan
    percentile = np.full(n_sites, np.nan)
    if len(draw_counts):
        for i in np.flatnonzero(site_located):
            percentile[i] = stats.percentileofscore(draw_counts, counts[i], kind="mean")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(site_located & (expected > 0), counts / (expected if expected > 0 else 1.0), np.nan)
    table = pd.DataFrame(
        {
            "read_count": pd.array(np.where(site_located, counts, 0).astype(np.int64), dtype="Int64"),
            "unique_plates": pd.array(np.where(np.isfinite(unique), unique, 0).astype(np.int64), dtype="Int64"),
            "expected_reads": np.where(site_located, expected, np.nan),
            "percentile": percentile,
            "ratio_expected": ratio,
        }
    )
    table.loc[~site_located, "read_count"] = pd.NA
    table.loc[~np.isfinite(unique), "unique_plates"] = pd.NA
    feedback.setProgress(90)
    result = SiteResult(table=table, draw_counts=draw_counts, reads_near_any=int(near_any))
    return sites, site_crs, result, n_reads, missing
