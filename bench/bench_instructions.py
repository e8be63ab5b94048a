"""Instructions per workbook converted: a measure of the work that other load on the machine cannot move.

    python bench/bench_instructions.py                       # this code, 40 workbooks measured
    python bench/bench_instructions.py --baseline 4641bde    # and the code of that commit, same workbooks

Wall-clock times on a shared 2-core machine swing by a third from minute to minute (``bench_convert.py``
prints every run for that reason); the number of instructions a conversion executes does not. This runs one
worker's loop — check, HTML annex, the filled mandates, ``check.json`` — over generated workbooks inside
valgrind's cachegrind (``apt-get install valgrind``), twice: after a warm-up of ``--warm`` workbooks, once
with none and once with ``--n`` more. The difference divided by ``--n`` is what one more workbook costs, the
setup and warm-up taken out (after one run outside valgrind, so that the per-user cache is warm). Slow
(valgrind runs Python ≈ 50 times slower): about a minute per code.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_convert import FORM, MAP, ROOT, baseline_checkout, generate

LOOP = """
import sys
from pathlib import Path
from ka2forms.services import batch
inputs, out, warm, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
out.mkdir()
jobs = batch.collect([inputs], out).jobs
options = batch.Options(form=sys.argv[5], map_file=sys.argv[6])
batch._init_worker(options, options.fingerprint())
with batch.fewer_collections():
    for job in jobs[:warm + n]:
        batch.convert_one(job)
"""


def instructions(inputs: Path, folder: Path, warm: int, n: int, code: Path | None, *, valgrind: bool = True) -> int:
    script = folder / "loop.py"
    script.write_text(LOOP, encoding="utf-8")
    out = folder / f"out-{n}"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, KA2FORMS_CACHE_DIR=str(folder / "cache"))
    if code is not None:
        env["PYTHONPATH"] = str(code)
    tool = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"] if valgrind else []
    r = subprocess.run([*tool, sys.executable, str(script), str(inputs), str(out), str(warm), str(n), str(FORM),
                        str(MAP)], capture_output=True, text=True, check=False, env=env, cwd=str(code or ROOT))
    if not valgrind:
        return 0
    for line in r.stderr.splitlines():
        if "I" in line and "refs:" in line:
            return int(line.rsplit(":", 1)[1].replace(",", "").strip())
    sys.exit(f"valgrind gave no instruction count (exit {r.returncode}): {r.stderr[-1500:]}")


def per_workbook(inputs: Path, folder: Path, warm: int, n: int, code: Path | None = None) -> float:
    # One run first, outside valgrind: what the per-user cache keeps (the fallback font's subsets) is then there
    # for the measured workbooks too, as on any machine that has converted before.
    instructions(inputs, folder, warm, n, code, valgrind=False)
    return (instructions(inputs, folder, warm, n, code) - instructions(inputs, folder, warm, 0, code)) / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40, help="workbooks measured (after the warm-up)")
    ap.add_argument("--warm", type=int, default=40, help="workbooks converted first and not counted")
    ap.add_argument("--baseline", metavar="REF", help="also count the code of this git commit")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    tmp = Path(tempfile.mkdtemp(prefix="ka2-instr-"))
    try:
        inputs = tmp / "in"
        inputs.mkdir()
        generate(inputs, args.warm + args.n)
        ours = per_workbook(inputs, tmp, args.warm, args.n)
        print(f"this code: {ours / 1e6:.1f} million instructions per workbook", flush=True)
        if args.baseline:
            base = per_workbook(inputs, tmp, args.warm, args.n, baseline_checkout(args.baseline, tmp / "baseline"))
            print(f"baseline {args.baseline}: {base / 1e6:.1f} million instructions per workbook  -> "
                  f"{base / ours:.2f}x less work now")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
