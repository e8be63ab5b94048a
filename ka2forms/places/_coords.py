"""Coordinates as typed: ``46.05, 14.51``, ``46.05 14.51``, ``46,05; 14,51``, ``46.05N 14.51E``.

Decimal commas are accepted when the pair separator leaves no doubt (a semicolon or a space). Hemisphere
letters fix which number is the latitude; without them the first number is taken as the latitude, and the
caller checks whether the pair looks swapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"[-+]?\d{1,3}(?:[.,]\d+)?"
_HEMI = re.compile(rf"^(?P<pre>[NSEW])?\s*(?P<num>{_NUM})\s*°?\s*(?P<post>[NSEW])?$", re.IGNORECASE)


@dataclass(frozen=True)
class Coordinates:
    lat: float
    lon: float
    order_known: bool  # hemisphere letters said which number is the latitude


def _number(token: str) -> tuple[float, str | None] | None:
    m = _HEMI.match(token.strip())
    if not m or (m.group("pre") and m.group("post")):
        return None
    value = float(m.group("num").replace(",", "."))
    hemi = (m.group("pre") or m.group("post") or "").upper() or None
    if hemi in ("S", "W"):
        value = -abs(value)
    return value, hemi


def parse_coordinates(text: str) -> Coordinates | None:
    """The coordinates in ``text``, or ``None`` if it is not a pair of numbers."""
    text = text.strip().replace("\u2212", "-")
    if not re.search(r"\d", text) or not re.fullmatch(r"[\d\s.,;°+\-NSEWnsew]+", text):
        return None
    if ";" in text:
        parts = text.split(";")
    elif text.count(",") == 1 and not re.search(r"\d,\d+\s+[-+NSEW\d]", text):
        parts = text.split(",")
    elif "," not in text or re.fullmatch(
        rf"\s*{_NUM}\s*°?\s*[NSEW]?\s+[NSEW]?\s*{_NUM}\s*°?\s*[NSEW]?\s*", text, re.I
    ):
        parts = text.split()
        if len(parts) > 2:  # "46.05 N 14.51 E"
            parts = re.findall(r"[NSEW]?\s*[-+]?\d[\d.,]*\s*°?\s*[NSEW]?", text, re.IGNORECASE)
    else:
        return None
    if len(parts) != 2:
        return None
    first, second = _number(parts[0]), _number(parts[1])
    if first is None or second is None:
        return None
    (a, ha), (b, hb) = first, second
    if ha in ("E", "W") and hb in ("N", "S", None):
        return Coordinates(b, a, True)
    if ha in ("N", "S") or hb in ("E", "W"):
        return Coordinates(a, b, True)
    if hb in ("N", "S"):
        return Coordinates(b, a, True)
    return Coordinates(a, b, False)


def valid(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0
