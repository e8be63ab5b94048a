"""``ka2forms convert`` on a poisoned folder (issue 11): every good workbook is converted, and the summary
lists every input — malformed workbooks, names that would claim the summary's, a FIFO, a link loop, a dangling
link, an unreadable file (when not root: root reads everything), a folder that cannot be searched.

Also: ``ka2forms check fifo.xlsx`` used to block forever; it is refused at once (run as a subprocess, with a
timeout, so that a regression fails instead of hanging the suite).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzzing import mutate
from workbooks import make_workbook, partners_with, row

from ka2forms.cli import main

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _unreadable_mutants(sample: bytes, folder: Path, n: int) -> list[int]:
    """The first ``n`` seeds whose mutation of ``sample`` the reader refuses (which seeds do depends on the
    sample's bytes, so they are found, not listed)."""
    from ka2forms.errors import Ka2Error
    from ka2forms.readers.workbook import read_workbook

    probe = folder.parent / "probe.xlsx"
    seeds: list[int] = []
    for seed in range(1000):
        probe.write_bytes(mutate(sample, seed).data)
        try:
            read_workbook(probe)
        except Ka2Error:
            seeds.append(seed)
            if len(seeds) == n:
                break
    probe.unlink()
    assert len(seeds) == n, "the mutator no longer damages the sample"
    return seeds


def _poisoned(src: Path) -> tuple[list[str], list[str]]:
    """The folder's good workbooks and every other input, by name (paths relative to ``src``)."""
    src.mkdir()
    good = ["a.xlsx", "summary.xlsx.xlsx", "summary.csv.xlsx", "z.xlsx", "deep/b.xlsx"]
    (src / "deep").mkdir()
    for name in good:
        make_workbook(src / Path(name).parent, name=Path(name).name)
    bad = ["not-eligible-is-still-good.xlsx"]
    make_workbook(src, name=bad[0], partners=partners_with(row(3, country="SI"), row(4, country="SI")))
    good.append(bad.pop())
    sample = (ROOT / "samples" / "ka220-vet-eligible.xlsx").read_bytes()
    for seed in _unreadable_mutants(sample, src, 4):   # damaged sheets (main once exited 3 on such ParseErrors)
        name = f"mutant-{seed}.xlsx"
        (src / name).write_bytes(mutate(sample, seed).data)
        bad.append(name)
    make_workbook(src, name="bad-country.xlsx", partners=partners_with(row(2, country="Atlantis")))
    bad.append("bad-country.xlsx")
    (src / "half.xlsx").write_bytes(sample[: len(sample) // 2])
    bad.append("half.xlsx")
    if hasattr(os, "mkfifo"):
        os.mkfifo(src / "fifo.xlsx")
        bad.append("fifo.xlsx")
    (src / "loop.xlsx").symlink_to(src / "loop.xlsx")
    (src / "dangling.xlsx").symlink_to(src / "nowhere.xlsx")
    bad += ["loop.xlsx", "dangling.xlsx"]
    if not IS_ROOT:
        make_workbook(src, name="unreadable.xlsx")
        (src / "unreadable.xlsx").chmod(0)
        bad.append("unreadable.xlsx")
        (src / "closed").mkdir()
        make_workbook(src / "closed", name="inside.xlsx")
        (src / "closed").chmod(0)
        bad.append("closed")
    return good, bad


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_poisoned_folder_converts_every_good_workbook_and_lists_every_input(tmp_path: Path, jobs: str,
                                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "250")
    src = tmp_path / "in"
    good, bad = _poisoned(src)
    out = tmp_path / "out"
    try:
        r = CliRunner().invoke(main, ["convert", str(src), "-o", str(out), "--jobs", jobs, "--format", "html,md"])
    finally:
        if (src / "closed").exists():
            (src / "closed").chmod(0o755)
    assert r.exit_code == 2, r.output
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        rows = {os.path.relpath(x["file"], src): x for x in csv.DictReader(f)}
    assert set(rows) == set(good) | set(bad)
    for name in good:
        assert rows[name]["status"] == "converted", (name, rows[name]["errors"])
        assert (out / rows[name]["output"] / "check.json").is_file()
        assert (out / rows[name]["output"] / "annex.md").is_file()
    for name in bad:
        assert rows[name]["status"] == "failed" and str(src / name) in rows[name]["errors"], rows[name]
        assert "internal error" not in rows[name]["errors"]
    assert (out / "summary.xlsx").is_file()
    assert "internal error" not in r.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("command", [["check"], ["annex", "-o", "{out}/a.html"],
                                     ["fill", "--form", "{sample_form}", "-o", "{out}"]])
def test_a_fifo_is_refused_by_check_annex_and_fill_without_blocking(tmp_path: Path, command: list[str]) -> None:
    from pdfcheck import SAMPLE_FORM

    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)
    args = [a.format(out=tmp_path, sample_form=SAMPLE_FORM) for a in command]
    proc = subprocess.run([sys.executable, "-m", "ka2forms", args[0], str(fifo), *args[1:]], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "COLUMNS": "250"})
    assert proc.returncode == 2, proc.stderr
    assert "fifo.xlsx" in proc.stderr and "FIFO" in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_form_or_map_is_refused_without_blocking(tmp_path: Path) -> None:
    wb = make_workbook(tmp_path, name="w.xlsx")
    fifo = tmp_path / "fifo.pdf"
    os.mkfifo(fifo)
    for args in (["fill", str(wb), "--form", str(fifo), "-o", str(tmp_path / "o")],
                 ["fields", str(fifo)],
                 ["convert", str(wb), "-o", str(tmp_path / "c"), "--form", str(fifo)]):
        proc = subprocess.run([sys.executable, "-m", "ka2forms", *args], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "COLUMNS": "250"})
        assert proc.returncode == 2 and "FIFO" in proc.stderr, (args, proc.stderr)


def test_convert_timeout_option_stops_a_slow_workbook_and_converts_the_rest(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from workbooks import slow_workbook

    monkeypatch.setenv("KA2FORMS_XLSX_READER", "openpyxl")   # calamine reads the slow workbook in a blink

    src = tmp_path / "in"
    src.mkdir()
    slow_workbook(src, name="slow.xlsx")
    make_workbook(src, name="good.xlsx")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["convert", str(src), "-o", str(out), "--jobs", "1", "--timeout", "3"])
    assert r.exit_code == 2, r.output
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        rows = {Path(x["file"]).name: x for x in csv.DictReader(f)}
    assert rows["good.xlsx"]["status"] == "converted"
    assert rows["slow.xlsx"]["status"] == "failed" and "longer than 3 s" in rows["slow.xlsx"]["errors"]
    bad = CliRunner().invoke(main, ["convert", str(src), "-o", str(out), "--timeout", "-1"])
    assert bad.exit_code == 2
