"""Hot and cold spots of read counts: Getis-Ord Gi* over a hexagon grid.

For ``n`` cells with read counts ``x_j``, binary weights ``w_ij = 1`` when
the centres of ``i`` and ``j`` are at most the distance band apart (the cell
itself included: ``w_ii = 1``), else 0, Gi* (Getis & Ord 1992; Ord & Getis
1995) is the z-score::

                 Σ_j w_ij x_j  −  X̄ · Σ_j w_ij
    Gi*_i = ─────────────────────────────────────────────
             S · √( (n · Σ_j w_ij²  −  (Σ_j w_ij)²) / (n − 1) )

    X̄ = Σ_j x_j / n        S = √( Σ_j x_j² / n  −  X̄² )

With binary weights ``Σ_j w_ij² = Σ_j w_ij = W_i``, the number of cells in
the band (the cell included).  The p-value is two-sided from the standard
normal distribution.  Where Gi* is undefined — every count equal (S = 0),
every cell in every band (W_i = n), or fewer than two cells — z is 0 and p
is 1: not significant, never NaN.

Classes follow the usual Gi_Bin convention: ±3 where p < 0.01 (99 %
confidence), ±2 where p < 0.05 (95 %), ±1 where p < 0.10 (90 %), 0 otherwise;
positive for hot (more reads than expected), negative for cold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.hexgrid import HexGrid, cell_index
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

# Significance levels (p below) for classes 3, 2, 1.
SIGNIFICANCE = ((3, 0.01), (2, 0.05), (1, 0.10))
# hotspot_label values: data written into the output, the same in every language.
LABELS: Dict[int, str] = {
    3: "Hot spot (99 %)",
    2: "Hot spot (95 %)",
    1: "Hot spot (90 %)",
    0: "Not significant",
    -1: "Cold spot (90 %)",
    -2: "Cold spot (95 %)",
    -3: "Cold spot (99 %)",
}
# A band compared centre to centre is inclusive; this absorbs rounding in the centres.
_BAND_TOLERANCE = 1e-9
#: More hexagons than this is a mistake (a tiny CELL_SIZE, far-off stray reads), not a map.
MAX_CELLS = 1_000_000
_CHUNK = 500_000


@dataclass
class GiStar:
    """Gi* per cell: z-score, two-sided p-value and the number of cells in its band (itself included)."""

    z: np.ndarray
    p: np.ndarray
    neighbours: np.ndarray


@dataclass
class Hotspots:
    """The result of ``hotspots()``: one row per cell, in the order of the cells given.

    ``table`` has ``read_count``, ``gi_z``, ``gi_p``, ``hotspot_class``,
    ``hotspot_label`` and ``neighbour_count``; ``outside`` counts the points
    that fall in no cell of the grid.
    """

    table: pd.DataFrame
    outside: int


def neighbour_pairs(x: np.ndarray, y: np.ndarray, band: float) -> Tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)``, ``i < j``, of points at most ``band`` apart (inclusive)."""
    from scipy.spatial import cKDTree

    if len(x) < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    tree = cKDTree(np.column_stack([x, y]))
    pairs = tree.query_pairs(band * (1.0 + _BAND_TOLERANCE), output_type="ndarray")
    if pairs.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


def gi_star(values: np.ndarray, x: np.ndarray, y: np.ndarray, band: float) -> GiStar:
    """Getis-Ord Gi* of ``values`` at points ``x``/``y`` with a fixed distance ``band`` (same units).

    See the module docstring for the formula; undefined z-scores come back as 0 (p = 1).
    """
    from scipy.special import ndtr

    values = np.asarray(values, dtype=float)
    n = len(values)
    i, j = neighbour_pairs(np.asarray(x, dtype=float), np.asarray(y, dtype=float), band)
    # Each cell is its own neighbour (w_ii = 1), then every pair counts both ways.
    weight_sum = 1 + np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    lag = values + np.bincount(i, weights=values[j], minlength=n) + np.bincount(j, weights=values[i], minlength=n)
    z = np.zeros(n)
    if n >= 2:
        mean = values.mean()
        s = values.std()  # population standard deviation: √(Σx²/n − X̄²)
        w = weight_sum.astype(float)
        denominator = s * np.sqrt((n * w - w * w) / (n - 1))
        defined = denominator > 0
        z[defined] = (lag[defined] - mean * w[defined]) / denominator[defined]
    p = 2.0 * ndtr(-np.abs(z))
    return GiStar(z=z, p=p, neighbours=weight_sum.astype(np.int64))


def hotspot_classes(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Class −3…3 per cell: the sign of z times the confidence level reached (0: not significant)."""
    z = np.asarray(z, dtype=float)
    p = np.asarray(p, dtype=float)
    level = np.zeros(len(z), dtype=np.int64)
    for value, alpha in reversed(SIGNIFICANCE):
        level[p < alpha] = value
    return (np.sign(z).astype(np.int64) * level).astype(np.int64)


def hotspot_labels(classes: np.ndarray) -> np.ndarray:
    """The ``hotspot_label`` text of each class."""
    return np.array([LABELS[int(c)] for c in range(-3, 4)], dtype=object)[np.asarray(classes, dtype=np.int64) + 3]


def count_points(
    grid: HexGrid,
    cell_q: np.ndarray,
    cell_r: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    *,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
    chunk: int = _CHUNK,
) -> Tuple[np.ndarray, int]:
    """Points per cell (in the order of ``cell_q``/``cell_r``) and the number of points in no cell.

    ``x``/``y`` must be finite (drop null geometry first).
    """
    counts = np.zeros(len(cell_q), dtype=np.int64)
    outside = 0
    n = len(x)
    for start in range(0, n, chunk):
        if cancelled():
            raise Cancelled()
        q, r = grid.cell_of(x[start : start + chunk], y[start : start + chunk])
        where = cell_index(cell_q, cell_r, q, r)
        hit = where >= 0
        counts += np.bincount(where[hit], minlength=len(cell_q))
        outside += int((~hit).sum())
        progress(min(1.0, (start + chunk) / n))
    return counts, outside


def hotspots(
    grid: HexGrid,
    cell_q: np.ndarray,
    cell_r: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    band: float,
    *,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Hotspots:
    """Count the points ``x``/``y`` in each cell of ``grid`` listed by ``cell_q``/``cell_r``, then Gi*.

    Empty cells take part with a count of 0.  ``band`` is in the grid's units.
    """
    counts, outside = count_points(
        grid, cell_q, cell_r, x, y, progress=lambda f: progress(0.8 * f), cancelled=cancelled
    )
    if cancelled():
        raise Cancelled()
    table = _table(grid, cell_q, cell_r, counts, band)
    progress(1.0)
    return Hotspots(table=table, outside=outside)


def _table(grid: HexGrid, cell_q: np.ndarray, cell_r: np.ndarray, counts: np.ndarray, band: float):
    """The hexagons' table of :class:`Hotspots` from their counts."""
    cx, cy = grid.centres(cell_q, cell_r)
    gi = gi_star(counts, cx, cy, band)
    classes = hotspot_classes(gi.z, gi.p)
    return pd.DataFrame(
        {
            "read_count": counts,
            "gi_z": gi.z,
            "gi_p": gi.p,
            "hotspot_class": classes,
            "hotspot_label": hotspot_labels(classes),
            "neighbour_count": gi.neighbours,
        }
    )


# ------------------------------------------------------------------ points binned a chunk at a time

#: Columns of a table of binned points (float64, one row per occupied hexagon, sorted by (q, r)): the
#: hexagon, its points, and their extreme coordinates (PostGIS gives the same rows from one ``GROUP BY``).
BIN_COLUMNS = ("q", "r", "count", "x_min", "x_max", "y_min", "y_max")
_MERGE_ROWS = 65_536  # bins gathered before they are merged with the running ones (at least)


def bin_points(grid: HexGrid, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The (finite) points ``x``/``y`` binned to ``grid``'s hexagons: rows of :data:`BIN_COLUMNS`."""
    if not len(x):
        return np.empty((0, 7))
    q, r = grid.cell_of(x, y)
    q_low, r_low = int(q.min()), int(r.min())
    r_span = int(r.max()) - r_low + 1
    if (int(q.max()) - q_low + 1) * r_span >= 2**62:  # (far-off points and tiny cells: sorted on both)
        order = np.lexsort((r, q))
    else:
        key = (q - q_low) * r_span + (r - r_low)
        order = np.argsort(key, kind="stable")
        del key
    q, r, x, y = q[order], r[order], x[order], y[order]
    del order
    first = np.flatnonzero(np.r_[True, (q[1:] != q[:-1]) | (r[1:] != r[:-1])])
    out = np.empty((len(first), 7))
    out[:, 0], out[:, 1] = q[first], r[first]
    out[:, 2] = np.diff(np.r_[first, len(q)])
    out[:, 3] = np.minimum.reduceat(x, first)
    out[:, 4] = np.maximum.reduceat(x, first)
    out[:, 5] = np.minimum.reduceat(y, first)
    out[:, 6] = np.maximum.reduceat(y, first)
    return out


def merge_bins(parts) -> np.ndarray:
    """Tables of :data:`BIN_COLUMNS` merged into one: counts added, extremes kept, one row per hexagon."""
    rows = parts[0] if len(parts) == 1 else np.concatenate(parts)
    if not len(rows):
        return np.empty((0, 7))
    order = np.lexsort((rows[:, 1], rows[:, 0]))
    rows = rows[order]
    del order
    first = np.flatnonzero(np.r_[True, (rows[1:, 0] != rows[:-1, 0]) | (rows[1:, 1] != rows[:-1, 1])])
    if len(first) == len(rows):
        return rows
    out = np.empty((len(first), 7))
    out[:, :2] = rows[first, :2]
    out[:, 2] = np.add.reduceat(rows[:, 2], first)
    out[:, 3] = np.minimum.reduceat(rows[:, 3], first)
    out[:, 4] = np.maximum.reduceat(rows[:, 4], first)
    out[:, 5] = np.minimum.reduceat(rows[:, 5], first)
    out[:, 6] = np.maximum.reduceat(rows[:, 6], first)
    return out


class HexBinner:
    """Points added a chunk at a time (:meth:`add`), kept only as their hexagons' bins (:meth:`bins`).

    The memory held is that of the occupied hexagons (56 bytes each), not
    of the points.
    """

    def __init__(self, grid: HexGrid) -> None:
        self.grid = grid
        self._bins = np.empty((0, 7))
        self._pending: list = []
        self._pending_rows = 0

    def add(self, x: np.ndarray, y: np.ndarray) -> None:
        """Bin the finite points ``x``/``y``."""
        if not len(x):
            return
        part = bin_points(self.grid, x, y)
        self._pending.append(part)
        self._pending_rows += len(part)
        if self._pending_rows >= max(_MERGE_ROWS, len(self._bins)):
            self._merge()

    def _merge(self) -> None:
        if self._pending:
            self._bins = merge_bins([self._bins, *self._pending])
            self._pending, self._pending_rows = [], 0

    def bins(self) -> np.ndarray:
        """Every point added so far, binned: rows of :data:`BIN_COLUMNS`."""
        self._merge()
        return self._bins


def cells_covering_bins(grid: HexGrid, cells: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """``grid_cells(grid, x=x, y=y)`` of the points binned in ``cells`` (rows of :data:`BIN_COLUMNS`).

    The hexagons covering the points' extent, and those of the points on
    the extent's very edge (the occupied hexagons whose extreme points lie
    there), as :meth:`HexGrid.cells_covering_points` finds them.
    """
    q, r = cells[:, 0].astype(np.int64), cells[:, 1].astype(np.int64)
    xmin, xmax = float(cells[:, 3].min()), float(cells[:, 4].max())
    ymin, ymax = float(cells[:, 5].min()), float(cells[:, 6].max())
    if grid.count_in_box(xmin, ymin, xmax, ymax) > MAX_CELLS:  # (grid_cells' message)
        grid_cells(grid, x=np.array([xmin, xmax]), y=np.array([ymin, ymax]))
    box_q, box_r = grid.cells_covering_box(xmin, ymin, xmax, ymax)
    eps = 1e-6 * grid.size
    edge = (cells[:, 3] <= xmin + eps) | (cells[:, 4] >= xmax - eps) | (cells[:, 5] <= ymin + eps)
    edge |= cells[:, 6] >= ymax - eps
    eq, er = q[edge], r[edge]
    missing = cell_index(box_q, box_r, eq, er) < 0
    if not missing.any():
        return box_q, box_r
    keys = np.unique(
        np.column_stack([np.concatenate([box_q, eq[missing]]), np.concatenate([box_r, er[missing]])]), axis=0
    )
    return keys[:, 0], keys[:, 1]


def binned_hotspots(grid: HexGrid, cell_q: np.ndarray, cell_r: np.ndarray, cells: np.ndarray, band: float) -> Hotspots:
    """:func:`hotspots` of the points binned in ``cells`` (rows of :data:`BIN_COLUMNS`): the same table."""
    where = cell_index(cell_q, cell_r, cells[:, 0].astype(np.int64), cells[:, 1].astype(np.int64))
    n = cells[:, 2].astype(np.int64)
    hit = where >= 0
    counts = np.bincount(where[hit], weights=n[hit], minlength=len(cell_q)).astype(np.int64)
    outside = int(n[~hit].sum())
    return Hotspots(table=_table(grid, cell_q, cell_r, counts, band), outside=outside)


def grid_cells(
    grid: HexGrid, area=None, x: Optional[np.ndarray] = None, y: Optional[np.ndarray] = None
) -> Tuple[np.ndarray, np.ndarray]:
    """(q, r) of the hexagons covering the shapely ``area``, else those holding a point ``x``/``y``.

    A grid of more than ``MAX_CELLS`` hexagons is refused before it is
    built, and so is a boundary that covers none (``AlprInputError``).
    """
    bounds = area.bounds if area is not None else (x.min(), y.min(), x.max(), y.max())
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    cells = grid.count_in_box(xmin, ymin, xmax, ymax)
    if cells > MAX_CELLS:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "The grid would need about {cells} hexagons of {size} m to cover "
                              "{width:.1f} km × {height:.1f} km (at most {most}). Choose a larger CELL_SIZE or a "
                              "BOUNDARY, or remove far-off reads (e.g. points at 0,0: run Remove misreads first)."),
            args={
                "cells": cells,
                "size": grid.size,
                "width": (xmax - xmin) / 1000,
                "height": (ymax - ymin) / 1000,
                "most": MAX_CELLS,
            },
        )  # fmt: skip
    if area is None:
        return grid.cells_covering_points(x, y)
    q, r = grid.cells_covering(area)
    if len(q) == 0:
        raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "BOUNDARY covers no hexagon."))
    return q, r
