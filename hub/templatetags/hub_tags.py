from decimal import Decimal

from django import template
from django.template.defaulttags import querystring
from django.utils.formats import number_format

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
    """Hours as people of the page's language write them, without trailing zeros:
    2.5, 10, 1,250.25 in English; 2,5, 10, 1 250,25 in French."""
    if value in (None, ""):
        return "0"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    places = next(p for p in (0, 1, 2) if amount == amount.quantize(Decimal(1).scaleb(-p)))
    return number_format(amount, decimal_pos=places, force_grouping=True)


@register.filter
def plural_count(value) -> int:
    """A number of hours as {% blocktranslate count %} needs it (a whole number): the
    amount itself when whole, else 2, so 1.5 hours takes the plural form."""
    amount = Decimal(str(value or 0))
    return int(amount) if amount == amount.to_integral_value() else 2


@register.filter
def hint_for(hints: dict, value) -> str:
    """A facet link's title from a page's {value: text} table ("" for a value without one)."""
    return hints.get(value, "")


@register.simple_tag(takes_context=True)
def facet_toggled(context, name: str, value, current) -> str:
    """`{% querystring %}` for one link of a facet: the filter `name` set to `value`, or
    cleared when `value` is the `current` one; back to the first page."""
    return querystring(context, **{name: None if value == current else value, "page": None})
