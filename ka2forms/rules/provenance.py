"""Where a rule value comes from and how sure we are of it.

Every value in the rules data carries a source (an id in ``sources.yaml``) and a confidence. A verdict that
rests on a ``third-party`` or ``unconfirmed`` value says so as a warning; nothing is hidden.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ka2forms.errors import RulesDataError


class Confidence(str, enum.Enum):
    """How far a rule value is confirmed. ``SEED`` and ``OFFICIAL`` are confirmed; the others produce warnings."""

    SEED = "seed"
    OFFICIAL = "official"
    THIRD_PARTY = "third-party"
    UNCONFIRMED = "unconfirmed"

    @property
    def confirmed(self) -> bool:
        return self in (Confidence.SEED, Confidence.OFFICIAL)


@dataclass(frozen=True)
class Source:
    """A citable source: a seed page, an official page, a third-party page, or a project decision."""

    id: str
    kind: str
    title: str
    url: str | None = None
    file: str | None = None
    call_year: str | None = None  # the call year(s) the text applies to: "2025", "2021-2026", "undated"
    read: str | None = None  # ISO date on which the text was read
    quote: str | None = None  # at most 40 words of the text that states the value

    @property
    def where(self) -> str:
        """A URL or the seed file name: what a reader follows to check the value."""
        return self.url or (f"seed {self.file}" if self.file else self.title)


@dataclass(frozen=True)
class Provenance:
    """Source and confidence of one rule value."""

    source: Source
    confidence: Confidence

    @property
    def confirmed(self) -> bool:
        return self.confidence.confirmed

    def describe(self) -> str:
        return f"{self.confidence.value}: {self.source.where}"


@dataclass(frozen=True, order=True)
class CallYears:
    """An inclusive range of call years, written ``2021-2026`` (or a single year ``2026``) in the data."""

    first: int
    last: int

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    @classmethod
    def parse(cls, value: object, *, where: str) -> CallYears:
        if isinstance(value, int):
            return cls(value, value)
        m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", str(value))
        if not m or int(m.group(1)) > int(m.group(2)):
            raise RulesDataError(f"{where}: call years must look like 2021-2026, not {value!r}")
        return cls(int(m.group(1)), int(m.group(2)))


def spans(raws: list[dict], *, last: int | None, where: str) -> list[CallYears]:
    """The call years of each entry of a list of versions, in order.

    An entry says either ``calls: FIRST-LAST`` (a closed range, the older form) or ``from: YEAR``: in force
    from that call year until the next entry's first year, or until ``last`` (the last reviewed call year)
    for the newest one, as OpenFisca parameters do. Entries must be in ascending order and never overlap.
    """
    firsts: list[int] = []
    for i, raw in enumerate(raws):
        if ("calls" in raw) == ("from" in raw):
            raise RulesDataError(f"{where}[{i}]: give either calls: FIRST-LAST or from: YEAR")
        if "from" in raw and not isinstance(raw["from"], int):
            raise RulesDataError(f"{where}[{i}]: from must be a call year like 2022, not {raw['from']!r}")
        firsts.append(raw["from"] if "from" in raw else CallYears.parse(raw["calls"], where=f"{where}[{i}]").first)
        if i and firsts[i] <= firsts[i - 1]:
            raise RulesDataError(f"{where}[{i}]: versions must be in ascending order of call year")
    out = []
    for i, raw in enumerate(raws):
        if "calls" in raw:
            span = CallYears.parse(raw["calls"], where=f"{where}[{i}]")
        else:
            end = firsts[i + 1] - 1 if i + 1 < len(raws) else last
            if end is None:
                raise RulesDataError(f"{where}[{i}]: from: {firsts[i]} needs a last reviewed call year (reviewed_to)")
            if end < firsts[i]:
                raise RulesDataError(f"{where}[{i}]: from: {firsts[i]} is after the last reviewed call year {end}")
            span = CallYears(firsts[i], end)
        if out and span.first <= out[-1].last:
            raise RulesDataError(f"{where}: call years {out[-1]} and {span} overlap")
        out.append(span)
    return out


def merge_ranges(ranges: list[CallYears]) -> list[CallYears]:
    """Adjacent ranges joined: ``[2021, 2022–2025, 2026]`` → ``[2021–2026]`` (versions are an internal split)."""
    merged: list[CallYears] = []
    for r in sorted(ranges):
        if merged and r.first == merged[-1].last + 1:
            merged[-1] = CallYears(merged[-1].first, r.last)
        else:
            merged.append(r)
    return merged


def describe_ranges(ranges: list[CallYears]) -> str:
    """``[2014–2017, 2018–2020]`` → ``"2014–2017, 2018–2020"`` for messages naming the years we do have."""
    return ", ".join(str(r) for r in sorted(ranges))
