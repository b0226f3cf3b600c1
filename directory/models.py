from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.licenses import SPDX_LICENSE_CHOICES

# Listings link to the web only: no ftp://, file:// or other schemes.
web_url = URLValidator(schemes=["http", "https"])


class ListingStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("listing status", "Pending review")
    PUBLISHED = "published", pgettext_lazy("listing status", "Published")
    REJECTED = "rejected", pgettext_lazy("listing status", "Rejected")
    ARCHIVED = "archived", pgettext_lazy("listing status", "Archived")


class Tag(models.Model):
    class Kind(models.TextChoices):
        TECHNOLOGY = "technology", _("Technology")
        TOPIC = "topic", _("Topic")

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TECHNOLOGY)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ListingStatus.PUBLISHED)


class Listing(models.Model):
    """What organizations and projects share: a curated, searchable entry."""

    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    description = models.TextField(blank=True, help_text=_("Markdown. Links and lists are fine."))
    logo = models.ImageField(
        upload_to="logos/%Y/",
        blank=True,
        help_text=_("PNG, JPEG or WebP; re-encoded and resized when uploaded."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="%(class)ss")
    status = models.CharField(
        max_length=20, choices=ListingStatus.choices, default=ListingStatus.PENDING, db_index=True
    )
    rejection_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_%(class)ss",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Weighted full-text document (name A, tags B, description C), kept current by
    # directory.search on PostgreSQL; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == ListingStatus.PUBLISHED


class Organization(Listing):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        LAB = "lab", _("Research lab")
        UNIVERSITY = "university", _("University")
        NONPROFIT = "nonprofit", _("Nonprofit")
        GOVERNMENT = "government", _("Public body")
        COMMUNITY = "community", _("Community group")

    class SizeBand(models.TextChoices):
        TINY = "1-10", _("1–10 people")
        SMALL = "11-50", _("11–50 people")
        MEDIUM = "51-250", _("51–250 people")
        LARGE = "251-1000", _("251–1,000 people")
        HUGE = "1000+", _("More than 1,000 people")

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    website = models.URLField(blank=True, validators=[web_url])
    city = models.CharField(max_length=80, blank=True, db_index=True)
    neighbourhood = models.CharField(max_length=80, blank=True)
    size_band = models.CharField(max_length=10, choices=SizeBand.choices, blank=True)
    innersource = models.BooleanField(
        _("InnerSource program"),
        default=False,
        help_text=_("The organization practises open source methods behind its firewall."),
    )
    featured = models.BooleanField(default=False, db_index=True)
    verified = models.BooleanField(
        default=False, help_text=_("Staff checked that the listing is run by the organization.")
    )

    class Meta(Listing.Meta):
        indexes = [
            # The directory's default order (featured first, then by name), read from the
            # index a page at a time.
            models.Index(
                models.F("featured").desc(),
                Lower("name"),
                models.F("id"),
                condition=models.Q(status=ListingStatus.PUBLISHED),
                name="organization_published_order",
            ),
            # The facet counts of the whole directory, without reading the table.
            models.Index(
                fields=["kind", "city", "innersource", "id"],
                condition=models.Q(status=ListingStatus.PUBLISHED),
                name="organization_published_facets",
            ),
        ]

    def get_absolute_url(self):
        return reverse("directory:organization", kwargs={"slug": self.slug})


class Project(Listing):
    class HelpWanted(models.TextChoices):
        CODE = "code", _("Code")
        DOCS = "docs", _("Documentation")
        DESIGN = "design", _("Design and UX")
        TESTING = "testing", _("Testing")
        MENTORING = "mentoring", _("Mentoring")
        TIME = "time", _("Maintainer time")
        FUNDING = "funding", _("Funding")

    repository_url = models.URLField("repository", blank=True, validators=[web_url])
    homepage = models.URLField(blank=True, validators=[web_url])
    license = models.CharField(
        "license", max_length=80, choices=SPDX_LICENSE_CHOICES, blank=True, db_index=True
    )
    seeking_contributors = models.BooleanField(default=False, db_index=True)
    pitch = models.TextField(
        blank=True, help_text=_("Markdown. What help the project needs, and how to start.")
    )
    help_wanted = models.JSONField(default=list, blank=True)
    contact_url = models.URLField(
        _("how to reach the maintainers"),
        blank=True,
        validators=[web_url],
        help_text=_("A mailing list, chat room, forum or issue tracker."),
    )
    organizations = models.ManyToManyField(
        Organization, through="ProjectRole", related_name="projects"
    )

    class Meta(Listing.Meta):
        indexes = [
            # The directory's default and name order (projects are never featured).
            models.Index(
                Lower("name"),
                models.F("id"),
                condition=models.Q(status=ListingStatus.PUBLISHED),
                name="project_published_order",
            ),
            models.Index(
                fields=["license", "seeking_contributors", "id"],
                condition=models.Q(status=ListingStatus.PUBLISHED),
                name="project_published_facets",
            ),
        ]

    def get_absolute_url(self):
        return reverse("directory:project", kwargs={"slug": self.slug})

    def help_wanted_labels(self) -> list[str]:
        labels = dict(self.HelpWanted.choices)
        return [labels[value] for value in self.help_wanted if value in labels]


class ProjectRole(models.Model):
    class Role(models.TextChoices):
        MAINTAINER = "maintainer", pgettext_lazy("role in a project", "Maintainer")
        SPONSOR = "sponsor", pgettext_lazy("role in a project", "Sponsor")
        CONTRIBUTOR = "contributor", pgettext_lazy("role in a project", "Contributor")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="project_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MAINTAINER)

    class Meta:
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organization"], name="one_role_per_pair"),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_role_display().lower()} of {self.project}"


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("role in an organization", "Owner")
        ADMIN = "admin", pgettext_lazy("role in an organization", "Admin")
        MEMBER = "member", pgettext_lazy("role in an organization", "Member")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("membership status", "Pending approval")
        ACTIVE = "active", pgettext_lazy("membership status", "Active")
        REJECTED = "rejected", pgettext_lazy("membership status", "Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    message = models.TextField(blank=True, help_text=_("Why the person claims the listing."))
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_pair"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.get_role_display()})"

    @property
    def can_manage(self) -> bool:
        return self.status == self.Status.ACTIVE and self.role in (self.Role.OWNER, self.Role.ADMIN)


class SlugRedirect(models.Model):
    """An old address of a renamed or merged listing, kept so links never break."""

    old_slug = models.SlugField(max_length=180)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["old_slug"],
                condition=models.Q(organization__isnull=False),
                name="unique_old_organization_slug",
            ),
            models.UniqueConstraint(
                fields=["old_slug"],
                condition=models.Q(project__isnull=False),
                name="unique_old_project_slug",
            ),
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True) ^ models.Q(project__isnull=True),
                name="redirect_points_to_one_listing",
            ),
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.organization or self.project}"


class ListingRevision(models.Model):
    """A proposed edit to a published listing, held until staff approve it.

    Organizations that staff verified skip the wait: their edits apply at once and the
    revision is kept as the record of what changed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("edit status", "Pending review")
        APPLIED = "applied", pgettext_lazy("edit status", "Applied")
        REJECTED = "rejected", pgettext_lazy("edit status", "Rejected")

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    data = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True) ^ models.Q(project__isnull=True),
                name="revision_of_one_listing",
            ),
        ]

    def __str__(self):
        return f"Edit of {self.organization or self.project} ({self.get_status_display()})"

    @property
    def listing(self):
        return self.organization or self.project


class ProjectHealth(models.Model):
    """What the project's forge says about it, read by the forge-sync job (directory/health.py).

    Pages only read this row; they never call a forge.
    """

    class Activity(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("project activity", "Active")
        QUIET = "quiet", pgettext_lazy("project activity", "Quiet")
        ARCHIVED = "archived", pgettext_lazy("project activity", "Archived")

    class Result(models.TextChoices):
        FETCHED = "fetched", _("Fetched")
        NOT_MODIFIED = "not_modified", _("Not modified since the last fetch")
        NOT_FOUND = "not_found", _("Repository not found")
        UNSUPPORTED = "unsupported", _("Not on a forge the hub reads")
        RATE_LIMITED = "rate_limited", _("Paused by the forge's rate limit")
        ERROR = "error", _("Forge unavailable")

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="health")
    # The project's repository address when it was last read: a changed address is read again.
    repository_url = models.URLField(blank=True)
    source_url = models.URLField("read from", blank=True)
    forge_host = models.CharField(max_length=200, blank=True)
    stars = models.PositiveIntegerField(null=True, blank=True)
    forks = models.PositiveIntegerField(null=True, blank=True)
    open_issues = models.PositiveIntegerField(null=True, blank=True)
    last_commit_at = models.DateTimeField(null=True, blank=True)
    last_release_at = models.DateTimeField(null=True, blank=True)
    last_release_name = models.CharField(max_length=200, blank=True)
    active_contributors = models.PositiveIntegerField(
        "contributors active in the last 12 months", null=True, blank=True
    )
    archived = models.BooleanField(default=False)
    license_found = models.BooleanField(default=False)
    license_spdx = models.CharField(max_length=80, blank=True)
    scorecard_score = models.FloatField("OpenSSF Scorecard score", null=True, blank=True)
    activity = models.CharField(max_length=10, choices=Activity.choices, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    etags = models.JSONField(default=dict, blank=True)
    last_result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("project health")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="projecthealth_due"),
            models.Index(fields=["activity", "project"], name="projecthealth_activity"),
            models.Index(fields=["-last_commit_at", "-project"], name="projecthealth_recent"),
        ]

    def __str__(self):
        return f"Health of {self.project}"


class ProjectUse(models.Model):
    """An organization says it uses a listed project: a city running a 311 toolkit, a
    company building on a job queue. Its owners and admins declare it (directory.uses)."""

    class Status(models.TextChoices):
        PRODUCTION = "production", pgettext_lazy("use of a project", "In production")
        EVALUATING = "evaluating", pgettext_lazy("use of a project", "Evaluating")
        STOPPED = "stopped", pgettext_lazy("use of a project", "Stopped")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="uses")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="project_uses"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text=_('What for, in a few words ("runs our 311 service").'),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    since = models.DateTimeField(
        default=timezone.now, help_text=_("When the organization declared its current status.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-since", "pk"]
        constraints = [
            # Two admins declaring at once make one row; declaring again changes it.
            models.UniqueConstraint(
                fields=["organization", "project"], name="one_use_per_organization_and_project"
            ),
        ]
        indexes = [
            # A project's users (its page, the API, the "used by" facet).
            models.Index(fields=["project", "status"], name="projectuse_project_status"),
        ]

    def __str__(self):
        return f"{self.organization} – {self.project} ({self.get_status_display().lower()})"
