"""Styles that travel with outputs.

Post-processors style a layer loaded in the desktop, but they do not run under
``qgis_process``; so a GeoPackage output also gets the style as its default
style (``layer_styles`` table), which QGIS applies whenever it opens the layer.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
from typing import Optional

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingLayerPostProcessorInterface,
    QgsVectorLayer,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QVariant

STYLE_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "styles")


def style_path(name: str) -> str:
    """Path of a bundled ``.qml`` style, e.g. ``style_path("reads")``."""
    return os.path.join(STYLE_DIR, name + ".qml")


class StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Applies a bundled ``.qml`` to an output once the desktop has loaded it."""

    def __init__(self, qml: str) -> None:
        super().__init__()
        self.qml = qml

    def postProcessLayer(self, layer, context, feedback) -> None:
        if layer is not None and layer.isValid():
            layer.loadNamedStyle(self.qml)
            set_temporal(layer)
            layer.triggerRepaint()


# Fields that date a feature: an instant (a read), or a span (a patrol's track).
INSTANT_FIELD = "read_time"
SPAN_FIELDS = ("start_time", "end_time")


def set_temporal(layer) -> bool:
    """Turn on the layer's temporal properties from its date-time fields, so the Temporal Controller animates it.

    A layer with ``read_time`` shows each feature at that instant; one with
    ``start_time`` and ``end_time`` (patrol tracks) for that span.  Returns
    whether the layer has such fields.
    """
    if not isinstance(layer, QgsVectorLayer):
        return False
    kinds = {f.name(): f.type() for f in layer.fields()}
    dated = {name for name, kind in kinds.items() if kind in (QVariant.DateTime, QVariant.Date)}
    props = layer.temporalProperties()
    if all(name in dated for name in SPAN_FIELDS):
        props.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields)
        props.setStartField(SPAN_FIELDS[0])
        props.setEndField(SPAN_FIELDS[1])
    elif INSTANT_FIELD in dated:
        props.setMode(QgsVectorLayerTemporalProperties.ModeFeatureDateTimeInstantFromField)
        props.setStartField(INSTANT_FIELD)
    else:
        return False
    props.setIsActive(True)
    return True


# Post-processors must outlive the algorithm run: keep them here.
_KEEP = []


def _forget_stored_style(path: str, table: str, style: str) -> None:
    """Remove a style named ``style`` already stored for ``table`` in the GeoPackage ``path``.

    ``saveStyleToDatabase`` asks in a dialog before it replaces a style of
    the same name, and a dialog blocks ``qgis_process`` and the algorithm's
    thread for good: that happens when an output layer replaces an earlier
    one of the same name in the same GeoPackage.
    """
    conn = sqlite3.connect(path)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'layer_styles'").fetchone():
            with conn:
                conn.execute(
                    "DELETE FROM layer_styles WHERE lower(f_table_name) = lower(?) AND styleName = ?", (table, style)
                )
    finally:
        conn.close()


def style_vector_output(dest: Optional[str], style: str, context: QgsProcessingContext, feedback) -> None:
    """Style the output ``dest`` with ``styles/<style>.qml`` in the file and in the desktop."""
    if not dest:
        return
    qml = style_path(style)
    if dest.split("|")[0].lower().endswith(".gpkg"):
        layer = QgsVectorLayer(dest, style, "ogr")
        if layer.isValid():
            message, ok = layer.loadNamedStyle(qml)
            set_temporal(layer)  # (saved with the default style: every later load animates in time)
            if ok:
                named = re.search(r"\|layername=([^|]+)", dest)  # (else QGIS named the table after the file)
                table = named.group(1) if named else os.path.splitext(os.path.basename(dest.split("|")[0]))[0]
                # One run at a time between forgetting and storing: a style stored by another run in
                # between would make QGIS ask (a dialog that blocks qgis_process for good).
                with open(dest.split("|")[0], "rb") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX)  # (released when the file closes)
                    _forget_stored_style(dest.split("|")[0], table, style)
                    error = layer.saveStyleToDatabase(style, "alpr_qgis default style", True, "")
                if error:
                    feedback.pushWarning("Could not store the default style: {}".format(error))
        del layer
    if context.willLoadLayerOnCompletion(dest):
        processor = StylePostProcessor(qml)
        _KEEP.append(processor)
        context.layerToLoadOnCompletionDetails(dest).setPostProcessor(processor)
