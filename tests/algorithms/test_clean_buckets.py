"""alpr:cleanreads with duplicate flagging parts the reads into buckets by plate: any bucket size, the same outputs."""

from __future__ import annotations

import os

from qgis import processing
from qgis.core import QgsProcessingUtils

from tests.algorithms.test_clean_reads import gpkg_rows


def scratch_folders():
    folder = QgsProcessingUtils.tempFolder()
    return {name for name in os.listdir(folder) if name.startswith(".alpr_scratch_")}


def test_small_buckets_give_the_whole_layers_outputs(sample_loaded, tmp_path, monkeypatch):
    """13 buckets of plates and chunks of 3,001 reads: the same rows, in the same order, and the same counts."""
    import alpr_qgis.algorithms.clean_reads as module

    def run(name):
        return processing.run(
            "alpr:cleanreads",
            {
                "INPUT": sample_loaded["OUTPUT"],
                "OUTPUT": str(tmp_path / (name + "_clean.gpkg")),
                "REJECTED": str(tmp_path / (name + "_rejected.gpkg")),
                "DEDUP_SECONDS": 60,
            },
        )

    before = scratch_folders()
    whole = run("whole")
    monkeypatch.setattr(module, "CHUNK_ROWS", 3001)
    monkeypatch.setattr(module, "BUCKET_READS", 5000)
    bucketed = run("bucketed")
    counts = {k: v for k, v in whole.items() if k not in ("OUTPUT", "REJECTED")}
    assert counts == {k: v for k, v in bucketed.items() if k not in ("OUTPUT", "REJECTED")}
    assert counts["CLEAN_COUNT"] == 62303 and counts["DUPLICATE_COUNT"] == 1470
    for output in ("clean", "rejected"):
        a = gpkg_rows(tmp_path / "whole_{}.gpkg".format(output))
        b = gpkg_rows(tmp_path / "bucketed_{}.gpkg".format(output))
        assert len(a) == len(b) and a == b, output
    clean = gpkg_rows(tmp_path / "bucketed_clean.gpkg")
    assert sum(1 for row in clean if row[-1]) == 1470  # (is_duplicate, the last column)
    assert scratch_folders() <= before  # the buckets' private folder is gone
