from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from directory.models import Organization, Project

# The asks' models are the pledges app's: a contribution names the ask it answers.
from pledges.asks.models import Ask, Offer, PersonSkill  # noqa: F401

web_url = URLValidator(schemes=["http", "https"])
QUARTER_HOUR = Decimal("0.25")
# A plain string, marked for the catalogue here and translated where it is raised.
QUARTER_HOURS_ONLY = gettext_noop("Log whole quarter hours: 0.25, 0.5, 0.75, 1, 1.25…")


def validate_quarter_hours(value: Decimal) -> None:
    """Hours come in quarter hours, the same answer on the page, in the API and in admin."""
    try:
        off_the_quarter = value is not None and value % QUARTER_HOUR
    except InvalidOperation:
        # Too many digits to divide (10**30 hours): the field's size validators refuse it.
        return
    if off_the_quarter:
        raise ValidationError(_(QUARTER_HOURS_ONLY), code="quarter_hours")


# One log's hours, on the model and on the logging form: a quarter hour to a day.
LOGGED_HOURS_VALIDATORS = [
    MinValueValidator(QUARTER_HOUR),
    MaxValueValidator(Decimal("24")),
    validate_quarter_hours,
]


class Period(models.TextChoices):
    MONTH = "month", pgettext_lazy("pledge period", "Month")
    QUARTER = "quarter", pgettext_lazy("pledge period", "Quarter")
    YEAR = "year", pgettext_lazy("pledge period", "Year")


MONTHS_PER_PERIOD = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}


class Pledge(models.Model):
    """An organization's promise of open source hours, per month, quarter or year."""

    class Kind(models.TextChoices):
        HOURS = "hours", gettext_lazy("A number of hours")
        PERCENT = "percent", gettext_lazy("A percentage of the workforce's hours")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("a pledge", "Active")
        ENDED = "ended", pgettext_lazy("a pledge", "Ended")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pledges")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOURS)
    hours_per_period = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    percent = models.DecimalField(
        "percent of working hours",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    workforce_size = models.PositiveIntegerField(
        "people in the workforce", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.MONTH)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty for no end date.")
    target_projects = models.ManyToManyField(
        Project, blank=True, related_name="pledges", help_text="Optional: the projects it supports."
    )
    public = models.BooleanField(
        default=True, help_text="Public pledges and their progress appear on the hub's pages."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="hours", hours_per_period__isnull=False)
                    | Q(kind="percent", percent__isnull=False, workforce_size__isnull=False)
                ),
                name="pledge_amount_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pledge_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.organization}: {self.describe()}"

    def get_absolute_url(self):
        return reverse("pledges:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def working_hours_per_person(self) -> Decimal:
        """The stated working hours of one person in one period (HUB_WORKING_HOURS_PER_MONTH)."""
        return Decimal(settings.HUB_WORKING_HOURS_PER_MONTH) * MONTHS_PER_PERIOD[self.period]

    @property
    def pledged_hours(self) -> Decimal:
        """Hours promised per period; for a percentage, derived from the workforce."""
        if self.kind == self.Kind.HOURS:
            return self.hours_per_period
        hours = self.percent / 100 * self.workforce_size * self.working_hours_per_person
        return hours.quantize(Decimal("0.01"))

    def describe(self) -> str:
        """What the pledge promises, in the active language: "40 hours a month"."""
        per_period = {
            Period.MONTH: _("%(hours)s hours a month"),
            Period.QUARTER: _("%(hours)s hours a quarter"),
            Period.YEAR: _("%(hours)s hours a year"),
        }[self.period]
        if self.kind == self.Kind.HOURS:
            return per_period % {"hours": number_format(self.hours_per_period.normalize())}
        return _("%(percent)s%% of %(people)s people's hours (%(hours_per_period)s)") % {
            "percent": number_format(self.percent.normalize()),
            "people": self.workforce_size,
            "hours_per_period": per_period
            % {"hours": number_format(self.pledged_hours.normalize())},
        }


class Contribution(models.Model):
    """Hours one person gave to open source under their organization's pledge."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for review")
        APPROVED = "approved", pgettext_lazy("a log of hours", "Approved")
        REJECTED = "rejected", pgettext_lazy("a log of hours", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("a log of hours", "Withdrawn")

    # Logs that take up the person's 24 hours of a day.
    COUNTING_TOWARDS_DAY = (Status.PENDING, Status.APPROVED)

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="contributions")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributions"
    )
    date = models.DateField(db_index=True)
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=LOGGED_HOURS_VALIDATORS,
        help_text="In quarter hours: 1.25, 2.5…",
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    project_url = models.URLField(
        "project address",
        blank=True,
        validators=[web_url],
        help_text="For a project that is not in the directory.",
    )
    description = models.TextField(max_length=2000)
    link = models.URLField(
        blank=True, validators=[web_url], help_text="A pull request, an issue, a talk…"
    )
    ask = models.ForeignKey(
        Ask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
        help_text="The project's ask these hours answer, if any.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="hours_within_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["contributor", "date"]),
            models.Index(fields=["pledge", "status", "date"]),
            # The boards and totals sum approved hours by pledge and date: PostgreSQL
            # answers them from this index alone, without visiting the table.
            models.Index(
                fields=["pledge", "date"],
                include=["hours", "contributor", "project", "project_url"],
                condition=Q(status="approved"),
                name="contribution_approved_hours",
            ),
        ]

    def __str__(self):
        return f"{self.hours} h by {self.contributor} on {self.date}"

    @property
    def project_label(self) -> str:
        return self.project.name if self.project_id else self.project_url


class ContributionEvidence(models.Model):
    """A pull/merge request, commit or issue a log links to, and what checking it found.

    A job asks the forge (pledges/evidence.py): the item exists, its author is one of the
    person's forge accounts, and the forge dates it near the logged day. What does not check
    out stays, with the reason, for the reviewer to see.
    """

    class Kind(models.TextChoices):
        PULL = "pull", gettext_lazy("Pull request")
        COMMIT = "commit", gettext_lazy("Commit")
        ISSUE = "issue", gettext_lazy("Issue")

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting to be checked")
        CHECKED = "checked", pgettext_lazy("evidence", "Checked")
        FAILED = "failed", gettext_lazy("Did not check out")

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="evidence"
    )
    url = models.URLField("address", max_length=500)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(max_length=300, blank=True)
    author = models.CharField("author on the forge", max_length=200, blank=True)
    author_proven = models.BooleanField(
        null=True, help_text="Whether the matching forge account is proven (null: no match)."
    )
    title = models.CharField(max_length=300, blank=True)
    state = models.CharField("state on the forge", max_length=20, blank=True)
    item_date = models.DateTimeField("date on the forge", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contribution", "pk"]
        verbose_name_plural = "contribution evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "url"], name="one_evidence_per_log_and_url"
            ),
        ]

    def __str__(self):
        return self.url
