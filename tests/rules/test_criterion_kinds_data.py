"""The data checks of the criterion kinds added for capacity building: a misspelt rule fails at load time."""

from __future__ import annotations

import pytest

from ka2forms import errors
from ka2forms.rules.actions import _parse_criterion

BASE = {"id": "x", "source": "ec-pg-cby", "confidence": "unconfirmed"}


def test_a_regions_criterion_reads_its_regions_and_one_region():
    c = _parse_criterion({**BASE, "kind": "regions", "statuses": ["not-associated"], "regions": [1, 2, 3],
                          "one_region": True}, "test")
    assert (c.regions, c.one_region, c.statuses) == ((1, 2, 3), True, ("not-associated",))


def test_a_balance_criterion_compares_with_eu_and_associated_organisations_by_default():
    c = _parse_criterion({**BASE, "kind": "balance", "statuses": ["not-associated"]}, "test")
    assert (c.statuses, c.than) == (("not-associated",), ("member", "associated"))


@pytest.mark.parametrize("raw, message", [
    ({"kind": "regions", "statuses": ["not-associated"]}, "needs regions"),
    ({"kind": "regions", "statuses": ["not-associated"], "regions": ["Western Balkans"]}, "whole numbers"),
    ({"kind": "regions", "regions": [1]}, "needs statuses"),
    ({"kind": "balance"}, "needs statuses"),
    ({"kind": "balance", "statuses": ["not-associated"], "than": ["EU"]}, "unknown statuses"),
    ({"kind": "status_count", "min": 2}, "needs statuses"),
    ({"kind": "status_count", "statuses": ["not-associated"]}, "whole-number min"),
    ({"kind": "countries", "min": 2, "not_countries": ["AM"]}, "coordinator only"),
    ({"kind": "balance", "regions_typo": [1]}, "unknown keys"),
])
def test_a_malformed_capacity_building_criterion_is_a_rules_data_error(raw, message):
    with pytest.raises(errors.RulesDataError, match=message):
        _parse_criterion({**BASE, **raw}, "test")


def test_a_coordinator_may_name_countries_that_never_coordinate():
    c = _parse_criterion({**BASE, "kind": "coordinator", "not_countries": ["AM", "AZ"], "regions": [1]}, "test")
    assert (c.not_countries, c.regions) == (("AM", "AZ"), (1,))
