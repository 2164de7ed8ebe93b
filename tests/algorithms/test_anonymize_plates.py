"""alpr:anonymizeplates: ids, guarantees, privacy of every output byte and message, the audit."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from qgis import processing
from qgis.core import NULL, QgsProcessingException, QgsVectorLayer

from tests.helpers import export_csv

KEY = "correct horse battery staple"
PLATES = ["6TRM913", "ABC123", "CAUT10N", "7XYZ321", "1234567"]


@pytest.fixture
def reads(tmp_path):
    """The five-row export loaded into a GeoPackage, with one plate repeated in mixed case and padding."""
    rows = [
        '101,6TRM913,07/20/2014 08:01:02 AM,"(37.80123, -122.27456)",PATROL 1,CA,IMG_6TRM913.jpg',
        '102,ABC123,07/20/2014 01:15:40 PM,"(37.79001, -122.26002)",PATROL 1,CA,IMG_ABC123.jpg',
        '103,CAUT10N,07/20/2014 02:00:00 PM,"(37.81, -122.25)",PATROL 2,,note CAUT10N',
        '104,7XYZ321,07/21/2014 11:59:59 PM,"(37.8, -122.2)",PATROL 2,NV,IMG_x.jpg',
        '105,1234567,07/21/2014 12:00:01 AM,"(37.8, -122.2)",PATROL 3,CA,IMG_1234567.jpg',
        '106, 6trm-913 ,07/22/2014 09:30:00 AM,"(37.80124, -122.27457)",PATROL 1,CA,seen 6TRM 913',
    ]
    res = processing.run(
        "alpr:loadreads",
        {
            "INPUT": export_csv(tmp_path, rows=rows),
            "OUTPUT": str(tmp_path / "reads.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )
    return res["OUTPUT"]


def run_anon(layer, feedback=None, **params):
    return processing.run(
        "alpr:anonymizeplates",
        {"INPUT": layer, "OUTPUT": "TEMPORARY_OUTPUT", "AUDIT": "TEMPORARY_OUTPUT", **params},
        feedback=feedback,
    )


def by_read(layer):
    return {f["read_id"]: f for f in layer.getFeatures()}


def test_hmac_ids_and_guarantees(reads, tmp_path, feedback):
    key_file = tmp_path / "alpr.key"
    key_file.write_text(KEY + "\n")
    out = tmp_path / "public.gpkg"
    res = run_anon(reads, feedback, KEY_FILE=str(key_file), OUTPUT=str(out))
    layer = QgsVectorLayer(res["OUTPUT"])
    feats = by_read(layer)
    expected = hmac.new(KEY.encode(), b"6TRM913", hashlib.sha256).hexdigest()
    assert feats[1]["plate_id"] == feats[6]["plate_id"] == expected  # same plate, normalised, same id
    assert len({feats[i]["plate_id"] for i in range(1, 6)}) == 5
    names = [f.name() for f in layer.fields()]
    assert "plate" not in names and names.index("plate_id") == 2
    assert {"read_id", "read_time", "device", "state", "ID", "Location", "ImageFile"} <= set(names)
    # Other fields holding the row's plate are found, reported and cleared; the rest kept.
    assert feats[1]["ImageFile"] == NULL and feats[3]["ImageFile"] == NULL and feats[6]["ImageFile"] == NULL
    assert feats[4]["ImageFile"] == "IMG_x.jpg"
    assert res["CLEARED_VALUES"] == 5 and res["READ_COUNT"] == 6 and res["PLATE_COUNT"] == 5
    assert feats[2]["device"] == "PATROL 1" and feats[2]["ID"] == 102
    # No plate and no key anywhere: file bytes, messages.
    data = out.read_bytes()
    for secret in PLATES + [KEY, "6trm-913"]:
        assert secret.encode() not in data, secret
        assert secret not in feedback.text(), secret
    assert "ImageFile" in feedback.text()
    # Same key, same ids across runs; another key, unlinkable ids.
    again = by_read(run_anon(reads, KEY=KEY)["OUTPUT"])
    assert again[1]["plate_id"] == expected
    other = by_read(run_anon(reads, KEY="another key")["OUTPUT"])
    assert {f["plate_id"] for f in other.values()}.isdisjoint({f["plate_id"] for f in feats.values()})


def test_key_warning_and_one_time_key(reads, feedback):
    run_anon(reads, feedback, KEY=KEY)
    assert "KEY_FILE" in feedback.text() and KEY not in feedback.text()
    a = by_read(run_anon(reads)["OUTPUT"])
    b = by_read(run_anon(reads)["OUTPUT"])
    assert a[1]["plate_id"] == a[6]["plate_id"] and a[1]["plate_id"] != b[1]["plate_id"]


def test_token_and_drop(reads):
    tokens = by_read(run_anon(reads, METHOD="token")["OUTPUT"])
    assert tokens[1]["plate_id"] == tokens[6]["plate_id"] and len(tokens[1]["plate_id"]) == 22
    dropped = run_anon(reads, METHOD="drop")
    names = [f.name() for f in dropped["OUTPUT"].fields()]
    assert "plate" not in names and "plate_id" not in names
    assert dropped["UNIQUE_SHARE_1"] == 0.0


def test_coarsening_time_and_place(reads):
    res = run_anon(reads, KEY=KEY, TIME_PRECISION="hour", LOCATION_PRECISION_M=500)
    feats = by_read(res["OUTPUT"])
    assert feats[1]["read_time"].toString("yyyy-MM-dd HH:mm:ss") == "2014-07-20 08:00:00"
    assert feats[4]["read_time"].toString("HH:mm:ss") == "23:00:00"
    # Reads 1 and 6 were 1.4 m apart: they now share one grid-cell centre.
    assert feats[1].geometry().asWkt(6) == feats[6].geometry().asWkt(6)
    assert feats[1].geometry().asPoint().x() != pytest.approx(-122.27456, abs=1e-6)


def test_extra_plate_fields_removed(reads):
    res = run_anon(reads, KEY=KEY, EXTRA_PLATE_FIELDS=["ImageFile"])
    assert "ImageFile" not in [f.name() for f in res["OUTPUT"].fields()]
    assert res["CLEARED_VALUES"] == 0


def test_audit_table(reads):
    res = run_anon(reads, KEY=KEY)
    rows = {f["known_points"]: (f["vehicles"], f["unique_vehicles"]) for f in res["AUDIT"].getFeatures()}
    # Exact times: every vehicle's trail is unique; only 6TRM913 has two points.
    assert rows[1] == (5, 5) and rows[2] == (1, 1) and rows[3] == (0, 0)
    assert res["UNIQUE_SHARE_1"] == 1.0


def test_bad_inputs(reads, tmp_path):
    with pytest.raises(QgsProcessingException, match='has no plate field "vrm"'):
        run_anon(reads, PLATE_FIELD="vrm")
    key_file = tmp_path / "k"
    key_file.write_text("x")
    with pytest.raises(QgsProcessingException, match="not both"):
        run_anon(reads, KEY="a", KEY_FILE=str(key_file))
    empty = tmp_path / "empty.key"
    empty.write_text("")
    with pytest.raises(QgsProcessingException, match="empty.key: is empty"):
        run_anon(reads, KEY_FILE=str(empty))


def test_sample_release_audit(sample_loaded, tmp_path):
    loaded = sample_loaded
    exact = run_anon(loaded["OUTPUT"], KEY=KEY)
    coarse = run_anon(loaded["OUTPUT"], KEY=KEY, TIME_PRECISION="day", LOCATION_PRECISION_M=2000)
    assert exact["READ_COUNT"] == coarse["READ_COUNT"] == 60_250
    assert exact["UNIQUE_SHARE_2"] > 0.95
    assert coarse["UNIQUE_SHARE_2"] < exact["UNIQUE_SHARE_2"]
