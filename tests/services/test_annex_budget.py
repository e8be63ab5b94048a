"""The annex shows the workbook's travel plan and budget: tables, the verdict, and charts drawn as SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from workbooks import make_workbook

from ka2forms.readers.workbook import read_workbook
from ka2forms.services.annex import render_annex
from ka2forms.services.charts import bar_chart_svg
from ka2forms.services.check import check_project

COORD, DE, HU = "Šolski center Celje", "Müller Präzisionstechnik GmbH", "Győri Szakképzési Centrum"
TRAVEL = [["Activity", "Organisation", "To", "Participants"], ["Kick-off", DE, "Celje", 2]]
BUDGET = [["Work package", COORD, DE, HU], ["Project management", 20000, 10000, 10000],
          ["Curriculum <&>", 60000, 40000, 30000], ["Pilots", 30000, 30000, 20000]]


@pytest.fixture
def planned(tmp_path: Path):
    p = read_workbook(make_workbook(tmp_path, sheets={"Travel plan": TRAVEL, "Budget": BUDGET}))
    return p, check_project(p)


@pytest.mark.parametrize(("lang", "words"), [("en", ["Budget by organisation", "planning aid"]),
                                             ("sl", ["Proračun po organizacijah", "pripomoček za načrtovanje"]),
                                             ("cs", ["Rozpočet podle organizací", "slouží k plánování"])])
def test_the_html_annex_has_travel_and_budget_sections_in_the_language(planned, lang, words) -> None:
    html = render_annex(*planned, fmt="html", lang=lang).decode()
    assert 'id="travel"' in html and 'id="budget"' in html
    for w in words:
        assert w in html
    assert html.count("<svg") == 2
    assert "Curriculum &lt;&amp;&gt;" in html and "Curriculum <&>" not in html   # workbook text stays text


def test_the_markdown_annex_lists_work_packages_and_organisations(planned) -> None:
    md = render_annex(*planned, fmt="md", lang="en").decode()
    assert "| Project management |" in md and f"| {HU} |" in md


def test_a_workbook_without_the_sheets_has_neither_section(tmp_path: Path) -> None:
    p = read_workbook(make_workbook(tmp_path))
    html = render_annex(p, check_project(p), fmt="html").decode()
    assert 'id="budget"' not in html and 'id="travel"' not in html


def test_the_bar_chart_is_valid_svg_longest_bar_first_with_shares() -> None:
    svg = bar_chart_svg([("Small", Decimal(25)), ("Big & <bold>", Decimal(75))], title="Shares")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert texts[0] == "Shares" and texts[1] == "Big & <bold>" and texts[2].endswith("75 %")
    widths = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] > widths[1] == pytest.approx(widths[0] / 3, rel=0.01)
