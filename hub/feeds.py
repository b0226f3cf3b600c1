"""The shape every Atom feed of the hub shares: an item's Markdown text reaches feed readers
only through the sanitiser, and its updated date is its last change."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from hub.markdown import render_markdown


class MarkdownAtomFeed(Feed):
    """Items link to their own page (`get_absolute_url`, Feed's default); `markdown_field`
    names the text Atom carries as HTML, so a member's raw HTML never reaches a reader."""

    feed_type = Atom1Feed
    markdown_field = "text"

    def item_description(self, item):
        return render_markdown(getattr(item, self.markdown_field))

    def item_updateddate(self, item):
        return item.updated_at
