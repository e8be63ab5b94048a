"""Budget rules by action and call year (``data/budget.yaml``): project-management share, work packages,
2014–2020 management unit costs.

Only what a year's Guide or form states is encoded; a year without a version has no such rules, and the
budget report says so instead of borrowing another year's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from ka2forms.errors import RulesDataError
from ka2forms.rules.loader import provenance, read_yaml
from ka2forms.rules.provenance import CallYears, Provenance, spans


@dataclass(frozen=True)
class ShareRule:
    value: Decimal
    provenance: Provenance


@dataclass(frozen=True)
class WorkPackageRule:
    min_besides_management: int
    max_besides_management: int
    provenance: Provenance


@dataclass(frozen=True)
class ManagementUnitCosts:
    """2014–2020 Strategic Partnerships: EUR per month for the coordinator and each other partner, capped."""

    coordinator: int
    partner: int
    max: int
    provenance: Provenance
    note: str | None = None


@dataclass(frozen=True)
class BudgetRules:
    action: str
    call_year: int
    management_share: ShareRule | None = None
    work_packages: WorkPackageRule | None = None
    management_per_month: ManagementUnitCosts | None = None

    @property
    def any(self) -> bool:
        return any((self.management_share, self.work_packages, self.management_per_month))


_KEYS = {"from", "calls", "unknown", "project_management_max_share", "work_packages", "management_per_month"}


@cache
def _table() -> dict[str, tuple[tuple[CallYears, dict[str, Any]], ...]]:
    """Versions per action, each with its call years (``from:`` until the next version or ``reviewed_to``)."""
    out = {}
    for key, raw in (read_yaml("budget.yaml") or {}).items():
        where = f"budget.yaml: {key}"
        versions = raw.get("rules") or []
        for i, v in enumerate(versions):
            if extra := set(v) - _KEYS:
                raise RulesDataError(f"{where}.rules[{i}]: unknown keys {sorted(extra)}")
        years = spans(versions, last=raw.get("reviewed_to"), where=f"{where}.rules")
        out[key] = tuple((y, v) for y, v in zip(years, versions, strict=True) if "unknown" not in v)
    return out


def budget_rules(action_key: str, call_year: int) -> BudgetRules:
    """The budget rules of an action (its key in actions/, e.g. ``KA220``) for a call year."""
    for calls, raw in _table().get(action_key, ()):
        if call_year not in calls:
            continue
        where = f"budget.yaml: {action_key} {calls}"
        share = wps = mpm = None
        if (r := raw.get("project_management_max_share")) is not None:
            share = ShareRule(Decimal(str(r["value"])), provenance(r, where=where))
        if (r := raw.get("work_packages")) is not None:
            wps = WorkPackageRule(int(r["min_besides_management"]), int(r["max_besides_management"]),
                                  provenance(r, where=where))
        if (r := raw.get("management_per_month")) is not None:
            mpm = ManagementUnitCosts(int(r["coordinator"]), int(r["partner"]), int(r["max"]),
                                      provenance(r, where=where), r.get("note"))
        return BudgetRules(action_key, call_year, share, wps, mpm)
    return BudgetRules(action_key, call_year)


__all__ = ["BudgetRules", "ManagementUnitCosts", "ShareRule", "WorkPackageRule", "budget_rules"]
