"""The result layers the report takes (hotspots, census, crime, sites…): which fields each must have.

A layer of the wrong kind (a point layer given as CENSUS_STATS, the census
units given as HOTSPOTS) is an error that names the parameter and the
missing fields, raised before anything is read or written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError


@dataclass(frozen=True)
class ResultSpec:
    """What a result input must hold: required fields, optional ones, and where a name may be found."""

    what: str  # e.g. "the hexagons written by alpr:hotspots"
    required: Tuple[str, ...]
    optional: Tuple[str, ...] = ()
    label_fields: Tuple[str, ...] = ()  # a field naming each feature, the first present (else the first text field)
    type_fields: Tuple[str, ...] = ()  # a field giving each feature's kind (sites)


UNICITY = ("known_points", "vehicles", "unique_vehicles", "unique_share")

SPECS: Dict[str, ResultSpec] = {
    "UNREADABLE": ResultSpec("the REJECTED table written by alpr:loadreads", ("reason", "line_number")),
    "HOTSPOTS": ResultSpec(
        "the hexagons written by alpr:hotspots", ("read_count", "gi_z", "gi_p", "hotspot_class"), ("hotspot_label",)
    ),
    "CENSUS": ResultSpec(
        "the census units written by alpr:joincensus (OUTPUT)",
        ("read_count", "disparity"),
        ("reads_per_1000", "read_share", "pop_share", "reads_per_km2"),
        ("name", "namelsad", "geoid", "geoid20", "geoid10", "tract", "zip", "zcta", "id"),
    ),
    "CENSUS_STATS": ResultSpec(
        "the statistics table written by alpr:joincensus (OUTPUT_STATS)",
        ("attribute", "rate_basis", "spearman", "spearman_p", "pearson", "pearson_p", "n"),
        ("exposure_per_1000", "exposure_ratio", "kind"),
    ),
    "CRIME_STATS": ResultSpec(
        "the statistics table written by alpr:joincrime (OUTPUT_STATS)",
        ("zone_count", "read_count", "crime_count", "spearman", "spearman_p"),
        ("pearson", "pearson_p", "top_crime_zones", "top_crime_share", "top_crime_read_share"),
    ),
    "SITES": ResultSpec(
        "the sites written by alpr:sites",
        ("read_count", "unique_plates", "expected_reads", "percentile"),
        ("ratio_expected",),
        ("name", "site_name", "title", "label"),
        ("site_type", "type", "category"),
    ),
    "OUTSIDE": ResultSpec("the reads outside written by alpr:jurisdiction", ("jurisdiction", "distance_m")),
    "TRACKS": ResultSpec(
        "the tracks written by alpr:devicetracks", ("device", "start_time", "end_time", "read_count", "length_m")
    ),
    "AUDIT": ResultSpec(
        "the AUDIT table written by alpr:anonymizeplates",
        (),
        ("kind", *UNICITY, "time_precision", "location_precision_m", "field", "count"),
    ),
    "MODEL": ResultSpec(
        "the model table written by alpr:countmodel (OUTPUT_MODEL)",
        ("term", "estimate", "std_error", "z", "p_value", "rate_ratio", "rate_ratio_low", "rate_ratio_high"),
    ),
}


def _wrong_kind(parameter: str, layer: str, spec: ResultSpec, missing: Sequence[str]) -> AlprInputError:
    return AlprInputError(
        QT_TRANSLATE_NOOP("alpr_core", '{parameter} ("{layer}") is not {what}: it has no field {missing}.'),
        args={
            "parameter": parameter,
            "layer": layer,
            "what": spec.what,
            "missing": ", ".join('"{}"'.format(m) for m in missing),
        },
        hint=QT_TRANSLATE_NOOP(
            "alpr_core", "Give {parameter} the layer that algorithm wrote, or leave {parameter} empty."
        ),
    )


def plan_fields(
    parameter: str, layer: str, names: Sequence[str], text_names: Sequence[str] = ()
) -> Dict[str, Optional[str]]:
    """``{canonical name: the layer's field}`` to read for ``parameter``; raises when a required field is missing.

    Field names are matched case-insensitively.  ``label`` and ``type`` map
    to the fields naming the features (None when the layer has none); a
    label falls back on the first text field that is not a computed one.
    """
    spec = SPECS[parameter]
    lower = {}
    for name in names:
        lower.setdefault(name.lower(), name)
    missing = [f for f in spec.required if f not in lower]
    if parameter == "AUDIT" and "kind" not in lower:
        missing = [f for f in UNICITY if f not in lower]
        if missing:
            missing = ["kind"]
    if missing:
        raise _wrong_kind(parameter, layer, spec, missing)
    plan: Dict[str, Optional[str]] = {f: lower[f] for f in spec.required}
    plan.update({f: lower[f] for f in spec.optional if f in lower})
    if spec.label_fields:
        label = next((lower[f] for f in spec.label_fields if f in lower), None)
        if label is None:
            taken = {f.lower() for f in (*spec.required, *spec.optional, *spec.type_fields, "fid")}
            label = next((t for t in text_names if t.lower() not in taken), None)
        plan["label"] = label
    if spec.type_fields:
        plan["type"] = next((lower[f] for f in spec.type_fields if f in lower), None)
    return plan


def numeric(table: pd.DataFrame, column: str, parameter: str, layer: str) -> np.ndarray:
    """The column as floats (NaN where null); text that is not a number is an error naming the row."""
    if column not in table.columns:
        return np.full(len(table), np.nan)
    values = table[column]
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype(float).to_numpy()
    out = pd.to_numeric(values.astype("object").where(values.notna(), None), errors="coerce")
    bad = out.isna() & values.notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise AlprInputError(
            QT_TRANSLATE_NOOP(
                "alpr_core", '{parameter} ("{layer}"), row {row}, field "{field}": "{value}" is not a number.'
            ),
            args={
                "parameter": parameter,
                "layer": layer,
                "row": row,
                "field": column,
                "value": str(values.iloc[row - 1])[:40],
            },
            hint=QT_TRANSLATE_NOOP("alpr_core", "Give {parameter} the layer its algorithm wrote, unchanged."),
        )
    return out.to_numpy(dtype=float)
