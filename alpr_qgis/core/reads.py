"""Reading an ALPR export (delimited text) into the plugin's standard table.

``load_reads()`` takes a file as agencies hand it out in answer to a
public-records request and returns:

* ``reads``: one row per readable record with the standard fields
  ``read_id`` (1-based index of the data record in the file, header
  excluded), ``plate``, ``read_time`` (naive local wall-clock time),
  ``device`` (and ``state`` where the file has one), followed by every other
  source column, carried through;
* ``x``/``y``: the coordinates of each read (NaN where the file has none);
* ``rejected``: the records that cannot be read at all, with ``read_id``,
  ``line_number``, ``reason`` and the raw text.

Time zones: naive timestamps are kept as written; timestamps with an offset
or ``Z`` (and Unix times) are converted into ``LoadOptions.timezone`` when
given, else into the zone the reads' coordinates lie in (looked up offline,
``core.timezones``), one zone for the whole file.  ``timezone`` and
``timezone_source`` (a ``ZONE_*`` code) say which zone and how it was chosen.

Guarantee: ``len(reads) + len(rejected)`` equals the file's data records.
The whole file is parsed before anything is returned, so a bad file raises
``AlprInputError`` and leaves nothing half-written.

``stream_reads()`` reads a big file (``STREAM_PART_BYTES`` and more) part
by part instead, handing each part's reads on as soon as they are read, so
that they can be written while the next part is read (in worker
processes, on the other core; with a ``PartStore`` the workers store the
reads themselves and hand on only where they put them).  Everything
``load_reads`` detects is decided on the first part (the time zone too,
looked up from the first part's coordinates); a later part that
does not fit (timestamps with an offset after a first part without) raises ``NotStreamableError`` and the caller starts over with
``load_reads``.  Errors can only come from
the first part, before anything is handed on.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import itertools
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core import timezones
from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.plates import plates_look_hashed
from alpr_qgis.core.timezones import check_timezone  # noqa: F401 (re-exported: callers import it from here)

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

# How the time zone of read_time was chosen (``ReadsTable.timezone_source``; data, never translated).
ZONE_GIVEN = "given"  # TIMEZONE was set
ZONE_LOOKED_UP = "coordinates"  # looked up from the reads' coordinates
ZONE_NAIVE = "naive"  # no timestamp carries an offset: kept as written, no zone needed
ZONE_NO_LIBRARY = "no_library"  # aware timestamps, but the lookup library is not installed: offsets dropped
ZONE_NO_COORDINATES = "no_coordinates"  # aware timestamps, but no read has usable coordinates: offsets dropped
ZONE_NOT_FOUND = "not_found"  # aware timestamps, but the reads lie in no known zone: offsets dropped

_ISO_RE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?"
_OFFSET_RE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR_RE = r"^\s*[\(\[]?\s*(" + _NUM + r")\s*(?:,|;|\s)\s*(" + _NUM + r")\s*[\)\]]?\s*$"
_WKT_RE = (
    r"^\s*(?:SRID=\d+;)?\s*POINT\s*(?:Z|M|ZM)?\s*\(\s*(" + _NUM + r")\s+(" + _NUM + r")"
    r"(?:\s+" + _NUM + r")*\s*\)\s*$"
)
_WKT_EMPTY_RE = r"^\s*(?:SRID=\d+;)?\s*POINT\s*(?:Z|M|ZM)?\s*EMPTY\s*$"
_SAMPLE = 2000


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


# --------------------------------------------------------------------- text


def read_text(path: str) -> Tuple[str, str]:
    """The file's text and the encoding it was decoded with.

    Gzip is recognised by its magic bytes (whatever the extension); UTF-8
    with or without BOM, UTF-16 with BOM, else Latin-1.  Binary files raise.
    """
    return _decode(_file_bytes(path), path)


def read_utf8(path: str) -> Tuple[Optional[bytes], Optional[str], str]:
    """``(UTF-8 bytes, text, encoding)`` of the file: the bytes for a plain ASCII file, else the text.

    An ASCII file is already its UTF-8 text: it is checked as ``read_text``
    checks any file but not decoded, which spares a copy of the whole file.
    """
    raw = _file_bytes(path)
    if raw[:2] not in (b"\xff\xfe", b"\xfe\xff") and raw.isascii():
        _check_not_binary(raw, path)
        return raw, None, "UTF-8"
    text, encoding = _decode(raw, path)
    return None, text, encoding


def _file_bytes(path: str) -> bytes:
    """The file's bytes, decompressed when gzip; ZIP archives raise."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as err:
        raise AlprInputError("cannot be opened ({}).".format(err.strerror or err), path=path) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            raise AlprInputError(
                "is not a valid gzip file (it is truncated or damaged).",
                path=path,
                hint="Decompress it by hand to check it, or export it again.",
            ) from None
    if raw[:4] == b"PK\x03\x04":
        raise AlprInputError(
            "is a ZIP archive or a spreadsheet (XLSX), not delimited text.",
            path=path,
            hint="Unzip it, or save the sheet as CSV, and load that file.",
        )
    _check_header_width(raw, path)
    return raw


#: More columns than any sane export holds: such a header is refused before anything parses the file.
MAX_COLUMNS = 10_000


def _check_header_width(raw: bytes, path: str) -> None:
    """Refuse a file whose first line (its header) has more than :data:`MAX_COLUMNS` fields, whatever the delimiter.

    Counted on the bytes, before the delimiter is sniffed or anything is
    parsed (a header of a million columns would otherwise keep pandas busy
    for minutes).  A delimiter inside quotes counts too: such a header is as
    unlikely.
    """
    start = 0
    while start < len(raw) and raw[start : start + 1] in b"\r\n \t\xef\xbb\xbf\xff\xfe\x00":
        start += 1
    end = raw.find(b"\n", start)
    line = raw[start : end if end >= 0 else len(raw)]
    if len(line) <= MAX_COLUMNS:  # (too short to hold that many fields)
        return
    fields = 1 + max(line.count(d) for d in (b",", b"|", b"\t", b";"))
    if fields > MAX_COLUMNS:
        raise AlprInputError(
            "has a header of {:,} columns, more than any ALPR export holds (at most {:,} are read).".format(
                fields, MAX_COLUMNS
            ),
            path=path,
            hint="Check that this is the export of the reads and that its first line is its header.",
        )


def _check_not_binary(raw: bytes, path: str) -> None:
    head = raw[:65536]
    controls = sum(head.count(bytes([c])) for c in range(0, 32) if c not in (9, 10, 13, 12))
    if b"\x00" in head or (head and controls > len(head) * 0.01):
        raise AlprInputError(
            "is not a text file (it holds binary data).",
            path=path,
            hint="Choose the CSV or delimited-text export of the reads.",
        )


def _decode(raw: bytes, path: str) -> Tuple[str, str]:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = raw.decode("utf-16", errors="replace")
        if "\ufffd" not in text:  # a real UTF-16 file; otherwise the bytes are checked below
            return text, "UTF-16"
    _check_not_binary(raw, path)
    if raw[:3] == b"\xef\xbb\xbf":
        try:
            return raw[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            return raw[3:].decode("latin-1"), "Latin-1"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1"


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter (comma, tab, pipe or semicolon) that splits the first records alike."""
    sample = "".join(lines[:50])
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        if len(lines) > 50 and len(records) > 2:
            records = records[:-1]  # the last one may be cut short by the sample
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        body = records[1:] or records
        consistent = sum(1 for r in body if len(r) == width) / len(body)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delim, score
    return best


# ------------------------------------------------------------------ records


@dataclass
class _Records:
    header: List[str]
    values: np.ndarray  # object array, one row per readable record, one column per header name
    row_ids: np.ndarray
    row_lines: np.ndarray
    row_ends: np.ndarray
    bad: List[Tuple[int, int, int, str]]  # read_id, first line, last line, reason
    raw_text: Callable[[int, int], str]  # text of lines first..last (1-based), without the line end
    blank_lines: int
    header_line: int
    parser: str = "exact"
    stripped: bool = False  # True when no value starts or ends with whitespace


# The characters str.strip() removes, and the UTF-8 bytes that can begin / end one (line breaks aside).
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
_SPACES += "\u2028\u2029\u202f\u205f\u3000"
_NOT_ASCII_SPACE = re.compile(rb"[^\t\n\x0b\x0c\r\x1c-\x1f ]")
_SPACE_FIRST = np.zeros(256, dtype=bool)
_SPACE_FIRST[[c.encode("utf-8")[0] for c in _SPACES]] = True
_SPACE_LAST = np.zeros(256, dtype=bool)
_SPACE_LAST[[c.encode("utf-8")[-1] for c in _SPACES]] = True
_SPACE_FIRST[[10, 13]] = _SPACE_LAST[[10, 13]] = False


def _record_lines(lines: List[str], delimiter: str) -> Tuple[np.ndarray, np.ndarray]:
    """First and last line (1-based) of every record; only needed when a record spans lines."""
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    starts: List[int] = []
    ends: List[int] = []
    prev = 0
    for _ in reader:
        starts.append(prev + 1)
        prev = reader.line_num
        ends.append(prev)
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def split_records(text: str, delimiter: str, path: str, progress: Progress, cancelled: IsCancelled) -> _Records:
    """Split the text into records (a quoted field may span lines), header first."""
    lines = io.StringIO(text, newline="").readlines()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    records: List[List[str]] = []
    total = max(len(lines), 1)
    chunk = 100_000
    try:
        while True:
            part = list(itertools.islice(reader, chunk))
            records.extend(part)
            if cancelled():
                raise Cancelled()
            progress(reader.line_num / total)
            if len(part) < chunk:
                break
    except csv.Error as err:
        raise AlprInputError(
            "cannot be split into records ({}).".format(err),
            path=path,
            row=len(records) + 1,
            hint="Check the quoting near that line.",
        ) from None
    if len(records) == len(lines):  # one line per record: the common case
        starts = np.arange(1, len(records) + 1, dtype=np.int64)
        ends = starts
    else:
        starts, ends = _record_lines(lines, delimiter)

    lengths = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    blank = lengths == 0
    for i in np.flatnonzero(lengths == 1):
        blank[i] = not records[i][0].strip()
    filled = np.flatnonzero(~blank)
    if not len(filled):
        raise AlprInputError("is empty: it holds no header and no records.", path=path)
    head = int(filled[0])
    header = records[head]
    width = len(header)
    data = filled[1:]
    read_ids = np.arange(1, len(data) + 1, dtype=np.int64)
    ok = lengths[data] == width
    bad = [
        (int(rid), int(starts[i]), int(ends[i]), TOO_FEW_FIELDS if lengths[i] < width else TOO_MANY_FIELDS)
        for rid, i in zip(read_ids[~ok], data[~ok])
    ]
    # A quote left open swallows the rest of the file into one record.
    if len(data):
        last = int(data[-1])
        if ends[last] > starts[last] and _odd_quotes(lines[starts[last] - 1 : ends[last]]):
            if ok[-1]:
                ok[-1] = False
            else:
                bad.pop()
            bad.append((int(read_ids[-1]), int(starts[last]), int(ends[last]), UNTERMINATED_QUOTE))
    if ok.all() and len(data) == len(records) - head - 1:
        rows = records[head + 1 :]
    else:
        rows = [records[i] for i in data[ok]]
    del records
    values = np.empty((len(rows), width), dtype=object)
    if rows:
        values[:] = rows
    del rows
    blank_lines = int((ends[blank] - starts[blank] + 1).sum())

    def raw_text(first: int, last: int) -> str:
        return "".join(lines[first - 1 : last]).rstrip("\r\n")

    return _Records(
        header, values, read_ids[ok], starts[data[ok]], ends[data[ok]], bad, raw_text, blank_lines, int(starts[head])
    )


def _positions(a: np.ndarray, values: Sequence[int], wanted: Sequence[bool]) -> List[np.ndarray]:
    """Indices of each byte value in ``a`` (empty where not wanted), found in blocks that stay in the cache."""
    found: List[List[np.ndarray]] = [[] for _ in values]
    step = 1 << 22
    for offset in range(0, len(a), step):
        block = a[offset : offset + step]
        for out, value, want in zip(found, values, wanted):
            if want:
                out.append(np.flatnonzero(block == value) + offset)
    return [np.concatenate(f) if f else np.zeros(0, dtype=np.int64) for f in found]


def fast_split_records(data: bytes, delimiter: str) -> Optional[_Records]:
    """Split a provably regular file at C speed, as ``split_records`` would; None when it is not regular.

    Regular means: one record per line (no quoted line break), "\\r" only in "\\r\\n" line
    ends, no NUL, and every quote opens a field (at a line start or after a delimiter)
    with the next quote closing it (before a delimiter or a line end): no doubled quotes,
    no text around a quoted part.  The csv module's records of such a file are exactly
    its lines cut at the delimiters outside quotes, with the quotes removed; numpy finds
    quotes, delimiters and line ends on the UTF-8 bytes, and ``str.split`` makes the
    values.  Blank lines, ragged lines (rejected, not padded) and line numbers come out
    as ``split_records`` gives them; anything else irregular falls back to it.
    ``data`` is the file's text in UTF-8.
    """
    size = len(data)
    if not size or b"\x00" in data:
        return None
    a = np.frombuffer(data, dtype=np.uint8)
    delim = ord(delimiter)
    newlines, returns, quotes, delims = _positions(a, (10, 13, 34, delim), (True, b"\r" in data, b'"' in data, True))
    if len(returns) and (returns[-1] == size - 1 or (a[returns + 1] != 10).any()):
        return None
    if len(quotes) % 2:
        return None
    opens = closes = delims[:0]
    if len(quotes):
        opens, closes = quotes[0::2], quotes[1::2]
        before = a[np.maximum(opens - 1, 0)]
        after = a[np.minimum(closes + 1, size - 1)]
        if not (
            ((opens == 0) | (before == delim) | (before == 10)).all()
            and ((closes == size - 1) | (after == delim) | (after == 10) | (after == 13)).all()
            and (np.searchsorted(newlines, opens) == np.searchsorted(newlines, closes)).all()
        ):
            return None
        # Delimiters between an opening and its closing quote are text.
        edges = np.bincount(np.searchsorted(delims, opens), minlength=len(delims) + 1)
        edges -= np.bincount(np.searchsorted(delims, closes), minlength=len(delims) + 1)
        within = np.cumsum(edges[:-1]) > 0
        delims = delims[~within]

    starts = np.concatenate(([0], newlines + 1))
    ends = np.append(newlines, size)  # where each line break starts (a "\\r\\n" included)
    if starts[-1] == size:  # the file ends with a line break
        starts, ends = starts[:-1], ends[:-1]
    content_ends = ends - ((ends > starts) & (a[np.maximum(ends - 1, 0)] == 13))
    counts = np.diff(np.searchsorted(delims, ends), prepend=0)  # delimiters outside quotes, per line

    # Blank lines: empty, or one field (no delimiter outside quotes) that is only spaces.
    blank = content_ends == starts
    for i in np.flatnonzero((counts == 0) & ~blank):
        line = data[starts[i] : content_ends[i]].decode("utf-8")
        blank[i] = not line.replace('"', "").strip()
    filled = np.flatnonzero(~blank)
    if not len(filled):
        return None
    head = int(filled[0])
    header_text = data[starts[head] : content_ends[head]].decode("utf-8")
    header = next(csv.reader([header_text], delimiter=delimiter, strict=False))
    width = len(header)
    if width < 2 or counts[head] != width - 1:
        return None

    lines_of_data = filled[1:]
    read_ids = np.arange(1, len(lines_of_data) + 1, dtype=np.int64)
    ok = counts[lines_of_data] == width - 1
    bad = [
        (int(rid), int(i) + 1, int(i) + 1, TOO_FEW_FIELDS if counts[i] < width - 1 else TOO_MANY_FIELDS)
        for rid, i in zip(read_ids[~ok], lines_of_data[~ok])
    ]
    good = lines_of_data[ok]

    def raw_text(first: int, last: int) -> str:
        return data[starts[first - 1] : ends[last - 1]].decode("utf-8").rstrip("\r\n")

    table = np.empty((0, width), dtype=object)
    if len(good):
        table = _fast_values(a, width, good, starts, content_ends, ends, newlines, returns, delims, bool(len(quotes)))
        if table is None:  # cannot happen for a regular file; be safe
            return None
    # Whether any value starts or ends with whitespace: look at the bytes next to field boundaries.
    # (Clipped indices look at the file's first or last byte instead: at worst a needless strip.)
    spaced = any(
        lut[np.take(a, positions, mode="clip")].any()
        for lut, positions in (
            (_SPACE_FIRST, starts),
            (_SPACE_FIRST, delims + 1),
            (_SPACE_FIRST, opens + 1),
            (_SPACE_LAST, content_ends - 1),
            (_SPACE_LAST, delims - 1),
            (_SPACE_LAST, closes - 1),
        )
    )
    line_numbers = good + 1
    blank_lines = int(blank.sum())
    return _Records(
        header,
        table,
        read_ids[ok],
        line_numbers,
        line_numbers,
        bad,
        raw_text,
        blank_lines,
        head + 1,
        "fast",
        stripped=not spaced,
    )


def _fast_values(
    a: np.ndarray,
    width: int,
    good: np.ndarray,
    starts: np.ndarray,
    content_ends: np.ndarray,
    ends: np.ndarray,
    newlines: np.ndarray,
    returns: np.ndarray,
    delims: np.ndarray,
    quoted: bool,
) -> Optional[np.ndarray]:
    """The values of the ``good`` lines, rows x columns, quotes removed.

    The delimiters outside quotes (``delims``) and the line ends become NUL
    bytes (a regular file has none of its own), the quotes go (in a regular
    file every quote opens or closes a field), and one ``str.split`` cuts
    everything; delimiters inside quotes stay as they are.  When the good
    lines are all the lines from the first one on, ending alike, the bytes
    are rewritten in one copy (a "\r\n" becomes two NULs: an extra empty
    value per line, dropped); otherwise the good lines are gathered first.
    """
    n = len(good)
    size = len(a)
    with_return = content_ends[good] < ends[good]
    whole = good[-1] - good[0] + 1 == n and good[-1] == len(starts) - 1
    if whole and (with_return.all() or not with_return.any()):
        origin = int(starts[good[0]])
        marked = a[origin:].copy()
        for cuts in (newlines, returns, delims):
            marked[cuts[cuts >= origin] - origin] = 0
        if quoted:
            marked = marked[marked != 34]
        stride = width + 1 if with_return.all() else width
        values = str(memoryview(marked), "utf-8").split("\x00")
        del marked
        if a[size - 1] == 10:
            values.pop()  # the empty value after the last line end
    else:
        marked = a.copy()
        marked[delims] = 0
        marked[newlines] = 0
        view = memoryview(marked)
        cuts = np.flatnonzero(np.diff(good) != 1)
        first = np.concatenate(([good[0]], good[cuts + 1]))
        last = np.concatenate((good[cuts], [good[-1]]))
        body = b"\x00".join(view[starts[f] : content_ends[g]] for f, g in zip(first.tolist(), last.tolist()))
        del view, marked
        # "\r" (only in "\r\n" line ends) and quotes go.
        values = body.translate(None, b'\r"' if quoted else b"\r").decode("utf-8").split("\x00")
        del body
        stride = width
    if len(values) != n * stride:
        return None
    table = np.fromiter(values, dtype=object, count=len(values))  # (half the time of assigning the list)
    del values
    return table.reshape(n, stride)[:, :width]


def _odd_quotes(lines: Sequence[str]) -> bool:
    return "".join(lines).count('"') % 2 == 1


def clean_header(names: Sequence[str]) -> Tuple[List[str], Dict[str, str]]:
    """Header names stripped, made non-empty and unique (case-insensitively)."""
    out: List[str] = []
    seen: set = set()
    renamed: Dict[str, str] = {}
    for i, raw in enumerate(names):
        name = raw.strip().strip("\ufeff").strip() or "field_{}".format(i + 1)
        base, n = name, 2
        while name.lower() in seen:
            name = "{}_{}".format(base, n)
            n += 1
        if name != raw:
            renamed[raw] = name
        seen.add(name.lower())
        out.append(name)
    return out, renamed


# ----------------------------------------------------------------- detection


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _sample(series: pd.Series, n: int = _SAMPLE) -> pd.Series:
    """Up to ``n`` non-empty values spread over the column (values are already stripped)."""
    if len(series) > 4 * n:
        series = series.iloc[np.linspace(0, len(series) - 1, 4 * n).astype(int)]
    values = series[series.to_numpy() != ""]
    if len(values) > n:
        values = values.iloc[np.linspace(0, len(values) - 1, n).astype(int)]
    return values


_NOT_INT = re.compile(r"^(?![-+]?(?:0|[1-9]\d{0,14})$).+$", re.MULTILINE)
_NOT_DECIMAL = re.compile(r"^(?![-+]?(?:0|[1-9]\d*)?\.\d+(?:[eE][-+]?\d+)?$).+$", re.MULTILINE)


def _joined(values: np.ndarray) -> Optional[str]:
    """The values joined by newlines, for one C-speed regex scan; None if a value holds a newline."""
    text = "\n".join(values)
    return text if text.count("\n") == len(values) - 1 else None


def _strip_all(values: Sequence[str]) -> List[str]:
    """Every value with surrounding whitespace (``str.isspace``) removed; unchanged values are not copied."""
    return list(map(str.strip, values))


def _stripped(series: pd.Series) -> pd.Series:
    """The column with surrounding whitespace removed."""
    return pd.Series(_strip_all(series.to_numpy()), index=series.index, dtype=object)


def _nullable_text(values: np.ndarray) -> np.ndarray:
    """Object array of text with empty strings turned into None."""
    out = np.asarray(values, dtype=object).copy()
    out[out == ""] = None
    return out


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
        "{} names a field that is not in the file: {}.".format(param, name.strip()),
        path=path,
        hint="Fields found: {}.".format(", ".join(frame.columns)),
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
            "has no recognisable plate column.",
            path=path,
            hint="Fields found: {}. Set PLATE_FIELD to the column holding the plates.".format(found),
        )

    # Coordinates: separate latitude/longitude win over a combined location.
    lat = _require(frame, options.lat_field, "LAT_FIELD", path)
    lon = _require(frame, options.lon_field, "LON_FIELD", path)
    location = _require(frame, options.location_field, "LOCATION_FIELD", path)
    if bool(lat) != bool(lon):
        raise AlprInputError(
            "LAT_FIELD and LON_FIELD must be set together.",
            path=path,
            hint="Fields found: {}.".format(found),
        )
    if not (lat or location):
        lat = pick("lat", "lat_field", _numeric_share, 0.5)
        lon = pick("lon", "lon_field", _numeric_share, 0.5)
        if not (lat and lon) or lat == lon:
            lat = lon = None
            location = pick("location", "location_field", _location_share, 0.5)
    if not (lat or location):
        raise AlprInputError(
            "has no recognisable location: no latitude/longitude columns and no column of "
            'coordinates such as "(37.80, -122.27)" or POINT(-122.27 37.80).',
            path=path,
            hint="Fields found: {}. Set LAT_FIELD and LON_FIELD, or LOCATION_FIELD.".format(found),
        )
    if location and not lat and _location_share(_sample(frame[location])) < 0.5:
        raise AlprInputError(
            'holds no coordinates (such as "(37.80, -122.27)" or POINT(-122.27 37.80)).',
            path=path,
            field=location,
            hint="It may hold beat codes or addresses. Fields found: {}. "
            "Set LAT_FIELD and LON_FIELD instead.".format(found),
        )

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
        "has no recognisable timestamp column.",
        path=path,
        hint="Fields found: {}. Set TIME_FIELD (and TIME_FORMAT if the times are written "
        "unusually, e.g. %m/%d/%Y %I:%M:%S %p).".format(found),
    )


# --------------------------------------------------------------------- time


def _strip_offsets(values: pd.Series) -> pd.Series:
    return values.str.replace(r"\s*" + _OFFSET_RE, "", regex=True)


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
        example = "(value withheld: this field holds plates)" if private else filled.iloc[0]
        if fmt:
            raise AlprInputError(
                'matches none of the timestamps, such as "{}".'.format(example),
                path=path,
                field=field_name,
                value=None,
                hint="TIME_FORMAT is {}; fix it (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p) "
                "or leave it empty to detect the format.".format(fmt),
            )
        raise AlprInputError(
            'holds timestamps in a format that is not recognised, such as "{}".'.format(example),
            path=path,
            field=field_name,
            hint="Set TIME_FORMAT (strptime codes, e.g. %m/%d/%Y %I:%M:%S %p).",
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


# --------------------------------------------------------------- locations


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


# ------------------------------------------------------------------- types


_POWERS_OF_TEN = 10 ** np.arange(1, 16, dtype=np.int64)


def _canonical_ints(values: np.ndarray) -> Optional[np.ndarray]:
    """int64 of text that is all plain integers written canonically ("0", "-12", no + or leading 0), else None.

    One C-speed conversion, then each value's length must be that of its
    number written out and the text ASCII (so no spaces, signs, leading
    zeros, underscores or other digits slipped through ``int()``).  Such
    values are a subset of what ``_NOT_INT`` accepts.
    """
    try:
        ints = np.array(values, dtype=np.int64)
    except (ValueError, OverflowError, TypeError):
        return None
    magnitude = np.abs(ints)
    if len(ints) and magnitude.max() >= 10**15:
        return None
    expected = 1 + np.searchsorted(_POWERS_OF_TEN, magnitude, side="right") + (ints < 0)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if not (lengths == expected).all() or not "".join(values).isascii():
        return None
    return ints


def _carry(series: pd.Series) -> pd.Series:
    """A carried-through column: integers and decimals typed, the rest text, '' -> null.

    Codes with leading zeros (ZIP codes, beats) and integers of more than 15
    digits stay text, so nothing is lost.
    """
    values = series.to_numpy()
    present = values != ""
    if present.any():
        all_present = bool(present.all())
        filled = values if all_present else values[present]
        head = _joined(filled[:100])  # most text columns show it in their first values
        maybe_int = head is not None and not _NOT_INT.search(head)
        maybe_decimal = head is not None and not _NOT_DECIMAL.search(head)
        ints = _canonical_ints(filled) if maybe_int else None
        text = _joined(filled) if ints is None and (maybe_int or maybe_decimal) else None
        if ints is None and text is not None and not _NOT_INT.search(text):
            ints = pd.to_numeric(pd.Series(filled, dtype=object)).to_numpy(dtype=np.int64)
        if ints is not None:
            if all_present:
                return pd.Series(pd.array(ints, dtype="Int64"), index=series.index)
            out = pd.Series(pd.NA, index=series.index, dtype="Int64")
            out[present] = ints
            return out
        if text is not None and not _NOT_DECIMAL.search(text):
            return pd.to_numeric(series.where(present), errors="coerce")
    return pd.Series(_nullable_text(values), index=series.index, dtype=object)


# --------------------------------------------------------------------- load


def load_reads(
    path: str,
    options: Optional[LoadOptions] = None,
    *,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
    parser: str = "auto",
) -> ReadsTable:
    """Read an ALPR export; see the module docstring for what comes back.

    ``parser``: "auto" splits a provably regular file with the vectorised
    splitter (``fast_split_records``) and any other with the csv module;
    "exact" always uses the csv module (the results are the same).
    """
    options = options or LoadOptions()
    check_timezone(options.timezone)
    data, text, encoding = read_utf8(path)  # an ASCII file stays bytes unless the exact splitter needs text
    progress(0.05)
    if not (text.strip() if data is None else _NOT_ASCII_SPACE.search(data)):
        raise AlprInputError("is empty: it holds no header and no records.", path=path)
    table, _ = _load(data, text, encoding, path, options, progress, cancelled, parser)
    return table


@dataclass
class _Decisions:
    """What the first part of a file decided, for the parts that follow (``stream_reads``)."""

    delimiter: str
    header: List[str]
    fields: FieldMap
    time_format: str
    coordinate_order: str
    carried: Dict[str, str]  # output column -> dtype name
    timezone: Optional[str] = None  # the zone aware timestamps go into (None: their offset is dropped)
    timezone_source: str = ZONE_NAIVE


class NotStreamableError(Exception):
    """A later part of a file does not fit what its first part decided; load the whole file instead."""


def _load(
    data: Optional[bytes],
    text: Optional[str],
    encoding: str,
    path: str,
    options: LoadOptions,
    progress: Progress,
    cancelled: IsCancelled,
    parser: str = "auto",
    known: Optional[_Decisions] = None,
) -> Tuple[ReadsTable, _Decisions]:
    """The reads of a file's text (``data`` when ASCII bytes, else ``text``), and what was decided.

    With ``known`` the text is one part of a bigger file, headed by the
    file's header line: nothing is detected again (``known`` says it all),
    and a part that is not regular, or whose carried columns take other
    types, raises ``NotStreamableError``.  (Its read ids and line numbers count
    from the part's start: ``_shift`` makes them the file's.)
    """
    if known is not None:
        delimiter = known.delimiter
    else:
        head = data[:262144].decode("ascii") if data is not None else text[:262144]
        head_lines = io.StringIO(head, newline="").readlines()
        delimiter = sniff_delimiter([ln for ln in head_lines if ln.strip()])
    recs = None
    if parser == "auto":
        recs = fast_split_records(data if data is not None else text.encode("utf-8"), delimiter)
    if cancelled():
        raise Cancelled()
    if recs is None and known is not None:
        raise NotStreamableError("a part of the file is not regular")
    if recs is None:
        if text is None:
            text = data.decode("ascii")
        del data
        recs = split_records(text, delimiter, path, lambda f: progress(0.05 + 0.45 * f), cancelled)
    del text
    progress(0.5)
    header, renamed = clean_header(recs.header)
    n_records = len(recs.row_ids) + len(recs.bad)
    if known is not None and header != known.header:
        raise NotStreamableError("a part of the file has another header")
    if n_records == 0 and known is None:
        raise AlprInputError(
            "holds a header but no data records.",
            path=path,
            hint="Check that the export is complete.",
        )
    if cancelled():
        raise Cancelled()

    values = recs.values
    recs.values = None
    if not recs.stripped:
        flat = np.empty(values.size, dtype=object)
        flat[:] = _strip_all(values.ravel())
        values = flat.reshape(values.shape)
        del flat
    frame = pd.DataFrame(values, columns=header, copy=False)
    del values
    progress(0.6)
    if known is not None:
        fields = known.fields
    elif len(frame):
        fields = detect_fields(frame, options, path)
    else:
        fields = _fields_without_rows(header, options, path)

    # Coordinates: missing (empty) ones are kept as no geometry; unreadable ones too, counted.
    if fields.lat:
        lat_text, lon_text = frame[fields.lat].to_numpy(), frame[fields.lon].to_numpy()
        y, x = _numbers(frame[fields.lat]), _numbers(frame[fields.lon])
        order = "separate fields"
        empty = (lat_text == "") | (lon_text == "")
    else:
        loc_text = frame[fields.location].to_numpy()
        x, y, order = parse_pairs(
            frame[fields.location], options.geographic, known.coordinate_order if known is not None else None
        )
        empty = loc_text == ""
    missing = np.isnan(x) | np.isnan(y)
    unreadable = missing & ~empty
    if not fields.lat and unreadable.any():  # POINT EMPTY is a missing location, not a bad one
        idx = np.flatnonzero(unreadable)
        wkt_empty = pd.Series(loc_text[idx], dtype=object).str.fullmatch(_WKT_EMPTY_RE, flags=re.IGNORECASE)
        empty[idx[wkt_empty.to_numpy(dtype=bool)]] = True
        unreadable = missing & ~empty
    first_bad = None
    if unreadable.any():
        i = int(np.flatnonzero(unreadable)[0])
        if fields.lat:
            bad_field = fields.lat if np.isnan(y[i]) else fields.lon
            value = lat_text[i] if np.isnan(y[i]) else lon_text[i]
        else:
            bad_field, value = fields.location, loc_text[i]
        first_bad = (int(recs.row_ids[i]), bad_field, str(value))
    x = np.where(missing, np.nan, x)
    y = np.where(missing, np.nan, y)
    progress(0.75)
    if cancelled():
        raise Cancelled()

    # Timestamps (after the coordinates: the time zone may be looked up from them).
    time_name = " + ".join(fields.time)
    if len(fields.time) == 2:
        time_text = _stripped(frame[fields.time[0]] + " " + frame[fields.time[1]])
    else:
        time_text = frame[fields.time[0]]
    if options.timezone:
        zone, zone_source = options.timezone, ZONE_GIVEN
    elif known is not None:
        zone, zone_source = known.timezone, known.timezone_source
    else:
        zone, zone_source = None, ZONE_NAIVE
    looked_up: List[str] = []

    def zone_for() -> Optional[str]:
        found, why = _zone_of(x, y, options)
        looked_up.append(why)
        return found

    parsed = parse_times(
        time_text,
        known.time_format if known is not None else options.time_format,
        zone,
        path,
        time_name,
        private=fields.plate in fields.time,
        known=known is not None,
        zone_for=zone_for if known is None and not options.timezone else None,
    )
    if parsed.aware and known is not None and known.timezone_source == ZONE_NAIVE and not options.timezone:
        raise NotStreamableError("a part of the file has timestamps with an offset; the first had none")
    if looked_up:
        zone, zone_source = parsed.zone, looked_up[0]
    times, time_format = parsed.times, parsed.time_format
    progress(0.85)

    # Records whose timestamp cannot be read are rejected.
    bad_time = times.isna().to_numpy()
    bad_idx = np.flatnonzero(bad_time)
    time_empty = [bool(pd.isna(v)) or v == "" for v in time_text.to_numpy()[bad_idx]]  # (only the rejected ones)
    rejected_rows = [
        (
            int(recs.row_ids[i]),
            int(recs.row_lines[i]),
            int(recs.row_ends[i]),
            MISSING_TIMESTAMP if is_empty else BAD_TIMESTAMP,
        )
        for i, is_empty in zip(bad_idx, time_empty)
    ]
    keep = ~bad_time
    all_kept = bool(keep.all())

    def kept(values: np.ndarray) -> np.ndarray:
        return values if all_kept else values[keep]

    # The output table: standard fields, then every other source column.
    out = pd.DataFrame({"read_id": kept(recs.row_ids)})
    out["plate"] = _nullable_text(kept(frame[fields.plate].to_numpy()))
    out["read_time"] = kept(times.to_numpy())
    out["device"] = _nullable_text(kept(frame[fields.device].to_numpy())) if fields.device else None
    standard = list(STANDARD_FIELDS)
    if fields.state:
        out["state"] = _nullable_text(kept(frame[fields.state].to_numpy()))
        standard.append("state")
    taken = {n.lower() for n in standard} | RESERVED_NAMES
    mapped = set(fields.mapped_columns())
    kept_frame = frame if all_kept else frame.loc[keep].reset_index(drop=True)
    del frame
    others: Dict[str, pd.Series] = {}  # joined to the table at once (a column at a time fragments it)
    for col in header:
        if col in mapped:
            continue
        name, n = col, 1
        while name.lower() in taken:
            name = "{}_src".format(col) if n == 1 else "{}_src{}".format(col, n)
            n += 1
        if name != col:
            renamed[col] = name
        taken.add(name.lower())
        column = pd.Series(_carry(kept_frame[col]).array, index=out.index)  # (by position: no index to align)
        if known is not None and str(column.dtype) != known.carried.get(name):
            if not column.isna().all():
                raise NotStreamableError("a carried column takes another type in a part of the file")
            column = column.astype(known.carried[name])  # all null: any type holds it
        others[name] = column
    if others:
        out = pd.concat([out, pd.DataFrame(others, index=out.index)], axis=1)
    progress(0.95)

    bad_all = sorted(recs.bad + rejected_rows)
    rejected = pd.DataFrame(
        {
            "read_id": pd.Series([b[0] for b in bad_all], dtype="int64"),
            "line_number": pd.Series([b[1] for b in bad_all], dtype="int64"),
            "reason": pd.Series([b[3] for b in bad_all], dtype=object),
            "raw_text": pd.Series([recs.raw_text(b[1], b[2]) for b in bad_all], dtype=object),
        }
    )
    if len(out) + len(rejected) != n_records:
        raise AssertionError("loader lost {} records".format(n_records - len(out) - len(rejected)))
    plates_hashed = plates_look_hashed(out["plate"]) if len(out) else False
    plate_length = next((len(str(v).strip()) for v in out["plate"].to_numpy() if v is not None and v == v), 0)
    decided = known or _Decisions(
        delimiter=delimiter,
        header=header,
        fields=fields,
        time_format=time_format,
        coordinate_order=order,
        carried={c: str(out[c].dtype) for c in out.columns[len(standard) :]},
        timezone=zone,
        timezone_source=zone_source,
    )
    progress(1.0)
    table = ReadsTable(
        reads=out,
        x=kept(x),
        y=kept(y),
        rejected=rejected,
        fields=fields,
        plates_hashed=plates_hashed,
        encoding=encoding,
        delimiter=delimiter,
        time_format=time_format,
        coordinate_order=order,
        records=n_records,
        blank_lines=recs.blank_lines,
        offsets_dropped=parsed.offsets_dropped,
        offsets_converted=parsed.offsets_converted,
        times_aware=parsed.aware,
        timezone=zone,
        timezone_source=zone_source,
        missing_locations=int((missing & empty)[keep].sum()),
        unreadable_locations=int(unreadable[keep].sum()),
        first_unreadable_location=first_bad,
        renamed_columns=renamed,
        parser=recs.parser,
        plate_length=plate_length,
    )
    return table, decided


STREAM_PART_BYTES = 12 << 20  # about 120,000 records of a typical export
STORING_WORKERS = 2  # worker processes when they store the parts' reads themselves (``PartStore``)


def stream_reads(
    path: str,
    options: Optional[LoadOptions],
    on_part: Callable[[ReadsTable, bool], bool],
    *,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
    part_bytes: Optional[int] = None,
    worker: bool = True,
    store: Optional[Callable[[], Optional[PartStore]]] = None,
) -> Optional[ReadsTable]:
    """Read a big file part by part, handing each part's reads to ``on_part`` as soon as they are read.

    So the reads of one part can be written while the next part is read:
    with ``worker`` the parts after the first are read in a second Python
    process (``_PartReader``), on another core, while this one writes.  The
    first part decides everything ``load_reads`` detects (delimiter, fields,
    time format, coordinate order, the types of carried columns); each part
    is then read with those decisions, its ``read_id`` and line numbers
    counted in the whole file.  ``on_part(part, last)`` returns False to
    stop (cancelled); ``last`` is True for the last part.  Returns the totals — a ``ReadsTable`` whose ``reads``,
    ``x`` and ``y`` are empty (they went to ``on_part``) — or None when the
    file is not read this way: smaller than two parts, not ASCII, not
    regular, or with a first part ``load_reads`` would not accept on its own
    (``load_reads`` then reads the whole file and says what is wrong).
    Raises ``NotStreamableError`` when a later part does not fit the first one's
    decisions (irregular text, a carried column of another type): whatever
    ``on_part`` received must then be discarded and ``load_reads`` used.
    ``part_bytes`` (default ``STREAM_PART_BYTES``) is the size of a part.

    ``store``, called once the first part is read (before it goes to
    ``on_part``), may give a ``PartStore``: the workers (then
    :data:`STORING_WORKERS` of them, each reading every other part) store
    the reads of the parts they read themselves, and ``on_part`` gets those parts with ``stored`` set and no
    rows in ``reads``.  A part read in this process (no worker could be
    started, or one failed) comes with its rows, as without ``store``.
    """
    options = options or LoadOptions()
    part_bytes = part_bytes or STREAM_PART_BYTES
    check_timezone(options.timezone)
    data, _, encoding = read_utf8(path)
    if data is None or len(data) < 2 * part_bytes or not _NOT_ASCII_SPACE.search(data):
        return None
    cuts = [0]
    size_of = part_bytes // 3  # a short first part: it is read here, before the worker can start
    while cuts[-1] + size_of < len(data):
        end = data.find(b"\n", cuts[-1] + size_of)
        if end < 0 or end + 1 >= len(data):
            break
        cuts.append(end + 1)
        size_of = part_bytes
    cuts.append(len(data))
    if len(cuts) < 3:
        return None
    size = float(len(data))
    workers = (STORING_WORKERS if store is not None else 1) if worker else 0
    reader = _PartReader(path, encoding, options, workers)  # the workers start while the first part is read
    try:
        try:
            first, decided = _load(
                data[: cuts[1]],
                None,
                encoding,
                path,
                options,
                lambda f: progress(f * cuts[1] / size),
                cancelled,
            )
        except AlprInputError:
            return None  # the whole file may still be fine: load_reads decides
        if first.parser != "fast":
            return None
        start = 0  # the header is the first line that is not blank (as fast_split_records sees it)
        while not data[start : data.index(b"\n", start)].replace(b'"', b"").strip():
            start = data.index(b"\n", start) + 1
        header_line = data[start : data.index(b"\n", start) + 1]
        ranges = [(cuts[k], cuts[k + 1]) for k in range(1, len(cuts) - 1)]
        reader.start(decided, header_line, data, ranges, store() if store is not None else None)
        offsets = [0]

        def lines_before(k: int) -> int:  # lines before part k, less its repeated header line (counted when asked)
            while len(offsets) <= k:
                j = len(offsets)
                offsets.append(offsets[-1] + data.count(b"\n", cuts[j - 1], cuts[j]) - (j == 1))
            return offsets[k]

        return _gather(
            first, reader, len(cuts) - 1, lines_before, on_part, cancelled, lambda k: progress(cuts[k + 1] / size)
        )
    finally:
        reader.close()


def _gather(
    first: ReadsTable,
    reader: _PartReader,
    parts: int,
    lines_before: Callable[[int], int],
    on_part: Callable[[ReadsTable, bool], bool],
    cancelled: IsCancelled,
    done: Callable[[int], None],
) -> ReadsTable:
    """Hand the first part and then each of the ``parts - 1`` parts ``reader`` reads to ``on_part``; the totals."""
    totals = dataclasses.replace(
        first,
        reads=first.reads.iloc[:0],
        x=first.x[:0],
        y=first.y[:0],
        rejected=first.rejected.iloc[:0],
        plates_hashed=False,
        records=0,
        blank_lines=0,
        offsets_dropped=0,
        offsets_converted=0,
        missing_locations=0,
        unreadable_locations=0,
        first_unreadable_location=None,
    )
    rejected: List[pd.DataFrame] = []
    hashed: List[Tuple[bool, int]] = []  # per part holding plates: all look hashed, their length
    part: Optional[ReadsTable] = first
    k = 0
    while part is not None:
        _shift(part, totals.records, lines_before(k))
        totals.blank_lines += part.blank_lines
        totals.records += part.records
        totals.offsets_dropped += part.offsets_dropped
        totals.offsets_converted += part.offsets_converted
        totals.times_aware |= part.times_aware
        totals.missing_locations += part.missing_locations
        totals.unreadable_locations += part.unreadable_locations
        if totals.first_unreadable_location is None:
            totals.first_unreadable_location = part.first_unreadable_location
        if len(part.rejected):
            rejected.append(part.rejected)
        if part.plate_length:
            hashed.append((part.plates_hashed, part.plate_length))
        if not on_part(part, k == parts - 1):
            raise Cancelled()
        done(k)
        k += 1
        part = reader.next(k - 1, cancelled) if k < parts else None
    if rejected:
        totals.rejected = pd.concat(rejected, ignore_index=True)
    totals.plates_hashed = bool(hashed) and all(h for h, _ in hashed) and len({n for _, n in hashed}) == 1
    return totals


def _shift(part: ReadsTable, ids: int, lines: int) -> None:
    """Count a part's read ids and line numbers in the whole file: ``ids`` records, ``lines`` lines before it."""
    if ids:
        if part.stored is not None:
            part.stored.read_id_shift += ids
        else:
            part.reads["read_id"] += ids
        part.rejected["read_id"] += ids
        if part.first_unreadable_location is not None:
            row, field_name, value = part.first_unreadable_location
            part.first_unreadable_location = (row + ids, field_name, value)
    if lines:
        part.rejected["line_number"] += lines


def _read_part(
    path: str, start: int, end: int, header_line: bytes, encoding: str, options: LoadOptions, known: _Decisions
) -> ReadsTable:
    """Bytes ``start:end`` of a plain (not gzip) file, headed by its header line, read with ``known`` decisions."""
    with open(path, "rb") as handle:
        handle.seek(start)
        text = header_line + handle.read(end - start)
    return _load_part(text, encoding, path, options, known)


def _load_part(text: bytes, encoding: str, path: str, options: LoadOptions, known: _Decisions) -> ReadsTable:
    """The reads of one later part (``text``: the header line, then the part's lines)."""
    return _load(text, None, encoding, path, options, lambda f: None, lambda: False, known=known)[0]


def _serve() -> None:
    """The worker process's loop: read a request on stdin, answer ``("ok", table)`` or ``("failed", text)``.

    The worker dies with its parent: it ends when its requests end (the
    parent closed the pipe or died) and checks, before each request and
    before storing what it read, that its parent is still the one that
    started it (a dead parent's children are handed to another process);
    ``store_part`` checks again between batches.

    A request is ``_read_part``'s arguments and the store: None (the reads
    are sent back, packed) or ``(function, file, arg)`` of a ``PartStore``.
    """
    import pickle
    import traceback

    parent = os.getppid()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            args = pickle.load(requests)
        except EOFError:
            return  # the parent closed the pipe, or died
        if os.getppid() != parent:
            return  # the parent died with requests still in the pipe: none is done (no write after it)
        try:
            *to_read, store = args
            table = _read_part(*to_read)
            if os.getppid() != parent:
                return  # (died while this part was read: it is not stored)
            if store is None:
                answer = ("ok", _pack(table))
            else:
                function, file, arg = store
                stored = StoredRows(file, function(table, file, arg), len(table.reads))
                answer = ("ok", dataclasses.replace(table, reads=table.reads.iloc[:0], stored=stored))
        except NotStreamableError as err:
            answer = ("not streamable", str(err))
        except Exception:  # noqa: BLE001 - the parent reads the part itself and meets the error there
            answer = ("failed", traceback.format_exc(limit=3))
        try:
            pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
            answers.flush()
        except OSError:  # (BrokenPipeError: the parent is gone)
            return


def _pack(table: ReadsTable) -> ReadsTable:
    """``table`` with its reads in a form that crosses a pipe fast (``_unpack`` undoes it).

    Pickling a column of Python strings costs as much as reading them: each
    text column goes as one string (values joined by NUL, which a regular
    file cannot hold) plus a mask of nulls, integer columns with nulls as
    values plus mask, the rest as numpy arrays.
    """
    columns = []
    for name in table.reads.columns:
        series = table.reads[name]
        null = series.isna().to_numpy()
        if series.dtype == object:
            values = np.where(null, "", series.to_numpy()) if null.any() else series.to_numpy()
            if pd.api.types.infer_dtype(values, skipna=False) == "string":  # (a part has no NUL)
                columns.append((name, "text", "\x00".join(values), null))
                continue
        elif isinstance(series.dtype, pd.Int64Dtype):
            columns.append((name, "Int64", series.to_numpy(dtype=np.int64, na_value=0), null))
            continue
        columns.append((name, "series", series, None))
    return dataclasses.replace(table, reads=columns)


def _unpack(table: ReadsTable) -> ReadsTable:
    """The ``ReadsTable`` ``_pack`` packed (a stored part as it came)."""
    if table.stored is not None:
        return table
    out = {}
    for name, kind, values, null in table.reads:
        if kind == "text":
            column = np.empty(len(null), dtype=object)
            if len(null):
                column[:] = values.split("\x00")
                column[null] = None
            out[name] = pd.Series(column, dtype=object)
        elif kind == "Int64":
            out[name] = pd.Series(pd.arrays.IntegerArray(values, null))
        else:
            out[name] = values.reset_index(drop=True)
    return dataclasses.replace(table, reads=pd.DataFrame(out))


class _PartReader:
    """Reads the parts after the first, in order: in other Python processes when they can be started.

    Python runs one thread at a time, and reading and writing the reads are
    both mostly Python: worker processes (this Python's interpreter running
    ``_serve``) read the next parts on the other core while this one stores
    the last.  With ``workers`` of them, part ``i`` goes to worker
    ``i % workers``, each asked for two parts ahead.  Requests and answers
    go through their stdin and stdout, pickled; a worker reads the bytes
    from the file itself.  Without workers (none asked for, a gzip file, no
    interpreter found beside this one) or once one fails, the parts are read
    here, one by one, as asked for.
    """

    def __init__(self, path: str, encoding: str, options: LoadOptions, workers: int) -> None:
        self.path, self.encoding = path, encoding
        self.options = dataclasses.replace(options, to_lonlat=None)  # (pickled to the workers; not needed there)
        self.procs: list = []
        if workers and _plain_file(path):
            for _ in range(workers):
                proc = _start_worker()
                if proc is None:
                    break
                self.procs.append(proc)
        self.known: Optional[_Decisions] = None
        self.header_line = self.data = b""
        self.ranges: List[Tuple[int, int]] = []
        self.store: Optional[PartStore] = None
        self.closing: set = set()  # the parts after which their file gets no more (``PartStore``)
        self.sent = 0  # parts asked for (each worker answers in the order it was asked)

    def start(
        self,
        known: _Decisions,
        header_line: bytes,
        data: bytes,
        ranges: Sequence[Tuple[int, int]],
        store: Optional[PartStore] = None,
    ) -> None:
        """Parts to read: ``ranges`` of the file's (decompressed) bytes ``data``, each after ``header_line``."""
        self.known, self.header_line, self.data, self.ranges = known, header_line, data, list(ranges)
        self.store = store
        if store is not None and self.procs:
            last = {self._file(i): i for i in range(len(self.ranges))}
            self.closing = set(last.values())
        for _ in range(2 * len(self.procs)):
            self._ask()

    def _file(self, i: int) -> int:
        """Which of the store's files part ``i`` goes to (see ``PartStore``)."""
        workers = len(self.procs)
        groups = max(1, len(self.store.files) // workers)
        return i % workers * groups + min(groups - 1, i * groups // len(self.ranges))

    def _args(self, i: int) -> tuple:
        start, end = self.ranges[i]
        store = None
        if self.store is not None:
            store = (self.store.function, self.store.files[self._file(i)], self.store.arg)
        return (self.path, start, end, self.header_line, self.encoding, self.options, self.known, store)

    def _ask(self) -> None:
        if not self.procs or self.sent >= len(self.ranges):
            return
        import pickle

        try:
            proc = self.procs[self.sent % len(self.procs)]
            pickle.dump(self._args(self.sent), proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            proc.stdin.flush()
            self.sent += 1
        except OSError:  # a worker is gone: the parts are read here
            self.close()

    def next(self, index: int, cancelled: IsCancelled) -> ReadsTable:
        """The reads of part ``index`` (of the ranges given to ``start``); parts are asked for in order."""
        if cancelled():
            raise Cancelled()
        if self.procs:
            import pickle

            try:
                status, value = pickle.load(self.procs[index % len(self.procs)].stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                status, value = "failed", "the worker process stopped"
            if status == "ok":
                self._ask()
                if value.stored is not None:
                    value.stored.closes = index in self.closing
                return _unpack(value)
            if status == "not streamable":
                raise NotStreamableError(value)
            self.close()  # read here from now on; a real error is raised here, as load_reads would
        start, end = self.ranges[index]
        text = b"".join((self.header_line, memoryview(self.data)[start:end]))
        return _load_part(text, self.encoding, self.path, self.options, self.known)

    def close(self) -> None:
        """Stop the worker processes (what they were reading is dropped)."""
        procs, self.procs = self.procs, []
        for proc in procs:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            try:
                proc.stdin.close()
            except BrokenPipeError:  # a request still buffered for the worker, which is gone: nothing to do
                continue


def _plain_file(path: str) -> bool:
    """Whether ``path`` can be read by byte ranges (not gzip)."""
    with open(path, "rb") as handle:
        return handle.read(2) != b"\x1f\x8b"


def _start_worker():
    """This Python's interpreter running ``_serve`` (a ``subprocess.Popen``), or None when none can be found."""
    import subprocess

    # The interpreter of this Python's own installation (or venv), not sys.executable: inside QGIS
    # that is QGIS, or whatever "python3" comes first on PATH, which may lack numpy and pandas.
    version = "python{}.{}".format(*sys.version_info[:2])
    found = [os.path.join(p, "bin", version) for p in (sys.exec_prefix, sys.base_exec_prefix)]
    exe = next((c for c in found if os.access(c, os.X_OK)), "")
    if not exe:
        return None
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    code = "import sys; sys.path.insert(0, {!r}); from alpr_qgis.core.reads import _serve; _serve()".format(
        package_root
    )
    try:
        return subprocess.Popen(
            [exe, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None


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
