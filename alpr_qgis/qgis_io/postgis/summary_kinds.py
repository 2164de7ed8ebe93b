"""Camera kinds for ``alpr:summary``'s push-down: which devices are fixed cameras, counted in the database.

``core.tracks.camera_kinds`` calls a device fixed when ``FIXED_SHARE`` of
its located reads lie within the radius of their median position.  Exact
medians need every read of a device sorted; here one parallel scan first
rules out the devices that cannot be fixed (:func:`_screen`), and only the
others (usually none, or a few cameras) are measured exactly (:func:`_spreads`).
The same scan gives the located reads' extent for the report's map.
"""

from __future__ import annotations

import math

import numpy as np

from alpr_qgis.core.sql import finite


def camera_kinds(alg, pg, base: str, params: dict, parameters, context, working, srid: int, counts):
    """``core.tracks.camera_kinds``' table (device, kind, read_count) and the located reads' extent in ``working``.

    One scan counts each device's located reads in the cells of a grid of
    side at least twice the radius (:func:`_screen`).  A device is fixed only
    if ``FIXED_SHARE`` of its located reads lie within the radius of their
    median, hence in one 2 × 2 block of those cells; only the devices with
    such a block (usually none, or a few cameras) get their medians and the
    quantile of their distances computed exactly, in SQL.  The reads per
    device come from the counts by device and date.
    """
    from alpr_qgis.core.lazy import lazy_module
    from alpr_qgis.core.tracks import FIXED, FIXED_SHARE, MIN_FIXED_READS, MOBILE

    pd = lazy_module("pandas")
    radius = alg.parameterAsDouble(parameters, alg.FIXED_RADIUS_M, context)
    reads: dict = {}
    for device, _day, n, *_ in counts.device_dates:
        if device is not None:
            reads[device] = reads.get(device, 0) + int(n)
    located, extent = _screen(pg, base, params, working, srid, max(2.0 * radius * (1 + 1e-6), _CELL_MIN))
    candidates = [
        device
        for device, (c, most) in located.items()
        if radius > 0 and c >= MIN_FIXED_READS and most >= math.floor(FIXED_SHARE * (c - 1)) + 1
    ]
    spreads = _spreads(pg, base, params, working, srid, candidates) if candidates else {}
    devices = list(reads)
    fixed = [radius > 0 and spreads.get(d) is not None and spreads[d] <= radius for d in devices]
    table = pd.DataFrame(
        {
            "device": pd.Series(devices, dtype=object),
            "kind": [FIXED if f else MOBILE for f in fixed],
            "read_count": np.array([reads[d] for d in devices], dtype=np.int64),
        }
    )
    return table, extent


#: The screening grid's smallest side (metres).  Any side of at least twice the radius screens correctly; cells
#: of 1 km keep the groups few (at 10M reads over a city: 9.8 s instead of 14.3 s with 100 m cells), and a
#: device that keeps to a 2 km block (a camera, a parking patrol) is simply measured exactly.
_CELL_MIN = 1000.0


def _screen(pg, base: str, params: dict, working, srid: int, side: float):
    """({device: (located reads, most of them in one 2 × 2 block of cells)}, (located, x0, y0, x1, y1) or None).

    One scan of the located reads, each transformed once; the blocks are summed from the cells' counts.
    """
    from alpr_qgis.qgis_io.postgis.summary_map import metric_points

    points = metric_points(base, srid, working.postgisSrid(), "b.located")
    shifted = " UNION ALL ".join(
        "SELECT c.d, c.cx - {}, c.cy - {}, c.n FROM c".format(i, j) for i in (0, 1) for j in (0, 1)
    )
    rows = pg.query(
        "WITH c AS (SELECT p.d, floor(p.x / %(side)s) AS cx, floor(p.y / %(side)s) AS cy, count(*) AS n,"
        " min(p.x) AS x0, min(p.y) AS y0, max(p.x) AS x1, max(p.y) AS y1 FROM ({points}) AS p"
        " WHERE {f} GROUP BY 1, 2, 3),"
        " blocks AS (SELECT q.d, max(q.n) AS most FROM (SELECT s.d, sum(s.n) AS n FROM ({shifted}) AS s(d, cx, cy, n)"
        " WHERE s.d IS NOT NULL GROUP BY s.d, s.cx, s.cy) AS q GROUP BY q.d)"
        " SELECT c.d, sum(c.n), min(c.x0), min(c.y0), max(c.x1), max(c.y1), max(blocks.most)"
        " FROM c LEFT JOIN blocks ON blocks.d = c.d GROUP BY c.d".format(
            points=points, f=finite("p.x", "p.y"), shifted=shifted
        ),
        dict(params, side=side),
    )
    located = {d: (int(n), int(most or 0)) for d, n, _, _, _, _, most in rows if d is not None}
    if not rows:
        return located, None
    extent = (
        sum(int(r[1]) for r in rows),
        min(r[2] for r in rows),
        min(r[3] for r in rows),
        max(r[4] for r in rows),
        max(r[5] for r in rows),
    )
    return located, extent


def _spreads(pg, base: str, params: dict, working, srid: int, devices) -> dict:
    """{device: the ``FIXED_SHARE`` quantile of its located reads' distances from their median} (SQL)."""
    from alpr_qgis.core.tracks import FIXED_SHARE
    from alpr_qgis.qgis_io.postgis.summary_map import metric_points

    points = metric_points(base, srid, working.postgisSrid(), "b.d = ANY(%(devices)s) AND b.located")
    rows = pg.query(
        "WITH p AS ({points}),"
        " q AS (SELECT p.d, p.x, p.y FROM p WHERE {f}),"
        " m AS (SELECT q.d, percentile_cont(0.5) WITHIN GROUP (ORDER BY q.x) AS mx,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY q.y) AS my FROM q GROUP BY q.d)"
        " SELECT m.d, percentile_cont(%(share)s) WITHIN GROUP (ORDER BY sqrt((q.x - m.mx) ^ 2 + (q.y - m.my) ^ 2))"
        " FROM q JOIN m ON q.d = m.d GROUP BY m.d".format(points=points, f=finite("p.x", "p.y")),
        dict(params, share=FIXED_SHARE, devices=list(devices)),
    )
    return {d: spread for d, spread in rows}
