"""Read side of events: what the public sees, and what a visitor may do on an event page."""

import copy
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.models import Organization
from directory.queries import public_organizations, public_organizations_q
from events.models import Event, Registration, SessionProposal
from events.permissions import public_organizer, user_can_organize, user_can_view_event
from events.services import registration_closed_reason

MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")
# The calendar feed keeps recent events so that calendars which subscribed still show them.
FEED_KEEPS_PAST_DAYS = 90

# --- Who sees what: the one statement of the events' and proposals' visibility rules --------
#
# The public sees an event once it is published (and still after it is cancelled, which it
# then says), never a draft nor one waiting for staff's review. Once published, an event of
# an organization the public does not see (pending, rejected, archived) stays public, and its
# attendees' tickets keep working, but no public surface names that organization
# (`public_organizer`). The public sees a proposal that is on the board (proposed or
# accepted; never hidden, nor merged into another) of an event it sees. Every public surface
# (pages, sessions, schedules, iCal, the API, the digest) reads these functions;
# `events.permissions` checks one object against the same rule.
PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)
PUBLIC_PROPOSAL_STATUSES = SessionProposal.VISIBLE


def public_events_q(prefix: str = "") -> Q:
    """The events the public sees, as a condition; `prefix` reaches them through a relation
    ("event__" on a proposal or a registration)."""
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES})


def public_events() -> QuerySet:
    """Published and cancelled events; never drafts."""
    return Event.objects.filter(public_events_q())


def public_proposals_q(prefix: str = "") -> Q:
    """The proposals the public sees, as a condition: on the board of a public event."""
    return Q(**{f"{prefix}status__in": PUBLIC_PROPOSAL_STATUSES}) & public_events_q(
        f"{prefix}event__"
    )


def board_proposals(event: Event) -> QuerySet:
    """The proposals on the board of `event`, an event the visitor may see
    (`event_for_visitor`): proposed and accepted ones, never hidden or merged ones. For a
    public event these are its `board_proposals`; an organizer previewing a draft sees
    what the public will."""
    return SessionProposal.objects.filter(event=event, status__in=PUBLIC_PROPOSAL_STATUSES)


def proposals_visible_to(user, event: Event, *, can_organize: bool | None = None) -> QuerySet:
    """The proposals of `event` that `user` may open: every one (hidden and merged too) for
    its organizers, the public's for everyone else: the same rule as
    `permissions.proposal_is_public`. Pass `can_organize` when it is known already."""
    if can_organize is None:
        can_organize = user_can_organize(user=user, event=event)
    if can_organize:
        return SessionProposal.objects.filter(event=event)
    return SessionProposal.objects.filter(public_proposals_q(), event=event)


def seats_taken_subquery():
    """Seats held for the outer event: a correlated subquery, so the database counts the
    registrations of the rows it returns (one page), not of every event before paginating."""
    taken = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=Registration.SEAT_HOLDING)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


def with_seats_taken(queryset: QuerySet) -> QuerySet:
    """Annotate `seats_taken` in the same query, so a list costs one query however long."""
    return queryset.annotate(seats_taken=seats_taken_subquery())


def parse_month(value: str | None) -> tuple[datetime, datetime] | None:
    """`2026-12` → the first instant of that month and of the next, in the hub's time zone."""
    match = MONTH.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 1900 <= year <= 9998):
        return None
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start, end


@dataclass(frozen=True)
class EventListQuery:
    """The filters of /events/ in use, as the page shows them (`filters.EventFilter.wanted`)."""

    when: str = "upcoming"
    kind: str = ""
    month: str = ""
    organization: str = ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.month or self.organization)


def event_list(filters) -> QuerySet:
    """The events an `EventFilter` finds, with their organization and seats taken."""
    return with_seats_taken(filters.qs.select_related("organization"))


def event_facets(filters) -> dict:
    """What each filter can narrow to, with counts: three queries whatever the number of events.

    Each facet counts with the other filters applied, so every link leads to a non-empty page.
    """
    kind_labels = dict(Event.Kind.choices)
    kinds = filters.without("kind").values_list("kind").annotate(n=Count("pk")).order_by("kind")
    months = (
        filters.without("month")
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by("-month" if filters.wanted.when == "past" else "month")
    )
    organizations = (
        filters.without("organization")
        .filter(public_organizations_q("organization__"))
        .values_list("organization__slug", "organization__name")
        .annotate(n=Count("pk"))
        .order_by("organization__name")
    )
    return {
        "kind": [(value, kind_labels.get(value, value), n) for value, n in kinds],
        "month": [
            (
                f"{timezone.localtime(month):%Y-%m}",
                date_format(timezone.localtime(month), "YEAR_MONTH_FORMAT"),
                n,
            )
            for month, n in months
            if month is not None
        ],
        "organization": list(organizations),
    }


def organization_named(slug: str) -> Organization | None:
    """A published organization by slug (the name of a filter), never an unpublished one."""
    if not slug:
        return None
    return public_organizations().filter(slug=slug).only("name", "slug").first()


def event_for_visitor(slug: str, user) -> Event | None:
    """The event if the visitor may see it (`user_can_view_event`): public ones for all,
    drafts and events of unpublished organizations for their organizers."""
    event = (
        Event.objects.select_related("organization")
        .prefetch_related(Prefetch("organizers", to_attr="organizer_list"))
        .filter(slug=slug)
        .first()
    )
    if event is None:
        return None
    return event if user_can_view_event(user=user, event=event) else None


def without_hidden_organizers(events) -> list[Event]:
    """`events` (loaded with their organization) as the public may see them: an organizing
    organization the public does not see is left out (`permissions.public_organizer`), so no
    template, feed or list names it. Those events are copies, for display only."""
    shown = []
    for event in events:
        if event.organization_id is not None and public_organizer(event) is None:
            event = copy.copy(event)
            event.organization = None
        shown.append(event)
    return shown


def public_event(slug: str) -> Event | None:
    return public_events().select_related("organization").filter(slug=slug).first()


def upcoming_events_of(organization: Organization, *, limit: int = 5) -> list:
    """The organization's published events that have not ended yet, soonest first (a
    cancelled one is public, on its own page, but no longer upcoming)."""
    return list(
        public_events()
        .filter(
            organization=organization, status=Event.Status.PUBLISHED, ends_at__gte=timezone.now()
        )
        .order_by("starts_at")[:limit]
    )


def registration_of(user, event: Event) -> Registration | None:
    """The person's active registration for the event, if any."""
    if not user.is_authenticated:
        return None
    return event.registrations.active().filter(user=user).first()


def waitlist_length(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.WAITLISTED).count()


def registrations_of(user) -> dict[str, list[Registration]]:
    """A person's active registrations: upcoming (soonest first) and past (latest first)."""
    now = timezone.now()
    registrations = (
        Registration.objects.active()
        .filter(user=user)
        .select_related("event", "event__organization")
    )
    return {
        "upcoming": list(
            registrations.filter(event__ends_at__gte=now).order_by("event__starts_at")
        ),
        "past": list(
            registrations.filter(event__ends_at__lt=now).order_by("-event__starts_at")[:20]
        ),
    }


def calendar_feed_events(*, now=None) -> QuerySet:
    """Published and cancelled events that have not ended, or ended recently."""
    now = now or timezone.now()
    return (
        public_events()
        .filter(ends_at__gte=now - timedelta(days=FEED_KEEPS_PAST_DAYS))
        .select_related("organization")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class SeatsInfo:
    capacity: int | None
    taken: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.taken >= self.capacity


def seats_label(event: Event, seats: SeatsInfo, *, now=None) -> str:
    """A short line about seats for lists: seats left, "Waitlist open", "Full" or "No limit"."""
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return ""
    if seats.capacity is None:
        return _("No limit")
    if not seats.is_full:
        return ngettext("%(n)s seat left", "%(n)s seats left", seats.left) % {"n": seats.left}
    if now < event.starts_at and registration_closed_reason(event, now=now) is None:
        return _("Waitlist open")
    return _("Full")


@dataclass(frozen=True)
class Action:
    """What the visitor can do on an event page.

    `state` is one of: cancelled, registered, waitlisted, checked_in, preview, started,
    opens_later, closed, sign_in, register, waitlist.
    """

    state: str
    message: str = ""
    can_cancel: bool = False

    @property
    def form_shown(self) -> bool:
        return self.state in ("register", "waitlist")


def visitor_action(
    *, event: Event, user, registration: Registration | None, seats: SeatsInfo, now=None
) -> Action:
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        return Action("cancelled", _("This event was cancelled."))
    if registration is not None:
        can_cancel = not event.has_started and registration.status in (
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
        )
        return Action(registration.status, can_cancel=can_cancel)
    if event.status == Event.Status.REVIEW:
        return Action(
            "preview",
            _("This event waits for the hub's review: registration opens once it is published."),
        )
    if event.status != Event.Status.PUBLISHED:
        return Action(
            "preview", _("This event is a draft: registration opens once it is published.")
        )
    if now >= event.starts_at:
        return Action("started", _("This event has already started; registration is closed."))
    reason = registration_closed_reason(event, now=now)
    if reason:
        state = (
            "opens_later"
            if event.registration_opens_at and now < event.registration_opens_at
            else "closed"
        )
        return Action(state, reason)
    if not user.is_authenticated:
        return Action("sign_in", _("Sold out: the waitlist is open.") if seats.is_full else "")
    if seats.is_full:
        return Action("waitlist", _("Sold out: join the waitlist and you get the next free seat."))
    return Action("register")


def unpublished_events_of(organization: Organization, *, limit: int = 10) -> list:
    """The organization's drafts and events waiting for review, for its managers (never the
    public), soonest first."""
    return list(
        Event.objects.filter(
            organization=organization, status__in=[Event.Status.DRAFT, Event.Status.REVIEW]
        ).order_by("starts_at", "pk")[:limit]
    )
