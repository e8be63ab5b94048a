"""Seeded mutations of real workbooks, and one way to run ka2forms on each (the fuzz test and bench/fuzz_workbooks.py).

A mutation is a pure function of (original bytes, seed): the same seed always gives the same broken file, so a
failure is reproduced with ``mutate(data, seed)`` alone. Three families, as a hostile sender would produce:

- zip bytes: flipped, overwritten or cut bytes anywhere in the container;
- XML parts: edits inside a sheet, the shared strings or the workbook part (a part cut in half, undefined
  entities, impossible cell references, bad shared-string indices, ``t="b">yes``, ``t="d">notadate``,
  ``<v>abc</v>``, ``<v>nan</v>``, ``1e999``, ``&#0;``, lone surrogates, huge row numbers, long cells…);
- structure: parts removed, renamed or duplicated, central-directory fields ("version needed",
  compression method) changed.

:func:`run_check` runs ``ka2forms check --json`` in-process and returns the exit code, what it printed and the
seconds taken; the caller decides what counts as a failure.
"""

from __future__ import annotations

import io
import random
import re
import struct
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BAD_REFS = ("1A", "A0", "B-3", "XFE1", "A1048577", "", "ZZZZ1", "A99999999999", "-", "A1:B2", "Ä1", "a1")
XML_VALUES = ("<v>abc</v>", "<v>nan</v>", "<v>NaN</v>", "<v>inf</v>", "<v>1e999</v>", "<v>-1e999</v>",
              "<v>" + "9" * 5000 + "</v>", "<v>1E+308</v>", "<v></v>", "<v>&#0;</v>", "<v>&#xD800;</v>",
              "<v>0x10</v>", "<v> 12 </v>", "<v>1,5</v>", "<v>99999999999999999999</v>")
TYPES = ('t="s"', 't="b"', 't="d"', 't="e"', 't="str"', 't="inlineStr"', 't="n"', 't="x"', 't=""')
TEXTS = ("&#0;", "&#xD800;", "&#xFFFE;", "&undefined;", "\x01", "\ud800", "&amp;", "x" * 40_000, "1e999",
         "NaN", "Infinity", "-1", "🇸🇮", "=HYPERLINK(\"http://x\")", "\u202e", "\t\n", "&lt;", "2025.5",
         "250.000,00 €", "9" * 400, "0", "E1011984")


@dataclass(frozen=True)
class Mutant:
    seed: int
    kind: str          # what was done, for the report
    data: bytes


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i)) for i in z.infolist()]


def _pack(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        warnings.simplefilter("ignore")  # duplicate part names are one of the mutations
        for info, body in members:
            z.writestr(info.filename, body)
    return buf.getvalue()


def _sub_once(rng: random.Random, pattern: str, text: str, repl: Callable[[re.Match[str]], str]) -> str:
    hits = list(re.finditer(pattern, text))
    if not hits:
        return text
    m = rng.choice(hits)
    return text[:m.start()] + repl(m) + text[m.end():]


def _xml_edit(rng: random.Random, text: str) -> tuple[str, str]:
    """One edit of an XML part; returns (what, new text)."""
    choice = rng.randrange(17)
    if choice == 0:
        return "cut", text[: rng.randrange(max(1, len(text)))]
    if choice == 1:
        return "bad-ref", _sub_once(rng, r'r="[A-Z]+\d+"', text, lambda m: f'r="{rng.choice(BAD_REFS)}"')
    if choice == 2:
        return "bad-row", _sub_once(rng, r'<row r="\d+"', text,
                                    lambda m: f'<row r="{rng.choice(("0", "-1", "abc", "999999999", "1048577"))}"')
    if choice == 3:
        return "value", _sub_once(rng, r"<v>[^<]*</v>", text, lambda m: rng.choice(XML_VALUES))
    if choice == 4:
        return "type", _sub_once(rng, r'<c r="[A-Z]+\d+"', text, lambda m: m.group() + " " + rng.choice(TYPES))
    if choice == 5:
        return "sst-index", _sub_once(rng, r'(t="s"[^>]*>\s*<v>)\d+', text,
                                      lambda m: m.group(1) + rng.choice(("-1", "-2", "99999", "1e3", "")))
    if choice == 6:
        return "text", _sub_once(rng, r"<t(?: [^>]*)?>[^<]*</t>", text,
                                 lambda m: f"<t>{rng.choice(TEXTS)}</t>")
    if choice == 7:
        return "entity", _sub_once(rng, r">[^<]+<", text, lambda m: f">&{rng.choice(('foo', 'lol', 'x1'))};<")
    if choice == 8:
        return "doctype", re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + rng.choice((
            '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
            '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
            '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>')), text, count=1)
    if choice == 9:
        return "drop-tag", _sub_once(rng, r"</?[A-Za-z:]+[^>]*>", text, lambda m: "")
    if choice == 10:
        return "dup-row", _sub_once(rng, r"<row [^>]*>.*?</row>", text, lambda m: m.group() * 2)
    if choice == 11:
        return "inline", _sub_once(rng, r'<c r="([A-Z]+\d+)"[^>]*>.*?</c>', text, lambda m: (
            f'<c r="{m.group(1)}" t="inlineStr"><is><t>{rng.choice(TEXTS)}</t></is></c>'))
    if choice == 12:
        return "dimension", _sub_once(rng, r'<dimension ref="[^"]*"', text,
                                      lambda m: '<dimension ref="A1:XFD1048576"')
    if choice == 13:
        return "far-cell", _sub_once(rng, r"</row>", text, lambda m: (
            f'<c r="{rng.choice(("XFD", "AAA", "ZZ"))}{rng.randrange(1, 9)}"><v>1</v></c></row>'))
    if choice == 14:
        i = rng.randrange(max(1, len(text)))
        return "char", text[:i] + rng.choice(("<", ">", "&", '"', "\x00", "\ud800", "é", "]]>")) + text[i + 1:]
    if choice == 15:
        return "number-as-text", _sub_once(rng, r'<c r="(B\d+)"[^>]*>.*?</c>', text, lambda m: (
            f'<c r="{m.group(1)}"><v>{rng.choice(("1e999", "nan", "-0", "1e16", "4e15", "2025.0000001"))}</v></c>'))
    return "attr", _sub_once(rng, r'(\w+)="[^"]*"', text, lambda m: f'{m.group(1)}="{rng.choice(TEXTS[:12])}"')


def _central_directory_edit(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """Change a field of one central-directory entry: "version needed" or the compression method."""
    starts = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not starts:
        return "cd-none", data
    at = rng.choice(starts)
    b = bytearray(data)
    if rng.random() < 0.5:
        struct.pack_into("<H", b, at + 6, rng.choice((63, 99, 255, 0xFFFF)))      # version needed to extract
        return "cd-version", bytes(b)
    struct.pack_into("<H", b, at + 10, rng.choice((1, 6, 9, 12, 14, 98, 99)))   # compression method
    return "cd-method", bytes(b)


def mutate(data: bytes, seed: int) -> Mutant:
    """The broken workbook number ``seed`` made from ``data`` (a valid .xlsx)."""
    rng = random.Random(seed)
    family = rng.choice(("bytes", "xml", "xml", "xml", "structure"))
    if family == "bytes":
        b = bytearray(data)
        how = rng.randrange(3)
        if how == 0:
            for _ in range(rng.randrange(1, 9)):
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
            return Mutant(seed, "bytes-flip", bytes(b))
        if how == 1:
            at = rng.randrange(len(b))
            n = rng.randrange(1, 64)
            b[at:at + n] = bytes(rng.randrange(256) for _ in range(n))
            return Mutant(seed, "bytes-overwrite", bytes(b))
        return Mutant(seed, "bytes-cut", bytes(b[: rng.randrange(len(b))]))
    members = _members(data)
    if family == "structure":
        how = rng.randrange(5)
        if how == 0:
            del members[rng.randrange(len(members))]
            return Mutant(seed, "drop-part", _pack(members))
        if how == 1:
            i = rng.randrange(len(members))
            info, body = members[i]
            members[i] = (zipfile.ZipInfo(info.filename + rng.choice(("x", ".bak", "/"))), body)
            return Mutant(seed, "rename-part", _pack(members))
        if how == 2:
            members.append(rng.choice(members))
            return Mutant(seed, "dup-part", _pack(members))
        kind, out = _central_directory_edit(rng, data)
        return Mutant(seed, kind, out)
    xml = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml")]
    weights = [5 if "worksheets/" in members[i][0].filename or "sharedStrings" in members[i][0].filename else 1
               for i in xml]
    i = rng.choices(xml, weights)[0]
    info, body = members[i]
    text = body.decode("utf-8", "replace")
    kinds = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        kind, text = _xml_edit(rng, text)
        kinds.append(kind)
    members[i] = (info, text.encode("utf-8", "surrogatepass"))
    return Mutant(seed, f"{Path(info.filename).name}:{'+'.join(kinds)}", _pack(members))


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str
    seconds: float


def run_check(path: Path) -> Outcome:
    """``ka2forms check --json PATH`` in this process (click's test runner): exit code, stdout+stderr, time."""
    from click.testing import CliRunner

    from ka2forms.cli import main

    start = time.perf_counter()
    result = CliRunner().invoke(main, ["check", "--json", str(path)], catch_exceptions=True)
    seconds = time.perf_counter() - start
    output = result.output + (getattr(result, "stderr", "") if _has_stderr(result) else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\nuncaught {result.exception.__class__.__name__}: {result.exception}"
        return Outcome(3, output, seconds)
    return Outcome(result.exit_code, output, seconds)


def _has_stderr(result: object) -> bool:
    try:
        return isinstance(result.stderr, str) and result.stderr not in result.output  # type: ignore[attr-defined]
    except (ValueError, AttributeError):
        return False
