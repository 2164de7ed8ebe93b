"""A grid of flat-topped hexagons in a metric plane.

A cell is addressed by axial coordinates ``(q, r)`` (Red Blob Games'
"axial" system): ``q`` counts columns to the east, ``r`` counts cells up a
column, and columns are offset by half a cell.  With the cell size ``s`` —
the distance between opposite edges, which for a flat-topped hexagon is its
height — and the circumradius ``R = s / √3`` (centre to vertex = edge
length), the centre of cell ``(q, r)`` is::

    x = x0 + 1.5 · R · q
    y = y0 + s · (r + q / 2)

Neighbouring centres are ``s`` apart; the next ring is at ``s·√3`` and ``2·s``.
The grid is anchored at ``(x0, y0)`` — by default the CRS origin — so the
same cell size always gives the same cells, whatever the data's extent.

Everything on points is vectorised with numpy (cube rounding), so millions
of reads are binned at C speed; shapely is used only for the covering test
(mostly vectorised too) and for output polygons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np

SQRT3 = math.sqrt(3.0)
# Vertex angles of a flat-topped hexagon, counter-clockwise from east (closed ring).
_ANGLES = np.radians(np.arange(0, 420, 60) % 360)


@dataclass(frozen=True)
class HexGrid:
    """Flat-topped hexagons of ``size`` (distance between opposite edges, CRS units)."""

    size: float
    x0: float = 0.0
    y0: float = 0.0

    def __post_init__(self) -> None:
        if not (self.size > 0 and math.isfinite(self.size)):
            raise ValueError("hexagon size must be a positive number, not {!r}".format(self.size))

    @property
    def radius(self) -> float:
        """Circumradius (centre to vertex, equal to the edge length)."""
        return self.size / SQRT3

    @property
    def area(self) -> float:
        """Area of one hexagon (CRS units squared): √3/2 · size²."""
        return SQRT3 / 2.0 * self.size**2

    # ------------------------------------------------------------ points

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Axial ``(q, r)`` (int64 arrays) of the hexagon holding each point.

        Points must be finite; a point exactly on an edge goes to one of the
        two cells, consistently.
        """
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        big_r = self.radius
        fq = (x - self.x0) * (2.0 / 3.0) / big_r
        fr = ((y - self.y0) / self.size) - fq / 2.0
        # Cube coordinates (q, r, s) with q + r + s = 0: round each, then fix
        # the one that moved most so the sum stays zero.
        fs = -fq - fr
        q = np.rint(fq)
        r = np.rint(fr)
        s = np.rint(fs)
        dq = np.abs(q - fq)
        dr = np.abs(r - fr)
        ds = np.abs(s - fs)
        fix_q = (dq > dr) & (dq > ds)
        fix_r = ~fix_q & (dr > ds)
        q = np.where(fix_q, -r - s, q)
        r = np.where(fix_r, -q - s, r)
        return q.astype(np.int64), r.astype(np.int64)

    def centres(self, q: np.ndarray, r: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Centre coordinates of cells ``(q, r)``."""
        q = np.asarray(q, dtype=float)
        r = np.asarray(r, dtype=float)
        return self.x0 + 1.5 * self.radius * q, self.y0 + self.size * (r + q / 2.0)

    # ------------------------------------------------------------ cells

    def cells_in_box(self, xmin: float, ymin: float, xmax: float, ymax: float) -> Tuple[np.ndarray, np.ndarray]:
        """Cells whose hexagon's bounding box meets the rectangle (a superset of the cells that do)."""
        big_r = self.radius
        q_lo = math.floor((xmin - big_r - self.x0) / (1.5 * big_r))
        q_hi = math.ceil((xmax + big_r - self.x0) / (1.5 * big_r))
        qs = np.arange(q_lo, q_hi + 1, dtype=np.int64)
        # For column q, centre y = y0 + s·(r + q/2); the hexagon spans ±s/2.
        r_lo = np.floor((ymin - self.y0) / self.size - qs / 2.0 - 0.5).astype(np.int64)
        r_hi = np.ceil((ymax - self.y0) / self.size - qs / 2.0 + 0.5).astype(np.int64)
        counts = r_hi - r_lo + 1
        q = np.repeat(qs, counts)
        starts = np.repeat(r_lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        r = np.arange(counts.sum(), dtype=np.int64) + starts
        cx, cy = self.centres(q, r)
        keep = (cx + big_r >= xmin) & (cx - big_r <= xmax) & (cy + self.size / 2 >= ymin) & (cy - self.size / 2 <= ymax)
        return q[keep], r[keep]

    def count_in_box(self, xmin: float, ymin: float, xmax: float, ymax: float) -> int:
        """About how many cells cover the rectangle (cheap; to refuse absurd grids before building them)."""
        width = max(xmax - xmin, 0.0) + 2 * self.radius
        height = max(ymax - ymin, 0.0) + self.size
        return int(math.ceil(width * height / self.area))

    def cells_covering_box(self, xmin: float, ymin: float, xmax: float, ymax: float) -> Tuple[np.ndarray, np.ndarray]:
        """Cells whose hexagon overlaps the rectangle (see ``cells_covering``; it may be a line or a point)."""
        from shapely.geometry import LineString, box

        if xmax > xmin and ymax > ymin:
            area = box(xmin, ymin, xmax, ymax)
        elif xmax > xmin or ymax > ymin:
            area = LineString([(xmin, ymin), (xmax, ymax)])
        else:  # one spot: its own cell, even on an edge
            q, r = self.cell_of(np.array([xmin]), np.array([ymin]))
            return q, r
        return self.cells_covering(area)

    def cells_covering_points(self, x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Cells covering the extent of the (finite) points, sorted by (q, r); every point is in one of them.

        A point on the very edge of the extent can round into a hexagon
        that only touches it: those few points add their own cells.
        """
        xmin, xmax, ymin, ymax = float(x.min()), float(x.max()), float(y.min()), float(y.max())
        q, r = self.cells_covering_box(xmin, ymin, xmax, ymax)
        eps = 1e-6 * self.size
        edge = np.flatnonzero((x <= xmin + eps) | (x >= xmax - eps) | (y <= ymin + eps) | (y >= ymax - eps))
        eq, er = self.cell_of(x[edge], y[edge])
        missing = cell_index(q, r, eq, er) < 0
        if not missing.any():
            return q, r
        keys = np.unique(np.column_stack([np.concatenate([q, eq[missing]]), np.concatenate([r, er[missing]])]), axis=0)
        return keys[:, 0], keys[:, 1]

    def cells_covering(self, area) -> Tuple[np.ndarray, np.ndarray]:
        """Cells whose hexagon overlaps the shapely geometry ``area``, sorted by (q, r).

        For a polygon, overlapping means sharing some area: a hexagon that
        only touches it along an edge or at a corner (or overlaps it by a
        rounding sliver) is left out.  For a line or a point, any contact counts.  Cells whose centre
        lies inside ``area`` are accepted, and cells whose centre is farther
        than the circumradius from it are rejected, both vectorised; only the
        cells along its boundary are tested one by one.
        """
        from shapely import vectorized
        from shapely.prepared import prep

        if area is None or area.is_empty:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        q, r = self.cells_in_box(*area.bounds)
        cx, cy = self.centres(q, r)
        inside = vectorized.contains(area, cx, cy)
        near = vectorized.contains(area.buffer(self.radius * 1.0001, 16), cx, cy) & ~inside
        edge = np.flatnonzero(near)
        if edge.size:
            prepared = prep(area)
            polygons = self.polygons(q[edge], r[edge])
            if area.area > 0:
                sliver = 1e-9 * self.area  # rounding, not overlap
                inside[edge] = [
                    prepared.intersects(p) and (prepared.contains(p) or p.intersection(area).area > sliver)
                    for p in polygons
                ]
            else:
                inside[edge] = [prepared.intersects(p) for p in polygons]
        q, r = q[inside], r[inside]
        order = np.lexsort((r, q))
        return q[order], r[order]

    # ------------------------------------------------------------ geometry

    def vertices(self, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        """Closed rings, shape ``(n, 7, 2)``, counter-clockwise from the east vertex."""
        cx, cy = self.centres(q, r)
        ring = np.empty((len(cx), 7, 2))
        ring[:, :, 0] = cx[:, None] + self.radius * np.cos(_ANGLES)[None, :]
        ring[:, :, 1] = cy[:, None] + self.radius * np.sin(_ANGLES)[None, :]
        return ring

    def polygons(self, q: np.ndarray, r: np.ndarray) -> List:
        """Shapely polygons of cells ``(q, r)``."""
        from shapely.geometry import Polygon

        return [Polygon(ring) for ring in self.vertices(q, r)]

    def wkb(self, q: np.ndarray, r: np.ndarray) -> List[bytes]:
        """Little-endian WKB polygons of cells ``(q, r)``, built in bulk (same rings as ``polygons``)."""
        rings = self.vertices(q, r)
        n = len(rings)
        record = np.dtype([("order", "u1"), ("kind", "<u4"), ("rings", "<u4"), ("points", "<u4"), ("xy", "<f8", (14,))])
        packed = np.zeros(n, dtype=record)
        packed["order"] = 1
        packed["kind"] = 3  # Polygon
        packed["rings"] = 1
        packed["points"] = 7
        packed["xy"] = rings.reshape(n, 14)
        raw = packed.tobytes()
        size = record.itemsize
        return [raw[i : i + size] for i in range(0, len(raw), size)]


def cell_index(cell_q: np.ndarray, cell_r: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Position of each ``(q, r)`` in the cell list ``(cell_q, cell_r)``; -1 where it is not in the list."""
    if len(cell_q) == 0:
        return np.full(len(q), -1, dtype=np.int64)
    offset = int(min(cell_r.min(), r.min() if len(r) else 0))
    span = int(max(cell_r.max(), r.max() if len(r) else 0)) - offset + 1
    keys = (cell_q.astype(np.int64) * span) + (cell_r.astype(np.int64) - offset)
    wanted = (q.astype(np.int64) * span) + (r.astype(np.int64) - offset)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    pos = np.searchsorted(sorted_keys, wanted)
    pos = np.clip(pos, 0, len(sorted_keys) - 1)
    found = sorted_keys[pos] == wanted
    return np.where(found, order[pos], -1).astype(np.int64)
