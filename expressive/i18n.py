"""The words people read, in their own language.

Every user-visible string goes through `_` (or `ngettext` for a count), in Python and in
.kv files alike; strings made before a language is chosen (module constants, plans, story
shapes, stamps) are marked with `N_` and translated where they are shown. Dates and
numbers go through the `format_*` functions, which follow the language's conventions.

Catalogues are gettext .mo files inside each package that has words of its own:
`<package>/locale/<language>/LC_MESSAGES/messages.mo`. The host's own come first; each
activity's catalogue (built-in or installed with pip) is added with `add_catalogue`, so an
activity translates its own words. `expressive catalogues` extracts, updates, compiles and
checks them (see expressive/tools/catalogues.py).

The pseudo-locale `en_XA` is English, accented and about 40% longer, in brackets: it shows
on any screen where a layout depends on English being short, or a string skips gettext.
"""

from __future__ import annotations

import gettext
import os
import re
from datetime import date, datetime, time
from importlib.resources import files

SOURCE_LANGUAGE = "en"
PSEUDO_LANGUAGE = "en_XA"
DOMAIN = "messages"
HOST_PACKAGE = "expressive"

_packages: list[str] = [HOST_PACKAGE]
_language = SOURCE_LANGUAGE
_translations: gettext.NullTranslations = gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark `message` for translation where it is shown, not here (it is made before a
    language is chosen)."""
    return message


def _(message: str) -> str:
    if not message:
        return message
    if _language == PSEUDO_LANGUAGE:
        return pseudo(message)
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` in the current language ("1 second", "2 seconds"); format the
    count in afterwards: `ngettext("{n} second", "{n} seconds", n).format(n=n)`."""
    if _language == PSEUDO_LANGUAGE:
        return pseudo(singular if count == 1 else plural)
    return _translations.ngettext(singular, plural, count)


def language() -> str:
    """The language in use: a code such as "en", "de" or the pseudo-locale's."""
    return _language


def available_languages() -> list[str]:
    """The languages a therapist can choose: English and every one the host has a catalogue
    for (the pseudo-locale is for testing and is not offered)."""
    found = {SOURCE_LANGUAGE}
    folder = files(HOST_PACKAGE).joinpath("locale")
    if folder.is_dir():
        found.update(entry.name for entry in folder.iterdir() if entry.joinpath("LC_MESSAGES", f"{DOMAIN}.mo").is_file())
    return sorted(found)


def language_name(code: str) -> str:
    """The language's own name for itself ("Deutsch"), for a chooser."""
    if code == PSEUDO_LANGUAGE:
        return pseudo("English")
    from babel import Locale

    return Locale.parse(code).get_display_name(code).capitalize()


def system_language(environ: os._Environ | dict | None = None) -> str:
    """The first language the system asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) that
    the app speaks; English otherwise."""
    environ = os.environ if environ is None else environ
    speaks = set(available_languages()) | {PSEUDO_LANGUAGE}
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for wanted in (environ.get(variable) or "").split(":"):
            code = wanted.split(".")[0].split("@")[0]
            if code in ("", "C", "POSIX"):
                continue
            for candidate in (code, code.split("_")[0]):
                if candidate in speaks:
                    return candidate
    return SOURCE_LANGUAGE


def set_language(code: str | None) -> str:
    """Speak `code` from now on (None: the system's language); returns the language used.
    Screens built before keep their words: the app rebuilds them."""
    global _language
    chosen = system_language() if not code else normalised(code)
    _language = chosen
    _reload()
    return chosen


def normalised(code: str) -> str:
    """`code` if something speaks it (the host or an activity), else its base language
    ("de" for "de_AT"), else English."""
    code = code.replace("-", "_")
    if code in (PSEUDO_LANGUAGE, SOURCE_LANGUAGE):
        return code
    for candidate in (code, code.split("_")[0]):
        if any(_catalogue(package, candidate) is not None for package in _packages):
            return candidate
    return SOURCE_LANGUAGE


def add_catalogue(package: str) -> None:
    """Translate the words of `package` (an activity's) too, from its own `locale` folder."""
    if package not in _packages:
        _packages.append(package)
        _reload()


def _reload() -> None:
    global _translations
    chain: gettext.NullTranslations = gettext.NullTranslations()
    first: gettext.NullTranslations | None = None
    if _language not in (SOURCE_LANGUAGE, PSEUDO_LANGUAGE):
        for package in _packages:
            catalogue = _catalogue(package, _language)
            if catalogue is None:
                continue
            if first is None:
                first = catalogue
            else:
                first.add_fallback(catalogue)
    _translations = first or chain


def _catalogue(package: str, code: str) -> gettext.GNUTranslations | None:
    try:
        mo = files(package).joinpath("locale", code, "LC_MESSAGES", f"{DOMAIN}.mo")
        if not mo.is_file():
            return None
        with mo.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    except (ImportError, TypeError, OSError, ValueError):
        # A plugin that is one module, not a package, has no locale folder; a damaged
        # catalogue leaves its words in English rather than stopping the app.
        return None


# --- dates and numbers, in the language's own conventions ----------------------------------

def _babel_locale() -> str:
    return SOURCE_LANGUAGE if _language == PSEUDO_LANGUAGE else _language


def format_date(value: date | datetime, format: str = "medium") -> str:  # noqa: A002 (Babel's name)
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=format, locale=_babel_locale())


def format_datetime(value: datetime, format: str = "medium") -> str:  # noqa: A002
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format=format, locale=_babel_locale())


def format_time(value: time | datetime, format: str = "short") -> str:  # noqa: A002
    from babel.dates import format_time as babel_format_time

    return babel_format_time(value, format=format, locale=_babel_locale())


def format_number(value: float, decimals: int | None = None) -> str:
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=_babel_locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_babel_locale())


def format_percent(fraction: float) -> str:
    from babel.numbers import format_percent as babel_format_percent

    return babel_format_percent(fraction, locale=_babel_locale())


# --- the pseudo-locale ---------------------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧūṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŪṼẆẊẎẐ",
)
# What a translation must keep as it is: format fields, printf fields, Kivy markup.
_KEPT = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdf]|%[sdf]|\[/?[a-z]+(?:=[^\]]*)?\]")
_FILLER = " ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ·ẋẏẑ"


def pseudo(message: str) -> str:
    """`message` accented and about 40% longer, in brackets, its fields kept."""
    pieces, last = [], 0
    for field in _KEPT.finditer(message):
        pieces.append(message[last:field.start()].translate(_ACCENTED))
        pieces.append(field.group())
        last = field.end()
    pieces.append(message[last:].translate(_ACCENTED))
    longer = round(len(message) * 0.4)
    return "[" + "".join(pieces) + _FILLER[:longer] + "]"
