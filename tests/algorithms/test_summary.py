"""alpr:summary through processing.run: metrics against ground truth, the report, bad input, the sample."""

from __future__ import annotations

import re
import sqlite3
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
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

from alpr_qgis.core.report import format_value
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
    assert table["mean_reads_per_plate"][0] == pytest.approx(7 / 5)
    # What the input cannot give is null, with the reason.
    assert table["duplicate_reads"][0] is None and "alpr:cleanreads" in table["duplicate_reads"][1]
    assert table["misreads"][0] is None and res["MISREADS"] is None
    assert table["reads_missing_location"][1] == "1 without a geometry, 1 at 0,0"
    assert "1,609 m (1 mile)" in table["reads_near_reference"][1]
    # The log shows the numbers but never a plate.
    log = feedback.text()
    assert "unique_plates: 5" in log
    for plate, *_ in ROWS:
        assert plate not in log and plate.upper() not in log


def test_report_matches_table_and_escapes(small):
    _, table, html = small
    root = ET.fromstring(html.split("\n", 1)[1])
    shown = {r[0].text: r[1].text for r in root.findall(".//div[@id='metrics']/table/tr")[1:]}
    assert shown == {m: format_value(v) for m, (v, _) in table.items()}
    images = [img.get("src") for img in root.iter("img")]
    assert len(images) == 5  # hour, weekday x hour, reads per plate, device days, map
    caption = root.findall(".//figure")[-1].find("figcaption").text
    assert caption.startswith("Map of the reads, the boundary (outline), the reference point")
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


def test_many_reads_are_mapped_as_a_density(tmp_path, monkeypatch):
    from alpr_qgis.algorithms import summary as module

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


def test_rejected_without_reason_is_an_error(tmp_path):
    other = reads_layer(ROWS[:1], name="not_rejected")
    with pytest.raises(QgsProcessingException, match=r'not_rejected: has no field "reason"'):
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


# ------------------------------------------------------------------ the sample city


@pytest.fixture(scope="module")
def sample_summary(sample_loaded, tmp_path_factory):
    """The sample week loaded, cleaned, summarised with the boundary, HQ and the rejected reads (once)."""
    folder = tmp_path_factory.mktemp("sample_summary")
    loaded = sample_loaded
    clean = processing.run(
        "alpr:cleanreads",
        {
            "INPUT": loaded["OUTPUT"],
            "DEDUP_SECONDS": 60,
            "OUTPUT": str(folder / "clean.gpkg"),
            "REJECTED": str(folder / "rejected.gpkg"),
        },
    )
    hq = next(QgsVectorLayer(CITY + "|layername=headquarters", "hq", "ogr").getFeatures()).geometry().asPoint()
    common = {
        "BOUNDARY": CITY + "|layername=city_boundary",
        "REFERENCE_POINT": "{},{} [EPSG:4326]".format(hq.x(), hq.y()),
    }
    summary = run(
        dict(
            common,
            INPUT=clean["OUTPUT"],
            REJECTED=clean["REJECTED"],
            OUTPUT_TABLE=str(folder / "summary.gpkg"),
            OUTPUT_HTML=str(folder / "report.html"),
        )
    )
    raw = run(
        dict(common, INPUT=loaded["OUTPUT"], OUTPUT_TABLE="TEMPORARY_OUTPUT", OUTPUT_HTML=str(folder / "raw.html"))
    )
    return loaded, clean, summary, raw, folder


def test_sample_numbers(sample_summary):
    loaded, clean, summary, raw, folder = sample_summary
    table = table_of(summary["OUTPUT_TABLE"])
    assert table["total_reads"][0] == clean["CLEAN_COUNT"] == 60_042
    assert table["government_plates"][0] == 5
    assert table["government_reads"][0] == 629  # of the cleaner's 632: three were rejected for their location
    assert table["duplicate_reads"][0] == clean["DUPLICATE_COUNT"] == 1_470
    assert table["reads_outside_boundary"][0] == 2_237  # as alpr:jurisdiction finds
    assert table["misreads"][0] == clean["SIGN_WORD_COUNT"] + clean["OVERLENGTH_COUNT"] == 79 + 40
    assert table["reads_missing_location"][0] == 0
    assert table["devices"][0] == 3 and table["days_with_reads"][0] == 7
    assert table["plates_seen_once"][0] / table["unique_plates"][0] > 0.5  # most plates are seen once
    assert summary["READS_NEAR_REFERENCE"] > 0.1 * summary["TOTAL_READS"]  # reads cluster near headquarters
    # The raw reads: every record, and the 27 empty + 62 zero locations the cleaner sets apart.
    assert raw["TOTAL_READS"] == loaded["READ_COUNT"] == 60_250
    assert raw["READS_MISSING_LOCATION"] == 27 + 62
    assert raw["DUPLICATE_READS"] is None and raw["MISREADS"] is None
    assert raw["GOVERNMENT_PLATES"] == 5  # from the pattern, on the raw plates
    assert raw["GOVERNMENT_READS"] == clean["GOVERNMENT_READS"] == 632


def test_sample_report(sample_summary):
    *_, summary, raw, folder = sample_summary
    html = Path(summary["OUTPUT_HTML"]).read_text(encoding="utf-8")
    root = ET.fromstring(html.split("\n", 1)[1])
    assert re.search(r"60,042 reads of [\d,]+ distinct plates", html)
    devices = [tr[0].text for tr in root.find(".//section[@id='devices']/table").findall("tr")[1:]]
    assert sorted(devices) == ["PATROL 1", "PATROL 2", "PATROL 3"]
    assert html.count("data:image/png;base64,") == 5
