"""Count rule values by confidence, and `official` values whose source is not an official publisher.

Usage: python scripts/count_confidence.py [DATA_DIR]   (default: ka2forms/rules/data of this checkout)

Reads the YAML directly (no ka2forms import), so it also measures an older checkout's data, e.g.
``git worktree add /tmp/old main && python scripts/count_confidence.py /tmp/old/ka2forms/rules/data``.
A value is one criterion, duration or grant of one action version, one country status entry per country,
one travel amount (standard or green) or one class membership. Splitting a version into two (e.g. a country's
status re-sourced per period) adds values, so a second count weighs each value by the call years it is in
force ("value-years"): that one compares data sets of different shapes fairly. Official publishers come from
this checkout's ``publishers.yaml``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent.parent / "ka2forms" / "rules" / "data"


def _official_host(url: str | None, domains: set[str]) -> bool:
    host = (urlsplit(url or "").hostname or "").rstrip(".").lower()
    host = host.removeprefix("www.")
    return any(host == d or host.endswith("." + d) for d in domains)


def _years(entries: list[dict], last: int) -> list[int]:
    """How many call years each version is in force: ``calls: A-B`` or ``from: A`` (until the next, or ``last``)."""
    firsts = [e["from"] if "from" in e else int(str(e["calls"]).split("-")[0]) for e in entries]
    out = []
    for i, e in enumerate(entries):
        if "calls" in e:
            a, _, b = str(e["calls"]).partition("-")
            out.append(int(b or a) - int(a) + 1)
        else:
            end = firsts[i + 1] - 1 if i + 1 < len(entries) else last
            out.append(end - firsts[i] + 1)
    return out


def _values(data: Path):
    """(where, source id, confidence, call years in force) for every value of the rules data in ``data``."""
    files = sorted((data / "actions").glob("*.yaml")) if (data / "actions").is_dir() else []
    files += [data / "actions.yaml"] if (data / "actions.yaml").is_file() else []
    for f in files:
        for key, action in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).items():
            rules = action.get("rules", [])
            last = action.get("reviewed_to") or max(int(str(v["calls"]).split("-")[-1]) for v in rules if "calls" in v)
            for v, years in zip(rules, _years(rules, last), strict=True):
                for part in ("criteria", "durations", "grants"):
                    for item in v.get(part) or []:
                        yield f"{key} {part}", item.get("source"), item.get("confidence"), years
    countries = yaml.safe_load((data / "countries.yaml").read_text(encoding="utf-8"))
    covers_last = int(str(countries["covers"]).split("-")[-1])
    for group in countries["history"]:
        for entry, years in zip(group["status"], _years(group["status"], covers_last), strict=True):
            for code in group["codes"]:
                yield f"country {code}", entry.get("source"), entry.get("confidence"), years
    travel = yaml.safe_load((data / "travel.yaml").read_text(encoding="utf-8"))
    for table in travel["tables"]:
        (years,) = _years([table], 0)
        for band in table["bands"]:
            yield "travel", band.get("source"), band.get("confidence"), years
            if band.get("green") is not None:
                yield ("travel green", band.get("green_source", band.get("source")),
                       band.get("green_confidence", band.get("confidence")), years)
    orgs = yaml.safe_load((data / "organisations.yaml").read_text(encoding="utf-8"))
    for cls in orgs.get("classes", {}).values():
        for member in cls["members"].values():
            yield "class member", member.get("source"), member.get("confidence"), 1


def count(data: Path, *, weighted: bool = False) -> tuple[Counter[str], list[str]]:
    """Values (or value-years) by confidence, and the official values whose source is not an official page."""
    sources = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    domains = set(yaml.safe_load((HERE / "publishers.yaml").read_text(encoding="utf-8")))
    by_confidence: Counter[str] = Counter()
    misplaced = []
    for where, sid, conf, years in _values(data):
        by_confidence[conf] += years if weighted else 1
        if conf == "official" and not _official_host(sources.get(sid, {}).get("url"), domains):
            misplaced += [f"{where}: {sid}"] * (years if weighted else 1)
    return by_confidence, misplaced


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else HERE
    by_confidence, misplaced = count(data)
    by_years, misplaced_years = count(data, weighted=True)
    print(f"rule values in {data}: {sum(by_confidence.values())} values, {sum(by_years.values())} value-years")
    print(f"  {'confidence':12} {'values':>7} {'value-years':>12}")
    for conf in ("seed", "official", "third-party", "unconfirmed"):
        print(f"  {conf:12} {by_confidence.get(conf, 0):>7} {by_years.get(conf, 0):>12}")
    warned = by_confidence.get("third-party", 0) + by_confidence.get("unconfirmed", 0)
    warned_y = by_years.get("third-party", 0) + by_years.get("unconfirmed", 0)
    print(f"  third-party + unconfirmed (warn on use): {warned} values, {warned_y} value-years")
    print(f"  'official' values whose source is not an official publisher: {len(misplaced)} values, "
          f"{len(misplaced_years)} value-years (third-party by the publishers.yaml definition)")
    for line in sorted(set(misplaced)):
        print(f"    {line} (x{misplaced.count(line)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
