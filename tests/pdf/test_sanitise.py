"""Nothing active survives in a filled form: not as a link, not as an annotation, not as bytes in the file."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest
from pdfcheck import SAMPLE_FORM, values
from tools import require_tool

from ka2forms.pdf.fill import FormTemplate
from ka2forms.pdf.sanitise import safe_uri

PAYLOADS = {
    "attachment": b"ATTACHED-PAYLOAD-7f3a not for partners",
    "annotation file": b"ANNOT-FILE-PAYLOAD-91c2",
    "rich media": b"RICHMEDIA-PAYLOAD-5d0e",
    "screen": b"SCREEN-RENDITION-PAYLOAD-33aa",
}
BAD_URIS = ("javascript:app.alert('link')", "  JavaScript:alert(1)", "file:///etc/passwd", "FILE://server/share",
            "\x01javascript:x", "relative/page.html")


def _planted() -> bytes:
    """The sample form with links to scripts and local files, multimedia annotations and embedded files,
    every file stored uncompressed so that a test can find its bytes."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        TextStringObject,
    )

    w = PdfWriter(clone_from=PdfReader(SAMPLE_FORM))
    n = NameObject

    def stream(data: bytes) -> object:
        s = DecodedStreamObject()
        s.set_data(data)
        s[n("/Type")] = n("/EmbeddedFile")
        return w._add_object(s)

    def filespec(data: bytes, name: str) -> DictionaryObject:
        return DictionaryObject({n("/Type"): n("/Filespec"), n("/F"): TextStringObject(name),
                                 n("/EF"): DictionaryObject({n("/F"): stream(data)})})

    def annot(subtype: str, **extra: object) -> object:
        d = DictionaryObject({n("/Type"): n("/Annot"), n("/Subtype"): n(subtype),
                              n("/Rect"): ArrayObject([])})
        for k, v in extra.items():
            d[n("/" + k)] = v
        return w._add_object(d)

    root = w.root_object
    root[n("/Names")] = DictionaryObject({n("/EmbeddedFiles"): DictionaryObject({n("/Names"): ArrayObject(
        [TextStringObject("payload.txt"), w._add_object(filespec(PAYLOADS["attachment"], "payload.txt"))])})})
    page = w.pages[0]
    annots = page["/Annots"]
    for uri in BAD_URIS:
        annots.append(annot("/Link", A=DictionaryObject({n("/S"): n("/URI"), n("/URI"): TextStringObject(uri)})))
    annots.append(annot("/Link", A=DictionaryObject({n("/S"): n("/URI"),
                                                      n("/URI"): TextStringObject("https://erasmus-plus.ec.europa.eu/")})))
    annots.append(annot("/FileAttachment", FS=filespec(PAYLOADS["annotation file"], "a.txt")))
    annots.append(annot("/RichMedia", RichMediaContent=DictionaryObject({n("/Assets"): DictionaryObject({
        n("/Names"): ArrayObject([TextStringObject("movie.swf"),
                                  filespec(PAYLOADS["rich media"], "movie.swf")])})})))
    rendition = DictionaryObject({n("/S"): n("/MR"), n("/C"): DictionaryObject({
        n("/S"): n("/MCD"), n("/D"): filespec(PAYLOADS["screen"], "clip.mp4")})})
    annots.append(annot("/Screen", A=DictionaryObject({n("/S"): n("/Rendition"), n("/R"): rendition})))
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def planted() -> bytes:
    data = _planted()
    for payload in PAYLOADS.values():
        assert payload in data, "the planted form must hold each payload's bytes"
    plain = _uncompressed(data)
    assert b"javascript:app.alert" in plain and b"file:///etc/passwd" in plain and b"/RichMedia" in plain
    return data


def _uncompressed(data: bytes) -> bytes:
    """The document's current objects with every stream decompressed (qpdf)."""
    qpdf = require_tool("qpdf", "apt-get install qpdf")
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp, "in.pdf"), Path(tmp, "out.pdf")
        src.write_bytes(data)
        r = subprocess.run([qpdf, "--qdf", "--object-streams=disable", "--stream-data=uncompress", str(src),
                            str(dst)], capture_output=True, check=False)
        assert r.returncode in (0, 3), r.stderr
        return dst.read_bytes()


def _every_stream_inflated(data: bytes) -> bytes:
    """Every zlib stream in the file's bytes inflated, including objects of earlier revisions that nothing
    refers to any more (which qpdf does not write): what someone reading the raw file could recover."""
    out = []
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            continue
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompressobj().decompress(data[m.end():end]))
    return b"\n".join(out)


def _assert_nothing_removed_survives(data: bytes) -> None:
    for blob in (data, _uncompressed(data), _every_stream_inflated(data)):
        lower = blob.lower()
        for name, payload in PAYLOADS.items():
            assert payload not in blob, f"{name} bytes survive"
            assert zlib.compress(payload) not in blob
        assert b"javascript" not in lower
        assert b"file:" not in lower and b"file\\072" not in lower
        assert b"relative/page.html" not in blob
        for subtype in (b"/RichMedia", b"/Screen", b"/FileAttachment", b"/EmbeddedFile", b"/Rendition"):
            assert subtype not in blob, subtype
    assert b"https://erasmus-plus.ec.europa.eu/" in _uncompressed(data), "a web link is not active content"


@pytest.mark.parametrize("flatten", [False, True], ids=["editable (incremental update)", "flattened"])
def test_removed_links_annotations_and_embedded_files_leave_no_bytes_in_the_output(planted: bytes,
                                                                                  flatten: bool) -> None:
    template = FormTemplate.load(planted, name="planted.pdf")
    assert template.removed_active_content >= len(BAD_URIS) + 4
    out = template.fill({"Organisation": "Univerza v Ljubljani", "City": "Ljubljana"}, flatten=flatten).data
    _assert_nothing_removed_survives(out)
    if not flatten:
        assert out.startswith(template.clean), "the editable copy is the template plus an incremental update"
        assert values(out)["Organisation"] == "Univerza v Ljubljani"


def test_the_template_itself_holds_nothing_removed(planted: bytes) -> None:
    _assert_nothing_removed_survives(FormTemplate.load(planted, name="planted.pdf").clean)


@pytest.mark.parametrize("uri", (*BAD_URIS, "data:text/html,<script>", "vbscript:x", "", "\\\\server\\share"))
def test_only_web_and_mail_addresses_are_safe_links(uri: str) -> None:
    assert not safe_uri(uri)


@pytest.mark.parametrize("uri", ["https://ec.europa.eu/", "HTTP://example.org", "mailto:erasmus@example.org",
                                 b"https://example.org/bytes"])
def test_web_and_mail_addresses_stay_links(uri: str | bytes) -> None:
    assert safe_uri(uri)
