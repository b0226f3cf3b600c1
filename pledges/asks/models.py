"""The asks' rows, of the pledges app (imported by `pledges.models`)."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Project, Tag

QUARTER_HOUR = Decimal("0.25")


@dataclass(frozen=True)
class AskProgress:
    """Approved hours given against the hours an ask wants: the one way every surface reads
    an ask's progress (pending hours never count)."""

    approved: Decimal
    wanted: Decimal

    @property
    def percent(self) -> int:
        return int(self.approved / self.wanted * 100) if self.wanted else 0

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)

    @property
    def is_met(self) -> bool:
        return self.approved >= self.wanted


def _quarter_hours(value: Decimal) -> None:
    # Imported late: pledges.models imports this module first.
    from pledges.models import validate_quarter_hours

    validate_quarter_hours(value)


class Ask(models.Model):
    """A project's maintainers ask for help: what, which skills, how many hours, by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        EXPIRED = "expired", _("Past its date")
        CLOSED = "closed", _("Closed by its maintainers")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="asks")
    title = models.CharField(max_length=160)
    text = models.TextField(_("what help"), max_length=10_000, help_text=_("Markdown."))
    skills = models.ManyToManyField(
        Tag, blank=True, related_name="asks", help_text=_("The skills that help most.")
    )
    hours_wanted = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("1")),
            MaxValueValidator(Decimal("10000")),
            _quarter_hours,
        ],
        help_text=_("Hours of work the project asks for, in quarter hours."),
    )
    needed_by = models.DateField(_("by when"))
    how_to_start = models.TextField(
        _("how to start"),
        max_length=2000,
        blank=True,
        help_text=_("Markdown: a first issue, a call to join, whom to ask."),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "pledges"
        ordering = ["needed_by", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_wanted__gt=0), name="ask_wants_hours"),
        ]
        indexes = [
            models.Index(
                fields=["needed_by", "id"], condition=Q(status="open"), name="ask_open_by_date"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("asks:detail", kwargs={"pk": self.pk})

    def is_open_on(self, day) -> bool:
        """Open, and its date not passed (the job closes it soon after)."""
        return self.status == self.Status.OPEN and self.needed_by >= day

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def progress(self) -> AskProgress:
        """From the `approved_hours` that `pledges.asks.queries.with_progress` annotates."""
        return AskProgress(approved=self.approved_hours, wanted=self.hours_wanted)


class Offer(models.Model):
    """A person offers hours to an ask; the project's maintainers see it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Offered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="offers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ask_offers"
    )
    hours = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[
            MinValueValidator(QUARTER_HOUR),
            MaxValueValidator(Decimal("1000")),
            _quarter_hours,
        ],
        help_text=_("In quarter hours."),
    )
    note = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "pledges"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A double click (or two tabs) makes one offer.
            models.UniqueConstraint(
                fields=["ask", "person"],
                condition=Q(status="active"),
                name="one_active_offer_per_person_and_ask",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="offer_gives_hours"),
        ]

    def __str__(self):
        return f"{self.hours.normalize():f} h to {self.ask}"


class PersonSkill(models.Model):
    """A skill a person lists on their account page, so asks that need it find them."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skills"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="people_skilled")

    class Meta:
        app_label = "pledges"
        ordering = ["tag__name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "tag"], name="one_skill_per_person_and_tag"),
        ]

    def __str__(self):
        return f"{self.person}: {self.tag}"
