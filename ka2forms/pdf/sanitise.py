"""Active content in a PDF: find it (``ka2forms fields`` reports it) and remove it (every filled copy).

Forms arrive from outside; a filled copy goes to partners and agencies. Nothing in it should run: no
``/OpenAction``, no additional actions (``/AA``) on the catalog, pages, annotations or fields (up their
``/Parent`` chains), no document JavaScript (``/Names/JavaScript``), no embedded files (``/Names/EmbeddedFiles``,
file-attachment annotations), no action other than going to a web address or a page of the same document
(``/Launch``, ``/SubmitForm``, ``/ImportData``, ``/JavaScript``, ``/GoToR``, ``/GoToE``, ``/Rendition``,
``/ResetForm``…, also in outlines and ``/Next`` chains), and no ``/AcroForm/XFA`` (Acrobat would show the XFA
data instead of the filled fields).

Works on pypdf objects (dictionaries with ``get``, ``__contains__`` and ``pop``).
"""

from __future__ import annotations

from typing import Any

SAFE_ACTIONS = frozenset({"/URI", "/GoTo"})


def _obj(x: Any) -> Any:
    return x.get_object() if hasattr(x, "get_object") else x


def _is_dict(x: Any) -> bool:
    return hasattr(x, "keys") and hasattr(x, "get")


def _unsafe_action(action: Any) -> bool:
    a = _obj(action)
    if not _is_dict(a):
        return False
    return a.get("/S") not in SAFE_ACTIONS or "/Next" in a  # a chain (/Next) is dropped with its head


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
            if _is_dict(a) and a.get("/Subtype") == "/FileAttachment":
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
