"""``ka2forms convert`` as a user runs it: folders in, a folder per workbook and a summary out."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfcheck import SAMPLE_FORM, SAMPLE_MAP
from workbooks import make_workbook, partners_with, row

from ka2forms.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def runner(monkeypatch) -> CliRunner:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "250")
    return CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_convert_folder_with_a_bad_workbook_exits_2_and_converts_the_rest(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    make_workbook(src, name="good.xlsx")
    make_workbook(src, name="bad.xlsx", partners=partners_with(row(3, country="Atlantis")))
    (src / "~$good.xlsx").write_bytes(b"\x00" * 165)
    out = tmp_path / "out"
    r = runner.invoke(main, ["convert", str(src), "-o", str(out), "--jobs", "1", "--format", "html,docx",
                             "--form", str(SAMPLE_FORM), "--map", str(SAMPLE_MAP)])
    assert r.exit_code == 2, r.output
    assert "bad.xlsx: Partners!C3: unknown country 'Atlantis'" in flat(r.stderr)
    assert "2 workbooks: 1 converted, 1 could not be converted; 1 eligible, 0 not eligible" in flat(r.stdout)
    assert "skipped 1 lock or hidden file" in flat(r.stdout)
    assert {p.name for p in (out / "good").iterdir()} == {"annex.html", "annex.docx", "check.json", "forms"}
    assert len(list((out / "good" / "forms").glob("*.pdf"))) == 3
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        rows = {Path(x["file"]).name: x for x in csv.DictReader(f)}
    assert rows["bad.xlsx"]["status"] == "failed" and "Partners!C3" in rows["bad.xlsx"]["errors"]
    assert rows["good.xlsx"]["verdict"] == "eligible" and rows["good.xlsx"]["outputs"] == "6"


def test_convert_all_good_exits_0_even_when_not_eligible(runner: CliRunner, tmp_path: Path) -> None:
    wb = make_workbook(tmp_path, name="few.xlsx", partners=partners_with(row(3, country="SI"), row(4, country="SI")))
    r = runner.invoke(main, ["convert", str(wb), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "1 converted" in r.stdout and "1 not eligible" in r.stdout
    assert json.loads((tmp_path / "out" / "few" / "check.json").read_text(encoding="utf-8"))["eligible"] is False


def test_convert_options_are_checked(runner: CliRunner, tmp_path: Path) -> None:
    wb = make_workbook(tmp_path, name="w.xlsx")
    r = runner.invoke(main, ["convert", str(wb), "-o", str(tmp_path / "o"), "--format", "html,xls"])
    assert r.exit_code == 2 and "xls" in r.output
    r = runner.invoke(main, ["convert", str(wb), "-o", str(tmp_path / "o"), "--form", str(tmp_path / "no.pdf")])
    assert r.exit_code == 2 and "no.pdf" in r.stderr and "no such file" in r.stderr
    r = runner.invoke(main, ["convert", str(tmp_path / "empty-dir-or-missing"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2


def _complete(folder: Path) -> None:
    """Every visible output is whole: PDFs end with %%EOF, JSON parses, HTML is closed."""
    for p in folder.rglob("*"):
        if not p.is_file() or p.name.startswith("."):
            continue
        if p.suffix == ".pdf":
            assert p.read_bytes().rstrip().endswith(b"%%EOF"), p
        elif p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        elif p.suffix == ".html":
            assert p.read_text(encoding="utf-8").rstrip().endswith("</html>"), p


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_run_leaves_whole_files_and_resume_finishes_without_redoing(tmp_path: Path, sig: int) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):
        make_workbook(src, name=f"w{i:02d}.xlsx")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "ka2forms", "convert", str(src), "-o", str(out), "--jobs", "1",
           "--form", str(SAMPLE_FORM), "--map", str(SAMPLE_MAP)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = out / "w00" / "check.json"
    deadline = time.monotonic() + 60
    while not first.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert first.exists()
    if proc.returncode == 0:
        pytest.skip("allowed: the run finished before it could be stopped")
    if sig == signal.SIGTERM:
        assert proc.returncode == 130, stderr
        assert b"--resume" in stderr
        assert not [p for p in out.rglob(".*")]                   # a stopped run cleans up after itself
    _complete(out)
    done = {p: p.stat().st_mtime_ns for p in (out / "w00").rglob("*") if p.is_file()}
    r = subprocess.run([*cmd, "--resume"], capture_output=True, env=env, check=False)
    assert r.returncode == 0, r.stderr
    assert b"up to date" in r.stdout
    assert {p: p.stat().st_mtime_ns for p in (out / "w00").rglob("*") if p.is_file()} == done   # not redone
    assert not [p for p in out.rglob(".*")]                       # leftovers of a SIGKILL swept away
    _complete(out)
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        statuses = [x["status"] for x in csv.DictReader(f)]
    assert len(statuses) == 12 and "failed" not in statuses and statuses[0] == "up to date"
