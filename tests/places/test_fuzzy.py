"""Near-miss search: the pure-Python way scores exactly as rapidfuzz does, and finds one-edit typos anywhere."""

from __future__ import annotations

import random

import pytest

from ka2forms.places._fuzzy import _pure, osa_similarity


def test_pure_osa_similarity_equals_rapidfuzz() -> None:
    from rapidfuzz.distance import OSA

    rng = random.Random(7)
    words = ["wien", "wein", "ljubljana", "ljubljna", "kraków", "krakw", "", "a", "ab", "ba", "abc", "ca"]
    words += ["".join(rng.choice("abcde") for _ in range(rng.randint(0, 9))) for _ in range(200)]
    for a in words:
        for b in rng.sample(words, 12):
            assert osa_similarity(a, b) == pytest.approx(OSA.normalized_similarity(a, b)), (a, b)


def test_a_swapped_pair_costs_one_edit() -> None:
    assert osa_similarity("wein", "wien") == pytest.approx(0.75)


def test_pure_search_finds_a_typo_in_the_first_letter() -> None:
    # difflib alone looked only among keys with the same first letter: "xraków" never found "kraków"
    keys = sorted(["kraków", "krakow", "praha", "xanten", "xativa"])
    assert _pure("xraków", keys, 0.6, 60)[0] == ("kraków", pytest.approx(5 / 6))


def test_pure_search_ranks_most_similar_first_and_respects_the_cutoff() -> None:
    keys = sorted(["bratislava", "bratslav", "braslav", "berlin"])
    found = [k for k, _ in _pure("bratslava", keys, 0.6, 60)]
    assert found[0] == "bratislava"
    assert "berlin" not in found
