"""Places: an offline gazetteer (GeoNames, CC BY 4.0), name and coordinate lookup, great-circle distance.

Importing this package is cheap; the gazetteer file is read on the first lookup (about 0.1 s).

>>> m = resolve_place("Laibach")
>>> m.place.name, m.place.country
('Ljubljana', 'SI')
"""

from ka2forms.places.distance import EARTH_RADIUS_KM, haversine_km, haversine_many
from ka2forms.places.lookup import (
    CITY_POPULATION,
    DOMINANCE_RATIO,
    MAJOR_POPULATION,
    METROPOLIS_POPULATION,
    Place,
    PlaceMatch,
    nearest_place,
    resolve_place,
)

__all__ = [
    "CITY_POPULATION",
    "DOMINANCE_RATIO",
    "EARTH_RADIUS_KM",
    "MAJOR_POPULATION",
    "METROPOLIS_POPULATION",
    "Place",
    "PlaceMatch",
    "haversine_km",
    "haversine_many",
    "nearest_place",
    "resolve_place",
]
