"""``pip install ka2forms`` without extras is the pure-Python core, and it runs: a real wheel in a fresh venv.

The wheel is built from a copy of the source tree and installed with its declared dependencies only (from
the package index) into a new virtual environment; then the core runs there as a user would run it: a
check of a sample, a travel distance, a worksheet function. The commands that need an extra must say which
one (exit 2), and nothing compiled may have come in except PyYAML's optional libyaml binding, which
PyYAML does without (Pyodide and LibreOffice's Python use its pure-Python parser).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "ka220-vet-not-eligible.xlsx"
FORM = REPO / "samples" / "forms" / "partner-mandate.pdf"
SKIP = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "out", "*.egg-info", "__pycache__", ".*cache")
# Optional compiled speed-ups a pure-Python package may ship and does not need.
OPTIONAL_BINARIES = {"yaml"}


def sh(*args: str | Path, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, encoding="utf-8", cwd=cwd,
                          env=env, timeout=600, stdin=subprocess.DEVNULL)
    if check:
        assert proc.returncode == 0, f"{args}: exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the ka2forms wheel and nothing else but its core dependencies."""
    root = tmp_path_factory.mktemp("core-install")
    src = root / "src"
    shutil.copytree(REPO, src, ignore=SKIP)
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", src)
    wheels = list((root / "dist").glob("ka2forms-*.whl"))
    assert len(wheels) == 1, wheels
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    sh(bin_dir / "python", "-m", "pip", "install", "-q", wheels[0])
    return bin_dir


def installed(bin_dir: Path) -> set[str]:
    out = sh(bin_dir / "python", "-m", "pip", "list", "--format=json").stdout
    return {d["name"].lower() for d in json.loads(out)}


def test_bare_install_brings_no_extra(core: Path) -> None:
    names = installed(core)
    assert {"ka2forms", "openpyxl", "pyyaml", "click", "rich"} <= names
    for extra_only in ("jinja2", "babel", "docxtpl", "weasyprint", "pypdf", "pikepdf", "fonttools", "rapidfuzz"):
        assert extra_only not in names


def test_bare_install_has_only_pure_python_dependencies(core: Path) -> None:
    site = Path(sh(core / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    compiled = {p.relative_to(site).parts[0] for p in site.rglob("*") if p.suffix in (".so", ".pyd")}
    compiled = {c for c in compiled if not c.startswith(("pip", "setuptools", "_distutils_hack"))}
    assert compiled <= OPTIONAL_BINARIES, compiled


def test_bare_install_checks_a_sample(core: Path) -> None:
    proc = sh(core / "ka2forms", "check", SAMPLE, "--json", check=False)
    assert proc.returncode == 1, proc.stderr                     # the sample is not eligible, by design
    result = json.loads(proc.stdout)
    assert result["eligible"] is False
    assert {c["id"] for c in result["criteria"] if not c["ok"]} == {"min-countries", "grant"}


def test_bare_install_measures_travel_and_suggests_without_rapidfuzz(core: Path) -> None:
    result = json.loads(sh(core / "ka2forms", "travel", "Ljubljana", "Wien", "--year", "2025", "--json").stdout)
    assert result["band"] == "100-499" and result["unit_cost_eur"] == 211
    typo = sh(core / "ka2forms", "travel", "Ljubljna", "Wein", check=False)
    assert typo.returncode == 2 and "Ljubljana" in typo.stderr and "Traceback" not in typo.stderr


def test_bare_install_runs_the_worksheet_functions(core: Path) -> None:
    code = ("import ka2forms.udfs as u; print(u.KA2_TRAVEL('Ljubljana', 'Wien', 2025.0)); "
            "print(u.KA2_COUNTRY('Srbija', 2018))")
    lines = sh(core / "python", "-c", code).stdout.splitlines()
    assert lines[0] == "211.0" and lines[1]


@pytest.mark.parametrize(("args", "extra"), [
    (["annex", str(SAMPLE), "--format", "html", "-o", "{tmp}/a.html"], "annex"),
    (["fields", str(FORM)], "forms"),
])
def test_bare_install_names_the_extra_a_command_needs(core: Path, tmp_path: Path, args: list[str],
                                                       extra: str) -> None:
    proc = sh(core / "ka2forms", *[a.replace("{tmp}", str(tmp_path)) for a in args], check=False)
    assert proc.returncode == 2, proc.stderr
    assert f"pip install 'ka2forms[{extra}]'" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir())


def test_bare_install_lists_every_command_in_its_help(core: Path) -> None:
    # --help imports every command's module: none of them may need an extra just to be listed
    out = sh(core / "ka2forms", "--help").stdout
    for command in ("check", "rules", "travel", "budget", "annex", "fields", "fill", "convert"):
        assert f"  {command} " in out, out
