"""Count rule values by confidence, and `official` values whose source is not an official publisher.

Usage: python scripts/count_confidence.py [DATA_DIR]   (default: ka2forms/rules/data of this checkout)

Reads the YAML directly (no ka2forms import), so it also measures an older checkout's data, e.g.
``git worktree add /tmp/old main && python scripts/count_confidence.py /tmp/old/ka2forms/rules/data``.
A value is one criterion, duration or grant of one action version, one country status entry per country,
one travel amount (standard or green) or one class membership. Official publishers come from this
checkout's ``publishers.yaml``.
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


def _values(data: Path):
    """(where, source id, confidence) for every value of the rules data in ``data``."""
    for f in sorted((data / "actions").glob("*.yaml")) if (data / "actions").is_dir() else []:
        for key, action in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).items():
            for v in action.get("rules", []):
                for part in ("criteria", "durations", "grants"):
                    for item in v.get(part) or []:
                        yield f"{key} {part}", item.get("source"), item.get("confidence")
    if (data / "actions.yaml").is_file():
        for key, action in yaml.safe_load((data / "actions.yaml").read_text(encoding="utf-8")).items():
            for v in action.get("rules", []):
                for part in ("criteria", "durations", "grants"):
                    for item in v.get(part) or []:
                        yield f"{key} {part}", item.get("source"), item.get("confidence")
    countries = yaml.safe_load((data / "countries.yaml").read_text(encoding="utf-8"))
    for group in countries["history"]:
        for entry in group["status"]:
            for code in group["codes"]:
                yield f"country {code}", entry.get("source"), entry.get("confidence")
    travel = yaml.safe_load((data / "travel.yaml").read_text(encoding="utf-8"))
    for table in travel["tables"]:
        for band in table["bands"]:
            yield "travel", band.get("source"), band.get("confidence")
            if band.get("green") is not None:
                yield ("travel green", band.get("green_source", band.get("source")),
                       band.get("green_confidence", band.get("confidence")))
    orgs = yaml.safe_load((data / "organisations.yaml").read_text(encoding="utf-8"))
    for cls in orgs.get("classes", {}).values():
        for member in cls["members"].values():
            yield "class member", member.get("source"), member.get("confidence")


def count(data: Path) -> tuple[Counter[str], list[str]]:
    sources = yaml.safe_load((data / "sources.yaml").read_text(encoding="utf-8"))
    domains = set(yaml.safe_load((HERE / "publishers.yaml").read_text(encoding="utf-8")))
    by_confidence: Counter[str] = Counter()
    misplaced = []
    for where, sid, conf in _values(data):
        by_confidence[conf] += 1
        if conf == "official" and not _official_host(sources.get(sid, {}).get("url"), domains):
            misplaced.append(f"{where}: {sid}")
    return by_confidence, misplaced


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else HERE
    by_confidence, misplaced = count(data)
    total = sum(by_confidence.values())
    print(f"rule values in {data}: {total}")
    for conf in ("seed", "official", "third-party", "unconfirmed"):
        print(f"  {conf:12} {by_confidence.get(conf, 0)}")
    warned = by_confidence.get("third-party", 0) + by_confidence.get("unconfirmed", 0)
    print(f"  third-party + unconfirmed (warn on use): {warned}")
    print(f"  'official' values whose source is not an official publisher: {len(misplaced)}")
    for line in sorted(set(misplaced)):
        print(f"    {line} (x{misplaced.count(line)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
