"""alpr_qgis.core.anonymize: ids, coarsening, plate-bearing fields and the re-identification audit."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.anonymize import (
    PlateMatcher,
    audit_table,
    coarsen_times,
    key_file_exposed,
    keyed_ids,
    location_hits,
    location_text_resolution_m,
    plate_ids,
    read_key,
    reidentification_audit,
    release_fields,
    release_order,
    snap_to_grid,
)
from alpr_qgis.core.errors import AlprInputError

PLATES = pd.Series(["6TRM913", "6trm 913", "ABC123", None, " abc-123 ", ""], dtype=object)


def test_hmac_ids_are_keyed_hashes_of_normalised_plates():
    ids = plate_ids(PLATES, "hmac", b"secret")
    expected = hmac.new(b"secret", b"6TRM913", hashlib.sha256).hexdigest()
    assert ids[0] == ids[1] == expected and len(expected) == 64
    assert ids[2] == ids[4] != ids[0]
    assert ids[3] is None and ids[5] is None
    again = plate_ids(PLATES, "hmac", b"secret")
    assert list(again) == list(ids)  # same key, same ids across runs
    other = plate_ids(PLATES, "hmac", b"another key")
    assert not set(other[:3]) & set(ids[:3])  # different keys: unlinkable


def test_tokens_are_random_per_plate_and_run():
    a = plate_ids(PLATES, "token", b"")
    b = plate_ids(PLATES, "token", b"")
    assert a[0] == a[1] and a[2] == a[4] and a[0] != a[2]
    assert len(a[0]) == 22 and set(a[0]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert a[0] != b[0]
    assert list(plate_ids(PLATES, "drop", b"")) == [None] * 6


def test_keys(tmp_path):
    path = tmp_path / "key.txt"
    path.write_bytes(b"s3cret-s3cret-s3cret\n")
    path.chmod(0o600)
    assert read_key(None, str(path)) == (b"s3cret-s3cret-s3cret", "KEY_FILE")
    assert not key_file_exposed(str(path))
    path.chmod(0o640)
    assert key_file_exposed(str(path))
    assert read_key("a" * 16, None) == (b"a" * 16, "KEY")
    assert read_key(None, None, "b" * 20) == (b"b" * 20, "KEY_AUTHCFG")
    one, origin = read_key(None, None)
    assert origin == "one-time" and len(one) == 32 and read_key(None, None)[0] != one
    with pytest.raises(AlprInputError, match="not both"):
        read_key("a" * 16, str(path))
    with pytest.raises(AlprInputError, match="KEY and KEY_AUTHCFG"):
        read_key("a" * 16, None, "b" * 16)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n")
    with pytest.raises(AlprInputError, match="empty.txt: is empty"):
        read_key(None, str(empty))


@pytest.mark.parametrize(
    ("args", "origin"),
    [(("short key 15 by", None), "KEY"), ((None, "FILE"), "KEY_FILE"), ((None, None, "x" * 15), "KEY_AUTHCFG")],
)
def test_short_keys_are_refused_without_quoting_them(tmp_path, args, origin):
    if args[1] == "FILE":
        (tmp_path / "k").write_bytes(b"fifteen bytes!!\n")
        args = (None, str(tmp_path / "k"))
    with pytest.raises(AlprInputError, match="{} holds a key of 15 bytes".format(origin)) as err:
        read_key(*args)
    assert "fifteen" not in str(err.value) and "short key" not in str(err.value) and "xxx" not in str(err.value)


def test_keyed_ids_are_hmac_sha256():
    for key in (b"k" * 16, b"long " * 40):  # a key longer than the block is hashed first, as HMAC does
        plates = ["6TRM913", "ÄÖ1", ""]
        assert keyed_ids(plates, key) == [hmac.new(key, p.encode(), hashlib.sha256).hexdigest() for p in plates]


def test_release_fields_is_an_allow_list():
    columns = [
        "fid",
        "read_id",
        "plate",
        "read_time",
        "device",
        "State",
        "ID",
        "Location",
        "notes",
        "img",
        "is_duplicate",
    ]
    plan = release_fields(columns, "plate", "read_time", ["notes"], ["img"])
    assert plan.kept == ["read_time", "device", "State", "notes", "is_duplicate"]
    assert plan.dropped == ["read_id", "plate", "ID", "Location", "img"]
    with pytest.raises(AlprInputError, match='KEEP_FIELDS names the plate field "PLATE"'):
        release_fields(columns, "plate", "read_time", ["PLATE"])
    with pytest.raises(AlprInputError, match='KEEP_FIELDS names "img", which EXTRA_PLATE_FIELDS'):
        release_fields(columns, "plate", "read_time", ["img"], ["img"])
    with pytest.raises(AlprInputError, match='KEEP_FIELDS names "nope"'):
        release_fields(columns, "plate", "read_time", ["nope"])


def test_plate_matcher_every_type_and_form():
    matcher = PlateMatcher(["6TRM913", "7ABC123", "X7", "7305518", "GHJK"])
    text = pd.Series(["seen 6trm-913 here", "7abc.123", "IMG_7ABC123.jpg", "x7", "X77", "ok", None, "gh jk!"])
    assert matcher.hits(text).tolist() == [True, True, True, True, False, False, False, True]
    # A seven-digit government plate held as a number, integer or float; short plates only when equal.
    numbers = pd.Series([7305518, 17305518, 12, 7], dtype="Int64")
    assert matcher.hits(numbers).tolist() == [True, True, False, False]
    floats = pd.Series([7305518.0, 0.5, np.nan, 73055.18])
    assert matcher.hits(floats).tolist() == [True, False, False, True]  # 73055.18 is 7305518 without its dot
    assert not matcher.hits(pd.Series([True, False])).any()


def test_location_text_finer_than_the_grid():
    assert location_text_resolution_m("(37.77256, -122.24566)") == pytest.approx(1.1132)
    assert location_text_resolution_m("POINT(-122.27 37.80)") == pytest.approx(1113.2)
    assert location_text_resolution_m("37.8,-122.3") == pytest.approx(11132)
    assert location_text_resolution_m("1200 Main St, unit 12.5") is None
    column = pd.Series(["(37.77256, -122.24566)", "(37.8, -122.3)", "Main St", None])
    assert location_hits(column, "Location", 200).tolist() == [True, False, False, False]
    assert not location_hits(column, "Location", 0).any()  # not coarsened: nothing is finer
    assert location_hits(pd.Series([37.7725, None]), "gps_lat", 200).tolist() == [True, False]
    assert not location_hits(pd.Series([3.5, 4.0]), "speed", 200).any()


def test_release_order_sorts_by_time_then_id_and_shuffles_ties():
    times = pd.Series(pd.to_datetime(["2014-07-20 09:00", "2014-07-20 08:00", None, "2014-07-20 08:00"] * 50))
    ids = np.array(["b", "c", "a", "a"] * 50, dtype=object)
    codes, table = pd.factorize(ids)
    table = np.asarray(table, dtype=object)
    order = release_order(times, codes, table)
    assert sorted(order.tolist()) == list(range(200))
    t = times.iloc[order].reset_index(drop=True)
    assert t.iloc[:100].eq(pd.Timestamp("2014-07-20 08:00")).all() and t.iloc[150:].isna().all()
    assert list(ids[order][:100]) == ["a"] * 50 + ["c"] * 50
    # Ties come in a random order: the positions of the 50 "a" rows at 08:00 are not the source's.
    assert order[:50].tolist() != sorted(order[:50].tolist())
    assert release_order(times, codes, table)[:50].tolist() != order[:50].tolist()
    # Without ids (METHOD drop): by time only.
    assert pd.Series(times.iloc[release_order(times)].to_numpy()).iloc[:100].eq(pd.Timestamp("2014-07-20 08:00")).all()


def test_audit_table_names_fields_never_values():
    from alpr_qgis.core.anonymize import AuditRow

    table = audit_table([AuditRow(1, 10, 4), AuditRow(2, 5, 5)], ["ID", "Location"], {"notes": 3}, "hour", 200)
    assert table["kind"].tolist() == ["unicity", "unicity", "dropped_field", "dropped_field", "cleared_values"]
    assert table["field"].tolist()[2:] == ["ID", "Location", "notes"]
    assert table["count"].tolist()[4] == 3 and table["unique_share"].tolist()[:2] == [0.4, 1.0]
    assert (table["time_precision"] == "hour").all() and (table["location_precision_m"] == 200).all()


def test_coarsening():
    times = pd.Series(pd.to_datetime(["2014-07-20 08:01:59", "2014-07-20 23:59:59", None]))
    assert coarsen_times(times, "hour").tolist()[:2] == [
        pd.Timestamp("2014-07-20 08:00"),
        pd.Timestamp("2014-07-20 23:00"),
    ]
    assert coarsen_times(times, "day").tolist()[1] == pd.Timestamp("2014-07-20")
    assert coarsen_times(times, "minute").tolist()[0] == pd.Timestamp("2014-07-20 08:01")
    assert coarsen_times(times, "keep") is times
    x, y = snap_to_grid(np.array([12.0, 99.9, -1.0]), np.array([0.0, 150.0, -250.0]), 100)
    assert x.tolist() == [50.0, 50.0, -50.0] and y.tolist() == [50.0, 150.0, -250.0]


def test_audit_by_hand():
    # Three vehicles: A's trail {p1, p2}, B's {p1, p2, p3}, C's {p4}.
    ids = np.array(["A", "A", "B", "B", "B", "C"], dtype=object)
    x = np.array([1, 2, 1, 2, 3, 4], dtype=float)
    y = np.zeros(6)
    t = pd.Series(pd.to_datetime(["2014-07-20 08:00"] * 6))
    rows = reidentification_audit(ids, x, y, t)
    by_k = {r.known_points: (r.vehicles, r.unique_vehicles) for r in rows}
    # k=1: C (p4 is only C's) is unique; A's points are shared with B; B is unique only if p3 is drawn.
    assert by_k[1][0] == 3 and by_k[1][1] in (1, 2)
    # k=2: A {p1,p2} is also B's -> not unique; B's two points include p3 or are {p1,p2} -> seed decides.
    assert by_k[2][0] == 2 and by_k[2][1] in (0, 1)
    # k=3: only B has three points, and they are unique to B.
    assert by_k[3] == (1, 1)
    assert by_k[4] == (0, 0)
    assert rows[3].unique_share is None


def test_audit_coarser_is_safer():
    rng = np.random.default_rng(0)
    n = 5000
    ids = rng.integers(0, 400, n).astype(str).astype(object)
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t = pd.Series(pd.Timestamp("2014-07-20") + pd.to_timedelta(rng.integers(0, 7 * 86400, n), unit="s"))
    fine = reidentification_audit(ids, x, y, t)
    cx, cy = snap_to_grid(x, y, 2500)
    coarse = reidentification_audit(ids, cx, cy, coarsen_times(t, "day"))
    assert fine[1].unique_share == 1.0  # exact places and seconds single everyone out
    assert coarse[0].unique_share < 0.05  # 4 cells x 7 days are shared by many vehicles
    assert coarse[1].unique_share < fine[1].unique_share


@pytest.mark.parametrize("batch", [None, 7])
def test_audit_against_brute_force_when_the_draw_is_forced(batch, monkeypatch):
    """Every vehicle has exactly k points: the draw takes them all, so a brute force gives the answer."""
    import alpr_qgis.core.anonymize as anonymize

    if batch:  # tiny batches of the join: the same answer
        monkeypatch.setattr(anonymize, "AUDIT_BATCH_PAIRS", batch)
    rng = np.random.default_rng(5)
    for k in (1, 2, 3):
        trails = {}
        for vehicle in range(300):
            trails[vehicle] = frozenset(rng.choice(12, size=k, replace=False).tolist())  # few places: many shared
        ids, x, times = [], [], []
        for vehicle, points in trails.items():
            for point in points:
                for _ in range(1 + vehicle % 2):  # repeated reads of one point count once
                    ids.append("V{}".format(vehicle))
                    x.append(float(point))
                    times.append(pd.Timestamp("2014-07-20 08:00"))
        rows = reidentification_audit(
            np.array(ids, dtype=object), np.array(x), np.zeros(len(x)), pd.Series(times), known=(k,)
        )
        expected = sum(
            1 for v, points in trails.items() if not any(points <= other for u, other in trails.items() if u != v)
        )
        assert rows[0].vehicles == 300 and rows[0].unique_vehicles == expected
        assert 0 < expected < 300 or k == 1


def test_audit_does_not_depend_on_row_order():
    """The release's rows are shuffled: the same release must give the same audit, whatever the order."""
    rng = np.random.default_rng(3)
    n = 4000
    ids = rng.integers(0, 500, n).astype(str).astype(object)
    x, y = np.floor(rng.uniform(0, 6, n)), np.floor(rng.uniform(0, 6, n))
    t = pd.Series(pd.Timestamp("2014-07-20") + pd.to_timedelta(rng.integers(0, 6, n), unit="h"))
    first = reidentification_audit(ids, x, y, t)
    for _ in range(3):
        order = rng.permutation(n)
        again = reidentification_audit(ids[order], x[order], y[order], t.iloc[order].reset_index(drop=True))
        assert [(r.vehicles, r.unique_vehicles) for r in again] == [(r.vehicles, r.unique_vehicles) for r in first]
    assert 0 < first[1].unique_vehicles < first[1].vehicles  # the draw matters here
