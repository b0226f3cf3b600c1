"""Everything the hub holds about a person, as one JSON document (`/me/export.json` and
`GET /api/v1/me/export/`). The serializers here are the document's schema in the API docs."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from directory.models import Membership, Organization, Project
from events.models import Registration, SessionProposal, Star, Vote
from hub.models import AuditEntry, ForgeAccount, User
from hub.notifications import preferences_of
from pledges.asks.queries import skills_of
from pledges.models import Contribution, ContributionEvidence, Offer


class ExportedProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id", "email", "display_name", "show_name_on_pledges", "is_staff", "date_joined",
            "last_login",
        ]  # fmt: skip


class ExportedEmailAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailAddress
        fields = ["email", "primary", "verified"]


class ExportedMembershipSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization_name = serializers.CharField(source="organization.name")
    role = serializers.CharField()
    status = serializers.CharField()

    class Meta:
        model = Membership
        fields = [
            "organization", "organization_name", "role", "status", "message", "created_at",
            "decided_at",
        ]  # fmt: skip


class ExportedSubmittedListingSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ExportedRegistrationSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event_title = serializers.CharField(source="event.title")
    event_starts_at = serializers.DateTimeField(source="event.starts_at")
    status = serializers.CharField()

    class Meta:
        model = Registration
        fields = [
            "event", "event_title", "event_starts_at", "status", "waitlist_position",
            "ticket_code", "accessibility_needs", "dietary_requirements", "answers",
            "created_at", "confirmed_at", "cancelled_at", "checked_in_at",
        ]  # fmt: skip


class ExportedProposalSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    role = serializers.SerializerMethodField(help_text='"proposer" or "co-host".')
    format = serializers.CharField()
    status = serializers.CharField()

    class Meta:
        model = SessionProposal
        fields = [
            "id", "event", "role", "title", "description", "format", "duration_minutes",
            "tags", "status", "created_at", "updated_at",
        ]  # fmt: skip

    def get_role(self, proposal) -> str:
        return "proposer" if proposal.proposer_id == self.context["user"].pk else "co-host"


class ExportedProposalMarkSerializer(serializers.Serializer):
    """A vote for, or a star on, a session proposal."""

    proposal = serializers.IntegerField(source="proposal_id")
    proposal_title = serializers.CharField(source="proposal.title")
    event = serializers.SlugField(source="proposal.event.slug")
    created_at = serializers.DateTimeField()


class ExportedForgeAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForgeAccount
        fields = ["forge", "username", "proven", "created_at"]


class ExportedEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContributionEvidence
        fields = ["url", "kind", "status", "reason", "author", "item_date", "checked_at"]


class ExportedContributionSerializer(serializers.ModelSerializer):
    organization = serializers.SlugField(source="pledge.organization.slug")
    organization_name = serializers.CharField(source="pledge.organization.name")
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    status = serializers.CharField()
    evidence = ExportedEvidenceSerializer(many=True)

    class Meta:
        model = Contribution
        fields = [
            "id", "pledge", "organization", "organization_name", "date", "hours", "project",
            "project_url", "description", "link", "ask", "status", "created_at", "reviewed_at",
            "rejection_reason", "evidence",
        ]  # fmt: skip


class ExportedOfferSerializer(serializers.ModelSerializer):
    ask_title = serializers.CharField(source="ask.title")
    project = serializers.SlugField(source="ask.project.slug")
    status = serializers.CharField()

    class Meta:
        model = Offer
        fields = [
            "ask", "ask_title", "project", "hours", "note", "status", "created_at", "withdrawn_at",
        ]  # fmt: skip


class ExportedEmailChoiceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    enabled = serializers.BooleanField()


class ExportedAuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["action", "target_type", "target_id", "target_repr", "detail", "created_at"]


class ExportSerializer(serializers.Serializer):
    hub = serializers.CharField()
    generated_at = serializers.DateTimeField()
    profile = ExportedProfileSerializer()
    email_addresses = ExportedEmailAddressSerializer(many=True)
    api_token_created_at = serializers.DateTimeField(allow_null=True)
    forge_accounts = ExportedForgeAccountSerializer(many=True)
    memberships = ExportedMembershipSerializer(many=True)
    submitted_organizations = ExportedSubmittedListingSerializer(many=True)
    submitted_projects = ExportedSubmittedListingSerializer(many=True)
    registrations = ExportedRegistrationSerializer(many=True)
    session_proposals = ExportedProposalSerializer(many=True)
    votes = ExportedProposalMarkSerializer(many=True)
    stars = ExportedProposalMarkSerializer(many=True)
    contributions = ExportedContributionSerializer(many=True)
    skills = serializers.ListField(
        child=serializers.SlugField(), help_text="The slugs of the skills (tags) you list."
    )
    ask_offers = ExportedOfferSerializer(many=True, help_text="Hours you offered to asks.")
    email_choices = ExportedEmailChoiceSerializer(many=True)
    audit_entries = ExportedAuditEntrySerializer(
        many=True, help_text="Every recorded change the person made."
    )


def export_document(user: User) -> dict:
    """The person's data in a fixed number of queries, whatever its size."""
    token = Token.objects.filter(user=user).first()
    marks = ("proposal", "proposal__event")
    data = {
        "hub": settings.HUB_NAME,
        "generated_at": timezone.now(),
        "profile": user,
        "email_addresses": EmailAddress.objects.filter(user=user).order_by("email"),
        "api_token_created_at": token.created if token else None,
        "forge_accounts": ForgeAccount.objects.filter(user=user),
        "memberships": Membership.objects.filter(user=user).select_related("organization"),
        "submitted_organizations": Organization.objects.filter(created_by=user).order_by("pk"),
        "submitted_projects": Project.objects.filter(created_by=user).order_by("pk"),
        "registrations": Registration.objects.filter(user=user)
        .select_related("event")
        .order_by("event__starts_at", "pk"),
        "session_proposals": SessionProposal.objects.filter(Q(proposer=user) | Q(co_hosts=user))
        .select_related("event")
        .distinct()
        .order_by("pk"),
        "votes": Vote.objects.filter(user=user).select_related(*marks).order_by("pk"),
        "stars": Star.objects.filter(user=user).select_related(*marks).order_by("pk"),
        "contributions": Contribution.objects.filter(contributor=user)
        .select_related("pledge__organization", "project")
        .prefetch_related("evidence")
        .order_by("date", "pk"),
        "skills": list(skills_of(user).values_list("slug", flat=True)),
        "ask_offers": Offer.objects.filter(person=user)
        .select_related("ask__project")
        .order_by("created_at", "pk"),
        "email_choices": [
            {"kind": kind.key, "label": kind.label, "enabled": enabled}
            for kind, enabled in preferences_of(user)
        ],
        "audit_entries": AuditEntry.objects.filter(actor=user).order_by("created_at", "pk"),
    }
    return ExportSerializer(data, context={"user": user}).data
