"""core.heap.trim gives freed memory back where the C library can (glibc), and is harmless elsewhere."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from alpr_qgis.core import heap


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_returns_freed_pages_on_glibc():
    def rss_mib():
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * 4096 / 2**20

    parts = [np.ones(10_000) for _ in range(4000)]  # ~300 MiB in blocks below the mmap threshold
    keep = parts[-1::-50]
    del parts
    before = rss_mib()
    assert heap.trim(collect=True) is True
    assert rss_mib() < before - 100
    assert [float(p.sum()) for p in keep[:3]] == [10_000.0] * 3  # (live memory untouched)


def test_trim_without_malloc_trim_does_nothing(monkeypatch):
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    assert heap.trim() is False
