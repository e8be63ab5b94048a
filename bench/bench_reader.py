"""Benchmark of reading a partner workbook (issue 12). Not a test: it prints figures and ratios.

    python bench/bench_reader.py        # budget: a typical workbook read in <= 10 ms warm (median)

The baseline, measured in the same run, is the least any reader must do with openpyxl: open the file in
read-only mode and pull every value of the Project and Partners sheets. ``read_workbook`` adds finding the
sheets and the header by content, the spellings, hidden rows and tables, countries and every check; the
ratio says what that costs on this machine. The same workbook saved as .ods (by LibreOffice, when
installed) is read too. With python-calamine installed (``pip install ka2forms[fast]``) read_workbook is
timed with it as well, and calamine alone on every sheet of the .xlsx and .ods, for the record.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import times

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "ka220-vet-eligible.xlsx"
RUNS = 60


def median_ms(fn, runs: int = RUNS) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(times(fn, runs)) * 1000


def baseline(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    for name in ("Project", "Partners"):
        list(wb[name].iter_rows(values_only=True))
    wb.close()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    import os

    from ka2forms.readers.grid import xlsx_backend
    from ka2forms.readers.workbook import read_workbook

    base = median_ms(lambda: baseline(SAMPLE))
    os.environ["KA2FORMS_XLSX_READER"] = "openpyxl"
    ours = median_ms(lambda: read_workbook(SAMPLE))
    print(f"{SAMPLE.name}: baseline (openpyxl, two sheets) {base:.2f} ms; read_workbook with openpyxl "
          f"{ours:.2f} ms (x{ours / base:.2f}); budget 10 ms: {'ok' if ours <= 10 else 'OVER'}")
    os.environ["KA2FORMS_XLSX_READER"] = "auto"
    if xlsx_backend() == "calamine":
        fast = median_ms(lambda: read_workbook(SAMPLE))
        print(f"  read_workbook with python-calamine (ka2forms[fast]): {fast:.2f} ms (x{fast / base:.2f}); "
              f"budget 10 ms: {'ok' if fast <= 10 else 'OVER'}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        soffice = shutil.which("soffice")
        if soffice:
            subprocess.run([soffice, "--headless", "--convert-to", "ods", "--outdir", str(folder), str(SAMPLE)],
                           check=True, capture_output=True, timeout=120)
            ods = folder / (SAMPLE.stem + ".ods")
            t = median_ms(lambda: read_workbook(ods))
            print(f"  same workbook as .ods (LibreOffice): read_workbook {t:.2f} ms (x{t / base:.2f})")
        else:
            ods = None
            print("  .ods: soffice not installed, skipped")
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            print("  python-calamine not installed: not timed")
        else:
            def calamine(path: Path) -> None:
                wb = CalamineWorkbook.from_path(str(path))
                for name in wb.sheet_names:
                    wb.get_sheet_by_name(name).to_python()

            t = median_ms(lambda: calamine(SAMPLE))
            print(f"  python-calamine, every sheet of the .xlsx: {t:.2f} ms (x{t / base:.2f})")
            if ods:
                t = median_ms(lambda: calamine(ods))
                print(f"  python-calamine, every sheet of the .ods: {t:.2f} ms (x{t / base:.2f})")


if __name__ == "__main__":
    main()
