"""``ka2forms annex``: where it writes, which format, exit codes, and messages that name the template line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ka2forms.cli.annex import annex

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    target = tmp_path / "ka220-vet-not-eligible.xlsx"
    shutil.copy(ROOT / "samples" / target.name, target)
    return target


def flat(text: str) -> str:
    """Rich wraps long lines (sometimes eating the space at the break): compare without whitespace."""
    return "".join(text.split())


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(annex, [str(a) for a in args])


def test_default_output_is_html_next_to_the_workbook_and_exit_0_even_if_not_eligible(workbook):
    result = run(workbook)
    assert result.exit_code == 0, result.output
    out = workbook.with_name("ka220-vet-not-eligible-annex.html")
    assert out.is_file() and "<html" in out.read_text(encoding="utf-8")
    assert flat(f"wrote {out}") in flat(result.output)
    assert "not eligible" in result.output


@pytest.mark.parametrize("args, name", [
    (["-o", "{d}/x.docx"], "x.docx"),
    (["--format", "md", "--lang", "cs"], "ka220-vet-not-eligible-annex.md"),
    (["-o", "{d}/x.pdf", "--lang", "sl"], "x.pdf"),
])
def test_the_format_follows_the_suffix_or_the_option(workbook, args, name):
    result = run(workbook, *[a.format(d=workbook.parent) for a in args])
    assert result.exit_code == 0, result.output
    data = (workbook.parent / name).read_bytes()
    assert data[:4] in (b"%PDF", b"PK\x03\x04") or "Konsorcium" in data.decode()


@pytest.mark.parametrize("args, message", [
    (["-o", "{wb}"], "over its input workbook"),
    (["-o", "{d}/a.pdf", "--format", "html"], "the output name says pdf"),
    (["-o", "{d}/a.txt"], "cannot tell the annex format"),
    (["--template", "{d}/missing.html"], "no such template file"),
])
def test_bad_input_exits_2_with_a_message(workbook, args, message):
    before = workbook.read_bytes()
    result = run(workbook, *[a.format(d=workbook.parent, wb=workbook) for a in args])
    assert result.exit_code == 2, result.output
    assert flat(message) in flat(result.output)
    assert workbook.read_bytes() == before


def test_an_unreadable_workbook_exits_2(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    result = run(bad)
    assert result.exit_code == 2 and "error:" in result.output
    assert not (tmp_path / "x-annex.html").exists()


def test_a_template_mistake_names_template_line_and_variable(workbook):
    tpl = workbook.parent / "mine.html.j2"
    tpl.write_text("<h1>{{ project.title }}</h1>\n{% for p in partners %}\n<p>{{ p.organisaton }}</p>\n"
                   "{% endfor %}\n", encoding="utf-8")
    result = run(workbook, "--template", tpl)
    assert result.exit_code == 2
    text = flat(result.output)
    assert flat(f"{tpl}: line 3: undefined variable") in text and "organisaton" in text


def test_a_template_injection_payload_exits_2_and_runs_nothing(workbook, tmp_path):
    marker = tmp_path / "pwned"
    tpl = workbook.parent / "evil.html"
    tpl.write_text("{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}",
                   encoding="utf-8")
    result = run(workbook, "--template", tpl)
    assert result.exit_code == 2 and "sandbox" in result.output
    assert not marker.exists()


def test_a_user_template_picks_the_format_from_its_name(workbook):
    tpl = workbook.parent / "short.md.j2"
    tpl.write_text("# {{ project.acronym }}: {{ check.verdict_short }}\n", encoding="utf-8")
    result = run(workbook, "--template", tpl, "--lang", "sl")
    assert result.exit_code == 0, result.output
    assert workbook.with_name("ka220-vet-not-eligible-annex.md").read_text(encoding="utf-8") == \
        "# GREENCRAFT: Ni upravičen\n"
