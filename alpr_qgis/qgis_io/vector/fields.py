"""Fields and Qt values: the ``Frame`` of columns, QGIS fields for a DataFrame, values to and from Qt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Optional

import numpy as np
from qgis.core import QgsCoordinateReferenceSystem, QgsField, QgsFields
from qgis.PyQt.QtCore import QDate, QDateTime, QTime, QVariant

from alpr_qgis.core.lazy import lazy_module
from alpr_qgis.qgis_io.sqlite_rows import sql_values

pd = lazy_module("pandas")


Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]


@dataclass
class Frame:
    """A layer as columns: attributes, point coordinates (NaN = no geometry), CRS.

    ``offset``: the index in the whole source of the first row (0 but for
    the chunks of :func:`alpr_qgis.qgis_io.vector.read_chunks`).
    """

    table: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    crs: QgsCoordinateReferenceSystem
    offset: int = 0


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
