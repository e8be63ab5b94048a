"""Small fillable forms built with pypdf, one field per AcroForm feature (as ``scripts/build_sample_forms.py``
builds the sample), and pdfium's reading of where a filled value's glyphs ended up."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

PAGE = (595.0, 842.0)


@dataclass(frozen=True)
class Spec:
    """One text field: its rectangle and the features under test."""

    name: str
    rect: tuple[float, float, float, float]
    rotation: int = 0                       # /MK /R
    flags: int = 0                          # /Ff
    maxlen: int | None = None
    quadding: int = 0
    size: float = 0                         # the /DA font size (0: auto)
    border: tuple[float, ...] | None = (0.2, 0.3, 0.6)
    background: tuple[float, ...] | None = (0.93, 0.95, 1.0)
    border_style: str = "/S"
    appearance: bool = True                 # an appearance stream of its own, as real forms have…
    drawn: bytes = b""                      # …drawing this (empty: as LibreOffice writes them)
    value: str | None = None                # a value the form already holds
    extra: dict[str, Any] = field(default_factory=dict)


MULTILINE, COMB = 1 << 12, 1 << 24


def build(specs: list[Spec], *, page_rotation: int = 0) -> bytes:
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

    n = NameObject
    w = PdfWriter()
    page = w.add_blank_page(*PAGE)
    if page_rotation:
        page[n("/Rotate")] = NumberObject(page_rotation)
    helv = w._add_object(DictionaryObject({n("/Type"): n("/Font"), n("/Subtype"): n("/Type1"),
                                           n("/BaseFont"): n("/Helvetica"), n("/Encoding"): n("/WinAnsiEncoding")}))
    fields = ArrayObject()
    annots = ArrayObject()
    for s in specs:
        x0, y0, x1, y1 = s.rect
        mk = DictionaryObject()
        if s.rotation:
            mk[n("/R")] = NumberObject(s.rotation)
        if s.border is not None:
            mk[n("/BC")] = ArrayObject(FloatObject(c) for c in s.border)
        if s.background is not None:
            mk[n("/BG")] = ArrayObject(FloatObject(c) for c in s.background)
        d = DictionaryObject({
            n("/Type"): n("/Annot"), n("/Subtype"): n("/Widget"), n("/FT"): n("/Tx"),
            n("/T"): TextStringObject(s.name), n("/Rect"): ArrayObject(FloatObject(v) for v in s.rect),
            n("/F"): NumberObject(4), n("/DA"): TextStringObject(f"/Helv {s.size:g} Tf 0 g"),
            n("/MK"): mk, n("/Ff"): NumberObject(s.flags), n("/Q"): NumberObject(s.quadding),
            n("/BS"): DictionaryObject({n("/W"): NumberObject(1), n("/S"): n(s.border_style)}),
        })
        if s.maxlen is not None:
            d[n("/MaxLen")] = NumberObject(s.maxlen)
        if s.value is not None:
            d[n("/V")] = TextStringObject(s.value)
        for k, v in s.extra.items():
            d[n(k)] = v
        if s.appearance:
            ap = DecodedStreamObject()
            ap.set_data(s.drawn)
            wide, high = (y1 - y0, x1 - x0) if s.rotation in (90, 270) else (x1 - x0, y1 - y0)
            ap.update({n("/Type"): n("/XObject"), n("/Subtype"): n("/Form"),
                       n("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, wide, high)),
                       n("/Resources"): DictionaryObject({n("/Font"): DictionaryObject({n("/Helv"): helv})})})
            d[n("/AP")] = DictionaryObject({n("/N"): w._add_object(ap)})
        ref = w._add_object(d)
        d[n("/P")] = page.indirect_reference
        fields.append(ref)
        annots.append(ref)
    page[n("/Annots")] = annots
    w._root_object[n("/AcroForm")] = DictionaryObject({
        n("/Fields"): fields, n("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
        n("/DR"): DictionaryObject({n("/Font"): DictionaryObject({n("/Helv"): helv})})})
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@dataclass(frozen=True)
class Glyphs:
    text: str
    boxes: list[tuple[float, float, float, float]]      # (left, bottom, right, top) in page space


def glyphs_in(data: bytes, rect: tuple[float, float, float, float]) -> Glyphs:
    """The characters pdfium finds in ``rect`` of a *flattened* PDF, with their boxes (pypdfium2)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        text = pdf[0].get_textpage()
        x0, y0, x1, y1 = rect
        chars, boxes = [], []
        for i in range(text.count_chars()):
            box = text.get_charbox(i)
            ch = text.get_text_range(i, 1)
            if ch.strip() == "":
                continue
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            if x0 - 20 <= cx <= x1 + 20 and y0 - 20 <= cy <= y1 + 20:   # near the field: inside or spilt out
                chars.append(ch)
                boxes.append(box)
        return Glyphs("".join(chars), boxes)
    finally:
        pdf.close()
