"""{% listing_logo name logo size %}: a listing's logo, or its monogram when it has none.

`logo` is the listing's ImageField file, or the stored name of one (the leaderboards keep
names, not objects). Both render at a fixed size (no layout shift when the image arrives),
and images load lazily except on the listing's own page.
"""

from django.core.files.storage import default_storage
from django.template import Library
from django.utils.html import format_html
from django.utils.translation import gettext as _

from directory.logos import monogram

register = Library()

# Size name: CSS pixels (the stylesheet's .logo--<size> says the same).
SIZES = {"sm": 28, "md": 48, "lg": 96}
# The monogram is drawn on this grid and scaled to the size.
GRID = 48


def logo_url(logo) -> str:
    """The address of a stored logo, whether given as a file or as its stored name."""
    if not logo:
        return ""
    if isinstance(logo, str):
        return default_storage.url(logo)
    return logo.url


@register.simple_tag
def listing_logo(name: str, logo=None, size: str = "md"):
    pixels = SIZES.get(size, SIZES["md"])
    url = logo_url(logo)
    if url:
        return format_html(
            '<img class="logo logo--{}" src="{}" alt="{}" width="{}" height="{}"'
            ' loading="{}" decoding="async">',
            size,
            url,
            _("Logo of %(name)s") % {"name": name},
            pixels,
            pixels,
            "eager" if size == "lg" else "lazy",
        )
    mark = monogram(name)
    font_size = 20 if len(mark.initials) > 1 else 24
    return format_html(
        '<svg class="logo logo--{} logo--monogram" width="{}" height="{}" viewBox="0 0 {} {}"'
        ' aria-hidden="true" focusable="false">'
        '<rect width="{}" height="{}" rx="8" fill="{}"/>'
        '<text x="50%" y="50%" dy="0.35em" text-anchor="middle" fill="{}" font-size="{}"'
        ' font-weight="700">{}</text></svg>',
        size,
        pixels,
        pixels,
        GRID,
        GRID,
        GRID,
        GRID,
        mark.background,
        mark.text,
        font_size,
        mark.initials,
    )
