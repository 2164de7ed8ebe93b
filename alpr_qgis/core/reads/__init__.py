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
looked up from the first part's coordinates); a later part that does not
fit (timestamps with an offset after a first part without) raises
``NotStreamableError`` and the caller starts over with ``load_reads``.
Errors can only come from the first part, before anything is handed on.

The package's rooms (each imports only the rooms listed before it):

* ``options``: ``LoadOptions``, ``FieldMap``, ``ReadsTable``, ``StoredRows``,
  ``PartStore`` and the shared codes (standard fields, delimiters, reject
  reasons, ``ZONE_*``);
* ``values``: value checks on a column's text and the typing of carried
  columns;
* ``text``: reading and decoding the file, sniffing the delimiter, splitting
  records (``split_records``, ``fast_split_records``), ``clean_header``;
* ``times``: ``TIME_FORMATS``, ``parse_times``, the time zone glue;
* ``locations``: coordinate parsing (``parse_pairs``);
* ``columns``: field detection (``ROLE_NAMES``, ``detect_fields``);
* ``loading``: ``load_reads`` and ``_load``;
* ``worker``: the worker processes of a streamed file (``_serve``,
  ``_PartReader``, ``_start_worker``); the worker is started with
  ``from alpr_qgis.core.reads import _serve``;
* ``streaming``: ``stream_reads`` (part size ``STREAM_PART_BYTES``, read
  there: patch ``streaming.STREAM_PART_BYTES``).
"""

from alpr_qgis.core.reads.columns import ROLE_HINTS, ROLE_NAMES, detect_fields
from alpr_qgis.core.reads.loading import NotStreamableError, load_reads
from alpr_qgis.core.reads.locations import parse_pairs
from alpr_qgis.core.reads.options import (
    BAD_TIMESTAMP,
    DELIMITER_NAMES,
    DELIMITERS,
    MISSING_TIMESTAMP,
    RESERVED_NAMES,
    STANDARD_FIELDS,
    TOO_FEW_FIELDS,
    TOO_MANY_FIELDS,
    UNTERMINATED_QUOTE,
    ZONE_GIVEN,
    ZONE_LOOKED_UP,
    ZONE_NAIVE,
    ZONE_NO_COORDINATES,
    ZONE_NO_LIBRARY,
    ZONE_NOT_FOUND,
    FieldMap,
    IsCancelled,
    LoadOptions,
    PartStore,
    Progress,
    ReadsTable,
    StoredRows,
)
from alpr_qgis.core.reads.streaming import STORING_WORKERS, STREAM_PART_BYTES, stream_reads
from alpr_qgis.core.reads.text import (
    MAX_COLUMNS,
    clean_header,
    fast_split_records,
    read_text,
    read_utf8,
    sniff_delimiter,
    split_records,
)
from alpr_qgis.core.reads.times import (
    EPOCH_MILLISECONDS,
    EPOCH_SECONDS,
    ISO_FORMAT,
    TIME_FORMATS,
    ParsedTimes,
    _fixed_width_times,
    parse_times,
)
from alpr_qgis.core.reads.worker import _pack, _serve, _start_worker, _unpack
from alpr_qgis.core.timezones import check_timezone

__all__ = [
    "BAD_TIMESTAMP",
    "DELIMITERS",
    "DELIMITER_NAMES",
    "EPOCH_MILLISECONDS",
    "EPOCH_SECONDS",
    "FieldMap",
    "ISO_FORMAT",
    "IsCancelled",
    "LoadOptions",
    "MAX_COLUMNS",
    "MISSING_TIMESTAMP",
    "NotStreamableError",
    "ParsedTimes",
    "PartStore",
    "Progress",
    "RESERVED_NAMES",
    "ROLE_HINTS",
    "ROLE_NAMES",
    "ReadsTable",
    "STANDARD_FIELDS",
    "STORING_WORKERS",
    "STREAM_PART_BYTES",
    "StoredRows",
    "TIME_FORMATS",
    "TOO_FEW_FIELDS",
    "TOO_MANY_FIELDS",
    "UNTERMINATED_QUOTE",
    "ZONE_GIVEN",
    "ZONE_LOOKED_UP",
    "ZONE_NAIVE",
    "ZONE_NOT_FOUND",
    "ZONE_NO_COORDINATES",
    "ZONE_NO_LIBRARY",
    "_fixed_width_times",
    "_pack",
    "_serve",
    "_start_worker",
    "_unpack",
    "check_timezone",
    "clean_header",
    "detect_fields",
    "fast_split_records",
    "load_reads",
    "parse_pairs",
    "parse_times",
    "read_text",
    "read_utf8",
    "sniff_delimiter",
    "split_records",
    "stream_reads",
]
