"""Active content in a PDF: find it (``ka2forms fields`` reports it) and remove it (every filled copy).

Forms arrive from outside; a filled copy goes to partners and agencies. Nothing in it should run: no
``/OpenAction``, no additional actions (``/AA``) on the catalog, pages, annotations or fields (up their
``/Parent`` chains), no document JavaScript (``/Names/JavaScript``), no embedded files (``/Names/EmbeddedFiles``,
file-attachment annotations), no action other than going to a web address or a page of the same document
(``/Launch``, ``/SubmitForm``, ``/ImportData``, ``/JavaScript``, ``/GoToR``, ``/GoToE``, ``/Rendition``,
``/ResetForm``…, also in outlines and ``/Next`` chains), no web address other than ``http:``, ``https:`` and
``mailto:`` (``javascript:`` runs a script in some viewers, ``file:`` opens a local file), no multimedia or 3D
annotations (``/RichMedia``, ``/Screen``, ``/Movie``, ``/Sound``, ``/3D``: they carry players, scripts and
files), and no ``/AcroForm/XFA`` (Acrobat would show the XFA data instead of the filled fields).

Removing a reference does not remove the bytes it pointed to: the caller rewrites the document without the
objects nothing refers to any more (``pdf/fill.py``), before any incremental update is appended to it.

Works on pypdf objects (dictionaries with ``get``, ``__contains__`` and ``pop``).
"""

from __future__ import annotations

from typing import Any

SAFE_ACTIONS = frozenset({"/URI", "/GoTo"})
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})


def _obj(x: Any) -> Any:
    return x.get_object() if hasattr(x, "get_object") else x


def _is_dict(x: Any) -> bool:
    return hasattr(x, "keys") and hasattr(x, "get")


def _unsafe_action(action: Any) -> bool:
    a = _obj(action)
    if not _is_dict(a):
        return False
    if a.get("/S") not in SAFE_ACTIONS or "/Next" in a:   # a chain (/Next) is dropped with its head
        return True
    return a.get("/S") == "/URI" and not safe_uri(_obj(a.get("/URI")))


def safe_uri(uri: Any) -> bool:
    """Whether a link's address is a web or mail address (viewers ignore leading blanks and control
    characters and letter case in the scheme, so ``" JavaScript:…"`` is a script too; a relative address
    resolves against the document's location, a ``file:`` for a local PDF)."""
    if isinstance(uri, bytes):
        uri = uri.decode("latin-1")
    if not isinstance(uri, str):
        return False
    text = "".join(ch for ch in uri if ch > " " and ch != "\x7f").lower()
    return text.startswith(SAFE_URI_SCHEMES)


class _Walker:
    def __init__(self, remove: bool) -> None:
        self.remove = remove
        self.found = 0
        self.seen: set[int] = set()

    def drop(self, d: Any, key: str) -> None:
        if key in d:
            self.found += 1
            if self.remove:
                del d[key]

    def node(self, d: Any) -> None:
        """An annotation, a field or an outline item: its /AA, unsafe /A, and its /Parent chain."""
        depth = 0
        while _is_dict(d) and depth < 60:
            ref = getattr(d, "indirect_reference", None)
            k = ref.idnum if ref is not None else id(d)
            if k in self.seen:
                return
            self.seen.add(k)
            self.drop(d, "/AA")
            if "/A" in d and _unsafe_action(d["/A"]):
                self.drop(d, "/A")
            d = _obj(d.get("/Parent"))
            depth += 1

    def fields(self, refs: Any, depth: int = 0) -> None:
        for ref in _obj(refs) or []:
            f = _obj(ref)
            if _is_dict(f) and depth < 50:
                self.node(f)
                self.fields(f.get("/Kids"), depth + 1)

    def outlines(self, item: Any) -> None:
        count = 0
        item = _obj(item)
        while _is_dict(item) and count < 100_000:
            self.node(item)
            self.outlines(item.get("/First"))
            item = _obj(item.get("/Next"))
            count += 1


def _walk(root: Any, pages: Any, remove: bool) -> int:
    w = _Walker(remove)
    root = _obj(root)
    opening = root.get("/OpenAction")
    if opening is not None and _unsafe_action(opening):
        w.drop(root, "/OpenAction")  # a plain destination ("open at page 1", as LibreOffice writes) stays
    w.drop(root, "/AA")
    names = _obj(root.get("/Names"))
    if _is_dict(names):
        w.drop(names, "/JavaScript")
        w.drop(names, "/EmbeddedFiles")
    acro = _obj(root.get("/AcroForm"))
    if _is_dict(acro):
        w.drop(acro, "/XFA")
        w.fields(acro.get("/Fields"))
    for page in pages:
        page = _obj(page)
        w.drop(page, "/AA")
        annots = _obj(page.get("/Annots"))
        if not annots:
            continue
        keep = []
        for ref in annots:
            a = _obj(ref)
            if _is_dict(a) and a.get("/Subtype") in ACTIVE_ANNOTATIONS:
                w.found += 1
                continue
            w.node(a)
            keep.append(ref)
        if remove and len(keep) != len(annots):
            del annots[:]
            annots.extend(keep)
    outlines = _obj(root.get("/Outlines"))
    if _is_dict(outlines):
        w.outlines(outlines.get("/First"))
    return w.found


def count_active_content(root: Any, pages: Any) -> int:
    """How many active-content entries (actions, scripts, embedded files, XFA) a document has."""
    return _walk(root, pages, remove=False)


def strip_active_content(root: Any, pages: Any) -> int:
    """Remove every active-content entry in place; returns how many were removed."""
    return _walk(root, pages, remove=True)
