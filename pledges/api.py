"""Pledges and logged hours over the API, under the same rules as the pages.

Reads annotate each pledge with its hours in SQL (`pledges.queries.pledges_with_hours`),
so a page of pledges costs the same number of queries whatever its length. Every change
goes through `pledges.services`: its ValidationError (keyed by field) becomes a 400 with
per-field messages, its PermissionDenied a 403 (hub.api_errors, the API's exception handler).
"""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from directory.api import HttpUrlField
from directory.models import ListingStatus, Organization, Project
from hub.api_filters import ListFilterBackend
from hub.bounded import MAX_TARGET_PROJECTS, capped_slugs
from hub.models import FORMER_MEMBER
from hub.openapi import NamedChoiceField
from hub.throttling import LogHoursThrottle
from pledges import services
from pledges.asks.queries import public_asks
from pledges.evidence import MAX_EVIDENCE_LINKS, evidence_refs
from pledges.filters import ContributionFilter, PledgeFilter
from pledges.models import (
    Contribution,
    ContributionEvidence,
    Period,
    Pledge,
    validate_quarter_hours,
)
from pledges.periods import period_containing
from pledges.queries import (
    HOURS,
    ZERO,
    PeriodProgress,
    contributions_readable_by,
    current_period_filter,
    organizations_of_member,
    pledge_history,
    pledges_visible_to,
    pledges_with_hours,
    with_evidence,
)

PERIOD_STATUSES = [("met", "met"), ("on track", "on track"), ("behind", "behind")]
MAX_WORKFORCE = 1_000_000
HOURS_TOO_MANY = "A day has 24 hours: log at most 24."
# Ids in paths are ASCII digits; anything else matches no route (a JSON 404).
ID_PATTERN = r"[0-9]+"

# --- Who sees what (the rules are pledges.queries') -----------------------------------------


def pledges_open_to_logging_by(user) -> QuerySet:
    """Pledges a person may name when logging hours: the ones they see. Membership itself
    is the service's rule; this only decides which ids exist for the caller."""
    return pledges_visible_to(user).select_related("organization")


def pledges_with_progress(pledges: QuerySet, today: date) -> QuerySet:
    """`pledges` with their hours this period (approved, pending) and all time, their
    organization and target projects: a constant number of queries for any page."""
    pending = (
        Contribution.objects.filter(status=Contribution.Status.PENDING, pledge=OuterRef("pk"))
        .filter(current_period_filter(today))
        .values("pledge")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return (
        pledges_with_hours(pledges, today)
        .annotate(pending_this_period=Coalesce(Subquery(pending, output_field=HOURS), ZERO))
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "target_projects",
                queryset=Project.objects.filter(status=ListingStatus.PUBLISHED).order_by("name"),
            )
        )
    )


# --- Output --------------------------------------------------------------------------------


class OrganizationRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


def _hours_field(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The period's last day (inclusive).")
    label = serializers.CharField(help_text='For example "March 2025", "Q1 2025" or "2025".')
    pledged = _hours_field(help_text="Hours promised for the period.")
    approved = _hours_field(help_text="Approved hours: the only ones that count.")
    pending = _hours_field(help_text="Hours waiting for review (not counted yet).")
    percent = serializers.IntegerField(help_text="Approved hours as a percentage of the pledge.")
    status = NamedChoiceField(
        choices=PERIOD_STATUSES,
        enum_name="PledgePeriodStatusEnum",
        help_text="met (the pledged hours are approved); on track (the approved hours keep "
        "pace with the days of the period passed before today, give or take a tenth of the "
        "pledge); behind (they trail it by more, or the period ended short of the pledge).",
    )


def _period_row(progress: PeriodProgress) -> dict:
    return {
        "start": progress.span.start,
        "end": progress.span.end,
        "label": progress.span.label,
        "pledged": progress.pledged,
        "approved": progress.approved,
        "pending": progress.pending,
        "percent": progress.percent,
        "status": progress.status,
    }


class PledgeSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    kind = NamedChoiceField(choices=Pledge.Kind.choices, enum_name="PledgeKindEnum", read_only=True)
    period = NamedChoiceField(choices=Period.choices, enum_name="PledgePeriodEnum", read_only=True)
    status = NamedChoiceField(
        choices=Pledge.Status.choices, enum_name="PledgeStatusEnum", read_only=True
    )
    pledged_hours = _hours_field(
        help_text="Hours promised per period; for a percentage, derived from the workforce."
    )
    target_projects = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True, help_text="Slugs of listed projects."
    )
    this_period = serializers.SerializerMethodField(
        help_text="Progress in the current period; null before the pledge starts or after it ended."
    )
    all_time_approved = _hours_field(source="all_time", help_text="Approved hours, all time.")
    all_time_with_checked_evidence = _hours_field(
        source="all_time_evidenced",
        help_text="Of the approved hours, those whose log links to a pull request, commit or "
        "issue the forge confirmed (its author one of the person's forge accounts, dated "
        "near the logged day).",
    )

    class Meta:
        model = Pledge
        fields = [
            "id", "organization", "kind", "hours_per_period", "percent", "workforce_size",
            "pledged_hours", "period", "starts_on", "ends_on", "public", "status",
            "target_projects", "this_period", "all_time_approved", "all_time_with_checked_evidence",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PeriodSerializer(allow_null=True))
    def get_this_period(self, pledge):
        today = self.context.get("today") or timezone.localdate()
        span = period_containing(today, pledge.period)
        if pledge.starts_on > span.end or (pledge.ends_on and pledge.ends_on < span.start):
            return None
        progress = PeriodProgress(
            span=span,
            pledged=pledge.pledged_hours,
            approved=pledge.this_period,
            pending=pledge.pending_this_period,
            today=today,
            starts_on=pledge.starts_on,
            ends_on=pledge.ends_on,
        )
        return PeriodSerializer(_period_row(progress)).data


class PledgeDetailSerializer(PledgeSerializer):
    history = serializers.SerializerMethodField(
        help_text="Every period from the pledge's start to today (or its end), oldest first."
    )

    class Meta(PledgeSerializer.Meta):
        fields = [*PledgeSerializer.Meta.fields, "history"]
        read_only_fields = fields

    @extend_schema_field(PeriodSerializer(many=True))
    def get_history(self, pledge):
        today = self.context.get("today") or timezone.localdate()
        rows = [_period_row(progress) for progress in pledge_history(pledge, today)]
        return PeriodSerializer(rows, many=True).data


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField(
        help_text='The name the person shows; may be empty; "A former member" once they left.'
    )

    def get_name(self, person) -> str:
        return FORMER_MEMBER if person.is_former_member else person.display_name


class EvidenceSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(
        choices=ContributionEvidence.Kind.choices, enum_name="EvidenceKindEnum", read_only=True
    )
    status = NamedChoiceField(
        choices=ContributionEvidence.Status.choices,
        enum_name="EvidenceStatusEnum",
        read_only=True,
        help_text="pending (not checked yet, or the forge asked to wait); checked (it exists, "
        "its author is one of the person's forge accounts, dated near the logged day); failed "
        "(see `reason`).",
    )
    reason = serializers.CharField(
        read_only=True,
        help_text='What was found ("Pull request by octocat, merged on Mar 3, 2025") or why it '
        'did not check out ("author is octocat, not one of yours", "not found on github.com").',
    )
    author_proven = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Whether the matching forge account is proven (connected) rather than only "
        "declared; null when none matched.",
    )

    class Meta:
        model = ContributionEvidence
        fields = [
            "url", "kind", "status", "reason", "author", "author_proven", "title", "state",
            "item_date", "checked_at",
        ]  # fmt: skip
        read_only_fields = fields


class ContributionSerializer(serializers.ModelSerializer):
    pledge = serializers.PrimaryKeyRelatedField(read_only=True)
    organization = OrganizationRefSerializer(source="pledge.organization", read_only=True)
    contributor = PersonRefSerializer(read_only=True)
    project = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="A listed project's slug, or null.",
    )
    project_name = serializers.CharField(
        source="project_label", read_only=True, help_text="The project's name, or its address."
    )
    status = NamedChoiceField(
        choices=Contribution.Status.choices, enum_name="ContributionStatusEnum", read_only=True
    )
    reviewed_by = serializers.SerializerMethodField(help_text="Who approved or rejected it.")
    evidence = EvidenceSerializer(
        many=True,
        read_only=True,
        help_text="Links to pull requests, commits or issues, and what checking them found.",
    )
    ask = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of the project's ask the hours answer, or null.",
    )

    class Meta:
        model = Contribution
        fields = [
            "id", "pledge", "organization", "contributor", "date", "hours", "project",
            "project_url", "project_name", "description", "link", "ask", "evidence", "status",
            "rejection_reason", "reviewed_by", "reviewed_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(PersonRefSerializer(allow_null=True))
    def get_reviewed_by(self, contribution):
        reviewer = contribution.reviewed_by
        return None if reviewer is None else PersonRefSerializer(reviewer).data


# --- Input ---------------------------------------------------------------------------------


class PledgeInputSerializer(serializers.Serializer):
    """A pledge's terms; `organization` only when creating (a pledge stays with it)."""

    organization = serializers.SlugField(
        max_length=180, help_text="Slug of an organization you own or administer."
    )
    kind = NamedChoiceField(
        choices=Pledge.Kind.choices, enum_name="PledgeKindEnum", default=Pledge.Kind.HOURS
    )
    hours_per_period = serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Pledge._meta.get_field("hours_per_period").validators[0].limit_value,
        required=False,
        allow_null=True,
        help_text="For kind=hours.",
    )
    percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Pledge._meta.get_field("percent").validators[0].limit_value,
        max_value=Pledge._meta.get_field("percent").validators[1].limit_value,
        required=False,
        allow_null=True,
        help_text="For kind=percent: the share of working hours given.",
    )
    workforce_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_WORKFORCE,
        required=False,
        allow_null=True,
        help_text="For kind=percent: how many people work at the organization.",
    )
    period = NamedChoiceField(choices=Period.choices, enum_name="PledgePeriodEnum", default="month")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, help_text="Null: no end.")
    public = serializers.BooleanField(default=True)
    target_projects = capped_slugs(
        Project.objects.published(),
        max_items=MAX_TARGET_PROJECTS,
        noun="target projects",
        required=False,
        help_text=f"Slugs of listed projects, up to {MAX_TARGET_PROJECTS}; replaces the pledge's "
        "target projects.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            del self.fields["organization"]

    def validate_organization(self, slug: str) -> Organization:
        user = self.context["request"].user
        organization = (
            Organization.objects.filter(slug=slug)
            .filter(Q(status=ListingStatus.PUBLISHED) | Q(pk__in=organizations_of_member(user)))
            .first()
        )
        # An unpublished organization stays unseen by those who do not belong to it.
        if organization is None:
            raise serializers.ValidationError(_("No organization has this slug."))
        return organization

    def validate(self, attrs):
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError(
                {"ends_on": _("A pledge cannot end before it starts.")}
            )
        return attrs


class PledgeUpdateInputSerializer(PledgeInputSerializer):
    """The same terms without the organization: documented apart so the schema is honest."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("instance", Pledge())
        super().__init__(*args, **kwargs)


class PledgeEndInputSerializer(serializers.Serializer):
    ends_on = serializers.DateField(required=False, help_text="The last day; today by default.")


class ContributionInputSerializer(serializers.Serializer):
    pledge = serializers.IntegerField(
        min_value=1, help_text="The id of your organization's pledge (see /api/v1/pledges/)."
    )
    date = serializers.DateField(help_text="The day you did the work: today or earlier.")
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        min_value=Contribution._meta.get_field("hours").validators[0].limit_value,
        max_value=services.HOURS_PER_DAY,
        validators=[validate_quarter_hours],
        help_text="In quarter hours: 1.25, 2.5…",
        error_messages={
            "min_value": "Log at least a quarter of an hour (0.25).",
            "max_value": HOURS_TOO_MANY,
            "max_digits": HOURS_TOO_MANY,
            "max_whole_digits": HOURS_TOO_MANY,
            "max_decimal_places": "Use at most two decimals, for example 1.25.",
        },
    )
    project = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Project.objects.published(),
        required=False,
        allow_null=True,
        help_text="A listed project's slug; or give project_url instead.",
        error_messages={"does_not_exist": "No listed project has this slug."},
    )
    project_url = HttpUrlField(help_text="For a project that is not in the directory.")
    description = serializers.CharField(
        max_length=Contribution._meta.get_field("description").max_length
    )
    link = HttpUrlField(help_text="A pull request, an issue, a talk…")
    ask = serializers.PrimaryKeyRelatedField(
        queryset=public_asks(),
        required=False,
        allow_null=True,
        help_text="The id of an open ask (/api/v1/asks/) the hours answer: an ask of the "
        "log's project, whose project a log without one takes. Approved, they count toward it.",
        error_messages={"does_not_exist": "No ask has this id."},
    )
    evidence_urls = serializers.ListField(
        child=serializers.CharField(max_length=500),
        max_length=MAX_EVIDENCE_LINKS,
        required=False,
        help_text=f"Up to {MAX_EVIDENCE_LINKS} addresses of pull or merge requests, commits or "
        "issues on GitHub, GitLab or Codeberg; a job checks each against your forge accounts "
        "(see `evidence`). When changing a log, the list replaces its links.",
        error_messages={"max_length": gettext_lazy("Give at most {max_length} links.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if kwargs.get("partial"):
            # A log stays under its pledge.
            del self.fields["pledge"]

    def validate_evidence_urls(self, urls: list[str]) -> list[str]:
        try:
            refs = evidence_refs(urls)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["evidence_urls"]) from error
        return [ref.url for ref in refs]

    def validate_pledge(self, pk: int) -> Pledge:
        user = self.context["request"].user
        pledge = pledges_open_to_logging_by(user).filter(pk=pk).first()
        if pledge is None:
            raise serializers.ValidationError(_("No pledge has this id."))
        return pledge


class ContributionUpdateInputSerializer(ContributionInputSerializer):
    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class RejectInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why: the person reads it and corrects the log."
    )


# --- Views ---------------------------------------------------------------------------------

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Per-field messages."),
    401: OpenApiResponse(description="Not signed in: send a token or a session cookie."),
    403: OpenApiResponse(description="Not allowed: the `detail` says why."),
    404: OpenApiResponse(description="No such object, or not one you may see."),
}


def _errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


@extend_schema_view(
    list=extend_schema(
        summary="Pledges and their progress",
        description=(
            "Public pledges for everyone; private ones too for their organization's owners "
            "and admins, and for staff. Only approved hours count."
        ),
    ),
    retrieve=extend_schema(
        summary="One pledge, with its history per period",
        responses={200: PledgeDetailSerializer, **_errors(404)},
    ),
    create=extend_schema(
        summary="Make a pledge for an organization you own or administer",
        request=PledgeInputSerializer,
        responses={201: PledgeDetailSerializer, **_errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change a pledge (its organization's owners and admins)",
        request=PledgeUpdateInputSerializer,
        responses={200: PledgeDetailSerializer, **_errors(400, 401, 403, 404)},
    ),
)
class PledgeViewSet(viewsets.ReadOnlyModelViewSet):
    """Organizations' promises of open source hours, and how much of them was given."""

    serializer_class = PledgeSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = [ListFilterBackend]
    filterset_class = PledgeFilter

    def get_queryset(self):
        return pledges_with_progress(pledges_visible_to(self.request.user), self.today).order_by(
            "status", "-this_period", "organization__name", "pk"
        )

    @property
    def today(self) -> date:
        # One "today" per request, so every pledge of a page is judged on the same day.
        if not hasattr(self, "_today"):
            self._today = timezone.localdate()
        return self._today

    def get_serializer_class(self):
        return PledgeSerializer if self.action == "list" else PledgeDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": self.today}

    def _reloaded(self, pledge: Pledge) -> dict:
        pledge = pledges_with_progress(Pledge.objects.filter(pk=pledge.pk), self.today).get()
        return PledgeDetailSerializer(pledge, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = PledgeInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        target_projects = data.pop("target_projects", None)
        pledge = services.pledge_create(
            organization=organization,
            actor=request.user,
            data=data,
            target_projects=target_projects,
        )
        return Response(self._reloaded(pledge), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        pledge = self.get_object()
        serializer = PledgeInputSerializer(
            instance=pledge, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        target_projects = data.pop("target_projects", None)
        pledge = services.pledge_update(
            pledge=pledge,
            actor=request.user,
            data=data,
            target_projects=target_projects,
        )
        return Response(self._reloaded(pledge))

    @extend_schema(
        summary="End a pledge (its organization's owners and admins)",
        description="It takes no more hours from then on; its history stays.",
        request=PledgeEndInputSerializer,
        responses={200: PledgeDetailSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        pledge = self.get_object()
        serializer = PledgeEndInputSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        pledge = services.pledge_end(
            pledge=pledge,
            actor=request.user,
            ends_on=serializer.validated_data.get("ends_on"),
        )
        return Response(self._reloaded(pledge))


@extend_schema_view(
    list=extend_schema(
        summary="Your logged hours (or a pledge's, for its admins)",
        description=(
            "Your own logs, newest first. With `pledge`, every log under that pledge when you "
            "own or administer its organization (or are staff); otherwise your own under it."
        ),
        responses={200: ContributionSerializer(many=True), **_errors(400, 401)},
    ),
    retrieve=extend_schema(
        summary="One log: yours, or under a pledge you administer",
        responses={200: ContributionSerializer, **_errors(401, 404)},
    ),
    create=extend_schema(
        summary="Log hours under your organization's pledge",
        description=(
            "Only members of the pledging organization log hours under its pledge; at most 24 "
            "hours per person per day across all logs; no future dates; dates inside the "
            "pledge. The log waits for review (`status` pending)."
        ),
        request=ContributionInputSerializer,
        responses={201: ContributionSerializer, **_errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change your log while it waits for review",
        request=ContributionUpdateInputSerializer,
        responses={200: ContributionSerializer, **_errors(400, 401, 403, 404)},
    ),
    destroy=extend_schema(
        summary="Withdraw your log while it waits for review",
        description="The log stays, with status withdrawn, and no longer counts.",
        responses={204: OpenApiResponse(description="Withdrawn."), **_errors(400, 401, 403, 404)},
    ),
)
class ContributionViewSet(viewsets.ReadOnlyModelViewSet):
    """Hours people gave to open source under their organization's pledge, and their review."""

    serializer_class = ContributionSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    throttle_classes = [*viewsets.GenericViewSet.throttle_classes, LogHoursThrottle]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [ListFilterBackend]
    filterset_class = ContributionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator, no request
            return Contribution.objects.none()
        user = self.request.user
        related = ("pledge__organization", "project", "contributor", "reviewed_by")
        if self.action == "list":
            return with_evidence(Contribution.objects.select_related(*related)).order_by(
                "-date", "-pk"
            )
        logs = contributions_readable_by(user)
        if self.action != "retrieve":
            # Changes reach the services, which say why they refuse (403) rather than hide
            # the log: logs under pledges the caller sees exist for them; others stay 404.
            logs = logs | Contribution.objects.filter(pledge__in=pledges_visible_to(user))
        return with_evidence(logs.select_related(*related)).order_by("-date", "-pk")

    def _log(self, pk) -> Contribution:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _output(self, contribution: Contribution, code=status.HTTP_200_OK) -> Response:
        contribution = with_evidence(
            Contribution.objects.select_related(
                "pledge__organization", "project", "contributor", "reviewed_by"
            )
        ).get(pk=contribution.pk)
        return Response(ContributionSerializer(contribution).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = ContributionInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        pledge = data.pop("pledge")
        contribution = services.contribution_log(pledge=pledge, user=request.user, data=data)
        return self._output(contribution, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None, *args, **kwargs):
        contribution = self._log(pk)
        serializer = ContributionUpdateInputSerializer(
            data=request.data, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        contribution = services.contribution_update(
            contribution=contribution,
            user=request.user,
            data=dict(serializer.validated_data),
        )
        return self._output(contribution)

    def destroy(self, request, pk=None, *args, **kwargs):
        contribution = self._log(pk)
        services.contribution_withdraw(contribution=contribution, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Approve a log (the pledging organization's owners and admins)",
        description="Approving an approved log changes nothing. Approved hours count.",
        request=None,
        responses={200: ContributionSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        contribution = self._log(pk)
        services.contribution_approve(contribution=contribution, actor=request.user)
        return self._output(contribution)

    @extend_schema(
        summary="Reject a log, saying why (the pledging organization's owners and admins)",
        request=RejectInputSerializer,
        responses={200: ContributionSerializer, **_errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        contribution = self._log(pk)
        serializer = RejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contribution_reject(
            contribution=contribution,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self._output(contribution)
