"""Moran's I of values over polygons: is a unit like its neighbours? (queen contiguity, permutation test)

Used on a count model's Pearson residuals: residuals that cluster in space
mean the model's p-values are too small.  ``queen_neighbours`` finds the
polygons sharing at least one boundary point; ``morans_i`` gives I with
row-standardised weights, its expectation and a permutation p-value (fixed
seed: the same data give the same p), one-sided in the direction observed.
Units without a neighbour are left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

import numpy as np

from alpr_qgis.core.errors import Cancelled

PERMUTATIONS = 999
SEED = 20240917
IsCancelled = Callable[[], bool]


def queen_neighbours(geoms: Sequence[Optional[object]], tolerance: Optional[float] = None) -> List[np.ndarray]:
    """For each polygon, the indices of the others sharing at least one boundary point with it (queen contiguity).

    Two polygons are neighbours when they intersect, or lie within
    ``tolerance`` of each other (default: a billionth of the layer's extent,
    for shared borders stored with rounding).  None (no polygon) has none.
    """
    from shapely.prepared import prep

    from alpr_qgis.core.spatial import border_tolerance

    n = len(geoms)
    present = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    result: List[List[int]] = [[] for _ in range(n)]
    if len(present) < 2:
        return [np.array(r, dtype=np.int64) for r in result]
    shapes = [geoms[i] for i in present]
    bounds = np.array([g.bounds for g in shapes], dtype=float)
    if tolerance is None:
        tolerance = border_tolerance((bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max()))
    prepared = {}
    for k, j in _close_boxes(bounds, tolerance):
        geom, other = shapes[k], shapes[j]
        if k not in prepared:
            prepared[k] = prep(geom)
        if prepared[k].intersects(other) or geom.distance(other) <= tolerance:
            result[present[k]].append(present[j])
            result[present[j]].append(present[k])
    return [np.array(sorted(r), dtype=np.int64) for r in result]


def _close_boxes(bounds: np.ndarray, tolerance: float):
    """Pairs ``(k, j)``, k < j, of boxes (minx, miny, maxx, maxy) within ``tolerance`` of each other.

    A sweep along x: boxes sorted by their left side, each paired with those
    starting before its right side (plus the tolerance) that overlap it in y.
    (shapely 1.8's STRtree would do it too, but warns on every use that its API changes in 2.0.)
    """
    order = np.argsort(bounds[:, 0], kind="stable")
    b = bounds[order]
    ends = np.searchsorted(b[:, 0], b[:, 2] + tolerance, side="right")
    for s in range(len(b)):
        later = np.arange(s + 1, ends[s])
        later = later[(b[later, 1] <= b[s, 3] + tolerance) & (b[later, 3] >= b[s, 1] - tolerance)]
        for t in later:
            k, j = int(order[s]), int(order[t])
            yield (k, j) if k < j else (j, k)


@dataclass
class Moran:
    """Moran's I, its expectation −1/(n−1), the permutation p-value, the units used and those without a neighbour."""

    i: Optional[float]
    expected: Optional[float]
    p_value: Optional[float]
    n: int
    islands: int
    permutations: int


def morans_i(
    values: np.ndarray,
    neighbours: Sequence[np.ndarray],
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    cancelled: IsCancelled = lambda: False,
) -> Moran:
    """Moran's I of ``values`` with row-standardised contiguity weights and a permutation p-value.

    ``I = (n / S₀) · Σᵢⱼ wᵢⱼ zᵢ zⱼ / Σᵢ zᵢ²`` with ``z`` the deviations from
    the mean and ``wᵢⱼ = 1 / (neighbours of i)``, so ``S₀ = n``.  Units
    without a neighbour (islands) are left out (and the neighbour lists are
    read among the units kept); NaN values are left out the same way.  The
    p-value is ``(1 + #{I_perm ≥ I}) / (1 + permutations)`` when I is above
    its expectation, with ≤ when below: one-sided in the direction observed.
    With fewer than three units, or no variation, I and p are None.
    """
    values = np.asarray(values, dtype=float)
    n_all = len(values)
    ok = np.isfinite(values)
    # Neighbours among the finite values only, then drop the islands (repeat: dropping may make new ones).
    keep = ok.copy()
    while True:
        degree = np.array([int(keep[nb].sum()) if keep[i] else 0 for i, nb in enumerate(neighbours)])
        islands_now = keep & (degree == 0)
        if not islands_now.any():
            break
        keep &= ~islands_now
    islands = int((ok & ~keep).sum())
    n = int(keep.sum())
    if n < 3:
        return Moran(None, None, None, n, islands, permutations)
    index = -np.ones(n_all, dtype=np.int64)
    index[keep] = np.arange(n)
    rows, cols, weights = [], [], []
    for i in np.flatnonzero(keep):
        nb = neighbours[i][keep[neighbours[i]]]
        rows.extend([index[i]] * len(nb))
        cols.extend(index[nb].tolist())
        weights.extend([1.0 / len(nb)] * len(nb))
    from scipy.sparse import csr_matrix

    weight_matrix = csr_matrix((weights, (rows, cols)), shape=(n, n))
    z = values[keep] - values[keep].mean()
    denominator = float(z @ z)
    if denominator <= 1e-300 * n:
        return Moran(None, -1.0 / (n - 1), None, n, islands, permutations)
    observed = float(z @ (weight_matrix @ z)) / denominator  # n / S0 = 1 with row-standardised weights
    expected = -1.0 / (n - 1)
    rng = np.random.default_rng(seed)
    simulated = np.empty(permutations)
    done = 0
    while done < permutations:
        if cancelled():
            raise Cancelled()
        block = min(200, permutations - done)
        zp = np.array([rng.permutation(z) for _ in range(block)])  # (block, n)
        simulated[done : done + block] = np.einsum("ij,ij->i", zp, (weight_matrix @ zp.T).T) / denominator
        done += block
    if observed >= expected:
        extreme = int((simulated >= observed - 1e-12).sum())
    else:
        extreme = int((simulated <= observed + 1e-12).sum())
    return Moran(observed, expected, (extreme + 1) / (permutations + 1), n, islands, permutations)
