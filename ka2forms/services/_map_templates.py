"""The Jinja templates of a form map: the sandbox they run in, what they may not do, and a child process with the
annex templates' time and memory limits for those that could run away.

A map author writes templates such as ``{{ partner.organisation }}``; a hostile or careless one can write
``{% include '/etc/passwd' %}``, ``{{ (9**99999)|string }}``, ``{{ 'x' * 10**9 }}`` or ``{{ 'a'|wordwrap(10**9) }}``.
So:

- ``include``, ``import``, ``from … import`` and ``extends`` are refused when the map is read (a map's
  templates never read other files; the sandbox has no loader anyway);
- a template made only of names, attributes, constants, ``if``/``else``, comparisons, ``and``/``or``, ``+``
  and a few filters whose output is bounded by their input (:data:`BOUNDED_FILTERS`) renders in this process:
  its cost is bounded by the size of the workbook's cells (at most 32 767 characters each);
- any other template (loops, calls, ``*``, ``**``, ``%``, other filters) renders in a child process under
  :class:`ka2forms.services.annex.Limits` (``RLIMIT_CPU``, ``RLIMIT_AS`` and a wall-clock timeout), all
  templates of one fill in one child. Run as ``python -m ka2forms.services._map_templates``: stdin is a pickle
  from the parent, stdout ``OK\\n`` + JSON, or ``ERR\\n`` + JSON ``{"index", "message"}``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

#: Filters whose output is at most a small multiple of their input (or of a constant argument).
BOUNDED_FILTERS = frozenset({
    "date", "country_name", "type_label", "upper", "lower", "title", "capitalize", "trim", "string", "default",
    "d", "length", "count", "first", "last", "join", "e", "escape", "int", "round", "abs", "striptags",
})
#: Statements a map template may not use, with the word the user wrote.
REFUSED = {"Include": "include", "Import": "import", "FromImport": "from … import", "Extends": "extends"}
_BOUNDED_NODES = frozenset({
    "Template", "Output", "TemplateData", "Name", "Const", "List", "Tuple", "Getattr", "Getitem", "Slice", "Filter",
    "Test", "If", "CondExpr", "And", "Or", "Not", "Compare", "Operand", "Concat", "Add", "Sub", "Neg", "Pos",
})


#: The longest text or list that ``*`` may make, and the largest power ``**`` may compute (in bits).
MAX_PRODUCT = 1_000_000
MAX_POWER_BITS = 100_000


@cache
def environment() -> Any:
    """The sandbox every map template runs in (here and in the child process).

    ``*``, ``**``, ``%`` and ``//`` are intercepted: Jinja would otherwise fold ``{{ 'x' * 10**10 }}`` into a
    constant while *compiling* the map, in this process, before any limit applies; at run time they are
    checked (:func:`_binop`)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from ka2forms.rules import country_name, type_label
    from ka2forms.services._templating import PlainDictionaries

    class MapSandbox(PlainDictionaries, ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%", "//"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _binop_check(operator, left, right)
            return super().call_binop(context, operator, left, right)

    env = MapSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters["country_name"] = country_name
    env.filters["type_label"] = type_label
    env.filters["date"] = lambda d, fmt="%d. %m. %Y": d.strftime(fmt) if hasattr(d, "strftime") else str(d)
    return env


@lru_cache(maxsize=512)
def compiled(source: str) -> tuple[Any, tuple[tuple[str, str], ...] | None]:
    """The template of ``source``, compiled once per process: a batch fills the same map for every workbook,
    and compiling costs far more than rendering (≈ 3 ms against ≈ 0.05 ms for a map's five templates).

    With it, what it reads — ``(name, attribute)`` pairs, attribute "" for a whole entry — when that is only
    small entries (:data:`SMALL_NAMES`), else None: a template such as ``{{ today | date }}`` or
    ``{{ partner.city }}`` then renders once per distinct value in a fill."""
    from jinja2 import meta, nodes

    env = environment()
    ast = env.parse(source)
    names = meta.find_undeclared_variables(ast)
    template = env.from_string(source)
    if not (names <= SMALL_NAMES and inspect(source) == (None, True)):    # bounded: no calls, no `random`
        return template, None
    # What the output depends on: ``partner.type`` where only attributes are read, else the whole entry.
    attrs = [n for n in _walk(ast) if isinstance(n, nodes.Getattr) and isinstance(n.node, nodes.Name)]
    via_attr = {id(n.node) for n in attrs}
    whole = {n.name for n in _walk(ast) if isinstance(n, nodes.Name) and id(n) not in via_attr}
    reads = sorted({(n.node.name, n.attr) for n in attrs if n.node.name not in whole} | {(w, "") for w in whole})
    return template, tuple(reads)


#: Context entries cheap to compare (a date, or one flat dictionary): a template reading only these renders
#: once per distinct value. ``partners`` (every organisation) is not one of them.
SMALL_NAMES = frozenset({"today", "project", "partner", "coordinator"})


def _render_key(ctx: dict[str, Any], reads: tuple[tuple[str, str], ...] | None) -> Any:
    """The values a pure template reads in ``ctx`` (hashable), or None to render it anyway."""
    if reads is None:
        return None
    key = tuple(_read(ctx.get(name), attr) for name, attr in reads)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _read(value: Any, attr: str) -> Any:
    if attr:
        return value.get(attr) if isinstance(value, dict) else ("\0attr", value, attr)
    return tuple(value.items()) if isinstance(value, dict) else value


def _binop_check(operator: str, left: Any, right: Any) -> None:
    """Refuse a product or power too large to be a form's value (a SecurityError, as the sandbox's own)."""
    from jinja2.exceptions import SecurityError

    def size(x: Any) -> int | None:
        return len(x) if isinstance(x, (str, list, tuple)) else None

    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if size(seq) is not None and isinstance(n, int) and size(seq) * n > MAX_PRODUCT:
                raise SecurityError(f"'*' would make {size(seq) * n:,} items (at most {MAX_PRODUCT:,})")
    elif (operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
          and abs(left).bit_length() * right > MAX_POWER_BITS):
        raise SecurityError(f"'**' result too large ({left} ** {right})")


def inspect(source: str) -> tuple[str | None, bool]:
    """(why the template is refused or None, whether its cost is bounded by its input). Raises Jinja's
    TemplateSyntaxError for a template that does not parse."""
    ast = environment().parse(source)
    bounded = True
    for node in _walk(ast):
        kind = type(node).__name__
        if kind in REFUSED:
            return f"{{% {REFUSED[kind]} %}} is not allowed in a map: its templates cannot read other files", False
        if kind not in _BOUNDED_NODES or (kind == "Filter" and node.name not in BOUNDED_FILTERS):
            bounded = False
    return None, bounded


def _walk(node: Any) -> Any:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


class RenderFailed(Exception):
    """Template ``index`` failed; ``message`` says how (raised by both ways of rendering)."""

    def __init__(self, index: int | None, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


def render_safely(sources: Sequence[str], contexts: Sequence[dict[str, Any]]) -> list[list[str]]:
    """:func:`render_here`, with every failure of a template as RenderFailed naming it."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError

    out: list[list[str]] = [[] for _ in contexts]
    for i, source in enumerate(sources):
        template, names = compiled(source)
        done: dict[Any, str] = {}
        for c, ctx in enumerate(contexts):
            key = _render_key(ctx, names)
            if key is not None and key in done:
                out[c].append(done[key])
                continue
            try:
                text = template.render(ctx)
                out[c].append(text)
                if key is not None:
                    done[key] = text
            except SecurityError as e:
                raise RenderFailed(i, f"refused by the sandbox (SecurityError: {e})") from None
            except TemplateError as e:
                raise RenderFailed(i, f"failed: {e.__class__.__name__}: {e}") from None
            except (OverflowError, MemoryError, RecursionError) as e:
                raise RenderFailed(i, f"is too expensive to render ({e.__class__.__name__})") from None
            except Exception as e:    # a map author's template: whatever it raises is a problem of the map
                raise RenderFailed(i, f"failed: {e.__class__.__name__}: {str(e)[:200]}") from None
    return out


def render_isolated(sources: Sequence[str], contexts: Sequence[dict[str, Any]], *, seconds: float,
                    memory_mb: int) -> list[list[str]]:
    """Render in a child process with the time and memory limits; raises RenderFailed."""
    request = pickle.dumps({"sources": list(sources), "contexts": list(contexts), "seconds": seconds,
                            "memory_mb": memory_mb})
    package_parent = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))}
    try:
        proc = subprocess.run([sys.executable, "-m", "ka2forms.services._map_templates"], input=request,
                              capture_output=True, timeout=seconds, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise RenderFailed(None, f"rendering took longer than {seconds:g} s: a template may loop") from None
    head, _, body = proc.stdout.partition(b"\n")
    if proc.returncode == 0 and head == b"OK":
        return [list(map(str, row)) for row in json.loads(body)]
    if head == b"ERR":
        info = json.loads(body)
        raise RenderFailed(info.get("index"), str(info["message"]))
    raise RenderFailed(None, f"rendering stopped (exit {proc.returncode}): a template exceeds the limits "
                             f"({seconds:g} s, {memory_mb} MB)")


def _main() -> int:
    from ka2forms.services._annex_worker import _limit

    request = pickle.loads(sys.stdin.buffer.read())     # from our own parent process: trusted
    _limit(int(request["memory_mb"]), float(request["seconds"]))
    out = sys.stdout.buffer
    try:
        rendered = render_safely(request["sources"], request["contexts"])
    except RenderFailed as e:
        out.write(b"ERR\n" + json.dumps({"index": e.index, "message": e.message}).encode())
        return 1
    except MemoryError:
        out.write(b"ERR\n" + json.dumps({"index": None, "message": "a template needs more memory than allowed "
                                         f"({request['memory_mb']} MB)"}).encode())
        return 1
    out.write(b"OK\n" + json.dumps(rendered, default=_jsonable).encode())
    out.flush()
    return 0


def _jsonable(value: Any) -> str:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


if __name__ == "__main__":
    sys.exit(_main())
