"""alpr:summary through processing.run: metrics against ground truth, the report, bad input, the sample."""

from __future__ import annotations

import math
import os
import re
import shutil
import sqlite3
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDistanceArea,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsVectorFileWriter,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from alpr_qgis.core.metrics import METRICS
from alpr_qgis.core.report import format_value
from tests.algorithms.conftest import RecordingFeedback
from tests.algorithms.test_jurisdiction import CITY, polygons_layer

HQ = (-122.2711, 37.8044)  # lon, lat of the reference point in the small tests
MILE = 1609.344


def ellipsoid() -> QgsDistanceArea:
    d = QgsDistanceArea()
    d.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext())
    d.setEllipsoid("WGS84")
    return d


def reads_layer(rows, name="reads_layer"):
    """A memory layer of reads in degrees: rows of (plate, (y, m, d, h, mi) or None, device, point or None)."""
    layer = QgsVectorLayer(
        "Point?crs=EPSG:4326&field=plate:string&field=read_time:datetime&field=device:string", name, "memory"
    )
    features = []
    for plate, when, device, point in rows:
        f = QgsFeature(layer.fields())
        stamp = QDateTime(QDate(*when[:3]), QTime(*when[3:], 0)) if when else None
        f.setAttributes([plate, stamp, device])
        if point is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*point)))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def around(distance_m: float, bearing_deg: float):
    """The point ``distance_m`` from HQ on the ellipsoid, as (lon, lat)."""
    p = ellipsoid().computeSpheroidProject(QgsPointXY(*HQ), distance_m, bearing_deg * 3.141592653589793 / 180)
    return (p.x(), p.y())


ROWS = [
    ("6TRM913", (2014, 7, 14, 8, 0), "PATROL 1", around(MILE - 5, 0)),
    ("6trm-913", (2014, 7, 14, 9, 0), "PATROL 1", around(MILE + 5, 90)),
    ("ABC123", (2014, 7, 15, 13, 0), "<script>alert(1)</script>", around(200, 45)),
    ("1234567", (2014, 7, 15, 13, 30), "PATROL 2", around(5000, 180)),
    ("1234567", (2014, 7, 16, 23, 0), "PATROL 2", around(MILE - 1, 270)),
    ("QQQ777", None, "PATROL 2", (0.0, 0.0)),
    ("ZZZ111", (2014, 7, 20, 2, 0), None, None),
]


def run(params, feedback=None):
    return processing.run("alpr:summary", params, feedback=feedback)


def table_of(path: str) -> dict:
    conn = sqlite3.connect(path)
    try:
        name = conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'").fetchone()[0]
        return {m: (v, n) for m, v, n in conn.execute('SELECT metric, value, note FROM "{}"'.format(name))}
    finally:
        conn.close()


@pytest.fixture
def small(tmp_path, feedback):
    boundary = polygons_layer(
        ["POLYGON((-122.30 37.78, -122.25 37.78, -122.25 37.83, -122.30 37.83, -122.30 37.78))"],
        crs="EPSG:4326",
        offset=(0, 0),
        name="<city>",
    )
    res = run(
        {
            "INPUT": reads_layer(ROWS),
            "BOUNDARY": boundary,
            "REFERENCE_POINT": "{},{} [EPSG:4326]".format(*HQ),
            "OUTPUT_TABLE": str(tmp_path / "summary.gpkg"),
            "OUTPUT_HTML": str(tmp_path / "report.html"),
        },
        feedback,
    )
    return res, table_of(res["OUTPUT_TABLE"]), Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")


def test_metrics_against_ground_truth(small, feedback):
    res, table, _ = small
    d = ellipsoid()
    truth_near = sum(
        1 for *_, p in ROWS if p and p != (0.0, 0.0) and d.measureLine(QgsPointXY(*HQ), QgsPointXY(*p)) <= MILE
    )
    assert truth_near == 3  # 5 m inside, 5 m outside: only the ellipsoid tells them apart
    expected = {
        "total_reads": 7,
        "unique_plates": 5,
        "plates_seen_once": 3,
        "max_reads_single_plate": 2,
        "government_plates": 1,
        "government_reads": 2,
        "reads_near_reference": truth_near,
        "reads_outside_boundary": 1,  # 5 km south
        "reads_missing_location": 2,
        "devices": 3,
        "days_with_reads": 4,
    }
    for metric, value in expected.items():
        assert table[metric][0] == value, metric
        assert res[metric.upper()] == value, metric
    assert res["MISSING_LOCATION_COUNT"] == 2  # the one name every algorithm gives it
    assert table["mean_reads_per_plate"][0] == pytest.approx(7 / 5)
    # What the input cannot give is null, with the reason.
    assert table["duplicate_reads"][0] is None and "alpr:cleanreads" in table["duplicate_reads"][1]
    assert table["misreads"][0] is None and res["MISREADS"] is None
    assert table["reads_missing_location"][1] == "1 without a geometry, 1 at 0,0"
    # Without REJECTED and UNREADABLE the export is the input, and the note says what is not counted.
    assert table["records_in_source"][0] == 7 == res["RECORDS_IN_SOURCE"]
    assert "not given: UNREADABLE" in table["records_in_source"][1]
    assert res["UNREADABLE_RECORDS"] is None and res["REJECTED_READS"] is None
    assert "1,609 m (1 mile)" in table["reads_near_reference"][1]
    # The log shows the numbers but never a plate, and names the report file without its folder.
    log = feedback.text()
    assert "unique_plates: 5" in log
    assert "Report written: report.html" in log
    ours = [m for m in feedback.messages if not m.startswith(("Input parameters:", "Results:"))]  # QGIS's own echo
    assert not [m for m in ours if str(Path(res["OUTPUT_HTML"]).parent) in m]
    for plate, *_ in ROWS:
        assert plate not in log and plate.upper() not in log


def test_report_matches_table_and_escapes(small):
    _, table, html = small
    root = ET.fromstring(html.split("\n", 1)[1])
    rows = root.findall(".//div[@id='metrics']/table/tr")[1:]
    shown = {r.get("data-metric"): r[1].text for r in rows}
    assert shown == {m: format_value(v) for m, (v, _) in table.items()}
    labels = [r[0].text for r in rows]
    assert "Distinct plates" in labels and not any("_" in label for label in labels)  # words, not identifiers
    images = [img.get("src") for img in root.iter("img")]
    assert len(images) == 5  # hour, weekday x hour, reads per plate, device days, map
    caption = root.find(".//section[@id='map']/figure/figcaption").text
    assert caption.startswith("Map of the reads, the boundary, the reference point")
    assert "Legend, scale bar and north arrow" in caption
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;city&gt;" in html  # the boundary's layer name, in the methods
    for plate, *_ in ROWS:
        assert plate not in html
    methods = "".join(root.find(".//section[@id='methods']").itertext())
    assert "QGIS" in methods and "matplotlib" in methods and "REFERENCE_DISTANCE" in methods
    assert "-122.271100,37.804400 [EPSG:4326]" in methods and "1,609 m (1 mile)" in methods
    metadata = (Path(__file__).resolve().parents[2] / "metadata.txt").read_text(encoding="utf-8")
    version = re.search(r"^version=(.+)$", metadata, re.M).group(1).strip()
    software = {tr[0].text: tr[1].text for tr in root.findall(".//section[@id='methods']/table")[2].findall("tr")[1:]}
    assert software["alpr_qgis"] == version
    # The times are named with the zone where the reads are (Oakland): never shifted.
    assert "America/Los_Angeles time (PDT, UTC−07:00)" in html
    assert "Reads from <b>2014-07-14 08:00</b> to <b>2014-07-20 02:00</b>" in html


def test_help_documents_every_parameter_and_section():
    from alpr_qgis.algorithms.summary import SummaryAlgorithm

    alg = SummaryAlgorithm()
    alg.initAlgorithm()
    text = alg.shortHelpString()
    for param in alg.parameterDefinitions():
        assert "<b>{}</b>".format(param.name()) in text, param.name()
    for words in ("funnel", "headline", "caveats", "ecological fallacy", "naive", "road-based", "umask", "escaped"):
        assert words in text, words


def test_output_numbers_are_the_metrics():
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById("alpr:summary")
    numbers = [o.name() for o in alg.outputDefinitions() if o.type() == "outputNumber"]
    assert numbers == [m.upper() for m in METRICS] + ["MISSING_LOCATION_COUNT"]


def test_many_reads_are_mapped_as_a_density(tmp_path, monkeypatch):
    from alpr_qgis.qgis_io import report_map as module

    monkeypatch.setattr(module, "DRAW_POINTS_UP_TO", 3)
    res = run({"INPUT": reads_layer(ROWS), "OUTPUT_TABLE": "TEMPORARY_OUTPUT", "OUTPUT_HTML": str(tmp_path / "r.html")})
    root = ET.fromstring(Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8").split("\n", 1)[1])
    figure = root.find(".//section[@id='map']/figure")
    assert figure.find("figcaption").text.startswith("Map of the density of the 5 located reads")
    assert figure.find("img").get("src").startswith("data:image/png;base64,iVBOR")


def test_report_title(tmp_path):
    res = run(
        {
            "INPUT": reads_layer(ROWS),
            "REPORT_TITLE": "Oakland PD <2014>",
            "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
            "OUTPUT_HTML": str(tmp_path / "r.html"),
        }
    )
    root = ET.fromstring(Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8").split("\n", 1)[1])
    assert root.find(".//title").text == root.find(".//h1").text == "Oakland PD <2014>"


def title_of(path) -> str:
    return ET.fromstring(Path(path).read_text(encoding="utf-8").split("\n", 1)[1]).find(".//h1").text


def test_default_title_names_the_place_and_the_dates(tmp_path):
    """Never the input layer's name: the boundary's place name (else its layer's) and the dates of the reads."""
    square = "POLYGON((-122.30 37.78, -122.25 37.78, -122.25 37.83, -122.30 37.83, -122.30 37.78))"
    named = polygons_layer(
        [square], crs="EPSG:4326", offset=(0, 0), fields=(("name", "string"),), rows=[("Harborview",)]
    )
    common = {"INPUT": reads_layer(ROWS, name="clean_reads"), "OUTPUT_TABLE": "TEMPORARY_OUTPUT"}
    res = run(dict(common, BOUNDARY=named, OUTPUT_HTML=str(tmp_path / "a.html")))
    assert title_of(res["OUTPUT_HTML"]) == "License plate reader (ALPR) reads in Harborview, 14–20 July 2014"
    unnamed = polygons_layer([square], crs="EPSG:4326", offset=(0, 0), name="city_limits")
    res = run(dict(common, BOUNDARY=unnamed, OUTPUT_HTML=str(tmp_path / "b.html")))
    assert title_of(res["OUTPUT_HTML"]) == "License plate reader (ALPR) reads in city limits, 14–20 July 2014"
    res = run(dict(common, OUTPUT_HTML=str(tmp_path / "c.html")))
    assert title_of(res["OUTPUT_HTML"]) == "License plate reader (ALPR) reads, 14–20 July 2014"
    assert "clean_reads" not in "".join(title_of(tmp_path / n) for n in ("a.html", "b.html", "c.html"))


def test_rejected_without_reason_is_an_error(tmp_path):
    other = reads_layer(ROWS[:1], name="not_rejected")
    with pytest.raises(QgsProcessingException, match=r'REJECTED \("not_rejected"\) has no field "reason"'):
        run(
            {
                "INPUT": reads_layer(ROWS),
                "REJECTED": other,
                "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
                "OUTPUT_HTML": str(tmp_path / "r.html"),
            }
        )
    assert not (tmp_path / "r.html").exists()


def test_missing_field_named_explicitly_lists_the_fields(tmp_path):
    with pytest.raises(
        QgsProcessingException, match=r'field "PLATE_FIELD": has no field "vrm".*plate, read_time, device'
    ):
        run(
            {
                "INPUT": reads_layer(ROWS),
                "PLATE_FIELD": "vrm",
                "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
                "OUTPUT_HTML": str(tmp_path / "r.html"),
            }
        )
    assert not (tmp_path / "r.html").exists()


def test_bad_government_pattern_is_an_error(tmp_path):
    with pytest.raises(QgsProcessingException, match="GOVERNMENT_PATTERN"):
        run(
            {
                "INPUT": reads_layer(ROWS),
                "GOVERNMENT_PATTERN": "([",
                "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
                "OUTPUT_HTML": str(tmp_path / "r.html"),
            }
        )


def test_empty_layer_gives_a_complete_report(tmp_path, feedback):
    res = run(
        {"INPUT": reads_layer([]), "OUTPUT_TABLE": "TEMPORARY_OUTPUT", "OUTPUT_HTML": str(tmp_path / "r.html")},
        feedback,
    )
    assert res["TOTAL_READS"] == 0 and res["UNIQUE_PLATES"] == 0
    assert "The input layer has no features." in feedback.text()
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No read has a readable time." in text and "No map" in text


# ------------------------------------------------------------------ the funnel, end to end

EXPORT = """plate,timestamp,lat,lon,device
7ABC001,2014-07-14 08:00:00,37.80,-122.27,P1
7ABC002,2014-07-14 09:00:00,37.81,-122.26,P1
7ABC001,2014-07-14 10:00:00,37.80,-122.27,P2
,2014-07-14 10:05:00,37.80,-122.27,P2
AB$12,2014-07-14 10:06:00,37.80,-122.27,P2
CAUT10N,2014-07-14 10:07:00,37.80,-122.27,P2
ABCDEFGHIJ,2014-07-14 10:08:00,37.80,-122.27,P2
1234567,2014-07-14 10:09:00,37.80,-122.27,P2
7ABC003,2014-07-14 10:10:00,95.0,-122.27,P2
7ABC004,2014-07-14 10:11:00,,,P2
7ABC005,2014-07-14 10:12:00,0,0,P2
7ABC006,not a time,37.80,-122.27,P2
7ABC007,2014-07-14 10:13:00,37.80
7ABC008,2014-07-14 10:14:00,37.80,-122.27,P2,extra
"""
REASONS = {
    "empty_plate": 1,
    "invalid_chars": 1,
    "sign_word": 1,
    "overlength": 1,
    "government": 1,
    "invalid_location": 1,
    "null_geometry": 1,
    "null_island": 1,
}


def test_funnel_adds_up_to_the_records_of_the_export(tmp_path):
    """Load, clean (every reason), summarise: the funnel accounts for each of the 14 records of the file."""
    (tmp_path / "reads.csv").write_text(EXPORT, encoding="utf-8")
    records = len(EXPORT.strip().splitlines()) - 1
    loaded = processing.run(
        "alpr:loadreads",
        {"INPUT": str(tmp_path / "reads.csv"), "OUTPUT": str(tmp_path / "reads.gpkg"),
         "REJECTED": str(tmp_path / "unreadable.gpkg")},
    )  # fmt: skip
    clean = processing.run(
        "alpr:cleanreads",
        {"INPUT": loaded["OUTPUT"], "EXCLUDE_GOVERNMENT": True, "OUTPUT": str(tmp_path / "clean.gpkg"),
         "REJECTED": str(tmp_path / "rejected.gpkg")},
    )  # fmt: skip
    assert {r: clean[r.upper() + "_COUNT"] for r in REASONS} == REASONS  # the fixture has every reason once
    res = run(
        {
            "INPUT": clean["OUTPUT"],
            "REJECTED": clean["REJECTED"],
            "UNREADABLE": loaded["REJECTED"],
            "OUTPUT_TABLE": str(tmp_path / "summary.gpkg"),
            "OUTPUT_HTML": str(tmp_path / "report.html"),
        }
    )
    table = table_of(res["OUTPUT_TABLE"])
    assert table["records_in_source"][0] == records == res["RECORDS_IN_SOURCE"] == 14
    assert table["unreadable_records"][0] == loaded["REJECTED_COUNT"] == 3
    assert table["rejected_reads"][0] == clean["REJECTED_COUNT"] == 8
    assert table["total_reads"][0] == clean["CLEAN_COUNT"] == 3
    for reason, count in REASONS.items():
        assert table["rejected_" + reason][0] == count, reason
    assert table["misreads"][0] == 4  # empty, invalid characters, sign word, over-length
    assert table["reads_missing_location"][0] == 3  # out of range, none, 0,0: all among the rejected
    parts = ["unreadable_records", *("rejected_" + r for r in REASONS), "total_reads"]
    assert sum(table[m][0] for m in parts) == records
    root = ET.fromstring(Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8").split("\n", 1)[1])
    funnel = root.find(".//section[@id='funnel']")
    assert [s.get("id") for s in root.iter("section")][0] == "funnel"
    assert (
        funnel.find("p[@class='check']").text
        == "Check: 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 3 = 14 records in the export."
    )
    assert funnel.find("p[@class='headline']").text == (
        "Of the 14 records in the export, 3 could not be read, 8 were set apart by the cleaning "
        "(4 of them misreads), and 3 reads were analysed."
    )
    rows = {r[0].text: r[1].text for r in funnel.find("table").findall("tr")[1:]}
    assert rows["Records in the export"] == "14" and rows["Rejected: location out of range"] == "1"
    inputs = {tr[0].text: tr[1].text for tr in root.findall(".//section[@id='methods']/table")[0].findall("tr")[1:]}
    assert inputs["Unreadable records (UNREADABLE)"] == "unreadable" and inputs["Reads analysed (INPUT)"] == "clean"
    assert str(tmp_path) not in Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")


def test_the_same_reads_in_input_and_rejected_are_flagged(tmp_path, feedback):
    (tmp_path / "reads.csv").write_text(EXPORT, encoding="utf-8")
    loaded = processing.run(
        "alpr:loadreads",
        {"INPUT": str(tmp_path / "reads.csv"), "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"},
    )
    clean = processing.run("alpr:cleanreads", {"INPUT": loaded["OUTPUT"], "OUTPUT": "TEMPORARY_OUTPUT",
                                               "REJECTED": "TEMPORARY_OUTPUT"})  # fmt: skip
    run({"INPUT": loaded["OUTPUT"], "REJECTED": clean["REJECTED"], "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
         "OUTPUT_HTML": str(tmp_path / "r.html")}, feedback)  # fmt: skip
    assert "7 read_id values are both in INPUT and in REJECTED" in feedback.text()


# ------------------------------------------------------------------ top plates, zones, files, wrong inputs


def test_government_plate_is_flagged_in_the_top_plates(tmp_path):
    rows = ROWS + [("1234 567", (2014, 7, 17, 9, 0), "PATROL 2", around(300, 10))]
    res = run({"INPUT": reads_layer(rows), "OUTPUT_TABLE": "TEMPORARY_OUTPUT", "OUTPUT_HTML": str(tmp_path / "r.html")})
    html = Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])
    top = root.find(".//table[@class='top-plates']").findall("tr")[1:]
    assert [(r[0].text, r[1].text, r.get("data-government")) for r in top[:2]] == [
        ("#1", "3", "yes"),
        ("#2", "2", "no"),
    ]
    assert top[0][-1].text == "Yes: government plate"
    assert "1234567" not in html and "1234 567" not in html


def test_timezone_given_unknown_or_not_to_be_found(tmp_path, monkeypatch):
    # A file, not a temporary output: a result layer caught in the failed run's traceback would outlive QGIS.
    common = {"INPUT": reads_layer(ROWS), "OUTPUT_TABLE": str(tmp_path / "summary.gpkg")}
    res = run(dict(common, TIMEZONE="America/New_York", OUTPUT_HTML=str(tmp_path / "a.html")))
    html = Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")
    assert "America/New_York time (EDT, UTC−04:00) (given as TIMEZONE)" in html
    assert "Reads from <b>2014-07-14 08:00</b>" in html  # named, never shifted
    with pytest.raises(QgsProcessingException, match=r'field "TIMEZONE": "Mars/Olympus" is not an IANA time-zone name'):
        run(dict(common, TIMEZONE="Mars/Olympus", OUTPUT_HTML=str(tmp_path / "b.html")))
    assert not (tmp_path / "b.html").exists()
    monkeypatch.setitem(sys.modules, "alpr_qgis.core.timezones", None)  # the lookup module missing: ImportError
    res = run(dict(common, OUTPUT_HTML=str(tmp_path / "c.html")))
    html = Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8")
    assert "Times are local time as recorded." in html and "America/" not in html


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_report_file_mode_follows_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        res = run({"INPUT": reads_layer(ROWS[:2]), "OUTPUT_TABLE": "TEMPORARY_OUTPUT",
                   "OUTPUT_HTML": str(tmp_path / "r.html")})  # fmt: skip
    finally:
        os.umask(old)
    assert os.stat(res["OUTPUT_HTML"]).st_mode & 0o777 == mode
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("CENSUS_STATS", "the statistics table written by alpr:joincensus"),
        ("HOTSPOTS", "the hexagons written by alpr:hotspots"),
        ("MODEL", "the model table written by alpr:countmodel"),
        ("AUDIT", "the AUDIT table written by alpr:anonymizeplates"),
        ("UNREADABLE", "the REJECTED table written by alpr:loadreads"),
    ],
)
def test_a_result_input_of_the_wrong_kind_is_an_error_and_nothing_is_written(tmp_path, key, what):
    html, table = tmp_path / "r.html", tmp_path / "summary.gpkg"
    with pytest.raises(QgsProcessingException, match=r'{} \("wrong_layer"\) is not {}'.format(key, what)):
        run({"INPUT": reads_layer(ROWS), key: reads_layer(ROWS[:2], name="wrong_layer"),
             "OUTPUT_TABLE": str(table), "OUTPUT_HTML": str(html)})  # fmt: skip
    assert not html.exists() and not table.exists()


# ------------------------------------------------------------------ the sample city, with every finding

MARKER = "mArKeR_path_7q"  # in the folder of every input and output: it must never reach the report


def model_table(folder: Path) -> QgsVectorLayer:
    """A count-model table in alpr:countmodel's OUTPUT_MODEL format (SPEC), made up, as a GeoPackage table."""
    spec = "&".join(
        ["field=term:string"]
        + [
            "field={}:double".format(f)
            for f in ("estimate", "std_error", "z", "p_value", "rate_ratio", "rate_ratio_low", "rate_ratio_high")
        ]  # fmt: skip
    )
    memory = QgsVectorLayer("None?" + spec, "model", "memory")
    rows = [
        ("Intercept", -4.0, 0.2, 1e-30),
        ("per_capita_income", -0.00002, 0.000008, 0.012),
        ("crime_count", 0.03, 0.02, 0.13),
    ]
    features = []
    for term, est, se, p in rows:
        f = QgsFeature(memory.fields())
        lo, hi = est - 1.959964 * se, est + 1.959964 * se
        f.setAttributes([term, est, se, est / se, p, math.exp(est), math.exp(lo), math.exp(hi)])
        features.append(f)
    assert memory.dataProvider().addFeatures(features)
    path = str(folder / "model.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(memory, path, QgsProject.instance().transformContext(), options)
    assert error[0] == QgsVectorFileWriter.NoError
    return path


@pytest.fixture(scope="module")
def sample_summary(sample_loaded, tmp_path_factory):
    """The sample week loaded, cleaned, every finding computed, summarised with all of them (once).

    Every input lives in a folder whose path holds MARKER (the city GeoPackage and the loader's outputs are
    copied there), so that any path or layer source leaking into the report shows.
    """
    folder = tmp_path_factory.mktemp(MARKER)
    for name in ("reads.gpkg", "records.gpkg"):
        shutil.copy(Path(sample_loaded["OUTPUT"]).parent / name, folder / name)
    city = str(folder / "city.gpkg")
    shutil.copy(CITY, city)
    loaded = dict(sample_loaded, OUTPUT=str(folder / "reads.gpkg"), REJECTED=str(folder / "records.gpkg"))
    clean = processing.run(
        "alpr:cleanreads",
        {"INPUT": loaded["OUTPUT"], "DEDUP_SECONDS": 60, "OUTPUT": str(folder / "clean.gpkg"),
         "REJECTED": str(folder / "rejected.gpkg")},
    )  # fmt: skip
    reads, boundary = clean["OUTPUT"], city + "|layername=city_boundary"
    results = {
        "HOTSPOTS": processing.run(
            "alpr:hotspots",
            {"INPUT": reads, "CELL_SIZE": 500, "DISTANCE_BAND": 1000, "BOUNDARY": boundary,
             "OUTPUT": str(folder / "hotspots.gpkg")},
        ),
        "CENSUS": processing.run(
            "alpr:joincensus",
            {"INPUT": reads, "CENSUS": city + "|layername=census_tracts", "POPULATION_FIELD": "population",
             "ATTRIBUTES": ["per_capita_income"], "COUNT_ATTRIBUTES": ["pop_white", "pop_black", "pop_hispanic"],
             "OUTPUT": str(folder / "census.gpkg"), "OUTPUT_STATS": str(folder / "census_stats.gpkg")},
        ),
        "CRIME_STATS": processing.run(
            "alpr:joincrime",
            {"INPUT": reads, "CRIMES": city + "|layername=crimes", "CATEGORY_FIELD": "category",
             "CATEGORY_FILTER": "VEHICLE|AUTO", "CELL_SIZE": 500, "OUTPUT": "TEMPORARY_OUTPUT",
             "OUTPUT_STATS": str(folder / "crime_stats.gpkg")},
        ),
        "SITES": processing.run(
            "alpr:sites",
            {"INPUT": reads, "SITES": city + "|layername=sensitive_sites", "RADIUS": 150,
             "OUTPUT": str(folder / "sites.gpkg")},
        ),
        "OUTSIDE": processing.run(
            "alpr:jurisdiction",
            {"INPUT": reads, "BOUNDARY": boundary, "NEIGHBOURS": city + "|layername=neighbours",
             "OUTPUT": str(folder / "outside.gpkg")},
        ),
        "TRACKS": processing.run(
            "alpr:devicetracks", {"INPUT": reads, "OUTPUT": str(folder / "tracks.gpkg")}
        ),
        "AUDIT": processing.run(
            "alpr:anonymizeplates",
            {"INPUT": reads, "KEY": "a-test-key-of-32-characters-long", "TIME_PRECISION": "hour",
             "LOCATION_PRECISION_M": 200, "OUTPUT": str(folder / "public.gpkg"), "AUDIT": str(folder / "audit.gpkg")},
        ),
    }  # fmt: skip
    hq = next(QgsVectorLayer(city + "|layername=headquarters", "hq", "ogr").getFeatures()).geometry().asPoint()
    common = {"BOUNDARY": boundary, "REFERENCE_POINT": "{},{} [EPSG:4326]".format(hq.x(), hq.y())}
    inputs = {
        "HOTSPOTS": results["HOTSPOTS"]["OUTPUT"],
        "CENSUS": results["CENSUS"]["OUTPUT"],
        "CENSUS_STATS": results["CENSUS"]["OUTPUT_STATS"],
        "CRIME_STATS": results["CRIME_STATS"]["OUTPUT_STATS"],
        "SITES": results["SITES"]["OUTPUT"],
        "OUTSIDE": results["OUTSIDE"]["OUTPUT"],
        "TRACKS": results["TRACKS"]["OUTPUT"],
        "AUDIT": results["AUDIT"]["AUDIT"],
        "MODEL": model_table(folder),
    }
    feedback = RecordingFeedback()
    summary = run(
        dict(
            common,
            **inputs,
            INPUT=reads,
            REJECTED=clean["REJECTED"],
            UNREADABLE=loaded["REJECTED"],
            OUTPUT_TABLE=str(folder / "summary.gpkg"),
            OUTPUT_HTML=str(folder / "report.html"),
        ),
        feedback,
    )
    raw = run(
        dict(common, INPUT=loaded["OUTPUT"], OUTPUT_TABLE="TEMPORARY_OUTPUT", OUTPUT_HTML=str(folder / "raw.html"))
    )
    return loaded, clean, summary, raw, results, feedback


def test_sample_numbers(sample_summary):
    loaded, clean, summary, raw, *_ = sample_summary
    table = table_of(summary["OUTPUT_TABLE"])
    assert table["total_reads"][0] == clean["CLEAN_COUNT"] == 62_303
    assert table["government_plates"][0] == 5
    assert table["government_reads"][0] == 637  # of the cleaner's 640: three were rejected for their location
    assert table["duplicate_reads"][0] == clean["DUPLICATE_COUNT"] == 1_470
    assert table["reads_outside_boundary"][0] == 2_237  # as alpr:jurisdiction finds
    assert table["misreads"][0] == sum(
        clean[r + "_COUNT"] for r in ("EMPTY_PLATE", "INVALID_CHARS", "SIGN_WORD", "OVERLENGTH")
    )
    assert table["misreads"][0] == 79 + 40
    # The funnel: every record of the file, and the 27 empty + 62 zero locations the cleaner set apart.
    assert table["records_in_source"][0] == loaded["READ_COUNT"] + loaded["REJECTED_COUNT"]
    assert table["records_in_source"][0] == 62_303 + clean["REJECTED_COUNT"] + table["unreadable_records"][0]
    assert table["unreadable_records"][0] == loaded["REJECTED_COUNT"]
    assert table["rejected_reads"][0] == clean["REJECTED_COUNT"] == 208
    assert table["rejected_null_island"][0] == 62 and table["rejected_null_geometry"][0] == 27
    assert table["reads_missing_location"][0] == 27 + 62
    assert table["devices"][0] == 5 and table["days_with_reads"][0] == 7
    assert (table["fixed_cameras"][0], table["mobile_devices"][0], table["reads_by_fixed_cameras"][0]) == (2, 3, 2_261)
    assert table["plates_seen_once"][0] / table["unique_plates"][0] > 0.5  # most plates are seen once
    assert summary["READS_NEAR_REFERENCE"] > 0.1 * summary["TOTAL_READS"]  # reads cluster near headquarters
    # The raw reads: every record the loader read, the same missing locations.
    assert raw["TOTAL_READS"] == raw["RECORDS_IN_SOURCE"] == loaded["READ_COUNT"] == 62_511
    assert raw["READS_MISSING_LOCATION"] == 27 + 62
    assert raw["DUPLICATE_READS"] is None and raw["MISREADS"] is None
    assert raw["GOVERNMENT_PLATES"] == 5  # from the pattern, on the raw plates
    assert raw["GOVERNMENT_READS"] == clean["GOVERNMENT_READ_COUNT"] == 640


def section_headline(root, sid: str) -> str:
    section = root.find(".//section[@id='{}']".format(sid))
    assert section is not None, sid
    return section.find("p[@class='headline']").text


def test_sample_report_has_every_finding(sample_summary):
    loaded, clean, summary, raw, results, _ = sample_summary
    html = Path(summary["OUTPUT_HTML"]).read_text(encoding="utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])
    ids = [s.get("id") for s in root.iter("section")]
    findings = ["hotspots", "census", "crime", "sites", "outside", "tracks", "model", "audit"]
    assert ids == ["funnel", "findings", "numbers", "time", "plates", "devices", "map", *findings, "methods"]
    assert root.find(".//h1").text == "License plate reader (ALPR) reads in Harborview, 14–20 July 2014"
    assert re.search(r"62,303 reads of [\d,]+ distinct plates", html)
    devices = [tr[0].text for tr in root.find(".//section[@id='devices']/table").findall("tr")[1:]]
    assert sorted(devices) == ["FIXED CAM 1", "FIXED CAM 2", "PATROL 1", "PATROL 2", "PATROL 3"]
    hot = results["HOTSPOTS"]
    assert section_headline(root, "hotspots").startswith(
        "{:,} of the {:,} hexagons are hot spots".format(hot["HOT_COUNT"], hot["CELL_COUNT"])
    )
    assert section_headline(root, "census").startswith("Residents counted in pop_")
    crime = results["CRIME_STATS"]
    assert "{:.1%} of the reads".format(crime["TOP_CRIME_READ_SHARE"]) in section_headline(root, "crime")
    assert (
        section_headline(root, "sites")
        .split(" of the ")[1]
        .startswith("{} sensitive sites".format(results["SITES"]["SITE_COUNT"]))
    )
    assert section_headline(root, "outside").startswith(
        "{:,} reads were taken outside the boundary".format(results["OUTSIDE"]["OUTSIDE_COUNT"])
    )
    assert results["OUTSIDE"]["OUTSIDE_COUNT"] == summary["READS_OUTSIDE_BOUNDARY"]
    tracks = results["TRACKS"]
    assert section_headline(root, "tracks").startswith(
        "{} devices drove {:,} tracks".format(tracks["DEVICE_COUNT"], tracks["TRACK_COUNT"])
    )
    assert section_headline(root, "model").startswith(
        "Holding the other factors fixed, each one-unit increase in per_capita_income multiplies the expected reads by 0.99998"
    )
    assert section_headline(root, "audit").startswith("In the published data, someone who knows 4 sightings")
    # Reads are in Oakland's zone, found from where they are; the charts say so.
    assert "America/Los_Angeles time (PDT, UTC−07:00)" in root.find(".//section[@id='time']/p").text
    # The government plates are flagged among the most-read.
    top = root.find(".//table[@class='top-plates']").findall("tr")[1:]
    assert top[0].get("data-government") == "yes"
    assert html.count("data:image/png;base64,") == 5 + 1 + 9  # the page, the funnel, the findings' charts


def test_sample_report_holds_no_path_no_source_no_plate(sample_summary):
    loaded, clean, summary, raw, results, feedback = sample_summary
    for report in (summary["OUTPUT_HTML"], raw["OUTPUT_HTML"]):
        html = Path(report).read_text(encoding="utf-8")
        assert MARKER not in html and "city.gpkg" not in html and "layername=" not in html
        assert "/tmp" not in html and str(Path.home()) not in html
    ours = [m for m in feedback.messages if not m.startswith(("Input parameters:", "Results:"))]  # QGIS's own echo
    assert not [m for m in ours if MARKER in m]
    html = Path(summary["OUTPUT_HTML"]).read_text(encoding="utf-8")
    plates = {f["plate"] for f in QgsVectorLayer(clean["OUTPUT"]).getFeatures() if f["plate"] and len(f["plate"]) > 5}
    assert not [p for p in list(plates)[:5000] if p in html]
    root = ET.fromstring(html.split("\n", 1)[1])
    inputs = {tr[0].text: tr[1].text for tr in root.findall(".//section[@id='methods']/table")[0].findall("tr")[1:]}
    assert inputs["Boundary (BOUNDARY)"] == "city_boundary" and inputs["Count model (MODEL)"] == "model"
    assert inputs["Reads analysed (INPUT)"] == "clean"
