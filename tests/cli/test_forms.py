"""``ka2forms fields`` and ``ka2forms fill`` as a user runs them."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from pdfcheck import PARTNERS, SAMPLE_FORM, SAMPLE_MAP, make_workbook, norm, pdftotext, values

from ka2forms.cli import main


@pytest.fixture()
def runner(monkeypatch) -> CliRunner:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "250")   # Rich wraps long paths at the terminal width
    return CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_fields_table_and_json(runner: CliRunner) -> None:
    r = runner.invoke(main, ["fields", str(SAMPLE_FORM)])
    assert r.exit_code == 0, r.output
    for text in ("13 fields on 1 page", "declaration_on_honour", "on: Yes", "public (public body), private (private "
                 "body)", "comb 9",
                 "AT = Austria", "multiline"):
        assert text in flat(r.output), text
    r = runner.invoke(main, ["fields", str(SAMPLE_FORM), "--json"])
    data = json.loads(r.output)
    status = next(f for f in data["fields"] if f["name"] == "legal_status")
    # radio export values get the label printed beside each button on the page
    assert status["options"] == [{"export": "public", "display": "public body"},
                                 {"export": "private", "display": "private body"}]
    pic = next(f for f in data["fields"] if f["name"] == "PIC")
    assert pic["maxlen"] == 9 and "comb" in pic["flags"] and pic["type"] == "text"


def test_fields_not_a_pdf(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wb = make_workbook(tmp_path / "p.xlsx", PARTNERS)
    r = runner.invoke(main, ["fields", str(wb)])
    assert r.exit_code == 2
    assert f"{wb}: not a PDF (this is a zip file" in flat(r.stderr)


def test_fill_per_partner(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wb = make_workbook(tmp_path / "partners.xlsx", PARTNERS)
    before = (SAMPLE_FORM.read_bytes(), SAMPLE_FORM.stat().st_mtime_ns)
    out = tmp_path / "out"
    r = runner.invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--per-partner", "-o", str(out)])
    assert r.exit_code == 0, r.output + r.stderr
    assert "4 filled forms" in r.output
    target = out / "Univerza v Mariboru – Fakulteta za strojništvo.pdf"
    assert target.exists() and f"wrote {target}" in flat(r.output)
    assert values(target.read_bytes())["PIC"] == "949123456"
    assert norm("Univerza v Mariboru – Fakulteta za strojništvo") in pdftotext(target.read_bytes())
    assert (SAMPLE_FORM.read_bytes(), SAMPLE_FORM.stat().st_mtime_ns) == before


def test_fill_with_map_and_flatten(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wb = make_workbook(tmp_path / "partners.xlsx", PARTNERS)
    wb_before = (wb.read_bytes(), wb.stat().st_mtime_ns)
    r = runner.invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(SAMPLE_MAP), "--flatten",
                             "-o", str(tmp_path / "flat")])
    assert r.exit_code == 0, r.output + r.stderr
    files = sorted(p.name for p in (tmp_path / "flat").iterdir())
    assert files == ["Politechnika Łódzka – mandate.pdf",
                     "Univerza v Mariboru – Fakulteta za strojništvo – mandate.pdf",
                     "Vysoké učení technické v Brně – mandate.pdf"]
    text = pdftotext((tmp_path / "flat" / files[0]).read_bytes())
    assert "Politechnika Łódzka (Łódź, Poland)" in text
    assert (wb.read_bytes(), wb.stat().st_mtime_ns) == wb_before
    assert not os.listdir(tmp_path / "flat") or all(not n.startswith(".") for n in os.listdir(tmp_path / "flat"))


def test_fill_bad_map_exits_2_naming_file_and_field(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wb = make_workbook(tmp_path / "partners.xlsx", PARTNERS)
    bad = tmp_path / "bad.map.yaml"
    bad.write_text("per_partner: true\nfields:\n  legal_status: semi-public\n", encoding="utf-8")
    r = runner.invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(bad), "-o",
                             str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "field 'legal_status'" in flat(r.stderr) and "'public', 'private'" in flat(r.stderr)
    assert str(SAMPLE_FORM) in flat(r.stderr)
    assert not list((tmp_path / "o").glob("*.pdf"))   # nothing written when one value is wrong
    bad.write_text("fields:\n  Legal status: x\n", encoding="utf-8")
    r = runner.invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(bad), "-o",
                             str(tmp_path / "o")])
    assert r.exit_code == 2 and f"{bad}: field 'Legal status' line 2" in flat(r.stderr)
    assert "did you mean 'legal_status'" in flat(r.stderr)


def test_fill_unreadable_inputs(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wb = make_workbook(tmp_path / "partners.xlsx", PARTNERS)
    junk = tmp_path / "form.pdf"
    junk.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    r = runner.invoke(main, ["fill", str(wb), "--form", str(junk), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and str(junk) in flat(r.stderr)
    r = runner.invoke(main, ["fill", str(SAMPLE_FORM), "--form", str(SAMPLE_FORM), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "a PDF; expected an Excel .xlsx file" in flat(r.stderr)
