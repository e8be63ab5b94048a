"""What every Jinja environment of ka2forms shares: dictionaries read without exceptions.

Two of Jinja's general ways cost an exception where ka2forms' templates need none — together a few percent
of a whole batch, which renders a map's templates for every form and an annex for every workbook:

- ``partner.organisation`` tries the *attribute* first and the entry only after the ``AttributeError``, and
  annex and map contexts are dictionaries. :class:`PlainDictionaries` returns the entry at once when the name
  cannot be an attribute of a ``dict``: the same result in every case (an entry named like a dictionary
  method, ``items``, still gives the method, as Jinja does).
- A template's globals are a ``ChainMap`` over the environment's, copied into every render's context key by
  key, with a ``KeyError`` for each key the first map lacks. ka2forms never changes an environment's globals
  after making it, so each template gets a plain copy.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_DICT_ATTRIBUTES = frozenset(dir(dict))


class PlainDictionaries:
    """A mixin for a Jinja ``Environment`` (or sandbox) class: put it first among the bases."""

    globals: dict[str, Any]

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass                      # Jinja's own way gives the undefined value and its message
        return super().getattr(obj, attribute)  # type: ignore[misc]

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:
        return {**self.globals, **(d or {})}


@cache
def with_plain_dictionaries(environment: type) -> type:
    """``environment`` (a Jinja Environment class) with :class:`PlainDictionaries`, made once per class."""
    return type(environment.__name__, (PlainDictionaries, environment), {})
