"""Build the default Word annex template ``templates/annex.docx`` (a docxtpl template) with python-docx.

The template is generated, not hand-edited, so it is reproducible and reviewable: change this script, run it,
commit both. The output is deterministic (fixed document properties and zip timestamps):

    pip install python-docx && python scripts/build_docx_template.py [--out PATH]

Jinja tags follow docxtpl's rules (docs/templates.md): every tag sits in one run; table loops use three rows
(``{%tr for p in partners %}``, the content row, ``{%tr endfor %}``); paragraph blocks use ``{%p … %}``.
The variables are those of ``ka2forms.services.annex.annex_context``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "templates" / "annex.docx"
FIXED_TIME = dt.datetime(2025, 3, 3, 9, 0, 0)
_ZIP_TIME = (2025, 3, 3, 9, 0, 0)

BLUE = RGBColor(0x00, 0x33, 0x99)
MUTED = RGBColor(0x5B, 0x6B, 0x7A)
GREEN = RGBColor(0x1B, 0x6E, 0x3A)
RED = RGBColor(0xA4, 0x16, 0x1A)
BAND = "EEF2F6"
TEXT_WIDTH_MM = 178   # A4 (210 mm) less 16 mm margins on both sides


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _cell_text(cell, text: str, *, bold: bool = False, size: float = 8.5, color: RGBColor | None = None) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


def _field(paragraph, instruction: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay out the page."""
    run = paragraph.add_run()
    run.font.size, run.font.color.rgb = Pt(size), MUTED
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._r.append(el)


def _fixed_widths(table, widths_mm: list[float]) -> None:
    """Column widths every word processor keeps: a fixed layout, the grid's columns and each cell's width.

    Why: python-docx sets only the cells' widths; LibreOffice Writer lays a table out from its grid
    (``w:tblGrid``), which python-docx writes with equal columns, so a long word in a narrow column broke
    mid-word ("Engineerin g"). Fixed layout also stops Word from re-fitting columns to their content."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(round(Mm(w).twips) for w in widths_mm)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(round(Mm(1.2).twips)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(round(Mm(w).twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _loop_table(doc, headers: list[tuple[str, float]], loop: str, cells: list[str], *, bold_col: int | None = None):
    """A table with a header row and docxtpl's three-row loop: ``{%tr for %}``, content row, ``{%tr endfor %}``."""
    assert abs(sum(w for _, w in headers) - TEXT_WIDTH_MM) < 0.01, "columns must fill the text width exactly"
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    _repeat_header(head)
    for i, (label, _width) in enumerate(headers):
        cell = head.cells[i]
        _shade(cell, BAND)
        _cell_text(cell, label, bold=True, size=7.5, color=MUTED)
    start, body, end = table.rows[1], table.rows[2], table.rows[3]
    _cell_text(start.cells[0], f"{{%tr {loop} %}}", size=6)
    _cell_text(end.cells[0], "{%tr endfor %}", size=6)
    _cant_split(body)
    for i, text in enumerate(cells):
        _cell_text(body.cells[i], text, bold=(i == bold_col), size=8)
    _fixed_widths(table, [w for _, w in headers])
    return table


def build() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(16)
    section.top_margin = section.bottom_margin = Mm(20)

    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for name, size in (("Title", 18), ("Heading 1", 13)):
        style = doc.styles[name]
        style.font.color.rgb = BLUE if name == "Heading 1" else RGBColor(0x1D, 0x27, 0x33)
        style.font.size = Pt(size)
        style.font.name = "Calibri"

    props = doc.core_properties
    props.author = "ka2forms"
    props.title = "{{ labels.document_title }} {{ project.acronym }}"
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.last_modified_by = "ka2forms"
    props.created = props.modified = FIXED_TIME
    props.revision = 1

    # Running header and footer (docxtpl renders these too), 8 pt. The styles carry the size as well as the
    # runs: LibreOffice draws a PAGE/NUMPAGES field's number in the paragraph style's size, which was 10 pt
    # next to 7.5 pt text.
    for name in ("Header", "Footer"):
        doc.styles[name].font.size = Pt(8)
        doc.styles[name].font.name = "Calibri"
    header = section.header.paragraphs[0]
    run = header.add_run("{{ labels.programme }} · {{ project.acronym }} · {{ project.action }} · "
                         "{{ project.call_year }}")
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    footer = section.footer.paragraphs[0]
    run = footer.add_run("{{ generated.text }} · {{ labels.page }} ")
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    _field(footer, "PAGE", 8)
    run = footer.add_run(" {{ labels.page_of }} ")
    run.font.size, run.font.color.rgb = Pt(8), MUTED
    _field(footer, "NUMPAGES", 8)

    kicker = doc.add_paragraph()
    run = kicker.add_run("{{ labels.programme }} · {{ labels.document_title }}")
    run.font.size, run.font.color.rgb, run.bold = Pt(8), BLUE, True
    doc.add_paragraph("{{ project.acronym }}{% if project.acronym and project.title %} – {% endif %}"
                      "{{ project.title }}", style="Title")
    sub = doc.add_paragraph()
    run = sub.add_run("{{ project.action }} · {{ project.action_name }} · {{ labels.call_year }} "
                      "{{ project.call_year }}")
    run.font.color.rgb = MUTED

    # Verdict: one of two coloured paragraphs, then the failing criteria.
    doc.add_paragraph("{%p if check.eligible %}")
    p = doc.add_paragraph()
    run = p.add_run("{{ labels.eligibility }}: ✓ {{ check.verdict_short }}")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), GREEN
    doc.add_paragraph("{%p else %}")
    p = doc.add_paragraph()
    run = p.add_run("{{ labels.eligibility }}: ✗ {{ check.verdict_short }}")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), RED
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ check.verdict }}")
    doc.add_paragraph("{%p for c in check.criteria if not c.ok %}")
    doc.add_paragraph("{{ c.description }} — {{ labels.required|lower }} {{ c.required }}, "
                      "{{ labels.actual|lower }} {{ c.actual }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    p = doc.add_paragraph()
    run = p.add_run("{{ check.counted }}")
    run.font.size, run.font.color.rgb = Pt(8), MUTED

    doc.add_heading("{{ labels.project }}", level=1)
    facts = [("{{ labels.title }}", "{{ project.title or labels.not_stated }}"),
             ("{{ labels.acronym }}", "{{ project.acronym or labels.not_stated }}"),
             ("{{ labels.action }}", "{{ project.action }} – {{ project.action_name }}"),
             ("{{ labels.call_year }}", "{{ project.call_year }}"),
             ("{{ labels.duration }}", "{{ project.duration_months|months }}"),
             ("{{ labels.requested_grant }}", "{{ project.requested_grant|money }}")]
    table = doc.add_table(rows=len(facts), cols=2)
    for row, (label, value) in zip(table.rows, facts, strict=True):
        _cell_text(row.cells[0], label, size=9.5, color=MUTED)
        _cell_text(row.cells[1], value, size=9.5, bold=True)
    _fixed_widths(table, [45, 133])

    doc.add_heading("{{ labels.consortium }}", level=1)
    # Widths fit the longest words of every language (Teilnehmende, Koordinátor, Visokošolski, Hochschul-
    # einrichtung) in DejaVu Sans, the wide font LibreOffice substitutes where Calibri is missing; the
    # 9-digit PIC and OID fit on one line.
    _loop_table(doc, [("{{ labels.number }}", 6), ("{{ labels.organisation }}", 37), ("{{ labels.role }}", 24),
                      ("{{ labels.country }}", 27), ("{{ labels.city }}", 18), ("{{ labels.type }}", 28),
                      ("{{ labels.pic }}", 19), ("{{ labels.oid }}", 19)],
                "for p in partners",
                ["{{ p.number }}", "{{ p.organisation }}",
                 "{{ p.role_label }}{% if not p.counted %} ({{ labels.not_counted }}){% endif %}",
                 "{{ p.country_name }} ({{ p.country }})", "{{ p.city or labels.not_stated }}", "{{ p.type_label }}",
                 "{{ p.pic or labels.not_stated }}", "{{ p.oid or labels.not_stated }}"], bold_col=1)

    doc.add_heading("{{ labels.eligibility_criteria }}", level=1)
    _loop_table(doc, [("{{ labels.met }}", 18), ("{{ labels.criterion }}", 66), ("{{ labels.required }}", 28),
                      ("{{ labels.actual }}", 26), ("{{ labels.source }} ({{ labels.confidence|lower }})", 40)],
                "for c in check.criteria",
                ["{{ labels.yes if c.ok else labels.no }}",
                 "{{ c.description }}{% if c.hint %} — {{ labels.what_to_do }}: {{ c.hint }}{% endif %}",
                 "{{ c.required }}", "{{ c.actual }}", "{{ c.source }} ({{ c.confidence_label }})"])

    doc.add_heading("{{ labels.warnings }}", level=1)
    doc.add_paragraph("{%p for w in check.warnings %}")
    doc.add_paragraph("{{ w }}", style="List Bullet")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ labels.no_warnings }}")
    doc.add_paragraph("{%p endfor %}")

    # Travel (empty until the travel service fills it).
    doc.add_paragraph("{%p if travel %}")
    doc.add_heading("{{ labels.travel }}", level=1)
    _loop_table(doc, [("{{ labels.organisation }}", 36), ("{{ labels.travel_from }}", 22),
                      ("{{ labels.travel_to }}", 22), ("{{ labels.distance }}", 22), ("{{ labels.distance_band }}", 26),
                      ("{{ labels.participants }}", 24), ("{{ labels.amount }}", 26)],
                "for t in travel",
                ["{{ t.organisation }}", "{{ t.origin }}", "{{ t.destination }}", "{{ t.distance_km|number(0) }} km",
                 "{{ t.band }}", "{{ t.participants }}", "{{ t.amount|money }}"])
    p = doc.add_paragraph()
    run = p.add_run("{{ labels.total }}: {{ travel|sum(attribute='amount')|money }}")
    run.bold = True
    doc.add_paragraph("{%p endif %}")

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = p.add_run("{{ labels.disclaimer }}")
    run.font.size, run.font.color.rgb = Pt(8), MUTED

    raw = io.BytesIO()
    doc.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Re-pack with fixed timestamps and a fixed order, so the same script gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename)):
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>2025-03-03T09:00:00Z\g<2>", body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.write_bytes(build())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
