"""No template shows English that the catalogue cannot translate: every user-visible text is
inside {% translate %} or {% blocktranslate %}, in text and in the attributes people read
(alt, title, placeholder, aria-label). Brand names and symbols are allowed.

Templates not converted yet are listed in NOT_YET_TRANSLATED; the list only shrinks: a listed
template that has become clean fails too, so the list stays true."""

import re

import pytest

from tests.conftest import REPO_ROOT

TEMPLATES = REPO_ROOT / "templates"
# Words that are the same in every language: names, formats, symbols.
ALLOWED = {
    "API",
    "CSV",
    "iCalendar",
    "GitHub",
    "GitLab",
    "Codeberg",
    "Markdown",
    "InnerSource",
    "OpenAPI",
    "JSON",
    "SVG",
    "RSS",
    "Atom",
    "URL",
    "FR",
    "EN",
}
NOT_YET_TRANSLATED = {
    "admin/action_confirmation.html",
    "admin/directory/merge_listings.html",
    "admin/events/cancel_events.html",
    "admin/includes/reason_field.html",
    "chamber/email/practice_published.txt",
    "chamber/email/practice_published_subject.txt",
    "chamber/email/practice_rejected.txt",
    "chamber/email/practice_rejected_subject.txt",
    "chamber/organization_section.html",
    "chamber/position_card.html",
    "chamber/position_detail.html",
    "chamber/position_index.html",
    "chamber/practice_card.html",
    "chamber/practice_detail.html",
    "chamber/practice_form.html",
    "chamber/practice_index.html",
    "chamber/practice_not_member.html",
    "directory/edit.html",
    "directory/email/claim_decided.txt",
    "directory/email/claim_received.txt",
    "directory/email/claim_waiting.txt",
    "directory/email/listing_published.txt",
    "directory/email/listing_rejected.txt",
    "directory/email/ownership_transferred.txt",
    "directory/email/repository_import_done.txt",
    "directory/import.html",
    "directory/index.html",
    "directory/members.html",
    "directory/organization_detail.html",
    "directory/partials/health_badge.html",
    "directory/partials/health_card.html",
    "directory/partials/listing_card.html",
    "directory/partials/pagination.html",
    "directory/partials/unpublished_notice.html",
    "directory/project_detail.html",
    "directory/submit.html",
    "directory/uses/manage.html",
    "directory/uses/organization_uses.html",
    "directory/uses/project_users.html",
    "directory/uses/use_item.html",
    "events/action.html",
    "events/authoring/_status_actions.html",
    "events/authoring/new.html",
    "events/cancel_form.html",
    "events/detail.html",
    "events/email/_when.txt",
    "events/email/cancelled.txt",
    "events/email/cancelled_subject.txt",
    "events/email/offer.txt",
    "events/email/offer_expired.txt",
    "events/email/offer_expired_subject.txt",
    "events/email/offer_subject.txt",
    "events/email/organizer_message.txt",
    "events/email/promoted.txt",
    "events/email/promoted_subject.txt",
    "events/email/review_approved.txt",
    "events/email/review_approved_subject.txt",
    "events/email/review_sent_back.txt",
    "events/email/review_sent_back_subject.txt",
    "events/email/schedule_changed.txt",
    "events/email/schedule_changed_subject.txt",
    "events/email/ticket.txt",
    "events/email/ticket_subject.txt",
    "events/event_card.html",
    "events/index.html",
    "events/manage/_board.html",
    "events/manage/_grid_part.html",
    "events/manage/_layout.html",
    "events/manage/_moderate.html",
    "events/manage/attendees.html",
    "events/manage/cancel.html",
    "events/manage/duplicate.html",
    "events/manage/edit.html",
    "events/manage/message.html",
    "events/manage/place.html",
    "events/manage/room.html",
    "events/manage/schedule.html",
    "events/manage/sessions.html",
    "events/manage/slot.html",
    "events/my_registrations.html",
    "events/offer.html",
    "events/offer_buttons.html",
    "events/organization_section.html",
    "events/program/_head.html",
    "events/program/_hosts.html",
    "events/program/_session_cell.html",
    "events/program/_vote.html",
    "events/program/my_schedule.html",
    "events/program/propose.html",
    "events/program/schedule.html",
    "events/program/schedule_pending.html",
    "events/program/session.html",
    "events/program/sessions.html",
    "events/ticket.html",
    "events/when.html",
    "hub/email/digest.html",
    "hub/email/digest.txt",
    "hub/email/digest_news.html",
    "hub/email/digest_news.txt",
    "hub/email/digest_subject.txt",
    "hub/me.html",
    "hub/partials/submission.html",
    "layouts/filtered_list.html",
    "layouts/page.html",
    "partials/active_filters.html",
    "partials/site_nav.html",
    "partials/site_nav_items.html",
    "pledges/asks/card.html",
    "pledges/asks/detail.html",
    "pledges/asks/email/ask_closed.html",
    "pledges/asks/email/ask_closed.txt",
    "pledges/asks/email/ask_closed_subject.txt",
    "pledges/asks/form.html",
    "pledges/asks/index.html",
    "pledges/asks/me_section.html",
    "pledges/asks/organization_section.html",
    "pledges/asks/progress.html",
    "pledges/asks/project_section.html",
    "pledges/contribution_form.html",
    "pledges/detail.html",
    "pledges/index.html",
    "pledges/partials/board_organizations.html",
    "pledges/partials/board_projects.html",
    "pledges/partials/chart.html",
    "pledges/partials/evidence.html",
    "pledges/partials/my_logs.html",
    "pledges/partials/organization_section.html",
    "pledges/partials/pledge_card.html",
    "pledges/partials/progress.html",
    "pledges/partials/review_queue.html",
    "pledges/pledge_form.html",
}

BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
# Blocks that hold markup names, not text (a CSS class for <main>).
NOT_TEXT_BLOCK = re.compile(r"{%\s*block main_class\s*%}.*?{%\s*endblock\s*%}", re.S)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
READ_ATTRIBUTE = re.compile(r'\b(alt|title|placeholder|aria-label)="([^"]*)"')
HTML_TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def english_in(source: str) -> list[str]:
    """Words a reader would see that no translation tag covers."""
    text = COMMENT.sub(" ", source)
    text = NOT_TEXT_BLOCK.sub(" ", text)
    text = BLOCK_TRANSLATE.sub(" ", text)
    text = SCRIPT_STYLE.sub(" ", text)
    text = TAG_OR_VARIABLE.sub(" ", text)
    attributes = " ".join(value for _name, value in READ_ATTRIBUTE.findall(text))
    text = HTML_TAG.sub(" ", text) + " " + attributes
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return [word for word in WORD.findall(text) if word not in ALLOWED]


def page_templates() -> list[str]:
    names = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            names.append(str(path.relative_to(TEMPLATES)))
    return names


@pytest.mark.parametrize("name", page_templates())
def test_a_template_shows_no_english_outside_translation_tags(name):
    english = english_in((TEMPLATES / name).read_text())
    if name in NOT_YET_TRANSLATED:
        assert english, f"{name} is clean: take it off NOT_YET_TRANSLATED"
    else:
        assert english == [], f"{name}: {' '.join(english[:20])}"


def test_the_checker_finds_english_in_text_and_in_attributes_people_read():
    assert english_in("<p>Sign in</p>") == ["Sign", "in"]
    assert english_in('<img alt="Our logo" src="x.png">') == ["Our", "logo"]
    assert english_in('<a href="/events/" class="button">{% translate "Events" %}</a>') == []
    assert english_in("{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}") == []
    assert english_in("{# a note #}<p>{{ event.title }} · API</p>") == []
    assert english_in("{% block main_class %}narrow{% endblock %}") == []
