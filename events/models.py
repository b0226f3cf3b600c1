import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.models import Organization

# The longest answer to one of an organizer's own questions.
ANSWER_MAX_LENGTH = 500


# No look-alikes (0/O, 1/I/L): codes are read out and typed at the door.
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_ticket_code() -> str:
    """An unguessable ticket code (about 59 bits), easy to read out: XXXX-XXXX-XXXX."""
    groups = ("".join(secrets.choice(TICKET_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def normalize_ticket_code(text: str) -> str:
    """What someone typed at the door, as stored: upper case, hyphens, no spaces."""
    letters = "".join(ch for ch in text.upper() if ch in TICKET_ALPHABET)
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


class Event(models.Model):
    class Kind(models.TextChoices):
        SUMMIT = "summit", pgettext_lazy("event kind", "Summit")
        UNCONFERENCE = "unconference", pgettext_lazy("event kind", "Unconference")
        MEETUP = "meetup", pgettext_lazy("event kind", "Meetup")
        WORKSHOP = "workshop", pgettext_lazy("event kind", "Workshop")
        HACKATHON = "hackathon", pgettext_lazy("event kind", "Hackathon")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("event status", "Draft")
        # Submitted by an organization staff has not verified; staff publish or send it back.
        REVIEW = "review", pgettext_lazy("event status", "Waiting for review")
        PUBLISHED = "published", pgettext_lazy("event status", "Published")
        CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    summary = models.CharField(max_length=300, blank=True, help_text=_("One or two sentences."))
    description = models.TextField(blank=True, help_text=_("Markdown."))
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "IANA name, e.g. America/Toronto, in which the event's times are shown; "
            "empty means the hub's."
        ),
    )
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.CharField(max_length=300, blank=True)
    online_url = models.URLField(
        _("online link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Shown only to people who registered."),
    )
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Seats; leave empty for no limit."),
    )
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to confirm an offered seat"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(14 * 24)],
        help_text=_(
            "When a seat frees up, the next person on the waitlist has this long to "
            "confirm it before it goes to the one after. Empty: they get the seat at once."
        ),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organized_events"
    )
    ask_accessibility = models.BooleanField(_("ask about accessibility needs"), default=True)
    ask_dietary = models.BooleanField(_("ask about dietary requirements"), default=False)
    questions = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The organizer's own optional questions, as a list of short texts."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    proposals_open = models.BooleanField(
        default=False, help_text=_("Attendees may propose sessions and vote on them.")
    )
    schedule_published = models.BooleanField(
        default=False, help_text=_("The session grid is public.")
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def has_started(self) -> bool:
        return timezone.now() >= self.starts_at

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue_name

    @property
    def has_program(self) -> bool:
        """Unconferences and summits have a board of session proposals and a grid."""
        return self.kind in PROGRAM_KINDS


PROGRAM_KINDS = (Event.Kind.UNCONFERENCE, Event.Kind.SUMMIT)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def holding_seats(self):
        return self.filter(status__in=Registration.SEAT_HOLDING)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
        WAITLISTED = "waitlisted", pgettext_lazy("registration status", "On the waitlist")
        # Promoted from the waitlist and holding the seat until offer_expires_at.
        OFFERED = "offered", pgettext_lazy("registration status", "Seat offered")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
        CHECKED_IN = "checked_in", pgettext_lazy("registration status", "Checked in")

    SEAT_HOLDING = (Status.CONFIRMED, Status.CHECKED_IN, Status.OFFERED)
    # A ticket (QR code, online link, the day-before reminder) comes with a confirmed seat:
    # an offered seat is held for the person but is not theirs until they confirm it.
    TICKET_HOLDING = (Status.CONFIRMED, Status.CHECKED_IN)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    ticket_code = models.CharField(max_length=32, unique=True, default=new_ticket_code)
    accessibility_needs = models.CharField(max_length=500, blank=True)
    dietary_requirements = models.CharField(max_length=300, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="position_only_on_the_waitlist",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.user} at {self.event} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_HOLDING

    @property
    def has_ticket(self) -> bool:
        return self.status in self.TICKET_HOLDING


# --- The programme: proposals, votes, rooms, slots and the grid -----------------------------


class SessionProposalQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees: neither hidden nor merged into another proposal."""
        return self.filter(status__in=SessionProposal.VISIBLE)


class SessionProposal(models.Model):
    class Format(models.TextChoices):
        TALK = "talk", pgettext_lazy("session format", "Talk")
        DISCUSSION = "discussion", pgettext_lazy("session format", "Discussion")
        WORKSHOP = "workshop", pgettext_lazy("session format", "Workshop")
        BOF = "bof", pgettext_lazy("session format", "Birds of a feather")

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("proposal status", "Proposed")
        ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
        HIDDEN = "hidden", pgettext_lazy("proposal status", "Hidden")
        MERGED = "merged", pgettext_lazy("proposal status", "Merged")

    VISIBLE = (Status.PROPOSED, Status.ACCEPTED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000, help_text=_("Markdown."))
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.DISCUSSION)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=45,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_proposals"
    )
    co_hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_hosted_proposals"
    )
    tags = models.CharField(max_length=200, blank=True, help_text=_("Comma-separated topics."))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="merged_into_only_when_merged",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:session", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def is_visible(self) -> bool:
        return self.status in self.VISIBLE

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class ProposalMark(models.Model):
    """One person's mark on a proposal: at most one of each kind per person."""

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(fields=["user", "proposal"], name="one_%(class)s_per_person"),
        ]


class Vote(ProposalMark):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_votes"
    )
    proposal = models.ForeignKey(SessionProposal, on_delete=models.CASCADE, related_name="votes")

    def __str__(self):
        return f"{self.user} for {self.proposal}"


class Star(ProposalMark):
    """A session someone wants to attend: their personal schedule, and who to tell of changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_stars"
    )
    proposal = models.ForeignKey(SessionProposal, on_delete=models.CASCADE, related_name="stars")

    def __str__(self):
        return f"{self.user} starred {self.proposal}"


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text=_("Seats, if known.")
    )
    accessibility_notes = models.CharField(
        max_length=300, blank=True, help_text=_("Step-free access, hearing loop, quiet room…")
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="room_names_unique_per_event"),
        ]

    def __str__(self):
        return self.name


class TimeSlot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self):
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%a %-I:%M %p}–{end:%-I:%M %p}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class ScheduledSession(models.Model):
    proposal = models.OneToOneField(
        SessionProposal, on_delete=models.CASCADE, related_name="scheduled"
    )
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="sessions")
    slot = models.ForeignKey(TimeSlot, on_delete=models.PROTECT, related_name="sessions")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "room__name"]
        constraints = [
            models.UniqueConstraint(fields=["room", "slot"], name="one_session_per_room_and_slot"),
        ]

    def __str__(self):
        return f"{self.proposal} in {self.room}, {self.slot}"


class ScheduleChange(models.Model):
    """A session that moved or left the published grid; people who starred it are told once."""

    class Kind(models.TextChoices):
        MOVED = "moved", pgettext_lazy("schedule change", "Moved")
        REMOVED = "removed", pgettext_lazy("schedule change", "Removed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_changes")
    proposal = models.ForeignKey(
        SessionProposal, on_delete=models.CASCADE, related_name="schedule_changes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    before = models.CharField(max_length=300, help_text=_("Room and time before the change."))
    after = models.CharField(max_length=300, blank=True, help_text=_("Room and time after it."))
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.proposal}: {self.get_kind_display().lower()}"


class CalendarFeed(models.Model):
    """A person's secret calendar address: their registrations and starred sessions, for a
    calendar app that cannot sign in. Revoking replaces the token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Calendar feed of {self.user}"
