"""The optional parts of ka2forms, and the one check that turns a missing part into a clear error.

``pip install ka2forms`` is the pure-Python core (rules, places, readers, check, travel, worksheet
functions, command line); the annex and PDF forms need compiled or heavy libraries and come as extras:
``ka2forms[annex]``, ``ka2forms[forms]`` (``ka2forms[all]`` for both, plus the ``fast`` accelerator).

A command calls :func:`require` before it starts work, so a missing extra is one line naming what to install
(:class:`~ka2forms.errors.MissingExtraError`, exit code 2), never an ``ImportError`` traceback half-way
through a batch. The check only *finds* the modules (``importlib.util.find_spec``): it imports nothing, so it
costs nothing on the core's start-up.
"""

from __future__ import annotations

import importlib.util

from ka2forms.errors import MissingExtraError

#: extra → the modules it provides (import names), as declared in pyproject.toml's optional-dependencies.
EXTRAS: dict[str, tuple[str, ...]] = {
    "annex": ("jinja2", "babel", "docxtpl", "weasyprint"),
    "forms": ("jinja2", "pypdf", "pikepdf", "fontTools"),
    "fast": ("rapidfuzz",),
}


def available(module: str) -> bool:
    """True when ``module`` can be imported (a module set to ``None`` in ``sys.modules`` counts as missing)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(extra: str, feature: str, modules: tuple[str, ...] | None = None) -> None:
    """Raise :class:`MissingExtraError` naming ``extra`` when one of its ``modules`` (default: all) is missing.

    ``feature`` is what the user asked for, in their words (``"ka2forms fill"``, ``"Word annexes"``).
    """
    for module in modules if modules is not None else EXTRAS[extra]:
        if not available(module):
            raise MissingExtraError(feature, extra, missing=module)


def missing_extra(e: ImportError, extra: str, feature: str) -> MissingExtraError:
    """An ``ImportError`` met while importing an extra's library, as the error the user can act on."""
    return MissingExtraError(feature, extra, missing=e.name or str(e))


__all__ = ["EXTRAS", "available", "missing_extra", "require"]
