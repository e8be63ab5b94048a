"""``ka2forms rules``: what the rules data says, with sources and confidence; a table or ``--json``.

The table fits 80 columns: each cell names its source by the short id of ``rules/data/sources.yaml``, and the
sources' titles and URLs are listed once below the table. ``--json`` is a promise to scripts; its keys are
documented in docs/rules.md ("ka2forms rules --json") and only ever extended.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.i18n import _, money, ngettext
from ka2forms.rules import (
    Action,
    ActionRules,
    Provenance,
    Source,
    all_actions,
    code_status,
    country_status,
    covered_years,
    resolve_action,
    rules_edition,
    rules_for,
)
from ka2forms.rules.countries import CountryStatus, listed_countries
from ka2forms.rules.programme import no_rules_reason
from ka2forms.rules.words import (
    action_name,
    confidence_label,
    country_name,
    describe_status,
    role_label,
    status_words,
)


def _conf(c: str) -> Text:
    style = {"seed": "green", "official": "green", "third-party": "yellow", "unconfirmed": "yellow"}[c]
    return Text(confidence_label(c), style=style)


def _list_actions(year: int | None) -> None:

    title = _("KA2 actions in call {year}").format(year=year) if year else _("KA2 actions")
    table = Table(title=title, header_style="bold",
                  box=box.MINIMAL_HEAVY_HEAD, pad_edge=False)
    table.add_column(_("Action"), no_wrap=True)
    table.add_column(_("Name"), overflow="fold", ratio=3)
    table.add_column(_("Calls with rules"), overflow="fold", ratio=1)
    table.add_column(_("Managed by"), overflow="fold", ratio=2)
    for a in all_actions():
        if year is not None and not any(year in c for c in a.calls):
            continue
        table.add_row(*(Text(x) for x in (a.key, action_name(a.name), ", ".join(str(c) for c in a.calls),
                                          _(a.managed_by))))
    ui.out.print(table)
    if year is not None and not table.rows:
        ui.out.print(Text(_("No action has rules for call {year}: {reason}.").format(year=year,
                                                                                   reason=no_rules_reason(year))))
    ui.out.print(Text(_("Codes and aliases: `ka2forms rules --action CODE`; a year's rules: add `--year YEAR`.")))


def _show_action(a: Action) -> None:

    ui.out.print(Text(f"{a.key} — {action_name(a.name)}", style="bold"))
    summary = " ".join(a.summary.split())           # as the catalog holds it (rules.words.data_messages)
    ui.out.print(Text(_(summary) + "\n" + _("Period {period}; managed by {managed_by}.").format(
        period=a.period, managed_by=_(a.managed_by))))
    if a.fields:
        ui.out.print(Text(_("Fields or lots: {fields}").format(fields=", ".join(a.fields))))
    ui.out.print(Text(_("Rules exist for calls: {calls}. Add --year for the criteria.").format(
        calls=", ".join(str(c) for c in a.calls))))


def _show_rules(r: ActionRules) -> None:

    ui.out.print(Text(_("{code} — {name}, call {year}").format(code=r.ref.code, name=action_name(r.action.name),
                                                                year=r.call_year), style="bold"))
    ui.out.print(Text(_("Counted roles: {roles}; this version covers calls {calls}.").format(
        roles=", ".join(role_label(role.value) for role in r.counted_roles), calls=r.version.calls)))
    table = Table(header_style="bold", box=box.MINIMAL_HEAVY_HEAD, pad_edge=False)
    table.add_column(_("Criterion"), no_wrap=True)
    table.add_column(_("Value"), overflow="fold", ratio=1)
    table.add_column(_("Confidence"), no_wrap=True)
    table.add_column(_("Source"), no_wrap=True)
    cited: dict[str, Source] = {}

    def src(p: Provenance) -> Text:
        cited.setdefault(p.source.id, p.source)
        return Text(p.source.id)

    # Descriptions and required values in the user's language, as the check words them (an empty consortium
    # is enough: they depend on the rule, not on the partners).
    from ka2forms.services.check import _describe_duration, check_consortium

    worded = {c.id: c for c in check_consortium(r.ref.code, r.call_year, []).criteria}
    for c in r.criteria:
        said = worded.get(c.id)
        if said is not None:
            value = f"{said.description} ({said.required})" if said.required else said.description
        else:
            value = _(c.text) if c.text else _(c.description) if c.description else c.kind
        if c.note:
            value += f" — {_(c.note)}"
        table.add_row(Text(c.id), Text(value), _conf(c.provenance.confidence.value), src(c.provenance))
    for d in r.durations:
        table.add_row(_("duration"), Text(_describe_duration(d)), _conf(d.provenance.confidence.value),
                      src(d.provenance))
    for g in r.grants:
        parts = []
        if g.lump_sums:
            parts.append(_("lump sums {sums}").format(sums=" / ".join(money(v) for v in g.lump_sums)))
        if g.max_by_duration:
            parts.append("; ".join(ngettext("≤ {cap} for {months} month", "≤ {cap} for {months} months", k).format(
                cap=money(v), months=k) for k, v in g.max_by_duration.items()))
        if g.per_month:
            parts.append(_("≤ {amount} per month").format(amount=money(g.per_month)))
        if g.per_organisation_year:
            parts.append(_("≤ {per_organisation} per organisation and year, ≤ {per_year} a year").format(
                per_organisation=money(g.per_organisation_year), per_year=money(g.per_year or 0)))
        if g.min is not None:
            parts.append(f"≥ {money(g.min)}")
        if g.max is not None:
            parts.append(f"≤ {money(g.max)}")
        if g.note:
            parts.append(f"({_(g.note)})")
        table.add_row(_("grant"), Text("; ".join(parts)), _conf(g.provenance.confidence.value),
                      src(g.provenance))
    ui.out.print(table)
    _print_sources(cited.values())
    for n in r.notes:
        ui.out.print(Text(_("note: "), style="yellow") + Text(n))


def _print_sources(sources: Iterable[Source]) -> None:
    ui.out.print(Text(_("Sources:"), style="bold"))
    for source in sources:
        ui.out.print(Text(f"  {source.id}: ", style="bold") + Text(f"{source.title}\n    {source.where}"),
                     soft_wrap=True)


def _show_countries(year: int) -> None:

    groups: dict[str, list[str]] = {}
    for code in listed_countries():
        st = code_status(code, year)
        label = status_words(st.label, one=True)
        groups.setdefault(label + (" — " + _("excluded") if st.excluded else ""), []).append(code)
    table = Table(title=_("Country status in call {year}").format(year=year), header_style="bold",
                  box=box.MINIMAL_HEAVY_HEAD, pad_edge=False)
    table.add_column(_("Status"))
    table.add_column(_("Countries"), overflow="fold")
    for label, codes in groups.items():
        table.add_row(Text(label), " ".join(codes))
    ui.out.print(table)
    ui.out.print(Text(_("Countries not listed are third countries not associated (2014–2020: Partner "
                        "Countries).")))


# ───────────────────────────── --json (keys documented in docs/rules.md) ─────────────────────────────


def _calls(ranges: Iterable[Any]) -> list[dict[str, int]]:
    return [{"first": r.first, "last": r.last} for r in ranges]


def _prov(p: Provenance | None, cited: dict[str, Source]) -> dict[str, Any]:
    if p is None:
        return {"source": None, "confidence": None}
    cited.setdefault(p.source.id, p.source)
    return {"source": p.source.id, "confidence": p.confidence.value}


def _sources(cited: dict[str, Source]) -> dict[str, dict[str, Any]]:
    return {i: {"kind": s.kind, "title": s.title, "url": s.url} for i, s in cited.items()}


def action_json(a: Action) -> dict[str, Any]:
    return {"action": a.key, "name": a.name, "summary": a.summary, "period": a.period, "managed_by": a.managed_by,
            "fields": list(a.fields), "calls": _calls(a.calls)}


def rules_json(r: ActionRules) -> dict[str, Any]:
    cited: dict[str, Source] = {}
    criteria = [{"id": c.id, "kind": c.kind, "description": c.description, "min": c.min, "max": c.max,
                 "types": list(c.types), "org_class": c.org_class, "statuses": list(c.statuses),
                 "identifier": c.identifier, "note": c.note, **_prov(c.provenance, cited)} for c in r.criteria]
    durations = [{"description": d.describe(), "months": list(d.months), "min": d.min, "max": d.max,
                  **_prov(d.provenance, cited)} for d in r.durations]
    grants = [{"lump_sums": list(g.lump_sums), "min": g.min, "max": g.max,
               "max_by_duration": {str(k): v for k, v in g.max_by_duration.items()}, "per_month": g.per_month,
               "per_organisation_year": g.per_organisation_year, "per_year": g.per_year, "note": g.note,
               **_prov(g.provenance, cited)} for g in r.grants]
    return {"action": r.ref.code, "name": r.action.name, "call_year": r.call_year,
            "version_calls": _calls([r.version.calls])[0], "counted_roles": [role.value for role in r.counted_roles],
            "criteria": criteria, "durations": durations, "grants": grants, "notes": list(r.notes),
            "sources": _sources(cited)}


def country_json(st: CountryStatus, cited: dict[str, Source]) -> dict[str, Any]:
    return {"call_year": st.call_year, "code": st.code, "name": st.name, "status": st.status, "label": st.label,
            "region": st.region, "excluded": st.excluded, "description": st.describe(), "note": st.note,
            **_prov(st.provenance, cited)}


def _json_payload(action: str | None, year: int | None, country: str | None) -> dict[str, Any]:
    if country:
        years = covered_years()
        shown = range(years.first, years.last + 1) if year is None else [year]
        cited: dict[str, Source] = {}
        statuses = [country_json(country_status(country, y), cited) for y in shown]
        return {"country": statuses[0]["code"], "name": statuses[0]["name"], "years": statuses,
                "sources": _sources(cited)}
    if action and year:
        return rules_json(rules_for(action, year))
    if action:
        return action_json(resolve_action(action).action)
    payload: dict[str, Any] = {"edition": rules_edition(), "call_year": year,
                               "actions": [action_json(a) for a in all_actions()
                                           if year is None or any(year in c for c in a.calls)]}
    if year is not None:
        cited = {}
        payload["countries"] = [country_json(code_status(code, year), cited) for code in listed_countries()]
        payload["sources"] = _sources(cited)
    return payload


@click.command()
@click.option("--action", "-a", help="An action code or alias, e.g. KA220-VET, AFI-LOT1, an EACEA topic ID.")
@click.option("--year", "-y", type=int, help="A call year, e.g. 2025.")
@click.option("--country", "-c", help="A country (code or name in any language): its status by call year.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys: docs/rules.md) instead of tables.")
def rules(action: str | None, year: int | None, country: str | None, as_json: bool) -> None:
    """Show what the rules say, with sources and confidence."""

    def body() -> int:
        if as_json:
            ui.echo(json.dumps(_json_payload(action, year, country), ensure_ascii=False, indent=2))
        elif country:
            years = covered_years()
            shown = range(years.first, years.last + 1) if year is None else [year]
            for y in shown:
                st = country_status(country, y)
                prov = (f"{confidence_label(st.provenance.confidence.value)}: {st.provenance.source.where}"
                        if st.provenance else _("not listed: default"))
                ui.out.print(Text(f"{y}: {country_name(st.code)} ({st.code}) — {describe_status(st)}  [{prov}]"),
                             soft_wrap=True)
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
