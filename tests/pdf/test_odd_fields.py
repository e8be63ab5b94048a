"""One odd field never costs the form: it is left as it is with a warning, unless --strict refuses the form."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from feature_forms import PAGE, Spec, build
from pdfcheck import PARTNERS, dark_pixels, make_workbook, render_pdfium, render_poppler, values, widget_states
from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

from ka2forms.cli import main
from ka2forms.errors import FormFileError
from ka2forms.pdf.fill import FormTemplate

BROKEN_RECT = ArrayObject([FloatObject(40), FloatObject(700), TextStringObject("wide"), FloatObject(720)])


def _odd_form() -> bytes:
    return build([Spec("Organisation", (40, 760, 300, 780)), Spec("City", (40, 730, 300, 750)),
                  Spec("Broken", (40, 700, 300, 720), extra={"/Rect": BROKEN_RECT})])


def test_a_field_that_cannot_be_drawn_is_left_alone_and_the_others_are_filled() -> None:
    template = FormTemplate.load(_odd_form(), name="odd.pdf")
    assert "Broken" in template.odd and "Broken" in template.fields
    result = template.fill({"Organisation": "Univerza v Ljubljani", "City": "Ljubljana", "Broken": "x"})
    filled = values(result.data)
    assert filled["Organisation"] == "Univerza v Ljubljani" and filled["City"] == "Ljubljana"
    assert filled.get("Broken") in (None, "")
    assert any("'Broken' cannot be filled" in w for w in result.warnings)


def test_strict_refuses_a_form_with_a_field_that_cannot_be_filled(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FormFileError) as e:
        FormTemplate.load(_odd_form(), name="odd.pdf", strict=True)
    assert e.value.where.field == "Broken" and "--strict" in e.value.message
    form = tmp_path / "odd.pdf"
    form.write_bytes(_odd_form())
    wb = make_workbook(tmp_path / "p.xlsx", PARTNERS)
    strict = CliRunner().invoke(main, ["fill", str(wb), "--form", str(form), "-o", str(tmp_path / "s"), "--strict"])
    assert strict.exit_code == 2 and "Broken" in strict.output
    lenient = CliRunner().invoke(main, ["fill", str(wb), "--form", str(form), "-o", str(tmp_path / "l")])
    assert lenient.exit_code == 0, lenient.output


def test_convert_strict_refuses_the_form_before_any_workbook(tmp_path) -> None:  # type: ignore[no-untyped-def]
    form = tmp_path / "odd.pdf"
    form.write_bytes(_odd_form())
    inbox = tmp_path / "in"
    inbox.mkdir()
    make_workbook(inbox / "p.xlsx", PARTNERS)
    strict = CliRunner().invoke(main, ["convert", str(inbox), "--form", str(form), "-o", str(tmp_path / "s"),
                                       "--jobs", "1", "--strict"])
    assert strict.exit_code == 2 and "Broken" in strict.output, strict.output
    assert not (tmp_path / "s" / "p" / "check.json").exists()
    lenient = CliRunner().invoke(main, ["convert", str(inbox), "--form", str(form), "-o", str(tmp_path / "l"),
                                        "--jobs", "1"])
    assert lenient.exit_code == 0, lenient.output
    assert (tmp_path / "l" / "p" / "check.json").exists()


@pytest.mark.parametrize("caption", ["4", "8", "l"], ids=["check", "cross", "circle"])
def test_a_checkbox_without_an_on_appearance_gets_one(caption: str) -> None:
    rect = (60, 700, 80, 720)
    box = Spec("agree", rect, appearance=False, border=None, background=None,
               extra={"/FT": NameObject("/Btn"), "/MK": _mk(caption)})
    template = FormTemplate.load(build([box, Spec("Organisation", (40, 760, 300, 780))]), name="box.pdf")
    on = template.fill({"agree": True}).data
    off = template.fill({"agree": False}).data
    assert values(on)["agree"] == "/Yes" and widget_states(on)["agree"] == ["/Yes"]
    assert widget_states(off)["agree"] == ["/Off"]
    for render in (lambda d: render_poppler(d)[0], render_pdfium):
        assert dark_pixels(render(on), rect, page_height=PAGE[1], inset=1) > 15
        assert dark_pixels(render(off), rect, page_height=PAGE[1], inset=1) == 0


def _mk(caption: str) -> object:
    from pypdf.generic import DictionaryObject

    return DictionaryObject({NameObject("/CA"): TextStringObject(caption)})
