"""Matching what people type against a closed vocabulary (codes plus labels in several languages).

Shared by organisation types, roles, countries and actions so that all of them ignore case, spaces and
diacritics in the same way and suggest the same kind of near misses.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ka2forms.errors import RulesDataError
from ka2forms.text import fold


class Vocabulary:
    """Folded label → canonical value. Two canonical values claiming one label is a data error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._index: dict[str, str] = {}
        self._display: dict[str, str] = {}

    def add(self, value: str, labels: Iterable[str]) -> None:
        for label in labels:
            key = fold(str(label))
            other = self._index.get(key)
            if other is not None and other != value:
                raise RulesDataError(f"{self.kind} label {label!r} is claimed by both {other} and {value}")
            self._index[key] = value
            self._display.setdefault(key, str(label))

    @classmethod
    def from_folded(cls, kind: str, index: dict[str, str]) -> Vocabulary:
        """A vocabulary whose keys were folded at build time (country names: 10 000 keys, no work at load)."""
        voc = cls(kind)
        voc._index = index
        voc._display = {k: k for k in index}
        return voc

    def get(self, text: str) -> str | None:
        return self._index.get(fold(text))

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Canonical values whose labels nearly match ``text`` (typos, missing letters), best first."""
        keys = difflib.get_close_matches(fold(text), self._index.keys(), n=4 * n, cutoff=0.75)
        return list(dict.fromkeys(self._index[k] for k in keys))[:n]
