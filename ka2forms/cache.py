"""A per-user cache of derived bytes that are slow to make and always the same for the same inputs.

Why: subsetting the fallback font (DejaVu Sans, 750 KB) for Central European text takes ≈ 0.04 s and the
import of fontTools' subsetter another ≈ 0.07 s — in every process that fills a form with č or ő: each
``ka2forms fill`` and each worker of ``ka2forms convert --jobs N``. The subset depends only on the font file
and the letters, so it is kept on disk after the first time.

Nothing in it is ever trusted blindly, so a cache can never make a result wrong, only slower:

- the key names everything the bytes depend on (for a font: its path, size and modification time, the
  fontTools version, the letters) and is hashed into the file name;
- each entry begins with the SHA-256 of its bytes: a damaged or cut entry is ignored and made again;
- entries are written atomically (:func:`ka2forms.files.write_atomic`); a cache that cannot be read or
  written (read-only home, full disk) is skipped without a word.

Where: ``$KA2FORMS_CACHE_DIR``, else ``$XDG_CACHE_HOME/ka2forms``, ``~/.cache/ka2forms`` (on Windows
``%LOCALAPPDATA%\\ka2forms\\cache``). ``KA2FORMS_CACHE_DIR=off`` turns it off. Deleting the folder is always safe.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ka2forms.errors import InputError
from ka2forms.files import write_atomic

CACHE_ENV = "KA2FORMS_CACHE_DIR"
#: Bump when what is cached changes meaning (every older entry is then never read again).
FORMAT = "1"


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return None if given.strip().lower() in ("", "off", "0", "no") else Path(given)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "ka2forms" / "cache" if base else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):      # no home folder (a service account): no cache
            return None
    return Path(base) / "ka2forms"


def cached(kind: str, key: str, make: Callable[[], bytes]) -> bytes:
    """The bytes ``make()`` returns for ``key``, from the cache when a sound entry is there."""
    folder = cache_dir()
    if folder is None:
        return make()
    path = folder / kind / (hashlib.sha256(f"{FORMAT}\0{key}".encode()).hexdigest() + ".bin")
    try:
        raw = path.read_bytes()
        digest, data = raw[:32], raw[32:]
        if len(digest) == 32 and hashlib.sha256(data).digest() == digest:
            return data
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, hashlib.sha256(data).digest() + data, durable=False)
    except (OSError, InputError):     # a cache that cannot be written only means the next run makes it again
        pass
    return data
