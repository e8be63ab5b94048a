"""The ``ka2forms`` command line: a thin skin over the services, one module per command.

Commands import only ``cli._common`` (consoles, exit codes, error reporting) and the core; this module
names the commands and imports each one only when it is run (or when ``--help`` lists them), so imports
point one way, never in a circle, and ``ka2forms check`` does not pay for the annex's or the forms' imports.
The group speaks the user's language (``cli/_i18n.py``): ``--lang`` on the group or any command,
``KA2FORMS_LANG``, or the locale.
"""

from __future__ import annotations

import importlib

import click

from ka2forms import __version__
from ka2forms.cli._i18n import Ka2Group, lang_option_param
from ka2forms.i18n import N_, gettext
from ka2forms.rules import rules_edition

#: command name → "module:attribute" of its Click command, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "check": "ka2forms.cli.check:check",
    "rules": "ka2forms.cli.rules:rules",
    "travel": "ka2forms.cli.travel:travel",
    "budget": "ka2forms.cli.budget:budget",
    "annex": "ka2forms.cli.annex:annex",
    "fields": "ka2forms.cli.forms:fields",
    "fill": "ka2forms.cli.forms:fill",
    "convert": "ka2forms.cli.convert:convert",
    "new": "ka2forms.cli.new:new",
}


class LazyGroup(Ka2Group):
    """A Click group whose commands are imported on first use (Click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS) + sorted(n for n in super().list_commands(ctx) if n not in COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return self.prepare_command(command)
        return super().get_command(ctx, cmd_name)


class _VersionMessage(str):
    """``--version``'s line, translated when Click fills it in (``message % {...}``), after ``--lang`` is read."""

    def __mod__(self, values: object) -> str:
        return str(gettext(str(self)).format(edition=rules_edition()) % values)


VERSION_MESSAGE = _VersionMessage(N_("%(prog)s %(version)s, rules {edition}"))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ka2forms", message=VERSION_MESSAGE)
def main() -> None:
    """Erasmus+ KA2 rules, consortium checks and forms from partner workbooks."""


main.params.append(lang_option_param())

__all__ = ["COMMANDS", "main"]
