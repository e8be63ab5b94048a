"""Build ka2forms/excel/data/country_labels.json: country names in English, Slovenian and Czech.

Why: ``ka2forms new`` offers a dropdown of the call year's countries in the workbook's language. The names
come from the ISO 3166-1 tables of Debian's ``iso-codes`` package (the same translations pycountry ships), for
the countries ``countries.yaml`` lists. A name that does not read back as its own code through
``resolve_country`` is replaced by the English one, so a picked name can never mean another country.

    apt-get install iso-codes && python scripts/build_country_labels.py
"""

from __future__ import annotations

import gettext
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "ka2forms" / "excel" / "data" / "country_labels.json"
ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")
LANGS = ("en", "sl", "cs")


def _resolves(resolve, name: str, code: str, error: type[Exception]) -> bool:
    try:
        return bool(resolve(name) == code)
    except error:
        return False


def main() -> int:
    from ka2forms.errors import Ka2Error
    from ka2forms.files import write_atomic
    from ka2forms.rules.countries import country_name, listed_countries, resolve_country

    entries = {e["alpha_2"]: e for e in json.loads(ISO.read_text(encoding="utf-8"))["3166-1"]}
    catalogues = {lang: gettext.translation("iso_3166-1", localedir="/usr/share/locale", languages=[lang])
                  for lang in LANGS if lang != "en"}
    labels: dict[str, dict[str, str]] = {}
    for code in listed_countries():
        names = {"en": country_name(code)}
        entry = entries.get(code)
        for lang, cat in catalogues.items():
            names[lang] = names["en"]
            msgids = [entry[k] for k in ("common_name", "name", "official_name") if entry and k in entry]
            for msgid in msgids:  # the first translated name that reads back as this very country
                name = cat.gettext(msgid)
                if name != msgid and _resolves(resolve_country, name, code, Ka2Error):
                    names[lang] = name
                    break
        labels[code] = names
    data = {"source": "iso-codes (Debian), ISO 3166-1 translations; English names as ka2forms writes them",
            "labels": labels}
    write_atomic(OUT, (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())
    print(f"wrote {OUT}: {len(labels)} countries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
