"""Converting whole folders of partner workbooks: check, annexes and filled forms per workbook, in parallel.

``ka2forms convert`` is a thin skin over this module (``docs/batch.md`` is the user's guide):

- :func:`collect` turns the paths given into the workbooks to convert (folders: every ``*.xlsx`` below them,
  without Excel's ``~$`` lock files and hidden files or folders) and the output folder of each: ``OUTDIR/<stem>``,
  or ``OUTDIR/<stem>-<8 hex digits>`` when two inputs share a stem or a stem would claim a summary's name
  (``summary.xlsx.xlsx``); the digits come from the input's full path, so they stay the same from run to run
  whatever else is converted. Folders that cannot be read and links that loop are kept as problems, each
  becoming a failed row (:func:`problem_rows`): nothing found is silently left out.
- :func:`convert_one` converts one workbook (in a worker process) and never raises: a bad workbook gives a
  failed :class:`Row` with the reader's file/sheet/cell messages, and so does a bug (with the hint to report it).
- :func:`run` runs every job, in worker processes when ``workers > 1`` (the form, its map and the annex templates
  are parsed once per worker, in :func:`_init_worker`), and calls back after each workbook (progress). Each
  workbook has ``timeout`` seconds: a worker over it is killed and replaced, one that dies is replaced, and the
  workbook's row says so — the others go on. With one worker the limit is a timer signal in this process.
- :func:`write_summary` writes ``summary.xlsx`` and ``summary.csv`` through the one formula-safe writer,
  :mod:`ka2forms.services.sheets`: text that Excel could take for a formula is made inert.

Every file is written through :func:`ka2forms.files.write_atomic` (a temporary file, then a rename), and
``check.json`` is written last: its presence, with the input's size and time and the options it was made with,
is what ``--resume`` trusts. Inputs are only ever read.

This module never imports click, rich or xlwings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ka2forms import __version__
from ka2forms.errors import InputError, Ka2Error, Location, WorkbookInvalid
from ka2forms.files import remove_stale_temps, same_file, write_atomic
from ka2forms.i18n import N_, gettext, set_language
from ka2forms.readers.grid import SPREADSHEET_SUFFIXES
from ka2forms.services.sheets import FORMULA_START, NOT_IN_A_CELL, Table, csv_cell, write_table
from ka2forms.text import excerpt

MANIFEST = "check.json"
SUMMARY_COLUMNS = ("file", "output", "status", "acronym", "coordinator", "action", "call_year", "verdict", "failing",
                   "errors", "outputs", "seconds", "travel_eur", "budget_eur", "budget_verdict", "form_warnings")
BATCH_FORMATS = ("html", "pdf", "docx", "md")
#: Seconds one workbook may take (``--timeout``): a normal one takes well under 2 s, a PDF annex included.
DEFAULT_TIMEOUT = 120.0
#: Names in the output folder that no workbook's folder may take.
RESERVED_NAMES = frozenset({"summary.xlsx", "summary.csv"})
#: Problems of one workbook kept in its summary row (the rest are counted), and characters per problem.
MAX_ROW_PROBLEMS = 50
MAX_PROBLEM_CHARS = 500
BUG_HINT = N_("this is a bug in ka2forms, not in the workbook: please report it (KA2FORMS_DEBUG=1 shows the "
            "traceback)")


# ───────────────────────────────────── options and jobs ─────────────────────────────────────


@dataclass(frozen=True)
class Options:
    """What every workbook is converted with (pickled to each worker)."""

    formats: tuple[str, ...] = ("html",)
    lang: str = "en"
    form: str | None = None
    map_file: str | None = None
    flatten: bool = False
    today: dt.date | None = None
    action: str | None = None       # --action/--year: for .csv partner tables (and workbooks without them)
    call_year: int | None = None
    strict: bool = False            # --strict: a form with a field that cannot be filled stops the run

    def fingerprint(self) -> dict[str, Any]:
        """What ``--resume`` compares: the version, the formats and language, and the form and map *contents*."""
        def digest(path: str | None) -> str | None:
            return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16] if path else None

        return {"version": __version__, "formats": list(self.formats), "lang": self.lang,
                "form": digest(self.form), "map": digest(self.map_file), "flatten": self.flatten,
                **({"action": self.action, "call_year": self.call_year} if self.action or self.call_year else {})}


@dataclass(frozen=True)
class Job:
    """One workbook and its output folder."""

    index: int
    source: str
    outdir: str


@dataclass
class Row:
    """One workbook's line in the summary."""

    file: str
    output: str
    status: str                      # converted | up to date | failed
    acronym: str = ""
    coordinator: str = ""            # the coordinator's organisation name, as the workbook writes it
    action: str = ""
    call_year: int | None = None
    verdict: str = ""                # eligible | not eligible | "" (not checked)
    failing: str = ""                # failing criteria ids, comma-separated
    errors: str = ""                 # one problem per line, with file, sheet and cell
    outputs: int = 0
    seconds: float = 0.0
    index: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)
    bug: bool = False                # failed because of a bug in ka2forms (convert then exits 3)
    travel_eur: int | None = None    # the Travel plan's total, when the workbook has one
    budget_eur: float | None = None  # the Budget sheet's total, when the workbook has one
    budget_verdict: str = ""         # budget ok | budget not ok | "" (no Budget sheet)

    def plan(self, data: dict[str, Any]) -> None:
        """Travel and budget totals from ``check --json``'s ``travel_plan``/``budget`` keys (when present)."""
        if "travel_plan" in data:
            self.travel_eur = data["travel_plan"]["total_eur"]
        if "budget" in data:
            self.budget_eur = data["budget"]["total_eur"]
            self.budget_verdict = "budget ok" if data.get("budget_ok") else "budget not ok"

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def form_warnings(self) -> str:
        """The filled forms' warnings (a value cut off, a field left alone, the fallback font), one per line."""
        return "\n".join(self.warnings)

    def cells(self) -> list[Any]:
        return [getattr(self, c) for c in SUMMARY_COLUMNS]


@dataclass
class Collected:
    """The workbooks to convert, what was passed over, and what cannot even be tried."""

    jobs: list[Job]
    skipped: list[str] = field(default_factory=list)        # lock files, hidden files (found in folders)
    problems: list[tuple[str, str]] = field(default_factory=list)   # (path, why): unreadable folders, link loops


def _hidden(path: Path, top: Path) -> bool:
    rel = path.relative_to(top)
    return any(part.startswith(".") for part in rel.parts) or path.name.startswith("~$")


def collect(paths: Sequence[str | Path], outdir: str | Path) -> Collected:
    """The jobs for ``paths`` (files as given; folders searched recursively for .xlsx, .xlsm, .ods and .csv),
    in a stable order.

    A file named on the command line is always tried (a PDF or a lock file is then reported as bad, not
    ignored); in folders, ``~$`` lock files and hidden files are passed over, and so is ``outdir``. Anything
    with a spreadsheet's suffix that is not a folder is tried — a FIFO, a socket, a broken link: the reader
    says what it is.
    """
    out = Path(outdir)
    found: list[Path] = []
    skipped: list[str] = []
    problems: list[tuple[str, str]] = []
    out_real = _resolved(out) if out.exists() else None     # resolved once: a run may list 10 000 files
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in _walk(p, problems):
                if out_real is not None and _inside(f, out_real):
                    continue
                if _hidden(f, p):
                    skipped.append(str(f))
                    continue
                found.append(f)
        else:
            found.append(p)            # missing files and non-workbooks are reported by the reader
    unique: list[Path] = []
    by_name: dict[str, list[Path]] = {}            # one file given twice (a folder and a file in it): once
    for f in found:
        same_name = by_name.setdefault(f.name, [])
        if not any(same_file(f, u) for u in same_name):
            same_name.append(f)
            unique.append(f)
    names = [_folder_name(f.stem) for f in unique]
    stems: dict[str, int] = {}
    for name in names:
        stems[name.casefold()] = stems.get(name.casefold(), 0) + 1
    jobs = []
    for i, (f, name) in enumerate(zip(unique, names, strict=True)):
        if stems[name.casefold()] > 1 or name.casefold() in RESERVED_NAMES:
            name = f"{name}-{hashlib.sha1(os.path.normcase(str(_resolved(f))).encode()).hexdigest()[:8]}"
        jobs.append(Job(i, str(f), str(out / name)))
    return Collected(jobs, skipped, problems)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):     # a link loop: its own spelling is as stable as anything
        return path.absolute()


def _walk(top: Path, problems: list[tuple[str, str]]) -> list[Path]:
    """Every non-folder entry with a spreadsheet's suffix below ``top`` (links to folders followed once),
    sorted; folders that cannot be read and links that lead back into a folder being walked are added to
    ``problems``."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def failed(e: OSError) -> None:
        problems.append((str(e.filename or top), f"cannot be read ({e.strerror or e}): its workbooks, if any, "
                                                 "were not converted"))

    for folder, dirs, files in os.walk(top, onerror=failed, followlinks=True):
        try:
            st = os.stat(folder)
            key = (st.st_dev, st.st_ino)
        except OSError as e:
            failed(e)
            dirs[:] = []
            continue
        if key in seen:
            problems.append((folder, "a link that leads back into a folder already searched: not followed"))
            dirs[:] = []
            continue
        seen.add(key)
        dirs.sort(key=str.casefold)
        for name in files:
            if name.lower().endswith(SPREADSHEET_SUFFIXES):
                found.append(Path(folder) / name)
        for name in list(dirs):        # a link loop on a folder name shows up as a dir that cannot be entered
            if name.lower().endswith(SPREADSHEET_SUFFIXES) and not os.path.isdir(os.path.join(folder, name)):
                found.append(Path(folder) / name)
    return sorted(found, key=lambda x: str(x).casefold())


def problem_rows(collected: Collected, start: int) -> list[Row]:
    """A failed row for each folder that could not be searched (after the jobs' rows, indices from ``start``)."""
    return [Row(file=path, output="", status="failed", index=start + i, errors=f"{path}: {why}")
            for i, (path, why) in enumerate(collected.problems)]


def _inside(path: Path, folder_resolved: Path) -> bool:
    try:
        _resolved(path).relative_to(folder_resolved)
        return True
    except ValueError:
        return False


def _folder_name(stem: str) -> str:
    from ka2forms.services.forms import safe_filename

    return safe_filename(stem, suffix="", max_bytes=120)


# ───────────────────────────────────── one workbook ─────────────────────────────────────


@dataclass
class _Worker:
    options: Options
    fingerprint: dict[str, Any]
    template: Any = None
    fmap: Any = None


_WORKER: _Worker | None = None


def require_extras(options: Options) -> None:
    """A missing ``ka2forms[annex]`` or ``ka2forms[forms]`` is one error before the run, not one per workbook."""
    from ka2forms.extras import require
    from ka2forms.services.annex import require_format

    for fmt in options.formats:
        require_format(fmt)
    if options.form:
        require("forms", "ka2forms convert --form")


def _init_worker(options: Options, fingerprint: dict[str, Any]) -> None:
    """Per worker process: parse the form and its map once, and compile the annex templates once."""
    global _WORKER
    from ka2forms.services.annex import warm_up

    worker = _Worker(options, fingerprint)
    if options.form:
        worker.template, worker.fmap = _open_form(options)
    warm_up(options.lang, [f for f in options.formats if f != "pdf"])
    _WORKER = worker


#: Where the pool puts a run's options for the fork server it starts (read by ``_batch_preload``).
SETUP_ENV = "KA2FORMS_BATCH_SETUP"


def options_json(options: Options) -> str:
    return json.dumps({**{f: getattr(options, f) for f in Options.__dataclass_fields__},
                       "today": options.today.isoformat() if options.today else None})


def options_from_json(text: str) -> Options:
    data = json.loads(text)
    return Options(**{**data, "formats": tuple(data["formats"]),
                      "today": dt.date.fromisoformat(data["today"]) if data["today"] else None})


def _set_up(options: Options, fingerprint: dict[str, Any]) -> None:
    """Set this worker up unless it already is for these options (a worker forked from a fork server that
    ``_batch_preload`` set up starts ready)."""
    if _WORKER is None or _WORKER.options != options or _WORKER.fingerprint != fingerprint:
        _init_worker(options, fingerprint)


def _start_fork_server(options: Options) -> None:
    """Start the fork server workers come from, set up for ``options`` while the caller goes on.

    Why: setting a worker up (imports, parsing the form, compiling templates) takes ≈ 0.8 s of CPU. Done once
    in the fork server, every worker — also one that replaces a worker stopped for its time limit — starts
    with it done, and the parent checks the form meanwhile. A server already running (an earlier run in this
    process) is kept: its workers then set themselves up for these options (:func:`_set_up`)."""
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    forkserver.set_forkserver_preload(["ka2forms.services._batch_preload"])
    previous = os.environ.get(SETUP_ENV)
    os.environ[SETUP_ENV] = options_json(options)
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            del os.environ[SETUP_ENV]
        else:
            os.environ[SETUP_ENV] = previous


def _open_form(options: Options) -> tuple[Any, Any]:
    """The run's form and map, parsed (a FormError or FormMapError when either is bad)."""
    from ka2forms.services.forms import FormMap, FormTemplate

    assert options.form is not None
    return (FormTemplate.open(options.form, strict=options.strict),
            FormMap.load(options.map_file) if options.map_file else None)


def _input_stamp(source: Path) -> dict[str, Any]:
    st = source.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def up_to_date(job: Job, fingerprint: dict[str, Any]) -> dict[str, Any] | None:
    """The stored ``check.json`` when the job's outputs are complete, newer than the input and made with the
    same options; else None."""
    out = Path(job.outdir)
    manifest = out / MANIFEST
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        batch = data["batch"]
        source = Path(job.source)
        if batch["options"] != fingerprint or batch["input"] != _input_stamp(source):
            return None
        newest_input = source.stat().st_mtime_ns
        if manifest.stat().st_mtime_ns < newest_input:
            return None
        for rel, size in batch["outputs"].items():      # sizes catch files a power cut left empty
            st = (out / rel).stat()
            if st.st_mtime_ns < newest_input or st.st_size != size:
                return None
        return data
    except (OSError, ValueError, KeyError, TypeError):
        return None


def convert_one(job: Job, *, resume: bool = False) -> Row:
    """Convert one workbook with the worker's options; a bad workbook gives a failed Row, never an exception
    (except for bugs, which the pool reports as such)."""
    from ka2forms.readers.workbook import read_workbook
    from ka2forms.services.annex import SUFFIXES, render_annex
    from ka2forms.services.budget import budget_report
    from ka2forms.services.check import check_project

    assert _WORKER is not None, "_init_worker was not called"
    w = _WORKER
    start = time.perf_counter()
    source, out = Path(job.source), Path(job.outdir)
    row = Row(file=job.source, output=out.name, status="failed", index=job.index)
    if resume and (done := up_to_date(job, w.fingerprint)) is not None:
        return _row_from_manifest(row, done, "up to date")
    try:
        stamp = _input_stamp(source) if source.is_file() else None
        project = read_workbook(source, action=w.options.action, call_year=w.options.call_year)
        row.acronym = project.acronym or ""
        row.coordinator = project.coordinator.organisation if project.coordinator else ""
        result = check_project(project, lang=w.options.lang)   # check.json and the annex in one language
        row.action, row.call_year = result.action, result.call_year
        row.verdict = "eligible" if result.eligible else "not eligible"
        row.failing = ", ".join(c.id for c in result.failing)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"cannot create the output folder ({e.strerror or e})",
                             where=Location(file=str(out))) from None
        remove_stale_temps(out)
        protect = [p for p in (source, w.options.form, w.options.map_file) if p]
        sizes: dict[str, int] = {}                   # output → bytes written (the manifest's record)
        for fmt in w.options.formats:
            data = render_annex(project, result, fmt=fmt, lang=w.options.lang, today=w.options.today)
            name = "annex" + SUFFIXES[fmt]
            write_atomic(out / name, data, protect=protect, durable=False)
            sizes[name] = len(data)
        if w.template is not None:
            from ka2forms.services.forms import fill_project

            forms = out / "forms"
            if forms.is_dir():
                remove_stale_temps(forms)
            written = fill_project(project, w.template, w.fmap, forms, flatten=w.options.flatten,
                                   today=w.options.today, protect=protect, durable=False)
            sizes.update((f"forms/{x.path.name}", x.size) for x in written)
            row.warnings = tuple(f"{x.path.name}: {warning}" for x in written for warning in x.warnings)
        payload = {**result.as_dict(), **budget_report(project)}
        row.plan(payload)
        payload["warnings_forms"] = list(row.warnings)
        payload["coordinator"] = row.coordinator
        payload["batch"] = {"input": stamp, "options": w.fingerprint, "outputs": sizes}
        write_atomic(out / MANIFEST, (json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
                     .encode("utf-8"), protect=protect)                              # last: marks completion
        row.status, row.outputs = "converted", len(sizes) + 1
    except Ka2Error as e:
        row.errors = "\n".join(error_lines(e))
        row.bug = e.exit_code == 3
        _forget(out)
    except Exception as e:         # a bug: this workbook's row says so, and the run goes on
        if os.environ.get("KA2FORMS_DEBUG"):
            import traceback

            traceback.print_exc()
        row.errors = (f"{job.source}: internal error: {e.__class__.__name__}: {excerpt(str(e), 200)} — "
                      f"{gettext(BUG_HINT)}")
        row.bug = True
        _forget(out)
    row.seconds = round(time.perf_counter() - start, 3)
    return row


def _forget(out: Path) -> None:
    """A workbook that fails now has no valid outputs: drop its completion marker, so nothing claims them."""
    with contextlib.suppress(OSError):
        (out / MANIFEST).unlink(missing_ok=True)


def error_lines(e: Ka2Error) -> list[str]:
    """One line per problem, as ``report_error`` prints them (file, sheet!cell: message), at most
    MAX_ROW_PROBLEMS of them, each cut to MAX_PROBLEM_CHARS; an internal error carries the hint to report it."""
    lines = [str(p) for p in e.problems] if isinstance(e, WorkbookInvalid) else [str(e)]
    if e.exit_code == 3:
        lines[-1] += f" — {gettext(BUG_HINT)}"
    shown = [excerpt(line, MAX_PROBLEM_CHARS) for line in lines[:MAX_ROW_PROBLEMS]]
    if len(lines) > MAX_ROW_PROBLEMS:
        shown.append(f"… and {len(lines) - MAX_ROW_PROBLEMS} more problems")
    return shown


def _row_from_manifest(row: Row, data: dict[str, Any], status: str) -> Row:
    row.status = status
    row.acronym = str(data.get("acronym") or "")
    row.coordinator = str(data.get("coordinator") or "")
    row.action = str(data.get("action") or "")
    row.call_year = data.get("call_year")
    row.verdict = "eligible" if data.get("eligible") else "not eligible"
    row.failing = ", ".join(data.get("failing") or [])
    row.outputs = len(data["batch"]["outputs"]) + 1
    row.warnings = tuple(data.get("warnings_forms") or ())
    row.plan(data)
    return row


class _TimeLimit(BaseException):
    """Raised by the timer signal in the one-worker run; a BaseException, so no ``except Exception`` in a
    library swallows it."""


def _alarm(signum: int, frame: object) -> None:
    raise _TimeLimit


def _timed_out_row(job: Job, timeout: float) -> Row:
    out = Path(job.outdir)
    for folder in (out, out / "forms"):
        if folder.is_dir():
            remove_stale_temps(folder)
    _forget(out)
    return Row(job.source, out.name, "failed", index=job.index, seconds=round(timeout, 3),
               errors=f"{job.source}: took longer than {timeout:g} s and was stopped (the workbook may be very "
                      "large; --timeout sets the limit)")


def _run_job(job: Job, resume: bool, timeout: float | None = None) -> Row:
    """One job in this process, under a timer signal when ``timeout`` is set and this is the main thread."""
    import signal
    import threading

    timer = bool(timeout) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not timer:
        return convert_one(job, resume=resume)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        # Repeating every 0.1 s once expired: an exception raised while Python runs a __del__ (a ZipFile being
        # collected) is ignored, so one signal may be lost; the next one stops the workbook.
        signal.setitimer(signal.ITIMER_REAL, float(timeout or 0), 0.1)
        try:
            return convert_one(job, resume=resume)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)     # first: no signal may arrive in the handler below
    except _TimeLimit:
        return _timed_out_row(job, float(timeout or 0))
    finally:
        signal.signal(signal.SIGALRM, previous)


#: The collector's thresholds during a batch (Python's default is 700, 10, 10).
BATCH_GC_THRESHOLDS = (20_000, 50, 100)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run a batch with the cyclic garbage collector set for it, and put the settings back afterwards.

    Why: a batch keeps the parsed form, map, rules and templates for the whole run and allocates many
    short-lived objects per workbook; with Python's defaults the collector walks those long-lived objects
    again and again (≈ 15 % of a run's time). So what the setup made is frozen (never walked again) and the
    young generation is collected after 20 000 allocations instead of 700. Memory stays flat: a workbook's
    objects are freed by reference counting, and cycles are still collected."""
    previous = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def _serve(conn: Any, options: Options, fingerprint: dict[str, Any], inherited: Sequence[Any] = ()) -> None:
    """A worker process: set up once, then convert the jobs the parent sends until it sends None.

    ``inherited``: the parent's ends of pipes that a forked worker holds copies of (its own pipe's and the
    other workers'): closed first, so that the worker sees the end of its pipe when the parent dies."""
    import signal

    for other in inherited:
        with contextlib.suppress(OSError):
            other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl+C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)    # not the handler a forked worker has from ``convert``
    set_language(options.lang)                       # its messages (errors in the summary) in the run's language
    try:
        _set_up(options, fingerprint)
    except BaseException as e:
        conn.send(("init", f"{e.__class__.__name__}: {excerpt(str(e), 200)}"))
        return
    conn.send(("ready", None))
    gc.freeze()                                      # the worker's setup lives as long as the worker
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        job, resume = request
        conn.send(("row", convert_one(job, resume=resume)))


@dataclass
class _Process:
    process: Any
    conn: Any
    queued: list[Job] = field(default_factory=list)    # sent, in order: the first is the one being converted
    deadline: float | None = None                       # of the first

    @property
    def job(self) -> Job | None:
        return self.queued[0] if self.queued else None


class _Pool:
    """Worker processes that each convert one workbook at a time; any one can be killed and replaced.

    concurrent.futures cannot stop a running task, and one dead worker breaks its whole pool (every pending
    workbook would fail): here the parent owns each process, so a workbook over its time limit, or one that
    crashes its worker, costs only its own row.

    How workers start: on Linux, forked from this process once it is set up (:func:`prepare`) and while it
    runs no other thread — a fork copies a lock another thread holds, and the copy would never be released —
    so they start ready in a few milliseconds. Otherwise (macOS, where forking is unsafe; a replacement
    started while the progress display's thread runs) from a fork server that sets itself up once
    (``_batch_preload``), ≈ 0.6 s later; on Windows, spawned.
    """

    def __init__(self, size: int, options: Options, fingerprint: dict[str, Any]) -> None:
        self.options, self.fingerprint = options, fingerprint
        self.procs: list[_Process] = []
        for _ in range(size):
            self.procs.append(self._start())

    def _context(self) -> Any:
        import multiprocessing
        import sys
        import threading

        methods = multiprocessing.get_all_start_methods()
        if FORK_WORKERS and sys.platform.startswith("linux") and "fork" in methods and \
                threading.active_count() == 1 and _WORKER is not None and _WORKER.options == self.options:
            return multiprocessing.get_context("fork"), True
        if "forkserver" in methods:
            _start_fork_server(self.options)
            return multiprocessing.get_context("forkserver"), False
        return multiprocessing.get_context("spawn"), False

    def _start(self) -> _Process:
        context, forked = self._context()
        parent, child = context.Pipe()
        inherited = [parent, *(p.conn for p in self.procs)] if forked else []
        proc = context.Process(target=_serve, args=(child, self.options, self.fingerprint, inherited), daemon=True)
        if forked:
            gc.freeze()              # the setup stays shared with the worker: its collector never touches it
        try:
            proc.start()
        finally:
            if forked:
                gc.unfreeze()
        child.close()
        return _Process(proc, parent)

    def replace(self, p: _Process) -> None:
        with contextlib.suppress(Exception):
            p.process.kill()
        p.process.join(5)
        with contextlib.suppress(Exception):
            p.conn.close()
        self.procs[self.procs.index(p)] = self._start()

    def close(self) -> None:
        procs, self.procs = self.procs, []
        for p in procs:
            with contextlib.suppress(Exception):
                if p.job is None:
                    p.conn.send(None)
        for p in procs:
            p.process.join(1 if p.job is None else 0)
            if p.process.is_alive():
                p.process.kill()
                p.process.join(5)
            with contextlib.suppress(Exception):
                p.conn.close()


def _died_row(job: Job, why: str) -> Row:
    out = Path(job.outdir)
    for folder in (out, out / "forms"):
        if folder.is_dir():
            remove_stale_temps(folder)
    _forget(out)
    return Row(job.source, out.name, "failed", index=job.index, bug=True,
               errors=f"{job.source}: the worker process converting it stopped unexpectedly ({why}); the "
                      f"workbook may need more memory than the machine has, or {gettext(BUG_HINT)}")


#: Workbooks sent to a worker ahead: the next one waits in its pipe while it converts one, so that it never
#: waits for the main process between two (waking a blocked worker costs ≈ 0.2 ms on a virtual machine).
QUEUED_PER_WORKER = 2


def _run_pool(jobs: Sequence[Job], pool: _Pool, resume: bool, timeout: float | None,
              done: Callable[[Row], None]) -> None:
    from collections import deque
    from multiprocessing.connection import wait

    pending = deque(jobs)
    ready: set[int] = set()
    restarts = 0

    def give_back(p: _Process) -> None:
        """A worker that is stopped or died: the workbooks queued behind its current one go to the others."""
        pending.extendleft(reversed(p.queued[1:]))
        p.queued.clear()

    try:
        while pending or any(p.queued for p in pool.procs):
            for depth in range(QUEUED_PER_WORKER):             # one each first, then the second in turn
                for p in pool.procs:
                    if len(p.queued) == depth and pending and id(p) in ready:
                        job = pending.popleft()
                        try:
                            p.conn.send((job, resume))
                        except OSError:      # it died: the wait below reports it; the workbook waits
                            pending.appendleft(job)
                            ready.discard(id(p))
                            continue
                        p.queued.append(job)
                        if depth == 0:
                            p.deadline = (time.monotonic() + timeout) if timeout else None
            waiting = {p.conn: p for p in pool.procs}
            deadlines = [p.deadline for p in pool.procs if p.deadline is not None and p.queued]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for conn in wait(list(waiting), timeout=wait_for):
                p = waiting[conn]
                try:
                    kind, value = conn.recv()
                except (EOFError, OSError):
                    code = p.process.exitcode
                    p.process.join(1)
                    code = p.process.exitcode if code is None else code
                    why = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    if p.job is not None:
                        done(_died_row(p.job, why))
                    elif (restarts := restarts + 1) > 2 * len(pool.procs):    # dies before any job: not the input's
                        from ka2forms.errors import InternalError

                        raise InternalError(f"worker processes keep stopping at start ({why})") from None
                    give_back(p)
                    ready.discard(id(p))
                    pool.replace(p)
                    continue
                if kind == "ready":
                    ready.add(id(p))
                elif kind == "init":
                    raise InputError(f"a worker could not start: {value}")
                else:
                    p.queued.pop(0)
                    p.deadline = (time.monotonic() + timeout) if timeout and p.queued else None   # the next starts
                    done(value)
            now = time.monotonic()
            for p in list(pool.procs):
                if p.job is not None and p.deadline is not None and now >= p.deadline:
                    done(_timed_out_row(p.job, float(timeout or 0)))
                    give_back(p)
                    ready.discard(id(p))
                    pool.replace(p)
    finally:
        pool.close()


#: Whether workers may be forked from a set-up parent (tests turn it off to run the fork server's way).
FORK_WORKERS = True


@dataclass
class Prepared:
    """A run set up before its first workbook: the form and map checked and parsed, the annex templates
    compiled and, for more than one worker, the worker processes started (:func:`prepare`)."""

    options: Options
    fingerprint: dict[str, Any]
    pool: _Pool | None = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def prepare(options: Options, *, workers: int = 1, jobs: int = 2) -> Prepared:
    """Set a run up: a bad form or map is one clear error now, before any work (and before any worker).

    Called before anything starts a thread (the command line calls it before its progress display), so that
    workers can be forked from this process, set up: see :class:`_Pool`."""
    require_extras(options)
    fingerprint = options.fingerprint()
    _init_worker(options, fingerprint)
    pool = _Pool(min(workers, jobs), options, fingerprint) if workers > 1 and jobs > 1 else None
    return Prepared(options, fingerprint, pool)


def run(jobs: Sequence[Job], options: Options, *, workers: int = 1, resume: bool = False,
        on_row: Callable[[Row], None] | None = None, timeout: float | None = DEFAULT_TIMEOUT,
        prepared: Prepared | None = None) -> list[Row]:
    """Convert every job; rows in input order. ``workers > 1`` uses worker processes (one parse of the form
    per run). The form and map are checked first (:func:`prepare`, unless ``prepared`` is given; then its
    workers are used and closed), so a bad form stops the run before any work. ``timeout`` (seconds, None or
    0 for none) bounds each workbook; over it, the workbook's row says so."""
    if prepared is None:
        prepared = prepare(options, workers=workers, jobs=len(jobs))
    rows: list[Row] = []

    def done(row: Row) -> None:
        rows.append(row)
        if on_row is not None:
            on_row(row)

    try:
        if prepared.pool is None:
            _set_up(options, prepared.fingerprint)
            with fewer_collections():
                for job in jobs:
                    done(_run_job(job, resume, timeout))
        else:
            _run_pool(jobs, prepared.pool, resume, timeout, done)
    finally:
        prepared.close()
    rows.sort(key=lambda r: r.index)
    return rows


# ───────────────────────────────────── the summary ─────────────────────────────────────


def _cell_text(value: Any) -> Any:
    """Text a spreadsheet cell can hold: no control characters or lone surrogates (openpyxl refuses them, and
    the summary must always be written), at most Excel's 32 767 characters."""
    if not isinstance(value, str):
        return value
    value = NOT_IN_A_CELL.sub("\ufffd", value)
    return value if len(value) <= 32_767 else value[:32_700] + "… (cut)"


def summary_rows(rows: Iterable[Row]) -> list[list[Any]]:
    return [[_cell_text(c) if c is not None else "" for c in r.cells()] for r in rows]


SUMMARY_WIDTHS = (40, 24, 12, 14, 40, 26, 10, 13, 30, 70, 8, 8)


def write_summary(rows: Sequence[Row], outdir: str | Path, *, protect: Iterable[str | Path] = (),
                  lang: str | None = None) -> list[Path]:
    """``summary.xlsx`` and ``summary.csv`` in ``outdir``: one row per workbook, formula-like text inert
    (:mod:`ka2forms.services.sheets`). In a language other than English ``summary.xlsx`` has a second sheet
    for people (:mod:`ka2forms.services.summary_words`); the first sheet and the CSV are the same in every
    language."""
    from ka2forms.services.summary_words import people_tables

    out = Path(outdir)
    protect = list(protect)
    table = Table("Summary", SUMMARY_COLUMNS, summary_rows(rows), SUMMARY_WIDTHS)
    return [write_table(out / "summary.xlsx", table, protect=protect, more=people_tables(table, lang)),
            write_table(out / "summary.csv", table, protect=protect)]


def counts(rows: Sequence[Row]) -> dict[str, int]:
    return {
        "workbooks": len(rows),
        "converted": sum(r.status == "converted" for r in rows),
        "up to date": sum(r.status == "up to date" for r in rows),
        "failed": sum(r.status == "failed" for r in rows),
        "eligible": sum(r.verdict == "eligible" for r in rows),
        "not eligible": sum(r.verdict == "not eligible" for r in rows),
    }


__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMULA_START",
    "MANIFEST",
    "SUMMARY_COLUMNS",
    "Collected",
    "Job",
    "Options",
    "Prepared",
    "Row",
    "collect",
    "convert_one",
    "counts",
    "csv_cell",
    "error_lines",
    "prepare",
    "problem_rows",
    "require_extras",
    "run",
    "up_to_date",
    "write_summary",
]
