"""No template shows English that the catalogue cannot translate: every user-visible text is
inside {% translate %} or {% blocktranslate %}, in text and in the attributes people read
(alt, title, placeholder, aria-label). Brand names and symbols are allowed.

A template not converted yet would be listed in NOT_YET_TRANSLATED (empty now); the list only
shrinks: a listed template that has become clean fails too, so the list stays true."""

import re

import pytest

from tests.conftest import REPO_ROOT

TEMPLATES = REPO_ROOT / "templates"
# Words that are the same in every language: names, formats, symbols.
ALLOWED = {
    "API",
    "CSV",
    "iCalendar",
    "GitHub",
    "GitLab",
    "Codeberg",
    "Markdown",
    "InnerSource",
    "OpenAPI",
    "JSON",
    "SVG",
    "RSS",
    "Atom",
    "URL",
    "FR",
    "EN",
}
NOT_YET_TRANSLATED: set[str] = set()

BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
# Blocks that hold markup names, not text (CSS classes for <main>, for the admin's <body>).
NOT_TEXT_BLOCK = re.compile(r"{%\s*block (?:main_class|bodyclass)\s*%}.*?{%\s*endblock\s*%}", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
READ_ATTRIBUTE = re.compile(r'\b(alt|title|placeholder|aria-label)="([^"]*)"')
HTML_TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def english_in(source: str) -> list[str]:
    """Words a reader would see that no translation tag covers."""
    text = COMMENT.sub(" ", source)
    text = NOT_TEXT_BLOCK.sub(" ", text)
    text = BLOCK_TRANSLATE.sub(" ", text)
    text = SCRIPT_STYLE.sub(" ", text)
    text = TAG_OR_VARIABLE.sub(" ", text)
    attributes = " ".join(value for _name, value in READ_ATTRIBUTE.findall(text))
    text = HTML_TAG.sub(" ", text) + " " + attributes
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return [word for word in WORD.findall(text) if word not in ALLOWED]


def page_templates() -> list[str]:
    names = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            names.append(str(path.relative_to(TEMPLATES)))
    return names


@pytest.mark.parametrize("name", page_templates())
def test_a_template_shows_no_english_outside_translation_tags(name):
    english = english_in((TEMPLATES / name).read_text())
    if name in NOT_YET_TRANSLATED:
        assert english, f"{name} is clean: take it off NOT_YET_TRANSLATED"
    else:
        assert english == [], f"{name}: {' '.join(english[:20])}"


def test_the_checker_finds_english_in_text_and_in_attributes_people_read():
    assert english_in("<p>Sign in</p>") == ["Sign", "in"]
    assert english_in('<img alt="Our logo" src="x.png">') == ["Our", "logo"]
    assert english_in('<a href="/events/" class="button">{% translate "Events" %}</a>') == []
    assert english_in("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []
    assert english_in("{# a note #}<p>{{ event.title }} · API</p>") == []
    assert english_in("{% block main_class %}narrow{% endblock %}") == []
