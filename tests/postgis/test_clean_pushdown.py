"""alpr:cleanreads pushed down to PostGIS: the same counts and rows as the file path, on the sample (issue 16)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import psycopg2
import pytest
from qgis import processing
from qgis.core import QgsProcessingException

from tests.postgis.pairs import destination, gpkg_frame, source

COUNTS = (
    "CLEAN_COUNT",
    "REJECTED_COUNT",
    "DUPLICATE_COUNT",
    "GOVERNMENT_READ_COUNT",
    "PLATES_HASHED",
    "EMPTY_PLATE_COUNT",
    "INVALID_CHARS_COUNT",
    "SIGN_WORD_COUNT",
    "OVERLENGTH_COUNT",
    "GOVERNMENT_COUNT",
    "INVALID_LOCATION_COUNT",
    "NULL_GEOMETRY_COUNT",
    "NULL_ISLAND_COUNT",
)
PARAMS = {"DEDUP_SECONDS": 60, "EXTRA_SIGN_WORDS": "pizza, open house"}


def fetched(feedback) -> int:
    found = re.search(r"Worked in the database \(.*\): (\d+) rows came back", feedback.text())
    assert found, feedback.text()
    return int(found.group(1))


def table_frame(pg, table: str):
    """(attributes, x, y) of a table the push-down made, ordered by read_id."""
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute('SELECT *, ST_X(geom), ST_Y(geom) FROM public."{}" ORDER BY read_id'.format(table))
        names = [d.name for d in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=names)
    x, y = frame.pop("st_x").astype(float).to_numpy(), frame.pop("st_y").astype(float).to_numpy()
    return frame.drop(columns=["geom"]), x, y


def assert_same_rows(expected, got) -> None:
    (a, ax, ay), (b, bx, by) = expected, got
    a = a.sort_values("read_id").reset_index(drop=True)
    order = np.argsort(b["read_id"].to_numpy(), kind="stable")
    b, bx, by = b.iloc[order].reset_index(drop=True), bx[order], by[order]
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for name in a.columns:
        left, right = a[name], b[name]
        if pd.api.types.is_datetime64_any_dtype(left.dtype):
            right = pd.to_datetime(right)
            assert (left.isna() == right.isna()).all(), name
            assert (left[left.notna()] == right[right.notna()]).all(), name
        elif name in ("is_government", "is_duplicate"):
            assert (left.astype(bool).to_numpy() == right.astype(bool).to_numpy()).all(), name
        else:
            lv = left.astype(object).where(left.notna(), None).tolist()
            rv = right.astype(object).where(right.notna(), None).tolist()
            assert lv == rv, name
    np.testing.assert_allclose(ax, bx, rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(ay, by, rtol=0, atol=1e-9, equal_nan=True)


@pytest.fixture(scope="module")
def file_run(sample_pair, tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_file")
    params = dict(PARAMS, INPUT=sample_pair["gpkg"], OUTPUT=str(folder / "clean.gpkg"))
    params["REJECTED"] = str(folder / "rejected.gpkg")
    return processing.run("alpr:cleanreads", params)


@pytest.fixture(scope="module")
def db_run(pg, sample_pair, feedback_factory):
    feedback = feedback_factory()
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=destination(pg, "p4_clean"))
    params["REJECTED"] = destination(pg, "p4_rejected")
    return processing.run("alpr:cleanreads", params, feedback=feedback), feedback


@pytest.fixture(scope="module")
def feedback_factory():
    from tests.processing_fixtures import RecordingFeedback

    return RecordingFeedback


def test_counts_equal_the_file_path(file_run, db_run):
    result, _ = db_run
    assert {k: result[k] for k in COUNTS} == {k: file_run[k] for k in COUNTS}
    assert file_run["CLEAN_COUNT"] == 62_303  # (the sample's known numbers)
    assert file_run["CLEAN_COUNT"] + file_run["REJECTED_COUNT"] == 62_511
    assert file_run["DUPLICATE_COUNT"] > 0  # (the window function had work to do)
    assert result["OUTPUT"].startswith("postgres://") and "p4_clean" in result["OUTPUT"]


def test_tables_made_in_the_database_equal_the_file_outputs(pg, file_run, db_run):
    frame, x, y, _ = gpkg_frame(file_run["OUTPUT"].split("|")[0])
    assert_same_rows((frame, x, y), table_frame(pg, "p4_clean"))
    frame, x, y, _ = gpkg_frame(file_run["REJECTED"].split("|")[0])
    assert_same_rows((frame, x, y), table_frame(pg, "p4_rejected"))
    assert set(frame["reason"]) >= {"null_geometry"}


def test_tables_are_typed_and_indexed(pg, db_run):
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT type, srid FROM geometry_columns WHERE f_table_name = 'p4_clean'")
        assert cursor.fetchall() == [("POINT", 4326)]
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename IN ('p4_clean', 'p4_rejected')")
        assert sum("USING gist" in row[0] for row in cursor.fetchall()) == 2


def test_only_the_distinct_plates_came_back(pg, sample_pair, db_run):
    _, feedback = db_run
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT plate) FROM public.sample_reads")
        plates = cursor.fetchone()[0]
    n = fetched(feedback)
    assert n <= plates + 2000 + 20  # distinct plates, the hashed check's head, the counts
    assert "62511 reads: 62303 clean, 208 rejected." in feedback.text()


def test_gpkg_destination_from_postgis_equals_the_file_path(sample_pair, file_run, tmp_path):
    from tests.processing_fixtures import RecordingFeedback

    feedback = RecordingFeedback()
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=str(tmp_path / "clean.gpkg"))
    params["REJECTED"] = str(tmp_path / "rejected.gpkg")
    result = processing.run("alpr:cleanreads", params, feedback=feedback)
    assert {k: result[k] for k in COUNTS} == {k: file_run[k] for k in COUNTS}
    for name in ("OUTPUT", "REJECTED"):
        expected = gpkg_frame(file_run[name].split("|")[0])[:3]
        got = gpkg_frame(result[name].split("|")[0])[:3]
        assert_same_rows(expected, got)
    assert "Worked in the database" in feedback.text()


def test_table_without_the_plate_field_is_a_clear_error(pg, sample_pair):
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS public.p4_noplate")
        cursor.execute("CREATE TABLE public.p4_noplate AS SELECT read_id, read_time, geom FROM public.sample_reads")
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:cleanreads",
            {"INPUT": source(pg, "p4_noplate"), "OUTPUT": destination(pg, "p4_noplate_out")},
        )
    message = str(caught.value)
    assert "plate" in message and "PLATE_FIELD" in message
    assert pg.host not in message and "password" not in message.lower()
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.p4_noplate_out')")
        assert cursor.fetchone() == (None,)


def _exists(pg, table: str) -> bool:
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", ('public."{}"'.format(table.replace('"', '""')),))
        return cursor.fetchone()[0] is not None


def test_awkward_table_names_and_cancel_leave_nothing_half_written(pg, sample_pair, file_run):
    from tests.processing_fixtures import RecordingFeedback

    clean, rejected = 'clean "p4"; DROP TABLE sample_reads; --', "p4 rejected; --"
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=destination(pg, clean), REJECTED=destination(pg, rejected))

    class CancelAfterCounts(RecordingFeedback):
        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            if progress >= 40:  # (counted in the transaction; the tables not yet made)
                self.cancel()

    cancelling = CancelAfterCounts()
    result = processing.run("alpr:cleanreads", params, feedback=cancelling)
    assert not result.get("OUTPUT")
    assert not _exists(pg, clean) and not _exists(pg, rejected)
    result = processing.run("alpr:cleanreads", params)
    assert _exists(pg, "sample_reads")
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        for table, expected in ((clean, file_run["CLEAN_COUNT"]), (rejected, file_run["REJECTED_COUNT"])):
            cursor.execute('SELECT count(*) FROM public."{}"'.format(table.replace('"', '""')))
            assert cursor.fetchone()[0] == expected


def test_one_geopackage_for_both_outputs(sample_pair, file_run, tmp_path):
    gpkg = tmp_path / "both.gpkg"
    params = dict(PARAMS, INPUT=sample_pair["pg"])
    params["OUTPUT"] = "ogr:dbname='{}' table=\"clean\" (geom)".format(gpkg)
    params["REJECTED"] = "ogr:dbname='{}' table=\"rejected\" (geom)".format(gpkg)
    result = processing.run("alpr:cleanreads", params)
    assert {k: result[k] for k in COUNTS} == {k: file_run[k] for k in COUNTS}
    for name, layer in (("OUTPUT", "clean"), ("REJECTED", "rejected")):
        expected = gpkg_frame(file_run[name].split("|")[0])[:3]
        assert_same_rows(expected, gpkg_frame(str(gpkg), layer)[:3])


def test_table_without_geometry_is_a_clear_error(pg, sample_pair):
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS public.p4_nogeom")
        cursor.execute("CREATE TABLE public.p4_nogeom AS SELECT read_id, plate, read_time FROM public.sample_reads")
        cursor.execute("ALTER TABLE public.p4_nogeom ADD PRIMARY KEY (read_id)")
    with pytest.raises(QgsProcessingException) as caught:
        processing.run(
            "alpr:cleanreads", {"INPUT": source(pg, "p4_nogeom", geometry=""), "OUTPUT": destination(pg, "p4_ng_out")}
        )
    message = str(caught.value)
    assert "p4_nogeom" in message and "has no geometry column" in message
    assert pg.host not in message and not _exists(pg, "p4_ng_out")


def test_plates_with_tabs_backslashes_and_quotes_travel_as_data(pg, sample_pair):
    table = 'p4 odd 100%"s"; --'
    quoted = 'public."{}"'.format(table.replace('"', '""'))
    odd = ["A\tB", "C\\D", "E'F; DROP TABLE sample_reads; --", "G\nH", "\\N", "6TRM-913", "6trm 913", None]
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS " + quoted)
        cursor.execute(
            "CREATE TABLE " + quoted + " (read_id bigint PRIMARY KEY, plate text, read_time timestamp,"
            " device text, geom geometry(Point, 4326))"
        )
        for i, plate in enumerate(odd):
            cursor.execute(
                "INSERT INTO "
                + quoted.replace("%", "%%")
                + " VALUES (%s, %s, timestamp '2014-07-14 10:00' + %s * interval '10 seconds',"
                " 'PATROL 1', ST_SetSRID(ST_MakePoint(-122.2, 37.8), 4326))",
                (i + 1, plate, i),
            )
    result = processing.run(
        "alpr:cleanreads",
        {
            "INPUT": source(pg, table),
            "OUTPUT": destination(pg, "p4_odd_clean"),
            "REJECTED": destination(pg, "p4_odd_rejected"),
            "DEDUP_SECONDS": 60,
        },
    )
    # (normalised as the file path does: whitespace removed, so "A<tab>B" and "G<newline>H" are clean)
    assert (result["CLEAN_COUNT"], result["INVALID_CHARS_COUNT"], result["EMPTY_PLATE_COUNT"]) == (4, 3, 1)
    assert result["DUPLICATE_COUNT"] == 1  # (6TRM-913 and 6trm 913: one plate, 10 s apart, same device)
    with psycopg2.connect(pg.dsn()) as raw, raw.cursor() as cursor:
        cursor.execute("SELECT plate, reason FROM public.p4_odd_rejected ORDER BY read_id")
        rows = cursor.fetchall()
        cursor.execute("SELECT plate, is_duplicate FROM public.p4_odd_clean ORDER BY read_id")
        clean = cursor.fetchall()
    assert rows == [(p, "invalid_chars") for p in (odd[1], odd[2], odd[4])] + [(None, "empty_plate")]
    assert clean == [("A\tB", False), ("G\nH", False), ("6TRM-913", False), ("6trm 913", True)]
    assert _exists(pg, "sample_reads")


def test_without_the_temporary_copy_of_the_reads_as_on_citus(pg, sample_pair, file_run, db_run, monkeypatch):
    """On Citus every statement reads the distributed table itself: the same results."""
    import alpr_qgis.qgis_io.postgis.clean as clean

    monkeypatch.setattr(clean, "on_citus", lambda pg: True)
    params = dict(PARAMS, INPUT=sample_pair["pg"], OUTPUT=destination(pg, "p4_clean_citus"))
    params["REJECTED"] = destination(pg, "p4_rejected_citus")
    result = processing.run("alpr:cleanreads", params)
    assert {k: result[k] for k in COUNTS} == {k: file_run[k] for k in COUNTS}
    assert_same_rows(table_frame(pg, "p4_clean"), table_frame(pg, "p4_clean_citus"))
    assert_same_rows(table_frame(pg, "p4_rejected"), table_frame(pg, "p4_rejected_citus"))
