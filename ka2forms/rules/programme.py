"""Programme-wide facts (``programme.yaml``): which call years have a published call, and notices.

A notice is a programme-wide caution that no single action owns, such as the Hungarian public-interest
trust universities (no grant can be signed with them from 16 December 2022). It is a warning whenever a
consortium has an organisation it may concern: the workbook cannot say whether one is such a body, so
ka2forms warns instead of deciding.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ka2forms.errors import RulesDataError
from ka2forms.rules.loader import provenance, read_yaml
from ka2forms.rules.provenance import CallYears, Provenance, spans


@dataclass(frozen=True)
class Notice:
    """A programme-wide caution for some call years, countries and organisation types."""

    id: str
    period: str
    calls: CallYears
    countries: tuple[str, ...]
    types: tuple[str, ...]
    text: str
    provenance: Provenance

    def concerns(self, country: str, org_type: str) -> bool:
        return (not self.countries or country in self.countries) and (not self.types or org_type in self.types)


@cache
def _calls() -> dict:
    return dict(read_yaml("programme.yaml")["calls"])


def published_to() -> int:
    """The latest call year whose Programme Guide or call text has been published (and read)."""
    return int(_calls()["published_to"])


def after_review_note(call_year: int, reviewed_to: int) -> str:
    """Why a call year after an action's last reviewed year has no rules, in words a user can act on."""
    text = f"the rules are reviewed up to call year {reviewed_to}"
    if call_year > published_to():
        return text + (f", and no Programme Guide or call text for {call_year} has been published "
                       f"(checked {_calls()['checked']})")
    return text + f"; call {call_year} has not been reviewed yet"


def no_rules_reason(call_year: int) -> str:
    """Why no action has rules for a call year (for listings): no call text yet, or not reviewed yet."""
    if call_year > published_to():
        return (f"no Programme Guide or call text for {call_year} has been published (checked "
                f"{_calls()['checked']}); country status may still be known")
    return f"the rules data does not cover call {call_year}"


@cache
def notices() -> tuple[Notice, ...]:
    """Every programme-wide notice, with the call years it applies to."""
    out = []
    last = published_to()
    for i, raw in enumerate(read_yaml("programme.yaml").get("notices") or []):
        where = f"programme.yaml: notices[{i}]"
        if not raw.get("text"):
            raise RulesDataError(f"{where}: a notice needs text")
        (calls,) = spans([raw], last=raw.get("reviewed_to", last), where=where)
        out.append(Notice(raw["id"], str(raw["period"]), calls, tuple(raw.get("countries", ())),
                          tuple(raw.get("types", ())), raw["text"], provenance(raw, where=where)))
    return tuple(out)


def notices_for(period: str, call_year: int) -> tuple[Notice, ...]:
    """The notices in force for an action of ``period`` (e.g. ``2021-2027``) in ``call_year``."""
    return tuple(n for n in notices() if n.period == period and call_year in n.calls)
