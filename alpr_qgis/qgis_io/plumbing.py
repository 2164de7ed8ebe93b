"""What every algorithm does around its core call: progress spans, styled outputs, accounting.

- :func:`progress_span`: a ``progress(f)`` callable mapping 0..1 onto a
  part of the feedback's 0..100.
- :func:`write_output`: write a table to a sink (``write_frame``), stop if
  cancelled, and style the result (in the file and in the desktop).
- :func:`polygon_geometry`: the ``write_frame`` geometry arguments for
  shapely polygons (as multipolygons; None stays null).
- :func:`check_accounted`: the "every input row lands somewhere" check.
"""

from __future__ import annotations

from typing import Callable, Dict, Optional, Sequence, Tuple

from qgis.core import QgsProcessingException, QgsWkbTypes
from qgis.PyQt.QtCore import QCoreApplication

from alpr_qgis.core import spatial
from alpr_qgis.core.errors import Cancelled
from alpr_qgis.qgis_io.styles import style_vector_output
from alpr_qgis.qgis_io.vector import write_frame


def progress_span(feedback, start: float, end: float) -> Callable[[float], None]:
    """``progress(f)`` for a step that runs from ``start`` to ``end`` percent of ``feedback``."""
    return lambda f: feedback.setProgress(start + (end - start) * f)


def write_output(
    alg,
    parameters: Dict,
    name: str,
    context,
    feedback,
    table,
    *,
    style: Optional[str] = None,
    progress: Callable[[float], None] = lambda f: None,
    **geometry,
) -> Tuple[Optional[str], int]:
    """Write ``table`` to the sink ``name`` (``geometry``: ``write_frame``'s x/y, wkb/wkb_type, crs).

    Raises ``Cancelled`` when the run is cancelled; styles the output with
    ``styles/<style>.qml`` when ``style`` is given.  Returns
    ``(destination, rows written)``, ``(None, 0)`` for an optional sink left unset.
    """
    dest, count = write_frame(
        alg, parameters, name, context, table, progress=progress, cancelled=feedback.isCanceled, **geometry
    )
    if feedback.isCanceled():
        raise Cancelled()
    if style:
        style_vector_output(dest, style, context, feedback)
    return dest, count


def polygon_geometry(geoms: Sequence[Optional[object]]) -> Dict:
    """``write_frame`` geometry arguments for shapely polygons: multipolygons, None where there is none."""
    multi = [spatial.as_multipolygon(g) for g in geoms]
    return {"wkb": [m.wkb if m is not None else None for m in multi], "wkb_type": QgsWkbTypes.MultiPolygon}


def check_accounted(total: int, *parts: int, what: str = "reads") -> None:
    """Raise when the parts do not add up to ``total`` (cheap, and it catches real bugs)."""
    missing = int(total) - sum(int(p) for p in parts)
    if missing:
        raise QgsProcessingException(
            QCoreApplication.translate("AlprAlgorithm", "Internal error: {} {} unaccounted for.").format(missing, what)
        )
