"""alpr:devicetracks through processing.run: splitting, ordering, nulls, lengths, errors, the sample week."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import (
    QgsDistanceArea,
    QgsFeature,
    QgsFeatureRequest,
    QgsField,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDateTime, QVariant

SAMPLE = Path(__file__).resolve().parents[2] / "sample"
T0 = QDateTime.fromString("2014-07-17T08:00:00", "yyyy-MM-ddTHH:mm:ss")
LON, LAT = -122.27, 37.80
DEG_LAT_M = 111_000.0  # about, for building test positions only


def reads_layer(rows, *, time_type=QVariant.DateTime, names=("read_id", "device", "read_time"), crs="EPSG:4326"):
    """A memory layer of reads: rows of (device, seconds after T0 or None, lon, lat or None)."""
    layer = QgsVectorLayer("Point?crs={}".format(crs), "reads_layer", "memory")
    kinds = (QVariant.LongLong, QVariant.String, time_type)
    assert layer.dataProvider().addAttributes([QgsField(n, k) for n, k in zip(names, kinds)])
    layer.updateFields()
    features = []
    for i, (device, seconds, lon, lat) in enumerate(rows, start=1):
        f = QgsFeature(layer.fields())
        when = None if seconds is None else T0.addSecs(seconds)
        if when is not None and time_type == QVariant.String:
            when = when.toString("yyyy-MM-dd HH:mm:ss")
        f.setAttributes([i, device, when])
        if lat is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(lon, lat)))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def north(metres):
    """Latitude ``metres`` north of LAT (roughly)."""
    return LAT + metres / DEG_LAT_M


def run(params, feedback=None):
    return processing.run("alpr:devicetracks", {"OUTPUT": "TEMPORARY_OUTPUT", **params}, feedback=feedback)


def counts_missing(res):
    """(reads without a location, without a time, without a device)."""
    return res["MISSING_LOCATION_COUNT"], res["MISSING_TIME_COUNT"], res["MISSING_DEVICE_COUNT"]


def tracks(layer):
    return list(layer.getFeatures(QgsFeatureRequest().addOrderBy("track_id")))


def vertices(feature):
    return [(round(p.x(), 6), round(p.y(), 6)) for p in feature.geometry().vertices()]


def test_gap_and_speed_split_two_devices_out_of_order(feedback):
    rows = [
        # PATROL 1: drives north 200 m a minute; a 40-minute break; then a 3 km jump in 30 s.
        *[("PATROL 1", 60 * i, LON, north(200 * i)) for i in range(4)],
        *[("PATROL 1", 180 + 2400 + 60 * i, LON, north(600 + 200 * i)) for i in range(3)],
        ("PATROL 1", 180 + 2400 + 150, LON, north(3600)),
        ("PATROL 1", 180 + 2400 + 210, LON, north(3800)),
        # PATROL 2: three reads east of there.
        *[("PATROL 2", 30 + 60 * i, LON + 0.05, north(100 * i)) for i in range(3)],
    ]
    order = [9, 3, 0, 11, 6, 1, 8, 4, 10, 2, 7, 5]  # any input order
    layer = reads_layer([rows[k] for k in order])
    res = run({"INPUT": layer}, feedback)
    assert (res["TRACK_COUNT"], res["DEVICE_COUNT"], res["SINGLE_READ_COUNT"]) == (4, 2, 0)
    assert (res["MISSING_LOCATION_COUNT"], res["MISSING_TIME_COUNT"], res["MISSING_DEVICE_COUNT"]) == (0, 0, 0)
    out = res["OUTPUT"]
    assert out.crs().authid() == "EPSG:4326"  # tracks stay in the input CRS
    names = [f.name() for f in out.fields() if f.name() != "fid"]  # (a temporary output is a GeoPackage)
    assert names[:6] == ["track_id", "device", "start_time", "end_time", "read_count", "length_m"]
    feats = tracks(out)
    got = [(f["device"], f["read_count"], f["start_reason"]) for f in feats]
    assert got == [
        ("PATROL 1", 4, "device_start"),
        ("PATROL 1", 3, "gap"),
        ("PATROL 1", 2, "speed"),
        ("PATROL 2", 3, "device_start"),
    ]
    first = feats[0]
    assert first["start_time"] == T0 and first["end_time"] == T0.addSecs(180)
    assert first["duration_min"] == pytest.approx(3.0)
    # Vertices in time order, whatever the input order; read ids of the first and last reads.
    assert vertices(first) == [(LON, round(north(200 * i), 6)) for i in range(4)]
    position = {k: n + 1 for n, k in enumerate(order)}  # read_id = position in the shuffled layer
    assert (first["first_read_id"], first["last_read_id"]) == (position[0], position[3])
    # length_m is metres: compare with QGIS's ellipsoidal length (UTM is within 0.1 %).
    da = QgsDistanceArea()
    da.setSourceCrs(out.crs(), QgsProject.instance().transformContext())
    da.setEllipsoid("WGS84")
    for f in feats:
        assert f["length_m"] == pytest.approx(da.measureLength(f.geometry()), rel=1e-3)
    assert first["length_m"] == pytest.approx(600, rel=0.01)
    assert "measured in EPSG:32610" in feedback.text()


def test_nulls_skipped_and_counted(feedback):
    rows = [
        ("PATROL 1", 0, LON, north(0)),
        ("PATROL 1", 60, LON, None),  # no geometry
        ("PATROL 1", None, LON, north(50)),  # no time
        (None, 90, LON, north(60)),  # no device
        ("PATROL 1", 120, LON, north(200)),
        ("PATROL 1", 9000, LON, north(250)),  # alone after a gap: a one-read track
    ]
    res = run({"INPUT": reads_layer(rows)}, feedback)
    assert (res["TRACK_COUNT"], res["SINGLE_READ_COUNT"]) == (1, 1)
    assert (res["MISSING_LOCATION_COUNT"], res["MISSING_TIME_COUNT"], res["MISSING_DEVICE_COUNT"]) == (1, 1, 1)
    feats = tracks(res["OUTPUT"])
    assert feats[0]["read_count"] + res["SINGLE_READ_COUNT"] + sum(counts_missing(res)) == len(rows)
    assert "3 reads skipped: 1 without geometry, 1 without time, 1 without device" in feedback.text()


def test_glitch_left_out_or_splitting():
    rows = [("PATROL 1", 60 * i, LON, north(200 * i)) for i in range(5)]
    rows[2] = ("PATROL 1", 120, 0.0, 0.0)  # a read at null island
    res = run({"INPUT": reads_layer(rows)})
    assert (res["TRACK_COUNT"], res["GLITCH_COUNT"], res["SINGLE_READ_COUNT"]) == (1, 1, 0)
    assert tracks(res["OUTPUT"])[0]["read_count"] == 4
    res = run({"INPUT": reads_layer(rows), "DROP_GLITCHES": False})
    assert (res["TRACK_COUNT"], res["GLITCH_COUNT"], res["SINGLE_READ_COUNT"]) == (2, 0, 1)
    assert [f["start_reason"] for f in tracks(res["OUTPUT"])] == ["device_start", "speed"]


def test_parameters_change_the_split():
    rows = [("A", 0, LON, north(0)), ("A", 600, LON, north(100)), ("A", 1200, LON, north(200))]
    assert run({"INPUT": reads_layer(rows)})["TRACK_COUNT"] == 1
    res = run({"INPUT": reads_layer(rows), "MAX_GAP_MINUTES": 5})
    assert (res["TRACK_COUNT"], res["SINGLE_READ_COUNT"]) == (0, 3)
    fast = [("A", 0, LON, north(0)), ("A", 60, LON, north(2000)), ("A", 120, LON, north(4000))]  # 120 km/h
    assert run({"INPUT": reads_layer(fast)})["TRACK_COUNT"] == 1
    assert run({"INPUT": reads_layer(fast), "MAX_SPEED_KMH": 100})["SINGLE_READ_COUNT"] == 3


def test_other_field_names_and_text_times():
    rows = [("cam-7", 0, LON, north(0)), ("cam-7", 30, LON, north(100))]
    layer = reads_layer(rows, time_type=QVariant.String, names=("id", "unit", "when"))
    res = run({"INPUT": layer, "DEVICE_FIELD": "unit", "TIME_FIELD": "when"})
    feat = tracks(res["OUTPUT"])[0]
    assert (feat["device"], feat["read_count"]) == ("cam-7", 2)
    assert feat["start_time"] == T0 and feat["end_time"] == T0.addSecs(30)
    assert feat["first_read_id"] is None or str(feat["first_read_id"]) == "NULL"  # no read_id field


def test_geopackage_output_carries_the_style(tmp_path):
    out = str(tmp_path / "tracks.gpkg")
    rows = [("P", 60 * i, LON, north(100 * i)) for i in range(3)]
    res = run({"INPUT": reads_layer(rows), "OUTPUT": out})
    layer = QgsVectorLayer(res["OUTPUT"], "tracks", "ogr")
    assert layer.featureCount() == 1 and layer.geometryType() == 1  # line
    assert next(layer.getFeatures())["start_time"] == T0
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT COUNT(*) FROM layer_styles WHERE useAsDefault").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"DEVICE_FIELD": "camera"}, r'INPUT has no field "camera"\. Its fields are: read_id, device, read_time\. '),
        ({"TIME_FIELD": "timestamp"}, r'no field "timestamp".*Choose the right TIME_FIELD'),
        ({"DEVICE_FIELD": "read_time", "TIME_FIELD": "device"}, r'field "device": holds no date-time values'),
        ({"TIME_FIELD": "read_id"}, r'field "read_id": holds numbers, not date-time values\. Choose the field'),
        ({"MAX_GAP_MINUTES": 0}, r"MAX_GAP_MINUTES must be more than 0"),
        ({"MAX_SPEED_KMH": -1}, r"MAX_SPEED_KMH must be more than 0"),
    ],
)
def test_bad_parameters(params, message):
    layer = reads_layer([("P", 0, LON, LAT), ("P", 60, LON, north(100))])
    with pytest.raises(QgsProcessingException, match=message):
        run({"INPUT": layer, **params})


def test_missing_default_fields_are_named():
    layer = reads_layer([("P", 0, LON, LAT)], names=("id", "unit", "when"))
    with pytest.raises(QgsProcessingException, match=r'no field "device"\. Its fields are: id, unit, when'):
        run({"INPUT": layer})


def test_empty_layer_and_no_usable_reads():
    with pytest.raises(QgsProcessingException, match="INPUT has no reads: the layer is empty"):
        run({"INPUT": reads_layer([])})
    with pytest.raises(
        QgsProcessingException, match=r'None of the 2 reads has a location, a time \(field "read_time"\)'
    ):
        run({"INPUT": reads_layer([("P", None, LON, LAT), ("P", 5, LON, None)])})


def test_cancel_writes_nothing(tmp_path, feedback):
    feedback.cancel()
    out = tmp_path / "tracks.gpkg"
    res = run({"INPUT": reads_layer([("P", 0, LON, LAT), ("P", 5, LON, LAT)]), "OUTPUT": str(out)}, feedback)
    assert "TRACK_COUNT" not in res and not out.exists()


# ------------------------------------------------------------------ the sample week


@pytest.fixture(scope="module")
def sample_tracks(sample_loaded, tmp_path_factory):
    """The sample week loaded with alpr:loadreads, then tracks with the defaults (once per module)."""
    folder = tmp_path_factory.mktemp("sample_tracks")
    loaded = sample_loaded
    res = run({"INPUT": loaded["OUTPUT"], "OUTPUT": str(folder / "tracks.gpkg")})
    return loaded, res, tracks(QgsVectorLayer(res["OUTPUT"], "tracks", "ogr"))


def test_sample_shifts_and_devices(sample_tracks):
    loaded, res, feats = sample_tracks
    assert res["DEVICE_COUNT"] == 3
    per_device = {}
    for f in feats:
        per_device[f["device"]] = per_device.get(f["device"], 0) + 1
    # One track per shift: PATROL 1 every day, PATROL 2 on weekdays (plus the mall trip),
    # PATROL 3 evenings across midnight (plus the end of Sunday night's shift).
    assert per_device == {"PATROL 1": 7, "PATROL 2": 7, "PATROL 3": 8}
    assert res["TRACK_COUNT"] == len(feats) == 22
    # 27 rows have no location; 62 points at 0,0 are lone glitches on the way.
    assert counts_missing(res) == (27, 0, 0) and res["GLITCH_COUNT"] == 62 and res["SINGLE_READ_COUNT"] == 0
    on_lines = sum(f["read_count"] for f in feats)
    # The sample's two fixed cameras get no track (their reads are counted apart).
    assert (res["FIXED_CAMERA_COUNT"], res["MOBILE_DEVICE_COUNT"], res["FIXED_READ_COUNT"]) == (2, 3, 2_261)
    accounted = on_lines + res["SINGLE_READ_COUNT"] + res["GLITCH_COUNT"] + sum(counts_missing(res))
    assert accounted + res["FIXED_READ_COUNT"] == loaded["READ_COUNT"]
    for f in feats:
        assert f["end_time"] > f["start_time"] and f["length_m"] > 1000
        assert f["length_m"] / 1000 / (f["duration_min"] / 60) < 60  # city patrol speeds, km/h


def test_sample_mall_trip_is_its_own_track(sample_tracks):
    _, _, feats = sample_tracks
    day = [
        f for f in feats if f["device"] == "PATROL 2" and f["start_time"].date().toString("yyyy-MM-dd") == "2014-07-17"
    ]
    assert [(f["start_time"].toString("HH:mm"), f["end_time"].toString("HH:mm")) for f in day] == [
        ("08:30", "13:35"),
        ("14:07", "15:08"),
        ("15:47", "16:40"),
    ]
    mall = day[1]
    assert mall["start_reason"] == "gap" and day[2]["start_reason"] == "gap"
    assert mall["read_count"] == 210  # the README's Sunridge Mall reads
    centre = mall.geometry().centroid().asPoint()
    assert centre.x() == pytest.approx(-122.026, abs=0.01) and centre.y() == pytest.approx(37.573, abs=0.01)


def test_fixed_cameras_get_no_track_and_come_out_as_points(tmp_path, feedback):
    # A patrol car driving north 2 km in 20 minutes; a camera on a pole reading 30 times within a few metres.
    rows = [("PATROL 1", 60 * i, LON, north(100 * i)) for i in range(21)]
    rows += [("POLE 7", 90 * i, LON + 0.01 + (i % 3) * 0.00002, north(500 + (i % 2) * 3)) for i in range(30)]
    out = tmp_path / "fixed.gpkg"
    res = run({"INPUT": reads_layer(rows), "FIXED_CAMERAS": str(out)}, feedback)
    lines = tracks(res["OUTPUT"])
    assert [f["device"] for f in lines] == ["PATROL 1"] and lines[0]["read_count"] == 21
    assert (res["FIXED_CAMERA_COUNT"], res["MOBILE_DEVICE_COUNT"], res["FIXED_READ_COUNT"]) == (1, 1, 30)
    cameras = list(QgsVectorLayer(str(out)).getFeatures())
    assert len(cameras) == 1
    camera = cameras[0]
    assert camera["device"] == "POLE 7" and camera["read_count"] == 30 and camera["spread_m"] < 10
    assert camera["first_time"].toString("HH:mm:ss") == "08:00:00"
    assert camera["last_time"].toString("HH:mm:ss") == T0.addSecs(90 * 29).toString("HH:mm:ss")
    point = camera.geometry().asPoint()
    assert point.x() == pytest.approx(LON + 0.01, abs=1e-4) and point.y() == pytest.approx(north(500), abs=1e-4)
    assert "POLE 7" in feedback.text()
    # Radius 0: every device moves; the pole gets a (short) track of its own.
    every = run({"INPUT": reads_layer(rows), "FIXED_RADIUS_M": 0})
    assert {f["device"] for f in tracks(every["OUTPUT"])} == {"PATROL 1", "POLE 7"}
    assert every["FIXED_CAMERA_COUNT"] == 0 and every["FIXED_READ_COUNT"] == 0
