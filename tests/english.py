"""The test of "every word in the user's language": no English sentence of the catalog template in a text.

"An English sentence" is a run of at least three words from a message of ``ka2forms/locale/ka2forms.pot``
(the text between its placeholders) whose translation in the language is other words. Command lines and file
names in messages are not words to translate; the titles of cited source pages are the pages' own names.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[1]
WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
CODE = re.compile(r"ka2forms|KA2FORMS|--|https?:|\.xlsx|\.csv")   # a command line or a file name, not words


@cache
def english_sentences(lang: str) -> frozenset[str]:
    """The English runs of three or more words that ``lang``'s catalog translates into other words."""
    with (REPO / "ka2forms" / "locale" / lang / "LC_MESSAGES" / "ka2forms.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    runs: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if set(ids) & set(strings):
            continue                                   # the translation keeps the English (a name, a code)
        for text in ids:
            for piece in re.split(r"\{[^}]*\}|[\n`()\[\]:;—–]", text):
                piece = " ".join(piece.split()).strip(" ,.'\"?!")
                if (len(WORDS.findall(piece)) >= 3 and not any(piece in s for s in strings)
                        and not CODE.search(piece)):
                    runs.add(piece)
    return frozenset(runs)


def _without_sources(text: str) -> str:
    """The output less the list of cited sources: a source's title is the name of a page (often English)."""
    lines = text.splitlines()
    keep = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if re.match(r"\s+https?://", line) or (re.match(r"\s{2}[\w.-]+: ", line) and re.match(r"\s+https?://", nxt)):
            continue
        keep.append(line)
    return "\n".join(keep)


def assert_no_english(output: str, lang: str) -> None:
    text = " ".join(_without_sources(output.replace("\u00a0", " ")).split())
    found = sorted(s for s in english_sentences(lang) if s in text and re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text))
    assert not found, f"English in the {lang} output: {found[:5]}\n{output[:3000]}"
