from decimal import Decimal

from django import template
from django.template.defaulttags import querystring

from hub.markdown import markdown_excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@register.filter(name="markdown_excerpt")
def markdown_excerpt_filter(text: str, words: int = 30):
    return markdown_excerpt(text, int(words))


@register.filter
def hours(value) -> str:
    """Hours as people write them: 2.5, 10, 1,250.25 (no trailing zeros)."""
    if value in (None, ""):
        return "0"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{amount:,.2f}".rstrip("0").rstrip(".")


@register.filter
def hint_for(hints: dict, value) -> str:
    """A facet link's title from a page's {value: text} table ("" for a value without one)."""
    return hints.get(value, "")


@register.simple_tag(takes_context=True)
def facet_toggled(context, name: str, value, current) -> str:
    """`{% querystring %}` for one link of a facet: the filter `name` set to `value`, or
    cleared when `value` is the `current` one; back to the first page."""
    return querystring(context, **{name: None if value == current else value, "page": None})
