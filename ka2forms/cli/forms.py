"""``ka2forms fields`` and ``ka2forms fill``: what a PDF form asks for, and filling it from a partner workbook.

Registered in ``cli.py`` with ``main.add_command(fields)`` and ``main.add_command(fill)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from ka2forms.cli import _common as ui
from ka2forms.extras import require
from ka2forms.i18n import _, ngettext
from ka2forms.rules.words import role_label

if TYPE_CHECKING:
    from ka2forms.pdf.inspect import FormField


def _options(f: FormField) -> str:
    if f.kind == "checkbox":
        return _("on: {states}").format(states=", ".join(f.on_states)) if f.on_states else ""
    if f.kind == "radio":
        return ", ".join(o.export if o.export == o.display else f"{o.export} ({o.display})" for o in f.options)
    if f.options:
        shown = [o.export if o.export == o.display else f"{o.export} = {o.display}" for o in f.options[:12]]
        more = f" … (+{len(f.options) - 12})" if len(f.options) > 12 else ""
        return ", ".join(shown) + more
    return ""


def _flags(f: FormField) -> str:
    flags = {"multiline": _("multiline"), "readonly": _("read-only"), "required": _("required"),
             "multiselect": _("multiple choice"), "editable": _("editable"), "password": _("password")}
    parts = [flags.get(n, n) for n in f.flags if n != "comb"]
    if f.comb:
        parts.append(_("comb {n}").format(n=f.maxlen))
    elif f.maxlen is not None:
        parts.append(_("max {n}").format(n=f.maxlen))
    return ", ".join(parts)


@click.command()
@click.argument("form", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the fields as JSON.")
def fields(form: str, as_json: bool) -> None:
    """List the fields of a PDF FORM: name, type, options or on-states, flags — what a map needs."""

    def body() -> int:
        require("forms", "ka2forms fields")
        from ka2forms.pdf.inspect import inspect_form

        info = inspect_form(form)
        if as_json:
            ui.echo(json.dumps(info.as_dict(), ensure_ascii=False, indent=2))
            return ui.EXIT_OK
        fields_on = ngettext("{n} field", "{n} fields", len(info.fields)).format(n=len(info.fields))
        pages = ngettext("on {n} page", "on {n} pages", info.pages).format(n=info.pages)
        ui.out.print(Text(f"{form}", style="bold") + Text(f": {fields_on} {pages}"))
        table = Table(header_style="bold", pad_edge=False)
        for col in (_("Field"), _("Type"), _("Page"), _("Options / on-states"), _("Flags"), _("Tooltip")):
            table.add_column(col, overflow="fold")
        kinds = {"text": _("text"), "checkbox": _("checkbox"), "radio": _("radio buttons"),
                 "combo": _("drop-down list"), "list": _("list box"), "button": _("button"),
                 "signature": _("signature")}
        for f in info.fields:
            table.add_row(Text(f.name), kinds.get(f.kind, f.kind), str(f.page or ""), Text(_options(f)), _flags(f),
                          Text(f.tooltip or ""))
        ui.out.print(table)
        notes = []
        if info.xfa:
            notes.append(_("an XFA hybrid: filled copies drop the XFA part (Acrobat would show it instead)"))
        if info.active_content:
            notes.append(ngettext("{n} active-content item (scripts, actions, attachments): removed from filled "
                                  "copies", "{n} active-content items (scripts, actions, attachments): removed "
                                  "from filled copies", info.active_content).format(n=info.active_content))
        if info.encrypted:
            notes.append(_("encrypted without a user password: filled copies are written unencrypted"))
        for n in notes:
            ui.out.print(Text(_("note: "), style="yellow") + Text(n))
        return ui.EXIT_OK

    sys.exit(ui.guarded(body))


@click.command()
@click.argument("workbook", type=click.Path(dir_okay=False))
@click.option("--form", "form", required=True, type=click.Path(dir_okay=False), help="The PDF form to fill.")
@click.option("--map", "map_file", type=click.Path(dir_okay=False), help="A map file (YAML, docs/forms.md).")
@click.option("--per-partner/--per-project", "per_partner", default=None,
              help="One PDF per organisation (default: as the map says, else one for the project).")
@click.option("--flatten", is_flag=True, help="Write non-editable copies (fields painted into the page).")
@click.option("--strict", is_flag=True, help="Refuse a form with a field that cannot be filled (default: leave "
                                             "that field as it is, warn, and fill the others).")
@click.option("-o", "--out", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for the filled PDFs (created if needed).")
@ui.project_options
def fill(workbook: str, form: str, map_file: str | None, per_partner: bool | None, flatten: bool,
         outdir: str, action: str | None, call_year: int | None, strict: bool = False) -> None:
    """Fill a PDF form from WORKBOOK: one PDF for the project, or one per organisation.

    Fields named like workbook columns (Organisation, PIC, Country, City, …) or Project labels fill without
    a map; a map sets the rest. Exit code 2 when the workbook, form or map cannot be used.
    """
    def body() -> int:
        require("forms", "ka2forms fill")
        from ka2forms.readers.workbook import read_workbook
        from ka2forms.services.forms import FormMap, FormTemplate, fill_project

        project = read_workbook(workbook, action=action, call_year=call_year)
        for problem in project.warnings:  # what the reader read with a doubt or passed over
            ui.err.print(Text(_("warning: "), style="yellow") + Text(str(problem)))
        fmap = FormMap.load(map_file) if map_file else None
        template = FormTemplate.open(form, strict=strict)
        protect = [p for p in (workbook, form, map_file) if p]
        written = fill_project(project, template, fmap, outdir, per_partner=per_partner, flatten=flatten,
                               protect=protect)
        if template.removed_active_content:
            n = template.removed_active_content
            ui.err.print(Text(_("note: "), style="yellow") + Text(ngettext(
                "removed {n} active-content item from {form}", "removed {n} active-content items from {form}",
                n).format(n=n, form=form)))
        for w in written:
            who = f" ({w.partner.organisation}, {role_label(w.partner.role.value).lower()})" if w.partner else ""
            filled = ngettext("{n} field", "{n} fields", w.filled).format(n=w.filled)
            ui.out.print(Text(_("wrote "), style="green") + Text(str(w.path)) + Text(f" – {filled}{who}",
                                                                                     style="dim"))
            for warning in w.warnings:
                ui.err.print(Text(_("warning: "), style="yellow") + Text(f"{Path(w.path).name}: {warning}"))
        summary = ngettext("{n} filled form in {folder}", "{n} filled forms in {folder}", len(written)).format(
            n=len(written), folder=outdir)
        ui.out.print(Text(summary + (_(" (flattened)") if flatten else ""), style="bold"))
        return ui.EXIT_OK

    sys.exit(ui.guarded(body))
