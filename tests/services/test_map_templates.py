"""A map's templates render as if each form's were rendered on its own, though a template that reads only
small context entries (today, project, partner, coordinator) renders once per distinct value in a fill."""

from __future__ import annotations

import datetime as dt

from ka2forms.services._map_templates import compiled, environment, render_safely

TEMPLATES = [
    "{{ today | date('%d. %m. %Y') }}",
    "{{ 'public' if partner.type in ['PUBLIC', 'SCHOOL'] else 'private' }}",
    "{{ partner.city }}, {{ project.acronym }}",
    "{{ partners | length }} organisations, {{ partner.organisation }}",
    "{{ range(2) | list | length }}",
]


def _contexts() -> list[dict[str, object]]:
    cities = ["Ljubljana", "Brno", "Ljubljana", "Graz"]
    types = ["SCHOOL", "SME", "SME", "PUBLIC"]
    partners = [{"organisation": f"Org {i}", "city": c, "type": t} for i, (c, t) in enumerate(zip(cities, types,
                                                                                               strict=True))]
    return [{"today": dt.date(2026, 3, 1), "project": {"acronym": "GREEN"}, "partner": p, "coordinator": partners[0],
             "partners": partners} for p in partners]


def test_a_fill_renders_every_template_as_each_form_alone_would() -> None:
    contexts = _contexts()
    alone = [[environment().from_string(t).render(ctx) for t in TEMPLATES] for ctx in contexts]
    assert render_safely(TEMPLATES, contexts) == alone
    assert [row[2] for row in alone] == ["Ljubljana, GREEN", "Brno, GREEN", "Ljubljana, GREEN", "Graz, GREEN"]


def test_only_templates_of_small_entries_without_calls_are_rendered_once_per_value() -> None:
    assert compiled(TEMPLATES[0])[1] == (("today", ""),)
    assert compiled(TEMPLATES[1])[1] == (("partner", "type"),)
    assert compiled(TEMPLATES[2])[1] == (("partner", "city"), ("project", "acronym"))
    assert compiled("{{ partner }} {{ partner.city }}")[1] == (("partner", ""),)
    assert compiled(TEMPLATES[3])[1] is None          # reads every organisation
    assert compiled(TEMPLATES[4])[1] is None          # a call: rendered each time
