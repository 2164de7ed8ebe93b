"""The reads of ``alpr:hotspots`` binned to hexagons a chunk at a time: what Gi* needs, never every read.

(``alpr:joincrime`` without zones bins its reads here too: the bins' counts are what it needs.)

:func:`bin_reads` reads the INPUT a chunk of rows at a time
(``vector.read_chunks``, the reader ``read_reads`` gathers), projects each
chunk's located reads to the metric working CRS and bins them
(``core.hotspots.HexBinner``): per occupied hexagon its read count and the
extreme coordinates of its reads, from which the reads' extent, the
hexagons of the reads on its very edge and the counts come exactly as from
every read (``core.hotspots.cells_covering_bins``, ``binned_hotspots``).

The working CRS is usually known before the reads are read: the layer's own
when it is in metres, else the UTM zone of the boundary's centre.  Without a
boundary, a layer in degrees works in the UTM zone of its reads' median
position (``crs.working_crs`` on a sample of every read): the located reads
then go to a scratch file first (16 bytes a read, in a private folder removed
on every exit path, ``core.scratch.ScratchDir``), which is read back twice, for
the sample and for the bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransformContext,
    QgsProcessingException,
    QgsProcessingUtils,
)
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.hexgrid import HexGrid
from alpr_qgis.core.hotspots import HexBinner
from alpr_qgis.core.jurisdiction import near_null_island
from alpr_qgis.core.scratch import ScratchDir
from alpr_qgis.qgis_io.crs import _SAMPLE, to_degrees, transform_xy, working_crs
from alpr_qgis.qgis_io.vector import Progress, read_chunks

#: Rows read (and binned) at a time.
CHUNK_ROWS = 65_536


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlprAlgorithm", text)


@dataclass
class BinnedReads:
    """The reads counted per hexagon.

    ``total``: rows read; ``missing``: reads without a location;
    ``reads_crs``: the layer's CRS; ``crs``: the metric CRS they were
    projected to; ``failed``: located reads that could not be projected;
    ``cells``: the projected reads binned (rows of ``core.hotspots.BIN_COLUMNS``);
    ``island``: reads at 0,0 (counted only when ``bin_reads`` was asked to).
    """

    total: int
    missing: int
    reads_crs: QgsCoordinateReferenceSystem
    crs: QgsCoordinateReferenceSystem
    failed: int
    cells: np.ndarray
    transform_context: QgsCoordinateTransformContext
    island: int = 0


def bin_reads(
    alg,
    parameters: Dict,
    context,
    feedback,
    grid: HexGrid,
    known_crs: Callable[[QgsCoordinateReferenceSystem], Optional[QgsCoordinateReferenceSystem]],
    *,
    name: str = "INPUT",
    progress: Progress = lambda f: None,
    null_island: bool = False,
) -> BinnedReads:
    """The source parameter ``name``'s reads binned to ``grid`` in their metric working CRS.

    ``known_crs(reads_crs)`` gives the working CRS when it does not depend
    on the reads, else None: then it is the UTM zone of the reads' median
    position (``Reads.metric_crs``).  A layer without CRS is an error; a
    cancel raises ``Cancelled``.  Logs the algorithm's estimate first, as
    ``read_reads`` does.  ``null_island``: count the reads at 0,0 (``BinnedReads.island``).
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    if hasattr(alg, "log_estimate"):
        alg.log_estimate(feedback, source.featureCount())
    transform_context = context.transformContext()
    cancelled = feedback.isCanceled
    binner = HexBinner(grid)
    total = located = failed = island = 0
    with read_chunks(
        alg, parameters, name, context, [], chunk_rows=CHUNK_ROWS, progress=progress, cancelled=cancelled
    ) as chunks:
        reads_crs = chunks.crs
        if not reads_crs.isValid():
            raise QgsProcessingException(
                _tr("{} has no CRS: set the layer's CRS so distances can be measured.").format(name)
            )
        crs = known_crs(reads_crs)
        if crs is not None:
            for chunk in chunks:
                x, y = _located(chunk.x, chunk.y)
                total += len(chunk.x)
                island += _island(x, y, reads_crs, transform_context) if null_island else 0
                located += len(x)
                failed += _bin(binner, x, y, reads_crs, crs, transform_context)
            if cancelled():
                raise Cancelled()
            bins = binner.bins()
            return BinnedReads(total, total - located, reads_crs, crs, failed, bins, transform_context, island)
        scratch = ScratchDir(QgsProcessingUtils.tempFolder())
        try:
            with open(scratch.file("reads.f8"), "w+b") as spill:
                sizes: List[int] = []
                for chunk in chunks:
                    x, y = _located(chunk.x, chunk.y)
                    total += len(chunk.x)
                    island += _island(x, y, reads_crs, transform_context) if null_island else 0
                    x.tofile(spill)
                    y.tofile(spill)
                    sizes.append(len(x))
                if cancelled():
                    raise Cancelled()
                located = sum(sizes)
                crs = working_crs(reads_crs, *_sample(spill, sizes, located), transform_context)
                for x, y in _spilled(spill, sizes, cancelled):
                    failed += _bin(binner, x, y, reads_crs, crs, transform_context)
        finally:
            scratch.close()
    return BinnedReads(total, total - located, reads_crs, crs, failed, binner.bins(), transform_context, island)


def _located(x: np.ndarray, y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    here = np.isfinite(x) & np.isfinite(y)
    return (x, y) if here.all() else (x[here], y[here])


def _island(x: np.ndarray, y: np.ndarray, reads_crs, transform_context) -> int:
    """How many of the located reads ``x``/``y`` lie at 0,0 (``inputs.warn_null_island``'s count)."""
    lon, lat = to_degrees(x, y, reads_crs, transform_context)
    return int(near_null_island(lon, lat).sum())


def _bin(binner: HexBinner, x, y, reads_crs, crs, transform_context) -> int:
    """Bin the located reads ``x``/``y`` projected to ``crs``; the number that could not be projected."""
    px, py = transform_xy(x, y, reads_crs, crs, transform_context)
    good = np.isfinite(px) & np.isfinite(py)
    failed = len(px) - int(good.sum())
    if failed:
        px, py = px[good], py[good]
    binner.add(px, py)
    return failed


def _spilled(spill, sizes: List[int], cancelled) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """The located reads (x, y) of the scratch file, a chunk at a time as they were written."""
    spill.seek(0)
    for n in sizes:
        if cancelled():
            raise Cancelled()
        x = np.fromfile(spill, dtype=float, count=n)
        yield x, np.fromfile(spill, dtype=float, count=n)


def _sample(spill, sizes: List[int], located: int) -> Tuple[np.ndarray, np.ndarray]:
    """The reads ``crs.working_crs`` samples from every located read (every k-th beyond ``_SAMPLE``)."""
    step = located // _SAMPLE + 1 if located > _SAMPLE else 1
    xs, ys = [], []
    offset = 0
    for x, y in _spilled(spill, sizes, lambda: False):
        first = (-offset) % step  # (the first index of this chunk on the sample's stride)
        xs.append(x[first::step].copy())
        ys.append(y[first::step].copy())
        offset += len(x)
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)
