"""Authoring the message catalogues: every message of the code, and the translations of it.

``nox -s catalogue`` calls ``update`` after the code's messages change: new messages join
each language's catalogue untranslated, messages the code no longer has leave it. A
translator then fills the empty ``msgstr`` lines; tests/test_i18n.py fails while any is
empty or has other ``{fields}`` than its English message.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from graders.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent
#: The functions that mark a message (graders.i18n), and which arguments are the message.
KEYWORDS = {"_": None, "N_": None, "lazy": (1,), "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every message the code of graders/ marks, with where it is (for the tests' messages)."""
    template = Catalog(domain=DOMAIN, project="c1-graders", fuzzy=False)
    for path, line, message, comments, _context in extract_from_dir(
        PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        template.add(message, locations=[(path, line)], auto_comments=comments)
    return template


def catalogue_path(language: str) -> Path:
    """Where the catalogue of language is kept."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    """The catalogue of language as it is on disk (empty if there is none yet)."""
    path = catalogue_path(language)
    if not path.is_file():
        catalogue = Catalog(
            locale=language, domain=DOMAIN, project="c1-graders", version="0.1.0",
            copyright_holder="the course's authors", msgid_bugs_address="", fuzzy=False,
            header_comment=f"# The messages of the graders package, in {language}.\n"
            "# Kept up to date by `nox -s catalogue`; tests/test_i18n.py checks it.",
        )
        catalogue.language_team = catalogue.last_translator = "the course's authors"
        return catalogue
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def write(catalogue: Catalog, language: str) -> Path:
    """Write catalogue as language's .po file: sorted, without source locations (so that
    moving code does not change it) and without obsolete entries."""
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalogue, width=100, no_location=True, sort_output=True,
                 ignore_obsolete=True)
    return path


def update() -> list[Path]:
    """Bring every translated language's catalogue up to date with the code's messages."""
    template = extract()
    written = []
    for language in LANGUAGES:
        if language == "en":  # the code's own language
            continue
        catalogue = read(language)
        template.creation_date = catalogue.creation_date  # no new header for the same code
        catalogue.update(template, no_fuzzy_matching=True)
        written.append(write(catalogue, language))
    return written
