"""``ka2forms travel``: distance band and unit cost between two places, or for every row of a CSV file.

The interface is a promise to users:

    ka2forms travel FROM TO [--year Y] [--green] [--activity A] [--json]
    ka2forms travel --csv pairs.csv -o out.xlsx      (or -o out.csv)

Exit codes: 0 done; 2 bad input (unknown or ambiguous place, unknown year, bad CSV), with the candidates or
suggestions on stderr and no traceback. In batch mode a bad row is reported in its ``error`` column and the
other rows are still computed. The pairs file is read by :mod:`ka2forms.readers.travel_csv`, computed by
:func:`ka2forms.services.travel.travel_rows` and written by :mod:`ka2forms.services.sheets` (formula-safe).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.errors import InputError, Ka2Error, Location, PlaceError
from ka2forms.i18n import _, current, money, ngettext, number, pgettext
from ka2forms.rules.words import confidence_label
from ka2forms.services.travel import BATCH_COLUMNS, explain

PROGRESS_MIN_ROWS = 2000


def _report(e: Ka2Error) -> int:
    """A travel error on stderr: its message, then one indented line per candidate or suggestion."""
    message, details = explain(e)
    ui.err.print(Text(_("error: "), style="bold red") + Text(message), soft_wrap=True)
    for line in details:
        ui.err.print(Text(f"  {line}"), soft_wrap=True)
    return e.exit_code


@click.command("travel")
@click.argument("places", nargs=-1, metavar="FROM TO")
@click.option(
    "--year",
    "year",
    type=int,
    default=None,
    help="Call year (default: the latest year the travel rules cover).",
)
@click.option("--green", is_flag=True, help="Green (sustainable) travel rates.")
@click.option(
    "--activity",
    default=None,
    help="Rate table: 'standard' (default) or 'tpm' (2014–2020 transnational project meetings).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--from-country", default=None, metavar="CC",
              help="Country whose places come first for FROM (e.g. the organisation's own: SI).")
@click.option("--to-country", default=None, metavar="CC", help="Country whose places come first for TO.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Batch: a CSV with columns from, to and optionally year, green.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Batch output: .xlsx or .csv (written atomically; never the input file).",
)
def travel(
    places: tuple[str, ...],
    year: int | None,
    green: bool,
    activity: str | None,
    as_json: bool,
    from_country: str | None,
    to_country: str | None,
    csv_path: Path | None,
    output: Path | None,
) -> None:
    """One-way distance, distance band and unit cost between FROM and TO.

    FROM and TO are town names in any language ("Praha", "Prag", "Prague"), optionally with a country or
    region ("Frankfurt, Brandenburg", "Ljubljana (SI)"), or coordinates ("46.05, 14.51").
    """

    def body() -> int:
        if csv_path is not None:
            if places:
                raise InputError(_("give either FROM TO or --csv, not both"))
            if output is None:
                raise InputError(_("--csv needs -o OUTPUT (.xlsx or .csv)"))
            return _batch(csv_path, output, year, green, activity, as_json)
        if output is not None:
            raise InputError(_("-o/--output is for batch mode (--csv)"))
        if len(places) != 2:
            raise InputError(ngettext(
                'expected FROM and TO, got {n} argument; quote names with spaces, e.g. ka2forms travel '
                '"Frankfurt am Main" Ljubljana',
                'expected FROM and TO, got {n} arguments; quote names with spaces, e.g. ka2forms travel '
                '"Frankfurt am Main" Ljubljana', len(places)).format(n=len(places)))
        from ka2forms.services.travel import travel as compute

        prefer = [_country_option(c, o) for c, o in ((from_country, "--from-country"), (to_country, "--to-country"))]
        result = compute(places[0], places[1], call_year=year, green=green, activity=activity,
                         from_country=prefer[0], to_country=prefer[1])
        for line in result.inexact():  # never silent, also under --json (stdout stays pure JSON)
            ui.err.print(Text(_("note: "), style="yellow") + Text(line))
        if as_json:
            # notes and warnings are in the user's language: the JSON says which (keys stay English)
            ui.echo(json.dumps({**result.to_dict(), "lang": current()}, ensure_ascii=False, indent=2))
        else:
            _print_result(result)
        return ui.EXIT_OK

    def places_explained() -> int:
        try:
            return body()
        except PlaceError as e:        # with its candidates or suggestions, one per line
            return _report(e)

    sys.exit(ui.guarded(places_explained))


def _country_option(text: str | None, option: str) -> str | None:
    """A country option in any spelling the workbook reader accepts (SI, SVN, Slovenija), as its code."""
    if text is None:
        return None
    from ka2forms.rules.countries import resolve_country

    try:
        return resolve_country(text)
    except InputError as e:
        raise InputError(f"{option}: {e.message}") from None


def _print_result(result: Any) -> None:
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()

    def where(p: Any) -> str:
        return f"{p.label()}  ({p.lat:.5f}, {p.lon:.5f})"   # coordinates: a code, in the dotted form everywhere

    table.add_row(_("From"), Text(where(result.from_place)))
    table.add_row(_("To"), Text(where(result.to_place)))
    table.add_row(_("Distance"), _("{km} km one way (band by whole km: {whole})").format(
        km=number(result.distance_km, 1), whole=number(result.distance_rounded_km)))
    table.add_row(_("Band"), f"{result.band} km")
    cost = (_("no travel grant") if result.unit_cost_eur is None
            else _("{amount} per participant").format(amount=money(result.unit_cost_eur)))
    table.add_row(_("Unit cost"), cost + (_(" (green travel)") if result.green else ""))
    table.add_row(_("Call year"), f"{result.call_year}" + (
        "" if result.activity == "standard" else _(", activity {activity}").format(activity=result.activity)))
    confidence, sep, where_from = (result.source or "").partition(": ")   # Provenance.describe(): "official: URL"
    source = f"{confidence_label(confidence)}{sep}{where_from}"
    table.add_row(_("Source"), Text(source))
    ui.out.print(table)
    for n in result.notes:
        ui.out.print(Text(_("note: "), style="dim") + Text(n), soft_wrap=True)
    for w in result.warnings:
        ui.out.print(Text(_("warning: "), style="yellow") + Text(w), soft_wrap=True)


# ───────────────────────────── batch ─────────────────────────────


def _batch(csv_path: Path, output: Path, year: int | None, green: bool, activity: str | None,
           as_json: bool) -> int:
    from ka2forms.files import same_file
    from ka2forms.readers.travel_csv import read_pairs
    from ka2forms.services.sheets import SUFFIXES, write_table
    from ka2forms.services.travel import travel_rows, travel_table

    if output.suffix.lower() not in SUFFIXES:
        raise InputError(_("output must end in .xlsx or .csv, not {name!r}").format(name=output.name))
    if same_file(output, csv_path):
        raise InputError(_("the output would overwrite the input; choose another -o"),
                         where=Location(file=str(output)))
    if not output.resolve().parent.is_dir():
        raise InputError(_("folder {folder} does not exist").format(folder=output.resolve().parent))
    rows = read_pairs(csv_path)
    if len(rows) >= PROGRESS_MIN_ROWS and sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True, console=ui.err) as bar:
            task = bar.add_task(pgettext("progress", "travel"), total=sum(r.problem is None for r in rows))
            out_rows = travel_rows(rows, call_year=year, green=green, activity=activity,
                                   on_progress=lambda n: bar.advance(task, n))
    else:
        out_rows = travel_rows(rows, call_year=year, green=green, activity=activity)
    write_table(output, travel_table(out_rows), protect=[csv_path])
    errors = sum(1 for r in out_rows if r["error"])
    summary = {"rows": len(out_rows), "ok": len(out_rows) - errors, "errors": errors, "output": str(output)}
    if as_json:
        ui.echo(json.dumps(summary))
    else:
        ui.out.print(Text(ngettext("{ok} of {n} row computed, {errors} with errors → {output}",
                                   "{ok} of {n} rows computed, {errors} with errors → {output}",
                                   summary["rows"]).format(ok=summary["ok"], n=summary["rows"], errors=errors,
                                                           output=output)))
    for row, r in zip(rows, out_rows, strict=True):
        if r["error"]:
            ui.err.print(Text(_("row {line}: {error}").format(line=row.line, error=r["error"])), soft_wrap=True)
    return ui.EXIT_OK


__all__ = ["BATCH_COLUMNS", "travel"]
