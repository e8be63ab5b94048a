"""pypdf's private parts are used in one module, for the versions it was written for, without patching pypdf."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from pdfcheck import PARTNERS, SAMPLE_FORM, SAMPLE_MAP, make_workbook

from ka2forms.cli import main
from ka2forms.errors import FormFileError, IncompatibleDependencyError
from ka2forms.pdf import _pypdf
from ka2forms.pdf import fill as pdf_fill
from ka2forms.pdf.fill import FormTemplate

PACKAGE = Path(__file__).resolve().parents[2] / "ka2forms"
PRIVATE_ATTRIBUTES = {"_root_object", "_objects", "_add_to_writer", "_get_typographic_maps",
                      "_find_annotation_font_resource", "_parse_default_appearance", "_replace_object"}


@pytest.fixture()
def fresh_api():  # type: ignore[no-untyped-def]
    """The version check runs again in the test, and once more (with the real pypdf) after it."""
    _pypdf._api.cache_clear()
    yield
    _pypdf._api.cache_clear()


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pypdf"):
            parts = node.module.split(".") + [a.name for a in node.names]
            if any(p.startswith("_") for p in parts):
                found.append(f"{path.name}:{node.lineno} from {node.module} import …")
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
    return found


def test_pypdf_internals_are_used_in_pdf_pypdf_only() -> None:
    uses = [u for p in PACKAGE.rglob("*.py") if p.name != "_pypdf.py" for u in _private_uses(p)]
    assert uses == []
    assert _private_uses(PACKAGE / "pdf" / "_pypdf.py"), "the scan must see the uses where they are"


@pytest.mark.parametrize("version", ["6.16.0", "6.20.0", "5.9.0", "8.0.0", "10.1"])
def test_an_unsupported_pypdf_version_is_an_internal_error_that_says_what_to_install(version: str) -> None:
    with pytest.raises(IncompatibleDependencyError) as e:
        _pypdf.check_version(version)
    assert e.value.exit_code == 3
    assert version in e.value.message and "pip install 'pypdf>=6.20.1,<8'" in e.value.message


def test_the_installed_pypdf_and_the_tested_floor_are_supported() -> None:
    _pypdf.check_version(pypdf.__version__)
    _pypdf.check_version("6.20.1")
    _pypdf.check_version("7.1.1")


def test_pyproject_allows_exactly_the_supported_pypdf_versions() -> None:
    text = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"pypdf{_pypdf.SUPPORTED}"' in text


def test_pypdf_is_not_patched_by_importing_or_filling(tmp_path: Path) -> None:
    from pypdf import _utils
    from pypdf.generic import _appearance_stream, _font

    import ka2forms.pdf.incremental  # noqa: F401  (importing it once patched pypdf)
    from ka2forms.readers.workbook import read_workbook
    from ka2forms.services.forms import FormMap, fill_project

    before = (_appearance_stream.is_char_rtl, _font.Font._get_typographic_maps,
              _appearance_stream.TextStreamAppearance.__init__)
    project = read_workbook(make_workbook(tmp_path / "p.xlsx", PARTNERS))
    fill_project(project, FormTemplate.open(SAMPLE_FORM), FormMap.load(SAMPLE_MAP), tmp_path / "out")
    assert _appearance_stream.is_char_rtl is _utils.is_char_rtl
    assert (_appearance_stream.is_char_rtl, _font.Font._get_typographic_maps,
            _appearance_stream.TextStreamAppearance.__init__) == before


def test_a_pypdf_without_the_internals_we_use_is_an_internal_error_not_a_damaged_form(
        fresh_api, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "pypdf.generic._font", None)     # as in pypdf 6.16.0: no such module
    with pytest.raises(IncompatibleDependencyError, match=r"pip install 'pypdf>=6\.20\.1,<8'"):
        FormTemplate.open(SAMPLE_FORM)
    wb = make_workbook(tmp_path / "p.xlsx", PARTNERS)
    r = CliRunner().invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(SAMPLE_MAP),
                                  "-o", str(tmp_path / "out")])
    assert r.exit_code == 3, r.output
    assert "damaged" not in r.output and "pypdf" in r.output


def test_an_old_pypdf_version_stops_the_fill_with_exit_3(fresh_api, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pypdf, "__version__", "6.16.0")
    wb = make_workbook(tmp_path / "p.xlsx", PARTNERS)
    r = CliRunner().invoke(main, ["fill", str(wb), "--form", str(SAMPLE_FORM), "--map", str(SAMPLE_MAP),
                                  "-o", str(tmp_path / "out")])
    assert r.exit_code == 3, r.output
    assert "6.16.0" in r.output and "damaged" not in r.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_import_error_while_preparing_a_form_is_not_reported_as_a_damaged_form(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object) -> int:
        raise ModuleNotFoundError("No module named 'pypdf.generic._somewhere'")

    monkeypatch.setattr(pdf_fill, "strip_active_content", broken)
    with pytest.raises(ModuleNotFoundError):
        FormTemplate.open(SAMPLE_FORM)


def test_a_damaged_form_is_still_a_damaged_form(tmp_path: Path) -> None:
    data = SAMPLE_FORM.read_bytes()
    cut = data[: len(data) // 2]
    with pytest.raises(FormFileError):
        FormTemplate.load(cut, name="cut.pdf")
