"""The grid: the raster QGIS's heatmap makes (bounds, pixel, shape), the block half-width, the result."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Tuple

import numpy as np

from alpr_qgis.core.errors import QT_TRANSLATE_NOOP, AlprInputError

Progress = Callable[[float], None]
IsCancelled = Callable[[], bool]

#: Kernel names, in the order of QGIS's KERNEL enum (the index is the contract).
KERNELS = ("quartic", "triangular", "uniform", "triweight", "epanechnikov")
#: Output value names, in the order of QGIS's OUTPUT_VALUE enum.
OUTPUT_VALUES = ("raw", "scaled")
#: The value of cells no point reaches (as QGIS's heatmap writes).
NODATA = -9999.0

#: Largest grid accepted (cells); beyond it the memory needed is unreasonable.
MAX_CELLS = 60_000_000


# ----------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Grid:
    """The output raster: native's bounds (extent grown by the radius), pixel size and shape."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float
    pixel: float
    rows: int
    cols: int

    @classmethod
    def around(cls, extent: Tuple[float, float, float, float], radius: float, pixel: float) -> Grid:
        """The grid QGIS's heatmap makes for ``extent`` (x_min, y_min, x_max, y_max).

        The extent is grown by ``radius`` on every side; ``rows`` and ``cols``
        follow native's ``max(ceil(size / pixel) + 1, 1)``, so the raster runs
        one or two cells past the grown extent on the right and at the bottom.
        """
        if not (radius > 0 and math.isfinite(radius)):
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is not a usable radius: give a distance greater than 0 m"),
                field="RADIUS",
                value=radius,
            )
        if not (pixel > 0 and math.isfinite(pixel)):
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "is not a usable pixel size: give a distance greater than 0 m"),
                field="PIXEL_SIZE",
                value=pixel,
            )
        x0, y0, x1, y1 = (float(v) for v in extent)
        if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 < x0 or y1 < y0:
            raise AlprInputError(QT_TRANSLATE_NOOP("alpr_core", "is not a usable extent"), field="EXTENT", value=extent)
        x0, y0, x1, y1 = x0 - radius, y0 - radius, x1 + radius, y1 + radius
        rows = int(max(math.ceil((y1 - y0) / pixel) + 1, 1))
        cols = int(max(math.ceil((x1 - x0) / pixel) + 1, 1))
        if rows * cols > MAX_CELLS:
            raise AlprInputError(
                QT_TRANSLATE_NOOP("alpr_core", "makes a raster of {rows} × {columns} cells, too large"),
                args={"rows": rows, "columns": cols, "limit": MAX_CELLS},
                field="PIXEL_SIZE",
                value=pixel,
                hint=QT_TRANSLATE_NOOP(
                    "alpr_core", "Use a larger pixel size or a smaller extent (at most {limit:,} cells)."
                ),
            )
        return cls(x0, y0, x1, y1, float(pixel), rows, cols)

    @property
    def geotransform(self) -> Tuple[float, float, float, float, float, float]:
        """GDAL geotransform: origin at the grown extent's top-left corner, square pixels."""
        return (self.x_min, self.pixel, 0.0, self.y_max, 0.0, -self.pixel)

    def contains(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Points inside the grown extent, edges included (native skips the others)."""
        return (x >= self.x_min) & (x <= self.x_max) & (y >= self.y_min) & (y <= self.y_max)


def radius_in_pixels(radius: float, pixel: float) -> int:
    """Native's block half-width ``b``: whole pixels in the radius, plus one if the rest exceeds 0.5 map units."""
    b = int(radius / pixel)
    if radius - pixel * b > 0.5:
        b += 1
    return b


# ----------------------------------------------------------------- result


@dataclass
class Density:
    """A computed heatmap.

    ``values``: float32 (rows, cols), :data:`NODATA` where no point reaches;
    ``method``: how it was computed (see :func:`plan`); ``points``: points
    used; ``outside``: points left out for a non-finite coordinate or lying
    outside the grown extent; ``unfit``: points left out because their block
    does not fit in the raster (as native does); ``exact_points``: points
    computed point by point; ``maximum``: the largest value (0 when no cell
    has data).
    """

    values: np.ndarray
    method: str
    points: int
    outside: int = 0
    unfit: int = 0
    exact_points: int = 0
    maximum: float = 0.0
