"""Resolving what people type to one place: names in any language, with a country or region, or coordinates.

Accepted forms: ``Ljubljana``, ``Ljubljana, SI``, ``Ljubljana (Slovenia)``, ``Ljubljana, Slovenija``,
``Frankfurt, Brandenburg``, ``Frankfurt (Oder)``, ``46.05, 14.51``, ``46.05 14.51``, ``46,05; 14,51``,
``46.05N 14.51E``, ``46.05, 14.51 (SI)``. Case, accents, hyphens and dots are ignored (:func:`name_key`).

Ambiguity policy (docs/travel.md, "Which place is taken"). It is never silent: every result names the place
taken (name, region, country, coordinates), and any choice among several places adds a note naming the
others.

1. A country (or region) given with the name restricts the candidates to it. Overseas parts count under
   their state: ``Cayenne, FR`` finds Cayenne in French Guiana (GF).
2. Candidates of one country lying within 5 km of each other are one place (GeoNames lists some towns twice,
   e.g. "London" and "City of London"); the most populous stands for them.
3. One candidate left: taken.
4. The pool: the candidates in EU Member States or associated third countries (for the call year asked), if
   there are any; else all candidates.
5. One candidate in the pool: taken ("Vienna" → Wien, not Vienna, Virginia).
6. Several: the most populous is taken if it *dominates*: it has at least ``DOMINANCE_RATIO`` (10) times the
   inhabitants of the next in the pool, and either is a metropolis (≥ ``METROPOLIS_POPULATION``, 1 000 000)
   or is a major place (≥ ``MAJOR_POPULATION``, 100 000) whose runner-up is no city
   (< ``CITY_POPULATION``, 50 000). "Cologne" → Köln (1 024 621; next 7 032 in Italy); "Porto" → Porto, PT.
   Else the only candidate of the pool whose own (primary) name is the name asked, the others carrying it as
   an alternate name, is taken if none of the pool is ``DOMINANCE_RATIO`` times larger: "Saint-Étienne"
   (176 280) over Saint-Étienne-du-Rouvray (28 953); "Piran" (SI) over Delice (TR), once called Piran.
7. Guard: a place taken in steps 5–6 must not be passed over a place outside the pool that is at least
   ``DOMINANCE_RATIO`` times larger ("Minsk" is not quietly Mińsk Mazowiecki in Poland).
8. Otherwise :class:`AmbiguousPlaceError` listing the candidates. Bare "Frankfurt" is refused: Frankfurt am
   Main (650 000, not a metropolis) has 11.4 times the inhabitants of Frankfurt (Oder), but Frankfurt (Oder)
   (57 107) is a city in its own right; so is "Frankfurt, DE".

A name that matches nothing raises :class:`UnknownPlaceError` with near misses ("Wein" → Wien).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ka2forms.errors import AmbiguousPlaceError, Location, UnknownPlaceError, UnknownValueError
from ka2forms.i18n import _, number
from ka2forms.places._coords import Coordinates, parse_coordinates, valid
from ka2forms.places._data import LINKED, OUTERMOST, TERRITORY_NAMES, Gazetteer, gazetteer
from ka2forms.places._fuzzy import similar_keys
from ka2forms.places._keys import name_key
from ka2forms.places.distance import haversine_km
from ka2forms.text import fold

DOMINANCE_RATIO = 10
MAJOR_POPULATION = 100_000
CITY_POPULATION = 50_000
METROPOLIS_POPULATION = 1_000_000
SAME_PLACE_KM = 5.0
ALTERNATE_TRUSTED_POPULATION = 50_000  # a larger place's other names (Prague, Laibach) are read with a note only
POINT_NEAR_KM = 100.0  # a point farther than this from every gazetteer place is "in the middle of nowhere"


@dataclass(frozen=True)
class Place:
    """One place: a gazetteer entry, or a point given as coordinates (``kind == "point"``)."""

    name: str
    country: str | None  # the GeoNames code (GF for Cayenne; see ``member_state``)
    admin1: str | None
    lat: float
    lon: float
    population: int | None = None
    geonameid: int | None = None
    kind: str = "place"
    near: str | None = None  # for a point: the nearest gazetteer place and its distance

    @property
    def member_state(self) -> str | None:
        """The state an overseas part belongs to (FR for GF), else ``None``."""
        if self.country is None:
            return None
        return OUTERMOST.get(self.country) or LINKED.get(self.country)

    @property
    def eligibility_country(self) -> str | None:
        """The code that decides programme status: outermost regions (GF, RE, AX …) count as their state."""
        if self.country is None:
            return None
        return OUTERMOST.get(self.country, self.country)

    def label(self) -> str:
        """``"Frankfurt (Oder), Brandenburg, DE"``; a point adds the place it is near."""
        parts = [self.name]
        if self.admin1 and self.admin1 != self.name:
            parts.append(self.admin1)
        if self.country:
            parts.append(self.country)
        text = ", ".join(parts)
        if self.kind == "point" and self.near:
            text = _("{place} (near {near})").format(place=self.name, near=self.near)
        return text

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
        }
        if self.population is not None:
            out["population"] = self.population
        if self.geonameid is not None:
            out["geonameid"] = self.geonameid
        if self.member_state:
            out["member_state"] = self.member_state
        if self.kind != "place":
            out["kind"] = self.kind
            out["near"] = self.near
        return out


@dataclass(frozen=True)
class PlaceMatch:
    """The place taken for one query, and why: ``notes`` explain choices, ``warnings`` ask for a check."""

    query: str
    place: Place
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    match: str = "name"  # "name" (its own name, folded), "alternate name", "address", "coordinates", "fuzzy"
    how: str = ""  # finer: "exact", "folded", "alternate name", "postal code", "address", "coordinates", "fuzzy"
    candidates: tuple[str, ...] = field(default=())  # the other places that were considered, as labels

    @property
    def exact(self) -> bool:
        """Found by its own name exactly as written or folded (case, accents): nothing to report."""
        return self.match == "name"

    def to_dict(self) -> dict[str, object]:
        """How the query was resolved (``ka2forms travel --json``: ``resolved``)."""
        return {"query": self.query, "match": self.match, "how": self.how or self.match, "name": self.place.name,
                "country": self.place.country, "candidates": list(self.candidates)}


# ───────────────────────────── helpers over gazetteer rows ─────────────────────────────


def _place(g: Gazetteer, row: int) -> Place:
    return Place(
        g.name(row),
        g.cc(row),
        g.admin1_name(row),
        g.lat(row),
        g.lon(row),
        int(g.population[row]),
        int(g.geonameid[row]),
    )


def _row_label(g: Gazetteer, row: int, *, population: bool = True) -> str:
    parts = [g.name(row)]
    a1 = g.admin1_name(row)
    if a1 and a1 != parts[0]:
        parts.append(a1)
    parts.append(g.cc(row))
    text = ", ".join(parts)
    if population:
        text = _("{place} (pop. {population})").format(place=text, population=number(int(g.population[row]), 0))
    return text


def _in_country(g: Gazetteer, row: int, code: str) -> bool:
    cc = g.cc(row)
    return cc == code or OUTERMOST.get(cc) == code or LINKED.get(cc) == code


def _default_call_year() -> int:
    from ka2forms.rules.travel import default_call_year

    return default_call_year()


@lru_cache(maxsize=4096)
def _eligible(code: str, call_year: int) -> bool:
    """EU Member State or associated third country in ``call_year`` (outermost regions count as their state)."""
    from ka2forms.errors import RuleNotDefinedError
    from ka2forms.rules.countries import code_status

    try:
        return code_status(OUTERMOST.get(code, code), call_year).eligible
    except (RuleNotDefinedError, UnknownValueError):
        return False


def _country_hint(text: str) -> str | None:
    from ka2forms.rules.countries import resolve_country

    try:
        return resolve_country(text.strip())
    except UnknownValueError:
        return None


def _territory_hint(text: str) -> str | None:
    """GeoNames codes and names of overseas parts that the country list may not know (``GF``, ``Guyane``)."""
    t = text.strip()
    if t.upper() in TERRITORY_NAMES:
        return t.upper()
    k = fold(t)
    for code, name in TERRITORY_NAMES.items():
        if fold(name) == k:
            return code
    return None


# ───────────────────────────── the policy ─────────────────────────────


def _merge_same_place(g: Gazetteer, rows: list[int]) -> list[int]:
    kept: list[int] = []
    for r in rows:  # most populous first
        if not any(
            g.country[k] == g.country[r]
            and haversine_km(g.lat(k), g.lon(k), g.lat(r), g.lon(r)) <= SAME_PLACE_KM
            for k in kept
        ):
            kept.append(r)
    return kept


def _others_note(g: Gazetteer, taken: int, rows: list[int], why: str) -> str:
    others = [r for r in rows if r != taken]
    shown = "; ".join(_row_label(g, r) for r in others[:4])
    if len(others) > 4:
        shown = _("{places} and {count} more").format(places=shown, count=len(others) - 4)
    return _("took {place}: {why}; other places of that name: {others} (add a country or region to choose "
             "another)").format(place=_row_label(g, taken), why=why, others=shown)


def _dominates(pop: Sequence[int], top: int, second: int) -> bool:
    """Whether the most populous candidate clearly is *the* place of that name (see the module docstring)."""
    p1, p2 = pop[top], max(pop[second], 1)
    if p1 < DOMINANCE_RATIO * p2:
        return False
    return p1 >= METROPOLIS_POPULATION or (p1 >= MAJOR_POPULATION and p2 < CITY_POPULATION)


def _choose(
    g: Gazetteer, query: str, key: str, rows: list[int], call_year: int, where: Location | None
) -> tuple[int, list[str]]:
    rows = _merge_same_place(g, rows)
    if len(rows) == 1:
        return rows[0], []
    pop = g.population
    eligible = [r for r in rows if _eligible(g.cc(r), call_year)]
    pool = eligible or rows
    chosen: int | None = None
    why = ""
    if len(pool) == 1:
        chosen = pool[0]
        why = _("the only one in an EU Member State or associated third country (call year {year})").format(
            year=call_year)
    elif _dominates(pop, pool[0], pool[1]):
        chosen = pool[0]
        times = number(pop[pool[0]] / max(pop[pool[1]], 1), 0)
        why = _("it has {times} times the population of the next").format(times=times)
        if eligible and len(eligible) < len(rows):
            why = _("it has {times} times the population of the next in an EU Member State or associated third "
                    "country (call year {year})").format(times=times, year=call_year)
    elif len(own := [r for r in pool if name_key(g.name(r)) == key]) == 1 and not any(
        pop[r] >= DOMINANCE_RATIO * max(pop[own[0]], 1) for r in pool
    ):
        chosen = own[0]
        why = _("the only one whose own name this is (the others carry it as an alternate name)")
    # never pass over a much larger place outside the pool for a small one inside it ("Minsk", "Lemberg")
    if chosen is not None and not any(
        r not in pool and pop[r] >= DOMINANCE_RATIO * max(pop[chosen], 1) for r in rows
    ):
        return chosen, [_others_note(g, chosen, rows, why)]
    raise AmbiguousPlaceError(query, [_row_label(g, r) for r in rows[:8]], where=where)


def _suggest(g: Gazetteer, key: str, country: str | None = None, n: int = 3) -> list[str]:
    """Near misses for a key, most similar and then most populous first."""
    if not key:
        return []
    hits = similar_keys(key, _all_keys(g), cutoff=0.6, limit=60)
    near = set(g.header["near_countries"])
    scored = []
    for k, score in hits:
        rows = [r for r in g.rows_for_key(k) if country is None or _in_country(g, r, country)]
        if rows:
            # similarity first; among similar names the bigger place is the likelier meaning
            # (a small bonus for Europe and its neighbours: that is where ka2forms users travel)
            bonus = 0.05 if g.cc(rows[0]) in near else 0.0
            scored.append((score + 0.03 * math.log10(g.population[rows[0]] + 1) + bonus, rows[0]))
    scored.sort(key=lambda t: -t[0])
    out: list[str] = []
    for _score, row in scored:
        label = _row_label(g, row, population=False)
        if label not in out:
            out.append(label)
    return out[:n]


_keys_cache: list[str] | None = None


def _all_keys(g: Gazetteer) -> list[str]:
    global _keys_cache
    if _keys_cache is None:
        _keys_cache = g.keys.all()
    return _keys_cache


_SUFFIX_PAREN = re.compile(r"^(?P<base>.+?)\s*\((?P<hint>[^()]+)\)\s*$")
_SUFFIX_COMMA = re.compile(r"^(?P<base>.+?)\s*[,;]\s*(?P<hint>[^,;]+?)\s*$")


def _split_hint(text: str) -> tuple[str, str] | None:
    for pattern in (_SUFFIX_PAREN, _SUFFIX_COMMA):
        m = pattern.match(text)
        if m:
            return m.group("base"), m.group("hint")
    return None


def _admin1_filter(g: Gazetteer, rows: list[int], hint: str) -> list[int]:
    k = name_key(hint)
    return [
        r for r in rows if (a1 := g.admin1_name(r)) and (name_key(a1) == k or k in name_key(a1).split(" "))
    ]


# ───────────────────────────── coordinates ─────────────────────────────

_grid: dict[tuple[int, int], list[int]] | None = None


def _nearest(g: Gazetteer, lat: float, lon: float) -> tuple[int, float] | None:
    """The gazetteer row nearest to a point and its distance in km (within about 200 km), else ``None``."""
    global _grid
    if _grid is None:
        grid: dict[tuple[int, int], list[int]] = {}
        la, lo = g.lat_e5, g.lon_e5
        for r in range(len(g)):
            grid.setdefault((la[r] // 100_000, lo[r] // 100_000), []).append(r)
        _grid = grid
    ci, cj = int(lat // 1), int(lon // 1)
    best: tuple[int, float] | None = None
    for di in (-1, 0, 1):
        for dj in (-2, -1, 0, 1, 2):
            j = (cj + dj + 180) % 360 - 180
            for r in _grid.get((ci + di, j), ()):
                d = haversine_km(lat, lon, g.lat(r), g.lon(r))
                if best is None or d < best[1]:
                    best = (r, d)
    return best


def _point(g: Gazetteer, lat: float, lon: float) -> tuple[Place, int | None, float | None]:
    near = _nearest(g, lat, lon)
    name = f"{lat:.5f}".rstrip("0").rstrip(".") + ", " + f"{lon:.5f}".rstrip("0").rstrip(".")
    if near is None or near[1] > POINT_NEAR_KM:
        return Place(name, None, None, lat, lon, kind="point"), None, None
    row, d = near
    return (
        Place(
            name,
            g.cc(row),
            g.admin1_name(row),
            lat,
            lon,
            kind="point",
            near=f"{_row_label(g, row, population=False)}, {number(d, 1)} km",
        ),
        row,
        d,
    )


def _resolve_point(
    g: Gazetteer, query: str, c: Coordinates, hint: str | None, where: Location | None
) -> PlaceMatch:
    given_ok = valid(c.lat, c.lon)
    swapped_ok = not c.order_known and valid(c.lon, c.lat)
    if not given_ok and not swapped_ok:
        raise UnknownPlaceError(
            query,
            where=where,
            suggestions=[_("coordinates as latitude (−90…90), longitude (−180…180), e.g. 46.05, 14.51")],
        )
    given = _point(g, c.lat, c.lon) if given_ok else None
    swapped = _point(g, c.lon, c.lat) if swapped_ok else None
    near_countries = set(g.header["near_countries"])

    def country_of(p: tuple[Place, int | None, float | None] | None) -> str | None:
        return p[0].country if p and p[1] is not None else None

    def in_hint(p: tuple[Place, int | None, float | None] | None) -> bool:
        return p is not None and p[1] is not None and hint is not None and _in_country(g, p[1], hint)

    swap_msg = _("coordinates look swapped (longitude first?): took latitude {lat}, longitude {lon}, near {near}; "
                 "write them as latitude, longitude")
    warnings: list[str] = []
    if hint:
        if in_hint(given):
            chosen = given
        elif in_hint(swapped):
            chosen = swapped
            assert swapped is not None
            warnings.append(swap_msg.format(lat=c.lon, lon=c.lat, near=swapped[0].near))
        else:
            chosen = given or swapped
            assert chosen is not None
            warnings.append((_("the point {point} is not in {country}: it is near {near}") if chosen[0].near else
                             _("the point {point} is not in {country}")).format(point=chosen[0].name, country=hint,
                                                                                 near=chosen[0].near))
    elif given is not None and given[1] is not None:
        chosen = given
        if (
            swapped is not None
            and swapped[1] is not None
            and country_of(given) not in near_countries
            and country_of(swapped) in near_countries
        ):
            warnings.append(_("check the order of the coordinates: as latitude, longitude the point is near {near}; "
                              "the other way round it would be near {other}").format(near=given[0].near,
                                                                                    other=swapped[0].near))
    elif swapped is not None and swapped[1] is not None:
        chosen = swapped
        warnings.append(swap_msg.format(lat=c.lon, lon=c.lat, near=swapped[0].near))
    else:
        chosen = given or swapped
        assert chosen is not None
        if given is None:
            warnings.append(_("latitude {lat} is impossible: took latitude {lon}, longitude {lat} (coordinates look "
                              "swapped); write them as latitude, longitude").format(lat=c.lat, lon=c.lon))
        warnings.append(_("no town within {km} km of {point}: check the coordinates").format(
            km=f"{POINT_NEAR_KM:.0f}", point=chosen[0].name))
    place = chosen[0]
    notes = [(_("point {point} taken as given (near {near})") if place.near else
              _("point {point} taken as given")).format(point=place.name, near=place.near)]
    return PlaceMatch(query, place, tuple(notes), tuple(warnings), "coordinates")


# ───────────────────────────── entry point ─────────────────────────────


def _overseas_note(place: Place) -> list[str]:
    cc = place.country
    if cc in OUTERMOST:
        return [
            _("{place} is in {territory} (GeoNames country code {code}), an outermost region of {state} and part "
              "of the EU: counted as {state} for programme status").format(
                place=place.name, territory=TERRITORY_NAMES[cc], code=cc, state=OUTERMOST[cc])
        ]
    if cc in LINKED:
        return [
            _("{place} is in {territory} (GeoNames country code {code}), linked to {state} but not part of the "
              "EU: its own status applies").format(place=place.name, territory=TERRITORY_NAMES[cc], code=cc,
                                                   state=LINKED[cc])
        ]
    return []


def resolve_place(text: str, *, call_year: int | None = None, where: Location | None = None,
                  prefer: str | None = None) -> PlaceMatch:
    """The one place ``text`` names; raises :class:`UnknownPlaceError` or :class:`AmbiguousPlaceError`.

    ``call_year`` decides which countries are "EU or associated" when that breaks a tie (default: the latest
    call year of the travel rules). An address or a postal code ("Trg republike 3, Ljubljana", "1000
    Ljubljana", "CZ-602 00 Brno") is read as its town, with a note (``match == "address"``).

    ``prefer`` is the country the place most likely lies in (the organisation's own, ISO alpha-2): places
    there come first. A name found only elsewhere, or only as a close spelling in that country, is taken
    with a warning naming the candidates (``match == "fuzzy"`` for a close spelling); a country written in
    the text itself ("Gorica, HR") wins over ``prefer``.
    """
    try:
        return _resolve_name(text, call_year=call_year, where=where, prefer=prefer)
    except UnknownPlaceError:
        query = (text or "").strip()
        address = _address(query)
        if address is None:
            if prefer and (close := _close_in_country(query, prefer, where)) is not None:
                return close
            raise
        town, country, postal_only = address
        m = _resolve_name(f"{town}, {country}" if country else town, call_year=call_year, where=where,
                          prefer=prefer)
        note = _("{query!r} read as an address in {town} ({country})").format(query=query, town=m.place.name,
                                                                              country=m.place.country)
        return PlaceMatch(query, m.place, (note, *m.notes), m.warnings, "address",
                          "postal code" if postal_only else "address", m.candidates)


def _resolve_name(text: str, *, call_year: int | None, where: Location | None,
                  prefer: str | None = None) -> PlaceMatch:
    query = (text or "").strip()
    if not query:
        raise UnknownPlaceError(text or "", where=where)
    g = gazetteer()

    coords = parse_coordinates(query)
    if coords is not None:
        m = _resolve_point(g, query, coords, prefer, where)
        return PlaceMatch(m.query, m.place, m.notes, m.warnings, m.match, "coordinates")

    rows = g.rows_for_key(name_key(query))
    country = admin1 = None
    base = query
    if not rows:
        split = _split_hint(query)
        while split and not rows:
            base, hint = split
            code = _country_hint(hint) or _territory_hint(hint)
            if code is not None and country is None:
                country = code
            elif admin1 is None:
                admin1 = hint
            else:
                break
            coords = parse_coordinates(base)
            if coords is not None and admin1 is None:
                m = _resolve_point(g, query, coords, country, where)
                return PlaceMatch(m.query, m.place, m.notes, m.warnings, m.match, "coordinates")
            rows = g.rows_for_key(name_key(base))
            split = None if rows else _split_hint(base)
    if not rows:
        raise UnknownPlaceError(query, suggestions=_suggest(g, name_key(base), country or prefer), where=where)

    if country is not None:
        inside = [r for r in rows if _in_country(g, r, country)]
        if not inside:
            elsewhere = [_row_label(g, r, population=False) for r in rows[:3]]
            raise UnknownPlaceError(
                f"{base} in {country}",
                where=where,
                suggestions=elsewhere or _suggest(g, name_key(base), country),
            )
        rows = inside
    if admin1 is not None:
        inside = _admin1_filter(g, rows, admin1)
        if not inside:
            raise UnknownPlaceError(
                f"{base} in {admin1}",
                where=where,
                suggestions=[_row_label(g, r, population=False) for r in rows[:3]],
            )
        rows = inside

    year = call_year if call_year is not None else _default_call_year()
    preferred: list[str] = []  # warnings: the organisation's country changed the answer (a reading to check)
    candidates: tuple[str, ...] = ()
    elsewhere_only = False
    if country is None and prefer is not None:
        inside = [r for r in rows if _in_country(g, r, prefer)]
        if inside:
            others = [r for r in rows if r not in inside]
            if others:
                candidates = tuple(_row_label(g, r, population=False) for r in others[:8])
                if _general_choice(g, query, name_key(base), rows, year) not in inside:
                    # said only where the preference changed the answer ("Valencia, ES" needs no word)
                    preferred.append(_("{name!r} taken in {country}, the organisation's country; places of that "
                                       "name elsewhere: {others}").format(name=base, country=prefer,
                                                                         others="; ".join(candidates[:4])))
            rows = inside
            country = prefer
        else:
            close = _close_in_country(base, prefer, where, elsewhere=rows)
            if close is not None:
                return close
            elsewhere_only = True

    row, notes = _choose(g, query, name_key(base), rows, year, where)
    place = _place(g, row)
    warnings: list[str] = []
    if elsewhere_only:
        candidates = tuple(_row_label(g, r, population=False) for r in rows[:8] if r != row)
        warnings.append(_("no place called {name!r} in {country} (the organisation's country): took {place}; check "
                          "the town, or write it with its country").format(
            name=base, country=prefer, place=_row_label(g, row, population=False)))
    match = "name"
    how = "exact" if base == place.name else "folded"
    if name_key(base) != name_key(place.name):
        match = how = "alternate name"
        if (place.population or 0) < ALTERNATE_TRUSTED_POPULATION and country is None and not elsewhere_only:
            # Small places' alternate names are where a wrong town hides ("Jezersko" → Jezerski, BA). Larger
            # places' other names (Prague, Laibach, Cologne) are only recorded in ``match``.
            warnings.append(_("{name!r} is one of the other names of {place}, population {population}: check it is "
                              "the place meant, or add the country ('{name}, <country code>')").format(
                name=base, place=_row_label(g, row, population=False), population=number(place.population or 0, 0)))
    return PlaceMatch(query, place, tuple(notes + _overseas_note(place)), tuple(preferred + warnings), match, how,
                      candidates)


def _general_choice(g: Gazetteer, query: str, key: str, rows: list[int], year: int) -> int | None:
    """The row the policy takes without a preferred country, or ``None`` where it would refuse."""
    try:
        return _choose(g, query, key, rows, year, None)[0]
    except AmbiguousPlaceError:
        return None


#: A close spelling is taken in the organisation's country only this similar (optimal string alignment), or
#: when the name asked is a whole part of a place's name there ("Jezersko" in "Zgornje Jezersko").
CLOSE_SIMILARITY = 0.8
_PART_SCORE = 0.9

_country_rows: dict[str, list[tuple[int, str]]] = {}


def _rows_of_country(g: Gazetteer, code: str) -> list[tuple[int, str]]:
    """(row, folded own name) of every place in a country (overseas parts count under their state)."""
    got = _country_rows.get(code)
    if got is None:
        idx = {i for i, cc in enumerate(g.countries)
               if cc == code or OUTERMOST.get(cc) == code or LINKED.get(cc) == code}
        col = g.country
        got = [(r, name_key(g.name(r))) for r in range(len(g)) if col[r] in idx]
        _country_rows[code] = got
    return got


def _close_in_country(text: str, code: str, where: Location | None, *,
                      elsewhere: Sequence[int] = ()) -> PlaceMatch | None:
    """The place in ``code`` whose name is a close spelling of ``text`` (or contains it as whole words), with
    a warning naming the candidates; ``None`` when there is none. Two equally close ones are ambiguous."""
    from ka2forms.places._fuzzy import osa_similarity

    key = name_key(text)
    if not key or len(key) < 3:
        return None
    g = gazetteer()
    padded = f" {key} "
    scored: list[tuple[float, int]] = []
    for r, k in _rows_of_country(g, code):
        score = _PART_SCORE if padded in f" {k} " else osa_similarity(key, k)
        if score >= CLOSE_SIMILARITY:
            scored.append((score, r))
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0], -g.population[t[1]]))
    best_score, best = scored[0]
    tied = [r for s, r in scored if s == best_score]
    if len(tied) > 1 and g.population[tied[0]] < DOMINANCE_RATIO * max(g.population[tied[1]], 1):
        raise AmbiguousPlaceError(f"{text} in {code}", [_row_label(g, r) for r in tied[:8]], where=where)
    others = [_row_label(g, r, population=False) for _s, r in scored[1:6]]
    others += [_row_label(g, r, population=False) for r in elsewhere[:3]]
    place = _place(g, best)
    values = dict(text=text, country=code, place=_row_label(g, best, population=False), others="; ".join(others[:4]))
    if best_score == _PART_SCORE:
        warning = (_("{text!r} is not a place name in {country}: took {place} (part of the name); check it is the "
                     "place meant (other candidates: {others})") if others else
                   _("{text!r} is not a place name in {country}: took {place} (part of the name); check it is the "
                     "place meant")).format(**values)
    else:
        warning = (_("{text!r} is not a place name in {country}: took {place} (a close spelling); check it is the "
                     "place meant (other candidates: {others})") if others else
                   _("{text!r} is not a place name in {country}: took {place} (a close spelling); check it is the "
                     "place meant")).format(**values)
    return PlaceMatch(text, place, (), (warning,), "fuzzy", "fuzzy", tuple(others))


_POSTAL = re.compile(r"(?<![\w-])(?:(?P<cc>[A-Z]{1,3})\s?-\s?)?\d{2,3}\s?\d{2,3}(?![\w-])")


def _address(query: str) -> tuple[str, str | None, bool] | None:
    """(town, country code or None, only a postal code and the town?) of an address or a postal code: "Trg
    republike 3, Ljubljana", "1000 Ljubljana", "CZ-602 00 Brno"; None when the text does not look like one."""
    parts = [p.strip() for p in re.split(r"[,;\n]", query) if p.strip()]
    country = None
    towns: list[tuple[bool, str]] = []  # (had a postal code, text)
    street = 0  # parts that are neither the country nor a town (a street and house number)
    for part in parts:
        if not re.search(r"\d", part) and (code := _country_hint(part)) is not None:
            country = code  # "…, SI" / "…, Slovenija": the country, not a town
            continue
        street += 1
        m = _POSTAL.search(part)
        rest = part
        if m:
            country = _country_hint(m.group("cc")) if m.group("cc") else country
            rest = (part[:m.start()] + " " + part[m.end():]).strip()
        if rest and not re.search(r"\d", rest):
            towns.append((m is not None, rest))
    if not towns or not re.search(r"\d", query):  # an address has a postal code or a house number
        return None
    g = gazetteer()
    # a town next to a postal code first, then the parts from the last (addresses end with the town)
    order = [t for had, t in towns if had] + [t for had, t in reversed(towns) if not had]
    for town in order:
        if g.rows_for_key(name_key(town)):
            return town, country, street == 1 and len(towns) == 1 and towns[0][0]
    return None


def countries_with_place(name: str) -> frozenset[str]:
    """The countries that have a place called ``name`` (exact folded match of a name or an alternate name).

    The workbook reader uses it to read an ambiguous country spelling ("RS", "CR") next to a city.
    """
    g = gazetteer()
    return frozenset(g.cc(r) for r in g.rows_for_key(name_key(name.strip())))


def nearest_place(lat: float, lon: float) -> tuple[Place, float] | None:
    """The gazetteer place nearest to a point and its distance in km, if one lies within about 100 km."""
    g = gazetteer()
    near = _nearest(g, lat, lon)
    if near is None:
        return None
    return _place(g, near[0]), near[1]
