"""alpr:hotspots in the database: reads per hexagon counted in SQL, then the file path's Gi*.

The reads are projected (``ST_Transform``) to the same metric CRS as the
file path's and binned to the same flat-topped hexagons of ``core.hexgrid``
by the same arithmetic (cube rounding, ``round`` on ``double precision``
ties to even as ``numpy.rint``; the constants bound as parameters, so each
step rounds as numpy's does).  One ``GROUP BY`` returns a row per occupied
hexagon: its read count and the extreme coordinates of its reads, which give
the reads' extent and, as the file path does, the hexagons of reads on the
extent's very edge.  The grid, Gi*, the classes and the output are then the
file path's (``core.hotspots``), on the hexagons only.

SQL used (Citus: a plain ``GROUP BY`` of one table; each worker groups its
shards, the coordinator merges the partial counts, min and max).
"""

from __future__ import annotations

from typing import Dict

import numpy as np
from qgis.core import QgsProcessingMultiStepFeedback, QgsWkbTypes

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.core.hotspots import binned_hotspots, cells_covering_bins, grid_cells
from alpr_qgis.qgis_io.boundary import boundary_area
from alpr_qgis.qgis_io.crs import is_metric, working_crs
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span, write_output
from alpr_qgis.qgis_io.postgis.copy_out import float_rows
from alpr_qgis.qgis_io.postgis.heatmap import FENCE, cancellable, query

# Cube rounding of (x, y) to axial (q, r), as HexGrid.cell_of: %s are y0, size, x0, 2/3, R (bound).  Each level
# carries a volatile column (FENCE) so that PostgreSQL computes it once per row instead of pasting its
# expressions (the transform among them) into every reference above.
_HEX_SQL = """
SELECT q, r, count(*) AS n, min(x) AS x0, max(x) AS x1, min(y) AS y0, max(y) AS y1 FROM (
  SELECT x, y,
         CASE WHEN fix_q THEN -rr - rs ELSE rq END AS q,
         CASE WHEN fix_r THEN -rq - rs ELSE rr END AS r
  FROM (
    SELECT x, y, rq, rr, rs, (dq > dr AND dq > ds) AS fix_q, (NOT (dq > dr AND dq > ds) AND dr > ds) AS fix_r
    FROM (
      SELECT x, y, rq, rr, rs, abs(rq - fq) AS dq, abs(rr - fr) AS dr, abs(rs - fs) AS ds, {fence}
      FROM (
        SELECT x, y, fq, fr, fs, round(fq) AS rq, round(fr) AS rr, round(fs) AS rs, {fence}
        FROM (
          SELECT x, y, fq, fr, -fq - fr AS fs, {fence}
          FROM (
            SELECT x, y, fq, ((y - %s::float8) / %s::float8) - fq / 2.0::float8 AS fr, {fence}
            FROM (
              SELECT x, y, (x - %s::float8) * %s::float8 / %s::float8 AS fq, {fence}
              FROM (SELECT ST_X(g) AS x, ST_Y(g) AS y, {fence}
                    FROM (SELECT {point} AS g, {fence} FROM {relation} WHERE {located}) AS p) AS xy
            ) AS a
          ) AS b
        ) AS c
      ) AS d
    ) AS e
  ) AS f
) AS cells
GROUP BY q, r
"""


def run_hotspots(alg, pg, parameters: Dict, context, feedback, cell_size: float, band: float, boundary_source):
    """alpr:hotspots on the PostGIS reads ``pg``: the same outputs as the file path's."""
    steps = QgsProcessingMultiStepFeedback(4, feedback)
    steps.setCurrentStep(0)
    geom = pg.geom()
    located = "{g} IS NOT NULL AND NOT ST_IsEmpty({g})".format(g=geom)
    total, n_located = query(
        pg, "SELECT count(*), count(*) FILTER (WHERE {}) FROM {}".format(located, pg.relation), None, feedback
    )[0]
    total, skipped = int(total), int(total) - int(n_located)
    alg.check_counts(total, skipped, feedback)
    alg.log_estimate(feedback, total)
    crs = _working_crs(alg, pg, boundary_source, context, feedback)

    steps.setCurrentStep(1)
    grid = HexGrid(cell_size)
    point = geom if crs.postgisSrid() == pg.srid else "ST_Transform({}, {})".format(geom, int(crs.postgisSrid()))
    sql = _HEX_SQL.format(point=point, relation=pg.relation, located=located, fence=FENCE)
    params = (grid.y0, grid.size, grid.x0, 2.0 / 3.0, grid.radius)
    chunks = [np.empty((0, 7))]
    with cancellable(pg, feedback):  # (COPY: the grouping runs in the parallel workers, unlike a cursor)
        hexagons = "SELECT h.q::float8, h.r::float8, h.n::float8, h.x0, h.x1, h.y0, h.y1 FROM ({}) AS h".format(sql)
        float_rows(pg, hexagons, params, 7, chunks.append)
    cells = np.concatenate(chunks)
    if feedback.isCanceled():
        raise Cancelled()

    steps.setCurrentStep(2)
    if boundary_source is not None:
        area = boundary_area(boundary_source, alg.BOUNDARY, crs, context.transformContext(), feedback.isCanceled)
        cell_q, cell_r = grid_cells(grid, area=area)
    else:
        cell_q, cell_r = cells_covering_bins(grid, cells)
    alg.log_grid(len(cell_q), cell_size, band, feedback)

    steps.setCurrentStep(3)
    result = binned_hotspots(grid, cell_q, cell_r, cells, band)
    table, outside = result.table, result.outside
    check_accounted(total, int(table["read_count"].sum()), outside, skipped)
    alg.log_result(table, outside, feedback)
    hexagons = {"wkb": grid.wkb(cell_q, cell_r), "wkb_type": QgsWkbTypes.Polygon, "crs": crs}
    where = {"style": "hotspots", "progress": progress_span(steps, 0, 100), **hexagons}
    dest, _ = write_output(alg, parameters, alg.OUTPUT, context, feedback, table, **where)
    pg.log_fetched(feedback)
    classes = table["hotspot_class"]
    return {
        alg.OUTPUT: dest,
        alg.HOT_COUNT: int((classes > 0).sum()),
        alg.COLD_COUNT: int((classes < 0).sum()),
        alg.CELL_COUNT: len(table),
        alg.MISSING_LOCATION_COUNT: skipped,
        alg.OUTSIDE_COUNT: outside,
    }


def _working_crs(alg, pg, boundary_source, context, feedback):
    """The file path's metric CRS: the reads' own (``pg.metric_crs()``), or the UTM zone of the boundary's centre."""
    crs = pg.crs()
    if is_metric(crs) or boundary_source is None:
        out = pg.metric_crs()
    else:
        centre = boundary_source.sourceExtent().center()
        out = working_crs(
            boundary_source.sourceCrs(), np.array([centre.x()]), np.array([centre.y()]), context.transformContext()
        )
    if out != crs:
        feedback.pushInfo(
            alg.tr("Projected to {} ({}) for metres; the output is in this CRS.").format(
                out.authid(), out.description()
            )
        )
    return out
