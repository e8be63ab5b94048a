"""The lines that name a place (the candidates of an ambiguous name, the place a point is near) are in the
user's language, with the language's digits: "(preb. 650.000)", "(poblíž Ljubljana, SI, 0,4 km)", and stay
"(pop. 650,000)" / "(near …, 0.4 km)" in English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ka2forms.cli import main

NO_LOCALE = {"LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "KA2FORMS_LANG": ""}


def run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args), env={**NO_LOCALE, "COLUMNS": "1000"}, prog_name="ka2forms")
    assert "Traceback" not in r.output, r.output
    return r.output


@pytest.mark.parametrize("lang, line", [
    ("en", "Frankfurt am Main, Hessen, DE (pop. 650,000)"),
    ("sl", "Frankfurt am Main, Hessen, DE (preb. 650.000)"),
    ("cs", "Frankfurt am Main, Hessen, DE (obyv. 650\u00a0000)"),
    ("de", "Frankfurt am Main, Hessen, DE (Einw. 650.000)"),
])
def test_the_candidates_of_an_ambiguous_place_show_population_in_the_language(lang, line):
    out = run("--lang", lang, "travel", "Ljubljana", "Frankfurt")
    assert line in out
    if lang != "en":
        assert "pop." not in out


@pytest.mark.parametrize("lang, near", [
    ("en", "46.05, 14.5 (near Ljubljana, SI, 0.4 km)"),
    ("sl", "46.05, 14.5 (blizu Ljubljana, SI, 0,4 km)"),
    ("cs", "46.05, 14.5 (poblíž Ljubljana, SI, 0,4 km)"),
])
def test_a_point_names_the_place_it_is_near_in_the_language(lang, near):
    assert near in run("--lang", lang, "travel", "46.05,14.5", "Praha")


def test_a_warning_about_an_alternate_name_gives_the_population_in_the_languages_digits():
    from ka2forms import i18n
    from ka2forms.places import resolve_place

    with i18n.use("sl"):
        (warning,) = resolve_place("Jezersko").warnings
    assert "Jezerski, Federacija Bosne i Hercegovine, BA, prebivalcev 4.361: " in warning
    (warning,) = resolve_place("Jezersko").warnings
    assert "BA, population 4,361: " in warning
