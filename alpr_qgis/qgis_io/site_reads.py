"""The reads of ``alpr:sites`` kept flat: their locations only, and the plates of the few near a site.

``alpr:sites`` holds every read's location (two float64 columns, projected
in place a slice at a time: :func:`project_in_place`) for the seeded
draws of read locations, and counts slice by slice
(``core.sites.site_counts``).  The plates are not held for every read:
:func:`plates_of_rows` reads the plate column again, a chunk at a time,
and keeps only the rows asked for (the reads near a site).
"""

from __future__ import annotations

from typing import Callable, Dict, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.crs import transform_xy
from alpr_qgis.qgis_io.reads_input import Reads
from alpr_qgis.qgis_io.vector import read_chunks

#: Rows projected (or read for their plates) at a time.
CHUNK_ROWS = 200_000


def project_in_place(reads: Reads, crs: QgsCoordinateReferenceSystem) -> Tuple[np.ndarray, np.ndarray]:
    """The reads' x and y in ``crs``, written over their own arrays a slice at a time (NaN where the
    transform fails): no second copy of every read's coordinates."""
    x, y = reads.x, reads.y
    if crs == reads.crs:
        return x, y
    if not (x.flags.writeable and y.flags.writeable):
        x, y = x.copy(), y.copy()
    for start in range(0, len(x), CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        x[part], y[part] = transform_xy(x[part], y[part], reads.crs, crs, reads.transform_context)
    return x, y


def plates_of_rows(alg, parameters: Dict, context, feedback, field: str, *, name: str = "INPUT") -> Callable:
    """A function giving the ``field`` values of the source's sorted row numbers it is passed (a Series
    in their order), reading the column a chunk at a time and keeping only those rows."""
    pd = lazy_module("pandas")

    def fetch(rows: np.ndarray):
        pieces = []
        if len(rows):
            with read_chunks(
                alg,
                parameters,
                name,
                context,
                [field],
                geometry=False,
                chunk_rows=CHUNK_ROWS,
                cancelled=feedback.isCanceled,
            ) as chunks:
                offset = 0
                for chunk in chunks:
                    column = chunk.table[field]
                    lo, hi = np.searchsorted(rows, [offset, offset + len(column)])
                    if hi > lo:
                        pieces.append(column.iloc[rows[lo:hi] - offset])
                    offset += len(column)
                    if offset > rows[-1]:
                        break
            if feedback.isCanceled():
                raise Cancelled()
        if not pieces:
            return pd.Series([], dtype=object)
        return pd.concat(pieces, ignore_index=True)

    return fetch
