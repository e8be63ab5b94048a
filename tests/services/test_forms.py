"""Filling forms: values read back, text visible (poppler and pdfium), states kept by flattening, safety."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from pdfcheck import (
    CE_1,
    CE_2,
    CYRILLIC,
    OTHER_FORM,
    PARTNERS,
    ROMANIAN,
    SAMPLE_FORM,
    SAMPLE_MAP,
    active_content,
    dark_pixels,
    make_workbook,
    norm,
    pdftotext,
    render_pdfium,
    render_poppler,
    values,
    widget_states,
)

from ka2forms.errors import FormError, FormMapError, FormValueError, InputError
from ka2forms.pdf import fill as pdf_fill
from ka2forms.readers.workbook import read_workbook
from ka2forms.services.forms import FormMap, FormTemplate, fill_project, plan_values, safe_filename

A4_HEIGHT = 841.89


@pytest.fixture(scope="module")
def sample() -> FormTemplate:
    return FormTemplate.open(SAMPLE_FORM)


@pytest.fixture(scope="module")
def other() -> FormTemplate:
    return FormTemplate.open(OTHER_FORM)


SAMPLE_VALUES = {
    "Organisation": CE_1,
    "legal_representative": CE_2,
    "PIC": "949123456",
    "City": "Brno",
    "Country": "CZ",
    "legal_status": "public",
    "declaration_on_honour": True,
    "declaration": (CE_1 + ". " + CE_2 + ". ") * 3,
    "place": "Řevnice",
    "date": "1. 3. 2026",
}


@pytest.fixture(scope="module")
def filled(sample: FormTemplate) -> bytes:
    return sample.fill(SAMPLE_VALUES).data


def test_values_read_back(filled: bytes) -> None:
    v = values(filled)
    assert v["Organisation"] == CE_1
    assert v["legal_representative"] == CE_2
    assert v["PIC"] == "949123456"
    assert v["Country"] == "CZ"                       # the export value is stored…
    assert v["legal_status"] == "/public"             # a name, not the string "(/public)": states are names
    assert v["declaration_on_honour"] == "/Yes"       # the widget's own on-state, not a guessed /Yes or /On
    states = widget_states(filled)
    assert states["legal_status"] == ["/public", "/Off"]
    assert states["declaration_on_honour"] == ["/Yes"]


def test_text_is_drawn_with_diacritics(filled: bytes) -> None:
    text = pdftotext(filled)
    for value in (CE_1, CE_2, "Řevnice", "9 4 9 1 2 3 4 5 6", "Czechia"):  # …the dropdown shows its display text
        assert norm(value) in text, value
    assert norm(CE_2 + ". " + CE_1[:20]) in text       # the multi-line field wrapped, nothing clipped away
    assert text.count("Łukasz") == 4


def test_letters_beyond_winansi_are_drawn_by_pdfium_not_only_poppler(sample: FormTemplate) -> None:
    """pdfium (Chrome, Edge) substitutes unembedded core fonts with a Latin-1 font: č ř ů ě ő must be embedded."""
    data = sample.fill({"Organisation": "ČŘŮĚŐčřůěő"}).data
    rect = sample.fields["Organisation"].rect
    assert dark_pixels(render_pdfium(data), rect, A4_HEIGHT) > 30
    assert dark_pixels(render_pdfium(sample.fill({"Organisation": ""}).data), rect, A4_HEIGHT) == 0


@pytest.mark.parametrize("field", ["Organisation", "legal_representative", "PIC", "declaration", "Country"])
def test_fields_are_not_blank_in_poppler_and_pdfium(filled: bytes, sample: FormTemplate, field: str) -> None:
    rect = sample.fields[field].rect
    img, stderr = render_poppler(filled)
    assert "couldn't find a font" not in stderr.lower(), stderr
    assert dark_pixels(img, rect, A4_HEIGHT) > 30, f"{field} looks blank in poppler"
    assert dark_pixels(render_pdfium(filled), rect, A4_HEIGHT) > 30, f"{field} looks blank in pdfium"


def test_blank_form_fields_are_blank(sample: FormTemplate) -> None:
    img, _ = render_poppler(SAMPLE_FORM.read_bytes())
    assert dark_pixels(img, sample.fields["Organisation"].rect, A4_HEIGHT) == 0


def test_checkbox_and_radio_are_drawn(filled: bytes, sample: FormTemplate) -> None:
    img, _ = render_poppler(filled)
    box = sample.fields["declaration_on_honour"].rect
    assert dark_pixels(img, box, A4_HEIGHT, inset=1) > 10
    empty, _ = render_poppler(SAMPLE_FORM.read_bytes())
    assert dark_pixels(empty, box, A4_HEIGHT, inset=1) == 0


def test_flatten_keeps_states_and_removes_the_form(sample: FormTemplate) -> None:
    import pikepdf

    data = sample.fill({**SAMPLE_VALUES, "legal_status": "private"}, flatten=True).data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/AcroForm" not in pdf.Root
        assert not [a for p in pdf.pages for a in p.get("/Annots", []) if a.get("/Subtype") == "/Widget"]
    text = pdftotext(data)
    assert norm(CE_1) in text and norm(CE_2) in text and "Czechia" in text
    img, stderr = render_poppler(data)
    assert "couldn't find a font" not in stderr.lower()
    assert dark_pixels(img, sample.fields["declaration_on_honour"].rect, A4_HEIGHT, inset=1) > 10
    # the radio group: widget rectangles from the unflattened form; "private" (second) is the dark one
    from pypdf import PdfReader

    radios = [a.get_object() for a in PdfReader(SAMPLE_FORM).pages[0]["/Annots"]
              if a.get_object().get("/Parent", {}).get("/T") == "legal_status"]
    rects = [tuple(float(v) for v in r["/Rect"]) for r in radios]
    public, private = (dark_pixels(img, r, A4_HEIGHT, inset=3.5, threshold=60) for r in rects)
    assert private > public + 5, (public, private)


def test_other_tool_form(other: FormTemplate) -> None:
    out = other.fill({"partner.name": CE_1, "partner.pic": "999888777", "consent": True, "status": "private",
                      "country": "ceska republika", "notes": CE_2}).data
    v = values(out)
    assert v["partner.name"] == CE_1 and v["partner.pic"] == "999888777"
    assert v["consent"] == "/Ja" and v["status"] == "/private" and v["country"] == "Česká republika"
    assert widget_states(out)["status"] == ["/Off", "/private"]
    text = pdftotext(out)
    assert norm(CE_1) in text and norm(CE_2) in text and "9 9 9 8 8 8 7 7 7" in text
    img, stderr = render_poppler(out)
    assert "couldn't find a font" not in stderr.lower()
    for name in ("partner.name", "partner.pic", "notes", "consent"):
        assert dark_pixels(img, other.fields[name].rect, 842, inset=1) > 5, name
    flat = other.fill({"consent": True, "status": "public", "partner.name": CE_2}, flatten=True).data
    assert norm(CE_2) in pdftotext(flat)


def test_text_beyond_the_form_font_embeds_a_fallback_font(other: FormTemplate) -> None:
    if pdf_fill.fallback_font_path() is None:
        pytest.skip("no DejaVu Sans (apt-get install fonts-dejavu-core)")
    result = other.fill({"notes": ROMANIAN + "\n" + CYRILLIC, "partner.name": ROMANIAN})
    assert set(result.fallback_fields) == {"notes", "partner.name"}
    assert result.warnings
    text = pdftotext(result.data)
    assert norm(ROMANIAN) in text and norm(CYRILLIC) in text
    img, stderr = render_poppler(result.data)
    assert "couldn't find a font" not in stderr.lower()
    assert dark_pixels(img, other.fields["notes"].rect, 842) > 30
    assert dark_pixels(render_pdfium(result.data), other.fields["notes"].rect, 842) > 30
    assert len(result.data) < 120_000                   # a subset, not the whole 700 KB font


def test_without_a_fallback_font_the_fill_fails_clearly(other: FormTemplate, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pdf_fill, "fallback_font_path", lambda: None)
    with pytest.raises(FormValueError, match="cannot show") as e:
        other.fill({"notes": ROMANIAN})
    assert e.value.where.field == "notes" and "fonts-dejavu-core" in str(e.value)


def test_a_damaged_fallback_font_is_a_clear_error_naming_the_field(other: FormTemplate, tmp_path,  # type: ignore[no-untyped-def]
                                                                  monkeypatch) -> None:
    bad = tmp_path / "font.ttf"
    bad.write_bytes(b"not a font")
    monkeypatch.setenv(pdf_fill.FALLBACK_FONT_ENV, str(bad))
    with pytest.raises(FormValueError, match="cannot embed the fallback font") as e:
        other.fill({"notes": ROMANIAN})
    assert e.value.where.field == "notes" and pdf_fill.FALLBACK_FONT_ENV in str(e.value)


@pytest.mark.parametrize(("field", "value", "message", "listed"), [
    ("declaration_on_honour", "maybe", "takes true or false", "'Yes'"),
    ("legal_status", "semi-public", "not an option of this radio group", "'private'"),
    ("Country", "Atlantis", "not an option of this dropdown", "SI (Slovenia)"),
    ("PIC", "1234567890", "at most 9", ""),
    ("nonexistent", "x", "has no field", ""),
])
def test_bad_values(sample: FormTemplate, field: str, value: str, message: str, listed: str) -> None:
    with pytest.raises(FormError) as e:
        sample.fill({field: value})
    assert message in str(e.value) and listed in str(e.value)
    assert e.value.where.field == field and e.value.where.file == str(SAMPLE_FORM)


def test_checkbox_values(sample: FormTemplate) -> None:
    for v, state in ((False, "/Off"), ("no", "/Off"), ("Yes", "/Yes"), ("/Yes", "/Yes"), ("True", "/Yes")):
        assert values(sample.fill({"declaration_on_honour": v}).data)["declaration_on_honour"] == state


def test_template_is_reused_without_leaking(sample: FormTemplate) -> None:
    clean = bytes(sample.clean)
    a = sample.fill({"Organisation": "First Organisation"}).data
    b = sample.fill({"City": "Second City"}).data
    assert values(b).get("Organisation") in ("", None)
    assert "First Organisation" not in pdftotext(b) and "First Organisation" in pdftotext(a)
    assert sample.clean == clean


def _with_active_content() -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    w = PdfWriter(clone_from=PdfReader(SAMPLE_FORM))

    def js(code: str) -> DictionaryObject:
        return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                 NameObject("/JS"): TextStringObject(code)})

    w._root_object[NameObject("/OpenAction")] = js("app.alert('open')")
    w.add_attachment("payload.txt", b"not for partners")
    names = w._root_object["/Names"]
    names[NameObject("/JavaScript")] = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("doc"), w._add_object(js("app.alert('doc')"))])})
    page = w.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js("app.alert('page')")})
    for a in page["/Annots"]:
        a = a.get_object()
        if a.get("/T") == "Organisation":
            a[NameObject("/AA")] = DictionaryObject({NameObject("/K"): js("event.value = 'x'")})
    launch = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                               NameObject("/Rect"): ArrayObject([]),
                               NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                                                   NameObject("/F"): TextStringObject("calc.exe")})})
    page["/Annots"].append(w._add_object(launch))
    w._root_object["/AcroForm"][NameObject("/XFA")] = TextStringObject("<xdp/>")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_active_content_is_stripped() -> None:
    planted = _with_active_content()
    assert active_content(planted) >= 8
    template = FormTemplate.load(planted, name="planted.pdf")
    assert template.removed_active_content >= 6
    out = template.fill({"Organisation": CE_1}).data
    assert active_content(out) == 0
    assert active_content(template.fill({"Organisation": CE_1}, flatten=True).data) == 0
    assert norm(CE_1) in pdftotext(out)


# ─────────────────────────────── maps and workbooks ───────────────────────────────

@pytest.fixture()
def project(tmp_path):  # type: ignore[no-untyped-def]
    return read_workbook(make_workbook(tmp_path / "partners.xlsx", PARTNERS))


def test_fields_named_like_columns_fill_without_a_map(sample: FormTemplate, project) -> None:  # type: ignore[no-untyped-def]
    plan = plan_values(sample, FormMap(), project, project.partners[1], per_partner=True)
    assert plan.values["Organisation"] == "Vysoké učení technické v Brně"
    assert plan.values["PIC"] == "949234567"
    assert plan.values["Country"] == "Czechia"          # matched to the dropdown's option (CZ = Czechia)
    assert plan.values["City"] == "Brno"
    assert plan.values["Role"] == "Partner"
    assert plan.values["Project title"] == "Green Skills for Mechatronics"
    assert plan.values["Acronym"] == "GREENMECH"
    assert plan.sources["PIC"] == "workbook partner pic"


def test_sample_map(sample: FormTemplate, project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fmap = FormMap.load(SAMPLE_MAP)
    assert fmap.per_partner is True
    written = fill_project(project, sample, fmap, tmp_path / "out", today=dt.date(2026, 3, 1))
    names = sorted(w.path.name for w in written)
    assert names == sorted(["Univerza v Mariboru – Fakulteta za strojništvo – mandate.pdf",
                            "Vysoké učení technické v Brně – mandate.pdf", "Politechnika Łódzka – mandate.pdf"])
    lodz = next(w for w in written if "Łódzka" in w.path.name)
    v = values(lodz.path.read_bytes())
    assert v["Country"] == "PL" and v["declaration_on_honour"] == "/Yes" and v["date"] == "01. 03. 2026"
    assert v["legal_status"] == "/public"
    assert "gives a mandate to the coordinator Univerza v Mariboru" in v["declaration"]
    assert not list((tmp_path / "out").glob(".ka2forms-*"))   # no temporary files left


def test_map_errors(sample: FormTemplate, project) -> None:  # type: ignore[no-untyped-def]
    bad = FormMap.parse("fields:\n  Organisaton: x\n", file="m.yaml")
    with pytest.raises(FormMapError) as e:
        plan_values(sample, bad, project, project.partners[0], per_partner=True)
    assert "did you mean 'Organisation'" in str(e.value) and e.value.where.line == 2
    assert str(e.value).startswith("m.yaml: field 'Organisaton' line 2")
    with pytest.raises(FormMapError, match="UndefinedError: 'dict object' has no attribute 'nonexistent'"):
        plan_values(sample, FormMap.parse("fields:\n  City: '{{ partner.nonexistent }}'\n"), project,
                    project.partners[0], per_partner=True)
    with pytest.raises(FormMapError, match="unknown key"):
        FormMap.parse("per_partner: true\nfeilds: {}\n")
    with pytest.raises(FormMapError, match="not valid YAML"):
        FormMap.parse("fields: [unclosed\n")
    with pytest.raises(FormMapError, match="template error"):
        FormMap.parse("fields:\n  City: '{{ partner.city '\n")
    with pytest.raises(FormValueError, match="takes true or false"):
        plan_values(sample, FormMap.parse("fields:\n  declaration_on_honour: maybe\n"), project,
                    project.partners[0], per_partner=True)


def test_templates_are_sandboxed(sample: FormTemplate, project) -> None:  # type: ignore[no-untyped-def]
    evil = FormMap.parse("fields:\n  City: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"\n")
    with pytest.raises(FormMapError, match=r"SecurityError|unsafe"):
        plan_values(sample, evil, project, project.partners[0], per_partner=True)


def test_cell_text_is_data_not_a_template(sample: FormTemplate, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [("Coordinator", "{{ 7*7 }} {% if true %}Lab{% endif %}", "SI", "Ljubljana", "SME", None),
            ("Partner", "Second", "CZ", "Brno", "SME", None)]
    project = read_workbook(make_workbook(tmp_path / "p.xlsx", rows))
    plan = plan_values(sample, FormMap.parse("fields:\n  place: '{{ partner.organisation }}'\n"), project,
                       project.partners[0], per_partner=True)
    assert plan.values["place"] == "{{ 7*7 }} {% if true %}Lab{% endif %}"
    assert plan.values["Organisation"] == "{{ 7*7 }} {% if true %}Lab{% endif %}"


def test_roles_and_per_partner(sample: FormTemplate, project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    all_roles = fill_project(project, sample, FormMap.parse("per_partner: true\n"), tmp_path / "a")
    assert len(all_roles) == 4
    assert "Handwerkskammer für München und Oberbayern.pdf" in [w.path.name for w in all_roles]
    only = fill_project(project, sample, FormMap.parse("per_partner: true\nroles: [Associated partner]\n"),
                        tmp_path / "b")
    assert [w.partner.organisation for w in only] == ["Handwerkskammer für München und Oberbayern"]
    one = fill_project(project, sample, None, tmp_path / "c")
    assert [w.path.name for w in one] == ["GREENMECH – partner-mandate.pdf"]
    assert values(one[0].path.read_bytes())["Organisation"].startswith("Univerza v Mariboru")  # the coordinator


def test_input_form_is_never_modified(tmp_path, project) -> None:  # type: ignore[no-untyped-def]
    form = tmp_path / "form.pdf"
    form.write_bytes(SAMPLE_FORM.read_bytes())
    os.utime(form, (1_700_000_000, 1_700_000_000))
    before = form.read_bytes()
    template = FormTemplate.open(form)
    fill_project(project, template, FormMap.load(SAMPLE_MAP), tmp_path, flatten=True)
    assert form.read_bytes() == before and form.stat().st_mtime == 1_700_000_000
    with pytest.raises(InputError, match="over an input file"):   # the form itself is always protected
        fill_project(project, template, FormMap.parse("filename: form\n"), tmp_path)


@pytest.mark.parametrize(("name", "expected"), [
    ("Univerza v Mariboru – Fakulteta za strojništvo", "Univerza v Mariboru – Fakulteta za strojništvo.pdf"),
    ("AC/DC\\Labs: <best>?", "AC DC Labs best.pdf"),
    ("CON", "CON_.pdf"),
    ("com1.txt", "com1.txt_.pdf"),
    ("  ...  ", "form.pdf"),
    ("Tab\there\x00and\nnewline", "Tab here and newline.pdf"),
    ("Cafe\u0301 Łódź", "Café Łódź.pdf"),                      # NFC
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_limits_and_duplicates() -> None:
    long = "Ž" * 300
    name = safe_filename(long)
    assert len(name.encode("utf-8")) <= 180 and name.endswith(".pdf")
    taken: set[str] = set()
    assert [safe_filename(n, taken=taken) for n in ("Lab", "lab", "Lab")] == ["Lab.pdf", "lab (2).pdf",
                                                                              "Lab (3).pdf"]
