"""The application annex: the project, its consortium and the eligibility result as HTML, PDF, Word or Markdown.

One rendering function serves every front end (the CLI, the Excel ribbon button, the batch converter):

- :func:`annex_context` turns a :class:`~ka2forms.model.Project` and its
  :class:`~ka2forms.services.check.CheckResult` into plain data (dicts, lists, ``str``, ``int``, ``bool``,
  ``Decimal``, ``date``; never live objects), with labels in the chosen language;
- :func:`render_annex` renders that context with a template into bytes;
- :func:`write_annex` reads a workbook, checks it, renders and writes the file atomically, never over the
  workbook itself.

Templates. The default templates live in the repository's top-level ``templates/`` (``annex.html.j2``,
``annex.docx``, ``annex.md.j2`` and ``labels.yaml``); the wheel ships a copy as ``ka2forms/templates/`` (see
``setup.py``). They are ours, so they render in a plain Jinja environment in this process. A template the user
supplies renders in Jinja's ``ImmutableSandboxedEnvironment`` with ``StrictUndefined``, autoescaping for HTML
and Word, no access to other files (no ``include``/``extends``), and in a child process with a time limit and,
where the OS has ``resource`` (Linux, macOS), an address-space limit.

PDF is made from the HTML with WeasyPrint (docs/templates.md says why not LibreOffice), with a URL fetcher that
only allows ``data:`` URLs, so a template cannot pull local files or reach the network.

This module never imports click, rich or xlwings.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import re
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ka2forms import __version__, i18n
from ka2forms.errors import InputError, Location, RendererUnavailableError, RulesDataError, TemplateError
from ka2forms.extras import missing_extra, require
from ka2forms.files import same_file, write_atomic
from ka2forms.i18n import _, gettext, join_or
from ka2forms.model import Project
from ka2forms.rules import Role, rules_for, words
from ka2forms.services.budget import LUMP_SUM_PERIOD_FROM, check_budget, plan_travel
from ka2forms.services.charts import bar_chart_svg
from ka2forms.services.check import CheckResult, check_project

FORMATS: tuple[str, ...] = ("html", "pdf", "docx", "md")
#: Annex language → the Babel locale used for money, dates and plurals (ka2forms.i18n: one per language).
LOCALES: dict[str, str] = dict(i18n.LOCALES)
LANGUAGES: tuple[str, ...] = i18n.LANGUAGES
SUFFIXES: dict[str, str] = {"html": ".html", "pdf": ".pdf", "docx": ".docx", "md": ".md"}
DEFAULT_TEMPLATES: dict[str, str] = {"html": "annex.html.j2", "pdf": "annex.html.j2", "docx": "annex.docx",
                                     "md": "annex.md.j2"}
MAX_TEMPLATE_BYTES = 5_000_000


@dataclass(frozen=True)
class Limits:
    """Limits for rendering a user-supplied template in a child process."""

    seconds: float = 60.0      # wall clock, including the child's start (~0.2 s; ~1 s more for PDF)
    memory_mb: int = 1024      # address space (RLIMIT_AS); not enforced on Windows


DEFAULT_LIMITS = Limits()


# ───────────────────────────────────── templates and labels ─────────────────────────────────────


@cache
def templates_dir() -> Path:
    """Where the default templates are: ``ka2forms/templates`` in an installed wheel, else the checkout's
    top-level ``templates/`` (editable installs and running from a clone). Looked up once per process."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "annex.html.j2").is_file():
            return candidate
    raise RulesDataError("the default annex templates are missing (neither ka2forms/templates nor templates/ "
                         "exists): reinstall ka2forms")


@cache
def _english_labels() -> dict[str, str]:
    path = templates_dir() / "labels.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise RulesDataError(f"{path.name}: cannot be read: {e}") from e
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise RulesDataError(f"{path.name}: needs one English text per key (translations are in the catalogs)")
    return data


def label_messages() -> dict[str, str]:
    """The annex labels in English (the catalogs' msgids), for ``scripts/i18n.py extract``."""
    return dict(_english_labels())


def labels(lang: str) -> dict[str, Any]:
    """The annex labels in ``lang`` (from the catalogs), with role, type and confidence labels."""
    _check_lang(lang)
    return dict(_labels(lang))


@cache
def _labels(lang: str) -> dict[str, Any]:
    """Made once per language (the catalogs are read once per process too): a batch asks for every annex."""
    with i18n.use(lang):
        merged: dict[str, Any] = {k: (_(v) if v else v) for k, v in _english_labels().items()}
        merged["roles"] = {r.value: words.role_label(r.value) for r in Role}
        from ka2forms.rules import ORG_TYPES

        merged["types"] = {code: words.type_label(code) for code in ORG_TYPES}
        merged["confidence_values"] = {v: words.confidence_label(v)
                                       for v in ("seed", "official", "third-party", "unconfirmed")}
        merged["months"] = {"one": i18n.ngettext("{n} month", "{n} months", 1),
                            "other": i18n.ngettext("{n} month", "{n} months", 5)}
    return merged


def _check_lang(lang: str) -> None:
    if lang not in LOCALES:
        raise InputError(_("unknown annex language {lang!r}: use one of {choices}").format(
            lang=lang, choices=", ".join(LANGUAGES)))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(gettext("unknown annex format {fmt!r}: use one of {formats}").format(
            fmt=fmt, formats=", ".join(FORMATS)))


# ───────────────────────────────────── context ─────────────────────────────────────


def _country(code: str, lang: str) -> str:
    with i18n.use(lang):
        return words.country_name(code)


def source_link(where: str, lang: str) -> str:
    """A source a partner can open: its URL; a project decision without a public page says so in words."""
    if where.startswith(("http://", "https://")):
        return where
    with i18n.use(lang):
        return _("ka2forms rule (no published source: see the ka2forms documentation)")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def annex_context(project: Project, result: CheckResult, lang: str = "en", *, today: dt.date | None = None,
                  travel: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Everything a template may use, as plain data (documented in docs/templates.md).

    Text that may be missing is ``""``; numbers that may be missing (``duration_months``,
    ``requested_grant``) are ``None`` and the ``months``/``money`` filters show them as a dash.
    ``travel`` is a list of plain dicts (empty until the travel service fills it; see docs/templates.md).
    """
    _check_lang(lang)
    lab = labels(lang)
    if result.lang != lang:  # the check speaks the annex's language: every description, hint and warning
        result = check_project(project, lang=lang)
    try:
        counted_roles = {r.value for r in rules_for(project.action, project.call_year).counted_roles}
    except LookupError:  # the check already resolved the rules; keep the annex working if that changes
        counted_roles = {Role.COORDINATOR.value, Role.PARTNER.value}
    partners = []
    for i, p in enumerate(project.partners, start=1):
        partners.append({
            "number": i,
            "role": p.role.value,
            "role_label": lab["roles"][p.role.value],
            "counted": p.role.value in counted_roles,
            "organisation": p.organisation,
            "country": p.country,
            "country_name": _country(p.country, lang),
            "city": _text(p.city),
            "type": p.org_type,
            "type_label": lab["types"][p.org_type],
            "pic": _text(p.pic),
            "oid": _text(p.oid),
        })
    criteria = [{
        "id": c.id,
        "description": c.description,
        "required": _text(c.required),
        "actual": _text(c.actual),
        "ok": bool(c.ok),
        "hint": _text(c.hint),
        "source": source_link(c.source, lang),
        "confidence": c.confidence,
        "confidence_label": lab["confidence_values"].get(c.confidence, c.confidence),
    } for c in result.criteria]
    today = today or dt.date.today()
    generated_text = lab["generated"].format(date=i18n.date(today, "long", lang=lang), version=__version__)
    return {
        "lang": lang,
        "locale": LOCALES[lang],
        "labels": lab,
        "project": {
            "title": _text(project.title),
            "acronym": _text(project.acronym),
            "action": result.action,
            "action_as_written": project.action,
            "action_name": result.action_name,
            "call_year": project.call_year,
            "duration_months": project.duration_months,
            "requested_grant": project.requested_grant,
            "workbook": Path(project.source).name if project.source else "",
        },
        "partners": partners,
        "check": {
            "eligible": result.eligible,
            "verdict": lab["verdict_eligible"] if result.eligible else lab["verdict_not_eligible"],
            "verdict_short": lab["eligible"] if result.eligible else lab["not_eligible"],
            "counted": result.counted,
            "criteria": criteria,
            "failing": [c["id"] for c in criteria if not c["ok"]],
            "warnings": list(result.warnings),
        },
        "travel": [dict(t) for t in travel] or _travel_rows(project, lang),
        "travel_is_planning_aid": project.call_year >= LUMP_SUM_PERIOD_FROM,
        "budget": _budget(project, lang, lab),
        "generated": {"date": today, "version": __version__, "text": generated_text},
    }


def _travel_rows(project: Project, lang: str) -> list[dict[str, Any]]:
    """The workbook's travel plan, priced (services/budget.py), as the plain rows the templates show."""
    if project.travel_plan is None:
        return []
    with i18n.use(lang):
        rows = plan_travel(project).rows
    return [{"activity": r.activity, "organisation": r.organisation, "origin": r.from_place,
             "destination": r.to_place, "distance_km": None if r.distance_km is None else round(r.distance_km),
             "band": r.band or "", "unit_cost": r.unit_cost_eur, "participants": r.participants,
             "amount": r.total_eur, "green": r.green, "error": r.error or ""}
            for r in rows]


def _budget(project: Project, lang: str, lab: Mapping[str, Any]) -> dict[str, Any] | None:
    """The Budget sheet's totals, checks and two charts (by organisation, by work package), or None."""
    if project.budget is None:
        return None
    with i18n.use(lang):
        result = check_budget(project)
    money = make_filters(lang)["money"]
    per_org = [{"name": k, "amount": v} for k, v in result.per_organisation.items()]
    per_wp = [{"name": k, "amount": v} for k, v in result.per_work_package.items()]
    return {
        "total": result.total_eur,
        "ok": result.ok,
        "verdict": lab["budget_ok"] if result.ok else lab["budget_not_ok"],
        "per_organisation": per_org,
        "per_work_package": per_wp,
        "checks": [{"id": c.id, "description": c.description, "required": c.required, "actual": c.actual,
                    "ok": c.ok, "source": c.source,
                    "confidence_label": lab["confidence_values"].get(c.confidence, c.confidence)}
                   for c in result.checks],
        "warnings": list(result.warnings),
        "chart_organisations": bar_chart_svg([(x["name"], x["amount"]) for x in per_org],
                                             title=lab["budget_by_organisation"], fmt=money),
        "chart_work_packages": bar_chart_svg([(x["name"], x["amount"]) for x in per_wp],
                                             title=lab["budget_by_work_package"], fmt=money),
    }


# ───────────────────────────────────── filters ─────────────────────────────────────


def make_filters(lang: str) -> dict[str, Callable[..., Any]]:
    """Locale-bound filters: ``money``, ``number``, ``date``, ``months`` (and ``css`` for CSS strings).

    Money, numbers and dates go through :mod:`ka2forms.i18n`, the same functions the check uses, so a page
    shows one money format (``120.000,00 €`` in sl, ``120 000,00 €`` in cs)."""
    dash = labels(lang)["not_stated"]

    def money(value: Any, currency: str = "EUR") -> str:
        if value is None or value == "":
            return dash
        return i18n.money(value, currency, lang=lang)

    def number(value: Any, digits: int | None = None) -> str:
        if value is None or value == "":
            return dash
        return i18n.number(value, digits, lang=lang)

    def date(value: Any, form: str = "long") -> str:
        if value is None or value == "":
            return dash
        return i18n.date(value, form, lang=lang)

    def months(value: Any) -> str:
        if value is None or value == "":
            return dash
        with i18n.use(lang):
            return words.months(int(value))

    return {"money": money, "number": number, "date": date, "months": months, "css": _css_string}


def _css_string(value: Any) -> Any:
    """A CSS string literal (quotes included), safe inside ``<style>``: for ``content:`` in @page boxes."""
    from markupsafe import Markup

    text = str(value)
    out = []
    for ch in text:
        if ch in '"\\<>&\'' or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


_MD_SPECIAL = set("\\`*_[]<>|#")


def _md_escape(value: Any) -> Any:
    """Every ``{{ }}`` in a Markdown template: backslash-escape what Markdown would read as markup."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = re.sub(r"[\r\n\t]+", " ", value)  # a line break would end a table row; keep NBSPs (Babel's)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


# ───────────────────────────────────── rendering ─────────────────────────────────────


def template_kind(template: Path) -> str:
    """``html``, ``docx`` or ``md``, from the template's name (``.docx``; ``.md``/``.md.j2``; anything else is
    HTML: ``.html``, ``.htm``, ``.j2``, ``.html.j2``)."""
    name = template.name.lower()
    if name.endswith(".docx"):
        return "docx"
    if name.endswith((".md", ".md.j2", ".md.jinja", ".markdown")):
        return "md"
    return "html"


def _formats_for(kind: str) -> tuple[str, ...]:
    return {"html": ("html", "pdf"), "docx": ("docx",), "md": ("md",)}[kind]


def _environment(kind: str, lang: str, *, sandbox: bool, source: str | None = None,
                 template_path: Path | None = None) -> Any:
    """The Jinja environment: ours for the default templates, the sandbox for a user's ``template_path``
    (whose text is ``source``; docxtpl passes the document's XML itself, so Word templates need no loader).

    Ours is made once per kind and language and keeps its compiled templates (a batch renders thousands of
    annexes per process); a sandbox is made afresh for every user template."""
    if not sandbox:
        return _default_environment(kind, lang)
    return _make_environment(kind, lang, sandbox=True, source=source, template_path=template_path)


@cache
def _default_environment(kind: str, lang: str) -> Any:
    return _make_environment(kind, lang, sandbox=False)


#: What each format needs from ``ka2forms[annex]`` (import names): HTML and Markdown are pure Python.
FORMAT_MODULES: dict[str, tuple[str, ...]] = {
    "html": ("jinja2", "babel"),
    "md": ("jinja2", "babel"),
    "docx": ("jinja2", "babel", "docxtpl"),
    "pdf": ("jinja2", "babel", "weasyprint"),
}


def require_format(fmt: str) -> None:
    """Raise before any work when ``fmt`` is unknown or its libraries (``ka2forms[annex]``) are not installed."""
    _check_format(fmt)
    require("annex", f"{fmt.upper()} annexes", FORMAT_MODULES[fmt])


def warm_up(lang: str, formats: Sequence[str] = ("html",)) -> None:
    """Compile the default templates for ``formats`` now (a batch worker does this once, before its first
    workbook)."""
    _check_lang(lang)
    for fmt in formats:
        require_format(fmt)
        kind = template_kind(templates_dir() / DEFAULT_TEMPLATES[fmt])
        env = _environment(kind, lang, sandbox=False)
        if kind != "docx":
            env.get_template(DEFAULT_TEMPLATES[fmt])


def _make_environment(kind: str, lang: str, *, sandbox: bool, source: str | None = None,
                      template_path: Path | None = None) -> Any:
    from jinja2 import BaseLoader, Environment, FileSystemLoader, FunctionLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ka2forms.services._templating import with_plain_dictionaries

    options: dict[str, Any] = {"undefined": StrictUndefined, "autoescape": kind in ("html", "docx"),
                               "keep_trailing_newline": True}
    if kind != "docx":
        options.update(trim_blocks=True, lstrip_blocks=True)
    if kind == "md":
        options["finalize"] = _md_escape
    if sandbox:
        # One file only: no include/extends of the user's other files. The filename is for error lines only.
        loader: BaseLoader = BaseLoader()
        if template_path is not None and source is not None:
            name, filename, text = template_path.name, str(template_path), source

            def load(wanted: str) -> tuple[str, str, Callable[[], bool]] | None:
                return (text, filename, lambda: True) if wanted == name else None

            loader = FunctionLoader(load)
        env: Any = with_plain_dictionaries(ImmutableSandboxedEnvironment)(loader=loader, **options)
    else:
        env = with_plain_dictionaries(Environment)(loader=FileSystemLoader(str(templates_dir())), **options)
    env.filters.update(make_filters(lang))
    return env


def render_context(context: Mapping[str, Any], *, fmt: str, template: Path | None = None,
                   sandbox: bool = False) -> bytes:
    """Render an annex context (from :func:`annex_context`) in this process.

    ``template=None`` uses the default template for ``fmt``. ``sandbox=True`` renders ``template`` in the
    sandboxed environment (no limits: :func:`render_annex` adds those by running this in a child process).
    """
    _check_format(fmt)
    lang = str(context["lang"])
    if template is None:
        path, sandbox = templates_dir() / DEFAULT_TEMPLATES[fmt], False
        kind = template_kind(path)
    else:
        path, kind = Path(template), template_kind(Path(template))
        if fmt not in _formats_for(kind):
            raise InputError(gettext("a {kind} template makes {formats}, not {fmt}").format(
                kind=kind.upper(), formats=join_or(list(_formats_for(kind))), fmt=fmt),
                where=Location(file=str(template)))
    if kind == "docx":
        return _render_docx(context, path, lang, sandbox=sandbox)
    source = _read_template(path) if sandbox else None
    env = _environment(kind, lang, sandbox=sandbox, source=source, template_path=path)
    try:
        text = env.get_template(path.name).render(dict(context))
    except Exception as e:
        raise _template_error(e, path) from None
    if fmt == "pdf":
        return html_to_pdf(text)
    return text.encode("utf-8")


def _read_template(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise TemplateError(gettext("cannot read the template: {why}").format(why=e.strerror or e),
                            template=str(path)) from None
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(gettext("the template is larger than {mb} MB").format(mb=MAX_TEMPLATE_BYTES // 1_000_000),
                            template=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TemplateError(gettext("the template is not UTF-8 text (byte {n})").format(n=e.start),
                            template=str(path)) from None


def _template_error(e: BaseException, path: Path, *, where_hint: str = "") -> TemplateError:
    """A Jinja (or other) failure as a TemplateError naming the template, the line and what is wrong."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(e, TemplateError):
        return e
    line = getattr(e, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename in (str(path), "<template>"):
                line = frame.lineno
                break
    if isinstance(e, TemplateSyntaxError):
        message = f"syntax error: {e.message}"
    elif isinstance(e, UndefinedError):
        message = f"undefined variable: {e.message} (docs/templates.md lists the variables)"
    elif isinstance(e, SecurityError):
        message = f"refused by the template sandbox: {e}"
    elif isinstance(e, TemplateNotFound):
        message = f"a user template cannot include or extend other files ({e.name!r})"
    elif isinstance(e, MemoryError):
        message = "the template needs more memory than allowed"
    elif isinstance(e, (OverflowError, RecursionError)):
        message = f"the template asks for too much: {e.__class__.__name__}: {e}"
    else:
        message = f"{e.__class__.__name__}: {e}"
    return TemplateError(message + where_hint, template=str(path), line=line)



def _render_docx(context: Mapping[str, Any], path: Path, lang: str, *, sandbox: bool) -> bytes:
    try:
        from docxtpl import DocxTemplate
    except ImportError as e:
        raise missing_extra(e, "annex", "DOCX annexes") from None
    import io

    env = _environment("docx", lang, sandbox=sandbox)
    try:
        tpl = DocxTemplate(str(path))
        tpl.render(dict(context), jinja_env=env, autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
    except Exception as e:
        near = ""
        docx_context = getattr(e, "docx_context", None)
        if docx_context is not None:
            lines = [s.strip() for s in docx_context]
            text = lines[3] if len(lines) > 3 else " ".join(lines)
            if text.strip():
                near = f" (near {text.strip()[:80]!r})"
        err = _template_error(e, path, where_hint=near)
        # docxtpl's line numbers count XML paragraphs, not lines a Word user sees: name the text instead.
        raise TemplateError(err.message, template=str(path)) from None
    return out.getvalue()


def html_to_pdf(html: str) -> bytes:
    """HTML → PDF with WeasyPrint; fonts embedded (subset); only ``data:`` URLs are fetched."""
    try:
        from weasyprint import HTML, URLFetcher
    except ImportError as e:
        raise missing_extra(e, "annex", "PDF annexes") from None
    except OSError as e:
        raise RendererUnavailableError(
            "PDF needs WeasyPrint ≥ 70 and the Pango library (Debian: apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0 fonts-dejavu-core); or write --format html or docx ({e})") from None
    fetcher = URLFetcher(allowed_protocols={"data"})
    return bytes(HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf())


def render_annex(project: Project, check_result: CheckResult, *, fmt: str, lang: str = "en",
                 template: Path | str | None = None, today: dt.date | None = None,
                 travel: Sequence[Mapping[str, Any]] = (), limits: Limits | None = DEFAULT_LIMITS) -> bytes:
    """The annex of ``project`` (checked as ``check_result``) as bytes in ``fmt`` (html, pdf, docx, md).

    ``template`` is a user template (HTML/Markdown Jinja text or a docxtpl ``.docx``); it renders sandboxed
    in a child process with ``limits`` (``limits=None`` renders it in this process, still sandboxed: for
    environments without subprocesses, such as Pyodide). Errors are :class:`~ka2forms.errors.Ka2Error`.
    """
    require_format(fmt)
    context = annex_context(project, check_result, lang, today=today, travel=travel)
    if template is None:
        return render_context(context, fmt=fmt)
    path = Path(template)
    if not path.is_file():
        raise InputError(gettext("no such template file"), where=Location(file=str(path)))
    if fmt not in _formats_for(template_kind(path)):
        kind = template_kind(path)
        raise InputError(gettext("a {kind} template makes {formats}, not {fmt}").format(
            kind=kind.upper(), formats=join_or(list(_formats_for(kind))), fmt=fmt), where=Location(file=str(path)))
    if limits is None:
        return render_context(context, fmt=fmt, template=path, sandbox=True)
    return _render_isolated(context, fmt, path, limits)


def _render_isolated(context: Mapping[str, Any], fmt: str, template: Path, limits: Limits) -> bytes:
    """Run :func:`render_context` (sandboxed) in a child process with a time and a memory limit."""
    import json

    request = pickle.dumps({"context": dict(context), "fmt": fmt, "template": str(template.resolve()),
                            "seconds": limits.seconds, "memory_mb": limits.memory_mb})
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent,
                                                                       os.environ.get("PYTHONPATH")]))}
    try:
        proc = subprocess.run([sys.executable, "-m", "ka2forms.services._annex_worker"], input=request,
                              capture_output=True, timeout=limits.seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise TemplateError(gettext("rendering took longer than {seconds} s: the template may loop").format(
                            seconds=f"{limits.seconds:g}"),
                            template=str(template)) from None
    head, _, body = proc.stdout.partition(b"\n")
    if proc.returncode == 0 and head == b"OK":
        return body
    if head == b"ERR":
        info = json.loads(body)
        raise TemplateError(info["message"], template=str(template), line=info.get("line"))
    detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
    raise TemplateError(gettext("rendering stopped ({why}): the template may exceed the limits ({seconds} s, "
                                "{mb} MB)").format(why=detail[0], seconds=f"{limits.seconds:g}", mb=limits.memory_mb),
                        template=str(template))


# ───────────────────────────────────── writing ─────────────────────────────────────


@dataclass(frozen=True)
class WrittenAnnex:
    """What :func:`write_annex` did: the file, its format and language, and the verdict it reports."""

    path: Path
    fmt: str
    lang: str
    result: CheckResult


def resolve_format(fmt: str | None, out_path: Path | str | None, template: Path | str | None = None) -> str:
    """The format asked for: ``fmt`` if given, else the output's suffix, else the template's kind, else html."""
    suffix_fmt = None
    if out_path is not None and not Path(out_path).is_dir():
        suffix = Path(out_path).suffix.lower()
        suffix_fmt = {".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx", ".md": "md"}.get(suffix)
        if suffix_fmt is None and fmt is None:
            raise InputError(gettext("cannot tell the annex format from {suffix!r}: use a .html, .pdf, .docx or "
                                     ".md name, or --format").format(
                                         suffix=suffix or gettext("a name without suffix")),
                             where=Location(file=str(out_path)))
    if fmt is not None:
        _check_format(fmt)
        if suffix_fmt is not None and suffix_fmt != fmt:
            raise InputError(gettext("the output name says {suffix} but the format asked for is {fmt}").format(
                suffix=suffix_fmt, fmt=fmt),
                             where=Location(file=str(out_path)))
        return fmt
    if suffix_fmt is not None:
        return suffix_fmt
    if template is not None:
        return _formats_for(template_kind(Path(template)))[0]
    return "html"


def default_output(workbook: Path | str, fmt: str) -> Path:
    """``<stem>-annex.<ext>`` next to the workbook."""
    wb = Path(workbook)
    return wb.with_name(f"{wb.stem}-annex{SUFFIXES[fmt]}")


def write_annex(workbook_path: Path | str, out_path: Path | str | None = None, *, fmt: str | None = None,
                lang: str = "en", template: Path | str | None = None, today: dt.date | None = None,
                limits: Limits | None = DEFAULT_LIMITS, action: str | None = None,
                call_year: int | None = None) -> WrittenAnnex:
    """Read ``workbook_path``, check it, render the annex and write it atomically.

    ``out_path`` may be a file or a folder (the annex goes in as ``<stem>-annex.<ext>``); by default the annex
    goes next to the workbook. The format follows ``fmt``, else the output's suffix, else the template, else
    HTML. The workbook itself is never overwritten. ``action``/``call_year`` supply what the file does not say
    (a .csv partner table).
    """
    from ka2forms.readers.workbook import read_workbook

    _check_lang(lang)
    wb = Path(workbook_path)
    if out_path is not None and same_file(Path(out_path), wb):
        raise InputError(gettext("refusing to write the annex over its input workbook: choose another output "
                                 "name"), where=Location(file=str(out_path)))
    fmt = resolve_format(fmt, out_path, template)
    require_format(fmt)
    if out_path is None:
        target = default_output(wb, fmt)
    elif Path(out_path).is_dir():
        target = Path(out_path) / default_output(wb, fmt).name
    else:
        target = Path(out_path)
    if same_file(target, wb):
        raise InputError(gettext("refusing to write the annex over its input workbook: choose another output "
                                 "name"), where=Location(file=str(target)))
    project = read_workbook(wb, action=action, call_year=call_year)
    result = check_project(project, lang=lang)
    data = render_annex(project, result, fmt=fmt, lang=lang, template=template, today=today, limits=limits)
    return WrittenAnnex(write_atomic(target, data, protect=[wb]), fmt, lang, result)


__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "FORMAT_MODULES",
    "LANGUAGES",
    "LOCALES",
    "Limits",
    "WrittenAnnex",
    "annex_context",
    "default_output",
    "html_to_pdf",
    "labels",
    "make_filters",
    "render_annex",
    "render_context",
    "require_format",
    "resolve_format",
    "templates_dir",
    "write_annex",
]
