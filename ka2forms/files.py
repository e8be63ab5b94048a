"""Writing outputs safely: atomically, and never over an input.

Every command writes through :func:`write_atomic`: the data goes to a temporary file in the target's folder,
is flushed to disk, then renamed over the target with ``os.replace`` (atomic on POSIX and Windows). The file
gets the mode any new file of the user gets (0666 less the umask), not the 0600 of a temporary file. A run
killed at any moment leaves the old file or the new one, never half of one. Inputs (workbooks, forms,
maps) passed as ``protect`` can never be the target, however the path is spelt (``..``, links, case on
Windows).
"""

from __future__ import annotations

import errno
import itertools
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from ka2forms.errors import InputError, Location
from ka2forms.i18n import N_, gettext

#: What ``regular_file`` callers name the file they expect (translated where the message is made).
FILE_KINDS = (N_("file"), N_("map file"), N_("workbook"), N_("PDF form"))


def same_file(a: Path | str, b: Path | str) -> bool:
    """True when two paths name one file (also through links, ``..`` and Windows case-insensitivity)."""
    sa, sb = _stat(a), _stat(b)
    if sa is not None and sb is not None:
        return os.path.samestat(sa, sb)
    if (sa is None) != (sb is None):      # one exists, the other does not: two different files
        return False
    return os.path.normcase(str(_resolved(Path(a)))) == os.path.normcase(str(_resolved(Path(b))))


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except (OSError, RuntimeError):      # a link loop (RuntimeError before Python 3.13): compare as spelt
        return p.absolute()


def refuse_inputs(target: Path | str, protect: Iterable[Path | str]) -> None:
    """Raise InputError when ``target`` is one of the inputs."""
    for p in protect:
        if same_file(target, p):
            _refuse(target)


def _refuse(target: Path | str) -> None:
    raise InputError(gettext("refusing to write over an input file: choose another output name or folder"),
                     where=Location(file=str(target)))


class Inputs:
    """Input files that outputs must never replace, looked at once: a batch checks a dozen outputs of each
    workbook against the same form, map and workbook (as :func:`refuse_inputs`, with one ``stat`` per
    output instead of two per input)."""

    def __init__(self, paths: Iterable[Path | str]) -> None:
        self.paths = [str(p) for p in paths]
        self.stats = [_stat(p) for p in self.paths]

    def refuse(self, target: Path | str) -> None:
        """Raise InputError when ``target`` is one of the inputs."""
        st = _stat(target)
        for path, known in zip(self.paths, self.stats, strict=True):
            if st is not None and known is not None:
                if os.path.samestat(st, known):
                    _refuse(target)
            elif st is None and known is None and same_file(target, path):
                _refuse(target)


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def regular_file(path: str | Path, what: str = "file", *, error: type[InputError] = InputError) -> Path:
    """``path`` if it is a regular file (through links); else ``error`` saying what it is instead.

    Opening a FIFO blocks until someone writes to it, and a device or socket is never a document: each is
    refused before it is opened. Links that loop and files that cannot be looked at are named as such.
    """
    from ka2forms.i18n import _

    p = Path(path)
    where = Location(file=str(p))
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.islink(p):
            raise error(_("a link to a file that does not exist"), where=where) from None
        raise error(_("file not found"), where=where) from None
    except PermissionError:
        raise error(_("cannot be read (permission denied or locked by another program)"), where=where) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise error(_("a symbolic link that loops (it points back to itself)"), where=where) from None
        raise error(_("cannot be read ({why})").format(why=e.strerror or e), where=where) from None
    except ValueError:     # a NUL byte in the name
        raise error(_("not a valid file name"), where=where) from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise error(_("a folder, not a workbook") if what == "workbook" else _("a folder, not a {what}").format(
            what=_(what)), where=where)
    if not stat.S_ISREG(mode):
        kind = (_("a named pipe (FIFO)") if stat.S_ISFIFO(mode) else _("a socket") if stat.S_ISSOCK(mode)
                else _("a device") if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else _("not a regular file"))
        raise error(_("{kind}, not a {what}: refused").format(kind=kind, what=_(what)), where=where)
    return p


def _temp_prefix(name: str) -> str:
    return f".{name}."


def remove_stale_temps(folder: Path | str) -> int:
    """Delete what :func:`write_atomic` left behind when a run was killed outright (SIGKILL, power cut): hidden
    ``.<name>.<random>.tmp`` files in ``folder``. Returns how many. A running writer's own temporary file is
    only ever removed from its own folder by the run that owns the folder (e.g. ``ka2forms convert``)."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed


def write_atomic(path: Path | str, data: bytes | Callable[[BinaryIO], object], *,
                 protect: Iterable[Path | str] = (), durable: bool = True) -> Path:
    """Write ``data`` (bytes, or a function writing to a binary file) to ``path`` atomically; return the path.

    ``durable=False`` skips the ``fsync`` before the rename: the write stays atomic for a killed process (the
    rename happens only after the data is written), but after a power cut the file may be empty or missing.
    ``ka2forms convert`` writes its many outputs so and then a durable manifest that records their sizes, so a
    later ``--resume`` redoes what a power cut damaged (one journal commit per workbook instead of one per file).
    """
    target = Path(path)
    refuse_inputs(target, protect)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = _new_temp(folder, target.name)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(gettext("the output folder does not exist"), where=Location(file=str(folder))) from None
    except OSError as e:
        raise InputError(gettext("cannot write the output: {why}").format(why=e.strerror or e),
                         where=Location(file=str(target))) from None
    try:
        if isinstance(data, (bytes, bytearray)):
            _write_all(fd, data, durable)     # no file object: a batch writes a dozen files per workbook
        else:
            with os.fdopen(fd, "wb") as f:
                data(f)
                f.flush()
                if durable:
                    os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(gettext("cannot write the output: {why}").format(why=e.strerror or e),
                         where=Location(file=str(target))) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _write_all(fd: int, data: bytes | bytearray, durable: bool) -> None:
    """Write ``data`` to ``fd`` (a short write goes on where it stopped), flush it to disk if asked, close."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


_TEMP_COUNTER = itertools.count()
_TEMP_PID = -1
_TEMP_SALT = ""


def _temp_tag() -> str:
    """A temporary name's unique part: random once per process, then a counter (the name is created with
    O_EXCL, so a clash — a file a killed run left — only costs a retry). Why: a random token per file is a
    system call, a dozen per workbook in a batch. The salt is renewed in a forked child, whose counter would
    otherwise repeat its parent's."""
    global _TEMP_PID, _TEMP_SALT
    pid = os.getpid()
    if pid != _TEMP_PID:
        _TEMP_PID, _TEMP_SALT = pid, secrets.token_hex(4)
    return f"{_TEMP_SALT}{next(_TEMP_COUNTER):x}"


def _new_temp(folder: Path, name: str) -> tuple[int, str]:
    """A new hidden temporary file beside the target: ``.<name>.<random>.tmp``, created exclusively.

    Created with mode 0666, so the kernel gives it the mode any new file of the user gets (0666 less the
    umask) — what ``tempfile.mkstemp`` (always 0600) would need a ``chmod`` and two ``umask`` calls for, a
    dozen times per workbook in a batch."""
    for _ in range(100):
        tmp = os.path.join(folder, f"{_temp_prefix(name)}{_temp_tag()}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(folder))
