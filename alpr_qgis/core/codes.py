"""Column values as integer codes through one dictionary kept across chunks.

A streamed algorithm reads its input a chunk of rows at a time; a text
column (plates, devices, states) is kept as one small integer per row plus
one copy of each distinct value, instead of one Python string per row.
Codes are given in order of first appearance over all the chunks, so they
are the codes ``pd.factorize`` gives the whole column (``sort=False``), and
a whole-column computation fed ``series()`` sees the same values in the same
order as the column itself.
"""

from __future__ import annotations

from itertools import repeat
from typing import Dict, List

import numpy as np

from alpr_qgis.core.lazy import lazy_module

pd = lazy_module("pandas")


class Coder:
    """Distinct values -> codes 0, 1, 2, ... in order of first appearance; -1 stands for a null."""

    def __init__(self) -> None:
        self._codes: Dict[object, int] = {}
        self.values: List[object] = []

    def __len__(self) -> int:
        return len(self.values)

    def code_of(self, value: object) -> int:
        """The code of ``value`` (-1 when it never came)."""
        return self._codes.get(value, -1)

    def encode(self, column) -> np.ndarray:
        """The codes (int32) of one chunk of the column (a Series or array; nulls are -1)."""
        values = pd.Series(column, copy=False).astype("object").to_numpy(dtype=object)
        raw, uniques = pd.factorize(values, sort=False)
        # Known values through dict.get in C (map), then the new ones numbered in one go.
        lookup = np.fromiter(map(self._codes.get, uniques, repeat(-1)), dtype=np.int64, count=len(uniques))
        new = np.flatnonzero(lookup < 0)
        if len(new):
            start = len(self.values)
            fresh = [uniques[i] for i in new]
            lookup[new] = np.arange(start, start + len(new))
            self._codes.update(zip(fresh, range(start, start + len(new))))
            self.values.extend(fresh)
        return np.append(lookup.astype(np.int32), np.int32(-1))[raw]  # (raw -1, a null, takes the appended -1)

    def series(self, codes: np.ndarray):
        """The column for ``codes`` as a categorical Series (values shared, 4 bytes a row)."""
        categories = pd.Index(np.asarray(self.values + [None], dtype=object)[:-1], dtype=object)
        return pd.Series(pd.Categorical.from_codes(np.asarray(codes), categories=categories))
