"""Languages are catalogs: every message translated in sl, cs and de, compiled catalogs up to date, the language
chosen by --lang, KA2FORMS_LANG or the locale, and plural forms by each language's rules."""

from __future__ import annotations

import gettext
import importlib.util
import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ka2forms import i18n
from ka2forms.errors import InputError
from ka2forms.i18n import resolve_lang
from ka2forms.rules import Role, words

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "ka2forms" / "locale"
TRANSLATED = ("sl", "cs", "de")


def _script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(module)
    return module


def _catalog(lang: str):
    with (LOCALE / lang / "LC_MESSAGES" / "ka2forms.po").open("rb") as f:
        return read_po(f, locale=lang)


def _key(m) -> tuple:
    return (m.context, m.id)


# ───────────────────────────── completeness ─────────────────────────────


def test_the_template_holds_every_message_of_the_code_and_the_data():
    """A new _() in the code or a new label in the rules data must reach the template: run scripts/i18n.py all."""
    fresh = {_key(m) for m in _script().template() if m.id}
    with (LOCALE / "ka2forms.pot").open("rb") as f:
        committed = {_key(m) for m in read_po(f) if m.id}
    assert fresh - committed == set(), "ka2forms.pot is stale: run python scripts/i18n.py all"
    assert committed - fresh == set(), "ka2forms.pot has messages the code no longer uses: run scripts/i18n.py all"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_has_a_translation(lang):
    with (LOCALE / "ka2forms.pot").open("rb") as f:
        wanted = {_key(m) for m in read_po(f) if m.id}
    cat = _catalog(lang)
    have = {_key(m): m for m in cat if m.id}
    missing = sorted(str(k) for k in wanted - set(have))
    assert not missing, f"{lang}: not in the catalog (run scripts/i18n.py update): {missing[:10]}"
    untranslated = [str(k) for k, m in have.items() if k in wanted and (
        m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated[:10]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_every_placeholder(lang):
    import re

    for m in _catalog(lang):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        found = [set(re.findall(r"\{[^}]*\}", i)) for i in ids]
        for s in strings:
            have = set(re.findall(r"\{[^}]*\}", s))
            if len(ids) == 1:
                assert have == found[0], (lang, m.id, s)        # the same placeholders, no more, no fewer
            else:
                assert have <= found[0] | found[1], (lang, m.id, s)   # never one the code does not fill


@pytest.mark.parametrize("lang", TRANSLATED)
def test_compiled_catalogs_match_their_po_files(lang):
    """The .mo files are committed (installs need no build step): they must be compiled from today's .po."""
    buf = io.BytesIO()
    write_mo(buf, _catalog(lang), use_fuzzy=False)
    fresh = gettext.GNUTranslations(io.BytesIO(buf.getvalue()))
    committed = i18n.translation.__wrapped__(lang)
    assert fresh._catalog == committed._catalog, f"{lang}: ka2forms.mo is stale: run python scripts/i18n.py compile"


def test_plural_forms_come_from_cldr():
    headers = {lang: _catalog(lang).plural_forms for lang in TRANSLATED}
    assert headers["sl"].startswith("nplurals=4;") and headers["cs"].startswith("nplurals=3;")
    assert headers["de"].startswith("nplurals=2;")


def test_every_term_of_the_data_cites_where_it_came_from():
    """Action names, statuses, roles and types carry a source comment for Slovenian and Czech."""
    data = {(m.context, m.msgid) for m in words.data_messages()   # names and terms, not sentences
            if m.where.endswith(".name") or m.where.startswith(("organisations.yaml", "countries.yaml: labels"))}
    for lang in ("sl", "cs"):
        for m in _catalog(lang):
            msgid = m.id[0] if isinstance(m.id, tuple) else m.id
            if (m.context, msgid) in data:
                assert any(c.startswith("source: ") for c in m.user_comments), (lang, m.id)


# ───────────────────────────── plural forms in use ─────────────────────────────


def test_slovenian_counts_have_four_forms():
    with i18n.use("sl"):
        assert [words.role_count(Role.PARTNER.value, n) for n in (1, 2, 3, 4, 5, 101, 102)] == [
            "1 partner", "2 partnerja", "3 partnerji", "4 partnerji", "5 partnerjev", "101 partner", "102 partnerja"]


def test_czech_counts_have_three_forms():
    with i18n.use("cs"):
        assert [words.role_count(Role.PARTNER.value, n) for n in (1, 2, 4, 5, 22)] == [
            "1 partner", "2 partneři", "4 partneři", "5 partnerů", "22 partnerů"]
        assert [words.months(n) for n in (1, 3, 12)] == ["1 měsíc", "3 měsíce", "12 měsíců"]


def test_german_and_english_counts():
    assert words.role_count(Role.ASSOCIATED.value, 2) == "2 associated partners"
    with i18n.use("de"):
        assert words.role_count(Role.ASSOCIATED.value, 1) == "1 assoziierter Partner"
        assert words.months(24) == "24 Monate"


def test_the_language_is_per_context_and_english_by_default():
    assert i18n.current() == "en"
    with i18n.use("cs"):
        assert i18n.gettext("Eligible") == "Způsobilé"
        with i18n.use("sl"):
            assert i18n.gettext("Eligible") == "Upravičen"
        assert i18n.current() == "cs"
    assert i18n.gettext("Eligible") == "Eligible"


# ───────────────────────────── choosing the language ─────────────────────────────


@pytest.mark.parametrize("explicit, env, expected", [
    (None, {}, "en"),
    ("cs", {"KA2FORMS_LANG": "sl", "LANG": "de_DE.UTF-8"}, "cs"),
    (None, {"KA2FORMS_LANG": "sl", "LANG": "cs_CZ.UTF-8"}, "sl"),
    (None, {"LC_ALL": "cs_CZ.UTF-8", "LC_MESSAGES": "sl_SI.UTF-8", "LANG": "de_DE"}, "cs"),
    (None, {"LC_MESSAGES": "sl_SI.UTF-8", "LANG": "de_DE"}, "sl"),
    (None, {"LANG": "de_AT.UTF-8"}, "de"),
    (None, {"LANG": "sl_SI@euro"}, "sl"),
    (None, {"LANG": "fr_FR.UTF-8"}, "en"),          # a language without a catalog: English
    (None, {"LC_ALL": "C", "LANG": "sl_SI"}, "en"),  # LC_ALL decides, as POSIX says
    (None, {"LANGUAGE": "hu:cs", "LANG": "sl_SI"}, "cs"),
])
def test_language_from_option_variable_or_locale(explicit, env, expected):
    assert resolve_lang(explicit, env) == expected


@pytest.mark.parametrize("explicit, env", [("fr", {}), (None, {"KA2FORMS_LANG": "xx"})])
def test_an_asked_for_language_we_lack_is_an_input_error(explicit, env):
    with pytest.raises(InputError, match="unknown language"):
        resolve_lang(explicit, env)


# ───────────────────────────── formats without Babel, equal to Babel's ─────────────────────────────


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_money_numbers_and_percent_are_cldrs_as_babel_formats_them(lang):
    from decimal import Decimal

    from babel.numbers import format_currency, format_decimal, format_percent

    loc = i18n.LOCALES[lang]
    for x in ("-5", "0", "0.005", "0.015", "987.6", "1234.5", "999.995", "120000", "1234567.891", "1000000000"):
        d = Decimal(x)
        assert i18n.money(d, lang=lang) == format_currency(d, "EUR", locale=loc), x
        assert i18n.number(d, lang=lang) == format_decimal(d, locale=loc), x
        for digits in (0, 1, 2):
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            assert i18n.number(d, digits, lang=lang) == format_decimal(d, format=pattern, locale=loc), (x, digits)
    for x in ("0.2", "0.155", "1"):
        assert i18n.percent(Decimal(x), lang=lang) == format_percent(Decimal(x), locale=loc), x


def test_the_country_table_is_cldrs():
    """ka2forms/locale/countries.json (the core's country names) is what scripts/i18n.py makes from CLDR."""
    import json

    committed = json.loads((LOCALE / "countries.json").read_text(encoding="utf-8"))
    assert committed == _script().country_names(), "countries.json is stale: run python scripts/i18n.py compile"
    with i18n.use("sl"):
        assert words.country_name("DE") == "Nemčija" and words.country_name("CZ") == "Češka"


def test_the_core_speaks_slovenian_without_babel():
    """A bare install has no Babel (it comes with the annex extra): the check in sl must not need it."""
    import subprocess
    import sys

    code = ("import sys; from ka2forms.readers.workbook import read_workbook; "
            "from ka2forms.services.check import check_project; "
            f"r = check_project(read_workbook({str(ROOT / 'samples' / 'ka220-vet-not-eligible.xlsx')!r}), lang='sl'); "
            "assert 'babel' not in sys.modules, 'babel imported'; print(r.criteria[-1].required)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "eden od zneskov: 120.000,00\u00a0€, 250.000,00\u00a0€, 400.000,00\u00a0€"


# ───────────────────────────── what we write, we read back ─────────────────────────────


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_type_and_role_as_a_language_shows_it_reads_back(lang):
    """An annex in Slovenian says "Ponudnik PIU"; a partner who copies it into a workbook must not get an
    "unknown organisation type" error."""
    from ka2forms.rules import resolve_role, resolve_type
    from ka2forms.rules.loader import read_yaml

    orgs = read_yaml("organisations.yaml")
    with i18n.use(lang):
        shown_types = {code: words.type_label(code) for code in orgs["types"]}
        shown_roles = {role: words.role_label(role) for role in orgs["roles"]}
    assert {code: resolve_type(label) for code, label in shown_types.items()} == {c: c for c in shown_types}
    assert {role: resolve_role(label).value for role, label in shown_roles.items()} == {r: r for r in shown_roles}
