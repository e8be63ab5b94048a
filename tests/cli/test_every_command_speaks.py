"""Every command speaks Slovenian and Czech (and German) when asked: its printed output (tables, summaries, notes,
warnings, errors) holds no English sentence of the catalog template, whether the language came from
``--lang`` or from the locale (``LANG=sl_SI.UTF-8``).

"An English sentence" is a run of at least three words from a message of ``ka2forms/locale/ka2forms.pot``
(the text between its placeholders) whose translation is not the same words. What may stay English is what
no catalog holds: proper names, codes, URLs, the titles of the pages cited as sources, and what the rules
data says in English about its own sources (``note:`` of a criterion).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from english import assert_no_english
from rich.console import Console

from ka2forms import i18n
from ka2forms.cli import _common as ui
from ka2forms.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
NOT_ELIGIBLE = str(SAMPLES / "ka220-vet-not-eligible.xlsx")
WITH_PLAN = str(SAMPLES / "ka220-vet-eligible.xlsx")
FORM = str(SAMPLES / "forms" / "partner-mandate.pdf")
FORM_MAP = str(SAMPLES / "forms" / "partner-mandate.map.yaml")
NO_LOCALE = {"LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "KA2FORMS_LANG": ""}
@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles: a sentence must not be split across table lines to escape the check."""
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=1000))
    monkeypatch.setattr(ui, "err", Console(stderr=True, highlight=False, width=1000))


def run(args: list[str], env: dict[str, str]):
    result = CliRunner().invoke(main, args, env={**NO_LOCALE, "COLUMNS": "1000", **env}, prog_name="ka2forms")
    assert i18n.current() == "en", "a run must not leave its language behind"
    assert "Traceback" not in result.output, result.output
    return result


def _pairs(tmp: Path) -> str:
    path = tmp / "pairs.csv"
    path.write_text("from,to\nLjubljana,Praha\nLjubljana,Atlantisxx\n", encoding="utf-8")
    return str(path)


def _folder(tmp: Path) -> str:
    folder = tmp / "in"
    folder.mkdir()
    for name in ("ka220-vet-eligible.xlsx", "afi-lot1-not-eligible.xlsx"):
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    (folder / "~$lock.xlsx").write_bytes(b"")
    return str(folder)


#: (name, arguments given a temporary folder, the exit codes it may end with)
COMMANDS = [
    ("rules", lambda t: ["rules"], {0}),
    ("rules --year", lambda t: ["rules", "--year", "2025"], {0}),
    ("rules --year without rules", lambda t: ["rules", "--year", "2099"], {0, 2}),
    ("rules --action", lambda t: ["rules", "--action", "KA220-VET"], {0}),
    ("rules --action (2014–2020)", lambda t: ["rules", "--action", "EPPKA2-SSA"], {0}),
    ("rules --action --year", lambda t: ["rules", "--action", "KA220-VET", "--year", "2025"], {0}),
    ("rules --action --year (AFI)", lambda t: ["rules", "--action", "AFI-LOT1", "--year", "2025"], {0}),
    ("rules with notes (CB-VET)", lambda t: ["rules", "--action", "CB-VET", "--year", "2024"], {0}),
    ("rules with notes (CBY)", lambda t: ["rules", "--action", "CBY", "--year", "2025"], {0}),
    ("rules --country", lambda t: ["rules", "--country", "Srbija"], {0}),
    ("rules, a year without a call", lambda t: ["rules", "--action", "ETA", "--year", "2023"], {2}),
    ("rules, an unknown action", lambda t: ["rules", "--action", "KA22x"], {2}),
    ("--version", lambda t: ["--version"], {0}),
    ("travel", lambda t: ["travel", "Ljubljana", "Praha"], {0}),
    ("travel green, old year", lambda t: ["travel", "Ljubljana", "Brno", "--green", "--year", "2019"], {0}),
    ("travel ambiguous", lambda t: ["travel", "Ljubljana", "Frankfurt"], {2}),
    ("travel unknown", lambda t: ["travel", "Ljubljana", "Atlantisxx"], {2}),
    ("travel one place", lambda t: ["travel", "Ljubljana"], {2}),
    ("travel --csv", lambda t: ["travel", "--csv", _pairs(t), "-o", str(t / "out.xlsx")], {0}),
    ("travel --csv without -o", lambda t: ["travel", "--csv", _pairs(t)], {2}),
    ("check", lambda t: ["check", NOT_ELIGIBLE, WITH_PLAN], {1}),
    ("check --sources", lambda t: ["check", "--sources", NOT_ELIGIBLE], {1}),
    ("budget", lambda t: ["budget", WITH_PLAN], {0}),
    ("budget without sheets", lambda t: ["budget", str(SAMPLES / "ka210-sch-eligible.xlsx")], {0, 1}),
    ("annex", lambda t: ["annex", NOT_ELIGIBLE, "-o", str(t / "annex.md")], {0}),
    ("annex, bad suffix", lambda t: ["annex", NOT_ELIGIBLE, "-o", str(t / "annex.txt")], {2}),
    ("fields", lambda t: ["fields", FORM], {0}),
    ("fill", lambda t: ["fill", WITH_PLAN, "--form", FORM, "--map", FORM_MAP, "-o", str(t / "forms")], {0}),
    ("convert", lambda t: ["convert", _folder(t), "-o", str(t / "out"), "-j", "1", "--format", "md"], {2}),
    ("convert --map without --form", lambda t: ["convert", NOT_ELIGIBLE, "-o", str(t / "o"), "--map", FORM_MAP],
     {2}),
    ("new", lambda t: ["new", "-o", str(t / "new.xlsx")], {0}),
    ("new over a file", lambda t: ["new", "-o", WITH_PLAN], {2}),
    ("new, not xlsx", lambda t: ["new", "-o", str(t / "new.ods")], {2}),
]


@pytest.mark.parametrize("name, args, codes", [c if hasattr(c, "marks") else pytest.param(*c, id=c[0])
                                              for c in COMMANDS])
@pytest.mark.parametrize("lang, how", [("sl", "option"), ("cs", "option"), ("sl", "locale"), ("cs", "locale"),
                                       ("de", "option")])
def test_no_english_sentence_in_what_a_command_prints(name, args, codes, lang, how, tmp_path):
    given = args(tmp_path)
    if how == "option":
        r = run(["--lang", lang, *given], {})
    else:
        r = run(given, {"LANG": {"sl": "sl_SI.UTF-8", "cs": "cs_CZ.UTF-8", "de": "de_DE.UTF-8"}[lang]})
    assert r.exit_code in codes, r.output
    assert r.output.strip()
    assert_no_english(r.output, lang)


@pytest.mark.parametrize("command", ["rules", "travel", "budget", "fields", "fill", "convert", "new", "annex"])
@pytest.mark.parametrize("lang", ["sl", "cs"])
def test_every_commands_help_is_translated(command, lang):
    r = run([command, "--help"], {"KA2FORMS_LANG": lang})
    assert r.exit_code == 0
    assert_no_english(r.output, lang)


def test_the_check_recognises_an_english_sentence():
    """The test above can fail: English output is caught."""
    r = run(["rules", "--action", "KA220-VET", "--year", "2025"], {})
    with pytest.raises(AssertionError, match="English in the sl output"):
        assert_no_english(r.output, "sl")
    with pytest.raises(AssertionError, match="English in the cs output"):
        assert_no_english(run(["rules", "--year", "2025"], {}).output, "cs")


def test_the_convert_summary_line_counts_in_slovenian(tmp_path):
    r = run(["--lang", "sl", "convert", _folder(tmp_path), "-o", str(tmp_path / "out"), "-j", "1", "--format",
             "md"], {})
    out = r.output
    assert "3 delovni zvezki: pretvorjenih 2, neuspešno pretvorjenih 1; upravičenih 1, neupravičenih 1" in out
    assert "preskočena 1 zaklepna ali skrita datoteka" in out and "povzetek: " in out


def test_the_rules_table_speaks_czech_with_one_money_format():
    r = run(["--lang", "cs", "rules", "--action", "KA220-VET", "--year", "2025"], {})
    out = r.output.replace("\u00a0", " ").split("Zdroje:")[0]   # the sources' own titles are theirs
    assert "Kooperativní partnerství, výzva 2025" in out and "Kritérium" in out and "Hodnota" in out
    assert "jednorázové částky 120 000,00 € / 250 000,00 € / 400 000,00 €" in out
    assert "12–36 měsíců" in out and "120,000" not in out


def test_travel_numbers_and_money_in_the_languages_format():
    r = run(["--lang", "sl", "travel", "Ljubljana", "Praha", "--year", "2025"], {})
    assert "448,9 km v eno smer (razred po celih km: 449)" in r.output
    assert "211,00 € na udeleženca" in r.output.replace("\u00a0", " ")


def test_travel_and_budget_json_keep_english_keys_and_say_their_language():
    import json

    cs = json.loads(run(["--lang", "cs", "travel", "Ljubljana", "Brno", "--json"], {}).output)
    en = json.loads(run(["travel", "Ljubljana", "Brno", "--json"], {}).output)
    assert cs["lang"] == "cs" and en["lang"] == "en" and set(cs) == set(en)
    assert cs["band"] == en["band"] and cs["notes"] != en["notes"]          # numbers the same, words translated
    sl = json.loads(run(["budget", "--json", WITH_PLAN], {"LANG": "sl_SI.UTF-8"}).output)
    assert sl["lang"] == "sl" and {"travel_plan", "budget", "budget_ok"} <= set(sl)


def test_the_batch_summary_has_a_sheet_for_people_in_their_language(tmp_path):
    """summary.xlsx keeps its first sheet and summary.csv as scripts read them; a second sheet has the same
    rows under Slovenian headers and words."""
    import csv

    import openpyxl

    out = tmp_path / "out"
    run(["--lang", "sl", "convert", _folder(tmp_path), "-o", str(out), "-j", "1", "--format", "md"], {})
    wb = openpyxl.load_workbook(out / "summary.xlsx")
    assert wb.sheetnames == ["Summary", "Povzetek"] and wb.active.title == "Summary"
    machine, people = ([[c.value for c in r] for r in wb[name].iter_rows()] for name in wb.sheetnames)
    assert machine[0][:3] == ["file", "output", "status"] and people[0][:3] == ["Delovni zvezek", "Izhodna mapa",
                                                                                "Status"]
    status = machine[0].index("status")
    assert {r[status] for r in machine[1:]} == {"converted", "failed"}
    assert {r[status] for r in people[1:]} == {"pretvorjeno", "neuspešno"}
    assert [r[0] for r in people][1:] == [r[0] for r in machine][1:] and len(people) == len(machine)
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f))[:3] == ["file", "output", "status"]
    second = tmp_path / "second"
    second.mkdir()
    run(["convert", _folder(second), "-o", str(second / "out"), "-j", "1", "--format", "md"], {})
    assert openpyxl.load_workbook(second / "out" / "summary.xlsx").sheetnames == ["Summary"]   # English: one
