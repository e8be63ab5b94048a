"""``ka2forms new -o FILE [--action A] [--year Y] [--lang en|sl|cs]``: a blank partner workbook to start from.

The workbook follows docs/workbook.md, with dropdowns for roles, organisation types and the call year's
countries in the chosen language, the partners as an Excel table, Checks and Travel sheets with live KA2
formulas (saved with their results) and a short how-to sheet. An existing file is never overwritten unless
``--force`` is given, and the file appears whole or not at all.

Exit codes: 0 written; 2 bad input (unknown action, a year without rules, an existing output).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ka2forms.cli import _common as ui
from ka2forms.cli._i18n import _set_lang
from ka2forms.errors import InputError
from ka2forms.i18n import _


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
@click.option("--action", default="KA220-VET", show_default=True, help="Action code or alias, e.g. KA210-SCH.")
@click.option("--year", type=int, default=None, help="Call year (default: the latest call with rules).")
@click.option("--lang", type=click.Choice(["en", "sl", "cs"]), default=None, is_eager=True, callback=_set_lang,
              help="Language of the sheets, headers and dropdowns, and of the messages (default: en).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def new(output: str, action: str, year: int | None, lang: str | None, force: bool) -> None:
    """Write a blank partner workbook (Project, Partners, Checks, Travel) to OUTPUT."""

    def body() -> int:
        from ka2forms.excel.workbooks import new_workbook
        from ka2forms.files import write_atomic

        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise InputError(_("{output}: the output must be an .xlsx file").format(output=output))
        if path.exists() and not force:
            raise InputError(_("{output} exists; pick another name or add --force").format(output=output))
        if not path.parent.is_dir():
            raise InputError(_("{output}: folder {folder} does not exist").format(output=output, folder=path.parent))
        write_atomic(path, new_workbook(action, year, lang or "en"))   # the workbook: English unless asked
        ui.echo(_("wrote {path}").format(path=path))
        return ui.EXIT_OK

    sys.exit(ui.guarded(body, file=output))
