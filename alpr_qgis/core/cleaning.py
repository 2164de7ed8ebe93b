"""Finding misreads and unusable locations among ALPR reads.

``classify_reads()`` decides, for every read, which rules it fails, in the
order SPEC fixes: ``empty_plate``, ``invalid_chars``, ``sign_word``,
``overlength``, ``government`` (only when excluded), ``invalid_location``,
``null_geometry``, ``null_island``.  A read that fails none is clean; clean
reads are also flagged ``is_government`` and ``is_duplicate``.

Plates are normalised first (upper case; spaces, dashes and dots removed), so
``ONE WAY`` is tested as ``ONEWAY``.  Plate rules work on the distinct plates
(a few hundred thousand in millions of reads), location rules on whole numpy
columns: no per-read Python loop.

Road-sign text is recognised with one table built once: every sign legend of
``SIGN_WORDS`` (spaces removed) and every form an OCR engine may make of it,
each folded the way OCR confuses characters (digits for letters, ``CJ`` for
``O``...).  A plate is then one fold and one look-up.  The forms, for words of
five letters or more:

* close forms, for text with at most two digits: a look-alike read for one
  letter (``E``/``F``, ``U``/``V``... on top of the folding), two neighbours
  swapped, a letter doubled, one character added at either end, the first or
  last letter dropped, the text cut at a reader's length limit (6, 7, 8);
* loose forms, for words of six letters or more and text without any digit:
  one letter dropped, added or replaced by any letter, anywhere.

Short words (four letters or fewer) must match whole, no form is shorter than
five characters, and text with more than two digits is never a sign, so the
sequential plates of every US format stay clean, as do vanity plates such as
``STOP4ME``, ``CAT123`` or ``BIKE4ME`` (a digit is a vanity plate's word, so
it blocks the loose forms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np

from alpr_qgis.core.dedup import DuplicateFinder, _flag_duplicates, flag_duplicates  # noqa: F401 (re-exported)
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.geodesy import NULL_ISLAND_TOLERANCE_DEG
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalised_codes

pd = lazy_module("pandas")

REASONS: Tuple[str, ...] = (
    "empty_plate",
    "invalid_chars",
    "sign_word",
    "overlength",
    "government",
    "invalid_location",
    "null_geometry",
    "null_island",
)
PLATE_RULES = ("invalid_chars", "sign_word", "overlength", "government")

# Legends of US road, traffic and parking signs (MUTCD regulatory, warning,
# guide, school, work-zone, parking and lane-use signs) and of common private
# parking signs, as a reader sees them: multi-word legends as one string.
# The single words of a legend are listed too (a reader may catch one line).
# Users add their own with EXTRA_SIGN_WORDS.
SIGN_WORDS: Tuple[str, ...] = (
    # stop, yield, entry, direction, through traffic
    "STOP", "ALLWAY", "STOPAHEAD", "STOPHERE", "STOPHEREONRED", "YIELD", "YIELDAHEAD", "YIELDTOPEDS",
    "DONOTENTER", "NOENTRY", "WRONGWAY", "ONEWAY", "DIVIDEDHIGHWAY", "NOTHRUTRAFFIC", "THRUTRAFFIC",
    "LOCALTRAFFICONLY", "KEEPRIGHT", "KEEPLEFT", "DONOTPASS", "PASSWITHCARE", "TRUCKS", "NOTRUCKS",
    "TRUCKROUTE", "WEIGHTLIMIT",
    # speed
    "SPEED", "LIMIT", "SPEEDLIMIT", "MAXIMUMSPEED", "MINIMUMSPEED", "REDUCESPEED", "REDUCEDSPEEDAHEAD",
    "SPEEDZONE", "SPEEDZONEAHEAD", "SPEEDHUMP", "SPEEDBUMP", "PHOTOENFORCED", "RADARENFORCED",
    # turns and lane use
    "NOTURN", "NOTURNS", "NOTURNONRED", "NOLEFT", "NORIGHT", "NOLEFTTURN", "NORIGHTTURN", "NOUTURN", "UTURN",
    "LEFTTURN", "RIGHTTURN", "LEFTTURNONLY", "RIGHTTURNONLY", "LEFTONLY", "RIGHTONLY", "THRUONLY", "ONLY",
    "LEFTLANE", "RIGHTLANE", "CENTERLANE", "LEFTLANEMUSTTURNLEFT", "RIGHTLANEMUSTTURNRIGHT",
    "LANEENDS", "LANECLOSED", "LEFTLANECLOSED", "RIGHTLANECLOSED", "LANEENDSMERGELEFT", "MERGE",
    "MERGINGTRAFFIC", "ADDEDLANE", "BUSONLY", "BUSLANE", "BUSSTOP", "BIKELANE", "CARPOOL", "CARPOOLLANE",
    "HOVLANE",
    # parking, stopping, tow-away
    "PARKING", "NOPARKING", "NOPARKINGANYTIME", "NOSTOPPING", "NOSTANDING", "NOSTOPPINGANYTIME",
    "PARKINGONLY", "TOW", "TOWAWAY", "TOWAWAYZONE", "TOWZONE", "TOWED", "TOWING", "VIOLATORSTOWED",
    "LOADING", "LOADINGZONE", "LOADINGONLY", "FIRELANE", "FIREHYDRANT", "PERMIT", "PERMITONLY",
    "PERMITPARKING", "RESIDENTPARKING", "RESIDENTSONLY", "HANDICAP", "HANDICAPPED", "DISABLED", "ACCESSIBLE",
    "VANACCESSIBLE", "RESERVED", "RESERVEDPARKING", "VISITOR", "VISITORS", "VISITORPARKING", "CUSTOMER",
    "CUSTOMERS", "CUSTOMERPARKING", "EMPLOYEEPARKING", "PRIVATE", "PRIVATEPROPERTY", "PRIVATEPARKING",
    "PROPERTY", "AUTHORIZED", "AUTHORIZEDVEHICLESONLY", "RESTRICTED", "COMPACT", "COMPACTCARS",
    "STREETCLEANING", "SNOWROUTE", "EMERGENCYSNOWROUTE", "PAYTOPARK", "PAYSTATION", "METERED", "TAXI",
    "TAXISTAND", "TAXIONLY", "TAXIZONE", "DRIVEWAY", "ZONE",
    # warning
    "CAUTION", "DANGER", "WARNING", "SLOW", "CURVE", "SHARPCURVE", "WINDINGROAD", "STEEPHILL", "ROUGHROAD",
    "LOOSEGRAVEL", "PAVEMENTENDS", "SOFTSHOULDER", "LOWSHOULDER", "SLIPPERYWHENWET", "NARROWBRIDGE",
    "ONELANEBRIDGE", "DEADEND", "NOOUTLET", "SIGNAL", "SIGNALAHEAD", "TRAFFICSIGNAL", "CROSSTRAFFIC",
    "TWOWAYTRAFFIC", "LOWCLEARANCE", "DIVIDEDHIGHWAYENDS", "ROADNARROWS", "RIGHTLANEENDS", "LEFTLANEENDS",
    "TRUCKCROSSING",
    # school and pedestrians
    "SCHOOL", "SCHOOLZONE", "SCHOOLBUS", "SCHOOLBUSSTOP", "SCHOOLCROSSING", "ENDSCHOOLZONE", "CHILDREN",
    "CHILDRENATPLAY", "PLAYGROUND", "CROSSING", "CROSSWALK", "PEDXING", "PED", "XING", "PEDESTRIAN",
    "PEDESTRIANS", "PEDESTRIANCROSSING", "NOPEDESTRIANS", "STOPFORPEDESTRIANS", "BIKEXING", "DEERXING",
    "RRXING", "RAILROAD", "RAILROADCROSSING",
    # work zones, closures, guide
    "CONSTRUCTION", "ROADWORK", "ROADWORKAHEAD", "ENDROADWORK", "WORKZONE", "FLAGGER", "FLAGGERAHEAD",
    "DETOUR", "ENDDETOUR", "ROADCLOSED", "CLOSED", "ROADCLOSEDAHEAD", "BRIDGECLOSED", "BEPREPAREDTOSTOP",
    "ONELANEROAD", "EXIT", "EXITONLY", "ENTRANCE", "ENTER", "ENTRANCEONLY", "RAMP", "FREEWAYENTRANCE",
    "AHEAD", "END", "ENDS", "EMERGENCY", "EMERGENCYVEHICLES", "HOSPITAL", "POLICE", "FIRESTATION", "TRAFFIC",
)  # fmt: skip

# OCR confusions, folded to one representative each: digits read for
# letters (0/O/D/Q, 1/I/L, 5/S, 8/B, 2/Z, 6/G, 4/A, 7/T) and letter pairs
# read for one letter (CJ, C1, CI, CL -> O; RN -> M; VV -> W).
_PAIRS = (("CJ", "O"), ("C1", "O"), ("CI", "O"), ("CL", "O"), ("RN", "M"), ("VV", "W"))
_SINGLE = str.maketrans(
    {
        "0": "O",
        "D": "O",
        "Q": "O",
        "1": "I",
        "L": "I",
        "5": "S",
        "8": "B",
        "2": "Z",
        "6": "G",
        "4": "A",
        "7": "T",
        "M": "N",
    }
)
# Letters read for one another in a single place (beyond the folding above).
_LOOKALIKES: Dict[str, str] = {
    "B": "R",
    "C": "GO",
    "E": "F",
    "F": "EP",
    "G": "C",
    "H": "N",
    "K": "X",
    "N": "H",
    "O": "CU",
    "P": "FR",
    "R": "BP",
    "U": "OV",
    "V": "UY",
    "X": "K",
    "Y": "V",
}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CHARACTERS = _LETTERS + "0123456789"
_SHORT = 4  # words this short must match whole
_LOOSE = 6  # words this long also match with any one letter dropped, added or replaced
_MIN_FORM = 5  # no form shorter than this is looked up
_MAX_DIGITS = 2  # sign text read with more digits than this is taken for a plate
_TRUNCATIONS = (6, 7, 8)  # length limits at which readers cut text
_EXACT, _CLOSE, _LOOSE_FORM = 0, 1, 2  # how far a form is from its word


def ocr_fold(text: str) -> str:
    """``text`` with OCR-confusable characters folded to one representative."""
    for pair, single in _PAIRS:
        text = text.replace(pair, single)
    return text.translate(_SINGLE)


def _normal_word(raw: str) -> str:
    return re.sub(r"[\s\-\.]+", "", raw.upper())


def _close_forms(word: str) -> Set[str]:
    """Forms of ``word`` one look-alike, swap, doubling, end character, drop or cut away."""
    n = len(word)
    forms = {word[1:], word[:-1]}
    forms.update(word[:k] for k in _TRUNCATIONS if k < n)
    forms.update(word[1:][:k] for k in _TRUNCATIONS if k < n - 1)
    for c in _CHARACTERS:
        forms.add(c + word)
        forms.add(word + c)
    for i, ch in enumerate(word):
        forms.add(word[:i] + ch + word[i:])  # doubled
        forms.update(word[:i] + other + word[i + 1 :] for other in _LOOKALIKES.get(ch, ""))
        if i + 1 < n and word[i + 1] != ch:
            forms.add(word[:i] + word[i + 1] + ch + word[i + 2 :])  # neighbours swapped
    return forms


def _loose_forms(word: str) -> Set[str]:
    """Forms of ``word`` with one letter dropped, added or replaced, anywhere."""
    forms = set()
    for i in range(len(word) + 1):
        if i < len(word):
            forms.add(word[:i] + word[i + 1 :])
            forms.update(word[:i] + c + word[i + 1 :] for c in _LETTERS)
        forms.update(word[:i] + c + word[i:] for c in _LETTERS)
    return forms


@dataclass(frozen=True)
class SignLexicon:
    """Every folded form of every sign word: folded form -> (word, closeness)."""

    forms: Dict[str, Tuple[str, int]]
    longest: int = 0  # the longest folded form

    @classmethod
    def build(cls, words: Iterable[str]) -> SignLexicon:
        names = [w for w in (_normal_word(raw) for raw in words) if w]
        tiers: List[Dict[str, str]] = [{}, {}, {}]
        for word in names:
            tiers[_EXACT].setdefault(ocr_fold(word), word)
        for word in names:
            if len(word) <= _SHORT:
                continue
            for form in _close_forms(word):
                if len(form) >= _MIN_FORM:
                    tiers[_CLOSE].setdefault(ocr_fold(form), word)
            if len(word) >= _LOOSE:
                for form in _loose_forms(word):
                    if len(form) >= _MIN_FORM:
                        tiers[_LOOSE_FORM].setdefault(ocr_fold(form), word)
        forms: Dict[str, Tuple[str, int]] = {}
        for closeness, tier in enumerate(tiers):
            for key, word in tier.items():
                forms.setdefault(key, (word, closeness))
        return cls(forms, max(map(len, forms), default=0))

    def extended(self, words: Iterable[str]) -> SignLexicon:
        """This lexicon with ``words`` added (a form keeps its closest word)."""
        forms = dict(self.forms)
        for key, (word, closeness) in SignLexicon.build(words).forms.items():
            if key not in forms or closeness < forms[key][1]:
                forms[key] = (word, closeness)
        return SignLexicon(forms, max(map(len, forms), default=0))

    def match(self, plate: str) -> Optional[str]:
        """The sign word ``plate`` (normalised) reads as, or None.

        Text with more than two digits is a plate, never a sign (every
        standard plate format has three or more), which keeps digit folding
        from turning plates such as ``811MLT`` into words; loose forms need
        text without digits.
        """
        digits = sum(c.isdigit() for c in plate)
        if digits > _MAX_DIGITS:
            return None
        hit = self.forms.get(ocr_fold(plate))
        if hit is None or (hit[1] == _LOOSE_FORM and digits):
            return None
        return hit[0]

    def match_many(self, plates: Sequence[str]) -> List[Optional[str]]:
        """``match()`` for many normalised plates; only those that can be signs are looked at."""
        out: List[Optional[str]] = [None] * len(plates)
        if not len(plates):
            return out
        lengths = np.fromiter((len(p) if p else 0 for p in plates), dtype=np.int64, count=len(plates))
        fits = np.flatnonzero((lengths > 0) & (lengths <= 2 * self.longest))  # folding may halve a plate
        if not len(fits):
            return out
        codes = np.array([plates[i] for i in fits.tolist()], dtype="U").view(np.uint32).reshape(len(fits), -1)
        digits = ((codes >= ord("0")) & (codes <= ord("9"))).sum(axis=1)
        for i, k in zip(fits[digits <= _MAX_DIGITS].tolist(), digits[digits <= _MAX_DIGITS].tolist()):
            hit = self.forms.get(ocr_fold(plates[i]))
            if hit is not None and (k == 0 or hit[1] != _LOOSE_FORM):
                out[i] = hit[0]
        return out


@lru_cache(maxsize=1)
def default_lexicon() -> SignLexicon:
    """The lexicon of ``SIGN_WORDS``, built on first use (a fraction of a second) and kept."""
    return SignLexicon.build(SIGN_WORDS)


def rules_lexicon(rules: CleanRules) -> SignLexicon:
    """The sign words' lexicon with the rules' extra words (build it once for many chunks)."""
    lexicon = default_lexicon()
    return lexicon.extended(rules.extra_sign_words) if rules.extra_sign_words else lexicon


@dataclass
class CleanRules:
    """The cleaner's settings (see SPEC, alpr:cleanreads)."""

    max_plate_length: int = 7
    extra_sign_words: Sequence[str] = ()
    null_island_tolerance: float = NULL_ISLAND_TOLERANCE_DEG  # degrees
    government_pattern: str = r"\d{7}"
    exclude_government: bool = False
    dedup_seconds: float = 0.0
    plates_hashed: bool = False


@dataclass
class Classification:
    """Per-read results, aligned with the input rows."""

    reason: np.ndarray  # object: primary reason or None (clean)
    reasons: np.ndarray  # object: all failing rules joined by "|", or None
    detail: np.ndarray  # object: e.g. the matched sign word, or None
    is_government: np.ndarray  # bool
    is_duplicate: np.ndarray  # bool
    counts: Dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> np.ndarray:
        return np.equal(self.reason, None)


def compile_government(pattern: str) -> re.Pattern[str]:
    """The GOVERNMENT_PATTERN regex, or a clear error."""
    try:
        return re.compile(pattern)
    except re.error as err:
        raise AlprInputError(
            QT_TRANSLATE_NOOP(
                "alpr_core", 'GOVERNMENT_PATTERN "{pattern}" is not a valid regular expression ({error}).'
            ),
            args={"pattern": pattern, "error": err},
            hint=QT_TRANSLATE_NOOP("alpr_core", "The default, \\d{{7}}, matches plates of seven digits."),
        ) from None


def distinct_plates(plates: pd.Series) -> Tuple[np.ndarray, List[str]]:
    """``(codes, unique)``: every read's index into its distinct normalised plates; null and empty plates are ``""``.

    ``core.plates.normalised_codes`` groups them (normalising each distinct raw text once).
    """
    codes, unique = normalised_codes(plates)
    return np.where(codes < 0, len(unique), codes), [*unique.tolist(), ""]


def _plate_rules(unique: List[str], rules: CleanRules, lexicon: SignLexicon) -> pd.DataFrame:
    """Rule results for each distinct normalised plate."""
    gov = compile_government(rules.government_pattern)
    out = pd.DataFrame(index=pd.RangeIndex(len(unique)))
    lengths = np.fromiter(map(len, unique), dtype=np.int64, count=len(unique))
    out["length"] = lengths
    out["empty_plate"] = lengths == 0
    if rules.plates_hashed:
        for rule in PLATE_RULES:
            out[rule] = False
        out["is_government"] = False
        out["detail"] = None
        return out
    out["invalid_chars"] = [
        not (p == "" or (p.isascii() and p.isalnum() and (p.isupper() or p.isdigit()))) for p in unique
    ]  # (core.plates._is_normal, inlined: once per distinct plate)
    words = lexicon.match_many(unique)
    out["sign_word"] = np.not_equal(np.array(words, dtype=object), None)
    out["overlength"] = lengths > rules.max_plate_length
    out["is_government"] = [p != "" and gov.fullmatch(p) is not None for p in unique]
    out["government"] = out["is_government"] & rules.exclude_government
    out["detail"] = words
    return out


def classify_reads(
    plates: pd.Series,
    x: np.ndarray,
    y: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    rules: CleanRules,
    *,
    devices: Optional[pd.Series] = None,
    times: Optional[pd.Series] = None,
    duplicates: Optional[np.ndarray] = None,
    lexicon: Optional[SignLexicon] = None,
    coded: Optional[Tuple[np.ndarray, pd.DataFrame]] = None,
    progress: Callable[[float], None] = lambda f: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Classification:
    """Classify every read.

    ``x``/``y`` are the coordinates in the layer's CRS (NaN = no geometry);
    ``lon``/``lat`` the same points in degrees (NaN where they cannot be
    expressed in degrees: such a point has an invalid location).
    ``devices`` and ``times`` are needed for duplicate flagging only; or
    ``duplicates``, the flags a ``DuplicateFinder`` gave these rows (rows of
    a chunk: the flags come from the whole layer).  ``lexicon``: from
    ``rules_lexicon(rules)``, made once for every chunk; ``coded``: the
    rows' codes and ``plate_rules`` of a ``DuplicateFinder``'s plates.
    """
    n = len(plates)
    lexicon = lexicon or rules_lexicon(rules)
    if coded is not None:  # (the rows' plate codes and the rules' results per plate, made once for every chunk)
        codes, per_plate = coded
    else:
        codes, unique = distinct_plates(plates)
        if cancelled():
            raise Cancelled()
        per_plate = _plate_rules(unique, rules, lexicon)
    progress(0.5)
    if cancelled():
        raise Cancelled()

    fails: Dict[str, np.ndarray] = {}
    for rule in ("empty_plate",) + PLATE_RULES:
        fails[rule] = per_plate[rule].to_numpy(dtype=bool)[codes]
    has_geom = ~(np.isnan(x) | np.isnan(y))
    with np.errstate(invalid="ignore"):
        in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        fails["invalid_location"] = has_geom & ~in_range
        fails["null_geometry"] = ~has_geom
        tol = rules.null_island_tolerance
        fails["null_island"] = has_geom & in_range & (np.abs(lon) <= tol) & (np.abs(lat) <= tol)

    matrix = np.column_stack([fails[r] for r in REASONS]) if n else np.zeros((0, len(REASONS)), dtype=bool)
    any_fail = matrix.any(axis=1)
    first = matrix.argmax(axis=1)
    names = np.array(REASONS, dtype=object)
    reason = np.where(any_fail, names[first], None)
    reasons = np.full(n, None, dtype=object)
    combos, combo_index = np.unique(matrix[any_fail], axis=0, return_inverse=True) if any_fail.any() else ([], [])
    if len(combos):
        joined = np.array(["|".join(names[row]) for row in combos], dtype=object)
        reasons[any_fail] = joined[np.asarray(combo_index).ravel()]
    detail = np.full(n, None, dtype=object)
    signs = np.flatnonzero(fails["sign_word"])
    detail[signs] = per_plate["detail"].to_numpy(dtype=object)[codes[signs]]
    over = np.flatnonzero(fails["overlength"] & (reason == "overlength"))
    lengths = per_plate["length"].to_numpy()[codes[over]]
    detail[over] = ["{} characters".format(k) for k in lengths.tolist()]
    is_government = per_plate["is_government"].to_numpy(dtype=bool)[codes]

    is_duplicate = np.zeros(n, dtype=bool)
    if duplicates is not None:
        is_duplicate = np.asarray(duplicates, dtype=bool) & ~any_fail
    elif rules.dedup_seconds > 0 and devices is not None and times is not None and n:
        has_plate = ~per_plate["empty_plate"].to_numpy(dtype=bool)[codes]
        is_duplicate = _flag_duplicates(codes, has_plate, devices, times, rules.dedup_seconds) & ~any_fail
    counts = dict(zip(REASONS, np.bincount(first[any_fail], minlength=len(REASONS)).tolist()))
    progress(1.0)
    return Classification(reason, reasons, detail, is_government, is_duplicate, counts)


def split_reads(table: pd.DataFrame, result: Classification) -> Tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """``(clean rows with is_government and is_duplicate, rejected rows with reason, reasons, detail, clean mask)``."""
    clean = result.clean
    out = table[clean].reset_index(drop=True)
    out["is_government"] = result.is_government[clean]
    out["is_duplicate"] = result.is_duplicate[clean]
    rejected = table[~clean].reset_index(drop=True)
    rejected["reason"] = result.reason[~clean]
    rejected["reasons"] = result.reasons[~clean]
    rejected["detail"] = result.detail[~clean]
    return out, rejected, clean


def sign_word_set(extra: str) -> FrozenSet[str]:
    """EXTRA_SIGN_WORDS text (comma-separated) as normalised words."""
    return frozenset(w for w in (re.sub(r"[\s\-\.]+", "", p.upper()) for p in extra.split(",")) if w)
