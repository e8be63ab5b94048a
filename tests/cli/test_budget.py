"""``ka2forms budget`` and the budget keys of ``ka2forms check --json``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from workbooks import make_workbook

from ka2forms.cli import main

COORD, DE, HU = "Šolski center Celje", "Müller Präzisionstechnik GmbH", "Győri Szakképzési Centrum"
BUDGET = [["Work package", COORD, DE, HU], ["Project management", 20000, 10000, 10000],
          ["Curriculum", 60000, 40000, 30000], ["Pilots", 30000, 30000, 20000]]
TRAVEL = [["Activity", "Organisation", "To", "Participants"], ["Kick-off", DE, "Celje", 2]]


def test_budget_json_has_the_promised_keys_and_exit_0_when_every_check_passes(tmp_path: Path) -> None:
    wb = make_workbook(tmp_path, sheets={"Travel plan": TRAVEL, "Budget": BUDGET})
    r = CliRunner().invoke(main, ["budget", str(wb), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert set(data["travel_plan"]) >= {"rows", "total_eur", "per_organisation"}
    assert set(data["budget"]) >= {"total_eur", "per_work_package", "per_organisation", "checks"}
    assert data["budget_ok"] is True and data["budget"]["total_eur"] == 250000
    assert set(data["budget"]["checks"][0]) == {"id", "description", "required", "actual", "ok", "source",
                                                "confidence"}


def test_check_json_keeps_eligible_and_adds_budget_ok_of_its_own(tmp_path: Path) -> None:
    over = [*BUDGET[:1], ["Project management", 40000, 20000, 10000], *BUDGET[2:]]   # 70 000 > 20 %
    over[3] = ["Pilots", 20000, 10000, 10000]
    wb = make_workbook(tmp_path, sheets={"Budget": over})
    r = CliRunner().invoke(main, ["check", str(wb), "--json"])
    data = json.loads(r.output)
    assert r.exit_code == 0 and data["eligible"] is True      # eligibility is the consortium's verdict
    assert data["budget_ok"] is False
    assert "management-share" in {c["id"] for c in data["budget"]["checks"] if not c["ok"]}
    assert "travel_plan" not in data


def test_budget_exits_1_when_a_check_fails_and_2_when_a_trip_cannot_be_priced(tmp_path: Path) -> None:
    short = [BUDGET[0], BUDGET[1]]
    wb = make_workbook(tmp_path, sheets={"Budget": short}, name="short.xlsx")
    r = CliRunner().invoke(main, ["budget", str(wb)])
    assert r.exit_code == 1 and "BUDGET NOT OK" in r.output
    bad = [TRAVEL[0], ["Kick-off", DE, "Xqzzyville", 2]]
    wb = make_workbook(tmp_path, sheets={"Travel plan": bad}, name="bad.xlsx")
    r = CliRunner().invoke(main, ["budget", str(wb)])
    assert r.exit_code == 2 and "Travel plan!A2" in r.output


def test_a_workbook_without_the_sheets_says_so(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["budget", str(make_workbook(tmp_path))])
    assert r.exit_code == 0 and "no 'Travel plan' or 'Budget' sheet" in r.output
