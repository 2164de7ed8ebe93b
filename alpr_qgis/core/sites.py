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
from typing import Callable, Optional

import numpy as np

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalise_plates

pd = lazy_module("pandas")

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20140720

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]


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
    plates: Optional[pd.Series] = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> SiteResult:
    """Counts within ``radius`` (metres, border included) of each site and of ``draws`` random reads.

    Reads or sites with NaN coordinates take no part; such a site gets null
    figures.  ``plates`` (aligned with the reads) gives ``unique_plates``
    (after the cleaner's normalisation); without it the field is null.
    """
    from scipy import stats
    from scipy.spatial import cKDTree

    read_x = np.asarray(read_x, dtype=float)
    read_y = np.asarray(read_y, dtype=float)
    site_x = np.asarray(site_x, dtype=float)
    site_y = np.asarray(site_y, dtype=float)
    valid = np.flatnonzero(np.isfinite(read_x) & np.isfinite(read_y))
    n_sites = len(site_x)
    located = np.isfinite(site_x) & np.isfinite(site_y)
    counts = np.full(n_sites, np.nan)
    unique = np.full(n_sites, np.nan)
    near_any = np.zeros(len(read_x), dtype=bool)
    # (each site's plates are normalised when counted: normalising every read first took over a second
    # at a million reads with no chance to stop)
    rows = plates.reset_index(drop=True) if plates is not None else None
    draw_counts = np.empty(0, dtype=np.int64)
    if len(valid):
        tree = cKDTree(np.column_stack([read_x[valid], read_y[valid]]))
        for i in range(n_sites):
            if cancelled():
                raise Cancelled()
            progress(0.5 * i / max(n_sites, 1))
            if not located[i]:
                continue
            hits = valid[np.asarray(tree.query_ball_point([site_x[i], site_y[i]], radius), dtype=np.int64)]
            counts[i] = len(hits)
            near_any[hits] = True
            if rows is not None:
                unique[i] = normalise_plates(rows.iloc[hits]).dropna().nunique()
        if draws > 0:
            rng = np.random.default_rng(seed)
            picked = valid[rng.integers(0, len(valid), draws)]
            draw_counts = np.zeros(draws, dtype=np.int64)
            for start in range(0, draws, 10_000):
                if cancelled():
                    raise Cancelled()
                chunk = picked[start : start + 10_000]
                found = tree.query_ball_point(
                    np.column_stack([read_x[chunk], read_y[chunk]]), radius, return_length=True
                )
                draw_counts[start : start + len(chunk)] = np.asarray(found, dtype=np.int64) - 1  # not the read itself
                progress(0.5 + 0.5 * min(1.0, (start + 10_000) / draws))
    else:
        counts[located] = 0
        if rows is not None:
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
    return SiteResult(table=table, draw_counts=draw_counts, reads_near_any=int(near_any.sum()))
