"""The generated country-name index stays in step with the folding function that queries it."""

from ka2forms.rules.loader import read_json
from ka2forms.text import fold


def test_every_key_of_the_prefolded_index_is_already_folded():
    index = read_json("country_names.json")["index"]
    assert len(index) > 5000
    assert all(fold(k) == k for k in index)


def test_every_country_has_a_display_name_and_every_index_value_is_a_known_code():
    data = read_json("country_names.json")
    assert data["names"]["CZ"] == "Czechia" and data["names"]["TR"] == "Türkiye"
    assert set(data["index"].values()) <= set(data["names"])
