"""Filling the sample form per partner: reused template vs fresh parse, with and without flattening.

    python bench/bench_forms.py

Prints the best of 5 rounds (ms per filled form); not part of the test suite.
"""

from __future__ import annotations

import datetime as dt
import timeit
from pathlib import Path

from ka2forms.readers.workbook import read_workbook
from ka2forms.services.forms import FormMap, FormTemplate, plan_values

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    project = read_workbook(ROOT / "samples" / "afi-lot1-eligible.xlsx")
    fmap = FormMap.load(ROOT / "samples" / "forms" / "partner-mandate.map.yaml")
    data = (ROOT / "samples" / "forms" / "partner-mandate.pdf").read_bytes()
    template = FormTemplate.load(data)
    plans = [plan_values(template, fmap, project, p, per_partner=True, today=dt.date(2026, 3, 1)).values
             for p in project.partners]
    n = 20

    def best(fn) -> float:  # type: ignore[no-untyped-def]
        return min(timeit.repeat(fn, number=n, repeat=5)) / n * 1000

    reused = best(lambda: [template.fill(v) for v in plans[:1]])
    fresh = best(lambda: [FormTemplate.load(data).fill(v) for v in plans[:1]])
    flat = best(lambda: [template.fill(v, flatten=True) for v in plans[:1]])
    plan = best(lambda: plan_values(template, fmap, project, project.partners[1], per_partner=True))
    print(f"forms: fill with a reused template {reused:.1f} ms, fresh parse + sanitise + fill {fresh:.1f} ms, "
          f"reused + flatten {flat:.1f} ms, planning values {plan:.2f} ms (per partner, best of 5)")


if __name__ == "__main__":
    main()
