"""An Atom feed of the positions the hub published, newest first."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from chamber.queries import public_positions
from hub.feeds import MarkdownAtomFeed

FEED_SIZE = 50


class PositionsFeed(MarkdownAtomFeed):
    title = _("Positions of the hub")
    subtitle = _("What the region's open source organizations ask of cities, states and funders.")

    def link(self):
        return reverse("chamber:positions")

    def items(self):
        return list(public_positions().order_by("-published_at", "-pk")[:FEED_SIZE])

    def item_title(self, position):
        return position.title

    def item_pubdate(self, position):
        return position.published_at
