"""``ka2forms check WORKBOOK… [--json] [--sources]``: the consortium against its action's rules."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.errors import Ka2Error
from ka2forms.model import Project
from ka2forms.readers.grid import iter_spreadsheets
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.check import CheckResult, check_project


def _expand(paths: Sequence[str]) -> list[str]:
    """Files as given (a bad one is reported by the reader); folders → their spreadsheets, in a stable order."""
    out: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = [str(f) for f in iter_spreadsheets(p)]
            out += found or [given]  # an empty folder is reported, not passed over
        else:
            out.append(given)
    return out


def _print_result(r: CheckResult, *, sources: bool) -> None:
    verdict = Text("ELIGIBLE", style="bold green") if r.eligible else Text("NOT ELIGIBLE", style="bold red")
    head = Text()
    if r.file:
        head.append(f"{r.file}\n", style="bold")
    if r.title or r.acronym:
        head.append(" – ".join(x for x in (r.acronym, r.title) if x) + "\n")
    head.append(f"{r.action} · {r.action_name} · call {r.call_year}: ")
    head.append(verdict)
    ui.out.print(head)
    ui.out.print(Text(r.counted.capitalize(), style="dim"))
    table = Table(show_header=True, header_style="bold", expand=False, pad_edge=False)
    table.add_column("", width=1)
    table.add_column("Criterion", overflow="fold", ratio=3)
    table.add_column("Required", overflow="fold")
    table.add_column("Actual", overflow="fold")
    table.add_column("What to do" if not sources else "Source", overflow="fold", ratio=2)
    for c in r.criteria:
        mark = Text("✓", style="green") if c.ok else Text("✗", style="bold red")
        last = f"{c.source} ({c.confidence})" if sources else (c.hint or "")
        # Text(), not str: organisation names may contain [brackets] that rich would read as markup.
        table.add_row(mark, Text(c.description), Text(c.required), Text(str(c.actual)), Text(last))
    ui.out.print(table)
    for w in r.warnings:
        ui.out.print(Text("warning: ", style="yellow") + Text(w), soft_wrap=True)
    ui.out.print()


def _has_plan(project: Project) -> bool:
    return project.travel_plan is not None or project.budget is not None


def _plan_report(project: Project) -> dict[str, Any]:
    """The ``check --json`` keys of the travel plan and budget; the budget code is imported only when needed
    (most workbooks have neither sheet, and a cold ``check`` should not pay for it)."""
    if not _has_plan(project):
        return {}
    from ka2forms.services.budget import budget_report

    return budget_report(project)


def _print_plan(project: Project) -> None:
    """The travel plan and budget, when the workbook has them (their own verdict; not the eligibility)."""
    if not _has_plan(project):
        return
    from ka2forms.cli.budget import print_budget, print_travel_plan
    from ka2forms.services.budget import check_budget, plan_travel

    if project.travel_plan is not None:
        print_travel_plan(plan_travel(project))
    if project.budget is not None:
        print_budget(check_budget(project))
    ui.out.print()


@click.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (one object; a list for several).")
@click.option("--sources", is_flag=True, help="Show each criterion's source and confidence instead of hints.")
@ui.project_options
def check(workbooks: Sequence[str], as_json: bool, sources: bool, action: str | None, call_year: int | None) -> None:
    """Check the consortium in WORKBOOK against the rules of its action and call year.

    WORKBOOK may be .xlsx, .xlsm, .ods or a .csv partner table (then give --action and --year), or a folder
    (every spreadsheet in it). Exit code 0 when every workbook is eligible, 1 when one is not, 2 when one
    cannot be read.
    """
    codes: list[int] = []
    payload: list[dict[str, Any]] = []
    for path in _expand(workbooks):
        def body(path: str = path) -> int:
            project = read_workbook(path, action=action, call_year=call_year)
            result = check_project(project)
            if as_json:
                payload.append({**result.as_dict(), **_plan_report(project)})
            else:
                _print_result(result, sources=sources)
                _print_plan(project)
            return ui.EXIT_OK if result.eligible else ui.EXIT_NOT_ELIGIBLE

        def failed(e: Ka2Error, path: str = path) -> None:
            payload.append({"file": path, "error": str(e)})

        code = ui.guarded(body, failed if as_json else None, file=path)
        if code == ui.EXIT_INTERNAL and as_json and not (payload and payload[-1].get("file") == path):
            payload.append({"file": path, "error": "internal error (a bug in ka2forms)"})
        codes.append(code)
    if as_json:
        data: Any = payload[0] if len(payload) == 1 else payload
        ui.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif len(codes) > 1:
        counts = [codes.count(ui.EXIT_OK), codes.count(ui.EXIT_NOT_ELIGIBLE), len(codes) - codes.count(ui.EXIT_OK)
                  - codes.count(ui.EXIT_NOT_ELIGIBLE)]
        ui.out.print(Text(f"{len(codes)} workbooks: {counts[0]} eligible, {counts[1]} not eligible, "
                          f"{counts[2]} unreadable", style="bold"))
    sys.exit(max(codes))
