"""Reads against crime: filter the crimes, count both per zone, correlate.

Pure numpy/pandas/scipy (no QGIS).  Zones are given (polygons, located by
``core.spatial``) or hexagons of ``core.hexgrid``; either way each read and
each crime comes here as the index of its zone (-1: none).
"""

from __future__ import annotations

import math
import re
from typing import Dict, Optional, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

TOP_SHARE = 0.2  # the zones with the most crime: this share of the zones
ZONE_FIELDS = ("read_count", "crime_count", "reads_per_crime")
STATS_FIELDS = (
    "zone_count",
    "read_count",
    "crime_count",
    "spearman",
    "spearman_p",
    "pearson",
    "pearson_p",
    "top_crime_zones",
    "top_crime_share",
    "top_crime_read_share",
    "category_filter",
)


def compile_filter(pattern: str) -> Optional[re.Pattern]:
    """The case-insensitive regular expression ``pattern`` (None when blank), or ``AlprInputError``."""
    if not pattern or not pattern.strip():
        return None
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is not a valid regular expression ({error})."),
            args={"error": err},
            field="CATEGORY_FILTER",
            value=pattern,
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Use for example VEHICLE|AUTO|PLATE, or leave it empty for every crime"
            ),
        ) from None


def category_mask(categories: pd.Series, pattern: Optional[re.Pattern]) -> np.ndarray:
    """Crimes whose category matches ``pattern`` anywhere in the text (all when None; a null category never)."""
    if pattern is None:
        return np.ones(len(categories), dtype=bool)
    text = categories.astype(object)
    return np.array([v is not None and v == v and bool(pattern.search(str(v))) for v in text], dtype=bool)


def zone_counts(read_zone: np.ndarray, crime_zone: np.ndarray, n_zones: int) -> pd.DataFrame:
    """``read_count``, ``crime_count`` and ``reads_per_crime`` (NaN where no crime) per zone."""
    return counted_zones(np.bincount(read_zone[read_zone >= 0], minlength=n_zones), crime_zone, n_zones)


def counted_zones(reads: np.ndarray, crime_zone: np.ndarray, n_zones: int) -> pd.DataFrame:
    """:func:`zone_counts` from the reads already counted per zone (``reads``, as the chunked count gives)."""
    reads = np.asarray(reads).astype(np.int64)
    crimes = np.bincount(crime_zone[crime_zone >= 0], minlength=n_zones).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_crime = np.where(crimes > 0, reads / np.where(crimes > 0, crimes, 1), np.nan)
    return pd.DataFrame({"read_count": reads, "crime_count": crimes, "reads_per_crime": per_crime})


def crime_stats(zones: pd.DataFrame, category_filter: str = "") -> pd.DataFrame:
    """One row: zones, totals, Spearman/Pearson of reads against crimes, and the top-crime zones.

    The top-crime zones are the ``TOP_SHARE`` (20 %) of zones with the most
    crime, at least one (ties at the cut go by zone order); the row gives
    how many they are, their share of the crimes and their share of the
    reads.  If patrols followed crime, the two shares would be alike.
    Correlations are null with fewer than three zones or a constant column.
    """
    from scipy import stats

    reads = zones["read_count"].to_numpy(dtype=float)
    crimes = zones["crime_count"].to_numpy(dtype=float)
    n = len(zones)
    row: Dict[str, object] = {
        "zone_count": n,
        "read_count": int(reads.sum()),
        "crime_count": int(crimes.sum()),
        "spearman": np.nan,
        "spearman_p": np.nan,
        "pearson": np.nan,
        "pearson_p": np.nan,
    }
    # Whole counts that vary: neither constant nor nearly so (scipy's two warnings), so both are well defined.
    if n >= 3 and np.ptp(reads) > 0 and np.ptp(crimes) > 0:
        rho, p = stats.spearmanr(reads, crimes)
        r, pr = stats.pearsonr(reads, crimes)
        row.update(spearman=float(rho), spearman_p=float(p), pearson=float(r), pearson_p=float(pr))
    top, crime_share, read_share = top_crime_zones(reads, crimes)
    row.update(
        top_crime_zones=int(top.sum()),
        top_crime_share=crime_share,
        top_crime_read_share=read_share,
        category_filter=category_filter or "",
    )
    table = pd.DataFrame([row], columns=list(STATS_FIELDS))
    for column in ("zone_count", "read_count", "crime_count", "top_crime_zones"):
        table[column] = table[column].astype("int64")
    return table


def top_crime_zones(reads: np.ndarray, crimes: np.ndarray, share: float = TOP_SHARE) -> Tuple[np.ndarray, float, float]:
    """``(mask of the top zones, their share of crimes, their share of reads)``; NaN shares when a total is 0."""
    n = len(crimes)
    mask = np.zeros(n, dtype=bool)
    if not n:
        return mask, float("nan"), float("nan")
    k = max(1, math.ceil(share * n - 1e-9))
    order = np.argsort(-np.asarray(crimes, dtype=float), kind="stable")
    mask[order[:k]] = True
    total_c, total_r = float(np.sum(crimes)), float(np.sum(reads))
    crime_share = float(np.sum(crimes[mask]) / total_c) if total_c > 0 else float("nan")
    read_share = float(np.sum(reads[mask]) / total_r) if total_r > 0 else float("nan")
    return mask, crime_share, read_share


def hex_zones(grid, rx: np.ndarray, ry: np.ndarray, cx: np.ndarray, cy: np.ndarray):
    """Hexagons of ``grid`` holding at least one read or crime: ``(q, r, read_zone, crime_zone)``.

    Points with NaN coordinates get zone -1.  Cells are sorted by (q, r).
    """
    from alpr_qgis.core.hexgrid import cell_index

    rok = np.isfinite(rx) & np.isfinite(ry)
    cok = np.isfinite(cx) & np.isfinite(cy)
    rq, rr = grid.cell_of(rx[rok], ry[rok])
    cq, cr = grid.cell_of(cx[cok], cy[cok])
    keys = np.unique(np.column_stack([np.concatenate([rq, cq]), np.concatenate([rr, cr])]), axis=0)
    q = keys[:, 0] if len(keys) else np.empty(0, dtype=np.int64)
    r = keys[:, 1] if len(keys) else np.empty(0, dtype=np.int64)
    read_zone = np.full(len(rx), -1, dtype=np.int64)
    crime_zone = np.full(len(cx), -1, dtype=np.int64)
    if len(q):
        read_zone[rok] = cell_index(q, r, rq, rr)
        crime_zone[cok] = cell_index(q, r, cq, cr)
    return q, r, read_zone, crime_zone


def binned_hex_counts(grid, bins: np.ndarray, cx: np.ndarray, cy: np.ndarray):
    """``count_in_zones`` on hexagons from the reads already binned (``bins``: rows of ``hotspots.BIN_COLUMNS``).

    ``(zone_counts, q, r)`` exactly as from every read: the hexagons holding
    a read (a row of ``bins``) or a crime, sorted by (q, r).
    """
    from alpr_qgis.core.hexgrid import cell_index

    bq = bins[:, 0].astype(np.int64)
    br = bins[:, 1].astype(np.int64)
    cok = np.isfinite(cx) & np.isfinite(cy)
    cq, cr = grid.cell_of(cx[cok], cy[cok])
    keys = np.unique(np.column_stack([np.concatenate([bq, cq]), np.concatenate([br, cr])]), axis=0)
    q = keys[:, 0] if len(keys) else np.empty(0, dtype=np.int64)
    r = keys[:, 1] if len(keys) else np.empty(0, dtype=np.int64)
    reads = np.zeros(len(q), dtype=np.int64)
    crime_zone = np.full(len(cx), -1, dtype=np.int64)
    if len(q):
        reads[cell_index(q, r, bq, br)] = bins[:, 2].astype(np.int64)
        crime_zone[cok] = cell_index(q, r, cq, cr)
    return counted_zones(reads, crime_zone, len(q)), q, r


def count_in_zones(
    rx: np.ndarray,
    ry: np.ndarray,
    cx: np.ndarray,
    cy: np.ndarray,
    *,
    zones: Optional[list] = None,
    grid=None,
    progress=lambda f: None,
    cancelled=lambda: False,
) -> Tuple[pd.DataFrame, Optional[np.ndarray], Optional[np.ndarray]]:
    """(``zone_counts`` of the reads ``rx``/``ry`` and crimes ``cx``/``cy``, q, r), all in one CRS.

    Zones are the shapely polygons ``zones`` (a point on a shared border goes
    to the first; q and r are None), else the hexagons of ``grid`` holding a
    read or a crime (``hex_zones``; q and r name them).
    """
    if zones is not None:
        from alpr_qgis.core import spatial

        read_zone = spatial.locate(rx, ry, zones, progress=progress, cancelled=cancelled)
        crime_zone = spatial.locate(cx, cy, zones)
        return zone_counts(read_zone, crime_zone, len(zones)), None, None
    q, r, read_zone, crime_zone = hex_zones(grid, rx, ry, cx, cy)
    return zone_counts(read_zone, crime_zone, len(q)), q, r
