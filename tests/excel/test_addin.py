"""The Excel add-in: built reproducibly from xlwings' template, ribbon wired to the macro, UDFs importable."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).parents[2]
XLAM = ROOT / "addin" / "ka2forms.xlam"
NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}


def _build(out: Path) -> str:
    subprocess.run([sys.executable, str(ROOT / "addin" / "build_xlam.py"), "--out", str(out)], check=True,
                   capture_output=True)
    return hashlib.sha256(out.read_bytes()).hexdigest()


def test_the_build_is_reproducible_and_matches_the_committed_add_in(tmp_path):
    first, second = _build(tmp_path / "a.xlam"), _build(tmp_path / "b.xlam")
    assert first == second
    with zipfile.ZipFile(XLAM) as committed, zipfile.ZipFile(tmp_path / "a.xlam") as built:
        assert {i.filename: committed.read(i) for i in committed.infolist()} == \
               {i.filename: built.read(i) for i in built.infolist()}


def test_the_add_in_is_a_valid_zip_with_the_ribbon_part_linked():
    with zipfile.ZipFile(XLAM) as z:
        assert z.testzip() is None
        rels = z.read("_rels/.rels").decode()
        assert "customUI/customUI.xml" in rels and "ui/extensibility" in rels
        ElementTree.fromstring(z.read("customUI/customUI.xml"))  # well-formed


def test_the_ribbon_has_a_ka2_tab_whose_button_runs_the_macro_that_imports_ka2forms():
    with zipfile.ZipFile(XLAM) as z:
        ui = ElementTree.fromstring(z.read("customUI/customUI.xml"))
    tab = ui.find(".//ui:tab", NS)
    assert tab.get("label") == "KA2"
    button = tab.find(".//ui:button", NS)
    assert button.get("label") == "Generate annex"
    assert button.get("onAction") == "RibbonMyAddin.RunMain"


def test_the_vba_project_is_the_templates_and_runmain_imports_the_module_named_like_the_file():
    import xlwings
    from oletools.olevba import VBA_Parser

    template = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    with zipfile.ZipFile(XLAM) as ours, zipfile.ZipFile(template) as theirs:
        assert ours.read("xl/vbaProject.bin") == theirs.read("xl/vbaProject.bin")
    parser = VBA_Parser(str(XLAM))
    code = {name: text for (_, _, name, text) in parser.extract_macros()}
    runmain = code["RibbonMyAddin.bas"]
    assert "Sub RunMain(control As IRibbonControl)" in runmain
    assert '".main()"' in runmain.replace(" & ", "")  # import <file name>; <file name>.main()
    assert XLAM.stem == "ka2forms"


def test_the_configuration_sheet_is_active_and_names_the_udf_module():
    import openpyxl

    with zipfile.ZipFile(XLAM) as z:
        data = z.read("xl/workbook.xml")
    assert b'<sheet name="myaddin.conf"' in data
    wb = openpyxl.load_workbook(io.BytesIO(_as_xlsx(XLAM)))
    ws = wb["myaddin.conf"]
    config = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert config["UDF Modules"] == "ka2forms.udfs"


def _as_xlsx(path: Path) -> bytes:
    """openpyxl refuses the macro content type; give it the same parts as a plain workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.ms-excel.addin.macroEnabled.main+xml",
                                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
            dst.writestr(info, data)
    return out.getvalue()


def test_xlwings_own_vba_wrapper_generator_accepts_every_ka2_function():
    """Run xlwings.udfs.generate_vba_wrapper (what "Import Functions" does) with the COM modules stubbed."""
    script = textwrap.dedent("""
        import io, sys, types
        for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
            sys.modules[name] = types.ModuleType(name)
        sys.modules["pythoncom"].CoInitialize = lambda: None
        sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
        sys.modules["win32com"].client = sys.modules["win32com.client"]
        import xlwings, xlwings.udfs as xu
        xlwings.func, xlwings.arg, xlwings.ret, xlwings.sub = xu.xlfunc, xu.xlarg, xu.xlret, xu.xlsub
        import ka2forms.udfs as m
        out = io.StringIO()
        xu.generate_vba_wrapper("ka2forms.udfs", m, out, types.SimpleNamespace(Name="ka2forms.xlam"))
        print(out.getvalue())
    """)
    vba = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    for signature in ("Function KA2_ELIGIBLE(partners, action, call_year, Optional lang)",
                      "Function KA2_CHECK(partners, action, call_year, Optional lang)",
                      "Function KA2_COUNTRY(country, Optional call_year, Optional lang)",
                      "Function KA2_GRANT(action, Optional call_year, Optional duration)",
                      "Function KA2_VERSION()"):
        assert signature in vba, signature
    assert 'XLPy.CallUDF("ka2forms.udfs", "KA2_ELIGIBLE"' in vba
    assert "ActiveWorkbook" in vba  # add-in UDFs work on the active workbook


@pytest.mark.skipif(sys.platform.startswith("win"), reason="on Windows xlwings registers real UDFs")
def test_the_udf_module_imports_without_excel():
    import ka2forms.udfs

    assert callable(ka2forms.udfs.KA2_ELIGIBLE)
