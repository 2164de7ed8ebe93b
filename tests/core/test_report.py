"""core.report: the funnel, the result sections, titles and time zones, escaping, wrong-kind inputs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.report import ReportContext, build_report, default_title, zone_label
from alpr_qgis.core.report.findings import ORDER, Facts, build_sections
from alpr_qgis.core.report.inputs import SPECS, numeric, plan_fields
from alpr_qgis.core.report.page import date_range_text
from alpr_qgis.core.summary import CLEANER_REASONS, Locations, SummaryInput, metric_label, reason_metric, summarise

# ------------------------------------------------------------------ the funnel: a small export, every reason

# The cleaner's rejected reads: every reason, some twice, in no particular order.
REJECTED = [
    "sign_word", "null_island", "empty_plate", "overlength", "government", "sign_word",
    "invalid_chars", "null_geometry", "invalid_location", "null_island", "overlength",
]  # fmt: skip
# All the rules each rejected read failed (the cleaner's `reasons`): the 1st sign word also lies at 0,0.
REASONS = [
    "sign_word|null_island", "null_island", "empty_plate", "overlength", "government", "sign_word",
    "invalid_chars", "null_geometry", "invalid_location", "null_island", "overlength|null_geometry",
]  # fmt: skip
UNREADABLE = ["too_few_fields", "bad_timestamp", "too_many_fields", "bad_timestamp", "missing_timestamp"]
N_CLEAN = 20


def funnel_input(**kw) -> SummaryInput:
    plates = pd.Series(["7ABC{:03d}".format(i % 6) for i in range(N_CLEAN)], dtype=object)
    args = dict(
        n=N_CLEAN,
        plates=plates,
        times=pd.Series(pd.date_range("2014-07-14 08:00", periods=N_CLEAN, freq="37min")),
        devices=pd.Series(["P1", "P2"] * (N_CLEAN // 2), dtype=object),
        rejected_reasons=pd.Series(REJECTED, dtype=object),
        rejected_all_reasons=pd.Series(REASONS, dtype=object),
        # The rejected layer's own geometry: the 8th has none, the 9th is out of range, the 2nd and 10th at 0,0.
        rejected_locations=Locations(
            no_geometry=np.array([i == 7 for i in range(11)]),
            null_island=np.array([i in (1, 9) for i in range(11)]),
            invalid=np.array([i == 8 for i in range(11)]),
        ),
        unreadable_reasons=pd.Series(UNREADABLE, dtype=object),
    )
    args.update(kw)
    return SummaryInput(**args)


def values(summary) -> dict:
    return {m: (None if v != v else v) for m, v in zip(summary.table["metric"], summary.table["value"])}


def test_funnel_accounts_for_every_record_by_reason():
    s = summarise(funnel_input())
    v = values(s)
    assert v["records_in_source"] == N_CLEAN + len(REJECTED) + len(UNREADABLE) == 36
    assert v["unreadable_records"] == 5 and v["rejected_reads"] == 11 and v["total_reads"] == N_CLEAN
    expected = {r: REJECTED.count(r) for r in CLEANER_REASONS}
    assert all(expected.values())  # the fixture holds every reason of the cleaner
    for reason, count in expected.items():
        assert v["rejected_" + reason] == count, reason
    assert v["misreads"] == 1 + 1 + 2 + 2  # empty_plate, invalid_chars, sign_word x2, overlength x2
    # The parts add up to the source: unreadable + each reason + analysed.
    assert s.funnel[0] == ("unreadable_records", 5) and s.funnel[-1] == ("total_reads", N_CLEAN)
    assert [m for m, _ in s.funnel[1:-1]] == ["rejected_" + r for r in CLEANER_REASONS]  # the cleaner's order
    assert sum(c for _, c in s.funnel) == v["records_in_source"]
    assert sum(v["rejected_" + r] for r in CLEANER_REASONS) == v["rejected_reads"]
    # Table order: the funnel first, each reason after rejected_reads.
    metrics = list(s.table["metric"])
    assert metrics[:3] == ["records_in_source", "unreadable_records", "rejected_reads"]
    assert metrics[3 : 3 + len(CLEANER_REASONS)] == ["rejected_" + r for r in CLEANER_REASONS]
    assert s.note("unreadable_records") == (
        "2 with an unreadable time; 1 with too few fields; 1 with too many fields; 1 without a time"
    )
    assert s.unreadable_reasons == {
        "bad_timestamp": 2,
        "too_few_fields": 1,
        "too_many_fields": 1,
        "missing_timestamp": 1,
    }


def test_missing_location_counts_input_and_rejected_once_each():
    no_geometry = np.zeros(N_CLEAN, bool)
    no_geometry[3] = True
    island = np.zeros(N_CLEAN, bool)
    island[[3, 4]] = True  # the 4th has no geometry too: counted once
    s = summarise(funnel_input(no_geometry=no_geometry, null_island=island))
    v = values(s)
    # Rejected: null geometry (8th, and the 11th by its reasons), 0,0 (1st by reasons, 2nd, 10th), out of range (9th).
    assert v["reads_missing_location"] == 2 + 6
    assert s.note("reads_missing_location") == (
        "3 without a geometry, 4 at 0,0, 1 out of range; 2 among the analysed reads, 6 among the rejected"
    )


def test_reason_metrics_are_identifiers_whatever_the_text():
    assert reason_metric("sign_word") == "rejected_sign_word"
    assert reason_metric(" <b>Bad Thing</b> ") == "rejected_b_bad_thing_b"
    assert reason_metric("") == reason_metric(None) == "rejected_no_reason"
    assert metric_label("rejected_null_island") == "Rejected: location at 0,0 (null island)"
    s = summarise(SummaryInput(n=2, rejected_reasons=pd.Series(["<script>x</script>", None, "sign_word"])))
    assert values(s)["rejected_script_x_script"] == 1 and values(s)["rejected_no_reason"] == 1
    html = build_report(s, ReportContext(title="t", generated="now"))
    assert "<script>" not in html
    ET.fromstring(html.split("\n", 1)[1])


def funnel_rows(root) -> dict:
    rows = root.find(".//section[@id='funnel']/table").findall("tr")[1:]
    return {r[0].text: int(r[1].text.replace(",", "")) for r in rows}


def test_report_opens_with_the_funnel_and_its_sum_check():
    s = summarise(funnel_input())
    root = ET.fromstring(build_report(s, ReportContext(title="t", generated="now")).split("\n", 1)[1])
    assert [sec.get("id") for sec in root.iter("section")][0] == "funnel"
    funnel = root.find(".//section[@id='funnel']")
    assert funnel.find("figure/img").get("src").startswith("data:image/png;base64,iVBOR")
    rows = funnel_rows(root)
    assert rows.pop("Records in the export") == 36
    assert rows["Records that could not be read"] == 5
    assert rows["Rejected: road-sign text read as a plate"] == 2 and rows["Reads analysed"] == N_CLEAN
    assert sum(rows.values()) == 36
    check = funnel.find("p[@class='check']").text
    assert check == "Check: 5 + 1 + 1 + 2 + 2 + 1 + 1 + 1 + 2 + 20 = 36 records in the export."
    headline = funnel.find("p[@class='headline']").text
    assert headline.startswith("Of the 36 records in the export, 5 could not be read, 11 were set apart")


def test_funnel_without_the_rejected_layers_says_what_it_cannot_tell():
    s = summarise(funnel_input(rejected_reasons=None, unreadable_reasons=None, rejected_all_reasons=None))
    html = build_report(s, ReportContext(title="t", generated="now"))
    root = ET.fromstring(html.split("\n", 1)[1])
    text = "".join(root.find(".//section[@id='funnel']").itertext())
    assert "cannot say how many records the export held" in text
    assert root.find(".//section[@id='funnel']/figure") is None


# ------------------------------------------------------------------ top plates


def test_top_plates_by_rank_with_the_government_flag():
    plates = pd.Series(["1234567"] * 4 + ["6TRM913"] * 3 + ["ABC123"], dtype=object)
    s = summarise(
        SummaryInput(
            n=8,
            plates=plates,
            times=pd.Series(pd.to_datetime(["2014-07-14 08:00"] * 2 + ["2014-07-15 09:00"] * 6)),
            devices=pd.Series(["P1", "P2", "P1", "P1", "P1", "P1", "P1", "P1"], dtype=object),
        )
    )
    top = s.top_plates
    assert top["rank"].tolist() == [1, 2, 3] and top["reads"].tolist() == [4, 3, 1]
    assert top["government"].tolist() == [True, False, False]  # seven digits: the default pattern
    assert top["days"].tolist() == [2, 1, 1] and top["devices"].tolist() == [2, 1, 1]
    html = build_report(s, ReportContext(title="t", generated="now"))
    root = ET.fromstring(html.split("\n", 1)[1])
    rows = root.find(".//table[@class='top-plates']").findall("tr")[1:]
    assert [r.get("data-government") for r in rows] == ["yes", "no", "no"]
    assert rows[0][0].text == "#1" and rows[0][-1].text == "Yes: government plate"
    assert "1234567" not in html and "6TRM913" not in html  # ranks, never plates
    findings = [li.text for li in root.findall(".//ul[@class='findings']/li")]
    assert "The most-read plate was read 4 times; it is a government plate." in findings


def test_top_plates_flag_follows_the_cleaner_and_is_unknown_for_hashed_plates():
    plates = pd.Series(["AAA111", "AAA111", "BBB222"], dtype=object)
    s = summarise(SummaryInput(n=3, plates=plates, is_government=pd.Series([False, True, False])))
    assert s.top_plates["government"].tolist() == [True, False]
    hashed = pd.Series(["{:064x}".format(i % 2) for i in range(3)], dtype=object)
    s = summarise(SummaryInput(n=3, plates=hashed))
    assert s.top_plates["government"].tolist() == [None, None]
    assert "not known" in build_report(s, ReportContext(title="t", generated="now"))


# ------------------------------------------------------------------ titles and zones


def test_default_title_names_the_place_and_the_dates():
    ts = pd.Timestamp
    assert default_title("Harborview", ts("2014-07-14 08:00"), ts("2014-07-20 23:00")) == (
        "License plate reader (ALPR) reads in Harborview, 14–20 July 2014"
    )
    assert default_title(None, ts("2014-06-28"), ts("2014-07-03")) == (
        "License plate reader (ALPR) reads, 28 June – 3 July 2014"
    )
    assert date_range_text(ts("2013-12-30"), ts("2014-01-02")) == "30 December 2013 – 2 January 2014"
    assert date_range_text(ts("2014-07-14 01:00"), ts("2014-07-14 23:00")) == "14 July 2014"
    assert default_title("Harborview") == "License plate reader (ALPR) reads in Harborview"


def test_zone_label_names_the_zone_and_its_offsets_across_a_dst_change():
    ts = pd.Timestamp
    assert zone_label(None) == "local time as recorded"
    assert zone_label("America/Los_Angeles", ts("2014-07-14"), ts("2014-07-20")) == (
        "America/Los_Angeles time (PDT, UTC−07:00)"
    )
    # A week across the end of daylight saving time: both offsets are named.
    assert zone_label("America/Los_Angeles", ts("2014-10-30 12:00"), ts("2014-11-05 12:00")) == (
        "America/Los_Angeles time (PDT, UTC−07:00; PST, UTC−08:00)"
    )
    assert zone_label("Asia/Kolkata", ts("2020-01-01"), ts("2020-01-01")) == "Asia/Kolkata time (IST, UTC+05:30)"


def test_charts_and_methods_name_the_zone():
    s = summarise(funnel_input())
    html = build_report(s, ReportContext(title="t", generated="now", time_zone="America/Los_Angeles",
                                         time_zone_how="looked up from where the reads are"))  # fmt: skip
    root = ET.fromstring(html.split("\n", 1)[1])
    captions = [f.find("figcaption").text for f in root.findall(".//section[@id='time']/figure")]
    assert captions[0] == "Reads by hour of day (America/Los_Angeles time (PDT, UTC−07:00))."
    methods = "".join(root.find(".//section[@id='methods']").itertext())
    assert "America/Los_Angeles time (PDT, UTC−07:00) (looked up from where the reads are)" in methods
    assert "time as recorded)" not in "".join(root.find(".//section[@id='time']").itertext())


# ------------------------------------------------------------------ result sections


def hotspots() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "read_count": [40, 25, 10, 5, 0, 0, 20],
            "gi_z": [3.1, 2.2, 1.7, 0.1, -1.8, -2.0, 0.3],
            "gi_p": [0.002, 0.03, 0.09, 0.9, 0.07, 0.045, 0.7],
            "hotspot_class": [3, 2, 1, 0, -1, -2, 0],
        }
    )


def census_units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "read_count": [60, 30, 10, 0],
            "disparity": [3.0, 1.5, 0.25, np.nan],
            "reads_per_1000": [30.0, 15.0, 2.5, np.nan],
            "label": ["Tract <script>1</script>", "Tract 2", "Tract 3", "Port"],
        }
    )


def census_stats(kind: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "attribute": ["per_capita_income", "pop_black", "pop_white"],
            "rate_basis": ["per_1000"] * 3,
            "spearman": [-0.62, 0.55, -0.41],
            "spearman_p": [0.0004, 0.002, 0.03],
            "pearson": [-0.5, 0.45, -0.3],
            "pearson_p": [0.004, 0.01, 0.1],
            "n": [28, 28, 28],
            "exposure_per_1000": [np.nan, 21.6, 8.4],
            "exposure_ratio": [np.nan, 1.8, 0.7],
        }
    )
    if kind:
        frame["kind"] = ["value", "count", "count"]
    return frame


def crime_stats() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "zone_count": [40],
            "read_count": [5000],
            "crime_count": [300],
            "spearman": [0.18],
            "spearman_p": [0.27],
            "pearson": [0.1],
            "pearson_p": [0.5],
            "top_crime_zones": [8],
            "top_crime_share": [0.61],
            "top_crime_read_share": [0.22],
        }
    )


def sites() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "read_count": [120, 4, 30],
            "unique_plates": [80, 4, 25],
            "expected_reads": [12.5, 9.0, 12.5],
            "percentile": [99.0, 20.0, 96.5],
            "label": ["Masjid <b>Al-Noor</b>", "Clinic", "Gun shop"],
            "type": ["worship", "health", None],
        }
    )


def outside() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "jurisdiction": ["Eastport", "Eastport", "Westvale", None, "Eastport"],
            "distance_m": [40, 900, 3500, 26000, 80],
        }
    )


def tracks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "device": ["P1", "P1", "<script>alert(1)</script>"],
            "start_time": pd.to_datetime(["2014-07-14 08:00", "2014-07-14 13:00", "2014-07-15 09:00"]),
            "end_time": pd.to_datetime(["2014-07-14 12:00", "2014-07-14 15:00", "2014-07-15 10:30"]),
            "read_count": [400, 150, 90],
            "length_m": [41_000.0, 12_500.0, 9_000.0],
        }
    )


def audit() -> pd.DataFrame:
    none = [None] * 3
    return pd.DataFrame(
        {
            "kind": ["unicity"] * 4 + ["dropped_field", "dropped_field", "cleared_values"],
            "known_points": [1, 2, 3, 4] + none,
            "vehicles": [500, 210, 120, 80] + none,
            "unique_vehicles": [40, 105, 96, 72] + none,
            "unique_share": [0.08, 0.5, 0.8, 0.9] + none,
            "time_precision": ["hour"] * 4 + none,
            "location_precision_m": [200.0] * 4 + none,
            "field": [None] * 4 + ["ID", "ImageFile", "Notes"],
            "count": [None] * 6 + [12],
        }
    )


def model() -> pd.DataFrame:
    """An OUTPUT_MODEL table as alpr:countmodel writes it (SPEC), estimates made up."""
    est = np.array([-4.2, -0.00003, 0.012])
    se = np.array([0.3, 0.00001, 0.004])
    return pd.DataFrame(
        {
            "term": ["Intercept", "per_capita_income", "crime_count"],
            "estimate": est,
            "std_error": se,
            "z": est / se,
            "p_value": [1e-20, 0.0027, 0.0027],
            "rate_ratio": np.exp(est),
            "rate_ratio_low": np.exp(est - 1.959964 * se),
            "rate_ratio_high": np.exp(est + 1.959964 * se),
        }
    )


TABLES = {
    "HOTSPOTS": hotspots,
    "CENSUS": census_units,
    "CENSUS_STATS": census_stats,
    "CRIME_STATS": crime_stats,
    "SITES": sites,
    "OUTSIDE": outside,
    "TRACKS": tracks,
    "AUDIT": audit,
    "MODEL": model,
}
SECTION_OF = {key: key.lower().replace("_stats", "") for key in TABLES}
HEADLINES = {
    "hotspots": "3 of the 7 hexagons are hot spots (90 % confidence or more): 42.9% of the area holds 75.0% of the reads.",
    "census": "Residents counted in pop_black live where the cameras read 1.80 times as often per resident as the "
    "average; those in pop_white, 0.70 times.",
    "crime": "The 8 zones with the most crime hold 61.0% of the crimes but 22.0% of the reads.",
    "sites": "2 of the 3 sensitive sites are busier than 95 % of the places where the cameras read; the busiest, "
    "Masjid <b>Al-Noor</b>, saw 120 reads of 80 distinct plates where 12.5 would be usual.",
    "outside": "5 reads were taken outside the boundary, up to 26.0 km beyond it; 60.0% of them in Eastport.",
    "tracks": "2 devices drove 3 tracks covering 62 km in 8 hours of recorded patrol.",
    "model": "Holding the other factors fixed, each one-unit increase in per_capita_income multiplies the expected "
    "reads by 0.999970 (95 % interval 0.999950 to 0.999990, naive p = 0.003).",
    "audit": "In the published data, someone who knows 4 sightings of a car can single it out for 90.0% of the "
    "vehicles (72 of 80).",
}


def report_with(keys) -> ET.Element:
    tables = {key: (TABLES[key](), "{}_layer".format(key.lower())) for key in keys}
    sections = build_sections(tables, Facts(total_reads=N_CLEAN, devices=2))
    s = summarise(funnel_input())
    html = build_report(s, ReportContext(title="t", generated="now", sections=sections))
    assert "<script>" not in html and "<b>Al-Noor" not in html
    return ET.fromstring(html.split("\n", 1)[1])


def test_every_section_with_its_headline_method_and_caveats():
    root = report_with(list(TABLES))
    ids = [sec.get("id") for sec in root.iter("section")]
    findings = ["hotspots", "census", "crime", "sites", "outside", "tracks", "model", "audit"]
    assert ids == ["funnel", "findings", "numbers", "time", "plates", "devices", "map", *findings, "methods"]
    key_findings = [li.text for li in root.findall(".//ul[@class='findings']/li")]
    for sid, headline in HEADLINES.items():
        section = root.find(".//section[@id='{}']".format(sid))
        assert section.find("p[@class='headline']").text == headline, sid
        assert headline in key_findings, sid
        assert section.find("p[@class='method']") is not None, sid
        assert section.findall("div[@class='caveats']/ul/li"), sid
        assert section.find(".//table") is not None, sid
        assert section.find(".//img") is not None, sid
    caveats = {
        sid: " ".join(li.text for li in root.findall(".//section[@id='{}']/div/ul/li".format(sid))) for sid in findings
    }
    assert "naive" in caveats["hotspots"] and "spatial autocorrelation" in caveats["hotspots"]
    assert "ecological fallacy" in caveats["census"] and "naive" in caveats["census"]
    assert "follows the roads" in caveats["sites"] and "2 cameras" in caveats["sites"]
    assert "Moran" in caveats["model"] and "ecological fallacy" in caveats["model"]
    assert "2 reads lie within 100 m of the boundary" in caveats["outside"]


@pytest.mark.parametrize("key", list(TABLES))
def test_a_section_appears_only_when_its_input_is_given(key):
    root = report_with([key])
    ids = {sec.get("id") for sec in root.iter("section")}
    sid = SECTION_OF[key]
    assert sid in ids
    assert not ids & (set(HEADLINES) - {sid})
    assert root.find(".//section[@id='{}']/p[@class='muted']".format(sid)).text == "Source layer: {}_layer.".format(
        key.lower()
    )


def test_section_details():
    root = report_with(list(TABLES))
    census = root.find(".//section[@id='census']")
    text = "".join(census.itertext())
    # The strongest value correlation, in words; the disparity of the units; the kinds of census fields.
    assert (
        "Reads per 1,000 residents shows a strong negative correlation with per_capita_income across 28 units" in text
    )
    assert "1 of the 3 units compared were read at least twice as often" in text
    exposure, correlations, units = census.findall("table")
    assert [(r[0].text, r[2].text) for r in exposure.findall("tr")[1:]] == [
        ("pop_black", "1.80"),
        ("pop_white", "0.70"),
    ]
    unit_rows = units.findall("tr")[1:]
    assert [r[0].text for r in unit_rows] == ["Tract <script>1</script>", "Tract 2", "Tract 3"]  # escaped, as text
    kinds = [r[1].text for r in correlations.findall("tr")[1:]]
    assert kinds == ["value", "group count", "group count"]
    audit_text = "".join(root.find(".//section[@id='audit']").itertext())
    assert "Fields removed from the release: ID, ImageFile." in audit_text
    assert "times kept to the hour; locations snapped to a 200 m grid" in audit_text
    rows = root.find(".//section[@id='audit']").findall("table")[1].findall("tr")[1:]
    assert [(r[0].text, r[1].text) for r in rows] == [("Notes", "12")]
    model_rows = root.find(".//section[@id='model']/table").findall("tr")[1:]
    assert [r[0].text for r in model_rows] == ["Intercept", "per_capita_income", "crime_count"]
    assert model_rows[2][1].text == "1.0121" and model_rows[2][2].text == "1.0042 to 1.0200"
    assert model_rows[0][1].text == "0.015" and model_rows[1][4].text == "1e-05"
    outside_rows = root.find(".//section[@id='outside']/table").findall("tr")[1:]
    assert [(r[0].text, r[1].text) for r in outside_rows] == [("Eastport", "3"), ("Westvale", "1"), ("unnamed", "1")]
    track_rows = root.find(".//section[@id='tracks']/table").findall("tr")[1:]
    assert [(r[0].text, r[3].text) for r in track_rows] == [("P1", "53.5"), ("<script>alert(1)</script>", "9.0")]


def test_census_without_kind_takes_rows_with_exposure_for_counts():
    tables = {"CENSUS_STATS": (census_stats(kind=False), "stats")}
    section = build_sections(tables, Facts())[0]
    assert section.headline.startswith("Residents counted in pop_black live where the cameras read 1.80 times")


def test_census_stats_alone_and_no_exposure_headlines_the_correlation():
    stats = census_stats().iloc[:1]
    section = build_sections({"CENSUS_STATS": (stats, "stats")}, Facts())[0]
    assert section.headline == (
        "Reads per 1,000 residents shows a strong negative correlation with per_capita_income across 28 units "
        "(Spearman ρ = -0.62, naive p < 0.001)."
    )


def test_sections_say_so_when_nothing_stands_out():
    quiet = hotspots().assign(hotspot_class=0)
    assert build_sections({"HOTSPOTS": (quiet, "h")}, Facts())[0].headline == (
        "None of the 7 hexagons is a significant hot spot: the reads are spread evenly."
    )
    empty = outside().iloc[:0]
    assert build_sections({"OUTSIDE": (empty, "o")}, Facts())[0].headline == "No read lies outside the boundary."
    intercept = model().iloc[:1]
    assert "no predictor" in build_sections({"MODEL": (intercept, "m")}, Facts())[0].headline


# ------------------------------------------------------------------ inputs of the wrong kind


def test_plan_fields_names_the_parameter_and_what_is_missing():
    reads = ["fid", "read_id", "plate", "read_time", "device"]
    with pytest.raises(AlprInputError) as err:
        plan_fields("CENSUS_STATS", "reads_layer", reads)
    message = str(err.value)
    assert message.startswith(
        'CENSUS_STATS ("reads_layer") is not the statistics table written by alpr:joincensus (OUTPUT_STATS): '
        'it has no field "attribute", "rate_basis", "spearman"'
    )
    assert "Give CENSUS_STATS the layer that algorithm wrote, or leave CENSUS_STATS empty." in message
    for key in SPECS:
        if key != "AUDIT":
            with pytest.raises(AlprInputError, match=key):
                plan_fields(key, "reads_layer", reads)
    with pytest.raises(AlprInputError, match=r'AUDIT \("x"\) is not the AUDIT table .*no field "kind"'):
        plan_fields("AUDIT", "x", reads)


def test_plan_fields_matches_case_and_finds_names():
    plan = plan_fields("SITES", "s", ["FID", "Read_Count", "UNIQUE_PLATES", "expected_reads", "percentile", "Title"])
    assert plan["read_count"] == "Read_Count" and plan["label"] == "Title" and plan["type"] is None
    plan = plan_fields("SITES", "s", ["read_count", "unique_plates", "expected_reads", "percentile", "addr"], ["addr"])
    assert plan["label"] == "addr"  # no name field: the first text field
    old_audit = plan_fields("AUDIT", "a", ["known_points", "vehicles", "unique_vehicles", "unique_share"])
    assert "kind" not in old_audit and old_audit["unique_share"] == "unique_share"
    assert set(ORDER) | {"CENSUS_STATS"} == set(TABLES)


def test_text_in_a_number_field_is_an_error_naming_the_row():
    table = pd.DataFrame({"read_count": [3, "lots", 2]})
    with pytest.raises(AlprInputError, match=r'HOTSPOTS \("h"\), row 2, field "read_count": "lots" is not a number'):
        numeric(table, "read_count", "HOTSPOTS", "h")
    assert numeric(pd.DataFrame({"x": ["1.5", None]}), "x", "P", "l")[0] == 1.5
