"""The one key function for place names, shared by the build script and the run-time index.

It is :func:`ka2forms.text.fold` (case, accents, spaces) plus two place-name habits: hyphens and dots are
spaces ("Saint-Étienne" = "Saint Etienne", "St. Pölten" = "St Pölten"), and a leading or trailing
apostrophe is dropped ("'s-Hertogenbosch" = "s Hertogenbosch").
"""

from __future__ import annotations

import re

from ka2forms.text import fold

_PUNCT = re.compile(r"[\s\-.\u2010-\u2015_]+")


def name_key(text: str) -> str:
    """Folded lookup key of a place name: ``name_key("Saint-Étienne") == "saint etienne"``."""
    return _PUNCT.sub(" ", fold(text)).strip(" '")
