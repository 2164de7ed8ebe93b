"""The reads of ``alpr:joincensus`` counted per census unit a chunk at a time: counts, never every read.

Both joins read INPUT a chunk of rows at a time (``vector.read_chunks``,
the reader ``read_reads`` gathers) and keep only the counts:

* :func:`count_in_units` (spatial join): each chunk's reads are projected
  to the units' CRS and given the first unit covering them
  (``core.spatial.PolygonLocator``, each polygon prepared once), then
  counted; the reads at 0,0 and those that cannot be projected are counted
  too, and the warnings ``read_reads`` and the join gave come once, after
  the reading, in the same order.
* :func:`count_keys` (key join): each chunk's keys are matched
  (``core.census.count_by_key``) and the counts added.

A read's unit does not depend on the other reads, so the counts are those
of every read at once.  ``alpr:joincrime`` counts its reads per zone with
:func:`locate_in_units` too.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Dict, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core import census
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.jurisdiction import near_null_island
from alpr_qgis.core.spatial import PolygonLocator
from alpr_qgis.qgis_io.crs import to_degrees, transform_xy
from alpr_qgis.qgis_io.inputs import Polygons, polygons_crs, reads_crs
from alpr_qgis.qgis_io.vector import Progress, read_chunks

#: Rows read (and located) at a time.
CHUNK_ROWS = 100_000


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlprAlgorithm", text)  # (read_reads' context: the same translations)


def _chunks(alg, parameters: Dict, name: str, context, feedback, fields, geometry: bool, progress: Progress):
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    if hasattr(alg, "log_estimate"):
        alg.log_estimate(feedback, source.featureCount())
    layer_name = source.sourceName() or _tr("the input layer")
    chunks = read_chunks(
        alg,
        parameters,
        name,
        context,
        fields,
        geometry=geometry,
        chunk_rows=CHUNK_ROWS,
        progress=progress,
        cancelled=feedback.isCanceled,
    )
    return chunks, layer_name


def count_in_units(
    alg,
    parameters: Dict,
    context,
    feedback,
    units: Polygons,
    *,
    name: str = "INPUT",
    progress: Progress = lambda f: None,
) -> Tuple[np.ndarray, int, int, int, QgsCoordinateReferenceSystem]:
    """(reads per unit, reads, reads in no unit, reads without a location, the units' CRS): a spatial join."""
    found = locate_in_units(alg, parameters, context, feedback, units, name=name, progress=progress)
    return found.counts, found.total, found.no_unit, found.missing, found.units_crs


def locate_in_units(
    alg,
    parameters: Dict,
    context,
    feedback,
    units: Polygons,
    *,
    name: str = "INPUT",
    progress: Progress = lambda f: None,
    warn_lost: bool = True,
) -> SimpleNamespace:
    """:func:`count_in_units` as a namespace, with the reads' settled CRS too.

    Attributes ``counts``, ``total``, ``no_unit``, ``missing``, ``units_crs``
    and ``reads_crs`` (``inputs.reads_crs`` of the layer, EPSG:4326 for an
    empty layer without one).  ``warn_lost``: warn (as the census join does)
    about the located reads that could not be projected (in no unit either way).
    """
    transform_context = context.transformContext()
    chunks, layer_name = _chunks(alg, parameters, name, context, feedback, [], True, progress)
    locator = PolygonLocator(units.geoms)
    counts = np.zeros(len(units.geoms), dtype=np.int64)
    total = missing = island = lost = 0
    crs = ucrs = None
    with chunks:
        for chunk in chunks:
            if crs is None:
                crs = reads_crs(chunk, layer_name, feedback, alg, warn=False)
                ucrs = units.crs if units.crs.isValid() else crs
            elif not chunks.crs.isValid():
                reads_crs(chunk, layer_name, feedback, alg, warn=False)  # (every chunk must be degrees)
            x, y = chunk.x, chunk.y
            located = np.isfinite(x) & np.isfinite(y)
            total += len(x)
            missing += len(x) - int(located.sum())
            lon, lat = to_degrees(x, y, crs, transform_context)
            island += int(near_null_island(lon, lat).sum())
            del lon, lat
            px, py = transform_xy(x, y, crs, ucrs, transform_context)
            lost += int((located & ~np.isfinite(px)).sum())
            unit = locator.locate(px, py, cancelled=feedback.isCanceled)
            counts += np.bincount(unit[unit >= 0], minlength=len(counts))
            del px, py, unit, located
    if feedback.isCanceled():
        raise Cancelled()
    if not chunks.crs.isValid():  # (the warning read_reads gives, once)
        reads_crs(SimpleNamespace(crs=chunks.crs, x=np.empty(0), y=np.empty(0)), layer_name, feedback, alg)
    if island:
        feedback.pushWarning(
            alg.tr(
                "{} reads lie at 0,0 (null island): their coordinates were missing. "
                "Run alpr:cleanreads first to set them apart."
            ).format(island)
        )
    ucrs = polygons_crs(units, crs, feedback, alg)
    if lost and warn_lost:
        feedback.pushWarning(
            alg.tr("{} reads could not be transformed to the census layer's CRS: in no unit.").format(lost)
        )
    if crs is None:
        crs = chunks.crs if chunks.crs.isValid() else QgsCoordinateReferenceSystem("EPSG:4326")
    return SimpleNamespace(
        counts=counts,
        total=total,
        no_unit=total - missing - int(counts.sum()),
        missing=missing,
        units_crs=ucrs,
        reads_crs=crs,
    )


def count_keys(
    alg,
    parameters: Dict,
    context,
    feedback,
    units: Polygons,
    read_key: str,
    census_key: str,
    *,
    name: str = "INPUT",
    progress: Progress = lambda f: None,
) -> Tuple[np.ndarray, int, int, int]:
    """(reads per unit, reads, reads matching no unit, reads with no key): a key join."""
    chunks, _ = _chunks(alg, parameters, name, context, feedback, [read_key], False, progress)
    counts = np.zeros(len(units.table), dtype=np.int64)
    total = unmatched = no_key = 0
    with chunks:
        for chunk in chunks:
            found, chunk_unmatched, chunk_no_key = census.count_by_key(
                chunk.table[read_key], units.table[census_key], units.name, census_key, units.fids
            )
            counts += found
            total += len(chunk.table)
            unmatched += chunk_unmatched
            no_key += chunk_no_key
    if feedback.isCanceled():
        raise Cancelled()
    return counts, total, unmatched, no_key
