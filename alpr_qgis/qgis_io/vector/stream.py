"""``FrameStream``: frames of the same columns written one after another to one sink."""

from __future__ import annotations

import contextlib
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsProcessingException, QgsWkbTypes

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.core.scratch import ScratchDir, sweep
from alpr_qgis.qgis_io.outputs import WRITE_ERRORS, failed_write, requested_destination
from alpr_qgis.qgis_io.vector.appender import GpkgAppender
from alpr_qgis.qgis_io.vector.blobs import _epsg_code
from alpr_qgis.qgis_io.vector.fields import IsCancelled, Progress, qgs_fields
from alpr_qgis.qgis_io.vector.write import GPKG_MAX_COLUMNS, _Output, bulk_parameters, write_frame

pd = lazy_module("pandas")


class FrameStream:
    """Writes frames of the same columns one after another to the sink ``name`` (points from x/y).

    To a GeoPackage file the rows go in through ``GpkgAppender`` as each
    frame comes, while the caller makes the next one; the sink is created
    when the first frame comes (its columns make the layer's fields).  A
    PostGIS table (``postgis:`` destination) gets each frame by COPY as it
    comes, in one transaction committed at ``finish``
    (``postgis.sink.PgSink``).  Any other destination (memory layer,
    shapefile, ...) gets the frames at ``finish``, in one ``write_frame``.  ``forget`` drops every frame given
    so far (the next frame may have other columns).  Nothing is committed
    before ``finish``.
    """

    def __init__(self, alg, parameters: Dict, name: str, context, crs: Optional[QgsCoordinateReferenceSystem]) -> None:
        self._asked = parameters
        parameters = bulk_parameters(alg, parameters, name, context)  # (a temporary layer: a GeoPackage)
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
        self._pg = self._postgis(alg, parameters, name, context, crs)  # a PostGIS table: rows by COPY

    @staticmethod
    def _postgis(alg, parameters: Dict, name: str, context, crs):
        """A ``PgSink`` when the output is a PostGIS table that can be written in bulk, else None."""
        from alpr_qgis.qgis_io.postgis.sink import PgSink, output_display, postgis_output

        table = postgis_output(parameters, name, context)
        if table is None:
            return None
        return PgSink(parameters, name, context, table, crs, "Point", output_display(alg, parameters, name)).open()

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
        if self._pg is not None:
            if not self._pg.append(table, x, y, cancelled):
                return False
            self.rows += len(table)
            return not cancelled()
        if not self.to_gpkg:
            self._frames.append((table, x, y))
            self.rows += len(table)
            return not cancelled()
        if self._appender is None and self.parameters is not self._asked and len(table.columns) + 2 > GPKG_MAX_COLUMNS:
            return self._too_wide(table, x, y, cancelled)
        if self._appender is None:
            out = _Output(
                self.alg,
                self._asked,
                self.name,
                self.context,
                qgs_fields(table),
                QgsWkbTypes.Point,
                self.crs or QgsCoordinateReferenceSystem(),
                resolved=self.parameters,
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

    def _too_wide(self, table: pd.DataFrame, x: np.ndarray, y: np.ndarray, cancelled: IsCancelled) -> bool:
        """A temporary output too wide for a GeoPackage: a memory layer, as QGIS makes (rows kept till ``finish``)."""
        self.parameters, self.to_gpkg = self._asked, False
        if self._stored_srs is not None:  # the workers store their parts for a GeoPackage: start over
            from alpr_qgis.core.reads import NotStreamableError

            raise NotStreamableError("the temporary output is too wide for a GeoPackage")
        return self.append(table, x, y, cancelled)

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
        if self._pg is not None:
            self._pg.forget()
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
        naming the file), a cancelled one ``Cancelled``.  A PostGIS table's
        destination is its ``postgres://`` string.
        """
        if self._pg is not None:
            try:
                dest = self._pg.finish(progress, cancelled)
            except BaseException:
                self._pg.forget()
                raise
            if dest is None:
                raise Cancelled()
            self.dest = dest
            return self.dest, self.rows
        if self._appender is not None:
            appender, self._appender = self._appender, None
            try:
                if not appender.finish(progress, cancelled):
                    raise Cancelled()
                self._output.commit(self.rows)
                self.dest = self._output.dest  # (a temporary layer's id, once its file is in place)
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
