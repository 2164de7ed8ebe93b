"""alpr:summary on a PostGIS table: counted in the database, and equal to the file path on the same rows.

Each test runs the summary twice on the same reads, once from a GeoPackage
(the file path) and once from the same rows in the test cluster (the
push-down), and compares every output number, every row of the summary
table (value and note) and the HTML report with its map image and the
layer names taken out.  The push-down's evidence: the rows that came back
(logged by ``PgReads.log_fetched``) are a small share of the reads.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorFileWriter, QgsVectorLayer

from alpr_qgis.core.metrics import METRICS
from tests.postgis.pairs import gpkg_to_postgis, source
from tests.processing_fixtures import RecordingFeedback

CITY = str(Path(__file__).resolve().parents[2] / "sample" / "city.gpkg")
BOUNDARY = CITY + "|layername=city_boundary"
FETCHED = re.compile(r"Worked in the database \(.*\): ([\d,]+) rows came back to QGIS\.")
NUMBERS = [m.upper() for m in METRICS] + ["MISSING_LOCATION_COUNT"]


def headquarters() -> str:
    layer = QgsVectorLayer(CITY + "|layername=headquarters", "hq", "ogr")
    point = next(layer.getFeatures()).geometry().asPoint()
    return "{},{} [EPSG:4326]".format(point.x(), point.y())


def table_rows(path: str):
    """(metric, value, note) rows of a summary table written to a GeoPackage, in order."""
    with sqlite3.connect(path) as conn:
        layer = conn.execute("SELECT table_name FROM gpkg_contents").fetchone()[0]
        return conn.execute('SELECT metric, value, note FROM "{}" ORDER BY fid'.format(layer)).fetchall()


def comparable_html(path: str, names) -> str:
    """The report without its map image, the minute it was made and the input layer's name (which differ)."""
    html = Path(path).read_text(encoding="utf-8")
    # (only the map's image: the charts stay, and must be equal too)
    html = re.sub(
        r'(<section id="map">(?:(?!</section>).)*?<img src=")data:image/png;base64,[A-Za-z0-9+/=]+',
        r"\1MAP",
        html,
        count=1,
        flags=re.S,
    )
    html = re.sub(r'(<p class="muted">Made )[^<]* with', r"\1WHEN with", html, count=1)
    for name in names:
        html = html.replace(name, "INPUT_LAYER")
    return html


def both(tmp_path, gpkg: str, pg_source: str, names, **params):
    """Run the summary on the GeoPackage and on PostGIS; (file results, pg results, pg feedback, html pair)."""
    runs = []
    for kind, layer in (("file", gpkg), ("pg", pg_source)):
        feedback = RecordingFeedback()
        result = processing.run(
            "alpr:summary",
            dict(
                params,
                INPUT=layer,
                OUTPUT_TABLE=str(tmp_path / "{}.gpkg".format(kind)),
                OUTPUT_HTML=str(tmp_path / "{}.html".format(kind)),
            ),
            feedback=feedback,
        )
        runs.append((result, feedback))
    (file_result, _), (pg_result, pg_feedback) = runs
    return file_result, pg_result, pg_feedback


def assert_same(file_result, pg_result, names) -> None:
    for key in NUMBERS:
        a, b = file_result[key], pg_result[key]
        assert (a is None) == (b is None), key
        if a is not None:
            assert b == pytest.approx(a, rel=1e-12, abs=1e-9), key
    file_rows, pg_rows = table_rows(file_result["OUTPUT_TABLE"]), table_rows(pg_result["OUTPUT_TABLE"])
    assert [r[0] for r in pg_rows] == [r[0] for r in file_rows]
    for (metric, a, note_a), (_, b, note_b) in zip(file_rows, pg_rows):
        assert (a is None) == (b is None), metric
        if a is not None:
            assert b == pytest.approx(a, rel=1e-12, abs=1e-9), metric
        assert note_b == note_a, metric
    file_html = comparable_html(file_result["OUTPUT_HTML"], names)
    pg_html = comparable_html(pg_result["OUTPUT_HTML"], names)
    assert pg_html == file_html


def fetched(feedback) -> int:
    found = FETCHED.findall(feedback.text())
    assert found, "no push-down log line"
    return int(found[-1].replace(",", ""))


def test_sample_raw_reads(sample_pair, tmp_path):
    """The loaded sample week: every number, the table, the report equal; a few thousand rows at most come back."""
    params = {"BOUNDARY": BOUNDARY, "REFERENCE_POINT": headquarters()}
    file_result, pg_result, feedback = both(
        tmp_path, sample_pair["gpkg"], sample_pair["pg"], ["sample_reads", "reads"], **params
    )
    assert file_result["TOTAL_READS"] == 62_511
    assert_same(file_result, pg_result, ["sample_reads", "reads"])
    assert fetched(feedback) < 0.05 * 62_511
    assert pg_result["READS_OUTSIDE_BOUNDARY"] > 0 and pg_result["READS_NEAR_REFERENCE"] > 0


@pytest.fixture(scope="module")
def cleaned_pair(pg, sample_loaded, tmp_path_factory):
    folder = tmp_path_factory.mktemp("summary_clean")
    clean = processing.run(
        "alpr:cleanreads",
        {
            "INPUT": sample_loaded["OUTPUT"],
            "DEDUP_SECONDS": 60,
            "OUTPUT": str(folder / "clean.gpkg"),
            "REJECTED": str(folder / "rejected.gpkg"),
        },
    )
    return clean, gpkg_to_postgis(pg, clean["OUTPUT"], "summary_clean_reads")


def test_cleaned_sample_with_funnel(cleaned_pair, sample_loaded, tmp_path):
    """The cleaned sample with the funnel's layers (government and duplicate flags from their fields)."""
    clean, pg_source = cleaned_pair
    params = {
        "BOUNDARY": BOUNDARY,
        "REFERENCE_POINT": headquarters(),
        "REFERENCE_DISTANCE": 800.0,
        "REJECTED": clean["REJECTED"],
        "UNREADABLE": sample_loaded["REJECTED"],
    }
    names = ["summary_clean_reads", "clean"]
    file_result, pg_result, feedback = both(tmp_path, clean["OUTPUT"], pg_source, names, **params)
    assert file_result["TOTAL_READS"] == 62_303
    assert file_result["GOVERNMENT_READS"] == 637 and file_result["DUPLICATE_READS"] == 1_470
    assert_same(file_result, pg_result, names)
    assert fetched(feedback) < 0.05 * 62_303


def small_gpkg(path: Path, rows, name: str):
    """A GeoPackage of reads (plate, when, device, state, (lon, lat) or None) with read ids."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY
    from qgis.PyQt.QtCore import QDate, QDateTime, QTime

    fields = "read_id:long&field=plate:string&field=read_time:datetime&field=device:string&field=state:string"
    layer = QgsVectorLayer("Point?crs=EPSG:4326&field=" + fields, name, "memory")
    features = []
    for i, (plate, when, device, state, point) in enumerate(rows, start=1):
        f = QgsFeature(layer.fields())
        stamp = QDateTime(QDate(*when[:3]), QTime(*when[3:], 0)) if when else None
        f.setAttributes([i, plate, stamp, device, state])
        if point is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*point)))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", name
    from qgis.core import QgsProject

    error = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, str(path), QgsProject.instance().transformContext(), options
    )
    assert error[0] == QgsVectorFileWriter.NoError, error
    return str(path)


ROWS = [
    ("6TRM913", (2014, 7, 14, 8, 0), "PATROL 1", "CA", (-122.27, 37.81)),
    ("6trm-913", (2014, 7, 14, 9, 0), "PATROL 1", "ca", (-122.26, 37.80)),
    ("6TRM 913", (2014, 7, 14, 9, 5), "PATROL 1", "NV", (-122.26, 37.80)),
    ("ABC123", (2014, 7, 15, 13, 0), "<script>alert(1)</script>", None, (-122.25, 37.79)),
    ("1234567", (2014, 7, 15, 13, 30), "PATROL 2", "CA", (-122.20, 37.70)),
    ("1234567", (2014, 7, 16, 23, 0), "PATROL 2", "CA", (-122.28, 37.82)),
    ("QQQ777", None, "PATROL 2", None, (0.0, 0.0)),
    ("ZZZ111", (2014, 7, 20, 2, 0), None, None, None),
    ("", (2014, 7, 20, 3, 0), "  ", "CA", (-122.27, 37.80)),
    (None, (2014, 7, 21, 4, 0), "CAM 9", "CA", (200.0, 95.0)),
] + [("FX{:03d}".format(i % 3), (2014, 7, 17, 10, i), "POLE", "CA", (-122.2700 + 1e-6 * i, 37.80)) for i in range(12)]


def on_the_circle(centre, metres: float, bearing_deg: float):
    """The point ``metres`` from ``centre`` (lon, lat) on the WGS 84 ellipsoid."""
    import math

    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsPointXY, QgsProject

    area = QgsDistanceArea()
    area.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance().transformContext())
    area.setEllipsoid("WGS84")
    point = area.computeSpheroidProject(QgsPointXY(*centre), metres, math.radians(bearing_deg))
    return point.x(), point.y()


def test_edge_cases_with_states(pg, tmp_path):
    """States pair plates, blank devices, a plate-less read, 0,0, out of range, no location, a fixed camera,
    and reads a centimetre inside and outside the reference distance."""
    hq = headquarters()
    centre = tuple(float(v) for v in hq.split(" ")[0].split(","))
    rim = [
        ("ABC123", (2014, 7, 18, 12, i), "PATROL 3", None, on_the_circle(centre, 800.0 + d, bearing))
        for i, (d, bearing) in enumerate(((-0.01, 10), (0.01, 100), (-0.01, 200), (0.01, 300)))
    ]
    gpkg = small_gpkg(tmp_path / "small_file_reads.gpkg", ROWS + rim, "small_file_reads")
    pg_source = gpkg_to_postgis(pg, gpkg, "summary_small_reads")
    params = {
        "BOUNDARY": BOUNDARY,
        "REFERENCE_POINT": hq,
        "REFERENCE_DISTANCE": 800.0,
        "TIMEZONE": "America/Los_Angeles",
    }
    file_result, pg_result, feedback = both(
        tmp_path, gpkg, pg_source, ["summary_small_reads", "small_file_reads"], **params
    )
    assert file_result["FIXED_CAMERAS"] == 1 and file_result["UNIQUE_PLATES"] == 9
    inside = file_result["READS_NEAR_REFERENCE"]
    assert_same(file_result, pg_result, ["summary_small_reads", "small_file_reads"])
    assert "Worked in the database" in feedback.text()
    from alpr_qgis.core.geodesy import within_distance

    located = [r[4] for r in ROWS if r[4] is not None and abs(r[4][0]) <= 180 and abs(r[4][1]) <= 90 and r[4] != (0, 0)]
    others = int(within_distance(*centre, [p[0] for p in located], [p[1] for p in located], 800.0).sum())
    assert inside == others + 2  # (the two a centimetre inside; not the two a centimetre outside)


def test_camera_across_four_screening_cells(pg, tmp_path):
    """A camera whose reads straddle a corner of the screening grid (four cells, none holding 99 % of them) is
    fixed; one with 3 % of its reads far away is mobile; both as on the file path."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

    from alpr_qgis.qgis_io.postgis import summary_kinds

    utm, wgs = QgsCoordinateReferenceSystem("EPSG:32610"), QgsCoordinateReferenceSystem("EPSG:4326")
    back = QgsCoordinateTransform(utm, wgs, QgsProject.instance())
    side = max(2.0 * 50.0 * (1 + 1e-6), summary_kinds._CELL_MIN)
    corner = (round(565_000 / side) * side, round(4_185_000 / side) * side)  # (Oakland, UTM 10N)

    def place(dx: float, dy: float):
        point = back.transform(QgsPointXY(corner[0] + dx, corner[1] + dy))
        return point.x(), point.y()

    around = [place(dx, dy) for dx in (-20.0, 20.0) for dy in (-20.0, 20.0)]
    rows = []
    for device, near, far in (("CORNER CAM", 300, 2), ("ALMOST CAM", 290, 10)):
        for i in range(near + far):
            where = around[i % 4] if i < near else place(5_000.0 + i, 0.0)
            rows.append(("P{:04d}".format(i), (2014, 7, 14 + i // 1440, (i // 60) % 24, i % 60), device, None, where))
    gpkg = small_gpkg(tmp_path / "corner_reads.gpkg", rows, "corner_reads")
    pg_source = gpkg_to_postgis(pg, gpkg, "summary_corner_reads")
    names = ["summary_corner_reads", "corner_reads"]
    file_result, pg_result, _ = both(tmp_path, gpkg, pg_source, names, FIXED_RADIUS_M=50.0)
    assert file_result["FIXED_CAMERAS"] == 1 and file_result["MOBILE_DEVICES"] == 1
    assert file_result["READS_BY_FIXED_CAMERAS"] == 302
    assert_same(file_result, pg_result, names)


def test_hashed_plates(pg, tmp_path):
    """Plates that arrived hashed: the government metrics are null on both paths, with the same note."""
    import hashlib

    rows = [
        (hashlib.sha1(str(i % 7).encode()).hexdigest(), (2014, 7, 14, i % 24, 0), "CAM", None, (-122.27, 37.80))
        for i in range(30)
    ]
    gpkg = small_gpkg(tmp_path / "hashed_file_reads.gpkg", rows, "hashed_file_reads")
    pg_source = gpkg_to_postgis(pg, gpkg, "summary_hashed_reads")
    file_result, pg_result, feedback = both(
        tmp_path, gpkg, pg_source, ["summary_hashed_reads", "hashed_file_reads"], TIMEZONE="UTC"
    )
    assert file_result["GOVERNMENT_PLATES"] is None
    assert_same(file_result, pg_result, ["summary_hashed_reads", "hashed_file_reads"])
    assert fetched(feedback) > 0


def test_missing_field_and_no_secret(pg, sample_pair, tmp_path):
    """A plate field the table lacks: a clear error naming it and its parameter; no socket path or password."""
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:summary",
            {
                "INPUT": sample_pair["pg"],
                "PLATE_FIELD": "no_such_field",
                "OUTPUT_TABLE": str(tmp_path / "t.gpkg"),
                "OUTPUT_HTML": str(tmp_path / "r.html"),
            },
            feedback=feedback,
        )
    message = str(caught.value)
    assert "no_such_field" in message and "PLATE_FIELD" in message
    for text in (message, feedback.text()):
        assert pg.host not in text and "password" not in text.lower()


@pytest.mark.parametrize("with_column", [True, False])
def test_table_without_geometry(pg, tmp_path, with_column):
    """A reads table without a geometry column: a clear error, without the socket path (named as (geom) or not)."""
    from alpr_qgis.qgis_io.postgis import connect
    from tests.postgis.pairs import table_uri

    with connect(table_uri(pg, "summary_no_geom"), driver="psycopg2") as conn:
        conn.execute("DROP TABLE IF EXISTS public.summary_no_geom")
        conn.execute("CREATE TABLE public.summary_no_geom (read_id bigint, plate text, read_time timestamp)")
        conn.execute("INSERT INTO public.summary_no_geom VALUES (1, 'ABC123', '2014-07-14 08:00')")
    layer = source(pg, "summary_no_geom")
    feedback = RecordingFeedback()
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:summary",
            {
                "INPUT": layer if with_column else layer.replace(" (geom)", ""),
                "OUTPUT_TABLE": str(tmp_path / "t.gpkg"),
                "OUTPUT_HTML": str(tmp_path / "r.html"),
            },
            feedback=feedback,
        )
    message = str(caught.value)
    assert "summary_no_geom" in message and "Traceback" not in message
    assert pg.host not in message and pg.host not in feedback.text()
    if not with_column:
        assert "has no geometry column" in message


def test_density_map_from_database_grid(sample_pair, tmp_path, monkeypatch):
    """Beyond DRAW_POINTS_UP_TO located reads the map is a density grid: counted in SQL, the same counts per cell."""
    import scipy.ndimage

    from alpr_qgis.qgis_io import report_map
    from alpr_qgis.qgis_io.postgis import summary_map

    monkeypatch.setattr(report_map, "DRAW_POINTS_UP_TO", 5_000)
    monkeypatch.setattr(summary_map, "DRAW_POINTS_UP_TO", 5_000)
    grids = []
    smooth = scipy.ndimage.gaussian_filter

    def recording(counts, sigma, *args, **kwargs):
        grids.append(counts.copy())
        return smooth(counts, sigma, *args, **kwargs)

    monkeypatch.setattr(scipy.ndimage, "gaussian_filter", recording)
    names = ["sample_reads", "reads"]
    file_result, pg_result, feedback = both(tmp_path, sample_pair["gpkg"], sample_pair["pg"], names, TIMEZONE="UTC")
    assert_same(file_result, pg_result, names)  # (the caption names the density and its count)
    assert len(grids) == 2 and grids[0].shape == grids[1].shape and grids[0].sum() > 60_000
    assert (grids[0] == grids[1]).all()
    assert "density of the" in Path(pg_result["OUTPUT_HTML"]).read_text(encoding="utf-8")
    # One row per non-empty cell (at most 450 x 450, however many reads), beside the other aggregates.
    assert fetched(feedback) < int((grids[1] > 0).sum()) + 0.05 * 62_511


class CancelAt(RecordingFeedback):
    """Cancels once the progress reaches ``at`` per cent."""

    def __init__(self, at: float) -> None:
        super().__init__()
        self.at = at

    def setProgress(self, progress):  # noqa: N802
        super().setProgress(progress)
        if progress >= self.at:
            self.cancel()


def test_cancel_between_statements(sample_pair, tmp_path):
    """Cancelled while counting: stops between statements, writes nothing."""
    feedback = CancelAt(10)
    html = tmp_path / "r.html"
    result = processing.run(
        "alpr:summary",
        {"INPUT": sample_pair["pg"], "OUTPUT_TABLE": str(tmp_path / "t.gpkg"), "OUTPUT_HTML": str(html)},
        feedback=feedback,
    )
    assert "Cancelled" in feedback.text() and "Counting" not in feedback.text()
    assert not html.exists() and "OUTPUT_HTML" not in result


def test_columns_it_cannot_count_are_read_through_qgis(pg, tmp_path):
    """Times kept as text (parsed by the file path's own rules): said in the log, and the reads read through QGIS."""
    from alpr_qgis.qgis_io.postgis import connect
    from tests.postgis.pairs import table_uri

    gpkg = small_gpkg(tmp_path / "text_time_reads.gpkg", ROWS, "text_time_reads")
    pg_source = gpkg_to_postgis(pg, gpkg, "summary_text_time")
    with connect(table_uri(pg, "summary_text_time"), driver="psycopg2") as conn:
        conn.execute("ALTER TABLE public.summary_text_time ALTER COLUMN read_time TYPE text")
    feedback = RecordingFeedback()
    result = processing.run(
        "alpr:summary",
        {"INPUT": pg_source, "OUTPUT_TABLE": str(tmp_path / "t.gpkg"), "OUTPUT_HTML": str(tmp_path / "r.html")},
        feedback=feedback,
    )
    assert "read_time cannot be counted in the database" in feedback.text()
    assert "Worked in the database" not in feedback.text()
    assert result["TOTAL_READS"] == len(ROWS)


def test_cancel_stops_a_running_statement(sample_pair):
    """A statement still running when the user cancels is cancelled on the server (not waited for)."""
    import threading
    import time

    from qgis.core import QgsVectorLayer

    from alpr_qgis.core.errors import Cancelled
    from alpr_qgis.qgis_io.postgis import connect, layer_table
    from alpr_qgis.qgis_io.postgis.source import PgReads
    from alpr_qgis.qgis_io.postgis.summary import snapshot

    table = layer_table(QgsVectorLayer(sample_pair["pg"], "reads", "postgres"))
    feedback = RecordingFeedback()
    threading.Timer(0.5, feedback.cancel).start()
    started = time.monotonic()
    with PgReads(table, connect(table.uri), "reads") as pg:
        with pytest.raises(Cancelled), snapshot(pg, feedback):
            pg.query("SELECT pg_sleep(30)")
        assert pg.query("SELECT 1") == [(1,)]  # (the connection is usable again)
    assert time.monotonic() - started < 10


def test_reads_in_a_projected_crs(pg, sample_pair, tmp_path):
    """The sample in EPSG:3857 (metres): degrees and the boundary's CRS reached by ST_Transform, same results."""
    projected = processing.run(
        "native:reprojectlayer",
        {"INPUT": sample_pair["gpkg"], "TARGET_CRS": "EPSG:3857", "OUTPUT": str(tmp_path / "mercator_reads.gpkg")},
    )["OUTPUT"]
    pg_source = gpkg_to_postgis(pg, projected, "summary_mercator")
    names = ["summary_mercator", "mercator_reads"]
    params = {"BOUNDARY": BOUNDARY, "REFERENCE_POINT": headquarters(), "FIXED_RADIUS_M": 200.0}
    file_result, pg_result, feedback = both(tmp_path, projected, pg_source, names, **params)
    assert file_result["TOTAL_READS"] == 62_511
    assert_same(file_result, pg_result, names)
    assert fetched(feedback) < 0.05 * 62_511


def test_odd_table_and_field_names(pg, tmp_path):
    """Quotes, semicolons and spaces in the table's and fields' names: quoted, nothing injected, same numbers."""
    from alpr_qgis.qgis_io.postgis import connect
    from tests.postgis.pairs import table_uri

    gpkg = small_gpkg(tmp_path / "odd_file_reads.gpkg", ROWS, "odd_file_reads")
    table = 'odd "reads"; DROP TABLE x; --'
    pg_source = gpkg_to_postgis(pg, gpkg, table)
    # (QGIS splits a field parameter at semicolons: the fields get quotes, spaces and dashes only)
    fields = {"plate": 'pl"ate --', "device": "de vice'", "read_time": 'read "time"'}
    with connect(table_uri(pg, table), driver="psycopg2") as conn:
        for old, new in fields.items():
            conn.execute(
                'ALTER TABLE public."{}" RENAME COLUMN "{}" TO "{}"'.format(
                    table.replace('"', '""'), old, new.replace('"', '""')
                )
            )
    common = {"REFERENCE_POINT": headquarters(), "TIMEZONE": "UTC"}
    file_result = processing.run(
        "alpr:summary",
        dict(common, INPUT=gpkg, OUTPUT_TABLE=str(tmp_path / "f.gpkg"), OUTPUT_HTML=str(tmp_path / "f.html")),
    )
    feedback = RecordingFeedback()
    pg_result = processing.run(
        "alpr:summary",
        dict(
            common,
            INPUT=pg_source,
            PLATE_FIELD=fields["plate"],
            DEVICE_FIELD=fields["device"],
            TIME_FIELD=fields["read_time"],
            OUTPUT_TABLE=str(tmp_path / "p.gpkg"),
            OUTPUT_HTML=str(tmp_path / "p.html"),
        ),
        feedback=feedback,
    )
    assert fetched(feedback) > 0
    for key in NUMBERS:
        assert pg_result[key] == file_result[key], key
    assert table_rows(pg_result["OUTPUT_TABLE"]) == table_rows(file_result["OUTPUT_TABLE"])
    with connect(table_uri(pg, table), driver="psycopg2") as conn:
        assert conn.execute('SELECT count(*) FROM public."{}"'.format(table.replace('"', '""')))[0][0] == len(ROWS)


def test_python_only_pattern_is_read_through_qgis(sample_pair, tmp_path):
    """A GOVERNMENT_PATTERN in Python's own syntax (named group) is not sent to PostgreSQL's regex: QGIS reads."""
    feedback = RecordingFeedback()
    result = processing.run(
        "alpr:summary",
        {
            "INPUT": sample_pair["pg"],
            "GOVERNMENT_PATTERN": r"(?P<gov>\d{7})",
            "OUTPUT_TABLE": str(tmp_path / "t.gpkg"),
            "OUTPUT_HTML": str(tmp_path / "r.html"),
        },
        feedback=feedback,
    )
    assert "GOVERNMENT_PATTERN cannot be counted in the database" in feedback.text()
    assert result["TOTAL_READS"] == 62_511 and result["GOVERNMENT_PLATES"] > 0


def test_shared_read_ids_warned_alike(sample_pair, cleaned_pair, tmp_path):
    """Raw reads as INPUT with the cleaner's REJECTED: the read ids both hold are counted in the database, and the
    warning is the file path's."""
    clean, _ = cleaned_pair
    shared = re.compile(r"([\d,]+) read_id values are both in INPUT and in REJECTED")
    found = []
    for kind, layer in (("file", sample_pair["gpkg"]), ("pg", sample_pair["pg"])):
        feedback = RecordingFeedback()
        processing.run(
            "alpr:summary",
            {
                "INPUT": layer,
                "REJECTED": clean["REJECTED"],
                "TIMEZONE": "UTC",
                "OUTPUT_TABLE": str(tmp_path / "{}.gpkg".format(kind)),
                "OUTPUT_HTML": str(tmp_path / "{}.html".format(kind)),
            },
            feedback=feedback,
        )
        found.append(shared.findall(feedback.text()))
    assert found[0] == found[1] and found[0] and int(found[0][0].replace(",", "")) == clean["REJECTED_COUNT"]


def test_empty_table(pg, tmp_path):
    """A table without rows: the same nulls and zeros as the file path, and the same warning."""
    gpkg = small_gpkg(tmp_path / "empty_file_reads.gpkg", [], "empty_file_reads")
    pg_source = gpkg_to_postgis(pg, gpkg, "summary_empty_reads")
    names = ["summary_empty_reads", "empty_file_reads"]
    file_result, pg_result, feedback = both(tmp_path, gpkg, pg_source, names)
    assert pg_result["TOTAL_READS"] == 0 and pg_result["UNIQUE_PLATES"] == 0
    assert_same(file_result, pg_result, names)
    assert "The input layer has no features." in feedback.text()


def test_table_without_read_id(pg, tmp_path):
    """Without read_id the table's own order (ctid) breaks the ties of the most-read plates, as QGIS reads it."""
    from alpr_qgis.qgis_io.postgis import connect
    from tests.postgis.pairs import table_uri

    gpkg = small_gpkg(tmp_path / "noid_file_reads.gpkg", ROWS, "noid_file_reads")
    pg_source = gpkg_to_postgis(pg, gpkg, "summary_noid_reads")
    with connect(table_uri(pg, "summary_noid_reads"), driver="psycopg2") as conn:
        conn.execute("ALTER TABLE public.summary_noid_reads DROP COLUMN read_id")
    names = ["summary_noid_reads", "noid_file_reads"]
    file_result, pg_result, feedback = both(tmp_path, gpkg, pg_source, names, TIMEZONE="UTC")
    assert_same(file_result, pg_result, names)
    assert fetched(feedback) > 0
