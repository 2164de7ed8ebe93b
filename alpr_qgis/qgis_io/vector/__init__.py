"""Whole-column vector I/O between QGIS layers and pandas.

Writing one feature at a time through PyQGIS costs about 37 µs a feature, so
a GeoPackage output is filled in bulk: QGIS creates the layer through the
ordinary Processing sink (so the destination, the layer name and loading on
completion behave as for any algorithm), then the rows go in through SQLite
in one transaction, with the GeoPackage's spatial index, extent and counts
brought up to date.  Any other destination (memory layer, shapefile,
database) takes the rows through the sink, in batches.

Reading does the reverse: a point layer stored in a GeoPackage is read
straight from SQLite into columns; anything else (memory, database, a
selection or a filtered source) through QGIS's feature iterator.
:func:`read_points` reads just the points (and a weight) with no table: a
GeoPackage's geometry blobs come back concatenated and are decoded by numpy.

Rooms:

- ``fields``: ``Frame``, ``Progress``/``IsCancelled``, QGIS fields for a
  DataFrame (``qgs_fields``) and values to and from Qt.
- ``blobs``: GeoPackage geometry blobs: a layer's table, WKB to blobs
  (``wkb_blobs``), point blobs parsed by numpy (``parse_point_blobs``,
  ``packed_points``), whole GeoPackage sources (``bulk_gpkg_source``).
- ``rtree``: the spatial index packed at once (``pack_rtree``, ``fill_rtree``).
- ``appender``: ``GpkgAppender``, rows into a GeoPackage table through SQLite.
- ``write``: ``write_frame`` and the sinks it writes through.
- ``stream``: ``FrameStream``, frames written one after another.
- ``point_chunks``: ``PointChunks``, a GeoPackage's points a fid range at a time.
- ``read``: ``read_frame`` and ``read_points``.
- ``chunks``: ``read_chunks``, ``read_frame``'s columns a chunk of rows at a time.

Each room imports only the ones listed above it; nothing here imports
:mod:`alpr_qgis.qgis_io.points` (which imports this package).
"""

from alpr_qgis.qgis_io.sqlite_rows import point_blobs, quote_name
from alpr_qgis.qgis_io.vector.appender import GpkgAppender, _insert_gpkg, _rollback_journal, _write_back
from alpr_qgis.qgis_io.vector.blobs import (
    _epsg_code,
    _gpkg_layer_path,
    _gpkg_table,
    bulk_gpkg_source,
    packed_points,
    parse_point_blobs,
    wkb_blobs,
)
from alpr_qgis.qgis_io.vector.chunks import FrameChunks, read_chunks
from alpr_qgis.qgis_io.vector.fields import Frame, IsCancelled, Progress, _from_qt, _qt_column, _typed, qgs_fields
from alpr_qgis.qgis_io.vector.point_chunks import PointChunks
from alpr_qgis.qgis_io.vector.read import Points, _gpkg_points, _read_gpkg, read_frame, read_points
from alpr_qgis.qgis_io.vector.rtree import fill_rtree, pack_rtree
from alpr_qgis.qgis_io.vector.stream import FrameStream
from alpr_qgis.qgis_io.vector.write import (
    GPKG_MAX_COLUMNS,
    _check_rows,
    _insert_sink,
    _ogr_uri,
    _Output,
    _with_sink,
    bulk_parameters,
    split_destination,
    write_frame,
)

__all__ = [
    "GPKG_MAX_COLUMNS",
    "Frame",
    "FrameChunks",
    "FrameStream",
    "GpkgAppender",
    "IsCancelled",
    "PointChunks",
    "Points",
    "Progress",
    "_Output",
    "_check_rows",
    "_epsg_code",
    "_from_qt",
    "_gpkg_layer_path",
    "_gpkg_points",
    "_gpkg_table",
    "_insert_gpkg",
    "_insert_sink",
    "_ogr_uri",
    "_qt_column",
    "_read_gpkg",
    "_rollback_journal",
    "_typed",
    "_with_sink",
    "_write_back",
    "bulk_gpkg_source",
    "bulk_parameters",
    "fill_rtree",
    "pack_rtree",
    "packed_points",
    "parse_point_blobs",
    "point_blobs",
    "qgs_fields",
    "read_chunks",
    "quote_name",
    "read_frame",
    "read_points",
    "split_destination",
    "wkb_blobs",
    "write_frame",
]
