"""The Word annex lays out in LibreOffice Writer without breaking a word inside a table column ("Engineerin g",
"Poskytovate l" before the columns had fixed widths in the table grid), in every language, with a footer in
the size of its text."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from tools import require_tool

from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import render_annex
from ka2forms.services.check import check_project

ROOT = Path(__file__).resolve().parents[2]
# The samples with the longest names, types and countries (Nordmazedonien, Ausbildungszentrum, Lichtenštejnsko).
SAMPLES = ("afi-lot2-eligible", "afi-lot1-eligible", "ka220-vet-eligible", "ka220-vet-not-eligible")


def _words(docx: bytes) -> set[str]:
    with zipfile.ZipFile(BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    out = set()
    for para in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para))
        for w in text.split():
            w = w.strip(".,;:()–—·|").replace("&amp;", "&")
            if len(w) > 3 and "://" not in w and not w.startswith("http") and "&" not in w:
                out.add(w)
    return out


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    soffice = require_tool("soffice", "apt-get install libreoffice-writer")
    pdftotext = require_tool("pdftotext", "apt-get install poppler-utils")
    folder = tmp_path_factory.mktemp("word")
    docs = {}
    for sample in SAMPLES:
        project = read_workbook(ROOT / "samples" / f"{sample}.xlsx")
        for lang in ("en", "sl", "cs", "de"):
            data = render_annex(project, check_project(project, lang=lang), fmt="docx", lang=lang,
                                today=dt.date(2026, 3, 1))
            path = folder / f"{sample}-{lang}.docx"
            path.write_bytes(data)
            docs[path.stem] = data
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to", "pdf",
                    "--outdir", str(folder), *[str(folder / f"{k}.docx") for k in docs]], check=True,
                   capture_output=True, timeout=240)
    texts = {k: subprocess.run([pdftotext, "-raw", str(folder / f"{k}.pdf"), "-"], check=True, capture_output=True,
                               text=True).stdout for k in docs}
    return docs, texts, folder


def test_no_word_is_broken_inside_a_table_column(converted):
    docs, texts, _ = converted
    broken = {}
    for name, data in docs.items():
        text = texts[name]
        words = set(w.strip(".,;:()–—·|") for w in text.split())
        missing = sorted(w for w in _words(data) if w not in words and w not in text
                         and not ("-" in w and all(part in text for part in w.split("-"))))  # hyphens may break
        if missing:
            broken[name] = missing[:6]
    assert not broken, f"words broken across lines in LibreOffice: {broken}"


def test_the_footer_numbers_have_the_size_of_the_footer_text(converted):
    _, _, folder = converted
    pdffonts = require_tool("pdftotext", "apt-get install poppler-utils")
    assert pdffonts
    out = subprocess.run(["pdftotext", "-bbox", str(folder / "afi-lot2-eligible-sl.pdf"), "-"], check=True,
                         capture_output=True, text=True).stdout
    # The footer line: "… · Stran 1 od 2": every word on it has the same height.
    rows = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', out)
    stran = [i for i, (_, _, w) in enumerate(rows) if w == "Stran"]
    assert stran, "no footer found"
    line = rows[stran[0] - 2: stran[0] + 4]
    heights = {round(float(b) - float(a), 1) for a, b, _ in line}
    assert len(heights) == 1 and heights.pop() < 12, line
