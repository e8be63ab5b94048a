"""``ka2forms rules``: the actions, a year's criteria with sources, and country status by call year."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from ka2forms.cli import _common as ui
from ka2forms.cli import main
from ka2forms.rules import country_status, rules_for


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich folds tables to the terminal width: give the CLI its consoles, 400 columns wide."""
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=400))
    monkeypatch.setattr(ui, "err", Console(stderr=True, highlight=False, width=400))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rules", *args])


def first_column(output: str) -> list[str]:
    """The first cell of every body row of the tables in ``output``."""
    return [line.split("│")[0].strip() for line in output.splitlines() if "│" in line]


def country_table(output: str) -> dict[str, set[str]]:
    """Status label → ISO codes, from the 'Country status in call …' table (rows may wrap onto more lines)."""
    table = output[output.index("Country status in call"):]
    groups: dict[str, set[str]] = {}
    label = ""
    for line in table.splitlines():
        if "│" not in line:
            continue
        status, countries = line.split("│")
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
    assert "lump sums €120,000.00 / €250,000.00 / €400,000.00" in result.stdout   # money as everywhere else
    assert "12–36 months" in result.stdout
    assert {"min-organisations", "min-countries", "coordinator", "duration", "grant"} <= set(
        first_column(result.stdout))
    assert "oid" not in first_column(result.stdout)  # the OID criterion applies to KA220-HED only
    grant_row = next(line for line in result.stdout.splitlines() if "lump sums" in line)
    source_id = grant_row.split("│")[-1].strip()
    assert "official" in grant_row and source_id and "https://" not in grant_row   # a short id in the cell …
    listed = result.stdout[result.stdout.index("Sources:"):]
    assert f"{source_id}: " in listed and "https://" in listed                    # … and its URL listed below


def test_rules_action_and_year_of_an_older_version_show_that_version() -> None:
    result = run("--action", "KA220", "--year", "2021")

    assert result.exit_code == 0, result.output
    assert "this version covers calls 2021" in result.stdout
    assert "lump sums €120,000" not in result.stdout
    assert "≥ €100,000.00" in result.stdout and "≤ €400,000.00" in result.stdout


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


def narrow(monkeypatch: pytest.MonkeyPatch, width: int = 80) -> None:
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=width))


@pytest.mark.parametrize("args", [[], ["--action", "KA220-VET", "--year", "2025"],
                                  ["--action", "AFI-LOT1", "--year", "2025"], ["--year", "2018"]])
def test_rules_tables_are_readable_at_80_columns(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # source URLs used to be folded over six lines in every cell; now no table line is wider than 80 columns,
    # and no cell holds a URL (the URLs are listed once, below the table)
    narrow(monkeypatch)
    result = run(*args)
    assert result.exit_code == 0, result.output
    table_lines = [line for line in result.stdout.splitlines() if "│" in line]
    assert table_lines
    assert all(len(line) <= 80 for line in table_lines), max(table_lines, key=len)
    assert not any("http" in line for line in table_lines)
    rows_per_criterion = len(table_lines) / max(1, len(first_column(result.stdout)))
    assert rows_per_criterion < 2.5


def json_of(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


PROVENANCE = {"source", "confidence"}


def test_rules_json_for_an_action_and_year_has_the_documented_keys() -> None:
    d = json_of("--action", "KA220-VET", "--year", "2025")
    assert set(d) == {"action", "name", "call_year", "version_calls", "counted_roles", "criteria", "durations",
                      "grants", "notes", "sources"}
    version = rules_for("KA220-VET", 2025).version.calls
    assert (d["action"], d["call_year"]) == ("KA220-VET", 2025)
    assert d["version_calls"] == {"first": version.first, "last": version.last} and version.first == 2022
    assert set(d["criteria"][0]) == {"id", "kind", "description", "min", "max", "types", "org_class", "statuses",
                                     "identifier", "note"} | PROVENANCE
    assert {c["id"]: c["min"] for c in d["criteria"]}["min-countries"] == 3
    assert set(d["durations"][0]) == {"description", "months", "min", "max"} | PROVENANCE
    assert set(d["grants"][0]) == {"lump_sums", "min", "max", "max_by_duration", "per_month",
                                   "per_organisation_year", "per_year", "note"} | PROVENANCE
    assert d["grants"][0]["lump_sums"] == [120000, 250000, 400000]
    cited = {c["source"] for c in d["criteria"] + d["durations"] + d["grants"]}
    assert cited == set(d["sources"])                        # every cited id is resolved, and only those
    assert all(set(s) == {"kind", "title", "url"} for s in d["sources"].values())


def test_rules_json_for_a_country_gives_each_call_year_with_its_source() -> None:
    d = json_of("--country", "Srbija")
    assert (d["country"], d["name"]) == ("RS", "Serbia")
    by_year = {y["call_year"]: y for y in d["years"]}
    assert by_year[2018]["status"] != by_year[2019]["status"]
    assert set(by_year[2018]) == {"call_year", "code", "name", "status", "label", "region", "excluded",
                                  "description", "note"} | PROVENANCE
    assert {y["source"] for y in d["years"] if y["source"]} <= set(d["sources"])


def test_rules_json_without_options_lists_the_actions_and_with_a_year_the_countries() -> None:
    d = json_of()
    assert set(d) == {"edition", "call_year", "actions"} and d["call_year"] is None
    assert set(d["actions"][0]) == {"action", "name", "summary", "period", "managed_by", "fields", "calls"}
    y = json_of("--year", "2018")
    assert set(y) == {"edition", "call_year", "actions", "countries", "sources"}
    assert len(y["actions"]) < len(d["actions"])
    assert {c["code"]: c["status"] for c in y["countries"]}["RS"] == country_status("RS", 2018).status


def test_rules_json_for_an_action_is_its_catalogue_entry() -> None:
    d = json_of("--action", "AFI-LOT1")
    assert d["action"] == "AFI-LOT1" and d["name"].startswith("Alliances for Innovation, Lot 1")
    assert {"first": 2021, "last": 2026} in d["calls"]


def test_rules_json_error_exits_2_with_the_message_on_stderr() -> None:
    result = run("--action", "KA999", "--json")
    assert result.exit_code == 2 and "KA999" in result.stderr and result.stdout == ""


def test_rules_for_call_2027_says_no_call_text_exists_yet():
    result = run("--year", "2027")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "No action has rules for call 2027" in text
    assert "no Programme Guide or call text for 2027 has been published" in text
