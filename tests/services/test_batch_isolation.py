"""Batch isolation (issue 11): one file never stops the others, and the summary always lists every input.

The holes each test guards are in its name: a bug in one workbook, a workbook over its time limit (one worker
and several), a worker that dies, inputs whose names would claim the summary's, FIFOs and link loops, folders
that cannot be searched, and a summary cell that openpyxl would refuse.
"""

from __future__ import annotations

import csv
import os
import signal
import time
from pathlib import Path

import pytest
from workbooks import make_workbook, slow_workbook

from ka2forms.services import batch
from ka2forms.services.batch import BUG_HINT, MANIFEST, Options, Row, collect, run, write_summary

# A normal workbook converts in well under a second; the slow one (1 million cells) takes ~10 s or more,
# far more than LIMIT even on a fast machine). LIMIT leaves room for a machine shared by many test runs.
LIMIT = 4.0


def _jobs(tmp_path: Path, names: list[str]) -> tuple[Path, list[batch.Job]]:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    for n in names:
        make_workbook(src, name=n)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return out, collect([src], out).jobs


def test_a_bug_in_one_workbook_is_its_row_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With one worker the first workbook used to stop the whole run (exit 3, no summary)."""
    out, jobs = _jobs(tmp_path, ["a-first.xlsx", "b.xlsx", "c.xlsx"])
    from ka2forms.services import check

    real = check.check_project

    def buggy(project, **kw):  # type: ignore[no-untyped-def]
        if project.source and project.source.endswith("a-first.xlsx"):
            raise ZeroDivisionError("a bug")
        return real(project, **kw)

    monkeypatch.setattr(check, "check_project", buggy)
    rows = run(jobs, Options(), workers=1)
    assert [r.status for r in rows] == ["failed", "converted", "converted"]
    assert rows[0].bug and "ZeroDivisionError" in rows[0].errors and BUG_HINT in rows[0].errors
    assert "a-first.xlsx" in rows[0].errors
    assert not (out / "a-first" / MANIFEST).exists()


@pytest.fixture
def openpyxl_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow workbook is slow for openpyxl; python-calamine (the fast extra) reads it in a blink."""
    monkeypatch.setenv("KA2FORMS_XLSX_READER", "openpyxl")


@pytest.mark.usefixtures("openpyxl_reader")
def test_a_workbook_over_its_time_limit_is_stopped_in_process(tmp_path: Path) -> None:
    out, jobs = _jobs(tmp_path, ["a.xlsx", "c.xlsx"])
    slow_workbook(tmp_path / "in", name="b-slow.xlsx")
    jobs = collect([tmp_path / "in"], out).jobs
    start = time.monotonic()
    rows = run(jobs, Options(), workers=1, timeout=LIMIT)
    assert time.monotonic() - start < 4 * LIMIT
    by = {Path(r.file).name: r for r in rows}
    assert by["b-slow.xlsx"].status == "failed" and f"longer than {LIMIT:g} s" in by["b-slow.xlsx"].errors
    assert "--timeout" in by["b-slow.xlsx"].errors
    assert by["a.xlsx"].status == by["c.xlsx"].status == "converted"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)       # no timer left running


@pytest.mark.usefixtures("openpyxl_reader")
def test_a_workbook_over_its_time_limit_costs_only_its_row_with_workers(tmp_path: Path) -> None:
    """The worker holding it is killed and replaced; the other workbooks are converted."""
    src = tmp_path / "in"
    src.mkdir()
    slow_workbook(src, name="a-slow.xlsx")
    for i in range(4):
        make_workbook(src, name=f"w{i}.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    rows = run(collect([src], out).jobs, Options(), workers=2, timeout=LIMIT)
    by = {Path(r.file).name: r for r in rows}
    assert by["a-slow.xlsx"].status == "failed" and f"longer than {LIMIT:g} s" in by["a-slow.xlsx"].errors
    assert [by[f"w{i}.xlsx"].status for i in range(4)] == ["converted"] * 4, [r.errors for r in rows]
    assert len(rows) == 5


def test_a_worker_that_dies_costs_only_its_row(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """concurrent.futures marked every pending workbook failed once one worker died (BrokenProcessPool)."""
    _, jobs = _jobs(tmp_path, ["w0.xlsx", "w1.xlsx", "w2.xlsx", "w3.xlsx"])
    monkeypatch.setattr(batch, "_Pool", _KillingPool)
    monkeypatch.setattr(batch, "QUEUED_PER_WORKER", 1)          # sent is started: the kill hits w1 itself
    rows = run(jobs, Options(), workers=2)
    by = {Path(r.file).name: r for r in rows}
    assert by["w1.xlsx"].status == "failed" and "stopped unexpectedly (signal 9)" in by["w1.xlsx"].errors
    assert [by[n].status for n in ("w0.xlsx", "w2.xlsx", "w3.xlsx")] == ["converted"] * 3


class _KillingPool(batch._Pool):
    """Real worker processes; the one sent w1.xlsx is killed as the OOM killer would, before it can convert
    it (stopped first: a worker converts a small workbook faster than a signal arrives)."""

    def _start(self) -> batch._Process:
        p = super()._start()
        conn, pid = p.conn, p.process.pid

        class Conn:
            def send(self, obj):  # type: ignore[no-untyped-def]
                poisoned = bool(obj) and obj[0].source.endswith("w1.xlsx")
                if poisoned:
                    os.kill(pid, signal.SIGSTOP)
                conn.send(obj)
                if poisoned:
                    os.kill(pid, signal.SIGKILL)

            def __getattr__(self, name):  # type: ignore[no-untyped-def]
                return getattr(conn, name)

        p.conn = Conn()
        return p


def test_the_workbook_queued_behind_one_that_kills_its_worker_is_converted(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A worker gets its next workbook before it finishes the current one; when it dies, the current one's row
    says so and the next goes to another worker."""
    _, jobs = _jobs(tmp_path, ["w0.xlsx", "w1.xlsx", "w2.xlsx"])
    monkeypatch.setattr(batch, "_Pool", _QueueKillingPool)
    rows = run(jobs, Options(), workers=2)
    by = {Path(r.file).name: r for r in rows}
    assert by["w0.xlsx"].status == "failed" and "stopped unexpectedly (signal 9)" in by["w0.xlsx"].errors
    assert by["w1.xlsx"].status == by["w2.xlsx"].status == "converted"


class _QueueKillingPool(batch._Pool):
    """The worker sent w0 is stopped before it gets it; when w1 is sent (to it, queued, or to the other
    worker), it is killed: w0 is always the workbook it was converting."""

    holder: int | None = None

    def _start(self) -> batch._Process:
        p = super()._start()
        conn, pid, pool = p.conn, p.process.pid, self

        class Conn:
            def send(self, obj):  # type: ignore[no-untyped-def]
                name = Path(obj[0].source).name if obj else ""
                if name == "w0.xlsx":
                    os.kill(pid, signal.SIGSTOP)
                    pool.holder = pid
                conn.send(obj)
                if name == "w1.xlsx" and pool.holder is not None:
                    os.kill(pool.holder, signal.SIGKILL)
                    pool.holder = None                               # once: w1 is sent again, elsewhere

            def __getattr__(self, name):  # type: ignore[no-untyped-def]
                return getattr(conn, name)

        p.conn = Conn()
        return p


def test_a_worker_that_died_while_idle_costs_no_row(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A worker killed between two workbooks: the workbook it was about to get goes to another worker."""
    _, jobs = _jobs(tmp_path, ["w0.xlsx", "w1.xlsx", "w2.xlsx", "w3.xlsx"])
    monkeypatch.setattr(batch, "_Pool", _IdleKillingPool)
    rows = run(jobs, Options(), workers=2)
    assert [r.status for r in rows] == ["converted"] * 4


class _IdleKillingPool(batch._Pool):
    """Real worker processes; the first one started is killed (and reaped) before it is sent any workbook."""

    def _start(self) -> batch._Process:
        p = super()._start()
        if not getattr(self, "killed", False):
            self.killed = True
            p.conn.recv()                                            # "ready": it is idle now
            p.process.kill()
            p.process.join(5)

            class Ready:                                             # the pool still hears its "ready"
                def __init__(self, conn):  # type: ignore[no-untyped-def]
                    self.conn, self.said = conn, False

                def poll(self, *args):  # type: ignore[no-untyped-def]
                    return True

                def recv(self):  # type: ignore[no-untyped-def]
                    if not self.said:
                        self.said = True
                        return ("ready", None)
                    return self.conn.recv()

                def __getattr__(self, name):  # type: ignore[no-untyped-def]
                    return getattr(self.conn, name)

            p.conn = Ready(p.conn)
        return p


@pytest.mark.parametrize("name", ["summary.xlsx.xlsx", "summary.csv.xlsx", "SUMMARY.CSV.xlsx"])
def test_summary_names_are_unclaimable_by_inputs(tmp_path: Path, name: str) -> None:
    out, jobs = _jobs(tmp_path, [name, "other.xlsx"])
    folders = {Path(j.outdir).name.casefold() for j in jobs}
    assert not folders & batch.RESERVED_NAMES
    rows = run(jobs, Options())
    write_summary(rows, out)
    assert (out / "summary.xlsx").is_file() and (out / "summary.csv").is_file()
    assert all(r.status == "converted" for r in rows)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_and_link_loops_in_a_folder_are_reported_not_skipped(tmp_path: Path) -> None:
    out, _ = _jobs(tmp_path, ["good.xlsx"])
    src = tmp_path / "in"
    os.mkfifo(src / "fifo.xlsx")
    (src / "loop.xlsx").symlink_to(src / "loop.xlsx")
    (src / "gone.xlsx").symlink_to(src / "nowhere.xlsx")
    (src / "sub").mkdir()
    (src / "sub" / "back").symlink_to(src)                   # a folder link that leads back
    got = collect([src], out)
    names = sorted(Path(j.source).name for j in got.jobs)
    assert names == ["fifo.xlsx", "gone.xlsx", "good.xlsx", "loop.xlsx"]
    assert any("leads back" in why for _, why in got.problems)
    rows = {Path(r.file).name: r for r in run(got.jobs, Options())}
    assert "FIFO" in rows["fifo.xlsx"].errors
    assert "loops" in rows["loop.xlsx"].errors
    assert "does not exist" in rows["gone.xlsx"].errors
    assert rows["good.xlsx"].status == "converted"


def test_a_summary_cell_openpyxl_would_refuse_is_still_written(tmp_path: Path) -> None:
    row = Row("a\x00b.xlsx", "ab", "failed", errors="bad \x01 cell \ud800 " + "x" * 40_000)
    write_summary([row], tmp_path)
    with (tmp_path / "summary.csv").open(encoding="utf-8-sig") as f:
        got = list(csv.DictReader(f))
    assert got[0]["file"] == "a\ufffdb.xlsx" and len(got[0]["errors"]) <= 32_767


def test_summary_rows_quote_a_short_excerpt_of_a_long_cell(tmp_path: Path) -> None:
    from workbooks import partners_with, row

    src = tmp_path / "in"
    src.mkdir()
    make_workbook(src, name="long.xlsx",
                  partners=partners_with(row(2, country="Z" * 30_000), row(3, type="Q" * 30_000)))
    out = tmp_path / "out"
    out.mkdir()
    rows = run(collect([src], out).jobs, Options())
    assert rows[0].status == "failed" and len(rows[0].errors) < 2_000


def test_many_problems_are_cut_in_the_summary_row(tmp_path: Path) -> None:
    from workbooks import HEADER

    rows = [HEADER] + [["Partner", f"Org {i}", "Atlantis", "X", "SME", None, None] for i in range(300)]
    make_workbook(tmp_path, name="many.xlsx", partners=rows)
    out = tmp_path / "out"
    out.mkdir()
    rows = run(collect([tmp_path / "many.xlsx"], out).jobs, Options())
    lines = rows[0].errors.splitlines()
    assert len(lines) <= batch.MAX_ROW_PROBLEMS + 1 and "more problems" in lines[-1]
