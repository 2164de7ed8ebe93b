"""alpr_qgis.core.cleaning: every rule, its order, sign words and their false positives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.cleaning import (
    REASONS,
    CleanRules,
    SignLexicon,
    classify_reads,
    default_lexicon,
    flag_duplicates,
    sign_word_set,
)
from alpr_qgis.core.errors import AlprInputError


def classify(plates, xy=None, rules=None, **kw):
    n = len(plates)
    xy = np.array(xy if xy is not None else [(-122.27, 37.8)] * n, dtype=float)
    return classify_reads(
        pd.Series(plates, dtype=object), xy[:, 0], xy[:, 1], xy[:, 0], xy[:, 1], rules or CleanRules(), **kw
    )


@pytest.mark.parametrize(
    ("plate", "word"),
    [
        ("CROSSWALK", "CROSSWALK"),
        ("CR0SSWALK", "CROSSWALK"),
        ("ROSSWALK", "CROSSWALK"),
        ("CROSSWAL", "CROSSWALK"),
        ("CAUTION", "CAUTION"),
        ("CAUT10N", "CAUTION"),
        ("CAUTIC1N", "CAUTION"),
        ("CAUTICJN", "CAUTION"),
        ("AUTION", "CAUTION"),
        ("CAUTIONS", "CAUTION"),
        ("PARKIMG", "PARKING"),
        ("NOPARKING", "NOPARKING"),
        ("ONEWAY", "ONEWAY"),
        ("TOWAWAY", "TOWAWAY"),
        ("STOP", "STOP"),
        ("5T0P", "STOP"),
        ("YIELD", "YIELD"),
        ("SCH00L", "SCHOOL"),
        ("DETOUR", "DETOUR"),
        ("R0ADWORK", "ROADWORK"),
        ("DRIVEWAY", "DRIVEWAY"),
        ("PRIVATE", "PRIVATE"),
    ],
)
def test_sign_words_with_ocr_errors(plate, word):
    assert default_lexicon().match(plate) == word


@pytest.mark.parametrize(
    "plate",
    [
        "CAT123",
        "STOP4ME",
        "LUVMYCAT",
        "RN4LIFE",
        "BOBAGUY",
        "7ABC123",
        "6TRM913",
        "811MLT",
        "400SED",
        "STOPS1",
        "1STOP",
        "SLOWPOK",
        "PARK1",
        "ONLY1",
        "YIELD99",
        "1234567",
        "ABC123",
    ],
)
def test_real_plates_are_not_sign_words(plate):
    assert default_lexicon().match(plate) is None


def test_no_false_positives_on_realistic_plates():
    """Zero sign-word matches among 120,000 plates in US formats and a list of vanity plates."""
    rng = np.random.default_rng(7)
    letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))
    digits = np.array(list("0123456789"))
    n = 20_000

    def fmt(*parts):
        return ["".join(row) for row in np.column_stack(parts)]

    plates = set()
    plates.update(fmt(rng.choice(digits[1:], n), rng.choice(letters, (n, 3)), rng.choice(digits, (n, 3))))  # 7ABC123
    plates.update(fmt(rng.choice(letters, (n, 3)), rng.choice(digits, (n, 3))))  # ABC123
    plates.update(fmt(rng.choice(digits, (n, 3)), rng.choice(letters, (n, 3))))  # 123ABC
    plates.update(fmt(rng.choice(digits[1:], n), rng.choice(letters, n), rng.choice(digits, (n, 5))))  # 1A23456
    plates.update(fmt(rng.choice(letters, (n, 3)), rng.choice(digits, (n, 4))))  # ABC1234 (TX, AZ)
    plates.update(fmt(rng.choice(digits, (n, 3)), rng.choice(letters, (n, 4))))  # 123ABCD
    vanity = [
        "CAT123",
        "STOP4ME",
        "LUVMYCAT",
        "RN4LIFE",
        "BOBAGUY",
        "GOWARRS",
        "SURFSUP",
        "2FAST4U",
        "IMLATE",
        "BIGDAWG",
        "MOMSCAR",
        "TESLA1",
        "GR8DAY",
        "NOWAY1",
        "SLOWPOK",
        "PARKME2",
        "CATLADY",
        "XPLORE",
        "OUTATIME",
        "SOCAL",
        "NOTHOT",
        "YESWAY",
    ]
    plates.update(vanity)
    hits = {p: default_lexicon().match(p) for p in plates if default_lexicon().match(p)}
    assert hits == {}
    assert len(plates) > 110_000


def test_every_reason_and_the_order():
    plates = ["", "AB@12", "CAUT10N", "7ABC1234", "1234567", "6TRM913", "6TRM914", "6TRM915", "6TRM916"]
    xy = [(1, 1)] * 5 + [(200, 37), (np.nan, np.nan), (0.0, 0.0), (-122.2, 37.8)]
    rules = CleanRules(exclude_government=True)
    result = classify(plates, xy, rules)
    assert result.reason.tolist() == [
        "empty_plate",
        "invalid_chars",
        "sign_word",
        "overlength",
        "government",
        "invalid_location",
        "null_geometry",
        "null_island",
        None,
    ]
    assert result.counts == {r: 1 for r in REASONS}
    assert result.detail.tolist()[2] == "CAUTION"
    assert result.detail.tolist()[3] == "8 characters"


def test_all_failing_rules_are_listed():
    result = classify(["CR0SSWALKS", ""], [(0.0, 0.0), (np.nan, np.nan)])
    assert result.reason.tolist() == ["sign_word", "empty_plate"]
    assert result.reasons.tolist() == ["sign_word|overlength|null_island", "empty_plate|null_geometry"]


def test_normalisation_before_rules():
    result = classify(["one way", " 6trm-913 ", "tow.away", "6 TRM 9131"])
    assert result.reason.tolist() == ["sign_word", None, "sign_word", "overlength"]


def test_government_flag_and_exclusion():
    flagged = classify(["1234567", "7ABC123"])
    assert flagged.reason.tolist() == [None, None]
    assert flagged.is_government.tolist() == [True, False]
    custom = classify(
        ["EXEMPT12", "G1234"],
        rules=CleanRules(government_pattern=r"G\d{4}", exclude_government=True, max_plate_length=8),
    )
    assert custom.reason.tolist() == [None, "government"]
    with pytest.raises(AlprInputError, match="GOVERNMENT_PATTERN"):
        classify(["A"], rules=CleanRules(government_pattern="(["))


def test_extra_sign_words():
    rules = CleanRules(extra_sign_words=tuple(sign_word_set("pizza, Open House")))
    result = classify(["PIZZA", "P1ZZA", "OPENHOUSE", "PIZZA12"], rules=rules)
    assert result.reason.tolist() == ["sign_word", "sign_word", "sign_word", None]
    assert SignLexicon.build(["PIZZA"]).match("PIZZA") == "PIZZA"


def test_hashed_plates_skip_plate_rules():
    hashed = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210", None]
    result = classify(hashed, rules=CleanRules(plates_hashed=True))
    assert result.reason.tolist() == [None, None, "empty_plate"]


def test_null_island_tolerance():
    xy = [(0.0, 0.0), (0.005, -0.005), (0.02, 0.0), (-122.2, 37.8)]
    loose = classify(["A1"] * 4, xy, CleanRules(null_island_tolerance=0.01))
    assert loose.reason.tolist() == ["null_island", "null_island", None, None]
    exact = classify(["A1"] * 4, xy, CleanRules(null_island_tolerance=0.0))
    assert exact.reason.tolist() == ["null_island", None, None, None]


def test_duplicates_flagged_per_plate_and_device():
    t0 = pd.Timestamp("2014-07-20 08:00:00")
    times = pd.Series(
        [
            t0,
            t0 + pd.Timedelta(seconds=30),
            t0 + pd.Timedelta(seconds=50),
            t0 + pd.Timedelta(seconds=200),
            t0 + pd.Timedelta(seconds=10),
            t0,
        ]
    )
    plates = pd.Series(["A1", "A1", "a-1", "A1", "A1", "B2"])
    devices = pd.Series(["P1", "P1", "P1", "P1", "P2", "P1"])
    assert flag_duplicates(plates.str.upper().str.replace("-", ""), devices, times, 60).tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]
    result = classify(plates.tolist(), rules=CleanRules(dedup_seconds=60), devices=devices, times=times)
    assert result.is_duplicate.tolist() == [False, True, True, False, False, False]
    off = classify(plates.tolist(), devices=devices, times=times)
    assert not off.is_duplicate.any()
