"""The anonymizer's release, built from a layer read chunk after chunk, in compact columns.

``ReleaseBuilder`` takes the reads a chunk at a time and keeps only what the
release needs: a plate code per read (the distinct normalised plates once),
the coordinates, and each kept field as a compact column: numbers, booleans
and (coarsened) times as numpy-backed columns, text as codes into the
distinct values met.  Once every chunk is in, ``finish`` makes the ids, finds
the kept values that give a plate or a place away (each distinct value looked
at once, as ``core.anonymize`` does on a whole layer) and ``order`` gives the
release's order; ``frame(rows)`` then makes any rows of the release, so that
it is written a block at a time, in order, without ever holding every row's
values.  The result is the one the whole-layer functions of
``core.anonymize`` give; only a kept text field with a different value on
nearly every read (a note, a record id asked for in KEEP_FIELDS) costs
memory in proportion to the reads.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from alpr_qgis.core.anonymize import (
    PlateMatcher,
    ReleaseFields,
    coarsen_times,
    ids_for,
    location_hits,
    release_order,
)
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.plates import Codebook, PlateCodes, normalised_codes, plate_column

pd = lazy_module("pandas")


class CompactColumn:
    """One kept field across chunks: text as codes into its distinct values, anything else as its own column."""

    def __init__(self) -> None:
        self._book: Optional[Codebook] = None
        self._codes: List[np.ndarray] = []
        self._parts: List[pd.Series] = []
        self.series: Optional[pd.Series] = None  # (not text: the whole column, once finished)
        self.codes: Optional[np.ndarray] = None  # (text: a code per row, -1 for null)
        self.hits: Optional[np.ndarray] = None  # rows whose value is cleared (None: none)

    def add(self, values: pd.Series) -> None:
        if self._book is None and not self._parts and pd.api.types.is_object_dtype(values.dtype):
            self._book = Codebook()
        if self._book is not None:
            codes, uniques = pd.factorize(values, sort=False)
            self._codes.append(self._book.encode(codes, list(uniques)))
        else:
            self._parts.append(values.reset_index(drop=True))

    def finish(self) -> None:
        if self._book is not None:
            self.codes = np.concatenate(self._codes) if self._codes else np.zeros(0, dtype=np.int32)
            self._codes = []
            self._decode = np.array(self._book.values + [None], dtype=object)
        else:
            self.series = pd.concat(self._parts, ignore_index=True) if len(self._parts) > 1 else self._parts[0]
            self._parts = []

    def distinct(self) -> pd.Series:
        """The values to look at for scrubbing: the distinct texts, or the whole column."""
        if self._book is not None:
            return pd.Series(self._decode[:-1], dtype=object)
        return self.series

    def clear(self, found: np.ndarray) -> int:
        """Clear the rows ``found`` (per distinct text, or per row) gives away; how many rows."""
        if self._book is not None:
            found = np.append(found, False)[self.codes]
        count = int(found.sum())
        self.hits = found if count else None
        return count

    def take(self, rows: np.ndarray) -> pd.Series:
        """The column's values at ``rows``, cleared where they give something away."""
        if self._book is not None:
            column = pd.Series(self._decode[self.codes[rows]], dtype=object)
        else:
            column = self.series.iloc[rows].reset_index(drop=True)
        if self.hits is None:
            return column
        hits = self.hits[rows]
        return column.astype(object).where(~hits, None) if column.dtype != object else column.where(~hits)


class ReleaseBuilder:
    """The release of a layer given chunk after chunk (see the module's docstring)."""

    def __init__(
        self,
        plan: ReleaseFields,
        plate_field: str,
        time_field: Optional[str],
        extra_fields: Sequence[str],
        time_precision: str,
        grid_m: float,
        layer_name: str = "the input layer",
    ) -> None:
        self.plan, self.plate_field, self.time_field = plan, plate_field, time_field
        self.extra_fields, self.time_precision, self.grid_m = list(extra_fields), time_precision, grid_m
        self.layer_name = layer_name
        self.plates = PlateCodes()
        self.extra_plates: set = set()
        self.columns: Dict[str, CompactColumn] = {name: CompactColumn() for name in plan.kept}
        self._codes: List[np.ndarray] = []
        self._x: List[np.ndarray] = []
        self._y: List[np.ndarray] = []
        self.cleared: Dict[str, int] = {}
        self.ids: Optional[np.ndarray] = None
        self.rows: Optional[np.ndarray] = None  # the release's order, once known (``order``)

    def add(self, table: pd.DataFrame, x: np.ndarray, y: np.ndarray, first_row: int = 0) -> None:
        """Take the next chunk's rows (``first_row``: its first row's index in the layer)."""
        plates = plate_column(table, self.plate_field, self.layer_name, first_row=first_row)
        self._codes.append(self.plates.add(plates))
        for name in self.extra_fields:
            if name in table.columns:
                self.extra_plates.update(normalised_codes(table[name])[1].tolist())
        for name, column in self.columns.items():
            values = table[name]
            if name == self.time_field or pd.api.types.is_datetime64_any_dtype(values.dtype):
                values = coarsen_times(values, self.time_precision)
            column.add(values)
        self._x.append(np.asarray(x, dtype=float))
        self._y.append(np.asarray(y, dtype=float))

    def finish(self, method: str, key: bytes, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Every chunk is in: the ids, and the kept values to clear (``cleared``: how many per field)."""
        self.codes = np.concatenate(self._codes) if self._codes else np.zeros(0, dtype=np.int32)
        self.x = np.concatenate(self._x) if self._x else np.zeros(0)
        self.y = np.concatenate(self._y) if self._y else np.zeros(0)
        self._codes, self._x, self._y = [], [], []
        normal = np.array(self.plates.values + [None], dtype=object)[:-1]
        self.ids = ids_for(normal, method, key)
        self._ids = np.append(self.ids, None) if method != "drop" else None
        matcher = PlateMatcher(np.concatenate([normal, np.array(sorted(self.extra_plates, key=str), dtype=object)]))
        for name, column in self.columns.items():
            column.finish()
            if name == self.time_field:
                continue
            if cancelled():
                raise Cancelled()
            values = column.distinct()
            found = matcher.hits(values, cancelled) | location_hits(values, name, self.grid_m)
            count = column.clear(found)
            if count:
                self.cleared[name] = count

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def plate_count(self) -> int:
        return len(self.plates)

    def times(self) -> pd.Series:
        """The released (coarsened) time of every read, in the layer's order (NaT without a time field)."""
        if self.time_field is None:
            return pd.Series(pd.NaT, index=pd.RangeIndex(len(self)))
        column = self.columns[self.time_field]
        return column.series if column.series is not None else column.take(np.arange(len(self)))

    def order(self) -> np.ndarray:
        """The release's order: by coarsened time, then plate id, ties shuffled (``release_order``)."""
        if self._ids is None:
            return release_order(self.times())
        return release_order(self.times(), self.codes.astype(np.int64), self.ids)

    def vehicles(self) -> np.ndarray:
        """Each read's vehicle for the audit (-1 for none; all -1 when ids are dropped)."""
        if self._ids is None:
            return np.full(len(self), -1, dtype=np.int64)
        return self.codes.astype(np.int64)

    def drop(self) -> None:
        """Let go of every column (the release is written)."""
        self.codes = self.x = self.y = self.rows = self._ids = self.ids = None
        self.columns = {}

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        """The release's columns at ``rows`` (``plate_id`` unless dropped, then the kept fields)."""
        out = pd.DataFrame(index=pd.RangeIndex(len(rows)))
        if self._ids is not None:
            out["plate_id"] = self._ids[self.codes[rows]]
        for name, column in self.columns.items():
            out[name] = column.take(rows)
        return out
