"""Kernels: native's shapes and normalising constants, and their parts computed by FFT and by spans."""

from __future__ import annotations

import math
from typing import Callable, Optional, Tuple

import numpy as np

# ----------------------------------------------------------------- kernels


def kernel_scale(kernel: str, output: str, radius: float, decay: float = 0.0) -> float:
    """The constant native multiplies the raw kernel by (1 for raw output), as coded in QGIS."""
    if output == "raw":
        return 1.0
    r2 = radius**2
    if kernel == "quartic":
        return 116.0 / (5.0 * math.pi * r2) * (15.0 / 16.0)
    if kernel == "triweight":
        return 128.0 / (35.0 * math.pi * r2) * (35.0 / 32.0)
    if kernel == "epanechnikov":
        return 8.0 / (3.0 * math.pi * r2) * (3.0 / 4.0)
    if kernel == "uniform":
        return 2.0 / (math.pi * radius) * (0.5 / radius)
    if kernel == "triangular":
        return 3.0 / ((1.0 + 2.0 * decay) * math.pi * r2) if decay >= 0 else 1.0
    raise ValueError("unknown kernel {!r}".format(kernel))


def kernel_values(
    distance: np.ndarray, radius: float, kernel: str, output: str = "raw", decay: float = 0.0
) -> np.ndarray:
    """Native's kernel at ``distance`` (map units, ≤ radius), raw or scaled."""
    t = np.asarray(distance, dtype=float) / radius
    if kernel == "quartic":
        raw = (1.0 - t**2) ** 2
    elif kernel == "triweight":
        raw = (1.0 - t**2) ** 3
    elif kernel == "epanechnikov":
        raw = 1.0 - t**2
    elif kernel == "uniform":
        raw = np.ones_like(t)
    elif kernel == "triangular":
        raw = 1.0 - (1.0 - decay) * t
    else:
        raise ValueError("unknown kernel {!r}".format(kernel))
    return raw * kernel_scale(kernel, output, radius, decay)


def _smooth_profile(kernel: str, scale: float, decay: float) -> Optional[Callable[[np.ndarray], np.ndarray]]:
    """The part of the kernel computed by FFT, as a function of t = d / r (None: no such part)."""
    if kernel == "quartic":
        return lambda t: scale * (1.0 - t**2) ** 2
    if kernel == "triweight":
        return lambda t: scale * (1.0 - t**2) ** 3
    if kernel == "triangular":
        return lambda t: scale * 0.5 * (1.0 - decay) * (1.0 - t) ** 2
    return None


def _span_terms(kernel: str, scale: float, decay: float) -> Tuple[float, float]:
    """(alpha, jump): the part ``alpha (1 - t²) + jump`` of the kernel computed by spans."""
    if kernel == "epanechnikov":
        return scale, 0.0
    if kernel == "uniform":
        return 0.0, scale
    if kernel == "triangular":
        return scale * 0.5 * (1.0 - decay), scale * decay
    return 0.0, 0.0
