"""xlwings Lite: the shipped main.py runs the real worksheet functions in Pyodide and agrees with CPython."""

from __future__ import annotations

import inspect
import json

import openpyxl
import pytest
from tools import require_tool

from ka2forms import udfs

from .lite import INSTALL, MAIN, ROOT, build_wheel, pyodide_dir, run, yaml_zip

SAMPLE = ROOT / "samples" / "afi-lot1-not-eligible.xlsx"


def test_main_py_is_the_generated_one():
    import sys

    sys.path.insert(0, str(ROOT / "addin" / "lite"))
    import build_main

    assert MAIN.read_text(encoding="utf-8") == build_main.render(), \
        "addin/lite/main.py is stale: run python addin/lite/build_main.py and commit it"


@pytest.mark.parametrize("name", udfs.__all__)
def test_main_py_offers_every_worksheet_function_with_its_arguments(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_main", MAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # xlwings' decorators do nothing outside Excel
    ours = inspect.signature(inspect.unwrap(getattr(udfs, name)))
    lite = inspect.signature(getattr(module, name))
    assert list(lite.parameters) == list(ours.parameters)
    assert [p.default is inspect.Parameter.empty for p in lite.parameters.values()] == \
           [p.default is inspect.Parameter.empty for p in ours.parameters.values()]


@pytest.fixture(scope="module")
def pyodide(tmp_path_factory):
    node = require_tool("node", "apt-get install nodejs npm")
    folder = pyodide_dir()
    if folder is None:
        pytest.skip(f"pyodide not installed ({INSTALL})")
    work = tmp_path_factory.mktemp("pyodide")
    return node, folder, build_wheel(work), yaml_zip(work), work


def _partner_rows() -> list[list[object]]:
    ws = openpyxl.load_workbook(SAMPLE, data_only=True)["Partners"]
    return [[c.value for c in row] for row in ws[ws.tables["PartnersTable"].ref]]


def test_the_functions_run_in_pyodide_and_agree_with_cpython(pyodide):
    node, folder, wheel, yaml, work = pyodide
    rows = _partner_rows()
    script = f"""
import json, time
t = time.perf_counter()
import main
imported = time.perf_counter() - t
t = time.perf_counter()
distance = main.KA2_DISTANCE("Ljubljana", "Wien")
first = time.perf_counter() - t
rows = json.loads({json.dumps(json.dumps(rows))})
json.dumps({{"import_s": imported, "first_call_s": first, "distance": distance,
            "travel": main.KA2_TRAVEL("Ljubljana", "Wien", 2025),
            "travel_green": main.KA2_TRAVEL("Ljubljana", "Wien", 2025, True),
            "travel_column": main.KA2_TRAVEL([["Ljubljana"], ["Brno, CZ"]], [["Wien"], ["Graz"]], 2025),
            "eligible": main.KA2_ELIGIBLE(rows, "AFI-LOT1", 2025),
            "check": main.KA2_CHECK(rows, "AFI-LOT1", 2025),
            "unknown": main.KA2_DISTANCE("Ljubljana", "Atlantisgrad"),
            "version": main.KA2_VERSION()}})
"""
    out = run(node, folder, wheel, yaml, script, work)
    got = out["result"]
    assert out["python"].startswith("3.")  # Pyodide's own interpreter, not this one
    assert got["distance"] == udfs.KA2_DISTANCE("Ljubljana", "Wien") == pytest.approx(278.36, abs=0.01)
    assert got["travel"] == udfs.KA2_TRAVEL("Ljubljana", "Wien", 2025)
    assert got["travel_green"] == udfs.KA2_TRAVEL("Ljubljana", "Wien", 2025, True)
    assert got["travel_column"] == udfs.KA2_TRAVEL([["Ljubljana"], ["Brno, CZ"]], [["Wien"], ["Graz"]], 2025)
    assert got["eligible"] is udfs.KA2_ELIGIBLE(rows, "AFI-LOT1", 2025) is False
    assert got["check"] == udfs.KA2_CHECK(rows, "AFI-LOT1", 2025)
    # The message agrees; the "did you mean" list may not: rapidfuzz (CPython) vs the pure-Python fallback.
    said = udfs.KA2_DISTANCE("Ljubljana", "Atlantisgrad")
    assert got["unknown"].split(" — ")[0] == said.split(" — ")[0] == "KA2: field 'to': unknown place 'Atlantisgrad'"
    assert got["version"] == udfs.KA2_VERSION()
    print(f"pyodide load {out['load_s']:.2f} s, import {got['import_s']:.2f} s, "
          f"first call {got['first_call_s']:.2f} s")
