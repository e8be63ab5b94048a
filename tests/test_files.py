"""Outputs are written atomically and never over an input."""

from __future__ import annotations

import pytest

from ka2forms import errors
from ka2forms.files import same_file, write_atomic


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.html"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_a_writer_function_works_like_bytes(tmp_path):
    write_atomic(tmp_path / "b.txt", lambda f: f.write("Žiga Černe, Łódź".encode()))
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "Žiga Černe, Łódź"


def test_an_input_is_never_the_target_however_the_path_is_spelt(tmp_path):
    wb = tmp_path / "partner.xlsx"
    wb.write_bytes(b"input")
    (tmp_path / "sub").mkdir()
    for spelling in (wb, tmp_path / "sub" / ".." / "partner.xlsx"):
        with pytest.raises(errors.InputError, match="over an input file"):
            write_atomic(spelling, b"x", protect=[wb])
    link = tmp_path / "link.xlsx"
    link.symlink_to(wb)
    with pytest.raises(errors.InputError, match="over an input file"):
        write_atomic(link, b"x", protect=[wb])
    assert wb.read_bytes() == b"input" and same_file(link, wb)


def test_a_missing_folder_or_a_failing_writer_leaves_nothing_behind(tmp_path):
    with pytest.raises(errors.InputError, match="folder does not exist"):
        write_atomic(tmp_path / "nope" / "a.html", b"x")

    def boom(f):
        f.write(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "c.bin", boom)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="allowed: fork is POSIX only")
def test_a_forked_worker_never_picks_its_parents_temporary_names() -> None:
    """Temporary names are a per-process salt plus a counter: a child forked from a process that has written
    files must not count on from the parent's salt (two batch workers would clash on every name)."""
    import os

    from ka2forms.files import _temp_tag

    mine = {_temp_tag() for _ in range(3)}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                    # the child: report its next names, then leave at once
        os.write(write, " ".join(_temp_tag() for _ in range(3)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    theirs = set(os.read(read, 1000).decode().split())
    os.close(read)
    assert len(theirs) == 3 and not theirs & mine
    assert not {t[:8] for t in theirs} & {t[:8] for t in mine}      # a salt of their own
