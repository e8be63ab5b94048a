"""Benchmark: writing a workbook with cached formula results, against writing it without them (not a test).

``ka2forms new`` and the samples store every formula's result (ka2forms/excel/cached.py rewrites the sheet
XML after openpyxl has saved the file). The baseline in the same run is openpyxl's own save of the same
workbook; the ratio is what the cached values cost.

    python bench/bench_workbooks.py
"""

from __future__ import annotations

import io

from _timing import best

from ka2forms.excel import workbooks
from ka2forms.excel.cached import with_cached_values


def main() -> None:
    book = workbooks.new_book("KA220-VET", 2025, "sl")

    def plain() -> bytes:
        buf = io.BytesIO()
        book.wb.save(buf)
        return buf.getvalue()

    raw = plain()
    base = best(plain)
    cached = best(lambda: with_cached_values(plain(), book.cached))
    whole = best(lambda: workbooks.new_workbook("KA220-VET", 2025, "sl"))
    print(f"openpyxl save (baseline): {base * 1000:.1f} ms; with {len(book.cached)} cached results: "
          f"{cached * 1000:.1f} ms (x{cached / base:.2f}); whole `ka2forms new`: {whole * 1000:.1f} ms "
          f"(x{whole / base:.2f}); {len(raw) // 1024} KB")


if __name__ == "__main__":
    main()
