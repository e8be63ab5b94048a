"""Tests that need a program from outside Python (poppler, LibreOffice, Node, qpdf…).

On a developer's machine without the program such a test is skipped with the command that installs it.
In CI, ``.ci/run`` sets ``KA2FORMS_REQUIRE_TOOLS=1`` and ``tests/conftest.py`` turns every skip into a
failure, so a missing install step in ``.ci/run`` cannot hide behind a green run. A skip that is right
even in CI (a race the test cannot force) gives a reason starting with ``allowed:``.
"""

from __future__ import annotations

import os
import shutil

import pytest

ALLOWED = "allowed:"


def tools_required() -> bool:
    """True in CI: a missing program is a failure there, not a skip."""
    return os.environ.get("KA2FORMS_REQUIRE_TOOLS", "") not in ("", "0")


def require_tool(name: str, install: str) -> str:
    """The path of program ``name``; skip (fail in CI) with ``install`` as the fix when it is missing."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed ({install})")
    return path
