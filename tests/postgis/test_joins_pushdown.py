"""joincensus, joincrime, sites and jurisdiction on PostGIS: the work done in the database, the file path's results.

Each algorithm runs twice on the sample week: from the GeoPackage (the file
path) and from the same rows in PostGIS (``sample_pair``).  Every number
returned and every row written must agree; the log's count of rows that came
back to QGIS must stay far below the reads.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import psycopg2
import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsVectorLayer

from alpr_qgis.qgis_io.postgis import PgTable, connect, load_reads
from tests.algorithms.test_jurisdiction import CITY
from tests.postgis.pairs import destination, source, table_uri

CENSUS = CITY + "|layername=census_tracts"
CRIMES = CITY + "|layername=crimes"
SITES = CITY + "|layername=sensitive_sites"
BOUNDARY = CITY + "|layername=city_boundary"
NEIGHBOURS = CITY + "|layername=neighbours"

SAMPLE_READS = 62_511


# ------------------------------------------------------------------ helpers


def fetched(feedback) -> int:
    """The rows the database sent back, from the push-down's log line."""
    found = re.findall(r"Worked in the database \(.*\): (\d+) rows came back to QGIS", feedback.text())
    assert found, "the run did not say it worked in the database"
    return int(found[-1])


def _plain(value):
    if value is None or (hasattr(value, "isNull") and value.isNull()) or str(value) == "NULL":
        return None
    if hasattr(value, "toPyDateTime"):
        return value.toPyDateTime()
    return value


def layer_rows(layer, skip=("fid",)):
    """Every feature as (attributes by name, geometry WKT), sorted: a layer's whole content."""
    if isinstance(layer, str):
        layer = QgsVectorLayer(layer, "out", "ogr" if not layer.startswith("postgres") else "postgres")
    assert layer.isValid()
    names = [n for n in layer.fields().names() if n not in skip]
    rows = []
    for f in layer.getFeatures():
        attrs = tuple((n, _plain(f[n])) for n in names)
        rows.append((attrs, f.geometry().asWkt(7) if f.hasGeometry() else None))
    return sorted(rows, key=repr)


def assert_same(a, b, path="value"):
    """Equal, numbers within 1e-9 (relative) — nested tuples, lists and dicts walked."""
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            assert_same(a[k], b[k], "{}[{}]".format(path, k))
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, "{}[{}]".format(path, i))
    elif isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or (math.isnan(a) and math.isnan(b)):
            assert (a is None or math.isnan(a)) and (b is None or math.isnan(b)), path
        else:
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9), path
    else:
        assert a == b, path


def numbers(result: dict) -> dict:
    return {k: v for k, v in result.items() if isinstance(v, (int, float, str)) and k not in ("OUTPUT", "OUTPUT_STATS")}


def both(algorithm: str, sample_pair, params: dict, RecordingFeedback):
    """(file result, PostGIS result, PostGIS feedback)."""
    file_fb, pg_fb = RecordingFeedback(), RecordingFeedback()
    on_file = processing.run(algorithm, {"INPUT": sample_pair["gpkg"], **params}, feedback=file_fb)
    on_pg = processing.run(algorithm, {"INPUT": sample_pair["pg"], **params}, feedback=pg_fb)
    assert "Worked in the database" not in file_fb.text()
    return on_file, on_pg, pg_fb


def small_table(pg, name: str, frame: pd.DataFrame, x, y, srid: int = 4326) -> str:
    """A small table of the test cluster (the loader's COPY); its ``postgres://`` source."""
    uri = table_uri(pg, name)
    with connect(uri, driver="psycopg2") as connection:
        load_reads(connection, PgTable(uri, "public", name, "geom"), frame, np.asarray(x), np.asarray(y), srid=srid)
    return source(pg, name)


@pytest.fixture
def Feedback():  # noqa: N802 (a class handed out)
    from tests.processing_fixtures import RecordingFeedback

    return RecordingFeedback


# ------------------------------------------------------------------ joincensus


def test_census_same_as_file(sample_pair, Feedback):  # noqa: N803
    params = {
        "CENSUS": CENSUS,
        "POPULATION_FIELD": "population",
        "ATTRIBUTES": ["per_capita_income"],
        "COUNT_ATTRIBUTES": ["pop_white", "pop_black", "pop_hispanic"],
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_STATS": "TEMPORARY_OUTPUT",
    }
    on_file, on_pg, fb = both("alpr:joincensus", sample_pair, params, Feedback)
    assert_same(numbers(on_pg), numbers(on_file))
    assert on_pg["READ_COUNT"] == SAMPLE_READS and on_pg["MISSING_LOCATION_COUNT"] == 27
    assert on_pg["NO_UNIT_COUNT"] == 2241 + 62
    assert_same(layer_rows(on_pg["OUTPUT"]), layer_rows(on_file["OUTPUT"]))
    assert_same(layer_rows(on_pg["OUTPUT_STATS"]), layer_rows(on_file["OUTPUT_STATS"]))
    assert fetched(fb) < 100  # 2 totals and one row per tract holding reads, not 62,511 reads


def test_census_key_join_in_the_database(pg, Feedback):  # noqa: N803
    tracts = ["06001000100"] * 4 + ["6001000100"] * 2 + [" 06001000200 "] * 3 + [None, "99", "06001000300"]
    frame = pd.DataFrame({"read_id": np.arange(1, 13), "plate": list("ABCDEFGHJKLM"), "tract": tracts})
    reads = small_table(pg, "joins_key_reads", frame, [np.nan] * 12, [np.nan] * 12)
    from tests.algorithms.test_join_census import FIELDS, ROWS, UNITS, polygons_layer

    census = polygons_layer(UNITS, fields=FIELDS, rows=ROWS, name="tracts")
    base = {"CENSUS": census, "POPULATION_FIELD": "population", "READ_KEY_FIELD": "tract",
            "CENSUS_KEY_FIELD": "geoid", "MIN_POPULATION": 0, "OUTPUT": "TEMPORARY_OUTPUT"}  # fmt: skip
    fb = Feedback()
    res = processing.run("alpr:joincensus", {"INPUT": reads, **base}, feedback=fb)
    counts = {f["geoid"]: f["read_count"] for f in res["OUTPUT"].getFeatures()}
    assert counts == {"06001000100": 6, "06001000200": 3, "06001000300": 1}
    assert (res["READ_COUNT"], res["MATCHED_COUNT"], res["NO_UNIT_COUNT"]) == (12, 10, 2)
    assert "1 reads have no tract" in fb.text() and fetched(fb) == 6  # one row per distinct key

    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:  # a plain table, no geometry: the same
        cursor.execute("DROP TABLE IF EXISTS joins_key_only")
        cursor.execute("CREATE TABLE joins_key_only AS SELECT read_id, tract FROM joins_key_reads")
    fb = Feedback()
    plain = processing.run("alpr:joincensus", {"INPUT": source(pg, "joins_key_only", geometry=""), **base}, feedback=fb)
    assert {f["geoid"]: f["read_count"] for f in plain["OUTPUT"].getFeatures()} == counts and fetched(fb) == 6

    with pytest.raises(QgsProcessingException) as raised:
        processing.run("alpr:joincensus", {"INPUT": reads, **base, "READ_KEY_FIELD": "zip"})
    text = str(raised.value)
    assert '"zip"' in text and "READ_KEY_FIELD" in text and "joins_key_reads" in text
    assert pg.host not in text and "password" not in text


# ------------------------------------------------------------------ joincrime


@pytest.mark.parametrize(
    "zones",
    [
        {"ZONES": CENSUS},
        {"CELL_SIZE": 400.0},
        {"CELL_SIZE": 777.0, "CATEGORY_FIELD": "category", "CATEGORY_FILTER": "BURGLARY|THEFT"},
    ],  # fmt: skip
    ids=["tracts", "hexagons", "hexagons-filtered"],
)
def test_crime_same_as_file(sample_pair, Feedback, zones):  # noqa: N803
    params = {"CRIMES": CRIMES, "OUTPUT": "TEMPORARY_OUTPUT", "OUTPUT_STATS": "TEMPORARY_OUTPUT", **zones}
    on_file, on_pg, fb = both("alpr:joincrime", sample_pair, params, Feedback)
    assert_same(numbers(on_pg), numbers(on_file))
    assert on_pg["READ_COUNT"] == SAMPLE_READS and on_pg["ZONE_COUNT"] > 10
    assert (on_pg["FILTERED_OUT_CRIME_COUNT"] > 1000) == ("CATEGORY_FILTER" in zones)
    assert_same(layer_rows(on_pg["OUTPUT"]), layer_rows(on_file["OUTPUT"]))
    assert_same(layer_rows(on_pg["OUTPUT_STATS"]), layer_rows(on_file["OUTPUT_STATS"]))
    assert fetched(fb) < 0.05 * SAMPLE_READS  # one row per zone


# ------------------------------------------------------------------ sites


@pytest.mark.parametrize(
    "params", [{"RADIUS": 150.0}, {"RADIUS": 400.0, "DRAWS": 3000, "SEED": 7}], ids=["150m", "400m-3000-draws"]
)
def test_sites_same_as_file(sample_pair, Feedback, params):  # noqa: N803
    params = {"SITES": SITES, "OUTPUT": "TEMPORARY_OUTPUT", **params}
    on_file, on_pg, fb = both("alpr:sites", sample_pair, params, Feedback)
    assert_same(numbers(on_pg), numbers(on_file))
    assert on_pg["NEAR_SITES_READ_COUNT"] > 200 and on_pg["EXPECTED_READS"] > 0
    rows = layer_rows(on_pg["OUTPUT"])
    assert_same(rows, layer_rows(on_file["OUTPUT"]))
    masjid = next(dict(attrs) for attrs, _ in rows if dict(attrs)["name"] == "Masjid Al-Rahma")
    assert 0 < masjid["unique_plates"] < masjid["read_count"] and masjid["percentile"] > 50
    assert fetched(fb) < 0.05 * SAMPLE_READS  # per site, and the draws' distribution


# ------------------------------------------------------------------ jurisdiction


def outside_run(reads: str, out: str, feedback=None):
    return processing.run(
        "alpr:jurisdiction",
        {
            "INPUT": reads,
            "BOUNDARY": BOUNDARY,
            "NEIGHBOURS": NEIGHBOURS,
            "OUTPUT": out,
            "OUTPUT_SUMMARY": "TEMPORARY_OUTPUT",
        },
        feedback=feedback,
    )


@pytest.fixture(scope="module")
def outside_on_file(sample_pair, tmp_path_factory):
    from tests.processing_fixtures import RecordingFeedback

    fb = RecordingFeedback()
    res = outside_run(sample_pair["gpkg"], str(tmp_path_factory.mktemp("outside") / "file.gpkg"), fb)
    return res, layer_rows(res["OUTPUT"]), layer_rows(res["OUTPUT_SUMMARY"]), fb


def assert_outside_same(on_pg, pg_fb, outside_on_file, pg_rows):
    on_file, file_rows, file_summary, file_fb = outside_on_file
    assert_same(numbers(on_pg), numbers(on_file))
    assert on_pg["OUTSIDE_COUNT"] == 2241 + 62 and on_pg["UNNAMED_COUNT"] == 275
    assert_same(layer_rows(on_pg["OUTPUT_SUMMARY"]), file_summary)
    assert len(pg_rows) == len(file_rows) == on_pg["OUTSIDE_COUNT"]
    assert_same(pg_rows, file_rows)
    for said in ("Distances measured in EPSG:32610 (metres).", "62 reads lie at 0,0"):
        assert said in file_fb.text() and said in pg_fb.text()


def test_jurisdiction_streamed_same_as_file(sample_pair, outside_on_file, Feedback, tmp_path):  # noqa: N803
    fb = Feedback()
    on_pg = outside_run(sample_pair["pg"], str(tmp_path / "pg.gpkg"), fb)
    assert on_pg["OUTPUT"] == str(tmp_path / "pg.gpkg")
    assert_outside_same(on_pg, fb, outside_on_file, layer_rows(on_pg["OUTPUT"]))
    assert fetched(fb) < 0.05 * SAMPLE_READS + on_pg["OUTSIDE_COUNT"]  # the reads outside, streamed, and aggregates


def test_jurisdiction_made_in_the_database(pg, sample_pair, outside_on_file, Feedback):  # noqa: N803
    fb = Feedback()
    on_pg = outside_run(sample_pair["pg"], destination(pg, "joins_outside"), fb)
    assert on_pg["OUTPUT"].startswith("postgres://") and "joins_outside" in on_pg["OUTPUT"]
    layer = QgsVectorLayer(on_pg["OUTPUT"], "outside", "postgres")
    assert layer.isValid() and layer.crs().authid() == "EPSG:4326"
    assert_outside_same(on_pg, fb, outside_on_file, layer_rows(layer))
    assert fetched(fb) < 100  # counts, summary rows, the reads at 0,0
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT type, srid FROM geometry_columns WHERE f_table_name = 'joins_outside'")
        assert cursor.fetchall() == [("POINT", 4326)]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'joins_outside'")
        assert any("gist" in row[0] for row in cursor.fetchall())


# ------------------------------------------------------------------ small exact cases, odd names, a cancel

ODD = 'joins "odd"; DROP TABLE sample_reads; --'


def utm_table(pg, name: str, xy) -> str:
    """Reads at ``xy`` (relative to the tests' UTM origin; None: no location) in a table in EPSG:32610."""
    from tests.algorithms.test_jurisdiction import ORIGIN

    frame = pd.DataFrame({"read_id": np.arange(1, len(xy) + 1), "plate": ["P{}".format(i) for i in range(len(xy))]})
    x = np.array([np.nan if p is None else p[0] + ORIGIN[0] for p in xy])
    y = np.array([np.nan if p is None else p[1] + ORIGIN[1] for p in xy])
    return small_table(pg, name, frame, x, y, srid=32610)


def _exists(pg, table: str) -> bool:
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", ('public."{}"'.format(table.replace('"', '""')),))
        return cursor.fetchone()[0] is not None


def test_census_by_hand_on_an_odd_table_in_metres(pg, Feedback):  # noqa: N803
    from tests.algorithms.test_join_census import FIELDS, ROWS, UNITS, polygons_layer, reads_xy

    reads = utm_table(pg, ODD, reads_xy())
    census = polygons_layer(UNITS, fields=FIELDS, rows=ROWS, name="tracts")
    fb = Feedback()
    res = processing.run(
        "alpr:joincensus",
        {"INPUT": reads, "CENSUS": census, "POPULATION_FIELD": "population", "OUTPUT": "TEMPORARY_OUTPUT"},
        feedback=fb,
    )
    assert (res["READ_COUNT"], res["MATCHED_COUNT"], res["NO_UNIT_COUNT"], res["MISSING_LOCATION_COUNT"]) == (
        22,
        19,
        2,
        1,
    )
    counts = [f["read_count"] for f in res["OUTPUT"].getFeatures()]
    assert counts == [11, 5, 3]  # the read on the border of units 1 and 2: the first
    assert fetched(fb) == 4 and _exists(pg, ODD)  # (its name injected nothing)
    assert pg.host not in fb.text()


def test_jurisdiction_by_hand_in_metres_and_a_cancel_leaves_no_table(pg, Feedback):  # noqa: N803
    from tests.algorithms.test_jurisdiction import BOUNDARY as SQUARE
    from tests.algorithms.test_jurisdiction import NEIGHBOURS as SIDES
    from tests.algorithms.test_jurisdiction import READS, polygons_layer

    reads = utm_table(pg, "joins_square_reads", READS)
    out = "joins outside; --"
    params = {
        "INPUT": reads,
        "BOUNDARY": polygons_layer(SQUARE),
        "NEIGHBOURS": polygons_layer(SIDES, fields=[("name", "string")], rows=[["East"], [None]]),
        "OUTPUT": destination(pg, out),
        "OUTPUT_SUMMARY": "TEMPORARY_OUTPUT",
    }

    class CancelOnceMade(Feedback):
        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            if progress >= 60:  # (the table made in the transaction, not yet committed)
                self.cancel()

    result = processing.run("alpr:jurisdiction", params, feedback=CancelOnceMade())
    assert not result.get("OUTPUT") and not _exists(pg, out)

    fb = Feedback()
    res = processing.run("alpr:jurisdiction", params, feedback=fb)
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"], res["MISSING_LOCATION_COUNT"]) == (3, 3, 1)
    assert res["UNNAMED_COUNT"] == 2 and res["MAX_DISTANCE_M"] == pytest.approx(500.0)
    layer = QgsVectorLayer(res["OUTPUT"], "outside", "postgres")
    assert layer.crs().authid() == "EPSG:32610"
    assert [f.name() for f in layer.fields()] == ["read_id", "plate", "jurisdiction", "distance_m"]
    got = {f["read_id"]: (f["jurisdiction"], f["distance_m"]) for f in layer.getFeatures()}
    assert got == {4: ("East", pytest.approx(250.0)), 5: ("unnamed", pytest.approx(300.0)),
                   6: ("unnamed", pytest.approx(500.0))}  # fmt: skip
    summary = {f["jurisdiction"]: f["read_count"] for f in res["OUTPUT_SUMMARY"].getFeatures()}
    assert summary == {"unnamed": 2, "East": 1}
    assert "Distances measured" not in fb.text() and "3 of 6 located reads" in fb.text()


def test_edge_lines_join_consecutive_segments_only():
    from alpr_qgis.qgis_io.postgis.jurisdiction import edge_lines

    ring = np.array([[0, 0, 1, 0], [1, 0, 1, 1], [1, 1, 0, 1], [0, 1, 0, 0]], dtype=float)
    hole = np.array([[5, 5, 6, 5], [6, 5, 5, 5]], dtype=float)
    lines = edge_lines(np.vstack([ring, hole]), per_line=3)
    assert [line.tolist() for line in lines] == [
        [[0, 0], [1, 0], [1, 1], [0, 1]],
        [[0, 1], [0, 0]],
        [[5, 5], [6, 5], [5, 5]],
    ]


def test_an_empty_table(pg, sample_pair, Feedback, tmp_path):  # noqa: N803
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS joins_empty")
        cursor.execute("CREATE TABLE joins_empty AS SELECT * FROM sample_reads WHERE false")
    reads = source(pg, "joins_empty")
    runs = {
        "alpr:joincensus": {"CENSUS": CENSUS, "POPULATION_FIELD": "population", "OUTPUT": "TEMPORARY_OUTPUT"},
        "alpr:joincrime": {"CRIMES": CRIMES, "OUTPUT": "TEMPORARY_OUTPUT"},
        "alpr:sites": {"SITES": SITES, "OUTPUT": "TEMPORARY_OUTPUT"},
        "alpr:jurisdiction": {"BOUNDARY": BOUNDARY, "OUTPUT": str(tmp_path / "none.gpkg")},
    }
    for algorithm, params in runs.items():
        fb = Feedback()
        res = processing.run(algorithm, {"INPUT": reads, **params}, feedback=fb)
        assert "The input layer has no features." in fb.text() and fetched(fb) < 50, algorithm
        assert res.get("READ_COUNT", 0) == 0 and res.get("NEAR_SITES_READ_COUNT", 0) == 0
    assert res["OUTSIDE_COUNT"] == 0 and QgsVectorLayer(res["OUTPUT"], "none", "ogr").featureCount() == 0


def test_jurisdiction_by_hand_with_layers_in_other_crss(pg, Feedback):  # noqa: N803
    from tests.algorithms.test_jurisdiction import BOUNDARY as SQUARE
    from tests.algorithms.test_jurisdiction import NEIGHBOURS as SIDES
    from tests.algorithms.test_jurisdiction import READS, points_layer, polygons_layer, to_crs

    neighbours = polygons_layer(SIDES, fields=[("name", "string")], rows=[["East"], [None]])
    params = {
        "BOUNDARY": to_crs(polygons_layer(SQUARE), "EPSG:4326"),
        "NEIGHBOURS": to_crs(neighbours, "EPSG:3857"),
        "OUTPUT": "TEMPORARY_OUTPUT",
        "OUTPUT_SUMMARY": "TEMPORARY_OUTPUT",
    }
    fb = Feedback()
    res = processing.run(
        "alpr:jurisdiction", {"INPUT": utm_table(pg, "joins_square_reads_2", READS), **params}, feedback=fb
    )
    rows = {
        f["read_id"]: (f["jurisdiction"], f["distance_m"], f.geometry().asWkt()) for f in res["OUTPUT"].getFeatures()
    }
    on_file = processing.run("alpr:jurisdiction", {"INPUT": points_layer(READS), **params})
    assert_same(rows, {f["read_id"]: (f["jurisdiction"], f["distance_m"], f.geometry().asWkt())
                       for f in on_file["OUTPUT"].getFeatures()})  # fmt: skip
    assert_same(layer_rows(res["OUTPUT_SUMMARY"]), layer_rows(on_file["OUTPUT_SUMMARY"]))
    assert (res["OUTSIDE_COUNT"], res["INSIDE_COUNT"], res["MISSING_LOCATION_COUNT"]) == (3, 3, 1)
    got = {f["read_id"]: (f["jurisdiction"], f["distance_m"]) for f in res["OUTPUT"].getFeatures()}
    assert got == {4: ("East", pytest.approx(250.0, abs=0.5)), 5: ("unnamed", pytest.approx(300.0, abs=0.5)),
                   6: ("unnamed", pytest.approx(500.0, abs=0.5))}  # fmt: skip
    assert res["OUTPUT"].crs().authid() == "EPSG:32610"
    assert "Distances measured in EPSG:32610 (metres)." in fb.text()
    assert fetched(fb) == 2 + 2 + 3  # totals and reads outside, the summary's rows, the rows streamed


def test_a_long_statement_is_cancelled_in_the_server(pg, Feedback):  # noqa: N803
    """A cancel during the statement that finds the reads outside stops it there (not at its end), leaving no table."""
    import threading
    import time

    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS joins_many")
        cursor.execute(
            "CREATE TABLE joins_many AS SELECT i AS read_id, ST_SetSRID(ST_MakePoint(-122.31 + (i %% 1000) * 0.00012,"
            " 37.74 + (i / 1000) * 0.0002), 4326)::geometry(Point, 4326) AS geom FROM generate_series(1, %s) AS i",
            (600_000,),
        )
        cursor.execute("ANALYZE joins_many")
    out = "joins_many_outside"

    class CancelDuring(Feedback):
        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            if progress == 10 and not hasattr(self, "timer"):  # (the tables uploaded; the long statement next)
                self.timer = threading.Timer(1.0, self.cancel)
                self.timer.start()
                self.started = time.monotonic()

    fb = CancelDuring()
    params = {"INPUT": source(pg, "joins_many"), "BOUNDARY": BOUNDARY, "NEIGHBOURS": NEIGHBOURS}
    result = processing.run("alpr:jurisdiction", {**params, "OUTPUT": destination(pg, out)}, feedback=fb)
    took = time.monotonic() - fb.started
    assert not result.get("OUTPUT") and not _exists(pg, out)
    assert took < 4.0, took  # the statement alone takes about 8 s here
