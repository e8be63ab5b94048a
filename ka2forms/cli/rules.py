"""``ka2forms rules``: what the rules data says, with sources and confidence."""

from __future__ import annotations

import sys

import click
from rich.table import Table
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.rules import (
    Action,
    ActionRules,
    all_actions,
    country_status,
    covered_years,
    resolve_action,
    rules_for,
)
from ka2forms.rules.countries import listed_countries
from ka2forms.rules.programme import no_rules_reason


def _conf(c: str) -> Text:
    style = {"seed": "green", "official": "green", "third-party": "yellow", "unconfirmed": "yellow"}[c]
    return Text(c, style=style)


def _list_actions(year: int | None) -> None:

    table = Table(title=f"KA2 actions{f' in call {year}' if year else ''}", header_style="bold")
    for col in ("Action", "Name", "Period", "Call years with rules", "Managed by"):
        table.add_column(col, overflow="fold")
    for a in all_actions():
        if year is not None and not any(year in c for c in a.calls):
            continue
        table.add_row(*(Text(x) for x in (a.key, a.name, a.period, ", ".join(str(c) for c in a.calls),
                                         a.managed_by)))
    ui.out.print(table)
    if year is not None and not table.rows:
        ui.out.print(f"No action has rules for call {year}: {no_rules_reason(year)}.")
    ui.out.print("Codes and aliases: `ka2forms rules --action CODE`; a year's rules: add `--year YEAR`.")


def _show_action(a: Action) -> None:

    ui.out.print(Text(f"{a.key} — {a.name}", style="bold"))
    ui.out.print(Text(f"{a.summary}\nPeriod {a.period}; managed by {a.managed_by}."))
    if a.fields:
        ui.out.print(f"Fields or lots: {', '.join(a.fields)}")
    ui.out.print(f"Rules exist for calls: {', '.join(str(c) for c in a.calls)}. Add --year for the criteria.")


def _show_rules(r: ActionRules) -> None:

    ui.out.print(Text(f"{r.ref.code} — {r.action.name}, call {r.call_year}", style="bold"))
    ui.out.print(f"Counted roles: {', '.join(role.label for role in r.counted_roles)}; "
              f"this version covers calls {r.version.calls}.")
    table = Table(header_style="bold")
    for col in ("Criterion", "Kind", "Value", "Confidence", "Source"):
        table.add_column(col, overflow="fold")
    for c in r.criteria:
        value = []
        if c.min is not None:
            value.append(f"≥ {c.min}")
        if c.max is not None:
            value.append(f"≤ {c.max}")
        if c.types or c.org_class:
            value.append(c.org_class or "/".join(c.types))
        if tuple(c.statuses) != ("member", "associated"):
            value.append("/".join(c.statuses))
        if c.identifier:
            value.append(c.identifier)
        if c.regions:
            value.append("Regions " + ", ".join(str(n) for n in c.regions) + (", one only" if c.one_region else ""))
        if c.note:
            value.append(f"({c.note})")
        table.add_row(Text(c.id), Text(c.kind), Text(" ".join(value)), _conf(c.provenance.confidence.value),
                      Text(c.provenance.source.where))
    for d in r.durations:
        table.add_row("duration", "options", Text(d.describe()), _conf(d.provenance.confidence.value),
                      Text(d.provenance.source.where))
    for g in r.grants:
        parts = []
        if g.lump_sums:
            parts.append("lump sums " + " / ".join(f"{v:,}" for v in g.lump_sums))
        if g.max_by_duration:
            parts.append("; ".join(f"≤ {v:,} for {k} months" for k, v in g.max_by_duration.items()))
        if g.per_month:
            parts.append(f"≤ {g.per_month:,} per month")
        if g.per_organisation_year:
            parts.append(f"≤ {g.per_organisation_year:,} per organisation-year, ≤ {g.per_year:,} per year")
        if g.min is not None:
            parts.append(f"≥ {g.min:,}")
        if g.max is not None:
            parts.append(f"≤ {g.max:,}")
        if g.note:
            parts.append(f"({g.note})")
        table.add_row("grant (EUR)", "amounts", Text("; ".join(parts)), _conf(g.provenance.confidence.value),
                      Text(g.provenance.source.where))
    ui.out.print(table)
    for n in r.notes:
        ui.out.print(Text("note: ", style="yellow") + Text(n))


def _show_countries(year: int) -> None:

    groups: dict[str, list[str]] = {}
    for code in listed_countries():
        st = country_status(code, year)
        groups.setdefault(st.label + (" — excluded" if st.excluded else ""), []).append(code)
    table = Table(title=f"Country status in call {year}", header_style="bold")
    table.add_column("Status")
    table.add_column("Countries", overflow="fold")
    for label, codes in groups.items():
        table.add_row(label, " ".join(codes))
    ui.out.print(table)
    ui.out.print("Countries not listed are third countries not associated (2014–2020: Partner Countries).")


@click.command()
@click.option("--action", "-a", help="An action code or alias, e.g. KA220-VET, AFI-LOT1, an EACEA topic ID.")
@click.option("--year", "-y", type=int, help="A call year, e.g. 2025.")
@click.option("--country", "-c", help="A country (code or name in any language): its status by call year.")
def rules(action: str | None, year: int | None, country: str | None) -> None:
    """Show what the rules say, with sources and confidence."""

    def body() -> int:
        if country:
            years = covered_years()
            shown = range(years.first, years.last + 1) if year is None else [year]

            for y in shown:
                st = country_status(country, y)
                prov = st.provenance.describe() if st.provenance else "not listed: default"
                ui.out.print(Text(f"{y}: {st.name} ({st.code}) — {st.describe()}  [{prov}]"), soft_wrap=True)
        elif action and year:
            _show_rules(rules_for(action, year))
        elif action:
            _show_action(resolve_action(action).action)
        else:
            _list_actions(year)
            if year:
                _show_countries(year)
        return ui.EXIT_OK

    sys.exit(ui.guarded(body))
