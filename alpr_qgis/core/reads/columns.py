"""Column detection: which source column holds each role, from header names confirmed by values."""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.plates import plates_look_hashed
from alpr_qgis.core.reads.locations import _PAIR_RE, _WKT_RE
from alpr_qgis.core.reads.options import FieldMap, LoadOptions
from alpr_qgis.core.reads.times import _best_time_format
from alpr_qgis.core.reads.values import _SAMPLE, _sample, _stripped

# Header names that identify each role, compared after lower-casing and
# dropping everything but letters and digits ("red_VRM" -> "redvrm").
ROLE_NAMES: Dict[str, Tuple[str, ...]] = {
    "plate": (
        "plate",
        "plates",
        "platenumber",
        "plateno",
        "platenum",
        "licenseplate",
        "licenseplatenumber",
        "licenceplate",
        "license",
        "licence",
        "licensenumber",
        "lpn",
        "lp",
        "vrm",
        "redvrm",
        "vrn",
        "tag",
        "tagnumber",
        "platehash",
        "hashedplate",
        "platetext",
        "plateread",
        "readplate",
        "registration",
        "regno",
        "vehicleplate",
        "plateid",
        "readvrm",
    ),
    "time": (
        "timestamp",
        "readtimestamp",
        "redtimestamp",
        "datetime",
        "readdatetime",
        "readtime",
        "dt",
        "capturetime",
        "capturedat",
        "captured",
        "capturedatetime",
        "scantime",
        "scandatetime",
        "eventtime",
        "eventdatetime",
        "observed",
        "observedat",
        "readat",
        "timeofread",
        "datetimeofread",
        "readdate",
        "date",
        "time",
        "reddatetime",
    ),
    "date": ("date", "readdate", "capturedate", "reddate", "scandate", "eventdate"),
    "clock": ("time", "readtime", "capturetime", "redtime", "scantime", "eventtime"),
    "lat": (
        "lat",
        "latitude",
        "redlatitude",
        "gpslat",
        "gpslatitude",
        "latdd",
        "ycoord",
        "ycoordinate",
        "y",
        "readlatitude",
    ),
    "lon": (
        "lon",
        "lng",
        "long",
        "longitude",
        "redlongitude",
        "gpslon",
        "gpslng",
        "gpslongitude",
        "londd",
        "xcoord",
        "xcoordinate",
        "x",
        "readlongitude",
    ),
    "location": (
        "location",
        "loc",
        "latlon",
        "latlong",
        "latlng",
        "lonlat",
        "coordinates",
        "coords",
        "coordinate",
        "gps",
        "gpslocation",
        "geolocation",
        "position",
        "point",
        "geom",
        "geometry",
        "wkt",
        "shape",
        "redlocation",
        "readlocation",
        "gpscoordinates",
    ),
    "device": (
        "device",
        "deviceid",
        "devicename",
        "camera",
        "cameraid",
        "cameraname",
        "camname",
        "cam",
        "unit",
        "unitid",
        "unitname",
        "reader",
        "readerid",
        "readername",
        "patrolcar",
        "patrolunit",
        "car",
        "carid",
        "system",
        "systemid",
        "source",
        "sourceid",
        "site",
        "siteid",
        "sitename",
        "redcamera",
        "reddevice",
        "redsystem",
        "redunit",
        "vehicleid",
    ),
    "state": (
        "state",
        "platestate",
        "redstate",
        "stateofplate",
        "issuingstate",
        "platejurisdiction",
        "registrationstate",
        "region",
        "plateregion",
        "platecountry",
        "country",
        "st",
    ),
}
# Substrings that identify a role when no exact name matches.
ROLE_HINTS: Dict[str, Tuple[str, ...]] = {
    "plate": ("plate", "vrm", "license", "licence"),
    "time": ("timestamp", "datetime"),
    "lat": ("latitude",),
    "lon": ("longitude",),
    "location": ("location", "coord"),
    "device": ("camera", "device"),
    "state": ("state",),
}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _candidates(columns: Sequence[str], role: str) -> List[str]:
    names = ROLE_NAMES[role]
    exact = sorted((c for c in columns if _norm(c) in names), key=lambda c: names.index(_norm(c)))
    hints = ROLE_HINTS.get(role, ())
    fuzzy = [c for c in columns if c not in exact and any(h in _norm(c) for h in hints)]
    return exact + fuzzy


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else 0.0


def _plate_like(values: pd.Series) -> float:
    if plates_look_hashed(values):
        return 1.0
    return _share(values.str.strip().str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 \-\.]{0,19}"))


def _numeric_share(values: pd.Series) -> float:
    return _share(pd.to_numeric(values.str.strip(), errors="coerce").notna())


def _location_share(values: pd.Series) -> float:
    v = values.str.strip()
    ok = v.str.match(_PAIR_RE) | v.str.match(_WKT_RE, flags=re.IGNORECASE)
    return _share(ok)


def _require(frame: pd.DataFrame, name: Optional[str], param: str, path: str) -> Optional[str]:
    if not name:
        return None
    for col in frame.columns:
        if col == name or col.lower() == name.strip().lower():
            return col
    raise AlprInputError(
        QT_TRANSLATE_NOOP("alpr_core", "{parameter} names a field that is not in the file: {name}."),
        args={"parameter": param, "name": name.strip(), "fields": ", ".join(frame.columns)},
        path=path,
        hint=QT_TRANSLATE_NOOP("alpr_core", "Fields found: {fields}."),
    )


def detect_fields(frame: pd.DataFrame, options: LoadOptions, path: str) -> FieldMap:
    """Map roles to columns: the user's choice, else header names confirmed by values."""
    cols = list(frame.columns)
    found = ", ".join('"{}"'.format(c) for c in cols)

    def pick(role: str, param: str, confirm: Callable[[pd.Series], float], need: float) -> Optional[str]:
        chosen = _require(frame, getattr(options, param), param.upper(), path)
        if chosen:
            return chosen
        for col in _candidates(cols, role):
            sample = _sample(frame[col])
            if len(sample) and confirm(sample) >= need:
                return col
        return None

    plate = pick("plate", "plate_field", _plate_like, 0.5)
    if not plate:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "has no recognisable plate column."),
            args={"fields": found},
            path=path,
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Fields found: {fields}. Set PLATE_FIELD to the column holding the plates."
            ),
        )

    # Coordinates: separate latitude/longitude win over a combined location.
    lat = _require(frame, options.lat_field, "LAT_FIELD", path)
    lon = _require(frame, options.lon_field, "LON_FIELD", path)
    location = _require(frame, options.location_field, "LOCATION_FIELD", path)
    if bool(lat) != bool(lon):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "LAT_FIELD and LON_FIELD must be set together."),
            args={"fields": found},
            path=path,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Fields found: {fields}."),
        )
    if not (lat or location):
        lat = pick("lat", "lat_field", _numeric_share, 0.5)
        lon = pick("lon", "lon_field", _numeric_share, 0.5)
        if not (lat and lon) or lat == lon:
            lat = lon = None
            location = pick("location", "location_field", _location_share, 0.5)
    if not (lat or location):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "has no recognisable location: no latitude/longitude columns and no "
                              'column of coordinates such as "(37.80, -122.27)" or POINT(-122.27 37.80).'),
            args={"fields": found},
            path=path,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Fields found: {fields}. Set LAT_FIELD and LON_FIELD, or "
                                   "LOCATION_FIELD."),
        )  # fmt: skip
    if location and not lat and _location_share(_sample(frame[location])) < 0.5:
        raise AlprInputError(
            QT_TRANSLATE_NOOP(
                "alpr_core", 'holds no coordinates (such as "(37.80, -122.27)" or POINT(-122.27 37.80)).'
            ),
            args={"fields": found},
            path=path,
            field=location,
            hint=QT_TRANSLATE_NOOP("alpr_core", "It may hold beat codes or addresses. Fields found: {fields}. "
                                   "Set LAT_FIELD and LON_FIELD instead."),
        )  # fmt: skip

    used = {plate, lat, lon, location}
    time = _detect_time(frame, options, path, used, found)
    used.update(time)
    device = _require(frame, options.device_field, "DEVICE_FIELD", path)
    if not device:
        device = next((c for c in _candidates(cols, "device") if c not in used), None)
    used.add(device)
    state = _require(frame, options.state_field, "STATE_FIELD", path)
    if not state:
        for col in _candidates(cols, "state"):
            sample = _sample(frame[col])
            if col not in used and len(sample) and _share(sample.str.strip().str.fullmatch(r"[A-Za-z]{2,3}")) >= 0.8:
                state = col
                break
    return FieldMap(plate=plate, time=time, lat=lat, lon=lon, location=location, device=device, state=state)


def _detect_time(frame: pd.DataFrame, options: LoadOptions, path: str, used: set, found: str) -> Tuple[str, ...]:
    chosen = _require(frame, options.time_field, "TIME_FIELD", path)
    if chosen:
        return (chosen,)
    cols = [c for c in frame.columns if c not in used]
    for col in _candidates(cols, "time"):
        sample = _sample(frame[col])
        if len(sample) and _best_time_format(sample, options.time_format)[1] >= 0.5:
            fmt = _best_time_format(sample, options.time_format)[0]
            if fmt != "%m/%d/%Y" or _norm(col) not in ROLE_NAMES["date"]:
                return (col,)
    dates = [c for c in cols if _norm(c) in ROLE_NAMES["date"]]
    clocks = [c for c in cols if _norm(c) in ROLE_NAMES["clock"]]
    for d in dates:
        for t in clocks:
            if d != t:
                both = frame[[d, t]]
                if len(both) > 4 * _SAMPLE:
                    both = both.iloc[np.linspace(0, len(both) - 1, 4 * _SAMPLE).astype(int)]
                combined = _sample(_stripped(both[d] + " " + both[t]))
                if _best_time_format(combined, options.time_format)[1] >= 0.5:
                    return (d, t)
    raise AlprInputError(
        QT_TRANSLATE_NOOP("alpr_core", "has no recognisable timestamp column."),
        args={"fields": found},
        path=path,
        hint=QT_TRANSLATE_NOOP("alpr_core", "Fields found: {fields}. Set TIME_FIELD (and TIME_FORMAT if the times "
                               "are written unusually, e.g. %m/%d/%Y %I:%M:%S %p)."),
    )  # fmt: skip


def _fields_without_rows(header: List[str], options: LoadOptions, path: str) -> FieldMap:
    """Every record was ragged: map by header names alone (nothing to confirm with)."""
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in header})

    def first(role: str, param: str) -> Optional[str]:
        given = _require(empty, getattr(options, param, None), param.upper(), path)
        return given or next((c for c in _candidates(header, role)), None)

    plate = first("plate", "plate_field") or header[0]
    time = first("time", "time_field") or header[0]
    lat, lon = first("lat", "lat_field"), first("lon", "lon_field")
    location = None if (lat and lon) else (first("location", "location_field") or header[0])
    return FieldMap(
        plate=plate,
        time=(time,),
        lat=lat if lon else None,
        lon=lon if lat else None,
        location=location,
        device=first("device", "device_field"),
        state=None,
    )
