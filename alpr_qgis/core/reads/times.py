"""Times: the timestamp formats, ``parse_times`` and the glue to ``core.timezones`` (``_zone_of``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core import timezones
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.reads.options import (
    ZONE_LOOKED_UP,
    ZONE_NO_COORDINATES,
    ZONE_NO_LIBRARY,
    ZONE_NOT_FOUND,
    LoadOptions,
)
from alpr_qgis.core.reads.values import _SAMPLE, _sample

# Timestamp formats tried in order when TIME_FORMAT is not given.
TIME_FORMATS: Tuple[str, ...] = (
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S.%f %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y - %H:%M:%S",
    "%m/%d/%Y - %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S.%f",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y%m%d%H%M%S",
    "%Y%m%d %H%M%S",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%y %I.%M.%S.%f %p",
    "%d-%b-%y %H:%M:%S",
    "%b %d %Y %I:%M:%S %p",
    "%b %d, %Y %I:%M:%S %p",
    "%m/%d/%Y",
)
ISO_FORMAT = "ISO 8601"
EPOCH_SECONDS = "unix seconds"
EPOCH_MILLISECONDS = "unix milliseconds"


_ISO_RE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?"
_OFFSET_RE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def _strip_offsets(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\s*" + _OFFSET_RE, "", regex=True)


#: Shown instead of an example timestamp when the field also holds plates.
_WITHHELD = "(value withheld: this field holds plates)"
_FIXED_WIDTH = {"%Y": 4, "%y": 2, "%m": 2, "%d": 2, "%H": 2, "%I": 2, "%M": 2, "%S": 2, "%p": 2}


def _fixed_width_times(values: pd.Series, fmt: str) -> Optional[pd.Series]:
    """Vectorised parse of zero-padded, fixed-width formats (e.g. ``%m/%d/%Y %I:%M:%S %p``).

    Reads the digits straight from the characters' code points with numpy,
    about ten times faster than strptime.  Returns None when the format or
    the values do not suit (then strptime does the work); values whose
    separators differ from the format's, or whose fields are out of range,
    become NaT as with strptime.
    """
    layout = []
    pos = i = 0
    while i < len(fmt):
        token = fmt[i : i + 2]
        if token in _FIXED_WIDTH:
            layout.append((token, pos))
            pos += _FIXED_WIDTH[token]
            i += 2
        elif fmt[i] == "%":
            return None
        else:
            layout.append((fmt[i], pos))
            pos += 1
            i += 1
    text = values.to_numpy(dtype=object)
    if not len(text) or not all(isinstance(v, str) for v in text[:100]):
        return None
    width = pos
    lengths = np.fromiter(map(len, text), dtype=np.int64, count=len(text))
    same = lengths == width
    if same.mean() < 0.9:
        return None
    try:  # one byte a character when the text is ASCII (a quarter of the memory to go through)
        codes = np.asarray(text[same], dtype="S{}".format(width)).view(np.uint8).reshape(-1, width)
    except UnicodeEncodeError:
        codes = np.asarray(text[same], dtype="U{}".format(width)).view(np.uint32).reshape(-1, width)
    ok = np.ones(len(codes), dtype=bool)
    parts = {}
    for token, start in layout:
        if token == "%p":
            first = codes[:, start] | 0x20  # lower case
            ok &= np.isin(first, (ord("a"), ord("p"))) & ((codes[:, start + 1] | 0x20) == ord("m"))
            parts["pm"] = first == ord("p")
        elif token in _FIXED_WIDTH:
            digits = codes[:, start : start + _FIXED_WIDTH[token]].astype(np.int64) - 48
            ok &= ((digits >= 0) & (digits <= 9)).all(axis=1)
            parts[token] = (digits * 10 ** np.arange(digits.shape[1] - 1, -1, -1)).sum(axis=1)
        else:
            ok &= codes[:, start] == ord(token)
    if "%Y" in parts:
        year = parts["%Y"]
    elif "%y" in parts:
        year = np.where(parts["%y"] < 69, 2000, 1900) + parts["%y"]  # strptime's pivot
    else:
        return None
    if "%I" in parts:
        if "pm" not in parts:
            return None
        ok &= (parts["%I"] >= 1) & (parts["%I"] <= 12)
        hour = parts["%I"] % 12 + np.where(parts["pm"], 12, 0)
    else:
        hour = parts.get("%H", np.zeros(len(codes), dtype=np.int64))
    stamp = _civil_times(ok, year, parts.get("%m", 1), parts.get("%d", 1), hour, parts.get("%M", 0), parts.get("%S", 0))
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[same] = stamp
    result = pd.Series(out, index=values.index)
    rest = ~same & (lengths > 0)
    if rest.any():  # the odd value of another width: strptime decides
        result[rest] = pd.to_datetime(values[rest], format=fmt, errors="coerce").to_numpy()
    return result


_NS_SECONDS = (-(-pd.Timestamp.min.value // 10**9), pd.Timestamp.max.value // 10**9)


def _civil_times(ok, year, month, day, hour, minute, second) -> np.ndarray:
    """datetime64[ns] from date and time parts (integer arrays), NaT where ``ok`` is False or a part is impossible.

    What pandas' strptime gives for the same numbers: months 1-12, days
    that exist in the month, hours 0-23, minutes 0-59, seconds 0-61 (60 and
    61 roll over, as there), and times within datetime64[ns]'s range.
    """
    ok = ok & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    ok &= (hour >= 0) & (hour <= 23) & (minute >= 0) & (minute <= 59) & (second >= 0) & (second <= 61)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    ok &= day <= ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    days = first.astype(np.int64) + np.where(ok, day, 1) - 1
    seconds = days * 86400 + np.where(ok, hour * 3600 + minute * 60 + second, 0)
    ok &= (seconds >= _NS_SECONDS[0]) & (seconds <= _NS_SECONDS[1])
    stamp = (np.where(ok, seconds, 0) * 10**9).view("datetime64[ns]")
    stamp[~ok] = np.datetime64("NaT")
    return stamp


def _parse_with(values: pd.Series, fmt: str) -> pd.Series:
    """Naive datetimes for ``values`` in one format (NaT where it does not fit)."""
    if fmt == ISO_FORMAT:
        ok = values.str.fullmatch(_ISO_RE)
        plain = _strip_offsets(values.where(ok, ""))
        plain = plain.str.replace(",", ".", regex=False)
        return pd.to_datetime(plain.where(ok & (plain != "")), errors="coerce")
    if fmt in (EPOCH_SECONDS, EPOCH_MILLISECONDS):
        digits = values.str.fullmatch(r"\d{10}" if fmt == EPOCH_SECONDS else r"\d{13}")
        unit = "s" if fmt == EPOCH_SECONDS else "ms"
        numbers = pd.to_numeric(values.where(digits), errors="coerce")
        return pd.to_datetime(numbers, unit=unit, errors="coerce")
    if len(values) > 5000:
        fast = _fixed_width_times(values, fmt)
        if fast is not None:
            return fast
    return pd.to_datetime(values, format=fmt, errors="coerce")


def _best_time_format(sample: pd.Series, given: Optional[str]) -> Tuple[str, float]:
    values = sample.str.strip()
    formats = (given,) if given else (ISO_FORMAT, EPOCH_SECONDS, EPOCH_MILLISECONDS) + TIME_FORMATS
    best, best_share = formats[0], -1.0
    for fmt in formats:
        try:
            share = float(_parse_with(values, fmt).notna().mean()) if len(values) else 0.0
        except (ValueError, TypeError):
            share = 0.0
        if share > best_share:
            best, best_share = fmt, share
        if share == 1.0:
            break
    return best, best_share


@dataclass
class ParsedTimes:
    """What ``parse_times`` made of a column of timestamps."""

    times: pd.Series  # naive local datetime64[ns], NaT where unreadable
    time_format: str
    offsets_dropped: int = 0  # carried an offset (or were Unix times) and no zone was known: wall time kept
    offsets_converted: int = 0  # converted into ``zone``
    aware: bool = False  # some timestamp carried an offset or ``Z``, or the column holds Unix times
    zone: Optional[str] = None  # the zone aware timestamps were converted into


def parse_times(
    values: pd.Series,
    fmt: Optional[str],
    timezone: Optional[str],
    path: str,
    field_name: str,
    private: bool = False,
    known: bool = False,
    zone_for: Optional[Callable[[], Optional[str]]] = None,
) -> ParsedTimes:
    """Local naive times for a column of timestamp text.

    Timestamps carrying an offset or ``Z``, and Unix times (UTC by
    definition), are converted into ``timezone`` when one is given, else
    into the zone ``zone_for()`` answers (asked only when some timestamp
    needs it; None: no zone known).  With no zone their offset is dropped
    (the wall-clock time is kept as written, UTC for Unix times) and they
    are counted in ``offsets_dropped``.  Naive timestamps are kept as
    written.  Conversions follow the zone's rules (daylight saving time
    included).  Unparseable values are NaT.  With ``private`` (the column
    also holds plates) errors do not quote its values.  With ``known``,
    ``fmt`` was already chosen (on an earlier part of the file): it is used
    as it is, and values it cannot read are NaT.
    """
    text = values.fillna("").astype(str)
    filled = text[text.to_numpy() != ""]
    chosen, share = (fmt, 1.0) if known and fmt else _best_time_format(_sample(filled), fmt)
    if len(filled) and share <= 0.0:
        example = _WITHHELD if private else filled.iloc[0]
        if fmt:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", 'matches none of the timestamps, such as "{example}".'),
                args={"example": example, "format": fmt},
                path=path,
                field=field_name,
                hint=QT_TRANSLATE_NOOP("alpr_core", "TIME_FORMAT is {format}; fix it (strptime codes, e.g. "
                                       "%m/%d/%Y %I:%M:%S %p) or leave it empty to detect the format."),
            )  # fmt: skip
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'holds timestamps in a format that is not recognised, such as "{example}".'),
            args={"example": example},
            path=path,
            field=field_name,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Set TIME_FORMAT (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p)."),
        )
    # Exports repeat timestamps (several reads a second): parse each distinct text once.
    step = max(1, len(text) // _SAMPLE)
    if len(text) > 4 * _SAMPLE and text.iloc[::step].nunique() > 0.5 * len(text.iloc[::step]):
        codes, uniques = np.arange(len(text)), pd.Series(text.to_numpy(), dtype=object)  # mostly distinct
    else:
        codes, uniques = pd.factorize(text, sort=False)
        uniques = pd.Series(uniques, dtype=object)
    parsed = _parse_with(uniques, chosen).to_numpy(dtype="datetime64[ns]")
    epoch = chosen in (EPOCH_SECONDS, EPOCH_MILLISECONDS)
    if chosen == ISO_FORMAT:
        offset = uniques.str.contains(r"\d\s*" + _OFFSET_RE, regex=True).to_numpy(dtype=bool)
    else:
        offset = np.full(len(uniques), epoch, dtype=bool)
    offset &= ~np.isnat(parsed)
    result = ParsedTimes(times=pd.Series(dtype="datetime64[ns]"), time_format=chosen, aware=bool(offset.any()))
    if result.aware:
        zone = timezone or (zone_for() if zone_for is not None else None)
        per_row = np.bincount(codes, minlength=len(uniques))
        if zone:
            idx = np.flatnonzero(offset)
            if epoch:
                aware = pd.Series(parsed[idx]).dt.tz_localize("UTC")
            else:
                aware = pd.to_datetime(
                    uniques.iloc[idx].str.replace(",", ".", regex=False).reset_index(drop=True),
                    errors="coerce",
                    utc=True,
                )
            local = aware.dt.tz_convert(zone).dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            ok = ~np.isnat(local)  # (what cannot be converted keeps its wall-clock time)
            parsed[idx[ok]] = local[ok]
            result.zone = zone
            result.offsets_converted = int(per_row[idx[ok]].sum())
            result.offsets_dropped = int(per_row[idx[~ok]].sum())
        else:
            result.offsets_dropped = int(per_row[offset].sum())
    result.times = pd.Series(parsed[codes], index=text.index).astype("datetime64[ns]")
    return result


def _zone_of(x: np.ndarray, y: np.ndarray, options: LoadOptions) -> Tuple[Optional[str], str]:
    """The zone the reads at ``x``, ``y`` (source CRS) lie in, and how it was found (a ``ZONE_*`` code)."""
    if options.geographic:
        lon, lat = x, y
    elif options.to_lonlat is not None:
        idx = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if len(idx) > timezones.LOOKUP_SAMPLE:  # (the lookup takes no more: transform no more)
            idx = idx[np.linspace(0, len(idx) - 1, timezones.LOOKUP_SAMPLE).round().astype(np.int64)]
        lon, lat = options.to_lonlat(x[idx], y[idx]) if len(idx) else (x[:0], y[:0])
    else:
        return None, ZONE_NO_COORDINATES
    if not timezones.usable_points(lon, lat).any():
        return None, ZONE_NO_COORDINATES
    if not timezones.zone_available():
        return None, ZONE_NO_LIBRARY
    zone = timezones.lookup_zone(lon, lat)
    return zone, (ZONE_LOOKED_UP if zone else ZONE_NOT_FOUND)
