"""``ka2forms annex``: the application annex (HTML, PDF, Word or Markdown) of a partner workbook.

A thin skin over :func:`ka2forms.services.annex.write_annex`. Register it on the main group with
``main.add_command(annex)``.
"""

from __future__ import annotations

import sys

import click
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.services.annex import FORMATS, LANGUAGES


def _criteria(n: int) -> str:
    return f"{n} criterion" if n == 1 else f"{n} criteria"

@click.command()
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", type=click.Path(),
              help="Output file or folder. Default: <workbook stem>-annex.<ext> next to the workbook.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format. Default: from the output's suffix, else from --template, else html.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the labels, money and dates (criteria stay in English).")
@click.option("--template", type=click.Path(dir_okay=False),
              help="Your own template: HTML or Markdown Jinja text, or a docxtpl .docx (docs/templates.md). "
                   "Rendered sandboxed, with time and memory limits.")
@ui.project_options
def annex(workbook: str, output: str | None, fmt: str | None, lang: str, template: str | None, action: str | None,
          call_year: int | None) -> None:
    """Write the application annex of WORKBOOK: project, consortium, eligibility criteria and warnings.

    Exit code 0 when the annex is written (also when the consortium is not eligible: the annex says so),
    2 when the workbook, the template or an option is wrong.
    """
    from ka2forms.services.annex import write_annex

    def body() -> int:
        written = write_annex(workbook, output, fmt=fmt, lang=lang, template=template, action=action,
                              call_year=call_year)
        verdict = (Text("eligible", style="green") if written.result.eligible
                   else Text(f"not eligible ({_criteria(len(written.result.failing))} not met)", style="red"))
        ui.out.print(Text(f"wrote {written.path} ({written.fmt}, {written.lang}): consortium ") + verdict)
        return ui.EXIT_OK

    sys.exit(ui.guarded(body))


if __name__ == "__main__":  # python -m ka2forms.cli.annex, until the main group registers it
    annex()
