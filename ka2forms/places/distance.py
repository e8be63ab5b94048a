"""Great-circle distance on a sphere (haversine), one pair or many.

Formula (R = 6371.0 km, the IUGG mean radius rounded as every peer tool does)::

    h = sin²((φ2 − φ1)/2) + cos φ1 · cos φ2 · sin²((λ2 − λ1)/2)
    d = 2 R · asin(√h)

The WGS84 ellipsoidal (geodesic) distance differs by at most about 0.25 % on European distances; see
docs/travel.md for why the sphere is the right model here (the EC calculator is believed to use it, and the
point chosen for a town moves results far more than the Earth's flattening).
"""

from __future__ import annotations

from collections.abc import Sequence
from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float, r: float = EARTH_RADIUS_KM) -> float:
    """One-way great-circle distance in km between two points given in decimal degrees."""
    p1, p2 = radians(lat1), radians(lat2)
    h = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * r * asin(min(1.0, sqrt(h)))


def haversine_many(
    lat1: Sequence[float],
    lon1: Sequence[float],
    lat2: Sequence[float],
    lon2: Sequence[float],
    r: float = EARTH_RADIUS_KM,
) -> list[float]:
    """:func:`haversine_km` over parallel sequences, in one tight loop (no numpy needed: see bench/)."""
    rad = 0.017453292519943295  # pi / 180
    two_r = 2 * r
    out = []
    append = out.append
    for a1, o1, a2, o2 in zip(lat1, lon1, lat2, lon2, strict=True):
        p1 = a1 * rad
        p2 = a2 * rad
        s1 = sin((p2 - p1) * 0.5)
        s2 = sin((o2 - o1) * rad * 0.5)
        h = s1 * s1 + cos(p1) * cos(p2) * s2 * s2
        append(two_r * asin(sqrt(h) if h < 1.0 else 1.0))
    return out
