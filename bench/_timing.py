"""The one way the benchmarks time a piece of work: warm it once, then keep the best of several runs (the
least disturbed by other processes on a shared machine)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(fn: Callable[[], object], runs: int = 7) -> float:
    """Seconds of the fastest of ``runs`` calls of ``fn``, after one call to warm caches (gazetteer, rules)."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
