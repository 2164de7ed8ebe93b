"""Points against polygons for millions of reads: containment, first covering polygon, distance.

Pure numpy, shapely 1.8 and scipy (no QGIS).  Every function takes the points
as two float arrays ``x``/``y`` in the polygons' CRS; NaN marks a point
without a location, which is never inside anything.

Containment is decided by GEOS prepared geometries through
``shapely.vectorized.contains`` (an indexed point-in-area locator: about
0.3 µs a point whatever the number of vertices), and only for the points
inside each polygon's bounding box, found by binary search on the points
sorted by x once.  A point exactly on a border counts as inside: the test
runs against the polygon grown by a tolerance of 10⁻⁹ of its extent (about
0.01 mm for a city-sized polygon, in either degrees or metres).

Distances to a boundary go through a k-d tree of the boundary's segment
midpoints (long segments split first) and are exact: the nearest few
segments are measured, and a point whose answer the tree cannot certify
has every segment within reach measured too.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

BORDER_TOLERANCE = 1e-9  # of the polygon's extent


class PolygonError(ValueError):
    """A polygon that cannot be used, even after repair."""


# ------------------------------------------------------------------ geometry


def polygon_parts(geom) -> List:
    """The polygons of ``geom`` (a Polygon, MultiPolygon or collection); lines and points are dropped."""
    if geom is None or geom.is_empty:
        return []
    kind = geom.geom_type
    if kind == "Polygon":
        return [geom]
    if kind in ("MultiPolygon", "GeometryCollection"):
        parts: List = []
        for part in geom.geoms:
            parts.extend(polygon_parts(part))
        return parts
    return []


def as_multipolygon(geom):
    """``geom``'s polygonal parts as one 2-D MultiPolygon (None when there are none)."""
    from shapely.geometry import MultiPolygon, Polygon

    parts = polygon_parts(geom)
    if not parts:
        return None
    flat = []
    for part in parts:
        if part.has_z:
            part = Polygon(
                [c[:2] for c in part.exterior.coords], [[c[:2] for c in ring.coords] for ring in part.interiors]
            )
        flat.append(part)
    return MultiPolygon(flat)


def repair_polygon(geom) -> Tuple[Optional[object], str]:
    """``(polygon, status)``: status ``ok``, ``repaired`` (was invalid) or ``empty`` (nothing polygonal).

    An invalid polygon (a self-intersecting ring, a bow tie, a duplicated
    ring) is repaired as GEOS ``MakeValid`` does, keeping every part of its
    area; where that leaves no area, ``buffer(0)`` is tried.
    """
    from shapely.ops import unary_union
    from shapely.validation import make_valid

    if geom is None or geom.is_empty:
        return None, "empty"
    if geom.is_valid:
        parts = polygon_parts(geom)
        if not parts:
            return None, "empty"
        return (geom if len(parts) == 1 or geom.geom_type == "MultiPolygon" else unary_union(parts)), "ok"
    fixed = unary_union(polygon_parts(make_valid(geom)))
    if fixed.is_empty or not fixed.is_valid:
        fixed = geom.buffer(0)
    if fixed.is_empty or not polygon_parts(fixed):
        return None, "empty"
    return fixed, "repaired"


def border_tolerance(bounds: Sequence[float]) -> float:
    """The distance within which a point counts as on the border of a polygon with ``bounds``.

    10⁻⁹ of the polygon's width or height, and never below what doubles can
    tell apart at its coordinates.
    """
    minx, miny, maxx, maxy = bounds
    size = max(maxx - minx, maxy - miny)
    magnitude = max(abs(minx), abs(miny), abs(maxx), abs(maxy))
    return max(BORDER_TOLERANCE * size, 1e-13 * magnitude, 1e-12)


def _grown(geom, tol: float):
    """``geom`` grown by ``tol`` (a few vertices per corner: it only has to reach the border)."""
    return geom.buffer(tol, resolution=2)


# ------------------------------------------------------------------ points


class SortedPoints:
    """Points sorted by x once, for the points inside any bounding box by binary search."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x = np.ascontiguousarray(x, dtype=float)
        self.y = np.ascontiguousarray(y, dtype=float)
        valid = np.flatnonzero(np.isfinite(self.x) & np.isfinite(self.y))
        self.order = valid[np.argsort(self.x[valid], kind="stable")]
        self.sorted_x = self.x[self.order]

    def in_box(self, minx: float, miny: float, maxx: float, maxy: float) -> np.ndarray:
        """Indices (into the original arrays, ascending) of the points inside the box, edges included."""
        lo = np.searchsorted(self.sorted_x, minx, side="left")
        hi = np.searchsorted(self.sorted_x, maxx, side="right")
        idx = self.order[lo:hi]
        ys = self.y[idx]
        return np.sort(idx[(ys >= miny) & (ys <= maxy)])


def covered(geom, x: np.ndarray, y: np.ndarray, tol: Optional[float] = None) -> np.ndarray:
    """Boolean mask: the points inside ``geom`` or on its border (NaN points: False)."""
    from shapely import vectorized
    from shapely.prepared import prep

    x = np.ascontiguousarray(x, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    out = np.zeros(len(x), dtype=bool)
    if geom is None or geom.is_empty or not len(x):
        return out
    if tol is None:
        tol = border_tolerance(geom.bounds)
    minx, miny, maxx, maxy = geom.bounds
    cand = np.flatnonzero((x >= minx - tol) & (x <= maxx + tol) & (y >= miny - tol) & (y <= maxy + tol))
    if len(cand):
        out[cand] = vectorized.contains(prep(_grown(geom, tol)), x[cand], y[cand])
    return out


def locate(
    x: np.ndarray,
    y: np.ndarray,
    polygons: Sequence[Optional[object]],
    *,
    points: Optional[SortedPoints] = None,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> np.ndarray:
    """For each point, the index of the first polygon covering it (border included); -1 for none.

    ``polygons`` may hold None (skipped).  A point on a border shared by two
    polygons goes to the first of them, so each point is counted once.
    """
    from shapely import vectorized
    from shapely.prepared import prep

    from alpr_qgis.core.errors import Cancelled

    points = points or SortedPoints(x, y)
    unit = np.full(len(points.x), -1, dtype=np.int64)
    n = len(polygons)
    for i, geom in enumerate(polygons):
        if cancelled():
            raise Cancelled()
        progress(i / n if n else 1.0)
        if geom is None or geom.is_empty:
            continue
        tol = border_tolerance(geom.bounds)
        minx, miny, maxx, maxy = geom.bounds
        cand = points.in_box(minx - tol, miny - tol, maxx + tol, maxy + tol)
        cand = cand[unit[cand] < 0]
        if not len(cand):
            continue
        hit = vectorized.contains(prep(_grown(geom, tol)), points.x[cand], points.y[cand])
        unit[cand[hit]] = i
    progress(1.0)
    return unit


class PolygonLocator:
    """:func:`locate` for points that come a chunk at a time: each polygon grown and prepared once.

    ``locate(x, y)`` on each chunk gives, point for point, what
    :func:`locate` gives on every point at once (a point's polygon does not
    depend on the other points).
    """

    def __init__(self, polygons: Sequence[Optional[object]]) -> None:
        self.polygons = polygons
        self._prepared: dict = {}  # polygon index -> (box grown by the tolerance, prepared grown polygon)

    def _polygon(self, i: int, geom):
        found = self._prepared.get(i)
        if found is None:
            from shapely.prepared import prep

            tol = border_tolerance(geom.bounds)
            minx, miny, maxx, maxy = geom.bounds
            found = self._prepared[i] = ((minx - tol, miny - tol, maxx + tol, maxy + tol), prep(_grown(geom, tol)))
        return found

    def locate(self, x: np.ndarray, y: np.ndarray, *, cancelled: IsCancelled = lambda: False) -> np.ndarray:
        """For each point, the index of the first polygon covering it (border included); -1 for none."""
        from shapely import vectorized

        from alpr_qgis.core.errors import Cancelled

        points = SortedPoints(x, y)
        unit = np.full(len(points.x), -1, dtype=np.int64)
        if not len(points.order):
            return unit
        for i, geom in enumerate(self.polygons):
            if cancelled():
                raise Cancelled()
            if geom is None or geom.is_empty:
                continue
            box, prepared = self._polygon(i, geom)
            cand = points.in_box(*box)
            cand = cand[unit[cand] < 0]
            if len(cand):
                unit[cand[vectorized.contains(prepared, points.x[cand], points.y[cand])]] = i
        return unit


# ------------------------------------------------------------------ distance


def boundary_segments(geom) -> np.ndarray:
    """Every edge of the polygons' rings (holes included) as rows ``x1, y1, x2, y2``."""
    rows = []
    for part in polygon_parts(geom):
        for ring in [part.exterior, *part.interiors]:
            c = np.asarray(ring.coords, dtype=float)[:, :2]
            if len(c) >= 2:
                rows.append(np.column_stack([c[:-1], c[1:]]))
    if not rows:
        return np.empty((0, 4))
    seg = np.vstack(rows)
    return seg[(seg[:, 0] != seg[:, 2]) | (seg[:, 1] != seg[:, 3])] if len(seg) > 1 else seg


def _segment_distance(px: np.ndarray, py: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Distance from points to segments, element-wise (broadcasting)."""
    x1, y1, x2, y2 = seg[..., 0], seg[..., 1], seg[..., 2], seg[..., 3]
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ((px - x1) * dx + (py - y1) * dy) / length2
    t = np.clip(np.where(length2 > 0, t, 0.0), 0.0, 1.0)
    return np.hypot(px - (x1 + t * dx), py - (y1 + t * dy))


def split_segments(seg: np.ndarray, max_length: float) -> np.ndarray:
    """Segments (rows x1, y1, x2, y2) cut into equal pieces no longer than ``max_length``."""
    if not len(seg) or not max_length > 0:
        return seg
    length = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    pieces = np.maximum(1, np.ceil(length / max_length)).astype(np.int64)
    if (pieces == 1).all():
        return seg
    owner = np.repeat(np.arange(len(seg)), pieces)
    k = np.arange(len(owner)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    t0 = k / pieces[owner]
    t1 = (k + 1) / pieces[owner]
    s = seg[owner]
    dx, dy = s[:, 2] - s[:, 0], s[:, 3] - s[:, 1]
    return np.column_stack([s[:, 0] + t0 * dx, s[:, 1] + t0 * dy, s[:, 0] + t1 * dx, s[:, 1] + t1 * dy])


def distance_to_segments(x: np.ndarray, y: np.ndarray, segments: np.ndarray, *, chunk: int = 20_000) -> np.ndarray:
    """Exact distance from each point to the nearest of ``segments`` (rows x1, y1, x2, y2); NaN for NaN points.

    A k-d tree of the segment midpoints (long segments split first) gives
    each point its ``k`` nearest candidates, measured exactly.  A segment
    whose midpoint is ``d`` away is at least ``d - h`` away (``h``: the
    longest half-segment), so once the k-th midpoint is farther than the
    best distance plus ``h`` no other segment can be nearer.  Points not yet
    certified try 8, then 64 candidates; the rest (far from
    a long, smooth border) have every segment within ``best + h`` measured.
    """
    from scipy.spatial import cKDTree

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.full(len(x), np.nan)
    if not len(segments):
        return out
    length = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    typical = float(np.median(length))
    if typical > 0:
        segments = split_segments(segments, 2 * typical)
    mid = np.column_stack([(segments[:, 0] + segments[:, 2]) / 2, (segments[:, 1] + segments[:, 3]) / 2])
    half = float(np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1]).max()) / 2
    tree = cKDTree(mid)
    n_seg = len(segments)
    todo = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    best_all = np.full(len(x), np.inf)
    for k in (8, 64):
        k = min(k, n_seg)
        still = []
        step = max(1, chunk * 8 // k)
        for start in range(0, len(todo), step):
            idx = todo[start : start + step]
            px, py = x[idx], y[idx]
            dk, ik = tree.query(np.column_stack([px, py]), k=k)
            if k == 1:
                dk, ik = dk[:, None], ik[:, None]
            best = _segment_distance(px[:, None], py[:, None], segments[ik]).min(axis=1)
            best_all[idx] = np.minimum(best_all[idx], best)
            if k < n_seg:
                still.append(idx[dk[:, -1] - half < best_all[idx]])
        todo = np.concatenate(still) if still else np.empty(0, dtype=np.int64)
        if not len(todo):
            break
    for start in range(0, len(todo), chunk):
        idx = todo[start : start + chunk]
        reach = tree.query_ball_point(np.column_stack([x[idx], y[idx]]), best_all[idx] + half + 1e-9)
        sizes = np.array([len(r) for r in reach], dtype=np.int64)
        flat = np.concatenate([np.asarray(r, dtype=np.int64) for r in reach]) if sizes.sum() else np.empty(0, int)
        owner = np.repeat(np.arange(len(idx)), sizes)
        d = _segment_distance(x[idx][owner], y[idx][owner], segments[flat])
        found = np.full(len(idx), np.inf)
        np.minimum.at(found, owner, d)
        best_all[idx] = np.minimum(best_all[idx], found)
    valid = np.isfinite(best_all)
    out[valid] = best_all[valid]
    return out
