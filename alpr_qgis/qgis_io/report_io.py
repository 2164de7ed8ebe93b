"""What ``alpr:summary`` reads besides the reads (rejected reads, unreadable records, results) and how it writes.

Each is checked against what its algorithm writes (``core.report.inputs``)
before any of it is read, so that a layer of the wrong kind stops the run
with a message naming the parameter, before anything is written.  Only the
fields the report needs are read: never the loader's raw text, never a plate.
The report file is written whole or not at all, with the user's umask.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
from qgis.core import QgsFeatureRequest, QgsProcessingException, QgsProviderRegistry, QgsWkbTypes
from qgis.PyQt.QtCore import QVariant

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError
from alpr_qgis.core.jurisdiction import near_null_island
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.crs import to_degrees
from alpr_qgis.qgis_io.vector import read_frame

pd = lazy_module("pandas")

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plugin_version() -> str:
    """The plugin's version from metadata.txt: inside the installed package, or beside it in a checkout."""
    for folder in (PLUGIN_DIR, os.path.dirname(PLUGIN_DIR)):
        path = os.path.join(folder, "metadata.txt")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("version="):
                        return line.split("=", 1)[1].strip()
    return "unknown"


def software_versions() -> List[Tuple[str, str]]:
    """(name, version) of what made a report: the plugin, QGIS and the libraries that computed and drew it."""
    import platform

    import matplotlib
    import numpy
    from osgeo import gdal
    from qgis.core import Qgis

    return [
        ("alpr_qgis", plugin_version()),
        ("QGIS", Qgis.QGIS_VERSION),
        ("Python", platform.python_version()),
        ("pandas", pd.__version__),
        ("numpy", numpy.__version__),
        ("matplotlib", matplotlib.__version__),
        ("GDAL", gdal.__version__),
    ]


def current_umask() -> int:
    """The process's umask (read from /proc where possible: setting it to read it is not thread-safe)."""
    # (no /proc: set and restore it below)
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def lookup_zone(lon, lat) -> Optional[str]:
    """The IANA zone where the reads are (None when it cannot be told, or the lookup module is missing)."""
    try:
        from alpr_qgis.core.timezones import lookup_zone as lookup
    except ImportError:
        return None
    return lookup(lon, lat)


PLACE_FIELDS = ("name", "city", "place", "jurisdiction", "namelsad", "municipality", "town")


def layer_name(alg, parameters: Dict, key: str, context) -> Optional[str]:
    """The name of the layer given as ``key`` (None when not given): never its source or path."""
    if not parameters.get(key):
        return None
    layer = alg.parameterAsLayer(parameters, key, context)
    if layer is not None:
        # A table inside a GeoPackage is named after the file; its own name says more (city_boundary, not city).
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
        if parts.get("layerName"):
            return str(parts["layerName"])
        if layer.name():
            return layer.name()
    source = alg.parameterAsSource(parameters, key, context)
    if source is not None and source.sourceName():
        return source.sourceName()
    return key.lower()


def _source(alg, parameters: Dict, key: str, context):
    source = alg.parameterAsSource(parameters, key, context)
    if source is None:
        raise QgsProcessingException(alg.invalidSourceError(parameters, key))
    return source


def plan_result(alg, parameters: Dict, key: str, context) -> Optional[Tuple[Dict[str, Optional[str]], str]]:
    """``(fields to read, layer name)`` for the result input ``key``; None when not given.

    Raises ``AlprInputError`` naming ``key`` when the layer lacks the fields
    its algorithm writes (checked on the field list: nothing is read yet).
    """
    from alpr_qgis.core.report.inputs import plan_fields

    if not parameters.get(key):
        return None
    source = _source(alg, parameters, key, context)
    name = layer_name(alg, parameters, key, context) or key.lower()
    fields = source.fields()
    names = [f.name() for f in fields]
    text = [f.name() for f in fields if f.type() == QVariant.String]
    return plan_fields(key, name, names, text), name


def read_result(alg, parameters: Dict, key: str, context, plan: Dict[str, Optional[str]]) -> pd.DataFrame:
    """The planned fields of ``key`` as a DataFrame under their canonical names (no geometry)."""
    wanted = {canonical: actual for canonical, actual in plan.items() if actual}
    frame = read_frame(alg, parameters, key, context, list(dict.fromkeys(wanted.values())), geometry=False)
    return pd.DataFrame({canonical: frame.table[actual] for canonical, actual in wanted.items()})


@dataclass
class Rejected:
    """The cleaner's REJECTED layer, as far as the summary needs it."""

    name: str
    reasons: pd.Series  # the first failing rule per read
    all_reasons: Optional[pd.Series]  # every failing rule, joined by |, when the layer has it
    locations: Optional[object]  # core.summary.Locations from the layer's own geometry (None: a table)
    read_ids: Optional[np.ndarray]


def read_rejected(alg, parameters: Dict, key: str, context, reads_crs) -> Optional[Rejected]:
    """The REJECTED layer of alpr:cleanreads (field ``reason``), with where each read stands on location."""
    from alpr_qgis.core.summary import Locations

    if not parameters.get(key):
        return None
    source = _source(alg, parameters, key, context)
    name = layer_name(alg, parameters, key, context) or "the rejected layer"
    lower = {f.name().lower(): f.name() for f in source.fields()}
    if "reason" not in lower:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", '{parameter} ("{layer}") has no field "reason": it is not the REJECTED '
                              "output of alpr:cleanreads."),
            args={"parameter": key, "layer": name},
            hint=QT_TRANSLATE_NOOP("alpr_core", "Give the rejected layer written by alpr:cleanreads, or leave REJECTED "
                                   "empty."),
        )  # fmt: skip
    wanted = [lower[f] for f in ("reason", "reasons", "read_id") if f in lower]
    has_geometry = QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.NullGeometry
    frame = read_frame(alg, parameters, key, context, wanted, geometry=has_geometry)
    table = frame.table
    locations = None
    if has_geometry:
        none = ~(np.isfinite(frame.x) & np.isfinite(frame.y))
        crs = frame.crs if frame.crs.isValid() else reads_crs
        lon, lat = to_degrees(frame.x, frame.y, crs, context.transformContext())
        with np.errstate(invalid="ignore"):
            in_range = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
        invalid = ~none & ~in_range
        island = ~none & in_range & near_null_island(lon, lat)
        locations = Locations(none, island, invalid)
    return Rejected(
        name,
        table[lower["reason"]],
        table[lower["reasons"]] if "reasons" in lower else None,
        locations,
        _ids(table, lower),
    )


def _ids(table, lower: Dict[str, str]) -> Optional[np.ndarray]:
    if "read_id" not in lower:
        return None
    ids = pd.to_numeric(table[lower["read_id"]], errors="coerce").dropna()
    return ids.to_numpy(dtype=np.int64)


def read_unreadable(alg, parameters: Dict, key: str, context) -> Optional[Tuple[pd.Series, str, Optional[np.ndarray]]]:
    """``(reasons, layer name, read ids)`` of the loader's REJECTED table; its raw text is never read."""
    planned = plan_result(alg, parameters, key, context)
    if planned is None:
        return None
    plan, name = planned
    source = _source(alg, parameters, key, context)
    lower = {f.name().lower(): f.name() for f in source.fields()}
    wanted = [plan["reason"]] + ([lower["read_id"]] if "read_id" in lower else [])
    table = read_frame(alg, parameters, key, context, wanted, geometry=False).table
    return table[plan["reason"]], name, _ids(table, lower)


def shared_ids(first: Optional[np.ndarray], second: Optional[np.ndarray]) -> int:
    """How many read ids two layers share (0 when either has none)."""
    if first is None or second is None or not len(first) or not len(second):
        return 0
    return int(np.isin(np.unique(first), np.unique(second)).sum())


def place_name(alg, parameters: Dict, key: str, context) -> Optional[str]:
    """The place a boundary layer outlines: its one name (a field such as ``name``), else the layer's name."""
    if not parameters.get(key):
        return None
    source = _source(alg, parameters, key, context)
    fields = [f.name() for f in source.fields()]
    field = next((f for want in PLACE_FIELDS for f in fields if f.lower() == want), None)
    if field is not None:
        values: List[str] = []
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
        request.setSubsetOfAttributes([field], source.fields())
        for feature in source.getFeatures(request):
            value = feature[field]
            if value is None or (hasattr(value, "isNull") and value.isNull()):
                continue
            text = str(value).strip()
            if text and text not in values:
                values.append(text)
            if len(values) > 1:
                break
        if len(values) == 1:
            return values[0]
    name = layer_name(alg, parameters, key, context)
    return name.replace("_", " ") if name else None


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (written aside, renamed into place).

    The file gets the mode a plain ``open()`` would give it (0666 less the
    umask), not the 0600 of a temporary file.  A failed write (a full disk, a
    read-only folder) raises ``QgsProcessingException`` with one line naming
    the file; any earlier file stays as it was, and no partial file remains.
    """
    from alpr_qgis.qgis_io.outputs import WRITE_ERRORS, AtomicFile, failed_write

    with AtomicFile(path) as atomic:
        try:
            fd = os.open(atomic.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~current_umask())
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
        except WRITE_ERRORS as err:
            raise failed_write(err, path) from None
        atomic.commit()
