"""Build the sample partner workbooks in samples/ (and samples/README.md) with openpyxl.

Each workbook follows the ka2forms workbook contract: a ``Project`` sheet (labels in column A, values in
column B) and a ``Partners`` sheet (one header row, one row per organisation). There is one eligible and one
not-eligible workbook per action, in English, Slovenian or Czech, so the reader, the rules and the forms can
be tried on files that look like the ones partners really send.

The output is deterministic: no randomness, fixed workbook properties, and the xlsx (a zip) is re-packed
with fixed timestamps, so running the script again gives byte-identical files:

    pip install openpyxl && python scripts/build_samples.py [--out DIR]

Organisations, PICs and OIDs are invented (a few public institutions carry their real names); no name of a
private individual is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "samples"
sys.path.insert(0, str(ROOT))  # the builder uses ka2forms itself: the shared sheets and the cached results

from ka2forms.excel import workbooks  # noqa: E402

# Everything that would otherwise carry "now": document properties and the zip entries' timestamps.
FIXED_TIME = dt.datetime(2025, 3, 3, 9, 0, 0)
_ZIP_TIME = (2025, 3, 3, 9, 0, 0)
_CORE_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

GRANT_FORMAT = '#,##0.00 "EUR"'
TEXT_FORMAT = "@"

# ─────────────────────────────── languages ───────────────────────────────

# The language tables are the template's (ka2forms new): samples and template share one layout.
PROJECT_LABELS = workbooks.PROJECT_LABELS
PROJECT_KEYS = workbooks.PROJECT_KEYS
PARTNER_HEADERS = workbooks.PARTNER_HEADERS
STANDARD_COLUMNS = workbooks.COLUMNS
ROLES = workbooks.ROLES

# Readable labels some partners type instead of codes (all listed in ka2forms/rules/data/organisations.yaml).
TYPE_LABELS = {
    "HEI": "Higher education institution",
    "VET": "VET provider",
    "SME": "Small or medium enterprise",
    "CHAMBER": "Chamber",
}

# ─────────────────────────────── organisations ───────────────────────────────


@dataclass(frozen=True)
class Org:
    name: str
    iso: str  # ISO 3166-1 alpha-2 (GB for the United Kingdom); only for the README summary
    city: str
    type: str  # ka2forms type code
    pic: str
    oid: str


ORGS: dict[str, Org] = {
    # Slovenia
    "um-fs": Org("Univerza v Mariboru – Fakulteta za strojništvo", "SI", "Maribor", "HEI",
                 "999842175", "E10208514"),
    "gzs": Org("Gospodarska zbornica Slovenije", "SI", "Ljubljana", "CHAMBER", "949731268", "E10061937"),
    "sc-celje": Org("Šolski center Celje – Srednja šola za strojništvo, mehatroniko in medije", "SI", "Celje",
                    "VET", "948615302", "E10119846"),
    "sc-nm": Org("Šolski center Novo mesto – Srednja strojna šola", "SI", "Novo mesto", "VET", "947253819",
                 "E10097352"),
    "salek": Org("Kovinarstvo Šalek d.o.o.", "SI", "Velenje", "SME", "886204913", "E10284417"),
    "os-skofja-loka": Org("Osnovna šola Škofja Loka – Mesto", "SI", "Škofja Loka", "SCHOOL", "946380127",
                          "E10152203"),
    "os-ms": Org("III. osnovna šola Murska Sobota", "SI", "Murska Sobota", "SCHOOL",
                 "945917364", "E10173581"),
    "mo-maribor": Org("Mestna občina Maribor", "SI", "Maribor", "PUBLIC", "936540218", "E10043796"),
    # Czechia
    "vut": Org("Vysoké učení technické v Brně", "CZ", "Brno", "HEI", "999905621", "E10209371"),
    "hk-cr": Org("Hospodářská komora České republiky", "CZ", "Praha", "CHAMBER", "948273106", "E10056218"),
    "sps-plzen": Org("Střední průmyslová škola strojní Plzeň", "CZ", "Plzeň", "VET",
                     "947061853", "E10134670"),
    "sost-ostrava": Org("Střední odborná škola technická Ostrava-Vítkovice", "CZ", "Ostrava", "VET",
                        "946827341", "E10187264"),
    "sps-cb": Org("Střední průmyslová škola strojní a elektrotechnická České Budějovice", "CZ",
                  "České Budějovice", "VET", "949160287", "E10091548"),
    "sevcik": Org("Ševčík & Řezníček s.r.o.", "CZ", "Brno", "SME", "891734052", "E10317725"),
    "zs-plzen": Org("Základní škola a mateřská škola Plzeň, U Dvou mostů 12, příspěvková organizace", "CZ",
                    "Plzeň", "SCHOOL", "945208716", "E10226093"),
    # Slovakia
    "uniza": Org("Žilinská univerzita v Žiline", "SK", "Žilina", "HEI", "999860342", "E10208967"),
    "sopk-ke": Org("Slovenská obchodná a priemyselná komora – Regionálna komora Košice", "SK", "Košice",
                   "CHAMBER", "947538120", "E10070412"),
    "sos-ke": Org("Stredná odborná škola technická, Košice", "SK", "Košice", "VET", "946104793", "E10145836"),
    "zs-zilina": Org("Základná škola, Ďumbierska 14, Žilina", "SK", "Žilina", "SCHOOL",
                     "944673258", "E10238140"),
    # Germany, Austria
    "mueller": Org("Müller Präzisionstechnik GmbH", "DE", "Köln", "SME", "892147635", "E10301458"),
    "mueller-az": Org("Müller Präzisionstechnik Ausbildungszentrum gGmbH", "DE", "Köln", "VET", "890615324",
                      "E10335019"),
    "hwk-muc": Org("Handwerkskammer für München und Oberbayern", "DE", "München", "CHAMBER", "949012683",
                   "E10048725"),
    "htbla-graz": Org("Höhere Technische Bundeslehranstalt Graz-Gösting", "AT", "Graz", "VET", "946952718",
                      "E10127503"),
    "grosswerk": Org("Großwerk Batteriesysteme GmbH", "AT", "Leoben", "SME", "889273461", "E10342186"),
    # Poland
    "p-lodz": Org("Politechnika Łódzka", "PL", "Łódź", "HEI", "999891427", "E10209845"),
    "lukasiewicz": Org("Łukasiewicz – Instytut Technologii Eksploatacji", "PL", "Radom", "RESEARCH",
                       "949385106", "E10066279"),
    "zsm-krakow": Org("Zespół Szkół Mechanicznych nr 2 w Krakowie", "PL", "Kraków", "VET", "946419852",
                      "E10159327"),
    "lzol": Org("Łódzkie Zakłady Ogniw Litowych Sp. z o.o.", "PL", "Łódź", "SME", "887530194", "E10326740"),
    "umwl": Org("Urząd Marszałkowski Województwa Łódzkiego", "PL", "Łódź", "PUBLIC",
                "948867023", "E10083615"),
    # Hungary
    "gyor-szc": Org("Győri Szakképzési Centrum", "HU", "Győr", "VET", "947790416", "E10198452"),
    "pte-mik": Org("Pécsi Tudományegyetem Műszaki és Informatikai Kar", "HU", "Pécs", "HEI", "999872610",
                   "E10209128"),
    "kovacs": Org("Kovács és Társa Gépgyártó Kft.", "HU", "Győr", "SME", "888461375", "E10319962"),
    # Croatia
    "ok-zagreb": Org("Obrtnička komora Zagreb", "HR", "Zagreb", "CHAMBER", "948530271", "E10072864"),
    "ios-split": Org("Industrijsko-obrtnička škola Split", "HR", "Split", "VET", "946215087", "E10163709"),
    "ts-cakovec": Org("Tehnička škola Čakovec", "HR", "Čakovec", "VET", "945736104", "E10112485"),
    # Italy, Spain
    "crme": Org("Centro Ricerche Meccatroniche dell'Emilia", "IT", "Bologna", "RESEARCH",
                "949624813", "E10264051"),
    "its-bo": Org("Istituto Tecnico Superiore per la Mobilità Sostenibile – Bologna", "IT", "Bologna", "VET",
                  "947318605", "E10241396"),
    "upv": Org("Universitat Politècnica de València", "ES", "València", "HEI", "999864135", "E10209573"),
    # Serbia, North Macedonia, Türkiye
    "ftn-ns": Org("Univerzitet u Novom Sadu – Fakultet tehničkih nauka", "RS", "Novi Sad", "HEI", "999836729",
                  "E10214628"),
    "sms-ns": Org("Srednja mašinska škola Novi Sad", "RS", "Novi Sad", "VET", "944108253", "E10201387"),
    "sou-skopje": Org("SOU za mašinstvo i elektrotehnika – Skopje", "MK", "Skopje", "VET", "943586120",
                      "E10247915"),
    "tehnometal": Org("Tehnometal Vardar DOOEL Skopje", "MK", "Skopje", "ENTERPRISE",
                      "886947302", "E10330568"),
    "bursa-mtal": Org("Bursa Mesleki ve Teknik Anadolu Lisesi", "TR", "Bursa", "VET",
                      "943720168", "E10255430"),
    # Youth organisations (capacity building in the field of youth); Western Balkans and Ukraine are not associated
    "mc-celje": Org("Mladinski center Celje", "SI", "Celje", "YOUTH", "935184207", "E10401126"),
    "zavod-mladi-lj": Org("Zavod Mladi za mlade Ljubljana", "SI", "Ljubljana", "NGO", "935627318", "E10402874"),
    "udruga-split": Org("Udruga mladih Mreža Split", "HR", "Split", "YOUTH", "934718265", "E10403519"),
    "udruga-zadar": Org("Udruga za mlade Kampus Zadar", "HR", "Zadar", "YOUTH", "934206593", "E10404462"),
    "jbw-koeln": Org("Jugendbildungswerk Rheinufer Köln e.V.", "DE", "Köln", "YOUTH", "933841752", "E10405207"),
    "qr-shkoder": Org("Qendra Rinore Ura Shkodër", "AL", "Shkodër", "YOUTH", "933572018", "E10406381"),
    "qr-durres": Org("Qendra Rinore Deti Durrës", "AL", "Durrës", "NGO", "933015846", "E10407935"),
    "oc-mostar": Org("Omladinski centar Most Mostar", "BA", "Mostar", "NGO", "932760431", "E10408153"),
    "cm-niksic": Org("Centar za mlade Nikšić", "ME", "Nikšić", "NGO", "932493176", "E10409672"),
    "qr-prizren": Org("Qendra për Rini Prizren", "XK", "Prizren", "NGO", "932108547", "E10410298"),
    "hub-lviv": Org("Molodizhnyi Hub Lviv", "UA", "Lviv", "NGO", "931876204", "E10411845"),
    # Not associated to Erasmus+ 2021–2026
    "don-valley": Org("Don Valley College of Engineering", "GB", "Sheffield", "VET",
                      "941583027", "E10179604"),
    "bft-winterthur": Org("Berufsfachschule für Technik Winterthur", "CH", "Winterthur", "VET", "942871305",
                          "E10289346"),
}

# ─────────────────────────────── workbooks ───────────────────────────────


@dataclass(frozen=True)
class Row:
    role: str  # C coordinator, P partner, A associated partner, AE affiliated entity
    org: str  # key in ORGS
    country: str  # the text written in the Country column
    ids: str = "PO"  # which identifiers are filled in: P = PIC, O = OID


@dataclass(frozen=True)
class Sample:
    file: str
    lang: str
    action: str
    call_year: int
    title: str
    acronym: str
    duration: int
    grant: float | None
    rows: tuple[Row, ...]
    verdict: str  # "eligible" or "not eligible"
    why: str  # for not-eligible workbooks: the failing criteria and why
    type_labels: bool = False
    columns: tuple[str, ...] = STANDARD_COLUMNS
    notes: tuple[str, ...] = field(default_factory=tuple)
    plan: bool = False  # also a Travel plan and a Budget sheet (docs/budget.md), built from the partners


def _rows(*rows: tuple[str, str, str] | tuple[str, str, str, str]) -> tuple[Row, ...]:
    return tuple(Row(*r) for r in rows)


SAMPLES: tuple[Sample, ...] = (
    Sample(
        file="ka220-vet-eligible.xlsx", lang="en", action="KA220-VET", call_year=2025,
        title="Robotics Labs for Mechatronics Apprentices", acronym="ROBOVET", duration=24, grant=250000,
        rows=_rows(
            ("C", "sc-celje", "SI", "PO"),
            ("P", "mueller", "Deutschland", "PO"),
            ("P", "gyor-szc", "Magyarország", "O"),
            ("P", "sou-skopje", "North Macedonia", "O"),
        ),
        verdict="eligible",
        why="4 organisations from 4 EU/associated countries (SI, DE, HU, MK); 24 months; "
            "250,000 EUR lump sum.",
        plan=True,
    ),
    Sample(
        file="ka220-vet-not-eligible.xlsx", lang="en", action="KA220-VET", call_year=2025,
        title="Green Skills for Craft Apprentices", acronym="GREENCRAFT", duration=24, grant=300000,
        rows=_rows(
            ("C", "sost-ostrava", "Česká republika", "O"),
            ("P", "sevcik", "CZ", "PO"),
            ("P", "ok-zagreb", "Hrvatska", "O"),
            ("P", "don-valley", "United Kingdom", "O"),
        ),
        type_labels=True,
        verdict="not eligible",
        why="min-countries: only 2 EU/associated countries (CZ, HR), KA220 needs 3 — the United Kingdom is "
            "not associated to Erasmus+ in 2021–2026, so the Sheffield partner may join but does not count; "
            "also the grant: 300,000 EUR is not a 2025 lump sum (120,000 / 250,000 / 400,000).",
    ),
    Sample(
        file="ka210-sch-eligible.xlsx", lang="cs", action="KA210-SCH", call_year=2024,
        title="Příběhy našich domovů", acronym="HOMESTORIES", duration=12, grant=60000,
        rows=_rows(
            ("C", "zs-plzen", "Česko", "O"),
            ("P", "zs-zilina", "Slovensko", "PO"),
        ),
        verdict="eligible",
        why="2 schools from 2 EU countries (CZ, SK); 12 months; 60,000 EUR lump sum.",
    ),
    Sample(
        file="ka210-sch-not-eligible.xlsx", lang="sl", action="KA210-SCH", call_year=2024,
        title="Gibalni odmori za zdrave učence", acronym="MOVEBREAK", duration=18, grant=60000,
        rows=_rows(
            ("C", "os-skofja-loka", "Slovenija", "O"),
            ("P", "os-ms", "SI", "PO"),
        ),
        verdict="not eligible",
        why="min-countries: both schools are in Slovenia (written once as 'Slovenija', once as 'SI'), so 1 "
            "country; KA210 needs 2 organisations from 2 different EU/associated countries.",
    ),
    Sample(
        file="afi-lot1-eligible.xlsx", lang="en", action="ERASMUS-EDU-2025-PI-ALL-INNO-EDU-ENTERP",
        call_year=2025, title="Smart Factory Skills Alliance", acronym="SMARTFAB", duration=36, grant=1500000,
        rows=_rows(
            ("C", "um-fs", "SI", "P"),
            ("P", "gzs", "Slovenija", "P"),
            ("P", "vut", "CZ", "P"),
            ("P", "sps-plzen", "Česká republika", "P"),
            ("P", "sevcik", "Česko", "P"),
            ("P", "mueller", "DE", "P"),
            ("P", "hwk-muc", "Deutschland", "P"),
            ("P", "p-lodz", "PL", "P"),
            ("P", "zsm-krakow", "Polska", "P"),
            ("AE", "mueller-az", "DE", "P"),
            ("A", "lukasiewicz", "Polska", "P"),
            ("A", "mo-maribor", "SI", "P"),
        ),
        verdict="eligible",
        why="9 full partners from 4 countries (SI, CZ, DE, PL); 4 labour-market actors (2 SME, 2 chambers); "
            "5 education-and-training providers (3 HEI, 2 VET); 36 months; 1,500,000 EUR. The affiliated "
            "entity and the 2 associated partners are not counted.",
    ),
    Sample(
        file="afi-lot1-not-eligible.xlsx", lang="en", action="AFI-LOT1", call_year=2025,
        title="Industrial Cybersecurity Skills for Engineers", acronym="CYBERENG", duration=24, grant=1000000,
        rows=_rows(
            ("C", "p-lodz", "Polska", "P"),
            ("P", "lukasiewicz", "PL", "P"),
            ("P", "pte-mik", "Magyarország", "P"),
            ("P", "kovacs", "HU", "P"),
            ("P", "uniza", "Slovensko", "P"),
            ("P", "sopk-ke", "SK", "P"),
            ("P", "crme", "Italia", "P"),
            ("A", "gyor-szc", "HU", "P"),
            ("A", "sevcik", "CZ", "P"),
            ("A", "umwl", "Polska", "P"),
        ),
        verdict="not eligible",
        why="min-full-partners: 7 full partners (Lot 1 needs 8); min-labour-market: 2 (1 SME, 1 chamber; "
            "needs 3); min-vet: no VET provider among the full partners (needs 1). The 3 associated partners "
            "(a VET centre, an SME, a public body) never count; with them every minimum would seem met.",
    ),
    Sample(
        file="afi-lot2-eligible.xlsx", lang="en", action="AFI-LOT2", call_year=2024,
        title="Battery Manufacturing Skills Blueprint for Central Europe", acronym="BATTSKILLS", duration=48,
        grant=4000000,
        rows=_rows(
            ("C", "vut", "CZ", "P"),
            ("P", "hk-cr", "Česká republika", "P"),
            ("P", "sost-ostrava", "CZ", "P"),
            ("P", "mueller", "Deutschland", "P"),
            ("P", "htbla-graz", "Österreich", "P"),
            ("P", "grosswerk", "AT", "P"),
            ("P", "p-lodz", "Polska", "P"),
            ("P", "lzol", "PL", "P"),
            ("P", "gyor-szc", "Magyarország", "P"),
            ("P", "sopk-ke", "Slovensko", "P"),
            ("P", "ios-split", "Hrvatska", "P"),
            ("P", "upv", "España", "P"),
            ("P", "its-bo", "Italia", "P"),
            ("A", "hwk-muc", "DE", "P"),
        ),
        type_labels=True,
        verdict="eligible",
        why="13 full partners from 9 countries (CZ, DE, AT, PL, HU, SK, HR, ES, IT); 5 labour-market actors "
            "(3 SME, 2 chambers); 8 education-and-training providers (3 HEI, 5 VET); 48 months; "
            "4,000,000 EUR.",
    ),
    Sample(
        file="afi-lot2-not-eligible.xlsx", lang="en", action="AFI-LOT2", call_year=2024,
        title="Metal and Mechatronics Skills Blueprint for South-East Europe", acronym="MECHABLUE",
        duration=36, grant=4000000,
        rows=_rows(
            ("C", "um-fs", "Slovenija", "P"),
            ("P", "gzs", "SI", "P"),
            ("P", "sc-celje", "SI", "P"),
            ("P", "salek", "Slovenija", "P"),
            ("P", "hk-cr", "CZ", "P"),
            ("P", "sps-plzen", "Česko", "P"),
            ("P", "sevcik", "CZ", "P"),
            ("P", "ok-zagreb", "HR", "P"),
            ("P", "ios-split", "Hrvatska", "P"),
            ("P", "ftn-ns", "Serbia", "P"),
            ("P", "tehnometal", "North Macedonia", "P"),
            ("P", "bursa-mtal", "Türkiye", "P"),
            ("A", "hwk-muc", "Deutschland", "P"),
            ("A", "gyor-szc", "HU", "P"),
            ("A", "bft-winterthur", "Switzerland", "P"),
        ),
        verdict="not eligible",
        why="min-countries: the 12 full partners come from only 6 countries (SI, CZ, HR, RS, MK, TR; Lot 2 "
            "needs 8) — the associated partners from DE, HU and CH do not count (CH is not associated "
            "anyway); duration: 36 months, Lot 2 (Blueprint) projects last 48.",
    ),
    Sample(
        file="cby-2025-eligible.xlsx", lang="en", action="ERASMUS-YOUTH-2025-CB", call_year=2025,
        title="Youth Workers Bridging the Western Balkans", acronym="YOUTHBRIDGE", duration=24, grant=300000,
        rows=_rows(
            ("C", "mc-celje", "Slovenia", "P"),
            ("P", "udruga-split", "Croatia", "P"),
            ("P", "qr-shkoder", "Albania", "P"),
            ("P", "oc-mostar", "Bosnia and Herzegovina", "P"),
            ("P", "cm-niksic", "Montenegro", "P"),
            ("A", "qr-prizren", "Kosovo", "P"),
        ),
        verdict="eligible",
        why="5 full partners: 2 from EU Member States (SI, HR) and 3 from non-associated Western Balkan "
            "countries (AL, BA, ME), all in Region 1, so EU organisations do not outnumber the others; a youth "
            "organisation coordinates; 24 months; 300,000 EUR. The associated partner from Kosovo is not "
            "counted. Several rule values are still unconfirmed, so the check warns.",
    ),
    Sample(
        file="cby-2024-not-eligible.xlsx", lang="sl", action="CBY", call_year=2024,
        title="Mladinsko delo brez meja", acronym="NOBORDERS", duration=36, grant=280000,
        rows=_rows(
            ("C", "zavod-mladi-lj", "Slovenija", "P"),
            ("P", "udruga-zadar", "Hrvaška", "P"),
            ("P", "jbw-koeln", "Nemčija", "P"),
            ("P", "qr-durres", "Albanija", "P"),
            ("P", "hub-lviv", "Ukrajina", "P"),
        ),
        verdict="not eligible",
        why="balance: 3 organisations from EU Member States (SI, HR, DE) against 2 from non-associated "
            "countries, and the EU side may not outnumber the other; eligible-regions: Albania is in Region 1 "
            "and Ukraine in Region 2, and from the 2024 call the non-associated partners must come from one "
            "region.",
    ),
    Sample(
        file="ka202-2019-eligible.xlsx", lang="sl", action="KA202", call_year=2019,
        title="Digitalni dvojčki v poklicnem izobraževanju", acronym="DIGITWIN", duration=24, grant=187640,
        rows=_rows(
            ("C", "sc-nm", "Slovenija", "P"),
            ("P", "ts-cakovec", "Hrvatska", "P"),
            ("P", "sms-ns", "Srbija", "P"),
        ),
        verdict="eligible",
        why="3 organisations from 3 Programme Countries (SI, HR, RS — Serbia is a Programme Country from the "
            "2019 call); 24 months.",
    ),
    Sample(
        file="ka202-2018-not-eligible.xlsx", lang="cs", action="KA202", call_year=2018,
        title="Moderní svařovací technologie v odborném vzdělávání", acronym="WELDTECH", duration=24,
        grant=None,
        rows=_rows(
            ("C", "sps-cb", "Česká republika", "P"),
            ("P", "sos-ke", "Slovensko", "P"),
            ("P", "sms-ns", "RS", "P"),
        ),
        columns=("org", "role", "country", "city", "type", "oid", "pic"),
        verdict="not eligible",
        why="min-countries: only 2 Programme Countries (CZ, SK), Strategic Partnerships need 3 — in the 2018 "
            "call Serbia was still a Partner Country (Programme Country only from 2019).",
        notes=("No 'Requested grant' row (the row is optional).",
               "Columns in a non-standard order (Organizace, Role, …, OID, PIC)."),
    ),
)

LANGUAGE_NAMES = {"en": "English", "sl": "Slovenian", "cs": "Czech"}

# ─────────────────────────────── writing ───────────────────────────────


def _width(values: Iterable[object], minimum: int = 8, maximum: int = 70) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(max(longest + 2, minimum), maximum))


def _check(sample: Sample) -> None:
    """Catch slips in the tables above before they reach a workbook."""
    seen_pic: set[str] = set()
    seen_oid: set[str] = set()
    for row in sample.rows:
        org = ORGS[row.org]
        assert row.role in ROLES[sample.lang], (sample.file, row)
        assert re.fullmatch(r"\d{9}", org.pic) and re.fullmatch(r"E\d{8}", org.oid), org
        assert row.ids and set(row.ids) <= {"P", "O"}, (sample.file, row)
        if "P" in row.ids:
            assert org.pic not in seen_pic, (sample.file, org.pic)
            seen_pic.add(org.pic)
        if "O" in row.ids:
            assert org.oid not in seen_oid, (sample.file, org.oid)
            seen_oid.add(org.oid)
        if sample.type_labels:
            assert org.type in TYPE_LABELS, (sample.file, org)
    assert re.fullmatch(r"[a-z0-9-]+\.xlsx", sample.file), sample.file
    assert sorted(sample.columns) == sorted(STANDARD_COLUMNS), sample.file


def build_workbook(sample: Sample) -> workbooks.FormulaBook:
    """The sample's workbook and the results its formulas give (stored as cached values on save)."""
    _check(sample)
    wb = Workbook()
    bold = Font(bold=True)

    # Project: labels in A, values in B.
    ws = wb.active
    ws.title = "Project"
    values = {"action": sample.action, "call_year": sample.call_year, "title": sample.title,
              "acronym": sample.acronym, "duration": sample.duration, "grant": sample.grant}
    r = 0
    project_rows: dict[str, int] = {}
    for key, label in zip(PROJECT_KEYS, PROJECT_LABELS[sample.lang], strict=True):
        if values[key] is None:
            continue
        r += 1
        project_rows[key] = r
        ws.cell(row=r, column=1, value=label).font = bold
        cell = ws.cell(row=r, column=2, value=values[key])
        cell.alignment = Alignment(horizontal="left")
        if key == "grant":
            cell.number_format = GRANT_FORMAT
        elif key in ("call_year", "duration"):
            cell.number_format = "0"
    ws.column_dimensions["A"].width = _width(PROJECT_LABELS[sample.lang], minimum=20)
    ws.column_dimensions["B"].width = _width([sample.action, sample.title, "4,000,000.00 EUR"], minimum=24)

    # Partners: one header row, one row per organisation.
    ws = wb.create_sheet("Partners")
    headers = PARTNER_HEADERS[sample.lang]
    roles = ROLES[sample.lang]
    table: list[list[object]] = [[headers[c] for c in sample.columns]]
    for row in sample.rows:
        org = ORGS[row.org]
        cells = {
            "role": roles[row.role],
            "org": org.name,
            "country": row.country,
            "city": org.city,
            "type": TYPE_LABELS[org.type] if sample.type_labels else org.type,
            "pic": org.pic if "P" in row.ids else None,
            "oid": org.oid if "O" in row.ids else None,
        }
        table.append([cells[c] for c in sample.columns])
    for i, values_row in enumerate(table, start=1):
        for j, value in enumerate(values_row, start=1):
            cell = ws.cell(row=i, column=j, value=value)
            if i == 1:
                cell.font = bold
            elif sample.columns[j - 1] in ("pic", "oid"):
                cell.number_format = TEXT_FORMAT  # identifiers are text: leading zeros survive
    for j, column in enumerate(sample.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _width(
            [r[j - 1] for r in table], minimum=12 if column in ("pic", "oid") else 8)
    ws.freeze_panes = "A2"
    book = workbooks.FormulaBook(wb)
    _add_formulas(book, sample, project_rows, table)

    props = wb.properties
    props.creator = "ka2forms sample builder"
    props.lastModifiedBy = "ka2forms sample builder"
    props.title = f"{sample.acronym} – {sample.action} {sample.call_year} partner workbook"
    props.subject = "Erasmus+ KA2 partner workbook (sample)"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return book


def _add_formulas(book: workbooks.FormulaBook, sample: Sample, project_rows: dict[str, int],
                  table: list[list[object]]) -> None:
    """Live KA2 worksheet functions next to the data, as a partner would use them (shared with `ka2forms new`).

    The Partners data is an Excel table the checks name whole (``PartnersTable[#All]``), a `Status` column
    sits beside it, and `Checks` and `Travel` sheets hold the formulas; every formula is saved with the result
    ka2forms computes for it.
    """
    from ka2forms.readers.workbook import read_partner_rows
    from ka2forms.rules import resolve_country

    wb = book.wb
    read_partner_rows(table)  # the same table the formulas see must read cleanly
    partners_ws = wb["Partners"]
    workbooks.add_partners_table(partners_ws, len(sample.columns), len(table))
    refs = workbooks.ProjectRefs(
        action_ref=f"Project!$B${project_rows['action']}", year_ref=f"Project!$B${project_rows['call_year']}",
        duration_ref=f"Project!$B${project_rows['duration']}" if "duration" in project_rows else None,
        action=sample.action, call_year=sample.call_year,
        duration=sample.duration if "duration" in project_rows else None)
    country_col = get_column_letter(sample.columns.index("country") + 1)
    workbooks.add_status_column(book, partners_ws, "en", country_col, len(sample.columns), len(table), refs)
    workbooks.add_checks_sheet(book, "en", "Checks", table, refs)

    def town(row: Row) -> str:
        return f"{ORGS[row.org].city}, {resolve_country(row.country)}"

    coordinator = next(r for r in sample.rows if r.role == "C")
    trips = [(town(coordinator), town(r)) for r in sample.rows if r.role != "C"]
    workbooks.add_travel_sheet(book, "en", "Travel", trips, refs)
    if sample.plan:
        _add_plan(book, sample, project_rows, table, refs)
    for (sheet, ref), value in book.cached.items():
        assert not (isinstance(value, str) and value.startswith("KA2:")), f"{sample.file}: {sheet}!{ref}: {value}"


def _add_plan(book: workbooks.FormulaBook, sample: Sample, project_rows: dict[str, int], table: list[list[object]],
              refs: workbooks.ProjectRefs) -> None:
    """A Travel plan (kick-off at the coordinator, a pilot at the second partner) and a wide Budget: project
    management 16 % of the lump sum, three work packages, shares by organisation adding up to the grant."""
    names = [ORGS[r.org].name for r in sample.rows]
    coordinator = ORGS[sample.rows[0].org]
    host = ORGS[sample.rows[1].org]
    trips = [["Kick-off meeting", n, None, f"{coordinator.city}, {coordinator.iso}", 2, None] for n in names[1:]]
    trips += [["Pilot workshop", n, None, f"{host.city}, {host.iso}", 3, "yes"] for n in names if n != host.name]
    grant = int(sample.grant or 0)
    shares = [0.34, 0.24, 0.22, 0.20][: len(names)]
    packages = [("WP1 Coordination", 0.16), ("WP2 Training curriculum", 0.44), ("WP3 Robotics labs", 0.28),
                ("WP4 Dissemination", 0.12)]
    budget: list[list[object]] = [["Work package", *names]]
    for wp, part in packages:
        budget.append([wp, *[round(grant * part * share) for share in shares]])
    drift = grant - sum(v for row in budget[1:] for v in row[1:])  # rounding: the coordinator's management
    budget[1][1] += drift
    grant_ref = f"Project!$B${project_rows['grant']}"
    workbooks.add_plan_sheets(book, "en", refs, table, trips, budget, grant_ref=grant_ref, grant=grant)


def _deterministic_zip(raw: bytes) -> bytes:
    """Re-pack an xlsx with fixed entry timestamps and a fixed 'modified' property (openpyxl stamps 'now')."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, data)
    return out.getvalue()


def workbook_bytes(sample: Sample) -> bytes:
    return _deterministic_zip(build_workbook(sample).to_bytes())


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _consortium(sample: Sample) -> str:
    full = [ORGS[r.org] for r in sample.rows if r.role in ("C", "P")]
    others = [r for r in sample.rows if r.role not in ("C", "P")]
    countries = ", ".join(dict.fromkeys(o.iso for o in full))
    text = f"{len(full)} full ({countries})"
    if others:
        extra = ", ".join(dict.fromkeys(ORGS[r.org].iso for r in others))
        text += f" + {len(others)} associated/affiliated ({extra})"
    return text


def readme() -> str:
    lines = [
        "# Sample partner workbooks",
        "",
        "Generated by `python scripts/build_samples.py` (deterministic: re-running gives identical files). "
        "Each workbook has a `Project` sheet (labels in column A, values in column B) and a `Partners` sheet "
        "(one header row, one row per organisation). Organisations, PICs and OIDs are invented.",
        "",
        "Countries in the *Consortium* column are ISO codes of the organisations as listed (GB = United "
        "Kingdom); the workbooks themselves mix ISO codes and country names in several languages. "
        "Only coordinators and partners are *full* partners; associated partners and affiliated entities "
        "never count towards the minimums.",
        "",
        "| File | Action | Call year | Headers | Consortium | Expected verdict | Why |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in SAMPLES:
        headers = LANGUAGE_NAMES[s.lang]
        if s.type_labels:
            headers += ", type labels"
        if s.columns != STANDARD_COLUMNS:
            headers += ", columns reordered"
        if s.grant is None:
            headers += ", no grant row"
        verdict = "**eligible**" if s.verdict == "eligible" else "**not eligible**"
        lines.append(f"| `{s.file}` | `{s.action}` | {s.call_year} | {headers} | {_consortium(s)} "
                     f"| {verdict} | {s.why} |")
    lines += [
        "",
        "Rules assumed (from `ka2forms/rules/data/actions/` and `countries.yaml`):",
        "",
        "- KA220 (2024–2026): 3 organisations from 3 EU/associated countries; 12–36 months; lump sums "
        "120,000 / 250,000 / 400,000 EUR.",
        "- KA210: 2 organisations from 2 EU/associated countries; 6–24 months; lump sums "
        "30,000 / 60,000 EUR.",
        "- Alliances for Innovation Lot 1: 8 full partners from 4 countries; 3 labour-market actors (SME, "
        "enterprise, chamber, …); 3 education-and-training providers (HEI, VET), at least 1 HEI and 1 VET; "
        "24 or 36 months; at most 1,000,000 / 1,500,000 EUR.",
        "- Alliances for Innovation Lot 2 (Blueprint): 12 full partners from 8 countries; 5 labour-market "
        "actors; 5 education-and-training providers, at least 1 HEI and 1 VET; 48 months; "
        "at most 4,000,000 EUR.",
        "- KA202 (2014–2020): 3 organisations from 3 Programme Countries; 12–36 months.",
        "- Capacity Building in the field of Youth (2024–2026): at least 4 organisations, 2 EU/associated and "
        "2 non-associated countries, no more EU/associated organisations than non-associated ones, the "
        "non-associated ones from one of Regions 1–3; coordinated by an NGO, youth organisation or public "
        "body; 12–36 months; at most 300,000 EUR (several of these values are unconfirmed and warn).",
        "- EU/associated countries 2021–2026: EU-27 + IS, LI, NO, MK, RS, TR (not the United Kingdom, not "
        "Switzerland). Programme Countries 2014–2020: EU-28 + IS, LI, NO, MK, TR, and RS from the 2019 call.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT.relative_to(ROOT)}/)")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    for sample in SAMPLES:
        path = out / sample.file
        write_atomic(path, workbook_bytes(sample))
        print(f"wrote {path}: {sample.action} {sample.call_year}, {LANGUAGE_NAMES[sample.lang]}, "
              f"{len(sample.rows)} organisations, expected {sample.verdict}")
    path = out / "README.md"
    write_atomic(path, readme().encode("utf-8"))
    print(f"wrote {path}: {len(SAMPLES)} samples described")
    return 0


if __name__ == "__main__":
    sys.exit(main())
