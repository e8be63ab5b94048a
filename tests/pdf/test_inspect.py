"""The form inspector: field kinds, options, on-states, flags; forms from other tools; files it must refuse."""

from __future__ import annotations

import io

import pytest
from pdfcheck import OTHER_FORM, SAMPLE_FORM

from ka2forms.errors import FormFileError, InputError
from ka2forms.pdf.inspect import inspect_form, inspect_pdf


def test_sample_form_fields() -> None:
    info = inspect_form(SAMPLE_FORM)
    f = {x.name: x for x in info.fields}
    assert info.pages == 1
    assert f["Organisation"].kind == "text" and f["Organisation"].page == 1
    assert f["PIC"].comb and f["PIC"].maxlen == 9
    assert f["declaration"].multiline
    assert f["declaration_on_honour"].kind == "checkbox" and f["declaration_on_honour"].on_states == ("Yes",)
    assert f["legal_status"].kind == "radio"
    assert [o.export for o in f["legal_status"].options] == ["public", "private"]
    country = f["Country"]
    assert country.kind == "combo"
    assert ("SI", "Slovenia") in [(o.export, o.display) for o in country.options]
    assert f["Organisation"].rect is not None and f["Organisation"].rect[2] > f["Organisation"].rect[0]
    d = info.as_dict()
    assert d["fields"][0]["name"] == "Project title" and "flags" in d["fields"][0]


def test_other_tool_field_tree() -> None:
    """Parents with /Kids, /FT inherited from the parent, /DA only on the AcroForm, kid widgets without /T."""
    f = {x.name: x for x in inspect_form(OTHER_FORM).fields}
    assert set(f) == {"partner.name", "partner.pic", "consent", "status", "country", "notes"}
    assert f["partner.name"].kind == "text"            # /FT inherited from "partner"
    assert f["partner.pic"].kind == "text" and f["partner.pic"].comb and f["partner.pic"].maxlen == 9
    assert f["consent"].on_states == ("Ja",)
    assert f["status"].kind == "radio" and f["status"].on_states == ("public", "private")
    assert f["status"].widgets == 2
    assert [o.export for o in f["country"].options][:2] == ["Slovenija", "Česká republika"]
    assert f["notes"].multiline


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("data", "expect"), [
    (b"", "empty file"),
    (b"PK\x03\x04rest-of-a-zip", "zip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "old Office"),
    (b"hello, I am text", "not a PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage garbage\n%%EOF", "damaged PDF"),
])
def test_refuses_what_is_not_a_usable_pdf(data: bytes, expect: str) -> None:
    with pytest.raises(FormFileError) as e:
        inspect_pdf(data, name="input.pdf")
    assert expect in str(e.value)
    assert str(e.value).startswith("input.pdf: ")
    assert isinstance(e.value, InputError)


def test_pdf_without_fields() -> None:
    with pytest.raises(FormFileError, match="no fillable form fields"):
        inspect_pdf(_blank_pdf(), name="scan.pdf")


def test_truncated_form() -> None:
    data = SAMPLE_FORM.read_bytes()
    with pytest.raises(FormFileError):
        inspect_pdf(data[: len(data) // 3], name="cut.pdf")


def test_missing_file_and_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FormFileError, match="file not found"):
        inspect_form(tmp_path / "nope.pdf")
    with pytest.raises(FormFileError, match="folder"):
        inspect_form(tmp_path)


def _encrypted(user: str, owner: str, permissions: int | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(SAMPLE_FORM))
    kwargs = {"permissions_flag": permissions} if permissions is not None else {}
    w.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128", **kwargs)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_password_protected_is_refused() -> None:
    with pytest.raises(FormFileError, match="password-protected"):
        inspect_pdf(_encrypted("secret", "owner"), name="locked.pdf")


def test_empty_user_password_is_opened_when_filling_is_allowed() -> None:
    info = inspect_pdf(_encrypted("", "owner"), name="restricted.pdf")
    assert info.encrypted
    assert any(f.name == "PIC" for f in info.fields)


def test_empty_user_password_but_filling_forbidden() -> None:
    print_only = 0xFFFFF000 | 4  # bit 3 (print) only; bits 4, 6, 9 (modify, annotations, fill forms) off
    with pytest.raises(FormFileError, match="does not permit filling"):
        inspect_pdf(_encrypted("", "owner", permissions=print_only), name="restricted.pdf")
