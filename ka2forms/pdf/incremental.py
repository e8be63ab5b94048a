"""Filled copies as PDF incremental updates: the form's bytes unchanged, then only the objects a fill changes.

A PDF may be extended by appending changed and new objects, a cross-reference section for them and a trailer
whose ``/Prev`` points to the previous cross-reference (PDF 32000-1, 7.5.6 "Incremental updates"); every
viewer reads the last version of each object. Cloning the whole parsed form with pypdf and writing it out
again cost 8–12 ms per filled form; appending a field's ``/V``, its widgets' ``/AS`` or ``/DA`` and the new
appearance streams costs well under 1 ms, so a batch of 15 000 per-partner forms is fast.

:class:`Increment` is one such update under construction. It copies a template object on first change
(copy-on-write: the parsed template is never modified, so one template serves any number of fills),
hands out numbers for new objects (``_add_object``: the only part of pypdf's writer that
``Font._add_to_writer`` uses) and serialises the update with :meth:`Increment.write`.

:class:`TextWidget` is what drawing a text or dropdown widget needs, read once per template (rectangle,
``/MK`` rotation, border and background, ``/DA`` font, size and colour, comb, multi-line, quadding, the old
appearance's number). Drawing itself is :mod:`ka2forms.pdf.appearances`; the font's widths and encoding
come from pypdf's Font (cp1250 encodings of the core fonts, the embedded fallback font).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pypdf.generic import TextStringObject

from ka2forms.errors import FormFileError, Location
from ka2forms.i18n import _
from ka2forms.pdf import _pypdf as pdf_api
from ka2forms.pdf.appearances import Appearance, Box, TextStyle, list_appearance, text_appearance
from ka2forms.pdf.appearances import num as pdf_num


class NotIncremental(Exception):
    """The form's structure does not allow a fill as an incremental update (the caller falls back to cloning)."""


def _raw(d: Any, key: str) -> Any:
    return d.raw_get(key) if key in d else None


def startxref(data: bytes) -> int:
    """The offset of the last cross-reference section (``startxref`` at the end of the file)."""
    at = data.rfind(b"startxref", max(0, len(data) - 1024))
    if at < 0:
        raise NotIncremental("no startxref")
    try:
        return int(data[at + 9:].split()[0])
    except (IndexError, ValueError):
        raise NotIncremental("unreadable startxref") from None


def xref_section(offsets: Mapping[int, int]) -> bytes:
    """The cross-reference section of an incremental update: one subsection per run of consecutive object
    numbers, each entry the byte offset of its object (the 20-byte form, ending in CR LF, as the PDF standard
    requires for each line)."""
    lines = [b"xref\n"]
    nums = sorted(offsets)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        lines.append(b"%d %d\n" % (nums[i], j - i + 1))
        lines += [b"%010d 00000 n\r\n" % offsets[n] for n in nums[i:j + 1]]
        i = j + 1
    return b"".join(lines)


class Increment:
    """One incremental update of ``base`` (the clean template's bytes, parsed as ``reader``)."""

    def __init__(self, base: bytes, reader: Any, prev: int, size: int,
                 entry_bytes: dict[tuple[int, str], tuple[Any, bytes]] | None = None) -> None:
        self.base = base
        self.reader = reader
        self.prev = prev
        self.size = size
        self.next = size
        self.objects: dict[int, Any] = {}
        self.originals: dict[int, Any] = {}
        # (object number, key) → (the template's value, its serialised entry): shared by every fill of a
        # template, so an edited field writes only its changed entries afresh (a dropdown's /Opt is long).
        self.entry_bytes = entry_bytes if entry_bytes is not None else {}

    def add_object(self, obj: Any) -> Any:
        """Number a new object of this update → its IndirectObject."""
        from pypdf.generic import IndirectObject

        num = self.next
        self.next += 1
        self.objects[num] = obj
        ref = IndirectObject(num, 0, self)
        obj.indirect_reference = ref
        return ref

    def get_object(self, ref: Any) -> Any:
        num = ref if isinstance(ref, int) else ref.idnum
        if num in self.objects:
            return self.objects[num]
        return self.reader.get_object(num)

    # pypdf's writer interface, as far as its Font (adding a font resource) uses it
    _add_object = add_object

    def replace(self, num: int, obj: Any) -> None:
        """Put ``obj`` in place of template object ``num`` (e.g. a new appearance stream for the old one)."""
        self.objects[num] = obj

    def edit(self, obj: Any) -> Any:
        """A writable copy of the indirect template dictionary ``obj`` (the same copy for the whole update)."""
        from pypdf.generic import DictionaryObject, IndirectObject

        ref = getattr(obj, "indirect_reference", None)
        if ref is None:
            raise NotIncremental("a direct object cannot be replaced on its own")
        if ref.pdf is self:
            return obj
        num = ref.idnum
        if num not in self.objects:
            copy = DictionaryObject(obj)
            copy.indirect_reference = IndirectObject(num, 0, self)
            self.objects[num] = copy
            self.originals[num] = obj
        return self.objects[num]

    def edit_child(self, parent: Any, key: str) -> Any:
        """The dictionary under ``key`` of an edited ``parent``, made writable (created when missing)."""
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject

        raw = _raw(parent, key)
        if isinstance(raw, IndirectObject):
            return self.edit(raw.get_object()) if raw.pdf is not self else self.objects[raw.idnum]
        child = DictionaryObject(raw) if raw is not None else DictionaryObject()
        parent[NameObject(key)] = child
        return child

    def _write_edited(self, num: int, out: Any) -> None:
        """An edited template dictionary: unchanged entries from the shared cache, changed ones afresh."""
        original = self.originals[num]
        out.write(b"<<\n")
        for key, value in self.objects[num].items():
            cached = self.entry_bytes.get((num, key))
            if cached is not None and cached[0] is value:
                out.write(cached[1])
                continue
            entry = io.BytesIO()
            key.write_to_stream(entry)
            entry.write(b" ")
            value.write_to_stream(entry)
            entry.write(b"\n")
            data = entry.getvalue()
            if dict.get(original, key) is value:
                self.entry_bytes[(num, key)] = (value, data)
            out.write(data)
        out.write(b">>")

    def write(self) -> bytes:
        """The template's bytes followed by this update: changed objects, their xref section, the trailer."""
        from pypdf.generic import DictionaryObject, NameObject, NumberObject

        if not self.objects:
            return self.base                    # nothing changed: an empty xref section would be invalid
        out = io.BytesIO()
        out.write(self.base)
        if not self.base.endswith(b"\n"):
            out.write(b"\n")
        offsets: dict[int, int] = {}
        for num in sorted(self.objects):
            offsets[num] = out.tell()
            out.write(b"%d 0 obj\n" % num)
            if num in self.originals:
                self._write_edited(num, out)
            else:
                self.objects[num].write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(xref_section(offsets))
        head = self.entry_bytes.get((-1, "trailer"))
        if head is None:                        # the template's trailer entries, serialised once per template
            trailer = DictionaryObject({NameObject(k): v for k, v in
                                        ((k, self.reader.trailer.raw_get(k)) for k in self.reader.trailer)
                                        if k not in ("/Prev", "/XRefStm", "/Size", "/Encrypt")})
            trailer[NameObject("/Prev")] = NumberObject(self.prev)
            buf = io.BytesIO()
            trailer.write_to_stream(buf)
            head = self.entry_bytes[(-1, "trailer")] = (None, buf.getvalue()[:-2])
        out.write(b"trailer\n" + head[1] + b"/Size %d\n>>" % max(self.next, self.size))
        out.write(b"\nstartxref\n%d\n%%%%EOF\n" % xref)
        return out.getvalue()


_ESCAPE = [bytes([b]) if bytes([b]).isalnum() or b == 0x20 else b"\\%03o" % b for b in range(256)]


class FastText(TextStringObject):
    """A pypdf text string written in one go (pypdf writes long strings byte by byte; the same bytes)."""

    def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
        stream.write(b"(" + escaped(self.get_encoded_bytes()) + b")")


def escaped(data: bytes) -> bytes:
    """A string's bytes as pypdf writes them inside ``(…)``: letters, digits and spaces as they are, every
    other byte as an octal escape."""
    return b"".join([_ESCAPE[b] for b in data])


def text_string(text: str) -> FastText:
    return FastText(text)


class Frozen:
    """An object serialised once (a font resource shared by many fills), written by copying its bytes.

    A dictionary can take extra entries per fill (``with_entries``: e.g. ``/ToUnicode`` pointing to this
    fill's object number); ``get``/``in`` see the original entries so that pypdf can still read it.
    """

    def __init__(self, data: bytes, original: Any, extra: bytes = b"") -> None:
        self.data, self.original, self.extra = data, original, extra
        self.indirect_reference: Any = None

    @classmethod
    def of(cls, obj: Any) -> Frozen:
        out = io.BytesIO()
        obj.write_to_stream(out)
        return cls(out.getvalue(), obj)

    def copy(self) -> Frozen:
        return Frozen(self.data, self.original, self.extra)

    def with_entries(self, entries: dict[str, Any]) -> Frozen:
        out = io.BytesIO()
        for key, value in entries.items():
            out.write(key.encode("ascii") + b" ")
            value.write_to_stream(out)
            out.write(b"\n")
        return Frozen(self.data, self.original, out.getvalue())

    def __contains__(self, key: str) -> bool:
        return key in self.original

    def get(self, key: str, default: Any = None) -> Any:
        return self.original.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.original[key]

    def get_object(self) -> Frozen:
        return self

    def write_to_stream(self, stream: Any) -> None:
        if self.extra:
            assert self.data.endswith(b">>")
            stream.write(self.data[:-2] + self.extra + b">>")
        else:
            stream.write(self.data)


@dataclass(frozen=True)
class TextWidget:
    """A text or dropdown widget's drawing parameters, read once per template."""

    widget: Any                 # the template's widget dictionary (never modified)
    field: Any                  # the terminal field dictionary (may be the widget itself)
    box: Box                    # size, rotation, border, background
    style: TextStyle            # /DA font, size and colour, flags, quadding
    da: str                     # the default appearance string
    old_ap: Any                 # the raw /AP value (an indirect or direct dictionary) or None
    old_n: Any                  # the raw /AP /N value (an IndirectObject to replace in place, or None)
    keep: tuple[tuple[str, Any], ...]   # keys of the old /N stream kept on the new one (/Group…)

    @property
    def da_font(self) -> str:
        return self.style.font_name


def _colour(values: Any, stroke: bool) -> bytes | None:
    """A colour operator from an /MK colour array (0 components: transparent → None)."""
    try:
        comps = [float(v) for v in (values or [])]
    except (TypeError, ValueError):
        return None
    op = {1: b"g", 3: b"rg", 4: b"k"}.get(len(comps))
    if op is None:
        return None
    return b" ".join(pdf_num(c) for c in comps) + b" " + (op.upper() if stroke else op)


def _get(widget: Any, field: Any, key: str) -> Any:
    """A widget's own entry, else its field's (a field with one widget may hold /MK, /BS, /Q for it)."""
    if key in widget:
        return widget[key]
    return field.get(key) if field is not widget else None


def text_widget(field: Any, widget: Any, page: Any, acro: Any, *, name: str, file: str) -> TextWidget:
    """Read a widget's drawing parameters: rectangle, /MK rotation and colours, /BS border, /DA, flags."""
    from pypdf.generic import DictionaryObject, IndirectObject, StreamObject, TextStringObject

    try:
        r = widget["/Rect"]
        w, h = abs(float(r[2]) - float(r[0])), abs(float(r[3]) - float(r[1]))
        da = widget.get_inherited("/DA", acro.get("/DA", None))
        da = TextStringObject("/Helv 0 Tf 0 g") if not da else da.get_object()
        da_font, size, color = pdf_api.parse_default_appearance(da)
        if da_font is None:
            da_font, size = "/Helv", 0.0
        flags = int(field.get("/Ff", 0) or 0)
        bs = _get(widget, field, "/BS")
        bs = bs.get_object() if bs is not None else None
        border_width, border_style, dash = 1.0, "/S", (3.0,)
        if isinstance(bs, DictionaryObject):
            border_width = float(bs.get("/W", 1))
            border_style = str(bs.get("/S", "/S"))
            if isinstance(bs.get("/D"), list) and bs["/D"]:
                dash = tuple(float(x) for x in bs["/D"])
        mk = _get(widget, field, "/MK")
        mk = mk.get_object() if mk is not None else None
        rotation, border_color, background = 0, None, None
        if isinstance(mk, DictionaryObject):
            rotation = int(float(mk.get("/R", 0))) % 360
            rotation = rotation if rotation in (0, 90, 180, 270) else 0
            border_color = _colour(mk.get("/BC"), stroke=True)
            background = _colour(mk.get("/BG"), stroke=False)
        box = Box(width=w, height=h, rotation=rotation, border_width=border_width, border_style=border_style,
                  border_color=border_color, background=background, dash=dash)
        maxlen = widget.get("/MaxLen", field.get("/MaxLen"))
        maxlen = int(maxlen) if maxlen is not None and int(maxlen) > 0 else None
        quadding = _get(widget, field, "/Q")
        style = TextStyle(font_name=da_font, size=float(size), color=color.as_operator().encode("latin-1"),
                          multiline=bool(flags & (1 << 12)), comb=bool(flags & (1 << 24)) and maxlen is not None,
                          maxlen=maxlen, quadding=int(quadding or 0) if quadding is not None else 0)
        old_ap = _raw(widget, "/AP")
        ap = old_ap.get_object() if old_ap is not None else None
        old_n = _raw(ap, "/N") if isinstance(ap, DictionaryObject) else None
        keep: tuple[tuple[str, Any], ...] = ()
        n = old_n.get_object() if old_n is not None else None
        if isinstance(n, StreamObject):
            keep = tuple((k, n.raw_get(k)) for k in n
                         if k not in ("/BBox", "/Length", "/Subtype", "/Type", "/Filter", "/DecodeParms",
                                      "/Resources", "/Matrix", "/FormType"))
        return TextWidget(widget=widget, field=field, box=box, style=style, da=str(da),
                          old_n=old_n if isinstance(old_n, IndirectObject) else None, old_ap=old_ap, keep=keep)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        raise FormFileError(_("a widget of this field cannot be drawn ({error})").format(
                                error=f"{e.__class__.__name__}: {e}"),
                            where=Location(file=file, field=name)) from None


class Raw:
    """An object already serialised (an appearance stream assembled from cached parts)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.indirect_reference: Any = None

    def write_to_stream(self, stream: Any) -> None:
        stream.write(self.data)


class Drawings:
    """Appearance streams already drawn for a template, by (widget, font, text): a project's title, acronym
    and date are the same on every partner's form. At most ``size`` are kept (oldest dropped)."""

    def __init__(self, size: int = 512) -> None:
        from collections import OrderedDict

        self.size = size
        self.items: OrderedDict[tuple[int, str, str], tuple[bytes, bytes, Appearance]] = OrderedDict()

    def get(self, key: tuple[int, str, str]) -> tuple[bytes, bytes, Appearance] | None:
        hit = self.items.get(key)
        if hit is not None:
            self.items.move_to_end(key)
        return hit

    def put(self, key: tuple[int, str, str], value: tuple[bytes, bytes, Appearance]) -> None:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)


def _ref_bytes(resource: Any) -> bytes:
    """``N 0 R`` for an indirect font resource, else the (direct) resource itself."""
    ref = getattr(resource, "indirect_reference", None)
    if ref is not None:
        return b"%d %d R" % (ref.idnum, ref.generation)
    out = io.BytesIO()
    resource.write_to_stream(out)
    return out.getvalue()


def render(tw: TextWidget, text: str, font_name: str, font: Any) -> tuple[bytes, bytes, Appearance]:
    """(stream dictionary up to its font resource, content, the appearance) for ``text`` in ``tw``."""

    style = tw.style if font_name == tw.style.font_name else replace(tw.style, font_name=font_name)
    app = text_appearance(tw.box, style, pdf_api.font_metrics(font), text)
    return _stream_head(tw, app, font_name), app.content, app


_HEADS: dict[tuple[int, str, tuple[float, ...], tuple[float, ...] | None], tuple[TextWidget, bytes]] = {}


def _stream_head(tw: TextWidget, app: Appearance, font_name: str) -> bytes:
    """An appearance stream's dictionary up to its font resource's reference: the same for every text drawn
    in a widget with a font, so made once (the widget is kept with it: its id is not reused while cached)."""
    key = (id(tw), font_name, app.bbox, app.matrix)
    hit = _HEADS.get(key)
    if hit is None:
        if len(_HEADS) > 4096:
            _HEADS.clear()
        hit = _HEADS[key] = (tw, _make_stream_head(tw, app, font_name))
    return hit[1]


def _make_stream_head(tw: TextWidget, app: Appearance, font_name: str) -> bytes:
    from pypdf.generic import DictionaryObject, NameObject

    head = io.BytesIO()
    extra = DictionaryObject({NameObject(k): v for k, v in tw.keep})
    extra.write_to_stream(head)
    entries = head.getvalue()[2:-2].strip()
    name = io.BytesIO()
    NameObject(font_name).write_to_stream(name)
    matrix = (b"/Matrix [" + b" ".join(pdf_num(x, 4) for x in app.matrix) + b"]\n") if app.matrix else b""
    return (b"<<\n/Type /XObject\n/Subtype /Form\n/BBox [" + b" ".join(pdf_num(x, 4) for x in app.bbox) + b"]\n"
                  + matrix + (entries + b"\n" if entries else b"") + b"/Resources << /Font << "
                  + name.getvalue() + b" ")


def stream_object(tw: TextWidget, text: str, font_name: str, font: Any, font_ref: Any) -> tuple[Any, bool]:
    """The appearance as a pypdf stream (for fills that clone the form) and whether the text was cut."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    style = tw.style if font_name == tw.style.font_name else replace(tw.style, font_name=font_name)
    app = text_appearance(tw.box, style, pdf_api.font_metrics(font), text)
    stream = DecodedStreamObject()
    stream.set_data(app.content)
    stream[NameObject("/Type")] = NameObject("/XObject")
    stream[NameObject("/Subtype")] = NameObject("/Form")
    stream[NameObject("/BBox")] = ArrayObject(FloatObject(pdf_num(x, 4).decode()) for x in app.bbox)
    if app.matrix:
        stream[NameObject("/Matrix")] = ArrayObject(FloatObject(pdf_num(x, 4).decode()) for x in app.matrix)
    for k, value in tw.keep:
        stream[NameObject(k)] = value
    ref = getattr(font_ref, "indirect_reference", None) or font_ref
    stream[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject(font_name): ref})})
    return stream, app.overflow


def render_list(tw: TextWidget, items: list[str], selected: set[int], top: int, font_name: str,
                font: Any) -> tuple[bytes, bytes, Appearance]:
    """As :func:`render`, for a list box showing ``items`` from ``top`` with ``selected`` highlighted."""
    style = tw.style if font_name == tw.style.font_name else replace(tw.style, font_name=font_name)
    app = list_appearance(tw.box, style, pdf_api.font_metrics(font), items, selected, top)
    return _stream_head(tw, app, font_name), app.content, app


def draw(inc: Increment, tw: TextWidget, text: str, font_name: str, font: Any, font_ref: Any,
         drawings: Drawings | None = None, parts: tuple[bytes, bytes, Appearance] | None = None) -> Appearance:
    """Draw ``text`` as ``tw``'s normal appearance with ``font`` (resource ``font_ref`` named ``font_name``).

    With ``drawings`` each widget, font and text is drawn once and then copied, the font resource's object
    number filled in per fill."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    key = (id(tw), font_name, text)
    if parts is None:
        parts = drawings.get(key) if drawings is not None else None
    if parts is None:
        parts = render(tw, text, font_name, font)
        if drawings is not None:
            drawings.put(key, parts)
    head, data, app = parts
    stream = Raw(head + _ref_bytes(font_ref) + b" >> >>\n/Length %d\n>>\nstream\n" % len(data) + data
                 + b"\nendstream")
    widget = None
    if font_name != tw.da_font:
        widget = inc.edit(tw.widget)
        widget[NameObject("/DA")] = TextStringObject(tw.da.replace(tw.da_font, font_name))
    ap = tw.old_ap.get_object() if tw.old_ap is not None else None
    if tw.old_n is not None and "/D" not in ap:
        inc.replace(tw.old_n.idnum, stream)          # the new appearance takes the old one's number
        return app
    ref = inc.add_object(stream)
    widget = widget if widget is not None else inc.edit(tw.widget)
    if ap is None:
        widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): ref})
        return app
    ap = inc.edit_child(widget, "/AP")
    ap[NameObject("/N")] = ref
    ap.pop("/D", None)   # a stale "down" appearance would flash the old value when clicked
    return app
