"""Regenerate docs/rules.md § Evidence by source from ka2forms/rules/data/sources.yaml (run after editing sources).

Usage: python scripts/build_evidence.py [--check]   (--check: exit 1 if the section is stale, write nothing)
"""

from __future__ import annotations

import sys
from pathlib import Path

from ka2forms.rules.evidence import replace_evidence

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def main(argv: list[str]) -> int:
    old = DOC.read_text(encoding="utf-8")
    new = replace_evidence(old)
    if "--check" in argv:
        print("docs/rules.md evidence is up to date" if new == old else "stale: run scripts/build_evidence.py")
        return 0 if new == old else 1
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
