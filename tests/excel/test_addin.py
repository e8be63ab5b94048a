"""The Excel add-in, checked without Excel: its VBA project decompiled with oletools, its ribbon and conf sheet.

What these tests cannot show is Excel compiling and running the VBA: addin/README.md says what needs Windows.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ka2forms import udfs

ROOT = Path(__file__).parents[2]
XLAM = ROOT / "addin" / "ka2forms.xlam"
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
sys.path.insert(0, str(ROOT / "addin"))

import build_xlam  # noqa: E402
from ovba_compress import compress  # noqa: E402


def _build(out: Path) -> str:
    subprocess.run([sys.executable, str(ROOT / "addin" / "build_xlam.py"), "--out", str(out)], check=True,
                   capture_output=True)
    return hashlib.sha256(out.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def modules() -> dict[str, str]:
    """The committed add-in's VBA modules as oletools decompiles them, by module name."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(XLAM))
    try:
        return {name.rsplit(".", 1)[0]: code for (_, _, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def _signature(fn) -> str:
    params = inspect.signature(inspect.unwrap(fn)).parameters.values()
    return ", ".join(("Optional " if p.default is not inspect.Parameter.empty else "") + p.name for p in params)


# ───────────────────────────── build ─────────────────────────────


def test_the_build_is_reproducible_and_matches_the_committed_add_in(tmp_path):
    first, second = _build(tmp_path / "a.xlam"), _build(tmp_path / "b.xlam")
    assert first == second
    with zipfile.ZipFile(XLAM) as committed, zipfile.ZipFile(tmp_path / "a.xlam") as built:
        assert {i.filename: committed.read(i) for i in committed.infolist()} == \
               {i.filename: built.read(i) for i in built.infolist()}, \
            "addin/ka2forms.xlam is stale: run python addin/build_xlam.py and commit it"


def test_every_module_decompiles_to_exactly_the_source_the_build_wrote(modules):
    template = build_xlam.template_path()
    expected = {name: source for name, _, source in build_xlam.vba_sources(template)}
    assert set(modules) == set(expected)
    for name, source in expected.items():
        assert modules[name].replace("\r\n", "\n").rstrip() == source.replace("\r\n", "\n").rstrip(), name


@pytest.mark.parametrize("data", [
    b"", b"x", b"abc" * 5000, bytes(range(256)) * 40,
    (ROOT / "ka2forms" / "excel" / "udfs.py").read_bytes(),
], ids=["empty", "one-byte", "repetitive", "incompressible-chunks", "source-text"])
def test_the_vba_compressor_round_trips_through_oletools_independent_decompressor(data):
    """Regression: ms-ovba-compression 1.0.1 garbled every module longer than a few hundred bytes."""
    from oletools.olevba import decompress_stream

    assert decompress_stream(bytearray(compress(data))) == data


# ───────────────────────────── worksheet functions ─────────────────────────────


@pytest.mark.parametrize("name", udfs.__all__)
def test_every_worksheet_function_has_a_wrapper_that_calls_into_python(name, modules):
    code = modules["ka2forms_udfs"]
    fn = getattr(udfs, name)
    args = [p.name for p in inspect.signature(inspect.unwrap(fn)).parameters.values()]
    assert re.search(rf"^Function {name}\({re.escape(_signature(fn))}\)\r?$", code, re.M), name
    call = f'{name} = XLPy.CallUDF("ka2forms.udfs", "{name}", Array({", ".join(args)}), ActiveWorkbook, ' \
           "Application.Caller)"
    assert call in code
    assert f"{name} = Err.Description" in code  # a VBA-side failure shows as text, not a crash
    assert re.search(rf'MacroOptions Macro:="{name}", Description:=".+", Category:="KA2 \(Erasmus\+\)"', code)


def test_the_wrappers_are_exactly_what_xlwings_generates_for_the_module(modules):
    """The drift check: a changed function signature without a rebuilt add-in fails here."""
    vba, functions = build_xlam.udf_module()
    assert modules["ka2forms_udfs"].replace("\r\n", "\n").rstrip() == vba.replace("\r\n", "\n").rstrip()
    assert sorted(f["name"] for f in functions) == sorted(udfs.__all__)


def test_the_workbook_registers_the_function_descriptions_when_the_add_in_opens(modules):
    this = modules["ThisWorkbook"]
    assert re.search(r"Private Sub Workbook_Open\(\)\s+'.*\s+On Error Resume Next\s+RegisterFunctions", this)
    assert "Sub RegisterFunctions()" in modules["ka2forms_udfs"]


def test_the_vba_is_the_pinned_xlwings_version(modules):
    xlwings_bas = modules["xlwings"]
    assert f'XLWINGS_VERSION As String = "{build_xlam.XLWINGS_PIN}"' in xlwings_bas
    assert f'"xlwings64-{build_xlam.XLWINGS_PIN}.dll"' in xlwings_bas
    assert 'PROJECT_NAME As String = "myaddin"' in xlwings_bas


# ───────────────────────────── ribbon ─────────────────────────────


def _ribbon() -> ElementTree.Element:
    with zipfile.ZipFile(XLAM) as z:
        return ElementTree.fromstring(z.read("customUI/customUI.xml"))


def test_the_add_in_is_a_valid_zip_with_the_ribbon_part_linked():
    with zipfile.ZipFile(XLAM) as z:
        assert z.testzip() is None
        rels = z.read("_rels/.rels").decode()
        assert "customUI/customUI.xml" in rels and "ui/extensibility" in rels


# [MS-CUSTOMUI] 2006/01 schema, the part of it this ribbon uses: element nesting, allowed attributes, types.
_CHILDREN = {"customUI": {"ribbon"}, "ribbon": {"tabs"}, "tabs": {"tab"}, "tab": {"group"}, "group": {"button"},
             "button": set()}
_ATTRIBUTES = {"customUI": set(), "ribbon": set(), "tabs": set(), "tab": {"id", "label"},
               "group": {"id", "label"}, "button": {"id", "label", "size", "imageMso", "screentip", "supertip",
                                                    "onAction"}}
_LIMITS = {"label": 1024, "screentip": 1024, "supertip": 1024, "imageMso": 1024, "onAction": 1024}


def test_the_ribbon_xml_follows_the_custom_ui_schema_rules_it_uses():
    ui = _ribbon()
    ids: list[str] = []
    for el in ui.iter():
        tag = el.tag.removeprefix(NS)
        assert el.tag.startswith(NS) and tag in _CHILDREN, el.tag
        assert {c.tag.removeprefix(NS) for c in el} <= _CHILDREN[tag], tag
        assert set(el.attrib) <= _ATTRIBUTES[tag], (tag, el.attrib)
        for key, value in el.attrib.items():
            assert 1 <= len(value) <= _LIMITS.get(key, 1024), (tag, key)
        if "id" in el.attrib:
            assert re.fullmatch(r"[A-Za-z_][\w.-]*", el.attrib["id"])  # xsd:ID is an NCName
            ids.append(el.attrib["id"])
        if tag == "button":
            assert el.get("size", "normal") in ("normal", "large") and {"id", "label", "onAction"} <= set(el.attrib)
    assert len(ids) == len(set(ids))  # IDs are unique in the document


def test_the_ribbon_has_check_consortium_beside_generate_annex_each_wired_to_a_macro_with_the_callback_signature(
        modules):
    tab = _ribbon().find(f".//{NS}tab")
    assert tab.get("label") == "KA2"
    buttons = {b.get("label"): b.get("onAction") for b in tab.iter(f"{NS}button")}
    assert buttons == {"Check consortium": "RibbonMyAddin.RunCheck", "Generate annex": "RibbonMyAddin.RunMain"}
    for target in buttons.values():
        module, sub = target.split(".")
        assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", modules[module], re.M), target


def test_the_buttons_run_fixed_python_entry_points_whatever_the_add_in_file_is_called(modules):
    """Regression: RunMain imported the module named after the file, so "ka2forms (1).xlam" broke."""
    ribbon = modules["RibbonMyAddin"]
    assert "ThisWorkbook.Name" not in ribbon and "ActiveWorkbook.Name" not in ribbon
    commands = re.findall(r'RunPython "([^"]+)"', ribbon)
    assert commands == ["import ka2forms; ka2forms.main()",
                        "import ka2forms.excel.ribbon as ka2ribbon; ka2ribbon.check_consortium()"]
    import ka2forms

    assert callable(ka2forms.main)
    assert callable(importlib.import_module("ka2forms.excel.ribbon").check_consortium)


# ───────────────────────────── configuration sheet ─────────────────────────────


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


def test_the_configuration_sheet_holds_only_the_keys_that_must_be_set():
    """Regression: blank Interpreter_Win/Conda keys on the sheet overrode the user's own myaddin.conf."""
    import openpyxl

    with zipfile.ZipFile(XLAM) as z:
        assert b'<sheet name="myaddin.conf"' in z.read("xl/workbook.xml")
    ws = openpyxl.load_workbook(io.BytesIO(_as_xlsx(XLAM)))["myaddin.conf"]
    rows = [[c.value for c in row] for row in ws.iter_rows() if any(c.value is not None for c in row)]
    assert rows == [["UDF Modules", "ka2forms.udfs"]]


@pytest.mark.skipif(sys.platform.startswith("win"), reason="on Windows xlwings registers real UDFs")
def test_the_udf_module_imports_without_excel_and_its_decorators_do_nothing_there():
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    code = "import ka2forms.udfs as u; print(hasattr(u.KA2_TRAVEL, '__xlfunc__'))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "False"
