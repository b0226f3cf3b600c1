"""An Atom feed of the listings staff published most recently."""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import Organization, Project
from directory.queries import public_organizations, public_projects
from hub.feeds import MarkdownAtomFeed

FEED_SIZE = 50


def newest_published(limit: int = FEED_SIZE) -> list[Organization | Project]:
    """The `limit` most recently published organizations and projects, newest first."""
    newest_first = (F("published_at").desc(nulls_last=True), "-pk")
    organizations = public_organizations().prefetch_related("tags")
    projects = public_projects().prefetch_related("tags")
    listings = [
        *organizations.order_by(*newest_first)[:limit],
        *projects.order_by(*newest_first)[:limit],
    ]
    listings.sort(key=lambda listing: listing.published_at or listing.created_at, reverse=True)
    return listings[:limit]


class NewListingsFeed(MarkdownAtomFeed):
    title = gettext_lazy("New in the open source directory")
    subtitle = gettext_lazy(
        "Organizations and projects newly published in the region's open source directory."
    )
    markdown_field = "description"

    def link(self):
        return reverse("directory:index")

    def items(self):
        return newest_published()

    def item_title(self, listing):
        if isinstance(listing, Organization):
            return _("Organization: %(name)s") % {"name": listing.name}
        return _("Project: %(name)s") % {"name": listing.name}

    def item_pubdate(self, listing):
        return listing.published_at or listing.created_at

    def item_categories(self, listing):
        return [tag.name for tag in listing.tags.all()]
