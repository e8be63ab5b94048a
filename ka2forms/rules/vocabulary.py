"""Matching what people type against a closed vocabulary (codes plus labels in several languages).

Shared by organisation types, roles, countries and actions so that all of them ignore case, spaces and
diacritics in the same way and suggest the same kind of near misses.

Suggestions are :func:`difflib.get_close_matches` over the folded labels, made fast without changing a
single answer: difflib compares every label (10 745 country names: about 6 ms a miss), so only the labels
that *could* reach the cutoff are handed to it. With rapidfuzz installed (``ka2forms[fast]``) those are the
labels whose Indel similarity, ``2·LCS / (len a + len b)``, reaches the cutoff: difflib's ratio counts
matching blocks, which form a common subsequence, so it is never above that similarity, and no label
difflib would keep is left out. Without rapidfuzz they are the labels of a length difflib's own first test
(``real_quick_ratio``) lets through. Answers are kept per folded text, so a batch that repeats a misspelling
pays once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ka2forms.errors import RulesDataError
from ka2forms.text import fold

SUGGEST_CUTOFF = 0.75
_CACHE_SIZE = 4096


def close_matches(word: str, labels: list[str], by_length: dict[int, list[str]], n: int,
                  cutoff: float) -> list[str]:
    """Exactly ``difflib.get_close_matches(word, labels, n, cutoff)``, scoring only possible matches."""
    if len(word) >= 200:     # difflib's autojunk heuristic starts here: no shortcut, the plain answer
        return difflib.get_close_matches(word, labels, n=n, cutoff=cutoff)
    try:
        from rapidfuzz import fuzz, process
    except ImportError:
        la = len(word)
        # real_quick_ratio = 2·min(la, lb) / (la + lb): the lengths it lets through, nothing else
        pool = [k for lb, ks in by_length.items() if la + lb and 2 * min(la, lb) / (la + lb) >= cutoff for k in ks]
    else:
        pool = [k for k, _score, _i in process.extract(word, labels, scorer=fuzz.ratio, processor=None, limit=None,
                                                        score_cutoff=cutoff * 100 - 1e-6)]
    return difflib.get_close_matches(word, pool, n=n, cutoff=cutoff)


class Vocabulary:
    """Folded label → canonical value. Two canonical values claiming one label is a data error."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._index: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._labels: tuple[list[str], dict[int, list[str]]] | None = None
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}

    def add(self, value: str, labels: Iterable[str]) -> None:
        for label in labels:
            key = fold(str(label))
            other = self._index.get(key)
            if other is not None and other != value:
                raise RulesDataError(f"{self.kind} label {label!r} is claimed by both {other} and {value}")
            self._index[key] = value
            self._display.setdefault(key, str(label))
        self._labels = None
        self._suggested.clear()

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
        word = fold(text)
        got = self._suggested.get((word, n))
        if got is None:
            if self._labels is None:
                labels = list(self._index)
                by_length: dict[int, list[str]] = {}
                for k in labels:
                    by_length.setdefault(len(k), []).append(k)
                self._labels = (labels, by_length)
            keys = close_matches(word, *self._labels, n=4 * n, cutoff=SUGGEST_CUTOFF)
            got = tuple(dict.fromkeys(self._index[k] for k in keys))[:n]
            if len(self._suggested) >= _CACHE_SIZE:
                self._suggested.clear()
            self._suggested[(word, n)] = got
        return list(got)
