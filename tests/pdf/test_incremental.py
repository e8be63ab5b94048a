"""Filled forms as incremental updates: the same document as a full pypdf clone, valid for every reader."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from pdfcheck import CE_1, CE_2, CYRILLIC, OTHER_FORM, ROMANIAN, SAMPLE_FORM, pdftotext, render_poppler, values

from ka2forms.pdf import fill as pdf_fill
from ka2forms.services.forms import FormTemplate

SAMPLE_VALUES = {
    "Organisation": CE_1, "legal_representative": CE_2, "PIC": "949123456", "City": "Brno", "Country": "CZ",
    "legal_status": "public", "declaration_on_honour": True, "place": "Řevnice (Sø) – è", "date": "1. 3. 2026",
    "declaration": (CE_1 + ". " + CE_2 + "\n") * 3,
}


def _both(template: FormTemplate, vals: dict) -> tuple[bytes, bytes]:  # type: ignore[type-arg]
    incremental = template.fill(vals).data
    prepared, template._inc = template._inc, None
    try:
        cloned = template.fill(vals).data
    finally:
        template._inc = prepared
    return incremental, cloned


@pytest.mark.parametrize(("form", "vals"), [
    (SAMPLE_FORM, SAMPLE_VALUES),
    (OTHER_FORM, {"partner.name": CE_1, "partner.pic": "999888777", "consent": True, "status": "private",
                  "country": "ceska republika", "notes": CE_2}),
])
def test_incremental_fill_equals_a_full_clone(form, vals) -> None:  # type: ignore[no-untyped-def]
    template = FormTemplate.open(form)
    assert template._inc is not None
    incremental, cloned = _both(template, vals)
    assert incremental.startswith(template.clean)          # the form's bytes untouched, the update appended
    assert values(incremental) == values(cloned)
    assert pdftotext(incremental) == pdftotext(cloned)
    a, err_a = render_poppler(incremental)
    b, _ = render_poppler(cloned)
    from PIL import ImageChops

    assert ImageChops.difference(a, b).getbbox() is None   # pixel-identical in poppler
    assert "error" not in err_a.lower()


def test_incremental_fill_is_valid_for_qpdf_and_pikepdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pikepdf

    template = FormTemplate.open(SAMPLE_FORM)
    data = template.fill(SAMPLE_VALUES).data
    with pikepdf.open(io.BytesIO(data)) as pdf:                # qpdf's parser, no repair needed
        assert pdf.Root.AcroForm.NeedAppearances is False
        assert str(pdf.Root.AcroForm.Fields[2].V) == CE_1
    if shutil.which("qpdf"):
        (tmp_path / "filled.pdf").write_bytes(data)
        r = subprocess.run(["qpdf", "--check", str(tmp_path / "filled.pdf")], capture_output=True, check=False)
        assert r.returncode == 0, r.stdout + r.stderr


def test_fonts_and_fallback_in_updates() -> None:
    if pdf_fill.fallback_font_path() is None:
        pytest.skip("no DejaVu Sans")
    other = FormTemplate.open(OTHER_FORM)
    for _ in range(3):                                       # cached fonts are copied into each fill, not shared
        result = other.fill({"notes": ROMANIAN + "\n" + CYRILLIC, "partner.name": "Vysoké učení technické"})
        # Cyrillic/Romanian cannot be encoded at all; "č" could be (cp1250) but not drawn by pdfium without an
        # embedded font, so both fields use the embedded fallback.
        assert result.fallback_fields == ("notes", "partner.name")
        text = pdftotext(result.data)
        assert "Vysoké učení technické" in text and "Скопје" in text


def test_many_fills_never_change_the_template() -> None:
    template = FormTemplate.open(SAMPLE_FORM)
    clean = bytes(template.clean)
    first = template.fill({"Organisation": "First", "declaration_on_honour": True}).data
    for i in range(5):
        template.fill({"Organisation": f"Org {i}", "City": "Plzeň", "legal_status": "private"})
    again = template.fill({"Organisation": "First", "declaration_on_honour": True}).data
    assert first == again and template.clean == clean
    assert values(template.fill({}).data).get("Organisation") in ("", None)


def test_strings_written_by_the_fast_path_are_the_ones_pypdf_writes() -> None:
    # ASCII and Latin-1 text skip pypdf's encoder; text outside PDFDocEncoding is written as UTF-16 in hex
    import random

    from pypdf.generic import TextStringObject, create_string_object

    from ka2forms.pdf.incremental import text_string
    from ka2forms.pdf.update import _TEXTS, text_bytes, value_bytes

    rng = random.Random(7)
    letters = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x100)] + list("čřžŠ€–\u00ad")
    for _ in range(3000):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 30)))
        _TEXTS.clear()
        written = text_bytes(text)
        if written.startswith(b"<"):
            assert TextStringObject(create_string_object(bytes.fromhex(written[1:-1].decode()))) == text
            assert bytes.fromhex(written[1:-1].decode()) == text_string(text).get_encoded_bytes()   # pypdf's
        else:
            assert written == value_bytes(text_string(text)), text


def test_a_remembered_value_gives_the_bytes_a_fresh_form_gives_whatever_was_filled_before() -> None:
    """The fast path keeps each (field, value) it has filled; filled again after other values and fonts (a
    fallback subset with Cyrillic, one without), a value must give what a freshly opened form gives."""
    if pdf_fill.fallback_font_path() is None:
        pytest.skip("no DejaVu Sans")
    fills = [
        {"Organisation": "Vysoké učení technické", "City": "Brno", "declaration_on_honour": True},
        {"Organisation": "Vysoké učení technické", "City": CYRILLIC, "declaration_on_honour": False,
         "legal_status": "public"},
        {"Organisation": "Plain name", "City": ROMANIAN, "legal_status": "private"},
        {"Organisation": "Vysoké učení technické", "City": "Brno", "declaration_on_honour": True},
        {"Organisation": "Plain name", "City": CE_2, "place": "Řevnice (Sø) – è"},
    ]
    used = FormTemplate.open(SAMPLE_FORM)
    for vals in fills:
        assert used.fill(vals).data == FormTemplate.open(SAMPLE_FORM).fill(vals).data, vals
    assert used._inc is not None and len(used._inc.fast.planned) >= 8        # the fast path filled them
