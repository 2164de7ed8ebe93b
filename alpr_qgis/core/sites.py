"""Reads near sensitive sites, against a baseline drawn from the reads themselves.

Pure numpy/pandas/scipy (no QGIS).  Coordinates are in metres (the
algorithm projects first).  For each site: the reads within ``radius`` and
the distinct plates among them.  The baseline: ``draws`` read locations
picked at random (seeded: the same inputs always give the same figures),
and for each the number of *other* reads within the same radius.  Reads
happen on roads, so this asks "is the site busier than a typical place
where the cameras read?", where an area-proportional baseline (random points
anywhere) would flatter every site on a street.  ``expected_reads`` is the
mean of the draws and ``percentile`` the site's rank among them (percent of
draws with fewer reads, ties counting half: ``scipy.stats.percentileofscore``
with ``kind="mean"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional, Union

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalise_plates

pd = lazy_module("pandas")

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20140720
#: Reads indexed at a time (one k-d tree): its memory, not every read's, is what the counting adds.
SLICE_ROWS = 262_144

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]
PlateRows = Callable[[np.ndarray], "pd.Series"]


@dataclass
class SiteResult:
    """Per-site figures and the baseline they are compared with."""

    table: pd.DataFrame  # read_count, unique_plates, expected_reads, percentile, ratio_expected
    draw_counts: np.ndarray  # reads within the radius of each random read location (itself excluded)
    reads_near_any: int  # distinct reads within the radius of at least one site


def site_counts(
    read_x: np.ndarray,
    read_y: np.ndarray,
    site_x: np.ndarray,
    site_y: np.ndarray,
    radius: float,
    *,
    plates: Union[None, pd.Series, PlateRows] = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
    slice_rows: Optional[int] = None,
) -> SiteResult:
    """Counts within ``radius`` (metres, border included) of each site and of ``draws`` random reads.

    Reads or sites with NaN coordinates take no part; such a site gets null
    figures.  ``plates`` (aligned with the reads) gives ``unique_plates``
    (after the cleaner's normalisation); without it the field is null.  It
    may also be a function giving the plates of the reads at the sorted row
    numbers it is passed (a Series in that order): then only the reads near
    a site are ever asked for.

    The reads are indexed ``slice_rows`` (default ``SLICE_ROWS``) at a time (a k-d tree of one slice,
    queried with the sites and the drawn read locations, the counts added
    up), so that memory beyond the coordinates stays that of one slice;
    the figures do not depend on it.
    """
    from scipy import stats
    from scipy.spatial import cKDTree

    read_x = np.asarray(read_x, dtype=float)
    read_y = np.asarray(read_y, dtype=float)
    site_x = np.asarray(site_x, dtype=float)
    site_y = np.asarray(site_y, dtype=float)
    n_sites = len(site_x)
    located = np.isfinite(site_x) & np.isfinite(site_y)
    counts = np.full(n_sites, np.nan)
    unique = np.full(n_sites, np.nan)
    slice_rows = max(1, int(SLICE_ROWS if slice_rows is None else slice_rows))
    valid = np.isfinite(read_x) & np.isfinite(read_y)  # (one byte a read: never the row numbers of every read)
    starts = np.arange(0, len(read_x), slice_rows)
    per_slice = np.add.reduceat(valid, starts, dtype=np.int64) if len(read_x) else np.zeros(0, dtype=np.int64)
    n_valid = int(per_slice.sum())
    draw_counts = np.empty(0, dtype=np.int64)
    near_rows = np.empty(0, dtype=np.int64)
    if n_valid:
        picked = _picked(valid, starts, per_slice, slice_rows, np.random.default_rng(seed), n_valid, draws)
        draw_xy = np.column_stack([read_x[picked], read_y[picked]])
        draw_counts = np.zeros(len(picked), dtype=np.int64)
        site_rows = np.flatnonzero(located)
        site_xy = np.column_stack([site_x[site_rows], site_y[site_rows]])
        hits: List[List[np.ndarray]] = [[] for _ in range(n_sites)]
        for k, start in enumerate(starts):
            if cancelled():
                raise Cancelled()
            progress(0.9 * k / len(starts))
            if not per_slice[k]:
                continue
            rows = start + np.flatnonzero(valid[start : start + slice_rows])
            tree = cKDTree(np.column_stack([read_x[rows], read_y[rows]]))
            if len(site_rows):
                for i, found in zip(site_rows, tree.query_ball_point(site_xy, radius)):
                    if found:
                        hits[i].append(rows[np.asarray(found, dtype=np.int64)])
            for first in range(0, len(draw_xy), 10_000):
                if cancelled():
                    raise Cancelled()
                draw_counts[first : first + 10_000] += np.asarray(
                    tree.query_ball_point(draw_xy[first : first + 10_000], radius, return_length=True),
                    dtype=np.int64,
                )
            del tree, rows
        draw_counts -= 1  # not the drawn read itself
        near = [np.concatenate(h) if h else np.empty(0, dtype=np.int64) for h in hits]
        counts[located] = [len(near[i]) for i in site_rows]
        near_rows = np.unique(np.concatenate(near)) if near else near_rows
        if plates is not None:
            values = _plates_of(plates, near_rows)
            for i in site_rows:
                if cancelled():
                    raise Cancelled()
                at = np.searchsorted(near_rows, near[i])
                unique[i] = normalise_plates(values.iloc[at]).dropna().nunique()
    else:
        counts[located] = 0
        if plates is not None:
            unique[located] = 0
    expected = float(draw_counts.mean()) if len(draw_counts) else np.nan
    percentile = np.full(n_sites, np.nan)
    if len(draw_counts):
        for i in np.flatnonzero(located):
            percentile[i] = stats.percentileofscore(draw_counts, counts[i], kind="mean")
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(located & (expected > 0), counts / (expected if expected > 0 else 1.0), np.nan)
    table = pd.DataFrame(
        {
            "read_count": pd.array(np.where(located, counts, 0).astype(np.int64), dtype="Int64"),
            "unique_plates": pd.array(np.where(np.isfinite(unique), unique, 0).astype(np.int64), dtype="Int64"),
            "expected_reads": np.where(located, expected, np.nan),
            "percentile": percentile,
            "ratio_expected": ratio,
        }
    )
    table.loc[~located, "read_count"] = pd.NA
    table.loc[~np.isfinite(unique), "unique_plates"] = pd.NA
    progress(1.0)
    return SiteResult(table=table, draw_counts=draw_counts, reads_near_any=len(near_rows))


def _picked(valid, starts, per_slice, slice_rows: int, rng, n_valid: int, draws: int) -> np.ndarray:
    """The row numbers of ``draws`` reads with a location drawn at random (``rng``): the reads the
    ``rng.integers(0, n_valid, draws)``-th of the located ones, found slice by slice."""
    if draws <= 0:
        return np.empty(0, dtype=np.int64)
    ranks = rng.integers(0, n_valid, draws)
    before = np.concatenate([[0], np.cumsum(per_slice)])
    slices = np.searchsorted(before, ranks, side="right") - 1
    picked = np.empty(draws, dtype=np.int64)
    for k in np.unique(slices):
        chosen = slices == k
        rows = starts[k] + np.flatnonzero(valid[starts[k] : starts[k] + slice_rows])
        picked[chosen] = rows[ranks[chosen] - before[k]]
    return picked


def _plates_of(plates, rows: np.ndarray) -> pd.Series:
    """The plates of the sorted ``rows`` (a Series in their order, index 0..n-1)."""
    if callable(plates):
        values = plates(rows)
    else:
        values = plates.iloc[rows]
    return values.reset_index(drop=True)
