"""Filling one PDF form, fast and visibly: :class:`FormTemplate` (parse once) → :meth:`FormTemplate.fill` (per partner).

``FormTemplate.load(data)`` parses the form once, removes active content (``pdf/sanitise.py``), and
normalises the field tree so that every terminal field carries its own ``/FT``, ``/Ff``, ``/Opt``, ``/Q`` and
``/MaxLen`` and every widget its own ``/DA`` (forms from other tools let them be inherited), with multi-line
fields at font size 0 so that long text wraps instead of running out of the box. Each :meth:`fill` appends
an incremental update to that cleaned form (``pdf/update.py``, ``pdf/incremental.py``; no re-parse) and
returns new PDF bytes.

How each kind is filled:

* text: ``/V`` and an appearance drawn by ``pdf/appearances.py``. Helvetica and the other core fonts get a
  cp1250/cp1252/… ``/Differences`` encoding, so č š ž ř ě ů ő ł ß are *drawn*, not only stored. Text the
  form's font cannot show (Romanian ș ț, Greek, Cyrillic…) is drawn with an embedded subset of DejaVu Sans
  (or the TrueType font named by ``KA2FORMS_FONT``); without such a font the fill fails with a message
  instead of writing ``?``.
* checkbox: the widget's real on-state (``/Yes``, ``/On``, ``/1``, ``/Ja``…) as a name, or ``/Off``; a
  checkbox with no on-appearance gets one drawn.
* radio group: ``/V`` as a *name* (a string would select nothing in Acrobat) and ``/AS`` on every widget.
* combo box: ``/V`` is the option's export value; the appearance shows its display text.
* list box: ``/V`` and ``/I`` are set and the options are drawn, the selected ones highlighted.

``NeedAppearances`` is set to false: every value we set has its appearance, and a viewer that regenerated
them would use its own, poorer fonts. ``flatten=True`` flattens with pikepdf/qpdf, which keeps checkbox and
radio states (pypdf's flattening does not).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ka2forms.cache import cached
from ka2forms.errors import FormFileError, FormMapError, FormValueError, Location
from ka2forms.i18n import _, join_or, ngettext
from ka2forms.pdf import _pypdf as pdf_api
from ka2forms.pdf.inspect import (
    FF_COMB,
    FF_MULTILINE,
    FieldNode,
    FormField,
    FormInfo,
    choice_options,
    damaged_pdf_errors,
    describe,
    on_states,
    open_pdf,
    page_index,
    quiet_pypdf,
    radio_options,
    read_bytes,
    walk_fields,
)
from ka2forms.pdf.sanitise import strip_active_content
from ka2forms.text import fold

Value = str | bool | Sequence[str] | None

FALLBACK_FONT_ENV = "KA2FORMS_FONT"
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",      # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/TTF/DejaVuSans.ttf",                   # Arch
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",     # Fedora
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
    "C:/Windows/Fonts/DejaVuSans.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",  # macOS
    "C:/Windows/Fonts/arial.ttf",                            # Windows: Latin, Greek, Cyrillic
)
_FALLBACK_NAME = "/KA2Sans"
DRAWN_ON = "/Yes"                 # the on-state of a checkbox whose form drew none
_TRUTHY = {"true", "yes", "on", "1", "x", "ja", "da", "ano", "tak", "igen", "checked"}
_FALSY = {"false", "no", "off", "0", "", "nein", "ne", "nie", "nem", "unchecked", "none"}
#: What a field that takes no value says when given one (called when raised: the language is the caller's).
_UNFILLABLE = {
    "signature": lambda: _("a signature field cannot be filled"),
    "button": lambda: _("a button field cannot be filled"),
    "unknown": lambda: _("a field of an unknown kind cannot be filled"),
}
_TF = re.compile(r"\s(-?\d*\.?\d+)\s+Tf")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u2028\u2029]")


@dataclass(frozen=True)
class FilledForm:
    """A filled form's bytes, with what a user should hear about (fields drawn with the fallback font…)."""

    data: bytes
    warnings: tuple[str, ...] = ()
    fallback_fields: tuple[str, ...] = ()


@dataclass
class FormTemplate:
    """A parsed, cleaned form, filled many times without parsing it again."""

    name: str
    info: FormInfo
    clean: bytes                             # the sanitised, normalised form (what every fill starts from)
    removed_active_content: int = 0
    _reader: Any = field(default=None, repr=False)
    _fields: dict[str, FormField] = field(default_factory=dict, repr=False)
    _shows: dict[tuple[str, frozenset[str]], bool] = field(default_factory=dict, repr=False)
    _coerced: dict[tuple[str, Any], tuple[str, Any]] = field(default_factory=dict, repr=False)
    _kept: dict[tuple[str, tuple[str, Any]], bool] = field(default_factory=dict, repr=False)   # _unchanged, remembered
    _inc: _IncrementalForm | None = field(default=None, repr=False)   # None: fill by cloning (odd structures)
    odd: dict[str, str] = field(default_factory=dict)   # fields that cannot be filled → why (left as they are)
    _trusted: bool = True           # the form's own appearances show its values (it did not ask for a redraw)

    # ─────────────────────────────── loading ───────────────────────────────

    @classmethod
    def open(cls, path: str | Path, *, strict: bool = False) -> FormTemplate:
        """Load the form at ``path``; the file itself is only read."""
        return cls.load(read_bytes(path), name=str(path), strict=strict)

    @classmethod
    def load(cls, data: bytes, *, name: str = "form.pdf", strict: bool = False) -> FormTemplate:
        """Parse, sanitise and normalise a form given as bytes (raises FormFileError for unusable files).

        An installed pypdf that ka2forms was not written for raises IncompatibleDependencyError first (a bug
        to fix on our side, exit 3), so that a missing pypdf module is never reported as a damaged form.

        A field whose widget cannot be drawn (no usable rectangle or ``/DA``) does not cost the form: it is
        listed in :attr:`odd`, and fills leave it as it is with a warning. ``strict=True`` refuses the form
        instead (FormFileError naming the field)."""
        pdf_api.require()
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import NameObject

        reader, encrypted = open_pdf(data, name=name)
        try:
            with quiet_pypdf():
                w = PdfWriter(clone_from=reader)
                catalog = pdf_api.writer_root(w)
                removed = strip_active_content(catalog, w.pages)
                _normalise(catalog, w.pages)
                trusted = True
                if "/AcroForm" in catalog:   # every value we set gets its appearance
                    acro_form = catalog["/AcroForm"].get_object()
                    trusted = not bool(acro_form.get("/NeedAppearances", False))   # else they may be stale
                    acro_form[NameObject("/NeedAppearances")] = _false()
                clean = _reachable_only(w)
                template_reader = PdfReader(io.BytesIO(clean))
                root = template_reader.trailer["/Root"].get_object()
                pages = list(template_reader.pages)
                nodes = walk_fields(root, pages)
                where = page_index(pages)
                fields = tuple(describe(n, where) for n in nodes)
                odd: dict[str, str] = {}
                inc = _IncrementalForm.prepare(clean, template_reader, root, pages, nodes, name=name, odd=odd)
        except damaged_pdf_errors() as e:  # pypdf raises many kinds on damaged objects deep in a file
            raise FormFileError(_("damaged PDF form, cannot be prepared for filling ({error})").format(
                error=f"{e.__class__.__name__}: {e}"), where=Location(file=name)) from None
        if strict and odd:
            first = next(iter(odd))
            raise FormFileError(_("this field cannot be filled ({why}); without --strict it is left as it is and "
                                  "the other fields are filled").format(why=odd[first]),
                                where=Location(file=name, field=first))
        info = FormInfo(file=name, pages=len(pages), fields=fields, xfa=False, active_content=0,
                        encrypted=encrypted)
        return cls(name=name, info=info, clean=clean, removed_active_content=removed, _reader=template_reader,
                   _fields={f.name: f for f in fields}, _inc=inc, odd=odd, _trusted=trusted)

    @property
    def fields(self) -> dict[str, FormField]:
        return dict(self._fields)

    def where(self, field_name: str | None = None) -> Location:
        return Location(file=self.name, field=field_name)

    # ─────────────────────────────── filling ───────────────────────────────

    def check(self, values: Mapping[str, Value]) -> None:
        """Raise the first error :meth:`fill` would raise for these values, without drawing anything."""
        for name, value in values.items():
            if value is not None and name not in self.odd:
                self._coerce(name, value)

    def _coerce(self, name: str, value: Value) -> tuple[str, Any]:
        """(kind, normalised value) for a field; FormMapError / FormValueError for what cannot be filled.

        Remembered for text and single values (planning checks every value, filling needs it again, and a
        project's title or a partner's country repeat on many forms)."""
        key = (name, value) if isinstance(value, (str, bool)) else None
        if key is not None:
            hit = self._coerced.get(key)
            if hit is not None:
                return hit
        result = self._coerce_new(name, value)
        if key is not None:
            if len(self._coerced) > 1024:
                self._coerced.clear()
            self._coerced[key] = result
        return result

    def _coerce_new(self, name: str, value: Value) -> tuple[str, Any]:
        f = self._fields.get(name)
        if f is None:
            raise FormMapError(_("the form has no field {name!r}").format(name=name) + _similar(name, self._fields),
                               where=self.where(name))
        where = self.where(name)
        if f.kind == "checkbox":
            return f.kind, self._checkbox_state(f, value)
        if f.kind == "radio":
            return f.kind, self._radio_option(f, value)
        if f.kind == "combo":
            return f.kind, self._choice(f, value, multi=False)
        if f.kind == "list":
            return f.kind, self._choice(f, value, multi=f.multiselect)
        if f.kind in ("signature", "button", "unknown"):
            raise FormValueError(_UNFILLABLE[f.kind](), where=where)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise FormValueError(_("a text field needs text, not {value!r}").format(value=value), where=where)
        text = _clean_text(str(value), multiline=f.multiline)
        if f.maxlen is not None and len(text) > f.maxlen:
            raise FormValueError(ngettext("{n} character, but the field takes at most {maxlen}: {text!r}",
                                          "{n} characters, but the field takes at most {maxlen}: {text!r}",
                                          len(text)).format(n=len(text), maxlen=f.maxlen, text=text), where=where)
        return f.kind, text

    def _checkbox_state(self, f: FormField, value: Value) -> str:
        states = f.on_states or (DRAWN_ON[1:],)     # no 'on' appearance: ka2forms draws one (from /MK /CA)
        if isinstance(value, bool):
            return "/" + states[0] if value else "/Off"
        if isinstance(value, str):
            v = value.strip().removeprefix("/")
            if v in states:
                return "/" + v
            if v == "Off" or v.casefold() in _FALSY:
                return "/Off"
            if v.casefold() in _TRUTHY:
                return "/" + states[0]
        raise FormValueError(_("a checkbox takes true or false (or its on-state), not {value!r}").format(value=value),
                             options=("true", "false", *states), where=self.where(f.name))

    def _radio_option(self, f: FormField, value: Value) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise FormValueError(_("a radio group takes one of its options, not {value!r}").format(value=value),
                                 options=[o.export for o in f.options], where=self.where(f.name))
        v = str(value).strip().removeprefix("/")
        if v in ("", "Off"):
            return None
        for o in f.options:
            if v == o.export:
                return o.export
        for o in f.options:
            if fold(v) in (fold(o.export), fold(o.display)):
                return o.export
        raise FormValueError(_("{value!r} is not an option of this radio group").format(value=value),
                             options=[o.export for o in f.options], where=self.where(f.name))

    def _choice(self, f: FormField, value: Value, *, multi: bool) -> tuple[tuple[str, str], ...]:
        """((export, display), …) for a dropdown or list box value (a list for multi-select list boxes)."""
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        if len(items) > 1 and not multi:
            raise FormValueError(_("this field takes one option, not a list"), where=self.where(f.name))
        chosen = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise FormValueError(_("an option is text, not {value!r}").format(value=item),
                                     options=[o.export for o in f.options],
                                     where=self.where(f.name))
            v = str(item).strip()
            match = next((o for o in f.options if v == o.export), None) or \
                next((o for o in f.options if v == o.display), None) or \
                next((o for o in f.options if fold(v) in (fold(o.export), fold(o.display))), None)
            if match is not None:
                chosen.append((match.export, match.display))
            elif f.editable or not f.options:
                chosen.append((_clean_text(v, multiline=False),) * 2)
            elif v == "":
                continue
            else:
                shown = [o.export if o.export == o.display else f"{o.export} ({o.display})" for o in f.options]
                not_one = (_("{value!r} is not an option of this dropdown") if f.kind == "combo" else
                           _("{value!r} is not an option of this list"))
                raise FormValueError(not_one.format(value=v),
                                     options=shown, where=self.where(f.name))
        return tuple(chosen)

    def fill(self, values: Mapping[str, Value], *, flatten: bool = False) -> FilledForm:
        """A filled copy. ``values``: field name → text, bool (checkbox), option, or a list (multi-select).

        The copy is the clean template followed by an incremental update holding only what changed (fast:
        no clone, no rewrite); forms whose fields or widgets are not separate objects are cloned instead.
        """
        skipped = [name for name, v in values.items() if v is not None and name in self.odd]
        coerced = {}
        kept = self._kept
        for name, v in values.items():
            if v is None or name in self.odd:
                continue
            kv = self._coerce(name, v)
            same = kept.get((name, kv))
            if same is None:                # the template never changes: whether it holds a value is fixed
                if len(kept) > 4096:
                    kept.clear()
                same = kept[(name, kv)] = self._unchanged(name, *kv)
            if not same:
                coerced[name] = kv
        if self._inc is not None:         # reads only objects parsed when the form was loaded: pypdf stays quiet
            data, fallback, overflow = self._inc.fill(self, coerced)
        else:
            with quiet_pypdf():
                data, fallback, overflow = self._fill_by_cloning(coerced)
        warnings = [_("field {name!r} cannot be filled ({why}); left as the form has it").format(
            name=name, why=self.odd[name]) for name in skipped]
        if fallback:
            warnings.append(_("drawn with the embedded fallback font (the form's font lacks some letters): "
                              "{fields}").format(fields=", ".join(fallback)))
        for name in overflow:
            warnings.append(_("field {name!r}: the value does not fit the field at its font size and is cut off "
                              "where the box ends (shorten it, or make the field's font size automatic)").format(
                name=name))
        if flatten:
            data = flatten_pdf(data, name=self.name)
        return FilledForm(data, tuple(warnings), tuple(fallback))

    def _unchanged(self, name: str, kind: str, value: Any) -> bool:
        """Whether the form already holds this value with an appearance for it: then the field is left
        exactly as it is (a redrawn copy could lose what the form's author drew, as a dropdown's background)."""
        if self._inc is None or not self._trusted:
            return False
        current = self._fields[name].value
        node = self._inc.nodes[name]
        if kind in ("checkbox", "radio"):
            state = _button_state(node, kind, value)
            return current is not None and "/" + str(current) == state and \
                all(str(w.get("/AS", "/Off")) == (state if state in states else "/Off")
                    for w, states in zip(node.widgets, self._inc.fast.states(node), strict=True))
        if kind == "list":
            exports = tuple(e for e, _ in value)
            return (current == exports or (len(exports) == 1 and current == exports[0])) and \
                all("/AP" in w for w in node.widgets)
        shown = value[0][0] if kind == "combo" and value else ("" if kind == "combo" else value)
        widgets = self._inc.widgets.get(name, [])
        return current == shown and bool(widgets) and all(tw.old_n is not None and _draws(tw.old_n) for tw in widgets)

    def _fill_by_cloning(self, coerced: Mapping[str, tuple[str, Any]]) -> tuple[bytes, list[str], list[str]]:
        """Clone the parsed template with pypdf, set values, draw appearances, write the whole file."""
        from pypdf import PdfWriter
        from pypdf.generic import ArrayObject, NameObject, NumberObject, TextStringObject

        from ka2forms.pdf.incremental import text_widget

        w = PdfWriter(clone_from=self._reader)
        root = pdf_api.writer_root(w)
        acro = root["/AcroForm"].get_object()
        pages = list(w.pages)
        nodes = {n.name: n for n in walk_fields(root, pages)}
        page_of = _page_objects(pages)
        texts: dict[str, str] = {}
        combos: dict[str, tuple[str, str]] = {}
        for name, (kind, value) in coerced.items():
            node = nodes[name]
            if kind in ("checkbox", "radio"):
                state = _button_state(node, kind, value)
                node.field[NameObject("/V")] = NameObject(state)
                for widget in node.widgets:
                    widget[NameObject("/AS")] = NameObject(state if state in on_states(widget) else "/Off")
                    if widget is not node.field and "/T" not in widget:
                        widget.pop("/V", None)
            elif kind == "combo":
                combos[name] = value[0] if value else ("", "")
                texts[name] = combos[name][1]
            elif kind == "list":
                exports = [e for e, _ in value]
                opts = [o.export for o in choice_options(node.attrs.get("/Opt"))]
                node.field[NameObject("/V")] = (ArrayObject(TextStringObject(e) for e in exports)
                                                if len(exports) != 1 else TextStringObject(exports[0]))
                node.field[NameObject("/I")] = ArrayObject(NumberObject(opts.index(e)) for e in exports
                                                           if e in opts)
            else:
                texts[name] = value
        fallback = [n for n, t in texts.items() if not t.isascii() and not self._shows_text(n, t)]
        fonts = _child(_child(acro, "/DR"), "/Font")
        overflow: list[str] = []
        fallback_name, fallback_font = "", None
        if fallback:
            fallback_font = _fallback_font([texts[n] for n in fallback], self, fallback)
            fallback_name = _free_name(fonts)
            pdf_api.add_font(fallback_font, w, fonts, NameObject(fallback_name))
        for name, text in texts.items():
            node = nodes[name]
            node.field[NameObject("/V")] = TextStringObject(text)
            node.field.pop("/I", None)
            for widget in node.widgets:
                page = page_of.get(_key(widget))
                if page is None or "/Rect" not in widget:
                    continue
                tw = text_widget(node.field, widget, page, acro, name=name, file=self.name)
                if name in fallback:
                    font_name, font = fallback_name, fallback_font
                else:
                    font_name, font = _choose_font(_font_variants(tw, acro), text)
                    if font_name not in fonts:
                        pdf_api.add_font(font, w, fonts, NameObject(font_name))
                if _draw(w, widget, tw, text, font_name, font, fonts[font_name]) and name not in overflow:
                    overflow.append(name)
            if name in combos:
                node.field[NameObject("/V")] = TextStringObject(combos[name][0])
        acro[NameObject("/NeedAppearances")] = _false()
        buf = io.BytesIO()
        w.write(buf)
        return buf.getvalue(), fallback, overflow

    def _shows_text(self, field_name: str, text: str) -> bool:
        """Whether the field's own font (core fonts: in cp1250, cp1252… too) can draw ``text``."""
        flat = text.replace("\n", "")
        if self._inc is not None and self._inc.widgets.get(field_name):
            _, font = self._inc.font_for(self._inc.widgets[field_name][0], flat)
            return set(flat) <= _encodable(font) and _viewers_draw(font, flat)
        key = (field_name, frozenset(flat))
        if key not in self._shows:
            root = self._reader.trailer["/Root"].get_object()
            node = next(n for n in walk_fields(root, list(self._reader.pages)) if n.name == field_name)
            self._shows[key] = _form_font_shows(root["/AcroForm"].get_object(), node, text)
        return self._shows[key]


# ─────────────────────────────── filling as an incremental update ───────────────────────────────

_PRINTABLE_ASCII = frozenset(map(chr, range(0x20, 0x7F)))
_NO_LETTERS: frozenset[str] = frozenset()


@dataclass
class _IncrementalForm:
    """What a fill as an incremental update needs, read once per template (``pdf/incremental.py`` says why)."""

    clean: bytes
    reader: Any
    prev: int
    size: int
    acro: Any
    nodes: dict[str, FieldNode]
    widgets: dict[str, list[Any]]                       # text/combo field → its TextWidgets
    dr_fonts: Any                                       # /AcroForm /DR /Font of the template (resolved)
    variants: dict[str, list[tuple[str, Any, frozenset[str]]]] = field(default_factory=dict)
    ascii_ok: dict[str, frozenset[str]] = field(default_factory=dict)
    all_ascii: dict[str, bool] = field(default_factory=dict)     # the font encodes all of printable ASCII
    fonts: dict[tuple[str, frozenset[str]], tuple[str, Any]] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    entry_bytes: dict[tuple[int, str], tuple[Any, bytes]] = field(default_factory=dict)
    drawings: Any = None                                # incremental.Drawings, made in prepare()
    fast: Any = None                                    # update.FastUpdates, made in prepare()

    @classmethod
    def prepare(cls, clean: bytes, reader: Any, root: Any, pages: list[Any], nodes: list[FieldNode], *,
                name: str, odd: dict[str, str] | None = None) -> _IncrementalForm | None:
        """The prepared form, or None when a fill has to clone instead (a field or widget that is not an
        object of its own, a catalog without a number, a cross-reference we cannot extend)."""
        from pypdf.generic import DictionaryObject

        from ka2forms.pdf.incremental import Drawings, NotIncremental, startxref, text_widget

        try:
            prev = startxref(clean)
        except NotIncremental:
            return None
        if getattr(root, "indirect_reference", None) is None or "/AcroForm" not in root:
            return None
        acro = root["/AcroForm"].get_object()
        page_of = _page_objects(pages)
        widgets: dict[str, list[Any]] = {}
        for node in nodes:
            if any(getattr(x, "indirect_reference", None) is None for x in (node.field, *node.widgets)):
                return None
            if node.kind in ("text", "combo", "list"):
                try:
                    widgets[node.name] = [text_widget(node.field, w, page_of[_key(w)], acro, name=node.name,
                                                      file=name)
                                          for w in node.widgets if _key(w) in page_of and "/Rect" in w]
                except FormFileError as e:
                    if odd is None:
                        raise
                    odd[node.name] = e.message
        dr = acro.get("/DR")
        fonts = dr.get_object().get("/Font") if dr is not None else None
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        from ka2forms.pdf.update import FastUpdates

        return cls(clean=clean, reader=reader, prev=prev, size=int(reader.trailer["/Size"]), acro=acro,
                   nodes={n.name: n for n in nodes}, widgets=widgets, dr_fonts=fonts, drawings=Drawings(),
                   fast=FastUpdates())

    def font_for(self, tw: Any, text: str) -> tuple[str, Any]:
        """(font name, pypdf Font) to draw ``text`` in this widget with: the ``/DA`` font when it can encode
        the text, else for a core font (Helvetica…) the first of its cp1250, cp1252, cp1254, cp1257 and
        ISO 8859-15 encodings that can, as pypdf ≥ 6.16 does (but in a fixed order: pypdf tries a *set*, so
        two processes could pick different encodings for Polish or Baltic text and write different bytes).
        Remembered per set of letters outside ASCII."""
        fonts = self.variants.get(tw.da_font)
        if fonts is None:
            fonts = self.variants[tw.da_font] = _font_variants(tw, self.acro)
        base_name, base, base_chars = fonts[0]
        ascii_ok = self.ascii_ok.get(tw.da_font)
        if ascii_ok is None:
            ascii_ok = self.ascii_ok[tw.da_font] = frozenset(ch for ch in base_chars if ch.isascii())
            self.all_ascii[tw.da_font] = ascii_ok >= _PRINTABLE_ASCII
        if text.isascii() and text.isprintable() and self.all_ascii[tw.da_font]:
            key = (tw.da_font, _NO_LETTERS)          # most values: no set to build
        else:
            key = (tw.da_font, frozenset(set(text) - ascii_ok))
        hit = self.fonts.get(key)
        if hit is None:
            letters = set(text)
            hit = next(((name, font) for name, font, chars in fonts if letters <= chars), None)
            if hit is None and base.font_descriptor.font_file and base.sub_type == "TrueType":
                hit = pdf_api.find_font(tw.da_font, tw.widget, self.acro, text)
                pdf_api.memoise_glyph_maps(hit[1])
            hit = self.fonts[key] = hit or (base_name, base)
        return hit

    def fill(self, template: FormTemplate, coerced: Mapping[str, tuple[str, Any]]
             ) -> tuple[bytes, list[str], list[str]]:
        """(bytes, fields drawn with the fallback font, fields whose text does not fit)."""
        from pypdf.generic import ArrayObject, NameObject, NumberObject

        from ka2forms.pdf.incremental import Increment, draw, render_list, text_string
        from ka2forms.pdf.update import fast_fill

        fast = fast_fill(self, template, coerced)
        if fast is not None:
            return fast
        inc = Increment(self.clean, self.reader, self.prev, self.size, self.entry_bytes)
        texts: dict[str, str] = {}
        combos: dict[str, str] = {}
        lists: dict[str, tuple[list[str], set[int]]] = {}
        for name, (kind, value) in coerced.items():
            node = self.nodes[name]
            if kind in ("checkbox", "radio"):
                state = _button_state(node, kind, value)
                inc.edit(node.field)[NameObject("/V")] = NameObject(state)
                if kind == "checkbox" and not any(on_states(w) for w in node.widgets):
                    _draw_checkbox(inc, node, state, self.acro, name, template.name)
                    continue
                for widget in node.widgets:
                    w = inc.edit(widget)
                    w[NameObject("/AS")] = NameObject(state if state in on_states(widget) else "/Off")
                    if widget is not node.field and "/T" not in widget:
                        w.pop("/V", None)
            elif kind == "combo":
                export, display = value[0] if value else ("", "")
                combos[name] = export
                texts[name] = display
            elif kind == "list":
                exports = [e for e, _ in value]
                options = choice_options(node.attrs.get("/Opt"))
                opts = [o.export for o in options]
                f = inc.edit(node.field)
                f[NameObject("/V")] = (ArrayObject(text_string(e) for e in exports)
                                       if len(exports) != 1 else text_string(exports[0]))
                chosen = [opts.index(e) for e in exports if e in opts]
                f[NameObject("/I")] = ArrayObject(NumberObject(i) for i in chosen)
                lists[name] = ([o.display for o in options], set(chosen))
            else:
                texts[name] = value
        shown = {**texts, **{n: "\n".join(items) for n, (items, _) in lists.items()}}
        fallback = [n for n, t in shown.items() if not t.isascii() and not template._shows_text(n, t)]
        added: dict[str, Any] = {}            # fonts added to /AcroForm /DR in this fill → their resource

        def font_fonts() -> Any:
            root = inc.edit(self.reader.trailer["/Root"].get_object())
            return inc.edit_child(inc.edit_child(inc.edit_child(root, "/AcroForm"), "/DR"), "/Font")

        def font_resource(font_name: str, font: Any) -> Any:
            """The /DR font resource named ``font_name``: the form's, one this fill added, or added now."""
            if font_name in added:
                return added[font_name]
            if font_name in self.dr_fonts:
                return self.dr_fonts[font_name]
            added[font_name] = self._add_font(inc, font_fonts(), font_name, font)
            return added[font_name]

        fallback_name, fallback_font = "", None
        overflow: list[str] = []
        if fallback:
            font = _fallback_font([shown[n] for n in fallback], template, fallback)
            fonts = font_fonts()
            fallback_name = _free_name(fonts)
            frozen = _frozen_embedded_font(font)
            added[fallback_name] = frozen.add(inc, fonts, fallback_name)
            fallback_font = frozen.font
        for name, text in texts.items():
            node = self.nodes[name]
            f = inc.edit(node.field)
            f[NameObject("/V")] = text_string(text)
            f.pop("/I", None)
            for tw in self.widgets.get(name, ()):
                if name in fallback:
                    font_name, font = fallback_name, fallback_font
                else:
                    font_name, font = self.font_for(tw, text)
                resource = font_resource(font_name, font)
                app = draw(inc, tw, text, font_name, font, resource, None if name in fallback else self.drawings)
                if app.overflow and name not in overflow:
                    overflow.append(name)
            if name in combos:
                f[NameObject("/V")] = text_string(combos[name])
        for name, (items, chosen) in lists.items():
            for tw in self.widgets.get(name, ()):
                font_name, font = (fallback_name, fallback_font) if name in fallback else \
                    self.font_for(tw, shown[name].replace("\n", ""))
                resource = font_resource(font_name, font)
                top = _top_index(self.nodes[name], tw, chosen, font)
                if top != int(self.nodes[name].field.get("/TI", 0) or 0):
                    inc.edit(self.nodes[name].field)[NameObject("/TI")] = NumberObject(top)
                parts = render_list(tw, items, chosen, top, font_name, font)
                draw(inc, tw, "", font_name, font, resource, None, parts=parts)
        return inc.write(), fallback, overflow

    def _add_font(self, inc: Any, fonts: Any, name: str, font: Any) -> Any:
        """Add ``font`` to the update's ``/DR /Font`` as ``name``. A core-font variant (Helvetica with a
        cp1250 ``/Differences`` encoding…) is built and serialised once per template, then only copied."""
        from pypdf.generic import NameObject

        from ka2forms.pdf.incremental import Frozen

        cached = self.resources.get(name)
        if cached is None:
            resource = font.as_font_resource()
            if "/DescendantFonts" in resource or "/FontDescriptor" in resource:   # an embedded font: not shared
                return pdf_api.add_font(font, inc, fonts, NameObject(name)).get_object()
            to_unicode = resource.pop("/ToUnicode", None)
            cached = self.resources[name] = (Frozen.of(resource), Frozen.of(to_unicode) if to_unicode else None)
        body, to_unicode = cached
        extra = {"/ToUnicode": inc.add_object(to_unicode.copy())} if to_unicode is not None else {}
        resource = body.with_entries(extra)
        fonts[NameObject(name)] = inc.add_object(resource)
        return resource


# ─────────────────────────────── helpers ───────────────────────────────


@dataclass(frozen=True)
class _FrozenEmbeddedFont:
    """An embedded font's objects serialised once per process; each fill appends copies with fresh numbers.

    Writing the fallback font with pypdf builds its widths array and ToUnicode map and reads the font program
    with fontTools again for every fill (about 5 ms); the bytes are the same every time, so only the object
    numbers that link them change.
    """

    font: Any                      # pypdf Font parsed from the written resource (for drawing)
    root: Any                      # Frozen font dictionary without /DescendantFonts, /FontDescriptor, /ToUnicode
    descendant: Any | None         # Frozen CIDFont dictionary without /FontDescriptor (Type0 fonts)
    descriptor: Any                # Frozen font descriptor without its font file
    file_key: str                  # /FontFile2 …
    file: Any                      # Frozen font program stream
    to_unicode: Any | None         # Frozen ToUnicode stream

    def add(self, inc: Any, fonts: Any, name: str) -> Any:
        from pypdf.generic import ArrayObject, NameObject

        file_ref = inc.add_object(self.file.copy())
        descriptor_ref = inc.add_object(self.descriptor.with_entries({self.file_key: file_ref}))
        entries: dict[str, Any] = {}
        if self.descendant is not None:
            cid = inc.add_object(self.descendant.with_entries({"/FontDescriptor": descriptor_ref}))
            entries["/DescendantFonts"] = ArrayObject([cid])
        else:
            entries["/FontDescriptor"] = descriptor_ref
        if self.to_unicode is not None:
            entries["/ToUnicode"] = inc.add_object(self.to_unicode.copy())
        resource = self.root.with_entries(entries)
        fonts[NameObject(name)] = inc.add_object(resource)
        return resource


def _frozen_embedded_font(font: Any) -> _FrozenEmbeddedFont:
    """The frozen form of a (cached) fallback Font, made on first use and kept on the Font object."""
    cached = getattr(font, "_ka2_frozen", None)
    if cached is not None:
        return cached
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    from ka2forms.pdf.incremental import Frozen

    scratch = PdfWriter()
    written = pdf_api.add_font(font, scratch, DictionaryObject(), NameObject("/F")).get_object()
    parsed = pdf_api.memoise_glyph_maps(pdf_api.font_from_resource(written))
    root = DictionaryObject({k: v for k, v in written.items() if k not in ("/DescendantFonts", "/ToUnicode")})
    to_unicode = written.get("/ToUnicode")
    descendant = None
    holder = written
    if "/DescendantFonts" in written:
        holder = written["/DescendantFonts"][0].get_object()
        descendant = DictionaryObject({k: v for k, v in holder.items() if k != "/FontDescriptor"})
    descriptor = holder["/FontDescriptor"].get_object()
    root.pop("/FontDescriptor", None)
    file_key = next(k for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in descriptor)
    frozen = _FrozenEmbeddedFont(
        font=parsed, root=Frozen.of(root), descendant=Frozen.of(descendant) if descendant is not None else None,
        descriptor=Frozen.of(DictionaryObject({k: v for k, v in descriptor.items() if k != file_key})),
        # pypdf writes both streams uncompressed (31 + 5 KB); compressed once here, every fill is smaller.
        file_key=file_key, file=Frozen.of(descriptor[file_key].get_object().flate_encode()),
        to_unicode=Frozen.of(to_unicode.get_object().flate_encode()) if to_unicode is not None else None)
    font._ka2_frozen = frozen
    return frozen

CORE_ENCODINGS = ("cp1250", "cp1252", "cp1254", "cp1257", "iso8859_15")   # those pypdf ≥ 6.16 tries


def _font_variants(tw: Any, acro: Any) -> list[tuple[str, Any, frozenset[str]]]:
    """A widget's ``/DA`` font and, for the 14 core fonts, its variants in other 8-bit encodings, each with
    the letters it can encode (the variant code follows pypdf's ``_find_annotation_font_resource``)."""
    name, base = pdf_api.find_font(tw.da_font, tw.widget, acro, "")
    pdf_api.memoise_glyph_maps(base)
    out = [(name, base, _encodable(base))]
    if pdf_api.is_core_font(base):
        for encoding in CORE_ENCODINGS:
            font = pdf_api.memoise_glyph_maps(pdf_api.core_font_in_encoding(base, encoding))
            out.append(("/PYPDF1" + encoding, font, _encodable(font)))
    return out


def _encodable(font: Any) -> frozenset[str]:
    """The letters a pypdf Font can encode (what its ``can_encode`` checks, as a set), computed once per Font:
    the fonts asked are the template's and ka2forms' own, kept for the process."""
    cached = vars(font).get("_ka2_encodable")
    if cached is not None:
        return cached
    if font.character_map:
        letters = frozenset(font.character_map.values())
    elif isinstance(font.encoding, dict):
        letters = frozenset(font.encoding.values())
    else:
        letters = frozenset()
    font._ka2_encodable = letters
    return letters


def _false() -> Any:
    from pypdf.generic import BooleanObject

    return BooleanObject(False)


def _key(x: Any) -> Any:
    ref = getattr(x, "indirect_reference", None)
    return (ref.idnum, ref.generation) if ref is not None else id(x)


def _page_objects(pages: list[Any]) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for page in pages:
        for annot in page.get("/Annots") or []:
            out.setdefault(_key(annot.get_object()), page)
    return out


def _similar(name: str, fields: Mapping[str, Any]) -> str:
    import difflib

    names = list(fields)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6) or \
        [n for n in names if fold(n) == fold(name)]
    if close:
        return _(" — did you mean {suggestions}?").format(suggestions=join_or([repr(c) for c in close]))
    return _(" (fields: {names})").format(names=", ".join(repr(n) for n in names[:30]) + (" …" if len(names) > 30
                                                                                          else ""))


def _clean_text(text: str, *, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = re.sub(r"\s*\n\s*", " ", text)
    return text.strip() if not multiline else text.strip("\n ")


def _radio_state(node: FieldNode, export: str) -> str:
    """The appearance state name of a radio option (``/export``, or ``/i`` when ``/Opt`` names the exports)."""
    states = [s for w in node.widgets for s in on_states(w)]
    if "/" + export in states:
        return "/" + export
    for o, state in zip(radio_options(node), dict.fromkeys(states), strict=False):
        if o.export == export:
            return state
    return "/" + export


def _reachable_only(writer: Any) -> bytes:
    """The writer's document without the objects nothing refers to any more.

    Fills append to these bytes, so what stripping cut loose (scripts, embedded files, multimedia) must not
    stay in them. A writer keeps every object it has cloned, and pypdf's ``remove_unreferenced`` leaves some
    (an embedded file's stream); cloning the written document again copies only what its catalog reaches."""
    from pypdf import PdfReader, PdfWriter

    first = io.BytesIO()
    writer.write(first)
    again = PdfWriter(clone_from=PdfReader(io.BytesIO(first.getvalue())))
    out = io.BytesIO()
    again.write(out)
    return out.getvalue()


def _normalise(root: Any, pages: Any) -> None:
    """Put inherited attributes on terminal fields and widgets; multi-line fields at font size 0 (traps 5, 10)."""
    from pypdf.generic import NameObject, TextStringObject

    for node in walk_fields(root, pages):
        for key in ("/FT", "/Ff", "/Opt", "/Q", "/MaxLen"):
            if key in node.attrs and key not in node.field:
                node.field[NameObject(key)] = node.attrs[key]
        da = node.attrs.get("/DA")
        multiline = node.kind == "text" and bool(node.flags & FF_MULTILINE)
        comb = node.kind == "text" and bool(node.flags & FF_COMB) and not multiline
        if len(node.widgets) == 1 and node.widgets[0] is not node.field:
            for key in ("/MK", "/BS"):  # pypdf reads the border and background from the field
                if key in node.widgets[0] and key not in node.field:
                    node.field[NameObject(key)] = node.widgets[0][key]
        for widget in node.widgets:
            if da is not None and "/DA" not in widget:
                widget[NameObject("/DA")] = da
            if "/MaxLen" in node.attrs and "/MaxLen" not in widget:
                widget[NameObject("/MaxLen")] = node.attrs["/MaxLen"]
            if "/DA" not in widget:
                continue
            da_text = str(widget["/DA"])
            if multiline:
                widget[NameObject("/DA")] = TextStringObject(_TF.sub(" 0 Tf", da_text))
            elif comb and (m := _TF.search(da_text)) and float(m.group(1)) == 0:
                # pypdf auto-sizes before spacing combs: a 0-size comb field would not be spaced into cells
                height = abs(float(widget["/Rect"][3]) - float(widget["/Rect"][1])) if "/Rect" in widget else 20
                size = round(min(12.0, max(6.0, height * 0.6)), 1)
                widget[NameObject("/DA")] = TextStringObject(_TF.sub(f" {size} Tf", da_text))


def _form_font_shows(acro: Any, node: FieldNode, text: str) -> bool:
    """Whether pypdf can draw ``text`` with the field's own font (core fonts: after trying cp1250 and others)."""
    widget = node.widgets[0] if node.widgets else node.field
    da = widget.get("/DA") or acro.get("/DA")
    font_name = "/Helv"
    if da is not None:
        font_name = pdf_api.parse_default_appearance(da)[0] or "/Helv"
    flat = text.replace("\n", "")
    _, font = pdf_api.find_font(font_name, widget, acro, flat)
    return bool(font.can_encode(flat)) and _viewers_draw(font, flat)


def _viewers_draw(font: Any, text: str) -> bool:
    """Whether every viewer draws ``text`` in ``font``, not only whether the font's encoding holds it.

    A font that is not embedded is drawn by the viewer's substitute. Substitutes for the standard fonts cover
    WinAnsi (cp1252) at least; beyond it (č ř ů ě ő ł …, written with a cp1250 /Differences encoding) pdfium,
    as in Chrome and Edge, draws nothing. So such text needs an embedded font: the field's, or the fallback.
    """
    try:
        text.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return bool(font.font_descriptor.font_file)


def fallback_font_path() -> Path | None:
    """The TrueType font used for text the form's font cannot show: ``$KA2FORMS_FONT``, else DejaVu Sans…"""
    return _first_font_file(os.environ.get(FALLBACK_FONT_ENV))


@lru_cache(maxsize=4)
def _first_font_file(env: str | None) -> Path | None:
    """Looked up once per process and setting (a batch asks for every form that needs the fallback)."""
    candidates = ([env] if env else []) + list(FALLBACK_FONTS)
    try:  # matplotlib ships DejaVu Sans; use it when the system has none
        import importlib.util

        spec = importlib.util.find_spec("matplotlib")
        if spec and spec.origin:
            candidates.append(str(Path(spec.origin).parent / "mpl-data/fonts/ttf/DejaVuSans.ttf"))
    except (ImportError, ValueError):
        pass
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@lru_cache(maxsize=8)
def _font_letters(path: str) -> frozenset[str]:
    """The letters a font file has (as :func:`_font_coverage`, as characters: compared with text by set
    difference)."""
    return frozenset(map(chr, _font_coverage(path)))


@lru_cache(maxsize=8)
def _font_coverage(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as f:
        return frozenset(f.getBestCmap() or {})


@lru_cache(maxsize=8)
def _subset(path: str, chars: frozenset[str]) -> bytes:
    """A subset of the font with the glyphs for ``chars`` and printable ASCII (a few KB instead of 700), kept
    in the user's cache (:mod:`ka2forms.cache`) under the font file's identity: made once per machine."""
    import fontTools

    st = os.stat(path)
    key = f"{os.path.abspath(path)}\0{st.st_size}\0{st.st_mtime_ns}\0{fontTools.version}\0{''.join(sorted(chars))}"
    return cached("font-subsets", key, lambda: _make_subset(path, chars))


def _make_subset(path: str, chars: frozenset[str]) -> bytes:
    from fontTools import subset

    options = subset.Options()
    # Names: copyright, family, style, unique id, full name, PostScript name, licence. No TrueType hinting:
    # form text is drawn at 8–12 pt by viewers that ignore it, and it is 40 % of the bytes (51 → 22 KB for
    # Latin-1 + Latin Extended-A), which every filled PDF of a batch would carry.
    options.name_IDs = [0, 1, 2, 3, 4, 6, 13]
    options.hinting = False
    options.notdef_outline = True
    options.layout_features = []
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern"]
    font = subset.load_font(path, options)
    s = subset.Subsetter(options)
    s.populate(text="".join(sorted(chars)) + "".join(chr(c) for c in range(32, 127)))
    s.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _fallback_font(texts: list[str], template: FormTemplate, names: list[str]) -> Any:
    """A pypdf Font: a subset of the fallback font for ``texts``. FormValueError if there is none.

    The subset holds every glyph of the Unicode blocks the texts touch (Latin Extended-A, Cyrillic…), not
    only their letters, so that one subset (made once per process) serves all the texts in those scripts."""
    return fallback_font_for(frozenset("".join(texts)), template, names)


_FALLBACKS: dict[tuple[Path | None, frozenset[str]], Any] = {}


def fallback_font_for(chars: frozenset[str], template: FormTemplate, names: list[str]) -> Any:
    """:func:`_fallback_font` for the set of letters of the texts (a fill keeps each value's letters)."""
    path = fallback_font_path()
    given = chars
    hit = _FALLBACKS.get((path, given))
    if hit is not None:                     # a batch asks for the same letters form after form
        return hit
    chars = chars - {"\n"}
    if path is None:
        shown = "".join(sorted(ch for ch in chars if not ch.isascii()))
        raise FormValueError(_("the form's font cannot show {letters!r} and no fallback font was found; install "
                               "DejaVu Sans (Debian/Ubuntu: fonts-dejavu-core) or set {env} to a .ttf file").format(
                                   letters=shown, env=FALLBACK_FONT_ENV), where=template.where(names[0]))
    from fontTools.ttLib import TTLibError

    try:
        letters = _font_letters(str(path))
        missing = "".join(sorted(ch for ch in chars - letters if not ch.isspace()))
        if not missing:
            font = _block_font(str(path), _blocks_for(chars))
            if len(_FALLBACKS) > 1024:
                _FALLBACKS.clear()
            _FALLBACKS[(path, given)] = font
            return font
    except (OSError, ValueError, KeyError, TypeError, IndexError, AssertionError, TTLibError) as e:
        raise FormValueError(_("cannot embed the fallback font {path} ({error}); set {env} to a .ttf font "
                               "file").format(path=path, error=e, env=FALLBACK_FONT_ENV),
                             where=template.where(names[0])) from None
    raise FormValueError(_("neither the form's font nor {font} can show {letters!r}; set {env} to a .ttf font that "
                           "has these letters").format(font=path.name, letters=missing, env=FALLBACK_FONT_ENV),
                         where=template.where(names[0]))


#: Latin-1 Supplement, Latin Extended-A and General Punctuation (– „ “ …), in 128-character blocks: subset as one
#: unit, because Central European names mix them (Großwerk, Čakovec, Győr – …). Each distinct set of blocks is a
#: subset (≈ 50 ms) and a base revision to make, in every batch worker; with the group, one serves them all
#: (at 0.8 KB more per filled PDF on average, measured on the benchmark's mandates).
LATIN_BLOCKS = frozenset({0x80 >> 7, 0x100 >> 7, 0x2000 >> 7})


def _blocks_for(chars: Iterable[str]) -> frozenset[int]:
    blocks = frozenset(ord(ch) >> 7 for ch in chars if not ch.isascii())
    return blocks | LATIN_BLOCKS if blocks & LATIN_BLOCKS else blocks


@lru_cache(maxsize=32)
def _block_font(path: str, blocks: frozenset[int]) -> Any:
    """The fallback font subset to whole 128-character blocks, as a pypdf Font (glyph maps computed once)."""
    wanted = frozenset(chr(c) for c in _font_coverage(path) if c >> 7 in blocks and not chr(c).isspace())
    return pdf_api.memoise_glyph_maps(pdf_api.font_from_truetype(io.BytesIO(_subset(path, wanted))))


def _child(parent: Any, key: str) -> Any:
    """``parent[key]`` as a dictionary of a writer's document, created when missing."""
    from pypdf.generic import DictionaryObject, NameObject

    child = parent.get(key)
    if child is None:
        child = DictionaryObject()
        parent[NameObject(key)] = child
    return child.get_object()


def _free_name(fonts: Any) -> str:
    name, i = _FALLBACK_NAME, 1
    while name in fonts:
        name, i = f"{_FALLBACK_NAME}{i}", i + 1
    return name


def _button_state(node: FieldNode, kind: str, value: Any) -> str:
    """The appearance state to select: a checkbox's on-state or /Off; a radio option's state name or /Off."""
    if kind == "checkbox":
        return str(value)
    return _radio_state(node, value) if value is not None else "/Off"


def _draw(w: Any, widget: Any, tw: Any, text: str, font_name: str, font: Any, font_ref: Any) -> bool:
    """Draw a text or combo widget's normal appearance into a cloned document (``pdf/appearances.py``);
    True when the text does not fit."""
    from pypdf.generic import DictionaryObject, IndirectObject, NameObject, TextStringObject

    from ka2forms.pdf.incremental import stream_object

    stream, overflow = stream_object(tw, text, font_name, font, font_ref)
    if font_name != tw.da_font:
        widget[NameObject("/DA")] = TextStringObject(tw.da.replace(tw.da_font, font_name))
    ap = widget.get("/AP")
    ap = ap.get_object() if ap is not None else None
    old = ap.get("/N") if ap is not None else None
    ref = old.indirect_reference if old is not None and hasattr(old, "indirect_reference") else None
    if isinstance(old, IndirectObject):
        ref = old
    if ref is not None and getattr(ref, "pdf", None) is w:
        new_ref = pdf_api.replace_object(w, ref, stream).indirect_reference   # no orphaned stream in the output
    else:
        new_ref = pdf_api.add_object(w, stream)
    if ap is None:
        widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): new_ref})
    else:
        ap[NameObject("/N")] = new_ref
        ap.pop("/D", None)   # a stale "down" appearance would flash the old value when clicked
    return overflow


def _draw_checkbox(inc: Any, node: FieldNode, state: str, acro: Any, name: str, file: str) -> None:
    """Give a checkbox without an 'on' appearance one (and an 'off' one), in the style its /MK /CA names."""
    from pypdf.generic import DictionaryObject, NameObject

    from ka2forms.pdf.appearances import check_appearances
    from ka2forms.pdf.incremental import Raw, text_widget

    for widget in node.widgets:
        if "/Rect" not in widget:
            continue
        tw = text_widget(node.field, widget, None, acro, name=name, file=file)
        mk = widget.get("/MK")
        caption = str(mk.get_object().get("/CA", "4")) if mk is not None else "4"
        on, off = check_appearances(tw.box, caption[:1] or "4", tw.style.color)
        refs = {}
        for key, app in ((DRAWN_ON, on), ("/Off", off)):
            head = b"<<\n/Type /XObject\n/Subtype /Form\n/BBox [" + b" ".join(b"%g" % x for x in app.bbox) + b"]\n"
            if app.matrix:
                head += b"/Matrix [" + b" ".join(b"%g" % x for x in app.matrix) + b"]\n"
            head += (b"/Resources << /Font << /ZaDb << /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >> >> "
                     b">>\n/Length %d\n>>\nstream\n" % len(app.content))
            refs[key] = inc.add_object(Raw(head + app.content + b"\nendstream"))
        w = inc.edit(widget)
        w[NameObject("/AP")] = DictionaryObject({NameObject("/N"): DictionaryObject(
            {NameObject(k): v for k, v in refs.items()})})
        w[NameObject("/AS")] = NameObject(state if state == DRAWN_ON else "/Off")


def _draws(ref: Any) -> bool:
    """Whether an appearance stream draws anything (LibreOffice writes empty ones and asks for a redraw)."""
    try:
        return bool(ref.get_object().get_data().strip())
    except damaged_pdf_errors():
        return False


def _top_index(node: FieldNode, tw: Any, chosen: set[int], font: Any) -> int:
    """The list box's first shown option (``/TI``), moved so that the first selected option is in view."""
    from ka2forms.pdf.appearances import visible_rows

    try:
        top = int(node.field.get("/TI", 0) or 0)
    except (TypeError, ValueError):
        top = 0
    if chosen:
        rows = visible_rows(tw.box, tw.style, pdf_api.font_metrics(font))
        first = min(chosen)
        if not top <= first < top + rows:
            top = first
    return max(0, top)


def _choose_font(variants: list[tuple[str, Any, frozenset[str]]], text: str) -> tuple[str, Any]:
    """The first of a widget's font variants (its /DA font, then core-font encodings) that encodes ``text``."""
    letters = set(text.replace("\n", ""))
    return next(((name, font) for name, font, chars in variants if letters <= chars),
                (variants[0][0], variants[0][1]))


def flatten_pdf(data: bytes, *, name: str = "form.pdf") -> bytes:
    """Paint every widget's appearance into its page and drop the form (pikepdf/qpdf; keeps radio states)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.flatten_annotations("all")
            if "/AcroForm" in pdf.Root:
                del pdf.Root["/AcroForm"]
            for page in pdf.pages:  # widgets without an appearance (fields never filled) cannot be painted
                annots = page.obj.get("/Annots")
                if annots is not None:
                    keep = [a for a in annots if a.get("/Subtype") != "/Widget"]
                    if keep:
                        page.obj["/Annots"] = pikepdf.Array(keep)
                    else:
                        del page.obj["/Annots"]
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except pikepdf.PdfError as e:
        raise FormFileError(_("cannot flatten the filled form ({error})").format(error=e),
                            where=Location(file=name)) from None
