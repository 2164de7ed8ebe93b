"""alpr_qgis.core.anonymize: ids, coarsening, plate-bearing fields and the re-identification audit."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.anonymize import (
    coarsen_times,
    fields_holding_plates,
    plate_ids,
    read_key,
    reidentification_audit,
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
    path.write_bytes(b"s3cret\n")
    assert read_key(None, str(path)) == (b"s3cret", "KEY_FILE")
    assert read_key("abc", None) == (b"abc", "KEY")
    one, origin = read_key(None, None)
    assert origin == "one-time" and len(one) == 32 and read_key(None, None)[0] != one
    with pytest.raises(AlprInputError, match="not both"):
        read_key("abc", str(path))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n")
    with pytest.raises(AlprInputError, match="empty.txt: is empty"):
        read_key(None, str(empty))


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


def test_fields_holding_plates():
    table = pd.DataFrame(
        {
            "image": ["IMG_1_6TRM913.jpg", "IMG_2_XYZ.jpg", "img_abc123.JPG", None],
            "note": ["seen 6TRM 913", "ok", "", "x"],
            "device": ["P1", "P1", "P1", "P1"],
        }
    )
    plates = pd.Series(["6TRM 913", "AB", "ABC-123", "QQQ111"])
    found = fields_holding_plates(table, plates, ["image", "note", "device"])
    assert set(found) == {"image", "note"}
    assert found["image"].tolist() == [True, False, True, False]
    assert found["note"].tolist() == [True, False, False, False]


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
