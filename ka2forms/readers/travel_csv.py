"""A pairs file for ``ka2forms travel --csv``: rows of ``from``, ``to`` and optionally ``year``, ``green``,
``from_country`` and ``to_country`` (the organisations' countries, whose places come first).

The first row names the columns (any order, any case); the delimiter is sniffed (``,``, ``;`` or tab, as
Excel writes CSV in different locales); UTF-8 with or without a BOM. Blank rows are passed over.

A file that cannot be used at all (unreadable, empty, no ``from``/``to`` header) is an
:class:`~ka2forms.errors.InputError` naming the file. A row with a bad value is *not*: it keeps its
``problem`` (said once, in words a user reads in the output's error column) and the other rows go on.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ka2forms.errors import InputError, Location
from ka2forms.i18n import _

TRUE = frozenset({"1", "true", "yes", "y", "x", "ja", "da", "oui", "green", "✓"})
FALSE = frozenset({"0", "false", "no", "n", "nein", "ne", "non"})
_WHOLE = re.compile(r"\d+(?:\.0+)?")       # "2025", and "2025.0" as spreadsheets export whole numbers


@dataclass(frozen=True)
class PairRow:
    """One data row: the texts as given (echoed in the output), what they mean, or the row's problem.

    ``line`` is the row's number in the file as a spreadsheet shows it (the header is row 1).
    ``green`` is ``None`` when the cell is empty (the command's ``--green`` then applies).
    """

    line: int
    values: dict[str, str]
    year: int | None = None
    green: bool | None = None
    problem: str | None = None
    from_country: str | None = None   # optional columns from_country, to_country: places there come first
    to_country: str | None = None

    @property
    def from_text(self) -> str:
        return self.values.get("from", "")

    @property
    def to_text(self) -> str:
        return self.values.get("to", "")


def parse_year(text: str) -> int | None:
    """A call year cell: empty → ``None``; a whole number; anything else is an :class:`InputError`."""
    t = text.strip()
    if not t:
        return None
    if _WHOLE.fullmatch(t):
        return int(float(t))
    raise InputError(_("year must be a whole number, not {value!r}").format(value=text))


def parse_green(text: str) -> bool | None:
    """A green-travel cell: empty → ``None``; yes/no words in en, de, sl, cs, fr; else an :class:`InputError`."""
    v = text.strip().lower()
    if not v:
        return None
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise InputError(_("green must be yes/no, not {value!r}").format(value=text))


def parse_country(text: str) -> str | None:
    """A from_country/to_country cell: empty → ``None``; a country in any spelling → its code; else an error."""
    if not text.strip():
        return None
    from ka2forms.rules.countries import resolve_country

    return resolve_country(text)


def _row(line: int, values: dict[str, str]) -> PairRow:
    try:
        year = parse_year(values.get("year", ""))
        green = parse_green(values.get("green", ""))
        countries = (parse_country(values.get("from_country", "")), parse_country(values.get("to_country", "")))
    except InputError as e:
        return PairRow(line, values, problem=e.message)
    if not values.get("from") or not values.get("to"):
        return PairRow(line, values, year, green, problem=_("both 'from' and 'to' are needed"))
    return PairRow(line, values, year, green, None, *countries)


def read_pairs(path: Path | str) -> list[PairRow]:
    """Every data row of the pairs file at ``path``."""
    where = Location(file=str(path))
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise InputError(_("cannot read the file: {error}").format(error=e.strerror or e), where=where) from None
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    numbered = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
                if any(c.strip() for c in r)]
    if not numbered:
        raise InputError(_("empty file"), where=where)
    header = [c.strip().lower() for c in numbered[0][1]]
    if "from" not in header or "to" not in header:
        raise InputError(_("the first row must name the columns, with at least 'from' and 'to' (found: "
                           "{found})").format(found=", ".join(header) or _("nothing")), where=where)
    return [_row(n, {h: (r[i].strip() if i < len(r) else "") for i, h in enumerate(header)})
            for n, r in numbered[1:]]


__all__ = ["FALSE", "TRUE", "PairRow", "parse_green", "parse_year", "read_pairs"]
