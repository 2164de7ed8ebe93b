"""alpr:devicetracks in bounded memory (issue 20): the reads spilled to scratch files and worked a piece at a time.

``qgis_io.track_spill.PIECE_READS`` is patched down so that the sample's
busy patrol cars are cut in ranges of time and its devices fall in many
groups; every value of every output (geometry included) must be that of a
run in one piece.  The private scratch folder must be gone after a run,
a cancelled run and a failed one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from qgis import processing
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsProcessingUtils, QgsVectorLayer

import alpr_qgis.qgis_io.streamed_reads as streamed
import alpr_qgis.qgis_io.track_spill as spill
from alpr_qgis.core.scratch import PREFIX

from .test_streamed_summary_tracks import numbers, rows_of


def run(monkeypatch, folder: Path, piece_reads: int, chunk_rows: int, reads, **params) -> tuple:
    monkeypatch.setattr(spill, "PIECE_READS", piece_reads)
    monkeypatch.setattr(streamed, "CHUNK_ROWS", chunk_rows)
    folder.mkdir()
    res = processing.run(
        "alpr:devicetracks",
        {"INPUT": reads, "OUTPUT": str(folder / "t.gpkg"), "FIXED_CAMERAS": str(folder / "f.gpkg"), **params},
    )
    return numbers(res), rows_of(res["OUTPUT"]), rows_of(res["FIXED_CAMERAS"])


def scratch_folders() -> list:
    return [n for n in os.listdir(QgsProcessingUtils.tempFolder()) if n.startswith(PREFIX)]


def test_tracks_in_tiny_pieces_are_the_tracks_of_one_piece(monkeypatch, tmp_path, sample_loaded):
    reads = sample_loaded["OUTPUT"]
    cuts = []
    time_bounds = spill.TrackWork._time_bounds

    def spy(self, raws):
        cuts.append(time_bounds(self, raws))
        return cuts[-1]

    monkeypatch.setattr(spill.TrackWork, "_time_bounds", spy)
    whole = run(monkeypatch, tmp_path / "whole", 10**9, 10**9, reads)
    assert whole[0]["TRACK_COUNT"] == 22 and len(whole[1]) == 22 and len(whole[2]) == 2  # (the sample's figures)
    assert cuts == []
    pieces = run(monkeypatch, tmp_path / "pieces", 700, 3_001, reads)
    assert len(cuts) >= 2 and sum(len(c) for c in cuts) > 20  # busy devices cut in many ranges of time
    assert pieces == whole
    assert scratch_folders() == []
    # Without glitches dropped, and with every device moving (no fixed camera): the same again.
    params = {"DROP_GLITCHES": False, "FIXED_RADIUS_M": 0}
    whole = run(monkeypatch, tmp_path / "whole2", 10**9, 10**9, reads, **params)
    assert whole[0]["FIXED_CAMERA_COUNT"] == 0 and whole[0]["TRACK_COUNT"] > 22
    assert run(monkeypatch, tmp_path / "pieces2", 350, 2_000, reads, **params) == whole


def test_a_memory_layer_output_holds_the_same_tracks(monkeypatch, tmp_path, sample_loaded):
    reads = sample_loaded["OUTPUT"]
    counts, rows, _ = run(monkeypatch, tmp_path / "gpkg", 500, 5_000, reads)
    monkeypatch.setattr(spill, "PIECE_READS", 500)
    res = processing.run("alpr:devicetracks", {"INPUT": reads, "OUTPUT": "memory:tracks"})
    layer = res["OUTPUT"] if isinstance(res["OUTPUT"], QgsVectorLayer) else QgsVectorLayer(res["OUTPUT"])
    feats = list(layer.getFeatures())
    assert [f["track_id"] for f in feats] == [r["track_id"] for r in rows]
    assert [f["device"] for f in feats] == [r["device"] for r in rows]
    assert [f["read_count"] for f in feats] == [r["read_count"] for r in rows]
    assert [f["length_m"] for f in feats] == [r["length_m"] for r in rows]
    assert [f.geometry().constGet().numPoints() for f in feats] == [r["read_count"] for r in rows]
    assert res["TRACK_COUNT"] == counts["TRACK_COUNT"]


def test_the_scratch_folder_goes_when_cancelled_or_failed(monkeypatch, tmp_path, sample_loaded):
    reads = sample_loaded["OUTPUT"]
    monkeypatch.setattr(spill, "PIECE_READS", 500)
    feedback = QgsProcessingFeedback()
    partition = spill.TrackWork.partition

    def cancel_then_partition(self, *args):
        feedback.cancel()
        return partition(self, *args)

    monkeypatch.setattr(spill.TrackWork, "partition", cancel_then_partition)
    out = tmp_path / "t.gpkg"
    with contextlib.suppress(QgsProcessingException):  # (how a cancelled run ends depends on the QGIS version)
        processing.run("alpr:devicetracks", {"INPUT": reads, "OUTPUT": str(out)}, feedback=feedback)
    assert not out.exists() and scratch_folders() == []

    def broken(self, *args):
        raise QgsProcessingException("disk full")

    monkeypatch.setattr(spill.TrackWork, "partition", broken)
    with pytest.raises(QgsProcessingException, match="disk full"):
        processing.run("alpr:devicetracks", {"INPUT": reads, "OUTPUT": str(out)})
    assert not out.exists() and scratch_folders() == []
