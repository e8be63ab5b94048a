"""Drive LibreOffice Calc over UNO (run by the system python3, which has the ``uno`` module): open workbooks,
read their formula cells after the ka2forms extension has rewritten and recalculated them, and time calls.

    python3 calc_driver.py PROFILE_DIR OUT_DIR FILE.xlsx…   → JSON on stdout
    python3 calc_driver.py --basic PROFILE_DIR FILE.xlsm…    → the VBA modules LibreOffice imported, as JSON

Why UNO instead of ``soffice --convert-to``: Calc runs document-load jobs (the extension's formula rewrite)
only for documents that are not loaded hidden, and a conversion loads them hidden. Headless, nothing shows.
For each file: every formula cell's formula and value by sheet, and a copy saved by Calc as .xlsx in OUT_DIR.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def _connect(profile):
    pipe = f"ka2calc{os.getpid()}"
    proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                             "--nologo", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            return proc, resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("LibreOffice did not start")


def _value(cell):
    kind = cell.getType().value  # EMPTY, VALUE, TEXT, FORMULA
    if kind == "FORMULA":
        result = cell.FormulaResultType2  # com.sun.star.sheet.FormulaResult: VALUE 1, STRING 2, ERROR 4
        if result == 4:
            return cell.getString() or "#ERR"
        return cell.getValue() if result == 1 else cell.getString()
    return cell.getValue() if kind == "VALUE" else cell.getString()


def _formula_cells(doc):
    out = {}
    sheets = doc.getSheets()
    for i in range(sheets.getCount()):
        sheet = sheets.getByIndex(i)
        cells = sheet.queryContentCells(16).getCells().createEnumeration()
        found = {}
        while cells.hasMoreElements():
            cell = cells.nextElement()
            a = cell.getCellAddress()
            ref = f"{_column(a.Column)}{a.Row + 1}"
            found[ref] = {"formula": cell.getFormula(), "value": _value(cell)}
        out[sheet.getName()] = found
    return out


def _column(n):
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _timings(desktop):
    """First call after start (imports the core), then 1000 single-cell formulas recalculated."""
    doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, ())
    sheet = doc.getSheets().getByIndex(0)
    t = time.perf_counter()
    sheet.getCellByPosition(3, 0).setFormula('=KA2_DISTANCE("Ljubljana";"Wien")')
    first = time.perf_counter() - t
    first_value = sheet.getCellByPosition(3, 0).getValue()
    towns = ["Ljubljana", "Wien", "Brno, CZ", "Graz", "Zagreb", "Praha", "Maribor", "Bratislava"]
    data = tuple((towns[i % 8], towns[(i * 3 + 1) % 8]) for i in range(1000))
    sheet.getCellRangeByName("A1:B1000").setDataArray(data)
    for r in range(1000):
        sheet.getCellByPosition(2, r).setFormula(f"=KA2_DISTANCE(A{r + 1};B{r + 1})")
    t = time.perf_counter()
    doc.calculateAll()
    thousand = time.perf_counter() - t
    sample = [sheet.getCellByPosition(2, r).getValue() for r in range(8)]
    doc.close(True)
    return {"first_call_s": first, "first_value": first_value, "recalc_1000_s": thousand,
            "pairs": [list(p) for p in data[:8]], "values": sample}


def _basic(desktop, files):
    """LibreOffice's own VBA import (an MS-OVBA reader independent of oletools): library → module → code."""
    out = {}
    for path in files:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                           (_prop("MacroExecutionMode", 0),))  # NEVER_EXECUTE: only read
        libs = doc.BasicLibraries
        out[os.path.basename(path)] = {name: {m: libs.getByName(name).getByName(m)
                                              for m in libs.getByName(name).getElementNames()}
                                       for name in libs.getElementNames()}
        doc.close(True)
    return out


def main():
    if sys.argv[1] == "--basic":
        profile, *files = sys.argv[2:]
        proc, ctx = _connect(profile)
        try:
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
            result = _basic(desktop, files)
            desktop.terminate()
        finally:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        json.dump(result, sys.stdout)
        return
    profile, out_dir, *files = sys.argv[1:]
    proc, ctx = _connect(profile)
    result = {"files": {}}
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        result["timings"] = _timings(desktop)
        for path in files:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0, ())
            doc.calculateAll()
            result["files"][os.path.basename(path)] = _formula_cells(doc)
            saved = os.path.join(out_dir, os.path.basename(path))
            doc.storeToURL(uno.systemPathToFileUrl(saved), (_prop("FilterName", "Calc Office Open XML"),))
            doc.close(True)
        desktop.terminate()
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
