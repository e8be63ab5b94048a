"""LibreOffice Calc with the ka2forms extension: every sample's KA2 formulas calculate and agree with the CLI.

The extension is built from this checkout (addin/build_oxt.py), installed with ``unopkg add`` into a
throwaway profile (as ``nobody`` when running as root: unopkg refuses root without ``--shared``), and Calc is
driven over UNO by tests/excel/calc_driver.py under the system python3.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from tools import require_tool

from ka2forms.cli.check import check
from ka2forms.cli.travel import travel
from ka2forms.excel import udfs
from ka2forms.excel.workbooks import new_workbook
from ka2forms.rules import country_status

ROOT = Path(__file__).parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
DRIVER = Path(__file__).with_name("calc_driver.py")
PREFIX = "ORG.KA2FORMS.KA2ADDIN."


def _as_nobody(cmd: list[str], home: Path) -> list[str]:
    if os.geteuid() != 0:
        return ["env", f"HOME={home}", *cmd]
    return [require_tool("runuser", "apt-get install util-linux"), "-u", "nobody", "--", "env", f"HOME={home}", *cmd]


@pytest.fixture(scope="module")
def calc():
    require_tool("soffice", "apt-get install libreoffice-calc python3-uno")
    unopkg = require_tool("unopkg", "apt-get install libreoffice-core")
    if not (shutil.which("unoidl-write") or os.path.isfile("/usr/lib/libreoffice/sdk/bin/unoidl-write")):
        require_tool("unoidl-write", "apt-get install libreoffice-dev")
    if subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode != 0:
        pytest.skip("the system python3 has no uno module (apt-get install python3-uno)")
    work = Path(tempfile.mkdtemp(prefix="ka2calc-"))  # not pytest's tmp: nobody must reach it
    try:
        for sub in ("home", "profile", "in", "out"):
            (work / sub).mkdir()
        oxt = work / "ka2forms.oxt"
        subprocess.run([sys.executable, str(ROOT / "addin" / "build_oxt.py"), "--out", str(oxt)], check=True,
                       capture_output=True, timeout=300)
        for sample in SAMPLES:
            shutil.copy(sample, work / "in" / sample.name)
        (work / "in" / "new-sl.xlsx").write_bytes(new_workbook("KA220-VET", 2025, "sl"))
        _lang_args_workbook(work / "in" / "lang-args.xlsx")
        shutil.copy(DRIVER, work / "calc_driver.py")
        for p in [work, *work.rglob("*")]:
            os.chmod(p, 0o777 if p.is_dir() else 0o666)
        home, profile = work / "home", work / "profile"
        subprocess.run(_as_nobody([unopkg, "add", f"-env:UserInstallation=file://{profile}", str(oxt)], home),
                       check=True, capture_output=True, timeout=180)
        files = sorted(str(p) for p in (work / "in").glob("*.xlsx"))
        res = subprocess.run(_as_nobody(["/usr/bin/python3", str(work / "calc_driver.py"), str(profile),
                                         str(work / "out"), *files], home), capture_output=True, text=True,
                             timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
        data = json.loads(res.stdout)
        data["saved"] = {p.name: p.read_bytes() for p in (work / "out").glob("*.xlsx")}
        yield data
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: Formulas with the trailing lang argument, and what Python gives for the same call.
LANG_FORMULAS = {
    "A1": ('=KA2_BAND("Ljubljana","Atlantisxx",2025,"sl")', lambda: udfs.KA2_BAND("Ljubljana", "Atlantisxx", 2025,
                                                                                  "sl")),
    "A2": ('=KA2_DISTANCE("Ljubljana","Wien","cs")', lambda: udfs.KA2_DISTANCE("Ljubljana", "Wien", "cs")),
    "A3": ('=KA2_GRANT("AFI-LOT1",2025,7,"de")', lambda: udfs.KA2_GRANT("AFI-LOT1", 2025, 7, "de")),
    "A4": ('=KA2_TRAVEL("Ljubljana","Xyzzyville",2025,FALSE,"cs")',
           lambda: udfs.KA2_TRAVEL("Ljubljana", "Xyzzyville", 2025, False, "cs")),
}


def _lang_args_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    for ref, (formula, _) in LANG_FORMULAS.items():
        wb.active[ref] = formula
    wb.save(path)


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def _calc_bool(v: object) -> float:
    return 1.0 if v else 0.0


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_ka2_formula_of_a_sample_is_bound_to_the_add_in_and_calculates(sample, calc):
    sheets = calc["files"][sample.name]
    ka2 = {(s, ref): c for s, cells in sheets.items() for ref, c in cells.items() if "KA2_" in c["formula"].upper()}
    assert ka2
    for (sheet, ref), c in ka2.items():
        assert PREFIX in c["formula"], f"{sheet}!{ref}: {c['formula']} was not rewritten"
        value = c["value"]
        assert not (isinstance(value, str) and (value.startswith(("#", "Err:", "KA2:")))), (sheet, ref, value)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_calc_agrees_with_ka2forms_check_json(sample, calc):
    expected = json.loads(_runner().invoke(check, [str(sample), "--json"]).stdout)
    cells = calc["files"][sample.name]["Checks"]
    assert cells["B1"]["value"] == _calc_bool(expected["eligible"])
    ok = {c["description"]: c["ok"] for c in expected["criteria"]}
    row = 7
    while f"A{row}" in cells and cells[f"A{row}"]["value"] not in ("", None):
        assert cells[f"D{row}"]["value"] == _calc_bool(ok[cells[f"A{row}"]["value"]]), row
        row += 1
    assert row > 8


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_calc_agrees_with_ka2forms_travel_json_and_the_country_status(sample, calc):
    sheets = calc["files"][sample.name]
    wb = openpyxl.load_workbook(sample)
    year = wb["Project"]["B2"].value
    travel_ws = wb["Travel"]
    for r in range(2, travel_ws.max_row + 1):
        origin, venue = travel_ws[f"A{r}"].value, travel_ws[f"B{r}"].value
        if not origin or not isinstance(venue, str) or f"C{r}" not in sheets["Travel"]:
            continue
        d = json.loads(_runner().invoke(travel, [origin, venue, "--year", str(year), "--json"]).stdout)
        got = [sheets["Travel"][f"{c}{r}"]["value"] for c in "CDEG"]
        cost = d["unit_cost_eur"] if d["unit_cost_eur"] is not None else 0.0  # KA2_TRAVEL: 0 below 10 km
        assert got == [round(d["distance_km"], 2), d["band"], cost, cost], r
    partners = wb["Partners"]
    country_col = next(c.column_letter for c in partners[1] if c.value in ("Country", "Država", "Země"))
    for r in range(2, partners.max_row + 1):
        want = country_status(partners[f"{country_col}{r}"].value, year).describe()
        assert sheets["Partners"][f"I{r}"]["value"] == want


def test_the_blank_workbook_calculates_in_calc_too(calc):
    cells = calc["files"]["new-sl.xlsx"]["Preverjanje"]
    assert PREFIX in cells["B1"]["formula"]
    assert cells["B2"]["value"] == udfs.KA2_VERSION()
    assert cells["B1"]["value"].startswith("KA2: ")  # no partners yet: the message, not #NAME?


def test_the_trailing_lang_argument_works_in_calc_as_in_python(calc):
    cells = next(iter(calc["files"]["lang-args.xlsx"].values()))
    for ref, (_formula, expected) in LANG_FORMULAS.items():
        assert PREFIX in cells[ref]["formula"], ref
        got, want = cells[ref]["value"], expected()
        if isinstance(want, str):     # a message: its suggestions may differ (the extension's matcher), not its words
            got, want = got.split(" — ")[0], want.split(" — ")[0]
        assert got == want, ref
    assert cells["A1"]["value"].startswith("KA2: polje 'do': ")      # Slovenian, not English


def test_a_file_saved_by_calc_keeps_values_but_its_formulas_name_the_calc_add_in(calc):
    """What Excel then sees (documented in addin/README.md): values, and formulas Excel cannot resolve."""
    import io

    saved = calc["saved"]["ka220-vet-eligible.xlsx"]
    formulas = openpyxl.load_workbook(io.BytesIO(saved))["Checks"]
    values = openpyxl.load_workbook(io.BytesIO(saved), data_only=True)["Checks"]
    assert formulas["B1"].value.startswith(f"={PREFIX}KA2_ELIGIBLE(PartnersTable,")
    assert values["B1"].value == 1  # a number, not TRUE: Calc has no boolean type


def test_speed_first_call_and_a_thousand_single_cell_formulas(calc):
    t = calc["timings"]
    assert t["first_value"] == udfs.KA2_DISTANCE("Ljubljana", "Wien")
    pairs = t["pairs"]
    assert t["values"] == [udfs.KA2_DISTANCE(a, b) for a, b in pairs]
    print(f"Calc: first call {t['first_call_s']:.2f} s after start, 1000 formulas {t['recalc_1000_s']:.2f} s")


def test_every_function_has_its_calc_help_in_english_slovenian_czech_and_german():
    sys.path.insert(0, str(ROOT / "addin"))
    import build_oxt

    funcs = {f["name"]: f for f in build_oxt.functions()}
    assert sorted(funcs) == sorted(udfs.__all__)
    for name, f in funcs.items():
        assert all(f["description"][lang].strip() for lang in ("en", "sl", "cs", "de")), name
        for a in f["args"]:
            assert all(len(a[lang]) == 2 and all(a[lang]) for lang in ("en", "sl", "cs", "de")), (name, a["name"])
    assert "Česko" not in funcs["KA2_TRAVEL"]["description"]["sl"]  # the translations are not the English text
    assert funcs["KA2_TRAVEL"]["description"]["sl"] != funcs["KA2_TRAVEL"]["description"]["en"]


def test_the_idl_declares_any_arguments_and_two_dimensional_results():
    sys.path.insert(0, str(ROOT / "addin"))
    import build_oxt

    source = build_oxt.idl(build_oxt.functions())
    assert "sequence< sequence< any > > KA2_TRAVEL([in] any fromPlace, [in] any toPlace, [in] any callYear, " \
           "[in] any green, [in] any lang);" in source
    assert source.count("sequence< sequence< any > > KA2_") == len(udfs.__all__)


def test_the_extension_build_is_reproducible(tmp_path):
    if not (shutil.which("unoidl-write") or os.path.isfile("/usr/lib/libreoffice/sdk/bin/unoidl-write")):
        require_tool("unoidl-write", "apt-get install libreoffice-dev")
    digests = []
    for name in ("a.oxt", "b.oxt"):
        subprocess.run([sys.executable, str(ROOT / "addin" / "build_oxt.py"), "--out", str(tmp_path / name)],
                       check=True, capture_output=True, timeout=300)
        digests.append((tmp_path / name).read_bytes())
    assert digests[0] == digests[1]
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.oxt") as z:
        names = set(z.namelist())
    assert {"META-INF/manifest.xml", "XKa2.rdb", "ka2forms_calc.py", "Jobs.xcu", "description.xml",
            "pythonpath/ka2forms_calc_texts.py", "pythonpath/ka2forms/udfs.py", "pythonpath/yaml/__init__.py"} <= names
    assert not any(n.endswith((".so", ".pyc")) for n in names)  # pure Python only: any LibreOffice's Python


def test_libreoffice_reads_the_add_ins_vba_project_with_every_module_and_wrapper():
    """A second, independent MS-OVBA reader (LibreOffice's VBA import) on the ms-ovba-built vbaProject.bin."""
    import io
    import zipfile

    require_tool("soffice", "apt-get install libreoffice-calc python3-uno")
    if subprocess.run(["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode != 0:
        pytest.skip("the system python3 has no uno module (apt-get install python3-uno)")
    work = Path(tempfile.mkdtemp(prefix="ka2vba-"))
    try:
        (work / "home").mkdir()
        (work / "profile").mkdir()
        book = work / "ka2forms.xlsm"  # Calc opens an add-in only as a visible macro workbook
        out = io.BytesIO()
        with zipfile.ZipFile(ROOT / "addin" / "ka2forms.xlam") as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                                        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                dst.writestr(info, data)
        book.write_bytes(out.getvalue())
        shutil.copy(DRIVER, work / "calc_driver.py")
        for p in [work, *work.rglob("*")]:
            os.chmod(p, 0o777 if p.is_dir() else 0o666)
        res = subprocess.run(_as_nobody(["/usr/bin/python3", str(work / "calc_driver.py"), "--basic",
                                         str(work / "profile"), str(book)], work / "home"),
                             capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
        modules = json.loads(res.stdout)["ka2forms.xlsm"]["VBAProject"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert set(modules) == {"ThisWorkbook", "Sheet2", "Dictionary", "xlwings", "RibbonMyAddin", "ka2forms_udfs"}
    for name in udfs.__all__:
        assert f'XLPy.CallUDF("ka2forms.udfs", "{name}"' in modules["ka2forms_udfs"], name
    assert "Sub RunCheck(control As IRibbonControl)" in modules["RibbonMyAddin"]
    assert "Public Function RunPython(PythonCommand As String)" in modules["xlwings"]
