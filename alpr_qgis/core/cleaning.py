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

Road-sign text is recognised by folding both the plate and every sign word
the way an OCR engine confuses characters (digits for letters, ``CJ`` for
``O``...), then looking the folded plate up among the folded forms of each
word, its forms with a dropped first or last letter and its forms truncated
at a reader's length limit; a plate that is a sign word with one extra letter
at either end is caught too.  Short words (four letters or fewer) must match
whole, and text with more than two digits is never a sign, so plates such as
``STOP4ME``, ``CAT123`` or ``811MLT`` stay clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from alpr_qgis.core.errors import AlprInputError, Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import normalise_plates

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

# Words found on road, traffic and business signs, as a reader sees them
# (spaces removed).  Users add their own with EXTRA_SIGN_WORDS.
SIGN_WORDS: Tuple[str, ...] = (
    "AHEAD",
    "ALLWAY",
    "AUTHORIZED",
    "BUSONLY",
    "BUSSTOP",
    "CARPOOL",
    "CAUTION",
    "CLOSED",
    "CONSTRUCTION",
    "CROSSING",
    "CROSSWALK",
    "CURVE",
    "CUSTOMER",
    "CUSTOMERS",
    "DANGER",
    "DEADEND",
    "DETOUR",
    "DISABLED",
    "DONOTENTER",
    "DRIVEWAY",
    "EMERGENCY",
    "ENTER",
    "ENTRANCE",
    "EXIT",
    "FIRELANE",
    "FLAGGER",
    "HANDICAP",
    "HOSPITAL",
    "KEEPLEFT",
    "KEEPRIGHT",
    "LANEENDS",
    "LEFTLANE",
    "LEFTTURN",
    "LIMIT",
    "LOADING",
    "LOADINGZONE",
    "MERGE",
    "NOENTRY",
    "NOLEFT",
    "NOLEFTTURN",
    "NOOUTLET",
    "NOPARKING",
    "NORIGHT",
    "NORIGHTTURN",
    "NOSTANDING",
    "NOSTOPPING",
    "NOTURN",
    "NOUTURN",
    "ONEWAY",
    "ONLY",
    "PARKING",
    "PED",
    "PEDXING",
    "PEDESTRIAN",
    "PERMIT",
    "PERMITONLY",
    "POLICE",
    "PRIVATE",
    "PRIVATEPROPERTY",
    "PROPERTY",
    "RESERVED",
    "RESTRICTED",
    "RIGHTLANE",
    "RIGHTTURN",
    "ROADCLOSED",
    "ROADWORK",
    "ROADWORKAHEAD",
    "SCHOOL",
    "SCHOOLZONE",
    "SIGNAL",
    "SLOW",
    "SPEED",
    "SPEEDLIMIT",
    "STOP",
    "THRUTRAFFIC",
    "TOW",
    "TOWAWAY",
    "TOWAWAYZONE",
    "TOWED",
    "TOWING",
    "TOWZONE",
    "TRAFFIC",
    "VISITOR",
    "VISITORS",
    "WARNING",
    "WRONGWAY",
    "XING",
    "YIELD",
    "ZONE",
)

# OCR confusions, folded to one representative each: digits read for
# letters (0/O/D/Q, 1/I/L, 5/S, 8/B, 2/Z, 6/G) and letter pairs read for one
# letter (CJ, C1, CI, CL -> O; RN -> M; VV -> W).
_PAIRS = (("CJ", "O"), ("C1", "O"), ("CI", "O"), ("CL", "O"), ("RN", "M"), ("VV", "W"))
_SINGLE = str.maketrans(
    {"0": "O", "D": "O", "Q": "O", "1": "I", "L": "I", "5": "S", "8": "B", "2": "Z", "6": "G", "M": "N"}
)
_SHORT = 4  # words this short must match whole
_MAX_DIGITS = 2  # sign text read with more digits than this is taken for a plate
_NO_DIGITS = str.maketrans("", "", "0123456789")
_TRUNCATIONS = (6, 7, 8)  # length limits at which readers cut text


def ocr_fold(text: str) -> str:
    """``text`` with OCR-confusable characters folded to one representative."""
    for pair, single in _PAIRS:
        text = text.replace(pair, single)
    return text.translate(_SINGLE)


@dataclass(frozen=True)
class SignLexicon:
    """Folded sign-word forms: exact, with an edge letter dropped, truncated."""

    exact: Dict[str, str]  # folded form -> word
    variants: Dict[str, str]

    @classmethod
    def build(cls, words: Iterable[str]) -> SignLexicon:
        exact: Dict[str, str] = {}
        variants: Dict[str, str] = {}
        for raw in words:
            word = re.sub(r"[\s\-\.]+", "", raw.upper())
            if not word:
                continue
            exact.setdefault(ocr_fold(word), word)
            if len(word) <= _SHORT:
                continue
            forms = {word[1:], word[:-1]}
            forms.update(word[:k] for k in _TRUNCATIONS if 5 <= k < len(word))
            forms.update(word[1:][:k] for k in _TRUNCATIONS if 5 <= k < len(word) - 1)
            for form in forms:
                if len(form) >= 5:
                    variants.setdefault(ocr_fold(form), word)
        return cls(exact, variants)

    def match(self, plate: str) -> Optional[str]:
        """The sign word ``plate`` (normalised) reads as, or None.

        Text with more than two digits is a plate, never a sign (every
        standard plate format has three or more), which keeps digit folding
        from turning plates such as ``811MLT`` into words.
        """
        if len(plate) - len(plate.translate(_NO_DIGITS)) > _MAX_DIGITS:
            return None
        folded = ocr_fold(plate)
        word = self.exact.get(folded) or self.variants.get(folded)
        if word:
            return word
        if len(plate) >= 6:  # one extra letter at either end of a long word
            for part in (plate[1:], plate[:-1]):
                word = self.exact.get(ocr_fold(part))
                if word and len(word) > _SHORT:
                    return word
        return None


DEFAULT_LEXICON = SignLexicon.build(SIGN_WORDS)


@dataclass
class CleanRules:
    """The cleaner's settings (see SPEC, alpr:cleanreads)."""

    max_plate_length: int = 7
    extra_sign_words: Sequence[str] = ()
    null_island_tolerance: float = 0.0001  # degrees
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
        return np.asarray([r is None for r in self.reason], dtype=bool)


def compile_government(pattern: str) -> re.Pattern[str]:
    """The GOVERNMENT_PATTERN regex, or a clear error."""
    try:
        return re.compile(pattern)
    except re.error as err:
        raise AlprInputError(
            'GOVERNMENT_PATTERN "{}" is not a valid regular expression ({}).'.format(pattern, err),
            hint="The default, \\d{7}, matches plates of seven digits.",
        ) from None


def _plate_rules(unique: List[str], rules: CleanRules, lexicon: SignLexicon) -> pd.DataFrame:
    """Rule results for each distinct normalised plate."""
    plates = pd.Series(unique, dtype=object)
    gov = compile_government(rules.government_pattern)
    out = pd.DataFrame(index=plates.index)
    out["empty_plate"] = plates.str.len().fillna(0).to_numpy() == 0
    if rules.plates_hashed:
        for rule in PLATE_RULES:
            out[rule] = False
        out["is_government"] = False
        out["detail"] = None
        return out
    out["invalid_chars"] = ~plates.str.fullmatch(r"[A-Z0-9]*").fillna(True).to_numpy(dtype=bool)
    words = [lexicon.match(p) if p else None for p in unique]
    out["sign_word"] = [w is not None for w in words]
    out["overlength"] = plates.str.len().fillna(0).to_numpy() > rules.max_plate_length
    out["is_government"] = plates.map(lambda p: bool(p) and gov.fullmatch(p) is not None).to_numpy(dtype=bool)
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
    progress: Callable[[float], None] = lambda f: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Classification:
    """Classify every read.

    ``x``/``y`` are the coordinates in the layer's CRS (NaN = no geometry);
    ``lon``/``lat`` the same points in degrees (NaN where they cannot be
    expressed in degrees: such a point has an invalid location).
    ``devices`` and ``times`` are needed for duplicate flagging only.
    """
    n = len(plates)
    lexicon = (
        SignLexicon.build(SIGN_WORDS + tuple(rules.extra_sign_words)) if rules.extra_sign_words else DEFAULT_LEXICON
    )
    normal = normalise_plates(plates)
    codes, unique = pd.factorize(normal.fillna(""), sort=False)
    if cancelled():
        raise Cancelled()
    per_plate = _plate_rules(list(unique), rules, lexicon)
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
    sign_detail = per_plate["detail"].to_numpy(dtype=object)[codes]
    detail[fails["sign_word"]] = sign_detail[fails["sign_word"]]
    lengths = normal.fillna("").str.len().to_numpy()
    over = fails["overlength"] & (reason == "overlength")
    detail[over] = ["{} characters".format(k) for k in lengths[over]]
    is_government = per_plate["is_government"].to_numpy(dtype=bool)[codes]

    is_duplicate = np.zeros(n, dtype=bool)
    if rules.dedup_seconds > 0 and devices is not None and times is not None and n:
        is_duplicate = flag_duplicates(normal, devices, times, rules.dedup_seconds) & ~any_fail
    counts = {r: int((reason == r).sum()) for r in REASONS}
    progress(1.0)
    return Classification(reason, reasons, detail, is_government, is_duplicate, counts)


def flag_duplicates(plates: pd.Series, devices: pd.Series, times: pd.Series, seconds: float) -> np.ndarray:
    """True for a read of the same plate by the same device within ``seconds`` of its previous read.

    Reads without plate or time are never duplicates; a missing device counts
    as one device of its own.
    """
    frame = pd.DataFrame(
        {
            "plate": plates.to_numpy(),
            "device": devices.fillna("\x00").astype(str).to_numpy(),
            "time": pd.to_datetime(times).to_numpy(),
        }
    )
    valid = frame["plate"].notna().to_numpy() & (frame["plate"].to_numpy() != "") & frame["time"].notna().to_numpy()
    order = frame[valid].sort_values(["plate", "device", "time"], kind="mergesort")
    same = (order["plate"].to_numpy()[1:] == order["plate"].to_numpy()[:-1]) & (
        order["device"].to_numpy()[1:] == order["device"].to_numpy()[:-1]
    )
    gap = np.diff(order["time"].to_numpy()).astype("timedelta64[ms]").astype(np.int64) / 1000.0
    dup = np.zeros(len(order), dtype=bool)
    dup[1:] = same & (gap <= seconds)
    out = np.zeros(len(frame), dtype=bool)
    out[order.index.to_numpy()] = dup
    return out


def sign_word_set(extra: str) -> FrozenSet[str]:
    """EXTRA_SIGN_WORDS text (comma-separated) as normalised words."""
    return frozenset(w for w in (re.sub(r"[\s\-\.]+", "", p.upper()) for p in extra.split(",")) if w)
