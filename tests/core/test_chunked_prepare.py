"""The cleaner's and the anonymizer's pieces that work chunk after chunk give the whole layer's answers."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.anonymize import ReleaseFields
from alpr_qgis.core.cleaning import DuplicateFinder, _flag_duplicates
from alpr_qgis.core.errors import AlprInputError
from alpr_qgis.core.plates import Codebook, HashedCheck, PlateCodes, normalised_codes, plates_look_hashed
from alpr_qgis.core.release import ReleaseBuilder


def chunks(series: pd.Series, size: int):
    for start in range(0, max(len(series), 1), size):
        yield series.iloc[start : start + size]


def hashed_check(series: pd.Series, size: int) -> bool:
    check = HashedCheck()
    for part in chunks(series, size):
        check.add(part)
    return check.answer()


HEX = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(3000)]
CASES = {
    "hex": pd.Series(HEX, dtype=object),
    "hex with nulls and blanks": pd.Series([None, " ", *HEX[:50], None], dtype=object),
    "base64": pd.Series([h[:22].replace("a", "+") + "==" for h in HEX[:40]], dtype=object),
    "plates": pd.Series(["6TRM913", "ABC123"] * 1500, dtype=object),
    "hex, then one plate late": pd.Series([*HEX[:2500], "6TRM913"], dtype=object),
    "two lengths": pd.Series([*HEX[:30], HEX[30][:40]], dtype=object),
    "short hex": pd.Series(["ABCDEF12"] * 10, dtype=object),
    "empty": pd.Series([], dtype=object),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("size", [1, 7, 1000, 10_000])
def test_hashed_check_in_chunks(name, size):
    if size == 1 and len(CASES[name]) > 100:
        pytest.skip("one plate at a time: the small cases only")
    assert hashed_check(CASES[name], size) == plates_look_hashed(CASES[name])


def test_plate_codes_across_chunks_are_the_whole_columns():
    plates = pd.Series(["6trm 913", "ABC1", None, "6TRM-913", "", "abc1", "Q", "6TRM913", None, "Z9"], dtype=object)
    whole, normal = normalised_codes(plates)
    for size in (1, 3, 4):
        book = PlateCodes()
        codes = np.concatenate([book.add(part) for part in chunks(plates, size)])
        assert codes.tolist() == whole.tolist() and book.values == normal.tolist()
    book = Codebook()
    assert book.encode(np.array([0, -1, 1, 0]), ["a", "b"]).tolist() == [0, -1, 1, 0]
    assert book.encode(np.array([0, 1]), ["c", "a"]).tolist() == [2, 0] and book.values == ["a", "b", "c"]


def test_duplicates_across_chunks_are_the_whole_layers():
    rng = np.random.default_rng(7)
    n = 3000
    plates = pd.Series(rng.choice(["6TRM913", "6trm-913", "ABC123", "", None, "XYZ9"], n), dtype=object)
    devices = pd.Series(rng.choice(["P1", "P2", None, "P 3"], n), dtype=object)
    times = pd.Series(pd.Timestamp("2014-07-20") + pd.to_timedelta(rng.integers(0, 6 * 3600, n), unit="s"))
    times[rng.random(n) < 0.05] = pd.NaT
    codes, _ = normalised_codes(plates)  # (as classify_reads groups plates)
    whole = _flag_duplicates(codes, codes >= 0, devices, times, 60)
    assert 100 < whole.sum() < n
    for size in (7, 97, 1000):
        finder = DuplicateFinder(60)
        for start in range(0, n, size):
            finder.add(
                plates.iloc[start : start + size], devices.iloc[start : start + size], times.iloc[start : start + size]
            )
        assert np.array_equal(finder.flags(), whole), size


def test_a_plate_that_is_not_text_late_in_the_layer_is_named_by_its_row():
    plan = ReleaseFields(kept=["device"], dropped=["plate"])
    builder = ReleaseBuilder(plan, "plate", None, [], "keep", 0, "reads")
    table = pd.DataFrame({"plate": ["6TRM913", "ABC123"], "device": ["P1", "P2"]})
    builder.add(table, np.zeros(2), np.zeros(2), first_row=0)
    late = pd.DataFrame({"plate": ["XYZ9", "QRS1", 1234567], "device": ["P1", None, "P2"]})
    with pytest.raises(AlprInputError) as err:
        builder.add(late, np.zeros(3), np.zeros(3), first_row=1_000_000)
    text = str(err.value)
    assert "row 1000003" in text and 'field "plate"' in text and "1234567" not in text


def test_release_builder_gives_the_release_in_any_rows():
    plan = ReleaseFields(kept=["read_time", "device", "note", "speed"], dropped=["plate"])
    table = pd.DataFrame(
        {
            "plate": ["6TRM913", "abc123", "6trm 913", None, "ZZZ999"],
            "read_time": pd.to_datetime(
                ["2014-07-20 08:01:02", None, "2014-07-20 09:59:59", "2014-07-20 08:30:00", "2014-07-20 08:00:00"]
            ),
            "device": ["P1", "P2", None, "P1", "P2"],
            "note": ["saw 6TRM-913", "ok", None, "ok", "(37.80123, -122.27456)"],
            "speed": [20.5, 21.5, np.nan, 22.5, 23.5],
        }
    )
    builder = ReleaseBuilder(plan, "plate", "read_time", [], "hour", 200.0)
    for start in (0, 2, 4):
        builder.add(table.iloc[start : start + 2].reset_index(drop=True), np.zeros(2), np.zeros(2), start)
    builder.finish("hmac", b"k" * 32)
    assert len(builder) == 5 and builder.plate_count == 3 and builder.cleared == {"note": 2}
    frame = builder.frame(np.array([4, 0, 3]))
    assert list(frame.columns) == ["plate_id", "read_time", "device", "note", "speed"]
    assert frame["plate_id"].iloc[2] is None and frame["plate_id"].iloc[1] == builder.ids[0]
    assert frame["read_time"].dt.strftime("%H:%M").tolist() == ["08:00", "08:00", "08:00"]
    assert frame["device"].tolist() == ["P2", "P1", "P1"] and frame["speed"].tolist() == [23.5, 20.5, 22.5]
    assert frame["note"].isna().tolist() == [True, True, False]
    order = builder.order()
    times = builder.times().iloc[order]
    assert times.iloc[:-1].tolist() == sorted(times.iloc[:-1].tolist()) and pd.isna(times.iloc[-1])
