"""Drawing a text or dropdown widget's appearance the way Acrobat does, from numbers read once per form.

A widget's appearance is a small content stream (PDF 32000-1, 12.5.5 and 12.7.3.3): background and border
from ``/MK`` and ``/BS``, then the text in the ``/DA`` font, clipped to the box inside the border, marked
``/Tx BMC … EMC``. This module knows nothing about pypdf: the caller gives the box (:class:`Box`), the text
settings (:class:`TextStyle`) and the font (:class:`FontMetrics`: widths, ascent and descent, and how to
encode text), and gets bytes back (:class:`Appearance`). It is fast because it is only arithmetic and
``bytes.join``: a batch draws each partner's name, city and declaration once per form.

What it does as Acrobat does:

* rotation ``/MK /R`` 0, 90, 180, 270: the stream is drawn in the rotated box (width and height swapped for
  90 and 270) and ``/Matrix`` turns it onto the page; a rotated page turns widgets with it, so its
  ``/Rotate`` does not enter here;
* comb fields: one character per cell of ``width / MaxLen``, centred in its cell;
* multi-line fields: paragraphs kept, words wrapped at the box width (a word longer than a line is broken);
* quadding ``/Q`` 0, 1, 2: left, centred, right, per line;
* font size 0 (auto): a single line takes the box height and shrinks to fit its width; several lines start
  at 12 pt and shrink until they fit the height (never below 4 pt);
* a fixed font size never changes: text that does not fit is clipped, and :attr:`Appearance.overflow` says
  so, so that the caller can warn;
* list boxes: the options from the top index down, the selected ones on Acrobat's highlight colour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

AUTO_MULTILINE_START = 12.0
MIN_AUTO_SIZE = 4.0
AUTO_STEP = 0.5
PADDING = 2.0                 # Acrobat's distance between the border and the text, in points
HIGHLIGHT = b"0.6 0.757 0.855 rg"   # the fill Acrobat draws behind a list box's selected options
LIST_AUTO_SIZE = 12.0
AUTO_LINE = 1.2                # a single auto-sized line takes 1 / 1.2 of the height between ascent and descent


@dataclass(frozen=True)
class FontMetrics:
    """What drawing needs of a font: glyph widths (1/1000 em), vertical metrics, and text → string operand."""

    widths: Mapping[str, float]              # glyph (as the font's code, a one-character str) → width
    default_width: float
    ascent: float                            # 1/1000 em, positive
    descent: float                           # 1/1000 em, negative
    to_glyphs: Callable[[str], str]          # text → the font's glyph codes
    operand: Callable[[str], bytes]          # glyph codes → ``(…)`` or ``<…>``

    _memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def width(self, glyphs: str, size: float) -> float:
        """The width of ``glyphs`` at ``size`` points (remembered per glyph string: words repeat)."""
        unit = self._memo.get(glyphs)
        if unit is None:
            w, d = self.widths, self.default_width
            unit = sum([w.get(g, d) for g in glyphs]) / 1000.0
            if len(self._memo) > 8192:
                self._memo.clear()
            self._memo[glyphs] = unit
        return unit * size


@dataclass(frozen=True)
class Box:
    """A widget's rectangle and its decoration: size on the page, rotation, border and background."""

    width: float
    height: float
    rotation: int = 0                        # /MK /R: 0, 90, 180 or 270
    border_width: float = 1.0
    border_style: str = "/S"                 # /S solid, /D dashed, /B beveled, /I inset, /U underline
    border_color: bytes | None = None        # stroke colour operator, e.g. b"0 G"; None: no border
    background: bytes | None = None          # fill colour operator, e.g. b"1 g"; None: transparent
    dash: tuple[float, ...] = (3.0,)

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) of the box the text is laid out in (turned for 90 and 270)."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)

    @property
    def matrix(self) -> tuple[float, ...] | None:
        w, h = self.size
        return {90: (0, 1, -1, 0, h, 0), 180: (-1, 0, 0, -1, w, h), 270: (0, -1, 1, 0, 0, w)}.get(self.rotation)

    @property
    def inset(self) -> float:
        """The border's width inside the box (twice for beveled and inset borders); 0 without a border."""
        if self.border_color is None or self.border_width <= 0:
            return 0.0
        return self.border_width * (2 if self.border_style in ("/B", "/I") else 1)


@dataclass(frozen=True)
class TextStyle:
    """How the text is set: ``/DA`` font name, size (0: auto) and colour; field flags; quadding."""

    font_name: str
    size: float
    color: bytes = b"0 g"
    multiline: bool = False
    comb: bool = False
    maxlen: int | None = None
    quadding: int = 0


@dataclass(frozen=True)
class Appearance:
    """A drawn appearance: the content stream, its ``/BBox`` and ``/Matrix``, the font size used, and whether
    the text was cut (did not fit at a fixed size, or not even at the smallest auto size)."""

    content: bytes
    bbox: tuple[float, float, float, float]
    matrix: tuple[float, ...] | None
    size: float
    overflow: bool


_NUMS: dict[tuple[float, int], bytes] = {}


def num(x: float, places: int = 3) -> bytes:
    """A PDF number: at most ``places`` decimals, no trailing zeros, no ``-0``.

    Remembered: a form's positions, sizes and line steps repeat in every appearance drawn on it, and this is
    the call an appearance makes most."""
    hit = _NUMS.get((x, places))
    if hit is None:
        r = round(x, places)
        hit = b"%d" % int(r) if r == int(r) else (b"%.*f" % (places, r)).rstrip(b"0")
        if len(_NUMS) > 16384:
            _NUMS.clear()
        _NUMS[(x, places)] = hit
    return hit


def _decoration(box: Box, w: float, h: float) -> list[bytes]:
    out = []
    if box.background is not None:
        out.append(b"q " + box.background + b" 0 0 " + num(w) + b" " + num(h) + b" re f Q\n")
    if box.border_color is not None and box.border_width > 0:
        bw = box.border_width
        half = bw / 2
        dash = b"[" + b" ".join(num(d) for d in box.dash) + b"] 0 d " if box.border_style == "/D" else b""
        stroke = b"q " + box.border_color + b" " + num(bw) + b" w " + dash
        if box.border_style == "/U":
            out.append(stroke + num(0) + b" " + num(half) + b" m " + num(w) + b" " + num(half) + b" l S Q\n")
        else:
            out.append(stroke + num(half) + b" " + num(half) + b" " + num(w - bw) + b" " + num(h - bw)
                       + b" re S Q\n")
        if box.border_style in ("/B", "/I"):
            # Beveled: a lighter top-left and darker bottom-right band inside the border (inset: grey, grey).
            light, dark = (b"1 g", b"0.5 g") if box.border_style == "/B" else (b"0.5 g", b"0.75 g")
            i, o = bw, 2 * bw
            out.append(b"q " + light + b" " + num(i) + b" " + num(i) + b" m " + num(i) + b" " + num(h - i)
                       + b" l " + num(w - i) + b" " + num(h - i) + b" l " + num(w - o) + b" " + num(h - o)
                       + b" l " + num(o) + b" " + num(h - o) + b" l " + num(o) + b" " + num(o) + b" l f Q\n")
            out.append(b"q " + dark + b" " + num(w - i) + b" " + num(h - i) + b" m " + num(w - i) + b" "
                       + num(i) + b" l " + num(i) + b" " + num(i) + b" l " + num(o) + b" " + num(o) + b" l "
                       + num(w - o) + b" " + num(o) + b" l " + num(w - o) + b" " + num(h - o) + b" l f Q\n")
    return out


def _words(font: FontMetrics, text: str) -> list[list[tuple[str, float]]]:
    """Paragraphs as lists of (glyphs, width at 1 pt) per word: measured once, wrapped at any size."""
    width, memo = font.width, font._memo
    space = font.to_glyphs(" ")
    paragraphs = []
    for paragraph in text.split("\n"):
        glyphs = font.to_glyphs(paragraph)
        if len(space) == 1 and len(glyphs) == len(paragraph) and glyphs.count(space) == paragraph.count(" "):
            # Letter by letter, and no other letter has the space's glyph (an embedded font's glyph ids may
            # use any code): splitting the glyphs splits the text at the same places, in one call.
            paragraphs.append(glyphs.split(space))
        else:
            paragraphs.append([font.to_glyphs(word) for word in paragraph.split(" ")])
    return [[(g, w if (w := memo.get(g)) is not None else width(g, 1.0)) for g in words] for words in paragraphs]


def _wrap(font: FontMetrics, paragraphs: list[list[tuple[str, float]]], size: float, width: float) -> list[str]:
    """Glyph lines: paragraphs kept, words wrapped at ``width``, a word wider than a line broken."""
    lines: list[str] = []
    space = font.to_glyphs(" ")
    limit = width / size                                  # compare widths at 1 pt
    space_w = font.width(space, 1.0)
    for words in paragraphs:
        line: list[str] = []                              # the words of the line being filled, joined at its end
        line_w = 0.0
        for glyphs, ww in words:
            if line and line_w + space_w + ww <= limit:
                line.append(glyphs)
                line_w += space_w + ww
                continue
            if line:
                lines.append(space.join(line))
            while ww > limit and len(glyphs) > 1:         # break a word longer than a line
                cut = len(glyphs) - 1
                while cut > 1 and font.width(glyphs[:cut], 1.0) > limit:
                    cut -= 1
                lines.append(glyphs[:cut])
                glyphs = glyphs[cut:]
                ww = font.width(glyphs, 1.0)
            line, line_w = [glyphs], ww
        lines.append(space.join(line))
    return lines


def text_appearance(box: Box, style: TextStyle, font: FontMetrics, text: str) -> Appearance:
    """The appearance of ``text`` in ``box`` set as ``style`` says, with ``font``."""
    w, h = box.size
    b = box.inset
    inner_w, inner_h = w - 2 * b - 2 * PADDING, h - 2 * b
    line_h = (font.ascent - font.descent) / 1000.0
    size = style.size
    overflow = False
    if style.comb and style.maxlen:
        cells = style.maxlen
        cell = w / cells
        glyphs = [font.to_glyphs(ch) for ch in text[:cells]]
        overflow = len(text) > cells
        if size == 0:
            widest = max((font.width(g, 1.0) for g in glyphs), default=0.6)
            size = max(MIN_AUTO_SIZE, min(inner_h / line_h, (cell - 1) / (widest or 0.6), 12.0))
        lines = []
    elif style.multiline:
        words = _words(font, text)
        if size == 0:
            size = AUTO_MULTILINE_START
            while True:
                lines = _wrap(font, words, size, inner_w)
                if len(lines) * size * line_h <= inner_h - PADDING or size - AUTO_STEP < MIN_AUTO_SIZE:
                    break
                size -= AUTO_STEP
        else:
            lines = _wrap(font, words, size, inner_w)
        overflow = len(lines) * size * line_h > inner_h - PADDING + 0.01 or \
            any(font.width(g, size) > inner_w + 0.01 for g in lines)
    else:
        glyph_line = font.to_glyphs(text)
        lines = [glyph_line]
        if size == 0:
            unit = font.width(glyph_line, 1.0)
            size = inner_h / (line_h * AUTO_LINE)       # room for accents above capitals (Ž, Ř)
            if unit:
                size = min(size, inner_w / unit)
            size = max(MIN_AUTO_SIZE, size)
        overflow = font.width(glyph_line, size) > inner_w + 0.01
    size = round(size, 2)
    parts = _decoration(box, w, h)
    parts.append(b"/Tx BMC\nq\n" + num(b) + b" " + num(b) + b" " + num(w - 2 * b) + b" " + num(h - 2 * b)
                 + b" re W n\nBT\n" + style.font_name.encode("latin-1") + b" " + num(size) + b" Tf "
                 + style.color + b"\n")
    ascent, descent = font.ascent * size / 1000.0, font.descent * size / 1000.0
    if style.comb and style.maxlen:
        y = b + (inner_h - (ascent - descent)) / 2 - descent
        x_prev = 0.0
        for i, g in enumerate(glyphs):
            x = i * cell + (cell - font.width(g, size)) / 2
            parts.append(num(x - x_prev) + b" " + num(y if i == 0 else 0) + b" Td " + font.operand(g) + b" Tj\n")
            x_prev = x
    else:
        y = h - b - PADDING - ascent if style.multiline else b + (inner_h - (ascent - descent)) / 2 - descent
        step = size * line_h
        x_prev, y_prev = 0.0, 0.0
        for i, g in enumerate(lines):
            lw = font.width(g, size)
            if style.quadding == 1:
                x = (w - lw) / 2
            elif style.quadding == 2:
                x = w - b - PADDING - lw
            else:
                x = b + PADDING
            ly = y - i * step
            if g:
                parts.append(num(x - x_prev) + b" " + num(ly - y_prev) + b" Td " + font.operand(g) + b" Tj\n")
                x_prev, y_prev = x, ly
    parts.append(b"ET\nQ\nEMC\n")
    return Appearance(b"".join(parts), (0.0, 0.0, w, h), box.matrix, size, overflow)


def list_appearance(box: Box, style: TextStyle, font: FontMetrics, items: list[str], selected: set[int],
                    top: int = 0) -> Appearance:
    """A list box: ``items`` (display texts) from index ``top`` down, the ``selected`` ones highlighted."""
    w, h = box.size
    b = box.inset
    size = style.size or LIST_AUTO_SIZE
    line_h = (font.ascent - font.descent) / 1000.0
    step = size * line_h
    parts = _decoration(box, w, h)
    parts.append(b"/Tx BMC\nq\n" + num(b) + b" " + num(b) + b" " + num(w - 2 * b) + b" " + num(h - 2 * b)
                 + b" re W n\n")
    rows = []
    y_top = h - b
    for row, index in enumerate(range(top, len(items))):
        row_top = y_top - row * step
        if row_top <= b:
            break
        rows.append((index, row_top))
        if index in selected:
            parts.append(b"q " + HIGHLIGHT + b" " + num(b) + b" " + num(row_top - step) + b" " + num(w - 2 * b)
                         + b" " + num(step) + b" re f Q\n")
    parts.append(b"BT\n" + style.font_name.encode("latin-1") + b" " + num(size) + b" Tf " + style.color + b"\n")
    x_prev, y_prev = 0.0, 0.0
    overflow = False
    for index, row_top in rows:
        glyphs = font.to_glyphs(items[index])
        x, y = b + PADDING, row_top - font.ascent * size / 1000.0
        overflow = overflow or font.width(glyphs, size) > w - 2 * b - 2 * PADDING
        parts.append(num(x - x_prev) + b" " + num(y - y_prev) + b" Td " + font.operand(glyphs) + b" Tj\n")
        x_prev, y_prev = x, y
    parts.append(b"ET\nQ\nEMC\n")
    return Appearance(b"".join(parts), (0.0, 0.0, w, h), box.matrix, size, overflow)


def visible_rows(box: Box, style: TextStyle, font: FontMetrics) -> int:
    """How many options a list box shows at once."""
    size = style.size or LIST_AUTO_SIZE
    return max(1, int((box.size[1] - 2 * box.inset) // (size * (font.ascent - font.descent) / 1000.0)))


# ZapfDingbats glyphs Acrobat offers as checkbox and radio styles (/MK /CA), with their widths (1/1000 em):
# check, cross, circle, square, diamond, star.
CHECK_STYLES = {"4": 846, "8": 838, "l": 791, "n": 761, "u": 759, "H": 816}


def check_appearances(box: Box, caption: str = "4", color: bytes = b"0 g") -> tuple[Appearance, Appearance]:
    """(on, off) appearances of a checkbox: its border and background, and on "on" the ``caption`` glyph of
    ZapfDingbats (``4`` check, ``8`` cross, ``l`` circle, ``n`` square, ``u`` diamond, ``H`` star) centred."""
    w, h = box.size
    b = box.inset
    deco = b"".join(_decoration(box, w, h))
    glyph = caption if caption in CHECK_STYLES else "4"
    width = CHECK_STYLES[glyph] / 1000.0
    size = max(MIN_AUTO_SIZE, min((h - 2 * b) * 0.8, (w - 2 * b) * 0.8 / width))
    x, y = (w - width * size) / 2, (h - 0.7 * size) / 2
    mark = (b"q BT /ZaDb " + num(size) + b" Tf " + color + b" " + num(x) + b" " + num(y) + b" Td ("
            + glyph.encode("latin-1") + b") Tj ET Q\n")
    bbox = (0.0, 0.0, w, h)
    return (Appearance(deco + mark, bbox, box.matrix, size, False), Appearance(deco, bbox, box.matrix, size, False))
