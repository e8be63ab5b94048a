"""``ka2forms check``: exit codes, JSON shape, human output and error reporting, on real workbooks.

Rich folds its output to the terminal width; in-process tests give the command wide consoles so that tables
and messages are never folded, whatever the terminal running the tests. The subprocess tests set COLUMNS,
except the one about the default width of a pipe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console
from workbooks import make_workbook, partners_with, project_with, row

from ka2forms.cli import _common as ui
from ka2forms.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"

# From samples/README.md: the criteria each sample fails (empty: eligible).
EXPECTED_FAILING: dict[str, set[str]] = {
    "ka220-vet-eligible.xlsx": set(),
    "ka220-vet-not-eligible.xlsx": {"min-countries", "grant"},
    "ka210-sch-eligible.xlsx": set(),
    "ka210-sch-not-eligible.xlsx": {"min-countries"},
    "afi-lot1-eligible.xlsx": set(),
    "afi-lot1-not-eligible.xlsx": {"min-full-partners", "min-labour-market", "min-vet"},
    "afi-lot2-eligible.xlsx": set(),
    "afi-lot2-not-eligible.xlsx": {"min-countries", "duration"},
    "ka202-2019-eligible.xlsx": set(),
    "ka202-2018-not-eligible.xlsx": {"min-countries"},
    "cby-2025-eligible.xlsx": set(),
    "cby-2024-not-eligible.xlsx": {"balance", "eligible-regions"},
}
# Action and call year as written in each sample's Project sheet (README table).
EXPECTED_ACTION: dict[str, tuple[str, int]] = {
    "ka220-vet-eligible.xlsx": ("KA220-VET", 2025),
    "ka220-vet-not-eligible.xlsx": ("KA220-VET", 2025),
    "ka210-sch-eligible.xlsx": ("KA210-SCH", 2024),
    "ka210-sch-not-eligible.xlsx": ("KA210-SCH", 2024),
    "afi-lot1-eligible.xlsx": ("ERASMUS-EDU-2025-PI-ALL-INNO-EDU-ENTERP", 2025),
    "afi-lot1-not-eligible.xlsx": ("AFI-LOT1", 2025),
    "afi-lot2-eligible.xlsx": ("AFI-LOT2", 2024),
    "afi-lot2-not-eligible.xlsx": ("AFI-LOT2", 2024),
    "ka202-2019-eligible.xlsx": ("KA202", 2019),
    "ka202-2018-not-eligible.xlsx": ("KA202", 2018),
    "cby-2025-eligible.xlsx": ("ERASMUS-YOUTH-2025-CB", 2025),
    "cby-2024-not-eligible.xlsx": ("CBY", 2024),
}
SAMPLE_NAMES = sorted(EXPECTED_FAILING)
CRITERION_KEYS = {"id", "description", "required", "actual", "ok"}



@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's consoles as configured in ka2forms.cli, but 400 columns wide."""
    monkeypatch.setattr(ui, "out", Console(highlight=False, width=400))
    monkeypatch.setattr(ui, "err", Console(stderr=True, highlight=False, width=400))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def sample(name: str) -> str:
    return str(SAMPLES / name)


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr


@pytest.fixture
def bad_workbook(tmp_path: Path) -> Path:
    """A workbook with one problem: an unknown organisation type in Partners!E3."""
    return make_workbook(tmp_path, name="bad.xlsx", partners=partners_with(row(3, type="Univerzza")))


# ─────────────────────────────────────────── samples ───────────────────────────────────────────


def test_expectations_cover_every_sample_workbook() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.xlsx")) == SAMPLE_NAMES
    assert all(bool(failing) == name.endswith("-not-eligible.xlsx") for name, failing in EXPECTED_FAILING.items())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_check_exit_code_is_0_for_eligible_and_1_for_not_eligible_samples(name: str) -> None:
    result = run("check", sample(name))

    assert result.exit_code == (1 if name.endswith("-not-eligible.xlsx") else 0), result.output
    assert result.stderr == ""
    assert_no_traceback(result)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_check_json_has_the_promised_shape(name: str) -> None:
    result = run("check", "--json", sample(name))

    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    assert {"eligible", "action", "call_year", "criteria", "warnings"} <= set(data)
    assert isinstance(data["eligible"], bool)
    assert isinstance(data["warnings"], list) and all(isinstance(w, str) for w in data["warnings"])
    assert data["criteria"], "every action has criteria"
    for criterion in data["criteria"]:
        assert set(criterion) >= CRITERION_KEYS, criterion
        assert isinstance(criterion["ok"], bool)
    assert (data["action"], data["call_year"]) == EXPECTED_ACTION[name]
    assert data["file"] == sample(name)
    assert result.exit_code == (0 if data["eligible"] else 1)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_check_json_fails_exactly_the_criteria_named_in_the_samples_readme(name: str) -> None:
    data = json.loads(run("check", "--json", sample(name)).stdout)

    failing = {c["id"] for c in data["criteria"] if not c["ok"]}
    assert failing == EXPECTED_FAILING[name]
    assert set(data["failing"]) == failing
    assert data["eligible"] is (not failing)


def test_check_json_keeps_central_european_letters_unescaped() -> None:
    result = run("check", "--json", sample("ka220-vet-eligible.xlsx"))

    assert "Šolski center Celje" in result.stdout
    assert "\\u" not in result.stdout


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_human_output_states_the_verdict(name: str) -> None:
    result = run("check", sample(name))

    if name.endswith("-not-eligible.xlsx"):
        assert "NOT ELIGIBLE" in result.stdout
    else:
        assert "ELIGIBLE" in result.stdout and "NOT ELIGIBLE" not in result.stdout
    assert sample(name) in result.stdout


@pytest.mark.parametrize(("name", "organisation"), [
    ("ka220-vet-eligible.xlsx", "Šolski center Celje – Srednja šola za strojništvo, mehatroniko in medije (SI)"),
    ("ka210-sch-eligible.xlsx", "Základní škola a mateřská škola Plzeň, U Dvou mostů 12, příspěvková organizace (CZ)"),
    ("afi-lot1-not-eligible.xlsx", "Politechnika Łódzka (PL)"),
    ("ka202-2018-not-eligible.xlsx", "Střední průmyslová škola strojní a elektrotechnická České Budějovice (CZ)"),
])
def test_human_output_shows_the_coordinator_with_its_diacritics(name: str, organisation: str) -> None:
    result = run("check", sample(name))

    assert organisation in result.stdout


def test_human_output_shows_title_and_acronym_with_diacritics(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, name="Žilina–Łódź_ßř.xlsx",
                         project=project_with(title="Řemeslo a škola – Győr, Łódź, Straße", acronym="ŘEMESLO"))

    result = run("check", str(path))

    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout
    assert "ŘEMESLO – Řemeslo a škola – Győr, Łódź, Straße" in result.stdout


def test_human_output_lists_offending_partners_in_hints(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(2, role="Partner")))  # no coordinator left

    result = run("check", str(path))

    assert result.exit_code == 1
    assert "mark one organisation's Role as Coordinator" in result.stdout


def test_human_output_shows_organisation_names_with_square_brackets_verbatim(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(2, organisation="Šolski center [pilot] Celje")))

    result = run("check", str(path))

    assert "Šolski center [pilot] Celje (SI)" in result.stdout


def test_organisation_name_that_looks_like_markup_does_not_crash_the_check(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(2, organisation="Zavod [/ok] Celje")))

    result = run("check", str(path))

    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0


# ─────────────────────────────────────────── errors ───────────────────────────────────────────


def test_bad_workbook_exits_2_naming_file_and_cell_on_stderr(bad_workbook: Path) -> None:
    result = run("check", str(bad_workbook))

    assert result.exit_code == 2
    assert f"error: {bad_workbook}: Partners!E3: unknown organisation type 'Univerzza'" in result.stderr
    assert result.stdout == ""
    assert_no_traceback(result)


def test_every_problem_of_a_bad_workbook_is_printed(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(call_year="soon"),
                         partners=partners_with(row(2, country="Slovnia"), row(4, pic="12345")))

    result = run("check", str(path))

    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    assert [line.split(": ")[2] for line in lines] == ["Project!B2", "Partners!C2", "Partners!F4"]
    assert all(line.startswith(f"error: {path}: ") for line in lines)


def test_missing_file_exits_2_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.xlsx"

    result = run("check", str(missing))

    assert result.exit_code == 2
    assert f"{missing}: file not found" in result.stderr
    assert_no_traceback(result)


def test_damaged_file_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"%PDF-1.4\n")

    result = run("check", str(path))

    assert result.exit_code == 2
    assert f"{path}: a PDF" in result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize(("names", "code"), [
    (["ka220-vet-eligible.xlsx", "ka210-sch-eligible.xlsx"], 0),
    (["ka220-vet-eligible.xlsx", "ka210-sch-not-eligible.xlsx"], 1),
    (["ka210-sch-not-eligible.xlsx", "ka220-vet-eligible.xlsx"], 1),
    (["ka220-vet-eligible.xlsx", "BAD", "ka210-sch-not-eligible.xlsx"], 2),
    (["BAD", "ka220-vet-eligible.xlsx"], 2),
])
def test_several_workbooks_exit_with_the_highest_code(bad_workbook: Path, names: list[str], code: int) -> None:
    paths = [str(bad_workbook) if n == "BAD" else sample(n) for n in names]

    result = run("check", *paths)

    assert result.exit_code == code
    for n in names:  # every workbook is still checked after a bad or ineligible one
        if n != "BAD":
            assert sample(n) in result.stdout


def test_json_with_several_files_is_a_list_with_errors_as_objects(bad_workbook: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.xlsx"

    result = run("check", "--json", sample("ka220-vet-eligible.xlsx"), str(bad_workbook), str(missing),
                 sample("ka220-vet-not-eligible.xlsx"))

    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 4
    assert data[0]["eligible"] is True and data[3]["eligible"] is False
    assert set(data[1]) == {"file", "error"} and data[1]["file"] == str(bad_workbook)
    assert "Partners!E3: unknown organisation type 'Univerzza'" in data[1]["error"]
    assert data[2] == {"file": str(missing), "error": f"{missing}: file not found"}
    assert_no_traceback(result)


def test_json_with_one_bad_file_is_an_error_object(bad_workbook: Path) -> None:
    result = run("check", "--json", str(bad_workbook))

    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["file"] == str(bad_workbook) and "Partners!E3" in data["error"]


def test_unknown_call_year_for_an_action_exits_2_saying_there_are_no_rules(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(action="AFI-LOT3", call_year=2025))

    result = run("check", str(path))

    assert result.exit_code == 2
    assert "no rules for AFI-LOT3" in result.stderr
    assert "call year 2025" in result.stderr and "2026" in result.stderr  # says which years do have rules
    assert_no_traceback(result)


def test_unknown_action_exits_2_with_a_suggestion(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(action="KA22O-VET"))

    result = run("check", str(path))

    assert result.exit_code == 2
    assert "unknown action 'KA22O-VET'" in result.stderr
    assert_no_traceback(result)


def test_unknown_action_message_names_the_workbook_and_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(action="KA22O-VET"))

    result = run("check", str(path))

    assert f"{path}: Project!B1: unknown action 'KA22O-VET'" in result.stderr


def test_no_rules_message_names_the_workbook(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, project=project_with(action="AFI-LOT3", call_year=2025))

    result = run("check", sample("ka220-vet-eligible.xlsx"), str(path))

    assert str(path) in result.stderr


# ─────────────────────────────────────── the real entry point ───────────────────────────────────────


def run_module(*args: str, columns: str | None = "400") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "KA2FORMS_DEBUG")}
    env["PYTHONIOENCODING"] = "utf-8"
    if columns:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-m", "ka2forms", *args], capture_output=True, text=True,
                          encoding="utf-8", stdin=subprocess.DEVNULL, env=env, cwd=REPO, timeout=120)


def test_console_entry_point_checks_a_sample_and_reports_a_bad_workbook_without_traceback(bad_workbook: Path) -> None:
    good = run_module("check", sample("ka220-vet-eligible.xlsx"))
    bad = run_module("check", str(bad_workbook))

    assert good.returncode == 0, good.stderr
    assert "ELIGIBLE" in good.stdout and "Šolski center Celje" in good.stdout
    assert bad.returncode == 2
    assert f"{bad_workbook}: Partners!E3: unknown organisation type 'Univerzza'" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout


def test_each_problem_is_one_line_on_stderr_when_piped(bad_workbook: Path) -> None:
    result = run_module("check", str(bad_workbook), columns=None)

    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {bad_workbook}: Partners!E3: unknown organisation type 'Univerzza'")


@pytest.mark.parametrize(("as_json", "reader"), [(False, "head -1"), (False, "true"), (True, "true")],
                         ids=["table-head", "table-gone", "json-gone"])
def test_check_piped_into_head_keeps_its_exit_code_without_a_broken_pipe_traceback(as_json: bool,
                                                                                    reader: str) -> None:
    # `ka2forms check *.xlsx | head -1`: the reader goes away after one line; the command must still exit
    # with the verdict's code (0: every workbook here is eligible), not 1 (Rich's own broken-pipe exit) or 3.
    # 8 copies of every eligible sample: about twice what a pipe buffers (64 KiB), so writes hit the closed pipe.
    files = [sample(n) for n in SAMPLE_NAMES if not EXPECTED_FAILING[n]] * 8
    env = {k: v for k, v in os.environ.items() if k not in ("KA2FORMS_DEBUG",)}
    command = [sys.executable, "-m", "ka2forms", "check", *files, *(["--json"] if as_json else [])]
    # a real shell pipe into a real head (or a reader gone before the first line, as a killed head);
    # pipefail: the pipeline's status is ka2forms' own exit code
    proc = subprocess.run(["bash", "-c", f'set -o pipefail; "$@" | {reader}', "bash", *command], capture_output=True,
                          text=True, encoding="utf-8", stdin=subprocess.DEVNULL, env=env, cwd=REPO, timeout=120)
    stderr = proc.stderr
    assert len(proc.stdout.splitlines()) == (1 if reader.startswith("head") else 0)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr


def test_an_internal_error_in_a_multi_file_check_names_the_file_and_the_others_are_checked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a bug met on one workbook of many used to say only "internal error: NotImplementedError: …", no file
    from ka2forms.cli import check as check_module

    real = check_module.check_project
    broken = sample("ka220-vet-not-eligible.xlsx")

    def check_project(project):  # type: ignore[no-untyped-def]
        if project.source == broken:
            raise NotImplementedError("zip file version 14.8")
        return real(project)

    monkeypatch.setattr(check_module, "check_project", check_project)
    result = run("check", sample("ka220-vet-eligible.xlsx"), broken, sample("ka210-sch-eligible.xlsx"))
    assert result.exit_code == 3
    assert f"internal error: {broken}: NotImplementedError: zip file version 14.8" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout.count("ELIGIBLE") >= 2                      # the other two were checked and shown
    as_json = run("check", sample("ka220-vet-eligible.xlsx"), broken, "--json")
    assert as_json.exit_code == 3
    assert json.loads(as_json.stdout)[1] == {"file": broken, "error": "internal error (a bug in ka2forms)"}
