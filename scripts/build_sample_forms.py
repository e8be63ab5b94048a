"""Build the sample PDF form ``samples/forms/partner-mandate.pdf`` (and check its map) with reportlab.

A partner mandate / declaration on honour, the kind of form a coordinator has every partner sign. It has every
field kind ka2forms fills: text fields (some named like workbook columns, so they fill without a map), a
multi-line field, a comb field for the 9-digit PIC (``maxlen=9``), a checkbox, a radio group (public/private
body), a dropdown of countries with ``(display, export)`` pairs, and the signature place and date.

One font per form (Helvetica): reportlab writes each field font into the AcroForm ``/DR``, and two fonts gave a
duplicate ``/Font`` key there that pypdf and qpdf read differently. Static page text is ASCII on purpose: the
page text is not a form field, so it is never re-encoded.

It also writes ``tests/fixtures/forms/other-tool.pdf``: a small form built from low-level pypdf objects whose
field tree looks like Acrobat's or LibreOffice's (parents with ``/Kids``, inherited ``/FT``, ``/DA`` only on
``/AcroForm``), so the tests see a form that reportlab did not make.

The output is deterministic (``invariant=1``: fixed dates and IDs), so re-running gives identical bytes:

    pip install reportlab && python scripts/build_sample_forms.py [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "samples" / "forms"
OTHER = ROOT / "tests" / "fixtures" / "forms" / "other-tool.pdf"
FONT = "Helvetica"

# EU member states and the countries associated to Erasmus+ (2021-2027), display text and ISO export value.
COUNTRIES = [
    ("Austria", "AT"), ("Belgium", "BE"), ("Bulgaria", "BG"), ("Croatia", "HR"), ("Cyprus", "CY"),
    ("Czechia", "CZ"), ("Denmark", "DK"), ("Estonia", "EE"), ("Finland", "FI"), ("France", "FR"),
    ("Germany", "DE"), ("Greece", "EL"), ("Hungary", "HU"), ("Iceland", "IS"), ("Ireland", "IE"),
    ("Italy", "IT"), ("Latvia", "LV"), ("Liechtenstein", "LI"), ("Lithuania", "LT"), ("Luxembourg", "LU"),
    ("Malta", "MT"), ("Netherlands", "NL"), ("North Macedonia", "MK"), ("Norway", "NO"), ("Poland", "PL"),
    ("Portugal", "PT"), ("Romania", "RO"), ("Serbia", "RS"), ("Slovakia", "SK"), ("Slovenia", "SI"),
    ("Spain", "ES"), ("Sweden", "SE"), ("Türkiye", "TR"),
]

GREY = Color(0.35, 0.35, 0.35)
FIELD_BG = Color(0.93, 0.95, 1.0)
BORDER = Color(0.45, 0.5, 0.6)


def _label(c: canvas.Canvas, x: float, y: float, text: str, size: float = 8.5) -> None:
    c.setFont(FONT, size)
    c.setFillColor(GREY)
    c.drawString(x, y, text)
    c.setFillColor(black)


def build_mandate(path: Path) -> None:
    """Write the partner mandate form to ``path`` (atomically)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".pdf")
    os.close(fd)
    try:
        c = canvas.Canvas(tmp, pagesize=A4, invariant=1)
        c.setTitle("Partner mandate and declaration on honour (ka2forms sample)")
        c.setAuthor("ka2forms")
        c.setSubject("Erasmus+ KA2 sample form")
        form = c.acroForm
        width, height = A4
        left, right = 56, width - 56
        common = {"fontName": FONT, "fillColor": FIELD_BG, "borderColor": BORDER, "textColor": black,
                  "borderWidth": 0.6, "forceBorder": True}

        c.setFont(FONT, 16)
        c.drawString(left, height - 70, "Partner mandate and declaration on honour")
        c.setFont(FONT, 9.5)
        c.setFillColor(GREY)
        c.drawString(left, height - 88, "Erasmus+ Key Action 2 - one form per partner organisation; "
                                         "sign and return to the coordinator.")
        c.setFillColor(black)

        y = height - 130
        _label(c, left, y + 24, "Project title")
        form.textfield(name="Project title", tooltip="Project title", x=left, y=y, width=right - left - 130,
                       height=20, fontSize=10, maxlen=200, **common)
        _label(c, right - 120, y + 24, "Acronym")
        form.textfield(name="Acronym", tooltip="Project acronym", x=right - 120, y=y, width=120, height=20,
                       fontSize=10, maxlen=200, **common)

        y -= 48
        _label(c, left, y + 24, "Organisation (legal name)")
        form.textfield(name="Organisation", tooltip="Legal name of the partner organisation", x=left, y=y,
                       width=right - left, height=20, fontSize=10, maxlen=200, **common)

        y -= 48
        _label(c, left, y + 24, "PIC (Participant Identification Code, 9 digits)")
        form.textfield(name="PIC", tooltip="PIC, 9 digits", x=left, y=y, width=9 * 18, height=22, fontSize=12,
                       fieldFlags="comb", maxlen=9, **common)
        _label(c, left + 190, y + 24, "Role in the project")
        form.textfield(name="Role", tooltip="Role in the consortium", x=left + 190, y=y, width=130, height=22,
                       fontSize=10, maxlen=200, **common)
        _label(c, left + 340, y + 24, "Country")
        form.choice(name="Country", tooltip="Country of the organisation", value="AT", options=COUNTRIES,
                    x=left + 340, y=y, width=right - left - 340, height=22, fontSize=10, fieldFlags="combo",
                    **common)

        y -= 48
        _label(c, left, y + 24, "City")
        form.textfield(name="City", tooltip="City", x=left, y=y, width=170, height=20, fontSize=10, maxlen=200,
                       **common)
        _label(c, left + 190, y + 24, "Legal representative (name, function)")
        form.textfield(name="legal_representative", tooltip="Legal representative", x=left + 190, y=y,
                       width=right - left - 190, height=20, fontSize=10, maxlen=200, **common)

        y -= 40
        _label(c, left, y + 6, "The organisation is a")
        c.setFont(FONT, 10)
        for i, (export, text) in enumerate((("public", "public body"), ("private", "private body"))):
            x = left + 110 + i * 120
            form.radio(name="legal_status", tooltip="Public or private body", value=export, selected=False,
                       x=x, y=y, size=14, buttonStyle="circle", shape="circle", fillColor=FIELD_BG,
                       borderColor=BORDER, textColor=black, borderWidth=0.6, forceBorder=True,
                       fieldFlags="noToggleToOff radio")
            c.drawString(x + 20, y + 3, text)

        y -= 150
        _label(c, left, y + 126, "Mandate (the text of the declaration, filled from the workbook)")
        form.textfield(name="declaration", tooltip="Mandate text", x=left, y=y, width=right - left, height=120,
                       fontSize=10, fieldFlags="multiline", maxlen=2000, **common)

        y -= 34
        form.checkbox(name="declaration_on_honour", tooltip="Declaration on honour", checked=False, x=left, y=y,
                      size=14, buttonStyle="check", shape="square", fillColor=FIELD_BG, borderColor=BORDER,
                      textColor=black, borderWidth=0.6, forceBorder=True, fieldFlags="")
        c.setFont(FONT, 9.5)
        c.drawString(left + 22, y + 3, "I declare on honour that the information given is true and that the "
                                       "organisation is not in an exclusion")
        c.drawString(left + 22, y - 9, "situation (Financial Regulation, Art. 138), and that I am authorised to "
                                       "sign for it.")

        y -= 60
        _label(c, left, y + 24, "Place")
        form.textfield(name="place", tooltip="Place of signature", x=left, y=y, width=170, height=20, fontSize=10,
                       maxlen=200, **common)
        _label(c, left + 190, y + 24, "Date")
        form.textfield(name="date", tooltip="Date of signature", x=left + 190, y=y, width=110, height=20,
                       fontSize=10, maxlen=200, **common)
        _label(c, left + 320, y + 24, "Signature and stamp")
        c.setStrokeColor(BORDER)
        c.setLineWidth(0.6)
        c.rect(left + 320, y - 40, right - left - 320, 60)

        c.setFont(FONT, 7.5)
        c.setFillColor(GREY)
        c.drawString(left, 40, "ka2forms sample form - generated by scripts/build_sample_forms.py (reportlab). "
                               "Not an official template.")
        c.showPage()
        c.save()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stream(w: Any, content: bytes, bbox: tuple[float, float, float, float], resources: Any = None) -> Any:
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    s = DecodedStreamObject()
    s.set_data(content)
    s[NameObject("/Type")] = NameObject("/XObject")
    s[NameObject("/Subtype")] = NameObject("/Form")
    s[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in bbox)
    if resources is not None:
        s[NameObject("/Resources")] = resources
    return w._add_object(s)


def build_other_tool(path: Path) -> None:
    """A form whose field tree looks like Acrobat's or LibreOffice's, not reportlab's (low-level pypdf objects).

    Hierarchical names (``partner.name``, ``partner.pic``) under a parent that carries ``/FT``; ``/DA`` only
    on ``/AcroForm`` (or on a parent field); widgets as kids without ``/T``; a checkbox whose on-state is
    ``/Ja``; a radio group with two kid widgets; a dropdown of plain strings with diacritics; a multi-line
    field. Used by the tests as "a form made by another tool".
    """
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    def n(x: str) -> NameObject:
        return NameObject(x)

    def rect(*v: float) -> ArrayObject:
        return ArrayObject(FloatObject(x) for x in v)

    w = PdfWriter()
    page = w.add_blank_page(width=595, height=842)
    helv = w._add_object(DictionaryObject({n("/Type"): n("/Font"), n("/Subtype"): n("/Type1"),
                                           n("/BaseFont"): n("/Helvetica"), n("/Encoding"): n("/WinAnsiEncoding")}))
    fonts = DictionaryObject({n("/Helv"): helv})
    page[n("/Resources")] = DictionaryObject({n("/Font"): fonts})
    labels = [(56, 780, "Partner form (made like Acrobat / LibreOffice field trees)"), (56, 742, "Organisation"),
              (56, 702, "PIC"), (56, 662, "Consent"), (56, 622, "Status: public / private"),
              (56, 582, "Country"), (56, 542, "Notes")]
    content = b"BT /Helv 10 Tf " + b" ".join(f"1 0 0 1 {x} {y} Tm ({t}) Tj".encode() for x, y, t in labels) + b" ET"
    cs = DecodedStreamObject()
    cs.set_data(content)
    page[n("/Contents")] = w._add_object(cs)
    mk = DictionaryObject({n("/BG"): ArrayObject([FloatObject(0.93)]), n("/BC"): ArrayObject([FloatObject(0.4)])})
    annots = ArrayObject()

    def widget(r: ArrayObject, **extra: Any) -> Any:
        d = DictionaryObject({n("/Type"): n("/Annot"), n("/Subtype"): n("/Widget"), n("/Rect"): r,
                              n("/F"): NumberObject(4), n("/MK"): mk, n("/P"): page.indirect_reference})
        d.update({n("/" + k): v for k, v in extra.items()})
        ref = w._add_object(d)
        annots.append(ref)
        return ref

    # partner (parent: /FT /Tx) → name (field and widget in one), pic (field with a kid widget, comb, MaxLen 9)
    partner = w._add_object(DictionaryObject({n("/T"): TextStringObject("partner"), n("/FT"): n("/Tx")}))
    name = widget(rect(160, 736, 540, 756), T=TextStringObject("name"), Parent=partner)
    pic_field = w._add_object(DictionaryObject({n("/T"): TextStringObject("pic"), n("/Parent"): partner,
                                                n("/Ff"): NumberObject(1 << 24), n("/MaxLen"): NumberObject(9)}))
    pic_widget = widget(rect(160, 696, 322, 718), Parent=pic_field)
    pic_field.get_object()[n("/Kids")] = ArrayObject([pic_widget])
    partner.get_object()[n("/Kids")] = ArrayObject([name, pic_field])

    box = (0, 0, 14, 14)
    on = _stream(w, b"0 g 3 3 8 8 re f", box)
    off = _stream(w, b"", box)
    consent = widget(rect(160, 658, 174, 672), T=TextStringObject("consent"), FT=n("/Btn"), V=n("/Off"),
                     AS=n("/Off"), AP=DictionaryObject({n("/N"): DictionaryObject({n("/Ja"): on, n("/Off"): off})}))

    status = w._add_object(DictionaryObject({n("/T"): TextStringObject("status"), n("/FT"): n("/Btn"),
                                             n("/Ff"): NumberObject((1 << 15) | (1 << 14)), n("/V"): n("/Off")}))
    dot = _stream(w, b"0 g 7 7 m 7 4.5 l 4.5 7 l 7 9.5 l 9.5 7 l 7 4.5 l f 4 4 6 6 re f", box)
    kids = ArrayObject()
    for i, export in enumerate(("public", "private")):
        kids.append(widget(rect(260 + 90 * i, 618, 274 + 90 * i, 632), Parent=status, AS=n("/Off"),
                           AP=DictionaryObject({n("/N"): DictionaryObject({n("/" + export): dot, n("/Off"): off})})))
    status.get_object()[n("/Kids")] = kids

    country = widget(rect(160, 576, 360, 596), T=TextStringObject("country"), FT=n("/Ch"),
                     Ff=NumberObject(1 << 17), V=TextStringObject(""),
                     Opt=ArrayObject(TextStringObject(t) for t in ("Slovenija", "Česká republika", "Polska",
                                                                   "Magyarország")))

    notes = w._add_object(DictionaryObject({n("/T"): TextStringObject("notes"), n("/FT"): n("/Tx"),
                                            n("/Ff"): NumberObject(1 << 12),
                                            n("/DA"): TextStringObject("/Helv 9 Tf 0 0 0.5 rg")}))
    notes_widget = widget(rect(160, 460, 540, 556), Parent=notes)
    notes.get_object()[n("/Kids")] = ArrayObject([notes_widget])

    page[n("/Annots")] = annots
    w._root_object[n("/AcroForm")] = DictionaryObject({
        n("/Fields"): ArrayObject([partner, consent, status, country, notes]),
        n("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
        n("/DR"): DictionaryObject({n("/Font"): fonts}),
    })
    w.add_metadata({"/Producer": "ka2forms other-tool fixture", "/Title": "Other-tool partner form"})
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".pdf")
    os.close(fd)
    try:
        with open(tmp, "wb") as f:
            w.write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: samples/forms)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "partner-mandate.pdf"
    build_mandate(target)
    print(f"wrote {target} ({target.stat().st_size} bytes)")
    OTHER.parent.mkdir(parents=True, exist_ok=True)
    build_other_tool(OTHER)
    print(f"wrote {OTHER} ({OTHER.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
