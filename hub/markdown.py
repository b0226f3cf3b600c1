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
    """The first `words` words of the text as plain text (for cards and meta descriptions).

    Only the paragraphs the excerpt needs are rendered: a long description costs no more
    than a short one.
    """
    needed, wanted = [], 0
    for paragraph in PARAGRAPH_BREAK.split(text or ""):
        needed.append(paragraph)
        wanted += len(paragraph.split())
        if wanted > words:
            break
    # Sanitised HTML without its tags: text whose entities stay escaped, as `striptags` keeps
    # them.
    plain = strip_tags(render_markdown("\n\n".join(needed)))
    return mark_safe(Truncator(plain).words(words, truncate=" …"))  # noqa: S308
