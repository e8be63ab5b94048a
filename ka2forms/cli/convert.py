"""``ka2forms convert``: whole folders of partner workbooks → check, annexes and filled forms, in parallel.

Registered in ``cli.py``. The work is in ``ka2forms/services/batch.py``; this module parses options, shows
progress (Rich, on stderr) and prints the outcome. Guide: ``docs/batch.md``.

Exit codes: 0 every workbook converted (eligible or not: the verdicts are in the summary), 2 some workbooks
could not be converted (each on stderr and in the summary; the others were converted) or the options are
wrong (a missing form, a bad map…), 3 an internal error, 130 interrupted (Ctrl+C or SIGTERM; --resume goes on).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ka2forms import i18n
from ka2forms.cli import _common as ui
from ka2forms.cli._i18n import lang_option
from ka2forms.i18n import _, ngettext


def _formats(value: str) -> tuple[str, ...]:
    from ka2forms.services.batch import BATCH_FORMATS

    items = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in items if v not in BATCH_FORMATS]
    if bad or not items:
        raise click.BadParameter(_("{given}: use a comma-separated list of {formats}").format(
            given=", ".join(bad) or _("nothing"), formats=", ".join(BATCH_FORMATS)), param_hint="--format")
    return items


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--out", "outdir", required=True, type=click.Path(file_okay=False),
              help="Output folder (created if needed): one folder per workbook, summary.xlsx and summary.csv.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Workbooks converted in parallel (default: all cores).")
@click.option("--format", "formats", default="html", show_default=True,
              help="Annex formats, comma-separated: html, pdf, docx, md.")
@lang_option
@click.option("--form", type=click.Path(dir_okay=False), help="A PDF form to fill for every workbook.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False), help="The form's map file (docs/forms.md).")
@click.option("--flatten", is_flag=True, help="Filled forms not editable (fields painted into the page).")
@click.option("--strict", is_flag=True, help="Refuse a form with a field that cannot be filled (default: leave "
                                             "that field as it is, warn, and fill the others).")
@click.option("--timeout", type=click.FloatRange(min=0), default=None,
              help="Seconds one workbook may take before it is stopped and reported (default: 120; 0: no limit).")
@click.option("--resume", is_flag=True,
              help="Skip workbooks whose outputs are complete, newer than the workbook and made with the same "
                   "options.")
@ui.project_options
def convert(paths: tuple[str, ...], outdir: str, jobs: int | None, formats: str, lang: str | None, form: str | None,
            map_file: str | None, flatten: bool, timeout: float | None, resume: bool, action: str | None,
            call_year: int | None, strict: bool = False) -> None:
    """Convert partner workbooks: check, annex and filled forms for each, plus summary.xlsx/.csv.

    PATH is a workbook or a folder (every .xlsx, .xlsm, .ods and .csv below it; Excel's ~$ lock files and
    hidden files are skipped). Each workbook gets OUTDIR/<name>/ with check.json, annex.<format> and forms/.
    A workbook that cannot be read is reported (stderr and summary) and the others go on. A .csv partner
    table needs --action and --year.

    Exit code 0 when every workbook was converted (eligible or not), 2 when some could not be, 3 on a bug.
    """
    from ka2forms.errors import InputError, Location
    from ka2forms.files import regular_file, remove_stale_temps
    from ka2forms.services.batch import (
        BUG_HINT,
        DEFAULT_TIMEOUT,
        Options,
        Row,
        collect,
        counts,
        prepare,
        problem_rows,
        run,
        write_summary,
    )

    fmts = _formats(formats)
    if map_file and not form:
        raise click.UsageError(_("--map needs --form"))

    def body() -> int:
        target = Path(outdir)
        for given, what in ((form, _("PDF form")), (map_file, _("map file"))):
            if given and not os.path.lexists(given):
                raise InputError(_("no such file"), where=Location(file=given))
            if given:
                regular_file(given, what)          # a FIFO would block every worker
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(_("cannot create the output folder ({why})").format(why=e.strerror or e),
                             where=Location(file=outdir)) from None
        collected = collect(paths, target)
        if not collected.jobs and not collected.problems:
            raise InputError(_("no workbooks (*.xlsx) found"), where=Location(file=", ".join(paths)))
        workers = jobs or os.cpu_count() or 1
        options = Options(formats=fmts, lang=lang or i18n.current(), form=form, map_file=map_file, flatten=flatten,
                          action=action, call_year=call_year, strict=strict)
        protect = [j.source for j in collected.jobs] + [p for p in (form, map_file) if p]
        failed = 0
        finished: list[Row] = []
        # Before the progress display starts its thread: workers are then forked from this process, set up.
        prepared = prepare(options, workers=workers, jobs=len(collected.jobs))

        with contextlib.closing(prepared), Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=ui.err, transient=False) as progress:
            unsearched = problem_rows(collected, len(collected.jobs))       # folders that could not be searched
            task = progress.add_task(_("converting"), total=len(collected.jobs) + len(unsearched), status="")
            tally = {"converted": 0, "up to date": 0, "failed": 0}

            def on_row(row) -> None:  # type: ignore[no-untyped-def]
                nonlocal failed
                finished.append(row)
                tally[row.status] = tally.get(row.status, 0) + 1
                if not row.ok:
                    failed += 1
                    for line in row.errors.splitlines():
                        progress.console.print(Text(_("error: "), style="bold red") + Text(line), soft_wrap=True)
                status = _("{n} converted").format(n=tally["converted"])
                if tally["up to date"]:
                    status += ", " + _("{n} up to date").format(n=tally["up to date"])
                if tally["failed"]:
                    status += ", [red]" + _("{n} failed").format(n=tally["failed"]) + "[/red]"
                progress.update(task, advance=1, status=status)

            previous = signal.getsignal(signal.SIGTERM)
            signal.signal(signal.SIGTERM, _terminate)      # killed: stop cleanly (temporary files removed)
            for row in unsearched:
                on_row(row)
            limit = DEFAULT_TIMEOUT if timeout is None else (timeout or None)
            try:
                rows = run(collected.jobs, options, workers=workers, resume=resume, on_row=on_row, timeout=limit,
                           prepared=prepared)
            except Exception as e:
                # a bug in the run itself: the summary still lists every input, then the error is reported
                done = {r.index for r in finished}
                rows = sorted((r for r in finished if r not in unsearched), key=lambda r: r.index) + [
                    Row(j.source, Path(j.outdir).name, "failed", index=j.index, bug=True,
                        errors=_("{file}: not converted: the run stopped ({error}) — {hint}").format(
                            file=j.source, error=e.__class__.__name__, hint=_(BUG_HINT)))
                    for j in collected.jobs if j.index not in done]
                write_summary(rows + unsearched, target, protect=protect, lang=options.lang)
                raise
            except KeyboardInterrupt:
                progress.stop()
                # A signal can land between a temporary file's creation and the writer's cleanup (inside
                # mkstemp, say): sweep every output folder of this run, so nothing half-written stays behind.
                for job in collected.jobs:
                    for folder in (Path(job.outdir), Path(job.outdir) / "forms"):
                        remove_stale_temps(folder)
                ui.err.print(Text(_("interrupted: "), style="bold red") + Text(_(
                    "finished workbooks are complete, nothing is half-written; run again with --resume to "
                    "convert the rest")), soft_wrap=True)
                return ui.EXIT_INTERRUPTED
            finally:
                signal.signal(signal.SIGTERM, previous)
        rows += unsearched
        write_summary(rows, target, protect=protect, lang=options.lang)
        c = counts(rows)
        line = (ngettext("{n} workbook: {converted} converted", "{n} workbooks: {converted} converted",
                         c["workbooks"]).format(n=c["workbooks"], converted=c["converted"])
                + (", " + _("{n} up to date (--resume)").format(n=c["up to date"]) if c["up to date"] else "")
                + ", " + _("{failed} could not be converted; {eligible} eligible, {not_eligible} not eligible").format(
                    failed=c["failed"], eligible=c["eligible"], not_eligible=c["not eligible"]))
        ui.out.print(Text(line, style="bold"))
        if collected.skipped:
            n = len(collected.skipped)
            ui.out.print(Text(ngettext("skipped {n} lock or hidden file (~$…, .…)",
                                       "skipped {n} lock or hidden files (~$…, .…)", n).format(n=n), style="dim"))
        ui.out.print(Text(_("summary: {files}").format(files=f"{target / 'summary.xlsx'}, {target / 'summary.csv'}"),
                          style="dim"))
        if any(r.bug for r in rows):
            return ui.EXIT_INTERNAL
        return ui.EXIT_INPUT if failed else ui.EXIT_OK

    sys.exit(ui.guarded(body))




def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
