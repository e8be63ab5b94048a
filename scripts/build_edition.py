"""Write ka2forms/rules/data/edition.yaml from the rules data (run after every data change).

Usage: python scripts/build_edition.py [--check]   (--check: exit 1 if the file is out of date, write nothing)
"""

from __future__ import annotations

import sys
from pathlib import Path

from ka2forms.rules.edition import render_edition

TARGET = Path(__file__).resolve().parent.parent / "ka2forms" / "rules" / "data" / "edition.yaml"


def main(argv: list[str]) -> int:
    text = render_edition()
    if "--check" in argv:
        ok = TARGET.read_text(encoding="utf-8") == text
        print("edition.yaml is up to date" if ok else "edition.yaml is out of date: run scripts/build_edition.py")
        return 0 if ok else 1
    tmp = TARGET.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(TARGET)
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
