"""Near misses of a folded place key among all keys: rapidfuzz when installed, pure Python otherwise.

Both ways score a candidate with the same measure, the normalised optimal-string-alignment similarity
(``1 - distance / longer length``; a swapped pair of letters, "Wein" for "Wien", costs one edit), so the
suggestions a user sees are ranked the same way with or without the accelerator (``ka2forms[fast]``).

rapidfuzz scores every one of the ~336 000 keys in ~30 ms. Pure Python cannot (seconds), so it gathers
candidates in two cheap ways and scores only those: every key one edit away (deletion, transposition,
substitution, insertion — found by binary search in the sorted key list, so typos in the first letter are
found too), and difflib's close matches among keys of similar length with the same first letter (two or
more edits). That is what the core uses in Pyodide and in LibreOffice's Python.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections.abc import Sequence


def osa_similarity(a: str, b: str) -> float:
    """``1 - OSA distance / max(len)``: 1.0 for equal strings, 0.0 for nothing in common."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        for j in range(1, lb + 1):
            cost = 0 if ca == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        prev2, prev = prev, cur
    return 1.0 - prev[lb] / max(la, lb)


def _contains(keys: Sequence[str], k: str) -> bool:
    i = bisect_left(keys, k)
    return i < len(keys) and keys[i] == k


def _one_edit(key: str, alphabet: str) -> set[str]:
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    out |= {a + c + b for a, b in splits for c in alphabet}
    out.discard(key)
    return out


def _pure(key: str, keys: Sequence[str], cutoff: float, limit: int) -> list[tuple[str, float]]:
    """``keys`` must be sorted. Candidates: one edit away, then difflib within the first letter's keys."""
    alphabet = "abcdefghijklmnopqrstuvwxyz -'" + "".join(sorted(set(key) - set("abcdefghijklmnopqrstuvwxyz -'")))
    found = {k for k in _one_edit(key, alphabet) if _contains(keys, k)}
    lo, hi = bisect_left(keys, key[:1]), bisect_left(keys, key[:1] + "\U0010ffff")
    spread = max(1, int(len(key) * (1 - cutoff)) + 1)
    bucket = [k for k in keys[lo:hi] if abs(len(k) - len(key)) <= spread]
    found.update(difflib.get_close_matches(key, bucket, n=limit, cutoff=cutoff))
    scored = [(k, osa_similarity(key, k)) for k in found]
    scored = [(k, s) for k, s in scored if s >= cutoff]
    scored.sort(key=lambda t: (-t[1], t[0]))
    return scored[:limit]


def similar_keys(key: str, keys: Sequence[str], *, cutoff: float = 0.6, limit: int = 60) -> list[tuple[str, float]]:
    """Up to ``limit`` keys at least ``cutoff`` similar to ``key``, most similar first (``keys`` sorted)."""
    try:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA
    except ImportError:
        return _pure(key, keys, cutoff, limit)
    return [(k, score) for k, score, _ in process.extract(key, keys, scorer=OSA.normalized_similarity,
                                                          limit=limit, score_cutoff=cutoff)]


__all__ = ["osa_similarity", "similar_keys"]
