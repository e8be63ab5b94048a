"""The larger fuzz run (issue 11): N seeded mutations of the sample workbooks through ``ka2forms check``, and
every ``--annex-every``-th one also through ``ka2forms annex`` (Markdown and Word), all in this process.

    python bench/fuzz_workbooks.py                  # 10 000 inputs from seed 0
    python bench/fuzz_workbooks.py --n 20000 --first-seed 100000 --keep /tmp/fuzz-failures

Counts the exit codes; an *internal error* is an exit 3 or an exception that escaped the CLI; a *hang* is an
input still running after ``--hang`` seconds (stopped with a timer signal); an exit 2 that does not name the
file is a *nameless* error. Prints the counts, the slowest inputs, the time per input and the peak memory, and
exits 1 when any internal error, hang or nameless error was found. ``--keep`` saves the failing inputs
(named by seed: ``fuzzing.mutate(sample, seed)`` makes them again). The mutations are ``tests/fuzzing.py``'s,
the suite runs 600 of them (tests/readers/test_fuzz_workbooks.py).
"""

from __future__ import annotations

import argparse
import collections
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import Outcome, mutate, run_check  # noqa: E402
from workbooks import with_shared_strings  # noqa: E402


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def _annex(path: Path, out: Path) -> list[Outcome]:
    from click.testing import CliRunner

    from ka2forms.cli import main

    outcomes = []
    for fmt in ("md", "docx"):
        start = time.perf_counter()
        r = CliRunner().invoke(main, ["annex", str(path), "--format", fmt, "-o", str(out / f"annex.{fmt}")])
        code = r.exit_code
        text = r.output
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            code, text = 3, text + f"\nuncaught {r.exception!r}"
        outcomes.append(Outcome(code, text, time.perf_counter() - start))
    return outcomes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--hang", type=float, default=30.0, help="seconds after which an input counts as a hang")
    ap.add_argument("--annex-every", type=int, default=10, help="also render the annex for every k-th input")
    ap.add_argument("--keep", type=Path, help="folder to copy failing inputs to")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ka2forms-fuzz-"))
    samples = sorted((ROOT / "samples").glob("*.xlsx"))
    corpus = [p.read_bytes() for p in samples] + [
        with_shared_strings(s, tmp / f"shared-{s.name}").read_bytes() for s in samples[:4]]
    codes: collections.Counter[int] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    internal: list[str] = []
    hangs: list[str] = []
    nameless: list[str] = []
    slowest: list[tuple[float, int, str]] = []
    annexes = 0
    signal.signal(signal.SIGALRM, _alarm)
    start = time.perf_counter()
    try:
        for seed in range(args.first_seed, args.first_seed + args.n):
            m = mutate(corpus[seed % len(corpus)], seed)
            kinds[m.kind.split(":")[-1].split("+")[0]] += 1
            path = tmp / f"fuzz-{seed}.xlsx"
            path.write_bytes(m.data)
            signal.setitimer(signal.ITIMER_REAL, args.hang, 0.1)     # repeats: one may be lost in a __del__
            try:
                outcomes = [run_check(path)]
                if args.annex_every and seed % args.annex_every == 0 and outcomes[0].code in (0, 1):
                    outcomes += _annex(path, tmp)
                    annexes += 1
            except Hang:
                hangs.append(f"seed {seed} ({m.kind})")
                outcomes = []
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            failed = False
            for o in outcomes:
                codes[o.code] += 1
                slowest.append((o.seconds, seed, m.kind))
                if o.code not in (0, 1, 2):
                    internal.append(f"seed {seed} ({m.kind}): exit {o.code}: {o.output.strip()[-300:]}")
                    failed = True
                elif o.code == 2 and str(path) not in o.output:
                    nameless.append(f"seed {seed} ({m.kind}): {o.output.strip()[-300:]}")
                    failed = True
            if (failed or not outcomes) and args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, args.keep / path.name)
            path.unlink()
            slowest = sorted(slowest, reverse=True)[:5]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"inputs: {args.n} (seeds {args.first_seed}..{args.first_seed + args.n - 1}), annex runs: {annexes} "
          f"(md + docx each)")
    print(f"exit codes: {dict(sorted(codes.items()))}")
    print(f"internal errors: {len(internal)}, hangs (> {args.hang:g} s): {len(hangs)}, "
          f"exit 2 without the file's name: {len(nameless)}")
    print(f"time: {seconds:.1f} s ({1000 * seconds / max(1, args.n):.1f} ms per input), peak memory {peak_mb:.0f} MB")
    print("slowest: " + ", ".join(f"seed {s} {t:.2f} s ({k})" for t, s, k in slowest))
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    for line in (internal + hangs + nameless)[:30]:
        print("  " + line)
    return 1 if internal or hangs or nameless else 0


if __name__ == "__main__":
    sys.exit(main())
