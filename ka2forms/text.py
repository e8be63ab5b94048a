"""Text folding shared by every lookup: headers, countries, organisation types, roles, actions, places.

Users type "Česká republika", "ceska republika", "CESKA  REPUBLIKA"; Excel headers arrive as "Država",
"drzava" or "DRŽAVA ". One function decides what counts as the same text, so every lookup agrees.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that carry no combining mark in Unicode, so NFKD alone would leave them as they are.
_NON_DECOMPOSING = str.maketrans({
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
    "ı": "i", "ħ": "h", "Ħ": "h", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ß": "ss", "ẞ": "ss",
    "\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " ",
})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and space-insensitive key: ``fold("  Česká  Republika ") == "ceska republika"``."""
    text = text.translate(_NON_DECOMPOSING)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text.casefold()).strip()


def fold_compact(text: str) -> str:
    """Like :func:`fold` but also drops spaces, dots, dashes, brackets and underscores: for headers and codes.

    ``fold_compact("Duration (months)") == "durationmonths"``; ``fold_compact("ka220-sch") == "ka220sch"``.
    """
    return re.sub(r"[\s.\-_()/\[\]:,']+", "", fold(text))


EXCERPT_CHARS = 60


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text`` for a message: a 10 MB cell is quoted by its start and its
    length, never whole (messages go to terminals, JSON and summary rows)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)".replace(",", " ")


def quote(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr`` of a cell value for a message, cut to a short excerpt when long."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"… ({len(value):,} characters)".replace(",", " ")
    text = repr(value)
    return text if len(text) <= limit * 2 else text[: limit * 2] + "…"
