"""What every command shares: the consoles, the exit codes, and the one place that turns errors into them.

Exit codes are a promise to scripts: 0 eligible / done, 1 not eligible, 2 unreadable or invalid input
(message on stderr, never a traceback), 3 an internal error (a bug in ka2forms; KA2FORMS_DEBUG=1 shows the
traceback). Which code an error gets is the error's own ``exit_code`` (``ka2forms.errors``), never a guess
from its message.

Output goes through :class:`PipeSafeStdout`: ``ka2forms check *.xlsx | head`` closes the pipe early, and the
command must still finish with its real exit code instead of a broken-pipe traceback.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text

from ka2forms.errors import Ka2Error, WorkbookInvalid

EXIT_OK, EXIT_NOT_ELIGIBLE, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130     # as shells report a run stopped by Ctrl+C


class PipeSafeStdout(io.TextIOBase):
    """``sys.stdout`` as it is at each write (test runners swap it), silenced once the reader has gone away.

    After the first ``BrokenPipeError`` the process's stdout is pointed at /dev/null, so neither later
    writes nor the interpreter's final flush raise again.
    """

    def __init__(self) -> None:
        super().__init__()
        self.broken = False

    @property
    def _stream(self) -> Any:
        return sys.stdout

    def write(self, s: str) -> int:
        if self.broken:
            return len(s)
        try:
            self._stream.write(s)
        except BrokenPipeError:
            self._silence()
        return len(s)

    def flush(self) -> None:
        if self.broken:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._silence()

    def _silence(self) -> None:
        self.broken = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # not a real file descriptor (a test's capture): dropping further writes is enough

    def isatty(self) -> bool:
        try:
            return bool(self._stream.isatty())
        except (AttributeError, ValueError):
            return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def fileno(self) -> int:
        return int(self._stream.fileno())


stdout = PipeSafeStdout()
out = Console(file=stdout, highlight=False)
err = Console(stderr=True, highlight=False)


def echo(text: str) -> None:
    """Print plain text (JSON, CSV) on stdout, as safely as the consoles do."""
    stdout.write(text + "\n")
    stdout.flush()


def report_error(e: Ka2Error) -> None:
    """Print an error the way every command does: one line per problem, on stderr."""
    lines = [str(p) for p in e.problems] if isinstance(e, WorkbookInvalid) else [str(e)]
    label = "internal error: " if e.exit_code == EXIT_INTERNAL else "error: "
    for line in lines:
        err.print(Text(label, style="bold red") + Text(line), soft_wrap=True)


def report_bug(e: BaseException, file: str | None = None) -> None:
    """A bug in ka2forms: say so briefly, name the file it happened on, keep the traceback for those who ask."""
    where = f"{file}: " if file else ""
    err.print(Text("internal error: ", style="bold red") + Text(f"{where}{e.__class__.__name__}: {e}\n"
              "This is a bug in ka2forms. Run again with KA2FORMS_DEBUG=1 to see the traceback and report it."),
              soft_wrap=True)


def guarded(fn: Callable[[], int], on_error: Callable[[Ka2Error], None] | None = None, *,
            file: str | None = None) -> int:
    """Run a command body and return its exit code: an error's own code with a message, a bug → 3.

    ``file`` names the input being processed, so an internal error in a multi-file command says where.
    """
    try:
        return fn()
    except Ka2Error as e:
        if e.exit_code == EXIT_INTERNAL and os.environ.get("KA2FORMS_DEBUG"):
            raise
        report_error(e)
        if on_error:
            on_error(e)
        return e.exit_code
    except Exception as e:
        if os.environ.get("KA2FORMS_DEBUG"):
            raise
        report_bug(e, file)
        return EXIT_INTERNAL


def project_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--action`` and ``--year``: what a .csv partner table (or a workbook without them) does not say."""
    import click

    fn = click.option("--year", "call_year", type=click.IntRange(2014, 2100), default=None,
                      help="Call year, when the file does not give one (a .csv partner table).")(fn)
    return click.option("--action", default=None,
                        help="Action code (KA220-VET, AFI-LOT1…), when the file does not give one (a .csv).")(fn)
