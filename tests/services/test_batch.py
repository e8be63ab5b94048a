"""Batch conversion service: collecting inputs, one bad workbook never stops the rest, resume, inert summaries."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pdfcheck import SAMPLE_FORM, SAMPLE_MAP
from workbooks import HEADER, good_rows, make_workbook, partners_with, project_with, row

from ka2forms.services import batch
from ka2forms.services.batch import MANIFEST, Options, collect, run, write_summary

INJECTIONS = ['=HYPERLINK("http://x","y")', "+cmd", "-2+3", "@SUM(1)", "\t=1+1", "＝1+1"]


def _folder(tmp_path: Path) -> Path:
    """good ×2 (one in a subfolder with the same stem), unknown country, not an xlsx, corrupt zip, lock, hidden,
    and a text file that is not a workbook at all."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    make_workbook(src, name="good.xlsx")
    make_workbook(src / "sub", name="good.xlsx")
    make_workbook(src, name="bad-country.xlsx", partners=partners_with(row(2, country="Atlantis")))
    (src / "not-a-workbook.xlsx").write_bytes(b"%PDF-1.7 this is a PDF")
    good = (src / "good.xlsx").read_bytes()
    (src / "corrupt.xlsx").write_bytes(good[: len(good) // 2])
    (src / "~$good.xlsx").write_bytes(b"\x00" * 165)
    (src / ".hidden.xlsx").write_bytes(good)
    (src / "notes.txt").write_text("not a workbook")
    return src


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_collect_skips_lock_and_hidden_files_and_disambiguates_stems(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    got = collect([src], tmp_path / "out")
    names = sorted(Path(j.source).name for j in got.jobs)
    assert names == ["bad-country.xlsx", "corrupt.xlsx", "good.xlsx", "good.xlsx", "not-a-workbook.xlsx"]
    assert sorted(Path(s).name for s in got.skipped) == [".hidden.xlsx", "~$good.xlsx"]
    outs = [Path(j.outdir).name for j in got.jobs if Path(j.source).name == "good.xlsx"]
    assert len(set(outs)) == 2 and all(o.startswith("good-") and len(o) == len("good-") + 8 for o in outs)
    assert outs == [Path(j.outdir).name for j in collect([src], tmp_path / "out").jobs
                    if Path(j.source).name == "good.xlsx"]                    # stable from run to run
    named = collect([src / "~$good.xlsx", src / "notes.txt"], tmp_path / "out")   # named: always tried
    assert [Path(j.source).name for j in named.jobs] == ["~$good.xlsx", "notes.txt"]


def test_bad_workbooks_are_reported_and_the_others_converted(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    before = _snapshot(src)
    out = tmp_path / "out"
    out.mkdir()
    jobs = collect([src], out).jobs
    rows = run(jobs, Options(formats=("html", "md"), form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP)))
    by_name = {Path(r.file).name + ("/sub" if "sub" in r.file else ""): r for r in rows}
    assert [r.status for r in rows].count("converted") == 2
    bad = by_name["bad-country.xlsx"]
    assert bad.status == "failed" and "Partners!C2" in bad.errors and "Atlantis" in bad.errors
    assert "bad-country.xlsx" in bad.errors
    assert "PDF" in by_name["not-a-workbook.xlsx"].errors
    assert "damaged" in by_name["corrupt.xlsx"].errors
    good = by_name["good.xlsx"]
    folder = out / good.output
    assert sorted(p.name for p in folder.iterdir()) == ["annex.html", "annex.md", "check.json", "forms"]
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["eligible"] is True and manifest["failing"] == []
    assert len(list((folder / "forms").glob("*.pdf"))) == good.outputs - 3
    assert not (out / bad.output).exists()
    assert _snapshot(src) == before                                       # inputs: same bytes, same times


def test_resume_skips_what_is_done_and_redoes_what_changed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        make_workbook(src, name=f"w{i}.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    options = Options(form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP))
    jobs = collect([src], out).jobs
    run(jobs, options)
    done = _snapshot(out)
    rows = run(jobs, options, resume=True)
    assert [r.status for r in rows] == ["up to date"] * 3 and rows[0].verdict == "eligible"
    assert _snapshot(out) == done                                         # nothing rewritten
    import os
    import time

    w1 = src / "w1.xlsx"
    written = (out / "w1" / MANIFEST).stat().st_mtime_ns
    os.utime(w1, ns=(time.time_ns(), written + 1_000_000))                # edited after its outputs
    rows = run(jobs, options, resume=True)
    assert [r.status for r in rows] == ["up to date", "converted", "up to date"]
    (out / "w2" / "annex.html").unlink()                                  # an output lost
    assert [r.status for r in run(jobs, options, resume=True)] == ["up to date", "up to date", "converted"]
    rows = run(jobs, Options(lang="sl", form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP)), resume=True)
    assert [r.status for r in rows] == ["converted"] * 3                  # other options: everything again


def test_a_run_stopped_partway_leaves_no_partial_files_and_resumes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        make_workbook(src, name=f"w{i}.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    options = Options(formats=("html", "md"), form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP))
    jobs = collect([src], out).jobs
    real = batch.write_atomic
    calls = {"n": 0}

    def flaky(path, data, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 9:                       # in the middle of the second workbook's forms
            def half(f):  # type: ignore[no-untyped-def]
                f.write(b"%PDF-1.7 half")
                raise KeyboardInterrupt           # as if the run were killed mid-write
            return real(path, half, **kw)
        return real(path, data, **kw)

    monkeypatch.setattr(batch, "write_atomic", flaky)
    import ka2forms.services.forms as forms

    monkeypatch.setattr(forms, "write_atomic", flaky)
    with pytest.raises(KeyboardInterrupt):
        run(jobs, options)
    monkeypatch.undo()
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".*"))   # no temporary or half-written file
    assert (out / "w0" / MANIFEST).exists() and not (out / "w1" / MANIFEST).exists()
    for pdf in out.rglob("*.pdf"):
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")                # every file there is whole
    first = _snapshot(out / "w0")
    rows = run(jobs, options, resume=True)
    assert [r.status for r in rows] == ["up to date", "converted", "converted"]
    assert _snapshot(out / "w0") == first                                 # nothing done twice


def test_stale_temporary_files_from_a_killed_run_are_removed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    make_workbook(src, name="w.xlsx")
    out = tmp_path / "out"
    (out / "w").mkdir(parents=True)
    (out / "w" / ".annex.html.abc123.tmp").write_bytes(b"<html>half")
    run(collect([src], out).jobs, Options())
    assert sorted(p.name for p in (out / "w").iterdir()) == ["annex.html", "check.json"]


def test_summary_is_inert_in_excel_and_csv(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(INJECTIONS):
        rows = good_rows()
        rows[0][1] = text                                                 # the coordinator's name
        path = make_workbook(src, name=f"w{i}.xlsx", partners=[HEADER, *rows], project=project_with(acronym=text))
        wb = openpyxl.load_workbook(path)                                 # typed as text, not as a formula
        for ws in wb.worksheets:
            for line in ws.iter_rows():
                for cell in line:
                    if cell.value == text:
                        cell.data_type = "s"
        wb.save(path)
    make_workbook(src, name="@SUM(1).xlsx")
    out = tmp_path / "out"
    out.mkdir()
    result = run(collect([src], out).jobs, Options())
    assert all(r.ok for r in result), [r.errors for r in result]
    write_summary(result, out)
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    ws = wb.active
    header = [c.value for c in ws[1]]
    texts = set()
    for cells in ws.iter_rows(min_row=2):
        for name, cell in zip(header, cells, strict=True):
            if name == "call_year":
                assert cell.data_type == "n" and isinstance(cell.value, int)    # numbers stay numbers
            elif isinstance(cell.value, str):
                assert cell.data_type == "s", (name, cell.value)
                texts.add(cell.value)
    shown = {t.strip() for t in INJECTIONS}                  # the reader trims cells: "\t=1+1" becomes "=1+1"
    assert shown <= texts and "@SUM(1).xlsx" in {Path(t).name for t in texts}
    with zipfile.ZipFile(out / "summary.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet                    # no formula anywhere
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    coordinators = [r["coordinator"] for r in table]
    for text in shown:
        assert "'" + text in coordinators and text not in coordinators
    assert all(r["call_year"] == "2025" for r in table)                   # not '2025
    assert any(r["file"].endswith("@SUM(1).xlsx") for r in table)
    assert batch.csv_cell("@SUM(1).xlsx") == "'@SUM(1).xlsx"            # a relative path named so is prefixed


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\tx", "\rx", "\nx", "＝1", "＋1", "－1", "＠x"])
def test_csv_cells_that_look_like_formulas_are_prefixed(value: str) -> None:
    assert batch.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", [-5, 2025, 1.5, "Brno", "a=b", "", None])
def test_csv_cells_that_are_safe_stay_as_they_are(value: object) -> None:
    assert batch.csv_cell(value) == ("" if value is None else value)


def test_two_workers_give_the_same_outputs_as_one(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(4):
        make_workbook(src, name=f"w{i}.xlsx")
    make_workbook(src, name="bad.xlsx", partners=partners_with(row(2, country="Atlantis")))
    options = Options(formats=("html", "md"), form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP))
    results = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        out.mkdir()
        rows = run(collect([src], out).jobs, options, workers=workers)
        results[workers] = ([(r.file, r.output, r.status, r.verdict, r.errors, r.outputs) for r in rows],
                            {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert results[1][0] == results[2][0]
    assert results[1][1].keys() == results[2][1].keys()
    for name, data in results[1][1].items():
        assert data == results[2][1][name], name


def test_the_summary_has_travel_and_budget_totals_and_the_budget_verdict(tmp_path: Path) -> None:
    coord, de, hu = "Šolski center Celje", "Müller Präzisionstechnik GmbH", "Győri Szakképzési Centrum"
    src = tmp_path / "in"
    src.mkdir()
    make_workbook(src, name="planned.xlsx", sheets={
        "Travel plan": [["Activity", "Organisation", "To", "Participants"], ["Kick-off", de, "Celje", 2]],
        "Budget": [["Work package", coord, de, hu], ["Project management", 70000, 0, 0],
                   ["Pilots", 60000, 60000, 60000]]})
    make_workbook(src, name="plain.xlsx")
    out = tmp_path / "out"
    rows = batch.run(batch.collect([src], out).jobs, batch.Options(formats=("md",)))
    batch.write_summary(rows, out)
    with (out / "summary.csv").open(encoding="utf-8-sig") as f:
        got = {r["file"].rsplit("/", 1)[-1]: r for r in csv.DictReader(f)}
    assert got["planned.xlsx"]["travel_eur"] == "618"
    assert got["planned.xlsx"]["budget_eur"] == "250000"
    assert got["planned.xlsx"]["budget_verdict"] == "budget not ok"        # management 70 000 > 20 %
    assert got["plain.xlsx"]["budget_verdict"] == "" and got["plain.xlsx"]["travel_eur"] == ""


def test_a_form_value_that_does_not_fit_is_in_the_batch_summary(tmp_path: Path) -> None:
    from feature_forms import Spec, build

    src = tmp_path / "in"
    src.mkdir()
    make_workbook(src, name="good.xlsx")
    form = tmp_path / "narrow.pdf"
    form.write_bytes(build([Spec("Organisation", (40, 760, 90, 780), size=10)]))   # fixed 10 pt, 50 pt wide
    out = tmp_path / "out"
    out.mkdir()
    rows = run(collect([src], out).jobs, Options(form=str(form)), workers=1)
    write_summary(rows, out)
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as f:
        summary = list(csv.DictReader(f))
    assert len(summary) == 1 and summary[0]["status"] == "converted"
    assert "'Organisation'" in summary[0]["form_warnings"] and "does not fit" in summary[0]["form_warnings"]
