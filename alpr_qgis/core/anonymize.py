"""Anonymizing plates for release, and measuring what an adversary could still learn.

* ``plate_ids()`` replaces plates by identifiers: a keyed HMAC-SHA256
  (``hmac``; the same plate and key always give the same id), a random token
  per plate (``token``; unlinkable across runs), or nothing (``drop``).
  Plates are normalised first (``core.plates.normalise_plates``, the one
  normalisation of every algorithm), so ``"6trm 913"`` and ``"6TRM-913"``
  get one id.  ``read_key()`` refuses secrets shorter than 16 bytes.
* ``release_fields()`` is the allow-list: what a release keeps, what it drops.
* ``PlateMatcher`` and ``location_hits()`` find kept values that still give
  a plate or a precise place away, whatever their type, so they are cleared.
* ``coarsen_times()`` and ``snap_to_grid()`` blur when and where;
  ``release_order()`` orders the rows so that no row can be linked back to
  its source row by position.
* ``reidentification_audit()`` measures, for 1..4 known sightings, the share
  of vehicles whose trail of (place, time) points is unique in the release:
  an adversary who saw a car that many times could single it out;
  ``audit_table()`` lays it out with the dropped fields and cleared values.

No function here logs or returns plate text or key material.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalise_plates, normalised_codes

pd = lazy_module("pandas")

METHODS = ("hmac", "token", "drop")
TIME_PRECISIONS = ("keep", "minute", "hour", "day")
TOKEN_BYTES = 16  # random tokens: 16 bytes...
TOKEN_LENGTH = 22  # ...are 22 characters of URL-safe base64
HMAC_LENGTH = 64  # HMAC-SHA256 ids: 64 hexadecimal characters
AUDIT_POINTS = (1, 2, 3, 4)
AUDIT_SEED = 20140720
AUDIT_BATCH_PAIRS = 4_000_000  # (vehicle, holder) pairs the audit's join takes at a time
_FREQ = {"minute": "min", "hour": "H", "day": "D"}


MIN_KEY_BYTES = 16  # a shorter secret can be guessed: refused
ALLOWED_FIELDS = ("device", "state", "is_government", "is_duplicate")  # kept besides plate_id and the time
MIN_CONTAINED = 4  # a kept value holding a plate of this many characters or more is cleared
_DEGREE_M = 111_320.0  # metres in one degree of latitude (and of longitude at the equator)


def read_key(
    key: Optional[str], key_file: Optional[str], auth_secret: Optional[str] = None, *, auth_name: str = ""
) -> Tuple[bytes, str]:
    """The secret and where it came from (``"KEY"``, ``"KEY_FILE"``, ``"KEY_AUTHCFG"`` or ``"one-time"``).

    At most one of ``key``, ``key_file`` and ``auth_secret`` (the secret of a
    QGIS authentication configuration).  A key file's trailing line break is
    not part of the key.  A secret shorter than :data:`MIN_KEY_BYTES` bytes
    is refused (it would be guessed).  None given: a random 32-byte key used
    once and never stored.  No message quotes the secret.
    """
    given = [name for name, v in (("KEY", key), ("KEY_FILE", key_file), ("KEY_AUTHCFG", auth_secret)) if v]
    if len(given) > 1:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "Set only one of {given}, not both."),
            args={"given": " and ".join(given)},
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "KEY_AUTHCFG or KEY_FILE are the safe ones: KEY is stored in QGIS's history."
            ),
        )
    if key_file:
        try:
            with open(key_file, "rb") as handle:
                secret = handle.read().rstrip(b"\r\n")
        except OSError as err:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "cannot be read ({reason})."),
                args={"reason": err.strerror or err},
                path=key_file,
            ) from None
        if not secret:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is empty: it holds no key."),
                path=key_file,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Write a long random secret into it (e.g. 32 random bytes)."),
            )
        origin = "KEY_FILE"
    elif auth_secret:
        secret, origin = auth_secret.encode("utf-8"), "KEY_AUTHCFG"
    elif key:
        secret, origin = key.encode("utf-8"), "KEY"
    else:
        return secrets.token_bytes(32), "one-time"
    if len(secret) < MIN_KEY_BYTES:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "{origin} holds a key of {size} bytes: a secret shorter than {minimum} bytes can be guessed."),
            args={"origin": origin, "size": len(secret), "minimum": MIN_KEY_BYTES},
            hint=QT_TRANSLATE_NOOP("alpr_core", 'Use a long random secret, e.g. the output of: python3 -c "import secrets; '
                                   'print(secrets.token_hex(32))".'),
        )  # fmt: skip
    return secret, origin


def key_file_exposed(key_file: Optional[str]) -> bool:
    """True when ``key_file`` can be read by its group or by others (mode bits 0o044)."""
    if not key_file:
        return False
    try:
        return bool(os.stat(key_file).st_mode & 0o044)
    except OSError:
        return False


def ids_for(normal_plates: Sequence[str], method: str, key: bytes) -> np.ndarray:
    """The id of each distinct normalised plate: keyed HMAC, random token, or None (``drop``)."""
    if method not in METHODS:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'METHOD "{method}" is not one of {choices}.'),
            args={"method": method, "choices": ", ".join(METHODS)},
        )
    if method == "drop":
        return np.full(len(normal_plates), None, dtype=object)
    if method == "hmac":
        return np.array(keyed_ids(normal_plates, key) + [None], dtype=object)[:-1]
    seen: set = set()
    ids = []
    for _ in range(len(normal_plates)):
        token = secrets.token_urlsafe(TOKEN_BYTES)
        while token in seen:  # 128 random bits: never in practice, but guaranteed
            token = secrets.token_urlsafe(TOKEN_BYTES)
        seen.add(token)
        ids.append(token)
    return np.array(ids + [None], dtype=object)[:-1]


def plate_ids(plates: pd.Series, method: str, key: bytes) -> np.ndarray:
    """One id per read (None where the plate is empty), the same for the same normalised plate."""
    codes, normal = normalised_codes(plates)
    return np.append(ids_for(normal, method, key), None)[codes]


def coarsen_times(times: pd.Series, precision: str) -> pd.Series:
    """Times floored to the minute, hour or day (``keep``: unchanged)."""
    if precision not in TIME_PRECISIONS:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'TIME_PRECISION "{precision}" is not one of {choices}.'),
            args={"precision": precision, "choices": ", ".join(TIME_PRECISIONS)},
        )
    if precision == "keep":
        return times
    return pd.to_datetime(times).dt.floor(_FREQ[precision])


def snap_to_grid(x: np.ndarray, y: np.ndarray, size: float) -> Tuple[np.ndarray, np.ndarray]:
    """Coordinates moved to the centre of their ``size`` × ``size`` grid cell (0 = unchanged)."""
    if size <= 0:
        return x, y
    return np.floor(x / size) * size + size / 2, np.floor(y / size) * size + size / 2


def keyed_ids(plates: Sequence[str], key: bytes) -> List[str]:
    """HMAC-SHA256 of each (normalised) plate under ``key``, as 64 hexadecimal characters.

    The same digests as ``hmac.new(key, plate, sha256)``, made from the two
    keyed hash states copied for each plate (twice as fast for millions).
    """
    return [digest.hex() for digest in keyed_digests(plates, key)]


def keyed_digests(plates: Sequence[str], key: bytes) -> List[bytes]:
    """HMAC-SHA256 of each (normalised) plate under ``key``, as 32 bytes (``keyed_ids`` in hexadecimal)."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    out = []
    for plate in plates:
        i = inner.copy()
        i.update(plate.encode("utf-8"))
        o = outer.copy()
        o.update(i.digest())
        out.append(o.digest())
    return out


# ------------------------------------------------------------------ the release


@dataclass
class ReleaseFields:
    """Which source fields a release keeps (besides the geometry and ``plate_id``) and which it drops."""

    kept: List[str]
    dropped: List[str]


def release_fields(
    columns: Sequence[str],
    plate_field: str,
    time_field: Optional[str],
    keep_fields: Sequence[str] = (),
    extra_plate_fields: Sequence[str] = (),
) -> ReleaseFields:
    """The allow-list: the time field, :data:`ALLOWED_FIELDS` present, and ``keep_fields``; the rest dropped.

    Asking to keep the plate field, a field named in EXTRA_PLATE_FIELDS or a
    field the layer does not have is an error naming KEEP_FIELDS.
    """
    lower = {c.lower(): c for c in columns}
    plate_names = {plate_field.lower(), *(f.lower() for f in extra_plate_fields)}
    for name in keep_fields:
        if name.lower() == plate_field.lower():
            raise AlprInputError(
                QT_TRANSLATE_NOOP(
                    "alpr_core", 'KEEP_FIELDS names the plate field "{name}": a release never keeps plates.'
                ),
                args={"name": name},
                hint=QT_TRANSLATE_NOOP(
                    "alpr_core", "Remove it from KEEP_FIELDS; plate_id stands for it in the release."
                ),
            )
        if name.lower() in plate_names:
            raise AlprInputError(
                QT_TRANSLATE_NOOP(
                    "alpr_core", 'KEEP_FIELDS names "{name}", which EXTRA_PLATE_FIELDS says holds plates.'
                ),
                args={"name": name},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Remove it from one of the two lists."),
            )
        if name.lower() not in lower:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", 'KEEP_FIELDS names "{name}", which the input layer does not have.'),
                args={"name": name, "fields": ", ".join('"{}"'.format(c) for c in columns if c != "fid")},
                hint=QT_TRANSLATE_NOOP("alpr_core", "Fields present: {fields}."),
            )
    wanted = {f.lower() for f in ALLOWED_FIELDS} | {f.lower() for f in keep_fields}
    if time_field:
        wanted.add(time_field.lower())
    kept, dropped = [], []
    for name in columns:
        if name == "fid":
            continue
        if name.lower() in wanted and name.lower() not in plate_names:
            kept.append(name)
        else:
            dropped.append(name)
    return ReleaseFields(kept, dropped)


def _value_texts(values: np.ndarray) -> pd.Series:
    """The text form of distinct kept values, as a plate would be written (None where nothing to match)."""
    out = []
    for v in values:
        if v is None or isinstance(v, (bool, np.bool_)):
            out.append(None)
        elif isinstance(v, (int, np.integer)):
            out.append(str(int(v)))
        elif isinstance(v, (float, np.floating)):
            if not np.isfinite(v):
                out.append(None)
            elif float(v).is_integer() and abs(v) < 1e16:
                out.append(str(int(v)))
            else:
                out.append(repr(float(v)))
        elif isinstance(v, str):
            out.append(v)
        else:
            out.append(None)  # dates and times: coarsened, not matched
    return normalise_plates(pd.Series(out, dtype=object))


class PlateMatcher:
    """Finds kept values that give a plate away: equal to a plate of the input, or holding one of 4+ characters.

    Values of every type are compared in the one normalisation of
    :func:`normalise_plates` (integers by their digits, so a seven-digit
    government plate stored as a number is found).
    """

    def __init__(self, normal_plates: Sequence[Optional[str]]) -> None:
        self.plates = {p for p in normal_plates if isinstance(p, str) and p}
        self.lengths = sorted({len(p) for p in self.plates if len(p) >= MIN_CONTAINED})

    def holds_plate(self, text: Optional[str]) -> bool:
        if not text:
            return False
        if text in self.plates:
            return True
        plates = self.plates
        n = len(text)
        for length in self.lengths:
            if length > n:
                break
            for i in range(n - length + 1):
                if text[i : i + length] in plates:
                    return True
        return False

    def hits(self, column: pd.Series, cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
        """Rows of ``column`` whose value gives a plate away (each distinct value looked at once)."""
        if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
            return np.zeros(len(column), dtype=bool)
        codes, uniques = pd.factorize(column, sort=False)
        texts = _value_texts(np.asarray(uniques, dtype=object))
        found = np.zeros(len(uniques) + 1, dtype=bool)  # the last: nulls (code -1)
        for i, text in enumerate(texts):
            if i % 4096 == 0 and cancelled():
                raise Cancelled()
            found[i] = self.holds_plate(text)
        return found[codes]


_COORD_NAME = re.compile(r"(^|[_\s])(lat|latitude|lon|lng|long|longitude|gps_?lat|gps_?lon|x|y)([_\s]|$)", re.I)
_COORD_PAIR = re.compile(r"(?<![\d.])([-+]?\d{1,3})\.(\d+)\s*[,;\s]\s*([-+]?\d{1,3})\.(\d+)(?![\d.])")


def location_text_resolution_m(text: Optional[str]) -> Optional[float]:
    """How finely a text gives a place, in metres (``"(37.77256, -122.24566)"``: about 1 m); None if it does not.

    Two decimal numbers that can be a latitude and a longitude (either order),
    side by side as in ``(lat, lon)``, ``lat,lon`` or WKT ``POINT(lon lat)``.
    """
    if not isinstance(text, str):
        return None
    best = None
    for a, da, b, db in _COORD_PAIR.findall(text):
        u, v = abs(int(a)), abs(int(b))
        if not ((u <= 90 and v <= 180) or (u <= 180 and v <= 90)):
            continue
        metres = _DEGREE_M * 10.0 ** -min(len(da), len(db))
        best = metres if best is None else min(best, metres)
    return best


def location_hits(column: pd.Series, name: str, grid_m: float) -> np.ndarray:
    """Rows of a kept column that give a place finer than the ``grid_m`` coarsening (0: nothing is finer).

    Text holding a coordinate pair finer than the grid; numbers in a field
    named like a coordinate (lat, lon, x, y...) with a fraction finer than it.
    """
    if grid_m <= 0 or len(column) == 0:
        return np.zeros(len(column), dtype=bool)
    if pd.api.types.is_float_dtype(column.dtype) or pd.api.types.is_integer_dtype(column.dtype):
        if not _COORD_NAME.search(name):
            return np.zeros(len(column), dtype=bool)
        return column.notna().to_numpy()  # a coordinate field: kept as a number, exact
    if not pd.api.types.is_object_dtype(column.dtype) and not pd.api.types.is_string_dtype(column.dtype):
        return np.zeros(len(column), dtype=bool)
    codes, uniques = pd.factorize(column, sort=False)
    found = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        metres = location_text_resolution_m(value)
        found[i] = metres is not None and metres < grid_m
    return found[codes]


def release_order(times: pd.Series, codes: Optional[np.ndarray] = None, ids: Optional[np.ndarray] = None) -> np.ndarray:
    """The order of the release's rows: by coarsened time, then plate id; ties in a random order.

    Never the source order, which would give back the sequence of each
    patrol that coarsening hid.  ``codes`` (per read, -1 for none) index
    ``ids`` (one per code); rows without time or id come last.
    """
    n = len(times)
    rng = np.random.default_rng(secrets.randbits(128))
    shuffled = rng.permutation(n)
    stamp = pd.to_datetime(pd.Series(times)).to_numpy(dtype="datetime64[ns]").view(np.int64)
    stamp = np.where(pd.isna(pd.Series(times)).to_numpy(), np.iinfo(np.int64).max, stamp)
    _, when = np.unique(stamp, return_inverse=True)  # times as ranks (NaT, the largest, last)
    key = when.astype(np.int64)
    if codes is not None and ids is not None and len(ids):
        present = np.array([i is not None for i in ids])
        rank = np.full(len(ids) + 1, len(ids), dtype=np.int64)  # (no id: after every id)
        text = np.asarray(ids, dtype=object)[present]  # (str objects, compared as str: no fixed-width copy)
        rank[np.flatnonzero(present)[np.argsort(text, kind="stable")]] = np.arange(len(text))
        key = key * (len(ids) + 1) + rank[np.where(codes < 0, len(ids), codes)]
    return shuffled[np.argsort(key[shuffled], kind="stable")]


@dataclass
class AuditRow:
    known_points: int
    vehicles: int
    unique_vehicles: int

    @property
    def unique_share(self) -> Optional[float]:
        return self.unique_vehicles / self.vehicles if self.vehicles else None


def reidentification_audit(
    ids: np.ndarray,
    place_x: np.ndarray,
    place_y: np.ndarray,
    times: pd.Series,
    *,
    known: Sequence[int] = AUDIT_POINTS,
    seed: int = AUDIT_SEED,
    cancelled: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda f: None,
) -> List[AuditRow]:
    """Share of vehicles singled out by ``k`` known (place, time) points, for each ``k``.

    Each vehicle's trail is the set of distinct (place, time) points of its
    reads, as released.  For every vehicle with at least ``k`` points, ``k``
    of them are drawn at random (seeded, so the audit is repeatable); the
    vehicle is unique when no other vehicle's trail holds all ``k``.  Reads
    without id, place or time do not take part.  ``ids`` are the vehicles'
    ids (objects, None for none) or integer codes (-1 for none).

    All in whole arrays: a drawn point held by one vehicle only decides at
    once; the others are settled by counting, for each vehicle, how many of
    its ``k`` points every holder of them holds (a join on the points,
    batched to bound memory).
    """
    ids = np.asarray(ids)
    if ids.dtype == object:
        present = pd.notna(ids)
        vehicle = np.full(len(ids), -1, dtype=np.int64)
        vehicle[present] = _ranks(ids[present].astype(str))
    else:
        vehicle = ids.astype(np.int64, copy=False)
    stamp = pd.to_datetime(pd.Series(times)).to_numpy(dtype="datetime64[ns]")
    ok = (vehicle >= 0) & np.isfinite(place_x) & np.isfinite(place_y) & ~np.isnat(stamp)
    if not ok.any():
        return [AuditRow(k, 0, 0) for k in known]
    # Vehicles and points are numbered in sorted order, so that the seeded draw does not depend on
    # the order of the rows (the release's is shuffled): the same release gives the same audit.
    p = _point_ranks(place_x[ok], place_y[ok], stamp[ok].view(np.int64))
    del stamp
    n_points = int(p.max()) + 1
    v = _ranks(vehicle[ok])
    del ok, vehicle
    n_vehicles = int(v.max()) + 1
    v *= n_points
    v += p
    del p
    pairs = np.unique(v)  # the trails: distinct (vehicle, point), by vehicle then point
    del v
    tv, tp = pairs // n_points, pairs % n_points
    del pairs
    holders = np.bincount(tp, minlength=n_points)
    trail_size = np.bincount(tv, minlength=n_vehicles)
    by_point = np.argsort(tp, kind="stable")
    holder_of = tv[by_point]  # vehicles holding each point, point after point
    del by_point
    first_holder = np.concatenate(([0], np.cumsum(holders)))
    rng = np.random.default_rng(seed)
    rows = []
    for step, k in enumerate(known):
        progress(step / len(known))
        if cancelled():
            raise Cancelled()
        eligible = trail_size[tv] >= k
        n_eligible = int((trail_size >= k).sum())
        if n_eligible == 0:
            rows.append(AuditRow(k, 0, 0))
            continue
        sv, sp = tv[eligible], tp[eligible]
        del eligible
        order = np.argsort(sv + rng.random(len(sv)))  # by vehicle, each vehicle's points in a random order
        sv = sv[order]
        sp = sp[order]
        del order
        starts = np.flatnonzero(np.concatenate(([True], sv[1:] != sv[:-1])))
        rank = np.arange(len(sv)) - np.repeat(starts, np.diff(np.concatenate((starts, [len(sv)]))))
        del starts
        pick = rank < k
        del rank
        pv, pp = sv[pick].reshape(-1, k), sp[pick].reshape(-1, k)  # k drawn points per eligible vehicle
        del sv, sp, pick
        rarest = holders[pp].min(axis=1)
        unique = int((rarest == 1).sum())
        if k > 1:
            rest = rarest > 1
            unique += _unique_by_join(pv[rest, 0], pp[rest], holders, holder_of, first_holder, n_vehicles, cancelled)
        rows.append(AuditRow(k, n_eligible, unique))
    progress(1.0)
    return rows


def _point_ranks(x: np.ndarray, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Each (x, y, t) point's rank among the distinct points in (x, y, t) order (0, 1, ...), as int64.

    One sort of the points; each column is looked at in that order one at a
    time, so only a few arrays of the reads are held at once.
    """
    order = np.lexsort((t, y, x))
    new = np.zeros(len(order), dtype=bool)
    new[:1] = True  # (the first point starts the count)
    for column in (x, y, t):
        ordered = column[order]
        new[1:] |= ordered[1:] != ordered[:-1]
        del ordered
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ranks


def _ranks(values: np.ndarray) -> np.ndarray:
    """Each value's rank among the distinct values (0, 1, ...), as int64."""
    return np.unique(values, return_inverse=True)[1].astype(np.int64, copy=False).reshape(-1)


def _unique_by_join(
    vehicles: np.ndarray,
    points: np.ndarray,
    holders: np.ndarray,
    holder_of: np.ndarray,
    first_holder: np.ndarray,
    n_vehicles: int,
    cancelled: Callable[[], bool],
    batch: int = AUDIT_BATCH_PAIRS,
) -> int:
    """How many of ``vehicles`` no other vehicle matches on all of its ``points`` (one row of k points each)."""
    if len(vehicles) == 0:
        return 0
    k = points.shape[1]
    cumulative = np.cumsum(holders[points].sum(axis=1))  # (vehicle, holder) pairs the vehicles bring
    unique = 0
    start = 0
    while start < len(vehicles):
        if cancelled():
            raise Cancelled()
        before = int(cumulative[start - 1]) if start else 0
        end = max(start + 1, int(np.searchsorted(cumulative, before + batch, side="right")))
        own, pts = vehicles[start:end], points[start:end].ravel()
        counts = holders[pts]
        total = int(counts.sum())
        offsets = (
            np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(first_holder[pts], counts)
        )
        key = np.repeat(np.repeat(own, k), counts) * n_vehicles + holder_of[offsets]
        matched, times_held = np.unique(key, return_counts=True)
        full = matched[times_held == k] // n_vehicles  # each vehicle matches itself at least
        unique += int((np.bincount(full - own.min()) == 1).sum())
        start = end
    return unique


def audit_table(
    rows: Sequence[AuditRow],
    dropped: Sequence[str],
    cleared: Dict[str, int],
    time_precision: str,
    location_precision_m: float,
    seed: int = AUDIT_SEED,
) -> pd.DataFrame:
    """The AUDIT table, one row per finding: ``kind`` is ``unicity`` (one per k), ``dropped_field`` or ``cleared_values``.

    Unicity rows give ``known_points``, ``vehicles``, ``unique_vehicles`` and
    ``unique_share``; ``dropped_field`` rows the ``field`` name; ``cleared_values``
    rows the ``field`` and the ``count`` of its values cleared.  Names only,
    never values.  Every row carries the coarsening and the seed.
    """
    records = []
    for r in rows:
        share = r.unique_share
        records.append(("unicity", None, None, r.known_points, r.vehicles, r.unique_vehicles, share))
    records += [("dropped_field", name, None, None, None, None, None) for name in dropped]
    records += [("cleared_values", name, count, None, None, None, None) for name, count in cleared.items()]
    table = pd.DataFrame.from_records(
        records, columns=["kind", "field", "count", "known_points", "vehicles", "unique_vehicles", "unique_share"]
    )
    for name in ("count", "known_points", "vehicles", "unique_vehicles"):
        table[name] = table[name].astype("Int64")
    table["unique_share"] = table["unique_share"].astype(float)
    table["field"] = table["field"].astype(object)
    table["time_precision"] = time_precision
    table["location_precision_m"] = float(location_precision_m)
    table["seed"] = seed
    return table
