"""The report's charts: matplotlib figures (Agg canvas, no pyplot, no QGIS) as base64 PNG text.

Every label drawn from the data is passed through ``text()`` so that a
device or field name is shown as written, never read as mathtext.
"""

from __future__ import annotations

import base64
import io
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.metrics import WEEKDAYS

BLUE = "#2c6fbb"
DARK = "#1f2d3d"
GREY = "#9aa5b1"
RED = "#c0392b"
MAX_DEVICES_CHARTED = 12
FREQUENCY_BINS = ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 500))


def text(value: object, limit: int = 40) -> str:
    """A data value as chart text: shortened, ``$`` escaped (matplotlib would read mathtext)."""
    shown = str(value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown.replace("$", r"\$")


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


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    colours: Optional[Sequence[str]] = None,
    xlabel: str = "",
    value_labels: Optional[Sequence[str]] = None,
    reference: Optional[float] = None,
    log: bool = False,
) -> str:
    """Bars from top to bottom in the order given, each labelled with its value."""
    values = np.asarray(values, dtype=float)
    fig = _figure(7.0, 0.45 + 0.32 * max(1, len(values)))
    ax = fig.add_subplot()
    y = np.arange(len(values))[::-1]
    ax.barh(y, np.nan_to_num(values), color=list(colours) if colours else BLUE, height=0.7)
    ax.set_yticks(y)
    ax.set_yticklabels([text(label, 60) for label in labels])
    if log:
        ax.set_xscale("log")
    top = np.nanmax(values) if len(values) and np.isfinite(values).any() else 1.0
    for yi, v, shown in zip(y, values, value_labels or ["{:,.0f}".format(v) if np.isfinite(v) else "" for v in values]):
        if np.isfinite(v):
            ax.text(v if v > 0 else 0, yi, " " + text(shown), va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference, color=DARK, linewidth=0.8, linestyle="--")
    if not log:
        from matplotlib.ticker import FuncFormatter

        ax.set_xlim(0, top * 1.2 if top > 0 else 1)
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda v, _: "{:,.0f}".format(v) if v == int(v) else "{:g}".format(v))
        )
    ax.set_xlabel(text(xlabel, 120), fontsize=9)
    _style(ax)
    return _png(fig)


def chart_funnel(parts: Sequence[Tuple[str, int, str]]) -> str:
    """The funnel: (label, count, role) with role ``source``, ``lost`` or ``kept``; bars with their numbers."""
    colours = {"source": DARK, "lost": GREY, "kept": BLUE}
    return horizontal_bars(
        [label for label, _, _ in parts],
        [count for _, count, _ in parts],
        colours=[colours.get(role, GREY) for _, _, role in parts],
        xlabel="Records",
    )


def chart_by_hour(by_hour: np.ndarray, zone_label: str) -> str:
    fig = _figure(7.0, 2.6)
    ax = fig.add_subplot()
    ax.bar(np.arange(24), by_hour, color=BLUE, width=0.8)
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlabel("Hour of day ({})".format(text(zone_label, 80)), fontsize=9)
    ax.set_ylabel("Reads", fontsize=9)
    _style(ax)
    return _png(fig)


def chart_weekday_hour(grid: np.ndarray, zone_label: str) -> str:
    fig = _figure(7.0, 2.6)
    ax = fig.add_subplot()
    image = ax.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest")
    ax.set_yticks(range(7))
    ax.set_yticklabels(WEEKDAYS)
    ax.set_xticks(range(0, 24, 2))
    ax.set_xlabel("Hour of day ({})".format(text(zone_label, 80)), fontsize=9)
    bar = fig.colorbar(image, ax=ax, fraction=0.04)
    bar.set_label("Reads", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.tick_params(labelsize=8)
    return _png(fig)


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
        ax.plot(dates, device_days.loc[device].to_numpy(), marker="o", markersize=3, linewidth=1.2, label=text(device))
    ax.set_ylabel("Reads per day", fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.autofmt_xdate()
    _style(ax)
    return _png(fig)


def chart_paired_bars(labels: Sequence[str], first: Sequence[float], second: Sequence[float], names, xlabel) -> str:
    """Two bars per label (e.g. reads seen and reads expected), top to bottom in the order given."""
    first = np.nan_to_num(np.asarray(first, dtype=float))
    second = np.nan_to_num(np.asarray(second, dtype=float))
    fig = _figure(7.0, 0.6 + 0.42 * max(1, len(labels)))
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    ax.barh(y + 0.18, first, height=0.36, color=BLUE, label=text(names[0]))
    ax.barh(y - 0.18, second, height=0.36, color=GREY, label=text(names[1]))
    ax.set_yticks(y)
    ax.set_yticklabels([text(label, 48) for label in labels])
    ax.set_xlabel(text(xlabel, 120), fontsize=9)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    _style(ax)
    return _png(fig)


def chart_forest(labels: Sequence[str], ratio, low, high, xlabel: str) -> str:
    """Rate ratios with their 95 % intervals on a log axis, a dashed line at 1 (no effect)."""
    ratio, low, high = (np.asarray(v, dtype=float) for v in (ratio, low, high))
    fig = _figure(7.0, 0.7 + 0.4 * max(1, len(labels)))
    ax = fig.add_subplot()
    y = np.arange(len(labels))[::-1]
    ok = np.isfinite(ratio) & (ratio > 0)
    err = np.vstack([np.where(ok, ratio - low, 0), np.where(ok, high - ratio, 0)])
    err = np.nan_to_num(np.clip(err, 0, None))
    ax.errorbar(ratio[ok], y[ok], xerr=err[:, ok], fmt="o", color=BLUE, ecolor=DARK, capsize=3)
    ax.axvline(1.0, color=RED, linewidth=0.8, linestyle="--")
    span = np.concatenate([low[ok], high[ok], [1.0]])
    span = span[np.isfinite(span) & (span > 0)]
    if len(span) and span.max() / span.min() > 10:  # a log axis only where ratios differ by orders of magnitude
        from matplotlib.ticker import FormatStrFormatter, NullFormatter

        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        xlabel += " (log scale)"
    ax.set_yticks(y)
    ax.set_yticklabels([text(label, 48) for label in labels])
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.set_xlabel(text(xlabel, 120), fontsize=9)
    _style(ax)
    return _png(fig)


def chart_timeline(rows: pd.DataFrame) -> str:
    """Tracks as horizontal spans, one line per device (columns device, start, end)."""
    from matplotlib.dates import date2num

    devices = list(dict.fromkeys(rows["device"].astype(str)))[:MAX_DEVICES_CHARTED]
    fig = _figure(7.0, 0.7 + 0.35 * max(1, len(devices)))
    ax = fig.add_subplot()
    for i, device in enumerate(devices):
        mine = rows[rows["device"].astype(str) == device]
        start = date2num(pd.to_datetime(mine["start"]).dt.to_pydatetime())
        end = date2num(pd.to_datetime(mine["end"]).dt.to_pydatetime())
        spans = [(s, max(t - s, 1 / 1440)) for s, t in zip(start, end) if np.isfinite(s) and np.isfinite(t)]
        ax.broken_barh(spans, (len(devices) - 1 - i - 0.35, 0.7), color=BLUE)
    ax.set_yticks(range(len(devices)))
    ax.set_yticklabels([text(d) for d in devices[::-1]])
    ax.xaxis_date()
    fig.autofmt_xdate()
    _style(ax)
    return _png(fig)
