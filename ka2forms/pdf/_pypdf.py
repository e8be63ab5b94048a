"""The only module that touches pypdf's private parts, and the check that the installed pypdf is one they fit.

ka2forms draws text appearances itself (``pdf/appearances.py``) but with pypdf's ``Font``: its widths, its
cp1250… encodings of the 14 core fonts, its embedding of TrueType fonts, and its way of finding a widget's
``/DA`` font; and it adds objects to pypdf writers. None of that
is public API: module paths (``pypdf.generic._font``, ``_appearance_stream``, ``_codecs``) and method names
(``_find_annotation_font_resource``, ``_add_object``…) change between minor releases — pypdf 6.16.0, which
``pyproject.toml`` once allowed, has neither ``generic._color`` nor ``generic._font``. So every such use is
here, behind small functions, and the first use checks the version: a pypdf outside
:data:`SUPPORTED` (or one whose internals moved although its version is inside) raises
:class:`~ka2forms.errors.IncompatibleDependencyError` (exit 3: our problem, not the user's input) saying what
to install. Nothing here runs at import time and nothing in pypdf is replaced.

Versions tested: 6.20.1 (the lowest that works: 6.20.0 lacks ``_parse_default_appearance``) and 7.1.1.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from types import SimpleNamespace
from typing import Any

from ka2forms.errors import IncompatibleDependencyError, MissingExtraError

MIN_VERSION = (6, 20, 1)
BELOW_VERSION = (8,)
SUPPORTED = ">=6.20.1,<8"                     # keep equal to the pypdf requirement in pyproject.toml
INSTALL_HINT = f"pip install 'pypdf{SUPPORTED}'"


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text.split("+")[0])[:3])


def check_version(version: str) -> None:
    """Raise IncompatibleDependencyError unless ``version`` is one this module was written for."""
    v = _version_tuple(version)
    if not (MIN_VERSION <= v < BELOW_VERSION):
        raise IncompatibleDependencyError(
            f"PDF forms need pypdf {SUPPORTED}, but pypdf {version} is installed; install a supported "
            f"version: {INSTALL_HINT}")


@cache
def _api() -> SimpleNamespace:
    """pypdf's private pieces, imported once after the version check."""
    try:
        import pypdf
    except ImportError:
        from ka2forms.i18n import gettext as _

        raise MissingExtraError(_("filling PDF forms"), "forms", missing="pypdf") from None
    check_version(pypdf.__version__)
    try:
        from pypdf._codecs import _pdfdoc_encoding_rev, encoding_dict_from_named_encoding
        from pypdf._codecs.core_font_metrics import CORE_FONT_METRICS
        from pypdf.generic._appearance_stream import TextStreamAppearance
        from pypdf.generic._font import Font

        for name in ("_find_annotation_font_resource", "_parse_default_appearance"):
            getattr(TextStreamAppearance, name)
        for name in ("_add_to_writer", "_get_typographic_maps", "as_font_resource", "from_truetype_font_file",
                     "from_font_resource"):
            getattr(Font, name)
        for name in ("_add_object", "_replace_object", "root_object"):
            getattr(pypdf.PdfWriter, name)
    except (ImportError, AttributeError) as e:
        raise IncompatibleDependencyError(
            f"pypdf {pypdf.__version__} lacks a part ka2forms draws form appearances with ({e}); install a "
            f"supported version: {INSTALL_HINT}") from None
    return SimpleNamespace(encoding_dict=encoding_dict_from_named_encoding, core_metrics=CORE_FONT_METRICS,
                           TextStreamAppearance=TextStreamAppearance, Font=Font,
                           pdfdoc_codes=dict(_pdfdoc_encoding_rev))


def pdfdoc_codes() -> dict[str, int]:
    """PDFDocEncoding as pypdf writes text strings in it: character → byte (any other character makes the
    string UTF-16)."""
    return dict(_api().pdfdoc_codes)


def require() -> None:
    """Check, before any work, that pypdf is installed and a supported version (raises otherwise)."""
    _api()


# ───────────────────────────── writers ─────────────────────────────

def writer_root(writer: Any) -> Any:
    """The catalog of a PdfWriter."""
    return writer.root_object


def add_object(writer: Any, obj: Any) -> Any:
    """Add ``obj`` to a PdfWriter (or to an object with pypdf's writer interface) → its IndirectObject."""
    return writer._add_object(obj)


def replace_object(writer: Any, ref: Any, obj: Any) -> Any:
    """Put ``obj`` in place of the writer's object ``ref`` (no orphaned object in the output)."""
    return writer._replace_object(ref, obj)


# ───────────────────────────── fonts ─────────────────────────────

def parse_default_appearance(da: Any) -> tuple[str | None, float, Any]:
    """(font name, size, colour) of a ``/DA`` string."""
    return _api().TextStreamAppearance._parse_default_appearance(da)


def find_font(font_name: str, widget: Any, acro: Any, text: str) -> tuple[str, Any]:
    """(resource name, pypdf Font) pypdf would draw ``text`` with in ``widget`` (core fonts: trying cp1250…)."""
    return _api().TextStreamAppearance._find_annotation_font_resource(font_name, widget, acro, text)


def is_core_font(font: Any) -> bool:
    return font.sub_type == "Type1" and font.name in _api().core_metrics


def core_font_in_encoding(base: Any, encoding: str) -> Any:
    """A copy of core font ``base`` (Helvetica…) encoded in ``encoding`` (cp1250…), with its widths."""
    api = _api()
    metrics = api.core_metrics[base.name]
    font = copy.copy(base)
    font.encoding = api.encoding_dict(encoding)
    font.character_widths = {chr(code): metrics.character_widths[glyph]
                             for code, glyph in font.encoding.items() if glyph in metrics.character_widths}
    font.character_widths["default"] = metrics.character_widths["default"]
    vars(font).pop("_get_typographic_maps", None)
    return font


def font_from_truetype(data: Any) -> Any:
    """A pypdf Font (Type0, Identity-H) for a TrueType font program given as a binary stream."""
    return _api().Font.from_truetype_font_file(data)


def font_from_resource(resource: Any) -> Any:
    return _api().Font.from_font_resource(resource)


def add_font(font: Any, writer: Any, fonts: Any, name: Any) -> Any:
    """Add ``font``'s resource (and its descriptor, file, ToUnicode) to ``writer``, as ``fonts[name]``."""
    return font._add_to_writer(writer, fonts, name)


def memoise_glyph_maps(font: Any) -> Any:
    """Compute a font's text-to-glyph maps once instead of on every appearance drawn with it.

    Only for Font objects ka2forms made and keeps (the fallback font, core-font variants): the cache is an
    attribute of that one object, pypdf's class is not changed."""
    import functools

    if "_get_typographic_maps" not in vars(font):
        font._get_typographic_maps = functools.cache(font._get_typographic_maps)
    return font


def font_metrics(font: Any) -> Any:
    """A pypdf Font as :class:`ka2forms.pdf.appearances.FontMetrics` (made once per Font object).

    Text becomes glyph codes and bytes as pypdf's own drawing does it (its "typographic maps": character →
    code → bytes; two bytes per glyph, written in hex, for Type0 fonts such as the fallback font)."""
    cached = vars(font).get("_ka2_metrics")
    if cached is not None:
        return cached
    from ka2forms.pdf.appearances import FontMetrics

    reverse, encoding = font._get_typographic_maps()
    table = {ord(k): v for k, v in reverse.items()}
    type0 = font.sub_type == "Type0"

    def to_glyphs(text: str) -> str:
        return text.translate(table)

    def code(glyph: str) -> bytes:
        hit = encoding.get(glyph)
        return hit if hit is not None else (bytes((ord(glyph),)) if ord(glyph) < 256 else b"?")

    # Usually a glyph's bytes are its code: one byte (simple fonts) or two, big-endian (Type0). Then a whole
    # line is encoded by one str.encode instead of a lookup per glyph.
    plain = "utf-16-be" if type0 else "latin-1"
    if not all(v == k.encode(plain) for k, v in encoding.items() if ord(k) < 0xD800):
        plain = ""

    def raw_bytes(glyphs: str) -> bytes:
        if plain:
            try:
                return glyphs.encode(plain)
            except UnicodeEncodeError:
                pass
        return b"".join([code(g) for g in glyphs])

    def operand(glyphs: str) -> bytes:
        raw = raw_bytes(glyphs)
        if type0:
            return b"<" + raw.hex().encode("ascii") + b">"
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") \
            .replace(b"\r", b"\\r") + b")"

    descriptor = font.font_descriptor
    widths = dict(font.character_widths)
    metrics = FontMetrics(widths=widths, default_width=float(widths.pop("default", 500) or 500),
                          ascent=float(descriptor.ascent or 718), descent=float(descriptor.descent or -207),
                          to_glyphs=to_glyphs, operand=operand)
    font._ka2_metrics = metrics
    return metrics


# ───────────────────────────── drawing ─────────────────────────────
