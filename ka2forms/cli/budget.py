"""``ka2forms budget WORKBOOK [--json]``: the workbook's travel plan priced and its budget checked.

Exit codes: 0 the budget passes every check (or there is none), 1 a budget check fails, 2 the workbook cannot
be read or a travel-plan row cannot be priced (each such row named by its cell).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.i18n import _, current, money
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.budget import BudgetResult, TravelPlan, check_budget, plan_travel


def print_travel_plan(plan: TravelPlan) -> None:
    table = Table(title=_("Travel plan"), header_style="bold", pad_edge=False)
    for col in (_("Cell"), _("Activity"), _("Organisation"), _("From → To"), "km", _("Band"), _("Per participant"),
                "×", _("Total")):
        table.add_column(col, overflow="fold")
    for r in plan.rows:
        km = "" if r.distance_km is None else f"{r.distance_km:.0f}"
        eur = "—" if r.unit_cost_eur is None else money(r.unit_cost_eur)
        table.add_row(Text(r.cell or ""), Text(r.activity), Text(r.organisation),
                      Text(f"{r.from_place} → {r.to_place}"), km, Text(r.band or (r.error or "")), eur,
                      str(r.participants), money(r.total_eur))
    ui.out.print(table)
    for org, eur in plan.per_organisation.items():
        ui.out.print(Text(f"  {org}: {money(eur)}"))
    ui.out.print(Text(_("Travel total: {amount}").format(amount=money(plan.total_eur)), style="bold"))
    for n in plan.notes:
        ui.out.print(Text(_("note: "), style="dim") + Text(n), soft_wrap=True)
    for r in plan.rows:
        for w in r.warnings:
            ui.out.print(Text(_("warning: "), style="yellow") + Text(f"{r.cell}: {w}"), soft_wrap=True)


def print_budget(result: BudgetResult) -> None:
    verdict = (Text(_("BUDGET OK"), style="bold green") if result.ok
               else Text(_("BUDGET NOT OK"), style="bold red"))
    ui.out.print(Text(_("Budget: {amount} · ").format(amount=money(result.total_eur))) + verdict)
    table = Table(show_header=True, header_style="bold", pad_edge=False)
    for col in ("", _("Check"), _("Required"), _("Actual")):
        table.add_column(col, overflow="fold")
    for c in result.checks:
        mark = Text("✓", style="green") if c.ok else Text("✗", style="bold red")
        table.add_row(mark, Text(c.description), Text(c.required), Text(c.actual))
    ui.out.print(table)
    for wp, eur in result.per_work_package.items():
        ui.out.print(Text(f"  {wp}: {money(eur)}"))
    for n in result.notes:
        ui.out.print(Text(_("note: "), style="dim") + Text(n), soft_wrap=True)
    for w in result.warnings:
        ui.out.print(Text(_("warning: "), style="yellow") + Text(w), soft_wrap=True)


@click.command()
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print travel plan and budget as JSON.")
def budget(workbook: str, as_json: bool) -> None:
    """Price the Travel plan sheet and check the Budget sheet of WORKBOOK against its call year's rules."""

    def body() -> int:
        project = read_workbook(workbook)
        plan = plan_travel(project) if project.travel_plan is not None else None
        result = check_budget(project) if project.budget is not None else None
        if as_json:
            data: dict[str, Any] = {"file": project.source, "action": project.action, "call_year": project.call_year,
                                    "lang": current()}     # descriptions and notes are in this language
            if plan is not None:
                data["travel_plan"] = plan.as_dict()
            if result is not None:
                data["budget"] = result.as_dict()
                data["budget_ok"] = result.ok
            ui.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            if plan is None and result is None:
                ui.out.print(Text(_("{workbook}: no 'Travel plan' or 'Budget' sheet (see docs/workbook.md)").format(
                    workbook=workbook)), soft_wrap=True)
            if plan is not None:
                print_travel_plan(plan)
            if result is not None:
                print_budget(result)
        if plan is not None and plan.errors:
            for r in plan.errors:
                ui.err.print(Text(_("error: "), style="bold red") + Text(f"{project.source}, {r.cell}: {r.error}"),
                             soft_wrap=True)
            return ui.EXIT_INPUT
        return ui.EXIT_NOT_ELIGIBLE if result is not None and not result.ok else ui.EXIT_OK

    sys.exit(ui.guarded(body, file=workbook))
