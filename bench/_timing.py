"""The one way the benchmarks time a piece of work: warm it once, then time several runs and keep the best (the
least disturbed by other processes on a shared machine) or the median."""

from __future__ import annotations

import time
from collections.abc import Callable


def times(fn: Callable[[], object], runs: int = 7) -> list[float]:
    """Seconds of each of ``runs`` calls of ``fn``, after one call to warm caches (gazetteer, rules)."""
    fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def best(fn: Callable[[], object], runs: int = 7) -> float:
    """Seconds of the fastest of ``runs`` warm calls of ``fn``."""
    return min(times(fn, runs))
