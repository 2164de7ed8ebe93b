"""Report sections on what the cameras did: hot spots, sensitive sites, reads outside, tracks, the release audit."""

from __future__ import annotations

from typing import List

import numpy as np
import pandas as pd

from alpr_qgis.core.hotspots import LABELS as HOTSPOT_LABELS
from alpr_qgis.core.report import charts
from alpr_qgis.core.report.common import MAX_ROWS, NAIVE_P, Facts, label_of
from alpr_qgis.core.report.html import Section, figure, number, paragraph, plural, share, table
from alpr_qgis.core.report.inputs import numeric

# ------------------------------------------------------------------ hotspots

CLASS_LABELS = HOTSPOT_LABELS
CLASS_COLOURS = {3: "#b2182b", 2: "#ef8a62", 1: "#fddbc7", 0: "#d9d9d9", -1: "#d1e5f0", -2: "#67a9cf", -3: "#2166ac"}


def hotspots_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    counts = np.nan_to_num(numeric(t, "read_count", "HOTSPOTS", layer))
    classes = np.nan_to_num(numeric(t, "hotspot_class", "HOTSPOTS", layer)).round().astype(int).clip(-3, 3)
    cells, total = len(t), float(counts.sum())
    hot, cold = classes > 0, classes < 0
    hot_reads = float(counts[hot].sum())
    if hot.any():
        headline = (
            "{} of the {} hexagons are hot spots (90 % confidence or more): {} of the area holds {} of the reads."
        ).format(number(hot.sum()), number(cells), share(hot.mean()), share(hot_reads / total if total else None))
    else:
        headline = "None of the {} hexagons is a significant hot spot: the reads are spread evenly.".format(
            number(cells)
        )
    rows, labels, values, colours = [], [], [], []
    for cls in (3, 2, 1, 0, -1, -2, -3):
        mask = classes == cls
        if not mask.any() and cls != 0:
            continue
        reads = float(counts[mask].sum())
        rows.append((CLASS_LABELS[cls], int(mask.sum()), number(reads), share(reads / total if total else None)))
        labels.append(CLASS_LABELS[cls])
        values.append(100 * reads / total if total else 0.0)
        colours.append(CLASS_COLOURS[cls])
    body = [
        figure(
            charts.horizontal_bars(
                labels,
                values,
                colours=colours,
                xlabel="Share of the reads (%)",
                value_labels=["{:.1f} %".format(v) for v in values],
            ),
            "Bar chart of the share of reads by hot-spot class",
            "Share of the reads in each class of hexagon.",
        ),
        table(["Class", "Hexagons", "Reads", "Share of reads"], rows, [False, True, True, True]),
    ]
    if cold.any():
        body.append(paragraph("{} hexagons are cold spots: fewer reads than chance would give.".format(cold.sum())))
    return Section(
        "hotspots",
        "Where the reads concentrate",
        headline,
        body,
        method=(
            "The reads were counted in a grid of equal hexagons. For each hexagon, the Getis-Ord Gi* statistic "
            "compares the reads in it and its neighbours (the hexagons within the distance band) with the whole "
            "grid: a high z-score means more reads nearby than an even spread would give. Hexagons are classed "
            "hot or cold at 90, 95 and 99 % confidence from the two-sided p-value."
        ),
        caveats=[
            NAIVE_P + " The p-values are not corrected for testing every hexagon at once.",
            "Another hexagon size or distance band draws other hot spots: compare several before publishing.",
            facts.few_cars(),
        ],
        source=layer,
    )


# ------------------------------------------------------------------ sites


def sites_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    reads = numeric(t, "read_count", "SITES", layer)
    plates = numeric(t, "unique_plates", "SITES", layer)
    expected = numeric(t, "expected_reads", "SITES", layer)
    pct = numeric(t, "percentile", "SITES", layer)
    ok = np.isfinite(pct)
    order = np.flatnonzero(ok)[np.argsort(-pct[ok], kind="stable")]
    labels = [label_of(t, i, "site {}".format(i + 1)) for i in range(len(t))]
    busy = int((pct[ok] >= 95).sum())
    if len(order):
        top = order[0]
        headline = (
            "{} of the {} sensitive sites {} busier than 95 % of the places where the cameras read; the "
            "busiest, {}, saw {} of {} where {} would be usual."
        ).format(
            number(busy) if busy else "None",
            number(ok.sum()),
            "is" if busy <= 1 else "are",
            labels[top],
            plural(reads[top], "read"),
            plural(plates[top], "distinct plate"),
            number(expected[top], 1),
        )
    else:
        headline = "No sensitive site has a location to compare."
    shown = order[:MAX_ROWS]
    body = []
    if len(shown):
        body.append(
            figure(
                charts.chart_paired_bars(
                    [labels[i] for i in shown[:12]],
                    reads[shown[:12]],
                    expected[shown[:12]],
                    ("Reads within the radius", "Expected at a typical read location"),
                    "Reads",
                ),
                "Bar chart of reads near each site against the expected reads",
                "Reads near each site, and what a typical place where the cameras read gets.",
            )
        )
    kinds = t["type"] if "type" in t.columns else None
    body.append(
        table(
            ["Site", "Type", "Reads", "Distinct plates", "Expected reads", "Percentile"],
            [
                (
                    labels[i],
                    "" if kinds is None or kinds.iloc[i] is None or kinds.iloc[i] != kinds.iloc[i] else kinds.iloc[i],
                    number(reads[i]),
                    number(plates[i]),
                    number(expected[i], 1),
                    number(pct[i], 0),
                )
                for i in shown
            ],
            [False, False, True, True, True, True],
        )
    )
    return Section(
        "sites",
        "Reads near sensitive places",
        headline,
        body,
        method=(
            "Reads within the radius of each site (places of worship, clinics, lawyers, shops…) were counted. "
            "The baseline is drawn from the reads themselves: random read locations, and the reads within the "
            "same radius of each. The percentile says how many of those places had fewer reads than the site."
        ),
        caveats=[
            "The baseline follows the roads the cameras drive, not the area: a site on a main road or next to "
            "the police station ranks high whatever the intent.",
            "A high count shows where the cameras went, not why.",
            facts.few_cars(),
        ],
        source=layer,
    )


# ------------------------------------------------------------------ outside


def outside_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    distance = numeric(t, "distance_m", "OUTSIDE", layer)
    names = t["jurisdiction"].astype("object").where(t["jurisdiction"].notna(), "unnamed").astype(str)
    n = len(t)
    if not n:
        return Section(
            "outside",
            "Reads outside the jurisdiction",
            "No read lies outside the boundary.",
            method="Every read was tested against the jurisdiction's boundary.",
            source=layer,
        )
    frame = pd.DataFrame({"where": names.to_numpy(), "d": distance})
    groups = frame.groupby("where")["d"].agg(["size", "median", "max"]).sort_values("size", ascending=False)
    first = groups.index[0]
    near = int((distance <= 100).sum())
    headline = "{} were taken outside the boundary, up to {} km beyond it; {} of them in {}.".format(
        plural(n, "read"),
        number(np.nanmax(distance) / 1000 if np.isfinite(distance).any() else None, 1),
        share(groups["size"].iloc[0] / n),
        first,
    )
    body = [
        figure(
            charts.horizontal_bars(list(groups.index[:12]), groups["size"].to_numpy()[:12], xlabel="Reads"),
            "Bar chart of reads outside the boundary by jurisdiction",
            "Reads outside the boundary, by the jurisdiction they fell in.",
        ),
        table(
            ["Jurisdiction", "Reads", "Median distance (km)", "Farthest (km)"],
            [
                (w, number(g["size"]), number(g["median"] / 1000, 2), number(g["max"] / 1000, 2))
                for w, g in groups.head(MAX_ROWS).iterrows()
            ],
            [False, True, True, True],
        ),
    ]
    return Section(
        "outside",
        "Reads outside the jurisdiction",
        headline,
        body,
        method=(
            "Every read was tested against the jurisdiction's boundary; a read outside it is named after the "
            "neighbouring jurisdiction it fell in and measured to the boundary."
        ),
        caveats=[
            "{} lie within 100 m of the boundary, where GPS error alone could put a read outside.".format(
                plural(near, "read")
            ),
            "Reads at 0,0 (missing coordinates) lie far outside: clean the reads first.",
        ],
        source=layer,
    )


# ------------------------------------------------------------------ tracks


def tracks_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    length = np.nan_to_num(numeric(t, "length_m", "TRACKS", layer))
    reads = np.nan_to_num(numeric(t, "read_count", "TRACKS", layer))
    start = pd.to_datetime(t["start_time"], errors="coerce")
    end = pd.to_datetime(t["end_time"], errors="coerce")
    hours = ((end - start).dt.total_seconds() / 3600).fillna(0).to_numpy()
    devices = t["device"].astype("object").where(t["device"].notna(), "(no device)").astype(str)
    frame = pd.DataFrame(
        {"device": devices.to_numpy(), "km": length / 1000, "reads": reads, "hours": hours, "start": start, "end": end}
    )
    per = (
        frame.groupby("device")
        .agg(
            tracks=("km", "size"),
            reads=("reads", "sum"),
            km=("km", "sum"),
            hours=("hours", "sum"),
            first=("start", "min"),
            last=("end", "max"),
        )
        .sort_values("km", ascending=False)
    )
    headline = "{} drove {} covering {} km in {} hours of recorded patrol.".format(
        plural(len(per), "device"), plural(len(t), "track"), number(length.sum() / 1000), number(hours.sum())
    )
    body = []
    if len(t):
        body.append(
            figure(
                charts.chart_timeline(frame.sort_values("start")),
                "Timeline of each device's tracks",
                "When each device was reading: one bar per continuous patrol.",
            )
        )
    body.append(
        table(
            ["Device", "Tracks", "Reads", "Distance (km)", "Hours", "First", "Last"],
            [
                (
                    d,
                    number(g["tracks"]),
                    number(g["reads"]),
                    number(g["km"], 1),
                    number(g["hours"], 1),
                    _when(g["first"]),
                    _when(g["last"]),
                )
                for d, g in per.head(MAX_ROWS).iterrows()
            ],
            [False, True, True, True, True, False, False],
        )
    )
    return Section(
        "tracks",
        "Where the camera cars drove",
        headline,
        body,
        method=(
            "Each device's reads were joined in time order into lines; a pause longer than the maximum gap, or "
            "a jump faster than a car could drive, starts a new track. Distances add the straight steps between "
            "consecutive reads."
        ),
        caveats=[
            "A track is drawn straight from read to read, not along the roads: its length is a lower bound.",
            "A camera records only when it reads a plate: a gap in a track does not mean the car stopped.",
        ],
        source=layer,
    )


def _when(value) -> str:
    return "" if value is None or value != value or pd.isna(value) else "{:%Y-%m-%d %H:%M}".format(value)


# ------------------------------------------------------------------ audit


def audit_section(t: pd.DataFrame, layer: str, facts: Facts) -> Section:
    kinds = (
        t["kind"].astype("object").where(t["kind"].notna(), "").astype(str).str.lower()
        if "kind" in t.columns
        else pd.Series("unicity", index=t.index)
    )
    uni = t[kinds.to_numpy() == "unicity"].reset_index(drop=True)
    k = numeric(uni, "known_points", "AUDIT", layer)
    vehicles = numeric(uni, "vehicles", "AUDIT", layer)
    unique = numeric(uni, "unique_vehicles", "AUDIT", layer)
    ratio = numeric(uni, "unique_share", "AUDIT", layer)
    body: List[str] = []
    ok = np.isfinite(k) & np.isfinite(ratio)
    if ok.any():
        last = np.flatnonzero(ok)[np.argmax(k[ok])]
        headline = (
            "In the published data, someone who knows {} of a car can single it out for {} of the vehicles "
            "({} of {})."
        ).format(plural(k[last], "sighting"), share(ratio[last]), number(unique[last]), number(vehicles[last]))
        order = np.flatnonzero(ok)[np.argsort(k[ok])]
        body.append(
            figure(
                charts.horizontal_bars(
                    ["{} known".format(plural(k[i], "sighting")) for i in order],
                    100 * ratio[order],
                    xlabel="Vehicles singled out (%)",
                    value_labels=[share(ratio[i]) for i in order],
                ),
                "Bar chart of the share of vehicles singled out by known sightings",
                "Share of the vehicles whose trail no other vehicle shares, by the sightings an adversary knows.",
            )
        )
        body.append(
            table(
                ["Known sightings", "Vehicles with that many", "Singled out", "Share"],
                [(number(k[i]), number(vehicles[i]), number(unique[i]), share(ratio[i])) for i in order],
                [True, True, True, True],
            )
        )
    else:
        headline = "The audit table holds no re-identification figure."
    precision = []
    if "time_precision" in uni.columns and len(uni):
        precision.append("times kept to the {}".format(uni["time_precision"].iloc[0]))
    if "location_precision_m" in uni.columns and len(uni):
        grid = numeric(uni, "location_precision_m", "AUDIT", layer)[0]
        precision.append(
            "locations snapped to a {} m grid".format(number(grid)) if grid and grid > 0 else "exact locations"
        )
    dropped = t[kinds.to_numpy() == "dropped_field"]
    if len(dropped) and "field" in t.columns:
        body.append(paragraph("Fields removed from the release: {}.".format(", ".join(dropped["field"].astype(str)))))
    cleared = t[kinds.to_numpy() == "cleared_values"]
    if len(cleared) and "field" in t.columns:
        counts = numeric(cleared.reset_index(drop=True), "count", "AUDIT", layer)
        body.append(
            "<h3>Values cleared because they held a plate or an exact place</h3>"
            + table(
                ["Field", "Values cleared"],
                [(f, number(c)) for f, c in zip(cleared["field"].astype(str), counts)],
                [False, True],
            )
        )
    return Section(
        "audit",
        "Can a driver be found in the published data?",
        headline,
        body,
        method=(
            "Plates were replaced by keyed pseudonyms ({}). Each vehicle's trail is the set of its (place, "
            "time) points as released; for k known sightings, k points of each trail were drawn at random and "
            "the vehicle counts as singled out when no other trail holds all k."
        ).format("; ".join(precision) or "precision as released"),
        caveats=[
            "The draws are random (with a fixed seed): another draw gives slightly other shares.",
            "An adversary who knows more than k sightings, or holds other data, can single out more vehicles.",
        ],
        source=layer,
    )
