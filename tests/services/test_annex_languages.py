"""Slovenian and Czech annexes carry no English: every sample, rendered as HTML, Word (its XML), Markdown and PDF
(pdftotext), is searched for every English sentence of the catalog template."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from functools import cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from tools import require_tool

from ka2forms import i18n
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import render_annex
from ka2forms.services.check import check_project

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
TODAY = dt.date(2026, 3, 1)


@cache
def english_sentences(lang: str) -> tuple[str, ...]:
    """Every run of two or more English words in a catalog message whose translation differs (placeholders cut
    the message into runs): "At least", "full partners", "associated partners do not count", …"""
    with (ROOT / "ka2forms" / "locale" / "ka2forms.pot").open("rb") as f:
        pot = read_po(f)
    out = set()
    for m in pot:
        if not m.id:
            continue
        with i18n.use(lang):
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            for msgid in ids:
                for part in re.split(r"\{[^}]*\}", msgid):
                    words = re.findall(r"[A-Za-z][A-Za-z'&-]+", part)
                    if len(words) >= 2:
                        out.add(" ".join(words))
    # Keep runs that are not also in the translation of the same language (a proper name such as "Erasmus+").
    translated = _words(" ".join(str(v) for v in i18n.translation(lang)._catalog.values()))
    return tuple(sorted(s for s in out if f" {s} " not in translated))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self._skip:
            self.parts.append(data)


def _words(text: str) -> str:
    """Only the words, one space apart: "At least 3 full partners" → "At least full partners" never matches a
    run across a number, so runs are searched in text whose numbers and punctuation are blanks too."""
    return " " + " ".join(re.findall(r"[A-Za-z][A-Za-z'&-]+", text)) + " "


def _no_english(text: str, lang: str, where: str) -> None:
    haystack = _words(re.sub(r"https?://\S+", " ", text))   # URLs are addresses, not sentences
    found = [s for s in english_sentences(lang) if f" {s} " in haystack]
    assert not found, f"{where}: English in a {lang} annex: {found[:8]}"


def _html_text(data: bytes) -> str:
    p = _Text()
    p.feed(data.decode("utf-8"))
    return " ".join(p.parts)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as z:
        xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("word/") and n.endswith(".xml"))
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


@cache
def read_in(lang: str, sample: str):  # type: ignore[no-untyped-def]
    """The reader's warnings are written in the language of the read (as ``ka2forms --lang`` reads)."""
    with i18n.use(lang):
        return read_workbook(ROOT / "samples" / f"{sample}.xlsx")


@pytest.fixture(scope="module")
def projects():
    return {p.stem: read_workbook(p) for p in SAMPLES}


@pytest.mark.parametrize("lang", ["sl", "cs", "de"])
@pytest.mark.parametrize("sample", [p.stem for p in SAMPLES])
def test_html_word_and_markdown_annexes_have_no_english(sample, lang):
    project = read_in(lang, sample)
    result = check_project(project, lang=lang)
    html = render_annex(project, result, fmt="html", lang=lang, today=TODAY)
    _no_english(_html_text(html), lang, f"{sample}.html")
    _no_english(_docx_text(render_annex(project, result, fmt="docx", lang=lang, today=TODAY)), lang,
                f"{sample}.docx")
    _no_english(render_annex(project, result, fmt="md", lang=lang, today=TODAY).decode(), lang, f"{sample}.md")


@pytest.mark.parametrize("lang", ["sl", "cs"])
def test_pdf_annexes_have_no_english(tmp_path, lang):
    pdftotext = require_tool("pdftotext", "apt-get install poppler-utils")
    for sample in (p.stem for p in SAMPLES):
        project = read_in(lang, sample)
        data = render_annex(project, check_project(project, lang=lang), fmt="pdf", lang=lang, today=TODAY)
        pdf = tmp_path / f"{sample}.pdf"
        pdf.write_bytes(data)
        text = subprocess.run([pdftotext, "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        _no_english(text.replace("-\n", ""), lang, f"{sample}.pdf")


def test_the_search_would_see_english(projects):
    """The test above can fail: an English annex is full of the catalog's sentences."""
    project = projects["ka220-vet-not-eligible"]
    html = render_annex(project, check_project(project), fmt="html", lang="en", today=TODAY)
    with pytest.raises(AssertionError, match="English in a sl annex"):
        _no_english(_html_text(html), "sl", "en-as-sl")
