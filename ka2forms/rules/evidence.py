"""The readable version of ``sources.yaml`` for ``docs/rules.md`` § Evidence by source (generated, tested)."""

from __future__ import annotations

from ka2forms.rules.loader import sources

BEGIN, END = "<!-- evidence:begin -->", "<!-- evidence:end -->"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def evidence_table() -> str:
    """Markdown: one row per source with a quote (id, kind, call year, read, link, quote), then the others."""
    rows = ["| source | kind | call year | read | quote |", "|---|---|---|---|---|"]
    without = []
    for sid, s in sorted(sources().items()):
        if not s.quote:
            without.append(f"`{sid}` ({s.kind})")
            continue
        link = f"[{_cell(s.title)}]({s.url})" if s.url else _cell(s.title)
        rows.append(f"| `{sid}`: {link} | {s.kind} | {_cell(s.call_year or '')} | {s.read or ''} | "
                    f"\"{_cell(s.quote)}\" |")
    return "\n".join(rows) + "\n\nWithout a recorded quote: " + ", ".join(without) + ".\n"


def replace_evidence(doc: str) -> str:
    """``doc`` with the text between the evidence markers replaced by the current table."""
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{evidence_table()}{END}{tail}"
