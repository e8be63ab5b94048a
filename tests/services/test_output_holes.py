"""Output holes of issue 11: ``fill`` is all-or-nothing, map templates cannot read files or run away, outputs
follow the umask. Each test is named after the hole it closes."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfcheck import SAMPLE_FORM, SAMPLE_MAP
from workbooks import make_workbook, partners_with, row

from ka2forms.cli import main
from ka2forms.errors import FormMapError
from ka2forms.files import write_atomic
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import Limits
from ka2forms.services.forms import FormMap, FormTemplate, fill_project, render_map, template_context


@pytest.fixture(scope="module")
def sample() -> FormTemplate:
    return FormTemplate.open(SAMPLE_FORM)


def test_fill_is_all_or_nothing_when_the_last_name_has_a_character_no_font_has(tmp_path: Path) -> None:
    """🇸🇮 in the third organisation's name: today two PDFs were written before the failure."""
    wb = make_workbook(tmp_path, partners=partners_with(row(4, organisation="Győri Centrum 🇸🇮")))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(SAMPLE_MAP),
                                  "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert not list(out.glob("*.pdf")) if out.exists() else True


@pytest.mark.parametrize("source", [
    "{% include 'x.html' %}", "{% import 'x.html' as x %}", "{% from 'x.html' import y %}",
    "{% extends 'x.html' %}", "{% if true %}{% include '/etc/passwd' %}{% endif %}",
])
def test_map_templates_cannot_include_import_extend_or_from(source: str) -> None:
    with pytest.raises(FormMapError, match="not allowed in a map") as info:
        FormMap.parse(f"fields:\n  City: \"{source}\"\n", file="m.yaml")
    assert info.value.where.field == "City" and info.value.where.line == 2
    with pytest.raises(FormMapError, match="not allowed in a map"):
        FormMap.parse(f"filename: \"{source}\"\n", file="m.yaml")


@pytest.mark.parametrize("source", [
    "{{ (9**99999)|string }}", "{{ 'a'|wordwrap(10**9) }}", "{{ [1]|sum(start=[]) }}",
    "{{ 'x' * 10**10 }}", "{{ '%999999999999d' % 1 }}", "{{ ('x' * 10**7)|wordwrap(1) }}",
    "{% for a in range(99999) %}{% for b in range(99999) %}{{ a }}{% endfor %}{% endfor %}",
    "{{ 'ab'.center(10**10) }}", "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
])
def test_runaway_map_templates_stop_with_a_clear_error_within_the_limits(tmp_path: Path, source: str) -> None:
    fmap = FormMap.parse(f"fields:\n  place: \"{source}\"\n", file="m.yaml")
    project = read_workbook(make_workbook(tmp_path))
    start = time.monotonic()
    limits = Limits(seconds=5, memory_mb=512)
    try:
        rendered = render_map(fmap, [template_context(project, None)], limits=limits)
    except FormMapError as e:
        assert e.where.field == "place" or "limits" in e.message or "longer than" in e.message, e
        assert e.exit_code == 2
    else:                      # some finish: within the limits, and then short enough to be a value
        assert len(rendered[0]["place"]) < 10**8
    assert time.monotonic() - start < limits.seconds + 5


def test_bounded_map_templates_render_in_this_process() -> None:
    fmap = FormMap.load(SAMPLE_MAP)
    assert all(r.bounded for r in fmap.templates())       # the sample map costs no child process
    risky = FormMap.parse("fields:\n  place: \"{{ 'x' * 3 }}\"\n  City: '{{ partner.city|upper }}'\n")
    assert [r.bounded for r in risky.templates()] == [False, True]


def test_a_runaway_template_in_fill_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    wb = make_workbook(tmp_path)
    m = tmp_path / "m.yaml"
    m.write_text("per_partner: true\nfields:\n  place: \"{{ (9**9999999)|string }}\"\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(m), "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert "m.yaml" in r.stderr
    assert not out.exists() or not list(out.glob("*.pdf"))


def test_outputs_follow_the_umask_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = write_atomic(tmp_path / "a.txt", b"x")
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        os.umask(0o022)
        path = write_atomic(tmp_path / "b.txt", lambda f: f.write(b"y"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_filled_forms_and_summaries_follow_the_umask(tmp_path: Path, sample: FormTemplate) -> None:
    old = os.umask(0o022)
    try:
        project = read_workbook(make_workbook(tmp_path))
        written = fill_project(project, sample, FormMap.load(SAMPLE_MAP), tmp_path / "forms")
        assert {stat.S_IMODE(w.path.stat().st_mode) for w in written} == {0o644}
        r = CliRunner().invoke(main, ["convert", str(tmp_path / "workbook.xlsx"), "-o", str(tmp_path / "c")])
        assert r.exit_code == 0, r.output
        assert stat.S_IMODE((tmp_path / "c" / "summary.csv").stat().st_mode) == 0o644
        assert stat.S_IMODE((tmp_path / "c" / "workbook" / "annex.html").stat().st_mode) == 0o644
    finally:
        os.umask(old)
