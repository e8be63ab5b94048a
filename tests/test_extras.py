"""Optional parts: a command that needs a missing extra says which one to install (exit 2), never a traceback.

The missing library is simulated the way Python sees a missing module: ``sys.modules[name] = None`` makes its
import raise ``ImportError`` and ``importlib.util.find_spec`` return ``None``. The real thing, a wheel
installed without extras in a fresh virtual environment, is in ``tests/test_core_install.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ka2forms.cli import main
from ka2forms.errors import MissingExtraError
from ka2forms.extras import EXTRAS, require

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "ka220-vet-eligible.xlsx"
FORM = REPO / "samples" / "forms" / "partner-mandate.pdf"
MAP = REPO / "samples" / "forms" / "partner-mandate.map.yaml"
# Imported only by the annex or the forms; the core (check, travel, rules, worksheet functions) must not.
HEAVY = ("jinja2", "babel", "docxtpl", "docx", "weasyprint", "pypdf", "pikepdf", "fontTools")


def missing(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for m in modules:
        monkeypatch.setitem(sys.modules, m, None)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_names_extra(result: Result, extra: str, module: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"pip install 'ka2forms[{extra}]'" in result.stderr
    assert f"missing: {module}" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_missing_extra_error_exits_2_and_names_the_extra() -> None:
    e = MissingExtraError("Word annexes", "annex", missing="docxtpl")
    assert e.exit_code == 2
    assert "ka2forms[annex]" in str(e) and "docxtpl" in str(e)


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_require_names_the_first_missing_module(extra: str, monkeypatch: pytest.MonkeyPatch) -> None:
    require(extra, "x")                                         # installed here (make install: ka2forms[all])
    module = EXTRAS[extra][-1]
    missing(monkeypatch, module)
    with pytest.raises(MissingExtraError) as e:
        require(extra, "x")
    assert e.value.extra == extra and f"missing: {module}" in str(e.value)


@pytest.mark.parametrize(("suffix", "module"), [(".docx", "docxtpl"), (".pdf", "weasyprint"), (".html", "jinja2"),
                                                (".md", "babel")])
def test_annex_without_its_extra_exits_2_naming_ka2forms_annex(tmp_path: Path, suffix: str, module: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    missing(monkeypatch, module)
    out = tmp_path / f"annex{suffix}"
    assert_names_extra(run("annex", str(SAMPLE), "-o", str(out)), "annex", module)
    assert not out.exists()


@pytest.mark.parametrize("module", ["pypdf", "pikepdf", "fontTools"])
def test_fill_without_the_forms_extra_exits_2_naming_ka2forms_forms(tmp_path: Path, module: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    missing(monkeypatch, module)
    result = run("fill", str(SAMPLE), "--form", str(FORM), "--map", str(MAP), "-o", str(tmp_path / "out"))
    assert_names_extra(result, "forms", module)
    assert not (tmp_path / "out").exists()


def test_fields_without_the_forms_extra_exits_2_naming_ka2forms_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    missing(monkeypatch, "pypdf")
    assert_names_extra(run("fields", str(FORM)), "forms", "pypdf")


def test_convert_without_an_extra_stops_before_any_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing(monkeypatch, "pikepdf")
    result = run("convert", str(SAMPLE), "-o", str(tmp_path / "out"), "--form", str(FORM), "--map", str(MAP))
    assert_names_extra(result, "forms", "pikepdf")
    assert not (tmp_path / "out" / SAMPLE.stem).exists()


def test_check_and_travel_need_no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    missing(monkeypatch, *HEAVY, "rapidfuzz")
    assert run("check", str(SAMPLE), "--json").exit_code == 0
    assert run("travel", "Ljubljana", "Wien", "--year", "2025", "--json").exit_code == 0
    assert run("rules", "--action", "KA220-VET", "--year", "2025").exit_code == 0


CORE_RUN = """
import sys
from ka2forms.cli import main
import ka2forms.udfs as u
assert u.KA2_TRAVEL("Ljubljana", "Wien", 2025.0) == 211.0
for args in (["check", {sample!r}], ["travel", "Ljubljana", "Wien"], ["rules"]):
    try:
        main(args)
    except SystemExit as e:
        assert e.code in (0, 1), (args, e.code)
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def test_the_core_does_not_import_the_annex_or_forms_libraries() -> None:
    # what a cold `ka2forms check` or a worksheet function pays for, and what Pyodide could not load
    code = "import json\n" + CORE_RUN.format(sample=str(SAMPLE), heavy=HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
