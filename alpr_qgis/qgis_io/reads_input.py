"""The reads an algorithm works on: a source read into columns, its CRS settled, in metres on request.

One sequence stood in nine algorithms: read the layer, settle its CRS
(a layer without one is read as EPSG:4326 when its coordinates can be
degrees), warn about reads at 0,0, choose a metric working CRS and
transform the points to it.  :func:`read_reads` does the first three and
returns :class:`Reads`; :meth:`Reads.to` and :meth:`Reads.in_metres` do the
rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransformContext, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.crs import transform_xy, working_crs
from alpr_qgis.qgis_io.inputs import reads_crs, warn_null_island
from alpr_qgis.qgis_io.vector import Frame, Progress, read_chunks


def _tr(text: str) -> str:
    return QCoreApplication.translate("AlprAlgorithm", text)


@dataclass
class Reads:
    """A reads layer as columns, with its settled CRS (always valid) and its name."""

    frame: Frame
    crs: QgsCoordinateReferenceSystem
    name: str
    transform_context: QgsCoordinateTransformContext

    @property
    def table(self):
        return self.frame.table

    @property
    def x(self) -> np.ndarray:
        return self.frame.x

    @property
    def y(self) -> np.ndarray:
        return self.frame.y

    def __len__(self) -> int:
        return len(self.frame.x)

    @property
    def located(self) -> np.ndarray:
        """True for the reads with a location."""
        return np.isfinite(self.frame.x) & np.isfinite(self.frame.y)

    @property
    def missing_count(self) -> int:
        """Reads without a location (null geometry)."""
        return int((~self.located).sum())

    def to(self, crs: QgsCoordinateReferenceSystem) -> Tuple[np.ndarray, np.ndarray]:
        """The reads' coordinates in ``crs`` (NaN where missing or where the transform fails)."""
        return transform_xy(self.frame.x, self.frame.y, self.crs, crs, self.transform_context)

    def metric_crs(self) -> QgsCoordinateReferenceSystem:
        """The reads' CRS when it is in metres, else the UTM zone of their median position."""
        return working_crs(self.crs, self.frame.x, self.frame.y, self.transform_context)

    def in_metres(self, feedback, message: str) -> Tuple[QgsCoordinateReferenceSystem, np.ndarray, np.ndarray]:
        """(metric CRS, x, y): the reads in :meth:`metric_crs`; ``message`` (one ``{}``: the CRS id) logged
        when it is not the reads' own CRS."""
        work = self.metric_crs()
        if work != self.crs:
            feedback.pushInfo(message.format(work.authid()))
        x, y = self.to(work)
        return work, x, y


#: Rows read at a time: a cancel is seen within a chunk (well under a second), never after the whole layer.
CHUNK_ROWS = 200_000


def _read_in_chunks(alg, parameters, name, context, fields, geometry, progress, cancelled) -> Frame:
    """``read_frame``'s frame, read ``CHUNK_ROWS`` rows at a time so that a cancel stops it soon."""
    pd = lazy_module("pandas")
    tables, xs, ys = [], [], []
    with read_chunks(
        alg,
        parameters,
        name,
        context,
        fields,
        geometry=geometry,
        chunk_rows=CHUNK_ROWS,
        progress=progress,
        cancelled=cancelled,
    ) as chunks:
        for chunk in chunks:
            tables.append(chunk.table)
            xs.append(chunk.x)
            ys.append(chunk.y)
        crs = chunks.crs
    if len(tables) == 1:
        return Frame(tables[0], xs[0], ys[0], crs)
    table = pd.concat(tables, ignore_index=True, copy=False)
    del tables
    return Frame(table, np.concatenate(xs), np.concatenate(ys), crs)


def read_reads(
    alg,
    parameters: Dict,
    context,
    feedback,
    fields: Optional[Sequence[str]] = None,
    *,
    name: str = "INPUT",
    geometry: bool = True,
    progress: Progress = lambda f: None,
    null_island: bool = True,
    require_crs: bool = False,
) -> Reads:
    """The source parameter ``name`` as :class:`Reads` (``fields``: all when None).

    Logs the algorithm's time and memory estimate for a large input
    (``alg.log_estimate``), reads the layer in bulk (a chunk at a time, so
    that a cancel stops it within a chunk), settles its CRS
    (``inputs.reads_crs``; with ``require_crs`` a layer without a CRS is an
    error instead) and, with ``null_island``, warns about reads at 0,0.  Raises ``Cancelled`` when the run was cancelled while reading.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    layer_name = source.sourceName() or _tr("the input layer")
    if hasattr(alg, "log_estimate"):
        alg.log_estimate(feedback, source.featureCount())
    frame = _read_in_chunks(alg, parameters, name, context, fields, geometry, progress, feedback.isCanceled)
    if feedback.isCanceled():
        raise Cancelled()
    transform_context = context.transformContext()
    if require_crs and not frame.crs.isValid():
        raise QgsProcessingException(
            _tr("{} has no CRS: set the layer's CRS so distances can be measured.").format(name)
        )
    crs = reads_crs(frame, layer_name, feedback, alg) if geometry and not require_crs else frame.crs
    if null_island and geometry:
        warn_null_island(alg, frame.x, frame.y, crs, transform_context, feedback)
    return Reads(frame, crs, layer_name, transform_context)
