"""Every KA2 action of the Programme Guide's programme-structure overview is encoded or deliberately out of scope."""

from __future__ import annotations

import pytest

from ka2forms import errors
from ka2forms.rules import all_actions, resolve_action
from ka2forms.rules.structure import programme_overview, searched_codes


def test_every_encoded_overview_action_exists_in_the_rules_data():
    keys = {a.key for a in all_actions()}
    missing = [e.action for e in programme_overview() if e.action and e.action not in keys]
    assert not missing, f"overview names actions the rules data lacks: {missing}"


def test_every_action_in_the_rules_data_is_in_the_overview_of_its_period():
    listed = {(e.action, e.period) for e in programme_overview() if e.action}
    unlisted = [(a.key, a.period) for a in all_actions() if (a.key, a.period) not in listed]
    assert not unlisted, f"add these to programme_structure.yaml: {unlisted}"


def test_every_out_of_scope_action_says_why_and_cites_a_source():
    out = [e for e in programme_overview() if e.out_of_scope]
    assert out, "the overview records no out-of-scope action; European Universities at least is one"
    for e in out:
        assert len(e.out_of_scope.split()) >= 5, f"{e.name}: give a reason, not a label"
        assert e.source.url or e.source.file, e.name


def test_an_action_is_listed_once_per_period():
    seen = [(e.period, e.action) for e in programme_overview() if e.action]
    assert len(seen) == len(set(seen))


def test_european_youth_together_is_recorded_as_key_action_3_not_encoded():
    eyt = [e for e in programme_overview() if e.name.startswith("European Youth Together")]
    assert eyt and all(e.out_of_scope and "Key Action 3" in e.out_of_scope for e in eyt)


@pytest.mark.parametrize("entry", searched_codes(), ids=lambda s: s.code)
def test_a_searched_code_that_no_official_text_shows_is_not_an_action(entry):
    with pytest.raises(errors.UnknownValueError):
        resolve_action(entry.code)
