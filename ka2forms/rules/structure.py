"""The Programme Guide's overview of KA2 actions (``programme_structure.yaml``), each encoded or ruled out.

A coordinator who asks for an action we do not know gets "unknown action"; this list makes the gaps
deliberate and visible: every action of the overview is either a key of ``actions/*.yaml`` or recorded as out
of scope with a reason and a source (tested in ``tests/rules/test_programme_structure.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ka2forms.errors import RulesDataError
from ka2forms.rules.loader import read_yaml, sources
from ka2forms.rules.provenance import Source


@dataclass(frozen=True)
class OverviewEntry:
    """One action of the overview: encoded as ``action``, or ``out_of_scope`` with the reason."""

    period: str
    name: str
    source: Source
    action: str | None = None
    out_of_scope: str | None = None


@dataclass(frozen=True)
class SearchedCode:
    """A code people ask for that no stored official text shows (recorded so nobody encodes hearsay)."""

    period: str
    code: str
    found: str
    source: Source


def _source(sid: object, where: str) -> Source:
    if sid not in sources():
        raise RulesDataError(f"programme_structure.yaml: {where}: unknown source {sid!r}")
    return sources()[str(sid)]


@cache
def programme_overview() -> tuple[OverviewEntry, ...]:
    """Every KA2 action of the overview, period by period, in the order of the data file."""
    out = []
    for period in read_yaml("programme_structure.yaml")["periods"]:
        for raw in period["actions"]:
            where = f"{period['period']}: {raw.get('name')}"
            if ("action" in raw) == ("out_of_scope" in raw):
                raise RulesDataError(f"programme_structure.yaml: {where}: give exactly one of action, out_of_scope")
            out.append(OverviewEntry(str(period["period"]), raw["name"], _source(raw.get("source"), where),
                                     raw.get("action"), raw.get("out_of_scope")))
    return tuple(out)


@cache
def searched_codes() -> tuple[SearchedCode, ...]:
    """Codes searched for in the stored official texts and not found there."""
    return tuple(SearchedCode(str(p["period"]), s["code"], s["found"], _source(s.get("source"), s["code"]))
                 for p in read_yaml("programme_structure.yaml")["periods"] for s in p.get("searched", []))
