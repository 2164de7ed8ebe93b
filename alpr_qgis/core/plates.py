"""Plate text helpers shared by every algorithm.

Plates are compared after one normalisation: upper case, with spaces, dashes
and dots removed (``"6trm-913"`` and ``"6TRM 913"`` are both ``"6TRM913"``).
"""

from __future__ import annotations

import pandas as pd

_STRIP = r"[\s\-\.]+"


def normalise_plates(plates: pd.Series) -> pd.Series:
    """Upper-case plates with whitespace, dashes and dots removed; nulls stay null."""
    text = plates.astype("object").where(plates.notna(), None)
    out = text.astype("string").str.upper().str.replace(_STRIP, "", regex=True)
    return out.astype("object").where(out.notna(), None)


def plates_look_hashed(plates: pd.Series) -> bool:
    """True when every non-empty value is hex or base64 text of one length of 16 or more.

    That is how exports that already pseudonymised their plates look
    (``plate_hash`` columns of SHA-1/SHA-256 hex digests, or base64 tokens);
    no real plate is that long, so plate-text rules do not apply to them.
    """
    values = plates.dropna().astype(str)
    if values.empty:
        return False
    if len(values) > 1000 and not _all_hashed(values.iloc[:1000]):
        return False  # the usual case, decided without scanning millions of plates
    return _all_hashed(values)


def _all_hashed(values: pd.Series) -> bool:
    values = values.str.strip()
    values = values[values != ""]
    if values.empty:
        return False
    lengths = values.str.len()
    if lengths.nunique() != 1 or int(lengths.iloc[0]) < 16:
        return False
    if values.str.fullmatch(r"[0-9A-Fa-f]+").all():
        return True
    return bool(values.str.fullmatch(r"[A-Za-z0-9+/_\-]+={0,2}").all())
