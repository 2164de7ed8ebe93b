"""Plate text helpers shared by every algorithm.

Plates are compared after one normalisation: upper case, with spaces, dashes
and dots removed (``"6trm-913"`` and ``"6TRM 913"`` are both ``"6TRM913"``).
"""

from __future__ import annotations

from itertools import repeat
from typing import Optional, Sequence, Tuple

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


def plate_column(
    table: pd.DataFrame, field: str, source: str = "the input layer", first_row: Optional[int] = None
) -> pd.Series:
    """The plate column ``field`` of ``table``, checked: present and holding text.

    Raises ``AlprInputError`` naming the fields present; never quotes plates.
    ``first_row``: ``table`` is a chunk whose first row is that row of the
    layer (0-based); a value that is not text is then named by its row.
    """
    from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError

    names = [c for c in table.columns if c.lower() == field.lower()]
    if not names:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", 'has no plate field "{field}".'),
            args={"field": field, "fields": ", ".join('"{}"'.format(c) for c in table.columns if c != "fid") or "none"},
            path=source,
            hint=QT_TRANSLATE_NOOP(
                "alpr_core", "Fields present: {fields}. Set PLATE_FIELD to the field holding the plates."
            ),
        )
    column = table[names[0]]
    if len(column) and not (pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype)):
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "holds numbers ({kind}), not text: plates would lose leading zeros and letters."),
            args={"kind": column.dtype},
            path=source,
            field=names[0],
            hint=QT_TRANSLATE_NOOP("alpr_core", "Load the export with alpr:loadreads (it keeps plates as text), or "
                                   "choose the text field of plates."),
        )  # fmt: skip
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column  # (all text: one quick look, no Python call per value)
    present = column.dropna()
    text = present.map(lambda v: isinstance(v, str)) if len(present) else present
    if len(present) and not text.all():
        row = None  # (1-based, as QGIS counts features)
        if first_row is not None:
            row = first_row + int(column.index.get_loc(text.index[~text.to_numpy()][0])) + 1
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "holds values that are not text."),
            path=source,
            row=row,
            field=names[0],
            hint=QT_TRANSLATE_NOOP("alpr_core", "Choose the text field of plates as PLATE_FIELD."),
        )
    return column


def plate_field_name(columns: Sequence[str], field: str, source: str = "the input layer") -> str:
    """The layer's own name of the plate field ``field`` (any case), or the error naming the fields present."""
    found = next((c for c in columns if c.lower() == field.lower()), None)
    if found is None:
        plate_column(pd.DataFrame(columns=list(columns)), field, source)  # raises, naming the fields
    return found


# ------------------------------------------------------------------ across chunks


class Codebook:
    """Integer codes for values met chunk after chunk: the same value gets the same code in every chunk.

    Codes count from 0 in the order values are first met, so a layer read in
    chunks gets the codes ``pd.factorize`` (``sort=False``) gives it whole.
    Only the distinct values are kept (``values``), never one object per row;
    a chunk's values are looked up all at once (a pandas index of the values met).
    """

    def __init__(self) -> None:
        self.values: list = []
        self._index: dict = {}  # value -> code

    def __len__(self) -> int:
        return len(self.values)

    def codes_of(self, uniques: Sequence[object]) -> np.ndarray:
        """The codes of ``uniques`` (distinct values of one chunk), new values numbered on; one more: -1."""
        wanted = _objects(uniques).tolist()
        out = np.full(len(wanted) + 1, -1, dtype=np.int64)  # (the last: local code -1, a null, stays -1)
        if not wanted:
            return out
        # (``map`` calls the dictionary from C: no Python step per value)
        out[:-1] = np.fromiter(map(self._index.get, wanted, repeat(-1)), dtype=np.int64, count=len(wanted))
        new = np.flatnonzero(out[:-1] < 0)
        if len(new):
            codes = np.arange(len(self.values), len(self.values) + len(new))
            out[new] = codes
            fresh = [wanted[i] for i in new.tolist()]
            self._index.update(zip(fresh, codes.tolist()))
            self.values.extend(fresh)
        return out

    def encode(self, local_codes: np.ndarray, uniques: Sequence[object]) -> np.ndarray:
        """Global codes (int32) for a chunk given as ``pd.factorize``'s ``(codes, uniques)``; -1 stays -1."""
        return self.codes_of(uniques)[local_codes].astype(np.int32)


def _objects(values: Sequence[object]) -> np.ndarray:
    """``values`` as a one-dimensional object array (tuples and lists stay single values)."""
    if isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1:
        return values
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


class PlateCodes(Codebook):
    """``normalised_codes`` across chunks: every row's code among the distinct normalised plates (-1: none).

    Each distinct raw text is normalised once for the whole layer: the raw
    texts met are kept with their code, and a chunk's raw texts are looked up
    all at once; only texts not met before are normalised.
    """

    def __init__(self) -> None:
        super().__init__()
        self._raw = Codebook()
        self._raw_codes = np.zeros(0, dtype=np.int64)  # the normalised code of each raw text met

    def add(self, plates: pd.Series) -> np.ndarray:
        raw_codes, raw = pd.factorize(plates.astype("object"), sort=False)
        known = len(self._raw)
        where = self._raw.codes_of(raw)  # (the last: -1, for nulls)
        new = where[:-1] >= known
        if new.any():
            codes, normal = normalised_codes(pd.Series(_objects(raw)[new], dtype=object))
            self._raw_codes = np.concatenate([self._raw_codes, self.encode(codes, normal).astype(np.int64)])
        per_raw = np.append(self._raw_codes, -1)[where]
        self.raw_rows = where[raw_codes].astype(np.int32)  # (each row's raw text, for ``raw_texts``)
        return per_raw[raw_codes].astype(np.int32)

    def raw_texts(self, raw_rows: np.ndarray) -> pd.Series:
        """The plates as they came, from the ``raw_rows`` codes ``add`` left (-1: null)."""
        return pd.Series(np.append(_objects(self._raw.values), None)[raw_rows], dtype=object)


class HashedCheck:
    """``plates_look_hashed`` over plates given chunk after chunk, with the same answer as on the whole column.

    ``decided`` is True once the answer is known before the last chunk (the
    first 1,000 plates are not all hashed: the usual case).
    """

    _HEAD_ROWS, _HEAD = 2000, 1000

    def __init__(self) -> None:
        self._head: list = []
        self._rows = 0
        self.decided = False
        self._lengths: set = set()
        self._hex = self._b64 = True
        self._any = False

    def add(self, plates: pd.Series) -> None:
        if self.decided:
            return
        if self._rows < self._HEAD_ROWS:
            head = plates.iloc[: self._HEAD_ROWS - self._rows].dropna().astype(str)
            self._head.extend(head.tolist())
            head_text = pd.Series(self._head[: self._HEAD], dtype=object)
            complete = self._rows + len(plates) >= self._HEAD_ROWS and len(head_text) == self._HEAD
            if complete and not _all_hashed(head_text):
                self.decided, self.result = True, False
                return
        self._rows += len(plates)
        values = plates.dropna().astype(str).str.strip()
        values = values[values != ""]
        if values.empty:
            return
        self._any = True
        self._lengths.update(values.str.len().unique().tolist())
        self._hex = self._hex and bool(values.str.fullmatch(r"[0-9A-Fa-f]+").all())
        self._b64 = self._b64 and bool(values.str.fullmatch(r"[A-Za-z0-9+/_\-]+={0,2}").all())

    def answer(self) -> bool:
        """The answer, once every chunk was added (or ``decided``)."""
        if self.decided:
            return self.result
        if not self._any or len(self._lengths) != 1 or next(iter(self._lengths)) < 16:
            return False
        return self._hex or self._b64
