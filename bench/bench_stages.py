"""Where one workbook's conversion time goes, stage by stage, in one process (not a test).

    python bench/bench_stages.py [--n 1000]

Generates N workbooks as ``bench_convert.py`` does and runs, for each, the stages ``ka2forms convert`` runs:
read, check, HTML annex, the map's templates, planning the form values, filling the forms and writing them
(to /dev/shm when it exists). Prints milliseconds per workbook for each stage: what to work on next.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import tempfile
import time
from pathlib import Path

from bench_convert import FORM, MAP, generate

from ka2forms.errors import Ka2Error
from ka2forms.files import write_atomic
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import render_annex, warm_up
from ka2forms.services.check import check_project
from ka2forms.services.forms import FormMap, FormTemplate, plan_values, render_map, template_contexts

TODAY = dt.date(2026, 3, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    n = ap.parse_args().n
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        inputs.mkdir()
        out.mkdir()
        files = generate(inputs, n)
        template, fmap = FormTemplate.open(str(FORM)), FormMap.load(str(MAP))
        warm_up("en", ["html"])
        gc.freeze()            # as a batch worker runs (services.batch.fewer_collections)
        gc.set_threshold(20_000, 50, 100)
        spent = dict.fromkeys(("read", "check", "annex", "map templates", "plan values", "fill", "write"), 0.0)
        forms = converted = 0
        for f in files:
            t0 = time.perf_counter()
            try:
                project = read_workbook(f)
            except Ka2Error:
                continue                      # the ~3 % with an unknown country
            t1 = time.perf_counter()
            result = check_project(project)
            t2 = time.perf_counter()
            render_annex(project, result, fmt="html")
            t3 = time.perf_counter()
            partners = [p for p in project.partners if fmap.roles is None or p.role in fmap.roles]
            texts = render_map(fmap, template_contexts(project, partners, today=TODAY))
            t4 = time.perf_counter()
            plans = [plan_values(template, fmap, project, p, per_partner=True, today=TODAY, rendered=r)
                     for p, r in zip(partners, texts, strict=True)]
            t5 = time.perf_counter()
            filled = [template.fill(plan.values) for plan in plans]
            t6 = time.perf_counter()
            for i, form in enumerate(filled):
                write_atomic(out / f"{i}.pdf", form.data, durable=False)
            t7 = time.perf_counter()
            for key, (a, b) in zip(spent, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6), (t6, t7)),
                                   strict=True):
                spent[key] += b - a
            forms += len(filled)
            converted += 1
    print(f"{converted} workbooks read of {n}, {forms / converted:.1f} forms each; ms per workbook:")
    for key, seconds in spent.items():
        print(f"  {key:14s} {seconds / converted * 1000:6.2f}")
    print(f"  {'all':14s} {sum(spent.values()) / converted * 1000:6.2f}")


if __name__ == "__main__":
    main()
