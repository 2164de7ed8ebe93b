"""Giving freed memory back to the system between the stages of a long run.

A step that works through millions of reads a chunk at a time frees each
chunk's arrays and strings, but the C library keeps the freed pages for
later (in several arenas, one per thread that allocated): the process's
resident memory stays at its high-water mark, and the next stage (say, the
spatial index of the output) starts from there.  ``trim()`` asks glibc to
return the free pages (``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import lru_cache
from typing import Callable, Optional


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[Callable[[int], int]]:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # (not glibc: musl has no malloc_trim)
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def trim(collect: bool = False) -> bool:
    """Return the C library's free memory to the system (after a garbage collection if ``collect``).

    True when it could be asked (glibc); the results of a run never depend on it.
    """
    if collect:
        gc.collect()
    release = _malloc_trim()
    if release is None:
        return False
    release(0)
    return True
