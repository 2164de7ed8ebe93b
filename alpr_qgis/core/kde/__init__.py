"""Kernel density on a raster grid: the raster QGIS's heatmap makes, computed fast.

QGIS's ``qgis:heatmapkerneldensityestimation`` (``QgsKernelDensityEstimation``
in ``src/analysis/raster/qgskde.cpp``) adds every point's kernel to the block
of (2b+1)² cells around it, so its work grows with points × radius².
:func:`kernel_density` returns the same raster — same grid, same no-data
cells, values within a fraction of a percent of the largest value — with work
that grows with points × radius at most, and for the quartic and triweight
kernels with points + cells only.

Native's geometry, reproduced exactly:

* the grid is the source extent grown by the radius on every side;
  ``rows = max(ceil(height / pixel) + 1, 1)``, the same for columns, and the
  origin is the grown extent's top-left corner (:class:`Grid`);
* a point touches only the block of cells ``b`` either side of its own,
  ``b = int(radius / pixel)``, plus one when ``radius - pixel * b > 0.5``
  (map units); the block's first column and row are C ``unsigned int``
  casts, so -0.5 becomes 0, and a point whose block does not fit in the
  raster is lost (GDAL refuses the read);
* x distances are measured to the true cell centre, y distances to a centre
  counted up from the bottom while the value lands in a row counted down from
  the top: the point behaves as if its row position were
  ``yPosIO - yPos + (y - yMin) / pixel`` (``_Points.row``);
* a cell is reached when ``sqrt(dx² + dy²) <= radius`` in double precision, so
  a cell exactly on the rim becomes 0 rather than no-data; cells no point
  reaches are :data:`NODATA`.

How the values are computed (:func:`plan` picks by kernel, radius and size):

``exact``
    Point by point over its block, as native does (summing in double
    precision, where native rounds into single precision after every
    addition).  For small inputs, small radii, and the few points whose block
    cuts their disk (pixels under a map unit; raster edges).
``spans``
    Exact too, row by row: on one raster row a point reaches a run of
    columns, and the uniform and Epanechnikov kernels are polynomials of
    degree ≤ 2 in the column there, so each (point, row) adds its
    coefficients at the run's two ends, and running sums along each row give
    every cell.  Work: points × (2b + 1).
``fft-linear``, ``fft-cubic``
    The quartic and triweight kernels, and the part of the triangular kernel
    that is smooth at the rim: each point's weight is spread over the 2 × 2
    (linear) or 4 × 4 (cubic Lagrange) cell centres around its exact
    position, and the grid is convolved once, by FFT, with the kernel sampled
    at whole-cell offsets — interpolation of the kernel in the point's
    position.  One point's largest error is about 0.67/R² of its peak for the
    quartic kernel with linear weights (the sampled kernel carries -1/12 of
    its Laplacian, which cancels the average error), 0.32/R² with cubic
    weights, 1.0/R² and about 0.1/R² for triweight (R: the radius in cells);
    :data:`FFT_MODES` keeps it near or under 0.3 %.  The cells reached come from
    :func:`_fast_mask`, exactly: one small FFT on blocks of 4 × 4 cells finds
    the cells surely reached, and only the points near unreached cells are
    tested cell by cell at the rims of their disks.

Time and memory: :class:`DensityBuilder` takes the points in chunks and
hands the raster out in strips of rows, so that for the quartic and
triweight kernels nothing the size of the grid is ever held: each point is
kept as 6 bytes (float32 column, uint16 row within a band of 32 rows); the
cells reached come from a coverage of occupied 4 × 4 blocks updated as the
points come, and only the few points then near cells not surely reached
keep their exact coordinates for the rim tests; each strip is one
overlap-save FFT (the strip and the kernel's half-width above and below) in
one float32 buffer, through ``scipy.fft`` (in place, several workers).  The other methods compute the whole
grid at once.

The triangular kernel ``1 - (1 - decay) t`` is split as
``decay + (1 - decay)/2 (1 - t²) + (1 - decay)/2 (1 - t)²``: the jump at the
rim and the kink there (first two terms) go through ``spans``, the rest,
smooth at the rim, through the FFT, whose blunted cone tip is corrected from
a table of exact-minus-interpolated values by sub-cell position.

Pure numpy/scipy: nothing here imports QGIS.

Rooms of this package (each imports only the ones above it):

* :mod:`.grid`: the raster's geometry as native computes it (:class:`Grid`,
  :func:`radius_in_pixels`), :data:`KERNELS`, :data:`OUTPUT_VALUES`,
  :data:`NODATA`, :data:`MAX_CELLS`, the result :class:`Density`;
* :mod:`.kernels`: the kernels' shapes and normalising constants
  (:func:`kernel_scale`, :func:`kernel_values`) and their FFT and span parts;
* :mod:`.points`: the positions native derives from each point (``_Points``)
  and the tests of blocks against disks;
* :mod:`.exact`: point by point (``_exact``) and the exact per-point spans and
  their strip sums (``_spans``, ``_span_strip_sums``);
* :mod:`.fft`: the FFT path (sampled kernel, pocketfft, convolution, spreading,
  the triangular tip table);
* :mod:`.mask`: the cells reached (``_Coverage``, ``_fast_mask``, rims);
* :mod:`.tuning`: :data:`EXACT_BUDGET`, :data:`FFT_MODES`, :data:`STRIP_ROWS`
  and :func:`plan` (patch them on ``kde.tuning``: the other rooms read them
  there at call time);
* :mod:`.whole`: the whole grid at once (``_whole_grid``);
* :mod:`.builder`: :class:`DensityBuilder` with its own knobs
  (``_BUCKET_ROWS``, ``_SPREAD_POINTS``, ``_FIRST_UPDATE``) and
  :func:`kernel_density`.

Private knobs live in the room that reads them (``fft._TIP_POINTS``,
``mask._SURE_BLOCK``, ``mask._FRONTIER_BLOCK``, ``builder._SPREAD_POINTS``,
``builder._FIRST_UPDATE``): patch them there.
"""

from __future__ import annotations

from alpr_qgis.core.errors import Cancelled
from alpr_qgis.core.kde.builder import DensityBuilder, kernel_density
from alpr_qgis.core.kde.exact import _spans
from alpr_qgis.core.kde.fft import _convolve, _fft_buffer, _fft_shape
from alpr_qgis.core.kde.grid import (
    KERNELS,
    MAX_CELLS,
    NODATA,
    OUTPUT_VALUES,
    Density,
    Grid,
    IsCancelled,
    Progress,
    radius_in_pixels,
)
from alpr_qgis.core.kde.kernels import _span_terms, kernel_scale, kernel_values
from alpr_qgis.core.kde.mask import _block_always, _mark_runs
from alpr_qgis.core.kde.points import _points
from alpr_qgis.core.kde.tuning import EXACT_BUDGET, FFT_MODES, STRIP_ROWS, plan
from alpr_qgis.core.kde.whole import _whole_grid

__all__ = [
    "Cancelled",
    "Density",
    "DensityBuilder",
    "EXACT_BUDGET",
    "FFT_MODES",
    "Grid",
    "IsCancelled",
    "KERNELS",
    "MAX_CELLS",
    "NODATA",
    "OUTPUT_VALUES",
    "Progress",
    "STRIP_ROWS",
    "kernel_density",
    "kernel_scale",
    "kernel_values",
    "plan",
    "radius_in_pixels",
    # private, imported by tests
    "_block_always",
    "_convolve",
    "_fft_buffer",
    "_fft_shape",
    "_mark_runs",
    "_points",
    "_span_terms",
    "_spans",
    "_whole_grid",
]
