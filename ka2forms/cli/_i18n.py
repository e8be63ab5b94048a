"""The command line in the user's language: ``--lang``, ``KA2FORMS_LANG`` or the locale, for messages, errors
and ``--help``.

How, without touching every command module:

- :class:`Ka2Group` (the ``ka2forms`` group) resolves the language from the environment before parsing
  (:func:`ka2forms.i18n.resolve_lang`); ``--lang`` on the group or on a command (an eager option, so it also
  applies to ``--help`` and to errors in the arguments that follow) overrides it.
- Help texts stay English in the code (docstrings, ``help=``); :func:`help_messages` walks the command tree so
  ``scripts/i18n.py extract`` puts each of them in the catalogs, and :class:`Ka2Formatter` looks them up when
  it writes the help. A help text without a translation is shown in English, never dropped.
- Click's own words ("Usage:", "Missing argument", "Try 'ka2forms -h' for help.") come from its modules'
  ``gettext`` calls; :func:`translate_click` points those at our catalogs when the CLI starts (never at
  import), and :data:`CLICK_MESSAGES` lists the ones we translate.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from typing import Any

import click

from ka2forms import i18n
from ka2forms.i18n import N_, gettext

#: Click's messages we translate (exact msgids of click 8.1–8.3; singular and plural where Click counts).
CLICK_MESSAGES: tuple[str | tuple[str, str], ...] = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
    N_("Show the version and exit."), N_("Error: {message}"), N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"), N_("Invalid value for {param_hint}: {message}"), N_("Missing argument"),
    N_("Missing option"), N_("Missing parameter"), N_("Missing command."), N_("No such option {name!r}."),
    N_("No such command {name!r}."), N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."), N_("default: {default}"), N_("Aborted!"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
)


def translate_click() -> None:
    """Point Click's message lookups at our catalogs (its modules call ``gettext``/``ngettext`` by name)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types):
        if callable(getattr(module, "_", None)):
            module._ = i18n.gettext  # type: ignore[attr-defined]
        if callable(getattr(module, "ngettext", None)):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]


def _help_text(text: str | None) -> str:
    return inspect.cleandoc(text or "").partition("\f")[0]


def _translate_help(text: str) -> str:
    """A help text in the current language: the whole text, else paragraph by paragraph, else as it is."""
    if not text:
        return text
    whole = gettext(text)
    if whole != text:
        return whole
    return "\n\n".join(gettext(p) for p in text.split("\n\n"))


def _translate_record(text: str) -> str:
    """An option's help as Click shows it: "help  [default: x]": translate the help, keep the brackets."""
    head, sep, extra = text.partition("  [")
    if not sep:
        return _translate_help(text)
    return _translate_help(head) + sep + extra


class Ka2Formatter(click.HelpFormatter):
    """Writes help in the current language: command help, option help and command summaries."""

    def write_text(self, text: str) -> None:
        super().write_text(_translate_help(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(a, _translate_record(b)) for a, b in rows], col_max, col_spacing)


class Ka2Context(click.Context):
    formatter_class = Ka2Formatter


class Ka2Group(click.Group):
    """The ``ka2forms`` group: language from the environment first, command summaries translated."""

    context_class = Ka2Context

    def main(self, *args: Any, **kwargs: Any) -> Any:
        translate_click()
        try:
            lang = i18n.resolve_lang(None)
        except i18n.UnknownLanguageError as e:
            click.echo(gettext("error: ") + f"KA2FORMS_LANG: {e}", err=True)
            raise SystemExit(2) from None
        token = i18n.set_language(lang)
        try:
            return super().main(*args, **kwargs)
        finally:
            i18n.reset_language(token)   # a test runner or a host program calls main() again

    def prepare_command(self, cmd: click.Command) -> click.Command:
        """A command of this group speaks the user's language: translated help, and ``--lang`` of its own."""
        cmd.context_class = Ka2Context
        if not any(p.name == "lang" for p in cmd.params):
            cmd.params.append(lang_option_param())
        return cmd

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(self.prepare_command(cmd), name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [(n, c) for n in self.list_commands(ctx) if (c := self.get_command(ctx, n)) and not c.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(n) for n, _ in commands)
        rows = [(n, c.short_help or _short(_translate_help(_help_text(c.help)), limit)) for n, c in commands]
        with formatter.section(gettext("Commands")):
            click.HelpFormatter.write_dl(formatter, rows)


def _short(text: str, limit: int) -> str:
    """A command's summary for the group's list: its first sentence, cut at a word to ``limit``."""
    first = text.split("\n\n", 1)[0].replace("\n", " ").strip()
    if len(first) <= limit:
        return first
    return first[: max(limit - 3, 0)].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        token = i18n.set_language(value)
        ctx.call_on_close(lambda: i18n.reset_language(token))
    return value


LANG_HELP = N_("Language of messages, help and output: en, sl, cs or de (default: KA2FORMS_LANG, else the "
               "locale: LC_ALL, LC_MESSAGES, LANG).")


def lang_option_param() -> click.Option:
    """``--lang`` as a parameter object: eager, so it applies to ``--help`` and to later argument errors."""
    return click.Option(["--lang"], type=click.Choice(i18n.LANGUAGES), default=None, is_eager=True,
                        expose_value=False, callback=_set_lang, help=LANG_HELP)


def lang_option(fn: Any) -> Any:
    """``--lang`` for a command that needs the value (``annex`` passes it on); it also sets the language."""
    return click.option("--lang", type=click.Choice(i18n.LANGUAGES), default=None, is_eager=True,
                        callback=_set_lang, help=LANG_HELP)(fn)


def help_messages(group: click.Group) -> Iterator[tuple[str, str]]:
    """Every help text of the command tree, as (msgid, where) for the catalog template."""
    def walk(cmd: click.Command, path: str) -> Iterator[tuple[str, str]]:
        text = _help_text(cmd.help)
        if text:
            yield text, f"cli: {path} --help"
        for p in cmd.params:
            helptext = getattr(p, "help", None)
            if helptext:
                yield _help_text(helptext), f"cli: {path} {p.opts[0] if p.opts else p.name}"
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    yield from walk(sub, f"{path} {name}")

    yield from walk(group, "ka2forms")
