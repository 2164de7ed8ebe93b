"""core.release_spill: the release and audit a bucket at a time give what the whole-layer functions give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.anonymize import PlateMatcher, ReleaseFields, reidentification_audit, release_order
from alpr_qgis.core.plates import PlateCodes, normalised_codes
from alpr_qgis.core.release import ReleaseBuilder
from alpr_qgis.core.release_spill import HashedPlateMatcher, PlateTable, SpilledRelease, TrailAudit

KEY = b"k" * 32


def test_plate_table_numbers_plates_as_first_met_like_plate_codes():
    rng = np.random.default_rng(1)
    pool = ["{}{:03d}".format(c, i) for c in "ABC" for i in range(60)] + ["6trm 913", "6TRM-913", None, ""]
    whole, table = PlateCodes(), PlateTable()
    for _ in range(6):
        plates = pd.Series([pool[i] for i in rng.integers(0, len(pool), 150)], dtype=object)
        expected = whole.add(plates)
        local, normal = normalised_codes(plates)
        codes, _ = table.add(normal.tolist())
        assert np.array_equal(np.append(codes, -1)[local], expected)
    assert len(table) == len(whole)
    assert table.lengths == {len(p) for p in whole.values}


def test_hashed_matcher_finds_what_the_plate_matcher_finds():
    plates = ["6TRM913", "7RST123", "WX", "ZYXW", "7305518", "ABCD"]
    table = PlateTable()
    table.add(plates)
    texts = pd.Series(
        ["saw 6TRM-913", "wx", "WX", "ok", None, 7305518, 7305518.0, "xxzyxwxx", "ABC", "1.5", True], dtype=object
    )
    assert HashedPlateMatcher([table]).hits(texts).tolist() == PlateMatcher(plates).hits(texts).tolist()
    assert HashedPlateMatcher([PlateTable()]).hits(texts).sum() == 0


def test_plate_table_finds_plates_whose_digests_begin_alike():
    """Two plates whose digests share their first half (never seen, but handled): each keeps its own code."""
    table = PlateTable()
    table.add(["AAA111", "BBB222"])
    lo = table.lo.copy()
    table.hi[:] = table.hi[0]  # (made alike by hand; the second halves still differ)
    found = table.find(table.hi.copy(), lo[::-1].copy())
    assert found.tolist() == table.codes[::-1].tolist() and sorted(found.tolist()) == [0, 1]
    assert table.find(table.hi[:1].copy(), np.array([12345], dtype=np.uint64)).tolist() == [-1]


def _audit_data(seed: int, n: int):
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 40, n)
    codes[codes == 7] = 8  # (a code no read has: vehicles are ranked among those present)
    x = rng.integers(0, 4, n) * 200.0 + 100
    y = rng.integers(0, 3, n) * 200.0 + 100
    x[rng.random(n) < 0.02] = np.nan
    t = pd.Series(pd.Timestamp("2014-07-20") + pd.to_timedelta(rng.integers(0, 6, n), unit="h"))
    t[rng.random(n) < 0.02] = pd.NaT
    return codes, x, y, t


@pytest.mark.parametrize("pairs", [1, 7, 10_000])
def test_trail_audit_by_buckets_gives_the_whole_audit(tmp_path, pairs):
    """Points given a time bucket at a time, trails drawn a range of vehicles at a time: the same numbers."""
    for seed in range(4):
        codes, x, y, t = _audit_data(seed, 600)
        whole = reidentification_audit(codes, x, y, t)
        folder = tmp_path / "{}_{}".format(pairs, seed)
        folder.mkdir()
        audit = TrailAudit(41, str(folder), pairs=pairs, expected_pairs=len(codes))
        stamp = t.to_numpy(dtype="datetime64[ns]").view(np.int64)
        ok = (codes >= 0) & np.isfinite(x) & np.isfinite(y) & ~t.isna().to_numpy()
        for hour in range(6):  # time buckets, in any order
            at = ok & (stamp == (pd.Timestamp("2014-07-20") + pd.Timedelta(hours=(hour * 5) % 6)).value)
            audit.add(codes[at].astype(np.int32), x[at], y[at], stamp[at])
        rows = audit.run()
        assert [(r.known_points, r.vehicles, r.unique_vehicles) for r in rows] == [
            (r.known_points, r.vehicles, r.unique_vehicles) for r in whole
        ]
        assert rows[0].vehicles > 30 and 0 < rows[1].unique_vehicles < rows[1].vehicles


def test_trail_audit_of_nothing(tmp_path):
    rows = TrailAudit(0, str(tmp_path), pairs=10, expected_pairs=0).run()
    assert [(r.vehicles, r.unique_vehicles) for r in rows] == [(0, 0)] * 4


def _layer(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pool = ["6TRM913", "abc123", "6trm 913", None, "ZZZ999", "QRS1", "MNPQ77", "7305518"]
    plates = [pool[i] if i < len(pool) else "P{:04d}".format(i) for i in rng.integers(0, 60, n)]
    times = pd.Series(pd.Timestamp("2014-07-20 08:00") + pd.to_timedelta(rng.integers(0, 5 * 3600, n), unit="s"))
    times[rng.random(n) < 0.05] = pd.NaT
    notes = np.array(["saw 6TRM-913", "ok", None, "(37.80123, -122.27456)", "fine"], dtype=object)
    gov = pd.array(rng.integers(0, 10_000_000, n), dtype="Int64")
    gov[rng.random(n) < 0.1] = pd.NA
    gov[rng.random(n) < 0.05] = 7305518
    return pd.DataFrame(
        {
            "plate": pd.Series(plates, dtype=object),
            "read_time": times,
            "device": pd.Series(["P{}".format(i) for i in rng.integers(0, 3, n)], dtype=object),
            "note": pd.Series(notes[rng.integers(0, len(notes), n)], dtype=object),
            "speed": rng.random(n) * 50,
            "gov": gov,
            "lat": 37.0 + rng.random(n),
        }
    )


def _whole(table, plan, method):
    builder = ReleaseBuilder(plan, "plate", "read_time", [], "hour", 200.0)
    builder.add(table, np.zeros(len(table)), np.zeros(len(table)), 0)
    builder.finish(method, KEY)
    frame = builder.frame(np.arange(len(table)))
    return builder, frame


@pytest.mark.parametrize("method", ["hmac", "token", "drop"])
@pytest.mark.parametrize("sizes", [(7, 5), (40, 1), (1000, 100_000)])
def test_spilled_release_gives_the_whole_layers_release(tmp_path, method, sizes):
    """Chunks of 7 or 40 reads, buckets of 5 or 1: the rows, their order rule, the counts of the whole layer."""
    chunk, bucket = sizes
    n = 300
    table = _layer(n)
    x, y = np.arange(n, dtype=float), np.arange(n, dtype=float) * 2
    plan = ReleaseFields(kept=["read_time", "device", "note", "speed", "gov", "lat"], dropped=["plate"])
    builder, whole = _whole(table, plan, method)
    release = SpilledRelease(
        plan, "plate", "read_time", [], "hour", 200.0, method, KEY, str(tmp_path), bucket_rows=bucket
    )
    for start in range(0, n, chunk):
        part = slice(start, start + chunk)
        release.add(table.iloc[part].reset_index(drop=True), x[part], y[part], start)
    release.finish()
    assert release.plate_count == builder.plate_count and release.cleared == builder.cleared
    assert set(release.cleared) == {"note", "gov", "lat"}
    assert (release.bucket_count > 1) == (bucket < n)  # (one bucket per hour at most)
    frames, places = [], []

    def emit(frame, fx, fy, last):
        frames.append(frame)
        places.append(fx)
        return True

    audit = TrailAudit(release.plate_count, str(tmp_path), pairs=3, expected_pairs=n)
    written = release.write(lambda a, b: (a, b, a + 0.5, b), emit, audit)
    assert written == n
    out = pd.concat(frames, ignore_index=True)
    assert list(out.columns) == list(whole.columns)
    for name in whole.columns:
        if name != "plate_id" or method == "hmac":
            assert out[name].dtype == whole[name].dtype, name
    # every read once, each with its own values (x + 0.5 gives back its row)
    rows = (np.concatenate(places) - 0.5).astype(int)
    assert sorted(rows.tolist()) == list(range(n))
    expected = whole.iloc[rows].reset_index(drop=True)
    if method == "token":  # (random per run: the same token for the same plate, none for none)
        assert (out["plate_id"].isna() == expected["plate_id"].isna()).all()
        pairs = set(zip(out["plate_id"].dropna(), expected["plate_id"].dropna()))
        assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})
        out, expected = out.drop(columns="plate_id"), expected.drop(columns="plate_id")
    pd.testing.assert_frame_equal(out, expected)
    # in the release's order: by time (none last), then id (none last)
    ids = out["plate_id"] if "plate_id" in out else pd.Series([None] * n)
    keys = [(pd.isna(a), a if not pd.isna(a) else 0, pd.isna(b), b or "") for a, b in zip(out["read_time"], ids)]
    assert keys == sorted(keys)
    # ... the order release_order gives the whole layer (up to its random ties)
    if method == "hmac":
        reference = whole.iloc[release_order(builder.times(), builder.codes.astype(np.int64), builder.ids)]
        assert out["plate_id"].tolist() == reference["plate_id"].tolist()
        assert out["read_time"].tolist() == reference["read_time"].tolist()
    # the audit of the points given bucket after bucket: the whole-layer audit's numbers
    expected_audit = reidentification_audit(builder.vehicles(), x, y, builder.times())
    assert [(r.vehicles, r.unique_vehicles) for r in audit.run()] == [
        (r.vehicles, r.unique_vehicles) for r in expected_audit
    ]
    assert (expected_audit[0].vehicles > 10) == (method != "drop")


def test_the_tie_shuffle_differs_from_the_source_order(tmp_path):
    n = 400
    table = pd.DataFrame({"plate": ["ABC123"] * n, "device": ["P{}".format(i) for i in range(n)]})
    plan = ReleaseFields(kept=["device"], dropped=["plate"])
    release = SpilledRelease(plan, "plate", None, [], "keep", 0.0, "hmac", KEY, str(tmp_path), bucket_rows=1000)
    release.add(table, np.zeros(n), np.zeros(n))
    release.finish()
    frames = []
    release.write(lambda a, b: (a, b, a, b), lambda f, fx, fy, last: frames.append(f) or True)
    devices = frames[0]["device"].tolist()
    assert sorted(devices) == sorted(table["device"]) and devices != table["device"].tolist()


def test_an_empty_layer_gives_an_empty_release(tmp_path):
    plan = ReleaseFields(kept=["read_time", "device"], dropped=["plate"])
    release = SpilledRelease(plan, "plate", "read_time", [], "hour", 0.0, "hmac", KEY, str(tmp_path))
    empty = pd.DataFrame({"plate": pd.Series([], dtype=object), "read_time": pd.Series([], dtype="datetime64[ns]")})
    release.add(empty.assign(device=pd.Series([], dtype=object)), np.zeros(0), np.zeros(0))
    release.finish()
    frames = []
    assert release.write(lambda a, b: (a, b, a, b), lambda f, fx, fy, last: frames.append((f, last)) or True) == 0
    assert len(frames) == 1 and frames[0][1] and list(frames[0][0].columns) == ["plate_id", "read_time", "device"]
    release.drop()
    assert release.plate_count == 0 and release.cleared == {}
