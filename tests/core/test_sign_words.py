"""Sign text read as plates: recall over the whole lexicon and its OCR variants, no false alarm on real plates.

Recall: every sign word and legend, its multi-word form with spaces, and a
seeded sample of one-character OCR errors of every word of five letters or
more is a ``sign_word``.  Guard: at most 10 in 100,000 (99.99 %) of random
plates in common US formats, plus a list of vanity plates, are taken for
sign text.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from alpr_qgis.core.cleaning import (
    SIGN_WORDS,
    CleanRules,
    SignLexicon,
    classify_reads,
    default_lexicon,
    distinct_plates,
    ocr_fold,
)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LONG = [w for w in SIGN_WORDS if len(w) >= 6]
FIVE = [w for w in SIGN_WORDS if len(w) == 5]

# Digits an OCR engine reads for letters, one per letter (the reverse of the folding).
AS_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6", "A": "4", "T": "7"}
# Letters read for one another in one place (beyond the folding).
LOOKALIKE = {"E": "F", "F": "E", "C": "G", "G": "C", "U": "V", "V": "U", "P": "R", "R": "P", "H": "N", "K": "X"}


def classify(plates):
    n = len(plates)
    xy = np.full(n, -122.27), np.full(n, 37.8)
    return classify_reads(pd.Series(plates, dtype=object), xy[0], xy[1], xy[0], xy[1], CleanRules())


def flagged(plates):
    """The plates of ``plates`` the sign-word rule takes for sign text, with the word."""
    words = default_lexicon().match_many(list(plates))
    return {p: w for p, w in zip(plates, words) if w is not None}


# ------------------------------------------------------------------ recall


def test_lexicon_covers_the_sign_families():
    words = set(SIGN_WORDS)
    assert len(words) == len(SIGN_WORDS) >= 200
    for legend in (
        "STOP YIELD ONEWAY DONOTENTER WRONGWAY NOPARKING NOSTOPPING TOWAWAYZONE LOADINGZONE FIRELANE SCHOOL "
        "SCHOOLBUS SLOW CAUTION DETOUR ROADCLOSED SPEEDLIMIT NOTURNONRED LEFTTURNONLY RIGHTLANEMUSTTURNRIGHT "
        "KEEPRIGHT MERGE PEDXING CROSSWALK BUSONLY HANDICAPPED PERMITPARKING TAXI EXIT AHEAD END"
    ).split():
        assert legend in words, legend
    assert all(w.isalpha() and w.isupper() for w in SIGN_WORDS)


def test_every_sign_word_is_caught():
    hits = flagged(SIGN_WORDS)
    assert set(hits) == set(SIGN_WORDS)
    # Each names a word that reads the same (a few legends fold alike, e.g. O and D).
    assert all(ocr_fold(hits[w]) == ocr_fold(w) for w in SIGN_WORDS)
    assert sum(hits[w] == w for w in SIGN_WORDS) >= len(SIGN_WORDS) - 3


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("DO NOT ENTER", "DONOTENTER"),
        ("NO TURN ON RED", "NOTURNONRED"),
        ("RIGHT LANE MUST TURN RIGHT", "RIGHTLANEMUSTTURNRIGHT"),
        ("TOW-AWAY ZONE", "TOWAWAYZONE"),
        ("PED XING", "PEDXING"),
        ("school bus", "SCHOOLBUS"),
        ("Road Closed", "ROADCLOSED"),
        ("FIRE LANE", "FIRELANE"),
        ("LEFT TURN ONLY", "LEFTTURNONLY"),
        ("No Stopping", "NOSTOPPING"),
        ("WRONG WAY", "WRONGWAY"),
    ],
)
def test_multi_word_legends_read_as_one_string(text, word):
    result = classify([text])
    assert result.reason.tolist() == ["sign_word"]
    assert result.detail.tolist() == [word]


def one_edits(word, rng):
    """A seeded sample of one-character OCR errors of ``word`` (6+ letters): every kind, three places each."""
    n = len(word)
    out = []
    for i in rng.sample(range(n), 3):
        other = rng.choice([c for c in LETTERS if c != word[i]])
        out.append(("substituted", word[:i] + other + word[i + 1 :]))
        out.append(("dropped", word[:i] + word[i + 1 :]))
        out.append(("added", word[:i] + rng.choice(LETTERS) + word[i:]))
        j = min(i, n - 2)
        out.append(("swapped", word[:j] + word[j + 1] + word[j] + word[j + 2 :]))
    return out


def test_one_edit_anywhere_in_words_of_six_letters_or_more():
    rng = random.Random(17)
    variants = [(word, kind, text) for word in LONG for kind, text in one_edits(word, rng)]
    assert len(variants) >= 2000
    hits = flagged([text for _, _, text in variants])
    missed = [(word, kind, text) for word, kind, text in variants if text not in hits]
    assert missed == []


def test_close_errors_in_five_letter_words():
    """Five-letter words: look-alikes, swaps, doubled letters, a character added at either end."""
    variants = []
    for word in FIVE:
        for i, ch in enumerate(word):
            if ch in LOOKALIKE:
                variants.append(word[:i] + LOOKALIKE[ch] + word[i + 1 :])
            variants.append(word[:i] + ch + word[i:])  # doubled
            if i < 4 and word[i + 1] != ch:
                variants.append(word[:i] + word[i + 1] + ch + word[i + 2 :])
        variants += ["X" + word, word + "K", "1" + word, word + "7"]
    assert len(variants) >= 130
    assert set(flagged(variants)) == set(variants)
    assert flagged(["YEILD", "MREGE", "SPEDE", "YIIELD", "CURUE", "ENTFR", "UTRUN"]) == {
        "YEILD": "YIELD",
        "MREGE": "MERGE",
        "SPEDE": "SPEED",
        "YIIELD": "YIELD",
        "CURUE": "CURVE",
        "ENTFR": "ENTER",
        "UTRUN": "UTURN",
    }


def test_digits_for_letters_with_one_edit():
    digits = []
    for word in LONG:
        places = [i for i, ch in enumerate(word) if ch in AS_DIGIT][:2]
        text = list(word)
        for i in places:
            text[i] = AS_DIGIT[word[i]]
        digits.append("".join(text))
    assert len(flagged(digits)) == len(digits)
    # A digit and a look-alike, a swap or an end character together are still caught.
    assert flagged(["CAUT10M", "5CHOLO", "PARK1NGS", "Y1EDL", "R0ADWROK"]) == {
        "CAUT10M": "CAUTION",
        "5CHOLO": "SCHOOL",
        "PARK1NGS": "PARKING",
        "Y1EDL": "YIELD",
        "R0ADWROK": "ROADWORK",
    }


@pytest.mark.parametrize(
    ("plate", "word"),
    [
        ("CAUTON", "CAUTION"),
        ("CAUTTION", "CAUTION"),
        ("CAUTIPN", "CAUTION"),
        ("PARKNIG", "PARKING"),
        ("NOPARKNG", "NOPARKING"),
        ("DETOUT", "DETOUR"),
        ("SCHOLO", "SCHOOL"),
        ("SCOOL", "SCHOOL"),
        ("WRONGWAT", "WRONGWAY"),
        ("FIRELAEN", "FIRELANE"),
        ("HANDICAPPD", "HANDICAPPED"),
        ("LOADNGZONE", "LOADINGZONE"),
        ("TOWAWYZONE", "TOWAWAYZONE"),
        ("PEDXNG", "PEDXING"),
        ("CROSWALK", "CROSSWALK"),
        ("DANGR", "DANGER"),
        ("P0LICE", "POLICE"),
        ("CLOSSED", "CLOSED"),
    ],
)
def test_named_misreads(plate, word):
    assert default_lexicon().match(plate) == word


def test_loose_errors_need_text_without_digits():
    """A digit is a vanity plate's word (4 = for, 2 = to, 8 = ate): with one, only close forms match."""
    lexicon = default_lexicon()
    assert lexicon.match("BIKELNE") == "BIKELANE"  # a letter dropped
    assert lexicon.match("BIKE4ME") is None  # BIKE + 4 + ME, not BIKELANE with L dropped and 4 read for A
    assert lexicon.match("CAUTON") == "CAUTION"
    assert lexicon.match("CAUT0N") is None


def test_extra_words_get_the_same_variants():
    lexicon = default_lexicon().extended(["PIZZERIA", "Open House"])
    assert lexicon.match("PIZERIA") == "PIZZERIA"
    assert lexicon.match("P1ZZERIA") == "PIZZERIA"
    assert lexicon.match("OPENHOUES") == "OPENHOUSE"
    assert lexicon.match("CAUTON") == "CAUTION"
    assert default_lexicon().match("PIZERIA") is None  # the shared lexicon is left alone
    assert SignLexicon.build(["PIZZA"]).match("P1ZZA") == "PIZZA"


def test_match_many_agrees_with_match():
    plates = ["", "CAUT10N", "7ABC123", "ÉCOLE", "A" * 200, "CJAUTION", "BIKE4ME", "SCH00L", "X", "CAUTON"]
    lexicon = default_lexicon()
    assert lexicon.match_many(plates) == [lexicon.match(p) if p else None for p in plates]


def test_distinct_plates_normalise_once():
    codes, unique = distinct_plates(pd.Series(["6trm-913", "6TRM913", None, "6 TRM 913", "one way", ""]))
    assert [unique[c] for c in codes] == ["6TRM913", "6TRM913", "", "6TRM913", "ONEWAY", ""]
    assert codes[0] == codes[1] == codes[3] and codes[2] == codes[5]


# ------------------------------------------------------------------ real plates

LETTERS_PLATES = "ABCDEFGHJKLMNPRSTUVWXYZ"  # sequential plates of most states skip I, O and Q
# Normalised layouts (L letter, D digit) of common US formats; a space or dash in the
# issued plate is gone after normalisation (FL "ABC D12" is ABCD12).  Layouts with two
# digits are the ones that can look like words; they draw from all 26 letters to be safe.
FORMATS = {
    "CA 1ABC234": ("DLLLDDD", LETTERS_PLATES),
    "NY/TX/PA ABC1234": ("LLLDDDD", LETTERS_PLATES),
    "FL ABCD12 / ABC D12": ("LLLLDD", LETTERS),
    "CO ABC-D12": ("LLLLDD", LETTERS),
    "3+3 ABC123": ("LLLDDD", LETTERS_PLATES),
    "3+3 123ABC": ("DDDLLL", LETTERS_PLATES),
    "2+4 AB1234": ("LLDDDD", LETTERS_PLATES),
    "IL AB12345": ("LLDDDDD", LETTERS_PLATES),
    "NJ A12BCD": ("LDDLLL", LETTERS),
    "MO AB1C2D": ("LLDLDL", LETTERS),
    "MA 1ABC23": ("DLLLDD", LETTERS_PLATES),
    "NV 12A345": ("DDLDDD", LETTERS_PLATES),
    "MD 1AB2345": ("DLLDDDD", LETTERS_PLATES),
    "AL 12AB345": ("DDLLDDD", LETTERS_PLATES),
}

VANITY = """
CAT123 STOP4ME LUVMYCAT RN4LIFE BOBAGUY GOWARRS SURFSUP 2FAST4U 2FAST IMLATE BIGDAWG MOMSCAR TESLA1 GR8DAY NOWAY1
SLOWPOK PARKME2 CATLADY XPLORE OUTATIME SOCAL NOTHOT YESWAY L8R GR8 GR8FUL L8RG8R H8TRS 4EVER 4EVR YNOT
ILUVCAT GOBEARS SURFN BAYAREA ZEN4U IH8MNDY YOGAMOM JAZZMAN SLOWDWN PUGLIFE GOLFNUT TACOS SAILOR KITTY MYTESLA
DOC2U HIKER TOFU BKWORM 4MYKIDS NRDLIFE BIKE4ME BIKE4U BIKEGUY HIKE4ME SURF4U TACO4ME ROSEGRL KINGME OAK4ME
BOB AMY ANNA EMMA MIKE JOHN MARIA JOSE LUIS CARLOS SOFIA OLIVIA NOAH LIAM ETHAN MASON LOGAN LUCAS JAMES
DAVID SARAH LAURA KAREN LINDA SUSAN NANCY BETTY HELEN ROSE LILY DAISY GRACE CHLOE ELLA ZOE MIA AVA
JACK MAX LEO SAM BEN TOM TIM JIM DAN RAY JOE ED AL KIM LEE PAT
CAT DOG FOX OWL BEE SUN SEA SKY ZEN LUV MOM DAD SIS BRO POP NANA PAPA GIGI
SURF GOLF JAZZ HIKE BIKE TACO BOBA NERD FISH KING QUEEN ROCK ROLL FUN JOY HOPE LOVE PEACE FAITH
BEACH OCEAN WAVES SUNNY HAPPY LUCKY MAGIC DREAM STAR ANGEL TIGER BEAR LION EAGLE HAWK WOLF
SPEEDY SPEEDER RACER TURBO ZOOM ZOOMZOOM VROOM FAST FASTCAR GOFAST HOTROD MUSCLE V8POWER
CHEVY FORD MOPAR TESLA PRIUS JEEP JEEPGRL JEEPLIF VETTE STANG CAMARO BEEMER
MYRIDE MYCAR HISCAR HERCAR HERS HIS OURCAR NOTYRS MINE4U ITSMINE BACKOFF HONKIFU
DRLOVE DRMOM DOCTOR NURSE RN4U MD4U DDS LAWYER ESQ ATTY PROF TEACH TEACHER COACH
GOCARDS GOGIANT GOHAWKS GOLAKRS GODUCKS GOBLUE GOSTATE BEATLA GIANTS DODGERS RAIDERS NINERS
WINE BEER COFFEE JAVA MOCHA LATTE TEA4ME PIZZA TACOTUE SUSHI BACON CHEESE
YOLO OMG LOL BRB TTYL LATE4IT RUNLATE NOSTRS NOWORRY NOPROB HAKUNA ALOHA MAHALO NAMASTE
OM OHM MANTRA KARMA DHARMA BLESSED BLESSD GRATEFUL THNKFUL FAMILY FAM 3KIDS 2KIDS 4KIDS 5KIDS
MOMTAXI DADTAXI TAXIMOM SOCCRMOM HOCKEY SKIER SKIBUM SURFBUM BEACHBM LIFEGRD FIREMAN FIREGAL
COPCAR EXCOP RETIRED RETIRD NOWORK NOJOB BOSS BOSSLDY CEO CFO CPA ESQ1 PHD MBA DRPHD
SLOWLY SLOWMO STOPIT STOPNGO NOSTOP NONSTOP GOGOGO GETAWAY RUNAWAY FARAWAY WAYOUT
ROADIE ROADTRP ROADHOG RDTRIP ROUTE66 RT66 HWY1 HWY101 PCH PCH1 BIGSUR TAHOE YOSEMTE SIERRA DESERT
SCHOLAR CLASSY CLASS STUDENT GRAD GRAD2B COLLEGE UCLA USC CAL STANFRD CAREFUL CURVY PARKER PARKS PARKIT
PRIVACY COPS SKOOL OLDSKOOL NOEXIT EXITS STOPPED CAUTIOUS TOWER TOWERS PARKME
""".split()


def random_plates(per_format=7500, seed=2026):
    rng = np.random.default_rng(seed)
    plates = {}
    digits = np.array(list("0123456789"))
    for name, (layout, letters) in FORMATS.items():
        alphabet = np.array(list(letters))
        columns = [rng.choice(alphabet if c == "L" else digits, per_format) for c in layout]
        plates[name] = ["".join(row) for row in np.column_stack(columns)]
    return plates


def test_real_plates_are_kept():
    """>= 99.99 % of 105,000 random plates in 14 US formats, and the vanity list, stay clean."""
    by_format = random_plates()
    plates = [p for ps in by_format.values() for p in ps] + VANITY
    assert len(plates) >= 100_000 and len(set(VANITY)) == len(VANITY) >= 350
    hits = flagged(plates)
    assert len(hits) <= len(plates) // 10_000, hits  # at most 10 in 100,000
    # As measured: none of the random plates; of the vanity plates only two that are sign
    # text with a letter added or cut (SPEED+Y, NOSTOP(PING)), as before the lexicon grew.
    assert hits == {"SPEEDY": "SPEED", "NOSTOP": "NOSTOPPING"}


def test_real_plates_are_kept_through_the_cleaner():
    by_format = random_plates(per_format=500, seed=7)
    plates = [p for ps in by_format.values() for p in ps] + [p for p in VANITY if p not in ("SPEEDY", "NOSTOP")]
    plates = [p for p in plates if len(p) <= 7]
    result = classify(plates)
    assert result.counts["sign_word"] == 0
    assert result.clean.all()
