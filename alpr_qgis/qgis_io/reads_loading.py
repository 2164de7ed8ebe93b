"""Loading a reads file straight into an output: part by part when the file allows, else whole.

:func:`load_to_sink` runs ``core.reads.stream_reads`` and hands each part to a
``FrameStream`` on the output (a worker may have stored the part already);
a file whose later part does not fit the first is loaded whole
(``load_reads``) instead.  :func:`estimated_rows` guesses a file's records
from its size, for the estimate logged before a big load.  :func:`to_lonlat` gives the core the coordinate
transform it needs to look the time zone up from projected coordinates.
"""

from __future__ import annotations

import gzip
import os
from typing import Callable, Dict, Optional, Tuple

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsCsException, QgsPointXY

from alpr_qgis.core.errors import Cancelled


def load_to_sink(
    alg,
    parameters: Dict,
    name: str,
    context,
    path: str,
    options,
    crs: QgsCoordinateReferenceSystem,
    steps,
    cancelled: Callable[[], bool],
    loaded: Callable[[object], None] = lambda table: None,
) -> Tuple[object, Optional[str], int]:
    """(the loaded table, the output ``name``'s destination, reads written) for the file ``path``.

    ``steps`` (a feedback) takes the progress of reading, then of finishing
    the output; ``cancelled()`` says when to stop (the run's own feedback:
    a multi-step feedback made after a cancel does not know of it);
    ``loaded(table)`` is called in between, once the file is
    read (to log what was detected and move ``steps`` to its next step).
    Nothing is left behind on failure.
    """
    from alpr_qgis.core.reads import NotStreamableError, load_reads, stream_reads
    from alpr_qgis.qgis_io.vector import FrameStream

    def progress(f: float) -> None:
        steps.setProgress(100 * f)

    reads = FrameStream(alg, parameters, name, context, crs)
    try:
        # A big file is read part by part, each part's reads stored while the next is read.
        try:
            table = stream_reads(
                path,
                options,
                lambda part, last: take_part(reads, part, cancelled, last),
                progress=progress,
                cancelled=cancelled,
                store=reads.part_store,
            )
        except NotStreamableError:
            reads.forget()  # a later part does not fit the first: the whole file at once
            table = None
        if table is None:
            table = load_reads(path, options, progress=progress, cancelled=cancelled)
            if not reads.append(table.reads, table.x, table.y, cancelled, last=True):
                raise Cancelled()
        loaded(table)
        dest, n_reads = reads.finish(progress, cancelled)
    except BaseException:
        reads.forget()
        raise
    return table, dest, n_reads


def estimated_rows(path: str, sample: int = 1 << 20) -> int:
    """Roughly how many records the delimited file ``path`` holds (0 when it cannot be read).

    Counts the line ends in its first ``sample`` bytes (decompressed for a
    ``.gz``: the whole size comes from the gzip trailer) and scales by the size.
    """
    try:
        size = os.path.getsize(path)
        if path.lower().endswith(".gz"):
            with open(path, "rb") as raw:
                raw.seek(-4, os.SEEK_END)
                size = max(int.from_bytes(raw.read(4), "little"), size)  # (the trailer holds the size mod 4 GiB)
            with gzip.open(path, "rb") as handle:
                head = handle.read(sample)
        else:
            with open(path, "rb") as handle:
                head = handle.read(sample)
    except (OSError, EOFError, ValueError):
        return 0
    lines = head.count(b"\n")
    if not head or not lines:
        return 0
    return max(0, int(lines * size / len(head)) - 1)


def take_part(reads, part, cancelled, last: bool) -> bool:
    """Hand one part of ``stream_reads`` to the ``FrameStream`` ``reads``: its rows, or where a worker stored them."""
    if part.stored is None:
        return reads.append(part.reads, part.x, part.y, cancelled, last=last)
    shift = {"read_id": part.stored.read_id_shift}
    return reads.append_stored(part.reads, part.stored, part.x, part.y, shift, cancelled, last=last)


def to_lonlat(crs, context):
    """(x, y) arrays in ``crs`` -> (longitude, latitude) arrays (NaN where a point cannot be transformed)."""
    import numpy as np

    transform = QgsCoordinateTransform(crs, QgsCoordinateReferenceSystem("EPSG:4326"), context.transformContext())

    def lonlat(x, y):
        lon, lat = np.full(len(x), np.nan), np.full(len(y), np.nan)
        for i, (a, b) in enumerate(zip(x.tolist(), y.tolist())):
            try:
                point = transform.transform(QgsPointXY(a, b))
            except QgsCsException:
                continue
            lon[i], lat[i] = point.x(), point.y()
        return lon, lat

    return lonlat
