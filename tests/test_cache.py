"""The per-user cache never makes a result wrong: a damaged entry is made again, a cache that cannot be
written is skipped, and the font subset it keeps is the one the subsetter makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ka2forms import cache
from ka2forms.pdf import fill as pdf_fill


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_an_entry_is_made_once_and_read_back(folder: Path) -> None:
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"derived bytes"

    assert cache.cached("kind", "key", make) == cache.cached("kind", "key", make) == b"derived bytes"
    assert made == [1]
    assert cache.cached("kind", "other key", make) == b"derived bytes" and made == [1, 1]


def test_a_damaged_or_cut_entry_is_made_again(folder: Path) -> None:
    cache.cached("kind", "key", lambda: b"good bytes")
    (entry,) = (folder / "kind").iterdir()
    for damage in (entry.read_bytes()[:-1] + b"X", entry.read_bytes()[:20], b""):
        entry.write_bytes(damage)
        assert cache.cached("kind", "key", lambda: b"good bytes") == b"good bytes"
        assert entry.read_bytes().endswith(b"good bytes")


def test_a_cache_that_cannot_be_written_or_is_off_only_costs_time(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocked / "cache"))
    assert cache.cached("kind", "key", lambda: b"data") == b"data"
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.cache_dir() is None and cache.cached("kind", "key", lambda: b"data") == b"data"


def test_the_fallback_subset_comes_from_the_cache_once_made(folder: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = pdf_fill.fallback_font_path()
    if path is None:
        pytest.skip("no DejaVu Sans (apt-get install fonts-dejavu-core)")
    letters = frozenset("čšžćđ")
    pdf_fill._subset.cache_clear()
    first = pdf_fill._subset(str(path), letters)
    pdf_fill._subset.cache_clear()

    def never(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("subset made again although it is in the cache")

    monkeypatch.setattr(pdf_fill, "_make_subset", never)
    assert pdf_fill._subset(str(path), letters) == first
    pdf_fill._subset.cache_clear()


def test_another_font_file_is_never_served_the_cached_subset(folder: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = pdf_fill.fallback_font_path()
    if path is None:
        pytest.skip("no DejaVu Sans (apt-get install fonts-dejavu-core)")
    copy = tmp_path / "font.ttf"
    copy.write_bytes(path.read_bytes())
    letters = frozenset("ő")
    pdf_fill._subset.cache_clear()
    pdf_fill._subset(str(copy), letters)
    copy.write_bytes(path.read_bytes() + b"\0" * 4)          # changed in place: size and time differ
    pdf_fill._subset.cache_clear()
    made: list[str] = []
    real = pdf_fill._make_subset

    def counting(p, chars):  # type: ignore[no-untyped-def]
        made.append(p)
        return real(p, chars)

    monkeypatch.setattr(pdf_fill, "_make_subset", counting)
    pdf_fill._subset(str(copy), letters)
    pdf_fill._subset.cache_clear()
    assert made == [str(copy)]
