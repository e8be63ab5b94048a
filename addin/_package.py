"""What both add-in builders share: writing the package (a zip) atomically and byte-identically, and the
command line (``--out``)."""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path


def write_zip(out: Path, entries: Iterable[tuple[zipfile.ZipInfo, bytes]]) -> str:
    """Write ``entries`` (each deflated) to ``out`` through a temporary file beside it; the file's sha256.

    The entries carry their own dates and modes, so that two builds of the same sources are the same bytes
    (a test rebuilds each add-in and compares it with the committed one)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=out.suffix + ".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for info, data in entries:
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main(build: Callable[[Path], str], default_out: Path, description: str) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    digest = build(args.out)
    print(f"wrote {args.out} (sha256 {digest[:16]}…)")
