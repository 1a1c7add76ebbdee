"""Every piece of interface text exists in German and English: the committed
catalogues hold every string the code and templates mark for translation
(makemessages would add nothing), each one translated (no empty msgstr, no
fuzzy entry, nothing obsolete), and the committed .mo files say what the .po
files say (compilemessages would change nothing a reader sees)."""

from __future__ import annotations

import gettext
import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from tests.services import unavailable

ROOT = Path(__file__).resolve().parents[1]
APPS = ["blog", "casestudies"]
LANGUAGES = ["de", "en"]
CATALOGUES = [(app, language) for app in APPS for language in LANGUAGES]


def po_path(base: Path, app: str, language: str) -> Path:
    return base / app / "locale" / language / "LC_MESSAGES" / "django.po"


def entry_key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def untranslated(catalogue: polib.POFile) -> list[str]:
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        strings = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if not all(s.strip() for s in strings) or not strings:
            missing.append(entry.msgid)
    return missing


def require_gettext_tools() -> None:
    for tool in ("xgettext", "msgmerge", "msgfmt"):
        if not shutil.which(tool):
            unavailable(f"{tool} is not installed (Debian package gettext)")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """makemessages run over a copy of each app, as a developer would run it
    inside the app's folder: the catalogues the code asks for today."""
    require_gettext_tools()
    base = tmp_path_factory.mktemp("makemessages")
    for app in APPS:
        shutil.copytree(ROOT / app, base / app, ignore=shutil.ignore_patterns("__pycache__"))
        in_folder(base / app, "makemessages", locale=LANGUAGES, verbosity=0)
    return base


def in_folder(folder: Path, command: str, **options) -> None:
    """Run a gettext command of Django's inside `folder` alone: both commands
    work on the current folder and LOCALE_PATHS, which names the real ones."""
    from django.test import override_settings

    cwd = Path.cwd()
    try:
        os.chdir(folder)
        with override_settings(LOCALE_PATHS=[]):
            call_command(command, **options)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_every_string_in_the_catalogue_is_translated(app, language):
    catalogue = polib.pofile(str(po_path(ROOT, app, language)))
    assert untranslated(catalogue) == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_catalogue_holds_every_string_the_code_marks(regenerated, app, language):
    committed = polib.pofile(str(po_path(ROOT, app, language)))
    current = polib.pofile(str(po_path(regenerated, app, language)))
    live = {entry_key(e) for e in current if not e.obsolete}
    known = {entry_key(e) for e in committed if not e.obsolete}
    assert sorted(live - known) == [], "strings missing from the catalogue: run makemessages"
    assert sorted(known - live) == [], "strings no longer used: run makemessages"
    # msgmerge marks a new string it guessed from an old one as fuzzy.
    assert untranslated(current) == [] and not current.fuzzy_entries()


def _catalogue_of_mo(path: Path) -> dict:
    with path.open("rb") as handle:
        catalogue = dict(gettext.GNUTranslations(handle)._catalog)
    catalogue.pop("", None)  # the header: dates and tool versions
    return catalogue


@pytest.mark.parametrize(("app", "language"), CATALOGUES)
def test_the_compiled_catalogue_is_up_to_date(tmp_path, app, language):
    """compilemessages on a copy of the locale folder gives the same messages
    as the committed .mo. (Compared as catalogues, not bytes: another gettext
    version lays out the same messages differently.)"""
    require_gettext_tools()
    copy = tmp_path / app / "locale"
    shutil.copytree(ROOT / app / "locale", copy)
    (copy / language / "LC_MESSAGES" / "django.mo").unlink()
    in_folder(tmp_path / app, "compilemessages", locale=[language], verbosity=0)
    fresh = _catalogue_of_mo(copy / language / "LC_MESSAGES" / "django.mo")
    committed = _catalogue_of_mo(ROOT / app / "locale" / language / "LC_MESSAGES" / "django.mo")
    assert fresh == committed
    assert fresh, "an empty catalogue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_apps_agree_on_strings_they_share(language):
    """Django merges the catalogues and the first in LOCALE_PATHS wins: a
    string both apps translate differently shows only one of them, silently.
    Where the meanings differ, a context (pgettext) keeps them apart."""
    catalogues = [polib.pofile(str(po_path(ROOT, app, language))) for app in APPS]
    translations = [
        {
            (e.msgctxt or "", e.msgid): e.msgstr or str(sorted(e.msgstr_plural.items()))
            for e in c
            if not e.obsolete
        }
        for c in catalogues
    ]
    first, second = translations
    disagreements = {
        key: (first[key], second[key]) for key in first.keys() & second.keys() if first[key] != second[key]
    }
    assert disagreements == {}
