"""Time zones: checking an IANA name, and finding the zone where reads are, offline.

``lookup_zone(lon, lat)`` answers from the time-zone boundaries bundled in
the ``tzfpy`` package (no network): the zone most of the points lie in.
``tzfpy`` is optional and imported only when a lookup is asked for;
``zone_available()`` says whether it is installed and ``INSTALL_HINT``
how to install it.
"""

from __future__ import annotations

from collections import Counter
from typing import Optional

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError

# The pinned release (requirements-dev.txt and the Makefile's `deps` install the same).
TZFPY_VERSION = "2.1.1"
INSTALL_HINT = (
    "install the tzfpy package for the Python QGIS runs "
    "(python3 -m pip install --user --break-system-packages --no-deps tzfpy=={}; `make deps` does it)".format(
        TZFPY_VERSION
    )
)
LOOKUP_SAMPLE = 2000  # points looked up at most (evenly spaced through the usable ones)


def check_timezone(name: Optional[str]) -> None:
    """Raise ``AlprInputError`` unless ``name`` is empty or an IANA time-zone name."""
    if not name:
        return
    if not is_zone(name):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'TIMEZONE "{name}" is not an IANA time-zone name.'),
            args={"name": name},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Use a name such as America/Los_Angeles, or leave it empty."),
        )


def is_zone(name: str) -> bool:
    """Whether ``name`` is a time zone of the IANA database this Python knows."""
    try:
        import zoneinfo

        zoneinfo.ZoneInfo(name)
    except (ValueError, KeyError, OSError, ImportError):
        return False
    return True


def zone_available() -> bool:
    """Whether the offline zone lookup (the ``tzfpy`` package) can be used."""
    try:
        import tzfpy  # noqa: F401
    except ImportError:
        return False
    return True


def usable_points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Mask of the points a zone can be looked up for: finite, in range, not (0, 0)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):
        return (
            np.isfinite(lon)
            & np.isfinite(lat)
            & (np.abs(lon) <= 180.0)
            & (np.abs(lat) <= 90.0)
            & ~((lon == 0.0) & (lat == 0.0))
        )


def lookup_zone(lon: np.ndarray, lat: np.ndarray, sample: int = LOOKUP_SAMPLE) -> Optional[str]:
    """The IANA zone where most of the points (longitude, latitude in degrees) lie.

    Points that are not finite, out of range or at (0, 0) are left out; at
    most ``sample`` of the others, evenly spaced, are looked up.  Returns
    None when no point is usable, none falls in a zone, or ``tzfpy`` is not
    installed (see ``zone_available``).  Ties go to the zone met first.
    """
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    idx = np.flatnonzero(usable_points(lon, lat))
    if not len(idx):
        return None
    try:
        import tzfpy
    except ImportError:
        return None
    if len(idx) > sample:
        idx = idx[np.linspace(0, len(idx) - 1, sample).round().astype(np.int64)]
    votes: Counter = Counter()
    for x, y in zip(lon[idx].tolist(), lat[idx].tolist()):
        name = tzfpy.get_tz(x, y)
        if name:
            votes[name] += 1
    for name, _ in votes.most_common():
        if is_zone(name):
            return name
    return None
