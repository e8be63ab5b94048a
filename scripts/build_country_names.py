"""Build ka2forms/rules/data/country_names.json from pycountry (ISO 3166-1 and its translations).

Why a generated file: users type countries in any language ("Slovenija", "Česko", "Deutschland",
"Magyarország"), and pycountry's translations are the best-kept source of those names. Reading them through
gettext at run time would cost an import and 30 catalogue loads; a small JSON costs one file read. Run again
when pycountry publishes new names:

    pip install pycountry && python scripts/build_country_names.py

Names that mean two different countries in different languages are dropped (never guessed).
"""

from __future__ import annotations

import gettext
import json
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "ka2forms" / "rules" / "data" / "country_names.json"

# Languages of the EU, associated countries and neighbours, plus a few widely used ones.
LANGUAGES = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "is", "it", "lt", "lv", "mk",
    "mt", "nb", "nl", "nn", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sr@latin", "sv", "tr", "uk", "bs",
    "ca", "eu", "gl", "lb", "cy",
]

# Names the ISO tables lack but Erasmus+ documents and users write. Codes are ISO 3166-1 alpha-2;
# EL (Greece) and UK are the EU's own codes and are accepted as aliases.
EXTRA = {
    "GR": ["EL", "Hellas", "Ellada", "Elláda"],
    "GB": ["UK", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "Velika Britanija",
           "Velká Británie", "Spojené království", "Združeno kraljestvo", "Vereinigtes Königreich"],
    "CZ": ["Czech Republic", "Czechia", "Česko", "Česká republika", "Češka", "Tschechien", "Czechy"],
    "TR": ["Turkey", "Türkiye", "Turkiye", "Turčija", "Turecko", "Türkei"],
    "MK": ["North Macedonia", "Republic of North Macedonia", "former Yugoslav Republic of Macedonia",
           "the former Yugoslav Republic of Macedonia", "FYROM", "FYR Macedonia", "Macedonia", "Severna Makedonija",
           "Severní Makedonie", "Nordmazedonien", "Северна Македонија", "Makedonija"],
    "XK": ["Kosovo", "Kosova", "Kosovo*", "Republic of Kosovo"],
    "NL": ["Holland", "Nederland"],
    "RS": ["Serbia", "Srbija", "Srbsko", "Србија", "Serbien"],
    "SK": ["Slovakia", "Slovensko", "Slovaška", "Slowakei", "Slovak Republic", "Slovenská republika"],
    "SI": ["Slovenia", "Slovenija", "Slovinsko", "Slowenien"],
    "VA": ["Vatican", "Holy See"],
    "MD": ["Moldova"],
    "KR": ["South Korea", "Korea"],
    "RU": ["Russia"],
    "IR": ["Iran"],
    "SY": ["Syria"],
    "PS": ["Palestine"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania"],
    "VN": ["Vietnam", "Viet Nam"],
    "LA": ["Laos"],
    "US": ["USA", "United States", "United States of America"],
}

# Mistranslations found in iso-codes catalogues (a language name filed as a country name).
BLOCKED = {"Slovenčina"}

# Country name a person reads in our output (English, as the Programme Guide writes it).
DISPLAY = {
    "CZ": "Czechia", "TR": "Türkiye", "MK": "North Macedonia", "GB": "United Kingdom", "XK": "Kosovo",
    "MD": "Moldova", "RU": "Russian Federation", "KR": "Korea, Republic of", "VA": "Holy See (Vatican)",
    "PS": "Palestine", "SY": "Syria", "IR": "Iran", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania",
    "VN": "Vietnam", "LA": "Laos", "US": "United States", "NL": "Netherlands", "GR": "Greece",
}


def _translators() -> dict[str, gettext.NullTranslations]:
    out = {}
    for lang in LANGUAGES:
        try:
            out[lang] = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            print(f"note: pycountry has no {lang} names", file=sys.stderr)
    return out


def build() -> dict[str, dict[str, object]]:
    sys.path.insert(0, str(ROOT))
    from ka2forms.text import fold  # the same folding the loader uses, so collisions are judged alike

    translators = _translators()
    names: dict[str, set[str]] = defaultdict(set)
    for c in pycountry.countries:
        base = {c.name, getattr(c, "official_name", c.name), getattr(c, "common_name", c.name), c.alpha_3}
        for n in list(base):
            for t in translators.values():
                base.add(t.gettext(n))
        names[c.alpha_2] |= {n for n in base if n and n not in BLOCKED}
    for code, extra in EXTRA.items():
        names[code] |= set(extra)

    owners: dict[str, set[str]] = defaultdict(set)
    for code, ns in names.items():
        for n in ns:
            owners[fold(n)].add(code)
    # A curated name wins over a translation that clashes with it (iso-codes has a few mistranslations,
    # e.g. "Slovenská republika" filed under two countries).
    curated = {fold(n): code for code, extra in EXTRA.items() for n in extra}
    for key, codes in owners.items():
        if len(codes) > 1 and key in curated:
            for code in codes - {curated[key]}:
                names[code] = {n for n in names[code] if fold(n) != key}
            owners[key] = {curated[key]}
    clashes = {k for k, v in owners.items() if len(v) > 1}
    for k in sorted(clashes):
        print(f"note: dropping ambiguous name {k!r} ({', '.join(sorted(owners[k]))})", file=sys.stderr)

    display: dict[str, str] = {}
    index: dict[str, str] = {}
    for code in sorted(names):
        iso = pycountry.countries.get(alpha_2=code)
        display[code] = DISPLAY.get(code) or (getattr(iso, "common_name", None) or iso.name if iso else code)
        for n in {code, display[code], *names[code]}:
            key = fold(n)
            if key not in clashes:
                index[key] = code
    # Keys are already folded with ka2forms.text.fold, so loading is a dict read (Excel's first formula
    # waits for it); tests/rules/test_country_names.py checks the keys still match fold().
    return {"names": display, "index": dict(sorted(index.items()))}


def main() -> None:
    table = build()
    table["source"] = "pycountry (ISO 3166-1 and iso-codes translations) + ka2forms extras"
    text = json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, OUT)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(table['names'])} countries, {len(table['index'])} folded names")


if __name__ == "__main__":
    main()
