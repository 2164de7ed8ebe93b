"""Writing a frame to a Processing sink (``write_frame``): a GeoPackage through SQLite, others by the sink."""

from __future__ import annotations

import os
import re
import sqlite3
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsGeometry,
    QgsPoint,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterDefinition,
    QgsProcessingUtils,
    QgsProperty,
    QgsVectorLayer,
    QgsWkbTypes,
)

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.outputs import (
    WRITE_ERRORS,
    AtomicFile,
    asks_temporary_layer,
    failed_write,
    requested_destination,
    without_folders,
)
from alpr_qgis.qgis_io.sqlite_rows import BATCH, quote_name
from alpr_qgis.qgis_io.vector.appender import _insert_gpkg
from alpr_qgis.qgis_io.vector.blobs import _gpkg_table
from alpr_qgis.qgis_io.vector.fields import IsCancelled, Progress, _qt_column, qgs_fields

pd = lazy_module("pandas")


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


def bulk_parameters(alg, parameters: Dict, name: str, context) -> Dict:
    """``parameters`` with the output ``name`` sent to a new GeoPackage in QGIS's processing temp folder when it asks
    for a temporary layer (:func:`asks_temporary_layer`); else ``parameters`` themselves.

    A memory layer holds every feature as a QGIS object (gigabytes for
    millions of reads); the GeoPackage is written in bulk, and the next step
    of a model reads it in bulk.  A temporary layer asked for in the desktop
    is still loaded into the project on completion, under the same name
    (the destination's settings are kept).
    """
    if not asks_temporary_layer(alg, parameters, name, context):
        return parameters
    path = QgsProcessingUtils.generateTempFilename("{}.gpkg".format(re.sub(r"\W+", "_", name.lower()) or "output"))
    value = parameters.get(name)
    if value is None:
        value = alg.parameterDefinition(name).defaultValue()
    return dict(parameters, **{name: _with_sink(value, path)})


#: Columns a GeoPackage table can have (SQLite's default limit), its feature id and geometry included.
GPKG_MAX_COLUMNS = 2000


class _Output:
    """One sink output being written: the QGIS sink and, for a GeoPackage file, where the rows go through SQLite.

    ``dest`` is the destination reported to the caller (the one asked for;
    for a temporary layer, the id of a GeoPackage layer in QGIS's temp
    folder: see :func:`bulk_parameters`; ``resolved``: the parameters
    ``bulk_parameters`` already gave).
    A GeoPackage is written whole into a temporary file beside its
    destination (``atomic``), renamed into place by ``commit`` once its rows
    are counted; except a layer named in a GeoPackage that already exists,
    which is written in that file, its rows in one SQLite transaction (the
    file's other layers stay).  ``path`` is the GeoPackage file the rows go
    into (None: they go through the sink) and ``layer`` its layer.
    """

    def __init__(
        self, alg, parameters: Dict, name: str, context, fields, geometry_type, crs, *, resolved: Optional[Dict] = None
    ) -> None:
        self.atomic: Optional[AtomicFile] = None
        self.path: Optional[str] = None
        self.layer: Optional[str] = None
        self.context = context
        self._load: Optional[QgsProcessingContext.LayerDetails] = None  # how a temporary layer is loaded
        if resolved is None:
            resolved = bulk_parameters(alg, parameters, name, context)
        temporary = resolved is not parameters
        if not temporary or fields.count() + 2 <= GPKG_MAX_COLUMNS:
            parameters = resolved  # (too wide a temporary output for a GeoPackage stays a memory layer)
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
        definition = alg.parameterDefinition(name)
        shown_name = definition.description() if definition else name
        project = value.destinationProject if isinstance(value, QgsProcessingOutputLayerDefinition) else None
        if project is not None:
            shown_name = value.destinationName or shown_name
        details = QgsProcessingContext.LayerDetails(shown_name, project, name, QgsProcessingUtils.LayerHint.Vector)
        if temporary:
            self._load = details  # (the layer is made once the file is in place: see ``commit``)
        elif project is not None:
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
                if self._load is not None:
                    self._temporary_layer()
        except WRITE_ERRORS as err:
            raise failed_write(err, self.shown) from None
        finally:
            self.discard()

    def _temporary_layer(self) -> None:
        """The GeoPackage of a temporary output as a layer in the run's temporary layer store: ``dest`` its id.

        As QGIS's own memory layers: ``processing.run`` returns the layer,
        the next step of a model finds it by id (and reads the file in
        bulk), and the desktop loads it under the output's name.
        """
        details, self._load = self._load, None
        layer = QgsVectorLayer(self.dest, details.name, "ogr")
        if not layer.isValid():
            raise QgsProcessingException("could not open the temporary output {}".format(details.name))
        self.context.temporaryLayerStore().addMapLayer(layer)
        self.dest = layer.id()
        if details.project is not None:
            self.context.addLayerToLoadOnCompletion(self.dest, details)

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
    the file (``outputs.write_failure``).  A PostGIS table (``postgis:``
    destination) is written by COPY in one transaction, indexed
    (``postgis.sink``); its destination is the table's ``postgres://`` string.
    """
    from alpr_qgis.qgis_io.postgis.sink import postgis_output, write_table

    pg_table = postgis_output(parameters, name, context)
    if pg_table is not None:
        return write_table(
            alg,
            parameters,
            name,
            context,
            pg_table,
            table,
            x=x,
            y=y,
            wkb=wkb,
            wkb_type=wkb_type,
            crs=crs,
            progress=progress,
            cancelled=cancelled,
        )
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
