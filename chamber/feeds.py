"""An Atom feed of the positions the hub published, newest first."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from chamber.queries import public_positions
from hub.markdown import render_markdown

FEED_SIZE = 50


class PositionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Positions of the hub"
    subtitle = "What the region's open source organizations ask of cities, states and funders."

    def link(self):
        return reverse("chamber:positions")

    def items(self):
        return list(public_positions().order_by("-published_at", "-pk")[:FEED_SIZE])

    def item_title(self, position):
        return position.title

    def item_description(self, position):
        # Rendered through the sanitiser, as every Markdown text of the hub.
        return render_markdown(position.text)

    def item_link(self, position):
        return position.get_absolute_url()

    def item_pubdate(self, position):
        return position.published_at

    def item_updateddate(self, position):
        return position.updated_at
