"""Benchmark: pricing a travel plan of 1 000 rows (warm), against pricing each row on its own (not a test).

The budget issue asks for a 1 000-row travel plan computed in ≤ 100 ms warm. The baseline in the same run is
the naive path a spreadsheet with one formula per row takes: one ``travel()`` call per row.

    python bench/bench_budget.py [--rows 1000]
"""

from __future__ import annotations

import argparse
import statistics
from itertools import cycle, islice

from _timing import best

from ka2forms.model import Partner, Project, TravelRow
from ka2forms.rules import Role
from ka2forms.services.budget import plan_travel
from ka2forms.services.travel import travel

TOWNS = ["Ljubljana", "Maribor", "Brno", "Praha", "Wien", "Graz", "Kraków", "Łódź", "Győr", "Zagreb", "Split",
         "Bratislava", "Košice", "Budapest", "Pécs", "München", "Köln", "Bologna", "Valencia, ES", "Lisboa"]
PARTNERS = (Partner(Role.COORDINATOR, "Šolski center Celje", "SI", "VET", city="Celje"),
            Partner(Role.PARTNER, "Müller GmbH", "DE", "SME", city="Köln"),
            Partner(Role.PARTNER, "Győri SZC", "HU", "VET", city="Győr"))



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    n = ap.parse_args().rows
    orgs = cycle(PARTNERS)
    rows = tuple(TravelRow(activity=f"A{i % 7}", organisation=next(orgs).organisation, to_place=town,
                           participants=1 + i % 5, green=i % 3 == 0, where=None)
                 for i, town in enumerate(islice(cycle(TOWNS), n)))
    project = Project(action="KA220-VET", call_year=2025, partners=PARTNERS, travel_plan=rows)
    origins = {p.organisation: f"{p.city}, {p.country}" for p in PARTNERS}

    plan_s = best(lambda: plan_travel(project))
    naive_s = best(lambda: [travel(origins[r.organisation], r.to_place, 2025, r.green) for r in rows], runs=3)
    times = [best(lambda: plan_travel(project), runs=1) for _ in range(5)]
    print(f"travel plan of {n} rows, warm: {plan_s * 1000:.1f} ms (best of 7; median of 5 more "
          f"{statistics.median(times) * 1000:.1f} ms); budget 100 ms")
    print(f"one travel() per row (naive):  {naive_s * 1000:.1f} ms → plan_travel is {naive_s / plan_s:.1f}× faster")


if __name__ == "__main__":
    main()
