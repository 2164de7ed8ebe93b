"""The whole report page: title, funnel, findings, the numbers, time, plates, devices, map, sections, methods.

Pure Python + matplotlib (no QGIS).  Charts are PNGs embedded as ``data:``
URIs, so the file opens anywhere without network access.  Every string
that comes from the data or the user goes through ``html.escape``; plates
never appear at all (the most-read plates are shown by rank).
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import pandas as pd

from alpr_qgis.core.metrics import LABELS, METRICS, metric_definition, metric_label
from alpr_qgis.core.report import charts
from alpr_qgis.core.report.html import Section, e, figure, format_value, number, paragraph, plural, share, table
from alpr_qgis.core.summary import Summary

LOCAL_AS_RECORDED = "local time as recorded"


@dataclass
class ReportContext:
    """What the report says about how it was made."""

    title: str
    generated: str  # date-time text
    inputs: List[Tuple[str, str]] = field(default_factory=list)  # (what, layer name): never a path or source
    parameters: List[Tuple[str, str]] = field(default_factory=list)
    software: List[Tuple[str, str]] = field(default_factory=list)
    map_png: Optional[bytes] = None
    map_caption: str = ""
    reference_distance_text: str = ""
    time_zone: Optional[str] = None  # IANA name; None: the zone is not known
    time_zone_how: str = ""  # how the zone was chosen, in words
    sections: List[Section] = field(default_factory=list)


# ------------------------------------------------------------------ words


def date_range_text(start, end) -> str:
    """``14–20 July 2014``, ``28 June – 3 July 2014``, ``30 December 2013 – 2 January 2014``; "" without dates."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return ""

    def day(ts, month=True, year=True) -> str:
        text = str(ts.day)
        if month:
            text += " " + ts.strftime("%B")
        if year:
            text += " " + str(ts.year)
        return text

    if start.date() == end.date():
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return "{}–{}".format(start.day, day(end))
    if start.year == end.year:
        return "{} – {}".format(day(start, year=False), day(end))
    return "{} – {}".format(day(start), day(end))


def default_title(place: Optional[str], start=None, end=None) -> str:
    """The report's title when REPORT_TITLE is empty: the place and the dates of the reads."""
    title = "License plate reader (ALPR) reads"
    if place:
        title += " in {}".format(place)
    dates = date_range_text(start, end)
    return "{}, {}".format(title, dates) if dates else title


def zone_label(zone: Optional[str], start=None, end=None) -> str:
    """``America/Los_Angeles time (PDT, UTC−07:00)``; ``local time as recorded`` without a zone."""
    if not zone:
        return LOCAL_AS_RECORDED
    try:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(zone)
    except (ImportError, ValueError, KeyError, OSError):
        return "{} time".format(zone)
    names = []
    for ts in (start, end):
        if ts is None or pd.isna(ts):
            continue
        local = ts.to_pydatetime().replace(tzinfo=tz)
        offset = local.utcoffset() or datetime.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "−"
        text = "{}, UTC{}{:02d}:{:02d}".format(local.tzname(), sign, abs(minutes) // 60, abs(minutes) % 60)
        if text not in names:
            names.append(text)
    return "{} time ({})".format(zone, "; ".join(names)) if names else "{} time".format(zone)


def findings(summary: Summary, context: ReportContext) -> List[str]:
    """The key findings as plain sentences (escaped later), from the metrics and each section's headline."""
    v = summary.value
    out = []
    total = v("total_reads") or 0
    if v("records_in_source") is not None and (v("unreadable_records") is not None or v("rejected_reads") is not None):
        out.append(
            "The export holds {} records; {} reads were analysed after cleaning.".format(
                format_value(v("records_in_source")), format_value(total)
            )
        )
    if v("unique_plates") is not None:
        text = "{} reads of {} distinct plates".format(format_value(total), format_value(v("unique_plates")))
        if v("plates_seen_once") is not None and v("unique_plates"):
            once = v("plates_seen_once")
            text += "; {} ({:.1%}) {} read only once".format(
                plural(once, "plate"), once / v("unique_plates"), "was" if once == 1 else "were"
            )
        out.append(text + ".")
    top = summary.top_plates
    if v("max_reads_single_plate") is not None:
        text = "The most-read plate was read {} times".format(format_value(v("max_reads_single_plate")))
        if top is not None and len(top) and government(top["government"].iloc[0]) is True:
            text += "; it is a government plate"
        out.append(text + ".")
    if v("government_plates") is not None:
        out.append(
            "{} {} for {}.".format(
                plural(v("government_plates"), "government plate"),
                "accounts" if v("government_plates") == 1 else "account",
                plural(v("government_reads"), "read"),
            )
        )
    if v("devices") is not None and v("busiest_device_share") is not None:
        out.append(
            "{} cameras took these reads; the busiest took {:.1%} of them.".format(
                format_value(v("devices")), v("busiest_device_share")
            )
        )
    if v("fixed_cameras"):
        out.append(
            "{} of them stay in one place (fixed cameras) and took {} reads; the other {} move (patrol cars).".format(
                format_value(v("fixed_cameras")),
                format_value(v("reads_by_fixed_cameras")),
                format_value(v("mobile_devices")),
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
            "{} reads were not plates at all: road signs, empty, over-long or impossible text.".format(
                format_value(v("misreads"))
            )
        )
    if v("duplicate_reads"):
        out.append("{} reads repeat a read of the same car moments earlier.".format(format_value(v("duplicate_reads"))))
    out.extend(section.headline for section in context.sections)
    return out


# ------------------------------------------------------------------ sections of the page


def funnel_html(summary: Summary) -> str:
    v = summary.value
    total = int(v("total_reads") or 0)
    source = int(v("records_in_source") or total)
    parts = summary.funnel or [("total_reads", total)]
    out = ['<section id="funnel"><h2>From the export to the reads analysed</h2>']
    if len(parts) == 1:
        out.append(
            paragraph(
                "{} were analysed. The records the loader could not read and the reads the cleaning set apart "
                "were not given to this report, so it cannot say how many records the export held.".format(
                    plural(total, "read")
                )
            )
        )
    else:
        words = []
        if v("unreadable_records") is not None:
            words.append("{} could not be read".format(format_value(v("unreadable_records"))))
        if v("rejected_reads") is not None:
            words.append(
                "{} were set apart by the cleaning ({} of them misreads)".format(
                    format_value(v("rejected_reads")), format_value(v("misreads"))
                )
            )
        out.append(
            paragraph(
                "Of the {} records in the export, {}, and {} were analysed.".format(
                    format_value(source), ", ".join(words), plural(total, "read")
                ),
                "headline",
            )
        )
        bars = [(metric_label("records_in_source"), source, "source")]
        bars += [(metric_label(m), c, "kept" if m == "total_reads" else "lost") for m, c in parts]
        out.append(
            figure(
                charts.chart_funnel(bars),
                "Bar chart of the records of the export: unreadable, rejected by reason, analysed",
                "Every record of the export, from the file to the reads analysed.",
            )
        )
        rows = [(label, number(count), share(count / source if source else None)) for label, count, _ in bars]
        out.append(table(["Step", "Records", "Share of the export"], rows, [False, True, True], css="funnel"))
        check = " + ".join(number(c) for _, c in parts)
        out.append(
            '<p class="check">Check: {} = {} records in the export.</p>'.format(
                e(check), e(number(sum(c for _, c in parts)))
            )
        )
    if v("reads_missing_location"):
        out.append(
            paragraph(
                "{} had no usable location ({}).".format(
                    plural(v("reads_missing_location"), "read"), summary.note("reads_missing_location")
                )
            )
        )
    out.append("</section>")
    return "\n".join(out)


def numbers_html(summary: Summary) -> str:
    rows, attrs = [], []
    for metric, value, note in summary.table[["metric", "value", "note"]].itertuples(index=False, name=None):
        rows.append((metric_label(metric), format_value(None if value != value else value), note))
        attrs.append({"metric": metric})
    return (
        '<section id="numbers"><h2>The numbers</h2><div id="metrics">'
        + table(["Measure", "Value", "Note"], rows, [False, True, False], attrs)
        + "</div></section>"
    )


def time_html(summary: Summary, zone: str) -> str:
    out = ['<section id="time"><h2>When the cameras read</h2>']
    if summary.by_hour.sum():
        out.append(paragraph("Times are {}.".format(zone)))
        out.append(
            figure(
                charts.chart_by_hour(summary.by_hour, zone),
                "Bar chart of reads by hour of day",
                "Reads by hour of day ({}).".format(zone),
            )
        )
        out.append(
            figure(
                charts.chart_weekday_hour(summary.weekday_hour, zone),
                "Grid of reads by weekday and hour",
                "Reads by weekday (rows, Monday first) and hour of day (columns), {}.".format(zone),
            )
        )
        out.append(
            "<details><summary>Reads by hour, as numbers</summary>"
            + table([str(h) for h in range(24)], [[int(c) for c in summary.by_hour]], [True] * 24)
            + "</details>"
        )
        if summary.reads_without_time:
            out.append(
                paragraph(
                    "{} have no readable time and are not in these charts.".format(
                        plural(summary.reads_without_time, "read")
                    )
                )
            )
    else:
        out.append("<p>No read has a readable time.</p>")
    out.append("</section>")
    return "\n".join(out)


def government(flag) -> Optional[bool]:
    """A top plate's government flag as True, False or None (not known)."""
    if flag is None or flag != flag:
        return None
    return bool(flag)


def _gov_text(flag) -> str:
    flag = government(flag)
    if flag is True:
        return "Yes: government plate"
    return "No" if flag is False else "not known"


def plates_html(summary: Summary) -> str:
    out = ['<section id="plates"><h2>How often each plate was read</h2>']
    if len(summary.reads_per_plate):
        out.append(
            figure(
                charts.chart_reads_per_plate(summary.reads_per_plate),
                "Bar chart of plates by number of reads, log scale",
                "Distribution of reads per plate: how many plates were read once, twice, … (log scale).",
            )
        )
        rows = charts.plate_frequency_bins(summary.reads_per_plate)
        out.append(table(["Reads of a plate", "Plates"], rows, [True, True]))
        top = summary.top_plates
        if top is not None and len(top):
            out.append("<h3>The most-read plates</h3>")
            out.append(
                paragraph(
                    "The plates themselves are withheld: each is shown by its rank. Government plates are flagged."
                )
            )
            rows, attrs = [], []
            for r in top.itertuples(index=False):
                rows.append(
                    (
                        "#{}".format(r.rank),
                        number(r.reads),
                        number(r.days),
                        number(r.devices),
                        _stamp(r.first),
                        _stamp(r.last),
                        _gov_text(r.government),
                    )
                )
                attrs.append({"government": "yes" if government(r.government) else "no"})
            out.append(
                table(
                    ["Plate", "Reads", "Days seen", "Cameras", "First read", "Last read", "Government"],
                    rows,
                    [False, True, True, True, False, False, False],
                    attrs,
                    css="top-plates",
                )
            )
    else:
        out.append("<p>No plate in the input.</p>")
    out.append("</section>")
    return "\n".join(out)


def _stamp(value) -> str:
    return "" if value is None or pd.isna(value) else "{:%Y-%m-%d %H:%M}".format(value)


def devices_html(summary: Summary) -> str:
    out = ['<section id="devices"><h2>Reads per camera</h2>']
    if len(summary.devices):
        if summary.device_days.shape[1] > 0:
            caption = "Reads per camera (device) per day."
            if len(summary.device_days) > charts.MAX_DEVICES_CHARTED:
                caption += " The {} busiest devices are charted; the table lists all.".format(
                    charts.MAX_DEVICES_CHARTED
                )
            out.append(
                figure(charts.chart_device_days(summary.device_days), "Line chart of reads per device per day", caption)
            )
        rows = [
            (d.device, number(d.reads), number(d.days), _stamp(d.first), _stamp(d.last))
            for d in summary.devices.itertuples(index=False)
        ]
        out.append(
            table(["Device", "Reads", "Days", "First read", "Last read"], rows, [False, True, True, False, False])
        )
    else:
        out.append("<p>No device field, or no read with both a device and a time.</p>")
    out.append("</section>")
    return "\n".join(out)


def methods_html(summary: Summary, context: ReportContext, zone: str) -> str:
    out = ['<section id="methods"><h2>Methods</h2>']
    out.append("<h3>Inputs</h3>" + table(["Input", "Layer"], context.inputs))
    out.append("<h3>Parameters</h3>" + table(["Parameter", "Value"], context.parameters))
    out.append("<h3>Software</h3>" + table(["Software", "Version"], context.software))
    metrics = list(summary.table["metric"]) if len(summary.table) else list(METRICS)
    out.append(
        "<h3>Definitions</h3><dl>"
        + "".join(
            "<dt>{}</dt><dd>{}</dd>".format(e(metric_label(m)), e(metric_definition(m)))
            for m in metrics
            if m in LABELS or m.startswith("rejected_")
        )
        + "</dl>"
    )
    how = " ({})".format(context.time_zone_how) if context.time_zone_how else ""
    out.append(
        paragraph(
            "Times are the agency's local wall-clock time as loaded, shown as recorded: {}{}. "
            "Counts come from the same run as the summary table written beside this report.".format(zone, how)
        )
    )
    out.append(
        "<h3>Caveats</h3><ul>"
        + "".join(
            "<li>{}</li>".format(e(text))
            for text in (
                "Camera reads show where the cameras were, not where every car was: the data describe the "
                "patrols as much as the public.",
                "Reads come from few cars: the counts are not independent observations, and a statistical "
                "test that assumes they are overstates its confidence.",
                "Plate readers misread: the cleaning removes what is plainly not a plate, but a misread that "
                "looks like a plate stays.",
            )
        )
        + "</ul>"
    )
    out.append("</section>")
    return "\n".join(out)


CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1f2d3d;max-width:60em;margin:2em auto;padding:0 1em;
line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #2c6fbb;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccd;padding:.25em .6em;text-align:left;
vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eef2f8}
.muted{color:#667}img{max-width:100%}figure{margin:1em 0}figcaption{font-size:.9em;color:#445}
ul.findings li{margin:.3em 0}dt{font-weight:bold}dd{margin:0 0 .5em 1.5em}p.headline{font-size:1.1em;font-weight:bold}
.caveats{background:#fff8e6;border-left:4px solid #e6a700;padding:.4em .8em;margin:.8em 0}
tr[data-government="yes"] td{background:#fdecea;font-weight:bold}p.method{font-size:.95em}
"""


def build_report(summary: Summary, context: ReportContext) -> str:
    """The whole report as one HTML string."""
    start, end = summary.time_range
    zone = zone_label(context.time_zone, start, end)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        "<title>{}</title>".format(e(context.title)),
        "<style>{}</style>".format(CSS),
        "</head>",
        "<body>",
        "<h1>{}</h1>".format(e(context.title)),
    ]
    if start is not None:
        parts.append("<p>Reads from <b>{}</b> to <b>{}</b>, {}.</p>".format(_stamp(start), _stamp(end), e(zone)))
    version = dict(context.software).get("alpr_qgis")
    parts.append(
        '<p class="muted">Made {} with alpr_qgis{}. No plate appears in this report.</p>'.format(
            e(context.generated), " " + e(version) if version else ""
        )
    )
    parts.append(funnel_html(summary))
    parts.append('<section id="findings"><h2>Key findings</h2>')
    parts.append(
        '<ul class="findings">' + "".join("<li>{}</li>".format(e(s)) for s in findings(summary, context)) + "</ul>"
    )
    parts.append("</section>")
    parts.append(numbers_html(summary))
    parts.append(time_html(summary, zone))
    parts.append(plates_html(summary))
    parts.append(devices_html(summary))
    parts.append('<section id="map"><h2>Where the cameras read</h2>')
    if context.map_png:
        parts.append(figure(base64.b64encode(context.map_png).decode("ascii"), "Map of the reads", context.map_caption))
    else:
        parts.append(paragraph(context.map_caption or "No map could be drawn."))
    parts.append("</section>")
    parts.extend(section.render() for section in context.sections)
    parts.append(methods_html(summary, context, zone))
    parts.extend(["</body>", "</html>", ""])
    return "\n".join(parts)
