"""Jinja environments read dictionary entries directly: the same results as Jinja's own attribute-first way."""

from __future__ import annotations

import pytest
from jinja2 import Environment, StrictUndefined, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ka2forms.services._templating import with_plain_dictionaries

CASES = [
    ("{{ p.organisation }}", {"p": {"organisation": "Šolski center"}}),
    ("{{ p['organisation'] }}", {"p": {"organisation": "Šolski center"}}),
    ("{{ p.items }}", {"p": {"items": "an entry named like a method"}}),       # Jinja gives the method
    ("{{ p.get('x', 'fallback') }}", {"p": {}}),
    ("{{ p.missing is defined }}", {"p": {"other": 1}}),
    ("{{ p.obj.real }}", {"p": {"obj": 3}}),
    ("{% for q in ps %}{{ q.name }},{% endfor %}", {"ps": [{"name": "a"}, {"name": "b"}]}),
]


@pytest.mark.parametrize("base", [Environment, ImmutableSandboxedEnvironment])
@pytest.mark.parametrize(("source", "context"), CASES)
def test_reading_entries_first_renders_what_jinja_renders(base, source, context) -> None:  # type: ignore[no-untyped-def]
    ours = with_plain_dictionaries(base)().from_string(source).render(context)
    assert ours == base().from_string(source).render(context)


@pytest.mark.parametrize("base", [Environment, ImmutableSandboxedEnvironment])
def test_a_missing_entry_is_undefined_with_jinjas_message(base) -> None:  # type: ignore[no-untyped-def]
    messages = []
    for env in (base(undefined=StrictUndefined), with_plain_dictionaries(base)(undefined=StrictUndefined)):
        with pytest.raises(UndefinedError) as e:
            env.from_string("{{ p.nowhere }}").render(p={"here": 1})
        messages.append(str(e.value))
    assert messages[0] == messages[1] == "'dict object' has no attribute 'nowhere'"


def test_the_sandbox_still_refuses_what_it_refuses() -> None:
    env = with_plain_dictionaries(ImmutableSandboxedEnvironment)()
    with pytest.raises(SecurityError):
        env.from_string("{{ p.update({'x': 1}) }}").render(p={})
    assert env.from_string("{{ p._hidden }}").render(p={"_hidden": "entries may start with _"}) == \
        ImmutableSandboxedEnvironment().from_string("{{ p._hidden }}").render(p={"_hidden": "entries may start with _"})
