"""alpr_qgis.core.reads: the loader's logic, without QGIS."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.reads import LoadOptions, load_reads, parse_pairs, sniff_delimiter
from tests.helpers import HEADER, ROWS, export_csv, write


def test_standard_fields_and_carried_columns(tmp_path):
    table = load_reads(export_csv(tmp_path))
    reads = table.reads
    assert list(reads.columns) == ["read_id", "plate", "read_time", "device", "state", "ID", "Location", "ImageFile"]
    assert reads["read_id"].tolist() == [1, 2, 3, 4, 5]
    assert reads["plate"].tolist() == ["6TRM913", "ABC123", "CAUT10N", "7XYZ321", "1234567"]
    assert reads["read_time"].tolist() == [
        pd.Timestamp("2014-07-20 08:01:02"),
        pd.Timestamp("2014-07-20 13:15:40"),
        pd.Timestamp("2014-07-20 14:00:00"),
        pd.Timestamp("2014-07-21 23:59:59"),
        pd.Timestamp("2014-07-21 00:00:01"),
    ]
    assert reads["device"].tolist() == ["PATROL 1", "PATROL 1", "PATROL 2", "PATROL 2", "PATROL 3"]
    assert reads["state"].tolist() == ["CA", "CA", None, "NV", "CA"]
    assert str(reads["ID"].dtype) == "Int64" and reads["ID"].tolist() == [101, 102, 103, 104, 105]
    assert table.fields.plate == "red_VRM" and table.fields.location == "Location"
    assert table.time_format == "%m/%d/%Y %I:%M:%S %p"
    assert table.coordinate_order == "latitude, longitude"
    np.testing.assert_allclose(table.x[:4], [-122.27456, -122.26002, -122.25, 0.0])
    np.testing.assert_allclose(table.y[:4], [37.80123, 37.79001, 37.81, 0.0])
    # Missing coordinates are kept with no geometry, zero ones as the point 0,0.
    assert math.isnan(table.x[4]) and math.isnan(table.y[4])
    assert table.missing_locations == 1
    assert table.records == 5 and table.rejected.empty
    assert not table.plates_hashed


@pytest.mark.parametrize(("delimiter", "name"), [("|", "pipe"), ("\t", "tab"), (";", "semicolon")])
def test_delimiters_are_sniffed(tmp_path, delimiter, name):
    text = (
        f"plate{delimiter}timestamp{delimiter}lat{delimiter}lon\n"
        f"ABC123{delimiter}2014-07-20 08:01:02{delimiter}37.8{delimiter}-122.2\n"
        f"XYZ789{delimiter}2014-07-20 08:02:02{delimiter}37.9{delimiter}-122.3\n"
    )
    table = load_reads(write(tmp_path / f"{name}.txt", text))
    assert table.delimiter == delimiter
    assert table.reads["plate"].tolist() == ["ABC123", "XYZ789"]
    np.testing.assert_allclose(table.y, [37.8, 37.9])


def test_sniffer_ignores_delimiters_inside_quotes():
    lines = ["plate;time;note\n", '"A,B,C";2014-01-01 00:00:00;"x,y,z"\n', "D;2014-01-01 00:00:00;w\n"]
    assert sniff_delimiter(lines) == ";"


def test_gzip_bom_and_crlf(tmp_path):
    text = "\r\n".join([HEADER, *ROWS]) + "\r\n"
    path = write(tmp_path / "reads.csv.gz", "\ufeff" + text, gz=True)
    table = load_reads(path)
    assert table.encoding == "UTF-8 with BOM"
    assert table.fields.plate == "red_VRM"  # the BOM did not stick to the first header
    assert list(table.reads.columns)[5] == "ID"
    assert table.reads["ImageFile"].tolist()[0] == "IMG_6TRM913.jpg"  # no stray \r
    assert len(table.reads) == 5


def test_latin1_file(tmp_path):
    rows = [r.replace("PATROL 1", "Unité Nord") for r in ROWS]
    path = export_csv(tmp_path, rows=rows, encoding="latin-1")
    table = load_reads(path)
    assert table.encoding == "Latin-1"
    assert table.reads["device"].tolist()[:2] == ["Unité Nord", "Unité Nord"]


def test_quoted_fields_with_delimiter_and_newline(tmp_path):
    rows = ROWS[:2] + ['103,"AB,12",07/20/2014 02:00:00 PM,"(37.81, -122.25)",PATROL 2,CA,"two\nlines"'] + ROWS[3:]
    table = load_reads(export_csv(tmp_path, rows=rows))
    assert table.reads["plate"].tolist()[2] == "AB,12"
    assert table.reads["ImageFile"].tolist()[2] == "two\nlines"
    assert table.reads["read_id"].tolist() == [1, 2, 3, 4, 5]
    # The record after the two-line one starts on line 6 of the file.
    bad = load_reads(export_csv(tmp_path, "b.csv", rows=rows + ["9,TOO,FEW"]))
    assert bad.rejected[["read_id", "line_number", "reason"]].values.tolist() == [[6, 8, "too_few_fields"]]


def test_ragged_rows_are_rejected_not_padded(tmp_path):
    rows = [ROWS[0], "102,ABC123,07/20/2014 01:15:40 PM", ROWS[2], ROWS[3] + ",extra,fields", ROWS[4]]
    table = load_reads(export_csv(tmp_path, rows=rows))
    assert table.reads["read_id"].tolist() == [1, 3, 5]
    rej = table.rejected
    assert rej["read_id"].tolist() == [2, 4]
    assert rej["line_number"].tolist() == [3, 5]
    assert rej["reason"].tolist() == ["too_few_fields", "too_many_fields"]
    assert rej["raw_text"].tolist() == [rows[1], rows[3]]
    assert len(table.reads) + len(rej) == table.records == 5


def test_blank_lines_are_not_records(tmp_path):
    path = write(tmp_path / "r.csv", "\n".join([HEADER, ROWS[0], "", ROWS[1], "", ""]) + "\n")
    table = load_reads(path)
    assert table.records == 2 and table.reads["read_id"].tolist() == [1, 2]


def test_unterminated_quote_is_rejected_whole(tmp_path):
    rows = ROWS[:3] + ['104,"7XYZ321,07/21/2014 11:59:59 PM,,PATROL 2,NV,x', ROWS[4]]
    table = load_reads(export_csv(tmp_path, rows=rows))
    assert table.reads["read_id"].tolist() == [1, 2, 3]
    assert table.rejected["reason"].tolist() == ["unterminated_quote"]
    assert table.rejected["line_number"].tolist() == [5]
    assert len(table.reads) + len(table.rejected) == table.records == 4


def test_unparseable_timestamps_are_rejected_with_reason(tmp_path):
    rows = [
        ROWS[0],
        ROWS[1].replace("07/20/2014 01:15:40 PM", "yesterday"),
        ROWS[2].replace("07/20/2014 02:00:00 PM", ""),
        ROWS[3],
        ROWS[4],
    ]
    table = load_reads(export_csv(tmp_path, rows=rows))
    assert table.reads["read_id"].tolist() == [1, 4, 5]
    assert table.rejected["reason"].tolist() == ["bad_timestamp", "missing_timestamp"]
    assert table.rejected["read_id"].tolist() == [2, 3]
    assert table.rejected["raw_text"].tolist() == [rows[1], rows[2]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07/20/2014 08:01:02 AM", "2014-07-20 08:01:02"),
        ("07/20/2014 08:01:02 PM", "2014-07-20 20:01:02"),
        ("10/07/2021 - 16:30:51", "2021-10-07 16:30:51"),
        ("2021-10-07T16:30:51", "2021-10-07 16:30:51"),
        ("2021-10-07 16:30:51.250", "2021-10-07 16:30:51.250"),
        ("2021/10/07 16:30:51", "2021-10-07 16:30:51"),
        ("20211007163051", "2021-10-07 16:30:51"),
        ("07-OCT-21 04.30.51.000000 PM", "2021-10-07 16:30:51"),
    ],
)
def test_timestamp_formats(tmp_path, text, expected):
    body = f"plate,timestamp,lat,lon\nABC123,{text},37.8,-122.2\nXYZ789,{text},37.8,-122.2\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    assert table.reads["read_time"].tolist() == [pd.Timestamp(expected)] * 2


def test_day_first_dates_win_when_month_first_cannot_fit(tmp_path):
    body = "plate,timestamp,lat,lon\nA1,25/12/2014 08:00:00,37.8,-122.2\nB2,03/01/2014 09:00:00,37.8,-122.2\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    assert table.time_format == "%d/%m/%Y %H:%M:%S"
    assert table.reads["read_time"].tolist() == [pd.Timestamp("2014-12-25 08:00"), pd.Timestamp("2014-01-03 09:00")]


def test_time_format_override(tmp_path):
    body = "plate,when,lat,lon\nA1,2014.07.20 at 08h01,37.8,-122.2\n"
    table = load_reads(write(tmp_path / "t.csv", body), LoadOptions(time_field="when", time_format="%Y.%m.%d at %Hh%M"))
    assert table.reads["read_time"].tolist() == [pd.Timestamp("2014-07-20 08:01")]


def test_date_and_time_columns_are_combined(tmp_path):
    body = "plate,date,time,lat,lon\nA1,07/20/2014,08:01:02 AM,37.8,-122.2\nB2,07/21/2014,11:00:00 PM,37.8,-122.2\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    assert table.fields.time == ("date", "time")
    assert table.reads["read_time"].tolist() == [pd.Timestamp("2014-07-20 08:01:02"), pd.Timestamp("2014-07-21 23:00")]
    assert "date" not in table.reads.columns and "time" not in table.reads.columns


def test_offsets_dropped_or_converted(tmp_path, monkeypatch):
    body = (
        "plate,timestamp,lat,lon\nA1,2014-07-20T15:01:02Z,37.8,-122.2\n"
        "B2,2014-07-20T08:01:02-07:00,37.8,-122.2\nC3,2014-07-20 08:01:02,37.8,-122.2\n"
    )
    path = write(tmp_path / "t.csv", body)
    monkeypatch.setitem(sys.modules, "tzfpy", None)  # no zone lookup (tests/core/test_timezones.py has it)
    kept = load_reads(path)
    assert kept.reads["read_time"].tolist() == [
        pd.Timestamp("2014-07-20 15:01:02"),
        pd.Timestamp("2014-07-20 08:01:02"),
        pd.Timestamp("2014-07-20 08:01:02"),
    ]
    assert kept.offsets_dropped == 2
    local = load_reads(path, LoadOptions(timezone="America/Los_Angeles"))
    assert local.reads["read_time"].tolist() == [pd.Timestamp("2014-07-20 08:01:02")] * 3
    assert local.offsets_converted == 2 and local.offsets_dropped == 0


def test_unknown_timezone_is_a_clear_error(tmp_path):
    with pytest.raises(AlprInputError, match='TIMEZONE "Mars/Olympus" is not an IANA'):
        load_reads(export_csv(tmp_path), LoadOptions(timezone="Mars/Olympus"))


@pytest.mark.parametrize(
    ("text", "x", "y"),
    [
        ("(37.80, -122.27)", -122.27, 37.80),
        ("37.80,-122.27", -122.27, 37.80),
        ("[37.80 -122.27]", -122.27, 37.80),
        ("POINT(-122.27 37.80)", -122.27, 37.80),
        ("POINT (-122.27 37.80)", -122.27, 37.80),
        ("SRID=4326;POINT(-122.27 37.8)", -122.27, 37.80),
    ],
)
def test_combined_locations(text, x, y):
    xs, ys, _ = parse_pairs(pd.Series([text, text]), geographic=True)
    np.testing.assert_allclose(xs, [x, x])
    np.testing.assert_allclose(ys, [y, y])


def test_longitude_first_pairs_are_recognised():
    xs, ys, order = parse_pairs(pd.Series(["-122.27, 37.80", "-122.30, 37.7"]), geographic=True)
    assert order == "longitude, latitude"
    np.testing.assert_allclose(xs, [-122.27, -122.30])


def test_location_column_of_beat_codes_loses_to_lat_lon(tmp_path):
    body = (
        "plate,timestamp,location,latitude,longitude\nA1,2014-07-20 08:01:02,04X,37.8,-122.2\n"
        "B2,2014-07-20 08:01:03,12Y,37.9,-122.3\n"
    )
    table = load_reads(write(tmp_path / "t.csv", body))
    assert (table.fields.lat, table.fields.lon, table.fields.location) == ("latitude", "longitude", None)
    assert table.reads["location"].tolist() == ["04X", "12Y"]  # carried through as text
    np.testing.assert_allclose(table.x, [-122.2, -122.3])


def test_location_column_of_addresses_is_not_coordinates(tmp_path):
    body = "plate,timestamp,location\nA1,2014-07-20 08:01:02,100 MAIN ST\nB2,2014-07-20 08:01:03,5 OAK AVE\n"
    with pytest.raises(AlprInputError) as err:
        load_reads(write(tmp_path / "addr.csv", body))
    text = str(err.value)
    assert "addr.csv" in text and "no recognisable location" in text
    assert '"plate", "timestamp", "location"' in text and "LAT_FIELD" in text and "LOCATION_FIELD" in text


def test_no_plate_column_lists_headers_and_parameter(tmp_path):
    body = "when,lat,lon\n2014-07-20 08:01:02,37.8,-122.2\n"
    with pytest.raises(
        AlprInputError, match=r'nope.csv: has no recognisable plate column.*"when", "lat", "lon".*PLATE_FIELD'
    ):
        load_reads(write(tmp_path / "nope.csv", body))


def test_missing_named_field_is_a_clear_error(tmp_path):
    with pytest.raises(AlprInputError, match=r"PLATE_FIELD names a field that is not in the file: tag.*red_VRM"):
        load_reads(export_csv(tmp_path), LoadOptions(plate_field="tag"))


def test_hashed_plates_are_recognised(tmp_path):
    import hashlib

    rows = [
        f"{hashlib.sha256(p.encode()).hexdigest()},2014-07-20 08:0{i}:00,37.8,-122.2"
        for i, p in enumerate(["A1", "B2", "C3"])
    ]
    table = load_reads(write(tmp_path / "h.csv", "plate_hash,timestamp,lat,lon\n" + "\n".join(rows) + "\n"))
    assert table.fields.plate == "plate_hash"
    assert table.plates_hashed


def test_out_of_range_coordinates_are_kept_for_cleaning(tmp_path):
    body = "plate,timestamp,lat,lon\nA1,2014-07-20 08:01:02,137.8,-122.2\nB2,2014-07-20 08:01:03,37.8,-222.3\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    np.testing.assert_allclose(table.y, [137.8, 37.8])
    np.testing.assert_allclose(table.x, [-122.2, -222.3])
    assert table.rejected.empty


def test_unreadable_coordinates_are_counted_and_kept(tmp_path):
    body = "plate,timestamp,lat,lon\nA1,2014-07-20 08:01:02,37.8N,-122.2\nB2,2014-07-20 08:01:03,37.8,-122.3\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    assert table.unreadable_locations == 1
    assert table.first_unreadable_location == (1, "lat", "37.8N")
    assert math.isnan(table.x[0]) and table.x[1] == -122.3


def test_projected_pairs_are_x_y(tmp_path):
    body = 'plate,timestamp,location\nA1,2014-07-20 08:01:02,"(565000.5, 4183000.25)"\n'
    table = load_reads(write(tmp_path / "t.csv", body), LoadOptions(geographic=False))
    assert table.x.tolist() == [565000.5] and table.y.tolist() == [4183000.25]


def test_clashing_and_duplicate_column_names(tmp_path):
    body = "plate,timestamp,lat,lon,fid,read_id,Note,note\nA1,2014-07-20 08:01:02,37.8,-122.2,7,x,a,b\n"
    table = load_reads(write(tmp_path / "t.csv", body))
    assert list(table.reads.columns) == [
        "read_id",
        "plate",
        "read_time",
        "device",
        "lat",
        "lon",
        "fid_src",
        "read_id_src",
        "Note",
        "note_2",
    ]
    assert table.reads["read_id_src"].tolist() == ["x"]


def test_leading_zero_codes_stay_text(tmp_path):
    body = (
        "plate,timestamp,lat,lon,zip,speed\nA1,2014-07-20 08:01:02,37.8,-122.2,02134,31.5\n"
        "B2,2014-07-20 08:01:02,37.8,-122.2,94607,\n"
    )
    reads = load_reads(write(tmp_path / "t.csv", body)).reads
    assert reads["zip"].tolist() == ["02134", "94607"]
    assert reads["speed"].tolist()[0] == 31.5 and math.isnan(reads["speed"].tolist()[1])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
        (HEADER.encode() + b"\n", "holds a header but no data records"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "is not a text file"),
        (b"PK\x03\x04\x14\x00\x00\x00", "is a ZIP archive or a spreadsheet"),
        (b"\x1f\x8b\x08\x00garbage", "is not a valid gzip file"),
    ],
)
def test_unusable_files_raise_clear_errors(tmp_path, content, message):
    path = write(tmp_path / "bad.csv", content)
    with pytest.raises(AlprInputError, match=message) as err:
        load_reads(path)
    assert str(err.value).startswith("bad.csv: ")


def test_missing_file(tmp_path):
    with pytest.raises(AlprInputError, match="gone.csv: cannot be opened"):
        load_reads(str(tmp_path / "gone.csv"))


def test_errors_never_echo_plates(tmp_path):
    body = "red_VRM,timestamp,lat,lon\nSECRET1,2014-07-20 08:01:02,37.8,-122.2\n"
    with pytest.raises(AlprInputError) as err:
        load_reads(write(tmp_path / "t.csv", body), LoadOptions(time_field="red_VRM"))
    assert "SECRET1" not in str(err.value)


def test_progress_and_cancel(tmp_path):
    seen = []
    load_reads(export_csv(tmp_path), progress=seen.append)
    assert seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen)
    with pytest.raises(Cancelled):
        load_reads(export_csv(tmp_path), cancelled=lambda: True)


def test_values_are_stripped_and_empty_is_null(tmp_path):
    body = (
        "plate,timestamp,lat,lon,device,note\n ABC123 ,2014-07-20 08:01:02, 37.8 ,-122.2,\tP1 ,\xa0x\n"
        "XYZ789,2014-07-20 08:01:03,37.9,-122.3,,\n"
    )
    reads = load_reads(write(tmp_path / "t.csv", body)).reads
    assert reads["plate"].tolist() == ["ABC123", "XYZ789"]
    assert reads["device"].tolist() == ["P1", None]
    assert reads["note"].tolist() == ["x", None]
    assert reads["lat"].tolist() == [37.8, 37.9]


@pytest.mark.parametrize(
    "fmt", ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y - %H:%M:%S", "%Y%m%d%H%M%S", "%d.%m.%y %H:%M", "%Y/%m/%d %H:%M:%S"]
)
def test_fixed_width_parse_matches_strptime(fmt):
    from alpr_qgis.core.reads import _fixed_width_times

    rng = np.random.default_rng(1)
    stamps = pd.Timestamp("1999-12-31") + pd.to_timedelta(rng.integers(0, 30 * 365 * 86400, 8000), unit="s")
    text = pd.Series(stamps.strftime(fmt), dtype=object)
    text[:6] = [
        "13/45/2014 08:01:02 AM",
        "garbage",
        "",
        "02/30/2014 08:01:02 AM",
        "00/10/2014 13:01:02 PM",
        "7/4/2014 8:01:02 AM",
    ]
    fast = _fixed_width_times(text, fmt)
    slow = pd.to_datetime(text, format=fmt, errors="coerce")
    assert fast is not None
    pd.testing.assert_series_equal(fast, slow, check_names=False)


def test_utf16_file(tmp_path):
    body = "plate\ttimestamp\tlat\tlon\r\nABC123\t2014-07-20 08:01:02\t37.8\t-122.2\r\n"
    table = load_reads(write(tmp_path / "u16.txt", body, encoding="utf-16"))
    assert table.encoding == "UTF-16" and table.reads["plate"].tolist() == ["ABC123"]


@pytest.mark.parametrize(
    ("fmt", "values"),
    [
        (
            "%m/%d/%Y %H:%M:%S",
            [
                "02/29/2016 10:00:00",
                "02/29/2015 10:00:00",
                "04/31/2014 00:00:00",
                "12/31/2014 23:59:59",
                "01/01/2014 00:00:60",
                "01/01/2014 00:00:61",
                "01/01/2014 00:00:62",
                "01/01/2014 24:00:00",
                "01/01/2014 23:60:00",
                "13/01/2014 10:00:00",
                "00/01/2014 10:00:00",
                "01/00/2014 10:00:00",
                "01/01/1500 10:00:00",
                "01/01/2262 10:00:00",
                "01/01/1677 10:00:00",
                "01/01/0000 10:00:00",
            ],
        ),
        ("%m/%d/%y %I:%M %p", ["02/29/16 12:00 AM", "02/29/15 12:00 PM", "12/31/68 11:59 pm", "01/01/69 00:30 AM"]),
        ("%d.%m.%Y %H:%M", ["31.12.2014 23:59", "31.12.2014 23:5é", "01.01.2014 00:00"]),  # not ASCII
    ],
)
def test_fixed_width_parse_matches_strptime_on_edge_values(fmt, values):
    from alpr_qgis.core.reads import _fixed_width_times

    text = pd.Series(values * 400, dtype=object)
    fast = _fixed_width_times(text, fmt)
    slow = pd.to_datetime(text, format=fmt, errors="coerce")
    assert fast is not None
    pd.testing.assert_series_equal(fast, slow, check_names=False)
