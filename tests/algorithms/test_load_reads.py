"""alpr:loadreads through processing.run, into GeoPackages and memory layers."""

from __future__ import annotations

import os
import sqlite3

import pytest
from qgis import processing
from qgis.core import (
    QgsFeatureRequest,
    QgsProcessing,
    QgsProcessingException,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDateTime

from alpr_qgis.core.timezones import zone_available
from tests.helpers import HEADER, ROWS, export_csv, write


def run_load(params, feedback=None):
    return processing.run("alpr:loadreads", params, feedback=feedback)


def features(layer):
    return list(layer.getFeatures(QgsFeatureRequest().addOrderBy("read_id")))


def test_load_to_geopackage(tmp_path, feedback):
    src = export_csv(tmp_path, rows=ROWS + ["106,BROKEN,ROW"])
    out, rej = str(tmp_path / "reads.gpkg"), str(tmp_path / "rejected.gpkg")
    res = run_load({"INPUT": src, "OUTPUT": out, "REJECTED": rej}, feedback)
    assert (res["READ_COUNT"], res["REJECTED_COUNT"], res["MISSING_LOCATION_COUNT"]) == (5, 1, 1)
    assert res["PLATES_HASHED"] is False
    layer = QgsVectorLayer(res["OUTPUT"], "reads", "ogr")
    assert layer.isValid() and layer.featureCount() == 5
    assert layer.crs().authid() == "EPSG:4326"
    names = [f.name() for f in layer.fields()]
    assert names == ["fid", "read_id", "plate", "read_time", "device", "state", "ID", "Location", "ImageFile"]
    feats = features(layer)
    assert [f["plate"] for f in feats] == ["6TRM913", "ABC123", "CAUT10N", "7XYZ321", "1234567"]
    assert feats[0]["read_time"] == QDateTime.fromString("2014-07-20T08:01:02", "yyyy-MM-ddTHH:mm:ss")
    assert feats[3]["read_time"].toString("yyyy-MM-dd HH:mm:ss") == "2014-07-21 23:59:59"
    assert feats[0].geometry().asPoint().x() == pytest.approx(-122.27456)
    assert feats[0].geometry().asPoint().y() == pytest.approx(37.80123)
    assert feats[3].geometry().asWkt() == "Point (0 0)"  # zero coordinates kept as given
    assert feats[4].geometry().isNull()  # missing coordinates: no geometry, row kept
    assert feats[2]["state"] is None or str(feats[2]["state"]) == "NULL"
    # Extent and spatial index are right after the bulk write.
    extent = layer.extent()
    assert (extent.xMinimum(), extent.yMaximum()) == (pytest.approx(-122.27456), pytest.approx(37.81))
    box = QgsFeatureRequest().setFilterRect(QgsRectangle(-122.3, 37.78, -122.2, 37.82))
    assert sorted(f["read_id"] for f in layer.getFeatures(box)) == [1, 2, 3]
    # The GeoPackage carries the reads style as its default style.
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT COUNT(*) FROM layer_styles WHERE useAsDefault").fetchone()[0] == 1
        assert conn.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchone()[0] == 5
        assert conn.execute("SELECT COUNT(*) FROM rtree_reads_geom").fetchone()[0] == 4
    rejected = QgsVectorLayer(res["REJECTED"], "rejected", "ogr")
    rows = [f.attributes()[1:] for f in rejected.getFeatures()]
    assert rows == [[6, 7, "too_few_fields", "106,BROKEN,ROW"]]
    text = feedback.text()
    assert "plate = red_VRM" in text and "5 reads loaded, 1 rejected" in text


def test_load_to_memory_layers(tmp_path):
    res = run_load(
        {
            "INPUT": export_csv(tmp_path),
            "OUTPUT": QgsProcessing.TEMPORARY_OUTPUT,
            "REJECTED": QgsProcessing.TEMPORARY_OUTPUT,
        }
    )
    layer = res["OUTPUT"]
    assert layer.featureCount() == 5 and res["REJECTED"].featureCount() == 0
    feats = features(layer)
    assert feats[1]["read_time"] == QDateTime.fromString("2014-07-20T13:15:40", "yyyy-MM-ddTHH:mm:ss")
    assert feats[1]["ID"] == 102
    assert feats[4].geometry().isNull()


def test_geopackage_and_memory_outputs_agree(tmp_path):
    src = export_csv(tmp_path)
    gpkg = run_load({"INPUT": src, "OUTPUT": str(tmp_path / "a.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"})
    mem = run_load({"INPUT": src, "OUTPUT": "memory:reads", "REJECTED": "TEMPORARY_OUTPUT"})  # (a named one)
    a = [(f.attributes()[1:], f.geometry().asWkt()) for f in features(QgsVectorLayer(gpkg["OUTPUT"]))]
    b = [(f.attributes(), f.geometry().asWkt()) for f in features(mem["OUTPUT"])]
    assert a == b


def test_ogr_destination_with_layer_name(tmp_path):
    gpkg = tmp_path / "many.gpkg"
    res = run_load(
        {
            "INPUT": export_csv(tmp_path),
            "OUTPUT": f"ogr:dbname='{gpkg}' table=\"reads\" (geom)",
            "REJECTED": f"ogr:dbname='{gpkg}' table=\"rejected\"",
        }
    )
    assert res["OUTPUT"].endswith("|layername=reads")
    assert QgsVectorLayer(res["OUTPUT"]).featureCount() == 5
    assert QgsVectorLayer(f"{gpkg}|layername=rejected").isValid()


def test_shapefile_goes_through_the_sink(tmp_path):
    res = run_load(
        {"INPUT": export_csv(tmp_path), "OUTPUT": str(tmp_path / "reads.shp"), "REJECTED": "TEMPORARY_OUTPUT"}
    )
    layer = QgsVectorLayer(res["OUTPUT"])
    assert layer.featureCount() == 5
    assert sorted(f["plate"] for f in layer.getFeatures())[0] == "1234567"


def test_projected_source_crs(tmp_path):
    body = "plate,timestamp,x,y\nA1,2014-07-20 08:01:02,565000.5,4183000.25\n"
    res = run_load(
        {
            "INPUT": write(tmp_path / "p.csv", body),
            "SOURCE_CRS": "EPSG:32610",
            "LAT_FIELD": "y",
            "LON_FIELD": "x",
            "OUTPUT": str(tmp_path / "p.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        }
    )
    layer = QgsVectorLayer(res["OUTPUT"])
    assert layer.crs().authid() == "EPSG:32610"
    assert next(layer.getFeatures()).geometry().asWkt(2) == "Point (565000.5 4183000.25)"


def test_hashed_plates_flag(tmp_path):
    rows = [
        "0123456789abcdef0123456789abcdef,2014-07-20 08:01:02,37.8,-122.2",
        "fedcba9876543210fedcba9876543210,2014-07-20 08:01:03,37.8,-122.2",
    ]
    src = write(tmp_path / "h.csv", "plate_hash,timestamp,lat,lon\n" + "\n".join(rows) + "\n")
    res = run_load({"INPUT": src, "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"})
    assert res["PLATES_HASHED"] is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"empty\.csv: is empty"),
        ((HEADER + "\n").encode(), r"empty\.csv: holds a header but no data records"),
        (b"\x00\x01\x02binary\x00", r"empty\.csv: is not a text file"),
        (b"when,lat,lon\n2014-07-20 08:01:02,37.8,-122.2\n", r"no recognisable plate column.*PLATE_FIELD"),
        (b"plate,when,where\nA1,2014-07-20 08:01:02,MAIN ST\n", r"no recognisable location.*LAT_FIELD"),
    ],
)
def test_bad_files_fail_cleanly_without_output(tmp_path, content, message):
    src = write(tmp_path / "empty.csv", content)
    out = tmp_path / "out.gpkg"
    with pytest.raises(QgsProcessingException, match=message):
        run_load({"INPUT": src, "OUTPUT": str(out), "REJECTED": str(tmp_path / "rej.gpkg")})
    assert not out.exists() and not (tmp_path / "rej.gpkg").exists()


def test_every_record_is_accounted_for(tmp_path):
    rows = [
        ROWS[0],
        "102,ABC123",
        ROWS[2].replace("07/20/2014 02:00:00 PM", "garbage"),
        ROWS[3] + ",extra",
        ROWS[4],
        '106,"Q,1",07/20/2014 08:01:02 AM,"(37.8, -122.2)",P,CA,"a\nb"',
    ]
    res = run_load(
        {
            "INPUT": export_csv(tmp_path, rows=rows),
            "OUTPUT": str(tmp_path / "o.gpkg"),
            "REJECTED": str(tmp_path / "r.gpkg"),
        }
    )
    assert res["READ_COUNT"] + res["REJECTED_COUNT"] == 6
    got = sorted(
        [f["read_id"] for f in QgsVectorLayer(res["OUTPUT"]).getFeatures()]
        + [f["read_id"] for f in QgsVectorLayer(res["REJECTED"]).getFeatures()]
    )
    assert got == [1, 2, 3, 4, 5, 6]
    reasons = {f["read_id"]: f["reason"] for f in QgsVectorLayer(res["REJECTED"]).getFeatures()}
    assert reasons == {2: "too_few_fields", 3: "bad_timestamp", 4: "too_many_fields"}


@pytest.mark.parametrize("rejected", ["absent", None, ""])
def test_rejected_may_be_left_unset_and_is_still_counted(tmp_path, rejected):
    """REJECTED is optional, as QGIS's own FAIL_OUTPUTs: unset, nothing is written, the count still comes back."""
    rows = [ROWS[0], "102,ABC123", ROWS[2].replace("07/20/2014 02:00:00 PM", "garbage"), ROWS[4]]
    params = {"INPUT": export_csv(tmp_path, rows=rows), "OUTPUT": str(tmp_path / "o.gpkg")}
    if rejected != "absent":
        params["REJECTED"] = rejected
    res = run_load(params)
    assert (res["READ_COUNT"], res["REJECTED_COUNT"]) == (2, 2)
    assert res["REJECTED"] is None
    assert sorted(os.listdir(tmp_path)) == ["o.gpkg", "reads.csv"]


def test_no_plate_text_in_messages(tmp_path, feedback):
    rows = [r.replace("6TRM913", "ZZSECRET") for r in ROWS] + ["107,ONLYPLATE"]
    run_load(
        {"INPUT": export_csv(tmp_path, rows=rows), "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"},
        feedback,
    )
    assert feedback.messages and "ZZSECRET" not in feedback.text() and "ONLYPLATE" not in feedback.text()


def test_cancel_writes_nothing_more(tmp_path, feedback):
    feedback.cancel()
    out = tmp_path / "o.gpkg"
    res = run_load({"INPUT": export_csv(tmp_path), "OUTPUT": str(out), "REJECTED": "TEMPORARY_OUTPUT"}, feedback)
    assert "READ_COUNT" not in res
    assert not out.exists()


def test_sample_rows_keep_source_text_columns(tmp_path):
    res = run_load({"INPUT": export_csv(tmp_path), "OUTPUT": str(tmp_path / "o.gpkg"), "REJECTED": "TEMPORARY_OUTPUT"})
    layer = QgsVectorLayer(res["OUTPUT"])
    assert [f["Location"] for f in features(layer)][:2] == ["(37.80123, -122.27456)", "(37.79001, -122.26002)"]
    assert os.path.getsize(res["OUTPUT"]) > 0


@pytest.mark.parametrize(("last", "exact"), [(ROWS[4], False), ('106,"Q,1",07/20/2014 08:01:02 AM,,P,CA,"a\nb"', True)])
def test_log_says_when_the_exact_reader_was_needed(tmp_path, feedback, last, exact):
    src = export_csv(tmp_path, rows=ROWS[:4] + [last])
    res = run_load({"INPUT": src, "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"}, feedback)
    assert res["READ_COUNT"] == 5
    assert ("split with the exact, slower reader" in feedback.text()) is exact


def _table_rows(path):
    """Every row of every table that holds the layer's data, its index and its metadata."""
    with sqlite3.connect(path) as conn:
        (table,) = (
            r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE table_name != 'layer_styles'")
        )
        out = {"rows": conn.execute('SELECT * FROM "{}" ORDER BY 1'.format(table)).fetchall()}
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", ("rtree_{}_geom".format(table),)).fetchone():
            out["index"] = conn.execute('SELECT * FROM "rtree_{}_geom" ORDER BY 1'.format(table)).fetchall()
        out["schema"] = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        out["contents"] = conn.execute("SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents").fetchall()
        out["count"] = conn.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchall()
    return out


def _load_both_ways(tmp_path, monkeypatch, src, feedback=None):
    from alpr_qgis.core.reads import streaming

    results = {}
    for name, part in (("whole", None), ("parts", 700)):
        if part:
            monkeypatch.setattr(streaming, "STREAM_PART_BYTES", part)
        (tmp_path / name).mkdir()
        out, rej = str(tmp_path / name / "reads.gpkg"), str(tmp_path / name / "rejected.gpkg")
        results[name] = run_load({"INPUT": src, "OUTPUT": out, "REJECTED": rej}, feedback)
    return results


def test_a_big_file_read_in_parts_gives_the_same_layers(tmp_path, monkeypatch, feedback):
    from alpr_qgis.qgis_io import vector
    from tests.helpers import export_rows

    copied = []  # (parts copied, parts still waiting) each time rows stored by the workers are copied in
    real_copy = vector.GpkgAppender._copy_stored

    def copy_stored(self, parts, *args):
        copied.append((len(parts), len(self._stored)))
        return real_copy(self, parts, *args)

    monkeypatch.setattr(vector.GpkgAppender, "_copy_stored", copy_stored)
    src = export_csv(tmp_path, rows=export_rows(300))
    results = _load_both_ways(tmp_path, monkeypatch, src, feedback)
    whole, parts = results["whole"], results["parts"]
    # The workers stored the parts after the first; most were copied in while the file was still being read.
    assert sum(n for n, _ in copied) > 20 and len(copied) > 4
    assert not [name for name in os.listdir(tmp_path / "parts") if name.startswith(".alpr_parts_")]
    for key in ("READ_COUNT", "REJECTED_COUNT", "MISSING_LOCATION_COUNT", "PLATES_HASHED"):
        assert whole[key] == parts[key], key
    assert whole["READ_COUNT"] > 250 and whole["REJECTED_COUNT"] > 10
    assert _table_rows(parts["OUTPUT"].split("|")[0]) == _table_rows(whole["OUTPUT"].split("|")[0])
    assert _table_rows(parts["REJECTED"].split("|")[0]) == _table_rows(whole["REJECTED"].split("|")[0])


def test_a_column_changing_type_late_falls_back_to_the_whole_file(tmp_path, monkeypatch):
    from tests.helpers import export_rows

    rows = export_rows(300)
    late = next(i for i in range(250, len(rows)) if "," in rows[i])
    rows[late] = "X-17" + rows[late][rows[late].index(",") :]  # ID: integers, then text near the end
    results = _load_both_ways(tmp_path, monkeypatch, export_csv(tmp_path, rows=rows))
    whole, parts = (_table_rows(results[k]["OUTPUT"].split("|")[0]) for k in ("whole", "parts"))
    assert '"ID" TEXT' in whole["schema"][0]
    assert parts == whole
    layer = QgsVectorLayer(results["parts"]["OUTPUT"], "reads", "ogr")
    assert "X-17" in {f["ID"] for f in layer.getFeatures()}


def test_cancel_while_reading_parts_stores_no_read(tmp_path, monkeypatch, feedback):
    from alpr_qgis.core.reads import streaming
    from alpr_qgis.qgis_io import reads_loading as load_reads_module
    from tests.helpers import export_rows

    monkeypatch.setattr(streaming, "STREAM_PART_BYTES", 700)
    real = load_reads_module.take_part
    calls = []

    def take_part(*args, **kwargs):  # the user cancels while the third part is read
        calls.append(1)
        if len(calls) == 2:
            feedback.cancel()
        return real(*args, **kwargs)

    monkeypatch.setattr(load_reads_module, "take_part", take_part)
    out = str(tmp_path / "o.gpkg")
    res = run_load(
        {"INPUT": export_csv(tmp_path, rows=export_rows(300)), "OUTPUT": out, "REJECTED": "TEMPORARY_OUTPUT"}, feedback
    )
    assert "READ_COUNT" not in res and len(calls) == 2
    assert not os.path.exists(out)  # written aside, never renamed into place: nothing at all
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".alpr_parts_")]  # the workers' files


def test_a_big_file_read_in_parts_into_a_memory_layer(tmp_path, monkeypatch):
    from alpr_qgis.core.reads import streaming
    from tests.helpers import export_rows

    src = export_csv(tmp_path, rows=export_rows(300))
    whole = run_load({"INPUT": src, "OUTPUT": "memory:reads", "REJECTED": "TEMPORARY_OUTPUT"})
    from alpr_qgis.qgis_io import vector

    monkeypatch.setattr(streaming, "STREAM_PART_BYTES", 700)
    frames = []
    real = vector.FrameStream.append
    monkeypatch.setattr(
        vector.FrameStream, "append", lambda self, t, *a, **k: frames.append(len(t)) or real(self, t, *a, **k)
    )
    parts = run_load({"INPUT": src, "OUTPUT": "memory:reads", "REJECTED": "TEMPORARY_OUTPUT"})
    assert parts["READ_COUNT"] == whole["READ_COUNT"] > 250
    assert len(frames) >= 5 and sum(frames) == parts["READ_COUNT"]  # read in parts, written at the end

    def rows(layer):
        return [
            (f["read_id"], f["plate"], f["ID"], f.geometry().asWkt(6) if f.hasGeometry() else None)
            for f in features(layer)
        ]

    assert rows(parts["OUTPUT"]) == rows(whole["OUTPUT"])
    assert parts["OUTPUT"].featureCount() == parts["READ_COUNT"]


def test_loading_twice_into_the_same_geopackage_layer_replaces_it(tmp_path):
    """The second run replaces the layer and its stored style without asking (a dialog would hang)."""
    gpkg = tmp_path / "many.gpkg"
    params = {"OUTPUT": f"ogr:dbname='{gpkg}' table=\"reads\" (geom)", "REJECTED": "TEMPORARY_OUTPUT"}
    run_load({"INPUT": export_csv(tmp_path, rows=ROWS[:2]), **params})
    res = run_load({"INPUT": export_csv(tmp_path, name="second.csv"), **params})
    assert QgsVectorLayer(res["OUTPUT"]).featureCount() == 5
    with sqlite3.connect(str(gpkg)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM layer_styles WHERE f_table_name = 'reads'").fetchone()[0] == 1


def test_parts_stored_with_a_spatial_reference_the_layer_does_not_take_are_read_again(tmp_path, monkeypatch):
    from alpr_qgis.qgis_io import vector
    from tests.helpers import export_rows

    src = export_csv(tmp_path, rows=export_rows(300))
    results = _load_both_ways(tmp_path, monkeypatch, src)  # (parts stored with the right id)
    monkeypatch.setattr(vector.stream, "_epsg_code", lambda crs: 4269)  # as if the GeoPackage gave EPSG:4326 another id
    from alpr_qgis.core import reads

    whole_loads = []
    real_load = reads.load_reads
    monkeypatch.setattr(reads, "load_reads", lambda *a, **k: whole_loads.append(1) or real_load(*a, **k))
    (tmp_path / "again").mkdir()
    out = str(tmp_path / "again" / "reads.gpkg")
    res = run_load({"INPUT": src, "OUTPUT": out, "REJECTED": str(tmp_path / "again" / "rejected.gpkg")})
    assert res["READ_COUNT"] == results["whole"]["READ_COUNT"] and whole_loads == [1]  # read again as a whole
    assert _table_rows(out) == _table_rows(results["whole"]["OUTPUT"].split("|")[0])
    assert not [name for name in os.listdir(tmp_path / "again") if name.startswith(".alpr_parts_")]


# ------------------------------------------------------------------ time zones


def _times(res):
    layer = QgsVectorLayer(res["OUTPUT"])
    return [f["read_time"].toString("yyyy-MM-dd HH:mm") for f in features(layer)]


def _pacific():
    from tests.core.test_timezones import expected_pacific, utc_minutes

    return [t.strftime("%Y-%m-%d %H:%M") for t in expected_pacific(utc_minutes())]


needs_lookup = pytest.mark.skipif(not zone_available(), reason="tzfpy is not installed")


@needs_lookup
def test_utc_timestamps_become_the_local_time_of_the_reads(tmp_path, feedback):
    from tests.core.test_timezones import dst_csv

    out = str(tmp_path / "reads.gpkg")
    res = run_load({"INPUT": dst_csv(tmp_path), "OUTPUT": out, "REJECTED": "TEMPORARY_OUTPUT"}, feedback)
    assert res["TIMEZONE"] == "America/Los_Angeles"
    times = _times(res)
    assert times == _pacific()
    assert times[119:121] == ["2021-03-14 01:59", "2021-03-14 03:00"]  # 09:59 and 10:00 UTC: the spring jump
    assert "Time zone: America/Los_Angeles, looked up from the reads' coordinates." in feedback.messages
    assert "241 timestamps with an offset (or in Unix time) converted into America/Los_Angeles." in feedback.messages


@needs_lookup
def test_a_given_timezone_is_used_and_named(tmp_path, feedback):
    from tests.core.test_timezones import dst_csv

    params = {"INPUT": dst_csv(tmp_path), "TIMEZONE": "America/Denver", "REJECTED": "TEMPORARY_OUTPUT"}
    res = run_load({**params, "OUTPUT": str(tmp_path / "reads.gpkg")}, feedback)
    assert res["TIMEZONE"] == "America/Denver"
    assert _times(res)[59:61] == ["2021-03-14 01:59", "2021-03-14 03:00"]  # Denver moved at 09:00 UTC
    assert "Time zone: America/Denver, given as TIMEZONE." in feedback.messages


def test_naive_timestamps_need_no_zone(tmp_path, feedback):
    res = run_load(
        {"INPUT": export_csv(tmp_path), "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT"}, feedback
    )
    assert res["TIMEZONE"] == ""
    assert "The timestamps carry no offset: kept as written." in feedback.messages
    assert not [m for m in feedback.messages if m.startswith("Time zone:")]


def test_without_the_lookup_library_the_log_says_how_to_fix_it(tmp_path, feedback, monkeypatch):
    import sys

    from tests.core.test_timezones import dst_csv

    monkeypatch.setitem(sys.modules, "tzfpy", None)
    out = str(tmp_path / "reads.gpkg")
    res = run_load({"INPUT": dst_csv(tmp_path), "OUTPUT": out, "REJECTED": "TEMPORARY_OUTPUT"}, feedback)
    assert res["TIMEZONE"] == ""
    assert _times(res)[0] == "2021-03-14 08:00"  # the clock time as written (UTC)
    (warning,) = (m for m in feedback.messages if "no time zone is known" in m)
    assert warning.startswith("241 timestamps carry a UTC offset")
    assert "Set TIMEZONE" in warning and "tzfpy==" in warning and "not installed" in warning


def test_an_unknown_timezone_is_a_clear_error(tmp_path):
    out = tmp_path / "reads.gpkg"
    params = {
        "INPUT": export_csv(tmp_path),
        "TIMEZONE": "Mars/Olympus",
        "OUTPUT": str(out),
        "REJECTED": "TEMPORARY_OUTPUT",
    }
    with pytest.raises(QgsProcessingException, match='TIMEZONE "Mars/Olympus" is not an IANA time-zone name'):
        run_load(params)
    assert not out.exists()


@needs_lookup
def test_a_big_file_read_in_parts_gets_the_same_zone(tmp_path, monkeypatch):
    from tests.core.test_timezones import dst_csv

    results = _load_both_ways(tmp_path, monkeypatch, dst_csv(tmp_path))
    assert results["whole"]["TIMEZONE"] == results["parts"]["TIMEZONE"] == "America/Los_Angeles"
    assert _times(results["parts"]) == _times(results["whole"]) == _pacific()
    assert _table_rows(results["parts"]["OUTPUT"].split("|")[0]) == _table_rows(
        results["whole"]["OUTPUT"].split("|")[0]
    )


@needs_lookup
def test_projected_coordinates_are_placed_for_the_zone_lookup(tmp_path):
    body = "plate,timestamp,x,y\nA1,2021-03-14T10:00:00Z,565000.5,4183000.25\n"  # UTM 10N: Oakland
    res = run_load(
        {
            "INPUT": write(tmp_path / "p.csv", body),
            "SOURCE_CRS": "EPSG:32610",
            "LAT_FIELD": "y",
            "LON_FIELD": "x",
            "OUTPUT": str(tmp_path / "p.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        }
    )
    assert res["TIMEZONE"] == "America/Los_Angeles" and _times(res) == ["2021-03-14 03:00"]
