"""alpr:cleanreads through processing.run: every read accounted for, every reason, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis import processing
from qgis.core import (
    NULL,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingException,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

SAMPLE = Path(__file__).resolve().parents[2] / "sample"


def memory_reads(rows, crs="EPSG:4326", plate_type=QVariant.String):
    """A point layer with plate/device fields; rows are (plate, x, y) with None x for no geometry."""
    layer = QgsVectorLayer("Point" + (f"?crs={crs}" if crs else ""), "reads", "memory")
    if crs is None:
        layer.setCrs(QgsCoordinateReferenceSystem())  # memory layers default to EPSG:4326
    provider = layer.dataProvider()
    provider.addAttributes(
        [QgsField("read_id", QVariant.LongLong), QgsField("plate", plate_type), QgsField("device", QVariant.String)]
    )
    layer.updateFields()
    feats = []
    for i, (plate, x, y) in enumerate(rows, start=1):
        feat = QgsFeature(layer.fields())
        feat.setAttributes([i, plate, "P1"])
        if x is not None:
            feat.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feats.append(feat)
    provider.addFeatures(feats)
    return layer


def run_clean(layer, feedback=None, **params):
    return processing.run(
        "alpr:cleanreads",
        {"INPUT": layer, "OUTPUT": "TEMPORARY_OUTPUT", "REJECTED": "TEMPORARY_OUTPUT", **params},
        feedback=feedback,
    )


def test_each_reason_lands_in_rejected(feedback):
    layer = memory_reads(
        [
            ("", 1, 1),
            ("AB@12", 1, 1),
            ("CAUT10N", 1, 1),
            ("7ABC1234", 1, 1),
            ("1234567", 1, 1),
            ("6TRM913", 200, 37),
            ("6TRM914", None, None),
            ("6TRM915", 0, 0),
            ("6TRM916", -122.2, 37.8),
            ("STOP4ME", -122.2, 37.8),
            ("CAT123", -122.2, 37.8),
            (None, -122.2, 37.8),
        ]
    )
    res = run_clean(layer, feedback, EXCLUDE_GOVERNMENT=True)
    assert res["CLEAN_COUNT"] == 3 and res["REJECTED_COUNT"] == 9
    assert res["CLEAN_COUNT"] + res["REJECTED_COUNT"] == layer.featureCount()
    for key in ("EMPTY_PLATE_COUNT",):
        assert res[key] == 2
    for key in (
        "INVALID_CHARS_COUNT",
        "SIGN_WORD_COUNT",
        "OVERLENGTH_COUNT",
        "GOVERNMENT_COUNT",
        "INVALID_LOCATION_COUNT",
        "NULL_GEOMETRY_COUNT",
        "NULL_ISLAND_COUNT",
    ):
        assert res[key] == 1, key
    rejected = {f["read_id"]: (f["reason"], f["reasons"], f["detail"]) for f in res["REJECTED"].getFeatures()}
    assert rejected[3] == ("sign_word", "sign_word", "CAUTION")
    assert rejected[8][:2] == ("null_island", "null_island")
    assert rejected[8][2] == NULL
    assert rejected[7][0] == "null_geometry"
    clean = sorted(f["plate"] for f in res["OUTPUT"].getFeatures())
    assert clean == ["6TRM916", "CAT123", "STOP4ME"]
    fields = [f.name() for f in res["OUTPUT"].fields()]
    assert fields[-2:] == ["is_government", "is_duplicate"]
    assert "CAUT10N" not in "\n".join(feedback.messages)  # counts only, never plates


def test_sign_legends_and_their_misreads(feedback):
    """Legends beyond the old word list, one OCR error anywhere; vanity plates and US formats stay clean."""
    signs = {
        "DO NOT ENTER": "DONOTENTER",
        "WRONG WAY": "WRONGWAY",
        "SCHOOL BUS": "SCHOOLBUS",
        "NO TURN ON RED": "NOTURNONRED",
        "YEILD": "YIELD",
        "PARKNIG": "PARKING",
        "CAUTON": "CAUTION",
        "FIRE-LANE": "FIRELANE",
        "DETOUT": "DETOUR",
        "HANDICAPPD": "HANDICAPPED",
    }
    real = ["BIKE4ME", "SLOWDWN", "GOBEARS", "KITTY", "7ABC123", "ABCD12", "A12BCD", "AB1C2D", "ABC1234"]
    rows = [(p, -122.2, 37.8) for p in list(signs) + real]
    res = run_clean(memory_reads(rows), feedback)
    assert res["SIGN_WORD_COUNT"] == len(signs) and res["CLEAN_COUNT"] == len(real)
    rejected = {f["plate"]: (f["reason"], f["detail"]) for f in res["REJECTED"].getFeatures()}
    assert rejected == {p: ("sign_word", w) for p, w in signs.items()}
    assert sorted(f["plate"] for f in res["OUTPUT"].getFeatures()) == sorted(real)
    assert "PARKNIG" not in "\n".join(feedback.messages)


def test_help_explains_the_sign_rule():
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById("alpr:cleanreads")
    help_text = alg.shortHelpString()
    for phrase in ("ONE WAY", "one more error", "six letters or more", "more than two digits", "BIKE4ME"):
        assert phrase in help_text, phrase


def test_government_flag_kept_by_default():
    res = run_clean(memory_reads([("1234567", -122.2, 37.8), ("7ABC123", -122.2, 37.8)]))
    assert res["CLEAN_COUNT"] == 2 and res["GOVERNMENT_READ_COUNT"] == 1
    flags = {f["plate"]: f["is_government"] for f in res["OUTPUT"].getFeatures()}
    assert flags == {"1234567": True, "7ABC123": False}


def test_projected_layer_is_tested_in_degrees():
    # In UTM 31N, 0,0 in degrees is (166021.44, 0); the CRS origin (0, 0) is 1.5 degrees west of it.
    layer = memory_reads([("A1", 0, 0), ("B2", 166021.44, 0.0), ("C3", 565000, 4183000)], crs="EPSG:32631")
    res = run_clean(layer)
    reasons = {f["plate"]: f["reason"] for f in res["REJECTED"].getFeatures()}
    assert reasons == {"B2": "null_island"}
    assert res["OUTPUT"].crs().authid() == "EPSG:32631"


def test_missing_plate_field_names_fields_present():
    layer = memory_reads([("A1", 1, 1)])
    with pytest.raises(QgsProcessingException, match=r'has no plate field "vrm".*"read_id", "plate", "device"'):
        run_clean(layer, PLATE_FIELD="vrm")


def test_numeric_plate_field_is_refused():
    layer = memory_reads([(1234567, 1, 1)], plate_type=QVariant.Int)
    with pytest.raises(QgsProcessingException, match=r'field "plate": holds numbers'):
        run_clean(layer)


def test_layer_without_crs():
    layer = memory_reads([("A1", 0, 0), ("B2", -122.2, 37.8)], crs=None)
    res = run_clean(layer)
    assert res["NULL_ISLAND_COUNT"] == 1 and res["CLEAN_COUNT"] == 1
    far = memory_reads([("A1", 565000, 4183000)], crs=None)
    with pytest.raises(QgsProcessingException, match="has no CRS"):
        run_clean(far)


def test_empty_layer():
    res = run_clean(memory_reads([]))
    assert res["CLEAN_COUNT"] == 0 and res["REJECTED_COUNT"] == 0


def test_sample_misreads_are_all_caught(sample_loaded, tmp_path):
    loaded = sample_loaded
    res = processing.run(
        "alpr:cleanreads",
        {
            "INPUT": loaded["OUTPUT"],
            "OUTPUT": str(tmp_path / "clean.gpkg"),
            "REJECTED": str(tmp_path / "rejected.gpkg"),
            "DEDUP_SECONDS": 60,
        },
    )
    assert res["CLEAN_COUNT"] + res["REJECTED_COUNT"] == 62_511
    # The generator planted 119 misreads (79 sign texts, 40 over-length) and 89 null locations.
    assert res["SIGN_WORD_COUNT"] == 79
    assert res["OVERLENGTH_COUNT"] == 40
    assert res["NULL_GEOMETRY_COUNT"] + res["NULL_ISLAND_COUNT"] == 89
    assert res["REJECTED_COUNT"] == 79 + 40 + 89
    rejected = QgsVectorLayer(res["REJECTED"])
    assert all(
        f["state"] == NULL or f["reason"] in ("null_geometry", "null_island") for f in rejected.getFeatures()
    )  # no real (state-bearing) plate rejected as a misread
    # The rejected reads open coloured by reason (the GeoPackage's default style).
    renderer = rejected.renderer()
    assert renderer.type() == "categorizedSymbol" and renderer.classAttribute() == "reason"
    assert {c.value() for c in renderer.categories()} >= {"sign_word", "overlength", "null_island"}
    assert res["GOVERNMENT_READ_COUNT"] == 216 + 139 + 131 + 82 + 64 + 8  # (+ 8 by the fixed cameras)
    assert res["DUPLICATE_COUNT"] == 1470  # a parked car re-reading its neighbours within a minute
    clean = QgsVectorLayer(res["OUTPUT"])
    assert clean.featureCount() == res["CLEAN_COUNT"]


def gpkg_rows(path):
    """Every row of a GeoPackage's data table, in feature-id order (geometry as its bytes)."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        table = conn.execute(
            "SELECT table_name FROM gpkg_contents WHERE lower(table_name) != 'layer_styles' ORDER BY rowid"
        ).fetchone()[0]
        return conn.execute('SELECT * FROM "{}" ORDER BY fid'.format(table)).fetchall()
    finally:
        conn.close()


def test_chunks_give_the_whole_layers_result(sample_loaded, tmp_path, monkeypatch):
    """Read 4,099 reads at a time, the sample (16 chunks) gives the same rows, in the same order, and counts."""
    import alpr_qgis.algorithms.clean_reads as module

    def run(name):
        return processing.run(
            "alpr:cleanreads",
            {
                "INPUT": sample_loaded["OUTPUT"],
                "OUTPUT": str(tmp_path / (name + "_clean.gpkg")),
                "REJECTED": str(tmp_path / (name + "_rejected.gpkg")),
                "DEDUP_SECONDS": 60,
                "EXTRA_SIGN_WORDS": "PIZZA",
            },
        )

    whole = run("whole")
    monkeypatch.setattr(module, "CHUNK_ROWS", 4099)
    chunked = run("chunked")
    assert {k: v for k, v in whole.items() if k not in ("OUTPUT", "REJECTED")} == {
        k: v for k, v in chunked.items() if k not in ("OUTPUT", "REJECTED")
    }
    assert chunked["DUPLICATE_COUNT"] == 1470  # duplicates across chunk borders found too
    for output in ("clean", "rejected"):
        a = gpkg_rows(tmp_path / "whole_{}.gpkg".format(output))
        b = gpkg_rows(tmp_path / "chunked_{}.gpkg".format(output))
        assert len(a) == len(b) and a == b, output


def test_rejected_may_be_left_unset(feedback):
    layer = memory_reads([("A1", -122.2, 37.8), ("CAUT10N", -122.2, 37.8), ("B2", 0, 0)])
    res = processing.run("alpr:cleanreads", {"INPUT": layer, "OUTPUT": "TEMPORARY_OUTPUT"}, feedback=feedback)
    assert res["REJECTED"] is None
    assert res["CLEAN_COUNT"] == 1 and res["REJECTED_COUNT"] == 2
    assert res["SIGN_WORD_COUNT"] == 1 and res["NULL_ISLAND_COUNT"] == 1
    assert res["OUTPUT"].featureCount() == 1


def test_help_and_log_say_how_time_and_memory_grow(feedback, monkeypatch):
    from qgis.core import QgsApplication

    import alpr_qgis.algorithms.base as base

    help_text = QgsApplication.processingRegistry().algorithmById("alpr:cleanreads").shortHelpString()
    assert "per million reads" in help_text and "two million" in help_text
    monkeypatch.setattr(base, "MANY_FEATURES", 2)  # (a large input, as far as the estimate goes)
    run_clean(memory_reads([("A1", -122.2, 37.8), ("B2", -122.2, 37.8), ("C3", -122.2, 37.8)]), feedback)
    assert "3 features: expect roughly" in feedback.text()


def test_bad_input_late_in_the_layer_leaves_nothing_half_written(tmp_path, monkeypatch):
    """Read two reads at a time, a layer without CRS whose sixth read cannot be in degrees: a clear error, and
    neither output exists (the chunks already handed over are dropped)."""
    import alpr_qgis.algorithms.clean_reads as module

    monkeypatch.setattr(module, "CHUNK_ROWS", 2)
    rows = [("A{}".format(i), -122.2, 37.8) for i in range(5)] + [("B1", 565000, 4183000)]
    out, rejected = tmp_path / "clean.gpkg", tmp_path / "rejected.gpkg"
    with pytest.raises(QgsProcessingException, match="has no CRS"):
        run_clean(memory_reads(rows, crs=None), OUTPUT=str(out), REJECTED=str(rejected))
    assert not out.exists() and not rejected.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".alpr")]
