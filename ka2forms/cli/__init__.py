"""The ``ka2forms`` command line: a thin skin over the services, one module per command.

Commands import only ``cli._common`` (consoles, exit codes, error reporting) and the core; this module
imports the commands and registers them on the group, so imports point one way and never in a circle.
"""

from __future__ import annotations

import click

from ka2forms import __version__
from ka2forms.cli.annex import annex
from ka2forms.cli.budget import budget
from ka2forms.cli.check import check
from ka2forms.cli.convert import convert
from ka2forms.cli.forms import fields, fill
from ka2forms.cli.rules import rules
from ka2forms.cli.travel import travel
from ka2forms.rules import rules_edition


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ka2forms", message="%(prog)s %(version)s, rules " + rules_edition())
def main() -> None:
    """Erasmus+ KA2 rules, consortium checks and forms from partner workbooks."""


for _command in (check, rules, travel, budget, annex, fields, fill, convert):
    main.add_command(_command)

__all__ = ["main"]
