"""The HTML accountability report of ``alpr:summary``: one self-contained file.

Pure Python + matplotlib (Agg canvas, no pyplot, no QGIS).  Charts are PNGs
embedded as ``data:`` URIs, so the file opens anywhere without network access.
Every string that comes from the data or the user (layer names, paths, device
names, notes) goes through ``html.escape``; plates never appear at all.  The
markup is well-formed XML (HTML5 polyglot), so any XML parser can check it.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html import escape
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.summary import DEFINITIONS, WEEKDAYS, Summary

BLUE = "#2c6fbb"
DARK = "#1f2d3d"
MAX_DEVICES_CHARTED = 12


@dataclass
class ReportContext:
    """What the report says about how it was made."""

    title: str
    generated: str  # date-time text
    inputs: List[Tuple[str, str]] = field(default_factory=list)  # (parameter, layer or file)
    parameters: List[Tuple[str, str]] = field(default_factory=list)
    software: List[Tuple[str, str]] = field(default_factory=list)
    map_png: Optional[bytes] = None
    map_caption: str = ""
    reference_distance_text: str = ""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def format_value(value: Optional[float]) -> str:
    """How a metric value reads in the report (integers without decimals, null as 'not available')."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "not available"
    if float(value).is_integer():
        return "{:,}".format(int(value))
    if abs(value) < 1:
        return "{:.3f}".format(value)
    return "{:,.2f}".format(value)


# ------------------------------------------------------------------ charts


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def chart_by_hour(by_hour: np.ndarray) -> str:
    fig = _figure(7.0, 2.6)
    ax = fig.add_subplot()
    ax.bar(np.arange(24), by_hour, color=BLUE, width=0.8)
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlabel("Hour of day (time as recorded)", fontsize=9)
    ax.set_ylabel("Reads", fontsize=9)
    _style(ax)
    return _png(fig)


def chart_weekday_hour(grid: np.ndarray) -> str:
    fig = _figure(7.0, 2.6)
    ax = fig.add_subplot()
    image = ax.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_yticks(range(7))
    ax.set_yticklabels(WEEKDAYS)
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlabel("Hour of day", fontsize=9)
    bar = fig.colorbar(image, ax=ax, fraction=0.04)
    bar.set_label("Reads", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.tick_params(labelsize=8)
    return _png(fig)


FREQUENCY_BINS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 500))


def plate_frequency_bins(reads_per_plate: pd.Series) -> List[Tuple[str, int]]:
    """(label, plates) for plates read 1, 2, … 5, 6–10, … 101–500 and more than 500 times (empty bins kept)."""
    k = reads_per_plate.index.to_numpy()
    plates = reads_per_plate.to_numpy()
    out = []
    for lo, hi in FREQUENCY_BINS:
        label = str(lo) if lo == hi else "{}–{}".format(lo, hi)
        out.append((label, int(plates[(k >= lo) & (k <= hi)].sum())))
    top = FREQUENCY_BINS[-1][1]
    above = int(plates[k > top].sum())
    if above:
        out.append(("over {}".format(top), above))
    while out and out[-1][1] == 0:
        out.pop()
    return out


def chart_reads_per_plate(reads_per_plate: pd.Series) -> str:
    bins = plate_frequency_bins(reads_per_plate)
    fig = _figure(7.0, 2.6)
    ax = fig.add_subplot()
    positions = np.arange(len(bins))
    counts = np.array([c for _, c in bins], dtype=float)
    ax.bar(positions[counts > 0], counts[counts > 0], color=BLUE, width=0.8)
    ax.set_yscale("log")
    ax.set_xticks(positions)
    ax.set_xticklabels([label for label, _ in bins])
    ax.set_xlabel("Times a plate was read", fontsize=9)
    ax.set_ylabel("Plates (log scale)", fontsize=9)
    _style(ax)
    return _png(fig)


def chart_device_days(device_days: pd.DataFrame) -> str:
    fig = _figure(7.0, 2.8)
    ax = fig.add_subplot()
    top = device_days.sum(axis=1).sort_values(ascending=False).index[:MAX_DEVICES_CHARTED]
    dates = pd.to_datetime(device_days.columns)
    for device in top:
        label = str(device)[:40].replace("$", r"\$")  # text, never mathtext
        ax.plot(dates, device_days.loc[device].to_numpy(), marker="o", markersize=3, linewidth=1.2, label=label)
    ax.set_ylabel("Reads per day", fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    _style(ax)
    return _png(fig)


# ------------------------------------------------------------------ HTML

CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2d3d;max-width:60em;margin:2em auto;padding:0 1em;
line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #2c6fbb;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;
vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eef2f8}
.muted{color:#667}img{max-width:100%}figure{margin:1em 0}figcaption{font-size:.9em;color:#445}
ul.findings li{margin:.3em 0}dt{font-weight:bold}dd{margin:0 0 .5em 1.5em}
"""


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[bool] = ()) -> str:
    out = ["<table>", "<tr>" + "".join("<th>{}</th>".format(_e(h)) for h in header) + "</tr>"]
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            cls = ' class="n"' if i < len(numeric) and numeric[i] else ""
            cells.append("<td{}>{}</td>".format(cls, _e(cell)))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _figure_html(png_b64: str, alt: str, caption: str) -> str:
    return '<figure><img src="data:image/png;base64,{}" alt="{}" /><figcaption>{}</figcaption></figure>'.format(
        png_b64, _e(alt), _e(caption)
    )


def findings(summary: Summary, context: ReportContext) -> List[str]:
    """The key findings as plain sentences (escaped later), from the metrics only."""
    v = summary.value
    out = []
    total = v("total_reads") or 0
    if v("unique_plates") is not None:
        text = "{} reads of {} distinct plates".format(format_value(total), format_value(v("unique_plates")))
        if v("plates_seen_once") is not None and v("unique_plates"):
            text += "; {} plates ({:.1%}) were read only once".format(
                format_value(v("plates_seen_once")), v("plates_seen_once") / v("unique_plates")
            )
        out.append(text + ".")
    if v("max_reads_single_plate") is not None:
        out.append("The most-read plate was read {} times.".format(format_value(v("max_reads_single_plate"))))
    if v("government_plates") is not None:
        out.append(
            "{} government plates account for {} reads.".format(
                format_value(v("government_plates")), format_value(v("government_reads"))
            )
        )
    if v("devices") is not None and v("busiest_device_share") is not None:
        out.append(
            "{} devices took these reads; the busiest took {:.1%} of them.".format(
                format_value(v("devices")), v("busiest_device_share")
            )
        )
    if v("reads_near_reference") is not None:
        out.append(
            "{} reads lie within {} of the reference point ({}).".format(
                format_value(v("reads_near_reference")),
                context.reference_distance_text or "the reference distance",
                summary.note("reads_near_reference").split("; ")[-1],
            )
        )
    if v("reads_outside_boundary") is not None:
        out.append(
            "{} reads lie outside the boundary ({}).".format(
                format_value(v("reads_outside_boundary")), summary.note("reads_outside_boundary")
            )
        )
    if v("reads_missing_location"):
        out.append(
            "{} reads have no usable location ({}).".format(
                format_value(v("reads_missing_location")), summary.note("reads_missing_location")
            )
        )
    if v("misreads") is not None:
        out.append(
            "{} reads were not plates at all: road signs and over-length text.".format(format_value(v("misreads")))
        )
    if v("duplicate_reads"):
        out.append("{} reads repeat a read of the same car moments earlier.".format(format_value(v("duplicate_reads"))))
    return out


def build_report(summary: Summary, context: ReportContext) -> str:
    """The whole report as one HTML string."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        "<title>{}</title>".format(_e(context.title)),
        "<style>{}</style>".format(CSS),
        "</head>",
        "<body>",
        "<h1>{}</h1>".format(_e(context.title)),
        '<p class="muted">Made {} with alpr_qgis. No plate appears in this report.</p>'.format(_e(context.generated)),
    ]
    start, end = summary.time_range
    if start is not None:
        parts.append("<p>Reads from <b>{:%Y-%m-%d %H:%M}</b> to <b>{:%Y-%m-%d %H:%M}</b>.</p>".format(start, end))

    parts.append('<section id="findings"><h2>Key findings</h2>')
    parts.append(
        '<ul class="findings">' + "".join("<li>{}</li>".format(_e(s)) for s in findings(summary, context)) + "</ul>"
    )

    parts.append("</section>")
    parts.append('<section id="numbers"><h2>The numbers</h2>')
    rows = [
        (m, format_value(val), note)
        for m, val, note in summary.table[["metric", "value", "note"]].itertuples(index=False, name=None)
    ]
    parts.append('<div id="metrics">' + _table(["Metric", "Value", "Note"], rows, [False, True, False]) + "</div>")

    parts.append("</section>")
    parts.append('<section id="time"><h2>When the cameras read</h2>')
    if summary.by_hour.sum():
        parts.append(
            _figure_html(chart_by_hour(summary.by_hour), "Bar chart of reads by hour of day", "Reads by hour of day.")
        )
        parts.append(
            _figure_html(
                chart_weekday_hour(summary.weekday_hour),
                "Grid of reads by weekday and hour",
                "Reads by weekday (rows, Monday first) and hour of day (columns).",
            )
        )
        parts.append(
            "<details><summary>Reads by hour, as numbers</summary>"
            + _table([str(h) for h in range(24)], [[int(c) for c in summary.by_hour]], [True] * 24)
            + "</details>"
        )
        if summary.reads_without_time:
            parts.append(
                "<p>{} reads have no readable time and are not in these charts.</p>".format(summary.reads_without_time)
            )
    else:
        parts.append("<p>No read has a readable time.</p>")

    parts.append("</section>")
    parts.append('<section id="plates"><h2>How often each plate was read</h2>')
    if len(summary.reads_per_plate):
        parts.append(
            _figure_html(
                chart_reads_per_plate(summary.reads_per_plate),
                "Bar chart of plates by number of reads, log scale",
                "Distribution of reads per plate: how many plates were read once, twice, … (log scale).",
            )
        )
        rows = plate_frequency_bins(summary.reads_per_plate)
        parts.append(_table(["Reads of a plate", "Plates"], rows, [True, True]))
    else:
        parts.append("<p>No plate in the input.</p>")

    parts.append("</section>")
    parts.append('<section id="devices"><h2>Reads per device</h2>')
    if len(summary.devices):
        if summary.device_days.shape[1] > 0:
            caption = "Reads per device per day."
            if len(summary.device_days) > MAX_DEVICES_CHARTED:
                caption += " The {} busiest devices are charted; the table lists all.".format(MAX_DEVICES_CHARTED)
            parts.append(
                _figure_html(chart_device_days(summary.device_days), "Line chart of reads per device per day", caption)
            )
        rows = [
            (
                d.device,
                int(d.reads),
                int(d.days),
                "{:%Y-%m-%d %H:%M}".format(d.first),
                "{:%Y-%m-%d %H:%M}".format(d.last),
            )
            for d in summary.devices.itertuples(index=False)
        ]
        parts.append(
            _table(["Device", "Reads", "Days", "First read", "Last read"], rows, [False, True, True, False, False])
        )
    else:
        parts.append("<p>No device field, or no read with both a device and a time.</p>")

    parts.append("</section>")
    parts.append('<section id="map"><h2>Where the cameras read</h2>')
    if context.map_png:
        parts.append(
            _figure_html(base64.b64encode(context.map_png).decode("ascii"), "Map of the reads", context.map_caption)
        )
    else:
        parts.append("<p>{}</p>".format(_e(context.map_caption or "No map could be drawn.")))

    parts.append("</section>")
    parts.append('<section id="methods"><h2>Methods</h2>')
    parts.append("<h3>Inputs</h3>" + _table(["Input", "Layer or file"], context.inputs))
    parts.append("<h3>Parameters</h3>" + _table(["Parameter", "Value"], context.parameters))
    parts.append("<h3>Software</h3>" + _table(["Software", "Version"], context.software))
    parts.append(
        "<h3>Definitions</h3><dl>"
        + "".join("<dt>{}</dt><dd>{}</dd>".format(_e(k), _e(v)) for k, v in DEFINITIONS.items())
        + "</dl>"
    )
    parts.append(
        "<p>Times are shown as recorded in the input (local time when loaded with alpr:loadreads). "
        "Counts come from the same run as the metrics table written beside this report.</p>"
    )
    parts.extend(["</section>", "</body>", "</html>", ""])
    return "\n".join(parts)
