"""Convert action files from the closed-range form to the in-force form (issue 15), in place.

Usage: python scripts/convert_rules_format.py ka2forms/rules/data/actions/NAME.yaml [...]

Old form                         New form
  rules:                           reviewed_to: LAST          (the last call year a person checked)
    - calls: 2021-2023             rules:
      ...                            - from: 2021             (in force until the next version)
    - calls: 2025-2026               ...
      durations:                     - {from: 2024, unknown: "..."}   (a gap in the old ranges)
        - {months: [24], ...}        - from: 2025
      grants:                          durations:
        - {max: 1000, ...}               - {unit: months, months: [24], ...}
                                       grants:
                                         - {unit: EUR, max: 1000, ...}

The text is edited line by line, so comments, anchors and layout survive. A gap between two old ranges
becomes an `unknown` version (rules not in the data) whose reason says to check it; replace it with the rules,
or with `no_call: "why"` if the year had no call.
Files already in the new form are left unchanged. The loader still reads the old form.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_CALLS = re.compile(r"^(\s*)- calls: (\d{4})(?:\s*-\s*(\d{4}))?\s*$")
_BLOCK = re.compile(r"^(\s*)(durations|grants|criteria):")
_ITEM = re.compile(r"^(\s*)- \{(?!unit: )")


def convert(text: str) -> str:
    lines = text.splitlines(keepends=True)
    spans = [(i, int(m.group(2)), int(m.group(3) or m.group(2)), m.group(1))
             for i, line in enumerate(lines) if (m := _CALLS.match(line))]
    if not spans:
        return text
    out: list[str] = []
    block = None
    starts = {i: (first, last, indent) for i, first, last, indent in spans}
    order = [i for i, *_ in spans]
    for i, line in enumerate(lines):
        if line.rstrip() == "  rules:" and spans:
            out.append(f"  reviewed_to: {max(last for _, _, last, _ in spans)}\n")
        if i in starts:
            first, _last, indent = starts[i]
            k = order.index(i)
            if k:
                prev_last = starts[order[k - 1]][1]
                if first > prev_last + 1:
                    gap = f"{prev_last + 1}" if first == prev_last + 2 else f"{prev_last + 1}–{first - 1}"
                    out.append(f'{indent}- {{from: {prev_last + 1}, unknown: "calls {gap} had no rules in the '
                               f'old ranges (check: replace with the rules, or with no_call if there was no call)"}}\n')
            out.append(f"{indent}- from: {first}\n")
            block = None
            continue
        if m := _BLOCK.match(line):
            block = m.group(2)
        elif block in ("durations", "grants") and (m := _ITEM.match(line)):
            unit = "months" if block == "durations" else "EUR"
            line = f"{m.group(1)}- {{unit: {unit}, " + line[m.end():]
        out.append(line)
    return "".join(out)


def main(argv: list[str]) -> int:
    for name in argv[1:]:
        path = Path(name)
        old = path.read_text(encoding="utf-8")
        new = convert(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"converted {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
