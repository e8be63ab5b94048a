"""Fuzz test (issue 11): seeded mutations of the sample workbooks never crash ``ka2forms check``.

Each of the ``FUZZ_CASES`` inputs (600 by default; ``KA2FORMS_FUZZ_CASES`` changes it, ``KA2FORMS_FUZZ_SEED``
moves the window of seeds) is one of the samples (inline strings as openpyxl writes them, or a shared-string
table as Excel writes them) broken by :func:`fuzzing.mutate`: zip bytes, XML parts, structure. Run in-process
through the CLI, each must end with exit 0, 1 or 2 — never 3 — and an exit 2 must name the file; each within
``SECONDS_PER_CASE`` and the whole run within ``MEMORY_MB`` of extra peak memory. A failure prints the seeds, so
``mutate(sample, seed)`` reproduces it. The larger run is ``bench/fuzz_workbooks.py``.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from pathlib import Path

import pytest
from fuzzing import mutate, run_check
from workbooks import with_shared_strings

REPO = Path(__file__).resolve().parents[2]
FUZZ_CASES = int(os.environ.get("KA2FORMS_FUZZ_CASES", "600"))
FIRST_SEED = int(os.environ.get("KA2FORMS_FUZZ_SEED", "0"))
SECONDS_PER_CASE = 5.0
MEMORY_MB = 400


def corpus(tmp: Path) -> list[bytes]:
    samples = sorted((REPO / "samples").glob("*.xlsx"))
    shared = [with_shared_strings(s, tmp / f"shared-{s.name}") for s in samples[:4]]
    return [p.read_bytes() for p in (*samples, *shared)]


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers for the hang bound")
def test_mutated_workbooks_exit_0_1_or_2_naming_the_file(tmp_path: Path) -> None:
    originals = corpus(tmp_path)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    failures: list[str] = []
    kinds: dict[str, int] = {}
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for seed in range(FIRST_SEED, FIRST_SEED + FUZZ_CASES):
            m = mutate(originals[seed % len(originals)], seed)
            kinds[m.kind.split(":")[0]] = kinds.get(m.kind.split(":")[0], 0) + 1
            path = tmp_path / f"fuzz-{seed}.xlsx"
            path.write_bytes(m.data)
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_CASE * 4, 0.1)   # repeats: one may be lost in a __del__
            try:
                outcome = run_check(path)
            except _Hang:
                failures.append(f"seed {seed} ({m.kind}): still running after {SECONDS_PER_CASE * 4:g} s")
                continue
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - start
            if outcome.code not in (0, 1, 2):
                failures.append(f"seed {seed} ({m.kind}): exit {outcome.code}: {outcome.output[-400:]}")
            elif outcome.code == 2 and str(path) not in outcome.output:
                failures.append(f"seed {seed} ({m.kind}): exit 2 without naming the file: {outcome.output[-400:]}")
            elif seconds > SECONDS_PER_CASE:
                failures.append(f"seed {seed} ({m.kind}): took {seconds:.1f} s")
            path.unlink()
    finally:
        signal.signal(signal.SIGALRM, previous)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024   # KiB on Linux
    assert not failures, f"{len(failures)} of {FUZZ_CASES} mutated workbooks failed:\n" + "\n".join(failures[:20])
    assert grown_mb < MEMORY_MB, f"peak memory grew by {grown_mb:.0f} MB"
    assert FUZZ_CASES < 100 or len(kinds) >= 8, f"too few kinds of mutation: {kinds}"
