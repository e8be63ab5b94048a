"""Near-miss suggestions are fast and exactly difflib's: the shortcut (rapidfuzz's Indel similarity as an upper
bound, or difflib's own length test without rapidfuzz) never changes an answer, and a repeated miss is
answered from the cache."""

from __future__ import annotations

import difflib
import random
import sys

import pytest

from ka2forms.rules.countries import _names
from ka2forms.rules.organisations import _types_vocabulary
from ka2forms.rules.vocabulary import SUGGEST_CUTOFF, Vocabulary, close_matches


def misspellings(labels: list[str], count: int, seed: int = 12) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        w = list(rng.choice(labels))
        i = rng.randrange(len(w))
        kind = rng.randrange(4)
        if kind == 0 and len(w) > 1:
            del w[i]
        elif kind == 1 and i + 1 < len(w):
            w[i], w[i + 1] = w[i + 1], w[i]
        elif kind == 2:
            w[i] = rng.choice("aeioulnrst")
        else:
            w.insert(i, rng.choice("aeioulnrst"))
        out.append("".join(w))
    return [*out, "atlantis", "xyzland", "q", "", "slovnija", "germny", "ceska rep"]


@pytest.fixture(params=["rapidfuzz", "pure Python"])
def accelerator(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "rapidfuzz":
        pytest.importorskip("rapidfuzz", reason="allowed: rapidfuzz is an optional extra")
    else:
        monkeypatch.setitem(sys.modules, "rapidfuzz", None)   # import rapidfuzz now raises ImportError
    return str(request.param)


@pytest.mark.parametrize("vocabulary", ["countries", "organisation types"])
def test_suggestions_are_exactly_difflibs_with_or_without_rapidfuzz(vocabulary: str, accelerator: str) -> None:
    voc = _names()[0] if vocabulary == "countries" else _types_vocabulary()
    labels = list(voc._index)
    by_length: dict[int, list[str]] = {}
    for k in labels:
        by_length.setdefault(len(k), []).append(k)
    for word in misspellings(labels, 60):
        assert close_matches(word, labels, by_length, 12, SUGGEST_CUTOFF) == \
            difflib.get_close_matches(word, labels, n=12, cutoff=SUGGEST_CUTOFF), word


def test_a_repeated_miss_is_answered_from_the_cache_and_adding_labels_clears_it() -> None:
    voc = Vocabulary("thing")
    voc.add("A", ["alpha"])
    assert voc.suggest("alpah") == ["A"]
    voc._index["alpha"] = "changed"     # the cache answers without looking again …
    assert voc.suggest("alpah") == ["A"]
    voc.add("B", ["alphb"])              # … until the vocabulary changes
    assert sorted(voc.suggest("alpah")) == ["B", "changed"]
