"""alpr:summary and alpr:devicetracks read their INPUT in chunks: same results in tiny chunks, cancel, bad rows.

``qgis_io.streamed_reads.CHUNK_ROWS`` is patched down so that the sample
(62,511 reads) or a dozen reads go through many chunks; every value of
every output is compared with a run that reads the layer as one chunk (the
whole-layer results of before the streaming, which the sample tests pin).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import (
    QgsApplication,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsPointXY,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, QDateTime, QVariant

import alpr_qgis.qgis_io.streamed_reads as streamed

CITY = Path(__file__).resolve().parents[2] / "sample" / "city.gpkg"
HQ = "-122.2711,37.8044 [EPSG:4326]"
WHOLE = 10**9  # rows a chunk: the whole layer at once


def rows_of(path: str) -> list:
    """Every row of the GeoPackage's one table (geometry as hex), in fid order."""
    with sqlite3.connect(path) as conn:
        table = conn.execute("SELECT table_name FROM gpkg_contents WHERE table_name != 'layer_styles'").fetchone()[0]
        cursor = conn.execute('SELECT * FROM "{}" ORDER BY fid'.format(table))
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return [{k: v.hex() if isinstance(v, bytes) else v for k, v in zip(names, row)} for row in rows]


def numbers(res: dict) -> dict:
    return {k: v for k, v in res.items() if isinstance(v, (int, float)) or v is None}


def tracks_run(monkeypatch, folder: Path, chunk_rows: int, layer) -> tuple:
    monkeypatch.setattr(streamed, "CHUNK_ROWS", chunk_rows)
    folder.mkdir()
    res = processing.run(
        "alpr:devicetracks",
        {"INPUT": layer, "OUTPUT": str(folder / "t.gpkg"), "FIXED_CAMERAS": str(folder / "f.gpkg")},
    )
    return numbers(res), rows_of(res["OUTPUT"]), rows_of(res["FIXED_CAMERAS"])


def summary_run(monkeypatch, folder: Path, chunk_rows: int, params: dict) -> tuple:
    monkeypatch.setattr(streamed, "CHUNK_ROWS", chunk_rows)
    folder.mkdir()
    res = processing.run(
        "alpr:summary",
        {"OUTPUT_TABLE": str(folder / "s.gpkg"), "OUTPUT_HTML": str(folder / "r.html"), "REPORT_TITLE": "T", **params},
    )
    html = re.sub(r"Made \d{4}-\d\d-\d\d \d\d:\d\d", "Made", Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8"))
    return numbers(res), rows_of(res["OUTPUT_TABLE"]), html


def small_layer() -> QgsVectorLayer:
    """A dozen reads with every kind of gap: no geometry, no time, no device, an empty device, numbers as text."""
    layer = QgsVectorLayer("Point?crs=EPSG:4326", "reads_layer", "memory")
    fields = [
        QgsField("read_id", QVariant.LongLong),
        QgsField("plate", QVariant.String),
        QgsField("device", QVariant.String),
        QgsField("read_time", QVariant.DateTime),
        QgsField("state", QVariant.String),
    ]
    assert layer.dataProvider().addAttributes(fields)
    layer.updateFields()
    t0 = QDateTime.fromString("2014-07-17T08:00:00", "yyyy-MM-ddTHH:mm:ss")
    rows = [
        ("abc 123", "P2", 0, 0.000),
        ("ABC-123", "P1", 60, 0.002),
        ("XYZ9", "P1", 120, 0.004),
        ("1234567", None, 130, 0.005),
        ("xyz9", "P2", 180, None),
        (None, "P1", None, 0.006),
        ("QQ1", "", 200, 0.007),
        ("ABC123", "P1", 240, 0.008),
        ("QQ1", "10", 250, 0.001),
        ("QQ1", "10", 260, 0.0011),
        ("ZZ", "P2", 9000, 0.002),
        ("ZZ", "P2", 9060, 0.003),
        ("abc123", "P1", 300, 0.010),
    ]
    features = []
    for i, (plate, device, seconds, north) in enumerate(rows, start=1):
        f = QgsFeature(layer.fields())
        f.setAttributes([i, plate, device, None if seconds is None else t0.addSecs(seconds), "ca" if i % 2 else "NV"])
        if north is not None:
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(-122.27, 37.80 + north)))
        features.append(f)
    assert layer.dataProvider().addFeatures(features)
    return layer


def test_tracks_in_tiny_chunks_are_the_whole_layer_tracks(monkeypatch, tmp_path, sample_loaded):
    reads = sample_loaded["OUTPUT"]
    whole = tracks_run(monkeypatch, tmp_path / "whole", WHOLE, reads)
    assert whole[0]["TRACK_COUNT"] == 22 and len(whole[1]) == 22 and len(whole[2]) == 2
    assert tracks_run(monkeypatch, tmp_path / "chunks", 4_999, reads) == whole
    layer = small_layer()
    whole = tracks_run(monkeypatch, tmp_path / "small_whole", WHOLE, layer)
    assert tracks_run(monkeypatch, tmp_path / "small_chunks", 2, layer) == whole
    counts = whole[0]
    assert (counts["MISSING_LOCATION_COUNT"], counts["MISSING_TIME_COUNT"], counts["MISSING_DEVICE_COUNT"]) == (1, 1, 2)
    on_lines = sum(row["read_count"] for row in whole[1])
    assert [(r["track_id"], r["device"], r["read_count"]) for r in whole[1]] == [
        (1, "10", 2),
        (2, "P1", 4),
        (3, "P2", 2),
    ]
    parts = ("SINGLE_READ_COUNT", "GLITCH_COUNT", "MISSING_LOCATION_COUNT", "MISSING_TIME_COUNT")
    parts += ("MISSING_DEVICE_COUNT", "FIXED_READ_COUNT")
    assert on_lines + sum(counts[k] for k in parts) == layer.featureCount() == 13


def test_summary_in_tiny_chunks_is_the_whole_layer_summary(monkeypatch, tmp_path, sample_loaded):
    params = {
        "INPUT": sample_loaded["OUTPUT"],
        "UNREADABLE": sample_loaded["REJECTED"],
        "REFERENCE_POINT": HQ,
        "BOUNDARY": "{}|layername=city_boundary".format(CITY),
    }
    whole = summary_run(monkeypatch, tmp_path / "whole", WHOLE, params)
    assert whole[0]["TOTAL_READS"] == 62_511 and whole[0]["GOVERNMENT_PLATES"] == 5
    chunked = summary_run(monkeypatch, tmp_path / "chunks", 4_999, params)
    assert chunked[0] == whole[0]
    assert chunked[1] == whole[1]  # every metric, value and note
    assert chunked[2] == whole[2]  # the report, map and charts included
    small = {"INPUT": small_layer(), "REFERENCE_POINT": HQ}
    assert summary_run(monkeypatch, tmp_path / "small_chunks", 2, small) == summary_run(
        monkeypatch, tmp_path / "small_whole", WHOLE, small
    )


class CancelAfter(QgsProcessingFeedback):
    """Cancels at the ``calls``-th progress report and notes when."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls, self.cancelled_at = calls, None
        self.progressChanged.connect(self._count)

    def _count(self, _progress: float) -> None:
        self.calls -= 1
        if self.calls == 0:
            self.cancelled_at = time.perf_counter()
            self.cancel()


@pytest.mark.parametrize("algorithm", ["alpr:summary", "alpr:devicetracks"])
def test_cancel_stops_within_a_second_and_writes_nothing(monkeypatch, tmp_path, sample_loaded, algorithm):
    monkeypatch.setattr(streamed, "CHUNK_ROWS", 5_000)
    outputs = {
        "alpr:summary": {"OUTPUT_TABLE": str(tmp_path / "s.gpkg"), "OUTPUT_HTML": str(tmp_path / "r.html")},
        "alpr:devicetracks": {"OUTPUT": str(tmp_path / "t.gpkg"), "FIXED_CAMERAS": str(tmp_path / "f.gpkg")},
    }[algorithm]
    feedback = CancelAfter(4)
    res = processing.run(algorithm, {"INPUT": sample_loaded["OUTPUT"], **outputs}, feedback=feedback)
    stopped = time.perf_counter()
    assert feedback.cancelled_at is not None
    assert stopped - feedback.cancelled_at < 1.0
    assert not any(k.endswith("_COUNT") or k.isupper() and k not in outputs for k in res)
    assert not any(Path(p).exists() for p in outputs.values())


def test_a_broken_geometry_late_in_a_big_layer_is_counted_as_missing_location(monkeypatch, tmp_path, sample_loaded):
    reads = tmp_path / "reads.gpkg"
    shutil.copy(sample_loaded["OUTPUT"], reads)
    with sqlite3.connect(str(reads)) as conn:
        table = conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'").fetchone()[0]
        # (the spatial index's triggers call SpatiaLite functions plain sqlite3 lacks: set aside for the update)
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            conn.execute('DROP TRIGGER "{}"'.format(name))
        conn.execute("UPDATE \"{}\" SET geom = X'00ff' WHERE fid = 60000".format(table))  # not a geometry
        for _, sql in triggers:
            conn.execute(sql)
    monkeypatch.setattr(streamed, "CHUNK_ROWS", 5_000)
    res = processing.run(
        "alpr:summary",
        {"INPUT": str(reads), "OUTPUT_TABLE": str(tmp_path / "s.gpkg"), "OUTPUT_HTML": str(tmp_path / "r.html")},
    )
    assert res["READS_MISSING_LOCATION"] == 27 + 62 + 1 and res["TOTAL_READS"] == 62_511
    res = processing.run("alpr:devicetracks", {"INPUT": str(reads), "OUTPUT": str(tmp_path / "t.gpkg")})
    assert res["MISSING_LOCATION_COUNT"] == 27 + 1


def test_summary_runs_in_a_background_thread_with_its_map(tmp_path, sample_loaded):
    alg = QgsApplication.processingRegistry().createAlgorithmById("alpr:summary")
    assert not alg.flags() & alg.FlagNoThreading
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    params = {
        "INPUT": sample_loaded["OUTPUT"],
        "BOUNDARY": "{}|layername=city_boundary".format(CITY),
        "OUTPUT_TABLE": str(tmp_path / "s.gpkg"),
        "OUTPUT_HTML": str(tmp_path / "r.html"),
    }
    task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)
    done = {}
    task.executed.connect(lambda ok, results: done.update(ok=ok, results=results))
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 120
    while "ok" not in done and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert done.get("ok"), "the background run failed or did not end"
    html = Path(done["results"]["OUTPUT_HTML"]).read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "The map could not be drawn" not in html


@pytest.mark.parametrize("algorithm", ["alpr:summary", "alpr:devicetracks"])
def test_a_large_input_logs_an_estimate_first(monkeypatch, tmp_path, feedback, algorithm):
    import alpr_qgis.algorithms.base as base

    monkeypatch.setattr(base, "MANY_FEATURES", 5)  # the small layer's 13 reads count as many
    outputs = {
        "alpr:summary": {"OUTPUT_TABLE": str(tmp_path / "s.gpkg"), "OUTPUT_HTML": str(tmp_path / "r.html")},
        "alpr:devicetracks": {"OUTPUT": str(tmp_path / "t.gpkg")},
    }[algorithm]
    processing.run(algorithm, {"INPUT": small_layer(), **outputs}, feedback=feedback)
    assert re.search(r"13 features: expect roughly \d+ s and \d+ MiB of memory", feedback.text())
    help_text = QgsApplication.processingRegistry().algorithmById(algorithm).shortHelpString()
    assert "Time and memory" in help_text and "per million reads" in help_text


def test_devicetracks_help_names_every_count_in_its_accounting():
    alg = QgsApplication.processingRegistry().algorithmById("alpr:devicetracks")
    counts = [o.name() for o in alg.outputDefinitions() if o.name().endswith("_COUNT")]
    assert "SKIPPED_COUNT" not in counts and {"MISSING_LOCATION_COUNT", "MISSING_TIME_COUNT"} <= set(counts)
    sentence = alg.shortHelpString().split("Guarantee:")[1].split("</p>")[0]
    for name in counts:
        if name not in ("TRACK_COUNT", "DEVICE_COUNT", "FIXED_CAMERA_COUNT", "MOBILE_DEVICE_COUNT"):
            assert name in sentence  # every count of reads is in the sum that gives the reads in INPUT
