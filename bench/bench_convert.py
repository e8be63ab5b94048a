"""Batch conversion: N generated partner workbooks → check + HTML annex + per-partner filled PDFs.

    python bench/bench_convert.py                 # N = 100 and 1000, 1 and 2 jobs
    python bench/bench_convert.py --n 200 --jobs 2 --profile
    python bench/bench_convert.py --n 1000 --jobs 2 --dir /dev/shm     # without the disk's latency
    python bench/bench_convert.py --n 1000 --jobs 1 2 --baseline cd307d1   # and the code of that commit
    python bench/bench_convert.py --n 1000 --baseline cd307d1 --repeat 3     # each 3 times, in turn; the fastest

Generates realistic workbooks (10–20 organisations each, Central-European names from scripts/build_samples.py,
~10 % of them not eligible) in a temporary folder, runs ``ka2forms convert`` in a subprocess and prints wall
time, workbooks/s, forms/s, the 2-job speed-up and the peak resident memory of the whole process tree (the
main process and its pool workers; ``getrusage(RUSAGE_CHILDREN).ru_maxrss``). ``--profile`` profiles one
in-process run (1 job) with cProfile and prints where the time goes. ``--baseline REF`` also runs the same
workbooks through the code of git commit REF (extracted with ``git archive`` into the temporary folder, run with
the same interpreter and libraries) and prints the speed-up against it, measured in the same run: the machine's
load changes from minute to minute, a ratio measured side by side does not. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "samples" / "forms" / "partner-mandate.pdf"
MAP = ROOT / "samples" / "forms" / "partner-mandate.map.yaml"

_ROLE = {"C": "Coordinator", "P": "Partner", "A": "Associated partner"}


def _orgs() -> list:  # type: ignore[type-arg]
    spec = importlib.util.spec_from_file_location("build_samples", ROOT / "scripts" / "build_samples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_samples"] = module              # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return [o for o in module.ORGS.values() if o.iso not in ("GB", "CH")]


def generate(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """``n`` KA220 / Alliance workbooks with 10–20 organisations; deterministic for a seed."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    orgs = _orgs()
    paths = []
    for i in range(n):
        size = rng.randint(10, 20)
        chosen = rng.sample(orgs, min(size, len(orgs)))
        while len(chosen) < size:                         # more organisations than the pool: numbered branches
            o = rng.choice(orgs)
            chosen.append(o.__class__(f"{o.name} – pobočka {len(chosen)}", o.iso, o.city, o.type,
                                      str(100000000 + rng.randrange(899999999)), o.oid))
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Project")
        action, year = rng.choice([("KA220-VET", 2025), ("KA220-HED", 2024), ("AFI-LOT1", 2025)])
        ws.append(["Action", action])
        ws.append(["Call year", year])
        ws.append(["Title", f"Green skills for mechatronics – cohort {i}"])
        ws.append(["Acronym", f"GREEN{i:04d}"])
        ws.append(["Duration (months)", 24 if action != "AFI-LOT1" else 36])
        ws.append(["Requested grant (EUR)", 250000 if action != "AFI-LOT1" else 1000000])
        ws = wb.create_sheet("Partners")
        ws.append(["Role", "Organisation", "Country", "City", "Type", "PIC", "OID"])
        seen: set[str] = set()
        bad = rng.random() < 0.03                          # ~3 % of workbooks name a country that does not exist
        for j, o in enumerate(chosen):
            role = "C" if j == 0 else ("A" if rng.random() < 0.15 else "P")
            pic = o.pic if o.pic not in seen else None
            seen.add(o.pic)
            country = "Atlantis" if bad and j == 2 else o.iso
            ws.append([_ROLE[role], o.name, country, o.city, o.type, pic, None])
        path = folder / f"partners-{i:04d}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def baseline_checkout(ref: str, into: Path) -> Path:
    """The source tree of commit ``ref`` (for ``PYTHONPATH``), extracted without touching the work tree."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _env(code: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def convert(inputs: Path, out: Path, jobs: int, *, forms: bool = True, code: Path | None = None) -> tuple[float, int]:
    """Wall seconds and the peak RSS (kB) of the process tree for one ``ka2forms convert`` run (of the code in
    ``code`` when given, else of this checkout)."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "ka2forms", "convert", str(inputs), "-o", str(out), "--jobs", str(jobs)]
    if forms:
        cmd += ["--form", str(FORM), "--map", str(MAP)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, check=False, env=_env(code),
                       cwd=str(code) if code is not None else None)
    seconds = time.perf_counter() - start
    if r.returncode not in (0, 2):
        sys.exit(f"convert failed ({r.returncode}): {r.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) if peak > before else peak


def measure_rss(inputs: Path, out: Path, jobs: int, code: Path | None = None) -> int:
    """Peak RSS (kB) of one run measured in a fresh interpreter (RUSAGE_CHILDREN only ever grows)."""
    probe = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],capture_output=True);"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-c", probe, sys.executable, "-m", "ka2forms", "convert", str(inputs), "-o", str(out),
           "--jobs", str(jobs), "--form", str(FORM), "--map", str(MAP)]
    return int(subprocess.run(cmd, capture_output=True, text=True, check=True, env=_env(code),
                              cwd=str(code) if code is not None else None).stdout.strip())


def profile(inputs: Path, out: Path) -> None:
    import cProfile
    import pstats

    from ka2forms.services.batch import Options, collect, run

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    jobs = collect([inputs], out).jobs
    options = Options(form=str(FORM), map_file=str(MAP))
    prof = cProfile.Profile()
    prof.enable()
    run(jobs, options, workers=1)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(
        r"batch.py:\d+\(convert_one\)|read_workbook|check_project|render_annex|fill_project|"
        r"plan_values|pdf_fill.py:\d+\(fill\)|write_atomic|fsync|_draw|draw|pdf_increment.py:\d+\(write\)|"
        r"load_workbook|_read_partners")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--baseline", metavar="REF", help="also run the code of this git commit (e.g. main) and print "
                                                      "the speed-up against it, measured in the same run")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each configuration, this code and the baseline "
                                                           "in turn; the fastest is reported (the least disturbed "
                                                           "by other load on the machine), every run is listed")
    ap.add_argument("--dir", help="where to generate and write (default: the system's temp folder; try /dev/shm "
                                  "to take the disk's file-creation latency out)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ka2-bench-", dir=args.dir))
    try:
        base = baseline_checkout(args.baseline, tmp / "baseline") if args.baseline else None
        for n in args.n:
            inputs = tmp / f"in-{n}"
            inputs.mkdir()
            start = time.perf_counter()
            generate(inputs, n)
            print(f"N={n}: generated in {time.perf_counter() - start:.1f} s", flush=True)
            if args.profile:
                profile(inputs, tmp / "out-profile")
                continue
            times = {}
            for jobs in args.jobs:
                runs, old_runs = [], []
                for _ in range(args.repeat):          # this code and the baseline in turn: the same load
                    runs.append(convert(inputs, tmp / "out", jobs)[0])
                    if base is not None:
                        old_runs.append(convert(inputs, tmp / "out-baseline", jobs, code=base)[0])
                seconds = min(runs)
                rss = measure_rss(inputs, tmp / "out", jobs)
                pdfs = sum(1 for _ in (tmp / "out").rglob("*.pdf"))
                times[jobs] = seconds
                spread = f"  (runs: {', '.join(f'{r:.1f}' for r in runs)})" if len(runs) > 1 else ""
                print(f"N={n} jobs={jobs}: {seconds:6.1f} s  {n / seconds:6.1f} workbooks/s  {pdfs} PDFs "
                      f"({pdfs / seconds:5.0f}/s)  peak RSS {rss / 1024:5.0f} MB{spread}", flush=True)
                if base is not None:
                    old = min(old_runs)
                    old_pdfs = sum(1 for _ in (tmp / "out-baseline").rglob("*.pdf"))
                    old_rss = measure_rss(inputs, tmp / "out-baseline", jobs, code=base)
                    spread = f"  (runs: {', '.join(f'{r:.1f}' for r in old_runs)})" if len(old_runs) > 1 else ""
                    print(f"N={n} jobs={jobs}: baseline {args.baseline}: {old:6.1f} s  {old_pdfs} PDFs  "
                          f"peak RSS {old_rss / 1024:5.0f} MB  -> {old / seconds:.2f}x faster now{spread}", flush=True)
            if 1 in times and 2 in times:
                print(f"N={n}: 2 jobs are {times[1] / times[2]:.2f}x faster than 1 (cores: {os.cpu_count()})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
