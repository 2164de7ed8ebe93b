"""core.summary and core.report: the metrics, checked by hand, and the HTML report built from them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.plates import normalise_plates
from alpr_qgis.core.report import ReportContext, build_report, format_value, plate_frequency_bins
from alpr_qgis.core.summary import (
    METRICS,
    SummaryInput,
    geodesic_distance,
    metric_label,
    plate_codes,
    summarise,
    within_distance,
)

PLATES = ["6trm-913", "6TRM 913", "ABC123", "1234567", "1234567", "1234567", "XYZ9", "", None, "abc.123"]
STATES = ["CA", "CA", "CA", "CA", "CA", "CA", "NV", "CA", "CA", "NV"]
TIMES = pd.to_datetime(
    [
        "2014-07-14 08:00",  # Monday
        "2014-07-14 08:30",
        "2014-07-14 13:10",
        "2014-07-15 08:05",  # Tuesday
        "2014-07-15 09:00",
        "2014-07-16 23:59",  # Wednesday
        None,
        "2014-07-20 00:10",  # Sunday
        "2014-07-20 00:20",
        "2014-07-20 12:00",
    ]
)
DEVICES = ["P1", "P1", "P2", "P1", "P1", "P2", "P2", None, "P1", " "]


def plate_keys(plates: pd.Series, states=None) -> pd.Series:
    """The oracle for plate_codes: normalised plates as text, prefixed by the normalised state."""
    keys = normalise_plates(plates)
    keys = keys.where(keys.notna() & (keys.astype(str) != ""), None)
    if states is None:
        return keys
    paired = normalise_plates(states).fillna("").astype(str) + "|" + keys.astype(str)
    return paired.where(keys.notna(), None)


def base(**kw) -> SummaryInput:
    n = len(PLATES)
    args = dict(
        n=n,
        plates=pd.Series(PLATES, dtype=object),
        times=pd.Series(TIMES),
        devices=pd.Series(DEVICES, dtype=object),
        no_geometry=np.array([False] * 8 + [True, False]),
        null_island=np.array([False] * 7 + [True, True, False]),  # the 9th also has no geometry: counted once
    )
    args.update(kw)
    return SummaryInput(**args)


def table_dict(summary):
    return {m: (None if v != v else v) for m, v in zip(summary.table["metric"], summary.table["value"])}


def test_every_metric_by_hand():
    s = summarise(base())
    v = table_dict(s)
    assert list(s.table["metric"]) == list(METRICS)
    assert v["total_reads"] == 10
    # Without REJECTED or UNREADABLE the export holds what the input holds, and says what it lacks.
    assert v["records_in_source"] == 10 and v["unreadable_records"] is None and v["rejected_reads"] is None
    assert "not given: UNREADABLE" in s.note("records_in_source")
    # 6TRM913 x2, ABC123 x2 (abc.123), 1234567 x3, XYZ9 x1; two reads without a plate.
    assert v["unique_plates"] == 4
    assert v["plates_seen_once"] == 1
    assert v["mean_reads_per_plate"] == pytest.approx(8 / 4)
    assert v["max_reads_single_plate"] == 3
    assert v["government_plates"] == 1 and v["government_reads"] == 3
    assert v["duplicate_reads"] is None and "is_duplicate" in s.note("duplicate_reads")
    assert v["reads_near_reference"] is None and v["reads_outside_boundary"] is None
    assert v["reads_missing_location"] == 2
    assert s.note("reads_missing_location") == "1 without a geometry, 1 at 0,0"
    assert v["misreads"] is None
    assert v["devices"] == 2  # blank and null devices are not devices
    assert v["days_with_reads"] == 4
    assert v["busiest_device_share"] == pytest.approx(5 / 10)
    assert s.note("unique_plates") == "2 reads have no plate"
    assert s.by_hour.sum() == 9 and s.by_hour[8] == 3 and s.by_hour[0] == 2
    assert s.weekday_hour[0, 8] == 2 and s.weekday_hour[6, 0] == 2 and s.weekday_hour.sum() == 9
    assert s.reads_per_plate.to_dict() == {1: 1, 2: 2, 3: 1}
    assert s.reads_without_time == 1
    assert s.devices["device"].tolist()[0] == "P1" and s.devices["reads"].tolist()[0] == 5


def test_states_pair_with_plates():
    v = table_dict(summarise(base(states=pd.Series(STATES, dtype=object))))
    # abc.123 in NV is another car than ABC123 in CA.
    assert v["unique_plates"] == 5 and v["plates_seen_once"] == 3 and v["max_reads_single_plate"] == 3


def test_flags_from_the_cleaner_win_over_the_pattern():
    gov = pd.Series([False, False, True, False, False, False, False, False, False, True])
    dup = pd.Series([0, 1, 0, 0, 1, 0, 0, 0, 0, 0])
    s = summarise(base(is_government=gov, is_duplicate=dup))
    v = table_dict(s)
    assert v["government_plates"] == 1 and v["government_reads"] == 2  # ABC123 and abc.123: one plate
    assert v["duplicate_reads"] == 2 and s.note("duplicate_reads") == "20.0% of reads"


def test_hashed_plates_give_null_government_never_zero():
    hashed = pd.Series(["{:064x}".format(i % 4) for i in range(10)], dtype=object)
    s = summarise(base(plates=hashed))
    v = table_dict(s)
    assert v["government_plates"] is None and v["government_reads"] is None
    assert "hashed" in s.note("government_plates")
    assert v["unique_plates"] == 4 and "hashed" in s.note("unique_plates")


def test_reference_boundary_and_rejected():
    near = np.array([True, True, False, True, False, False, True, True, True, False])
    outside = np.array([False, True, True, False, False, False, False, True, True, False])
    reasons = pd.Series(["sign_word", "sign_word", "overlength", "null_island", "empty_plate", "invalid_chars"])
    # The rejected null_island read, found by the cleaner (its tolerance) if not by the geometry test here.
    s = summarise(
        base(near_reference=near, reference_note="within 1 mile", outside_boundary=outside, rejected_reasons=reasons)
    )
    v = table_dict(s)
    assert v["reads_near_reference"] == 4  # the two missing locations never count
    assert s.note("reads_near_reference") == "within 1 mile; 50.0% of reads with a location"
    assert v["reads_outside_boundary"] == 2
    # Misreads: every reason about the text (the empty plate too), not the location.
    assert v["misreads"] == 5
    assert s.note("misreads") == (
        "1 no plate text; 1 characters no plate has; 2 road-sign text read as a plate; 1 text too long for a plate"
    )
    assert v["rejected_reads"] == 6 and v["records_in_source"] == 16
    assert v["rejected_sign_word"] == 2 and v["rejected_null_island"] == 1
    # Missing locations: the input's two and the rejected read at 0,0.
    assert v["reads_missing_location"] == 3
    assert s.note("reads_missing_location") == (
        "1 without a geometry, 2 at 0,0; 2 among the analysed reads, 1 among the rejected"
    )


def test_no_fields_give_nulls_with_notes():
    s = summarise(SummaryInput(n=3))
    v = table_dict(s)
    assert v["total_reads"] == 3
    for metric in ("unique_plates", "government_plates", "devices", "days_with_reads", "misreads"):
        assert v[metric] is None and s.note(metric), metric


def test_plate_codes_normalise_like_the_cleaner():
    codes = plate_codes(pd.Series([" 6trm-913", "6TRM.913", None, " ", "ABC123"], dtype=object))
    assert codes.codes.tolist() == [0, 0, -1, -1, 1] and codes.plates.tolist() == ["6TRM913", "ABC123"]


def test_geodesic_distance_matches_vincentys_published_example():
    # Flinders Peak to Buninyong (Vincenty 1975): 54,972.271 m.
    lat1 = -(37 + 57 / 60 + 3.72030 / 3600)
    lon1 = 144 + 25 / 60 + 29.52440 / 3600
    lat2 = -(37 + 39 / 60 + 10.15610 / 3600)
    lon2 = 143 + 55 / 60 + 35.38390 / 3600
    assert geodesic_distance(lon1, lat1, lon2, lat2) == pytest.approx(54972.271, abs=0.001)
    # One degree of longitude on the equator: a * pi / 180.
    d = geodesic_distance(0.0, 0.0, np.array([1.0, np.nan, 0.0]), np.array([0.0, 0.0, 0.0]))
    assert d[0] == pytest.approx(6378137.0 * np.pi / 180, rel=1e-9)
    assert np.isnan(d[1]) and d[2] == 0.0
    # Nearly antipodal: still a finite distance close to half the meridian.
    assert 19_990_000 < float(geodesic_distance(0.0, 0.0, 179.9, 0.1)) < 20_040_000


def test_within_distance_agrees_with_vincenty_everywhere():
    rng = np.random.default_rng(7)
    lon = -122.27 + rng.uniform(-0.05, 0.05, 20_000)
    lat = 37.80 + rng.uniform(-0.05, 0.05, 20_000)
    lon[:3] = np.nan
    exact = geodesic_distance(-122.27, 37.80, lon, lat)
    for radius in (200.0, 1609.344, 4000.0):
        got = within_distance(-122.27, 37.80, lon, lat, radius)
        assert np.array_equal(got, np.nan_to_num(exact, nan=np.inf) <= radius)
        assert 0 < got.sum() < len(lon)


def test_plate_codes_match_the_text_keys():
    plates = pd.Series(PLATES * 3, dtype=object)
    states = pd.Series(STATES * 3, dtype=object)
    codes = plate_codes(plates, states).codes
    keys = plate_keys(plates, states)
    assert np.array_equal(codes < 0, keys.isna().to_numpy())
    # Same code exactly where same text key.
    pairs = set(zip(codes[codes >= 0], keys.dropna()))
    assert len(pairs) == len(set(codes[codes >= 0])) == keys.nunique()


def test_plate_frequency_bins():
    rpp = pd.Series({1: 100, 2: 10, 7: 3, 9: 1, 600: 2})
    assert plate_frequency_bins(rpp) == [
        ("1", 100),
        ("2", 10),
        ("3", 0),
        ("4", 0),
        ("5", 0),
        ("6–10", 4),
        ("11–20", 0),
        ("21–50", 0),
        ("51–100", 0),
        ("101–500", 0),
        ("over 500", 2),
    ]
    assert plate_frequency_bins(pd.Series({1: 5, 3: 1})) == [("1", 5), ("2", 0), ("3", 1)]


# ------------------------------------------------------------------ report


def report_for(summary, **kw) -> str:
    ctx = ReportContext(
        title="ALPR accountability report: <script>alert(1)</script>",
        generated="2026-11-28 10:00",
        inputs=[("INPUT", 'reads & "friends"')],
        parameters=[("GOVERNMENT_PATTERN", r"\d{7}")],
        software=[("QGIS", "3.22")],
        **kw,
    )
    return build_report(summary, ctx)


def parse(html: str) -> ET.Element:
    assert html.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(html.split("\n", 1)[1])


def test_report_is_wellformed_and_holds_the_table_values():
    s = summarise(base(states=pd.Series(STATES, dtype=object)))
    html = report_for(s)
    root = parse(html)
    rows = root.findall(".//div[@id='metrics']/table/tr")[1:]
    shown = {r.get("data-metric"): r[1].text for r in rows}
    assert len(rows) == len(METRICS)
    for metric, value in zip(s.table["metric"], s.table["value"]):
        assert shown[metric] == format_value(None if value != value else value)
    assert shown["unique_plates"] == "5" and shown["duplicate_reads"] == "not available"
    # The report shows words, never the identifiers of the table.
    labels = {r.get("data-metric"): r[0].text for r in rows}
    assert labels["unique_plates"] == "Distinct plates" == metric_label("unique_plates")
    assert not any("_" in text for text in labels.values())
    # Every section is there (the funnel first), and four charts are embedded as PNG data.
    ids = [section.get("id") for section in root.iter("section")]
    assert ids == ["funnel", "findings", "numbers", "time", "plates", "devices", "map", "methods"]
    images = [img.get("src") for img in root.iter("img")]
    assert len(images) == 4 and all(src.startswith("data:image/png;base64,iVBOR") for src in images)
    assert "http://" not in html and "https://" not in html  # opens offline


def test_report_escapes_data_and_never_shows_plates():
    devices = pd.Series(["<script>alert('x')</script>", "P&1"] * 5, dtype=object)
    plates = pd.Series(["<b>6TRM913</b>", "QQQ777"] * 5, dtype=object)
    s = summarise(base(devices=devices, plates=plates))
    html = report_for(s, map_caption="Map of <img src=x onerror=alert(1)>")
    root = parse(html)  # escaping keeps it well-formed
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "P&amp;1" in html and "reads &amp; &quot;friends&quot;" in html
    assert "6TRM913" not in html and "QQQ777" not in html
    cells = [td.text for td in root.iter("td")]
    assert "<script>alert('x')</script>" in cells  # shown as text
    assert root.find(".//title").text == "ALPR accountability report: <script>alert(1)</script>"


def test_report_map_and_findings():
    s = summarise(base(near_reference=np.ones(10, bool), reference_note="within 1,609 m (1 mile) of 0, 0"))
    html = report_for(
        s, map_png=b"\x89PNG\r\n\x1a\nfake", map_caption="Map of the reads.", reference_distance_text="1,609 m"
    )
    root = parse(html)
    figures = root.findall(".//figure")
    assert figures[-1].find("figcaption").text == "Map of the reads."
    findings = [li.text for li in root.findall(".//ul[@class='findings']/li")]
    assert findings[0] == "10 reads of 4 distinct plates; 1 plate (25.0%) was read only once."
    assert "8 reads lie within 1,609 m of the reference point (100.0% of reads with a location)." in findings
    assert re.search(r"2 reads have no usable location", html)


def test_report_without_times_or_plates_still_complete():
    html = report_for(summarise(SummaryInput(n=0)))
    root = parse(html)
    text = "".join(root.itertext())
    assert "No read has a readable time." in text and "No plate in the input." in text
    assert not list(root.iter("img"))


def test_devices_and_reads_by_camera_kind():
    kinds = pd.DataFrame(
        {
            "device": ["POLE 7", "PATROL 1", "PATROL 2"],
            "kind": ["fixed", "mobile", "mobile"],
            "read_count": [30, 50, 20],
        }
    )
    summary = summarise(SummaryInput(n=100, devices=pd.Series(["PATROL 1"] * 100), camera_kinds=kinds))
    assert summary.value("fixed_cameras") == 1 and summary.value("mobile_devices") == 2
    assert summary.value("reads_by_fixed_cameras") == 30 and summary.value("reads_by_mobile_devices") == 70
    assert summary.note("reads_by_fixed_cameras").startswith("30.0%")
    without = summarise(SummaryInput(n=3))
    assert without.value("fixed_cameras") is None


def test_key_findings_name_the_fixed_cameras():
    kinds = pd.DataFrame({"device": ["POLE", "CAR"], "kind": ["fixed", "mobile"], "read_count": [40, 60]})
    data = SummaryInput(n=100, devices=pd.Series(["POLE"] * 40 + ["CAR"] * 60), camera_kinds=kinds)
    html = build_report(summarise(data), ReportContext(title="Reads", generated="2026-12-06 22:00"))
    assert "1 of them stay in one place (fixed cameras) and took 40 reads; the other 1 move (patrol cars)." in html
