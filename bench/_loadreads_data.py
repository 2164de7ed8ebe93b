"""The synthetic ALPR export used by ``bench_loadreads.py`` (deterministic, vectorised).

Usage: ``/usr/bin/python3 bench/_loadreads_data.py ROWS COMBINED_CSV XY_CSV``
writes ROWS reads twice, with the same values:

* COMBINED_CSV, shaped like a public-records export::

    ID,red_VRM,red_Timestamp,Location,Device,red_State,ImageFile
    101,6TRM913,07/14/2014 08:01:02 AM,"(37.80123, -122.27456)",PATROL 1,CA,IMG_20140714_080102_6TRM913.jpg

* XY_CSV, the same with numeric ``lat`` and ``lon`` columns in place of
  ``Location`` (what QGIS's delimited-text provider and OGR can read).

One week of reads (2014-07-14 .. 07-20, more by day, in time order) by three
patrol cars, plates mostly California-style (1ABC234) drawn from a vehicle
pool with repeats, some out of state, a few vanity plates; locations around
37.80, -122.25 with about 0.15 % empty.  The statistics printed on stdout
(one JSON line) are read by the benchmark.  It runs in its own process so
that the benchmark's parent process stays small: on Linux a child's
``ru_maxrss`` starts from its parent's resident size.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Dict, Tuple

import numpy as np
import pandas as pd

SEED = 20140720

WEEK_START = np.datetime64("2014-07-14")  # a Monday
DAYS = 7
CENTRE = (37.80, -122.25)  # lat, lon
DEVICES = np.array(["PATROL 1", "PATROL 2", "PATROL 3"], dtype=object)
DEVICE_SHARE = (0.60, 0.25, 0.15)
OTHER_STATES = np.array(["NV", "OR", "AZ", "WA", "TX", "NY"], dtype=object)
VANITY = np.array(
    [
        "LUV2SURF",
        "GO49ERS",
        "BAYAREA",
        "DRIVEN",
        "OAKTOWN",
        "MYTESLA",
        "SFGIANT",
        "4EVRYNG",
        "HAPYDAZ",
        "ZOOMZOOM",
        "CALI",
        "BEEMER",
        "VEGGIE",
        "NRDLIFE",
        "KIDTAXI",
        "SOLAR",
    ],
    dtype=object,
)
MISSING_LOCATION_SHARE = 0.0015


def _letters(rng: np.random.Generator, shape: Tuple[int, ...]) -> np.ndarray:
    """Random capital letters as ASCII codes (no I, O or Q, as on California plates)."""
    alphabet = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ", dtype=np.uint8)
    return alphabet[rng.integers(0, len(alphabet), size=shape)]


def _digits(rng: np.random.Generator, shape: Tuple[int, ...], low: int = 0) -> np.ndarray:
    return (rng.integers(low, 10, size=shape) + ord("0")).astype(np.uint8)


def _ascii_rows(codes: np.ndarray) -> np.ndarray:
    """An (n, k) uint8 array of ASCII codes -> an object array of n str."""
    k = codes.shape[1]
    return np.ascontiguousarray(codes).view("S{}".format(k)).ravel().astype("U{}".format(k)).astype(object)


def _plate_pool(rng: np.random.Generator, size: int) -> Tuple[np.ndarray, np.ndarray]:
    """(plates, states) of ``size`` vehicles: mostly California 1ABC234, some out of state, a few vanity."""
    ca = np.concatenate([_digits(rng, (size, 1), low=1), _letters(rng, (size, 3)), _digits(rng, (size, 3))], axis=1)
    other = np.concatenate([_letters(rng, (size, 3)), _digits(rng, (size, 4))], axis=1)
    kind = rng.random(size)
    out_of_state = kind < 0.05
    vanity = (kind >= 0.05) & (kind < 0.06)
    plates = np.where(out_of_state, _ascii_rows(other), _ascii_rows(ca))
    plates[vanity] = VANITY[rng.integers(0, len(VANITY), size=int(vanity.sum()))]
    states = np.full(size, "CA", dtype=object)
    states[out_of_state] = OTHER_STATES[rng.integers(0, len(OTHER_STATES), size=int(out_of_state.sum()))]
    return plates, states


def _fixed5(values: np.ndarray) -> np.ndarray:
    """Decimal text with 5 decimals for each value (vectorised '%.5f'), as an object array."""
    scaled = np.rint(np.abs(values) * 1e5).astype(np.int64)
    whole = (scaled // 100_000).astype(str).astype(object)
    frac = (scaled % 100_000 + 100_000).astype("U6")  # "1xxxxx": the leading 1 keeps the zeros
    frac = np.ascontiguousarray(frac.view("U1").reshape(-1, 6)[:, 1:]).view("U5").ravel().astype(object)
    sign = np.where(values < 0, "-", "").astype(object)
    return sign + whole + "." + frac


def generate(rows: int) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """The export (combined Location) and the same reads with lat/lon columns."""
    rng = np.random.default_rng(SEED)

    # Read times: a week of patrol shifts, more reads by day, in file order.
    day = rng.integers(0, DAYS, size=rows)
    hour_weight = np.array([1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 9, 10, 10, 9, 8, 7, 5, 4, 3, 2, 1], float)
    hour = rng.choice(24, size=rows, p=hour_weight / hour_weight.sum())
    second_of_day = hour * 3600 + rng.integers(0, 3600, size=rows)
    order = np.argsort(day * 86400 + second_of_day, kind="stable")
    day, second_of_day = day[order], second_of_day[order]

    dates = WEEK_START + np.arange(DAYS).astype("timedelta64[D]")
    day_text = np.array([d.astype(object).strftime("%m/%d/%Y") for d in dates], dtype=object)
    day_compact = np.array([d.astype(object).strftime("%Y%m%d") for d in dates], dtype=object)
    clock = [(s // 3600, s // 60 % 60, s % 60) for s in range(86400)]  # lookup tables: one entry a second
    clock_text = np.array(
        ["{:02d}:{:02d}:{:02d} {}".format((h % 12) or 12, m, s, "AM" if h < 12 else "PM") for h, m, s in clock],
        dtype=object,
    )
    clock_compact = np.array(["{:02d}{:02d}{:02d}".format(h, m, s) for h, m, s in clock], dtype=object)
    timestamps = day_text[day] + " " + clock_text[second_of_day]

    # Plates: a pool of vehicles, some seen often (parked, commuting), most once or twice.
    pool_plates, pool_states = _plate_pool(rng, max(rows // 3, 10))
    vehicle = (len(pool_plates) * rng.random(rows) ** 2).astype(np.int64)
    plates, states = pool_plates[vehicle], pool_states[vehicle]

    devices = DEVICES[rng.choice(len(DEVICES), size=rows, p=DEVICE_SHARE)]

    # Locations around the city centre (about 10 km x 8 km), a few missing.
    lat = np.clip(rng.normal(CENTRE[0], 0.018, size=rows), 37.74, 37.86)
    lon = np.clip(rng.normal(CENTRE[1], 0.022, size=rows), -122.31, -122.19)
    lat_text, lon_text = _fixed5(lat), _fixed5(lon)
    missing = rng.random(rows) < MISSING_LOCATION_SHARE
    lat_text[missing] = ""
    lon_text[missing] = ""
    location = "(" + lat_text + ", " + lon_text + ")"
    location[missing] = ""

    images = "IMG_" + day_compact[day] + "_" + clock_compact[second_of_day] + "_" + plates + ".jpg"
    ids = np.arange(101, 101 + rows, dtype=np.int64)

    head = {"ID": ids, "red_VRM": plates, "red_Timestamp": timestamps}
    tail = {"Device": devices, "red_State": states, "ImageFile": images}
    combined = pd.DataFrame({**head, "Location": location, **tail})
    separate = pd.DataFrame({**head, "lat": lat_text, "lon": lon_text, **tail})
    return combined, separate


def write(rows: int, combined_path: str, xy_path: str) -> Dict[str, int]:
    """Generate and write both files (atomically); returns a few statistics."""
    combined, separate = generate(rows)
    for table, path in ((combined, combined_path), (separate, xy_path)):
        table.to_csv(path + ".part", index=False, lineterminator="\n")
        os.replace(path + ".part", path)
    return {"rows": rows, "missing_locations": int((combined["Location"] == "").sum())}


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: _loadreads_data.py ROWS COMBINED_CSV XY_CSV")
    print(json.dumps(write(int(sys.argv[1]), sys.argv[2], sys.argv[3])))
