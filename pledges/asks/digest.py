"""The weekly digest's asks section (portal.digest): the new asks of the week that match a
reader's skills or their organizations' pledges, rendered for that reader only."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from hub.notifications import hub_context


def with_matching_asks(news: dict, asks: list) -> dict:
    """The digest's `news` (text, HTML) with a section of `asks` after it; as it was when
    there are none."""
    if not asks:
        return news
    context = {**hub_context(), "asks": asks}
    text = render_to_string("pledges/asks/email/digest_asks.txt", context)
    html = render_to_string("pledges/asks/email/digest_asks.html", context)
    return {
        **news,
        "news_text": news["news_text"] + text,
        "news_html": SafeString(news["news_html"] + html),
    }
