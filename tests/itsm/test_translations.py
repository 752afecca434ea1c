"""The Chinese catalogue stays whole, and no translation can break the string it replaces."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")


def _catalogues():
    base = Path(settings.BASE_DIR)
    return sorted(base.glob("locale/*/LC_MESSAGES/*.po")) + sorted(
        base.glob("*/locale/*/LC_MESSAGES/*.po")
    )


@pytest.fixture(params=_catalogues(), ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def catalogue(request):
    return polib.pofile(str(request.param))


def test_every_string_is_translated_and_none_is_fuzzy(catalogue):
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert missing == [] and fuzzy == []


def test_translations_keep_the_placeholders_of_their_source(catalogue):
    """A msgstr that drops or renames a %(name)s raises KeyError when the page renders."""
    broken = []
    for entry in catalogue.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        broken += [entry.msgid for text in forms if sorted(PLACEHOLDER.findall(text)) != expected]
    assert broken == []


def test_one_catalogue_per_language():
    """App catalogues are merged into locale/: makemessages keeps one file to review."""
    stray = [
        str(p) for p in _catalogues() if not str(p).startswith(str(settings.BASE_DIR / "locale"))
    ]
    assert stray == []
