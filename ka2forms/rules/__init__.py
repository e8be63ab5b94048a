"""The Programme Guide as data: actions, criteria, durations, grants, countries and organisation types.

Data lives in ``ka2forms/rules/data/*.yaml`` (one file per concern, every value with a source and a
confidence); this package reads it and answers questions for a call year. Every other part of ka2forms
asks here, so no rule is written twice.
"""

from ka2forms.rules.actions import (
    Action,
    ActionRef,
    ActionRules,
    ActionVersion,
    Criterion,
    DurationRule,
    GrantRule,
    all_actions,
    resolve_action,
    rules_for,
)
from ka2forms.rules.countries import (
    CountryStatus,
    code_status,
    country_name,
    country_status,
    covered_years,
    eligible_phrase,
    resolve_country,
)
from ka2forms.rules.loader import read_yaml
from ka2forms.rules.organisations import (
    ORG_TYPES,
    OrgClass,
    Role,
    org_class,
    resolve_role,
    resolve_type,
    type_label,
)
from ka2forms.rules.provenance import CallYears, Confidence, Provenance, Source


def rules_edition() -> str:
    """The edition of the bundled rules data (``data/edition.yaml``, derived by scripts/build_edition.py)."""
    return str(read_yaml("edition.yaml")["edition"])


__all__ = [
    "ORG_TYPES",
    "Action",
    "ActionRef",
    "ActionRules",
    "ActionVersion",
    "CallYears",
    "Confidence",
    "CountryStatus",
    "Criterion",
    "DurationRule",
    "GrantRule",
    "OrgClass",
    "Provenance",
    "Role",
    "Source",
    "all_actions",
    "code_status",
    "country_name",
    "country_status",
    "covered_years",
    "eligible_phrase",
    "org_class",
    "resolve_action",
    "resolve_country",
    "resolve_role",
    "resolve_type",
    "rules_edition",
    "rules_for",
    "type_label",
]
