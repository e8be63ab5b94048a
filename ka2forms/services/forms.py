"""Forms from partner workbooks: which value goes into which field, and one filled PDF per partner (or project).

The map file format is documented in ``docs/forms.md``. In short:

* A field named like a workbook column or Project label (``Organisation``, ``PIC``, ``Country``, ``Project
  title``, ``Naziv organizacije``…; case, spaces and diacritics ignored, the reader's own synonym tables) is
  filled without a map. Hierarchical names (``form1[0].page1[0].PIC[0]``) match on their last part.
* A map (YAML) sets any field from a template: a string is a Jinja template rendered in Jinja's
  ``ImmutableSandboxedEnvironment`` with ``StrictUndefined`` (``"{{ partner.organisation }}"``; a string
  without ``{{ }}`` is a constant), ``true``/``false`` set checkboxes, ``null`` leaves a field alone. Workbook
  cells are *data* passed to templates, never compiled as templates.
* ``per_partner: true`` makes one PDF per organisation, ``roles: [...]`` says which roles get one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ka2forms.errors import FormMapError, InputError, Location
from ka2forms.files import Inputs, regular_file, write_atomic
from ka2forms.i18n import gettext, ngettext
from ka2forms.model import Partner, Project
from ka2forms.pdf.fill import FilledForm, FormTemplate, Value, fallback_font_path, flatten_pdf
from ka2forms.pdf.inspect import FormField
from ka2forms.readers.workbook import PARTNER_HEADERS, PROJECT_LABELS
from ka2forms.rules import Role, country_name, resolve_role, type_label
from ka2forms.services._map_templates import inspect as inspect_template
from ka2forms.text import fold, fold_compact, quote

__all__ = [
    "FilledForm",
    "FormMap",
    "FormPlan",
    "FormTemplate",
    "Written",
    "fallback_font_path",
    "fill_project",
    "flatten_pdf",
    "plan_values",
    "render_map",
    "safe_filename",
]

MAP_KEYS = {"per_partner", "roles", "fields", "filename", "auto", "overwrite"}

_PARTNER_INDEX = {fold_compact(label): key for key, labels in PARTNER_HEADERS.items() for label in labels}
_PROJECT_INDEX = {fold_compact(label): key for key, labels in PROJECT_LABELS.items() for label in labels}


# ─────────────────────────────── the map file ───────────────────────────────

def _environment() -> Any:
    from ka2forms.services._map_templates import environment

    return environment()


@dataclass(frozen=True)
class Rule:
    """One map entry: a compiled template, a boolean, or ``None`` (leave the field alone)."""

    field: str
    source: str | bool | None
    template: Any = None
    line: int | None = None
    bounded: bool = True                    # renders in this process (see services/_map_templates.py)


@dataclass(frozen=True)
class FormMap:
    """How to fill one form: per partner or not, for which roles, and a rule per field."""

    rules: tuple[Rule, ...] = ()
    per_partner: bool | None = None
    roles: tuple[Role, ...] | None = None
    filename: Rule | None = None
    auto: bool = True                       # fill fields named like workbook columns without a rule
    overwrite: bool = False                 # may automatic matching replace a value the form already holds?
    file: str | None = None

    @classmethod
    def load(cls, path: str | Path) -> FormMap:
        p = Path(path)
        regular_file(p, "map file", error=FormMapError)      # a FIFO would block
        try:
            text = p.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise FormMapError(gettext("map file not found"), where=Location(file=str(p))) from None
        except (OSError, UnicodeDecodeError) as e:
            raise FormMapError(gettext("cannot read the map file ({error})").format(error=e),
                               where=Location(file=str(p))) from None
        return cls.parse(text, file=str(p))

    @classmethod
    def parse(cls, text: str, *, file: str = "map.yaml") -> FormMap:
        from jinja2 import TemplateSyntaxError

        where = Location(file=file)
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise FormMapError(gettext("not valid YAML: {error}").format(error=getattr(e, "problem", None) or e),
                               where=Location(file=file, line=line)) from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise FormMapError(gettext("a map is a YAML mapping with 'fields:' (and optionally 'per_partner:', "
                                       "'roles:')"),
                               where=where)
        unknown = set(data) - MAP_KEYS
        if unknown:
            raise FormMapError(ngettext("unknown key {keys} (known: {known})", "unknown keys {keys} (known: {known})",
                                        len(unknown)).format(keys=", ".join(sorted(map(str, unknown))),
                                                             known=", ".join(sorted(MAP_KEYS))), where=where)
        lines = _field_lines(node)
        per_partner = data.get("per_partner")
        if per_partner is not None and not isinstance(per_partner, bool):
            raise FormMapError(gettext("{key} must be true or false, not {value!r}").format(key="per_partner",
                                                                                    value=per_partner), where=where)
        auto = data.get("auto", True)
        if not isinstance(auto, bool):
            raise FormMapError(gettext("{key} must be true or false, not {value!r}").format(key="auto", value=auto),
                               where=where)
        overwrite = data.get("overwrite", False)
        if not isinstance(overwrite, bool):
            raise FormMapError(gettext("{key} must be true or false, not {value!r}").format(key="overwrite",
                                                                                    value=overwrite), where=where)
        roles = None
        if data.get("roles") is not None:
            raw = data["roles"]
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list):
                raise FormMapError(gettext("roles is a list such as [coordinator, partner]"), where=where)
            try:
                roles = tuple(resolve_role(str(r)) for r in raw)
            except InputError as e:
                raise FormMapError(f"roles: {e.message}", where=where) from None
        fields = data.get("fields") or {}
        if not isinstance(fields, dict):
            raise FormMapError(gettext("fields is a mapping of field name → value or template"), where=where)
        env = _environment()
        rules = []
        for name, source in fields.items():
            line = lines.get(str(name))
            fwhere = Location(file=file, field=str(name), line=line)
            if isinstance(source, (int, float)) and not isinstance(source, bool):
                source = str(source)
            if source is not None and not isinstance(source, (str, bool)):
                raise FormMapError(gettext("a field's value is text (a Jinja template), true/false or null, not "
                                     "{kind}").format(kind=type(source).__name__), where=fwhere)
            template, bounded = None, True
            if isinstance(source, str):
                try:
                    refused, bounded = inspect_template(source)
                    template = env.from_string(source)  # the map author's template, never a workbook cell
                except TemplateSyntaxError as e:
                    raise FormMapError(gettext("template error: {error}").format(error=e.message),
                                       where=fwhere) from None
                if refused:
                    raise FormMapError(refused, where=fwhere)
            rules.append(Rule(str(name), source, template, line, bounded))
        filename = None
        if data.get("filename") is not None:
            fwhere = Location(file=file, field="filename", line=lines.get("filename"))
            try:
                refused, bounded = inspect_template(str(data["filename"]))
                filename = Rule("filename", str(data["filename"]), env.from_string(str(data["filename"])),
                                lines.get("filename"), bounded)
            except TemplateSyntaxError as e:
                raise FormMapError("filename: " + gettext("template error: {error}").format(error=e.message),
                                   where=where) from None
            if refused:
                raise FormMapError(f"filename: {refused}", where=fwhere)
        return cls(tuple(rules), per_partner, roles, filename, auto, overwrite, file)

    def templates(self) -> list[Rule]:
        """The rules that are templates, the file-name template last."""
        return [r for r in self.rules if isinstance(r.source, str)] + ([self.filename] if self.filename else [])


#: Where the rendered file name is kept among a form's rendered fields.
FILENAME_KEY = "\0filename"


def render_map(fmap: FormMap, contexts: Sequence[dict[str, Any]], *, limits: Any = "default") -> list[dict[str, str]]:
    """Every template of ``fmap`` rendered for each context: field → text (the file name under FILENAME_KEY).

    Templates whose cost is bounded by their input render here; if any other is present, all of them render
    in one child process with the annex templates' limits (``limits=None``: here, for environments without
    subprocesses). Any failure is a FormMapError naming the map, the field and its line.
    """
    from ka2forms.services._map_templates import RenderFailed, render_isolated, render_safely

    rules = fmap.templates()
    if not rules:
        return [{} for _ in contexts]
    sources = [str(r.source) for r in rules]
    if limits == "default":
        from ka2forms.services.annex import DEFAULT_LIMITS

        limits = DEFAULT_LIMITS
    try:
        if limits is None or all(r.bounded for r in rules):
            rendered = render_safely(sources, contexts)
        else:
            rendered = render_isolated(sources, contexts, seconds=limits.seconds, memory_mb=limits.memory_mb)
    except RenderFailed as e:
        rule = rules[e.index] if e.index is not None and 0 <= e.index < len(rules) else None
        if rule is None:
            raise FormMapError(e.message, where=Location(file=fmap.file)) from None
        what = "filename template" if rule is fmap.filename else f"template {quote(rule.source)}"
        raise FormMapError(f"{what} {e.message}", where=Location(file=fmap.file, field=rule.field,
                                                                 line=rule.line)) from None
    return [{(FILENAME_KEY if r is fmap.filename else r.field): text for r, text in zip(rules, row, strict=True)}
            for row in rendered]


def _field_lines(node: Any) -> dict[str, int]:
    """Line numbers of the keys under ``fields:`` (and ``filename``), for messages."""
    out: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return out
    for k, v in node.value:
        if k.value == "filename":
            out["filename"] = k.start_mark.line + 1
        if k.value == "fields" and isinstance(v, yaml.MappingNode):
            for fk, _ in v.value:
                out[str(fk.value)] = fk.start_mark.line + 1
    return out


# ─────────────────────────────── values ───────────────────────────────

def partner_context(p: Partner | None) -> dict[str, Any] | None:
    """A partner as plain data for templates (never live objects)."""
    return dict(_partner_context(p)) if p is not None else None


@lru_cache(maxsize=1024)
def _partner_context(p: Partner) -> dict[str, Any]:
    """Made once per partner: a project's form for each of its n partners lists all n of them."""
    return {
        "organisation": p.organisation, "name": p.organisation, "country": p.country,
        "country_name": country_name(p.country), "city": p.city or "", "type": p.org_type,
        "type_label": type_label(p.org_type), "role": p.role.value, "role_label": p.role.label,
        "pic": p.pic or "", "oid": p.oid or "",
    }


def project_context(project: Project) -> dict[str, Any]:
    grant = project.requested_grant
    return {
        "action": project.action, "call_year": project.call_year, "title": project.title or "",
        "acronym": project.acronym or "", "duration_months": project.duration_months or "",
        "requested_grant": f"{grant:.2f}" if grant is not None else "",
    }


def template_context(project: Project, partner: Partner | None, *, today: dt.date | None = None) -> dict[str, Any]:
    return template_contexts(project, [partner], today=today)[0]


def template_contexts(project: Project, partners: Sequence[Partner | None], *,
                      today: dt.date | None = None) -> list[dict[str, Any]]:
    """The context of each form's templates, one per partner (None: the coordinator's). What all forms of the
    project share is made once and shared: the sandbox lets no template change it."""
    shared = {"project": project_context(project), "coordinator": partner_context(project.coordinator),
              "partners": [partner_context(p) for p in project.partners], "today": today or dt.date.today()}
    return [{**shared, "partner": partner_context(p if p is not None else project.coordinator)} for p in partners]


def _partner_candidates(key: str, p: Partner) -> tuple[str, ...]:
    """Ways to write a partner's value, best for text first; dropdowns and radios take the first that matches."""
    if key == "role":
        return (p.role.label, p.role.value)
    if key == "organisation":
        return (p.organisation,)
    if key == "country":
        return (country_name(p.country), p.country)
    if key == "city":
        return (p.city,) if p.city else ()
    if key == "type":
        return (type_label(p.org_type), p.org_type)
    if key == "pic":
        return (p.pic,) if p.pic else ()
    if key == "oid":
        return (p.oid,) if p.oid else ()
    return ()


def _project_candidates(key: str, project: Project) -> tuple[str, ...]:
    value = getattr(project, key, None)
    if value is None:
        return ()
    if key == "requested_grant":
        return (f"{value:.2f}",)
    return (str(value),)


def _short_name(name: str) -> str:
    """``form1[0].page1[0].PIC[0]`` → ``PIC``."""
    return re.sub(r"\[\d+\]$", "", name.rsplit(".", 1)[-1])


@lru_cache(maxsize=4096)
def auto_source(field_name: str, *, per_partner: bool) -> tuple[str, str] | None:
    """("partner" | "project", key) for a field named like a workbook column or Project label."""
    for key in dict.fromkeys((fold_compact(field_name), fold_compact(_short_name(field_name)))):
        order = ((_PARTNER_INDEX, "partner"), (_PROJECT_INDEX, "project"))
        for index, kind in order if per_partner else order[::-1]:
            if key in index:
                return kind, index[key]
    return None


@dataclass(frozen=True)
class FormPlan:
    """The values for one filled form and where each came from (``map`` / ``workbook``)."""

    values: dict[str, Value]
    sources: dict[str, str]
    warnings: tuple[str, ...] = ()


def _fits(f: FormField, candidates: Iterable[str]) -> str | None:
    cands = [c for c in candidates if c]
    if f.kind in ("combo", "list", "radio") and f.options:
        for c in cands:
            for o in f.options:
                if fold(c) in (fold(o.export), fold(o.display)):
                    return c
        return None if not (f.kind == "combo" and f.editable) else (cands[0] if cands else None)
    if f.kind in ("checkbox", "signature", "button"):
        return None
    return cands[0] if cands else None


def plan_values(template: FormTemplate, fmap: FormMap, project: Project, partner: Partner | None, *,
                per_partner: bool, today: dt.date | None = None,
                rendered: Mapping[str, str] | None = None) -> FormPlan:
    """Field → value for one form: map rules first, then fields named like workbook columns. ``rendered`` is
    what :func:`render_map` made of the map's templates for this form (rendered here when not given)."""
    fields = template.fields
    values: dict[str, Value] = {}
    sources: dict[str, str] = {}
    warnings: list[str] = []
    ruled = set()
    for rule in fmap.rules:
        if rule.field not in fields:
            from ka2forms.pdf.fill import _similar

            raise FormMapError(gettext("the map names field {name!r}, but {form} has no such field").format(
                name=rule.field, form=Path(template.name).name) + _similar(rule.field, fields),
                where=Location(file=fmap.file, field=rule.field, line=rule.line))
        ruled.add(rule.field)
        if rule.source is None:
            continue
        if isinstance(rule.source, bool):
            values[rule.field] = rule.source
        else:
            if rendered is None:
                rendered = render_map(fmap, [template_context(project, partner, today=today)])[0]
            values[rule.field] = rendered[rule.field]
        sources[rule.field] = "map"
    if fmap.auto:
        who = partner if partner is not None else project.coordinator
        for name, f in fields.items():
            if name in ruled:
                continue
            hit = auto_source(name, per_partner=per_partner)
            if hit is None:
                continue
            kind, key = hit
            if f.prefilled and not fmap.overwrite:
                warnings.append(gettext("field {name!r} already holds {value!r}; left as the form has it (a rule for "
                                  "it in the map, or 'overwrite: true', replaces it)").format(name=name, value=f.value))
                continue
            if kind == "partner":
                if who is None:
                    continue
                cands = _partner_candidates(key, who)
            else:
                cands = _project_candidates(key, project)
            value = _fits(f, cands)
            if value is None:
                if cands and f.kind in ("combo", "list", "radio"):
                    warnings.append(gettext("field {name!r}: workbook value {value!r} is not one of its options; "
                                      "left as it was (map it in the map file)").format(name=name, value=cands[0]))
                continue
            if f.maxlen is not None and len(value) > f.maxlen:
                warnings.append(gettext("field {name!r}: {key} has {n} characters, the field takes {maxlen}; "
                                  "left empty").format(name=name, key=key, n=len(value), maxlen=f.maxlen))
                continue
            values[name] = value
            sources[name] = f"workbook {kind} {key}"
    template.check(values)
    return FormPlan(values, sources, tuple(warnings))


# ─────────────────────────────── file names and writing ───────────────────────────────

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_filename(name: str, *, suffix: str = ".pdf", taken: set[str] | None = None, max_bytes: int = 180) -> str:
    """A file name from an organisation name that is valid on Windows, macOS and Linux; diacritics kept (NFC).

    Path separators, control and reserved characters are dropped, spaces collapsed, trailing dots and spaces
    stripped, Windows device names (``CON``, ``COM1``…) avoided, the UTF-8 length capped; with ``taken``
    (case-folded names already used) duplicates get `` (2)``, `` (3)``… and the result is added to it.
    """
    base = _clean_stem(name, max_bytes - len(suffix.encode("utf-8")))
    candidate, n = base + suffix, 2
    while taken is not None and candidate.casefold() in taken:
        tail = f" ({n})"
        candidate = _cut(base, max_bytes - len((tail + suffix).encode("utf-8"))) + tail + suffix
        n += 1
    if taken is not None:
        taken.add(candidate.casefold())
    return candidate


@lru_cache(maxsize=4096)
def _clean_stem(name: str, limit: int) -> str:
    """:func:`safe_filename`'s cleaned name, at most ``limit`` UTF-8 bytes (remembered: a batch writes the
    same organisations' forms workbook after workbook)."""
    text = _FORBIDDEN.sub(" ", re.sub(r"\s", " ", unicodedata.normalize("NFC", name)))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text:
        text = "form"
    if text.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        text = f"{text}_"
    return _cut(text, limit)


def _cut(t: str, limit: int) -> str:
    while len(t.encode("utf-8")) > limit:
        t = t[:-1]
    return t.rstrip(" .")


# ─────────────────────────────── the whole job ───────────────────────────────

@dataclass(frozen=True)
class Written:
    """One filled PDF written to disk."""

    path: Path
    partner: Partner | None
    filled: int                              # how many fields got a value
    warnings: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    size: int = 0                            # bytes written


def fill_project(project: Project, template: FormTemplate, fmap: FormMap | None, outdir: str | Path, *,
                 per_partner: bool | None = None, flatten: bool = False, today: dt.date | None = None,
                 protect: Iterable[str | Path] = (), durable: bool = True) -> list[Written]:
    """Fill ``template`` for ``project``: one PDF, or one per partner whose role the map selects.

    Every value is planned and checked before the first file is written, so a bad map or value writes nothing.
    ``protect`` lists input files (form, workbook, map) that an output must never replace; ``durable=False``
    leaves flushing to disk to the caller (see :func:`ka2forms.files.write_atomic`).
    """
    fmap = fmap or FormMap()
    each = per_partner if per_partner is not None else bool(fmap.per_partner)
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(gettext("cannot create the output folder ({error})").format(error=e.strerror or e),
                         where=Location(file=str(out))) from None
    guarded = (*protect, template.name)
    taken: set[str] = set()
    jobs: list[tuple[Partner | None, FormPlan, Path]] = []
    if each:
        partners = [p for p in project.partners if fmap.roles is None or p.role in fmap.roles]
        if not partners:
            roles = ", ".join(r.value for r in fmap.roles or ())
            raise InputError(gettext("no organisation in the workbook has a role the map selects ({roles})").format(
                roles=roles),
                             where=Location(file=project.source or fmap.file))
    else:
        partners = [None]
    texts = render_map(fmap, template_contexts(project, partners, today=today))
    for partner, rendered in zip(partners, texts, strict=True):
        plan = plan_values(template, fmap, project, partner, per_partner=each, today=today, rendered=rendered)
        stem = _output_stem(template, fmap, project, partner, rendered)
        jobs.append((partner, plan, out / safe_filename(stem, taken=taken)))
    inputs = Inputs(guarded)
    for _, _, path in jobs:
        inputs.refuse(path)
    # All or nothing: every form is filled in memory first, so a value that fails only while drawing (a
    # character no font has, such as a flag emoji in the fourth partner's name) writes no file at all.
    filled = [(partner, plan, path, template.fill(plan.values, flatten=flatten)) for partner, plan, path in jobs]
    written = []
    for partner, plan, path, form in filled:
        write_atomic(path, form.data, durable=durable)       # every path was checked against the inputs above
        written.append(Written(path, partner, len(plan.values), plan.warnings + form.warnings, plan.sources,
                               len(form.data)))
    return written


def _output_stem(template: FormTemplate, fmap: FormMap, project: Project, partner: Partner | None,
                 rendered: Mapping[str, str]) -> str:
    if fmap.filename is not None:
        return rendered[FILENAME_KEY]
    if partner is not None:
        return partner.organisation
    form = Path(template.name).stem
    label = project.acronym or (Path(project.source).stem if project.source else "")
    return f"{label} – {form}" if label else form
