"""Travel distance bands and unit costs by call year (``travel.yaml``).

The band is chosen by the one-way distance in whole km (the service rounds half up before banding); the
amount is a contribution to the return trip. A call year without a table is an error
(:class:`RuleNotDefinedError`), never a fallback to a neighbouring year.

>>> t = travel_bands(2025)
>>> t.band_for(278).label, t.band_for(278).eur
('100-499', 211)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ka2forms.errors import RuleNotDefinedError, RulesDataError, UnknownValueError
from ka2forms.i18n import gettext as _
from ka2forms.rules.loader import provenance, read_yaml
from ka2forms.rules.provenance import CallYears, Provenance, describe_ranges, merge_ranges

DEFAULT_ACTIVITY = "standard"


@dataclass(frozen=True)
class Band:
    """One distance band of one table, with the amount that applies (standard or green)."""

    low_km: int
    high_km: int | None  # inclusive; None = open-ended
    eur: int | None  # None: the guide has no band here, so no grant
    provenance: Provenance
    green: bool = False  # the amount is a green-travel rate
    green_missing: bool = False  # green travel was asked but this band has no green rate: standard applies
    note: str | None = None

    @property
    def label(self) -> str:
        """``"100-499"``, ``"8000+"``."""
        return f"{self.low_km}+" if self.high_km is None else f"{self.low_km}-{self.high_km}"

    def contains(self, km: int) -> bool:
        return km >= self.low_km and (self.high_km is None or km <= self.high_km)


@dataclass(frozen=True)
class TravelTable:
    """The bands in force for one activity, call year and travel mode."""

    activity: str
    call_year: int
    calls: CallYears
    green: bool
    green_defined: bool  # the table has green rates at all
    bands: tuple[Band, ...]
    note: str | None

    def band_for(self, km: int) -> Band:
        """The band holding a whole-km distance."""
        if km < 0:
            raise ValueError("distance must not be negative")
        for band in self.bands:
            if band.contains(km):
                return band
        raise RulesDataError(f"travel.yaml: no band holds {km} km in {self.calls}")  # pragma: no cover

    @property
    def edges(self) -> tuple[int, ...]:
        """Lower bounds of every band but the first: ``(10, 100, 500, 2000, 3000, 4000, 8000)``."""
        return tuple(b.low_km for b in self.bands[1:])


@dataclass(frozen=True)
class _RawTable:
    activity: str
    calls: CallYears
    note: str | None
    bands: tuple[dict, ...]


_KM = re.compile(r"^\s*(\d+)\s*-\s*(\d+)?\s*$")


def _parse_km(value: object, where: str) -> tuple[int, int | None]:
    m = _KM.match(str(value))
    if not m:
        raise RulesDataError(f"{where}: km must look like 100-499 or 8000-, not {value!r}")
    return int(m.group(1)), (int(m.group(2)) if m.group(2) else None)


@cache
def _tables() -> tuple[dict[str, str], tuple[_RawTable, ...]]:
    data = read_yaml("travel.yaml")
    activities = dict(data["activities"])
    tables = []
    for i, raw in enumerate(data["tables"]):
        where = f"travel.yaml: tables[{i}]"
        if raw["activity"] not in activities:
            raise RulesDataError(f"{where}: unknown activity {raw['activity']!r}")
        calls = CallYears.parse(raw["calls"], where=where)
        expected_low = 0
        for j, band in enumerate(raw["bands"]):
            bw = f"{where}.bands[{j}]"
            low, high = _parse_km(band["km"], bw)
            if low != expected_low:
                raise RulesDataError(
                    f"{bw}: bands must be contiguous from 0 km (expected {expected_low}, got {low})"
                )
            if high is None and j != len(raw["bands"]) - 1:
                raise RulesDataError(f"{bw}: only the last band may be open-ended")
            if high is not None and high < low:
                raise RulesDataError(f"{bw}: empty band {band['km']}")
            expected_low = (high + 1) if high is not None else -1
            provenance(band, where=bw)
            if "green_source" in band:
                provenance({"source": band["green_source"], "confidence": band["green_confidence"]}, where=bw)
        if expected_low != -1:
            raise RulesDataError(f"{where}: the last band must be open-ended (e.g. 8000-)")
        for other in tables:
            if other.activity == raw["activity"] and (
                other.calls.first <= calls.last and calls.first <= other.calls.last
            ):
                raise RulesDataError(
                    f"{where}: call years {calls} overlap {other.calls} for {raw['activity']}"
                )
        tables.append(_RawTable(raw["activity"], calls, raw.get("note"), tuple(raw["bands"])))
    return activities, tuple(tables)


def _describe(ranges: list[CallYears]) -> str:
    """Contiguous ranges merged for messages: ``2014–2026``."""
    return describe_ranges(merge_ranges(ranges))


def activities() -> dict[str, str]:
    """Activity id → description (``standard``, ``tpm``)."""
    return dict(_tables()[0])


def covered_years(activity: str = DEFAULT_ACTIVITY) -> list[CallYears]:
    """Call-year ranges that have a table for ``activity``."""
    _check_activity(activity)
    return sorted(t.calls for t in _tables()[1] if t.activity == activity)


def default_call_year() -> int:
    """The latest call year the standard travel table covers (used when no year is given)."""
    return max(r.last for r in covered_years(DEFAULT_ACTIVITY))


def _check_activity(activity: str) -> None:
    known = _tables()[0]
    if activity not in known:
        raise UnknownValueError(_("travel activity"), activity, suggestions=sorted(known))


@cache
def travel_bands(call_year: int, green: bool = False, activity: str | None = None) -> TravelTable:
    """The bands for ``activity`` (default ``standard``) in ``call_year``, standard or green amounts."""
    activity = activity or DEFAULT_ACTIVITY
    _check_activity(activity)
    raw = next((t for t in _tables()[1] if t.activity == activity and call_year in t.calls), None)
    if raw is None:
        subject = _("travel bands") if activity == DEFAULT_ACTIVITY else _("travel bands ({activity})").format(
            activity=activity)
        raise RuleNotDefinedError(subject, call_year, known=_describe(covered_years(activity)))
    green_defined = any("green" in b for b in raw.bands)
    bands = []
    for j, b in enumerate(raw.bands):
        where = f"travel.yaml: {activity} {raw.calls} bands[{j}]"
        low, high = _parse_km(b["km"], where)
        prov = provenance(b, where=where)
        eur = None if b["eur"] is None else int(b["eur"])
        is_green = missing = False
        if green and eur is not None:
            if b.get("green") is not None:
                eur, is_green = int(b["green"]), True
                if "green_source" in b:
                    prov = provenance(
                        {"source": b["green_source"], "confidence": b["green_confidence"]}, where=where
                    )
            else:
                missing = True
        bands.append(Band(low, high, eur, prov, is_green, missing, b.get("note")))
    return TravelTable(activity, call_year, raw.calls, green, green_defined, tuple(bands), raw.note)
