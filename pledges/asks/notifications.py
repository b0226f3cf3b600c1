"""The e-mail that an ask closed, to its maintainers and the people who offered hours: each
of them once, whatever how often the job runs (hub.notifications keeps the ledger)."""

from django.core import mail

from hub.models import User
from hub.notifications import build_message, send_once
from pledges.asks.permissions import maintainers_of
from pledges.asks.queries import hours_given_by_organization, with_progress
from pledges.models import Ask, Offer

KIND = "ask_update"


def recipients_of_closing(ask: Ask) -> list[tuple[User, str]]:
    """(person, why they hear of it): the maintainers, then those with an active offer;
    not the person who closed it."""
    people = {}
    for person in maintainers_of(ask.project).order_by("pk"):
        people[person.pk] = (person, "maintainer")
    offers = ask.offers.filter(status=Offer.Status.ACTIVE, person__is_active=True)
    for offer in offers.select_related("person").order_by("pk"):
        people.setdefault(offer.person_id, (offer.person, "offered"))
    people.pop(ask.closed_by_id, None)
    return list(people.values())


def send_ask_closed(ask_id: int) -> int:
    """Tell everyone concerned that the ask closed, and why; returns how many were sent."""
    ask = with_progress(Ask.objects.filter(pk=ask_id)).first()
    if ask is None or ask.status == Ask.Status.OPEN:
        return 0
    # The ask's address is made in each recipient's language, by the template.
    context = {"ask": ask, "given_by": hours_given_by_organization(ask)}
    sent = 0
    with mail.get_connection() as connection:
        for person, role in recipients_of_closing(ask):
            sent += send_once(
                kind=KIND,
                user=person,
                key=f"ask-{ask.pk}-closed",
                build=lambda person=person, role=role: build_message(
                    kind=KIND,
                    user=person,
                    template="pledges/asks/email/ask_closed",
                    context={**context, "role": role},
                ),
                connection=connection,
            )
    return sent
