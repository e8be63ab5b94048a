"""What a PDF form asks for: its fields, their kinds, options, on-states and flags (``ka2forms fields``).

Forms come from many tools (Acrobat, LibreOffice, reportlab, agency templates), and their field trees differ:
a field may be split into a parent with ``/Kids``, ``/FT`` and ``/Ff`` may be inherited from an ancestor,
``/DA`` from the parent or from ``/AcroForm``, and a widget may be the field itself or a kid without ``/T``.
:func:`walk_fields` resolves all of that into one list of terminal fields, each with its widgets and its
effective (inherited) attributes; both this inspector and the filling service use it.

Refused with a :class:`~ka2forms.errors.FormFileError` that names the file: a file that is not a PDF (saying
what it looks like), a damaged PDF, a password-protected PDF, a PDF whose author forbids filling, a PDF
without fillable fields. A PDF encrypted with an *empty* user password (restrictions only, as many agency
templates are) is opened when its permissions allow filling forms; the filled copy is written unencrypted.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ka2forms.errors import FormFileError, Location
from ka2forms.files import regular_file
from ka2forms.i18n import N_, _
from ka2forms.pdf.sanitise import count_active_content

MAX_FORM_BYTES = 100 * 1024 * 1024
INHERITABLE = ("/FT", "/Ff", "/V", "/DV", "/DA", "/Q", "/Opt", "/MaxLen")

# Field flags (PDF 32000-1, 12.7.3.1 and tables 226, 228, 230).
FF_READONLY, FF_REQUIRED = 1 << 0, 1 << 1
FF_MULTILINE, FF_PASSWORD = 1 << 12, 1 << 13
FF_NO_TOGGLE_OFF, FF_RADIO, FF_PUSHBUTTON = 1 << 14, 1 << 15, 1 << 16
FF_COMBO, FF_EDIT, FF_MULTISELECT = 1 << 17, 1 << 18, 1 << 21
FF_COMB = 1 << 24

KINDS = ("text", "checkbox", "radio", "combo", "list", "button", "signature")
XFA_ONLY = N_("this is an XFA form (made with Adobe LiveCycle or AEM Forms): its fields exist only in its XFA "
               "part, which only Adobe Acrobat and Adobe Reader can fill — the PDF has an AcroForm with no fields. "
               "Fill it in Adobe Reader, or ask the sender for an AcroForm version (in Acrobat or LiveCycle "
               "Designer: save as a static PDF form). You can tell such forms by Reader's 'Please wait…' page in "
               "other viewers, or by `ka2forms fields` showing this message")  # translated where raised


@dataclass(frozen=True)
class Option:
    """One choice of a dropdown, list box or radio group: the value stored, and the text a person sees."""

    export: str
    display: str


@dataclass(frozen=True)
class FormField:
    """One fillable field as a map author needs to know it."""

    name: str                               # fully qualified: "partner.name" for a kid "name" of "partner"
    kind: str                               # one of KINDS
    page: int | None = None                 # 1-based page of the first widget
    rect: tuple[float, float, float, float] | None = None   # first widget's rectangle (x0, y0, x1, y1)
    widgets: int = 0
    options: tuple[Option, ...] = ()        # choice options; radio buttons' export values
    on_states: tuple[str, ...] = ()         # checkbox / radio appearance states other than Off, without "/"
    value: str | tuple[str, ...] | None = None
    tooltip: str | None = None
    multiline: bool = False
    comb: bool = False
    maxlen: int | None = None
    readonly: bool = False
    required: bool = False
    multiselect: bool = False
    editable: bool = False                  # a combo box that also accepts typed text
    password: bool = False
    default: str | tuple[str, ...] | None = None   # /DV: what the form resets the field to

    @property
    def prefilled(self) -> bool:
        """Whether the form holds a value someone put there: not empty, not the field's reset value, and not
        the option a dropdown shows because it cannot show none."""
        if self.value in (None, "", "Off", ()) or self.value == self.default:
            return False
        return not (self.kind == "combo" and not self.editable and self.default is None and self.options
                    and self.value == self.options[0].export)

    @property
    def flags(self) -> tuple[str, ...]:
        names = ("multiline", "comb", "readonly", "required", "multiselect", "editable", "password")
        return tuple(n for n in names if getattr(self, n))

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "type": self.kind, "page": self.page,
            "rect": list(self.rect) if self.rect else None, "widgets": self.widgets,
            "options": [{"export": o.export, "display": o.display} for o in self.options],
            "on_states": list(self.on_states),
            "value": list(self.value) if isinstance(self.value, tuple) else self.value,
            "tooltip": self.tooltip, "maxlen": self.maxlen, "flags": list(self.flags),
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
        }


@dataclass(frozen=True)
class FormInfo:
    """A form's fields and what else a user should know before filling it."""

    file: str
    pages: int
    fields: tuple[FormField, ...]
    xfa: bool = False                       # an XFA hybrid: ka2forms removes the XFA part when filling
    active_content: int = 0                 # JavaScript, open actions, embedded files… removed when filling
    encrypted: bool = False                 # opened with an empty user password

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "pages": self.pages, "xfa": self.xfa, "active_content": self.active_content,
                "encrypted": self.encrypted, "fields": [f.as_dict() for f in self.fields]}


@dataclass
class FieldNode:
    """A terminal field in a pypdf document: its dictionary, its widgets and its effective attributes."""

    name: str
    field: Any                              # the terminal field's DictionaryObject
    widgets: list[Any]                      # widget annotation dictionaries (may include ``field`` itself)
    attrs: dict[str, Any] = field(default_factory=dict)   # inherited + own values of INHERITABLE keys

    @property
    def flags(self) -> int:
        try:
            return int(self.attrs.get("/Ff", 0) or 0)
        except (TypeError, ValueError):
            return 0

    @property
    def kind(self) -> str:
        ft, ff = self.attrs.get("/FT"), self.flags
        if ft == "/Tx":
            return "text"
        if ft == "/Ch":
            return "combo" if ff & FF_COMBO else "list"
        if ft == "/Sig":
            return "signature"
        if ft == "/Btn":
            if ff & FF_PUSHBUTTON:
                return "button"
            return "radio" if ff & FF_RADIO else "checkbox"
        return "text" if ft is None and any("/DA" in w for w in self.widgets) else "unknown"


def _obj(x: Any) -> Any:
    return x.get_object() if hasattr(x, "get_object") else x


def _key(x: Any) -> Any:
    ref = getattr(x, "indirect_reference", None)
    return (ref.idnum, ref.generation) if ref is not None else id(x)


def walk_fields(root: Any, pages: Any = ()) -> list[FieldNode]:
    """Every terminal field of a document (``root`` = the catalog), in ``/Fields`` order, then orphan widgets.

    Inherited attributes are resolved; cycles in ``/Kids`` and nodes that are not dictionaries are skipped.
    Widgets that sit in a page's ``/Annots`` but are not reachable from ``/Fields`` (some tools forget them)
    are added as fields of their own when they carry a ``/T``.
    """
    acro = _obj(root.get("/AcroForm")) if root is not None else None
    nodes: list[FieldNode] = []
    seen: set[Any] = set()

    def visit(ref: Any, prefix: str, inherited: dict[str, Any], depth: int) -> None:
        node = _obj(ref)
        if not hasattr(node, "get") or depth > 50:
            return
        k = _key(node)
        if k in seen:
            return
        seen.add(k)
        attrs = dict(inherited)
        attrs.update({a: node[a] for a in INHERITABLE if a in node})
        partial = node.get("/T")
        name = f"{prefix}.{partial}" if prefix and partial is not None else (str(partial) if partial is not None
                                                                              else prefix)
        kids = [_obj(kid) for kid in (_obj(node.get("/Kids")) or [])]
        kids = [kid for kid in kids if hasattr(kid, "get")]
        field_kids = [kid for kid in kids if "/T" in kid]
        widget_kids = [kid for kid in kids if "/T" not in kid]
        for kid in field_kids:
            visit(kid, name, attrs, depth + 1)
        widgets = [w for w in widget_kids if _key(w) not in seen]
        if not kids and (node.get("/Subtype") == "/Widget" or partial is not None):
            widgets = [node] if node.get("/Subtype") == "/Widget" else []
        elif not widgets:
            return
        if not name:
            return
        seen.update(_key(w) for w in widgets)
        nodes.append(FieldNode(name, node, widgets, attrs))

    base: dict[str, Any] = {}
    if acro is not None and "/DA" in acro:
        base["/DA"] = acro["/DA"]
    for ref in (_obj(acro.get("/Fields")) or []) if acro is not None else []:
        visit(ref, "", base, 0)
    for page in pages:
        for annot in _obj(page.get("/Annots")) or []:
            a = _obj(annot)
            if hasattr(a, "get") and a.get("/Subtype") == "/Widget" and _key(a) not in seen:
                top = a
                while "/Parent" in top and hasattr(_obj(top["/Parent"]), "get") and _key(_obj(top["/Parent"])) \
                        not in seen:
                    top = _obj(top["/Parent"])
                if "/T" in top:
                    visit(top, "", base, 0)
    return nodes


def on_states(widget: Any) -> list[str]:
    """A checkbox or radio widget's 'on' appearance names (the keys of ``/AP /N`` other than ``/Off``)."""
    ap = _obj(widget.get("/AP"))
    states = list(_obj(ap.get("/N")).keys()) if hasattr(ap, "get") and hasattr(_obj(ap.get("/N")), "keys") else []
    if not states and hasattr(ap, "get") and hasattr(_obj(ap.get("/D")), "keys"):
        states = list(_obj(ap.get("/D")).keys())
    return [str(s) for s in states if s != "/Off"]


def choice_options(opt: Any) -> tuple[Option, ...]:
    """``/Opt`` of a choice field: plain strings, or ``[export display]`` pairs."""
    out: list[Option] = []
    for item in _obj(opt) or []:
        item = _obj(item)
        if isinstance(item, list) and len(item) >= 2:
            out.append(Option(str(_obj(item[0])), str(_obj(item[1]))))
        elif isinstance(item, list) and item:
            out.append(Option(str(_obj(item[0])), str(_obj(item[0]))))
        else:
            out.append(Option(str(item), str(item)))
    return tuple(out)


def radio_options(node: FieldNode) -> tuple[Option, ...]:
    """A radio group's choices: each widget's on-state; with ``/Opt``, the export text for state ``/i``."""
    opt = [str(_obj(o)) for o in (_obj(node.attrs.get("/Opt")) or [])]
    out: list[Option] = []
    for i, w in enumerate(node.widgets):
        for state in on_states(w):
            name = state[1:]
            display = opt[i] if i < len(opt) else name
            if all(o.export != name for o in out):
                out.append(Option(name, display))
    return tuple(out)


def _value(v: Any) -> str | tuple[str, ...] | None:
    v = _obj(v)
    if v is None:
        return None
    if isinstance(v, list):
        return tuple(str(_obj(x)) for x in v)
    text = str(v)
    return text[1:] if text.startswith("/") else text


def describe(node: FieldNode, page_of: dict[Any, int]) -> FormField:
    """The public description of a terminal field."""
    kind, ff = node.kind, node.flags
    first = node.widgets[0] if node.widgets else None
    rect = None
    if first is not None and "/Rect" in first:
        try:
            x0, y0, x1, y1 = (float(_obj(v)) for v in _obj(first["/Rect"]))
            rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        except (TypeError, ValueError):
            rect = None
    page = None
    for w in node.widgets:
        page = page_of.get(_key(w))
        if page is not None:
            break
    options: tuple[Option, ...] = ()
    states: tuple[str, ...] = ()
    if kind in ("combo", "list"):
        options = choice_options(node.attrs.get("/Opt"))
    elif kind == "radio":
        options = radio_options(node)
        states = tuple(o.export for o in options)
    elif kind == "checkbox":
        states = tuple(dict.fromkeys(s[1:] for w in node.widgets for s in on_states(w)))
    maxlen = node.attrs.get("/MaxLen")
    try:
        maxlen = int(_obj(maxlen)) if maxlen is not None else None
    except (TypeError, ValueError):
        maxlen = None
    if maxlen is not None and maxlen <= 0:      # Acrobat treats /MaxLen 0 as no limit
        maxlen = None
    tooltip = node.field.get("/TU")
    return FormField(
        name=node.name, kind=kind, page=page, rect=rect, widgets=len(node.widgets), options=options,
        on_states=states, value=_value(node.attrs.get("/V")), tooltip=str(tooltip) if tooltip else None,
        multiline=kind == "text" and bool(ff & FF_MULTILINE), comb=kind == "text" and bool(ff & FF_COMB),
        maxlen=maxlen if kind == "text" else None, readonly=bool(ff & FF_READONLY),
        required=bool(ff & FF_REQUIRED), multiselect=kind == "list" and bool(ff & FF_MULTISELECT),
        editable=kind == "combo" and bool(ff & FF_EDIT), password=kind == "text" and bool(ff & FF_PASSWORD),
        default=_value(node.attrs.get("/DV")),
    )


def page_index(pages: Any) -> dict[Any, int]:
    """Widget object key → 1-based page number, from each page's ``/Annots``."""
    out: dict[Any, int] = {}
    for n, page in enumerate(pages, start=1):
        for annot in _obj(page.get("/Annots")) or []:
            a = _obj(annot)
            if hasattr(a, "get"):
                out.setdefault(_key(a), n)
    return out


# ───────────────────────────── opening a PDF safely ─────────────────────────────

#: The first bytes of files people send instead of a PDF, and what to call them (translated where shown).
_MAGIC = (
    (b"PK\x03\x04", N_("a zip file (an Office document such as .docx or .xlsx?)")),
    (b"\xd0\xcf\x11\xe0", N_("an old Office file (.doc or .xls)")),
    (b"\x89PNG", N_("a PNG image")), (b"\xff\xd8\xff", N_("a JPEG image")), (b"GIF8", N_("a GIF image")),
    (b"{\\rtf", N_("an RTF document")), (b"<", N_("an HTML or XML file")), (b"%!PS", N_("a PostScript file")),
)


def damaged_pdf_errors() -> tuple[type[Exception], ...]:
    """What pypdf (and zlib under it) raise on a damaged file: reported as a damaged form. Never ImportError
    (a broken installation is not the user's file) and never our own errors."""
    import zlib

    from pypdf.errors import PyPdfError

    return (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError,
            AssertionError, zlib.error)


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs every repair of a sloppy file; our errors say what matters, so hold its chatter back."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def read_bytes(path: str | Path) -> bytes:
    """A form file's bytes, with file-level problems as FormFileError."""
    p = Path(path)
    where = Location(file=str(p))
    regular_file(p, "PDF form", error=FormFileError)     # a FIFO would block; a folder or device is no form
    try:
        size = p.stat().st_size
        if size > MAX_FORM_BYTES:
            raise FormFileError(_("too large for a form ({size} MB; limit {limit} MB)").format(
                size=size // 2**20, limit=MAX_FORM_BYTES // 2**20), where=where)
        return p.read_bytes()
    except FileNotFoundError:
        raise FormFileError(_("file not found"), where=where) from None
    except PermissionError:
        raise FormFileError(_("cannot be read (permission denied)"), where=where) from None


def _decrypt(data: bytes, where: Location) -> bytes:
    """An encrypted PDF with an empty user password → the same PDF unencrypted, if filling is permitted."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            allow = pdf.allow
            if not (allow.modify_form or allow.modify_annotation):
                raise FormFileError(_("the PDF's author does not permit filling its form fields (encrypted with "
                                      "restrictions); ask for an unrestricted copy"), where=where)
            out = io.BytesIO()
            pdf.save(out, encryption=False)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise FormFileError(_("the PDF is password-protected; ask the sender for a copy without a password"),
                            where=where) from None
    except pikepdf.PdfError as e:
        raise FormFileError(_("damaged encrypted PDF ({error})").format(error=e), where=where) from None


def open_pdf(data: bytes, *, name: str = "form.pdf") -> tuple[Any, bool]:
    """A pypdf reader for ``data`` (whose AcroForm has been checked) and whether it was encrypted."""
    from pypdf import PdfReader

    where = Location(file=name)
    head = data[:1024]
    if b"%PDF-" not in head:
        kind = next((what for magic, what in _MAGIC if data.lstrip()[:8].startswith(magic)), None)
        raise FormFileError(_("not a PDF (this is {kind})").format(kind=_(kind)) if kind else
                            _("not a PDF (no %PDF- header)") if data else _("empty file, not a PDF"), where=where)
    encrypted = False
    try:
        with quiet_pypdf():
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                encrypted = True
                reader = PdfReader(io.BytesIO(_decrypt(data, where)), strict=False)
            root = reader.trailer["/Root"].get_object()
            pages = list(reader.pages)
            acro = root.get("/AcroForm")
            acro = acro.get_object() if acro is not None else None
            nodes = walk_fields(root, pages) if acro is not None else []
    except damaged_pdf_errors() as e:
        raise FormFileError(_("damaged PDF, cannot be read ({error})").format(error=f"{e.__class__.__name__}: {e}"),
                            where=where) from None
    if acro is not None and not nodes and "/XFA" in acro:
        raise FormFileError(_(XFA_ONLY), where=where)
    if acro is None or not nodes:
        raise FormFileError(_("this PDF has no fillable form fields (no AcroForm); a scanned or printed form "
                              "cannot be filled"), where=where)
    return reader, encrypted


def _page_words(page: Any) -> list[tuple[float, float, str]]:
    """(x, y, text) of each piece of text a page draws, in page space (pypdf's text visitor)."""
    words: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            words.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return words


def _radio_labels(node: FieldNode, field: FormField, pages: list[Any], page_of: dict[Any, int]) -> FormField:
    """A radio group whose options are bare export values (``0``, ``1``…, no ``/Opt``): each option's label
    is the text printed just right of its button (within 150 pt on its line), as a person reads the form."""
    from dataclasses import replace

    if field.kind != "radio" or "/Opt" in node.attrs or any(o.export != o.display for o in field.options):
        return field
    labels: dict[str, str] = {}
    cache: dict[int, list[tuple[float, float, str]]] = {}
    for w in node.widgets:
        number = page_of.get(_key(w))
        states = on_states(w)
        if number is None or not states or "/Rect" not in w:
            continue
        try:
            x0, y0, x1, y1 = (float(_obj(v)) for v in _obj(w["/Rect"]))
            words = cache.setdefault(number, _page_words(pages[number - 1]))
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError):
            continue
        middle = (min(y0, y1) + max(y0, y1)) / 2
        near = [(x - max(x0, x1), t) for x, y, t in words
                if 0 <= x - max(x0, x1) <= 150 and abs(y - middle) <= max(6.0, abs(y1 - y0))]
        if near:
            labels[states[0][1:]] = min(near)[1][:80]
    if not labels:
        return field
    options = tuple(Option(o.export, labels.get(o.export, o.display)) for o in field.options)
    return replace(field, options=options)


def inspect_pdf(data: bytes, *, name: str = "form.pdf") -> FormInfo:
    """Describe the fields of a PDF form given as bytes."""
    reader, encrypted = open_pdf(data, name=name)
    with quiet_pypdf():
        root = reader.trailer["/Root"].get_object()
        pages = list(reader.pages)
        nodes = walk_fields(root, pages)
        where = page_index(pages)
        fields = tuple(_radio_labels(n, describe(n, where), pages, where) for n in nodes)
        acro = root["/AcroForm"].get_object()
        active = count_active_content(root, pages)
    return FormInfo(file=name, pages=len(pages), fields=fields, xfa="/XFA" in acro, active_content=active,
                    encrypted=encrypted)


def inspect_form(path: str | Path) -> FormInfo:
    """Describe the fields of the PDF form at ``path`` (never modified)."""
    return inspect_pdf(read_bytes(path), name=str(path))
