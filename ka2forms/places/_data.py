"""The shipped gazetteer file, read lazily on the first lookup and kept for the life of the process.

``data/gazetteer.bin`` is built by ``scripts/build_gazetteer.py`` from GeoNames (CC BY 4.0, see NOTICE).
It is column-oriented: one :mod:`array` per field, so loading is a zlib inflate plus ``frombytes`` (no
per-place Python objects), and the name index is a sorted list of folded keys searched with :mod:`bisect`.
"""

from __future__ import annotations

import json
import struct
import sys
import threading
import zlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate

from ka2forms.errors import RulesDataError

MAGIC = b"KA2GAZ\x01\x00"

# GeoNames gives these parts of EU Member States their own country code. ``OUTERMOST`` are EU territory
# (TFEU art. 349 outermost regions, and Åland): for eligibility they count as the Member State. ``LINKED``
# are overseas countries and territories or dependencies: associated with a state but not part of the EU.
OUTERMOST = {"GF": "FR", "GP": "FR", "MQ": "FR", "RE": "FR", "YT": "FR", "MF": "FR", "AX": "FI"}
LINKED = {
    "BL": "FR",
    "PM": "FR",
    "WF": "FR",
    "NC": "FR",
    "PF": "FR",
    "TF": "FR",
    "AW": "NL",
    "CW": "NL",
    "SX": "NL",
    "BQ": "NL",
    "GL": "DK",
    "FO": "DK",
    "SJ": "NO",
    "GI": "GB",
    "IM": "GB",
    "JE": "GB",
    "GG": "GB",
}
TERRITORY_NAMES = {
    "GF": "French Guiana",
    "GP": "Guadeloupe",
    "MQ": "Martinique",
    "RE": "Réunion",
    "YT": "Mayotte",
    "MF": "Saint-Martin",
    "AX": "Åland",
    "BL": "Saint-Barthélemy",
    "PM": "Saint-Pierre-et-Miquelon",
    "WF": "Wallis and Futuna",
    "NC": "New Caledonia",
    "PF": "French Polynesia",
    "TF": "French Southern Territories",
    "AW": "Aruba",
    "CW": "Curaçao",
    "SX": "Sint Maarten",
    "BQ": "Caribbean Netherlands",
    "GL": "Greenland",
    "FO": "Faroe Islands",
    "SJ": "Svalbard and Jan Mayen",
    "GI": "Gibraltar",
    "IM": "Isle of Man",
    "JE": "Jersey",
    "GG": "Guernsey",
}


class Strings:
    """A read-only sequence of strings stored as one UTF-8 blob plus start offsets (no per-string objects).

    ``bisect`` works on it directly (items compare as UTF-8 bytes, which sort like the code points the build
    script sorted by), and :meth:`text` decodes one item.
    """

    __slots__ = ("_blob", "_start")

    def __init__(self, blob: bytes, lengths: array) -> None:
        self._blob = blob
        self._start = array("I", accumulate(lengths, initial=0))

    def __len__(self) -> int:
        return len(self._start) - 1

    def __getitem__(self, i: int) -> bytes:  # type: ignore[override]
        return self._blob[self._start[i] : self._start[i + 1]]

    def text(self, i: int) -> str:
        return self[i].decode("utf-8")

    def all(self) -> list[str]:
        """Every item decoded (for fuzzy suggestions; costs ~40 ms and ~20 MB, so only on a miss)."""
        start, blob = self._start, self._blob
        return [blob[start[i] : start[i + 1]].decode("utf-8") for i in range(len(self))]


@dataclass
class Gazetteer:
    """Columns of the gazetteer; row ``i`` is one place, rows are sorted by population (largest first)."""

    geonameid: array
    lat_e5: array
    lon_e5: array
    population: array
    country: array  # index into ``countries``
    admin1: array  # index into ``admin1_names``
    names: Strings
    keys: Strings  # sorted folded keys (names and useful alternate names)
    key_start: array  # postings[key_start[k]:key_start[k + 1]] are the rows of keys[k]
    postings: array
    countries: list[str]
    admin1_codes: list[str]
    admin1_names: list[str]
    header: dict

    def __len__(self) -> int:
        return len(self.names)

    def rows_for_key(self, key: str) -> list[int]:
        """Rows whose name or an alternate name folds to ``key`` (most populous first)."""
        raw = key.encode("utf-8")
        k = bisect_left(self.keys, raw)
        if k < len(self.keys) and self.keys[k] == raw:
            return list(self.postings[self.key_start[k] : self.key_start[k + 1]])
        return []

    def name(self, row: int) -> str:
        return self.names.text(row)

    def lat(self, row: int) -> float:
        return self.lat_e5[row] / 100_000

    def lon(self, row: int) -> float:
        return self.lon_e5[row] / 100_000

    def cc(self, row: int) -> str:
        return self.countries[self.country[row]]

    def admin1_name(self, row: int) -> str | None:
        return self.admin1_names[self.admin1[row]] or None


def _parse(blob: bytes) -> Gazetteer:
    if not blob.startswith(MAGIC):
        raise RulesDataError("places/data/gazetteer.bin: not a ka2forms gazetteer (rebuild it)")
    payload = zlib.decompress(blob[len(MAGIC) :])
    (hlen,) = struct.unpack_from("<I", payload, 0)
    header = json.loads(payload[4 : 4 + hlen].decode("utf-8"))
    offset = 4 + hlen
    cols: dict[str, object] = {}
    for name, typ, length in header["sections"]:
        chunk = payload[offset : offset + length]
        offset += length
        if typ == "utf8":
            cols[name] = chunk
        else:
            arr = array(typ)
            arr.frombytes(chunk)
            if sys.byteorder != "little":
                arr.byteswap()
            cols[name] = arr
    key_start = array("I", accumulate(cols.pop("key_counts"), initial=0))  # type: ignore[arg-type]
    cols["names"] = Strings(cols["names"], cols.pop("names_len"))  # type: ignore[arg-type]
    cols["keys"] = Strings(cols["keys"], cols.pop("keys_len"))  # type: ignore[arg-type]
    return Gazetteer(
        key_start=key_start,
        countries=header["countries"],
        admin1_codes=header["admin1_codes"],
        admin1_names=header["admin1_names"],
        header=header,
        **cols,
    )  # type: ignore[arg-type]


_lock = threading.Lock()
_loaded: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The gazetteer, loaded on first use (about 0.1 s) and then shared."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                try:
                    blob = resources.files("ka2forms.places").joinpath("data", "gazetteer.bin").read_bytes()
                except FileNotFoundError as e:
                    raise RulesDataError("places/data/gazetteer.bin is missing from the installation") from e
                _loaded = _parse(blob)
    return _loaded
