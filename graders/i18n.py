"""The language of every learner-facing message: English or Spanish, from a gettext catalogue.

Messages are written in English in the code and wrapped in ``_()`` (translated now),
``lazy()`` (translated when shown, for texts built at import time such as check names) or
``N_()`` (a constant, translated with ``translate()`` where it is shown). The
Spanish catalogue is ``graders/locale/es/LC_MESSAGES/graders.po``; it is read with Babel (a
maintained library that Colab's runtime ships too) and served through the standard
library's gettext. ``nox -s catalogue`` extracts the messages from the code and updates the
catalogue; a test fails when a message has no translation.

The language is chosen on every call, so a learner may switch in a running notebook:

1. ``GRADERS_LANG``: ``en`` or ``es`` (``qps``, a pseudo-language for developers, shows
   every message wrapped in ``⟦ ⟧``, so text that bypasses the catalogue stands out);
2. else the locale: ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (``es_*`` -> Spanish);
3. else English.

Placeholders are ``str.format`` fields (``{want}``), filled after translation.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

#: Where the catalogues live: LOCALE_DIR/<language>/LC_MESSAGES/graders.po.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "graders"
#: The languages messages exist in; English is the code's own.
LANGUAGES = ("en", "es")
#: The developers' pseudo-language (see the module docstring) and its marks.
PSEUDO = "qps"
OPEN, CLOSE = "\u27e6", "\u27e7"


def language() -> str:
    """The language messages are shown in now (see the module docstring)."""
    chosen = os.environ.get("GRADERS_LANG", "").strip().lower()
    if chosen in LANGUAGES or chosen == PSEUDO:
        return chosen
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if not value:
            continue
        for part in value.split(":"):  # LANGUAGE may list several, in order
            code = part.split("_")[0].split(".")[0].split("@")[0].lower()
            if code in LANGUAGES:
                return code
        break  # the first variable that is set decides, as in gettext
    return "en"


class _Pseudo(gettext.NullTranslations):
    """Every message wrapped in ⟦ ⟧: what has not gone through the catalogue shows bare."""

    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of one language (English: none), read once per process."""
    if lang == PSEUDO:
        return _Pseudo()
    catalogue = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == "en" or not catalogue.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue.open("rb") as po:
        compiled = BytesIO()
        write_mo(compiled, read_po(po, locale=lang, domain=DOMAIN))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _(message: str) -> str:
    """message (a string literal, so that the catalogue finds it) in the current language."""
    return translations(language()).gettext(message)


def translate(message: str) -> str:
    """A message marked elsewhere (with N_ or lazy) in the current language."""
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for n, in the current language."""
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark message for the catalogue without translating it (it is translated when shown)."""
    return message


class Text:
    """A message translated when it is shown: ``str(Text(...))`` is in the language of now.

    Fields are filled after translation; a field that is itself a Text is translated too.
    Two Texts are equal when their English forms are.
    """

    __slots__ = ("message", "fields")

    def __init__(self, message: str, **fields: Any) -> None:
        self.message = message
        self.fields = fields

    def __str__(self) -> str:
        values = {key: str(value) if isinstance(value, Text) else value
                  for key, value in self.fields.items()}
        message = translate(self.message)
        return message.format(**values) if values else message

    def english(self) -> str:
        """The message in English, whatever the current language."""
        values = {key: value.english() if isinstance(value, Text) else value
                  for key, value in self.fields.items()}
        return self.message.format(**values) if values else self.message

    def __repr__(self) -> str:
        return f"Text({self.english()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and self.english() == other.english()

    def __hash__(self) -> int:
        return hash(self.english())


def lazy(message: str, **fields: Any) -> Text:
    """message, translated (and its fields filled) each time it is shown."""
    return Text(message, **fields)


def text(value: str | Text) -> str:
    """value as shown now: a Text translated, a plain string as it is."""
    return str(value)
