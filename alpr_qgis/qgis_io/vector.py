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
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPoint,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingUtils,
    QgsProperty,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.scratch import ScratchDir, sweep
from alpr_qgis.qgis_io.outputs import (
    WRITE_ERRORS,
    AtomicFile,
    failed_write,
    requested_destination,
    without_folders,
)
from alpr_qgis.qgis_io.sqlite_rows import (
    _GPKG_POINT,
    BATCH,
    PART_TABLE,
    insert_batches,
    insert_rows,
    part_column,
    point_blobs,
    quote_name,
    sql_values,
)

pd = lazy_module("pandas")

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]


@dataclass
class Frame:
    """A layer as columns: attributes, point coordinates (NaN = no geometry), CRS."""

    table: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    crs: QgsCoordinateReferenceSystem


# ------------------------------------------------------------------ fields


def qgs_fields(table: pd.DataFrame) -> QgsFields:
    """QGIS fields matching the DataFrame's columns and dtypes."""
    fields = QgsFields()
    for name, dtype in table.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            kind = QVariant.Bool
        elif pd.api.types.is_integer_dtype(dtype):
            kind = QVariant.LongLong
        elif pd.api.types.is_float_dtype(dtype):
            kind = QVariant.Double
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kind = QVariant.DateTime
        else:
            kind = QVariant.String
        fields.append(QgsField(str(name), kind))
    return fields


def _qt_column(series: pd.Series) -> List[object]:
    """Values for QgsFeature.setAttributes (QDateTime for times, None for null)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        out: List[object] = []
        for ts in series:
            if pd.isna(ts):
                out.append(None)
            else:
                out.append(
                    QDateTime(
                        QDate(ts.year, ts.month, ts.day), QTime(ts.hour, ts.minute, ts.second, ts.microsecond // 1000)
                    )
                )
        return out
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(object).where(series.notna(), None).map(lambda v: v if v is None else bool(v)).tolist()
    return sql_values(series)


# ------------------------------------------------------------------ writing


def split_destination(dest: str) -> Tuple[str, Optional[str]]:
    """(file path, layer name or None) of a sink destination string."""
    path, _, opts = dest.partition("|")
    match = re.search(r"layername=([^|]+)", opts)
    return path, match.group(1) if match else None


def _ogr_uri(path: str, layer: str, geometry_type: int) -> str:
    """QGIS's destination string for layer ``layer`` of the GeoPackage ``path``."""
    geometry = "" if geometry_type == QgsWkbTypes.NoGeometry else " (geom)"
    return "ogr:dbname='{}' table=\"{}\"{}".format(path, layer.replace('"', ""), geometry)


def _with_sink(value, sink: str):
    """``value`` (a destination parameter's value) pointing at ``sink`` instead, with its other settings."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        changed = QgsProcessingOutputLayerDefinition(value)
        changed.sink = QgsProperty.fromValue(sink)
        return changed
    return sink


#: Columns a GeoPackage table can have (SQLite's default limit), its feature id and geometry included.
GPKG_MAX_COLUMNS = 2000


class _Output:
    """One sink output being written: the QGIS sink and, for a GeoPackage file, where the rows go through SQLite.

    ``dest`` is the destination reported to the caller (the one asked for).
    A GeoPackage is written whole into a temporary file beside its
    destination (``atomic``), renamed into place by ``commit`` once its rows
    are counted; except a layer named in a GeoPackage that already exists,
    which is written in that file, its rows in one SQLite transaction (the
    file's other layers stay).  ``path`` is the GeoPackage file the rows go
    into (None: they go through the sink) and ``layer`` its layer.
    """

    def __init__(self, alg, parameters: Dict, name: str, context, fields, geometry_type, crs) -> None:
        self.atomic: Optional[AtomicFile] = None
        self.path: Optional[str] = None
        self.layer: Optional[str] = None
        value = parameters.get(name)
        wanted = requested_destination(alg, parameters, name, context)
        if wanted is None or not wanted.path.lower().endswith(".gpkg"):
            self.sink, self.dest = alg.parameterAsSink(parameters, name, context, fields, geometry_type, crs)
            self.shown = self.dest or name
            return
        self.shown = wanted.path
        self.layer = wanted.layer
        if fields.count() + 2 > GPKG_MAX_COLUMNS:  # (SQLite's limit; QGIS would make a file with no table)
            raise QgsProcessingException(
                "{} cannot hold {:,} columns: a GeoPackage table holds at most {:,} besides its feature id and "
                "geometry. Remove columns from the source, or choose another format for {}.".format(
                    os.path.basename(wanted.path), fields.count(), GPKG_MAX_COLUMNS - 2, name
                )
            )
        if wanted.layer is not None and os.path.isfile(wanted.path):
            changed = dict(parameters, **{name: _with_sink(value, _ogr_uri(wanted.path, wanted.layer, geometry_type))})
            self.sink, self.dest = alg.parameterAsSink(changed, name, context, fields, geometry_type, crs)
            self.path = wanted.path
            return
        self.atomic = AtomicFile(wanted.path)
        temp = self.atomic.temp if wanted.layer is None else _ogr_uri(self.atomic.temp, wanted.layer, geometry_type)
        try:
            # A plain string: QGIS loads nothing on completion from it (the real destination is registered below).
            self.sink, _ = alg.parameterAsSink(
                dict(parameters, **{name: temp}), name, context, fields, geometry_type, crs
            )
        except BaseException:
            self.discard()
            raise
        if self.sink is None:
            self.discard()
            return
        self.path = self.atomic.temp
        self.dest = wanted.path if wanted.layer is None else "{}|layername={}".format(wanted.path, wanted.layer)
        if isinstance(value, QgsProcessingOutputLayerDefinition) and value.destinationProject is not None:
            definition = alg.parameterDefinition(name)
            details = QgsProcessingContext.LayerDetails(
                value.destinationName or (definition.description() if definition else name),
                value.destinationProject,
                name,
                QgsProcessingUtils.LayerHint.Vector,
            )
            context.addLayerToLoadOnCompletion(self.dest, details)

    def close_sink(self) -> None:
        """Close QGIS's sink (the file it created is complete and closed; the rows go in through SQLite)."""
        self.sink = None

    def commit(self, rows: int) -> None:
        """Check the GeoPackage holds ``rows`` rows and, if written aside, rename it into place."""
        try:
            if self.atomic is not None:
                _check_rows(self.path, self.layer, rows)
                self.atomic.commit(stale=tuple(self.atomic.path + s for s in ("-journal", "-wal", "-shm")))
                self.atomic = None
        except WRITE_ERRORS as err:
            raise failed_write(err, self.shown) from None
        finally:
            self.discard()

    def failed(self, err: BaseException) -> QgsProcessingException:
        """The one-line error for ``err`` (said while the partial file still takes its space), then the file goes."""
        error = failed_write(err, self.shown)
        self.discard()
        return error

    def discard(self) -> None:
        """Remove the temporary file (the destination, and any file there before, untouched)."""
        self.sink = None
        if self.atomic is not None:
            self.atomic.discard()
            self.atomic = None


def _check_rows(path: str, layer: Optional[str], rows: int) -> None:
    """Raise unless the GeoPackage ``path``'s table holds ``rows`` rows (every page in the file itself)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")  # (a write-ahead log is folded into the file)
        name = _gpkg_table(conn, path, layer)
        found = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(name))).fetchone()[0]
    finally:
        conn.close()
    if found != rows:
        raise QgsProcessingException(
            "could not write {}: {} of {} rows were stored; run again".format(os.path.basename(path), found, rows)
        )


def write_frame(
    alg,
    parameters: Dict,
    name: str,
    context,
    table: pd.DataFrame,
    *,
    x: Optional[np.ndarray] = None,
    y: Optional[np.ndarray] = None,
    wkb: Optional[Sequence[Optional[bytes]]] = None,
    wkb_type: Optional[int] = None,
    crs: Optional[QgsCoordinateReferenceSystem] = None,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Tuple[Optional[str], int]:
    """Write ``table`` to the sink ``name``, with geometry from ``x``/``y`` or ``wkb``.

    Points come as ``x``/``y`` arrays (NaN = no geometry).  Any other geometry
    comes as ``wkb``, one WKB ``bytes`` (or None) per row, with its
    ``wkb_type`` (e.g. ``QgsWkbTypes.Polygon``; shapely's ``geom.wkb`` gives
    it).  Neither: a table without geometry.  Returns ``(destination, rows
    written)``; ``(None, 0)`` when an optional sink was not requested.

    A GeoPackage file is written aside and renamed into place once complete
    (see ``_Output``): a failed, cancelled or killed run leaves the previous
    file as it was.  Raises ``Cancelled`` when cancelled while writing one.
    A failed write raises ``QgsProcessingException`` with one line naming
    the file (``outputs.write_failure``).
    """
    fields = qgs_fields(table)
    if x is not None:
        geometry_type = QgsWkbTypes.Point
    elif wkb is not None:
        geometry_type = wkb_type if wkb_type is not None else QgsWkbTypes.Unknown
    else:
        geometry_type = QgsWkbTypes.NoGeometry
    out = _Output(alg, parameters, name, context, fields, geometry_type, crs or QgsCoordinateReferenceSystem())
    if out.sink is None:
        definition = alg.parameterDefinition(name)
        if definition.flags() & QgsProcessingParameterDefinition.FlagOptional and not parameters.get(name):
            return None, 0
        raise QgsProcessingException(alg.invalidSinkError(parameters, name))
    try:
        if out.path is not None:
            out.close_sink()
            if not _insert_gpkg(out.path, out.layer, table, x, y, wkb, progress, cancelled):
                out.discard()
                raise Cancelled()
            out.commit(len(table))
        else:
            _insert_sink(out.sink, fields, table, x, y, wkb, progress, cancelled)
            out.close_sink()
    except WRITE_ERRORS as err:
        raise out.failed(err) from None
    finally:
        out.discard()
    return out.dest, len(table)


class FrameStream:
    """Writes frames of the same columns one after another to the sink ``name`` (points from x/y).

    To a GeoPackage file the rows go in through ``GpkgAppender`` as each
    frame comes, while the caller makes the next one; the sink is created
    when the first frame comes (its columns make the layer's fields).  Any
    other destination (memory layer, shapefile, ...) gets the frames at
    ``finish``, in one ``write_frame``.  ``forget`` drops every frame given
    so far (the next frame may have other columns).  Nothing is committed
    before ``finish``.
    """

    def __init__(self, alg, parameters: Dict, name: str, context, crs: Optional[QgsCoordinateReferenceSystem]) -> None:
        self.alg, self.parameters, self.name, self.context, self.crs = alg, parameters, name, context, crs
        wanted = requested_destination(alg, parameters, name, context)
        self._target = wanted.path if wanted is not None else ""
        self.to_gpkg = self._target.lower().endswith(".gpkg")
        if self.to_gpkg:
            sweep(
                os.path.dirname(os.path.abspath(self._target))
            )  # raw plates and half-written outputs a killed run left
        self.dest: Optional[str] = None
        self.rows = 0
        self._appender: Optional[GpkgAppender] = None
        self._output: Optional[_Output] = None  # the GeoPackage being written (aside, until ``finish``)
        self._frames: List[Tuple[pd.DataFrame, np.ndarray, np.ndarray]] = []
        self._scratch: Optional[ScratchDir] = None  # the folder of the workers' files (``part_store``)
        self._stored_srs: Optional[int] = None  # the spatial reference id they store points with

    def append(
        self,
        table: pd.DataFrame,
        x: np.ndarray,
        y: np.ndarray,
        cancelled: IsCancelled = lambda: False,
        *,
        last: bool = False,
    ) -> bool:
        """Take ``table``'s rows (False if cancelled); ``last``: no frame follows."""
        if not self.to_gpkg:
            self._frames.append((table, x, y))
            self.rows += len(table)
            return not cancelled()
        if self._appender is None:
            out = _Output(
                self.alg,
                self.parameters,
                self.name,
                self.context,
                qgs_fields(table),
                QgsWkbTypes.Point,
                self.crs or QgsCoordinateReferenceSystem(),
            )
            if out.sink is None:
                raise QgsProcessingException(self.alg.invalidSinkError(self.parameters, self.name))
            self._output = out
            out.close_sink()  # the rows go in through SQLite
            if out.path is None:
                raise QgsProcessingException("The output {} is not a GeoPackage file.".format(self.name))
            self.dest = out.dest
            try:
                self._appender = GpkgAppender(out.path, out.layer)
            except WRITE_ERRORS as err:
                raise self._fail(err) from None
            if self._stored_srs is not None and self._appender.srs_id != self._stored_srs:
                from alpr_qgis.core.reads import NotStreamableError

                raise NotStreamableError("the output's spatial reference is not the one foreseen for the parts")
        self.rows += len(table)
        try:
            return self._appender.append(table, x, y, cancelled=cancelled, last=last)
        except WRITE_ERRORS as err:
            raise self._fail(err) from None

    def _fail(self, err: BaseException) -> QgsProcessingException:
        """The one-line error for a failed write (the partial output removed; the caller calls ``forget``)."""
        appender, self._appender = self._appender, None
        if appender is not None:
            with contextlib.suppress(*WRITE_ERRORS):
                appender.rollback()
        out, self._output = self._output, None
        return out.failed(err) if out is not None else failed_write(err, self._target or self.name)

    def part_store(self):
        """A ``PartStore`` for the loader's workers to store rows for this GeoPackage (None for other destinations).

        It may be asked for before the first frame makes the layer: the
        workers' points then take the spatial reference id a GeoPackage
        gives an EPSG code (the code itself); if the layer gets another, the
        first frame raises ``NotStreamableError`` (the caller starts over).
        The workers' files go to a scratch directory beside the GeoPackage,
        removed at ``finish`` or ``forget``.
        """
        from alpr_qgis.core.reads import PartStore
        from alpr_qgis.qgis_io.sqlite_rows import PART_FILES, store_part

        if not self.to_gpkg:
            return None
        srs = self._appender.srs_id if self._appender is not None else _epsg_code(self.crs)
        if srs is None:
            return None
        if self._scratch is None:
            # Raw plates: one private folder (0700) per run, removed on every exit path, swept when orphaned.
            self._scratch = ScratchDir(os.path.dirname(os.path.abspath(self._target)))
        self._stored_srs = int(srs)
        files = [self._scratch.file("part_rows_{}.sqlite".format(i)) for i in range(PART_FILES)]
        return PartStore(store_part, files, self._stored_srs)

    def _drop_scratch(self) -> None:
        if self._scratch is not None:
            self._scratch.close()  # (the workers' files)
            self._scratch = None
        self._stored_srs = None

    def append_stored(
        self,
        table: pd.DataFrame,
        stored,
        x: np.ndarray,
        y: np.ndarray,
        add: Optional[Dict[str, int]] = None,
        cancelled: IsCancelled = lambda: False,
        *,
        last: bool = False,
    ) -> bool:
        """Take the rows a worker stored (``stored``: a ``StoredRows``; ``table``: their columns); False if cancelled.

        Only after ``part_store`` gave the worker its file.
        """
        if self._appender is None:
            raise ValueError("stored rows come only after part_store")
        self.rows += stored.rows
        try:
            return self._appender.append_stored(
                table,
                stored.file,
                stored.first,
                stored.rows,
                x,
                y,
                add,
                closes=stored.closes,
                cancelled=cancelled,
                last=last,
            )
        except WRITE_ERRORS as err:
            raise self._fail(err) from None

    def forget(self) -> None:
        """Forget every frame given so far (a GeoPackage written aside is removed); more may follow."""
        appender, self._appender = self._appender, None
        out, self._output = self._output, None
        self._frames = []
        self.rows = 0
        try:
            if appender is not None:
                appender.rollback()
        finally:
            if out is not None:
                out.discard()
            self._drop_scratch()

    def finish(self, progress: Progress = lambda f: None, cancelled: IsCancelled = lambda: False) -> Tuple[str, int]:
        """Store everything; ``(destination, rows written)``.

        A GeoPackage written aside is renamed into place once its rows are
        counted; a failed write raises ``QgsProcessingException`` (one line,
        naming the file), a cancelled one ``Cancelled``.
        """
        if self._appender is not None:
            appender, self._appender = self._appender, None
            try:
                if not appender.finish(progress, cancelled):
                    raise Cancelled()
                self._output.commit(self.rows)
                self._output = None
            except WRITE_ERRORS as err:
                raise self._fail(err) from None
            finally:
                self._drop_scratch()
            return self.dest, self.rows
        if not self._frames:  # the caller gives at least one frame, empty or not
            raise QgsProcessingException("Internal error: no frame was given for {}.".format(self.name))
        frames, self._frames = self._frames, []
        table = pd.concat([f[0] for f in frames], ignore_index=True) if len(frames) > 1 else frames[0][0]
        x, y = np.concatenate([f[1] for f in frames]), np.concatenate([f[2] for f in frames])
        return write_frame(
            self.alg,
            self.parameters,
            self.name,
            self.context,
            table,
            x=x,
            y=y,
            crs=self.crs,
            progress=progress,
            cancelled=cancelled,
        )


def _gpkg_table(conn: sqlite3.Connection, path: str, layer: Optional[str]) -> str:
    names = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")]
    if layer:
        for n in names:
            if n.lower() == layer.lower():
                return n
    stem = os.path.splitext(os.path.basename(path))[0]
    for n in names:
        if n.lower() == stem.lower():
            return n
    if len(names) == 1:
        return names[0]
    raise QgsProcessingException("Cannot tell which layer of {} to write.".format(os.path.basename(path)))


def wkb_blobs(wkb: Sequence[Optional[bytes]], srs_id: int) -> Tuple[List[Optional[bytes]], np.ndarray]:
    """GeoPackage blobs (header without envelope + WKB) and each geometry's (minx, miny, maxx, maxy)."""
    from shapely import wkb as shapely_wkb

    header = b"GP\x00\x01" + int(srs_id).to_bytes(4, "little", signed=True)
    blobs: List[Optional[bytes]] = []
    bounds = np.full((len(wkb), 4), np.nan)
    for i, raw in enumerate(wkb):
        if raw is None:
            blobs.append(None)
            continue
        geom = shapely_wkb.loads(bytes(raw))
        if geom.is_empty:
            blobs.append(b"GP\x00\x11" + header[4:] + bytes(raw))
            continue
        blobs.append(header + bytes(raw))
        bounds[i] = geom.bounds
    return blobs, bounds


_RTREE_CELL = np.dtype([("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])


def _f32(values: np.ndarray, up: bool) -> np.ndarray:
    """float32 rounded outward, as SQLite's R*Tree stores box edges."""
    out = values.astype(np.float32)
    wrong = out.astype(np.float64) < values if up else out.astype(np.float64) > values
    out[wrong] = np.nextafter(out[wrong], np.float32(np.inf if up else -np.inf))
    return out


def _rtree_capacity(conn: sqlite3.Connection, rtree: str) -> int:
    """Cells per node of an empty SQLite R*Tree whose nodes can be written directly, else 0."""
    root = conn.execute("SELECT length(data) FROM {} WHERE nodeno = 1".format(quote_name(rtree + "_node"))).fetchone()
    filled = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(rtree + "_rowid"))).fetchone()[0]
    node_size = root[0] if root else 0
    per_node = (node_size - 4) // _RTREE_CELL.itemsize
    if filled or per_node < 4 or (node_size - 4) % _RTREE_CELL.itemsize:
        return 0
    return per_node


_Packed = Tuple[List[Tuple[np.ndarray, np.ndarray]], Tuple[np.ndarray, np.ndarray], List[Tuple[np.ndarray, np.ndarray]]]


def fill_rtree(
    conn: sqlite3.Connection, rtree: str, ids: np.ndarray, bounds: np.ndarray, packed: Optional[_Packed] = None
) -> None:
    """Fill an empty 2-D SQLite R*Tree with ``ids`` and their (minx, miny, maxx, maxy) ``bounds``.

    Inserting row by row costs about 30 µs a row (SQLite re-balances the tree
    each time: half a minute for a million reads), so the tree is packed
    at once instead (``pack_rtree``; ``packed`` when already done) and its
    node, rowid and parent tables are written directly.  A tree that is not
    empty, or whose node size is unusual, is filled row by row.
    """
    if len(ids) == 0:
        return
    per_node = _rtree_capacity(conn, rtree)
    if not per_node:
        conn.executemany(
            "INSERT INTO {} (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)".format(quote_name(rtree)),
            zip(
                ids.tolist(), bounds[:, 0].tolist(), bounds[:, 2].tolist(), bounds[:, 1].tolist(), bounds[:, 3].tolist()
            ),
        )
        return
    nodes, leaf_owner, parents = packed if packed is not None else pack_rtree(ids, bounds, per_node)
    conn.execute("DELETE FROM {}".format(quote_name(rtree + "_node")))
    conn.execute("DELETE FROM {}".format(quote_name(rtree + "_parent")))
    for numbers, blobs in nodes:
        insert_rows(conn, rtree + "_node", ("nodeno", "data"), (numbers.tolist(), list(map(bytes, blobs))))
    rowids, owners = leaf_owner
    insert_rows(conn, rtree + "_rowid", ("rowid", "nodeno"), (rowids.tolist(), owners.tolist()))
    for children, owner in parents:
        insert_rows(conn, rtree + "_parent", ("nodeno", "parentnode"), (children.tolist(), owner.tolist()))


def pack_rtree(ids: np.ndarray, bounds: np.ndarray, per_node: int) -> _Packed:
    """The nodes of a packed R*Tree, in SQLite's own node format, for ``per_node`` cells a node.

    Sort-tile-recursive order; each node is a big-endian header (depth on
    the root, cell count), then 24-byte cells of a 64-bit id and four
    float32 edges rounded outward.  Returns ``(nodes, leaf owners, parents)``:
    (node numbers, node blobs) per level, (rowids in rowid order, their leaf
    node) and (child node numbers, parent node) per level above the leaves.
    Pure numpy (no SQLite), so it can run beside the inserts.
    """
    level_ids = np.asarray(ids, dtype=np.int64)
    minx, maxx = _f32(bounds[:, 0], False), _f32(bounds[:, 2], True)
    miny, maxy = _f32(bounds[:, 1], False), _f32(bounds[:, 3], True)
    nodes: List[Tuple[np.ndarray, np.ndarray]] = []
    parents: List[Tuple[np.ndarray, np.ndarray]] = []
    leaf_owner: Optional[Tuple[np.ndarray, np.ndarray]] = None
    leaf_order: Optional[np.ndarray] = None
    next_node, depth = 2, 0
    while True:
        n = len(level_ids)
        n_nodes = -(-n // per_node)
        order = _str_order((minx + maxx) / 2, (miny + maxy) / 2, per_node)
        level_ids, minx, maxx, miny, maxy = (a[order] for a in (level_ids, minx, maxx, miny, maxy))
        is_root = n_nodes == 1
        numbers = np.array([1], dtype=np.int64) if is_root else np.arange(next_node, next_node + n_nodes)
        next_node += 0 if is_root else n_nodes
        cells = np.zeros(n_nodes * per_node, dtype=_RTREE_CELL)
        cells["id"][:n], cells["minx"][:n], cells["maxx"][:n] = level_ids, minx, maxx
        cells["miny"][:n], cells["maxy"][:n] = miny, maxy
        header = np.zeros((n_nodes, 2), dtype=">u2")
        header[:, 1] = per_node
        header[-1, 1] = n - (n_nodes - 1) * per_node
        if is_root:
            header[0, 0] = depth
        blobs = np.concatenate(
            [header.view(np.uint8).reshape(n_nodes, 4), cells.view(np.uint8).reshape(n_nodes, -1)], axis=1
        )
        nodes.append((numbers, blobs))
        owner = np.repeat(numbers, per_node)[:n]
        if depth == 0:
            leaf_owner, leaf_order = (level_ids, owner), order
        else:
            parents.append((level_ids, owner))
        if is_root:
            break
        cut = np.arange(0, n, per_node)
        minx, maxx = np.minimum.reduceat(minx, cut), np.maximum.reduceat(maxx, cut)
        miny, maxy = np.minimum.reduceat(miny, cut), np.maximum.reduceat(maxy, cut)
        level_ids, depth = numbers, depth + 1
    # Rowid order writes several times faster: feature ids come in order, so undo the leaves' order.
    rowids, owners = leaf_owner
    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) < 2 or (ids[1:] > ids[:-1]).all():
        by_id = np.empty_like(owners)
        by_id[leaf_order] = owners
        return nodes, (ids, by_id), parents
    by_id = np.argsort(rowids)
    return nodes, (rowids[by_id], owners[by_id]), parents


def _str_order(cx: np.ndarray, cy: np.ndarray, per_node: int) -> np.ndarray:
    """Sort-tile-recursive order of boxes centred at (cx, cy): vertical slabs of whole nodes by x, y within each.

    A slab's boxes are found by partitioning on x (no full sort), then each
    slab is sorted on y.
    """
    n = len(cx)
    slabs = int(np.ceil(np.sqrt(-(-n // per_node))))
    size = slabs * per_node  # boxes a slab
    if n <= size:
        return np.argsort(cy, kind="stable")
    by_x = np.argpartition(cx, np.arange(size, n, size))  # each run of ``size`` is one slab
    order = np.empty(n, dtype=np.int64)
    for start in range(0, n, size):
        members = by_x[start : start + size]
        order[start : start + size] = members[np.argsort(cy[members], kind="stable")]
    return order


def _epsg_code(crs: Optional[QgsCoordinateReferenceSystem]) -> Optional[int]:
    """The EPSG code of ``crs`` (what a GeoPackage takes as its spatial reference id), or None."""
    if crs is None or not crs.isValid():
        return None
    authority, _, code = crs.authid().partition(":")
    return int(code) if authority.upper() == "EPSG" and code.isdigit() else None


def _write_back(path: str) -> bool:
    """Have the system write the file's changed pages to disk now (False if it cannot).

    The appender's connection never waits for the disk (``synchronous =
    OFF``), so a GeoPackage filled with hundreds of megabytes leaves them
    all in memory, and whoever next commits to the file with the usual
    safety (QGIS, saving the layer's style) waits for every one of them to
    be written: half a second for a million reads.  Written back in a
    background thread while the rows go in, they cost nothing.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        getattr(os, "fdatasync", os.fsync)(fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _rollback_journal(conn: sqlite3.Connection) -> bool:
    """Switch ``conn``'s file to a rollback journal; False when another connection holds it (mode kept).

    OGR leaves a GeoPackage in write-ahead-log mode, where every new page is
    written twice: to the log, then into the file.  With a rollback journal
    the pages a bulk insert adds are written once.  Leaving the log needs
    the file to itself.
    """
    try:
        return conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0].lower() == "delete"
    except sqlite3.OperationalError as err:
        if "locked" not in str(err):
            raise
        return False


class GpkgAppender:
    """Appends rows to an empty GeoPackage table through SQLite, in one transaction.

    Made for a table that QGIS has just created (``parameterAsSink``): its
    feature-count and R-tree triggers are dropped while the rows go in and
    made again at the end; the spatial index is packed at once
    (``fill_rtree``).  ``append`` hands one frame to a second thread, which
    makes its rows' values while a third has SQLite store them, and returns
    at once (unless two frames are still waiting), so the caller can make
    the next frame meanwhile.  ``finish`` commits, unless a frame's storing
    was cancelled; ``rollback`` (also on any error) leaves the table as it
    was.

    Rows that loader worker processes stored in files of their own
    (``append_stored``) are copied in by SQLite, in the same
    transaction, once their file is done: reading a file holds it until the
    commit, so a worker could not write to it again.  They are copied in
    the order of their feature ids, as soon as the files of every earlier
    stored part are done (the rest at ``finish``).
    """

    _QUEUED = 2  # frames waiting at most; the caller waits beyond

    def __init__(self, path: str, layer: Optional[str]) -> None:
        self.path = path
        self.conn = conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)  # see insert_batches
        try:
            self.name = name = _gpkg_table(conn, path, layer)
            self.geom_row = conn.execute(
                "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
                (name,),
            ).fetchone()
            self.fid_col = next(r[1] for r in conn.execute("PRAGMA table_info({})".format(quote_name(name))) if r[5])
            self.next_fid = (
                conn.execute(
                    "SELECT COALESCE(MAX({}), 0) FROM {}".format(quote_name(self.fid_col), quote_name(name))
                ).fetchone()[0]
                + 1
            )
            conn.execute("PRAGMA synchronous = OFF")
            _rollback_journal(conn)
            conn.execute("BEGIN")
            self.rows_before = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(name))).fetchone()[0]
            self.triggers = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(?)",
                (name,),
            ).fetchall()
            for trig, _ in self.triggers:
                conn.execute("DROP TRIGGER {}".format(quote_name(trig)))
        except Exception:
            conn.close()
            raise
        self._jobs = ThreadPoolExecutor(max_workers=1)
        self._queued: List = []
        self.cancelled = False
        self.rows = 0
        self._ids: List[np.ndarray] = []
        self._bounds: List[np.ndarray] = []
        self._packer = ThreadPoolExecutor(max_workers=1)
        self._packing = None
        self._flusher = ThreadPoolExecutor(max_workers=1)
        self._flushing = None
        # Stored rows not copied yet: (file, first rowid, rows, first feature id,
        # [(column, its name in the file, number added or None)]), in feature-id order.
        self._stored: List[Tuple[str, int, int, int, List[Tuple[str, str, Optional[int]]]]] = []
        self._done_files: set = set()  # files no more rows will be stored in
        self._attached: Dict[str, str] = {}  # file -> its schema name on self.conn

    def append(
        self,
        table: pd.DataFrame,
        x: Optional[np.ndarray] = None,
        y: Optional[np.ndarray] = None,
        wkb: Optional[Sequence[Optional[bytes]]] = None,
        progress: Progress = lambda f: None,
        cancelled: IsCancelled = lambda: False,
        *,
        last: bool = False,
    ) -> bool:
        """Hand ``table``'s rows over for storing; False if cancelled.  ``last``: no more rows will come.

        ``progress`` and ``cancelled`` are called from the storing thread.
        """
        n = len(table)
        # Each column as a function of a row range: values are made batch by batch, while SQLite stores.
        columns: List[Callable[[int, int], Sequence[object]]] = [lambda a, b: fids[a:b].tolist()]
        names = [self.fid_col]
        bounds = None
        if self.geom_row is not None and x is not None:
            srs_id = self.srs_id
            columns.append(lambda a, b: point_blobs(x[a:b], y[a:b], srs_id))
            names.append(self.geom_row[0])
            bounds = np.column_stack([x, y, x, y])
        elif self.geom_row is not None and wkb is not None:
            blobs, bounds = wkb_blobs(wkb, self.srs_id)
            columns.append(lambda a, b: blobs[a:b])
            names.append(self.geom_row[0])
        for col in table.columns:
            if str(col).lower() == self.fid_col.lower():
                continue  # a source's feature id: the new layer numbers its own features
            columns.append(lambda a, b, series=table[col]: sql_values(series.iloc[a:b]))
            names.append(str(col))
        fids = self._take(n, bounds, last)

        def store() -> bool:
            return insert_batches(
                self.conn,
                self.name,
                names,
                n,
                lambda a, b: [column(a, b) for column in columns],
                progress,
                cancelled,
                threaded=True,
            )

        return self._submit(store, cancelled)

    def _take(self, n: int, bounds: Optional[np.ndarray], last: bool) -> np.ndarray:
        """Feature ids for ``n`` more rows; their (minx, miny, maxx, maxy) ``bounds`` kept for the spatial index.

        ``last``: no more rows come, so the index is packed now (numpy,
        without the global lock) while the rows go in.
        """
        fids = np.arange(self.next_fid, self.next_fid + n, dtype=np.int64)
        self.next_fid += n
        self.rows += n
        if bounds is not None and n:
            valid = ~np.isnan(bounds).any(axis=1)
            self._ids.append(fids[valid])
            self._bounds.append(bounds[valid])
        if last:
            self._start_packing()
        return fids

    @property
    def srs_id(self) -> Optional[int]:
        """The spatial reference id of the table's geometry column (None without one)."""
        return int(self.geom_row[1]) if self.geom_row is not None else None

    def _submit(self, job: Callable[[], bool], cancelled: IsCancelled) -> bool:
        """Queue ``job`` (True when done, False when cancelled) for the storing thread; False if cancelled."""
        while len(self._queued) >= self._QUEUED:
            self._settle(self._queued.pop(0))
        if self.cancelled or cancelled():
            self.cancelled = True
            return False
        self._queued.append(self._jobs.submit(self._then_write_back, job))
        return True

    def _then_write_back(self, job: Callable[[], bool]) -> bool:
        done = job()
        if done:
            self._write_back_soon()
        return done

    def _write_back_soon(self) -> None:
        """Have the pages written so far go to disk in the background (``_write_back``), unless that is under way."""
        if self._flushing is None or self._flushing.done():
            self._flushing = self._flusher.submit(_write_back, self.path)

    def append_stored(
        self,
        table: pd.DataFrame,
        file: str,
        first: int,
        rows: int,
        x: np.ndarray,
        y: np.ndarray,
        add: Optional[Dict[str, int]] = None,
        *,
        closes: bool = False,
        cancelled: IsCancelled = lambda: False,
        last: bool = False,
    ) -> bool:
        """Take ``rows`` rows a worker stored (``sqlite_rows.store_part``) in ``file`` from rowid ``first``.

        ``table`` has the columns they were stored with (no rows needed);
        ``x``/``y`` are their points; ``add`` maps integer columns to a number
        added to each value; ``closes``: no more rows will be stored in
        ``file``.  The rows take their feature ids now (rows appended later
        come after them) and are copied in once their file and those before
        it are done (at ``finish`` at the latest).  False if cancelled.
        """
        add = add or {}
        columns = [
            (str(col), part_column(i), int(add[col]) if col in add else None)
            for i, col in enumerate(table.columns)
            if str(col).lower() != self.fid_col.lower()  # as in append
        ]
        self._stored.append((file, first, rows, self.next_fid, columns))
        self._take(rows, np.column_stack([x, y, x, y]) if self.geom_row is not None else None, last)
        if closes:
            self._done_files.add(file)
        ready = 0
        while ready < len(self._stored) and self._stored[ready][0] in self._done_files:
            ready += 1
        if ready:
            parts, self._stored = self._stored[:ready], self._stored[ready:]
            return self._submit(lambda: self._copy_stored(parts, lambda f: None, cancelled), cancelled)
        return not (self.cancelled or cancelled())

    def _copy_stored(self, parts: list, progress: Progress, cancelled: IsCancelled) -> bool:
        """Copy stored rows (``_stored`` items) in, part by part; False if cancelled."""
        conn = self.conn
        total = sum(part[2] for part in parts) or 1
        done = 0
        for file, first, rows, fid, columns in parts:
            if cancelled():
                return False
            alias = self._attached.get(file)
            if alias is None:
                alias = self._attached[file] = "alpr_part{}".format(len(self._attached))
                conn.execute("ATTACH DATABASE ? AS {}".format(alias), (file,))  # (allowed in a transaction)
            names, values, params = [self.fid_col], ["rowid + ?"], [fid - first]
            if self.geom_row is not None:
                names.append(self.geom_row[0])
                values.append("geom")
            for name, source, plus in columns:
                names.append(name)
                values.append(source if plus is None else "{} + ?".format(source))
                params += [] if plus is None else [plus]
            copied = conn.execute(
                "INSERT INTO {} ({}) SELECT {} FROM {}.{} WHERE rowid >= ? AND rowid < ?".format(
                    quote_name(self.name),
                    ", ".join(quote_name(n) for n in names),
                    ", ".join(values),
                    alias,
                    PART_TABLE,
                ),
                params + [first, first + rows],
            ).rowcount
            if copied != rows:  # (a worker's file that lost rows: never write an output short of them)
                raise RuntimeError("{} of {} stored rows were found in {}".format(copied, rows, file))
            done += rows
            progress(done / total)
        return True

    def _settle(self, job) -> None:
        if not job.result():  # raises the job's error
            self.cancelled = True

    def _rtree(self) -> Optional[str]:
        if self.geom_row is None:
            return None
        rtree = "rtree_{}_{}".format(self.name, self.geom_row[0])
        exists = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (rtree,)).fetchone()
        return rtree if exists else None

    def _start_packing(self) -> None:
        if self._packing is not None or not self._ids:
            return
        ids, bounds = np.concatenate(self._ids), np.concatenate(self._bounds)
        self._ids, self._bounds = [ids], [bounds]
        rtree = self._rtree()
        per_node = _rtree_capacity(self.conn, rtree) if rtree and len(ids) else 0
        if per_node:
            self._packing = self._packer.submit(pack_rtree, ids, bounds, per_node)

    def finish(self, progress: Progress = lambda f: None, cancelled: IsCancelled = lambda: False) -> bool:
        """Store what is pending, fill the spatial index, count the features, commit; False if cancelled."""
        conn, name = self.conn, self.name
        try:
            self._start_packing()
            while self._queued:
                self._settle(self._queued.pop(0))
            # (the spatial index is packed in another thread meanwhile)
            parts, self._stored = self._stored, []
            if self.cancelled or not self._copy_stored(parts, lambda f: progress(0.5 * f), cancelled):
                self.rollback()
                return False
            self._packer.shutdown(wait=True)
            progress(0.5)
            if self._ids:
                ids, bounds = np.concatenate(self._ids), np.concatenate(self._bounds)
                rtree = self._rtree()
                if rtree:
                    fill_rtree(conn, rtree, ids, bounds, self._packing.result() if self._packing else None)
                    self._write_back_soon()  # (the index's pages too, meanwhile)
                if len(ids):
                    conn.execute(
                        "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
                        "last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE lower(table_name) = lower(?)",
                        (
                            float(bounds[:, 0].min()),
                            float(bounds[:, 1].min()),
                            float(bounds[:, 2].max()),
                            float(bounds[:, 3].max()),
                            name,
                        ),
                    )
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone():
                conn.execute(
                    "UPDATE gpkg_ogr_contents SET feature_count = (SELECT COUNT(*) FROM {}) "
                    "WHERE lower(table_name) = lower(?)".format(quote_name(name)),
                    (name,),
                )
            for _, trig_sql in self.triggers:
                conn.execute(trig_sql)
            added = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(name))).fetchone()[0] - self.rows_before
            if added != self.rows:  # never commit a table short of rows (or with more)
                raise QgsProcessingException(
                    "could not write {}: {} of {} rows were stored; run again".format(
                        os.path.basename(self.path), added, self.rows
                    )
                )
            conn.execute("COMMIT")
            progress(1.0)
        except BaseException:
            self.rollback()
            raise
        self._close()
        return True

    def rollback(self) -> None:
        """Forget every row appended (the table is as it was) and close."""
        try:
            self._queued = []
            self._jobs.shutdown(wait=True, cancel_futures=True)
            self._packer.shutdown(wait=True)
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            self._close()

    def _close(self) -> None:
        self._jobs.shutdown(wait=True)
        self._packer.shutdown(wait=True)
        self._flusher.shutdown(wait=False)
        self.conn.close()


def _insert_gpkg(
    path: str,
    layer: Optional[str],
    table: pd.DataFrame,
    x: Optional[np.ndarray],
    y: Optional[np.ndarray],
    wkb: Optional[Sequence[Optional[bytes]]],
    progress: Progress,
    cancelled: IsCancelled,
) -> bool:
    """Append ``table``'s rows to the (empty) GeoPackage table and commit; False (nothing stored) if cancelled."""
    appender = GpkgAppender(path, layer)
    try:
        done = appender.append(table, x, y, wkb, lambda f: progress(0.9 * f), cancelled, last=True)
    except BaseException:
        appender.rollback()
        raise
    if not done:
        appender.rollback()
        return False
    return appender.finish(lambda f: progress(0.9 + 0.1 * f))  # rolls back when cancelled


def _insert_sink(
    sink,
    fields: QgsFields,
    table: pd.DataFrame,
    x: Optional[np.ndarray],
    y: Optional[np.ndarray],
    wkb: Optional[Sequence[Optional[bytes]]],
    progress: Progress,
    cancelled: IsCancelled,
) -> None:
    n = len(table)
    columns = [_qt_column(table[c]) for c in table.columns]
    xs = x.tolist() if x is not None else None
    ys = y.tolist() if y is not None else None
    for start in range(0, n, BATCH):
        if cancelled():
            return
        batch = []
        for i in range(start, min(n, start + BATCH)):
            feat = QgsFeature(fields)
            feat.setAttributes([col[i] for col in columns])
            if xs is not None and xs[i] == xs[i] and ys[i] == ys[i]:
                feat.setGeometry(QgsGeometry(QgsPoint(xs[i], ys[i])))
            elif wkb is not None and wkb[i] is not None:
                geom = QgsGeometry()
                geom.fromWkb(bytes(wkb[i]))
                feat.setGeometry(geom)
            batch.append(feat)
        if not sink.addFeatures(batch, QgsFeatureSink.FastInsert):
            raise QgsProcessingException("Could not write features: {}".format(without_folders(sink.lastError())))
        progress(min(1.0, (start + BATCH) / n))
    if not sink.flushBuffer():  # (what the sink still buffers: its errors surface here, not at closing)
        raise QgsProcessingException("Could not write features: {}".format(without_folders(sink.lastError())))


# ------------------------------------------------------------------ reading


def _gpkg_layer_path(layer) -> Optional[Tuple[str, str]]:
    """(path, table) when ``layer`` is an unfiltered GeoPackage layer readable in bulk."""
    if layer is None or layer.providerType() != "ogr" or layer.subsetString():
        return None
    parts = layer.source().split("|")
    path = parts[0]
    if not path.lower().endswith(".gpkg") or not os.path.isfile(path):
        return None
    name = None
    for opt in parts[1:]:
        if opt.startswith("layername="):
            name = opt[len("layername=") :]
        elif opt.startswith("layerid="):
            index = int(opt[len("layerid=") :])
            conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
            try:
                names = [
                    r[0]
                    for r in conn.execute(
                        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') "
                        "ORDER BY rowid"
                    )
                ]
            finally:
                conn.close()
            name = names[index] if index < len(names) else None
    if name is None:  # OGR opens the first vector table (layer_styles is not one)
        conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
        try:
            names = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
        finally:
            conn.close()
        if len(names) != 1:
            return None
        name = names[0]
    return path, name


_PLAIN_POINT = np.dtype([("head", "V8"), ("order", "u1"), ("wkb_type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def parse_point_blobs(blobs: Sequence[Optional[bytes]]) -> Tuple[np.ndarray, np.ndarray]:
    """x/y arrays from GeoPackage point blobs (NaN for null, empty or non-point).

    The usual blob — little-endian, no envelope, a 2-D point: 29 bytes — is
    decoded for all rows at once with numpy; any other is decoded one by one.
    """
    n = len(blobs)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    try:
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=n)
    except TypeError:  # a None (no geometry) among them
        lengths = np.fromiter((len(b) if b is not None else 0 for b in blobs), dtype=np.int64, count=n)
    plain = np.flatnonzero(lengths == _PLAIN_POINT.itemsize)
    if len(plain):
        chosen = blobs if len(plain) == n else [blobs[i] for i in plain]
        packed = np.frombuffer(b"".join(chosen), dtype=_PLAIN_POINT)
        flags = np.frombuffer(packed["head"].tobytes(), dtype=np.uint8).reshape(-1, 8)[:, 3]
        simple = ((flags & 0x1F) == 0x01) & (packed["order"] == 1) & (packed["wkb_type"] == 1)
        x[plain[simple]] = packed["x"][simple]
        y[plain[simple]] = packed["y"][simple]
        rest = np.concatenate([plain[~simple], np.flatnonzero((lengths != _PLAIN_POINT.itemsize) & (lengths > 0))])
    else:
        rest = np.flatnonzero(lengths > 0)
    for i in rest:
        blob = blobs[i]
        if len(blob) < 8:
            continue
        flags = blob[3]
        if flags & 0x10:  # empty geometry
            continue
        env = (0, 32, 48, 48, 64, 0, 0, 0)[(flags >> 1) & 0x07]
        wkb = blob[8 + env :]
        if len(wkb) < 21:
            continue
        little = wkb[0] == 1
        kind = int.from_bytes(wkb[1:5], "little" if little else "big")
        if kind % 1000 != 1:
            continue
        coords = np.frombuffer(wkb, dtype="<f8" if little else ">f8", count=2, offset=5)
        x[i], y[i] = coords
    return x, y


def _read_gpkg(
    path: str, table_name: str, fields: Sequence[str], geometry: bool, attribute_types: Dict[str, int]
) -> Tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Columns of a GeoPackage table, one query per column (in one read transaction), by fid.

    One list per column: no list of row tuples to transpose (which cost more
    than the query itself for a million rows).
    """
    conn = sqlite3.connect("file:{}?mode=ro".format(path), uri=True)
    try:
        conn.execute("BEGIN")  # one snapshot for every column
        geom_row = conn.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (table_name,)
        ).fetchone()
        fid_col = next(r[1] for r in conn.execute("PRAGMA table_info({})".format(quote_name(table_name))) if r[5])

        def column(name: str) -> List[object]:
            sql = "SELECT {} FROM {} ORDER BY {}".format(quote_name(name), quote_name(table_name), quote_name(fid_col))
            return [r[0] for r in conn.execute(sql)]

        data = {name: column(name) for name in fields}
        blobs = column(geom_row[0]) if geometry and geom_row is not None else None
        if blobs is not None:
            n = len(blobs)
        elif fields:
            n = len(data[fields[0]])
        else:
            n = conn.execute("SELECT COUNT(*) FROM {}".format(quote_name(table_name))).fetchone()[0]
    finally:
        conn.close()
    table = pd.DataFrame({name: _typed(data[name], attribute_types.get(name)) for name in fields})
    if blobs is not None:
        x, y = parse_point_blobs(blobs)
    else:
        x = y = np.full(n, np.nan)
    return table, x, y


def _typed(values: List[object], kind: Optional[int]) -> pd.Series:
    if kind in (QVariant.DateTime, QVariant.Date):
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    if kind in (QVariant.Int, QVariant.LongLong, QVariant.UInt, QVariant.ULongLong):
        series = pd.Series(values, dtype=object)
        return series.astype("Int64") if series.isna().any() else series.astype("int64")
    if kind == QVariant.Double:
        return pd.Series(values, dtype="float64")
    if kind == QVariant.Bool:
        series = pd.Series(values, dtype=object)
        return series.map(lambda v: None if v is None else bool(v)).astype("boolean")
    return pd.Series(values, dtype=object)


def _from_qt(value: object) -> object:
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if isinstance(value, QDateTime):
        return value.toPyDateTime()
    if isinstance(value, QDate):
        return value.toPyDate()
    return value


def read_frame(
    alg,
    parameters: Dict,
    name: str,
    context,
    fields: Optional[Sequence[str]] = None,
    *,
    geometry: bool = True,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Frame:
    """The source parameter ``name`` as columns (``fields``: all when None).

    Points come back as x/y arrays (NaN for null geometry); for other
    geometry types read the layer through QGIS instead.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    names = [f.name() for f in source.fields()] if fields is None else list(fields)
    types = {f.name(): f.type() for f in source.fields()}
    value = parameters.get(name)
    selected = isinstance(value, QgsProcessingFeatureSourceDefinition) and (
        value.selectedFeaturesOnly
        or value.featureLimit != -1
        or (hasattr(value, "filterExpression") and value.filterExpression)
    )
    layer = None if selected else alg.parameterAsVectorLayer(parameters, name, context)
    where = _gpkg_layer_path(layer)
    if where is not None:
        table, x, y = _read_gpkg(where[0], where[1], names, geometry, types)
        progress(1.0)
        return Frame(table, x, y, source.sourceCrs())

    request = QgsFeatureRequest().setSubsetOfAttributes(names, source.fields())
    if not geometry:
        request.setFlags(QgsFeatureRequest.NoGeometry)
    total = source.featureCount() or 0
    columns: List[List[object]] = [[] for _ in names]
    xs: List[float] = []
    ys: List[float] = []
    idx = [source.fields().lookupField(n) for n in names]
    for i, feat in enumerate(source.getFeatures(request)):
        if i % 10000 == 0:
            if cancelled():
                break
            if total:
                progress(i / total)
        attrs = feat.attributes()
        for col, j in zip(columns, idx):
            col.append(_from_qt(attrs[j]))
        geom = feat.geometry()
        if geometry and not geom.isNull() and not geom.isEmpty():
            pt = geom.constGet()
            if QgsWkbTypes.flatType(pt.wkbType()) == QgsWkbTypes.Point:
                xs.append(pt.x())
                ys.append(pt.y())
                continue
            c = geom.centroid().asPoint()
            xs.append(c.x())
            ys.append(c.y())
            continue
        xs.append(np.nan)
        ys.append(np.nan)
    table = pd.DataFrame({n: _typed(col, types.get(n)) for n, col in zip(names, columns)})
    return Frame(table, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), source.sourceCrs())


# ------------------------------------------------------------------ points only


@dataclass
class Points:
    """The located points of a layer (no attribute table): coordinates, optional weights, counts, CRS.

    ``x``/``y`` hold only features with a point (null and empty geometries
    left out); ``weights`` (None when no weight field was asked for) is
    aligned with them; ``features`` counts every feature read.
    """

    x: np.ndarray
    y: np.ndarray
    weights: Optional[np.ndarray]
    features: int
    crs: QgsCoordinateReferenceSystem


def bulk_gpkg_source(alg, parameters: Dict, name: str, context) -> Optional[Tuple[str, str]]:
    """(path, table) when the source parameter ``name`` is a whole GeoPackage layer, readable with SQLite."""
    value = parameters.get(name)
    selected = isinstance(value, QgsProcessingFeatureSourceDefinition) and (
        value.selectedFeaturesOnly
        or value.featureLimit != -1
        or (hasattr(value, "filterExpression") and value.filterExpression)
    )
    return None if selected else _gpkg_layer_path(alg.parameterAsVectorLayer(parameters, name, context))


def packed_points(packed: bytes) -> Optional[Tuple[np.ndarray, np.ndarray]]:
    """x/y of concatenated 29-byte GeoPackage points (little-endian, no envelope, 2-D), or None if any is not.

    Every record's magic, version, flags, SRS id, byte order and type are
    checked, so a blob of any other size or kind among them (which would
    shift every record after it) is never misread.
    """
    if len(packed) % _GPKG_POINT.itemsize:
        return None
    rec = np.frombuffer(packed, dtype=_GPKG_POINT)
    if not len(rec):
        return rec["x"], rec["y"]
    ok = (
        (rec["magic"] == b"GP")
        & (rec["version"] == 0)
        & (rec["flags"] == 0x01)
        & (rec["srs_id"] == rec["srs_id"][0])
        & (rec["order"] == 1)
        & (rec["wkb_type"] == 1)
    )
    return (rec["x"], rec["y"]) if ok.all() else None


def _gpkg_points(
    path: str, table: str, weight_field: Optional[str], progress: Progress, cancelled: IsCancelled
) -> Optional[Tuple[np.ndarray, np.ndarray, Optional[np.ndarray], int]]:
    """(x, y, weights, features) of a GeoPackage point table; None when cancelled or not a point table.

    The chunks of :class:`alpr_qgis.qgis_io.points.PointChunks` (fid ranges,
    each decoded by numpy without a Python object per row), gathered.
    """
    from alpr_qgis.qgis_io.points import PointChunks

    try:
        source = PointChunks(path, table, weight_field)
    except ValueError:  # no geometry column
        return None
    with source:
        features = source.features
        x, y = np.empty(features), np.empty(features)
        w = np.empty(features) if weight_field else None
        n = 0
        for cx, cy, cw in source.chunks(progress):
            if cancelled():
                return None
            k = len(cx)
            x[n : n + k], y[n : n + k] = cx, cy
            if w is not None:
                w[n : n + k] = cw
            n += k
    if n < features:  # null or empty geometries: keep only what was filled
        x, y = x[:n].copy(), y[:n].copy()
        w = w[:n].copy() if w is not None else None
    return x, y, w, features


def read_points(
    alg,
    parameters: Dict,
    name: str,
    context,
    weight_field: Optional[str] = None,
    *,
    progress: Progress = lambda f: None,
    cancelled: IsCancelled = lambda: False,
) -> Optional[Points]:
    """The points of the (single-point) source parameter ``name``, and ``weight_field`` (None: no weights).

    A whole GeoPackage layer is read with SQLite (:func:`_gpkg_points`),
    builds no table and no Python object per point; any other source goes
    through :func:`read_frame`.  Null and empty geometries are left out (and
    counted in ``features``).  None when cancelled.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, name))
    where = bulk_gpkg_source(alg, parameters, name, context)
    if where is not None:
        read = _gpkg_points(where[0], where[1], weight_field, progress, cancelled)
        if read is None and cancelled():
            return None
        if read is not None:
            x, y, w, features = read
            return Points(x, y, w, features, source.sourceCrs())
    frame = read_frame(
        alg,
        parameters,
        name,
        context,
        fields=[weight_field] if weight_field else [],
        progress=progress,
        cancelled=cancelled,
    )
    if cancelled():
        return None
    located = np.isfinite(frame.x) & np.isfinite(frame.y)
    weights = None
    if weight_field:
        weights = np.asarray(frame.table[weight_field].to_numpy(dtype=float, na_value=0.0), dtype=float)[located]
    return Points(frame.x[located], frame.y[located], weights, len(frame.x), frame.crs)
