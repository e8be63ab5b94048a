"""Malformed workbooks (issue 11): each is a clear error naming the file, and the sheet and cell where known —
never an internal error (exit 3), never a value the rules cannot represent.

Every test takes a real workbook (written by openpyxl, or with Excel's shared-string table) and damages one
part of it the way the hostile-input run did; the name of each test is the hole it guards.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import string
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from workbooks import make_workbook, partners_with, project_with, row, with_shared_strings, zip_file

from ka2forms.errors import InputError, WorkbookError, WorkbookInvalid
from ka2forms.readers.workbook import read_workbook
from ka2forms.readers.xlsx_file import check_value

PROJECT = "xl/worksheets/sheet1.xml"
PARTNERS = "xl/worksheets/sheet2.xml"


def _edit(path: Path, part: str, change: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    before = parts[part].decode("utf-8")
    after = change(before)
    assert after != before, "the edit must change the part"
    parts[part] = after.encode("utf-8", "surrogatepass")
    return zip_file(path, parts)


def _sub(pattern: str, repl: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, repl, text, count=1)


def _refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_workbook(path)
    e = info.value
    assert e.exit_code == 2
    assert str(path) in str(e)
    return e


@pytest.fixture
def wb(tmp_path: Path) -> Path:
    return make_workbook(tmp_path, name="wb.xlsx")


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    return with_shared_strings(make_workbook(tmp_path, name="inline.xlsx"), tmp_path / "shared.xlsx")


def test_a_sheet_cut_in_half_names_file_and_sheet(wb: Path) -> None:
    _edit(wb, PARTNERS, lambda t: t[: len(t) // 2])
    e = _refused(wb)
    assert isinstance(e, WorkbookError) and e.where.sheet == "Partners"
    assert "damaged workbook" in e.message


def test_a_zip_this_python_cannot_unpack_is_an_unsupported_file_not_a_crash(wb: Path) -> None:
    data = bytearray(wb.read_bytes())
    at = data.find(b"PK\x01\x02")                     # the first central-directory entry
    data[at + 6:at + 8] = (99).to_bytes(2, "little")   # "version needed to extract": 9.9 (zipfile raises
    wb.write_bytes(bytes(data))                        # NotImplementedError)
    e = _refused(wb)
    assert "unsupported" in e.message and "9.9" in e.message


def test_an_undefined_entity_in_a_sheet_is_a_damaged_workbook(wb: Path) -> None:
    _edit(wb, PARTNERS, _sub(r"<t>Role</t>", "<t>&undefined;</t>"))
    assert _refused(wb).where.sheet == "Partners"


@pytest.mark.parametrize("ref", ["1A", "A0", "B-3", "XFE1", "A1048577"])
def test_impossible_cell_references_are_errors(wb: Path, ref: str) -> None:
    _edit(wb, PROJECT, _sub(r'r="B2"', f'r="{ref}"'))
    e = _refused(wb)
    assert e.where.sheet == "Project"


def test_a_cell_stored_in_the_wrong_row_is_named(wb: Path) -> None:
    _edit(wb, PROJECT, _sub(r'r="B2"', 'r="B7"'))
    e = _refused(wb)
    assert isinstance(e, WorkbookInvalid) and e.problems[0].where.cell == "B2"


@pytest.mark.parametrize("index", ["99999", "-1"])
def test_shared_string_index_out_of_range_or_negative(shared: Path, index: str) -> None:
    _edit(shared, PARTNERS, _sub(r'(t="s"><v>)\d+', rf"\g<1>{index}"))
    _refused(shared)


@pytest.mark.parametrize(("cell", "why"), [
    ('t="b"><v>yes</v>', "boolean yes"), ('t="d"><v>notadate</v>', "date notadate"),
    ('t="n"><v>abc</v>', "number abc"), ('t="n"><v>' + "9" * 5000 + "</v>", "5000 digits"),
])
def test_cell_values_openpyxl_cannot_convert(wb: Path, cell: str, why: str) -> None:
    _edit(wb, PROJECT, _sub(r't="n"><v>2025</v>', cell))
    _refused(wb)


@pytest.mark.parametrize("number", ["nan", "inf", "-inf"])
def test_nan_and_inf_in_a_number_cell_are_refused(wb: Path, number: str) -> None:
    _edit(wb, PROJECT, _sub(r"<v>250000</v>", f"<v>{number}</v>"))
    assert _refused(wb).where.sheet == "Project"


@pytest.mark.parametrize("number", ["NaN.0", "1e999", "-1E999", "1e16", "1.0e400"])
def test_numbers_the_rules_cannot_represent_are_refused_at_their_cell(wb: Path, number: str) -> None:
    _edit(wb, PROJECT, _sub(r"<v>250000</v>", f"<v>{number}</v>"))
    e = _refused(wb)
    if number == "NaN.0":     # float() refuses it: a damaged sheet
        return
    assert isinstance(e, WorkbookInvalid)
    assert e.problems[0].where.cell == "B6" and e.problems[0].where.sheet == "Project"


@pytest.mark.parametrize("text", ["&#0;", "&#xD800;", "&#1;"])
def test_nul_and_lone_surrogates_in_a_cell(wb: Path, text: str) -> None:
    _edit(wb, PARTNERS, _sub(r"<t>Celje</t>", f"<t>Cel{text}je</t>"))
    _refused(wb)


def test_a_lone_surrogate_written_as_bytes(wb: Path) -> None:
    _edit(wb, PARTNERS, _sub(r"<t>Celje</t>", "<t>Cel\ud800je</t>"))     # CESU bytes ED A0 80: not UTF-8
    _refused(wb)


def test_a_cell_longer_than_excel_allows_is_refused_without_quoting_it(wb: Path) -> None:
    long = "".join(random.Random(11).choice(string.ascii_letters) for _ in range(40_000))
    _edit(wb, PARTNERS, _sub(r"<t>Celje</t>", f"<t>{long}</t>"))
    e = _refused(wb)
    assert "32 767" in str(e) and e.where.cell == "D2"
    assert len(str(e)) < 1000


def test_error_messages_quote_a_short_excerpt_of_a_long_cell(tmp_path: Path) -> None:
    path = make_workbook(tmp_path, partners=partners_with(row(2, country="X" * 30_000)))
    e = _refused(path)
    assert len(str(e)) < 1000 and "30000 characters" in str(e).replace(" 000", "000")


def test_zip_version_needed_not_implemented(wb: Path) -> None:
    data = bytearray(wb.read_bytes())
    at = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 6, 99)        # "version needed to extract": 9.9
    wb.write_bytes(bytes(data))
    e = _refused(wb)
    assert isinstance(e, WorkbookError)


def test_unsupported_compression_method(wb: Path) -> None:
    data = bytearray(wb.read_bytes())
    for m in re.finditer(rb"PK\x01\x02", bytes(data)):
        struct.pack_into("<H", data, m.start() + 10, 99)
    wb.write_bytes(bytes(data))
    _refused(wb)


@pytest.mark.parametrize("grant", [1e300, "1e999", "NaN", "Infinity", "-0", 10**13])
def test_requested_grant_1e999_is_an_error_not_an_overflow(tmp_path: Path, grant: object) -> None:
    path = make_workbook(tmp_path, project=project_with(grant=grant))
    if grant == "-0":
        assert read_workbook(path).requested_grant == 0
        return
    e = _refused(path)
    if isinstance(e, WorkbookInvalid):
        assert e.problems[0].where.cell == "B6"
    else:                          # openpyxl writes 1e999 as "inf", which its own reader cannot convert
        assert e.where.sheet == "Project"


def test_a_huge_row_number_does_not_iterate_a_billion_rows(wb: Path) -> None:
    """The reader stops at its row cap (grid.MAX_ROWS) instead of filling in a billion empty rows."""
    _edit(wb, PARTNERS, _sub(r'<row r="4"', '<row r="999999999"'))
    start = time.monotonic()
    with contextlib.suppress(InputError):
        read_workbook(wb)
    assert time.monotonic() - start < 10


def test_a_huge_row_number_is_refused_by_the_sheet_reader(wb: Path) -> None:
    from ka2forms.readers.xlsx_file import open_workbook, sheet_rows

    _edit(wb, PARTNERS, _sub(r'<row r="4"', '<row r="999999999"'))
    book = open_workbook(wb)
    with pytest.raises(WorkbookInvalid, match="last row"):
        sheet_rows(book["Partners"], wb)
    book.close()


def test_a_sheet_dimension_of_the_whole_grid_is_not_padded(wb: Path) -> None:
    _edit(wb, PARTNERS, _sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"'))
    assert len(read_workbook(wb).partners) == 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)
    e = _refused(fifo)
    assert "FIFO" in e.message


def test_a_symlink_loop_is_reported(tmp_path: Path) -> None:
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(loop)
    assert "loops" in _refused(loop).message


def test_a_dangling_link_is_reported(tmp_path: Path) -> None:
    link = tmp_path / "gone.xlsx"
    link.symlink_to(tmp_path / "nowhere.xlsx")
    assert "does not exist" in _refused(link).message


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="allowed: root reads every file (the check needs a user without read permission)")
def test_an_unreadable_file_is_reported(wb: Path) -> None:
    wb.chmod(0)
    assert "permission" in _refused(wb).message


def test_a_device_is_refused() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    e = _refused(Path("/dev/null"))
    assert "device" in e.message


@pytest.mark.parametrize(("value", "ok"), [
    (1.5, True), (float("nan"), False), (float("inf"), False), (10**15, False), (-(10**14), True),
    ("text\twith\ttabs\n", True), ("nul\x00", False), ("\ud800", False), ("x" * 32_767, True),
    ("x" * 32_768, False), (True, True), (None, True),
])
def test_check_value_is_the_one_rule_for_cell_values(value: object, ok: bool) -> None:
    assert (check_value(value) is None) == ok


def test_a_panic_in_the_fast_reader_is_a_damaged_workbook_not_a_crash(tmp_path: Path) -> None:
    """python-calamine reports some damage as a Rust panic (PanicException, a BaseException, not an Exception)."""
    from ka2forms.readers.xlsx_file import guard

    class PanicException(BaseException):
        pass

    with pytest.raises(WorkbookError) as e, guard(tmp_path / "wb.xlsx", "Partners"):
        raise PanicException("index out of bounds: the len is 36 but the index is 99999")
    assert e.value.where.sheet == "Partners" and "damaged workbook" in e.value.message
    with pytest.raises(KeyboardInterrupt), guard(tmp_path / "wb.xlsx"):
        raise KeyboardInterrupt
