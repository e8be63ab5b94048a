"""The application annex: every sample in every language as HTML, Word and Markdown, PDFs read back with
poppler, labels and locale formats, the sandbox for user templates, limits and atomic writing."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ka2forms import errors
from ka2forms.model import Partner, Project
from ka2forms.readers.workbook import read_workbook
from ka2forms.rules import ORG_TYPES, Role
from ka2forms.services import annex
from ka2forms.services.annex import (
    Limits,
    annex_context,
    labels,
    make_filters,
    render_annex,
    resolve_format,
    write_annex,
)
from ka2forms.services.check import check_project

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
LANGS = ("en", "sl", "cs", "de")
TODAY = dt.date(2026, 3, 1)
NBSP = "\u00a0"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")


def norm(text: str) -> str:
    """NFC, whitespace collapsed: how a name must appear in any output."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[Project, Any]]:
    out = {}
    for path in SAMPLES:
        project = read_workbook(path)
        out[path.stem] = (project, check_project(project))
    return out


def lab_project() -> Project:
    partners = (
        Partner(Role.COORDINATOR, "R&D <Lab> \"Quotes\" & Co", "SI", "HEI", city="Ljubljana", pic="999999999"),
        Partner(Role.PARTNER, "Łukasz Gößwein-Ősz, ů ě ř | *Stars* _x_", "PL", "SME", city="Łódź"),
        Partner(Role.PARTNER, "Řepová škola <script>alert(1)</script>", "CZ", "VET", city="Brno",
                oid="E12345678"),
        Partner(Role.ASSOCIATED, "Müller Präzisionstechnik GmbH", "DE", "SME"),
    )
    return Project(action="KA220-VET", call_year=2025, partners=partners, title="Title with <b>tags</b> & more",
                   acronym="R&D", duration_months=24, requested_grant=Decimal("250000"), source="/x/lab.xlsx")


class _Balance(HTMLParser):
    """Well-formedness: every non-void element is closed, in order."""

    VOID: ClassVar[set[str]] = {"meta", "br", "hr", "img", "link", "input", "col", "area", "base", "wbr", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def parse_html(data: bytes) -> _Balance:
    parser = _Balance()
    parser.feed(data.decode("utf-8"))
    parser.close()
    assert parser.stack == [], f"unclosed: {parser.stack}"
    return parser


def docx_text(data: bytes) -> str:
    import docx

    d = docx.Document(BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    for s in d.sections:
        parts.extend(p.text for p in s.header.paragraphs)
        parts.extend(p.text for p in s.footer.paragraphs)
    return "\n".join(parts)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


# ───────────────────────────── every sample, every language ─────────────────────────────


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLES])
def test_every_sample_renders_as_html_docx_and_md(checked, sample, lang):
    project, _ = checked[sample]
    result = check_project(project, lang=lang)   # the annex shows the check in its own language
    lab = labels(lang)
    html = render_annex(project, result, fmt="html", lang=lang, today=TODAY)
    parsed = parse_html(html)
    text = norm(" ".join(parsed.text))
    word = norm(docx_text(render_annex(project, result, fmt="docx", lang=lang, today=TODAY)))
    md = norm(render_annex(project, result, fmt="md", lang=lang, today=TODAY).decode())
    verdict = lab["verdict_eligible"] if result.eligible else lab["verdict_not_eligible"]
    for out in (text, word):
        for p in project.partners:
            assert norm(p.organisation) in out, p.organisation
            assert not p.pic or p.pic in out
        assert verdict in out
        assert norm(lab["document_title"]) in out
        for c in result.criteria:
            assert norm(c.description) in out
    for p in project.partners:  # Markdown escapes & | * _ … with a backslash
        assert norm(p.organisation) in md.replace("\\", "")
    if project.requested_grant is not None:
        money = norm(make_filters(lang)["money"](project.requested_grant))
        assert money in text and money in word and money in md


@needs_poppler
@pytest.mark.parametrize("sample, lang", [
    ("afi-lot2-not-eligible", "en"),   # 15 organisations, 3 pages, repeated table header
    ("afi-lot1-eligible", "sl"),       # č š ž ł ö ü ß
    ("ka210-sch-eligible", "cs"),      # ř ě ů á í Ď
    ("afi-lot1-not-eligible", "cs"),   # ő ű ł ą
    ("ka202-2019-eligible", "sl"),
])
def test_pdf_text_has_every_name_with_its_diacritics(checked, tmp_path, sample, lang):
    project, result = checked[sample]
    data = render_annex(project, result, fmt="pdf", lang=lang, today=TODAY)
    assert data.startswith(b"%PDF-")
    text = norm(pdf_text(data, tmp_path))
    for p in project.partners:
        assert norm(p.organisation) in text, p.organisation
    lab = labels(lang)
    assert (lab["verdict_eligible"] if result.eligible else lab["verdict_not_eligible"]) in text
    assert f"{lab['page']} 1 {lab['page_of']}" in text   # footer with page numbers
    fonts = subprocess.run(["pdffonts", str(tmp_path / "a.pdf")], capture_output=True, text=True).stdout
    assert "DejaVu" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])  # embedded


@needs_poppler
def test_pdf_renders_to_png_without_missing_glyphs(tmp_path):
    project = lab_project()
    data = render_annex(project, check_project(project), fmt="pdf", lang="cs", today=TODAY)
    (tmp_path / "a.pdf").write_bytes(data)
    run = subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(tmp_path / "a.pdf"),
                          str(tmp_path / "p")], capture_output=True, text=True)
    assert run.returncode == 0 and "couldn't find a font" not in run.stderr
    assert list(tmp_path.glob("p*.png"))
    text = norm(pdf_text(data, tmp_path))
    assert norm("Łukasz Gößwein-Ősz, ů ě ř") in text and "R&D <Lab>" in text


# ───────────────────────────── escaping ─────────────────────────────


def test_html_escapes_names_and_stays_well_formed():
    project = lab_project()
    html = render_annex(project, check_project(project), fmt="html", lang="en", today=TODAY)
    raw = html.decode()
    assert "R&amp;D &lt;Lab&gt; &#34;Quotes&#34; &amp; Co" in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>" not in raw
    assert "<b>tags</b>" not in raw
    parsed = parse_html(html)
    assert "script" not in parsed.tags and "b" not in parsed.tags
    assert "R&D <Lab> \"Quotes\" & Co" in " ".join(parsed.text)
    # the acronym goes into a CSS string in @page: escaped there too
    assert 'R\\26 D' in raw


def test_docx_keeps_ampersands_and_angle_brackets():
    project = lab_project()
    text = docx_text(render_annex(project, check_project(project), fmt="docx", lang="sl", today=TODAY))
    assert "R&D <Lab> \"Quotes\" & Co" in text
    assert "Řepová škola <script>alert(1)</script>" in text
    assert "Title with <b>tags</b> & more" in text


def test_markdown_escapes_table_breakers():
    project = lab_project()
    md = render_annex(project, check_project(project), fmt="md", lang="en", today=TODAY).decode()
    assert r"Łukasz Gößwein-Ősz, ů ě ř \| \*Stars\* \_x\_" in md
    assert r"Řepová škola \<script\>alert(1)\</script\>" in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "Łukasz" in line]
    assert rows and rows[0].count(" | ") == 7  # 8 columns, the name's | did not add one


# ───────────────────────────── labels and formats ─────────────────────────────


def test_labels_come_from_the_catalogs_in_every_language():
    english = annex.label_messages()
    for lang in LANGS:
        lab = labels(lang)
        assert set(english) <= set(lab)
        assert set(lab["types"]) == set(ORG_TYPES)
        assert set(lab["roles"]) == {r.value for r in Role}
        assert set(lab["confidence_values"]) == {"seed", "official", "third-party", "unconfirmed"}
    assert labels("de")["document_title"] == "Anlage zum Antrag"
    assert labels("sl")["roles"]["associated"] == "Pridruženi partner"
    assert labels("cs")["types"]["VET"] == "Poskytovatel OVP"


def test_the_wrong_english_criteria_note_is_gone():
    """The Guide is published in Slovenian and Czech, and so are our criteria: no note may claim otherwise."""
    for lang in LANGS:
        assert labels(lang)["criteria_language_note"] == ""
    for name in ("annex.html.j2", "annex.md.j2"):
        assert "criteria_language_note" not in (ROOT / "templates" / name).read_text(encoding="utf-8")


def test_money_dates_and_months_follow_the_locale():
    sl, cs, en = make_filters("sl"), make_filters("cs"), make_filters("en")
    assert sl["money"](Decimal("60000")) == f"60.000,00{NBSP}€"
    assert cs["money"](Decimal("1234567.891")) == f"1{NBSP}234{NBSP}567,89{NBSP}€"
    assert en["money"](60000) == "€60,000.00"
    assert en["money"](None) == "—"
    assert sl["date"](dt.date(2026, 3, 1)) == "1. marec 2026"
    assert cs["date"](dt.date(2026, 3, 1)) == "1. března 2026"
    assert en["date"](dt.date(2026, 3, 1)) == "1 March 2026"
    assert [sl["months"](n) for n in (1, 2, 3, 24)] == ["1 mesec", "2 meseca", "3 meseci", "24 mesecev"]
    assert [cs["months"](n) for n in (1, 3, 12)] == ["1 měsíc", "3 měsíce", "12 měsíců"]
    assert [en["months"](n) for n in (1, 36)] == ["1 month", "36 months"]
    de = make_filters("de")
    assert de["money"](Decimal("60000")) == f"60.000,00{NBSP}€" and de["months"](2) == "2 Monate"


def test_context_is_plain_data(checked):
    project, result = checked["afi-lot1-eligible"]
    ctx = annex_context(project, result, "cs", today=TODAY)   # result is English: the annex re-checks in cs

    def walk(x: Any, where: str) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                assert isinstance(k, str), where
                walk(v, f"{where}.{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, f"{where}[{i}]")
        else:
            assert x is None or type(x) in (str, int, bool, Decimal, dt.date), f"{where}: {type(x)}"

    walk(ctx, "ctx")
    assert ctx["travel"] == []
    assert ctx["project"]["action"] == result.action == "ERASMUS-EDU-2025-PI-ALL-INNO-EDU-ENTERP"
    assert ctx["project"]["action_name"] == "Aliance pro inovace, skupina 1 — Aliance pro vzdělávání a podniky"
    assert ctx["check"]["criteria"][0]["description"] == "Alespoň 8 řádných partnerů"
    assert all(c["source"].startswith("https://") for c in ctx["check"]["criteria"])
    assert ctx["project"]["workbook"] == "afi-lot1-eligible.xlsx"   # the name only, not the user's folders
    assert ctx["partners"][0]["country_name"] == "Slovinsko"
    assert ctx["partners"][0]["type_label"] == "Vysokoškolská instituce"
    assert [p["counted"] for p in ctx["partners"]][-3:] == [False, False, False]
    assert ctx["generated"]["text"] == "Vytvořeno 1. března 2026 nástrojem ka2forms 0.1.0"


@pytest.mark.parametrize("fmt", ["html", "docx", "md"])
def test_templates_render_a_filled_travel_section(fmt):
    project = lab_project()
    travel = [{"organisation": "R&D <Lab>", "origin": "Ljubljana", "destination": "Łódź", "distance_km": 987.6,
               "band": "500–1999 km", "participants": 2, "amount": Decimal("618.00")},
              {"organisation": "Řepová škola", "origin": "Brno", "destination": "Ljubljana", "distance_km": 412,
               "band": "100–499 km", "participants": 1, "amount": Decimal("211")}]
    out = render_annex(project, check_project(project), fmt=fmt, lang="sl", today=TODAY, travel=travel)
    text = docx_text(out) if fmt == "docx" else out.decode()
    assert "Potovanja" in text and f"829,00{NBSP}€" in text and "988" in text


def test_docx_template_is_reproducible_from_its_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_docx_template", ROOT / "scripts" / "build_docx_template.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(module)
    assert module.build() == (ROOT / "templates" / "annex.docx").read_bytes(), \
        "templates/annex.docx is stale: run python scripts/build_docx_template.py"


@pytest.mark.parametrize("fmt, out, template, expected", [
    (None, None, None, "html"), (None, "a.pdf", None, "pdf"), (None, "a.DOCX", None, "docx"),
    ("md", None, None, "md"), ("pdf", "a.pdf", None, "pdf"), (None, None, "t.docx", "docx"),
    (None, None, "t.md.j2", "md"), (None, "x.pdf", "t.html.j2", "pdf"),
])
def test_format_follows_option_then_suffix_then_template(fmt, out, template, expected):
    assert resolve_format(fmt, out, template) == expected


@pytest.mark.parametrize("fmt, out", [("html", "a.pdf"), (None, "a.txt"), ("xls", None)])
def test_contradicting_or_unknown_formats_are_input_errors(fmt, out):
    with pytest.raises(errors.InputError):
        resolve_format(fmt, out)


# ───────────────────────────── user templates: sandbox ─────────────────────────────

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ (project|attr('__class__')) }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ '{0.__class__.__mro__}'.format(project) }}",
    "{{ '%s'.format_map(project) if False else 'x'.__class__ }}",
    "{% set x = partners.append(1) %}{{ x }}",
    "{{ partners.pop() }}",
    "{{ labels.update({'a': 1}) }}",
    "{{ range(10**9)|list|length }}",
    "{{ config.items() }}",
    "{{ request.application.__globals__ }}",
    "{% include '/etc/passwd' %}",
    "{% extends 'annex.html.j2' %}",
    "{% import 'labels.yaml' as x %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_injection_payloads_are_refused(tmp_path, payload):
    project = lab_project()
    tpl = tmp_path / "evil.html.j2"
    tpl.write_text(f"<p>ok</p>\n{payload}\n", encoding="utf-8")
    with pytest.raises(errors.TemplateError) as e:
        render_annex(project, check_project(project), fmt="html", template=tpl, limits=None)
    assert e.value.where.file == str(tpl)
    assert isinstance(e.value, errors.InputError)
    assert "uid=" not in str(e.value)


def test_payloads_are_refused_in_the_limited_child_too(tmp_path):
    project = lab_project()
    tpl = tmp_path / "evil.html.j2"
    tpl.write_text("line 1\nline 2\n{{ cycler.__init__.__globals__.os.popen('id').read() }}\n", encoding="utf-8")
    with pytest.raises(errors.TemplateError) as e:
        render_annex(project, check_project(project), fmt="html", template=tpl)
    assert e.value.where.line == 3 and "sandbox" in e.value.message
    assert str(e.value).startswith(f"{tpl}: line 3: ")


def test_a_missing_variable_names_template_line_and_variable(tmp_path):
    project = lab_project()
    tpl = tmp_path / "mine.html"
    tpl.write_text("<h1>{{ project.title }}</h1>\n<p>\n{{ project.titel }}\n</p>\n", encoding="utf-8")
    with pytest.raises(errors.TemplateError) as e:
        render_annex(project, check_project(project), fmt="html", template=tpl)
    assert e.value.where == errors.Location(file=str(tpl), line=3)
    assert "titel" in e.value.message and "undefined" in e.value.message


def test_a_syntax_error_names_the_line(tmp_path):
    tpl = tmp_path / "mine.html"
    tpl.write_text("<p>\n{% for p in partners %}\n{{ p.organisation }}\n", encoding="utf-8")
    project = lab_project()
    with pytest.raises(errors.TemplateError) as e:
        render_annex(project, check_project(project), fmt="html", template=tpl, limits=None)
    assert e.value.where.line is not None and "syntax error" in e.value.message


def test_a_user_html_template_renders_escaped_and_makes_a_pdf(tmp_path):
    project = lab_project()
    tpl = tmp_path / "mine.html.j2"
    tpl.write_text("<html><body><h1>{{ project.acronym }}</h1>{% for p in partners %}<p>{{ p.organisation }} "
                   "{{ p.country_name }}</p>{% endfor %}<p>{{ project.requested_grant|money }}</p></body></html>",
                   encoding="utf-8")
    html = render_annex(project, check_project(project), fmt="html", lang="sl", template=tpl).decode()
    assert "<h1>R&amp;D</h1>" in html and "Poljska" in html and f"250.000,00{NBSP}€" in html
    pdf = render_annex(project, check_project(project), fmt="pdf", lang="sl", template=tpl)
    assert pdf.startswith(b"%PDF-")


def test_a_user_docx_template_renders_sandboxed_with_autoescape(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("{{ project.acronym }}: {{ partners[0].organisation }}")
    d.add_paragraph("{{ ''.__class__.__mro__ }}")
    tpl = tmp_path / "mine.docx"
    d.save(str(tpl))
    project = lab_project()
    with pytest.raises(errors.TemplateError) as e:
        render_annex(project, check_project(project), fmt="docx", template=tpl)
    assert "sandbox" in e.value.message and e.value.where.file == str(tpl)

    d = docx.Document()
    d.add_paragraph("{{ project.acronym }}: {{ partners[0].organisation }}")
    d.save(str(tpl))
    text = docx_text(render_annex(project, check_project(project), fmt="docx", template=tpl))
    assert "R&D: R&D <Lab> \"Quotes\" & Co" in text


def test_a_docx_template_cannot_make_html(tmp_path):
    tpl = tmp_path / "mine.docx"
    tpl.write_bytes((ROOT / "templates" / "annex.docx").read_bytes())
    project = lab_project()
    with pytest.raises(errors.InputError, match="makes docx"):
        render_annex(project, check_project(project), fmt="html", template=tpl)


def test_weasyprint_fetches_no_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER", encoding="utf-8")
    css = tmp_path / "x.css"
    css.write_text("body { background: url('file://" + str(secret) + "') }", encoding="utf-8")
    tpl = tmp_path / "mine.html"
    tpl.write_text(f'<html><head><link rel="stylesheet" href="file://{css}"></head><body>'
                   f'<a rel="attachment" href="file://{secret}">x</a><img src="file://{secret}">'
                   f'<img src="http://127.0.0.1:9/x.png"><p>{{{{ project.acronym }}}}</p></body></html>',
                   encoding="utf-8")
    project = lab_project()
    pdf = render_annex(project, check_project(project), fmt="pdf", template=tpl)
    assert b"TOP-SECRET-MARKER" not in pdf and b"/EmbeddedFile" not in pdf
    if shutil.which("pdfdetach"):
        (tmp_path / "a.pdf").write_bytes(pdf)
        listed = subprocess.run(["pdfdetach", "-list", str(tmp_path / "a.pdf")], capture_output=True, text=True)
        assert listed.stdout.strip().startswith("0 embedded files")


# ───────────────────────────── user templates: limits ─────────────────────────────

@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="rlimits need a POSIX system")
def test_a_memory_hungry_template_is_stopped(tmp_path):
    tpl = tmp_path / "big.html"
    tpl.write_text("{{ ('a' * 2000000000)|length }}", encoding="utf-8")
    project = lab_project()
    with pytest.raises(errors.TemplateError, match="memory"):
        render_annex(project, check_project(project), fmt="html", template=tpl,
                     limits=Limits(seconds=20, memory_mb=400))


def test_a_looping_template_is_stopped(tmp_path):
    tpl = tmp_path / "loop.html"
    tpl.write_text("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                   encoding="utf-8")
    project = lab_project()
    with pytest.raises(errors.TemplateError, match=r"longer than 1\.5 s|limits"):
        render_annex(project, check_project(project), fmt="html", template=tpl, limits=Limits(seconds=1.5))


# ───────────────────────────── writing ─────────────────────────────


def copy_sample(tmp_path: Path, name: str = "ka220-vet-not-eligible") -> Path:
    target = tmp_path / f"{name}.xlsx"
    shutil.copy(ROOT / "samples" / f"{name}.xlsx", target)
    return target


def test_write_annex_defaults_next_to_the_workbook(tmp_path):
    wb = copy_sample(tmp_path)
    before = wb.read_bytes()
    written = write_annex(wb, lang="cs", today=TODAY)
    assert written.path == tmp_path / "ka220-vet-not-eligible-annex.html"
    assert written.fmt == "html" and not written.result.eligible
    assert wb.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ka220-vet-not-eligible-annex.html",
                                                         "ka220-vet-not-eligible.xlsx"]


def test_write_annex_into_a_folder_and_by_suffix(tmp_path):
    wb = copy_sample(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert write_annex(wb, out, fmt="docx").path == out / "ka220-vet-not-eligible-annex.docx"
    assert write_annex(wb, tmp_path / "a.md").fmt == "md"


@pytest.mark.parametrize("how", ["same", "relative", "symlink"])
def test_write_annex_never_writes_over_the_workbook(tmp_path, monkeypatch, how):
    wb = copy_sample(tmp_path)
    before = wb.read_bytes()
    target: Path = wb
    if how == "relative":
        monkeypatch.chdir(tmp_path)
        target = Path(".") / "sub" / ".." / wb.name
        (tmp_path / "sub").mkdir()
    elif how == "symlink":
        target = tmp_path / "link.html"
        target.symlink_to(wb)
    with pytest.raises(errors.InputError, match="over its input workbook"):
        write_annex(wb, target, fmt="html")
    assert wb.read_bytes() == before


def test_a_failed_render_leaves_the_previous_annex_untouched(tmp_path):
    wb = copy_sample(tmp_path)
    previous = tmp_path / "annex.html"
    previous.write_text("previous annex", encoding="utf-8")
    bad = tmp_path / "bad.html.j2"
    bad.write_text("{{ nope }}", encoding="utf-8")
    with pytest.raises(errors.TemplateError):
        write_annex(wb, previous, template=bad)
    assert previous.read_text(encoding="utf-8") == "previous annex"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annex.html", "bad.html.j2", wb.name]


def test_the_core_imports_no_front_end():
    code = ("import sys, ka2forms.services.annex as a; "
            "bad = [m for m in ('click', 'rich', 'xlwings', 'weasyprint', 'docxtpl') if m in sys.modules]; "
            "print(bad)")
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
