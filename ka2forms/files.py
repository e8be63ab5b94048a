"""Writing outputs safely: atomically, and never over an input.

Every command writes through :func:`write_atomic`: the data goes to a temporary file in the target's folder,
is flushed to disk, then renamed over the target with ``os.replace`` (atomic on POSIX and Windows). A run
killed at any moment leaves the old file or the new one, never half of one. Inputs (workbooks, forms,
maps) passed as ``protect`` can never be the target, however the path is spelt (``..``, links, case on
Windows).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from ka2forms.errors import InputError, Location


def same_file(a: Path | str, b: Path | str) -> bool:
    """True when two paths name one file (also through links, ``..`` and Windows case-insensitivity)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


def refuse_inputs(target: Path | str, protect: Iterable[Path | str]) -> None:
    """Raise InputError when ``target`` is one of the inputs."""
    for p in protect:
        if same_file(target, p):
            raise InputError("refusing to write over an input file: choose another output name or folder",
                             where=Location(file=str(target)))


def write_atomic(path: Path | str, data: bytes | Callable[[BinaryIO], object], *,
                 protect: Iterable[Path | str] = ()) -> Path:
    """Write ``data`` (bytes, or a function writing to a binary file) to ``path`` atomically; return the path."""
    target = Path(path)
    refuse_inputs(target, protect)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the output folder does not exist", where=Location(file=str(folder)))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, (bytes, bytearray)):
                f.write(data)
            else:
                data(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write the output: {e.strerror or e}", where=Location(file=str(target))) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
