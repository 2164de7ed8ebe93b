"""Tuning knobs shared by the drivers (:data:`EXACT_BUDGET`, :data:`FFT_MODES`, :data:`STRIP_ROWS`) and :func:`plan`.

Code elsewhere reads ``tuning.EXACT_BUDGET`` and ``tuning.STRIP_ROWS`` at call time, so patching them here
reaches every reader.
"""

from __future__ import annotations

from typing import Optional

from alpr_qgis.core.kde.grid import radius_in_pixels

#: Inputs with points × (2b+1)² at most this are computed point by point.
EXACT_BUDGET = 4_000_000
#: FFT interpolation order by kernel: the first whose smallest radius (in cells)
#: the radius reaches, so that one point's error stays near or under 0.3 % of
#: its peak (linear: 0.67/R² quartic, 1.0/R² triweight; cubic: 0.32/R²,
#: 0.24 % at 6.5 cells; triangular, cubic with the tip table: under 0.3 % from
#: 5 cells).  Smaller radii are computed point by point.
FFT_MODES = {
    "quartic": ((15.0, "linear"), (10.5, "cubic")),
    "triweight": ((18.5, "linear"), (6.5, "cubic")),
    "triangular": ((5.0, "cubic"),),
}
#: Raster rows per strip computed (and written) at once when streaming.
STRIP_ROWS = 192


# ----------------------------------------------------------------- driver


def plan(n_points: int, radius: float, pixel: float, kernel: str, exact_budget: Optional[int] = None) -> str:
    """How :func:`kernel_density` computes: ``exact``, ``spans``, ``fft-linear``, ``fft-cubic``, ``spans+fft-cubic``."""
    b = radius_in_pixels(radius, pixel)
    if n_points * (2 * b + 1) ** 2 <= (EXACT_BUDGET if exact_budget is None else exact_budget):
        return "exact"
    if kernel in ("uniform", "epanechnikov"):
        return "spans"
    radius_cells = radius / pixel
    for min_radius, order in FFT_MODES[kernel]:
        if radius_cells >= min_radius:
            return ("spans+fft-" if kernel == "triangular" else "fft-") + order
    return "exact"
