"""Plate text helpers shared by every algorithm.

Plates are compared after one normalisation: upper case, with spaces, dashes
and dots removed (``"6trm-913"`` and ``"6TRM 913"`` are both ``"6TRM913"``).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np

from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")

_STRIP = r"[\s\-\.]+"


def normalise_plates(plates: pd.Series) -> pd.Series:
    """Upper-case plates with whitespace, dashes and dots removed; nulls stay null."""
    text = plates.astype("object").where(plates.notna(), None)
    out = text.astype("string").str.upper().str.replace(_STRIP, "", regex=True)
    return out.astype("object").where(out.notna(), None)


def normalised_codes(values: pd.Series) -> Tuple[np.ndarray, np.ndarray]:
    """``(code per row, distinct normalised texts)``: the one way every algorithm groups plates.

    Code -1 stands for a null or empty plate.  The raw texts are factorised
    first, so the normalisation runs once per distinct raw text (exports
    repeat plates), and texts already normal (upper-case letters and digits)
    are not touched.
    """
    raw_codes, raw = pd.factorize(values.astype("object"), sort=False)
    raw = np.asarray(raw, dtype=object)
    normal = raw.copy()
    todo = np.fromiter((not _is_normal(v) for v in raw), dtype=bool, count=len(raw))
    if todo.any():
        normal[todo] = normalise_plates(pd.Series(raw[todo], dtype=object)).to_numpy(dtype=object)
    normal = pd.Series(normal, dtype=object)
    normal = normal.where(normal.notna() & (normal.astype(str) != ""), None)
    codes, uniques = pd.factorize(normal, sort=False)
    per_row = np.append(codes, -1).astype(np.int64)[raw_codes]  # (raw code -1, a null, takes the last: -1)
    return per_row, np.asarray(uniques, dtype=object)


def _is_normal(plate: object) -> bool:
    """Text of upper-case ASCII letters and digits only: what the normalisation leaves as it is."""
    return isinstance(plate, str) and plate.isascii() and plate.isalnum() and (plate.isupper() or plate.isdigit())


def plates_look_hashed(plates: pd.Series) -> bool:
    """True when every non-empty value is hex or base64 text of one length of 16 or more.

    That is how exports that already pseudonymised their plates look
    (``plate_hash`` columns of SHA-1/SHA-256 hex digests, or base64 tokens);
    no real plate is that long, so plate-text rules do not apply to them.
    """
    head = plates.iloc[:2000].dropna().astype(str).iloc[:1000]
    if len(head) == 1000 and not _all_hashed(head):
        return False  # the usual case, decided without scanning millions of plates
    values = plates.dropna().astype(str)
    if values.empty:
        return False
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


def plate_column(table: pd.DataFrame, field: str, source: str = "the input layer") -> pd.Series:
    """The plate column ``field`` of ``table``, checked: present and holding text.

    Raises ``AlprInputError`` naming the fields present; never quotes plates.
    """
    from alpr_qgis.core.errors import AlprInputError

    names = [c for c in table.columns if c.lower() == field.lower()]
    if not names:
        raise AlprInputError(
            'has no plate field "{}".'.format(field),
            path=source,
            hint="Fields present: {}. Set PLATE_FIELD to the field holding the plates.".format(
                ", ".join('"{}"'.format(c) for c in table.columns if c != "fid") or "none"
            ),
        )
    column = table[names[0]]
    if len(column) and not (pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype)):
        raise AlprInputError(
            "holds numbers ({}), not text: plates would lose leading zeros and letters.".format(column.dtype),
            path=source,
            field=names[0],
            hint="Load the export with alpr:loadreads (it keeps plates as text), or choose the text field of plates.",
        )
    present = column.dropna()
    if len(present) and not present.map(lambda v: isinstance(v, str)).all():
        raise AlprInputError(
            "holds values that are not text.",
            path=source,
            field=names[0],
            hint="Choose the text field of plates as PLATE_FIELD.",
        )
    return column
