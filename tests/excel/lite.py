"""Run Python against the ka2forms wheel inside Pyodide under Node: the xlwings Lite route, checked in CI.

Shared by tests/excel/test_lite.py and bench/bench_pyodide.py. Pyodide comes from the npm package
``pyodide`` (``.ci/run`` installs it under ``.cache/pyodide``; ``KA2FORMS_PYODIDE`` overrides the folder).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
RUNNER = ROOT / "addin" / "lite" / "run_pyodide.mjs"
MAIN = ROOT / "addin" / "lite" / "main.py"
PYODIDE_VERSION = "314.0.8"
INSTALL = f"npm install --prefix .cache/pyodide pyodide@{PYODIDE_VERSION}"


def pyodide_dir() -> Path | None:
    folder = Path(os.environ.get("KA2FORMS_PYODIDE", ROOT / ".cache" / "pyodide" / "node_modules" / "pyodide"))
    return folder if (folder / "pyodide.mjs").is_file() else None


def build_wheel(out: Path) -> Path:
    """The ka2forms wheel, as pip builds it from this checkout (no dependencies)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    return next(out.glob("ka2forms-*.whl"))


def yaml_zip(out: Path) -> Path:
    """PyYAML's pure-Python package (its optional C extension left out: Pyodide cannot load it)."""
    import yaml

    folder = Path(yaml.__file__).parent
    path = out / "yaml.zip"
    with zipfile.ZipFile(path, "w") as z:
        for f in sorted(folder.glob("*.py")):
            z.write(f, f"yaml/{f.name}")
    return path


def run(node: str, folder: Path, wheel: Path, yaml: Path, script: str, work: Path) -> dict[str, Any]:
    """Run ``script`` (its last expression a JSON string) after ``import main`` is possible; its result."""
    path = work / "script.py"
    path.write_text(script, encoding="utf-8")
    res = subprocess.run([node, str(RUNNER), str(folder), str(wheel), str(yaml), str(MAIN), str(path)],
                         capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise AssertionError(f"pyodide run failed:\n{res.stderr[-3000:]}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))
