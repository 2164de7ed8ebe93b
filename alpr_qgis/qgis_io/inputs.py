"""Input helpers the algorithms share: polygon layers into shapely, the reads' CRS, checks.

Polygons are few, so they come through QGIS's feature iterator into shapely,
repaired when invalid; reads come through the bulk ``read_frame``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProcessingException,
    QgsProcessingFeatureSource,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QVariant

from alpr_qgis.core import spatial
from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError, Cancelled
from alpr_qgis.core.jurisdiction import near_null_island
from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.crs import to_degrees
from alpr_qgis.qgis_io.vector import Frame

pd = lazy_module("pandas")


@dataclass
class Polygons:
    """A polygon layer as shapely geometries (None where null, empty or unusable) and attributes."""

    geoms: List[Optional[object]]
    table: pd.DataFrame
    fids: List[int]
    crs: QgsCoordinateReferenceSystem
    name: str
    repaired: List[int] = field(default_factory=list)
    unusable: List[int] = field(default_factory=list)


def _python_value(value: object) -> object:
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if isinstance(value, QDateTime):
        return value.toPyDateTime()
    if isinstance(value, QDate):
        return value.toPyDate()
    return value


def _column(values: List[object], kind: int) -> pd.Series:
    if kind in (QVariant.Int, QVariant.LongLong, QVariant.UInt, QVariant.ULongLong):
        return pd.Series(values, dtype=object).astype("Int64")
    if kind == QVariant.Double:
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if kind in (QVariant.DateTime, QVariant.Date):
        return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    if kind == QVariant.Bool:
        return pd.Series(values, dtype=object).astype("boolean")
    return pd.Series(values, dtype=object)


def _qgis_to_shapely(geom: QgsGeometry):
    from shapely import wkb as shapely_wkb

    if geom is None or geom.isNull() or geom.isEmpty():
        return None
    abstract = geom.constGet()
    if (
        QgsWkbTypes.isCurvedType(abstract.wkbType())
        or QgsWkbTypes.hasZ(abstract.wkbType())
        or (QgsWkbTypes.hasM(abstract.wkbType()))
    ):
        abstract = abstract.segmentize() if QgsWkbTypes.isCurvedType(abstract.wkbType()) else abstract.clone()
        abstract.dropZValue()
        abstract.dropMValue()
        geom = QgsGeometry(abstract)
    return shapely_wkb.loads(bytes(geom.asWkb()))


def read_polygons(
    alg,
    parameters: Dict,
    name: str,
    context,
    feedback,
    fields: Optional[Sequence[str]] = None,
    geometry: bool = True,
) -> Optional[Polygons]:
    """The polygon source ``name`` (None when an optional one is not given), invalid polygons repaired.

    Each repaired polygon and each unusable one (null, empty, or nothing
    polygonal left after repair: None in ``geoms``) is reported by feature id.
    """
    source = alg.parameterAsSource(parameters, name, context)
    if source is None:
        if parameters.get(name):
            raise QgsProcessingException(alg.invalidSourceError(parameters, name))
        return None
    layer_name = source.sourceName() or name
    all_fields = source.fields()
    names = [f.name() for f in all_fields] if fields is None else list(fields)
    idx = [all_fields.lookupField(n) for n in names]
    request = QgsFeatureRequest().setSubsetOfAttributes(idx)
    if not geometry:
        request.setFlags(QgsFeatureRequest.NoGeometry)
    columns: List[List[object]] = [[] for _ in names]
    geoms: List[Optional[object]] = []
    fids: List[int] = []
    repaired: List[int] = []
    unusable: List[int] = []
    # Invalid polygons are repaired here, so QGIS's own validity check must not abort the run first.
    for feat in source.getFeatures(request, QgsProcessingFeatureSource.FlagSkipGeometryValidityChecks):
        if feedback.isCanceled():
            raise Cancelled()
        attrs = feat.attributes()
        for col, j in zip(columns, idx):
            col.append(_python_value(attrs[j]))
        fids.append(int(feat.id()))
        if not geometry:
            geoms.append(None)
            continue
        shape = _qgis_to_shapely(feat.geometry())
        fixed, status = spatial.repair_polygon(shape)
        if status == "repaired":
            repaired.append(int(feat.id()))
        elif status == "empty":
            unusable.append(int(feat.id()))
        geoms.append(fixed)
    table = pd.DataFrame({n: _column(col, all_fields.at(j).type()) for n, col, j in zip(names, columns, idx)})

    def ids(values: List[int]) -> str:
        shown = ", ".join(str(v) for v in values[:20])
        return shown + (" …" if len(values) > 20 else "")

    if repaired:
        feedback.pushWarning(
            alg.tr("{}: {} invalid polygon(s) repaired (feature id {}).").format(
                layer_name, len(repaired), ids(repaired)
            )
        )
    if unusable:
        feedback.pushWarning(
            alg.tr("{}: {} feature(s) without a usable polygon skipped (feature id {}).").format(
                layer_name, len(unusable), ids(unusable)
            )
        )
    return Polygons(geoms, table, fids, source.sourceCrs(), layer_name, repaired, unusable)


def reads_crs(frame: Frame, layer_name: str, feedback, alg, warn: bool = True) -> QgsCoordinateReferenceSystem:
    """The reads' CRS; a layer without one is read as EPSG:4326 when its coordinates can be degrees.

    ``warn``: say so (False for the later chunks of a layer read in chunks, each checked, warned about once).
    """
    if frame.crs.isValid():
        return frame.crs
    with np.errstate(invalid="ignore"):
        plausible = bool(
            np.all((np.abs(frame.x) <= 180) | np.isnan(frame.x)) and np.all((np.abs(frame.y) <= 90) | np.isnan(frame.y))
        )
    if not plausible:
        raise AlprInputError(
            QT_TRANSLATE_NOOP("alpr_core", "has no CRS, and its coordinates are not longitudes and latitudes."),
            path=layer_name,
            hint=QT_TRANSLATE_NOOP("alpr_core", "Set the layer's CRS (Layer Properties → Source) and run again."),
        )
    if warn:
        feedback.pushWarning(alg.tr("{} has no CRS; its coordinates are read as EPSG:4326 degrees.").format(layer_name))
    return QgsCoordinateReferenceSystem("EPSG:4326")


def polygons_crs(
    polygons: Polygons, reads: QgsCoordinateReferenceSystem, feedback, alg
) -> QgsCoordinateReferenceSystem:
    """The polygons' CRS; a layer without one is taken to share the reads' CRS (with a warning)."""
    if polygons.crs.isValid():
        return polygons.crs
    feedback.pushWarning(alg.tr("{} has no CRS; it is taken to be in the reads' CRS.").format(polygons.name))
    return reads


def warn_null_island(alg, x: np.ndarray, y: np.ndarray, crs, transform_context, feedback) -> int:
    """Warn about reads at 0,0 (missing coordinates the export filled with zeros); returns how many."""
    lon, lat = to_degrees(x, y, crs, transform_context)
    count = int(near_null_island(lon, lat).sum())
    if count:
        feedback.pushWarning(
            alg.tr(
                "{} reads lie at 0,0 (null island): their coordinates were missing. "
                "Run alpr:cleanreads first to set them apart."
            ).format(count)
        )
    return count


def unique_name(table: pd.DataFrame, wanted: Sequence[str], feedback, alg) -> pd.DataFrame:
    """``table`` without the columns an algorithm is about to (re)compute, with a warning naming them."""
    clash = [c for c in table.columns if str(c).lower() in {w.lower() for w in wanted}]
    if clash:
        feedback.pushWarning(alg.tr("Input fields replaced by the computed ones: {}.").format(", ".join(clash)))
        table = table.drop(columns=clash)
    return table
