"""Every error ka2forms raises, in one place.

Front ends decide how an error is shown (exit code 2 and a line on stderr, ``#KA2!`` text in a cell, a row
in a batch summary); the core only says *what* went wrong and *where*. That is why every error carries a
:class:`Location` and a short message that makes sense without a traceback.

Hierarchy::

    Ka2Error
    ├── InputError                    the user's input is wrong: fix the file, the cell or the argument
    │   ├── WorkbookError             a workbook cannot be read at all (not an xlsx, missing sheet, too big)
    │   ├── WorkbookInvalid           a workbook was read but has problems; carries every Problem found
    │   ├── UnknownValueError         a name we do not know: action, country, organisation type, role
    │   │   │                         (also a LookupError)
    │   │   └── AmbiguousValueError   a name that means several things ("CR": Czechia or Costa Rica)
    │   ├── PlaceError                a place name cannot be resolved (also a LookupError)
    │   │   ├── UnknownPlaceError     no such place; carries suggestions
    │   │   └── AmbiguousPlaceError   several comparable places; carries the candidates
    │   ├── TemplateError             an annex template is wrong or unsafe: syntax, undefined variable, refused
    │   │                             by the sandbox, over its time or memory limit (names template and line)
    │   └── FormError                 a PDF form or its map cannot be used
    │       ├── FormFileError         a form cannot be read: not a PDF, damaged, encrypted, no fillable fields
    │       ├── FormMapError          a map file is malformed, or names a field the form lacks
    │       └── FormValueError        a value does not fit its field (not an on-state, not an option, a text
    │                                 the form's font cannot show); carries the valid options
    ├── RendererUnavailableError      an output format needs a library or system package that is missing
    │   └── MissingExtraError         a command needs an optional part of ka2forms: `pip install ka2forms[X]`
    ├── RuleNotDefinedError           the rules have no data for this action and call year (also a LookupError)
    └── InternalError                 a bug in ka2forms, not in the input (exit code 3)
        ├── RulesDataError            our own rules data is malformed
        └── IncompatibleDependencyError  an installed library is a version ka2forms was not written for

Every error knows its exit code (``exit_code``: 2 for anything the user can fix or install, 3 for a bug), so
front ends map errors to exit codes in one place and never by reading the message.

Errors subclass built-ins where a caller might reasonably catch those (``LookupError``), as attrs does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where something happened: a file, and inside it a sheet and cell, a form field, or a template line."""

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        from ka2forms.i18n import gettext as _

        parts = []
        if self.file:
            parts.append(self.file)
        inner = ""
        if self.sheet and self.cell:
            inner = f"{self.sheet}!{self.cell}"
        elif self.sheet:
            inner = _("sheet {name!r}").format(name=self.sheet)
        elif self.cell:
            inner = self.cell
        if self.field:
            inner = (inner + " " + _("field {name!r}").format(name=self.field)).strip()
        if self.line is not None:
            inner = (inner + " " + _("line {n}").format(n=self.line)).strip()
        if inner:
            parts.append(inner)
        return ": ".join(parts)

    def in_file(self, file: str) -> Location:
        """The same place, now naming the file (readers learn the cell before the caller names the file)."""
        return Location(file, self.sheet, self.cell, self.field, self.line)


class Ka2Error(Exception):
    """Base of every ka2forms error. ``message`` is short and readable; ``where`` says where it happened."""

    exit_code = 2

    def __init__(self, message: str, *, where: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where or Location()

    @property
    def short(self) -> str:
        """The message with its cell or field but without the file: fits in a worksheet cell."""
        loc = Location(None, self.where.sheet, self.where.cell, self.where.field, self.where.line)
        text = str(loc)
        return f"{text}: {self.message}" if text else self.message

    def __str__(self) -> str:
        text = str(self.where)
        return f"{text}: {self.message}" if text else self.message


class InputError(Ka2Error):
    """The user's input is wrong; the message says what to change."""


class WorkbookError(InputError):
    """A workbook cannot be read at all: not an .xlsx, corrupt, locked, too large, or a required sheet missing."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input, with its place; a reader collects all of them before giving up."""

    where: Location
    message: str

    def __str__(self) -> str:
        text = str(self.where)
        return f"{text}: {self.message}" if text else self.message


class WorkbookInvalid(InputError):
    """A workbook was read but has problems. All of them are reported at once, so one fix round suffices."""

    #: Problems kept; a damaged sheet can produce hundreds of thousands, and nobody reads past the first ones.
    MAX_PROBLEMS = 200

    def __init__(self, problems: Sequence[Problem], *, file: str | None = None) -> None:
        kept = [p if file is None else Problem(p.where.in_file(file), p.message)
                for p in problems[: self.MAX_PROBLEMS]]
        if len(problems) > self.MAX_PROBLEMS:
            where = Location(file=file or problems[0].where.file)
            kept.append(Problem(where, f"… and {len(problems) - self.MAX_PROBLEMS} more problems not shown"))
        self.problems = tuple(kept)
        from ka2forms.i18n import ngettext

        first = self.problems[0]
        more = len(self.problems) - 1
        suffix = ngettext(" (and {n} more problem)", " (and {n} more problems)", more).format(n=more) if more else ""
        super().__init__(first.message + suffix, where=first.where)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UnknownValueError(InputError, LookupError):
    """A name we do not know (action, country, organisation type, role). ``suggestions`` may help the user."""

    def __init__(self, kind: str, value: object, *, suggestions: Iterable[str] = (), where: Location | None = None,
                 hint: str | None = None) -> None:
        from ka2forms.i18n import gettext as _
        from ka2forms.i18n import join_or

        self.kind = kind
        self.value = value
        self.suggestions = tuple(suggestions)
        kinds = {"action": _("unknown action {value!r}"), "country": _("unknown country {value!r}"),
                 "organisation type": _("unknown organisation type {value!r}"), "role": _("unknown role {value!r}")}
        shown = value if not (isinstance(value, str) and len(value) > 60) else \
            f"{value[:60]}… ({len(value)} characters)"           # a 10 MB cell is quoted as a short excerpt
        text = kinds.get(kind, _("unknown {kind} {value!r}")).format(kind=kind, value=shown)
        if self.suggestions:
            text += _(" — did you mean {suggestions}?").format(suggestions=join_or(list(self.suggestions[:3])))
        if hint:
            text += f" ({hint})"
        super().__init__(text, where=where)


class AmbiguousValueError(UnknownValueError):
    """A spelling that means several values ("CR": Czech Republic or Costa Rica); ``candidates`` lists them.

    Never resolved by guessing: the user writes the one they mean (the message says how).
    """

    def __init__(self, kind: str, value: object, candidates: Sequence[str], *, why: str | None = None,
                 where: Location | None = None) -> None:
        self.kind = kind
        self.value = value
        self.candidates = tuple(candidates)
        self.suggestions = self.candidates
        from ka2forms.i18n import gettext as _
        from ka2forms.i18n import join_or

        kinds = {"country": _("ambiguous country {value!r}")}
        text = kinds.get(kind, _("ambiguous {kind} {value!r}")).format(kind=kind, value=value)
        if why:
            text += f": {why}"
        text += _(" — write {candidates}").format(candidates=join_or(list(self.candidates)))
        InputError.__init__(self, text, where=where)


class PlaceError(InputError, LookupError):
    """A place name cannot be resolved to one place."""


class UnknownPlaceError(PlaceError):
    """No place matches; ``suggestions`` are names that nearly match."""

    def __init__(self, query: str, *, suggestions: Iterable[str] = (), where: Location | None = None) -> None:
        from ka2forms.i18n import gettext as _
        from ka2forms.i18n import join_or

        self.query = query
        self.suggestions = tuple(suggestions)
        text = _("unknown place {query!r}").format(query=query)
        if self.suggestions:
            text += _(" — did you mean {suggestions}?").format(suggestions=join_or(list(self.suggestions[:3])))
        super().__init__(text, where=where)


class AmbiguousPlaceError(PlaceError):
    """Several comparable places match; ``candidates`` lists them so the user can add a country or region."""

    def __init__(self, query: str, candidates: Sequence[str], *, where: Location | None = None) -> None:
        from ka2forms.i18n import gettext as _

        self.query = query
        self.candidates = tuple(candidates)
        shown = "; ".join(self.candidates[:5])
        super().__init__(_("{query!r} is ambiguous: {candidates} — add a country or region").format(
            query=query, candidates=shown), where=where)


class TemplateError(InputError):
    """An annex template cannot be rendered. ``where.file`` names the template and ``where.line`` the line (when
    Jinja knows it); the message says what is wrong: a syntax error, a variable the template uses but the annex
    does not provide, an operation the sandbox refused, or a time or memory limit reached."""

    def __init__(self, message: str, *, template: str, line: int | None = None) -> None:
        self.template = template
        self.line = line
        super().__init__(message, where=Location(file=template, line=line))


class RendererUnavailableError(Ka2Error):
    """A format cannot be produced on this machine (e.g. PDF without WeasyPrint's Pango); the message says what
    to install or which other format to use."""


class FormError(InputError):
    """A PDF form, or the map that says how to fill it, cannot be used. ``where`` names the file and field."""


class FormFileError(FormError):
    """A form cannot be read: not a PDF, damaged, password-protected, or without fillable fields."""


class FormMapError(FormError):
    """A map file is malformed, names a field the form lacks, or a template in it fails."""


class FormValueError(FormError):
    """A value does not fit its field. ``options`` lists what the field accepts (on-states, export values)."""

    def __init__(self, message: str, *, options: Iterable[str] = (), where: Location | None = None) -> None:
        from ka2forms.i18n import gettext as _

        self.options = tuple(options)
        if self.options:
            shown = ", ".join(repr(o) for o in self.options[:40])
            more = _(" and {n} more").format(n=len(self.options) - 40) if len(self.options) > 40 else ""
            message = message + _(" (valid: {options})").format(options=shown + more)
        super().__init__(message, where=where)


class RuleNotDefinedError(Ka2Error, LookupError):
    """The rules have no data for this action (or parameter) in this call year. Never silently use another year."""

    def __init__(self, subject: str, call_year: int, *, known: str | None = None, detail: str | None = None) -> None:
        from ka2forms.i18n import gettext as _

        self.subject = subject
        self.call_year = call_year
        text = _("no rules for {subject} in call year {year}").format(subject=subject, year=call_year)
        if known:
            text += _(" (rules exist for {known})").format(known=known)
        if detail:
            text += f"; {detail}"
        super().__init__(text)


class InternalError(Ka2Error):
    """Something inside ka2forms is wrong, not the user's input: reported as a bug (exit code 3)."""

    exit_code = 3


class RulesDataError(InternalError):
    """Our bundled rules data is malformed. This is a bug in ka2forms; the message names the file and key."""


class IncompatibleDependencyError(InternalError):
    """An installed library is not a version ka2forms was written for; the message says what to install."""


class MissingExtraError(RendererUnavailableError):
    """A feature needs an optional part of ka2forms that is not installed; the message names the extra."""

    def __init__(self, feature: str, extra: str, *, missing: str) -> None:
        self.feature = feature
        self.extra = extra
        from ka2forms.i18n import gettext as _

        super().__init__(_("{feature} needs ka2forms[{extra}] (missing: {missing}); install it with: pip install "
                           "'ka2forms[{extra}]'").format(feature=feature, extra=extra, missing=missing))


__all__ = [
    "AmbiguousPlaceError",
    "FormError",
    "FormFileError",
    "FormMapError",
    "FormValueError",
    "IncompatibleDependencyError",
    "InputError",
    "InternalError",
    "Ka2Error",
    "Location",
    "MissingExtraError",
    "PlaceError",
    "Problem",
    "RendererUnavailableError",
    "RuleNotDefinedError",
    "RulesDataError",
    "TemplateError",
    "UnknownPlaceError",
    "UnknownValueError",
    "WorkbookError",
    "WorkbookInvalid",
]
