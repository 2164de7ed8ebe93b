"""The loader's two splitters give the same result.

``load_reads`` splits a provably regular file with numpy and ``str.split``
(``parser == "fast"``) and any other with the csv module (``"exact"``).  Each
case here loads one file both ways (``parser="auto"`` and ``parser="exact"``)
and compares every output; regular files must take the fast path, irregular
ones must fall back.
"""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.reads import LoadOptions, load_reads
from tests.helpers import HEADER, ROWS, write


def both(path: str, options: LoadOptions = None):
    auto = load_reads(path, options, parser="auto")
    exact = load_reads(path, options, parser="exact")
    assert exact.parser == "exact"
    pd.testing.assert_frame_equal(auto.reads, exact.reads)
    pd.testing.assert_frame_equal(auto.rejected, exact.rejected)
    np.testing.assert_array_equal(auto.x, exact.x)
    np.testing.assert_array_equal(auto.y, exact.y)
    for f in dataclasses.fields(auto):
        if f.name not in ("reads", "rejected", "x", "y", "parser"):
            assert getattr(auto, f.name) == getattr(exact, f.name), f.name
    return auto


def lines(*rows: str, header: str = HEADER, end: str = "\n") -> str:
    return end.join([header, *rows]) + end


REGULAR = {
    "export": lines(*ROWS),
    "crlf": lines(*ROWS, end="\r\n"),
    "no_final_newline": lines(*ROWS)[:-1],
    "crlf_no_final_newline": lines(*ROWS, end="\r\n")[:-2],
    "mixed_line_ends": HEADER + "\r\n" + ROWS[0] + "\n" + ROWS[1] + "\r\n" + "\n".join(ROWS[2:]) + "\n",
    "ragged": lines(ROWS[0], "102,ABC123,07/20/2014 01:15:40 PM", ROWS[2], ROWS[3] + ",extra,fields", ROWS[4]),
    "ragged_crlf": lines(ROWS[0], "9,TOO,FEW", *ROWS[1:], "1,2,3,4,5,6,7,8", end="\r\n"),
    "blank_lines": "\n  \n" + HEADER + "\n\n" + ROWS[0] + "\n \t\n" + '""\n' + "\n".join(ROWS[1:]) + "\n\n\n",
    "quoted_everything": lines(
        '"101","6TRM913","07/20/2014 08:01:02 AM","(37.80123, -122.27456)","PATROL 1","CA","IMG_6TRM913.jpg"',
        *ROWS[1:],
        header='"' + HEADER.replace(",", '","') + '"',
    ),
    "quoted_empty_and_commas": lines(
        '101,"6TRM,913",07/20/2014 08:01:02 AM,"(37.80123, -122.27456)","PATROL, 1","",IMG.jpg',
        '102,"",07/20/2014 01:15:40 PM,"","",CA,","',
        *ROWS[2:],
    ),
    "edge_spaces": lines(
        ' 101 , 6TRM913 ,07/20/2014 08:01:02 AM ,"(37.80123, -122.27456)", PATROL 1,\tCA, IMG_1.jpg ',
        '102,ABC123,07/20/2014 01:15:40 PM," (37.79, -122.26) ",PATROL 1\u3000,CA,\u00a0IMG_2.jpg',
        *ROWS[2:],
    ),
    "bad_timestamps": lines(
        ROWS[0],
        ROWS[1].replace("07/20/2014 01:15:40 PM", "yesterday"),
        ROWS[2].replace("07/20/2014 02:00:00 PM", ""),
        *ROWS[3:],
    ),
    "unicode": lines(*(r.replace("PATROL 1", "Unité Nord ✓") for r in ROWS)),
}


@pytest.mark.parametrize("name", sorted(REGULAR))
def test_regular_files_take_the_fast_path_with_the_same_result(tmp_path, name):
    table = both(write(tmp_path / "r.csv", REGULAR[name]))
    assert table.parser == "fast"


@pytest.mark.parametrize("name", ["export", "edge_spaces", "unicode", "blank_lines"])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("latin-1", False), ("utf-16", False)])
def test_encodings(tmp_path, name, encoding, bom):
    text = REGULAR[name].replace("✓", "").replace("\u3000", "\xa0")
    if bom:
        text = "\ufeff" + text
    table = both(write(tmp_path / "e.csv", text, encoding=encoding, gz=True))
    assert table.parser == "fast"


@pytest.mark.parametrize("delimiter", ["\t", "|", ";"])
def test_other_delimiters(tmp_path, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for record in csv.reader([HEADER, *ROWS[:3], ROWS[3].replace("NV", "N" + delimiter + "V"), ROWS[4]]):
        writer.writerow(record)
    table = both(write(tmp_path / "d.txt", out.getvalue()))
    assert table.parser == "fast" and table.delimiter == delimiter
    assert table.reads["red_State"].tolist()[3] == "N" + delimiter + "V"  # not a state code: carried


IRREGULAR = {
    "multi_line_field": lines(*ROWS[:2], '103,"AB,12",07/20/2014 02:00:00 PM,"(37.81, -122.25)",P2,CA,"two\nlines"'),
    "doubled_quotes": lines(*ROWS[:2], '103,"AB ""X""",07/20/2014 02:00:00 PM,"(37.81, -122.25)",P2,CA,x'),
    "quote_inside_value": lines(*ROWS[:2], '103,AB"X,07/20/2014 02:00:00 PM,"(37.81, -122.25)",P2,CA,x'),
    "text_after_quote": lines(*ROWS[:2], '103,"AB"X,07/20/2014 02:00:00 PM,"(37.81, -122.25)",P2,CA,x'),
    "space_before_quote": lines(*ROWS[:2], '103, "AB",07/20/2014 02:00:00 PM,"(37.81, -122.25)",P2,CA,x'),
    "unterminated_quote": lines(*ROWS[:3], '104,"7XYZ321,07/21/2014 11:59:59 PM,,PATROL 2,NV,x', ROWS[4]),
    "lone_carriage_returns": lines(*ROWS, end="\r"),
    "one_column_line": lines(*ROWS[:2], "just one value", *ROWS[2:]),
}


@pytest.mark.parametrize("name", sorted(IRREGULAR))
def test_irregular_files_fall_back_to_the_exact_splitter(tmp_path, name):
    path = write(tmp_path / "i.csv", IRREGULAR[name])
    table = both(path)
    if name != "one_column_line":  # a ragged line of one field is regular
        assert table.parser == "exact"


def test_generated_file_with_every_kind_of_line(tmp_path):
    """A few thousand rows (the vectorised timestamp parser's size) mixing blank, ragged and quoted lines."""
    rng = np.random.default_rng(7)
    n = 6000
    plates = np.array(["6TRM913", "ABC 123", "CAUT10N", " 7XYZ321", '"Q,1"', '""', "1234567"])[rng.integers(0, 7, n)]
    seconds = rng.integers(0, 7 * 86400, n)
    stamps = (pd.Timestamp("2014-07-14") + pd.to_timedelta(seconds, unit="s")).strftime("%m/%d/%Y %I:%M:%S %p")
    lat = np.round(37.8 + rng.normal(0, 0.01, n), 5)
    lon = np.round(-122.25 + rng.normal(0, 0.01, n), 5)
    out = [HEADER]
    for i in range(n):
        kind = rng.integers(0, 40)
        loc = '"({}, {})"'.format(lat[i], lon[i]) if kind != 1 else ""
        row = "{},{},{},{},PATROL {},{},IMG_{}.jpg".format(
            100 + i, plates[i], stamps[i] if kind != 2 else "garbage", loc, i % 3, "CA" if kind != 3 else "", i
        )
        if kind == 4:
            row += ",extra"
        elif kind == 5:
            row = row.rsplit(",", 2)[0]
        elif kind == 6:
            out.append("")
        elif kind == 7:
            row = row.replace(",PATROL", ", PATROL\t")
        out.append(row)
    path = write(tmp_path / "g.csv", "\r\n".join(out) + "\r\n")
    table = both(path)
    assert table.parser == "fast"
    assert len(table.rejected) > 100 and len(table.reads) + len(table.rejected) == table.records
    assert str(table.reads["ID"].dtype) == "Int64"
