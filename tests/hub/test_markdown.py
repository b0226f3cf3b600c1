"""Members' Markdown: sanitised HTML, one reused converter, cheap plain excerpts."""

from django.template import Context, Template
from django.utils.html import strip_tags
from django.utils.text import Truncator

from hub.markdown import MARKDOWN_SYNTAX, markdown_excerpt, render_markdown


def test_raw_html_and_javascript_links_are_removed():
    html = render_markdown("<script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    assert "<script>" not in html
    assert "javascript:" not in html
    assert "<strong>bold</strong>" in html


def test_headings_start_at_h3():
    assert render_markdown("# Title\n\n## Part") == "<h3>Title</h3>\n<h3>Part</h3>"


def test_the_reused_converter_forgets_the_previous_text():
    # Footnotes ("extra") belong to one text: the next one does not inherit them.
    first = render_markdown("Note[^1]\n\n[^1]: Baltimore")
    assert "Baltimore" in first
    second = render_markdown("Another note[^1]")
    assert "Baltimore" not in second
    assert "[^1]" in second


def test_an_excerpt_is_the_lead_paragraph_as_text():
    text = "Civic **data** for Baltimore, " + "word " * 30 + "\n\n- Open source since 2007"
    excerpt = markdown_excerpt(text, 10)
    assert excerpt == "Civic data for Baltimore, word word word word word word …"
    assert markdown_excerpt(text, 50).endswith("word")  # the list is not run into it


def test_an_excerpt_skips_headings_and_empty_paragraphs():
    text = "# About us\n\nWhy we exist\n======\n\n---\n\nWe map Baltimore's *trees*.\n\nMore."
    assert markdown_excerpt(text, 30) == "We map Baltimore&#x27;s trees."


def test_a_list_as_the_lead_is_its_items_as_text():
    assert markdown_excerpt("- maps\n- budgets\n\nLater.", 30) == "maps budgets"


def test_a_short_text_is_not_cut():
    assert markdown_excerpt("Open *source* meetups.", 30) == "Open source meetups."


def test_an_excerpt_is_escaped_once_in_a_template():
    rendered = Template("{% load hub_tags %}{{ text|markdown_excerpt:5 }}").render(
        Context({"text": "Ann & Bob <script>x</script> write *code*"})
    )
    assert "Ann &amp; Bob" in rendered
    assert "&amp;amp;" not in rendered
    assert "<script>" not in rendered


def test_the_excerpt_of_one_paragraph_says_what_the_old_filter_chain_said():
    text = "A *great* [project](https://example.org) with `code` for all of Maryland."
    old = Template("{% load hub_tags %}{{ text|markdown|striptags|truncatewords:6 }}").render(
        Context({"text": text})
    )
    new = Template("{% load hub_tags %}{{ text|markdown_excerpt:6 }}").render(
        Context({"text": text})
    )
    assert new == old


PLAIN_TEXTS = [
    "Civic data for Baltimore, Maryland. It teaches newcomers; it publishes maps.",
    "Plain prose, with a line\nbroken inside it.",
    "Numbers like 2026 or 3.5 hours, and a URL: https://example.org/path?x=1.",
    "Ends in a question? And an exclamation! (Not a link.) Colon: here.",
]
MARKDOWN_TEXTS = [
    "- a list item\n- another",
    "1. first\n2. second",
    "Term\n: its definition",
    "A table | of\n--- | ---\ncells | here",
    "    indented code",
    "Line with a hard break  \nnext line",
    "Ann & Bob at 5 < 6",
    "Café\u00a0Baltimore",
    "A [link](https://example.org), `code`, *stress*, _under_, # not a heading",
    "> a quote",
    "+ plus list",
]


def test_plain_prose_and_markdown_give_the_same_excerpt():
    # Plain prose skips the converter; it must say exactly what rendering would say.
    assert not any(MARKDOWN_SYNTAX.search(text) for text in PLAIN_TEXTS)
    assert all(MARKDOWN_SYNTAX.search(text) for text in MARKDOWN_TEXTS)
    for text in PLAIN_TEXTS + MARKDOWN_TEXTS:
        for words in (3, 8, 40):
            rendered = strip_tags(render_markdown(text))
            expected = Truncator(rendered).words(words, truncate=" …").replace("'", "&#x27;")
            assert markdown_excerpt(text, words) == expected.replace('"', "&quot;"), text


def test_an_excerpt_cannot_leave_the_meta_description_attribute():
    text = 'He said "great" and it\'s true" http-equiv="refresh'
    rendered = Template(
        '{% load hub_tags %}<meta content="{{ text|markdown_excerpt:30 }}">'
    ).render(Context({"text": text}))
    assert rendered.count('"') == 2
    assert "&quot;great&quot;" in rendered
