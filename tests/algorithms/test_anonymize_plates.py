"""alpr:anonymizeplates: a release that leaks nothing — allow-list, scrubbing, order, keys, the audit."""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import (
    NULL,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsVectorLayer,
)

from tests.helpers import export_csv

KEY = "correct horse battery staple"
HEADER = "ID,Plate,Timestamp,Location,Device,State,ImageFile,Notes,GovId,Speed"
# Plate as the row writes it (mixed forms), its normal form.
PLATES = [
    ("6TRM 913", "6TRM913"),
    ("7rst-123", "7RST123"),
    ("MNPQ77", "MNPQ77"),
    ("WX", "WX"),  # a short plate
    ("7305518", "7305518"),  # a government plate, seven digits
    ("zyxw", "ZYXW"),
    ("6trm-913", "6TRM913"),
    ("QRS", "QRS"),
]
NOTES = ["follow up 7RST 123", "routine", "with mnpq-77", "WX", "", "gate", "IMG of ZYXW", "ok"]
AGENCY_ID = "AGY-{:05d}-Q"


def hostile_rows(n: int = 48) -> list:
    """Three devices interleaved in time, plates in other rows' notes, image names and an integer column."""
    rows = []
    for i in range(n):
        written, _ = PLATES[i % len(PLATES)]
        minute = 5 * i
        when = "07/20/2014 {:02d}:{:02d}:{:02d} AM".format(8 + minute // 60, minute % 60, (7 * i) % 60)
        lat, lon = 37.80123 + i * 0.00731, -122.27456 + (i % 5) * 0.00917
        rows.append(
            ",".join(
                [
                    AGENCY_ID.format(77100 + i),
                    written,
                    when,
                    '"({:.5f}, {:.5f})"'.format(lat, lon),
                    "PATROL {}".format(1 + i % 3),
                    "CA" if i % 4 else "NV",
                    "IMG_20140720_{}.jpg".format(written.replace(" ", "")),
                    NOTES[(i + 3) % len(NOTES)],  # another row's plate, in other forms
                    "7305518" if i % 6 == 0 else str(40 + i),
                    "{:.1f}".format(20 + i % 9 + 0.5),
                ]
            )
        )
    return rows


@pytest.fixture
def hostile(tmp_path):
    res = processing.run(
        "alpr:loadreads",
        {
            "INPUT": export_csv(tmp_path, rows=hostile_rows(), header=HEADER),
            "OUTPUT": str(tmp_path / "reads.gpkg"),
            "REJECTED": "TEMPORARY_OUTPUT",
        },
    )
    assert res["READ_COUNT"] == 48
    return res["OUTPUT"]


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "private" / "alpr.key"
    path.parent.mkdir()
    path.write_text(KEY + "\n")
    path.chmod(0o600)
    return str(path)


def run_anon(layer, feedback=None, **params):
    return processing.run(
        "alpr:anonymizeplates",
        {"INPUT": layer, "OUTPUT": "TEMPORARY_OUTPUT", "AUDIT": "TEMPORARY_OUTPUT", **params},
        feedback=feedback,
    )


def text_dump(gpkg: Path) -> str:
    """Every value of every table of a GeoPackage as text, geometry blobs excluded."""
    conn = sqlite3.connect(str(gpkg))
    try:
        blobs = {
            (t.lower(), c.lower()) for t, c in conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        }
        parts = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"):
            columns = [r[1] for r in conn.execute('PRAGMA table_info("{}")'.format(table))]
            keep = [c for c in columns if (table.lower(), c.lower()) not in blobs]
            if not keep:
                continue
            parts.append(table + " " + " ".join(keep))
            sql = 'SELECT {} FROM "{}"'.format(", ".join('"{}"'.format(c) for c in keep), table)
            for row in conn.execute(sql):
                parts.append(" ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row))
        return "\n".join(parts)
    finally:
        conn.close()


def features(path):
    layer = QgsVectorLayer(str(path))
    assert layer.isValid()
    return layer, list(layer.getFeatures())


def test_release_leaks_nothing(hostile, key_file, tmp_path, feedback):
    out, audit = tmp_path / "public.gpkg", tmp_path / "audit.gpkg"
    res = run_anon(
        hostile,
        feedback,
        KEY_FILE=key_file,
        TIME_PRECISION="hour",
        LOCATION_PRECISION_M=200,
        KEEP_FIELDS=["Notes", "GovId", "Location", "Speed"],
        OUTPUT=str(out),
        AUDIT=str(audit),
    )
    layer, feats = features(out)
    names = [f.name() for f in layer.fields()]
    assert names == ["fid", "plate_id", "read_time", "device", "state", "Location", "Notes", "GovId", "Speed"]
    assert res["READ_COUNT"] == 48 and res["PLATE_COUNT"] == 7  # 6TRM 913 and 6trm-913 are one vehicle
    assert res["DROPPED_FIELD_COUNT"] == 4  # read_id, plate, ID, ImageFile

    # Scrubbed, every type: notes holding a plate in any form, the integer government plate, exact location text.
    notes = [f["Notes"] for f in feats]
    assert sorted(n for n in notes if n not in (None, NULL)) == sorted(["routine", "gate", "ok"] * 6)
    assert all(f["GovId"] != 7305518 for f in feats) and sum(f["GovId"] == NULL for f in feats) == 8
    assert all(f["Location"] == NULL for f in feats)
    assert sorted({f["Speed"] for f in feats}) == [20.5 + k for k in range(9)]  # not a plate, not a place: kept
    assert res["CLEARED_COUNT"] == 24 + 8 + 48  # notes: 3 holding a plate, 1 equal to one (WX), of 8

    # A full text dump of the release holds no plate in any form, no key, no exact place, no source id.
    dump = text_dump(out)
    normal = re.sub(r"[\s.\-]+", "", dump.upper())
    for written, plate in PLATES:
        assert written not in dump and written.lower() not in dump.lower()
        if len(plate) >= 4:
            assert plate not in normal, plate
    assert KEY not in dump and "37.80123" not in dump and "-122.27456" not in dump and "AGY-" not in dump
    assert "IMG_" not in dump and "read_id" not in dump.split("layer_styles")[0]
    assert str(tmp_path) not in dump and "reads.gpkg" not in dump  # no path, no source

    # Ids: keyed hashes of the normal form; rows by coarsened time, then plate id; never the source order.
    expected = hmac.new(KEY.encode(), b"6TRM913", hashlib.sha256).hexdigest()
    assert expected in {f["plate_id"] for f in feats}
    keys = [(f["read_time"].toString("yyyy-MM-dd HH:mm:ss"), f["plate_id"]) for f in feats]
    assert keys == sorted(keys) and keys[0][0] == "2014-07-20 08:00:00"
    source_devices = ["PATROL {}".format(1 + i % 3) for i in range(48)]
    assert [f["device"] for f in feats] != source_devices
    assert sorted(f["device"] for f in feats) == sorted(source_devices)

    # The audit: unicity on the release, dropped fields and cleared values by name, never values.
    _, rows = features(audit)
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row)
    assert [r["known_points"] for r in by_kind["unicity"]] == [1, 2, 3, 4]
    assert sorted(r["field"] for r in by_kind["dropped_field"]) == ["ID", "ImageFile", "Plate", "read_id"] or sorted(
        r["field"] for r in by_kind["dropped_field"]
    ) == ["ID", "ImageFile", "plate", "read_id"]
    assert {r["field"]: r["count"] for r in by_kind["cleared_values"]} == {"Location": 48, "Notes": 24, "GovId": 8}
    audit_dump = text_dump(audit)
    for written, _ in PLATES:
        assert written not in audit_dump
    # Messages: field names, never a value or the key.
    text = feedback.text()
    assert "ImageFile" in text and "Field Notes: 24 values" in text
    for written, plate in PLATES:
        if len(plate) >= 4:
            assert written not in text and plate not in text.upper().replace(" ", "")
    assert KEY not in text and "AGY-" not in text
    # (QGIS itself echoes the parameters and results, with the destinations the user chose; ours never name a path.)
    ours = [m for m in feedback.messages if not m.startswith(("Input parameters:", "Results:"))]
    assert not [m for m in ours if str(tmp_path) in m]


def test_keys_like_secrets(hostile, tmp_path, feedback):
    # Too short: refused before anything is written.
    out = tmp_path / "short.gpkg"
    with pytest.raises(QgsProcessingException, match="KEY holds a key of 5 bytes"):
        run_anon(hostile, KEY="short", OUTPUT=str(out))
    assert not out.exists()
    short_file = tmp_path / "short.key"
    short_file.write_text("fifteen bytes!!\n")
    with pytest.raises(QgsProcessingException, match="KEY_FILE holds a key of 15 bytes") as err:
        run_anon(hostile, KEY_FILE=str(short_file), OUTPUT=str(out))
    assert "fifteen" not in str(err.value) and not out.exists()
    # A key file others can read: a warning; the key typed in clear: a warning.
    shared = tmp_path / "shared.key"
    shared.write_text(KEY + "\n")
    shared.chmod(0o644)
    run_anon(hostile, feedback, KEY_FILE=str(shared))
    assert "can be read by other users" in feedback.text()
    run_anon(hostile, feedback, KEY=KEY)
    assert "KEY_AUTHCFG or KEY_FILE" in feedback.text() and KEY not in feedback.text()
    with pytest.raises(QgsProcessingException, match="KEEP_FIELDS names the plate field"):
        run_anon(hostile, KEY=KEY, KEEP_FIELDS=["plate"], OUTPUT=str(out))
    assert not out.exists()


def test_key_from_qgis_authentication(hostile, tmp_path):
    manager = QgsApplication.authManager()
    assert manager.setMasterPassword("master password for tests", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("alpr release key")
    config.setConfig("username", "alpr")
    config.setConfig("password", KEY)
    stored = manager.storeAuthenticationConfig(config)
    config = stored[1] if isinstance(stored, tuple) else config
    res = run_anon(hostile, KEY_AUTHCFG=config.id())
    ids = {f["plate_id"] for f in res["OUTPUT"].getFeatures()}
    assert hmac.new(KEY.encode(), b"7RST123", hashlib.sha256).hexdigest() in ids
    with pytest.raises(QgsProcessingException, match='KEY_AUTHCFG "nosuch1" cannot be read'):
        run_anon(hostile, KEY_AUTHCFG="nosuch1")
    with pytest.raises(QgsProcessingException, match="only one of KEY and KEY_AUTHCFG"):
        run_anon(hostile, KEY=KEY, KEY_AUTHCFG=config.id())


def test_token_drop_and_no_audit(hostile):
    tokens = run_anon(hostile, METHOD="token")
    ids = [f["plate_id"] for f in tokens["OUTPUT"].getFeatures()]
    assert len(set(ids)) == 7 and all(len(i) == 22 for i in ids)
    dropped = run_anon(hostile, METHOD="drop", AUDIT=None)
    names = [f.name() for f in dropped["OUTPUT"].fields() if f.name() != "fid"]
    assert names == ["read_time", "device", "state"]
    assert dropped["AUDIT"] is None and dropped["UNIQUE_SHARE_1"] == 0.0 and dropped["PLATE_COUNT"] == 7


def test_coarsening_time_and_place(hostile):
    res = run_anon(hostile, KEY=KEY, TIME_PRECISION="hour", LOCATION_PRECISION_M=2000)
    feats = list(res["OUTPUT"].getFeatures())
    assert {f["read_time"].toString("mm:ss") for f in feats} == {"00:00"}
    points = {(round(f.geometry().asPoint().x(), 7), round(f.geometry().asPoint().y(), 7)) for f in feats}
    assert len(points) < 40 and all(abs(x + 122.27456) > 1e-5 for x, _ in points)  # reads share cells


def test_extra_plate_fields_count_as_plates(hostile):
    res = run_anon(hostile, KEY=KEY, EXTRA_PLATE_FIELDS=["ImageFile"], KEEP_FIELDS=["Notes"])
    assert "ImageFile" not in [f.name() for f in res["OUTPUT"].fields()]
    assert res["CLEARED_COUNT"] == 24


def test_bad_inputs(hostile, tmp_path):
    with pytest.raises(QgsProcessingException, match='has no plate field "vrm"'):
        run_anon(hostile, KEY=KEY, PLATE_FIELD="vrm")
    key_file = tmp_path / "k"
    key_file.write_text(KEY)
    with pytest.raises(QgsProcessingException, match="not both"):
        run_anon(hostile, KEY=KEY, KEY_FILE=str(key_file))
    empty = tmp_path / "empty.key"
    empty.write_text("")
    with pytest.raises(QgsProcessingException, match="empty.key: is empty"):
        run_anon(hostile, KEY_FILE=str(empty))


def test_sample_release_audit(sample_loaded):
    exact = run_anon(sample_loaded["OUTPUT"], KEY=KEY)
    coarse = run_anon(sample_loaded["OUTPUT"], KEY=KEY, TIME_PRECISION="day", LOCATION_PRECISION_M=2000)
    assert exact["READ_COUNT"] == coarse["READ_COUNT"] == 62_511
    assert exact["UNIQUE_SHARE_2"] > 0.95
    assert coarse["UNIQUE_SHARE_2"] < exact["UNIQUE_SHARE_2"]


def table_rows(path):
    """(column names, rows) of a GeoPackage's data table in feature-id order, without the fid."""
    conn = sqlite3.connect(str(path))
    try:
        table = conn.execute(
            "SELECT table_name FROM gpkg_contents WHERE lower(table_name) != 'layer_styles' ORDER BY rowid"
        ).fetchone()[0]
        cursor = conn.execute('SELECT * FROM "{}" ORDER BY fid'.format(table))
        return [d[0] for d in cursor.description][1:], [r[1:] for r in cursor.fetchall()]
    finally:
        conn.close()


def release_rows(path):
    """(rows of the release as a sorted list, the (time, plate_id) keys in written order)."""
    names, rows = table_rows(path)
    keys = [(r[names.index("read_time")], r[names.index("plate_id")]) for r in rows]
    return sorted(rows, key=repr), keys


@pytest.mark.parametrize("chunk_rows", [5, 4099])
def test_chunks_give_the_whole_layers_release(hostile, sample_loaded, tmp_path, monkeypatch, chunk_rows):
    """Read and written a few rows at a time, the release holds the same rows, in the release's order, and the
    same audit (the hostile reads in chunks of 5: scrubbing across chunks; the sample in 16 chunks)."""
    import alpr_qgis.algorithms.anonymize_plates as module

    layer = hostile if chunk_rows == 5 else sample_loaded["OUTPUT"]
    params = dict(KEY=KEY, TIME_PRECISION="hour", LOCATION_PRECISION_M=200)
    if chunk_rows == 5:
        params["KEEP_FIELDS"] = ["Notes", "GovId", "Location", "Speed"]
        params["EXTRA_PLATE_FIELDS"] = ["ImageFile"]

    def run(name):
        out, audit = tmp_path / (name + ".gpkg"), tmp_path / (name + "_audit.gpkg")
        res = run_anon(layer, OUTPUT=str(out), AUDIT=str(audit), **params)
        return res, release_rows(out), table_rows(audit)

    whole, (whole_rows, whole_keys), whole_audit = run("whole")
    monkeypatch.setattr(module, "CHUNK_ROWS", chunk_rows)
    chunked, (rows, keys), audit = run("chunked")
    numbers = ("READ_COUNT", "PLATE_COUNT", "CLEARED_COUNT", "DROPPED_FIELD_COUNT", "UNIQUE_SHARE_1", "UNIQUE_SHARE_2")
    assert [whole[k] for k in numbers] == [chunked[k] for k in numbers]
    assert rows == whole_rows and audit == whole_audit
    assert keys == sorted(keys) and len(keys) == whole["READ_COUNT"]
    if chunk_rows == 5:
        assert chunked["CLEARED_COUNT"] == 24 + 8 + 48


class ProgressFeedback(QgsProcessingFeedback):
    """Keeps every progress value; cancels once progress reaches ``cancel_at`` (never by default)."""

    def __init__(self, cancel_at=None):
        super().__init__()
        self.values = []
        self.cancel_at = cancel_at

    def setProgress(self, progress):  # noqa: N802
        self.values.append(progress)
        super().setProgress(progress)
        if self.cancel_at is not None and progress >= self.cancel_at:
            self.cancel()


def test_progress_moves_steadily_and_cancel_stops(sample_loaded, tmp_path, monkeypatch):
    import alpr_qgis.algorithms.anonymize_plates as module

    monkeypatch.setattr(module, "CHUNK_ROWS", 5000)
    feedback = ProgressFeedback()
    res = run_anon(sample_loaded["OUTPUT"], feedback, KEY=KEY, OUTPUT=str(tmp_path / "a.gpkg"), AUDIT=None)
    assert res["READ_COUNT"] == 62_511 and res["AUDIT"] is None and res["UNIQUE_SHARE_2"] > 0.95
    values = feedback.values
    assert values == sorted(values) and values[-1] >= 99  # never backwards, to the end
    assert len({round(v) for v in values}) >= 25  # many steps (reading, auditing, writing), not one jump
    assert max(b - a for a, b in zip(values, values[1:])) <= 15
    for cancel_at in (10, 60, 80):  # while reading, auditing, writing
        out = tmp_path / "cancelled_{}.gpkg".format(cancel_at)
        stopped = run_anon(sample_loaded["OUTPUT"], ProgressFeedback(cancel_at), KEY=KEY, OUTPUT=str(out))
        assert stopped == {} and not out.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".alpr")]  # nothing half-written left


def test_help_and_log_say_how_time_and_memory_grow(hostile, feedback, monkeypatch):
    import alpr_qgis.algorithms.base as base

    help_text = QgsApplication.processingRegistry().algorithmById("alpr:anonymizeplates").shortHelpString()
    assert "per million reads" in help_text and "two million" in help_text
    monkeypatch.setattr(base, "MANY_FEATURES", 10)
    run_anon(hostile, feedback, KEY=KEY)
    assert "48 features: expect roughly" in feedback.text()
