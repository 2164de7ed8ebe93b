"""alpr:summary counted a chunk at a time with its columns spilled into buckets (core.summary_flat): the same
Summary as the whole columns give (core.summary_reads + core.summary.summarise), whatever the chunks and buckets.

The whole-column path is the one the algorithm used before the flat-memory change; here it is the reference.
Every part of the Summary is compared: the metrics table (values and notes), the reads per plate, the tallies by
hour and weekday, the per-device and device-by-date tables, the most-read plates and the funnel.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from qgis import processing

import alpr_qgis.core.summary_flat as flat
import alpr_qgis.qgis_io.report_map as report_map
import alpr_qgis.qgis_io.streamed_reads as streamed
from alpr_qgis.core.plates import plates_look_hashed
from alpr_qgis.core.summary import summarise
from alpr_qgis.core.summary_flat import FlatReads, Spill, _Hashed
from alpr_qgis.core.summary_reads import SummaryReads
from alpr_qgis.qgis_io.summary_stream import summary_of

CITY = Path(__file__).resolve().parents[2] / "sample" / "city.gpkg"
HQ = "-122.2711,37.8044 [EPSG:4326]"
WHOLE = 10**9


def reads_table(n: int, seed: int, hashed: bool = False) -> tuple:
    """A table of ``n`` reads with every awkward case: plates written several ways, blank and null plates,
    states in two cases, blank/null/numeric devices and one named "(no device)", missing and pre-1970 times,
    ties among the most-read plates; and the location flags a chunk's Locator would give."""
    rng = np.random.default_rng(seed)
    pool = ["abc 123", "ABC-123", "ABC123", "xyz9", "XYZ9", "1234567", "7654321", None, "", "  ", "ÄBC1"]
    pool += ["P{:04d}".format(i) for i in range(300)]
    if hashed:
        pool = [hashlib.sha1(p.encode()).hexdigest() if p else p for p in pool]
    weights = np.r_[np.full(11, 30.0), rng.pareto(1.5, 300) + 1]
    plates = rng.choice(np.asarray(pool, dtype=object), n, p=weights / weights.sum())
    states = rng.choice(np.asarray(["CA", "ca", " NV", None, ""], dtype=object), n)
    devices = rng.choice(np.asarray(["P1", "P2", " ", "", None, "(no device)", 10, "10", "cam 3"], dtype=object), n)
    seconds = rng.integers(0, 9 * 86_400, n).astype("int64")
    times = pd.Series(pd.to_datetime(1_400_000_000 + seconds, unit="s"))
    times[rng.random(n) < 0.05] = pd.NaT
    times[rng.random(n) < 0.01] = pd.Timestamp("1969-12-31 23:30")
    table = pd.DataFrame(
        {
            "plate": pd.Series(plates, dtype=object),
            "state": pd.Series(states, dtype=object),
            "read_time": times,
            "device": pd.Series(devices, dtype=object),
            "is_government": rng.random(n) < 0.1,
            "is_duplicate": rng.random(n) < 0.05,
            "read_id": np.arange(1, n + 1, dtype=np.int64),
        }
    )
    x = -122.27 + rng.normal(0, 0.01, n)
    y = 37.80 + rng.normal(0, 0.01, n)
    gone = rng.random(n) < 0.03
    x[gone], y[gone] = np.nan, np.nan
    where = {
        "no_geometry": gone,
        "null_island": ~gone & (rng.random(n) < 0.02),
        "invalid": ~gone & (rng.random(n) < 0.01),
        "near": rng.random(n) < 0.5,
        "outside": rng.random(n) < 0.2,
    }
    return table, x, y, where


def chunks_of(table, x, y, where, size: int):
    for start in range(0, len(x), size):
        part = slice(start, start + size)
        yield table.iloc[part].reset_index(drop=True), x[part], y[part], start, {k: v[part] for k, v in where.items()}


def assert_same_summary(got, want) -> None:
    assert_frame_equal(got.table, want.table)
    assert_series_equal(got.reads_per_plate, want.reads_per_plate)
    assert np.array_equal(got.by_hour, want.by_hour) and np.array_equal(got.weekday_hour, want.weekday_hour)
    if want.device_days.empty:
        assert got.device_days.empty
    else:
        assert_frame_equal(got.device_days, want.device_days)
    assert_frame_equal(got.devices, want.devices, check_index_type=False, check_dtype=len(want.devices) > 0)
    assert got.time_range == want.time_range
    assert got.reads_without_time == want.reads_without_time
    assert got.plates_hashed == want.plates_hashed
    assert_frame_equal(got.top_plates, want.top_plates, check_dtype=False)
    assert got.top_plates.astype(object).where(got.top_plates.notna(), None).values.tolist() == (
        want.top_plates.astype(object).where(want.top_plates.notna(), None).values.tolist()
    )
    assert got.funnel == want.funnel and got.unreadable_reasons == want.unreadable_reasons


def whole_summary(columns, pattern, chunks):
    reads = SummaryReads(0, "reads", **columns)
    for table, x, y, offset, where in chunks:
        reads.add(table, x, y, offset, where)
    return summarise(reads.finish().summary_input(government_pattern=pattern))


def flat_summary(columns, pattern, chunks, folder, bucket_reads):
    reads = FlatReads(3000, "reads", str(folder), gov_pattern=pattern, bucket_reads=bucket_reads, **columns)
    for table, x, y, offset, where in chunks:
        reads.add(table, x, y, offset, where)
    reads.close()
    setup = SimpleNamespace(columns=columns, reference=None, gov_pattern=pattern)
    return reads, summary_of(reads, setup, None, None, None, SimpleNamespace(isCanceled=lambda: False))


ROLES = {"plate": "plate", "state": "state", "time": "read_time", "device": "device"}
FLAGS = {"government": "is_government", "duplicate": "is_duplicate", "read_id": "read_id"}


@pytest.mark.parametrize(
    "case",
    [
        dict(columns={**ROLES, **FLAGS}, chunk=3000, buckets=10**9),  # one chunk, one bucket
        dict(columns={**ROLES, **FLAGS}, chunk=97, buckets=50),  # 31 chunks, 60 buckets
        dict(columns={**ROLES, "government": None, "duplicate": "is_duplicate"}, chunk=500, buckets=7),
        dict(columns={**ROLES, "state": None}, chunk=29, buckets=1),  # 104 chunks, 256 buckets (the most)
        dict(columns={"plate": "plate", "device": "device"}, chunk=333, buckets=100),  # no time
        dict(columns={"plate": "plate", "time": "read_time"}, chunk=333, buckets=100),  # no device
        dict(columns={"time": "read_time", "device": "device"}, chunk=333, buckets=100),  # no plate
        dict(columns={**ROLES}, chunk=640, buckets=300, hashed=True),  # hashed plates, no is_government
        dict(columns={**ROLES, **FLAGS}, chunk=640, buckets=300, hashed=True),
    ],
)
def test_flat_counts_are_the_whole_column_summary(tmp_path, case):
    table, x, y, where = reads_table(3000, 7, case.get("hashed", False))
    chunk = min(case["chunk"], 3000)
    columns = case["columns"]
    pattern = r"\d{7}"
    want = whole_summary(columns, pattern, chunks_of(table, x, y, where, 3000))
    reads, got = flat_summary(columns, pattern, chunks_of(table, x, y, where, chunk), tmp_path, case["buckets"])
    assert_same_summary(got, want)
    assert reads.plates is None or reads.plates.k == flat.buckets_for(3000, case["buckets"])
    if columns.get("plate"):
        assert want.value("unique_plates") > 100 and len(want.top_plates) == 10  # (the data has something to count)
    assert want.plates_hashed == case.get("hashed", False)


def test_ties_among_the_most_read_plates_go_to_the_plate_read_first(tmp_path):
    plates = ["B", "A", "C", "A", "B", "D", "C", "E"] * 2 + ["F"]  # A, B, C read 4 times; B first
    n = len(plates)
    table = pd.DataFrame({"plate": pd.Series(plates, dtype=object)})
    x, y = np.zeros(n), np.zeros(n)
    where = {"no_geometry": np.zeros(n, bool)}
    columns = {"plate": "plate"}
    want = whole_summary(columns, r"\d{7}", chunks_of(table, x, y, where, n))
    for chunk, buckets in ((n, 10**9), (1, 1), (3, 2)):
        (tmp_path / str(chunk)).mkdir()
        _, got = flat_summary(columns, r"\d{7}", chunks_of(table, x, y, where, chunk), tmp_path / str(chunk), buckets)
        assert_same_summary(got, want)
        assert got.top_plates["reads"].tolist() == [4, 4, 4, 2, 2, 1]


@pytest.mark.parametrize("size", [3, 1999, 2000, 2001, 5000])
def test_hashed_plates_are_told_as_the_whole_column_tells_them(size):
    digests = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(2500)]
    cases = {
        "hashed": digests,
        "one plain plate late": digests[:2400] + ["ABC123"] + digests[2400:],
        "one plain plate early": ["ABC123"] + digests,
        "two lengths": digests + [digests[0][:40]],
        "nulls first": [None] * 1500 + digests[:600],
        "base64": [hashlib.sha1(str(i).encode()).hexdigest()[:22] + "/+" for i in range(30)],
        "short": ["ABCDEF0123"] * 20,
        "all blank": ["", "  ", None],
    }
    for name, values in cases.items():
        column = pd.Series(values, dtype=object)
        told = _Hashed()
        for start in range(0, len(column), size):
            told.add(column.iloc[start : start + size])
        assert told.result() == plates_look_hashed(column), name


def test_spill_keeps_each_bucket_in_order_and_widens_bytes(tmp_path):
    spill = Spill(str(tmp_path), "t", 3)
    spill.add({"p": np.array([b"a", b"bb", b"c"]), "i": np.array([0, 1, 2])}, np.array([2, 0, 2]))
    spill.add({"p": np.array([b"dddd", b"e"]), "i": np.array([3, 4])}, np.array([2, 1]))
    spill.close()
    assert spill.read(2, ("p", "i"))["p"].tolist() == [b"a", b"c", b"dddd"]
    assert spill.read(2, ("p", "i"))["i"].tolist() == [0, 2, 3]
    assert spill.read(0, ("i",))["i"].tolist() == [1] and spill.rows(1) == 1


def run(monkeypatch, folder: Path, chunk_rows: int, bucket_reads: int, params: dict) -> tuple:
    monkeypatch.setattr(streamed, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(flat, "BUCKET_READS", bucket_reads)
    monkeypatch.setattr(report_map, "DRAW_POINTS_UP_TO", 1_000)  # (the map shows the reads' density)
    folder.mkdir()
    res = processing.run(
        "alpr:summary",
        {"OUTPUT_TABLE": str(folder / "s.gpkg"), "OUTPUT_HTML": str(folder / "r.html"), "REPORT_TITLE": "T", **params},
    )
    html = re.sub(r"Made \d{4}-\d\d-\d\d \d\d:\d\d", "Made", Path(res["OUTPUT_HTML"]).read_text(encoding="utf-8"))
    numbers = {k: v for k, v in res.items() if isinstance(v, (int, float)) or v is None}
    return numbers, html


@pytest.fixture(scope="module")
def sample_cleaned(sample_loaded, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("flat_cleaned")
    return processing.run(
        "alpr:cleanreads",
        {"INPUT": sample_loaded["OUTPUT"], "DEDUP_SECONDS": 60, "OUTPUT": str(folder / "clean.gpkg"),
         "REJECTED": str(folder / "rejected.gpkg")},
    )  # fmt: skip


def test_sample_in_many_buckets_is_the_sample_in_one(monkeypatch, tmp_path, sample_loaded, sample_cleaned):
    params = {
        "INPUT": sample_cleaned["OUTPUT"],
        "REJECTED": sample_cleaned["REJECTED"],
        "UNREADABLE": sample_loaded["REJECTED"],
        "REFERENCE_POINT": HQ,
        "BOUNDARY": "{}|layername=city_boundary".format(CITY),
    }
    one = run(monkeypatch, tmp_path / "one", WHOLE, WHOLE, params)
    assert one[0]["TOTAL_READS"] == 62_303
    many = run(monkeypatch, tmp_path / "many", 4_999, 1_000, params)  # 13 chunks, 63 plate buckets
    assert many == one
    assert "density of the 62," in one[1]  # (the map drew the reads' density: binned from the spilled points)
    from qgis.core import QgsProcessingUtils

    from alpr_qgis.core.scratch import PREFIX

    leftovers = [p for p in Path(QgsProcessingUtils.tempFolder()).iterdir() if p.name.startswith(PREFIX)]
    assert leftovers == []  # (the spilled columns, plates among them, are gone)


@pytest.mark.parametrize("n", [1, 2, 3, 101, 1000, 4321])
def test_device_spread_is_the_tracks_spread(n):
    from alpr_qgis.core.summary_flat import device_spread
    from alpr_qgis.core.tracks import _middles

    rng = np.random.default_rng(n)
    x = np.round(rng.normal(500_000, 30, n), 1)  # (rounded: ties)
    y = rng.normal(4_180_000, 10, n)
    x[rng.random(n) < 0.1] = np.nan
    _, _, spread, located = _middles(np.zeros(n, dtype=np.int64), 1, x, y)
    got = device_spread(x, y)
    assert got[0] == located[0]
    assert got[1] == spread[0] or (np.isnan(got[1]) and np.isnan(spread[0]))


def test_bucket_counts_follow_the_reads():
    assert flat.buckets_for(0) == flat.buckets_for(1) == flat.buckets_for(250_000) == 1
    assert flat.buckets_for(-1) == flat.UNKNOWN_BUCKETS
    assert flat.buckets_for(2_000_000) == 8 and flat.buckets_for(250_001) == 2
    assert flat.buckets_for(10**12) == flat.MAX_BUCKETS
