"""What every Jinja environment of ka2forms shares: reading a dictionary's entries without an exception.

Jinja reads ``partner.organisation`` by trying the *attribute* first and the entry only after the
``AttributeError`` — and annex and map contexts are dictionaries, so each of the hundreds of reads in an annex
raised and caught an exception (a few percent of a whole batch). :class:`DictEntriesFirst` returns the entry
directly when the name cannot be an attribute of a ``dict``: the result is the same in every case, an entry
named like a dictionary method (``items``) still gives the method, as Jinja does.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_DICT_ATTRIBUTES = frozenset(dir(dict))


class DictEntriesFirst:
    """A mixin for a Jinja ``Environment`` (or sandbox) class: put it first among the bases."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass                      # Jinja's own way gives the undefined value and its message
        return super().getattr(obj, attribute)  # type: ignore[misc]


@cache
def with_dict_entries_first(environment: type) -> type:
    """``environment`` (a Jinja Environment class) with :class:`DictEntriesFirst`, made once per class."""
    return type(environment.__name__, (DictEntriesFirst, environment), {})
