"""Filled text fields look as Acrobat draws them: checked by where pdfium finds the glyphs, in both renderers."""

from __future__ import annotations

import pytest
from feature_forms import COMB, MULTILINE, PAGE, Spec, build, glyphs_in
from pdfcheck import dark_pixels, render_pdfium, render_poppler

from ka2forms.pdf.fill import FormTemplate, flatten_pdf

LONG = ("Univerza v Mariboru, Fakulteta za strojnistvo, gives a mandate to the coordinator to sign the grant "
        "agreement and its amendments on its behalf, and declares that it has the capacity to carry out its part.")
SPECS = [
    Spec("plain", (40, 760, 300, 780)),
    Spec("rot90", (40, 420, 70, 700), rotation=90),
    Spec("rot180", (320, 760, 560, 780), rotation=180),
    Spec("rot270", (520, 420, 550, 700), rotation=270),
    Spec("comb", (320, 700, 500, 722), flags=COMB, maxlen=9),
    Spec("centred", (120, 640, 400, 660), quadding=1),
    Spec("right", (120, 600, 400, 620), quadding=2),
    Spec("auto_long", (120, 560, 260, 580)),
    Spec("multiline", (120, 420, 400, 540), flags=MULTILINE),
    Spec("no_appearance", (120, 380, 400, 400), appearance=False, border=None, background=None),
    Spec("beveled", (120, 340, 400, 360), border_style="/B"),
]
VALUES = {"plain": "Ljubljana 2026", "rot90": "Vertical text 90", "rot180": "Upside down 180",
          "rot270": "Vertical text 270", "comb": "949123456", "centred": "Centred value", "right": "Right value",
          "auto_long": "A long value that must shrink to fit the box", "multiline": LONG,
          "no_appearance": "Drawn without an old appearance", "beveled": "Beveled border"}
RECTS = {s.name: s.rect for s in SPECS}


def _lines(boxes: list[tuple[float, float, float, float]]) -> list[list[int]]:
    """Glyph indices by line, top to bottom, each line left to right (glyphs within 5 pt of a line's middle)."""
    lines: list[list[int]] = []
    middles: list[float] = []
    for i in sorted(range(len(boxes)), key=lambda i: -(boxes[i][1] + boxes[i][3]) / 2):
        middle = (boxes[i][1] + boxes[i][3]) / 2
        if middles and middles[-1] - middle < 5:
            lines[-1].append(i)
        else:
            lines.append([i])
            middles.append(middle)
    return [sorted(line, key=lambda i: boxes[i][0]) for line in lines]


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module", params=[0, 90], ids=["upright page", "page rotated 90"])
def filled(request):  # type: ignore[no-untyped-def]
    template = FormTemplate.load(build(SPECS, page_rotation=request.param), name="features.pdf")
    result = template.fill(VALUES)
    return result, flatten_pdf(result.data)


@pytest.mark.parametrize("name", list(VALUES))
def test_glyphs_lie_inside_the_widget_and_read_back_exactly(filled, name: str) -> None:  # type: ignore[no-untyped-def]
    _, flat = filled
    x0, y0, x1, y1 = RECTS[name]
    found = glyphs_in(flat, RECTS[name])
    text = found.text
    if name == "multiline":     # on a turned page pdfium reads lines in its own order: read them top to bottom
        text = "".join("".join(text[i] for i in line) for line in _lines(found.boxes))
    assert _flat(text) == _flat(VALUES[name])
    for left, bottom, right, top in found.boxes:
        assert x0 - 0.5 <= left and right <= x1 + 0.5 and y0 - 0.5 <= bottom and top <= y1 + 0.5, \
            (name, (left, bottom, right, top))


@pytest.mark.parametrize("name", ["rot90", "rot270"])
def test_a_vertical_field_is_written_along_its_long_side(filled, name: str) -> None:  # type: ignore[no-untyped-def]
    _, flat = filled
    boxes = glyphs_in(flat, RECTS[name]).boxes
    ys = [(b[1] + b[3]) / 2 for b in boxes]
    xs = [(b[0] + b[2]) / 2 for b in boxes]
    assert max(ys) - min(ys) > 60 and max(xs) - min(xs) < 12    # the glyphs run up or down the narrow box
    assert (ys[-1] > ys[0]) == (name == "rot90")                # 90: bottom to top; 270: top to bottom


def test_comb_characters_sit_one_per_cell(filled) -> None:  # type: ignore[no-untyped-def]
    _, flat = filled
    x0, _, x1, _ = RECTS["comb"]
    cell = (x1 - x0) / 9
    for i, (left, _, right, _) in enumerate(glyphs_in(flat, RECTS["comb"]).boxes):
        assert x0 + i * cell <= left and right <= x0 + (i + 1) * cell


def test_quadding_centres_and_right_aligns(filled) -> None:  # type: ignore[no-untyped-def]
    _, flat = filled
    c = glyphs_in(flat, RECTS["centred"]).boxes
    x0, _, x1, _ = RECTS["centred"]
    assert abs((c[0][0] - x0) - (x1 - c[-1][2])) < 2
    r = glyphs_in(flat, RECTS["right"]).boxes
    assert RECTS["right"][2] - r[-1][2] < 5 and r[0][0] - RECTS["right"][0] > 100


def test_multiline_text_wraps_inside_the_box(filled) -> None:  # type: ignore[no-untyped-def]
    _, flat = filled
    assert len(_lines(glyphs_in(flat, RECTS["multiline"]).boxes)) >= 3


def test_values_are_visible_in_poppler_and_pdfium(filled) -> None:  # type: ignore[no-untyped-def]
    result, _ = filled
    poppler, _ = render_poppler(result.data)
    pdfium = render_pdfium(result.data)
    for name, rect in RECTS.items():
        for image in (poppler, pdfium):
            if image.size[0] > image.size[1]:        # the rotated page: measure on the page's own axes
                image = image.rotate(90, expand=True)
            assert dark_pixels(image, rect, page_height=PAGE[1]) > 20, name


def test_fixed_size_text_that_does_not_fit_is_warned_about() -> None:
    form = build([Spec("narrow", (40, 760, 120, 780), size=10)])
    result = FormTemplate.load(form, name="narrow.pdf").fill({"narrow": "A value far too long for this box"})
    assert any("'narrow'" in w and "does not fit" in w for w in result.warnings)
    fits = FormTemplate.load(form, name="narrow.pdf").fill({"narrow": "Short"})
    assert not fits.warnings


def test_auto_size_shrinks_instead_of_warning() -> None:
    form = build([Spec("auto", (40, 760, 120, 780))])
    result = FormTemplate.load(form, name="auto.pdf").fill({"auto": "A value far too long for this box"})
    assert not result.warnings
    found = glyphs_in(flatten_pdf(result.data), (40, 760, 120, 780))
    assert found.boxes and max(b[2] for b in found.boxes) <= 120.5


def test_a_field_whose_value_does_not_change_keeps_its_appearance_byte_identical() -> None:
    drawn = b"BT /Helv 10 Tf 2 6 Td (Already here) Tj ET"
    form = build([Spec("kept", (40, 760, 300, 780), value="Already here", drawn=drawn),
                  Spec("new", (40, 700, 300, 720))])
    template = FormTemplate.load(form, name="kept.pdf")
    data = template.fill({"kept": "Already here", "new": "Changed"}).data
    update = data[len(template.clean):]
    kept_ap = template._inc.widgets["kept"][0].old_n.idnum
    assert b"\n%d 0 obj" % kept_ap not in update and b"Already here" not in update
    assert b"Changed" in update or b"(Changed)" in data


def test_maxlen_zero_means_no_limit() -> None:
    form = build([Spec("free", (40, 760, 500, 780), maxlen=0)])
    template = FormTemplate.load(form, name="free.pdf")
    assert template.fields["free"].maxlen is None
    assert template.fill({"free": "Any length of text is fine here"}).data


def test_an_unchanged_value_with_an_empty_appearance_is_drawn() -> None:
    """LibreOffice writes empty appearance streams and relies on viewers redrawing: keeping one would hide the
    value once the filled copy says no redraw is needed."""
    form = build([Spec("stale", (40, 760, 300, 780), value="Already here")])
    template = FormTemplate.load(form, name="stale.pdf")
    found = glyphs_in(flatten_pdf(template.fill({"stale": "Already here"}).data), (40, 760, 300, 780))
    assert _flat(found.text) == "Alreadyhere"
