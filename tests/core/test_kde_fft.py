"""The heatmap's in-place FFT convolution against a direct sum, on odd and even FFT sizes."""

from __future__ import annotations

import numpy as np
import pytest

from alpr_qgis.core import kde


def _direct(field: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``field`` convolved with the centred ``kernel``, zero outside (the same size as ``field``)."""
    half = kernel.shape[0] // 2
    padded = np.pad(field.astype(float), half)
    out = np.zeros(field.shape)
    for dy in range(-half, half + 1):
        for dx in range(-half, half + 1):
            k = kernel[dy + half, dx + half]
            if k:
                out += k * padded[half - dy : half - dy + field.shape[0], half - dx : half - dx + field.shape[1]]
    return out


CASES = [(37, 52, 5, 3), (40, 41, 7, 0), (63, 30, 4, 2), (40, 60, 5, 0), (70, 70, 5, 0)]


@pytest.mark.parametrize(("rows", "cols", "half", "crop"), CASES)
def test_convolve_matches_a_direct_sum(rows, cols, half, crop):
    rng = np.random.default_rng(rows * cols)
    field = np.zeros((rows, cols))
    field[crop : rows - crop, crop : cols - crop] = rng.uniform(0, 5, (rows - 2 * crop, cols - 2 * crop))
    oy, ox = np.mgrid[-half : half + 1, -half : half + 1]
    kernel = np.clip(1.0 - (oy**2 + ox**2) / (half + 0.5) ** 2, 0, None) ** 2  # even in x and in y
    got = kde._convolve(field.astype(np.float32), kernel, crop, field.shape)
    expected = _direct(field, kernel)[crop : rows - crop, crop : cols - crop]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=2e-5 * expected.max())


def test_fft_sizes_cover_odd_and_even_lengths():
    """The shapes above give odd as well as even transform lengths (both halves of the spectrum mirror)."""
    shapes = [kde._fft_shape((r, c), h, k) for r, c, h, k in CASES]
    for axis in (0, 1):
        assert {s[axis] % 2 for s in shapes} == {0, 1}


def test_field_in_its_own_buffer_is_transformed_in_place():
    field = np.zeros((30, 40), dtype=np.float32)
    field[10, 12] = 1.0
    kernel = np.ones((5, 5))
    shape = kde._fft_shape(field.shape, 2, 0)
    buffer = kde._fft_buffer(shape)
    buffer[:30, :40] = field
    got = kde._convolve(buffer, kernel, 0, field.shape)
    assert np.shares_memory(got, buffer)
    np.testing.assert_allclose(got[8:13, 10:15], 1.0, atol=1e-6)
    assert abs(float(got.sum()) - 25.0) < 1e-4
