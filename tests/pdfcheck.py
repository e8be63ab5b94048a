"""Checking filled PDFs the way a person would: values read back, text drawn, pixels where the field is.

Used by the forms tests. Needs poppler-utils (pdftotext, pdftoppm) and pypdfium2; a test that needs a
missing tool is skipped with the reason.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from tools import require_tool

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FORM = ROOT / "samples" / "forms" / "partner-mandate.pdf"
SAMPLE_MAP = ROOT / "samples" / "forms" / "partner-mandate.map.yaml"
OTHER_FORM = ROOT / "tests" / "fixtures" / "forms" / "other-tool.pdf"

CE_1 = "Univerza v Ljubljani – Fakulteta za računalništvo, Žiga Černe, Řepová 12, Brno"
CE_2 = "Łukasz Gößwein-Ősz, ů ě ř"
ROMANIAN = "Șoseaua Ștefan cel Mare 12, București – Țară"
CYRILLIC = "Скопје, Бул. Партизански одреди"


def need(tool: str) -> None:
    require_tool(tool, "apt-get install poppler-utils")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def pdftotext(data: bytes) -> str:
    need("pdftotext")
    r = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return norm(r.stdout.decode("utf-8"))


def render_poppler(data: bytes, dpi: int = 100) -> tuple[Any, str]:
    """First page as a PIL image, and poppler's stderr (where missing fonts are reported)."""
    need("pdftoppm")
    from PIL import Image

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in.pdf"
        src.write_bytes(data)
        r = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(src), f"{d}/p"],
                           capture_output=True, check=True)
        png = next(Path(d).glob("p*.png"))
        img = Image.open(png)
        img.load()
        return img.convert("L"), r.stderr.decode("utf-8", "replace")


def render_pdfium(data: bytes, dpi: int = 100) -> Any:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(data)
    try:
        pdf.init_forms()  # as Chrome does: without a form environment pdfium draws no widgets at all
        page = pdf[0]
        bitmap = page.render(scale=dpi / 72, may_draw_forms=True)
        return bitmap.to_pil().convert("L")
    finally:
        pdf.close()


def dark_pixels(img: Any, rect: tuple[float, float, float, float], page_height: float = 841.89,
                dpi: int = 100, inset: float = 2.5, threshold: int = 90) -> int:
    """Pixels darker than ``threshold`` inside a field rectangle (PDF points, origin bottom left)."""
    s = dpi / 72
    x0, y0, x1, y1 = rect
    box = (int((x0 + inset) * s), int((page_height - y1 + inset) * s), int((x1 - inset) * s),
           int((page_height - y0 - inset) * s))
    crop = img.crop(box)
    return sum(crop.histogram()[:threshold])


def values(data: bytes) -> dict[str, Any]:
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(data)).get_fields() or {}
    return {k: v.get("/V") for k, v in fields.items()}


def widget_states(data: bytes) -> dict[str, list[str]]:
    """Field name → the /AS of each of its widgets."""
    from pypdf import PdfReader

    out: dict[str, list[str]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for a in page.get("/Annots") or []:
            a = a.get_object()
            if "/AS" in a:
                name = a.get("/T") or a["/Parent"].get_object().get("/T")
                out.setdefault(str(name), []).append(str(a["/AS"]))
    return out


ACTIVE_KEYS = ("/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/Launch", "/XFA", "/SubmitForm",
               "/ImportData", "/EmbeddedFile")


def active_content(data: bytes) -> int:
    """Every dictionary key or action type that could run or carry something, over all objects (pikepdf)."""
    import pikepdf

    hits = 0
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                d = obj if isinstance(obj, pikepdf.Dictionary) else obj.stream_dict
                hits += _count(d, set())
    return hits


def _count(d: Any, seen: set[int]) -> int:
    import pikepdf

    hits = 0
    for key in list(d.keys()):
        if key in ACTIVE_KEYS:
            hits += 1
        value = d[key]
        if key == "/S" and str(value) in ACTIVE_KEYS:
            hits += 1
        if isinstance(value, pikepdf.Dictionary) and not value.is_indirect and id(value) not in seen:
            seen.add(id(value))
            hits += _count(value, seen)
    return hits


def make_workbook(path: Path, partners: list[tuple[str, str, str, str, str, str | None]], *,
                  title: str = "Green Skills for Mechatronics", acronym: str = "GREENMECH") -> Path:
    """A partner workbook: ``partners`` rows are (role, organisation, country, city, type, pic)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Project"
    for row in (("Action", "KA220-VET"), ("Call year", 2025), ("Title", title), ("Acronym", acronym),
                ("Duration (months)", 24), ("Requested grant (EUR)", 250000)):
        ws.append(row)
    ps = wb.create_sheet("Partners")
    ps.append(("Role", "Organisation", "Country", "City", "Type", "PIC"))
    for row in partners:
        ps.append(row)
    wb.save(path)
    return path


PARTNERS = [
    ("Coordinator", "Univerza v Mariboru – Fakulteta za strojništvo", "SI", "Maribor", "HEI", "949123456"),
    ("Partner", "Vysoké učení technické v Brně", "CZ", "Brno", "HEI", "949234567"),
    ("Partner", "Politechnika Łódzka", "PL", "Łódź", "HEI", None),
    ("Associated partner", "Handwerkskammer für München und Oberbayern", "DE", "München", "CHAMBER", None),
]
