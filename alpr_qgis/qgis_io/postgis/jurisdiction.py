"""alpr:jurisdiction on a PostGIS table: the reads outside the boundary found, named and measured in the database.

The boundary (dissolved), the neighbours and the boundary's edges in metres
are prepared here exactly as the file path prepares them (``core.spatial``'s
polygons grown by their border tolerance; ``qgis_io.boundary``'s edges cut
and projected to the same working CRS), then uploaded into the reads'
database inside ONE transaction (``TEMP`` tables ``ON COMMIT DROP``):

* a read is inside when the grown boundary contains it (``ST_Contains``), as
  ``core.jurisdiction.classify``; the first neighbour containing it names it;
* its distance is ``ST_Distance`` to the edges in the working CRS, the read
  projected to the boundary's CRS, then to that one, as on the file path.

The reads outside go into the OUTPUT table itself when it is in the same
database (``CREATE TABLE ... AS``, geometry typed, GiST index) or into a
table of the transaction that is streamed a chunk at a time into the normal
writers.  The summary by jurisdiction, the counts and the reads at 0,0 are
aggregates of that table.  Nothing is written unless the whole transaction
commits.

Citus: the reads join small tables (the boundary, the neighbours, the edges:
reference tables there) and ``LATERAL ... ORDER BY idx LIMIT 1`` per read;
``percentile_cont`` runs on the coordinator over the reads outside.
"""

from __future__ import annotations

import contextlib
from typing import Dict, List, Optional

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.sql import qualified, quote_ident
from alpr_qgis.qgis_io.postgis.joins import (
    _insert,
    check,
    lateral,
    located,
    own_srid,
    project,
    reads_crs,
    scratch_name,
    srid_of,
    totals,
    transaction,
    upload_polygons,
)

pd = lazy_module("pandas")

#: Boundary edges per line of the edges table.
EDGE_SEGMENTS = 128

#: Reads at 0,0 are looked for within this many degrees (the warning's own tolerance is smaller).
ISLAND_BOX_DEG = 1.0


class SummaryTally:
    """What ``jurisdiction`` asks of ``core.jurisdiction.OutsideTally``, from the database's aggregates."""

    def __init__(self, summary) -> None:
        self._summary = summary

    def summary(self):
        return self._summary

    @property
    def unnamed_count(self) -> int:
        from alpr_qgis.core.jurisdiction import UNNAMED

        hit = self._summary[self._summary["jurisdiction"] == UNNAMED]
        return int(hit["read_count"].sum()) if len(hit) else 0

    @property
    def max_distance(self) -> float:
        values = self._summary["max_distance_m"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        return float(values.max()) if len(values) else 0.0


def edge_lines(segments: np.ndarray, per_line: int = EDGE_SEGMENTS) -> List[np.ndarray]:
    """Consecutive segments (rows x1, y1, x2, y2) joined into lines of at most ``per_line``, vertices as given."""
    lines: List[np.ndarray] = []
    start = 0
    for i in range(1, len(segments) + 1):
        if i == len(segments) or i - start >= per_line or not np.array_equal(segments[i, :2], segments[i - 1, 2:]):
            part = segments[start:i]
            lines.append(np.vstack([part[:, :2], part[-1:, 2:]]))
            start = i
    return lines


def _upload_edges(pg, segments: np.ndarray, srid: int) -> str:
    """The boundary's edges in a TEMP table (GiST index), a line of up to ``EDGE_SEGMENTS`` a row; its name.

    Short lines keep both the index search and the exact distance to each
    candidate cheap (measured: about 4 times faster per read than a row per
    segment, and than one line for the whole boundary).
    """
    from shapely.geometry import LineString

    name = scratch_name("edges")
    pg.connection.execute("CREATE TEMP TABLE {} (geom geometry) ON COMMIT DROP".format(name))
    rows = [(bytes(LineString(line).wkb), int(srid)) for line in edge_lines(segments)]
    _insert(pg, "INSERT INTO {} VALUES (ST_GeomFromWKB(%s, %s))".format(name), rows)
    pg.connection.execute("CREATE INDEX ON {} USING gist (geom)".format(name))
    pg.connection.execute("ANALYZE {}".format(name))
    return name


class _Run:
    """One run: the CRSs, the uploaded tables, the SQL of the reads outside."""

    def __init__(self, alg, pg, parameters: Dict, context, feedback, boundary, neighbours, names) -> None:
        from alpr_qgis.qgis_io.inputs import polygons_crs, unique_name

        self.alg, self.pg, self.parameters, self.context, self.feedback = alg, pg, parameters, context, feedback
        self.boundary, self.neighbours, self.names = boundary, neighbours, names
        self.crs = reads_crs(pg)
        self.boundary_crs = polygons_crs(boundary, self.crs, feedback, alg)
        self.neighbour_crs = polygons_crs(neighbours, self.crs, feedback, alg) if neighbours is not None else None
        fields = [c for c in pg.columns if c != pg.geometry]
        kept = unique_name(pd.DataFrame(columns=fields), ("jurisdiction", "distance_m"), feedback, alg)
        self.fields = list(kept.columns)
        self.order = pg.ident("read_id") if pg.has("read_id") else "r.ctid"

    def srids(self, area):
        """(boundary, neighbours, metres) SRIDs and the edges; None when the database lacks one of the CRSs."""
        from alpr_qgis.qgis_io.boundary import metric_segments

        segments, self.work = metric_segments(area, self.boundary_crs, self.context.transformContext())
        srids = [srid_of(self.pg, self.boundary_crs), srid_of(self.pg, self.work)]
        if self.neighbours is not None:
            srids.append(srid_of(self.pg, self.neighbour_crs))
        if any(s is None for s in srids):
            return None
        return srids, segments

    def select(self, area_table: str, edges: str, neighbours: Optional[str], bsrid: int, nsrid, wsrid: int) -> str:
        """The reads outside: their fields, jurisdiction, distance_m, point and order.

        Each read is projected once to the boundary's CRS (``b.p``) and to
        metres (``w.p``); the nearest edge is found through the edges' GiST
        index (``<->``: the exact distance, rechecked).
        """
        pg = self.pg
        g = "r." + pg.geom()
        columns = ", ".join("r.{} AS {}".format(pg.ident(f), quote_ident(f)) for f in self.fields)
        if neighbours is not None:
            in_neighbours = "b.p" if nsrid == bsrid else project(pg, g, nsrid)
            name = (
                " LEFT JOIN LATERAL (SELECT z.label FROM {n} AS z WHERE ST_Contains(z.geom, {p})"
                " ORDER BY z.idx LIMIT 1) AS nb ON true".format(n=neighbours, p=in_neighbours)
            )
            jurisdiction = "coalesce(nb.label, 'unnamed')"
        else:
            name, jurisdiction = "", "'unnamed'::text"
        metres = "b.p" if wsrid == bsrid else "ST_Transform(b.p, {:d})".format(int(wsrid))
        return (
            "SELECT {c}{sep}{j} AS jurisdiction, dist.d AS distance_m, {g} AS alpr_point, {o} AS alpr_row"
            " FROM {reads} AS r{b} CROSS JOIN {a} AS a{name}{w}"
            " CROSS JOIN LATERAL (SELECT ST_Distance(e.geom, w.p)::float8 AS d FROM {e} AS e"
            " ORDER BY e.geom <-> w.p LIMIT 1) AS dist"
            " WHERE {located} AND NOT ST_Contains(a.geom, b.p)".format(
                c=columns,
                sep=", " if columns else "",
                j=jurisdiction,
                g=project(pg, g, own_srid(pg)),
                o=self.order,
                reads=pg.relation,
                b=lateral(project(pg, g, bsrid), "b"),
                a=area_table,
                name=name,
                w=lateral(metres, "w"),
                e=edges,
                located=located(pg),
            )
        )

    def labels(self) -> Optional[List[str]]:
        from alpr_qgis.core.jurisdiction import UNNAMED

        if self.neighbours is None:
            return None
        return [
            UNNAMED if n is None or (isinstance(n, float) and np.isnan(n)) or not str(n).strip() else str(n)
            for n in self.names
        ]

    def summary(self, table: str):
        """``core.jurisdiction.by_jurisdiction``'s table, from aggregates of ``table`` (the reads outside)."""
        from alpr_qgis.core.jurisdiction import by_jurisdiction

        has_time, has_device = "read_time" in self.fields, "device" in self.fields
        parts = [
            "jurisdiction",
            "count(*)",
            "min(distance_m)",
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY distance_m)",
            "max(distance_m)",
        ]
        if has_time:
            parts += ["min(read_time)", "max(read_time)"]
        if has_device:
            parts += ["array_agg(DISTINCT device::text) FILTER (WHERE device IS NOT NULL)"]
        rows = self.pg.query("SELECT {} FROM {} AS t GROUP BY jurisdiction".format(", ".join(parts), table))
        if not rows:
            times = pd.Series([], dtype="datetime64[ns]") if has_time else None
            devices = pd.Series([], dtype=object) if has_device else None
            return by_jurisdiction(np.empty(0, dtype=object), np.empty(0), times, devices)
        columns = ["jurisdiction", "read_count", "min_distance_m", "median_distance_m", "max_distance_m"]
        columns += ["first_read", "last_read"] if has_time else []
        columns += ["devices"] if has_device else []
        out = pd.DataFrame([list(r) for r in rows], columns=columns)
        out["read_count"] = out["read_count"].astype("int64")
        for c in ("min_distance_m", "median_distance_m", "max_distance_m"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
        if has_time:
            for c in ("first_read", "last_read"):
                out[c] = pd.to_datetime(out[c], errors="coerce")
        if has_device:
            out["devices"] = [", ".join(sorted(set(v))) if v else None for v in out["devices"]]
        out = out.sort_values(["read_count", "jurisdiction"], ascending=[False, True], kind="stable")
        return out[columns].reset_index(drop=True)

    def warn_null_island(self, table: str) -> None:
        """The reads outside at 0,0 (looked for near it in the database), warned about as on the file path."""
        from qgis.core import QgsCoordinateReferenceSystem

        from alpr_qgis.qgis_io.inputs import warn_null_island

        g = "t.alpr_point"
        degrees = project(self.pg, g, 4326) if self.pg.srid else g
        rows = self.pg.query(
            "SELECT lon, lat FROM (SELECT ST_X(d) AS lon, ST_Y(d) AS lat FROM (SELECT {d} AS d FROM {t} AS t) AS p)"
            " AS q WHERE abs(lon) <= %s AND abs(lat) <= %s".format(d=degrees, t=table),
            (ISLAND_BOX_DEG, ISLAND_BOX_DEG),
        )
        lon = np.array([r[0] for r in rows], dtype=float)
        lat = np.array([r[1] for r in rows], dtype=float)
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        warn_null_island(self.alg, lon, lat, wgs84, self.context.transformContext(), self.feedback)

    def create(self, select: str, params, target) -> str:
        """The reads outside as the OUTPUT table ``target`` (same database); its quoted name."""
        from alpr_qgis.qgis_io.postgis.uri import DEFAULT_GEOMETRY

        execute = self.pg.connection.execute
        geometry = target.geometry or DEFAULT_GEOMETRY
        relation = qualified(target.schema, target.table)
        columns = ", ".join(quote_ident(f) for f in self.fields + ["jurisdiction", "distance_m"])
        execute("DROP TABLE IF EXISTS " + relation)
        execute(
            "CREATE TABLE {t} AS SELECT {c}, alpr_point::geometry(Point, {srid:d}) AS {g} FROM ({s}) AS o"
            " ORDER BY alpr_row".format(
                t=relation, c=columns, srid=own_srid(self.pg), g=quote_ident(geometry), s=select
            ),
            params,
        )
        execute(
            "CREATE INDEX {} ON {} USING gist ({})".format(
                quote_ident("{}_{}_gist".format(target.table, geometry)[:63]), relation, quote_ident(geometry)
            )
        )
        execute("ANALYZE " + relation)
        return "(SELECT *, {} AS alpr_point FROM {})".format(quote_ident(geometry), relation)

    def stream(self, table: str, progress):
        """The reads outside (the transaction's ``table``) streamed into the OUTPUT writers; (dest, rows)."""
        from alpr_qgis.qgis_io.postgis.clean import frame_of, rows_of
        from alpr_qgis.qgis_io.vector import FrameStream

        pg, feedback = self.pg, self.feedback
        names = self.fields + ["jurisdiction", "distance_m"]
        types = dict(pg.columns)
        types.update({"jurisdiction": "text", "distance_m": "double precision"})
        sql = "SELECT {}, ST_X(t.alpr_point), ST_Y(t.alpr_point) FROM {} AS t ORDER BY t.alpr_row".format(
            ", ".join("t." + quote_ident(n) for n in names), table
        )
        writer = FrameStream(self.alg, self.parameters, self.alg.OUTPUT, self.context, self.crs)
        n = len(names)
        try:
            for rows in rows_of(pg, sql, None, feedback.isCanceled):
                frame = frame_of(names, types, [row[:n] for row in rows])
                x = np.array([row[n] for row in rows], dtype=float)
                y = np.array([row[n + 1] for row in rows], dtype=float)
                if not writer.append(frame, x, y, feedback.isCanceled):
                    raise Cancelled()
            if writer.dest is None and not writer.rows:  # (no read outside: an empty layer of the same fields)
                writer.append(frame_of(names, types, []), np.zeros(0), np.zeros(0), last=True)
            return writer.finish(progress, feedback.isCanceled)
        except BaseException:
            with contextlib.suppress(Exception):
                writer.forget()
            raise


def pg_outside(alg, pg, parameters: Dict, context, feedback, area, boundary, neighbours, names, message):
    """``qgis_io.outside_stream.stream_outside``'s ``Outside``, worked out in the database; None to keep the file path."""
    from alpr_qgis.qgis_io.outside_stream import Outside
    from alpr_qgis.qgis_io.plumbing import progress_span
    from alpr_qgis.qgis_io.postgis.source import pg_destination, table_result
    from alpr_qgis.qgis_io.styles import style_vector_output

    run = _Run(alg, pg, parameters, context, feedback, boundary, neighbours, names)
    prepared = run.srids(area)
    if prepared is None:
        return None
    srids, segments = prepared
    bsrid, wsrid = srids[0], srids[1]
    nsrid = srids[2] if neighbours is not None else None
    target = pg_destination(parameters, alg.OUTPUT, context)
    in_db = pg.same_database(target)
    found = Outside(name=pg.layer_name)
    with transaction(pg, feedback):
        found.total, found.missing_count = totals(pg)
        alg.log_estimate(feedback, found.total)
        check(feedback)
        area_table = upload_polygons(pg, [area], bsrid)
        edges = _upload_edges(pg, segments, wsrid)
        nb = upload_polygons(pg, neighbours.geoms, nsrid, run.labels()) if neighbours is not None else None
        feedback.setProgress(10)
        check(feedback)
        select = run.select(area_table, edges, nb, bsrid, nsrid, wsrid)
        if in_db:
            table = run.create(select, None, target)
        else:
            table = scratch_name("outside")
            pg.connection.execute("CREATE TEMP TABLE {} ON COMMIT DROP AS {}".format(table, select))
        feedback.setProgress(60)
        check(feedback)
        found.outside_count = int(pg.query("SELECT count(*) FROM {} AS t".format(table))[0][0])
        found.inside_count = found.total - found.missing_count - found.outside_count
        if found.outside_count and run.work != run.boundary_crs:
            feedback.pushInfo(message.format(run.work.authid()))
        run.warn_null_island(table)
        found.tally = SummaryTally(run.summary(table))
        if in_db:
            found.dest = table_result(parameters, alg.OUTPUT, context, target, alg.tr("Reads outside the jurisdiction"))
        else:
            found.dest, written = run.stream(table, progress_span(feedback, 70, 98))
            if written != found.outside_count:
                from alpr_qgis.qgis_io.plumbing import check_accounted

                check_accounted(found.outside_count, written)
    if feedback.isCanceled():
        raise Cancelled()
    style_vector_output(found.dest, "outside", context, feedback)
    return found
