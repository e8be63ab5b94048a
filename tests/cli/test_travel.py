"""``ka2forms travel``: the JSON promise, exit codes, and CSV batches (CliRunner on the command object)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ka2forms.cli.travel import BATCH_COLUMNS, travel


@pytest.fixture
def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2 keeps stderr apart


def test_json_gives_places_distance_band_and_cost_with_the_promised_keys(runner: CliRunner) -> None:
    res = runner.invoke(travel, ["Ljubljana", "Wien", "--year", "2025", "--json"])
    assert res.exit_code == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["from"]["name"] == "Ljubljana" and d["from"]["country"] == "SI"
    assert d["to"]["name"] == "Vienna" and d["to"]["country"] == "AT"
    assert isinstance(d["from"]["lat"], float) and isinstance(d["to"]["lon"], float)
    assert isinstance(d["distance_km"], float) and d["distance_km"] == pytest.approx(278.36, abs=0.01)
    assert d["band"] == "100-499" and d["unit_cost_eur"] == 211
    assert d["green"] is False and d["call_year"] == 2025
    assert isinstance(d["notes"], list) and isinstance(d["warnings"], list)


def test_json_green_travel_without_a_year_uses_the_latest_covered_year(runner: CliRunner) -> None:
    res = runner.invoke(travel, ["Ljubljana", "Wien", "--green", "--json"])
    d = json.loads(res.stdout)
    assert d["green"] is True and d["unit_cost_eur"] == 285 and d["call_year"] == 2026
    assert any("latest year" in n for n in d["notes"]) and d["warnings"]


def test_json_under_10_km_has_no_grant_as_null(runner: CliRunner) -> None:
    d = json.loads(runner.invoke(travel, ["Ljubljana", "46.05, 14.51", "--json", "--year", "2025"]).stdout)
    assert d["unit_cost_eur"] is None and d["band"] == "0-9"


def test_json_tpm_activity_uses_the_2014_2020_meeting_rates(runner: CliRunner) -> None:
    d = json.loads(
        runner.invoke(travel, ["Ljubljana", "Zagreb", "--year", "2016", "--activity", "tpm", "--json"]).stdout
    )
    assert (d["band"], d["unit_cost_eur"], d["activity"]) == ("100-1999", 575, "tpm")


def test_human_output_names_both_places_the_band_and_the_cost(runner: CliRunner) -> None:
    res = runner.invoke(travel, ["Praha", "Brno", "--year", "2019"])
    assert res.exit_code == 0
    assert "Prague" in res.stdout and "100-499" in res.stdout and "€180.00 per participant" in res.stdout


def test_ambiguous_place_exit_2_candidates_on_stderr(runner: CliRunner) -> None:
    res = runner.invoke(travel, ["Frankfurt", "Ljubljana", "--json"])
    assert res.exit_code == 2
    assert "Frankfurt am Main" in res.stderr and "Frankfurt (Oder)" in res.stderr
    assert res.stdout == "" and "Traceback" not in res.stderr


def test_unknown_place_exit_2_suggestions_on_stderr(runner: CliRunner) -> None:
    res = runner.invoke(travel, ["Ljubljana", "Wein"])
    assert res.exit_code == 2
    assert "to: unknown place 'Wein'" in res.stderr and "Vienna" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_year_without_travel_rules_exits_2(runner: CliRunner) -> None:
    res = runner.invoke(travel, ["Ljubljana", "Wien", "--year", "2030"])
    assert res.exit_code == 2 and "2030" in res.stderr


@pytest.mark.parametrize(
    "args", [["Ljubljana"], ["a", "b", "c"], ["--activity", "bogus", "Ljubljana", "Wien"]]
)
def test_wrong_arguments_exit_2_without_traceback(runner: CliRunner, args: list[str]) -> None:
    res = runner.invoke(travel, args)
    assert res.exit_code == 2 and "Traceback" not in (res.stderr or "")


# ───────────── batch ─────────────

PAIRS = (
    "from;to;year;green\nLjubljana;Wien;2025;yes\nFrankfurt;Praha;;\nPraha;Brno;2019;\nWein;Graz;;\n;Graz;;\n"
    "Ljubljana;Wien;twenty;\n"
)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_batch_csv_reports_bad_rows_in_their_error_column_and_computes_the_rest(runner: CliRunner,
                                                                                 tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text(PAIRS, encoding="utf-8")
    out = tmp_path / "out.csv"
    res = runner.invoke(travel, ["--csv", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    rows = read_csv(out)
    assert tuple(rows[0].keys()) == BATCH_COLUMNS
    assert len(rows) == 6
    assert rows[0]["error"] == "" and rows[0]["unit_cost_eur"] == "285" and rows[0]["band"] == "100-499"
    assert "Frankfurt (Oder)" in rows[1]["error"]
    assert rows[2]["call_year"] == "2019" and rows[2]["unit_cost_eur"] == "180"
    assert "Vienna" in rows[3]["error"]
    assert "needed" in rows[4]["error"] and "whole number" in rows[5]["error"]
    assert "2 of 6" in res.stdout or "2 of 6" in res.output
    assert "row 3:" in res.stderr
    assert not list(tmp_path.glob("*.tmp"))  # no temp file left behind


def test_batch_xlsx_has_the_promised_columns_and_numbers_as_numbers(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    src = tmp_path / "pairs.csv"
    src.write_text("from,to\nLjubljana,Wien\nLisboa,Helsinki\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    res = runner.invoke(travel, ["--csv", str(src), "-o", str(out), "--year", "2025", "--json"])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == {"rows": 2, "ok": 2, "errors": 0, "output": str(out)}
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert tuple(header) == BATCH_COLUMNS
    values = {h: c.value for h, c in zip(header, ws[3], strict=True)}
    assert values["band"] == "3000-3999" and values["unit_cost_eur"] == 580
    assert isinstance(values["distance_km"], float)


def test_batch_never_overwrites_its_input(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text("from,to\nLjubljana,Wien\n", encoding="utf-8")
    res = runner.invoke(travel, ["--csv", str(src), "-o", str(src)])
    assert res.exit_code == 2 and "overwrite the input" in res.stderr
    assert src.read_text(encoding="utf-8") == "from,to\nLjubljana,Wien\n"


def test_batch_replaces_existing_output_atomically(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text("from,to\nLjubljana,Wien\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    assert runner.invoke(travel, ["--csv", str(src), "-o", str(out)]).exit_code == 0
    assert read_csv(out)[0]["to_name"] == "Vienna"


@pytest.mark.parametrize(("content", "message"), [("a,b\n1,2\n", "'from' and 'to'"), ("", "empty")])
def test_batch_input_without_pairs_exits_2_and_writes_nothing(runner: CliRunner, tmp_path: Path, content: str,
                                                              message: str) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text(content, encoding="utf-8")
    res = runner.invoke(travel, ["--csv", str(src), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 2 and message in res.stderr and not (tmp_path / "o.csv").exists()


def test_batch_option_mistakes_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(travel, ["--csv", str(tmp_path / "x.csv")]).exit_code == 2  # no -o
    assert runner.invoke(travel, ["A", "B", "-o", str(tmp_path / "o.csv")]).exit_code == 2
    src = tmp_path / "pairs.csv"
    src.write_text("from,to\nLjubljana,Wien\n", encoding="utf-8")
    assert runner.invoke(travel, ["--csv", str(src), "-o", str(tmp_path / "o.txt")]).exit_code == 2
    assert (
        runner.invoke(
            travel, ["--csv", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o.csv")]
        ).exit_code
        == 2
    )


INJECTED_PAIRS = 'from,to\n"=HYPERLINK(""http://example.com/x"",""click"")",Wien\n=1+1,Wien\n@SUM(A1),+Wien\n'


def test_pairs_csv_with_hyperlink_and_sum_formulas_gives_an_xlsx_without_formulas(runner: CliRunner,
                                                                                   tmp_path: Path) -> None:
    import zipfile

    from openpyxl import load_workbook

    src = tmp_path / "pairs.csv"
    src.write_text(INJECTED_PAIRS, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    res = runner.invoke(travel, ["--csv", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.stderr
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    ws = load_workbook(out).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        '=HYPERLINK("http://example.com/x","click")', "=1+1", "@SUM(A1)"]
    assert all(c.data_type == "s" for c in ws["A"][1:])


def test_pairs_csv_with_hyperlink_and_sum_formulas_gives_a_csv_with_inert_cells(runner: CliRunner,
                                                                                tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text(INJECTED_PAIRS, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert runner.invoke(travel, ["--csv", str(src), "-o", str(out)]).exit_code == 0
    rows = read_csv(out)
    assert [r["from"] for r in rows] == ["'=HYPERLINK(\"http://example.com/x\",\"click\")", "'=1+1", "'@SUM(A1)"]
    assert rows[2]["to"] == "'+Wien"
    assert all(r["error"] for r in rows)        # not places: each row says so; the error text is inert too
    assert all(not r["error"].startswith(("=", "+", "-", "@")) for r in rows)


def test_a_fractional_year_in_a_pairs_csv_is_a_row_error_not_rounded(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text("from,to,year\nLjubljana,Wien,2025.5\nLjubljana,Wien,2025.0\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert runner.invoke(travel, ["--csv", str(src), "-o", str(out)]).exit_code == 0
    rows = read_csv(out)
    assert rows[0]["error"] == "year must be a whole number, not '2025.5'" and rows[0]["call_year"] == ""
    assert rows[1]["error"] == "" and rows[1]["call_year"] == "2025"
