"""Loading a whole file: ``load_reads`` and ``_load`` (also used on each part when streaming)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.plates import plates_look_hashed
from alpr_qgis.core.reads.columns import _fields_without_rows, detect_fields
from alpr_qgis.core.reads.locations import _WKT_EMPTY_RE, _numbers, parse_pairs
from alpr_qgis.core.reads.options import (
    BAD_TIMESTAMP,
    MISSING_TIMESTAMP,
    RESERVED_NAMES,
    STANDARD_FIELDS,
    ZONE_GIVEN,
    ZONE_NAIVE,
    FieldMap,
    IsCancelled,
    LoadOptions,
    Progress,
    ReadsTable,
)
from alpr_qgis.core.reads.text import (
    _NOT_ASCII_SPACE,
    clean_header,
    fast_split_records,
    read_utf8,
    sniff_delimiter,
    split_records,
)
from alpr_qgis.core.reads.times import _zone_of, parse_times
from alpr_qgis.core.reads.values import _carry, _nullable_text, _strip_all, _stripped
from alpr_qgis.core.timezones import check_timezone


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
        raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "is empty: it holds no header and no records."), path=path)
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
            QT_TRANSLATE_NOOP("alpr_core", "holds a header but no data records."),
            path=path,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Check that the export is complete."),
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
