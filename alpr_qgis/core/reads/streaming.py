"""Streaming a big file part by part: ``stream_reads`` (its part size ``STREAM_PART_BYTES``)."""

from __future__ import annotations

import dataclasses
from typing import Callable, List, Optional, Tuple

import pandas as pd

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.reads.loading import _load
from alpr_qgis.core.reads.options import IsCancelled, LoadOptions, PartStore, Progress, ReadsTable
from alpr_qgis.core.reads.text import _NOT_ASCII_SPACE, ascii_file_bytes, read_utf8
from alpr_qgis.core.reads.worker import _PartReader
from alpr_qgis.core.timezones import check_timezone

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
    plain = ascii_file_bytes(path)  # (a big plain file is never held whole: its parts are read where asked)
    try:
        if plain is not None:
            data, encoding = plain, "UTF-8"
        else:
            data, _, encoding = read_utf8(path)
            if data is None or not _NOT_ASCII_SPACE.search(data):
                return None
        if len(data) < 2 * part_bytes:
            return None
        return _stream(data, path, encoding, options, on_part, progress, cancelled, part_bytes, worker, store)
    finally:
        if plain is not None:
            plain.close()


def _stream(data, path, encoding, options, on_part, progress, cancelled, part_bytes, worker, store):
    """``stream_reads`` on the file's bytes ``data`` (``bytes``, or ``FileBytes`` read where asked)."""
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
