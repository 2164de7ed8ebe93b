"""Anonymizing plates for release, and measuring what an adversary could still learn.

* ``plate_ids()`` replaces plates by identifiers: a keyed HMAC-SHA256
  (``hmac``; the same plate and key always give the same id), a random token
  per plate (``token``; unlinkable across runs), or nothing (``drop``).
  Plates are normalised first (upper case; spaces, dashes and dots removed),
  so ``"6trm 913"`` and ``"6TRM-913"`` get one id.
* ``coarsen_times()`` and ``snap_to_grid()`` blur when and where.
* ``fields_holding_plates()`` finds other text fields that still hold the
  row's plate (an image file name, a note) so they can be cleared.
* ``reidentification_audit()`` measures, for 1..4 known sightings, the share
  of vehicles whose trail of (place, time) points is unique in the release:
  an adversary who saw a car that many times could single it out.

No function here logs or returns plate text or key material.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalise_plates

pd = lazy_module("pandas")

METHODS = ("hmac", "token", "drop")
TIME_PRECISIONS = ("keep", "minute", "hour", "day")
TOKEN_BYTES = 16  # random tokens: 16 bytes...
TOKEN_LENGTH = 22  # ...are 22 characters of URL-safe base64
HMAC_LENGTH = 64  # HMAC-SHA256 ids: 64 hexadecimal characters
AUDIT_POINTS = (1, 2, 3, 4)
AUDIT_SEED = 20140720
_FREQ = {"minute": "min", "hour": "H", "day": "D"}
_STRIP = str.maketrans("", "", " -.\t")


def read_key(key: Optional[str], key_file: Optional[str]) -> Tuple[bytes, str]:
    """The secret and where it came from (``"KEY"``, ``"KEY_FILE"`` or ``"one-time"``).

    A key file's trailing line break is not part of the key.  Neither given:
    a random 32-byte key used once and never stored.
    """
    if key and key_file:
        raise AlprInputError("Set KEY or KEY_FILE, not both.", hint="KEY_FILE is the safer of the two.")
    if key_file:
        try:
            with open(key_file, "rb") as handle:
                secret = handle.read().rstrip(b"\r\n")
        except OSError as err:
            raise AlprInputError("cannot be read ({}).".format(err.strerror or err), path=key_file) from None
        if not secret:
            raise AlprInputError(
                "is empty: it holds no key.",
                path=key_file,
                hint="Write a long random secret into it (e.g. 32 random bytes).",
            )
        return secret, "KEY_FILE"
    if key:
        return key.encode("utf-8"), "KEY"
    return secrets.token_bytes(32), "one-time"


def plate_ids(plates: pd.Series, method: str, key: bytes) -> np.ndarray:
    """One id per read (None where the plate is empty), the same for the same normalised plate."""
    if method not in METHODS:
        raise AlprInputError('METHOD "{}" is not one of {}.'.format(method, ", ".join(METHODS)))
    normal = normalise_plates(plates)
    normal = normal.where(normal.fillna("") != "", None)
    codes, unique = pd.factorize(normal, sort=False)  # empty plates get code -1
    if method == "drop":
        return np.full(len(plates), None, dtype=object)
    if method == "hmac":
        ids = [hmac.new(key, p.encode("utf-8"), hashlib.sha256).hexdigest() for p in unique]
    else:
        seen: set = set()
        ids = []
        for _ in range(len(unique)):
            token = secrets.token_urlsafe(TOKEN_BYTES)
            while token in seen:  # 128 random bits: never in practice, but guaranteed
                token = secrets.token_urlsafe(TOKEN_BYTES)
            seen.add(token)
            ids.append(token)
    table = np.array(ids + [None], dtype=object)
    return table[np.where(codes < 0, len(ids), codes)]


def coarsen_times(times: pd.Series, precision: str) -> pd.Series:
    """Times floored to the minute, hour or day (``keep``: unchanged)."""
    if precision not in TIME_PRECISIONS:
        raise AlprInputError('TIME_PRECISION "{}" is not one of {}.'.format(precision, ", ".join(TIME_PRECISIONS)))
    if precision == "keep":
        return times
    return pd.to_datetime(times).dt.floor(_FREQ[precision])


def snap_to_grid(x: np.ndarray, y: np.ndarray, size: float) -> Tuple[np.ndarray, np.ndarray]:
    """Coordinates moved to the centre of their ``size`` × ``size`` grid cell (0 = unchanged)."""
    if size <= 0:
        return x, y
    return np.floor(x / size) * size + size / 2, np.floor(y / size) * size + size / 2


def fields_holding_plates(
    table: pd.DataFrame, plates: pd.Series, fields: Sequence[str], min_length: int = 3
) -> Dict[str, np.ndarray]:
    """For each text field, the rows whose value holds that row's plate (after normalisation).

    Both sides are compared upper-case without spaces, dashes and dots, so
    ``IMG_..._7DBJ888.jpg`` is found for ``7DBJ 888``.  Plates shorter than
    ``min_length`` characters are not searched (they match too much).
    """
    normal = normalise_plates(plates).to_numpy()
    found: Dict[str, np.ndarray] = {}
    for name in fields:
        values = table[name].to_numpy()
        hits = np.fromiter(
            (
                isinstance(v, str) and isinstance(p, str) and len(p) >= min_length and p in v.upper().translate(_STRIP)
                for p, v in zip(normal, values)
            ),
            dtype=bool,
            count=len(values),
        )
        if hits.any():
            found[name] = hits
    return found


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
) -> List[AuditRow]:
    """Share of vehicles singled out by ``k`` known (place, time) points, for each ``k``.

    Each vehicle's trail is the set of distinct (place, time) points of its
    reads, as released.  For every vehicle with at least ``k`` points, ``k``
    of them are drawn at random (seeded, so the audit is repeatable); the
    vehicle is unique when no other vehicle's trail holds all ``k``.  Reads
    without id, place or time do not take part.
    """
    frame = pd.DataFrame({"id": ids, "x": place_x, "y": place_y, "t": pd.to_datetime(times).to_numpy()})
    frame = frame[frame["id"].notna() & frame["x"].notna() & frame["y"].notna() & frame["t"].notna()]
    if frame.empty:
        return [AuditRow(k, 0, 0) for k in known]
    vehicle = pd.factorize(frame["id"])[0]
    point = pd.MultiIndex.from_arrays([frame["x"].to_numpy(), frame["y"].to_numpy(), frame["t"].to_numpy()])
    point_code = pd.factorize(point)[0]
    trail = pd.DataFrame({"v": vehicle, "p": point_code}).drop_duplicates()
    holders = trail.groupby("p")["v"].size().to_numpy()
    n_points = trail.groupby("v")["p"].size()
    rng = np.random.default_rng(seed)
    members: Dict[int, set] = {}
    by_point = trail.sort_values("p", kind="stable")
    holder_ids = by_point["v"].to_numpy()
    starts = np.searchsorted(by_point["p"].to_numpy(), np.arange(len(holders) + 1))
    rows = []
    for k in known:
        if cancelled():
            raise Cancelled()
        eligible = n_points.index[n_points.to_numpy() >= k]
        pick = trail[trail["v"].isin(eligible)].copy()
        pick["r"] = rng.random(len(pick))
        pick = pick.sort_values(["v", "r"])
        pick = pick[pick.groupby("v").cumcount() < k]
        pick["holders"] = holders[pick["p"].to_numpy()]
        rarest = pick.groupby("v")["holders"].min()
        unique = int((rarest == 1).sum())
        undecided = rarest.index[rarest.to_numpy() > 1]
        if len(undecided) and k > 1:
            rest = pick[pick["v"].isin(undecided)]  # sorted by vehicle: k rows each
            chosen = rest["p"].to_numpy().reshape(-1, k).tolist()
            for pts in chosen:
                common = None
                for p in sorted(pts, key=lambda q: holders[q]):
                    if p not in members:
                        members[p] = set(holder_ids[starts[p] : starts[p + 1]].tolist())
                    common = members[p] if common is None else common & members[p]
                    if len(common) == 1:
                        break
                unique += int(len(common) == 1)
        rows.append(AuditRow(k, int(len(eligible)), unique))
    return rows
