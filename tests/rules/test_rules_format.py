"""The rules data format: versions in force from a call year until replaced, a last reviewed year per action,
years without a call, units on amounts and durations, and the converter from the older closed-range form."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from ka2forms import errors
from ka2forms.rules import all_actions, country_status, resolve_action, rules_for
from ka2forms.rules.provenance import CallYears, spans

ROOT = Path(__file__).resolve().parents[2]


def test_a_from_version_stays_in_force_until_the_next_one():
    assert spans([{"from": 2021}, {"from": 2024}], last=2026, where="t") == [CallYears(2021, 2023),
                                                                           CallYears(2024, 2026)]


def test_the_old_closed_range_form_is_still_read_and_may_be_mixed():
    assert spans([{"calls": "2014-2017"}, {"from": 2018}], last=2020, where="t") == [CallYears(2014, 2017),
                                                                                   CallYears(2018, 2020)]


@pytest.mark.parametrize(("raws", "message"), [
    ([{"from": 2024}, {"from": 2021}], "ascending"),
    ([{"from": 2021, "calls": "2021-2022"}], "either calls"),
    ([{"from": 2027}], "after the last reviewed"),
    ([{"calls": "2021-2024"}, {"calls": "2023-2026"}], "overlap"),
])
def test_badly_ordered_or_overlapping_versions_are_refused(raws, message):
    with pytest.raises(errors.RulesDataError, match=message):
        spans(raws, last=2026, where="t")


def test_a_from_version_needs_a_last_reviewed_year():
    with pytest.raises(errors.RulesDataError, match="reviewed_to"):
        spans([{"from": 2021}], last=None, where="t")


def test_every_action_says_up_to_which_call_year_it_was_reviewed():
    for action in all_actions():
        assert action.reviewed_to >= max(c.last for c in action.calls), action.key
        raw = yaml.safe_load((ROOT / "ka2forms" / "rules" / "data" / "actions" /
                              f"{action.key.lower()}.yaml").read_text(encoding="utf-8"))
        assert isinstance(raw[action.key]["reviewed_to"], int), action.key


def test_a_year_after_the_last_reviewed_one_names_that_year():
    with pytest.raises(errors.RuleNotDefinedError, match="reviewed up to call year 2020"):
        rules_for("EPPKA2-KA", 2021)


def test_every_grant_is_in_euro_and_every_duration_in_months_in_the_data_files():
    for path in (ROOT / "ka2forms" / "rules" / "data" / "actions").glob("*.yaml"):
        for key, action in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for v in action["rules"]:
                for g in v.get("grants") or []:
                    assert g.get("unit") == "EUR", (path.name, key)
                for d in v.get("durations") or []:
                    assert d.get("unit") == "months", (path.name, key)
    r = rules_for("KA220-VET", 2025)
    assert {g.unit for g in r.grants} == {"EUR"} and {d.unit for d in r.durations} == {"months"}


def test_a_call_year_without_a_call_says_so():
    with pytest.raises(errors.RuleNotDefinedError, match="no call for this action in 2023"):
        rules_for("ETA", 2023)
    assert [str(c) for c in resolve_action("ETA").action.calls] == ["2021", "2022", "2024–2026"]


def test_a_year_whose_rules_are_not_in_the_data_says_so_and_is_not_called_a_year_without_a_call():
    with pytest.raises(errors.RuleNotDefinedError, match="the rules of call 2024 are not in the data") as e:
        rules_for("EMDM", 2024)
    assert "no call for this action" not in str(e.value)


def test_call_2027_country_status_is_encoded_with_its_confidence():
    uk, ch = country_status("GB", 2027), country_status("CH", 2027)
    assert (uk.status, uk.provenance.confidence.value) == ("associated", "official")
    assert (ch.status, ch.provenance.confidence.value) == ("associated", "unconfirmed")
    assert country_status("GB", 2026).status == "not-associated"


def test_russia_2022_is_partly_excluded_and_2023_wholly():
    st = country_status("RU", 2022)
    assert not st.excluded and st.excludes("HEI") is True and st.excludes("NGO") is None
    assert country_status("RU", 2023).excludes("NGO") is True
    assert country_status("RU", 2021).excludes("HEI") is False


def _converter():
    spec = importlib.util.spec_from_file_location("convert", ROOT / "scripts" / "convert_rules_format.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


OLD = """\
X:
  name: x
  rules:
    - calls: 2021-2022
      durations:
        - {months: [24], source: project, confidence: unconfirmed}
      grants:
        - {max: 1000, source: project, confidence: unconfirmed}
    - calls: 2024-2026
      criteria:
        - {id: c, kind: coordinator, source: project, confidence: unconfirmed}
"""


def test_the_converter_turns_closed_ranges_into_from_versions_with_units_and_marks_gaps():
    new = _converter().convert(OLD)
    data = yaml.safe_load(new)["X"]
    assert data["reviewed_to"] == 2026
    assert [v.get("from") for v in data["rules"]] == [2021, 2023, 2024]
    assert "replace with the rules, or with no_call" in data["rules"][1]["unknown"]
    assert data["rules"][0]["durations"][0]["unit"] == "months" and data["rules"][0]["grants"][0]["unit"] == "EUR"
    assert spans(data["rules"], last=2026, where="t") == [CallYears(2021, 2022), CallYears(2023, 2023),
                                                          CallYears(2024, 2026)]
    assert _converter().convert(new) == new  # already converted: unchanged
