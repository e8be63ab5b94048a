"""Benchmark: the Excel worksheet functions as Excel feels them (not part of the test suite).

Prints timings and ratios against a baseline measured in the same run:
- cold start: a fresh process imports ka2forms.udfs and computes the first KA2_TRAVEL. Measured twice:
  with xlwings already imported (as inside Excel, where the xlwings server has loaded it before it
  imports the UDF modules) and from nothing (xlwings' own import included, where installed);
- one array call over 10 000 rows (warm) against the baseline of 10 000 single-cell calls, which is what a
  sheet with one formula per row costs (Excel makes one COM round trip per cell on top of this).

Budgets from the Excel add-in issue: cold ≤ 0.3 s; 10 000 pairs in one call ≤ 50 ms warm.

    python bench/bench_udfs.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

COLD = """
import time, sys
{pre}
t = time.perf_counter()
import ka2forms.udfs as u
v = u.KA2_TRAVEL("Ljubljana", "Wien", 2025.0)
dt = time.perf_counter() - t
assert v == 211.0, v
print(dt)
"""

TOWNS = ["Ljubljana", "Maribor", "Brno", "Praha", "Wien", "Graz", "Kraków", "Łódź", "Győr", "Zagreb", "Split",
         "Bratislava", "Košice", "Budapest", "Pécs", "München", "Köln", "Bologna", "Valencia, ES", "Lisboa"]


def cold(pre: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD.format(pre=pre)], capture_output=True, text=True,
                             check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        times.append(float(out.stdout.strip()))
    return min(times)


def main() -> None:
    from ka2forms import udfs

    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores")
    try:
        import xlwings  # noqa: F401

        have_xlwings = True
    except ImportError:
        have_xlwings = False
    in_excel = cold("import xlwings" if have_xlwings else "")
    print("cold start: import ka2forms.udfs + first KA2_TRAVEL (fresh process, best of 5)")
    print(f"  xlwings already loaded (as in Excel)   {in_excel * 1000:7.1f} ms   budget 300 ms  "
          f"{'OK' if in_excel <= 0.3 else 'OVER'}")
    if have_xlwings:
        from_nothing = cold("")
        print(f"  from nothing (xlwings import included) {from_nothing * 1000:7.1f} ms   (xlwings itself: "
              f"{(from_nothing - in_excel) * 1000:.0f} ms)")

    n = 10_000
    froms = [[TOWNS[i % len(TOWNS)]] for i in range(n)]
    tos = [[TOWNS[(i * 7 + 3) % len(TOWNS)]] for i in range(n)]
    udfs.KA2_TRAVEL(froms[:100], tos[:100], 2025.0)  # warm: gazetteer and rules loaded
    array_times = []
    for _ in range(7):
        t = time.perf_counter()
        out = udfs.KA2_TRAVEL(froms, tos, 2025.0)
        array_times.append(time.perf_counter() - t)
    assert all(isinstance(r[0], float) for r in out)
    t = time.perf_counter()
    for f, to in zip(froms, tos, strict=True):
        udfs.KA2_TRAVEL(f[0], to[0], 2025.0)
    per_cell = time.perf_counter() - t
    best = min(array_times)
    print(f"{n} rows, {len(TOWNS)} towns (warm)")
    print(f"  one array call KA2_TRAVEL(A2:A{n + 1}, B2:B{n + 1})  {best * 1000:7.1f} ms "
          f"(median {statistics.median(array_times) * 1000:.1f})   budget 50 ms  {'OK' if best <= 0.05 else 'OVER'}")
    print(f"  baseline: {n} single-cell calls        {per_cell * 1000:7.1f} ms   ratio baseline/array "
          f"{per_cell / best:5.1f}x  (before Excel's per-cell COM round trips)")


if __name__ == "__main__":
    main()
