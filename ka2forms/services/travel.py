"""Travel: from two places to a one-way distance, a distance band and a unit cost for a call year.

Policy (docs/travel.md):

* distance: great circle on a sphere, haversine, R = 6371.0 km (:mod:`ka2forms.places.distance`);
* band: the distance is rounded to whole km, half up (99.5 → 100), *then* banded, so 99.6 km is in 100-499;
* under 10 km there is no band in the Programme Guide, so no grant (``unit_cost_eur`` is ``None``);
* a distance within 0.5 % of a band edge (measured from the rounding point, e.g. 99.5 km) gets a
  "near band edge" note: another point for the town, or an ellipsoidal distance, could change the band;
* every amount names its source and confidence; third-party and unconfirmed amounts give a warning;
* no call year given: the latest year the travel rules cover, and the result says so.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ka2forms.errors import AmbiguousPlaceError, Ka2Error, Location, UnknownPlaceError
from ka2forms.i18n import _, money, number, pgettext
from ka2forms.places import Place, PlaceMatch, resolve_place
from ka2forms.places.distance import haversine_km, haversine_many
from ka2forms.readers.travel_csv import PairRow
from ka2forms.rules import words
from ka2forms.rules.travel import Band, TravelTable, default_call_year, travel_bands
from ka2forms.services.sheets import Table

EDGE_TOLERANCE = 0.005  # 0.5 %: about twice the largest sphere-vs-ellipsoid difference (0.25 %)


def round_km(distance_km: float) -> int:
    """Whole km, half up: 99.5 → 100, 99.49 → 99 (the rounding before banding)."""
    return math.floor(distance_km + 0.5)


@dataclass(slots=True)
class TravelResult:
    """One trip: the places taken, the one-way distance, its band and the unit cost for the call year.

    Treat it as read-only. (Not a frozen dataclass only because frozen ``__init__`` is three times slower,
    which matters for 10 000-row batches.)
    """

    from_place: Place
    to_place: Place
    distance_km: float
    band: str
    unit_cost_eur: int | None
    green: bool
    call_year: int
    activity: str
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())
    source: str | None = None  # where the unit cost comes from, with its confidence
    from_match: PlaceMatch | None = None  # how each place was found (its own name, another name, an address)
    to_match: PlaceMatch | None = None

    @property
    def distance_rounded_km(self) -> int:
        return round_km(self.distance_km)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape promised by ``ka2forms travel --json``."""
        return {
            "from": self.from_place.to_dict(),
            "to": self.to_place.to_dict(),
            "distance_km": round(self.distance_km, 3),
            "distance_rounded_km": self.distance_rounded_km,
            "band": self.band,
            "unit_cost_eur": self.unit_cost_eur,
            "green": self.green,
            "call_year": self.call_year,
            "activity": self.activity,
            "source": self.source,
            "notes": list(self.notes),
            "warnings": list(self.warnings),
            **({"resolved": {"from": self.from_match.to_dict(), "to": self.to_match.to_dict()}}
               if self.from_match and self.to_match else {}),
        }

    def inexact(self) -> list[str]:
        """Places not found by their own name (another name, an address), for a line on stderr."""
        how = {"alternate name": _("{side}: {query!r} was read as {name} ({country}) by another of its names"),
               "address": _("{side}: {query!r} was read as {name} ({country}) as an address"),
               "postal code": _("{side}: {query!r} was read as {name} ({country}) by its postal code"),
               "fuzzy": _("{side}: {query!r} was read as {name} ({country}) as a close spelling (check it)")}
        return [how[m.how or m.match].format(side=side, query=m.query, name=m.place.name, country=m.place.country)
                for side, m in ((pgettext("trip", "from"), self.from_match), (pgettext("trip", "to"), self.to_match))
                if m is not None and (m.how or m.match) in how]


def _near_edge(distance_km: float, table: TravelTable) -> int | None:
    """The band edge (km) that ``distance_km`` lies within 0.5 % of, if any."""
    for edge in table.edges:
        if abs(distance_km - (edge - 0.5)) <= EDGE_TOLERANCE * edge:
            return edge
    return None


def _band_texts(
    distance_km: float, km: int, band: Band, table: TravelTable, year_defaulted: bool
) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    warnings: list[str] = []
    if year_defaulted:
        notes.append(_("call year {year}: the latest year the travel rules cover (give a year to choose "
                       "another)").format(year=table.call_year))
    if band.eur is None:
        first_paid = band.high_km + 1 if band.high_km is not None else 0
        notes.append(_("band {band} km: no travel grant (the Programme Guide's bands start at {km} km)").format(
            band=band.label, km=first_paid))
    edge = _near_edge(distance_km, table)
    if edge is not None:
        notes.append(_("near band edge: {km} km is within 0.5 % of the {edge} km edge (whole km from {start} km); "
                       "another point for a town, or the ellipsoidal distance, could change the band").format(
            km=number(distance_km, 2), edge=edge, start=number(edge - 0.5, 1)))
    if table.green and not table.green_defined and band.eur is not None:
        notes.append(_("no green-travel rates for {activity} travel in call year {year} (they start with call "
                       "2021): the standard rate applies").format(activity=table.activity, year=table.call_year))
    elif band.green_missing:
        notes.append(_("no green-travel rate for band {band} in call year {year}: the standard rate "
                       "applies").format(band=band.label, year=table.call_year))
    if band.note:
        notes.append(band.note)
    if not band.provenance.confirmed:
        what = (
            _("the no-grant rule for this band")
            if band.eur is None
            else _("the unit cost {amount} ({band} km, call {year})").format(amount=money(band.eur), band=band.label,
                                                                             year=table.call_year)
        )
        warnings.append(_("{what} is {confidence}: check it against the Programme Guide ({source})").format(
            what=what, confidence=words.confidence_label(band.provenance.confidence.value),
            source=band.provenance.source.where))
    return notes, warnings


def _result(
    a: PlaceMatch,
    b: PlaceMatch,
    distance_km: float,
    table: TravelTable,
    year_defaulted: bool,
    extra_notes: Sequence[str] = (),
) -> TravelResult:
    km = round_km(distance_km)
    band = table.band_for(km)
    notes, warnings = _band_texts(distance_km, km, band, table, year_defaulted)
    fr, to = pgettext("trip", "from"), pgettext("trip", "to")
    place_notes = [f"{fr}: {n}" for n in a.notes] + [f"{to}: {n}" for n in b.notes]
    place_warnings = [f"{fr}: {w}" for w in a.warnings] + [f"{to}: {w}" for w in b.warnings]
    return TravelResult(
        a.place,
        b.place,
        distance_km,
        band.label,
        band.eur,
        table.green,
        table.call_year,
        table.activity,
        tuple(place_notes + list(extra_notes) + notes),
        tuple(place_warnings + warnings),
        band.provenance.describe(),
        a,
        b,
    )


def travel(
    from_text: str,
    to_text: str,
    call_year: int | None = None,
    green: bool = False,
    activity: str | None = None,
    *,
    from_country: str | None = None,
    to_country: str | None = None,
) -> TravelResult:
    """Distance, band and unit cost between two places (names or coordinates) for a call year.

    ``from_country``/``to_country`` (ISO alpha-2, e.g. the organisation's own country) put places in that
    country first (:func:`ka2forms.places.resolve_place`'s ``prefer``). Raises :class:`UnknownPlaceError` /
    :class:`AmbiguousPlaceError` for places and :class:`RuleNotDefinedError` for a call year (or activity)
    the travel rules do not cover.
    """
    year_defaulted = call_year is None
    year = default_call_year() if call_year is None else call_year
    table = travel_bands(year, green, activity)  # fail on the year before resolving places
    a = resolve_place(from_text, call_year=year, where=Location(field="from"), prefer=from_country)
    b = resolve_place(to_text, call_year=year, where=Location(field="to"), prefer=to_country)
    d = haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
    return _result(a, b, d, table, year_defaulted)


@dataclass(frozen=True)
class TravelRequest:
    """One row of a batch: two places, and optionally its own call year, green flag and the countries whose
    places come first (the organisations' own)."""

    from_text: str
    to_text: str
    call_year: int | None = None
    green: bool | None = None
    from_country: str | None = None
    to_country: str | None = None


def travel_many(
    pairs: Iterable[TravelRequest | Sequence[Any]],
    *,
    call_year: int | None = None,
    green: bool = False,
    activity: str | None = None,
) -> list[TravelResult | Ka2Error]:
    """:func:`travel` for many pairs at once; a row that fails gives its error in place of a result.

    A pair is a :class:`TravelRequest` or a tuple ``(from, to[, call_year[, green]])``; per-row values
    override the keyword defaults. Each distinct place text is resolved once per call year, distances are
    computed in one loop (:func:`haversine_many`), and band texts are shared by pairs with the same whole-km
    distance: 10 000 pairs over a hundred towns take a few tens of ms.
    """
    default_year = default_call_year() if call_year is None else call_year
    rows: list[tuple[str, str, int, bool, bool]] = []  # from, to, year, green, year_defaulted
    prefer: dict[int, tuple[str | None, str | None]] = {}  # row → (from country, to country), where given
    for p in pairs:
        if isinstance(p, TravelRequest):
            f, t, y, gr = p.from_text, p.to_text, p.call_year, p.green
            if p.from_country or p.to_country:
                prefer[len(rows)] = (p.from_country, p.to_country)
        else:
            f, t = p[0], p[1]
            y = p[2] if len(p) > 2 else None
            gr = p[3] if len(p) > 3 else None
        rows.append(
            (
                f,
                t,
                default_year if y is None else y,
                green if gr is None else bool(gr),
                y is None and call_year is None,
            )
        )

    tables: dict[tuple[int, bool], TravelTable | Ka2Error] = {}
    for _a, _b, y, gr, _act in rows:
        if (y, gr) not in tables:
            try:
                tables[(y, gr)] = travel_bands(y, gr, activity)
            except Ka2Error as e:
                tables[(y, gr)] = e
    resolved: dict[tuple[str, int, str, str | None], PlaceMatch | Ka2Error] = {}
    for i, (f, t, y, gr, _act) in enumerate(rows):
        if isinstance(tables[(y, gr)], Ka2Error):
            continue
        countries = prefer.get(i, (None, None))
        for text, side, cc in ((f, "from", countries[0]), (t, "to", countries[1])):
            if (text, y, side, cc) not in resolved:
                try:
                    resolved[(text, y, side, cc)] = resolve_place(text, call_year=y, where=Location(field=side),
                                                                  prefer=cc)
                except Ka2Error as e:
                    resolved[(text, y, side, cc)] = e

    out: list[TravelResult | Ka2Error] = [None] * len(rows)  # type: ignore[list-item]
    ok_i: list[int] = []
    ok_a: list[PlaceMatch] = []
    ok_b: list[PlaceMatch] = []
    for i, (f, t, y, gr, _act) in enumerate(rows):
        table = tables[(y, gr)]
        if isinstance(table, Ka2Error):
            out[i] = table
            continue
        countries = prefer.get(i, (None, None))
        a, b = resolved[(f, y, "from", countries[0])], resolved[(t, y, "to", countries[1])]
        if isinstance(a, Ka2Error) or isinstance(b, Ka2Error):
            out[i] = a if isinstance(a, Ka2Error) else b  # type: ignore[assignment]
            continue
        ok_i.append(i)
        ok_a.append(a)
        ok_b.append(b)

    dists = haversine_many(
        [a.place.lat for a in ok_a],
        [a.place.lon for a in ok_a],
        [b.place.lat for b in ok_b],
        [b.place.lon for b in ok_b],
    )
    # Band, texts and source are shared by every pair with the same table and band; only whole-km values
    # next to a band edge need the exact "near band edge" test and their own texts.
    shared: dict[tuple[int, int, bool], tuple[str, int | None, tuple[str, ...], tuple[str, ...], str]] = {}
    per_table: dict[int, tuple[list[int], frozenset[int]]] = {}
    floor = math.floor
    for i, a, b, d in zip(ok_i, ok_a, ok_b, dists, strict=True):
        _f, _t, y, gr, year_defaulted = rows[i]
        table: TravelTable = tables[(y, gr)]  # type: ignore[assignment]
        km = floor(d + 0.5)
        tid = id(table)
        info = per_table.get(tid)
        if info is None:
            edges = list(table.edges)
            near_kms = frozenset(
                k
                for e in edges
                for k in range(
                    floor(e - 0.5 - EDGE_TOLERANCE * e) - 1, math.ceil(e - 0.5 + EDGE_TOLERANCE * e) + 2
                )
            )
            info = per_table[tid] = (edges, near_kms)
        edges, near_kms = info
        bi = bisect_right(edges, km)
        key = (tid, bi, year_defaulted)
        cached = None if km in near_kms else shared.get(key)
        if cached is None:
            band = table.bands[bi]
            notes, warnings = _band_texts(d, km, band, table, year_defaulted)
            cached = (band.label, band.eur, tuple(notes), tuple(warnings), band.provenance.describe())
            if km not in near_kms:
                shared[key] = cached
        label, eur, notes_t, warnings_t, source = cached
        if a.notes or b.notes or a.warnings or b.warnings:
            fr, to = pgettext("trip", "from"), pgettext("trip", "to")
            notes_t = (*[f"{fr}: {n}" for n in a.notes], *[f"{to}: {n}" for n in b.notes], *notes_t)
            warnings_t = (*[f"{fr}: {w}" for w in a.warnings], *[f"{to}: {w}" for w in b.warnings], *warnings_t)
        out[i] = TravelResult(
            a.place,
            b.place,
            d,
            label,
            eur,
            table.green,
            table.call_year,
            table.activity,
            notes_t,
            warnings_t,
            source,
            a,
            b,
        )
    return out


# ───────────────────────────── many pairs from a file: ``ka2forms travel --csv`` ─────────────────────────────

#: The columns of ``travel --csv -o out.xlsx|out.csv``, in order: a promise to the scripts that read them.
BATCH_COLUMNS = (
    "from", "to", "year", "green", "error",
    "from_name", "from_admin1", "from_country", "from_lat", "from_lon",
    "to_name", "to_admin1", "to_country", "to_lat", "to_lon",
    "distance_km", "band", "unit_cost_eur", "call_year", "activity", "source", "notes", "warnings",
)
CHUNK = 1000     # pairs per travel_many call when progress is reported


def explain(e: Ka2Error) -> tuple[str, list[str]]:
    """A one-line message and detail lines (candidates, suggestions) for stderr or an error cell."""
    sides = {"from": pgettext("trip", "from"), "to": pgettext("trip", "to")}
    side = f"{sides.get(e.where.field, e.where.field)}: " if e.where.field else ""
    if isinstance(e, AmbiguousPlaceError):
        return (side + _("{query!r} matches several places; add a country or region (e.g. 'Frankfurt am Main' or "
                         "'Frankfurt, Brandenburg'). Candidates:").format(query=e.query), list(e.candidates))
    if isinstance(e, UnknownPlaceError):
        if e.suggestions:
            return side + _("unknown place {query!r}; did you mean one of:").format(query=e.query), \
                list(e.suggestions)
        return side + _("unknown place {query!r}").format(query=e.query), []
    return e.short, []


def _batch_row(row: PairRow, res: TravelResult | Ka2Error | None) -> dict[str, Any]:
    out: dict[str, Any] = {c: row.values.get(c, "") for c in ("from", "to", "year", "green")}
    if row.problem is not None:
        out["error"] = row.problem
    elif isinstance(res, Ka2Error):
        message, details = explain(res)
        out["error"] = message + (" " + "; ".join(details) if details else "")
    elif res is not None:
        out["error"] = ""
        for side, p in (("from", res.from_place), ("to", res.to_place)):
            out.update({f"{side}_name": p.name, f"{side}_admin1": p.admin1 or "", f"{side}_country": p.country or "",
                        f"{side}_lat": p.lat, f"{side}_lon": p.lon})
        out.update({"distance_km": round(res.distance_km, 3), "band": res.band, "unit_cost_eur": res.unit_cost_eur,
                    "call_year": res.call_year, "activity": res.activity, "source": res.source or "",
                    "notes": " | ".join(res.notes), "warnings": " | ".join(res.warnings)})
    return out


def travel_rows(rows: Sequence[PairRow], *, call_year: int | None = None, green: bool = False,
                activity: str | None = None, on_progress: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """One output row (keys: :data:`BATCH_COLUMNS`) per pairs-file row; a bad row carries its ``error``.

    ``on_progress(n)`` is called after every :data:`CHUNK` pairs computed (for a progress bar)."""
    todo = [(i, r) for i, r in enumerate(rows) if r.problem is None]
    results: dict[int, TravelResult | Ka2Error] = {}
    step = CHUNK if on_progress is not None else max(len(todo), 1)
    for k in range(0, len(todo), step):
        part = todo[k : k + step]
        requests = [TravelRequest(r.from_text, r.to_text, r.year, r.green, r.from_country, r.to_country)
                    for _, r in part]
        for (i, _row), res in zip(part, travel_many(requests, call_year=call_year, green=green, activity=activity),
                               strict=True):
            results[i] = res
        if on_progress is not None:
            on_progress(len(part))
    return [_batch_row(r, results.get(i)) for i, r in enumerate(rows)]


def travel_table(out_rows: Sequence[dict[str, Any]]) -> Table:
    """The output rows as a sheet for :func:`ka2forms.services.sheets.write_table`."""
    return Table("travel", BATCH_COLUMNS, [[r.get(c) for c in BATCH_COLUMNS] for r in out_rows])


__all__ = ["BATCH_COLUMNS", "EDGE_TOLERANCE", "TravelRequest", "TravelResult", "explain", "round_km", "travel",
           "travel_many", "travel_rows", "travel_table"]
