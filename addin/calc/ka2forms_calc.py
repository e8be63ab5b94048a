"""LibreOffice Calc add-in: the KA2 worksheet functions, and KA2 formulas that calculate in files from Excel.

Two UNO components, registered by the extension's manifest (addin/build_oxt.py builds ka2forms.oxt):

- ``org.ka2forms.Ka2Addin`` (service ``com.sun.star.sheet.AddIn``): one method per function of
  ``ka2forms.udfs``, declared in the type library ``XKa2.rdb`` with ``any`` arguments (a cell, a number, text
  or a range as rows) and ``sequence<sequence<any>>`` results (Calc shows ``#VALUE!`` for a tuple in ``any``).
  Names, descriptions and argument help in English, Slovenian and Czech come from ``ka2forms_calc_texts``.
- ``org.ka2forms.RewriteFormulas`` (a job on every document load): Calc 7.4 opens an .xlsx whose cells say
  ``KA2_DISTANCE(…)`` with ``#NAME?`` even though the add-in declares the compatibility name, and it keeps
  the unknown name. Entering the same formula again through the API binds it to the add-in, so the job does
  that for every formula cell that mentions a KA2 function, then the document recalculates.

The ka2forms core is pure Python and lives in the extension's ``pythonpath/`` (with PyYAML), which
LibreOffice puts on ``sys.path``: the system python3 on Debian, LibreOffice's own Python on Windows and
macOS.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import ka2forms_calc_texts as texts
import uno
import unohelper
from com.sun.star.lang import XServiceInfo, XServiceName
from com.sun.star.sheet import XAddIn, XCompatibilityNames
from com.sun.star.task import XJob
from org.ka2forms import XKa2  # the type library of this extension

ADDIN_IMPL = "org.ka2forms.Ka2Addin"
ADDIN_SERVICES = ("com.sun.star.sheet.AddIn", "org.ka2forms.Ka2Addin")
JOB_IMPL = "org.ka2forms.RewriteFormulas"
_KA2_CALL = re.compile(r"(?<![\w.])(?:[\w.]*\.)?(KA2_[A-Z_]+)\s*\(", re.IGNORECASE)
# Calc's API grammar has no structured references; a table's database range of the same name is the same
# cells, header row included.
_TABLE_ALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\[#all\]", re.IGNORECASE)
FORMULA_CELLS = 16  # com.sun.star.sheet.CellFlags.FORMULA


def _udfs() -> Any:
    from ka2forms import udfs  # imported on first use: LibreOffice starts without paying for the core

    return udfs


def _from_calc(value: Any) -> Any:
    """What Calc passes → what the worksheet functions take (the shapes xlwings gives them)."""
    if isinstance(value, tuple):
        return [[None if (isinstance(v, str) and v == "") else v for v in row] for row in value]
    if value == "" or value is None:
        return None
    return value


def _to_calc(value: Any) -> tuple[tuple[Any, ...], ...]:
    """A result as rows of cells, as the interface declares (a scalar is one cell)."""
    if isinstance(value, list):
        rows = value if value and all(isinstance(r, list) for r in value) else [[v] for v in value]
    else:
        rows = [[value]]
    width = max((len(r) for r in rows), default=1)
    return tuple(tuple(_cell(v) for v in list(r) + [None] * (width - len(r))) for r in rows) or (("",),)


def _cell(v: Any) -> Any:
    """One result cell. Python's bool inside a sequence of any reaches Calc garbled (LibreOffice 7.4, seen in
    tests): TRUE/FALSE go as the numbers 1 and 0, which is what Calc stores for them anyway."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    return v


def _method(name: str) -> Any:
    def call(self: Any, *args: Any) -> tuple[tuple[Any, ...], ...]:
        try:
            return _to_calc(getattr(_udfs(), name)(*map(_from_calc, args)))
        except Exception as e:  # the functions catch their own errors; this is a last guard, never a crash
            return ((f"KA2: internal error {e.__class__.__name__}: {e}",),)

    call.__name__ = name
    return call


class Ka2Addin(unohelper.Base, XKa2, XAddIn, XCompatibilityNames, XServiceName, XServiceInfo):
    """The Calc add-in. Its KA2_ methods are attached below, one per entry of ``texts.FUNCTIONS``."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.locale = uno.createUnoStruct("com.sun.star.lang.Locale")

    # XLocalizable
    def setLocale(self, locale: Any) -> None:
        self.locale = locale

    def getLocale(self) -> Any:
        return self.locale

    def _lang(self) -> str:
        return texts.language(getattr(self.locale, "Language", "en"))

    # XAddIn: the names users type are the programmatic names (KA2_TRAVEL) in every language.
    def getProgrammaticFuntionName(self, display: str) -> str:  # sic: the UNO API's spelling
        return display.upper() if display.upper() in texts.FUNCTIONS else ""

    def getDisplayFunctionName(self, name: str) -> str:
        return name

    def getFunctionDescription(self, name: str) -> str:
        return texts.description(name, self._lang())

    def getDisplayArgumentName(self, name: str, index: int) -> str:
        return texts.argument(name, index, self._lang())[0]

    def getArgumentDescription(self, name: str, index: int) -> str:
        return texts.argument(name, index, self._lang())[1]

    def getProgrammaticCategoryName(self, name: str) -> str:
        return "Add-In"

    def getDisplayCategoryName(self, name: str) -> str:
        return "KA2 (Erasmus+)"

    # XCompatibilityNames: the name Excel files use
    def getCompatibilityNames(self, name: str) -> tuple[Any, ...]:
        if name not in texts.FUNCTIONS:
            return ()
        out = []
        for lang, country in (("en", "US"), ("en", ""), ("sl", "SI"), ("cs", "CZ")):
            n = uno.createUnoStruct("com.sun.star.sheet.LocalizedName")
            n.Locale = uno.createUnoStruct("com.sun.star.lang.Locale", lang, country, "")
            n.Name = name
            out.append(n)
        return tuple(out)

    # XServiceName: Calc lists an add-in only when it has one (the prefix of its programmatic names)
    def getServiceName(self) -> str:
        return ADDIN_IMPL

    # XServiceInfo
    def getImplementationName(self) -> str:
        return ADDIN_IMPL

    def supportsService(self, name: str) -> bool:
        return name in ADDIN_SERVICES

    def getSupportedServiceNames(self) -> tuple[str, ...]:
        return ADDIN_SERVICES


for _name in texts.FUNCTIONS:
    setattr(Ka2Addin, _name, _method(_name))


def _plain(formula: str, tables: set[str]) -> str:
    formula = _KA2_CALL.sub(lambda m: m.group(1).upper() + "(", formula)
    return _TABLE_ALL.sub(lambda m: m.group(1) if m.group(1).lower() in tables else m.group(0), formula)


def _semicolons(formula: str) -> str:
    """Argument separators as the API grammar wants them (an array formula Calc could not parse keeps Excel's)."""
    out, quoted = [], False
    for ch in formula:
        quoted ^= ch == '"'
        out.append(";" if ch == "," and not quoted else ch)
    return "".join(out)


def rewrite_ka2_formulas(model: Any) -> int:
    """Enter every formula that calls a KA2 function again, so Calc binds it to the add-in; the count.

    A formula Calc could not bind reads back as ``=ka2_travel(A2;B2)``; an array formula as ``{=…}`` in every
    cell of its range, with Excel's commas. Arrays are entered again over the block of equal cells.
    """
    if not hasattr(model, "getSheets"):
        return 0
    tables = {n.lower() for n in model.DatabaseRanges.getElementNames()}
    done = 0
    sheets = model.getSheets()
    for i in range(sheets.getCount()):
        sheet = sheets.getByIndex(i)
        cells = sheet.queryContentCells(FORMULA_CELLS).getCells().createEnumeration()
        formulas: dict[tuple[int, int], str] = {}
        while cells.hasMoreElements():
            cell = cells.nextElement()
            formula = cell.getFormula()
            if _KA2_CALL.search(formula):
                a = cell.getCellAddress()
                formulas[(a.Row, a.Column)] = formula
        covered: set[tuple[int, int]] = set()
        for (row, col), formula in sorted(formulas.items()):
            if (row, col) in covered:
                continue
            if formula.startswith("{") and formula.endswith("}"):
                width = 1
                while formulas.get((row, col + width)) == formula:
                    width += 1
                height = 1
                while formulas.get((row + height, col)) == formula:
                    height += 1
                covered |= {(row + r, col + c) for r in range(height) for c in range(width)}
                block = sheet.getCellRangeByPosition(col, row, col + width - 1, row + height - 1)
                block.setArrayFormula(_semicolons(_plain(formula[1:-1], tables)))
            else:
                sheet.getCellByPosition(col, row).setFormula(_plain(formula, tables))
            done += 1
    return done


def _warm_up() -> None:
    """Import the core and load the rules and the gazetteer while Calc starts, so the first formula is quick."""
    try:
        udfs = _udfs()
        udfs.KA2_VERSION()
        udfs.KA2_DISTANCE("Ljubljana", "Wien")
    except Exception:  # a warm-up that fails changes nothing: the first call then reports the problem
        pass


class RewriteFormulas(unohelper.Base, XJob, XServiceInfo):
    """The job run on every document load (Jobs.xcu, event OnLoad), and once when LibreOffice starts
    (OnStartApp: the warm-up, in a background thread)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    def execute(self, arguments: Any) -> Any:
        model, event = None, ""
        for arg in arguments:
            if arg.Name == "Environment":
                for env in arg.Value:
                    if env.Name == "Model":
                        model = env.Value
                    elif env.Name == "EventName":
                        event = str(env.Value)
        if event == "OnStartApp":
            threading.Thread(target=_warm_up, name="ka2forms-warm-up", daemon=True).start()
            return None
        if model is not None and model.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            try:
                if rewrite_ka2_formulas(model):
                    model.calculateAll()
            except Exception:  # never break opening a document
                pass
        return None

    def getImplementationName(self) -> str:
        return JOB_IMPL

    def supportsService(self, name: str) -> bool:
        return name == "com.sun.star.task.Job"

    def getSupportedServiceNames(self) -> tuple[str, ...]:
        return ("com.sun.star.task.Job",)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Ka2Addin, ADDIN_IMPL, ADDIN_SERVICES)
g_ImplementationHelper.addImplementation(RewriteFormulas, JOB_IMPL, ("com.sun.star.task.Job",))
