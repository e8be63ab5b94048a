"""Recalculate a workbook that uses the KA2 worksheet functions with a real formula engine (``formulas``).

Excel is not available on Linux CI, so the sample workbooks are recalculated by the ``formulas`` package
with the KA2 names mapped to ``ka2forms.udfs``. Formulas are first normalised the way Excel saves add-in
functions (``[1]!KA2_TRAVEL(``, ``'C:\\…\\ka2forms.xlam'!KA2_TRAVEL(``, ``_xldudf_KA2_TRAVEL(``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import formulas
import numpy as np
import openpyxl
import schedula as sh
from formulas.functions import Array, wrap_func
from openpyxl.worksheet.formula import ArrayFormula

from ka2forms import udfs

KA2_FUNCTIONS = [name for name in dir(udfs) if name.startswith("KA2_")]
_ADDIN = re.compile(r"(?:\[\d+\]|'[^']*\.xla[mx]?')!(?=[A-Za-z_][\w.]*\()")
_XLDUDF = re.compile(r"_xldudf_(?:[A-Z0-9]+_)?(KA2_\w+)\(")


_CALC = re.compile(r"ORG\.KA2FORMS\.KA2ADDIN\.(?=KA2_)", re.IGNORECASE)  # Calc's add-in name (addin/calc)


def normalise(formula: str) -> str:
    """Drop add-in qualifiers Excel (and Calc) write into saved formulas, so any engine sees plain KA2_ names."""
    return _CALC.sub("", _XLDUDF.sub(r"\1(", _ADDIN.sub("", formula)))


def _python(a: Any) -> Any:
    """A formulas argument → what xlwings would pass: scalar for one cell, list of lists for a range."""
    if isinstance(a, np.ndarray):
        a = np.where(a == np.array(sh.EMPTY, dtype=object), None, a)
        rows = [[x.item() if hasattr(x, "item") else x for x in row] for row in a.tolist()]
        return rows[0][0] if a.size == 1 else rows
    return None if a is sh.EMPTY else a


def register_udfs() -> None:
    for name in KA2_FUNCTIONS:
        fn = getattr(udfs, name)

        def impl(*args: Any, _fn: Any = fn) -> Any:
            result = _fn(*map(_python, args))
            return np.asarray(result if isinstance(result, list) else [[result]], object).view(Array)

        formulas.get_functions()[name] = wrap_func(functools.update_wrapper(impl, fn))


def _tables(wb: Any) -> dict[str, str]:
    """Structured ``Name[#All]`` references → the A1 range they stand for (the formulas engine lacks tables)."""
    out = {}
    for ws in wb.worksheets:
        for name, ref in ws.tables.items():
            absolute = ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", end) for end in ref.split(":"))
            out[f"{name}[#All]"] = f"'{ws.title}'!{absolute}"
    return out


def normalised_copy(src: Path, dst: Path) -> Path:
    wb = openpyxl.load_workbook(src)
    tables = _tables(wb)

    def plain(text: str) -> str:
        text = normalise(text)
        for structured, a1 in tables.items():
            text = re.sub(re.escape(structured), a1, text, flags=re.IGNORECASE)
        return text

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, ArrayFormula):
                    cell.value = ArrayFormula(cell.value.ref, plain(cell.value.text))
                elif isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = plain(cell.value)
    wb.save(dst)
    return dst


def recalculate(path: Path, workdir: Path) -> dict[str, Any]:
    """Cell values after recalculation, keyed ``"SHEET!A1"`` (sheet upper-cased, as the engine does)."""
    register_udfs()
    copy = normalised_copy(path, workdir / path.name)
    solution = formulas.ExcelModel().loads(str(copy)).finish().calculate()
    values: dict[str, Any] = {}
    for key, value in solution.items():
        m = re.fullmatch(r"'\[[^\]]+\]([^']+)'!([A-Z]+\d+)(?::([A-Z]+\d+))?", key)
        if not m or not hasattr(value, "value"):
            continue
        sheet, first, last = m.groups()
        arr = value.value
        if last is None:
            values[f"{sheet}!{first}"] = _python(arr)
        else:
            values[f"{sheet}!{first}:{last}"] = _python(arr)
    return values
