"""The typed model every part of ka2forms shares: a project and its consortium, as read from a workbook.

Values are already normalised (ISO country codes, organisation-type codes, :class:`Role`), so services never
parse text again. Each partner remembers its worksheet row, so later messages can point at the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ka2forms.errors import Location, Problem
from ka2forms.rules import Role


@dataclass(frozen=True)
class Partner:
    """One organisation in the consortium."""

    role: Role
    organisation: str
    country: str                 # ISO 3166-1 alpha-2
    org_type: str                # one of ka2forms.rules.ORG_TYPES
    city: str | None = None
    pic: str | None = None       # 9 digits
    oid: str | None = None       # "E" + 8 digits
    where: Location | None = None  # the row's first cell, for messages
    city_where: Location | None = None  # the City cell, for a town read with a doubt (travel plan)

    @property
    def counts_as_beneficiary(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.PARTNER)


@dataclass(frozen=True)
class TravelRow:
    """One row of the ``Travel plan`` sheet: a group of participants of one organisation on one trip."""

    activity: str
    organisation: str
    to_place: str
    participants: int
    from_place: str | None = None   # None: the organisation's City in Partners
    green: bool = False
    kind: str | None = None         # 2014–2020 SPs: "meeting" for transnational project meetings
    where: Location | None = None   # the row's first cell


@dataclass(frozen=True)
class BudgetLine:
    """One amount of the ``Budget`` sheet: what one organisation gets for one work package, in EUR."""

    work_package: str
    organisation: str
    amount: Decimal
    where: Location | None = None


@dataclass(frozen=True)
class Project:
    """A project as stated in a partner workbook's ``Project`` sheet, with its ``Partners``."""

    action: str                  # as written: "KA220-VET", "AFI-LOT1", an EACEA topic ID…
    call_year: int
    partners: tuple[Partner, ...]
    title: str | None = None
    acronym: str | None = None
    duration_months: int | None = None
    requested_grant: Decimal | None = None
    source: str | None = None    # the workbook's path
    cells: dict[str, Location] = field(default_factory=dict)  # "action", "call_year", … → where it was read
    warnings: tuple[Problem, ...] = ()  # what the reader read with a doubt or passed over, each with its cell
    travel_plan: tuple[TravelRow, ...] | None = None   # None: the workbook has no Travel plan sheet
    budget: tuple[BudgetLine, ...] | None = None       # None: no Budget sheet; rows in sheet order

    @property
    def coordinator(self) -> Partner | None:
        return next((p for p in self.partners if p.role is Role.COORDINATOR), None)
