"""Locations: coordinates from a latitude/longitude pair or a combined column (pairs, WKT)."""

from __future__ import annotations

import csv
import io
import re
from typing import Optional, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.reads.values import _joined

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR_RE = r"^\s*[\(\[]?\s*(" + _NUM + r")\s*(?:,|;|\s)\s*(" + _NUM + r")\s*[\)\]]?\s*$"
_WKT_RE = (
    r"^\s*(?:SRID=\d+;)?\s*POINT\s*(?:Z|M|ZM)?\s*\(\s*(" + _NUM + r")\s+(" + _NUM + r")"
    r"(?:\s+" + _NUM + r")*\s*\)\s*$"
)
_WKT_EMPTY_RE = r"^\s*(?:SRID=\d+;)?\s*POINT\s*(?:Z|M|ZM)?\s*EMPTY\s*$"


_BRACKETS = str.maketrans("", "", "()[]")


def _numbers(column: pd.Series) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    values[~np.isfinite(values)] = np.nan
    return values


def _split_pairs(text: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """First and second number of "a, b" / "(a, b)" / "[a, b]" values (NaN where not a pair)."""
    joined = _joined(text)
    if joined is not None and len(text):
        try:  # one pass of pandas' C parser over all values
            pairs = pd.read_csv(
                io.StringIO(joined.translate(_BRACKETS)),
                header=None,
                names=["a", "b"],
                sep=",",
                skip_blank_lines=False,
                skipinitialspace=True,
                quoting=csv.QUOTE_NONE,
                engine="c",
            )
            if len(pairs) == len(text):
                return _numbers(pairs["a"]), _numbers(pairs["b"])
        except (ValueError, pd.errors.ParserError):
            pass  # a value with more than one comma: split one by one below
    parts = [v.translate(_BRACKETS).partition(",") for v in text]
    return (
        _numbers(pd.Series([p[0] for p in parts], dtype=object)),
        _numbers(pd.Series([p[2] if p[1] else "" for p in parts], dtype=object)),
    )


def parse_pairs(
    values: pd.Series, geographic: bool, known_order: Optional[str] = None
) -> Tuple[np.ndarray, np.ndarray, str]:
    """x/y arrays from combined location text, and the order the pairs use.

    ``"(37.80, -122.27)"``, ``"37.80,-122.27"`` and ``"[37.8 -122.2]"`` are
    read latitude first unless most pairs only make sense longitude first;
    WKT ``POINT(-122.27 37.80)`` is always x y.  With a projected source CRS
    pairs are read as x, y.  ``known_order`` (an order returned before, for
    an earlier part of the file) is used instead of deciding again.
    """
    text = values.fillna("").astype(str).to_numpy()
    a, b = _split_pairs(text)
    is_wkt = np.zeros(len(text), dtype=bool)
    wx = np.full(len(text), np.nan)
    wy = np.full(len(text), np.nan)
    # The few values the fast split could not read: other separators, WKT, garbage.
    rest = np.flatnonzero((np.isnan(a) | np.isnan(b)) & (text != ""))
    if len(rest):
        other = pd.Series(text[rest], dtype=object)
        pairs = other.str.extract(_PAIR_RE)
        a[rest] = _numbers(pairs[0])
        b[rest] = _numbers(pairs[1])
        wkt = other.str.extract(_WKT_RE, flags=re.IGNORECASE)
        wx[rest] = _numbers(wkt[0])
        wy[rest] = _numbers(wkt[1])
        is_wkt[rest] = ~np.isnan(wx[rest])
    order = "x, y"
    if geographic:
        both = ~np.isnan(a) & ~is_wkt
        lon_first = both & (np.abs(a) > 90) & (np.abs(b) <= 90)
        lat_first = both & (np.abs(a) <= 90) & (np.abs(b) > 90)
        if known_order in ("longitude, latitude", "latitude, longitude"):
            lat_then_lon = known_order == "latitude, longitude"
        else:  # decided here (or all WKT before: pairs are then read as most pairs here read)
            lat_then_lon = lon_first.sum() <= lat_first.sum()
        order = "latitude, longitude" if lat_then_lon else "longitude, latitude"
        if lat_then_lon:
            a, b = b, a
    x = np.where(is_wkt, wx, a)
    y = np.where(is_wkt, wy, b)
    if is_wkt.all() and len(x):
        order = "WKT x y"
    return x, y, order
