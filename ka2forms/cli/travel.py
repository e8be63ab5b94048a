"""``ka2forms travel``: distance band and unit cost between two places, or for every row of a CSV file.

Registered in ``ka2forms/cli.py`` with ``main.add_command(travel)``. The interface is a promise to users:

    ka2forms travel FROM TO [--year Y] [--green] [--activity A] [--json]
    ka2forms travel --csv pairs.csv -o out.xlsx      (or -o out.csv)

Exit codes: 0 done; 2 bad input (unknown or ambiguous place, unknown year, bad CSV), with the candidates or
suggestions on stderr and no traceback. In batch mode a bad row is reported in its ``error`` column and the
other rows are still computed.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.errors import AmbiguousPlaceError, Ka2Error, UnknownPlaceError
from ka2forms.files import write_atomic

BATCH_COLUMNS = [
    "from",
    "to",
    "year",
    "green",
    "error",
    "from_name",
    "from_admin1",
    "from_country",
    "from_lat",
    "from_lon",
    "to_name",
    "to_admin1",
    "to_country",
    "to_lat",
    "to_lon",
    "distance_km",
    "band",
    "unit_cost_eur",
    "call_year",
    "activity",
    "source",
    "notes",
    "warnings",
]
_TRUE = {"1", "true", "yes", "y", "x", "ja", "da", "oui", "green", "✓"}
_FALSE = {"", "0", "false", "no", "n", "nein", "ne", "non"}
PROGRESS_MIN_ROWS = 2000




def _fail(message: str, details: list[str] | None = None) -> None:
    click.echo(f"error: {message}", err=True)
    for line in details or ():
        click.echo(f"  {line}", err=True)
    sys.exit(2)


def _explain(e: Ka2Error) -> tuple[str, list[str]]:
    """A one-line message and detail lines (candidates, suggestions) for stderr or an error cell."""
    side = f"{e.where.field}: " if e.where.field else ""
    if isinstance(e, AmbiguousPlaceError):
        return (
            f"{side}{e.query!r} matches several places; add a country or region "
            "(e.g. 'Frankfurt am Main' or 'Frankfurt, Brandenburg'). Candidates:",
            list(e.candidates),
        )
    if isinstance(e, UnknownPlaceError):
        if e.suggestions:
            return f"{side}unknown place {e.query!r}; did you mean one of:", list(e.suggestions)
        return f"{side}unknown place {e.query!r}", []
    return e.short, []


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
    csv_path: Path | None,
    output: Path | None,
) -> None:
    """One-way distance, distance band and unit cost between FROM and TO.

    FROM and TO are town names in any language ("Praha", "Prag", "Prague"), optionally with a country or
    region ("Frankfurt, Brandenburg", "Ljubljana (SI)"), or coordinates ("46.05, 14.51").
    """
    if csv_path is not None:
        if places:
            _fail("give either FROM TO or --csv, not both")
        if output is None:
            _fail("--csv needs -o OUTPUT (.xlsx or .csv)")
        assert output is not None
        _batch(csv_path, output, year, green, activity, as_json)
        return
    if output is not None:
        _fail("-o/--output is for batch mode (--csv)")
    if len(places) != 2:
        _fail(
            f"expected FROM and TO, got {len(places)} argument(s); quote names with spaces, "
            'e.g. ka2forms travel "Frankfurt am Main" Ljubljana'
        )
    from ka2forms.services.travel import travel as compute

    try:
        result = compute(places[0], places[1], call_year=year, green=green, activity=activity)
    except Ka2Error as e:
        message, details = _explain(e)
        _fail(message, details)
        return
    for line in result.inexact():  # never silent, also under --json (stdout stays pure JSON)
        ui.err.print(Text("note: ", style="yellow") + Text(line))
    if as_json:
        ui.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_result(result)


def _print_result(result: Any) -> None:
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()

    def where(p: Any) -> str:
        return f"{p.label()}  ({p.lat:.5f}, {p.lon:.5f})"

    table.add_row("From", where(result.from_place))
    table.add_row("To", where(result.to_place))
    table.add_row(
        "Distance", f"{result.distance_km:.1f} km one way (band by whole km: {result.distance_rounded_km})"
    )
    table.add_row("Band", f"{result.band} km")
    cost = (
        "no travel grant" if result.unit_cost_eur is None else f"EUR {result.unit_cost_eur} per participant"
    )
    table.add_row("Unit cost", cost + (" (green travel)" if result.green else ""))
    table.add_row(
        "Call year",
        f"{result.call_year}" + ("" if result.activity == "standard" else f", activity {result.activity}"),
    )
    table.add_row("Source", result.source or "")
    ui.out.print(table)
    for n in result.notes:
        ui.out.print(f"[dim]note:[/dim] {n}", highlight=False)
    for w in result.warnings:
        ui.out.print(f"[yellow]warning:[/yellow] {w}", highlight=False)


# ───────────────────────────── batch ─────────────────────────────


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        _fail(f"cannot read {path}: {e.strerror or e}")
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        _fail(f"{path}: empty file")
    header = [c.strip().lower() for c in rows[0]]
    if "from" not in header or "to" not in header:
        _fail(
            f"{path}: the first row must name the columns, with at least 'from' and 'to' "
            f"(found: {', '.join(header) or 'nothing'})"
        )
    return [{header[i]: (r[i].strip() if i < len(r) else "") for i in range(len(header))} for r in rows[1:]]


def _parse_green(value: str, default: bool) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return default if v == "" else False
    raise ValueError(f"green must be yes/no, not {value!r}")


def _batch_rows(
    rows: list[dict[str, str]], year: int | None, green: bool, activity: str | None, progress: bool
) -> Iterator[dict[str, Any]]:
    from ka2forms.services.travel import TravelRequest, travel_many

    requests: list[TravelRequest | None] = []
    problems: dict[int, str] = {}
    for i, row in enumerate(rows):
        try:
            y = row.get("year", "").strip()
            row_year = int(float(y)) if y else None
            row_green = _parse_green(row.get("green", ""), green)
        except ValueError as e:
            problems[i] = (
                str(e) if "green" in str(e) else f"year must be a whole number, not {row.get('year')!r}"
            )
            requests.append(None)
            continue
        if not row.get("from") or not row.get("to"):
            problems[i] = "both 'from' and 'to' are needed"
            requests.append(None)
            continue
        requests.append(TravelRequest(row["from"], row["to"], row_year, row_green))
    todo = [(i, r) for i, r in enumerate(requests) if r is not None]
    results: dict[int, Any] = {}
    chunk = 1000
    if progress:
        from rich.progress import Progress

        with Progress(transient=True, console=ui.err) as bar:
            task = bar.add_task("travel", total=len(todo))
            for k in range(0, len(todo), chunk):
                part = todo[k : k + chunk]
                for (i, _), res in zip(
                    part,
                    travel_many([r for _, r in part], call_year=year, green=green, activity=activity),
                    strict=True,
                ):
                    results[i] = res
                bar.advance(task, len(part))
    else:
        for (i, _), res in zip(
            todo,
            travel_many([r for _, r in todo], call_year=year, green=green, activity=activity),
            strict=True,
        ):
            results[i] = res
    for i, row in enumerate(rows):
        out: dict[str, Any] = {
            "from": row.get("from", ""),
            "to": row.get("to", ""),
            "year": row.get("year", ""),
            "green": row.get("green", ""),
        }
        res = results.get(i)
        if i in problems:
            out["error"] = problems[i]
        elif isinstance(res, Ka2Error):
            message, details = _explain(res)
            out["error"] = message + (" " + "; ".join(details) if details else "")
        else:
            out["error"] = ""
            for side, p in (("from", res.from_place), ("to", res.to_place)):
                out.update(
                    {
                        f"{side}_name": p.name,
                        f"{side}_admin1": p.admin1 or "",
                        f"{side}_country": p.country or "",
                        f"{side}_lat": p.lat,
                        f"{side}_lon": p.lon,
                    }
                )
            out.update(
                {
                    "distance_km": round(res.distance_km, 3),
                    "band": res.band,
                    "unit_cost_eur": res.unit_cost_eur,
                    "call_year": res.call_year,
                    "activity": res.activity,
                    "source": res.source or "",
                    "notes": " | ".join(res.notes),
                    "warnings": " | ".join(res.warnings),
                }
            )
        yield out


def _batch(
    csv_path: Path, output: Path, year: int | None, green: bool, activity: str | None, as_json: bool
) -> None:
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        _fail(f"output must end in .xlsx or .csv, not {output.name!r}")
    if output.exists() and csv_path.exists() and output.resolve() == csv_path.resolve():
        _fail("the output would overwrite the input; choose another -o")
    if not output.resolve().parent.is_dir():
        _fail(f"folder {output.resolve().parent} does not exist")
    rows = _read_rows(csv_path)
    progress = len(rows) >= PROGRESS_MIN_ROWS and sys.stderr.isatty()
    out_rows = list(_batch_rows(rows, year, green, activity, progress))

    if suffix == ".csv":

        def write(f: Any) -> None:
            text = io.StringIO()
            w = csv.DictWriter(text, fieldnames=BATCH_COLUMNS, extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            w.writerows(out_rows)
            f.write(text.getvalue().encode("utf-8-sig"))  # BOM: Excel opens UTF-8 CSV correctly
    else:

        def write(f: Any) -> None:
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = "travel"
            ws.append(BATCH_COLUMNS)
            for r in out_rows:
                ws.append([r.get(c, "") if r.get(c) is not None else None for c in BATCH_COLUMNS])
            ws.freeze_panes = "A2"
            wb.save(f)

    try:
        write_atomic(output, write, protect=[csv_path])
    except OSError as e:
        _fail(f"cannot write {output}: {e.strerror or e}")
    errors = sum(1 for r in out_rows if r["error"])
    summary = {"rows": len(out_rows), "ok": len(out_rows) - errors, "errors": errors, "output": str(output)}
    if as_json:
        ui.echo(json.dumps(summary))
    else:
        click.echo(f"{summary['ok']} of {summary['rows']} rows computed, {errors} with errors → {output}")
    for i, r in enumerate(out_rows, start=2):
        if r["error"]:
            click.echo(f"row {i}: {r['error']}", err=True)
