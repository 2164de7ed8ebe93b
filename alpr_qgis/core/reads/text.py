"""Text decoding and sniffing: the file's bytes and encoding, the delimiter, the header, and the
split into records (exact with the csv module, or vectorised for a regular file).
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import re
import sys
import zlib
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.reads.options import (
    DELIMITERS,
    TOO_FEW_FIELDS,
    TOO_MANY_FIELDS,
    UNTERMINATED_QUOTE,
    IsCancelled,
    Progress,
)


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


class FileBytes:
    """A plain file's bytes, read where asked (``len``, slices, ``find``, ``index``, ``count``), never held whole.

    What the streaming loader needs of a file it hands out in parts: the
    parts' bounds and line counts, and the first part.  A slice is read
    with one ``pread``; searches and counts go a block at a time.
    """

    BLOCK = 8 << 20

    def __init__(self, path: str) -> None:
        import os

        self._fd = os.open(path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, part: slice) -> bytes:
        import os

        start, stop, _ = part.indices(self._size)
        return os.pread(self._fd, max(0, stop - start), start) if stop > start else b""

    def blocks(self, start: int = 0, end: Optional[int] = None):
        """``(offset, bytes)`` of the file from ``start`` to ``end``, a block at a time."""
        end = self._size if end is None else min(end, self._size)
        while start < end:
            yield start, self[start : min(end, start + self.BLOCK)]
            start += self.BLOCK

    def find(self, sub: bytes, start: int = 0) -> int:
        for offset, block in self.blocks(start):
            at = block.find(sub)
            if at >= 0:
                return offset + at
            if len(sub) > 1:  # (a match across two blocks)
                tail = self[offset + len(block) - len(sub) + 1 : offset + len(block) + len(sub) - 1].find(sub)
                if tail >= 0:
                    return offset + len(block) - len(sub) + 1 + tail
        return -1

    def index(self, sub: bytes, start: int = 0) -> int:
        at = self.find(sub, start)
        if at < 0:
            raise ValueError("subsection not found")
        return at

    def count(self, sub: bytes, start: int = 0, end: Optional[int] = None) -> int:
        if len(sub) != 1:
            raise ValueError("counts one byte")
        return sum(block.count(sub) for _, block in self.blocks(start, end))

    def close(self) -> None:
        import os

        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def ascii_file_bytes(path: str) -> Optional[FileBytes]:
    """:class:`FileBytes` of a plain (not gzip) ASCII file with text in it, else None (``read_utf8`` then).

    The file is checked as ``read_utf8`` checks it (binary data, the
    header's width), a block at a time, without holding it.
    """
    try:
        data = FileBytes(path)
    except OSError:
        return None
    head = data[: FileBytes.BLOCK]
    if head[:2] in (b"\x1f\x8b", b"\xff\xfe", b"\xfe\xff") or head[:4] == b"PK\x03\x04":
        data.close()
        return None
    try:
        _check_header_width(head, path)
        _check_not_binary(head, path)
        seen_text = False
        for _, block in data.blocks():
            if not block.isascii():
                data.close()
                return None
            seen_text = seen_text or _NOT_ASCII_SPACE.search(block) is not None
    except BaseException:
        data.close()
        raise
    if not seen_text:
        data.close()
        return None
    return data


def _file_bytes(path: str) -> bytes:
    """The file's bytes, decompressed when gzip; ZIP archives raise."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as err:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "cannot be opened ({reason})."),
            args={"reason": err.strerror or err},
            path=path,
        ) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is not a valid gzip file (it is truncated or damaged)."),
                path=path,
                hint=QT_TRANSLATE_NOOP("alpr_core", "Decompress it by hand to check it, or export it again."),
            ) from None
    if raw[:4] == b"PK\x03\x04":
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is a ZIP archive or a spreadsheet (XLSX), not delimited text."),
            path=path,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Unzip it, or save the sheet as CSV, and load that file."),
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
            QT_TRANSLATE_NOOP("alpr_core", "has a header of {columns:,} columns, more than any ALPR export holds "
                              "(at most {limit:,} are read)."),
            args={"columns": fields, "limit": MAX_COLUMNS},
            path=path,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Check that this is the export of the reads and that its first "
                                   "line is its header."),
        )  # fmt: skip


def _check_not_binary(raw: bytes, path: str) -> None:
    head = raw[:65536]
    controls = sum(head.count(bytes([c])) for c in range(0, 32) if c not in (9, 10, 13, 12))
    if b"\x00" in head or (head and controls > len(head) * 0.01):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "is not a text file (it holds binary data)."),
            path=path,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the CSV or delimited-text export of the reads."),
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
            QT_TRANSLATE_NOOP("alpr_core", "cannot be split into records ({reason})."),
            args={"reason": err},
            path=path,
            row=len(records) + 1,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Check the quoting near that line."),
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
        raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "is empty: it holds no header and no records."), path=path)
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
