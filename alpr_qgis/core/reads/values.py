"""Value checks shared by detection and loading: samples of a column, text/integer/decimal tests,
and the typing of carried-through columns (``_carry``).
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd

_SAMPLE = 2000


def _sample(series: pd.Series, n: int = _SAMPLE) -> pd.Series:
    """Up to ``n`` non-empty values spread over the column (values are already stripped)."""
    if len(series) > 4 * n:
        series = series.iloc[np.linspace(0, len(series) - 1, 4 * n).astype(int)]
    values = series[series.to_numpy() != ""]
    if len(values) > n:
        values = values.iloc[np.linspace(0, len(values) - 1, n).astype(int)]
    return values


_NOT_INT = re.compile(r"^(?![-+]?(?:0|[1-9]\d{0,14})$).+$", re.MULTILINE)
_NOT_DECIMAL = re.compile(r"^(?![-+]?(?:0|[1-9]\d*)?\.\d+(?:[eE][-+]?\d+)?$).+$", re.MULTILINE)


def _joined(values: np.ndarray) -> Optional[str]:
    """The values joined by newlines, for one C-speed regex scan; None if a value holds a newline."""
    text = "\n".join(values)
    return text if text.count("\n") == len(values) - 1 else None


def _strip_all(values: Sequence[str]) -> List[str]:
    """Every value with surrounding whitespace (``str.isspace``) removed; unchanged values are not copied."""
    return list(map(str.strip, values))


def _stripped(series: pd.Series) -> pd.Series:
    """The column with surrounding whitespace removed."""
    return pd.Series(_strip_all(series.to_numpy()), index=series.index, dtype=object)


def _nullable_text(values: np.ndarray) -> np.ndarray:
    """Object array of text with empty strings turned into None."""
    out = np.asarray(values, dtype=object).copy()
    out[out == ""] = None
    return out


_POWERS_OF_TEN = 10 ** np.arange(1, 16, dtype=np.int64)


def _canonical_ints(values: np.ndarray) -> Optional[np.ndarray]:
    """int64 of text that is all plain integers written canonically ("0", "-12", no + or leading 0), else None.

    One C-speed conversion, then each value's length must be that of its
    number written out and the text ASCII (so no spaces, signs, leading
    zeros, underscores or other digits slipped through ``int()``).  Such
    values are a subset of what ``_NOT_INT`` accepts.
    """
    try:
        ints = np.array(values, dtype=np.int64)
    except (ValueError, OverflowError, TypeError):
        return None
    magnitude = np.abs(ints)
    if len(ints) and magnitude.max() >= 10**15:
        return None
    expected = 1 + np.searchsorted(_POWERS_OF_TEN, magnitude, side="right") + (ints < 0)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if not (lengths == expected).all() or not "".join(values).isascii():
        return None
    return ints


def _carry(series: pd.Series) -> pd.Series:
    """A carried-through column: integers and decimals typed, the rest text, '' -> null.

    Codes with leading zeros (ZIP codes, beats) and integers of more than 15
    digits stay text, so nothing is lost.
    """
    values = series.to_numpy()
    present = values != ""
    if present.any():
        all_present = bool(present.all())
        filled = values if all_present else values[present]
        head = _joined(filled[:100])  # most text columns show it in their first values
        maybe_int = head is not None and not _NOT_INT.search(head)
        maybe_decimal = head is not None and not _NOT_DECIMAL.search(head)
        ints = _canonical_ints(filled) if maybe_int else None
        text = _joined(filled) if ints is None and (maybe_int or maybe_decimal) else None
        if ints is None and text is not None and not _NOT_INT.search(text):
            ints = pd.to_numeric(pd.Series(filled, dtype=object)).to_numpy(dtype=np.int64)
        if ints is not None:
            if all_present:
                return pd.Series(pd.array(ints, dtype="Int64"), index=series.index)
            out = pd.Series(pd.NA, index=series.index, dtype="Int64")
            out[present] = ints
            return out
        if text is not None and not _NOT_DECIMAL.search(text):
            return pd.to_numeric(series.where(present), errors="coerce")
    return pd.Series(_nullable_text(values), index=series.index, dtype=object)
