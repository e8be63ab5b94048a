"""Every rule value rests on a source of the right kind: `official` only for official publishers.

The official publishers are data (``publishers.yaml``); the loader refuses an ``official`` source whose URL is
not theirs and an ``official`` value whose source is not official, and these tests check the bundled data and
that the refusal really happens.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
import yaml

from ka2forms.errors import RulesDataError
from ka2forms.rules import Confidence, all_actions, code_status
from ka2forms.rules.countries import listed_countries
from ka2forms.rules.edition import render_edition
from ka2forms.rules.loader import QUOTE_MAX_WORDS, _check_source, is_official_url, provenance, read_yaml, sources
from ka2forms.rules.organisations import org_class
from ka2forms.rules.programme import notices
from ka2forms.rules.travel import _tables

ROOT = Path(__file__).resolve().parents[2]


def _all_provenances():
    for action in all_actions():
        for v in action.versions:
            for item in (*v.criteria, *v.durations, *v.grants):
                yield f"{action.key} {v.calls}", item.provenance
    for code in listed_countries():
        for year in range(2014, 2028):
            yield f"country {code} {year}", code_status(code, year).provenance
    for t in _tables()[1]:
        for band in t.bands:
            yield f"travel {t.calls} {band['km']}", provenance(band, where="travel")
            if "green_source" in band:
                yield f"travel green {t.calls} {band['km']}", provenance(
                    {"source": band["green_source"], "confidence": band["green_confidence"]}, where="travel")
    for name in ("labour-market", "education-training"):
        for member in org_class(name).members.values():
            yield f"class {name}", member
    for n in notices():
        yield f"notice {n.id}", n.provenance


def test_an_official_value_always_rests_on_a_page_of_an_official_publisher():
    bad = [(where, p.source.id, p.source.url) for where, p in _all_provenances()
           if p.confidence is Confidence.OFFICIAL
           and not (p.source.kind == "official" and is_official_url(p.source.url))]
    assert bad == []


def test_every_official_source_is_published_by_a_listed_official_publisher():
    for sid, s in sources().items():
        if s.kind == "official":
            assert is_official_url(s.url), sid


@pytest.mark.parametrize("url", [
    "https://dev-programmes.dev5.limegrow.com/en/programme/22286/eu",  # staging site
    "https://docslib.org/doc/13214948/eligible-countries",  # document mirror
    "https://issuu.com/afpeja/docs/erasmus-plus-programme-guide_en_5_/111",
    "https://www.uni-lj.si/international_cooperation_and_exchange/",  # university
    "https://www.euro-access.eu/en/calls/2487/Alliances-for-Education-and-Enterprises",  # aggregator
    "https://ec.europa.eu.evil.example/",  # look-alike host
    None,
])
def test_mirrors_staging_sites_universities_and_aggregators_are_not_official_publishers(url):
    assert not is_official_url(url)


@pytest.mark.parametrize("url", [
    "https://erasmus-plus.ec.europa.eu./programme-guide/part-b/key-action-2/alliances-innovation",
    "https://wikis.ec.europa.eu/display/NAITDOC/Organisation+ID",
    "https://www.leargas.ie/news/new-2018-school-exchange-partnerships/",
    "https://www.fundingprogrammesportal.gov.cy/en/call/cooperation-partnerships-en-2025",
])
def test_commission_agency_and_government_pages_are_official_publishers(url):
    assert is_official_url(url)


def test_an_official_source_on_a_mirror_is_refused_by_the_loader():
    with pytest.raises(RulesDataError, match="official publisher"):
        _check_source("mirror", {"kind": "official", "title": "t", "url": "https://docslib.org/doc/1/x"})


def test_an_official_value_citing_a_third_party_source_is_refused_by_the_loader():
    with pytest.raises(RulesDataError, match="confidence official needs a source of kind official"):
        provenance({"source": "docslib-eligible-countries", "confidence": "official"}, where="test")


def test_a_quote_longer_than_40_words_is_refused():
    with pytest.raises(RulesDataError, match="at most 40 words"):
        _check_source("long", {"kind": "third-party", "title": "t", "url": "https://x.example/",
                               "quote": " ".join(["word"] * (QUOTE_MAX_WORDS + 1))})


def test_a_source_with_a_quote_says_when_it_was_read_and_which_call_year_its_text_is_about():
    raw = read_yaml("sources.yaml")
    for sid, s in sources().items():
        if s.quote:
            assert s.read and s.call_year, sid
            assert isinstance(raw[sid]["read"], dt.date), sid


def test_every_source_re_read_for_issue_15_carries_a_quote():
    raw = read_yaml("sources.yaml")
    for sid, r in raw.items():
        if r.get("read") == dt.date(2026, 12, 1):
            assert r.get("quote"), sid


def test_edition_yaml_is_derived_from_the_data_and_up_to_date():
    on_disk = (ROOT / "ka2forms" / "rules" / "data" / "edition.yaml").read_text(encoding="utf-8")
    assert on_disk == render_edition(), "run: python scripts/build_edition.py"


def test_the_edition_is_the_newest_date_a_source_was_read():
    newest = max(s.read for s in sources().values() if s.read)
    assert read_yaml("edition.yaml")["edition"] == newest


def test_the_count_script_finds_no_official_value_outside_official_publishers():
    spec = importlib.util.spec_from_file_location("count_confidence", ROOT / "scripts" / "count_confidence.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    by_confidence, misplaced = mod.count(ROOT / "ka2forms" / "rules" / "data")
    assert misplaced == [] and sum(by_confidence.values()) > 300


def test_publishers_data_names_a_publisher_and_a_role_for_every_domain():
    data = yaml.safe_load((ROOT / "ka2forms" / "rules" / "data" / "publishers.yaml").read_text(encoding="utf-8"))
    roles = {"commission", "eu-body", "national-agency", "national-office", "government"}
    for domain, meta in data.items():
        assert meta["publisher"] and meta["role"] in roles, domain


def test_docs_rules_evidence_is_the_readable_version_of_sources_yaml():
    from ka2forms.rules.evidence import replace_evidence

    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert replace_evidence(doc) == doc, "run: python scripts/build_evidence.py"
