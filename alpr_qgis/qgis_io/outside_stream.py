"""Reads outside a boundary, a chunk at a time: ``alpr:jurisdiction``'s pass over the reads.

:func:`stream_outside` reads the reads ``CHUNK_ROWS`` rows at a time
(``read_chunks``), settles their CRS once (each chunk's coordinates still
checked when the layer has none), tests each chunk against the boundary,
names the neighbour holding each read outside, measures its distance to the
boundary and appends the chunk's reads outside to the OUTPUT sink
(``FrameStream``, styled as ``outside``).  It keeps only compact columns of
the reads outside for the summary (``core.jurisdiction.OutsideTally``) and
the counts, so memory stays flat in the number of reads.  Nothing is left
written when it fails or is cancelled.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.jurisdiction import UNNAMED, OutsideTally, classify, near_null_island, neighbour_names, outside_rows
from alpr_qgis.qgis_io.boundary import boundary_distances
from alpr_qgis.qgis_io.crs import to_degrees, transform_xy
from alpr_qgis.qgis_io.inputs import Polygons, polygons_crs, reads_crs, unique_name, warn_null_island
from alpr_qgis.qgis_io.plumbing import check_accounted, progress_span
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import FrameStream, read_chunks

#: Reads tested and written at a time (a cancel is seen within a chunk).
CHUNK_ROWS = 200_000

#: The columns the algorithm computes (input fields of these names are replaced).
COMPUTED = ("jurisdiction", "distance_m")


@dataclass
class Outside:
    """What :func:`stream_outside` found and wrote."""

    dest: Optional[str] = None  # the OUTPUT written
    outside_count: int = 0  # reads written to OUTPUT
    inside_count: int = 0
    missing_count: int = 0  # reads without a location
    unplaced: int = 0  # located reads that could not be placed in the boundary's CRS (counted outside)
    total: int = 0  # the reads read
    name: str = ""  # the reads layer's name
    tally: OutsideTally = field(default_factory=OutsideTally)  # compact columns of the reads outside


class _Run:
    """One pass: each chunk tested, named, measured and appended to the OUTPUT stream."""

    def __init__(self, alg, parameters: Dict, context, feedback, area, boundary: Polygons, message: str) -> None:
        self.alg, self.parameters, self.context, self.feedback = alg, parameters, context, feedback
        self.area, self.boundary, self.message = area, boundary, message
        self.transform_context = context.transformContext()
        self.quiet = QgsProcessingFeedback()  # (for what is said once, at the first chunk that says it)
        self.neighbours: Optional[Polygons] = None
        self.names: Sequence[Optional[str]] = ()
        self.neighbour_crs: Optional[QgsCoordinateReferenceSystem] = None
        self.crs = self.boundary_crs = None
        self.stream: Optional[FrameStream] = None
        self.measured = False  # a distance was measured (its CRS said)
        self.island_x: List[np.ndarray] = []  # the reads outside at 0,0 (warned about once, at the end)
        self.island_y: List[np.ndarray] = []
        self.found = Outside()

    def chunk(self, chunk, source_crs_valid: bool, last: bool) -> None:
        alg, feedback, first = self.alg, self.feedback, self.stream is None
        if first or not source_crs_valid:  # (every chunk's coordinates are checked; warned once)
            crs = reads_crs(chunk, self.found.name, feedback, alg, warn=first)
        if first:
            self.crs = crs
            self.boundary_crs = polygons_crs(self.boundary, crs, feedback, alg)
            self.stream = FrameStream(alg, self.parameters, alg.OUTPUT, self.context, crs)
        bx, by = transform_xy(chunk.x, chunk.y, self.crs, self.boundary_crs, self.transform_context)
        located = np.isfinite(chunk.x) & np.isfinite(chunk.y)
        result = classify(bx, by, self.area, located=located)
        out_idx = np.flatnonzero(result.outside)
        ox, oy = chunk.x[out_idx], chunk.y[out_idx]
        jurisdiction = self._jurisdictions(ox, oy)
        said = self.quiet if self.measured else feedback
        distance = boundary_distances(
            self.area, self.boundary_crs, bx[out_idx], by[out_idx], self.transform_context, said, self.message
        )
        self.measured = self.measured or len(out_idx) > 0
        lon, lat = to_degrees(ox, oy, self.crs, self.transform_context)
        island = near_null_island(lon, lat)
        self.island_x.append(ox[island])
        self.island_y.append(oy[island])
        table = unique_name(chunk.table, COMPUTED, feedback if first else self.quiet, alg)
        self.found.tally.add(table, out_idx, jurisdiction, distance)
        out = outside_rows(table, out_idx, jurisdiction, distance)
        if not self.stream.append(out, ox, oy, feedback.isCanceled, last=last):
            raise Cancelled()
        found = self.found
        found.total += len(chunk.table)
        found.outside_count += len(out_idx)
        found.inside_count += result.inside_count
        found.missing_count += result.missing_count
        found.unplaced += result.unplaced

    def _jurisdictions(self, ox: np.ndarray, oy: np.ndarray) -> np.ndarray:
        """The name of the neighbour holding each read outside (``UNNAMED`` where none does)."""
        if self.neighbours is None or not len(ox):
            return np.full(len(ox), UNNAMED, dtype=object)
        if self.neighbour_crs is None:
            self.neighbour_crs = polygons_crs(self.neighbours, self.crs, self.feedback, self.alg)
        nx, ny = transform_xy(ox, oy, self.crs, self.neighbour_crs, self.transform_context)
        return neighbour_names(nx, ny, self.neighbours.geoms, self.names)

    def warn_null_island(self) -> None:
        """The reads outside at 0,0 over every chunk, warned about once."""
        x, y = np.concatenate(self.island_x), np.concatenate(self.island_y)
        warn_null_island(self.alg, x, y, self.crs, self.transform_context, self.feedback)

    def forget(self) -> None:
        """Drop what the stream took (nothing half-written is left)."""
        if self.stream is not None:
            with contextlib.suppress(Exception):
                self.stream.forget()


def stream_outside(
    alg,
    parameters: Dict,
    context,
    feedback,
    area,
    boundary: Polygons,
    neighbours: Optional[Polygons],
    names: Sequence[Optional[str]],
    message: str,
) -> Outside:
    """Test the reads (parameter ``INPUT``) against ``area`` (the dissolved ``boundary``) and write those outside.

    The reads outside go to ``alg.OUTPUT`` with every field plus
    ``jurisdiction`` (the ``names`` of the ``neighbours`` polygon holding
    each, ``UNNAMED`` where none does) and ``distance_m`` (metres to the
    boundary; ``message``, one ``{}`` for the CRS id, is logged when they are
    measured in another CRS than the boundary's).  Progress runs from 0 to
    98 %.  Raises ``Cancelled`` when cancelled (nothing written).
    """
    source = alg.parameterAsSource(parameters, alg.INPUT, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, alg.INPUT))
    alg.log_estimate(feedback, source.featureCount())
    run = _Run(alg, parameters, context, feedback, area, boundary, message)
    run.neighbours, run.names = neighbours, names
    run.found.name = source.sourceName() or QCoreApplication.translate("AlprAlgorithm", "the input layer")
    progress = progress_span(feedback, 0, 90)
    try:
        with read_chunks(
            alg, parameters, alg.INPUT, context, None, chunk_rows=CHUNK_ROWS, cancelled=feedback.isCanceled
        ) as chunks:
            for chunk in chunks:
                done = chunk.offset + len(chunk.table)
                run.chunk(chunk, chunks.crs.isValid(), done >= chunks.total)
                progress(done / max(1, chunks.total))
        run.warn_null_island()
        run.found.dest, written = run.stream.finish(progress_span(feedback, 90, 98), feedback.isCanceled)
        check_accounted(run.found.outside_count, written)
    except BaseException:
        run.forget()
        raise
    if feedback.isCanceled():
        raise Cancelled()
    style_vector_output(run.found.dest, "outside", context, feedback)
    return run.found
