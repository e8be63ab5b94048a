"""The fast way to fill: an incremental update assembled from bytes prepared once per form.

Filling a form for one partner changes a few entries: a field's ``/V``, a widget's ``/AS`` or ``/DA``, and
the widgets' appearance streams. Everything else in those objects, the trailer, and the fonts the fill needs
are the same for every partner. So:

* every template dictionary a fill changes is serialised once, entry by entry (:class:`Entries`); a changed
  copy is the unchanged entries' bytes plus the new ones;
* fonts a fill must add to the form (the embedded fallback font for letters the form's font lacks, a core
  font in cp1250…) go into a *base revision*: the template plus one incremental update that adds them,
  made once per set of fonts and kept. A fill then appends its own update to that base, so the font
  objects keep their numbers and an appearance drawn with them is drawn once, not once per partner;
* appearances come from the template's :class:`~ka2forms.pdf.incremental.Drawings` cache.

:func:`fast_fill` returns None for what this path does not cover (list boxes, widgets without an
appearance stream of their own or with a "down" appearance); the caller then uses
:class:`~ka2forms.pdf.incremental.Increment`, which handles any structure.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ka2forms.pdf.incremental import (
    Drawings,
    Increment,
    TextWidget,
    _ref_bytes,
    escaped,
    render,
    startxref,
    xref_section,
)

MAX_BASES = 16
MAX_PLANNED = 4096              # (field, value) plans kept per form; then all are dropped


#: Text whose PDFDocEncoding bytes are its Latin-1 bytes: printable ASCII, and U+00A1–U+00FF but the soft
#: hyphen (PDFDocEncoding differs from Latin-1 only in 0x7F–0xA0 and 0xAD).
_PDFDOC_AS_LATIN1 = re.compile("[\x20-\x7e\xa1-\xac\xae-\xff]*")

_KEYS: dict[str, bytes] = {}
_TEXTS: dict[str, bytes] = {}


def _key_bytes(key: str) -> bytes:
    hit = _KEYS.get(key)
    if hit is None:
        from pypdf.generic import NameObject

        out = io.BytesIO()
        NameObject(key).write_to_stream(out)
        hit = _KEYS[key] = out.getvalue()
    return hit


def text_bytes(text: str) -> bytes:
    """A text string as a PDF string object (PDFDocEncoding, else UTF-16BE), remembered: titles repeat."""
    hit = _TEXTS.get(text)
    if hit is None:
        if len(_TEXTS) > 1024:
            _TEXTS.clear()
        if _PDFDOC_AS_LATIN1.fullmatch(text):       # PDFDocEncoding is Latin-1 there: skip pypdf's encoder
            hit = b"(" + escaped(text.encode("latin-1")) + b")"
        else:
            # The bytes pypdf would write — PDFDocEncoding when every letter has a code there (Š, ž, –), else
            # UTF-16 (č, ř, ő…) — as a hex string: the same string to every reader, written by one C call
            # instead of pypdf's letter-by-letter encoder and an octal escape per byte (a declaration is 1 KB).
            pdfdoc, outside = _pdfdoc()
            encoded = b"\xfe\xff" + text.encode("utf-16-be") if outside(text) else \
                text.translate(pdfdoc).encode("latin-1")
            hit = b"<" + encoded.hex().upper().encode("ascii") + b">"
        _TEXTS[text] = hit
    return hit


@cache
def _pdfdoc() -> tuple[dict[int, str], Callable[[str], Any]]:
    """(a ``str.translate`` table from text to PDFDocEncoding bytes as Latin-1 characters, a search for a
    character PDFDocEncoding lacks), from pypdf's own table."""
    from ka2forms.pdf._pypdf import pdfdoc_codes

    codes = pdfdoc_codes()
    outside = re.compile("[^" + "".join(re.escape(ch) for ch in sorted(codes)) + "]").search
    return {ord(ch): chr(code) for ch, code in codes.items()}, outside


def value_bytes(value: Any) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out)
    return out.getvalue()


class Entries:
    """A template dictionary serialised entry by entry, to write changed copies of it quickly."""

    def __init__(self, obj: Any) -> None:
        self.kept: dict[tuple[tuple[str, ...], frozenset[str]], bytes] = {}
        self.entries = []
        for key, value in dict.items(obj):
            self.entries.append((str(key), _key_bytes(key) + b" " + value_bytes(value) + b"\n"))

    def changed(self, changes: Mapping[str, bytes], drop: frozenset[str] | set[str] = frozenset()) -> bytes:
        key = (tuple(changes), frozenset(drop))
        kept = self.kept.get(key)          # a form's fills change the same keys of an object every time
        if kept is None:
            kept = self.kept[key] = b"<<\n" + b"".join([e for k, e in self.entries if k not in changes
                                                           and k not in drop])
        return kept + b"".join([_key_bytes(k) + b" " + v + b"\n" for k, v in changes.items()]) + b">>"


@dataclass
class Base:
    """The template, or the template with fonts added: what a fill appends its update to."""

    data: bytes
    prev: int                                  # offset of its last cross-reference section
    size: int                                  # its /Size: the first free object number
    refs: dict[str, bytes]                     # font resource name → ``N 0 R`` (or a direct dictionary)
    trailer: bytes                             # the trailer's entries up to /Size, serialised once


@dataclass
class FastUpdates:
    """What :func:`fast_fill` keeps per template: serialised dictionaries, bases, drawn appearances."""

    entries: dict[int, Entries] = field(default_factory=dict)
    bases: dict[frozenset[tuple[str, int]], Base] = field(default_factory=dict)
    names: dict[str, bytes] = field(default_factory=dict)
    drawings: Drawings = field(default_factory=lambda: Drawings(1024))
    widget_states: dict[int, tuple[Any, list[frozenset[str]]]] = field(default_factory=dict)   # node kept: id
    fast_fields: dict[str, bool] = field(default_factory=dict)
    planned: dict[tuple[str, str, Any], _Planned] = field(default_factory=dict)

    def of(self, obj: Any) -> tuple[int, Entries]:
        num = obj.indirect_reference.idnum
        e = self.entries.get(num)
        if e is None:
            e = self.entries[num] = Entries(obj)
        return num, e

    def states(self, node: Any) -> list[frozenset[str]]:
        """The 'on' states of each widget of a checkbox or radio field (read from the template once)."""
        key = id(node)
        hit = self.widget_states.get(key)
        if hit is None:
            from ka2forms.pdf.inspect import on_states

            hit = self.widget_states[key] = (node, [frozenset(on_states(w)) for w in node.widgets])
        return hit[1]

    def redrawable(self, form: Any, name: str) -> bool:
        """Whether every widget of text field ``name`` has a normal appearance of its own and no "down" one,
        so that this path can replace it (decided once per field)."""
        hit = self.fast_fields.get(name)
        if hit is None:
            hit = self.fast_fields[name] = all(tw.old_n is not None and "/D" not in tw.old_ap.get_object()
                                               for tw in form.widgets.get(name, ()))
        return hit

    def name(self, state: str) -> bytes:
        b = self.names.get(state)
        if b is None:
            from pypdf.generic import NameObject

            b = self.names[state] = value_bytes(NameObject(state))
        return b


def _trailer_head(reader: Any, prev: int) -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    trailer = DictionaryObject({NameObject(k): reader.trailer.raw_get(k) for k in reader.trailer
                                if k not in ("/Prev", "/XRefStm", "/Size", "/Encrypt")})
    trailer[NameObject("/Prev")] = NumberObject(prev)
    return value_bytes(trailer)[:-2]


def _base(form: Any, fonts: dict[str, tuple[Any, bool]]) -> Base:
    """The base revision for fonts ``{name: (pypdf Font, is_fallback)}`` that the template lacks."""
    fast: FastUpdates = form.fast
    key = frozenset((name, id(font)) for name, (font, _) in fonts.items())
    hit = fast.bases.get(key)
    if hit is not None:
        return hit
    from ka2forms.pdf.fill import _frozen_embedded_font

    refs = {name: _ref_bytes(res) for name, res in form.dr_fonts.items()}
    if not fonts:
        base = Base(form.clean, form.prev, form.size, refs, _trailer_head(form.reader, form.prev))
    else:
        inc = Increment(form.clean, form.reader, form.prev, form.size, form.entry_bytes)
        root = inc.edit(form.reader.trailer["/Root"].get_object())
        target = inc.edit_child(inc.edit_child(inc.edit_child(root, "/AcroForm"), "/DR"), "/Font")
        for name, (font, fallback) in sorted(fonts.items()):
            resource = _frozen_embedded_font(font).add(inc, target, name) if fallback else \
                form._add_font(inc, target, name, font)
            refs[name] = _ref_bytes(resource)
        data = inc.write()
        prev = startxref(data)
        base = Base(data, prev, max(inc.next, inc.size), refs, _trailer_head(form.reader, prev))
    if len(fast.bases) >= MAX_BASES:
        fast.bases.pop(next(iter(fast.bases)))
    fast.bases[key] = base
    return base


@dataclass
class _Planned:
    """What filling one field with one value takes, worked out once per (field, value) and kept.

    Why: a project's title, acronym, coordinator and date, a role or a country, repeat on every partner's form
    and across workbooks; a fill then only looks its values up and joins bytes. ``objects`` holds a button's
    changed objects (final); a text or dropdown value keeps what drawing needs and, in ``drawn``, the objects
    last written for it with the fonts they refer to."""

    objects: dict[int, bytes] | None = None          # checkbox / radio: object number → its bytes
    text: str = ""                                   # /V (a dropdown's export value)
    shown: str = ""                                  # what the widgets show
    fallback: bool = False                           # drawn with the embedded fallback font
    chars: frozenset[str] = frozenset()              # the letters of ``shown`` (for the fallback font)
    fonts: tuple[tuple[TextWidget, str, Any], ...] = ()   # per widget: (widget, font name, Font) unless fallback
    needed: dict[str, tuple[Any, bool]] = field(default_factory=dict)   # fonts the base must add
    drawn: tuple[tuple[Any, ...], dict[int, bytes], bool, Any] | None = None   # (font signature, objects,
    #                                                      overflow, the fallback font drawn with)


#: A value :func:`fast_fill` leaves to the general path (remembered as such too).
_GENERAL = _Planned()


def _plan(form: Any, template: Any, name: str, kind: str, value: Any) -> _Planned:
    from ka2forms.pdf.fill import _button_state

    fast: FastUpdates = form.fast
    node = form.nodes[name]
    if kind in ("checkbox", "radio"):
        state = _button_state(node, kind, value)
        widget_states = fast.states(node)
        if kind == "checkbox" and not any(widget_states):
            return _GENERAL                     # an appearance must be drawn: the general path does it
        changes: dict[int, dict[str, bytes]] = {}
        drops: dict[int, set[str]] = {}
        num, _ = fast.of(node.field)
        changes.setdefault(num, {})["/V"] = fast.name(state)
        for widget, states in zip(node.widgets, widget_states, strict=True):
            wnum, _ = fast.of(widget)
            changes.setdefault(wnum, {})["/AS"] = fast.name(state if state in states else "/Off")
            if widget is not node.field and "/T" not in widget and "/V" in widget:
                drops.setdefault(wnum, set()).add("/V")
        return _Planned(objects=_serialised(fast, changes, drops))
    if kind == "combo":
        text, shown = value[0] if value else ("", "")
    elif kind == "text":
        text = shown = value
    else:
        return _GENERAL
    if not fast.redrawable(form, name):
        return _GENERAL
    if not shown.isascii() and not template._shows_text(name, shown):
        return _Planned(text=text, shown=shown, fallback=True, chars=frozenset(shown))
    fonts = []
    needed: dict[str, tuple[Any, bool]] = {}
    for tw in form.widgets.get(name, ()):
        font_name, font = form.font_for(tw, shown)
        if font_name not in form.dr_fonts:
            needed[font_name] = (font, False)
        fonts.append((tw, font_name, font))
    return _Planned(text=text, shown=shown, fonts=tuple(fonts), needed=needed)


def _serialised(fast: FastUpdates, changes: dict[int, dict[str, bytes]], drops: dict[int, set[str]]
                ) -> dict[int, bytes]:
    objects = {num: fast.entries[num].changed(entries, drops.get(num, frozenset())) for num, entries in changes.items()}
    for num, dropped in drops.items():
        if num not in objects:
            objects[num] = fast.entries[num].changed({}, dropped)
    return objects


def _draw_planned(form: Any, name: str, p: _Planned, base: Base, fonts: tuple[tuple[TextWidget, str, Any], ...]
                  ) -> tuple[dict[int, bytes], bool]:
    """The objects a text or dropdown value changes, drawn with ``fonts``: (objects, whether the text overflows)."""
    fast: FastUpdates = form.fast
    num, _ = fast.of(form.nodes[name].field)
    changes: dict[int, dict[str, bytes]] = {num: {"/V": text_bytes(p.text)}}
    drops: dict[int, set[str]] = {num: {"/I"}}
    objects: dict[int, bytes] = {}
    overflow = False
    for tw, font_name, font in fonts:
        key = (id(tw), font_name, id(font), p.shown)
        parts = fast.drawings.get(key)          # type: ignore[arg-type]
        if parts is None:
            parts = render(tw, p.shown, font_name, font)
            fast.drawings.put(key, parts)       # type: ignore[arg-type]
        head, data, app = parts
        overflow = overflow or app.overflow
        objects[tw.old_n.idnum] = (head + base.refs[font_name] + b" >> >>\n/Length %d\n>>\nstream\n" % len(data)
                                   + data + b"\nendstream")
        if font_name != tw.da_font:
            wnum, _ = fast.of(tw.widget)
            changes.setdefault(wnum, {})["/DA"] = text_bytes(tw.da.replace(tw.da_font, font_name))
    objects.update(_serialised(fast, changes, drops))
    return objects, overflow


def fast_fill(form: Any, template: Any, coerced: Mapping[str, tuple[str, Any]]) -> tuple[bytes, list[str],
                                                                                           list[str]] | None:
    """(filled bytes, fields drawn with the fallback font, fields whose text did not fit), or None when the
    form or these values need the general path. ``form`` is the template's ``_IncrementalForm``."""
    from ka2forms.pdf.fill import _free_name, fallback_font_for

    fast: FastUpdates = form.fast
    plans: list[tuple[str, _Planned]] = []
    for name, (kind, value) in coerced.items():
        key = (name, kind, value)
        plan = fast.planned.get(key)
        if plan is None:
            plan = _plan(form, template, name, kind, value)
            if len(fast.planned) >= MAX_PLANNED:
                fast.planned.clear()
            fast.planned[key] = plan
        if plan is _GENERAL:
            return None
        plans.append((name, plan))
    fallback = [name for name, p in plans if p.fallback]
    needed: dict[str, tuple[Any, bool]] = {}
    fallback_name, drawn_with = "", None
    if fallback:
        fallback_font = fallback_font_for(frozenset().union(*(p.chars for _, p in plans if p.fallback)), template,
                                          fallback)
        fallback_name = _free_name(form.dr_fonts)
        needed[fallback_name] = (fallback_font, True)
    for _, p in plans:
        if p.needed:
            needed.update(p.needed)
    base = _base(form, needed)
    if fallback:    # drawn with the font as parsed back from its resource (what viewers will read)
        from ka2forms.pdf.fill import _frozen_embedded_font

        drawn_with = _frozen_embedded_font(fallback_font).font
    objects: dict[int, bytes] = {}
    overflow: list[str] = []
    for name, p in plans:
        if p.objects is not None:
            objects.update(p.objects)
            continue
        # What the drawn bytes depend on besides the value: the fonts' resource references, and for the
        # fallback font which subset it is (by identity: ``drawn`` keeps it alive, so its id is not reused).
        if p.fallback:
            fonts = tuple((tw, fallback_name, drawn_with) for tw in form.widgets.get(name, ()))
            signature: tuple[Any, ...] = (id(drawn_with), base.refs[fallback_name])
        else:
            fonts = p.fonts
            signature = (0, tuple(base.refs[font_name] for _, font_name, _ in fonts) if p.needed else None)
        drawn = p.drawn
        if drawn is None or drawn[0] != signature:
            objs, cut = _draw_planned(form, name, p, base, fonts)
            drawn = p.drawn = (signature, objs, cut, drawn_with)
        objects.update(drawn[1])
        if drawn[2]:
            overflow.append(name)
    return _write(base, objects), fallback, overflow


def _write(base: Base, objects: dict[int, bytes]) -> bytes:
    if not objects:
        return base.data
    parts = [base.data if base.data.endswith(b"\n") else base.data + b"\n"]
    offset = len(parts[0])
    offsets = {}
    for num in sorted(objects):
        chunk = b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
        offsets[num] = offset
        offset += len(chunk)
        parts.append(chunk)
    parts.append(xref_section(offsets))
    parts.append(b"trailer\n" + base.trailer + b"/Size %d\n>>" % max(base.size, max(offsets) + 1)
                 + b"\nstartxref\n%d\n%%%%EOF\n" % offset)
    return b"".join(parts)
