"""What `ka2forms fields` and `ka2forms fill` say about a form they cannot use, or a value that does not fit a
field, is in the user's language: the PDF engine's errors (not a PDF, empty, no form fields, password, a value
that is not an option, too many characters) and the map file's (a field the form lacks, an unknown key, not
YAML) hold no English sentence of the catalog in sl and cs (and de).

Each case is also run in English, and the same check must find English there: the check can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from english import assert_no_english
from pypdf import PdfWriter
from rich.console import Console

from ka2forms import i18n
from ka2forms.cli import _common as ui
from ka2forms.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
WORKBOOK = str(SAMPLES / "ka220-vet-eligible.xlsx")
FORM = str(SAMPLES / "forms" / "partner-mandate.pdf")
NO_LOCALE = {"LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "KA2FORMS_LANG": ""}


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles: a sentence must not be split across lines to escape the check."""
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=1000))
    monkeypatch.setattr(ui, "err", Console(stderr=True, highlight=False, width=1000))


def _blank_pdf(tmp: Path, password: str | None = None) -> str:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if password:
        writer.encrypt(password)
    path = tmp / ("locked.pdf" if password else "blank.pdf")
    with path.open("wb") as f:
        writer.write(f)
    return str(path)


def _empty(tmp: Path) -> str:
    (tmp / "empty.pdf").write_bytes(b"")
    return str(tmp / "empty.pdf")


def _fill(tmp: Path, rule: str) -> list[str]:
    """`fill` with a map setting one field of the sample form."""
    path = tmp / "one.map.yaml"
    path.write_text(f"per_partner: true\nfields:\n  {rule}\n", encoding="utf-8")
    return ["fill", WORKBOOK, "--form", FORM, "--map", str(path), "-o", str(tmp / "out")]


def _map(tmp: Path, text: str) -> list[str]:
    """`fill` with a map file holding ``text``."""
    path = tmp / "bad.map.yaml"
    path.write_text(text, encoding="utf-8")
    return ["fill", WORKBOOK, "--form", FORM, "--map", str(path), "-o", str(tmp / "out")]


#: (name, arguments given a temporary folder); each ends with exit code 2 and writes nothing
CASES = [
    ("fields: an .xlsx, not a PDF", lambda t: ["fields", WORKBOOK]),
    ("fields: an empty file", lambda t: ["fields", _empty(t)]),
    ("fields: a PDF without form fields", lambda t: ["fields", _blank_pdf(t)]),
    ("fields: a password-protected PDF", lambda t: ["fields", _blank_pdf(t, "secret")]),
    ("fill: a PDF without form fields", lambda t: ["fill", WORKBOOK, "--form", _blank_pdf(t), "-o",
                                                   str(t / "out")]),
    ("fill: not an option of a radio group", lambda t: _fill(t, "legal_status: semi-public")),
    ("fill: a checkbox given neither true nor false", lambda t: _fill(t, "declaration_on_honour: maybe")),
    ("fill: more characters than the field takes", lambda t: _fill(t, "PIC: '1234567890'")),
    ("fill: not an option of a dropdown", lambda t: _fill(t, "Country: XX")),
    ("fill: the map names a field the form lacks", lambda t: _fill(t, "Legal status: x")),
    ("fill: a map value that is a list", lambda t: _fill(t, "legal_status: [a, b]")),
    ("fill: a map that is not YAML", lambda t: _map(t, "fields: [\n")),
    ("fill: a map that is a list", lambda t: _map(t, "- a\n- b\n")),
]


def run(args: list[str], lang: str | None):
    result = CliRunner().invoke(main, [*(["--lang", lang] if lang else []), *args],
                                env={**NO_LOCALE, "COLUMNS": "1000"}, prog_name="ka2forms")
    assert i18n.current() == "en"
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize("name, args", [pytest.param(*c, id=c[0]) for c in CASES])
@pytest.mark.parametrize("lang", ["sl", "cs", "de"])
def test_a_form_error_is_in_the_users_language(name, args, lang, tmp_path):
    r = run(args(tmp_path), lang)
    assert r.exit_code == 2, r.output
    assert r.output.strip()
    assert_no_english(r.output, lang)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.parametrize("name, args", [pytest.param(*c, id=c[0]) for c in CASES])
def test_the_same_error_in_english_is_caught_by_the_check(name, args, tmp_path):
    """Guards the test above: without --lang the message is English, and the check says so."""
    r = run(args(tmp_path), None)
    assert r.exit_code == 2, r.output
    with pytest.raises(AssertionError, match="English in the sl output"):
        assert_no_english(r.output, "sl")


def test_the_slovenian_messages_say_what_is_wrong(tmp_path):
    """The words, not only their absence: the field, the value and the options stay as they were."""
    out = run(_fill(tmp_path, "legal_status: semi-public"), "sl").output
    assert "polje 'legal_status': 'semi-public' ni možnost te skupine izbirnih gumbov" in out
    assert "(veljavno: 'public', 'private')" in out
    out = run(_fill(tmp_path, "PIC: '1234567890'"), "sl").output
    assert "10 znakov, polje pa jih sprejme največ 9: '1234567890'" in out
    out = run(["fields", _blank_pdf(tmp_path, "secret")], "cs").output
    assert "PDF je chráněno heslem" in out
    out = run(_map(tmp_path, "per_partnr: true\n"), "cs").output       # too short for the sentence check
    assert "neznámý klíč per_partnr (známé: auto, fields, " in out


def test_without_pypdf_the_missing_part_is_named_in_the_language(monkeypatch: pytest.MonkeyPatch):
    import sys

    from ka2forms.errors import MissingExtraError
    from ka2forms.pdf import _pypdf

    monkeypatch.setitem(sys.modules, "pypdf", None)
    with i18n.use("sl"), pytest.raises(MissingExtraError) as e:
        _pypdf._api.__wrapped__()          # not the cached result of an earlier call with pypdf installed
    assert str(e.value).startswith("izpolnjevanje obrazcev PDF ")
    assert "ka2forms[forms]" in str(e.value)
