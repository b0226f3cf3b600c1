"""Markdown written by members, rendered to HTML that is safe to show to everyone."""

import re
import threading

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Anything Markdown might turn into markup or an entity: inline syntax, HTML, entities, a
# line that starts a block (heading, quote, list, definition, code, rule), a hard line
# break, a no-break space. Prose without any of it renders to itself, word for word.
MARKDOWN_SYNTAX = re.compile(
    r"[\\`*_\[\]<>&#|~{}\u00a0]|^\s*(?:[-+=:]|\d+[.)])|^(?: {4}|\t)| {2}$", re.MULTILINE
)
# A paragraph that is a heading: "# Title", or a line underlined with === or ---.
HEADING = re.compile(r"\A\s{0,3}#|^\s*(?:=+|-+)\s*\Z", re.MULTILINE)

# Building a Markdown converter (extensions, patterns) costs more than converting a short
# text; one per thread is reused, reset between texts.
_converters = threading.local()


def _converter() -> markdown.Markdown:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        _converters.markdown = converter
    return converter.reset()


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML with raw HTML, scripts and `javascript:` links removed.

    Headings start at h3: the page already has its h1 and h2.
    """
    html = _converter().convert(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


def markdown_excerpt(text: str, words: int) -> SafeString:
    """The lead of the text, as plain text of at most `words` words (for cards and meta
    descriptions): its first paragraph with words, headings skipped.

    A list or a second paragraph run into the first one reads as one garbled sentence; and
    only the lead is rendered, so a long description costs no more than a short one.
    """
    lead = ""
    for paragraph in PARAGRAPH_BREAK.split(text or ""):
        if HEADING.search(paragraph):
            continue
        lead = paragraph
        if MARKDOWN_SYNTAX.search(lead):
            # Sanitised HTML without its tags: text whose entities stay escaped, as
            # `striptags` keeps them.
            lead = strip_tags(render_markdown(lead))
        if lead.strip():
            break
    excerpt = Truncator(lead).words(words, truncate=" …")
    # No tag and no bare & or < is left; quotes are escaped too, as the excerpt also goes
    # into attributes (<meta name="description" content="...">).
    return mark_safe(excerpt.replace('"', "&quot;").replace("'", "&#x27;"))  # noqa: S308 - tags gone, quotes escaped
