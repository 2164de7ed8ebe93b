"""The bundled sample data: it loads whole, and holds the patterns the analysis looks for."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from alpr_qgis.core.plates import normalise_plates
from alpr_qgis.core.reads import load_reads

SAMPLE = Path(__file__).resolve().parents[2] / "sample"


@pytest.fixture(scope="module")
def sample():
    return load_reads(str(SAMPLE / "alpr_reads.csv.gz"))


def test_sample_loads_whole(sample):
    assert sample.records == len(sample.reads) == 62_511
    assert sample.rejected.empty
    assert sample.fields.plate == "red_VRM" and sample.fields.location == "Location"
    assert sample.time_format == "%m/%d/%Y %I:%M:%S %p"
    assert sorted(sample.reads["device"].unique()) == [
        "FIXED CAM 1",
        "FIXED CAM 2",
        "PATROL 1",
        "PATROL 2",
        "PATROL 3",
    ]
    assert not sample.plates_hashed


def test_sample_patterns(sample):
    reads = sample.reads
    plates = normalise_plates(reads["plate"])
    counts = plates.value_counts()
    assert (counts == 1).mean() > 0.75  # most plates are seen once
    government = counts[counts.index.str.fullmatch(r"\d{7}")]
    assert len(government) >= 4 and government.min() >= 50
    hours = reads["read_time"].dt.hour.value_counts().reindex(range(24), fill_value=0)
    assert hours[4:7].sum() < 0.005 * len(reads)  # nearly dark 4-7 am
    assert hours[12] < 0.5 * min(hours[11], hours[13])  # lunch dip
    missing = np.isnan(sample.x).sum()
    zero = ((sample.x == 0) & (sample.y == 0)).sum()
    assert 0.0005 < (missing + zero) / len(reads) < 0.003
    assert sample.missing_locations == missing and sample.unreadable_locations == 0
    assert reads["state"].isna().sum() >= 100  # misreads carry no state
    assert (plates.str.len() > 7).sum() > 10  # over-length misreads


def test_sample_layers():
    with sqlite3.connect(SAMPLE / "city.gpkg") as conn:
        layers = dict(conn.execute("SELECT table_name, srs_id FROM gpkg_contents").fetchall())
        tract_cols = [r[1] for r in conn.execute("PRAGMA table_info(census_tracts)")]
        categories = [r[0] for r in conn.execute("SELECT DISTINCT category FROM crimes")]
    assert set(layers) == {"city_boundary", "neighbours", "census_tracts", "crimes", "sensitive_sites", "headquarters"}
    assert set(layers.values()) == {4326}
    assert {"geoid", "population", "per_capita_income", "pop_white", "pop_black", "pop_hispanic"} <= set(tract_cols)
    assert {"VEHICLE THEFT", "AUTO BURGLARY"} <= set(categories)
