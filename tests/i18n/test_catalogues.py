"""Each translation catalogue (locale/<language>/) is complete, compiled, and holds exactly the
texts the code and the templates mark for translation: a text added without `make messages`,
left untranslated or fuzzy, or a .mo not rebuilt fails here."""

import os
import shutil
import subprocess
import sys

import polib
import pytest
from django.conf import settings

from tests.conftest import REPO_ROOT, require_service

LOCALE = REPO_ROOT / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
SOURCES = ["hub", "directory", "events", "pledges", "chamber", "portal", "templates", "manage.py"]


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid)


def texts(entries) -> dict:
    return {key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in entries}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_the_catalogue(code):
    po = catalogue(code)
    mo = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / "django.mo"))
    compiled = {k: v for k, v in texts(mo).items() if k != (None, "")}  # the header
    assert compiled == texts(po.translated_entries()), "run `make messages`"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_holds_every_text_the_code_marks_and_no_other(code, tmp_path):
    if not shutil.which("xgettext") or not shutil.which("msgmerge"):
        require_service("needs GNU gettext (xgettext, msgmerge) to collect the texts")
    copy = tmp_path / "hub"
    for name in SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(exist_ok=True)
            shutil.copy(source, copy / name)
    shutil.copytree(LOCALE, copy / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", code, "--no-location"],
        cwd=copy,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite://:memory:"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    collected = polib.pofile(str(copy / "locale" / code / "LC_MESSAGES" / "django.po"))
    marked = {key(e) for e in collected if not e.obsolete}
    kept = {key(e) for e in catalogue(code) if not e.obsolete}
    assert sorted(marked - kept, key=str) == [], "texts not in the catalogue: run `make messages`"
    assert sorted(kept - marked, key=str) == [], "texts the code no longer has: `make messages`"
