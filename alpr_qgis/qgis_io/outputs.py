"""Where outputs go, and writing them so that a fault never passes for a result.

- :func:`refuse_clashes`: two outputs of one run on the same file (and
  layer), or an output on an input, are refused before any work.
- :class:`AtomicFile`: a file output is written in a private folder beside
  its destination (``.alpr_output_*``, see :mod:`alpr_qgis.core.scratch`)
  and renamed into place only once complete and checked; on any failure the
  folder goes and the previous file, if any, is untouched; a killed run's
  folder is swept by the next run writing in that folder.
- :func:`write_failure`: what went wrong while writing, in one line naming
  the output by its file's base name ("disk full while writing heat.tif:
  free space and run again"), never a path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

from qgis.core import (
    QgsProcessing,
    QgsProcessingDestinationParameter,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
    QgsProperty,
    QgsProviderRegistry,
)

from alpr_qgis.core.scratch import OUTPUT_PREFIX, ScratchDir

#: Free space (bytes) under which a failed write is put down to a full disk.
FULL_MARGIN = 4 * 1024 * 1024

_OGR_URI = re.compile(r"^ogr:dbname='(?P<path>[^']*)'(?:\s+table=\"(?P<table>[^\"]*)\")?", re.IGNORECASE)


@dataclass(frozen=True)
class Destination:
    """A file output: its path, and the layer named in it (None: the whole file is the output)."""

    path: str
    layer: Optional[str] = None


def _text(value, context) -> str:
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProperty):
        if value.propertyType() == QgsProperty.StaticProperty:
            value = value.staticValue()
        else:
            value = value.valueAsString(context.expressionContext(), "")
    return "" if value is None else str(value)


def asks_temporary_layer(alg, parameters: Dict, name: str, context) -> bool:
    """Whether the output ``name`` asks for a temporary layer: ``TEMPORARY_OUTPUT``, or a model's intermediate.

    The toolbox and ``processing.run`` say ``TEMPORARY_OUTPUT``; QGIS 3.22's
    graphical models give every intermediate output
    ``memory:<the output's description>``.  Any other ``memory:`` layer
    asked for by name is left as it is.
    """
    text = _text(_value(alg, parameters, name), context).strip()
    if text == QgsProcessing.TEMPORARY_OUTPUT:
        return True
    definition = alg.parameterDefinition(name)
    return definition is not None and text == "memory:{}".format(definition.description())


def _value(alg, parameters: Dict, name: str):
    value = parameters.get(name)
    if value is None:
        definition = alg.parameterDefinition(name)
        value = definition.defaultValue() if definition is not None else None
    return value


def parse_destination(text: str) -> Optional[Destination]:
    """The file (and layer) a destination string writes; None for no output or a non-file one.

    Takes what QGIS takes: a path (``reads.gpkg``), OGR's form with a layer
    (``ogr:dbname='reads.gpkg' table="reads" (geom)``) and, for a
    GeoPackage, ``reads.gpkg|layername=reads``.
    """
    text = (text or "").strip()
    if not text or text == QgsProcessing.TEMPORARY_OUTPUT:
        return None
    match = _OGR_URI.match(text)
    if match:
        return Destination(os.path.abspath(match.group("path")), match.group("table") or None)
    if re.match(r"^[a-z][a-z0-9_]+:", text, re.IGNORECASE) and not os.path.isabs(text):
        return None  # memory:, postgis:, postgres://, ... (a Windows drive letter is one character)
    path, _, opts = text.partition("|")
    layer = re.search(r"layername=([^|]+)", opts)
    return Destination(os.path.abspath(path), layer.group(1) if layer else None)


def requested_destination(alg, parameters: Dict, name: str, context) -> Optional[Destination]:
    """The file output ``name`` asks for, read from ``parameters`` without side effects (no temporary names made)."""
    return parse_destination(_text(_value(alg, parameters, name), context))


def _input_files(alg, parameters: Dict, name: str, definition, context) -> Iterator[Tuple[str, Optional[str]]]:
    """(path, layer name or None) of the files the input ``name`` reads."""
    if not parameters.get(name):
        return
    if isinstance(definition, QgsProcessingParameterFile):
        path = alg.parameterAsFile(parameters, name, context)
        if path:
            yield os.path.abspath(path), None
        return
    if isinstance(definition, QgsProcessingParameterMultipleLayers):
        layers = alg.parameterAsLayerList(parameters, name, context)
    elif isinstance(
        definition,
        (QgsProcessingParameterFeatureSource, QgsProcessingParameterVectorLayer, QgsProcessingParameterMapLayer),
    ):
        layers = [alg.parameterAsLayer(parameters, name, context)]
    elif isinstance(definition, QgsProcessingParameterRasterLayer):
        layers = [alg.parameterAsRasterLayer(parameters, name, context)]
    else:
        return
    for layer in layers:
        if layer is None:
            continue
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
        path = parts.get("path")
        if path and os.path.exists(path):
            yield os.path.abspath(path), parts.get("layerName") or None


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _layers_differ(a: Optional[str], b: Optional[str]) -> bool:
    return a is not None and b is not None and a.lower() != b.lower()


def find_clash(alg, parameters: Dict, context) -> Optional[str]:
    """A message when two outputs, or an output and an input, are one file (and layer); else None.

    Outputs in one file are fine when each names its own layer; an output
    may also go into an input's file when both name different layers.
    """
    outputs: List[Tuple[str, Destination]] = []
    inputs: List[Tuple[str, str, Optional[str]]] = []
    for definition in alg.parameterDefinitions():
        name = definition.name()
        if isinstance(definition, QgsProcessingDestinationParameter):
            dest = requested_destination(alg, parameters, name, context)
            if dest is not None:
                outputs.append((name, dest))
        else:
            for path, layer in _input_files(alg, parameters, name, definition, context):
                inputs.append((name, path, layer))
    for i, (name_a, a) in enumerate(outputs):
        for name_b, b in outputs[i + 1 :]:
            if _same_file(a.path, b.path) and not _layers_differ(a.layer, b.layer):
                return (
                    "{} and {} would both write {}: give each output its own file "
                    "(or, in one GeoPackage, its own layer)."
                ).format(name_a, name_b, _layer_text(a))
        for name_in, path, layer in inputs:
            if _same_file(a.path, path) and not _layers_differ(a.layer, layer):
                return "{} would overwrite the input {} ({}): choose another file for {}.".format(
                    name_a, name_in, _layer_text(a), name_a
                )
    return None


def _layer_text(dest: Destination) -> str:
    base = os.path.basename(dest.path)
    return '{}, layer "{}"'.format(base, dest.layer) if dest.layer else base


# ------------------------------------------------------------------ failures


def _free_bytes(folder: str) -> Optional[int]:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


def _kind(err: BaseException, folder: str) -> str:
    """'full', 'readonly' or 'other'."""
    number = getattr(err, "errno", None)
    if number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "full"
    if number in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "readonly"
    text = str(err).lower()
    code = getattr(err, "sqlite_errorname", "") or ""
    if code.startswith("SQLITE_FULL") or "disk is full" in text or "no space left" in text:
        return "full"
    if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly" in text or "read-only" in text:
        return "readonly"
    if "permission denied" in text or "unable to open database" in text:
        return "readonly"
    free = _free_bytes(folder)
    if free is not None and free < FULL_MARGIN:
        return "full"
    return "other"


def write_failure(err: BaseException, path: str) -> str:
    """One line saying why writing the output ``path`` failed and what to do (its base name, no path)."""
    base = os.path.basename(path.split("|")[0]) or path
    kind = _kind(err, os.path.dirname(os.path.abspath(path)))
    if kind == "full":
        return "disk full while writing {}: free space and run again".format(base)
    if kind == "readonly":
        return "cannot write {}: its folder is read-only or not yours; choose another folder".format(base)
    cause = without_folders(getattr(err, "strerror", None) or (str(err).splitlines() or [type(err).__name__])[0])
    return "could not write {}: {}; check the disk and run again".format(base, cause)


def without_folders(text: str) -> str:
    """``text`` with every absolute path cut to its file's name (messages never carry a folder)."""
    return re.sub(r"/(?:[^/\s'\"]+/)*", "", text)


def failed_write(err: BaseException, path: str) -> QgsProcessingException:
    """The ``QgsProcessingException`` for ``err`` raised while writing ``path``."""
    return QgsProcessingException(write_failure(err, path))


#: What a write can fail with (GDAL raises RuntimeError when its exceptions are on).
WRITE_ERRORS = (OSError, sqlite3.Error, RuntimeError)


# ------------------------------------------------------------------ atomic files


def sync_file(path: str) -> None:
    """Have ``path``'s data reach the disk (errors such as a full disk surface here, not later)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # (some file systems cannot sync a folder: the rename still stands)
            os.fsync(fd)
    finally:
        os.close(fd)


class AtomicFile:
    """A file output written under a temporary name beside ``path``, renamed into place by ``commit``.

    ``temp`` is ``path``'s name inside a private folder (``.alpr_output_*``,
    mode 0700) in the same folder, so the rename is atomic and a file made
    there gets the layer name QGIS would give ``path``.  ``commit(*others)``
    syncs the file, then renames it (and each of ``others``: files made in
    the same folder, renamed beside ``path`` under their own names) into
    place; ``discard`` (also on leaving a ``with`` block without commit)
    removes everything.  A folder that cannot be written fails here, before
    any work, with :func:`write_failure`'s message.
    """

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            self._scratch: Optional[ScratchDir] = ScratchDir(folder, prefix=OUTPUT_PREFIX)
        except OSError as err:
            raise failed_write(err, self.path) from None
        self.temp = self._scratch.file(os.path.basename(self.path))

    def file(self, name: str) -> str:
        """A companion file in the private folder (renamed beside ``path`` by ``commit``)."""
        return self._scratch.file(name)

    def commit(self, *others: str, stale: Tuple[str, ...] = ()) -> None:
        """Sync and rename ``temp`` (then ``others``) into place; ``stale``: files beside ``path`` to remove first."""
        if self._scratch is None:
            raise ValueError("already committed or discarded")
        try:
            for name in (self.temp, *others):
                sync_file(name)
            for name in stale:
                if os.path.lexists(name):
                    os.remove(name)
            os.replace(self.temp, self.path)
            folder = os.path.dirname(self.path)
            for name in others:
                os.replace(name, os.path.join(folder, os.path.basename(name)))
            sync_folder(folder)
        except OSError as err:
            raise failed_write(err, self.path) from None
        finally:
            self.discard()

    def discard(self) -> None:
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()
