"""The command line speaks Slovenian, Czech and German when asked: by --lang (on the group or the command),
KA2FORMS_LANG, or the locale; errors, help, Click's own messages and the check's table and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from ka2forms import i18n
from ka2forms.cli import _common as ui
from ka2forms.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = str(REPO / "samples" / "ka220-vet-not-eligible.xlsx")
NO_LOCALE = {"LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "KA2FORMS_LANG": ""}


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=400))
    monkeypatch.setattr(ui, "err", Console(stderr=True, highlight=False, width=400))


def run(*args: str, **env: str):
    result = CliRunner().invoke(main, list(args), env={**NO_LOCALE, **env}, prog_name="ka2forms")
    assert i18n.current() == "en", "a run must not leave its language behind"
    return result


@pytest.mark.parametrize("how, env", [
    (["--lang", "sl"], {}),
    ([], {"KA2FORMS_LANG": "sl"}),
    ([], {"LANG": "sl_SI.UTF-8"}),
    ([], {"LC_ALL": "sl_SI.UTF-8", "LANG": "cs_CZ.UTF-8"}),
])
def test_errors_in_slovenian_by_option_variable_or_locale(how, env, tmp_path):
    r = run(*how, "check", str(tmp_path / "missing.xlsx"), **env)
    assert r.exit_code == 2
    assert "napaka: " in r.output and "datoteke ni mogoče najti" in r.output and "not found" not in r.output


def test_errors_in_czech_and_the_command_option_wins(tmp_path):
    r = run("--lang", "sl", "check", "--lang", "cs", str(tmp_path / "missing.xlsx"), KA2FORMS_LANG="de")
    assert r.exit_code == 2 and "chyba: " in r.output and "soubor nenalezen" in r.output


def test_click_usage_errors_are_translated():
    r = run("check", LANG="cs_CZ.UTF-8")
    assert r.exit_code == 2
    assert "Použití: ka2forms check" in r.output and "Chybí argument" in r.output
    assert "Missing argument" not in r.output and "Usage:" not in r.output
    r = run("--lang", "sl", "check", "--nope", SAMPLE)
    assert r.exit_code == 2 and "Možnosti '--nope' ni." in r.output


def test_an_unknown_language_is_an_input_error():
    r = run("--lang", "fr", "check", SAMPLE)
    assert r.exit_code == 2 and "fr" in r.output
    r = run("check", SAMPLE, KA2FORMS_LANG="xx")
    assert r.exit_code == 2 and "KA2FORMS_LANG" in r.output and "Traceback" not in r.output


def test_help_in_slovenian_and_german():
    r = run("--lang", "sl", "--help")
    assert "Uporaba: ka2forms" in r.output and "Ukazi:" in r.output and "Možnosti:" in r.output
    assert "Preveri konzorcij v WORKBOOK" in r.output
    assert "Check the consortium" not in r.output and "Show this message" not in r.output
    r = run("annex", "--help", KA2FORMS_LANG="de")
    assert "Schreibt die Antragsanlage" in r.output and "Ausgabeformat" in r.output


def test_check_table_in_czech():
    r = run("check", SAMPLE, LANG="cs_CZ.UTF-8")
    assert r.exit_code == 1
    out = r.output.replace("\u00a0", " ")   # Babel separates thousands with no-break spaces
    assert "NEZPŮSOBILÉ" in out and "Kritérium" in out and "Co udělat" in out
    assert "Započítáno 4 z 4 organizací" in out and "jedna z částek: 120 000,00 €" in out
    assert "What to do" not in out and "EUR" not in out


def test_check_json_keeps_english_keys_and_says_its_language():
    r = run("--lang", "sl", "check", "--json", SAMPLE)
    data = json.loads(r.output)
    assert data["lang"] == "sl" and data["failing"] == ["min-countries", "grant"]
    assert {"eligible", "action", "criteria", "warnings", "counted"} <= set(data)
    assert data["criteria"][0]["id"] == "min-organisations"
    assert data["criteria"][0]["description"] == "Najmanj 3 polnopravni partnerji"
    english = json.loads(run("check", "--json", SAMPLE).output)
    assert english["lang"] == "en" and english["criteria"][0]["description"] == "At least 3 full partners"


def test_annex_follows_the_locale(tmp_path):
    out = tmp_path / "a.md"
    r = run("annex", SAMPLE, "-o", str(out), LANG="cs_CZ.UTF-8")
    assert r.exit_code == 0 and "zapsáno" in r.output and "nezpůsobilé (2 kritéria nesplněna)" in r.output
    assert "Kritéria způsobilosti" in out.read_text(encoding="utf-8")


def test_a_real_process_reads_lang_from_its_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in NO_LOCALE}
    proc = subprocess.run([sys.executable, "-m", "ka2forms", "check", str(tmp_path / "x.xlsx")],
                          capture_output=True, text=True, env={**env, "LANG": "sl_SI.UTF-8", "COLUMNS": "200"})
    assert proc.returncode == 2 and "napaka:" in proc.stderr and "datoteke ni mogoče najti" in proc.stderr
