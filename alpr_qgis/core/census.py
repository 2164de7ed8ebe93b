"""Reads against census units: counts, rates, disparity, correlations and exposure.

Pure pandas/numpy/scipy (no QGIS).  ``alpr:joincensus`` finds which unit
each read falls in (or joins on a key), then this module computes, per unit:

* ``read_count``;
* ``reads_per_km2`` — reads over the unit's area (for every unit with an area);
* ``reads_per_1000`` — reads per 1,000 residents;
* ``read_share`` / ``pop_share`` — the unit's share of the reads and of the
  residents, both over the units compared (population ≥ the minimum);
* ``disparity`` — read share ÷ population share, i.e. the unit's read rate
  over the overall rate: 1 is average, 2 twice the average.

Units below the minimum population (and units with no population) get null
population-based fields: a port with 50 residents and 500 reads would
otherwise dominate every figure.  Nothing is divided by zero: no infinities.

Statistics per attribute and rate basis: Spearman and Pearson correlations
across the units compared (scipy.stats; null when fewer than three units or
a constant column).  An attribute is of one of two kinds: a *value*
(per-capita income, median age) is compared as given; a *count* (residents
by race, by age group) is first divided by the unit's population (a share)
and also gets the population-weighted exposure: the read rate where the
average member of the group lives, ``Σ members_i · rate_i / Σ members_i``,
and its ratio to the overall rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Collection, Dict, List, Optional, Sequence

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

RATE_FIELDS = ("read_count", "reads_per_km2", "reads_per_1000", "read_share", "pop_share", "disparity")
STATS_FIELDS = (
    "attribute",
    "kind",  # KIND_VALUE or KIND_COUNT
    "rate_basis",
    "spearman",
    "spearman_p",
    "pearson",
    "pearson_p",
    "n",
    "exposure_per_1000",
    "exposure_ratio",
)
KIND_VALUE = "value"  # compared as given (income)
KIND_COUNT = "count"  # residents of a group: a share of the population, with exposure figures


def attribute_kinds(values: Sequence[str], counts: Sequence[str], *, values_are_counts: bool = False) -> Dict[str, str]:
    """``{field: kind}`` for the fields compared as values and those that count residents, in that order.

    ``values_are_counts`` (the older ``ATTRIBUTES_ARE_COUNTS`` switch) makes
    every field of ``values`` a count too.  A field in both lists raises
    ``AlprInputError`` naming both parameters.
    """
    both = [f for f in values if f in set(counts)]
    if both:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'Field "{field}" is both in ATTRIBUTES and in COUNT_ATTRIBUTES.'),
            args={"field": both[0]},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Put a value (such as income) in ATTRIBUTES and a count of residents "
                                   "(such as residents by race) in COUNT_ATTRIBUTES, each field in one of them"),
        )  # fmt: skip
    kinds = {f: (KIND_COUNT if values_are_counts else KIND_VALUE) for f in values}
    kinds.update({f: KIND_COUNT for f in counts})
    return kinds


# ------------------------------------------------------------------ keys and columns


def _key_text(value: object) -> Optional[str]:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip().upper()
    if not text:
        return None
    if text.isdigit():
        text = text.lstrip("0") or "0"
    return text


def normalise_keys(values: pd.Series) -> pd.Series:
    """Join keys as comparable text (None for null or blank).

    Spaces around the key are trimmed and letters upper-cased; a number
    stored as a float (``98036.0``) reads as ``98036``; leading zeros of
    all-digit keys are ignored, so ``"06001480100"``, ``"6001480100"`` and
    ``6001480100`` are the same tract and ZIP ``"02134"`` matches ``2134``.
    """
    return pd.Series([_key_text(v) for v in values], index=values.index, dtype=object)


def numeric_column(
    table: pd.DataFrame, field: str, source: str, parameter: str, ids: Optional[Sequence[int]] = None
) -> pd.Series:
    """Column ``field`` of ``table`` as floats (NaN for null), checked.

    A missing field raises ``AlprInputError`` listing the fields there are;
    text that is not a number raises one naming the row (``ids[i]``, e.g.
    the feature id, else the 1-based position) and the value.  Text fields
    holding numbers, as CSV imports often have, are accepted.
    """
    if field not in table.columns:
        matches = [c for c in table.columns if str(c).lower() == field.lower()]
        if len(matches) != 1:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", 'has no field "{field}".'),
                args={
                    "field": field,
                    "parameter": parameter,
                    "fields": ", ".join(map(str, table.columns)) or "(no fields)",
                },
                path=source,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Choose {parameter} among: {fields}"),
            )
        field = matches[0]
    column = table[field]
    if pd.api.types.is_bool_dtype(column.dtype):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is a yes/no field, not a number."),
            args={"parameter": parameter},
            path=source,
            field=field,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a numeric {parameter}"),
        )
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("float64").reset_index(drop=True)
    text = column.astype(object).where(column.notna(), None)
    stripped = text.map(lambda v: v.strip() if isinstance(v, str) else v)
    blank = stripped.map(lambda v: v is None or v == "")
    numbers = pd.to_numeric(stripped.where(~blank, None), errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & ~blank.to_numpy())
    if len(bad):
        i = int(bad[0])
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is not a number ({count} such values)."),
            args={"count": len(bad), "parameter": parameter},
            path=source,
            row=int(ids[i]) if ids is not None else i + 1,
            field=field,
            value=text.iloc[i],
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a numeric {parameter} or fix the layer"),
        )
    return numbers.astype("float64").reset_index(drop=True)


# ------------------------------------------------------------------ rates


def unit_rates(
    read_count: np.ndarray,
    population: np.ndarray,
    area_km2: Optional[np.ndarray],
    min_population: float,
    usable: Optional[np.ndarray] = None,
) -> pd.DataFrame:
    """The per-unit fields (see the module docstring) and ``compared`` (bool: the unit takes part).

    ``usable`` (default all) marks units that could hold reads at all; the
    others (no geometry in a spatial join) get null counts and rates.
    """
    counts = np.asarray(read_count, dtype=float)
    pop = np.asarray(population, dtype=float)
    n = len(counts)
    usable = np.ones(n, dtype=bool) if usable is None else np.asarray(usable, dtype=bool)
    with np.errstate(invalid="ignore"):
        compared = usable & np.isfinite(pop) & (pop >= min_population) & (pop > 0)
    total_reads = counts[compared].sum()
    total_pop = pop[compared].sum()
    nan = np.full(n, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_1000 = np.where(compared, counts / np.where(compared, pop, 1.0) * 1000.0, nan)
        read_share = np.where(compared & (total_reads > 0), counts / (total_reads or 1.0), nan)
        pop_share = np.where(compared, pop / (total_pop or 1.0), nan)
        disparity = np.where(compared & (total_reads > 0), read_share / np.where(compared, pop_share, 1.0), nan)
        if area_km2 is None:
            per_km2 = nan.copy()
        else:
            area = np.asarray(area_km2, dtype=float)
            per_km2 = np.where(usable & (area > 0), counts / np.where(area > 0, area, 1.0), nan)
    out = pd.DataFrame(
        {
            "read_count": pd.array(np.where(usable, counts, 0).astype(np.int64), dtype="Int64"),
            "reads_per_km2": per_km2,
            "reads_per_1000": per_1000,
            "read_share": read_share,
            "pop_share": pop_share,
            "disparity": disparity,
        }
    )
    out.loc[~usable, "read_count"] = pd.NA
    out["compared"] = compared
    return out


def overall_rate(rates: pd.DataFrame, population: np.ndarray) -> float:
    """Reads per 1,000 residents over all the units compared (NaN when none is)."""
    compared = rates["compared"].to_numpy()
    pop = np.asarray(population, dtype=float)[compared].sum()
    reads = rates["read_count"].to_numpy(dtype=float, na_value=0.0)[compared].sum()
    return float(reads / pop * 1000.0) if pop > 0 else float("nan")


# ------------------------------------------------------------------ statistics


def _nearly_constant(x: np.ndarray) -> bool:
    """Constant, or so nearly that scipy warns its correlation is inaccurate (spread under 1e-13 of the mean)."""
    return bool(np.ptp(x) == 0 or np.linalg.norm(x - x.mean()) < 1e-13 * abs(x.mean()))


def _correlations(a: np.ndarray, b: np.ndarray) -> Dict[str, float]:
    from scipy import stats

    out = {"spearman": np.nan, "spearman_p": np.nan, "pearson": np.nan, "pearson_p": np.nan}
    if len(a) < 3 or _nearly_constant(a) or _nearly_constant(b):
        return out
    rho, p = stats.spearmanr(a, b)
    out["spearman"], out["spearman_p"] = float(rho), float(p)
    r, p = stats.pearsonr(a, b)
    out["pearson"], out["pearson_p"] = float(r), float(p)
    return {k: (v if np.isfinite(v) else np.nan) for k, v in out.items()}


def attribute_stats(
    rates: pd.DataFrame,
    attributes: pd.DataFrame,
    population: np.ndarray,
    *,
    as_counts: bool = False,
    counts: Collection[str] = (),
    bases: Sequence[str] = ("per_1000", "per_km2"),
) -> pd.DataFrame:
    """One row per attribute and rate basis (columns ``STATS_FIELDS``), in the order of ``attributes``.

    Every unit compared with a value for the attribute takes part,
    including units with no reads (rate 0).  The columns named in
    ``counts`` (every column with ``as_counts``) count residents: each is
    first divided by the population (a share), and its ``per_1000`` row
    carries the group's exposure and exposure ratio; the others are values,
    compared as given, with null exposure.  ``kind`` says which.
    """
    pop = np.asarray(population, dtype=float)
    compared = rates["compared"].to_numpy()
    overall = overall_rate(rates, pop)
    rate_of = {"per_1000": rates["reads_per_1000"].to_numpy(), "per_km2": rates["reads_per_km2"].to_numpy()}
    rows: List[Dict[str, object]] = []
    counted = set(counts)
    for name in attributes.columns:
        is_count = as_counts or name in counted
        raw = attributes[name].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = raw / np.where(pop > 0, pop, np.nan) if is_count else raw
        for basis in bases:
            rate = rate_of[basis]
            use = compared & np.isfinite(value) & np.isfinite(rate)
            row: Dict[str, object] = {
                "attribute": str(name),
                "kind": KIND_COUNT if is_count else KIND_VALUE,
                "rate_basis": basis,
                "n": int(use.sum()),
            }
            row.update(_correlations(value[use], rate[use]))
            row["exposure_per_1000"] = np.nan
            row["exposure_ratio"] = np.nan
            if is_count and basis == "per_1000":
                members = np.where(use & (raw > 0), raw, 0.0)
                if members.sum() > 0:
                    exposure = float((members * np.where(use, rate, 0.0)).sum() / members.sum())
                    row["exposure_per_1000"] = exposure
                    row["exposure_ratio"] = exposure / overall if overall > 0 else np.nan
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(STATS_FIELDS))
    table["n"] = table["n"].astype("int64")
    for column in STATS_FIELDS[3:]:
        if column != "n":
            table[column] = table[column].astype("float64")
    return table


@dataclass
class Finding:
    """The strongest relation in the statistics table, for a one-line summary."""

    attribute: str
    rate_basis: str
    spearman: float
    spearman_p: float
    n: int
    strength: str  # strong, moderate, weak, none
    direction: str  # more, fewer
    kind: str = KIND_VALUE  # KIND_COUNT: the attribute is a share of the residents


def strength(rho: float) -> str:
    """Words for |Spearman ρ|: ≥ 0.7 strong, ≥ 0.4 moderate, ≥ 0.2 weak, else none."""
    size = abs(rho)
    if size >= 0.7:
        return "strong"
    if size >= 0.4:
        return "moderate"
    if size >= 0.2:
        return "weak"
    return "none"


def strongest(stats: pd.DataFrame) -> Optional[Finding]:
    """The row with the largest |Spearman| (per_1000 preferred over per_km2); None when none is defined."""
    for basis in ("per_1000", "per_km2"):
        rows = stats[(stats["rate_basis"] == basis) & stats["spearman"].notna()]
        if rows.empty:
            continue
        best = rows.loc[rows["spearman"].abs().idxmax()]
        rho = float(best["spearman"])
        return Finding(
            attribute=str(best["attribute"]),
            rate_basis=basis,
            spearman=rho,
            spearman_p=float(best["spearman_p"]),
            n=int(best["n"]),
            strength=strength(rho),
            direction="more" if rho > 0 else "fewer",
            kind=str(best["kind"]) if "kind" in best.index else KIND_VALUE,
        )
    return None


def exposure_extremes(stats: pd.DataFrame) -> Optional[tuple]:
    """``(most, least)`` exposed groups as ``(attribute, ratio)`` pairs; None without exposure figures."""
    rows = stats[stats["exposure_ratio"].notna()]
    if rows.empty:
        return None
    most = rows.loc[rows["exposure_ratio"].idxmax()]
    least = rows.loc[rows["exposure_ratio"].idxmin()]
    return (str(most["attribute"]), float(most["exposure_ratio"])), (
        str(least["attribute"]),
        float(least["exposure_ratio"]),
    )


# ------------------------------------------------------------------ key join


def count_by_key(
    read_keys: pd.Series, unit_keys: pd.Series, source: str, field: str, ids: Optional[Sequence[int]] = None
) -> tuple:
    """``(read_count per unit, reads matching no unit, reads with no key)`` for a key join.

    Both sides go through ``normalise_keys``.  Duplicate unit keys raise
    ``AlprInputError`` naming the first (``ids[i]``, e.g. its feature id,
    else its 1-based position): a read could not be given to one unit.
    """
    units = normalise_keys(unit_keys)
    dup = units[units.notna() & units.duplicated(keep=False)]
    if len(dup):
        first = int(np.flatnonzero(units.index == dup.index[0])[0])
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "appears {count} times: census keys must be unique."),
            args={"count": int((units == dup.iloc[0]).sum())},
            path=source,
            row=int(ids[first]) if ids is not None else first + 1,
            field=field,
            value=unit_keys.iloc[first],
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose another CENSUS_KEY_FIELD or remove the duplicates"),
        )
    reads = normalise_keys(read_keys)
    no_key = int(reads.isna().sum())
    position = pd.Series(np.arange(len(units)), index=units.where(units.notna(), None).to_numpy())
    position = position[position.index.notna()]
    matched = reads.dropna().map(position)
    counts = np.bincount(matched.dropna().astype(np.int64).to_numpy(), minlength=len(units)).astype(np.int64)
    unmatched = int(matched.isna().sum())
    return counts, unmatched, no_key


# ------------------------------------------------------------------ the whole comparison


@dataclass
class Comparison:
    """What ``compare_units`` finds: per-unit rates (with ``compared``), the statistics, the overall rate."""

    rates: pd.DataFrame
    stats: pd.DataFrame
    overall: float


def unit_values(
    table: pd.DataFrame,
    population_field: str,
    kinds: Dict[str, str],
    value_fields: Collection[str],
    source: str,
    ids: Optional[Sequence[int]] = None,
) -> tuple:
    """``(population, attribute values)`` of the census units, as numbers (``numeric_column``'s checks)."""
    population = numeric_column(table, population_field, source, "POPULATION_FIELD", ids)
    values = pd.DataFrame(
        {
            a: numeric_column(table, a, source, "ATTRIBUTES" if a in value_fields else "COUNT_ATTRIBUTES", ids)
            for a in kinds
        }
    )
    return population, values


def compare_units(
    counts: np.ndarray,
    population: np.ndarray,
    values: pd.DataFrame,
    kinds: Dict[str, str],
    areas: Optional[np.ndarray],
    min_population: float,
    usable: np.ndarray,
) -> Comparison:
    """Rates per unit and the statistics of every attribute (per km² too when ``areas`` are given)."""
    rates = unit_rates(counts, population, areas, min_population, usable)
    bases = ("per_1000", "per_km2") if areas is not None else ("per_1000",)
    counted = [a for a, kind in kinds.items() if kind == KIND_COUNT]
    stats = attribute_stats(rates, values, population, counts=counted, bases=bases)
    return Comparison(rates, stats, overall_rate(rates, population))
