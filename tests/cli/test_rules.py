"""``ka2forms rules``: the actions, a year's criteria with sources, and country status by call year."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from ka2forms.cli import _common as ui
from ka2forms.cli import main
from ka2forms.rules import country_status


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich folds tables to the terminal width: give the CLI its consoles, 400 columns wide."""
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=400))
    monkeypatch.setattr(ui, "err", Console(stderr=True, highlight=False, width=400))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rules", *args])


def first_column(output: str) -> list[str]:
    """The first cell of every body row of the tables in ``output``."""
    return [line.split("│")[1].strip() for line in output.splitlines() if line.startswith("│")]


def country_table(output: str) -> dict[str, set[str]]:
    """Status label → ISO codes, from the 'Country status in call …' table (rows may wrap onto more lines)."""
    table = output[output.index("Country status in call"):]
    groups: dict[str, set[str]] = {}
    label = ""
    for line in table.splitlines():
        if not line.startswith("│"):
            continue
        _, status, countries, _ = line.split("│")
        label = status.strip() or label
        groups.setdefault(label, set()).update(countries.split())
    return groups


def status_of(code: str, groups: dict[str, set[str]]) -> str:
    [label] = [label for label, codes in groups.items() if code in codes]
    return label


def year_lines(output: str) -> dict[int, str]:
    """``--country`` output: call year → its line."""
    return {int(line.split(":")[0]): line for line in output.splitlines() if line[:4].isdigit()}


def test_rules_without_options_lists_every_action() -> None:
    result = run()

    assert result.exit_code == 0, result.output
    actions = first_column(result.stdout)
    for key in ("SP", "KA229", "KA220", "KA210", "AFI-LOT1", "AFI-LOT2", "AFI-LOT3", "COVE"):
        assert key in actions
    assert "Cooperation Partnerships" in result.stdout
    assert "Alliances for Innovation, Lot 1 — Alliances for Education and Enterprises" in result.stdout


@pytest.mark.parametrize("code", ["ka220-vet", "KA220-VET", "ka220 vet"])
def test_rules_action_alias_shows_the_action_and_its_call_years(code: str) -> None:
    result = run("--action", code)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("KA220 — Cooperation Partnerships")
    assert "Fields or lots: ADU, HED, SCH, VET, YOU" in result.stdout
    assert "Rules exist for calls: 2021, 2022–2025, 2026." in result.stdout


def test_rules_action_and_year_show_criteria_lump_sums_and_sources() -> None:
    result = run("--action", "KA220-VET", "--year", "2025")

    assert result.exit_code == 0, result.output
    assert "KA220-VET — Cooperation Partnerships, call 2025" in result.stdout
    assert "this version covers calls 2022–2025" in result.stdout
    assert "lump sums 120,000 / 250,000 / 400,000" in result.stdout
    assert "12–36 months" in result.stdout
    assert {"min-organisations", "min-countries", "coordinator", "duration", "grant (EUR)"} <= set(
        first_column(result.stdout))
    assert "oid" not in first_column(result.stdout)  # the OID criterion applies to KA220-HED only
    grant_row = next(line for line in result.stdout.splitlines() if "lump sums" in line)
    assert "https://" in grant_row and "official" in grant_row


def test_rules_action_and_year_of_an_older_version_show_that_version() -> None:
    result = run("--action", "KA220", "--year", "2021")

    assert result.exit_code == 0, result.output
    assert "this version covers calls 2021" in result.stdout
    assert "lump sums 120,000" not in result.stdout
    assert "≥ 100,000" in result.stdout and "≤ 400,000" in result.stdout


def test_rules_year_2018_lists_only_actions_with_rules_that_year() -> None:
    result = run("--year", "2018")

    assert result.exit_code == 0, result.output
    actions = first_column(result.stdout[: result.stdout.index("Country status in call")])
    assert "KA229" in actions and "SP" in actions
    assert "KA219" not in actions  # 2014–2017 only
    assert "KA220" not in actions  # from 2021


def test_rules_year_2018_does_not_count_serbia_among_programme_countries() -> None:
    groups = country_table(run("--year", "2018").stdout)

    assert status_of("RS", groups) == "Partner Country"
    assert all("RS" not in codes for label, codes in groups.items() if "Programme Country" in label)
    assert status_of("MK", groups) == "Programme Country (non-EU)"
    assert status_of("SI", groups) == "EU Member State (Programme Country)"


def test_rules_year_2019_counts_serbia_among_programme_countries() -> None:
    groups = country_table(run("--year", "2019").stdout)

    assert status_of("RS", groups) == "Programme Country (non-EU)"
    assert status_of("CH", groups) == "Partner Country"


def test_rules_country_srbija_changes_status_with_the_call_year() -> None:
    result = run("--country", "Srbija")

    assert result.exit_code == 0, result.output
    lines = year_lines(result.stdout)
    assert "2018: Serbia (RS) — Partner Country" in lines[2018]
    assert "2019: Serbia (RS) — Programme Country" in lines[2019]
    assert "third country associated to the Programme" in lines[2025]
    assert "Programme Country" not in lines[2018]


def test_rules_country_with_year_shows_only_that_year() -> None:
    result = run("--country", "Srbija", "--year", "2019")

    assert result.exit_code == 0, result.output
    assert list(year_lines(result.stdout)) == [2019]


def test_rules_country_shows_the_source_of_each_status() -> None:
    result = run("--country", "Srbija")

    lines = year_lines(result.stdout)
    for year in (2018, 2019):
        provenance = country_status("RS", year).provenance
        assert provenance is not None
        assert f"[{provenance.describe()}]" in lines[year]


def test_rules_unknown_action_exits_2_with_suggestions() -> None:
    result = run("--action", "KA999")

    assert result.exit_code == 2
    assert "unknown action 'KA999'" in result.stderr
    assert "did you mean" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_rules_action_in_a_year_without_rules_exits_2() -> None:
    result = run("--action", "KA220", "--year", "2030")

    assert result.exit_code == 2
    assert "no rules for KA220" in result.stderr and "2021–2026" in result.stderr


def test_rules_unknown_country_exits_2() -> None:
    result = run("--country", "Atlantis")

    assert result.exit_code == 2
    assert "unknown country 'Atlantis'" in result.stderr


def test_rules_for_call_2027_says_no_call_text_exists_yet():
    result = run("--year", "2027")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "No action has rules for call 2027" in text
    assert "no Programme Guide or call text for 2027 has been published" in text
