"""A big file read part by part (``stream_reads``) gives what ``load_reads`` gives for the whole file.

Parts are made tiny here (a few hundred bytes) so that small files are cut
into many parts, with rejected records, blank lines, quoted delimiters,
missing and unreadable locations falling in later parts.  Each part is read
either in this process or in the worker process (``worker=True``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core import reads as reads_module
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.reads import LoadOptions, NotStreamableError, load_reads, stream_reads
from alpr_qgis.core.reads import worker as reads_worker
from tests.helpers import HEADER, export_rows, write

PART = 600  # bytes a part: about ten records


def make(tmp_path, rows, *, end="\n", header=HEADER, name="reads.csv", gz=False, lead=""):
    return write(tmp_path / name, lead + end.join([header, *rows]) + end, gz=gz)


def streamed(path, options=None, *, worker=False, part_bytes=PART):
    parts = []
    lasts = []

    def take(part, last):
        parts.append(part)
        lasts.append(last)
        return True

    totals = stream_reads(path, options, take, part_bytes=part_bytes, worker=worker)
    assert lasts == [False] * (len(lasts) - 1) + [True] * bool(lasts)  # only the last part says so
    return totals, parts


def assert_same_as_whole(path, options=None, *, worker=False):
    whole = load_reads(path, options)
    totals, parts = streamed(path, options, worker=worker)
    assert totals is not None, "the file was not streamed"
    assert len(parts) >= 5
    pd.testing.assert_frame_equal(pd.concat([p.reads for p in parts], ignore_index=True), whole.reads)
    np.testing.assert_array_equal(np.concatenate([p.x for p in parts]), whole.x)
    np.testing.assert_array_equal(np.concatenate([p.y for p in parts]), whole.y)
    pd.testing.assert_frame_equal(totals.rejected, whole.rejected)
    for f in dataclasses.fields(whole):
        if f.name not in ("reads", "rejected", "x", "y"):
            assert getattr(totals, f.name) == getattr(whole, f.name), f.name
    assert len(totals.reads) == 0 and totals.reads.columns.tolist() == whole.reads.columns.tolist()
    return whole, totals, parts


@pytest.mark.parametrize("worker", [False, True], ids=["here", "worker"])
def test_parts_give_the_whole_file_result(tmp_path, monkeypatch, worker):
    unpacked = []
    real_unpack = reads_module._unpack
    monkeypatch.setattr(reads_worker, "_unpack", lambda t: unpacked.append(1) or real_unpack(t))
    whole, totals, parts = assert_same_as_whole(make(tmp_path, export_rows()), worker=worker)
    assert len(unpacked) == (len(parts) - 1 if worker else 0)  # every later part came from the worker
    reasons = set(whole.rejected["reason"])
    assert {"bad_timestamp", "too_few_fields", "too_many_fields"} <= reasons
    assert whole.missing_locations > 0 and whole.unreadable_locations > 0 and whole.blank_lines > 0
    # read ids and line numbers count in the whole file, not in a part
    assert whole.first_unreadable_location[0] > 1
    assert parts[-1].reads["read_id"].iloc[-1] == whole.reads["read_id"].iloc[-1]
    assert totals.rejected["line_number"].is_monotonic_increasing
    assert totals.records == len(whole.reads) + len(whole.rejected)


@pytest.mark.parametrize(
    "variant",
    ["crlf", "gzip", "blank_lines_before_header", "tab_delimited", "hashed_plates", "empty_ids_in_a_part"],
)
def test_variants_give_the_whole_file_result(tmp_path, variant):
    rows = export_rows(160)
    kw = {}
    if variant == "crlf":
        kw["end"] = "\r\n"
    elif variant == "gzip":
        kw["gz"] = True
    elif variant == "blank_lines_before_header":
        kw["lead"] = "\n  \n\n"
    elif variant == "tab_delimited":
        rows = [
            r.replace('"PATROL, 9"', "PATROL 9").replace('"', "").replace(", -", " -").replace(",", "\t") for r in rows
        ]
        kw["header"] = HEADER.replace(",", "\t")
    elif variant == "hashed_plates":
        rows = [r.replace("7ABC", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789a") for r in rows]
    elif variant == "empty_ids_in_a_part":
        rows = [r[r.index(",") :] if 40 <= i < 90 and "," in r else r for i, r in enumerate(rows)]
    whole, _, _ = assert_same_as_whole(make(tmp_path, rows, **kw), worker=variant == "gzip")
    if variant == "hashed_plates":
        assert whole.plates_hashed
    if variant == "empty_ids_in_a_part":
        assert str(whole.reads["ID"].dtype) == "Int64" and whole.reads["ID"].isna().sum() > 40


@pytest.mark.parametrize("worker", [False, True], ids=["here", "worker"])
def test_a_carried_column_that_changes_type_later_is_not_streamable(tmp_path, worker):
    rows = export_rows(120)
    rows[100] = "X-17" + rows[100][rows[100].index(",") :]  # ID: integers, then text
    path = make(tmp_path, rows)
    with pytest.raises(NotStreamableError):
        streamed(path, worker=worker)
    assert load_reads(path).reads["ID"].dtype == object  # the whole file: text


@pytest.mark.parametrize("worker", [False, True], ids=["here", "worker"])
def test_an_irregular_later_part_is_not_streamable(tmp_path, worker):
    rows = export_rows(120)
    rows[100] = rows[100].replace("IMG_", '"IMG\n') + '"'  # a quoted line break, late in the file
    path = make(tmp_path, rows)
    with pytest.raises(NotStreamableError):
        streamed(path, worker=worker)
    assert load_reads(path).parser == "exact"


def test_files_not_streamed(tmp_path):
    rows = export_rows(120)
    assert streamed(make(tmp_path, rows[:5], name="small.csv"))[0] is None  # under two parts
    irregular = [rows[0].replace("IMG_", '"IMG\n') + '"', *rows[1:]]
    assert streamed(make(tmp_path, irregular, name="irregular.csv"))[0] is None  # the first part says so
    latin = [r.replace("PATROL", "PATRÓL") for r in rows]
    path = write(tmp_path / "latin.csv", "\n".join([HEADER, *latin]) + "\n", encoding="latin-1")
    assert streamed(path)[0] is None  # not ASCII
    no_plates = make(tmp_path, rows, header=HEADER.replace("red_VRM", "colour"), name="no_plate_name.csv")
    assert streamed(no_plates, LoadOptions(plate_field="nope"))[0] is None  # load_reads gives the error


def test_stops_when_cancelled_or_refused(tmp_path):
    path = make(tmp_path, export_rows())
    seen = []
    with pytest.raises(Cancelled):
        stream_reads(path, None, lambda p, last: seen.append(p) or len(seen) < 2, part_bytes=PART, worker=False)
    assert len(seen) == 2
    calls = []
    with pytest.raises(Cancelled):
        stream_reads(
            path,
            None,
            lambda p, last: True,
            part_bytes=PART,
            worker=True,
            cancelled=lambda: calls.append(1) or len(calls) > 3,
        )


def test_a_worker_that_dies_is_replaced_by_reading_here(tmp_path, monkeypatch):
    import subprocess
    import sys

    def dead_worker():
        return subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    monkeypatch.setattr(reads_worker, "_start_worker", dead_worker)
    assert_same_as_whole(make(tmp_path, export_rows()), worker=True)


def test_pack_and_unpack_keep_every_column(tmp_path):
    table = load_reads(make(tmp_path, export_rows(60)))
    back = reads_module._unpack(reads_module._pack(table))
    pd.testing.assert_frame_equal(back.reads, table.reads)
    assert back.reads["device"].map(type).isin([str, type(None)]).all()


def test_pack_keeps_columns_that_are_not_all_text():
    reads = pd.DataFrame(
        {
            "read_id": [1, 2, 3],
            "mixed": pd.Series(["a", 7, None], dtype=object),
            "code": pd.array([5, None, 7], dtype="Int64"),
            "text": pd.Series(["x", None, "z"], dtype=object),
        }
    )
    table = reads_module.ReadsTable(
        reads=reads,
        x=np.zeros(3),
        y=np.zeros(3),
        rejected=pd.DataFrame(),
        fields=None,
        plates_hashed=False,
        encoding="UTF-8",
        delimiter=",",
        time_format="",
        coordinate_order="",
        records=3,
    )
    packed = reads_module._pack(table)
    assert [kind for _, kind, _, _ in packed.reads] == ["series", "series", "Int64", "text"]
    pd.testing.assert_frame_equal(reads_module._unpack(packed).reads, reads)


# ------------------------------------------------------------------ parts stored by the workers


def stored_stream(tmp_path, path, function=None):
    """``stream_reads`` with workers storing the parts (``PartStore``); the totals and the parts."""
    from alpr_qgis.core.reads import PartStore
    from alpr_qgis.qgis_io.sqlite_rows import PART_FILES, store_part

    files = [str(tmp_path / "part_rows_{}.sqlite".format(i)) for i in range(PART_FILES)]
    parts = []
    totals = stream_reads(
        path,
        None,
        lambda part, last: parts.append(part) or True,
        part_bytes=PART,
        worker=True,
        store=lambda: PartStore(function or store_part, files, 4326),
    )
    return totals, parts


def sql_rows(part):
    """A part's reads as the SQLite values stored for them (geometry first), read back where a worker stored them."""
    import sqlite3

    from alpr_qgis.qgis_io.sqlite_rows import part_column, point_blobs, sql_values

    if part.stored is None:
        columns = [point_blobs(part.x, part.y, 4326)] + [sql_values(part.reads[c]) for c in part.reads.columns]
        return list(zip(*columns))
    s = part.stored
    names = ["geom"] + [part_column(i) for i in range(part.reads.shape[1])]
    with sqlite3.connect(s.file) as conn:
        rows = conn.execute(
            "SELECT {} FROM part_rows WHERE rowid >= ? AND rowid < ? ORDER BY rowid".format(", ".join(names)),
            (s.first, s.first + s.rows),
        ).fetchall()
    at = 1 + part.reads.columns.get_loc("read_id")
    return [r[:at] + (r[at] + s.read_id_shift,) + r[at + 1 :] for r in rows]


def test_parts_stored_by_the_workers_hold_the_whole_file_rows(tmp_path):
    path = make(tmp_path, export_rows())
    whole = load_reads(path)
    totals, parts = stored_stream(tmp_path, path)
    assert parts[0].stored is None and all(p.stored is not None for p in parts[1:])
    assert all(len(p.reads) == 0 for p in parts[1:])
    assert [r for p in parts for r in sql_rows(p)] == sql_rows(whole)
    np.testing.assert_array_equal(np.concatenate([p.x for p in parts]), whole.x)
    pd.testing.assert_frame_equal(totals.rejected, whole.rejected)
    assert totals.records == whole.records and totals.plates_hashed == whole.plates_hashed
    # Consecutive parts share a file, each file is written by one worker, and the last part in it says so.
    files = [p.stored.file for p in parts[1:]]
    assert len(set(files)) == 8 and len(files) > 8
    for file in set(files):
        mine = [i for i, f in enumerate(files) if f == file]
        assert mine == list(range(mine[0], mine[-1] + 2, 2))  # every other part: one worker's
        assert [parts[1 + i].stored.closes for i in mine] == [False] * (len(mine) - 1) + [True]
    assert files[0] != files[1]  # the two workers


def test_a_worker_that_breaks_while_storing_leaves_the_rest_to_this_process(tmp_path):
    from tests.helpers import store_then_fail

    path = make(tmp_path, export_rows())
    whole = load_reads(path)
    totals, parts = stored_stream(tmp_path, path, store_then_fail)
    stored = [p.stored is not None for p in parts[1:]]
    assert stored[0] and not stored[-1] and stored == sorted(stored, reverse=True)  # stored, then read here
    assert [r for p in parts for r in sql_rows(p)] == sql_rows(whole)
    assert totals.records == whole.records
