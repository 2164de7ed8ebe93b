"""Where the reads of a PostGIS table lie, for ``alpr:summary``'s push-down: working CRS, time zone, map.

Each answer is the file path's, from a few rows: the working CRS from the
median position of the same sample of points and the time zone from the
same evenly spaced located reads (at most ``core.timezones.LOOKUP_SAMPLE``
rows), both from one ordered pass, and the report's map from the counts
of the same density grid binned in the database (one row per row of the
grid: its non-empty cells) instead of every point.
"""

from __future__ import annotations

import numpy as np
from qgis.core import QgsRectangle

from alpr_qgis.core.sql import ONCE, finite
from alpr_qgis.qgis_io import mapimage
from alpr_qgis.qgis_io.report_map import DRAW_POINTS_UP_TO


def samples(pg, base: str, params: dict, crs, placed: int, located: int, zone: bool):
    """``(working CRS, zone points or None)``: the file path's ``crs.working_crs`` and, with ``zone``, the
    evenly spaced located reads ``core.timezones.lookup_zone`` looks up, from ONE ordered pass.

    The working CRS is ``crs`` when metric, else the UTM zone of the median
    position of every k-th read with a geometry (all up to ``crs._SAMPLE``)
    in file order (``o``, the read id here), leaving out those exactly at 0,0
    unless nothing else is left.  Running counts (``count(*) FILTER ... OVER``)
    of the reads with a geometry and of the usable located reads pick both
    samples in the same pass; the medians are taken in the database and only
    the zone's points (at most ``LOOKUP_SAMPLE``) come back.
    """
    from alpr_qgis.core.timezones import LOOKUP_SAMPLE
    from alpr_qgis.qgis_io.crs import _SAMPLE, is_metric, utm_crs

    if is_metric(crs) and not zone:
        return crs, None
    step = int(placed) // _SAMPLE + 1 if int(placed) > _SAMPLE else 1
    use = "b.located AND NOT (b.lon = 0 AND b.lat = 0)"
    picks = []
    if not zone:
        pick = "false"
    elif located <= LOOKUP_SAMPLE:
        pick = "true"
    else:
        pick = "(count(*) FILTER (WHERE {}) OVER w - 1) = ANY(%(picks)s::bigint[])".format(use)
        picks = np.linspace(0, located - 1, LOOKUP_SAMPLE).round().astype(np.int64).tolist()
    median = "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.lon), percentile_cont(0.5) WITHIN GROUP (ORDER BY s.lat)"
    rows = pg.query(
        "WITH s AS MATERIALIZED (SELECT w.lon, w.lat, w.geo AND w.gi %% %(step)s = 0 AS m, w.use AND w.z AS z, w.ui"
        " FROM (SELECT b.lon, b.lat, NOT b.nogeom AS geo, {use} AS use, {pick} AS z,"
        " count(*) FILTER (WHERE NOT b.nogeom) OVER w - 1 AS gi, count(*) FILTER (WHERE {use}) OVER w - 1 AS ui"
        " FROM {base} AS b WINDOW w AS (ORDER BY b.o ROWS UNBOUNDED PRECEDING)) AS w"
        " WHERE (w.geo AND w.gi %% %(step)s = 0) OR (w.use AND w.z))"
        " SELECT 0, a.*, NULL::bigint FROM (SELECT {median} FROM s WHERE s.m AND {finite} AND (s.lon <> 0 OR s.lat <> 0))"
        " AS a UNION ALL SELECT 1, e.*, NULL FROM (SELECT {median} FROM s WHERE s.m AND {finite}) AS e"
        " UNION ALL SELECT 2, s.lon, s.lat, s.ui FROM s WHERE s.z ORDER BY 1, 4".format(
            use=use, pick=pick, base=base, median=median, finite=finite("s.lon", "s.lat")
        ),
        dict(params, step=step, picks=picks),
    )
    lon, lat = (rows[0][1], rows[0][2]) if rows[0][1] is not None else (rows[1][1], rows[1][2])
    if is_metric(crs):
        working = crs
    else:
        working = utm_crs(float(lon), float(lat)) if lon is not None else utm_crs(0.0, 0.0)
    if not zone:
        return working, None
    points = np.array([r[1:3] for r in rows[2:]], dtype=float).reshape(-1, 2)
    return working, (points[:, 0], points[:, 1])


class DatabaseReads:
    """The reads as ``report_map.draw_map`` needs them, counted and binned in the database."""

    def __init__(self, pg, base: str, params: dict, crs, srid: int, working, located: int, extent=None) -> None:
        self.pg, self.base, self.params = pg, base, params
        self.crs, self.srid, self.working, self.located = crs, srid, working, located
        self.extent = extent  # (located, x0, y0, x1, y1) in ``working`` when already counted, else None

    def map_crs(self):
        return self.working

    def density(self, map_crs, folder: str):
        """``(located reads, density raster or None)``: the grid of ``mapimage.density_layer``, counted in SQL."""
        if self.located <= DRAW_POINTS_UP_TO:
            return self.located, None
        located = metric_points(self.base, self.srid, map_crs.postgisSrid(), "b.located")
        where = finite("p.x", "p.y")
        if self.extent is not None and map_crs == self.working:
            count, x_min, y_min, x_max, y_max = self.extent
        else:
            count, x_min, y_min, x_max, y_max = self.pg.query(
                "SELECT count(*), min(p.x), min(p.y), max(p.x), max(p.y) FROM ({}) AS p WHERE {}".format(
                    located, where
                ),
                self.params,
            )[0]
        if not count or count <= DRAW_POINTS_UP_TO:
            return int(count or 0), None
        extent = QgsRectangle(float(x_min), float(y_min), float(x_max), float(y_max))
        extent.scale(1.1)
        width, height = extent.width(), extent.height()
        if width <= 0 or height <= 0:
            return int(count), None
        long_side = 450  # (mapimage.density_layer's)
        cell = max(width, height) / long_side
        cols, rows = max(1, int(np.ceil(width / cell))), max(1, int(np.ceil(height / cell)))
        x0, y1 = extent.xMinimum(), extent.yMinimum() + rows * cell
        # One row back per row of the grid: its non-empty cells and their counts (at most 450 rows).
        lines = self.pg.query(
            "SELECT c.r, array_agg(c.c), array_agg(c.n) FROM (SELECT g.r, g.c, count(*) AS n FROM"
            " (SELECT floor((%(y1)s - p.y) / %(cell)s) AS r, floor((p.x - %(x0)s) / %(cell)s) AS c"
            " FROM ({}) AS p WHERE {}) AS g WHERE g.c >= 0 AND g.c < %(cols)s AND g.r >= 0 AND g.r < %(rows)s"
            " GROUP BY g.r, g.c) AS c GROUP BY c.r".format(located, where),
            dict(self.params, x0=x0, y1=y1, cell=cell, cols=cols, rows=rows),
        )
        counts = np.zeros((rows, cols), dtype=np.float32)
        for r, cells, n in lines:
            counts[int(r), np.asarray(cells, dtype=np.int64)] = np.asarray(n, dtype=np.float32)
        return int(count), mapimage.density_raster(counts, x0, y1, cell, map_crs, folder)


def metric_points(base: str, srid: int, target: int, where: str) -> str:
    """The reads ``where`` says (device ``d``, ``x``, ``y`` in the SRID ``target``) as SQL to select from.

    Each point is transformed once, and its x and y read once: the point and then x and y are marked volatile
    (``core.sql.ONCE``), each in its own level, so that the planner neither copies ``ST_Transform`` (or
    ``ST_X``, which reads the whole geometry again) into every place they are used nor into a condition on them
    it pushes down; unlike ``OFFSET 0`` it keeps the scan and the partial aggregates in the parallel workers
    (and on a Citus cluster's workers).
    """
    point = "b.gl" if target == srid else "ST_Transform(b.gl, {:d})".format(int(target))
    return (
        "SELECT f.d, CASE WHEN {once} THEN NULL ELSE ST_X(f.pt) END AS x, CASE WHEN {once} THEN NULL ELSE ST_Y(f.pt)"
        " END AS y FROM (SELECT b.d, CASE WHEN {once} THEN NULL ELSE {point} END AS pt FROM {base} AS b"
        " WHERE {where}) AS f"
    ).format(once=ONCE, point=point, base=base, where=where)
