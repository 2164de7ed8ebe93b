"""Points of a GeoPackage layer, chunk by chunk: for algorithms that never need all of them at once.

:func:`alpr_qgis.qgis_io.vector.read_points` returns every point as two
float64 arrays (16 bytes a point); :class:`PointChunks` hands the same
points out a fid range at a time (about :data:`CHUNK` rows), so a consumer
that keeps less per point (the heatmap keeps 6 bytes) holds less.  It
reads a whole GeoPackage point layer with SQLite, in one read transaction
(``read_points`` gathers its chunks): each range as one ``group_concat`` blob decoded by
numpy, or row by row when the range holds other kinds of blobs (empty
points, envelopes, Z) or when weights are asked for.  Any other source
(memory layers, selections, filters, other formats) is not read here:
:func:`open_point_chunks` returns None and the caller falls back to
``read_points``.
"""

from __future__ import annotations

from typing import Dict, Optional

from alpr_qgis.qgis_io.vector import bulk_gpkg_source
from alpr_qgis.qgis_io.vector.point_chunks import Chunk, PointChunks

#: Rows per fid range of :func:`open_point_chunks` (about 0.5 MB of geometry blobs).
CHUNK = 32_768

__all__ = ["CHUNK", "Chunk", "PointChunks", "open_point_chunks"]


def open_point_chunks(
    alg, parameters: Dict, name: str, context, weight_field: Optional[str] = None
) -> Optional[PointChunks]:
    """Chunks of the source parameter ``name`` when it is a whole GeoPackage point layer; None otherwise."""
    where = bulk_gpkg_source(alg, parameters, name, context)
    if where is None:
        return None
    try:
        return PointChunks(where[0], where[1], weight_field, CHUNK)
    except (ValueError, StopIteration):
        return None  # no geometry column or no primary key: the caller reads the layer through QGIS
