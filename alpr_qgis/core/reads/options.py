"""The loader's options and results (``LoadOptions``, ``FieldMap``, ``ReadsTable``, ``StoredRows``,
``PartStore``) and the codes shared by every room: standard fields, delimiters, reject reasons, ``ZONE_*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

STANDARD_FIELDS = ("read_id", "plate", "read_time", "device")
RESERVED_NAMES = {"fid", "geom", "geometry", "ogc_fid"}
DELIMITERS = (",", "\t", "|", ";")
DELIMITER_NAMES = {",": "comma", "\t": "tab", "|": "pipe", ";": "semicolon"}

# Reasons a record lands in REJECTED (data, never translated).
TOO_FEW_FIELDS = "too_few_fields"
TOO_MANY_FIELDS = "too_many_fields"
UNTERMINATED_QUOTE = "unterminated_quote"
BAD_TIMESTAMP = "bad_timestamp"
MISSING_TIMESTAMP = "missing_timestamp"


# How the time zone of read_time was chosen (``ReadsTable.timezone_source``; data, never translated).
ZONE_GIVEN = "given"  # TIMEZONE was set
ZONE_LOOKED_UP = "coordinates"  # looked up from the reads' coordinates
ZONE_NAIVE = "naive"  # no timestamp carries an offset: kept as written, no zone needed
ZONE_NO_LIBRARY = "no_library"  # aware timestamps, but the lookup library is not installed: offsets dropped
ZONE_NO_COORDINATES = "no_coordinates"  # aware timestamps, but no read has usable coordinates: offsets dropped
ZONE_NOT_FOUND = "not_found"  # aware timestamps, but the reads lie in no known zone: offsets dropped


@dataclass
class LoadOptions:
    """What the user set; empty strings and None both mean "detect"."""

    plate_field: Optional[str] = None
    time_field: Optional[str] = None
    lat_field: Optional[str] = None
    lon_field: Optional[str] = None
    location_field: Optional[str] = None
    device_field: Optional[str] = None
    state_field: Optional[str] = None
    time_format: Optional[str] = None
    timezone: Optional[str] = None
    geographic: bool = True  # the source CRS is latitude/longitude
    # For a source CRS that is not latitude/longitude: (x, y) arrays -> (longitude, latitude) arrays,
    # to look the time zone up.  Never sent to worker processes (they never look a zone up).
    to_lonlat: Optional[Callable[[np.ndarray, np.ndarray], Tuple[np.ndarray, np.ndarray]]] = field(
        default=None, repr=False, compare=False
    )


@dataclass
class FieldMap:
    """Which source columns hold each role (None where the file has none)."""

    plate: str
    time: Tuple[str, ...]  # one column, or (date, time)
    lat: Optional[str] = None
    lon: Optional[str] = None
    location: Optional[str] = None
    device: Optional[str] = None
    state: Optional[str] = None

    def mapped_columns(self) -> List[str]:
        """Source columns replaced by a standard field (not carried through)."""
        cols = [self.plate, *self.time]
        cols += [c for c in (self.device, self.state) if c]
        return cols


@dataclass
class ReadsTable:
    """The loader's result; see the module docstring."""

    reads: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    rejected: pd.DataFrame
    fields: FieldMap
    plates_hashed: bool
    encoding: str
    delimiter: str
    time_format: str
    coordinate_order: str
    records: int
    blank_lines: int = 0
    offsets_dropped: int = 0
    offsets_converted: int = 0
    times_aware: bool = False  # some timestamp carried an offset or Z, or the times are Unix times
    timezone: Optional[str] = None  # the zone read_time is in (given, or looked up); None when unknown
    timezone_source: str = ZONE_NAIVE  # how it was chosen: one of the ZONE_* codes
    missing_locations: int = 0
    unreadable_locations: int = 0
    first_unreadable_location: Optional[Tuple[int, str, str]] = None
    renamed_columns: Dict[str, str] = field(default_factory=dict)
    parser: str = "exact"  # "fast" (vectorised split of a regular file) or "exact" (csv module)
    plate_length: int = 0  # characters of the first plate (stripped); 0 when no read has one
    stored: Optional[StoredRows] = None  # a part whose reads a worker stored (``reads`` then has no rows)


@dataclass
class StoredRows:
    """Where a worker process stored the reads of one part (see ``PartStore``).

    Rows ``first`` to ``first + rows - 1`` (rowids) of the part table in the
    SQLite file ``file``; their ``read_id`` counts from the part's start,
    so the file's own is that plus ``read_id_shift``.  ``closes``: no later
    part goes to ``file`` (its worker is done with it).
    """

    file: str
    first: int
    rows: int
    read_id_shift: int = 0
    closes: bool = False


@dataclass
class PartStore:
    """How ``stream_reads``'s worker processes store the reads of the parts they read, instead of sending them.

    Sending millions of Python values from one process to another costs
    about as much as making them; a worker that stores its parts' reads in
    a file of its own sends back only the counts, the rejected records and
    the coordinates (``ReadsTable.stored`` says where the reads are).
    ``function(table, file, arg)`` stores ``table``'s reads (and x, y) in
    ``file`` and returns the rowid of its first row; it runs in the worker,
    so it is a module-level function (pickled by name) that does not need
    QGIS.  The parts go to ``files`` in order, a few consecutive parts to a
    file, each file written by one worker: worker ``w`` of ``W`` writes to
    ``files[w * G:(w + 1) * G]`` (``G = len(files) // W``), so the first
    files are done, and can be read, while the workers write the last.
    """

    function: Callable[[ReadsTable, str, Any], int]
    files: List[str]
    arg: Any = None
