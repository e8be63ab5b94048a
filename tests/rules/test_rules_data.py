"""The rules data is well-formed: every value sourced, years covered without gaps or overlaps, codes unique."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ka2forms import errors
from ka2forms.rules import (
    Confidence,
    all_actions,
    code_status,
    country_status,
    covered_years,
    resolve_action,
    rules_for,
)
from ka2forms.rules.countries import listed_countries
from ka2forms.rules.loader import provenance, read_yaml, sources


def test_every_source_has_a_url_or_a_seed_file():
    for sid, s in sources().items():
        assert s.url or s.file, sid


# Every value of the data is read through loader.provenance, so what it refuses is what the data cannot hold.
# (The test this replaces walked the loaded data and asserted what the loader had already guaranteed.)
@pytest.mark.parametrize(("raw", "message"), [
    ({"source": "no-such-source", "confidence": "official"}, "unknown source 'no-such-source'"),
    ({"confidence": "official"}, "unknown source None"),
    ({"source": "project", "confidence": "sure"}, "confidence must be one of"),
    ({"source": "project"}, "confidence must be one of"),
])
def test_a_rule_value_without_a_known_source_or_confidence_is_refused_naming_where(raw, message):
    with pytest.raises(errors.RulesDataError, match=message) as e:
        provenance(raw, where="actions/x.yaml: X 2025 min-countries")
    assert "actions/x.yaml: X 2025 min-countries" in str(e.value)
    assert e.value.exit_code == 3                        # our data, not the user's input: a bug


def test_seed_values_cite_a_seed_source_and_official_values_an_official_one():
    for action in all_actions():
        for v in action.versions:
            for item in (*v.criteria, *v.durations, *v.grants):
                p = item.provenance
                if p.confidence is Confidence.SEED:
                    assert p.source.kind == "seed", (action.key, p.source.id)
                if p.confidence is Confidence.OFFICIAL:
                    assert p.source.kind == "official", (action.key, p.source.id)


def test_every_action_has_a_coordinator_rule_and_a_minimum_in_every_version():
    for action in all_actions():
        for v in action.versions:
            if v.no_call or v.unknown:
                continue
            kinds = {c.kind for c in v.criteria}
            assert "coordinator" in kinds, (action.key, v.calls)
            assert "organisations" in kinds or "countries" in kinds, (action.key, v.calls)


def test_versions_of_an_action_never_overlap():
    for action in all_actions():
        spans = sorted(v.calls for v in action.versions)
        for a, b in pairwise(spans):
            assert b.first > a.last, (action.key, a, b)


@pytest.mark.parametrize("year", range(2014, 2028))
def test_every_listed_country_has_a_status_in_every_covered_year(year):
    for code in listed_countries():
        assert code_status(code, year).status in {"member", "associated", "not-associated"}


def test_country_data_covers_2014_to_2027_and_refuses_other_years():
    assert (covered_years().first, covered_years().last) == (2014, 2027)
    with pytest.raises(errors.RuleNotDefinedError, match="2013"):
        country_status("SI", 2013)


def test_eu27_are_member_states_in_2021_and_the_uk_only_until_2020():
    eu27 = "BE BG CZ DK DE EE IE GR ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE".split()
    assert all(country_status(c, 2021).status == "member" for c in eu27)
    assert country_status("GB", 2020).status == "member"
    assert country_status("GB", 2021).status == "not-associated"
    assert country_status("GB", 2027).status == "associated"
    assert country_status("CH", 2026).status == "not-associated"
    assert country_status("CH", 2027).status == "associated"


@pytest.mark.parametrize("code, key, field", [
    ("KA220-VET", "KA220", "VET"), ("ka220 vet", "KA220", "VET"), ("Ka220-Sch", "KA220", "SCH"),
    ("KA210-YOU", "KA210", "YOU"), ("KA202", "SP", "VET"), ("KA229", "KA229", None),
    ("afi-lot1", "AFI-LOT1", None), ("AFI LOT 2", "AFI-LOT2", None), ("AFI-LOT3", "AFI-LOT3", None),
    ("ERASMUS-EDU-2025-PI-ALL-INNO-BLUEPRINT", "AFI-LOT2", None), ("eppka2-ssa-lot3", "EPPKA2-SSA", "LOT3"),
    ("EPPKA2-KA", "EPPKA2-KA", None), ("EPPKA2-CBHE", "EPPKA2-CBHE", None), ("COVE", "COVE", None),
    ("Teacher Academies", "ETA", None), ("CBHE-STRAND3", "CBHE", "STRAND3"),
    ("Alliances for Education and Enterprises", "AFI-LOT1", None),
    ("EPPKA2-CBY-WB", "EPPKA2-CBY", None), ("CBY", "CBY", None), ("ERASMUS-YOUTH-2025-CB", "CBY", None),
    ("ERASMUS-EDU-2024-CB-VET", "CB-VET", None), ("ERASMUS-SPORT-2026-CB", "CB-SPORT", None),
    ("ERASMUS-SPORT-2025-SCP", "SPORT-CP", None), ("ERASMUS-SPORT-2025-SSCP", "SPORT-SSCP", None),
    ("ERASMUS-SPORT-2025-SNCESE", "SPORT-EVENTS", None), ("sport-events-local-ii", "SPORT-EVENTS", "LOCAL-II"),
    ("579661-EPP-1-2016-2-HR-SPO-SCP", "EPPKA2-SPORT-CP", None), ("SPO-SSCP", "EPPKA2-SPORT-SSCP", None),
    ("ERASMUS-EDU-2025-PI-FORWARD", "PI-FORWARD", None), ("PI-FORWARD-LOT1", "PI-FORWARD", "LOT1"),
    ("ERASMUS-EDU-2023-EMJM-DESIGN", "EMDM", None), ("ERASMUS-EDU-2025-PEX-EMJM-MOB", "EMJM", None),
])
def test_official_codes_and_aliases_resolve_case_insensitively(code, key, field):
    ref = resolve_action(code)
    assert (ref.action.key, ref.field) == (key, field)


def test_a_topic_id_carries_its_call_year():
    assert resolve_action("ERASMUS-EDU-2026-PI-ALL-INNO-STEM").topic_year == 2026


@pytest.mark.parametrize("code, year", [
    ("ERASMUS-YOUTH-2025-CB", 2025), ("ERASMUS-SPORT-2025-SCP", 2025), ("ERASMUS-EDU-2025-PI-FORWARD", 2025),
    ("ERASMUS-EDU-2024-CB-VET", 2024), ("ERASMUS-SPORT-2022-SSCP", 2022), ("ERASMUS-SPORT-2026-CB", 2026),
    ("579661-EPP-1-2016-2-HR-SPO-SCP", 2016),
])
def test_capacity_building_sport_and_innovation_topic_ids_carry_their_call_year(code, year):
    assert resolve_action(code).topic_year == year


def test_an_unknown_action_suggests_close_codes():
    with pytest.raises(errors.UnknownValueError, match="KA220"):
        resolve_action("KA22O")


def test_a_year_without_data_names_the_action_the_year_and_the_years_we_have():
    with pytest.raises(errors.RuleNotDefinedError) as e:
        rules_for("KA220-VET", 2027)
    assert "KA220" in str(e.value) and "2027" in str(e.value) and "2021–2026" in str(e.value)
    assert "reviewed up to call year 2026" in str(e.value)
    assert "no Programme Guide or call text for 2027" in str(e.value)


def test_lot_3_exists_only_where_a_call_had_it():
    assert rules_for("AFI-LOT3", 2026).criteria
    for year in (2021, 2025):
        with pytest.raises(errors.RuleNotDefinedError):
            rules_for("AFI-LOT3", year)


def test_duplicate_keys_in_rules_data_are_refused(tmp_path, monkeypatch):
    from ka2forms.rules import loader

    text = "a: 1\na: 2\n"
    with pytest.raises(errors.RulesDataError, match="duplicate key 'a'"):
        import yaml

        yaml.load(text, Loader=loader._StrictLoader)


def test_organisations_data_lists_exactly_the_documented_type_codes():
    assert list(read_yaml("organisations.yaml")["types"]) == [
        "HEI", "VET", "SCHOOL", "ADULT", "YOUTH", "SME", "ENTERPRISE", "CHAMBER", "SOCIAL-PARTNER", "ASSOCIATION",
        "PUBLIC", "NGO", "RESEARCH", "SPORT", "INFORMAL-GROUP", "OTHER"]


def test_norway_is_associated_not_lost_to_yaml_booleans():
    assert country_status("NO", 2025).status == "associated"
    assert country_status("Norge", 2016).eligible
