from django import template
from django.template.defaultfilters import urlencode
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def suggestion_links(names):
    """The names a search that found nothing suggests, each a link that searches it, joined
    by commas (one value, so a translated sentence can hold them all)."""
    return format_html_join(", ", '<a href="?q={}">{}</a>', ((urlencode(n), n) for n in names))


@register.simple_tag(takes_context=True)
def tag_toggled(context, slug):
    """The current query string with one tag added or removed (Django's `{% querystring %}`
    sets a parameter; it cannot toggle one value of a list)."""
    return querystring_with(context["request"].GET, toggle_tag=slug)


def querystring_with(get_params, **changes) -> str:
    """The current directory URL's query string with some parameters changed.

    A value of None removes the parameter; `toggle_tag` adds or removes one tag; any
    change of filter goes back to the first page.
    """
    params = get_params.copy()
    params.pop("page", None)
    for name, value in changes.items():
        if name == "page":
            params["page"] = str(value)
        elif name == "toggle_tag":
            tags = params.getlist("tag")
            params.setlist(
                "tag", [t for t in tags if t != value] if value in tags else [*tags, value]
            )
        elif value in (None, ""):
            params.pop(name, None)
        else:
            params[name] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def facet_filters(get_params, query, facets: dict, names) -> list[tuple[str, str]]:
    """(label, link that removes it) for each facet of `names` in use on a list page: the
    label its facet gives the value, or the value itself when the facet no longer offers it."""
    filters = []
    for name in names:
        value = getattr(query, name)
        if value:
            labels = {choice: label for choice, label, _count in facets[name]}
            filters.append((labels.get(value, value), querystring_with(get_params, **{name: None})))
    return filters


@register.simple_tag(takes_context=True)
def organization_section(context, section):
    """Render a section a higher app added to the organization page (`directory.sections`)
    with the page's context plus the section's own."""
    template_ = context.template.engine.get_template(section.template)
    with context.push(**section.context):
        return template_.render(context)
