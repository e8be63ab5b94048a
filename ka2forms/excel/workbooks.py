"""Partner workbooks with live KA2 formulas: the sheets ``ka2forms new`` and the samples share.

Why one module: the template a coordinator starts from and the samples in ``samples/`` must show the same
layout (docs/workbook.md) and the same formulas, so both are built here. Three rules:

- formulas cover **whole tables**: the Partners sheet holds an Excel table (``PartnersTable``) and the checks
  say ``KA2_ELIGIBLE(PartnersTable[#All], …)``, so a partner added below the last row is counted;
- every formula is saved with the result our own functions compute for it (``cached.py``), so Excel for Mac
  or the web, LibreOffice without the extension and any previewer show values, not ``#NAME?``;
- every word a user reads is in the workbook's language (English, Slovenian, Czech).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ka2forms.errors import InputError
from ka2forms.excel import udfs
from ka2forms.excel.cached import with_cached_values
from ka2forms.i18n import gettext as _
from ka2forms.rules import country_status, resolve_action
from ka2forms.rules.countries import country_name, listed_countries
from ka2forms.text import fold

LANGS = ("en", "sl", "cs")
TABLE_NAME = "PartnersTable"
TABLE_ALL = f"{TABLE_NAME}[#All]"  # header row included: the functions read the headers to find the columns

PROJECT_KEYS = ("action", "call_year", "title", "acronym", "duration", "grant")
PROJECT_LABELS = {
    "en": ("Action", "Call year", "Title", "Acronym", "Duration (months)", "Requested grant (EUR)"),
    "sl": ("Ukrep", "Leto razpisa", "Naslov", "Akronim", "Trajanje (meseci)", "Zaprošena sredstva (EUR)"),
    "cs": ("Akce", "Rok výzvy", "Název", "Akronym", "Doba trvání (měsíce)", "Požadovaný grant (EUR)"),
}
SHEET_NAMES = {  # Project, Partners (names the reader accepts), Checks, Travel, how-to
    "en": ("Project", "Partners", "Checks", "Travel", "How to"),
    "sl": ("Projekt", "Partnerji", "Preverjanje", "Potovanja", "Navodila"),
    "cs": ("Projekt", "Partneři", "Kontrola", "Cesty", "Návod"),
}
COLUMNS = ("role", "org", "country", "city", "type", "pic", "oid")
PARTNER_HEADERS = {
    "en": {"role": "Role", "org": "Organisation", "country": "Country", "city": "City", "type": "Type",
           "pic": "PIC", "oid": "OID"},
    "sl": {"role": "Vloga", "org": "Organizacija", "country": "Država", "city": "Mesto",
           "type": "Vrsta organizacije", "pic": "PIC", "oid": "OID"},
    "cs": {"role": "Role", "org": "Organizace", "country": "Země", "city": "Město", "type": "Typ organizace",
           "pic": "PIC", "oid": "OID"},
}
ROLES = {  # C coordinator, P partner, A associated partner, AE affiliated entity
    "en": {"C": "Coordinator", "P": "Partner", "A": "Associated partner", "AE": "Affiliated entity"},
    "sl": {"C": "Koordinator", "P": "Partner", "A": "Pridruženi partner", "AE": "Povezani subjekt"},
    "cs": {"C": "Koordinátor", "P": "Partner", "A": "Přidružený partner", "AE": "Přidružený subjekt"},
}
TYPE_LABELS = {  # one label per language from organisations.yaml's aliases (a test reads each back)
    "en": {"HEI": "Higher education institution", "VET": "VET provider", "SCHOOL": "School or pre-school",
           "ADULT": "Adult education organisation", "YOUTH": "Youth organisation",
           "SME": "Small or medium-sized enterprise", "ENTERPRISE": "Large enterprise", "CHAMBER": "Chamber",
           "SOCIAL-PARTNER": "Social partner", "ASSOCIATION": "Professional association",
           "PUBLIC": "Public body", "NGO": "Non-governmental organisation", "RESEARCH": "Research organisation",
           "OTHER": "Other"},
    "sl": {"HEI": "Visokošolski zavod", "VET": "Izvajalec poklicnega izobraževanja", "SCHOOL": "Šola",
           "ADULT": "Organizacija za izobraževanje odraslih", "YOUTH": "Mladinska organizacija",
           "SME": "Malo ali srednje podjetje", "ENTERPRISE": "Veliko podjetje", "CHAMBER": "Zbornica",
           "SOCIAL-PARTNER": "Socialni partner", "ASSOCIATION": "Strokovno združenje", "PUBLIC": "Javni organ",
           "NGO": "Nevladna organizacija", "RESEARCH": "Raziskovalna organizacija", "OTHER": "Drugo"},
    "cs": {"HEI": "Vysokoškolská instituce", "VET": "Poskytovatel odborného vzdělávání", "SCHOOL": "Škola",
           "ADULT": "Organizace pro vzdělávání dospělých", "YOUTH": "Mládežnická organizace",
           "SME": "Malý nebo střední podnik", "ENTERPRISE": "Velký podnik", "CHAMBER": "Komora",
           "SOCIAL-PARTNER": "Sociální partner", "ASSOCIATION": "Profesní sdružení", "PUBLIC": "Veřejný orgán",
           "NGO": "Nevládní organizace", "RESEARCH": "Výzkumná organizace", "OTHER": "Jiné"},
}
WORDS = {
    "en": {"status": "Status (formula)", "eligible": "Eligible", "rules": "Rules", "grant": "Allowed grant (EUR)",
           "check": "Consortium check", "from": "From", "to": "To", "km": "Distance (km)", "band": "Band (km)",
           "eur": "EUR per participant", "green": "EUR green", "array": "EUR (one array call)",
           "total": "Total EUR per participant (one trip each)", "lists": "Lists",
           "list_error": "Pick a value from the list (other values are allowed if the reader knows them).",
           "list_title": "ka2forms"},
    "sl": {"status": "Status (formula)", "eligible": "Upravičen", "rules": "Pravila",
           "grant": "Dovoljena sredstva (EUR)", "check": "Preverjanje konzorcija", "from": "Od", "to": "Do",
           "km": "Razdalja (km)", "band": "Razred (km)", "eur": "EUR na udeleženca", "green": "EUR zeleno",
           "array": "EUR (en klic za stolpec)", "total": "Skupaj EUR na udeleženca (po ena pot)",
           "lists": "Seznami",
           "list_error": "Izberite vrednost s seznama (druge vrednosti so dovoljene, če jih bralnik pozna).",
           "list_title": "ka2forms"},
    "cs": {"status": "Stav (vzorec)", "eligible": "Způsobilé", "rules": "Pravidla",
           "grant": "Povolený grant (EUR)", "check": "Kontrola konsorcia", "from": "Odkud", "to": "Kam",
           "km": "Vzdálenost (km)", "band": "Pásmo (km)", "eur": "EUR na účastníka", "green": "EUR zeleně",
           "array": "EUR (jedno volání pro sloupec)", "total": "Celkem EUR na účastníka (jedna cesta)",
           "lists": "Seznamy",
           "list_error": "Vyberte hodnotu ze seznamu (jiné hodnoty jsou povoleny, pokud je čtečka zná).",
           "list_title": "ka2forms"},
}
HOW_TO = {
    "en": ("How to use this workbook",
           "1. Project sheet: the action and call year are filled in; add the title, acronym, duration and grant.",
           "2. Partners sheet: one row per organisation. Pick Role, Country and Type from the dropdowns. Type below "
           "the last row and the table grows; the checks always cover the whole table.",
           "3. Checks and Travel sheets: formulas with the KA2 worksheet functions. They were saved with results, "
           "so they show values everywhere; they recalculate where the ka2forms add-in is installed (Excel for "
           "Windows, xlwings Lite, LibreOffice with the ka2forms extension).",
           "4. Check on the command line: ka2forms check this-file.xlsx (ka2forms annex writes the annex).",
           "In Slovenian, Czech or German Excel, formulas use semicolons: =KA2_TRAVEL(A2;B2).",
           "Only coordinators and partners count towards the minimums; associated partners never do."),
    "sl": ("Kako uporabljati ta delovni zvezek",
           "1. List Projekt: ukrep in leto razpisa sta vpisana; dodajte naslov, akronim, trajanje in sredstva.",
           "2. List Partnerji: ena vrstica za vsako organizacijo. Vlogo, državo in vrsto izberite s spustnih "
           "seznamov. Pišite pod zadnjo vrstico in tabela se razširi; preverjanje vedno zajame celo tabelo.",
           "3. Lista Preverjanje in Potovanja: formule s funkcijami KA2. Shranjene so z rezultati, zato povsod "
           "kažejo vrednosti; znova se izračunajo tam, kjer je nameščen dodatek ka2forms (Excel za Windows, "
           "xlwings Lite, LibreOffice z razširitvijo ka2forms).",
           "4. Preverjanje v ukazni vrstici: ka2forms check ta-datoteka.xlsx (ka2forms annex pripravi prilogo).",
           "V slovenskem Excelu formule ločujejo argumente s podpičji: =KA2_TRAVEL(A2;B2).",
           "V minimume štejejo le koordinator in partnerji; pridruženi partnerji nikoli."),
    "cs": ("Jak používat tento sešit",
           "1. List Projekt: akce a rok výzvy jsou vyplněny; doplňte název, akronym, dobu trvání a grant.",
           "2. List Partneři: jeden řádek pro každou organizaci. Roli, zemi a typ vyberte z rozevíracích seznamů. "
           "Pište pod poslední řádek a tabulka se rozšíří; kontrola vždy zahrne celou tabulku.",
           "3. Listy Kontrola a Cesty: vzorce s funkcemi KA2. Jsou uloženy s výsledky, takže všude ukazují "
           "hodnoty; přepočítají se tam, kde je nainstalován doplněk ka2forms (Excel pro Windows, xlwings Lite, "
           "LibreOffice s rozšířením ka2forms).",
           "4. Kontrola z příkazové řádky: ka2forms check tento-soubor.xlsx (ka2forms annex vytvoří přílohu).",
           "V české aplikaci Excel se argumenty ve vzorcích oddělují středníkem: =KA2_TRAVEL(A2;B2).",
           "Do minim se počítají jen koordinátor a partneři; přidružení partneři nikdy."),
}
BLANK_ROWS = 20  # rows the blank template's table starts with (it grows as rows are typed below)
VALIDATED_ROWS = 500  # dropdowns reach this far, beyond the table's first rows


@cache
def country_labels() -> dict[str, dict[str, str]]:
    """ISO code -> {"en", "sl", "cs"} names (generated by scripts/build_country_labels.py)."""
    text = resources.files("ka2forms.excel").joinpath("data/country_labels.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["labels"])


@dataclass
class FormulaBook:
    """A workbook being built, and the result our code computed for each formula cell in it."""

    wb: Workbook
    cached: dict[tuple[str, str], Any] = field(default_factory=dict)

    def put(self, ws: Worksheet, ref: str, formula: str, value: Any, array_to: str | None = None) -> None:
        """Write ``formula`` at ``ref`` (an array formula over ``ref:array_to``) and remember its result."""
        ws[ref] = ArrayFormula(f"{ref}:{array_to}", formula) if array_to else formula
        self.cached[(ws.title, ref)] = value

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.wb.save(buf)
        return with_cached_values(buf.getvalue(), self.cached)


@dataclass(frozen=True)
class ProjectRefs:
    """Where the Checks and Travel formulas find the project's values, and those values."""

    action_ref: str
    year_ref: str
    duration_ref: str | None
    action: str
    call_year: int
    duration: int | None


def _ref(sheet: str, cell: str) -> str:
    col = "".join(ch for ch in cell if ch.isalpha())
    row = cell[len(col):]
    return f"{quote_sheetname(sheet)}!${col}${row}"


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _lang(lang: str) -> str | None:
    """The functions' own language argument: omitted for English, so English formulas stay as they were."""
    return None if lang == "en" else lang


def _lang_arg(lang: str) -> str:
    return "" if lang == "en" else f',"{lang}"'


def add_partners_table(ws: Worksheet, n_columns: int, last_row: int) -> None:
    """Turn A1:…last_row into the Excel table the formulas name (it grows when rows are added below)."""
    ref = f"A1:{get_column_letter(n_columns)}{max(last_row, 2)}"
    table = Table(displayName=TABLE_NAME, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.auto_filter.ref = None  # the table carries its own filter; a sheet filter over it is an error in Excel
    ws.add_table(table)


def add_status_column(book: FormulaBook, ws: Worksheet, lang: str, country_col: str, n_columns: int,
                      last_row: int, refs: ProjectRefs) -> None:
    """One ``KA2_COUNTRY`` per row next to the table (one empty column between), blank for blank rows."""
    col = get_column_letter(n_columns + 2)
    ws[f"{col}1"] = WORDS[lang]["status"]
    ws[f"{col}1"].font = Font(bold=True, italic=True)
    for r in range(2, last_row + 1):
        country = ws[f"{country_col}{r}"].value
        formula = f'=IF({country_col}{r}="","",KA2_COUNTRY({country_col}{r},{refs.year_ref}{_lang_arg(lang)}))'
        value = "" if _blank(country) else udfs.KA2_COUNTRY(country, refs.call_year, _lang(lang))
        book.put(ws, f"{col}{r}", formula, value)
    ws.column_dimensions[col].width = 44


def add_checks_sheet(book: FormulaBook, lang: str, title: str, partner_rows: Sequence[Sequence[Any]],
                     refs: ProjectRefs) -> None:
    """Eligibility, rules edition, allowed grant and the criteria table, over the whole Partners table."""
    words = WORDS[lang]
    ws = book.wb.create_sheet(title)
    rows = [list(r) for r in partner_rows]
    table_args = f"{TABLE_ALL},{refs.action_ref},{refs.year_ref}{_lang_arg(lang)}"
    ws["A1"] = words["eligible"]
    book.put(ws, "B1", f"=KA2_ELIGIBLE({table_args})",
             udfs.KA2_ELIGIBLE(rows, refs.action, refs.call_year, _lang(lang)))
    ws["A2"] = words["rules"]
    book.put(ws, "B2", "=KA2_VERSION()", udfs.KA2_VERSION())
    ws["A3"] = words["grant"]
    duration = refs.duration_ref or '""'
    grant = udfs.KA2_GRANT(refs.action, refs.call_year, refs.duration, _lang(lang))
    formula = f"=KA2_GRANT({refs.action_ref},{refs.year_ref},{duration}{_lang_arg(lang)})"
    if isinstance(grant, list):
        book.put(ws, "B3", formula, grant, array_to=f"{get_column_letter(1 + len(grant[0]))}3")
    else:
        book.put(ws, "B3", formula, grant)
    ws["A5"] = words["check"]
    check = udfs.KA2_CHECK(rows, refs.action, refs.call_year, _lang(lang))
    height = len(check) if isinstance(check, list) else _check_height(refs)
    book.put(ws, "A6", f"=KA2_CHECK({table_args})", check, array_to=f"D{5 + height}")
    for cell in ("A1", "A2", "A3", "A5"):
        ws[cell].font = Font(bold=True)
    ws.column_dimensions["A"].width = 70
    for col in "BCD":
        ws.column_dimensions[col].width = 18


def _check_height(refs: ProjectRefs) -> int:
    """Rows of KA2_CHECK's table (header + one per criterion) before any partner is entered."""
    from ka2forms.services.check import check_consortium

    return 1 + len(check_consortium(refs.action, refs.call_year, []).criteria)


def add_travel_sheet(book: FormulaBook, lang: str, title: str, trips: Sequence[tuple[str, str]],
                     refs: ProjectRefs, *, blank_rows: int = 0) -> None:
    """Distance, band and unit cost per row, and the same column as one array call over the range."""
    words = WORDS[lang]
    ws = book.wb.create_sheet(title)
    head = ["from", "to", "km", "band", "eur", "green"] + (["array"] if trips else [])
    for j, key in enumerate(head, start=1):
        ws.cell(row=1, column=j, value=words[key]).font = Font(bold=True)
    year = refs.year_ref
    arg, extra = _lang_arg(lang), ((lang,) if _lang(lang) else ())   # messages in the workbook's language
    n = len(trips) + blank_rows
    for i in range(2, n + 2):
        origin, venue = trips[i - 2] if i - 2 < len(trips) else (None, None)
        ws[f"A{i}"], ws[f"B{i}"] = origin, venue
        empty = _blank(origin) or _blank(venue)

        def val(fn: Any, *extra: Any, o: Any = origin, v: Any = venue, e: bool = empty) -> Any:
            return "" if e else fn(o, v, *extra)

        guard = f'IF(OR(A{i}="",B{i}=""),"",' if blank_rows else ""
        close = ")" if blank_rows else ""
        book.put(ws, f"C{i}", f"={guard}KA2_DISTANCE(A{i},B{i}{arg}){close}", val(udfs.KA2_DISTANCE, *extra))
        book.put(ws, f"D{i}", f"={guard}KA2_BAND(A{i},B{i},{year}{arg}){close}",
                 val(udfs.KA2_BAND, refs.call_year, *extra))
        book.put(ws, f"E{i}", f"={guard}KA2_TRAVEL(A{i},B{i},{year}{',FALSE' if arg else ''}{arg}){close}",
                 val(udfs.KA2_TRAVEL, refs.call_year, *((False, *extra) if extra else ())))
        book.put(ws, f"F{i}", f"={guard}KA2_TRAVEL(A{i},B{i},{year},TRUE{arg}){close}",
                 val(udfs.KA2_TRAVEL, refs.call_year, True, *extra))
        ws[f"C{i}"].number_format = "0.0"
    if trips:
        last = len(trips) + 1
        values = udfs.KA2_TRAVEL([[o] for o, _ in trips], [[v] for _, v in trips], refs.call_year,
                                 *((False, *extra) if extra else ()))
        book.put(ws, "G2", f"=KA2_TRAVEL(A2:A{last},B2:B{last},{year}{',FALSE' if arg else ''}{arg})", values,
                 array_to=f"G{last}")
    ws[f"A{n + 3}"] = words["total"]
    total = sum(v for v in (book.cached[(ws.title, f"E{i}")] for i in range(2, n + 2)) if isinstance(v, float))
    book.put(ws, f"E{n + 3}", f"=SUM(E2:E{n + 1})", total)
    ws[f"A{n + 3}"].font = ws[f"E{n + 3}"].font = Font(bold=True)
    for col, width in zip("ABCDEFG", (34, 34, 14, 12, 20, 12, 22), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


TOTAL = {"en": "Total", "sl": "Skupaj", "cs": "Celkem"}
PLAN_WORDS = {  # the Travel plan and Budget sheets (names and headers as readers/data/plan_sheets.yaml reads them)
    "en": {"plan": "Travel plan", "budget": "Budget", "activity": "Activity", "org": "Organisation", "from": "From",
           "to": "To", "participants": "Participants", "green": "Green", "wp": "Work package",
           "management": "Project management", "budget_check": "Budget check"},
    "sl": {"plan": "Načrt potovanj", "budget": "Proračun", "activity": "Aktivnost", "org": "Organizacija",
           "from": "Od", "to": "Do", "participants": "Udeleženci", "green": "Zeleno", "wp": "Delovni sklop",
           "management": "Vodenje projekta", "budget_check": "Preverjanje proračuna"},
    "cs": {"plan": "Plán cest", "budget": "Rozpočet", "activity": "Aktivita", "org": "Organizace", "from": "Z",
           "to": "Do", "participants": "Účastníci", "green": "Zelená", "wp": "Pracovní balíček",
           "management": "Řízení projektu", "budget_check": "Kontrola rozpočtu"},
}


def add_plan_sheets(book: FormulaBook, lang: str, refs: ProjectRefs, partner_rows: Sequence[Sequence[Any]],
                    trips: Sequence[Sequence[Any]], budget: Sequence[Sequence[Any]], *, grant_ref: str,
                    grant: Any = None, blank_rows: int = 0) -> None:
    """The Travel plan sheet (one total per row beside it, from KA2_TRAVEL_PLAN), the Budget sheet, and a
    Budget check sheet (KA2_BUDGET_CHECK over the Budget sheet: on a sheet of its own, since everything on the
    Budget sheet is read as the budget), the formulas over the whole Partners table."""
    words = PLAN_WORDS[lang]
    bold = Font(bold=True)
    partners = [list(r) for r in partner_rows]

    ws = book.wb.create_sheet(words["plan"])
    head = [words[k] for k in ("activity", "org", "from", "to", "participants", "green")]
    plan = [head, *[list(t) for t in trips]] + [[None] * 6 for _ in range(blank_rows)]
    for r, row in enumerate(plan, start=1):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v)
    for c in range(1, 8):
        ws.cell(row=1, column=c).font = bold
    last = len(plan)
    values = udfs.KA2_TRAVEL_PLAN(plan, refs.call_year, partners, refs.action, _lang(lang))
    book.put(ws, "G1", f"=KA2_TRAVEL_PLAN(A1:F{last},{refs.year_ref},{TABLE_ALL},{refs.action_ref}"
             f"{_lang_arg(lang)})", values, array_to=f"G{last}")
    total = sum(v[0] for v in values[1:] if isinstance(v[0], float))
    ws[f"A{last + 2}"] = TOTAL[lang]
    book.put(ws, f"G{last + 2}", f"=SUM(G2:G{last})", total)
    ws[f"A{last + 2}"].font = ws[f"G{last + 2}"].font = bold
    for col, width in zip("ABCDEFG", (26, 40, 20, 20, 14, 10, 16), strict=True):
        ws.column_dimensions[col].width = width

    bs = book.wb.create_sheet(words["budget"])
    rows = [list(r) for r in budget] or [[words["wp"]], [words["management"]]]
    rows += [[None] * len(rows[0]) for _ in range(blank_rows)]
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            bs.cell(row=r, column=c, value=v)
    for c in range(1, len(rows[0]) + 1):
        bs.cell(row=1, column=c).font = bold
    width = max(len(rows[0]), 2)
    end = f"{get_column_letter(max(width, 8))}{len(rows) + 20}"   # room for more organisations and packages
    cs = book.wb.create_sheet(words["budget_check"])
    top = 1
    duration = refs.duration_ref or '""'
    formula = (f"=KA2_BUDGET_CHECK({_ref(words['budget'], 'A1')}:{end.replace('$', '')},{refs.action_ref},"
               f"{refs.year_ref},{grant_ref},{TABLE_ALL},{duration}{_lang_arg(lang)})")
    checks = udfs.KA2_BUDGET_CHECK(rows, refs.action, refs.call_year, grant, partners, refs.duration,
                                   _lang(lang)) if len(rows[0]) > 1 else ""
    if isinstance(checks, list):
        book.put(cs, f"A{top}", formula, checks, array_to=f"D{top + len(checks) - 1}")
    else:   # no organisation columns yet (the blank workbook): the formula waits for the first one
        header = f"{_ref(words['budget'], 'B1')}:{get_column_letter(max(width, 8))}1"
        book.put(cs, f"A{top}", f'=IF(COUNTA({header})=0,"",{formula[1:]})', checks)
    bs.column_dimensions["A"].width = 30
    for c in range(2, max(width, 4) + 1):
        bs.column_dimensions[get_column_letter(c)].width = 22
    cs.column_dimensions["A"].width = 60
    for col in "BCD":
        cs.column_dimensions[col].width = 26



def workbook_language(sheet_names: Sequence[str]) -> str | None:
    """The language a workbook is written in, told by its sheet names as ``ka2forms new --lang`` writes them
    (``Partnerji``, ``Načrt potovanj`` → sl); None when its names say nothing or more than one language.

    Names two languages share ("Projekt", "Partner") decide nothing; a workbook someone named in English is
    English only when it says so (``Partners``, ``Travel plan``)."""
    names = {fold(n) for n in sheet_names}
    own: dict[str, set[str]] = {
        lang: {fold(n) for n in (*SHEET_NAMES[lang], *(PLAN_WORDS[lang][k] for k in ("plan", "budget",
                                                                                     "budget_check")),
                                 WORDS[lang]["lists"])} for lang in LANGS}
    hits = {lang: len(names & (mine - set().union(*(o for other, o in own.items() if other != lang))))
            for lang, mine in own.items()}
    best = max(hits.values())
    found = [lang for lang, n in hits.items() if n == best and n > 0]
    return found[0] if len(found) == 1 else None


# ───────────────────────────── the blank workbook (`ka2forms new`) ─────────────────────────────


def _countries(call_year: int, lang: str) -> list[str]:
    """The countries the rules list for that call year, EU/associated first, each block by local name."""
    labels = country_labels()
    eligible, others = [], []
    for code in listed_countries():
        status = country_status(country_name(code), call_year)  # the name: a bare code such as CR is ambiguous
        name = labels.get(code, {}).get(lang) or status.name
        (eligible if status.eligible else others).append(name)
    return sorted(eligible, key=fold) + sorted(others, key=fold)


def _lists_sheet(wb: Workbook, lang: str, call_year: int) -> dict[str, str]:
    """A hidden sheet with the dropdowns' values; returns the range of each list."""
    ws = wb.create_sheet(WORDS[lang]["lists"])
    columns = {
        "role": list(ROLES[lang].values()),
        "type": list(TYPE_LABELS[lang].values()),
        "country": _countries(call_year, lang),
    }
    ranges = {}
    for j, (key, values) in enumerate(columns.items(), start=1):
        col = get_column_letter(j)
        ws.cell(row=1, column=j, value=PARTNER_HEADERS[lang][key]).font = Font(bold=True)
        for i, v in enumerate(values, start=2):
            ws.cell(row=i, column=j, value=v)
        ranges[key] = f"{quote_sheetname(ws.title)}!${col}$2:${col}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def new_workbook(action: str = "KA220-VET", call_year: int | None = None, lang: str = "en") -> bytes:
    """A blank partner workbook in the documented layout, with dropdowns and live formulas (cached), as .xlsx."""
    return new_book(action, call_year, lang).to_bytes()


def new_book(action: str = "KA220-VET", call_year: int | None = None, lang: str = "en") -> FormulaBook:
    """The blank partner workbook before it is saved, with the results of its formulas."""
    if lang not in LANGS:
        raise InputError(_("language must be one of {choices}, not {lang!r}").format(choices=", ".join(LANGS),
                                                                                       lang=lang))
    ref = resolve_action(action)
    year = call_year if call_year is not None else ref.action.calls[-1].last
    from ka2forms.rules import rules_for

    rules = rules_for(ref, year)  # an action without rules for that year is refused here, not in the formulas
    project_name, partners_name, checks_name, travel_name, howto_name = SHEET_NAMES[lang]
    wb = Workbook()
    book = FormulaBook(wb)
    bold = Font(bold=True)

    ws = wb.active
    ws.title = project_name
    values = {"action": rules.ref.code, "call_year": year}
    for r, (key, label) in enumerate(zip(PROJECT_KEYS, PROJECT_LABELS[lang], strict=True), start=1):
        ws.cell(row=r, column=1, value=label).font = bold
        cell = ws.cell(row=r, column=2, value=values.get(key))
        cell.alignment = Alignment(horizontal="left")
        if key in ("call_year", "duration"):
            cell.number_format = "0"
        elif key == "grant":
            cell.number_format = '#,##0.00 "EUR"'
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 48
    refs = ProjectRefs(_ref(project_name, "B1"), _ref(project_name, "B2"), _ref(project_name, "B5"),
                       rules.ref.code, year, None)

    ps = wb.create_sheet(partners_name)
    headers = [PARTNER_HEADERS[lang][c] for c in COLUMNS]
    for j, h in enumerate(headers, start=1):
        ps.cell(row=1, column=j, value=h).font = bold
    for j, c in enumerate(COLUMNS, start=1):
        ps.column_dimensions[get_column_letter(j)].width = 40 if c == "org" else 22
        if c in ("pic", "oid"):
            for r in range(2, VALIDATED_ROWS + 1):
                ps.cell(row=r, column=j).number_format = "@"  # identifiers are text: leading zeros survive
    last = BLANK_ROWS + 1
    add_partners_table(ps, len(COLUMNS), last)
    ps.freeze_panes = "A2"
    lists = _lists_sheet(wb, lang, year)
    for key in ("role", "country", "type"):
        col = get_column_letter(COLUMNS.index(key) + 1)
        dv = DataValidation(type="list", formula1=lists[key], allow_blank=True, showDropDown=False,
                            errorStyle="warning", showErrorMessage=True, error=WORDS[lang]["list_error"],
                            errorTitle=WORDS[lang]["list_title"])
        dv.add(f"{col}2:{col}{VALIDATED_ROWS}")
        ps.add_data_validation(dv)
    # the status reaches as far as the dropdowns: rows typed below the table get it too (blank rows call nothing)
    add_status_column(book, ps, lang, get_column_letter(COLUMNS.index("country") + 1), len(COLUMNS),
                      VALIDATED_ROWS, refs)

    add_checks_sheet(book, lang, checks_name, [headers], refs)
    add_travel_sheet(book, lang, travel_name, [], refs, blank_rows=BLANK_ROWS)
    add_plan_sheets(book, lang, refs, [headers], [], [], grant_ref=_ref(project_name, "B6"),
                    blank_rows=BLANK_ROWS)

    hs = wb.create_sheet(howto_name)
    for i, line in enumerate(HOW_TO[lang], start=1):
        c = hs.cell(row=i * 2 - 1, column=1, value=line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            c.font = Font(bold=True, size=14)
    hs.column_dimensions["A"].width = 110
    wb.move_sheet(hs, offset=-(len(wb.sheetnames) - 1))  # first, so it is what a new user sees
    wb.active = 0
    props = wb.properties
    props.creator = props.lastModifiedBy = "ka2forms new"
    props.title = f"{rules.ref.code} {year} partner workbook"
    return book
