"""The reader's own problems and warnings follow the language the user chose (--lang, KA2FORMS_LANG, the
locale): Slovenian, Czech and German from the catalogs, English by default."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from workbooks import make_workbook, partners_with, row

from ka2forms.cli import main
from ka2forms.errors import WorkbookInvalid
from ka2forms.i18n import use
from ka2forms.places import resolve_place
from ka2forms.readers.workbook import read_workbook

PROBLEMS = {  # a malformed PIC, an ambiguous country without a town
    "en": ("malformed PIC '123': a PIC has exactly 9 digits", "ambiguous country 'CR'"),
    "sl": ("napačna PIC '123': PIC ima natanko 9 števk", "dvoumna država 'CR'"),
    "cs": ("chybný PIC '123': PIC má přesně 9 číslic", "nejednoznačná země 'CR'"),
    "de": ("fehlerhafte PIC '123': eine PIC hat genau 9 Ziffern", "mehrdeutiges Land 'CR'"),
}
HIDDEN_ROW = {"en": "row 3 is hidden in the file", "sl": "vrstica 3 je v datoteki skrita",
              "cs": "řádek 3 je v souboru skrytý", "de": "Zeile 3 ist in der Datei ausgeblendet"}
FUZZY_PLACE = {"en": "is not a place name in SI", "sl": "ni ime kraja v državi SI",
               "cs": "není jméno místa v zemi SI", "de": "ist kein Ortsname in SI"}


@pytest.mark.parametrize("lang", list(PROBLEMS))
def test_the_readers_problems_are_in_the_chosen_language(tmp_path: Path, lang: str) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(3, pic="123"), row(4, country="CR", city=None)))
    with use(lang), pytest.raises(WorkbookInvalid) as e:
        read_workbook(path)
    messages = " | ".join(p.message for p in e.value.problems)
    assert all(text in messages for text in PROBLEMS[lang]), messages


@pytest.mark.parametrize("lang", list(HIDDEN_ROW))
def test_the_readers_warnings_are_in_the_chosen_language(tmp_path: Path, lang: str) -> None:
    path = make_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["Partners"].row_dimensions[3].hidden = True
    wb.save(path)
    with use(lang):
        warnings = [w.message for w in read_workbook(path).warnings]
    assert any(HIDDEN_ROW[lang] in w for w in warnings), warnings


@pytest.mark.parametrize("lang", list(FUZZY_PLACE))
def test_a_place_read_with_a_doubt_is_said_in_the_chosen_language(lang: str) -> None:
    with use(lang):
        m = resolve_place("Jezersko", prefer="SI")
    assert FUZZY_PLACE[lang] in m.warnings[0]


@pytest.mark.parametrize(("how", "lang"), [("--lang", "sl"), ("KA2FORMS_LANG", "cs"), ("LANG", "de")])
def test_check_prints_the_readers_messages_in_the_language_asked_for(tmp_path: Path, how: str, lang: str) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(3, pic="123")))
    args, env = ["check", str(path)], {"KA2FORMS_LANG": "", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    if how == "--lang":
        args = ["--lang", lang, *args]
    else:
        env[how] = lang if how == "KA2FORMS_LANG" else f"{lang}_DE.UTF-8"
    result = CliRunner().invoke(main, args, env=env)

    assert result.exit_code == 2
    assert f"Partners!F3: {PROBLEMS[lang][0]}" in result.stderr
