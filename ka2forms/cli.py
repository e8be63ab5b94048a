"""The ``ka2forms`` command line: a thin skin over the services.

Exit codes (a promise to scripts): 0 eligible / done, 1 not eligible, 2 unreadable or invalid input
(message on stderr, never a traceback), 3 an internal error (a bug in ka2forms; set KA2FORMS_DEBUG=1 for
the traceback).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ka2forms import __version__
from ka2forms.errors import Ka2Error, WorkbookInvalid
from ka2forms.readers.workbook import read_workbook
from ka2forms.rules import rules_edition
from ka2forms.services.check import CheckResult, check_project

EXIT_OK, EXIT_NOT_ELIGIBLE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def report_error(e: Ka2Error) -> None:
    """Print an error the way every command does: one line per problem, on stderr."""
    lines = [str(p) for p in e.problems] if isinstance(e, WorkbookInvalid) else [str(e)]
    for line in lines:
        err.print(Text("error: ", style="bold red") + Text(line), soft_wrap=True)


def _print_result(r: CheckResult, *, sources: bool) -> None:
    verdict = Text("ELIGIBLE", style="bold green") if r.eligible else Text("NOT ELIGIBLE", style="bold red")
    head = Text()
    if r.file:
        head.append(f"{r.file}\n", style="bold")
    if r.title or r.acronym:
        head.append(" – ".join(x for x in (r.acronym, r.title) if x) + "\n")
    head.append(f"{r.action} · {r.action_name} · call {r.call_year}: ")
    head.append(verdict)
    out.print(head)
    out.print(Text(r.counted.capitalize(), style="dim"))
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
    out.print(table)
    for w in r.warnings:
        out.print(Text("warning: ", style="yellow") + Text(w), soft_wrap=True)
    out.print()


def _guard(fn: Callable[[], int], on_error: Callable[[Ka2Error], None] | None = None) -> int:
    """Run a command body: input errors → exit 2 with a message, bugs → exit 3 with a short notice."""
    try:
        return fn()
    except Ka2Error as e:
        report_error(e)
        if on_error:
            on_error(e)
        return EXIT_INPUT
    except Exception as e:  # a bug: say so briefly, keep the traceback for those who ask
        if os.environ.get("KA2FORMS_DEBUG"):
            raise
        err.print(Text("internal error: ", style="bold red") + Text(f"{e.__class__.__name__}: {e}\n"
                  "This is a bug in ka2forms. Run again with KA2FORMS_DEBUG=1 to see the traceback and report it."),
                  soft_wrap=True)
        return EXIT_INTERNAL


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ka2forms", message="%(prog)s %(version)s, rules " + rules_edition())
def main() -> None:
    """Erasmus+ KA2 rules, consortium checks and forms from partner workbooks."""


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (one object; a list for several).")
@click.option("--sources", is_flag=True, help="Show each criterion's source and confidence instead of hints.")
def check(workbooks: Sequence[str], as_json: bool, sources: bool) -> None:
    """Check the consortium in WORKBOOK against the rules of its action and call year.

    Exit code 0 when every workbook is eligible, 1 when one is not, 2 when one cannot be read.
    """
    codes: list[int] = []
    payload: list[dict[str, Any]] = []
    for path in workbooks:
        def body(path: str = path) -> int:
            result = check_project(read_workbook(path))
            if as_json:
                payload.append(result.as_dict())
            else:
                _print_result(result, sources=sources)
            return EXIT_OK if result.eligible else EXIT_NOT_ELIGIBLE

        def failed(e: Ka2Error, path: str = path) -> None:
            payload.append({"file": path, "error": str(e)})

        codes.append(_guard(body, failed if as_json else None))
    if as_json:
        data: Any = payload[0] if len(payload) == 1 else payload
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif len(codes) > 1:
        counts = [codes.count(EXIT_OK), codes.count(EXIT_NOT_ELIGIBLE), len(codes) - codes.count(EXIT_OK)
                  - codes.count(EXIT_NOT_ELIGIBLE)]
        out.print(Text(f"{len(codes)} workbooks: {counts[0]} eligible, {counts[1]} not eligible, "
                       f"{counts[2]} unreadable", style="bold"))
    sys.exit(max(codes))


# `rules` lives in its own module (it is long); registered here so `ka2forms --help` lists it.
from ka2forms.cli_annex import annex  # noqa: E402
from ka2forms.cli_convert import convert  # noqa: E402
from ka2forms.cli_forms import fields, fill  # noqa: E402
from ka2forms.cli_rules import rules  # noqa: E402
from ka2forms.cli_travel import travel  # noqa: E402

for _command in (rules, travel, annex, fields, fill, convert):
    main.add_command(_command)
