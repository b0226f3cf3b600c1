"""The directory over the API: read for everyone (published listings only), write for members.

Reads use the page's search (`directory.queries`), so a filter means the same thing on
`/directory/` and here; writes go through `directory.services`, under the same rules as
the pages (a submission waits for staff; an edit to a published listing may wait too).
"""

from dataclasses import asdict, replace

from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import URLValidator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from directory import services
from directory.health import health_rules
from directory.licenses import spdx_id_as_spelled
from directory.models import Organization, Project, ProjectHealth, ProjectRole, Tag
from directory.permissions import (
    CanManageListingOrReadOnly,
    member_can_manage,
    user_can_view_listing,
)
from directory.queries import (
    ORGANIZATION_ONLY_FACETS,
    PROJECT_ONLY_FACETS,
    PUBLIC_LISTINGS,
    SORTS,
    USED_BY_PUBLIC,
    DirectoryQuery,
    PagedRows,
    directory_results,
    directory_tab_count,
    directory_tab_page,
    roles_with_public_organizations,
    roles_with_public_projects,
)
from directory.uses.queries import users_count
from hub.api import absolute_url
from hub.bounded import MAX_TAGS, capped_slugs
from hub.markdown import render_markdown
from hub.pagecache import cache_anonymous_page

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"
MAX_TEXT_LENGTH = 20_000

# --- Output --------------------------------------------------------------------------------


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["slug", "name", "kind"]


class ProjectOfOrganizationSerializer(serializers.ModelSerializer):
    """A project an organization takes part in, and how."""

    slug = serializers.CharField(source="project.slug")
    name = serializers.CharField(source="project.name")

    class Meta:
        model = ProjectRole
        fields = ["slug", "name", "role"]


class OrganizationOfProjectSerializer(serializers.ModelSerializer):
    """An organization behind a project, and its role."""

    slug = serializers.CharField(source="organization.slug")
    name = serializers.CharField(source="organization.name")

    class Meta:
        model = ProjectRole
        fields = ["slug", "name", "role"]


class ListingSerializer(serializers.ModelSerializer):
    tags = TagSerializer(many=True, read_only=True)
    description_html = serializers.SerializerMethodField(
        help_text="The description rendered from Markdown and sanitised."
    )
    page_url = serializers.SerializerMethodField(help_text="The listing's page in the directory.")
    logo_url = serializers.SerializerMethodField(
        help_text="The listing's logo (WebP, at most 512 pixels a side), or null without one."
    )

    def get_description_html(self, listing) -> str:
        return str(render_markdown(listing.description))

    def get_logo_url(self, listing) -> str | None:
        return absolute_url(self, listing.logo.url) if listing.logo else None

    def get_page_url(self, listing) -> str:
        return absolute_url(self, listing.get_absolute_url())


class OrganizationSerializer(ListingSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api-organization-detail", lookup_field="slug"
    )
    projects = ProjectOfOrganizationSerializer(
        source="project_roles",
        many=True,
        read_only=True,
        help_text="Published projects the organization maintains, sponsors or contributes to.",
    )

    class Meta:
        model = Organization
        fields = [
            "url", "page_url", "slug", "name", "kind", "logo_url", "description",
            "description_html", "website", "city", "neighbourhood", "size_band", "innersource",
            "featured", "verified", "status", "tags", "projects", "published_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class HealthRuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(
        allow_null=True, help_text="null when the forge gave nothing to judge by."
    )
    figure = serializers.CharField()


class ProjectHealthSerializer(serializers.ModelSerializer):
    # Blank until read: a plain string, not a uri.
    source_url = serializers.CharField(help_text="The repository address read.")
    rules = serializers.SerializerMethodField(
        help_text="The project page's health rules, each met or not with its figure."
    )

    class Meta:
        model = ProjectHealth
        fields = [
            "activity", "stars", "forks", "open_issues", "last_commit_at", "last_release_at",
            "last_release_name", "active_contributors", "archived", "license_found",
            "license_spdx", "scorecard_score", "fetched_at", "forge_host", "source_url", "rules",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(HealthRuleSerializer(many=True))
    def get_rules(self, health) -> list[dict]:
        return [asdict(rule) for rule in health_rules(health)]


class ProjectSerializer(ListingSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-project-detail", lookup_field="slug")
    health = serializers.SerializerMethodField(
        help_text="What the project's forge said when the hub last read it (null before the "
        "first read, or when the repository is not on a forge the hub reads)."
    )
    pitch_html = serializers.SerializerMethodField(
        help_text="The pitch rendered from Markdown and sanitised."
    )
    organizations = OrganizationOfProjectSerializer(
        source="roles",
        many=True,
        read_only=True,
        help_text="Published organizations behind the project, with their role.",
    )

    class Meta:
        model = Project
        fields = [
            "url", "page_url", "slug", "name", "logo_url", "description", "description_html",
            "repository_url", "homepage", "license", "seeking_contributors", "pitch",
            "pitch_html", "help_wanted", "contact_url", "status", "tags", "organizations",
            "health", "published_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(ProjectHealthSerializer(allow_null=True))
    def get_health(self, project) -> dict | None:
        try:
            health = project.health
        except ObjectDoesNotExist:
            return None
        return ProjectHealthSerializer(health).data if health.fetched_at else None

    def get_pitch_html(self, project) -> str:
        return str(render_markdown(project.pitch))


class ProjectDetailSerializer(ProjectSerializer):
    users_count = serializers.IntegerField(
        read_only=True,
        help_text="Published organizations that run or evaluate the project.",
    )
    users_url = serializers.HyperlinkedIdentityField(
        view_name="api-project-users",
        lookup_field="slug",
        help_text="The organizations that use the project, stopped ones too.",
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "users_count", "users_url"]
        read_only_fields = fields


class OrganizationEditResultSerializer(OrganizationSerializer):
    pending_review = serializers.BooleanField(
        read_only=True,
        help_text="True when the edit waits for staff; the listing shows the old text until then.",
    )

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "pending_review"]
        read_only_fields = fields


class ProjectEditResultSerializer(ProjectSerializer):
    pending_review = serializers.BooleanField(
        read_only=True,
        help_text="True when the edit waits for staff; the listing shows the old text until then.",
    )

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "pending_review"]
        read_only_fields = fields


# --- Input ---------------------------------------------------------------------------------


class HttpUrlField(serializers.URLField):
    """A web address: http or https only (no ftp:, javascript:, data: ...)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)
        self.validators.append(
            URLValidator(
                schemes=["http", "https"], message=_("Enter an http:// or https:// address.")
            )
        )


class TextField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)


class ListingInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    description = TextField(help_text="Markdown.")
    tags = capped_slugs(
        Tag.objects.all(),
        max_items=MAX_TAGS,
        noun="tags",
        required=False,
        help_text=f"Tag slugs (see /api/v1/tags/), up to {MAX_TAGS}; replaces the listing's tags.",
    )

    model: type[Organization] | type[Project]
    duplicate_message = _("A listing with this name is already in the directory.")

    def validate_name(self, value: str) -> str:
        """The same rule as the submit form: one listing per name, whatever its status."""
        others = self.model.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(self.duplicate_message)
        return value


class OrganizationInputSerializer(ListingInputSerializer):
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)
    website = HttpUrlField()
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    neighbourhood = serializers.CharField(max_length=80, required=False, allow_blank=True)
    size_band = serializers.ChoiceField(
        choices=Organization.SizeBand.choices, required=False, allow_blank=True
    )
    innersource = serializers.BooleanField(required=False)

    model = Organization
    duplicate_message = _(
        "An organization with this name is already listed. Claim it instead of adding it again."
    )


class ProjectEditInputSerializer(ListingInputSerializer):
    repository_url = HttpUrlField()
    homepage = HttpUrlField()
    license = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text="An SPDX license identifier, e.g. MIT or Apache-2.0.",
    )
    seeking_contributors = serializers.BooleanField(required=False)
    pitch = TextField(help_text="Markdown: what help the project needs, and how to start.")
    help_wanted = serializers.ListField(
        child=serializers.ChoiceField(choices=Project.HelpWanted.choices),
        required=False,
        max_length=len(Project.HelpWanted.choices),
    )
    contact_url = HttpUrlField(help_text="A mailing list, chat room, forum or issue tracker.")

    model = Project
    duplicate_message = _("A project with this name is already listed.")

    def validate_license(self, value: str) -> str:
        """An SPDX id in any case ("mit"), stored as SPDX spells it ("MIT")."""
        return spdx_id_as_spelled(value)

    def validate_help_wanted(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class ProjectInputSerializer(ProjectEditInputSerializer):
    organization = serializers.SlugField(
        max_length=180,
        required=False,
        help_text="Slug of an organization you own or administer, listed with the project.",
    )
    role = serializers.ChoiceField(
        choices=ProjectRole.Role.choices, default=ProjectRole.Role.MAINTAINER
    )

    def validate_organization(self, slug: str) -> Organization:
        user = self.context["request"].user
        organization = Organization.objects.filter(slug=slug).first()
        # One answer whether or not the slug exists, so unpublished listings stay unseen.
        if organization is None or not member_can_manage(user=user, organization=organization):
            raise serializers.ValidationError(_("No organization you manage has this slug."))
        return organization


# --- Views ---------------------------------------------------------------------------------


def _query_parameters(*names: str) -> list[OpenApiParameter]:
    described = {
        "q": OpenApiParameter(
            "q",
            str,
            description="Search words (name, tags, description); the last may be partial.",
        ),
        "kind": OpenApiParameter("kind", str, enum=Organization.Kind.values),
        "tag": OpenApiParameter(
            "tag", str, many=True, explode=True, description="Tag slug; repeat for all of several."
        ),
        "license": OpenApiParameter("license", str, description="SPDX license identifier."),
        "city": OpenApiParameter("city", str, description="City, case-insensitive."),
        "seeking": OpenApiParameter(
            "seeking", str, enum=["1"], description="1: only projects seeking contributors."
        ),
        "innersource": OpenApiParameter(
            "innersource", str, enum=["1"], description="1: only organizations with InnerSource."
        ),
        "health": OpenApiParameter(
            "health",
            str,
            enum=ProjectHealth.Activity.values,
            description="Projects whose forge shows them active (a commit in the last 90 "
            "days), quiet, or archived.",
        ),
        "used_by": OpenApiParameter(
            "used_by",
            str,
            enum=[USED_BY_PUBLIC],
            description="public: only projects that a published public body runs or evaluates.",
        ),
        "sort": OpenApiParameter(
            "sort",
            str,
            enum=list(SORTS),
            description="relevance (the default: best match, or featured first), name, newest, "
            "active (projects by their last commit).",
        ),
    }
    return [described[name] for name in names]


def organizations_with_related(queryset: QuerySet) -> QuerySet:
    """Organizations with their tags and published projects, in a constant number of queries."""
    roles = (
        roles_with_public_projects()
        # What ProjectOfOrganizationSerializer shows, not each project's texts.
        .only("role", "organization_id", "project__slug", "project__name")
    )
    return queryset.prefetch_related("tags", Prefetch("project_roles", queryset=roles))


def projects_with_related(queryset: QuerySet) -> QuerySet:
    """Projects with their tags and published organizations, in a constant number of queries."""
    roles = roles_with_public_organizations().only(
        "role", "project_id", "organization__slug", "organization__name"
    )
    return queryset.select_related("health").prefetch_related(
        "tags", Prefetch("roles", queryset=roles)
    )


@method_decorator(cache_anonymous_page, name="list")
@method_decorator(cache_anonymous_page, name="retrieve")
class ListingViewSet(viewsets.ReadOnlyModelViewSet):
    """What the organization and project endpoints share."""

    permission_classes = [CanManageListingOrReadOnly]
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    model: type[Organization] | type[Project]
    tab: str
    ignored_facets: tuple[str, ...]
    input_serializer_class: type[serializers.Serializer]
    edit_input_serializer_class: type[serializers.Serializer]
    edit_result_serializer_class: type[serializers.Serializer]

    def with_related(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def list_query(self) -> DirectoryQuery:
        # Facets of the other listing type do not apply here: ignore them rather than
        # answer with nothing.
        query = DirectoryQuery.from_querydict(self.request.query_params)
        return replace(query.without(*self.ignored_facets), tab=self.tab)

    def get_queryset(self):
        if self.action == "list":
            organizations, projects = directory_results(self.list_query())
            queryset = organizations if self.model is Organization else projects
        elif self.request.method in ("GET", "HEAD", "OPTIONS"):
            queryset = PUBLIC_LISTINGS[self.model]()
        else:
            queryset = self.model.objects.all()
        return self.with_related(queryset)

    def paginate_queryset(self, queryset):
        query = self.list_query()
        rows = PagedRows(
            directory_tab_count(query),
            lambda offset, limit: directory_tab_page(query, queryset, offset, limit),
        )
        return super().paginate_queryset(rows)

    def get_object(self):
        listing = get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])
        # Only those who manage an unpublished listing may know it exists.
        if not user_can_view_listing(user=self.request.user, listing=listing):
            raise Http404
        self.check_object_permissions(self.request, listing)
        return listing

    def reloaded(self, listing):
        return self.with_related(self.model.objects.filter(pk=listing.pk)).get()

    def submit(self, *, data: dict, tags: list[Tag], request):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        serializer = self.input_serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tags = data.pop("tags", [])
        listing = self.submit(data=data, tags=tags, request=request)
        output = self.get_serializer(self.reloaded(listing))
        return Response(output.data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        listing = self.get_object()
        serializer = self.edit_input_serializer_class(
            instance=listing, data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        tags = data.pop("tags", None)
        revision = services.listing_edit(listing=listing, actor=request.user, data=data, tags=tags)
        listing = self.reloaded(listing)
        listing.pending_review = revision is not None
        output = self.edit_result_serializer_class(listing, context=self.get_serializer_context())
        return Response(output.data)


ORGANIZATION_FILTERS = ("q", "kind", "tag", "city", "innersource", "sort")
PROJECT_FILTERS = ("q", "tag", "license", "seeking", "health", "used_by", "sort")


@extend_schema_view(
    list=extend_schema(
        summary="Published organizations",
        description="Filtered like /directory/: facets combine; unknown values are ignored.",
        parameters=_query_parameters(*ORGANIZATION_FILTERS),
    ),
    retrieve=extend_schema(summary="One published organization"),
    create=extend_schema(
        summary="Submit an organization",
        description="The listing is pending until staff publish it; you become its owner.",
        request=OrganizationInputSerializer,
        responses={201: OrganizationSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit an organization you own or administer",
        description="Edits to a published listing of an unverified organization wait for staff.",
        request=OrganizationInputSerializer,
        responses={200: OrganizationEditResultSerializer},
    ),
)
class OrganizationViewSet(ListingViewSet):
    """The region's companies, labs, universities, nonprofits, public bodies and groups."""

    serializer_class = OrganizationSerializer
    model = Organization
    tab = "organizations"
    ignored_facets = PROJECT_ONLY_FACETS
    input_serializer_class = OrganizationInputSerializer
    edit_input_serializer_class = OrganizationInputSerializer
    edit_result_serializer_class = OrganizationEditResultSerializer

    def with_related(self, queryset):
        return organizations_with_related(queryset)

    def submit(self, *, data, tags, request):
        return services.organization_submit(user=request.user, data=data, tags=tags)


@extend_schema_view(
    list=extend_schema(
        summary="Published projects",
        description="Filtered like /directory/: facets combine; unknown values are ignored.",
        parameters=_query_parameters(*PROJECT_FILTERS),
    ),
    retrieve=extend_schema(summary="One published project"),
    create=extend_schema(
        summary="Submit a project",
        description="The listing is pending until staff publish it.",
        request=ProjectInputSerializer,
        responses={201: ProjectSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit a project your organization maintains (or that you submitted alone)",
        description="Edits to a published project of unverified organizations wait for staff.",
        request=ProjectEditInputSerializer,
        responses={200: ProjectEditResultSerializer},
    ),
)
class ProjectViewSet(ListingViewSet):
    """Open source projects of the region, with the organizations behind them."""

    serializer_class = ProjectSerializer
    model = Project
    tab = "projects"
    ignored_facets = ORGANIZATION_ONLY_FACETS
    input_serializer_class = ProjectInputSerializer
    edit_input_serializer_class = ProjectEditInputSerializer
    edit_result_serializer_class = ProjectEditResultSerializer

    def get_serializer_class(self):
        return ProjectSerializer if self.action == "list" else ProjectDetailSerializer

    def with_related(self, queryset):
        queryset = projects_with_related(queryset)
        # One project at a time: how many use it is a subquery of its row.
        return queryset if self.action == "list" else queryset.annotate(users_count=users_count())

    def submit(self, *, data, tags, request):
        organization = data.pop("organization", None)
        role = data.pop("role", ProjectRole.Role.MAINTAINER)
        return services.project_submit(
            user=request.user,
            data=data,
            tags=tags,
            organization=organization,
            role=role,
        )


@extend_schema_view(
    list=extend_schema(summary="Tags (technologies and topics)"),
    retrieve=extend_schema(summary="One tag"),
)
class TagViewSet(viewsets.ReadOnlyModelViewSet):
    """Technologies and topics that organizations and projects are tagged with."""

    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
