from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import ListingStatus, Organization, Tag


class PracticeNote(models.Model):
    """How a member organization does something, written for the others: moderated like a
    listing (pending until staff publish it)."""

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    summary = models.CharField(
        max_length=300, blank=True, help_text=_("One or two sentences shown in the list.")
    )
    text = models.TextField(help_text=_("Markdown. Steps, lists and links are fine."))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="practice_notes"
    )
    tags = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="practice_notes",
        help_text=_(
            "Technologies, topics and InnerSource Commons patterns (such as Trusted "
            "Committer) the note is about."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practice_notes",
    )
    status = models.CharField(
        max_length=20, choices=ListingStatus.choices, default=ListingStatus.PENDING, db_index=True
    )
    rejection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status=ListingStatus.PUBLISHED),
                name="practice_published_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("chamber:practice", kwargs={"slug": self.slug})


class Position(models.Model):
    """A position the hub takes for the region (an advocacy ask of a city, a state or a
    funder), written by staff and endorsed by member organizations."""

    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=180, unique=True)
    summary = models.CharField(max_length=300, help_text=_("One or two sentences for the list."))
    text = models.TextField(help_text=_("Markdown."))
    open_for_endorsement = models.BooleanField(
        default=True, help_text=_("Closed: the list of endorsers is final; no new endorsements.")
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Public from this moment; empty: a draft only staff see."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("chamber:position", kwargs={"slug": self.slug})


class Endorsement(models.Model):
    """An organization stands behind a position; one of its owners or admins said so."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="endorsements")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__name"]
        constraints = [
            # Concurrent clicks of two admins of one organization make one endorsement.
            models.UniqueConstraint(
                fields=["position", "organization"], name="one_endorsement_per_organization"
            ),
        ]

    def __str__(self):
        return f"{self.organization} endorses {self.position}"
