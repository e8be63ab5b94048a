"""The message catalogs: extract, update, compile, check (Babel's tools, with the rules data's labels added).

    python scripts/i18n.py extract   # code + rules data + annex labels → ka2forms/locale/ka2forms.pot
    python scripts/i18n.py update    # merge the template into every ka2forms/locale/<lang>/LC_MESSAGES/ka2forms.po
    python scripts/i18n.py compile   # .po → .mo (committed: installs need no build step)
    python scripts/i18n.py init LANG # a new language (docs/translating.md)
    python scripts/i18n.py all       # extract, update, compile

Why not ``pybabel extract`` alone: the words the rules data holds (action names, organisation types, roles,
country statuses) are not in the code; :func:`ka2forms.rules.words.data_messages` lists them and this script
adds them to the template, each with a comment naming its data file and key.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOCALE_DIR = ROOT / "ka2forms" / "locale"
POT = LOCALE_DIR / "ka2forms.pot"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}


def template() -> Catalog:
    """The catalog template: every message of the code and of the rules data."""
    from ka2forms import __version__
    from ka2forms.rules.words import data_messages

    cat = Catalog(project="ka2forms", version=__version__, copyright_holder="ka2forms contributors",
                  msgid_bugs_address="", charset="utf-8", fuzzy=False)
    method_map = [("ka2forms/**.py", "python"), ("scripts/**.py", "ignore")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        cat.add(message, None, [(f"ka2forms/{filename}" if not filename.startswith("ka2forms") else filename,
                                 lineno)], auto_comments=comments, context=context)
    from ka2forms.services.annex import label_messages

    for key, text in label_messages().items():
        if text and text != "#" and cat.get(text) is None:
            cat.add(text, None, auto_comments=[f"templates/labels.yaml: {key}"])
    from ka2forms.cli import main
    from ka2forms.cli._i18n import CLICK_MESSAGES, help_messages

    for text, where in help_messages(main):
        existing = cat.get(text)
        if existing is None:
            cat.add(text, None, auto_comments=[where])
        elif where not in existing.auto_comments:
            existing.auto_comments.append(where)
    for msg in CLICK_MESSAGES:
        key = msg[0] if isinstance(msg, tuple) else msg
        if cat.get(key) is None:
            cat.add(msg, None, auto_comments=["click (the command-line library): its own message"])
        else:
            cat.get(key).auto_comments.append("click (the command-line library): its own message")
    for m in data_messages():
        msgid = (m.msgid, m.plural) if m.plural else m.msgid
        existing = cat.get(m.msgid, context=m.context)
        if existing is not None:
            if m.where not in existing.auto_comments:
                existing.auto_comments.append(m.where)
            continue
        cat.add(msgid, None, auto_comments=[m.where], context=m.context)
    return cat


def _write(catalog: Catalog, path: Path, **options: object) -> None:
    buf = io.BytesIO()
    write_po(buf, catalog, width=116, omit_header=False, sort_output=False, **options)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/ka2forms.po"))


def read(lang: str) -> Catalog:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "ka2forms.po"
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def extract() -> None:
    _write(template(), POT, ignore_obsolete=True)


def update() -> None:
    with POT.open("rb") as f:
        pot = read_po(f)
    for lang in languages():
        cat = read(lang)
        cat.update(pot, no_fuzzy_matching=True, update_header_comment=False)
        _write(cat, LOCALE_DIR / lang / "LC_MESSAGES" / "ka2forms.po", ignore_obsolete=True)


COUNTRIES = LOCALE_DIR / "countries.json"


def country_names() -> dict[str, dict[str, str]]:
    """Country names per language from CLDR (Babel), for every code the rules know: the core reads this
    table, so naming a country in Slovenian needs no Babel at run time."""
    from babel import Locale

    from ka2forms.i18n import LOCALES
    from ka2forms.rules.loader import read_json

    codes = sorted(read_json("country_names.json")["names"])
    out = {}
    for lang, loc in LOCALES.items():
        if lang == "en":
            continue
        territories = Locale.parse(loc).territories
        out[lang] = {c: str(territories[c]) for c in codes if c in territories}
    return out


def compile_all() -> None:
    import json

    COUNTRIES.write_text(json.dumps(country_names(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                         encoding="utf-8")
    for lang in languages():
        cat = read(lang)
        buf = io.BytesIO()
        write_mo(buf, cat, use_fuzzy=False)
        (LOCALE_DIR / lang / "LC_MESSAGES" / "ka2forms.mo").write_bytes(buf.getvalue())


def init(lang: str) -> None:
    with POT.open("rb") as f:
        pot = read_po(f)
    cat = Catalog(locale=lang, project="ka2forms", charset="utf-8", fuzzy=False)
    cat.update(pot, no_fuzzy_matching=True)
    _write(cat, LOCALE_DIR / lang / "LC_MESSAGES" / "ka2forms.po")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "all"
    if cmd == "extract":
        extract()
    elif cmd == "update":
        update()
    elif cmd == "compile":
        compile_all()
    elif cmd == "init":
        init(sys.argv[2])
    elif cmd == "all":
        extract()
        update()
        compile_all()
    else:
        sys.exit(__doc__)
