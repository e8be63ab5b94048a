"""A real form exported by LibreOffice Writer (issue 6: "test with forms made by other tools too").

``tests/fixtures/forms/libreoffice-declaration.pdf`` was made by ``scripts/build_libreoffice_form.py``
(LibreOffice 7.4 Writer form controls, ``writer_pdf_Export`` with ``ExportFormFields``). CI has no LibreOffice:
these tests only read the committed PDF. What LibreOffice writes differs from our reportlab sample: text fields
use a non-embedded ``/He`` (Helvetica) with an *empty* appearance stream, list and combo boxes an unembedded
``DejaVuSans`` (``/F3``) and a white-box appearance, the checkbox an embedded OpenSymbol subset (✓), the radio
group a parent field with two kids whose on-states are the buttons' reference values, choice ``/Opt`` arrays of
plain strings, ``/DR`` on every widget, ``/NeedAppearances true`` and an ``/OpenAction`` destination.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from pdfcheck import (
    CE_1,
    CE_2,
    ROOT,
    dark_pixels,
    norm,
    pdftotext,
    render_pdfium,
    render_poppler,
    values,
    widget_states,
)

from ka2forms.errors import FormValueError
from ka2forms.pdf.inspect import inspect_form
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.forms import FormMap, FormTemplate, fill_project, plan_values

LO_FORM = ROOT / "tests" / "fixtures" / "forms" / "libreoffice-declaration.pdf"
WORKBOOK = ROOT / "samples" / "ka220-vet-eligible.xlsx"
PAGE_HEIGHT = 841.889764          # LibreOffice's A4 MediaBox

COUNTRIES = ["Austria", "Croatia", "Czechia", "Germany", "Hungary", "North Macedonia", "Poland", "Slovakia",
             "Slovenia", "Türkiye"]
TYPES = ["Higher education institution", "VET provider", "Small or medium-sized enterprise", "Public body",
         "Non-governmental organisation"]
ROLES = ["Coordinator", "Partner", "Associated partner"]

EXPECTED_FIELDS = [  # (name, kind, flags, maxlen) in the document's order
    ("Organisation", "text", [], None),
    ("PIC", "text", [], 9),
    ("Country", "combo", [], None),
    ("City", "text", [], None),
    ("Type", "list", [], None),
    ("Role", "combo", ["editable"], None),
    ("Legal representative", "text", [], None),
    ("Address", "text", ["multiline"], None),
    ("Public body", "radio", [], None),
    ("I agree", "checkbox", [], None),
]

REPRESENTATIVE = "Łukasz Gößwein-Ősz, ů ě ř"          # ł ß ő ů ě ř, with CE_1's č š ž Č Ž Ř
VALUES = {
    "Organisation": "Žiga Černe – Řepová, Brno",
    "PIC": "949123456",
    "Country": "Czechia",
    "City": "Řevnice",
    "Type": "VET provider",
    "Role": "Partner",
    "Legal representative": REPRESENTATIVE,
    "Address": f"{CE_1}.\n{CE_2}.",
    "Public body": "yes",
    "I agree": True,
}
TEXT_FIELDS = ["Organisation", "PIC", "City", "Legal representative", "Address", "Country", "Role"]

MAP = """\
per_partner: true
fields:
  Legal representative: "{{ 'Łukasz Gößwein-Ősz' if partner.country == 'DE' else 'Žofie Řeháková, ředitelka' }}"
  Address: "{{ partner.organisation }}\\n{{ partner.city }}, {{ partner.country_name }} – ů ě č ł"
  Public body: "{{ 'yes' if partner.type == 'VET' else 'no' }}"
  I agree: true
"""


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def lo() -> FormTemplate:
    return FormTemplate.open(LO_FORM)


@pytest.fixture(scope="module")
def filled(lo: FormTemplate) -> bytes:
    return lo.fill(VALUES).data


def radio_rects() -> dict[str, tuple[float, ...]]:
    """The 'Public body' buttons' rectangles by on-state, from the fixture."""
    from pypdf import PdfReader

    out = {}
    for a in PdfReader(LO_FORM).pages[0]["/Annots"]:
        a = a.get_object()
        if "/Parent" in a and a["/Parent"].get_object().get("/T") == "Public body":
            state = next(str(s) for s in a["/AP"]["/N"] if s != "/Off")
            out[state] = tuple(float(v) for v in a["/Rect"])
    return out


# ─────────────────────────────── the fixture and `ka2forms fields` ───────────────────────────────

def test_fixture_is_a_libreoffice_export() -> None:
    import pikepdf

    with pikepdf.open(LO_FORM) as pdf:
        assert str(pdf.docinfo["/Producer"]).startswith("LibreOffice")
        assert str(pdf.docinfo["/Creator"]) == "Writer"
        acro = pdf.Root.AcroForm
        assert bool(acro.NeedAppearances) is True
        assert str(acro.DR.Font.He.BaseFont) == "/Helvetica"
        widgets = [a for a in pdf.pages[0].Annots if a.get("/Subtype") == "/Widget"]
        assert len(widgets) == 11 and all("/DR" in a or "/Parent" in a for a in widgets)
    assert LO_FORM.stat().st_size < 60_000


def test_fields_lists_every_control() -> None:
    info = inspect_form(LO_FORM)
    assert info.pages == 1 and not info.xfa and not info.encrypted
    assert [(f.name, f.kind, list(f.flags), f.maxlen) for f in info.fields] == EXPECTED_FIELDS
    assert all(f.page == 1 and f.rect is not None for f in info.fields)
    by = {f.name: f for f in info.fields}
    assert [(o.export, o.display) for o in by["Country"].options] == [(c, c) for c in COUNTRIES]
    assert [o.export for o in by["Type"].options] == TYPES
    assert [o.export for o in by["Role"].options] == ROLES
    assert [o.export for o in by["Public body"].options] == ["yes", "no"]
    assert by["Public body"].on_states == ("yes", "no") and by["Public body"].widgets == 2
    assert by["Public body"].value == "Off"
    assert by["I agree"].on_states == ("Yes",) and by["I agree"].value == "Off"
    assert by["Organisation"].value == "" and not by["Type"].multiselect


def test_fields_cli_json(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from ka2forms.cli import main

    monkeypatch.setenv("COLUMNS", "250")
    r = CliRunner().invoke(main, ["fields", str(LO_FORM), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [(f["name"], f["type"]) for f in data["fields"]] == [(n, k) for n, k, _, _ in EXPECTED_FIELDS]
    agree = next(f for f in data["fields"] if f["name"] == "I agree")
    assert agree["on_states"] == ["Yes"]
    r = CliRunner().invoke(main, ["fields", str(LO_FORM)])
    assert r.exit_code == 0 and "10 fields on 1 page" in " ".join(r.output.split())


def test_open_at_page_one_is_not_active_content() -> None:
    assert inspect_form(LO_FORM).active_content == 0


# ─────────────────────────────── filling: values ───────────────────────────────

def test_values_read_back(filled: bytes) -> None:
    v = values(filled)
    for name in ("Organisation", "PIC", "City", "Legal representative", "Country", "Role", "Type"):
        assert v[name] == VALUES[name], name
    assert v["Address"] == VALUES["Address"]                   # the line break kept in the multi-line field
    assert v["Public body"] == "/yes" and v["I agree"] == "/Yes"
    assert widget_states(filled) == {"Public body": ["/yes", "/Off"], "I agree": ["/Yes"]}
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(filled))
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is False   # LibreOffice's was true
    typ = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/T") == "Type")
    assert list(typ["/I"]) == [1]                               # "VET provider" is the second option


def test_radio_no_and_checkbox_off(lo: FormTemplate) -> None:
    data = lo.fill({"Public body": "No", "I agree": False}).data          # case ignored: export "no"
    assert values(data)["Public body"] == "/no" and values(data)["I agree"] == "/Off"
    assert widget_states(data) == {"Public body": ["/Off", "/no"], "I agree": ["/Off"]}


def test_editable_combo_takes_free_text(lo: FormTemplate) -> None:
    data = lo.fill({"Role": "Pridruženi partner"}).data
    assert values(data)["Role"] == "Pridruženi partner"
    assert "Pridruženi partner" in pdftotext(data)


@pytest.mark.parametrize(("field", "value", "message", "listed"), [
    ("Public body", "maybe", "not an option of this radio group", "'yes', 'no'"),
    ("Country", "Atlantis", "not an option of this dropdown", "North Macedonia"),
    ("Type", "Museum", "not an option of this list", "VET provider"),
    ("I agree", "perhaps", "takes true or false", "'Yes'"),
    ("PIC", "1234567890", "at most 9", ""),
])
def test_bad_values_name_the_field(lo: FormTemplate, field: str, value: str, message: str, listed: str) -> None:
    with pytest.raises(FormValueError) as e:
        lo.fill({field: value})
    assert message in str(e.value) and listed in str(e.value)
    assert e.value.where.field == field and e.value.where.file == str(LO_FORM)


# ─────────────────────────────── filling: visible ───────────────────────────────

def test_text_is_drawn_with_diacritics(filled: bytes) -> None:
    text = pdftotext(filled)
    for name in ("Organisation", "PIC", "City", "Legal representative", "Country", "Role"):
        assert norm(VALUES[name]) in text, name
    assert norm(CE_1) in text and norm(CE_2) in text               # the address, wrapped over several lines


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_fields_are_not_blank_in_poppler_and_pdfium(filled: bytes, lo: FormTemplate, field: str) -> None:
    rect = lo.fields[field].rect
    blank, _ = render_poppler(LO_FORM.read_bytes())
    assert dark_pixels(blank, rect, PAGE_HEIGHT) == 0             # the check means something
    img, stderr = render_poppler(filled)
    assert "couldn't find a font" not in stderr.lower(), stderr
    assert dark_pixels(img, rect, PAGE_HEIGHT) > 30, f"{field} looks blank in poppler"
    assert dark_pixels(render_pdfium(filled), rect, PAGE_HEIGHT) > 30, f"{field} looks blank in pdfium"


def test_czech_letters_are_drawn_by_poppler(lo: FormTemplate) -> None:
    data = lo.fill({"City": "ČŘŮĚŐčřůěő"}).data
    img, _ = render_poppler(data)
    assert dark_pixels(img, lo.fields["City"].rect, PAGE_HEIGHT) > 30


def test_czech_letters_are_drawn_by_pdfium(lo: FormTemplate) -> None:
    data = lo.fill({"City": "ČŘŮĚŐčřůěő"}).data
    assert dark_pixels(render_pdfium(data), lo.fields["City"].rect, PAGE_HEIGHT) > 30


def test_checkbox_and_radio_are_drawn(filled: bytes, lo: FormTemplate) -> None:
    img, _ = render_poppler(filled)
    blank, _ = render_poppler(LO_FORM.read_bytes())
    box = lo.fields["I agree"].rect
    assert dark_pixels(blank, box, PAGE_HEIGHT, inset=1) == 0
    assert dark_pixels(img, box, PAGE_HEIGHT, inset=1) > 10
    assert dark_pixels(render_pdfium(filled), box, PAGE_HEIGHT, inset=1) > 10
    rects = radio_rects()
    yes, no = (dark_pixels(img, rects[s], PAGE_HEIGHT, inset=2.5, threshold=60) for s in ("/yes", "/no"))
    assert yes > no + 5, (yes, no)


def test_list_box_selection_is_visible(filled: bytes, lo: FormTemplate) -> None:
    rect = lo.fields["Type"].rect
    img, _ = render_poppler(filled)
    assert dark_pixels(img, rect, PAGE_HEIGHT) > 30
    assert "VET provider" in pdftotext(filled)


def test_flatten_keeps_values_visible_and_removes_the_form(lo: FormTemplate) -> None:
    import pikepdf

    data = lo.fill({**VALUES, "Public body": "no"}, flatten=True).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert not [a for p in pdf.pages for a in p.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
    text = pdftotext(data)
    for name in ("Organisation", "City", "Legal representative", "Country", "Role"):
        assert norm(VALUES[name]) in text, name
    assert norm(CE_1) in text and "✓" in text                     # the checkbox's OpenSymbol check mark
    img, stderr = render_poppler(data)
    assert "couldn't find a font" not in stderr.lower()
    for name in ("Organisation", "PIC", "City", "Legal representative", "Address", "Country"):
        assert dark_pixels(img, lo.fields[name].rect, PAGE_HEIGHT) > 30, name
    assert dark_pixels(img, lo.fields["I agree"].rect, PAGE_HEIGHT, inset=1) > 10
    rects = radio_rects()
    yes, no = (dark_pixels(img, rects[s], PAGE_HEIGHT, inset=2.5, threshold=60) for s in ("/yes", "/no"))
    assert no > yes + 5, (yes, no)


# ─────────────────────────────── from a partner workbook ───────────────────────────────

def test_fields_named_like_columns_fill_without_a_map(lo: FormTemplate) -> None:
    project = read_workbook(WORKBOOK)
    plans = [plan_values(lo, FormMap(), project, p, per_partner=True) for p in project.partners]
    assert [p.values.get("Country") for p in plans] == ["Slovenia", "Germany", "Hungary", "North Macedonia"]
    assert [p.values.get("Type") for p in plans] == ["VET provider", "Small or medium-sized enterprise",
                                                     "VET provider", "VET provider"]
    assert [p.values.get("Role") for p in plans] == ["Coordinator", "Partner", "Partner", "Partner"]
    assert plans[0].values["PIC"] == "948615302" and "PIC" not in plans[2].values   # no PIC: left alone
    assert plans[2].values["City"] == "Győr" and plans[1].values["Organisation"] == "Müller Präzisionstechnik GmbH"
    assert plans[0].sources["Type"] == "workbook partner type" and not any(p.warnings for p in plans)


def test_fill_per_partner_from_the_sample_workbook(tmp_path: Path) -> None:
    form = tmp_path / "in" / LO_FORM.name
    form.parent.mkdir()
    shutil.copy2(LO_FORM, form)
    before, fixture_before = fingerprint(form), fingerprint(LO_FORM)
    map_file = tmp_path / "declaration.map.yaml"
    map_file.write_text(MAP, encoding="utf-8")
    project = read_workbook(WORKBOOK)
    template = FormTemplate.open(form)
    written = fill_project(project, template, FormMap.load(map_file), tmp_path / "out",
                           today=dt.date(2026, 3, 1), protect=(WORKBOOK, map_file))
    assert [w.path.name for w in written] == [
        "Šolski center Celje – Srednja šola za strojništvo, mehatroniko in medije.pdf",
        "Müller Präzisionstechnik GmbH.pdf", "Győri Szakképzési Centrum.pdf",
        "SOU za mašinstvo i elektrotehnika – Skopje.pdf"]
    celje, muller, gyor, _ = (w.path.read_bytes() for w in written)
    v = values(celje)
    assert v["Organisation"].startswith("Šolski center Celje") and v["PIC"] == "948615302"
    assert v["Country"] == "Slovenia" and v["City"] == "Celje" and v["Type"] == "VET provider"
    assert v["Role"] == "Coordinator" and v["Legal representative"] == "Žofie Řeháková, ředitelka"
    assert v["Public body"] == "/yes" and v["I agree"] == "/Yes"
    assert v["Address"] == ("Šolski center Celje – Srednja šola za strojništvo, mehatroniko in medije\n"
                            "Celje, Slovenia – ů ě č ł")
    m = values(muller)
    assert m["Public body"] == "/no" and m["Legal representative"] == "Łukasz Gößwein-Ősz"
    assert m["Type"] == "Small or medium-sized enterprise" and m["City"] == "Köln"
    assert widget_states(muller)["Public body"] == ["/Off", "/no"]
    text = pdftotext(celje)
    for shown in ("Šolski center Celje", "Žofie Řeháková, ředitelka", "Celje, Slovenia – ů ě č ł", "Slovenia",
                  "Coordinator", "948615302"):
        assert norm(shown) in text, shown
    assert "Łukasz Gößwein-Ősz" in pdftotext(muller) and "Győri Szakképzési Centrum" in pdftotext(gyor)
    img, stderr = render_poppler(celje)
    assert "couldn't find a font" not in stderr.lower()
    pdfium = render_pdfium(celje)
    for name in ("Organisation", "PIC", "City", "Legal representative", "Address", "Country", "Role"):
        assert dark_pixels(img, template.fields[name].rect, PAGE_HEIGHT) > 30, name
        assert dark_pixels(pdfium, template.fields[name].rect, PAGE_HEIGHT) > 30, name
    flat = fill_project(project, template, FormMap.load(map_file), tmp_path / "flat", flatten=True,
                        today=dt.date(2026, 3, 1))
    flat_celje = flat[0].path.read_bytes()
    assert "/AcroForm" not in flat_celje.decode("latin-1")
    assert norm("Žofie Řeháková, ředitelka") in pdftotext(flat_celje)
    assert fingerprint(form) == before and fingerprint(LO_FORM) == fixture_before   # inputs only read
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == [LO_FORM.name]


def test_cli_fill_leaves_the_fixture_alone(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from ka2forms.cli import main

    monkeypatch.setenv("COLUMNS", "250")
    before = fingerprint(LO_FORM)
    map_file = tmp_path / "m.yaml"
    map_file.write_text(MAP, encoding="utf-8")
    r = CliRunner().invoke(main, ["fill", str(WORKBOOK), "--form", str(LO_FORM), "--map", str(map_file),
                                  "--flatten", "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output + r.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4
    assert fingerprint(LO_FORM) == before


@pytest.mark.parametrize("choice", ["VET provider", "Public body"])
def test_list_box_highlights_the_new_option_only(lo: FormTemplate, choice: str) -> None:
    import pypdfium2 as pdfium
    from feature_forms import glyphs_in

    from ka2forms.pdf.fill import flatten_pdf

    rect = lo.fields["Type"].rect
    flat = flatten_pdf(lo.fill({"Type": choice}).data)
    found = glyphs_in(flat, rect)
    at = found.text.index(choice.replace(" ", ""))
    boxes = found.boxes[at:at + len(choice.replace(" ", ""))]
    middle = sum((b[1] + b[3]) / 2 for b in boxes) / len(boxes)          # the chosen option's line, in points
    pdf = pdfium.PdfDocument(flat)
    try:
        scale = 2
        image = pdf[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    x0, y0, x1, y1 = rect
    highlighted = []
    for py in range(int((PAGE_HEIGHT - y1) * scale), int((PAGE_HEIGHT - y0) * scale)):
        blue = sum(1 for px in range(int(x0 * scale) + 4, int(x1 * scale) - 4, 3)
                   if (lambda r, g, b: b > 200 and 140 < r < 170 and 180 < g < 205)(*image.getpixel((px, py))))
        if blue > 20:
            highlighted.append(PAGE_HEIGHT - py / scale)
    assert highlighted, "no highlight drawn"
    assert max(highlighted) - min(highlighted) < 18                       # one option's band, not two
    assert min(highlighted) - 1 <= middle <= max(highlighted) + 1
