"""Giving memory back: after a recognizer is dropped, its heap pages return to the system.

Kaldi frees a recognizer's decoding state with the C library's ``free``, which keeps the pages
for reuse; over hundreds of utterances glibc's arenas fragment and the resident size creeps up
although nothing leaks. ``malloc_trim`` hands the free pages back. Elsewhere than glibc this is
a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from functools import cache

_LOGGER = logging.getLogger(__name__)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc only)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
