"""The language of every word a user reads: gettext catalogs, the chosen language, and Babel formats.

Why gettext: a translator works on ``ka2forms/locale/<lang>/LC_MESSAGES/ka2forms.po`` with the usual tools
(Poedit, Weblate, Lokalize), plural forms follow each language's rules (sl has four, cs three), and adding a
language is adding a catalog (docs/translating.md). The compiled ``.mo`` files are committed next to the
``.po`` files, so ``pip install -e .``, a wheel and a plain checkout all find them without a build step;
``tests/test_i18n.py`` fails when a ``.mo`` is older than its ``.po`` or a message lacks a translation.

Reading catalogs needs only the standard library (``gettext``). Money, numbers and percentages use CLDR's
patterns for our four locales (``_NUMBERS``, tested against Babel), so the core (check, budget, travel) runs
without Babel, which comes with the annex extra and formats dates and other currencies there.

Which language: a front end resolves it once (:func:`resolve_lang`: ``--lang``, then ``KA2FORMS_LANG``,
then the locale ``LC_ALL``/``LC_MESSAGES``/``LANG``, else English) and runs its work inside
:func:`use`. The core reads the language of the current context (a ``ContextVar``, so threads and asyncio
tasks do not leak it into each other) and defaults to English, so library callers get stable English text
unless they ask.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from ka2forms.errors import InputError

#: Languages with a catalog; English is the source language (the msgids).
LANGUAGES: tuple[str, ...] = ("en", "sl", "cs", "de")
#: Language → the Babel locale for money, numbers, dates and plurals. English uses en_IE: euro amounts as
#: ``€60,000.00`` and European day-month dates ("1 March 2026").
LOCALES: dict[str, str] = {"en": "en_IE", "sl": "sl_SI", "cs": "cs_CZ", "de": "de_DE"}
DOMAIN = "ka2forms"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: ContextVar[str] = ContextVar("ka2forms_lang", default="en")


class UnknownLanguageError(InputError):
    """A language we have no catalog for."""


def check_lang(lang: str) -> str:
    if lang not in LOCALES:
        raise UnknownLanguageError(gettext("unknown language {lang!r}: use one of {choices}").format(
            lang=lang, choices=", ".join(LANGUAGES)))
    return lang


def _from_locale(value: str) -> str | None:
    """``sl_SI.UTF-8`` → ``sl``; ``C``/``POSIX`` and languages without a catalog → None."""
    head = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    lang = head.split("_", 1)[0]
    return lang if lang in LOCALES else None


def resolve_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: ``explicit`` (``--lang``), then ``KA2FORMS_LANG``, then the locale, else ``en``.

    An explicit or ``KA2FORMS_LANG`` language we do not have is an error (the user asked for it); a locale we
    have no catalog for falls back to English, as every gettext program does. ``LC_ALL`` wins over
    ``LC_MESSAGES`` over ``LANG``, as POSIX says; ``LANGUAGE`` (GNU's list) is read first when set.
    """
    env = os.environ if environ is None else environ
    if explicit:
        return check_lang(explicit)
    if env.get("KA2FORMS_LANG"):
        return check_lang(env["KA2FORMS_LANG"])
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if not value:
            continue
        for item in value.split(":"):  # LANGUAGE may list several: sl:en
            lang = _from_locale(item)
            if lang:
                return lang
        if var != "LANGUAGE":
            return "en"  # the first locale variable set decides, even when it names a language we lack
    return "en"


@cache
def translation(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (English: the msgids themselves)."""
    check_lang(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    try:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
            return _gettext.GNUTranslations(f)
    except OSError as e:
        from ka2forms.errors import RulesDataError

        raise RulesDataError(f"the message catalog of {lang!r} is missing or unreadable ({e}): reinstall "
                             "ka2forms") from None


def current() -> str:
    """The language of the current context (``en`` unless a front end chose one)."""
    return _current.get()


@contextmanager
def use(lang: str | None) -> Iterator[str]:
    """Run a block in ``lang`` (``None``: keep the current language)."""
    if lang is None:
        yield current()
        return
    token = _current.set(check_lang(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


def set_language(lang: str) -> Token[str]:
    """Make ``lang`` the language of this context until :func:`reset_language` (a command-line run sets it
    while it parses its options; library callers use :func:`use`)."""
    return _current.set(check_lang(lang))


def reset_language(token: Token[str]) -> None:
    _current.reset(token)


def gettext(message: str) -> str:
    """``message`` in the current language."""
    return translation(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` in the current language (sl: 1 / 2 / 3–4 / 5+)."""
    return translation(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English word by ``context``."""
    return translation(current()).pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` with a ``context``."""
    return translation(current()).npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


_ = gettext


# ───────────────────────────────────── formats (Babel, CLDR) ─────────────────────────────────────


def locale(lang: str | None = None) -> str:
    return LOCALES[check_lang(lang or current())]


#: CLDR's number symbols and patterns for our locales (group, decimal, currency and percent patterns), as
#: Babel formats them: the core (check, budget, travel) formats without Babel, which is only in the annex
#: extra; tests/test_i18n.py compares every entry with Babel. A new language adds its line here.
_NUMBERS: dict[str, tuple[str, str, str, str]] = {
    "en": (",", ".", "{c}{n}", "{n}%"),
    "sl": (".", ",", "{n}\u00a0{c}", "{n}\u00a0%"),
    "cs": ("\u00a0", ",", "{n}\u00a0{c}", "{n}\u00a0%"),
    "de": (".", ",", "{n}\u00a0{c}", "{n}\u00a0%"),
}
_SYMBOLS = {"EUR": "€"}


def _digits(value: Decimal, places: int | None, lang: str) -> str:
    """``value`` with the language's separators: ``places`` fixed decimals, or up to 3 (CLDR's default)."""
    from decimal import ROUND_HALF_EVEN

    group, point, _c, _p = _NUMBERS[lang]
    q = value.quantize(Decimal(1).scaleb(-(3 if places is None else places)), rounding=ROUND_HALF_EVEN)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    if places is None:
        frac = frac.rstrip("0")
    parts = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    text = group.join([whole, *parts])
    return sign + text + (point + frac if frac else "")


def money(amount: Decimal | int | float | str, currency: str = "EUR", lang: str | None = None) -> str:
    """One money format per language, everywhere: ``€120,000.00``, ``120.000,00 €``, ``120 000,00 €``."""
    lang = check_lang(lang or current())
    if currency not in _SYMBOLS:   # another currency: its symbol per locale from CLDR (Babel, the annex extra)
        from babel.numbers import format_currency

        return str(format_currency(Decimal(str(amount)), currency, locale=locale(lang)))
    text = _digits(Decimal(str(amount)), 2, lang)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    return sign + _NUMBERS[lang][2].format(c=_SYMBOLS[currency], n=text)


def number(value: Decimal | int | float | str, digits: int | None = None, lang: str | None = None) -> str:
    """A number with the language's separators; ``digits`` fixes the decimals (half-even), else up to 3."""
    return _digits(Decimal(str(value)), digits, check_lang(lang or current()))


def percent(value: Decimal | float | str, lang: str | None = None) -> str:
    """A share (0.2) as the language writes it: ``20%``, ``20 %``."""
    lang = check_lang(lang or current())
    return _NUMBERS[lang][3].format(n=_digits(Decimal(str(value)) * 100, 0, lang))


def date(value: Any, form: str = "long", lang: str | None = None) -> str:
    from babel.dates import format_date

    return str(format_date(value, form, locale=locale(lang)))


def join_or(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c`` in the current language."""
    if len(items) <= 1:
        return "".join(items)
    return gettext("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def join_and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return gettext("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


__all__ = [
    "LANGUAGES",
    "LOCALES",
    "N_",
    "UnknownLanguageError",
    "check_lang",
    "current",
    "date",
    "gettext",
    "join_and",
    "join_or",
    "money",
    "ngettext",
    "npgettext",
    "number",
    "percent",
    "pgettext",
    "reset_language",
    "resolve_lang",
    "set_language",
    "translation",
    "use",
]
