"""Who uses what over the API.

- `GET projects/<slug>/users/`: the published organizations that say they use a published
  project, by kind, then name.
- `GET organizations/<slug>/uses/`: the published projects a published organization says it
  uses; `POST` there declares one (or changes the declaration there is), for the
  organization's owners and admins.
- `DELETE organizations/<slug>/uses/<project>/`: they withdraw it (staff too).

Writes go through `directory.uses.services`, under the same rules as the pages.
"""

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from directory.models import Organization, Project, ProjectUse
from directory.permissions import (
    user_can_declare_use_for,
    user_can_view_organization,
    user_can_withdraw_use,
)
from directory.queries import public_organizations, public_projects
from directory.uses import queries, services
from hub.api import absolute_url
from hub.openapi import NamedChoiceField
from hub.pagecache import cache_anonymous_page


class UserOrganizationSerializer(serializers.ModelSerializer):
    page_url = serializers.SerializerMethodField(help_text="The organization's page.")

    class Meta:
        model = Organization
        fields = ["slug", "name", "kind", "page_url"]
        read_only_fields = fields

    def get_page_url(self, organization) -> str:
        return absolute_url(self, organization.get_absolute_url())


class UsedProjectSerializer(serializers.ModelSerializer):
    page_url = serializers.SerializerMethodField(help_text="The project's page.")

    class Meta:
        model = Project
        fields = ["slug", "name", "page_url"]
        read_only_fields = fields

    def get_page_url(self, project) -> str:
        return absolute_url(self, project.get_absolute_url())


USE_FIELDS = ["status", "note", "since"]
SINCE_HELP = "When the organization declared its current status."
STATUS_ENUM = "ProjectUseStatusEnum"


def _status_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(
        choices=ProjectUse.Status.choices,
        enum_name=STATUS_ENUM,
        help_text="production, evaluating or stopped (using it no more).",
        **kwargs,
    )


class ProjectUserSerializer(serializers.ModelSerializer):
    """An organization that uses the project."""

    organization = UserOrganizationSerializer(read_only=True)
    status = _status_field(read_only=True)
    since = serializers.DateTimeField(read_only=True, help_text=SINCE_HELP)

    class Meta:
        model = ProjectUse
        fields = ["organization", *USE_FIELDS]
        read_only_fields = fields


class OrganizationUseSerializer(serializers.ModelSerializer):
    """A project the organization uses."""

    project = UsedProjectSerializer(read_only=True)
    status = _status_field(read_only=True)
    since = serializers.DateTimeField(read_only=True, help_text=SINCE_HELP)

    class Meta:
        model = ProjectUse
        fields = ["project", *USE_FIELDS]
        read_only_fields = fields


class UseInputSerializer(serializers.Serializer):
    project = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=public_projects(),
        help_text="The slug of a published project.",
        error_messages={"does_not_exist": _("No published project has this slug.")},
    )
    status = _status_field()
    note = serializers.CharField(
        max_length=services.NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text='What for, in a few words ("runs our 311 service").',
    )


@extend_schema(
    summary="Organizations that use this project",
    description="Published organizations that say they run (production), are trying "
    "(evaluating) or stopped using the project: by kind, then by name. 404 for a project "
    "that is not published.",
)
# The inherited `get` is DRF's, so the cache could not tell this view's app: it names it.
@method_decorator(cache_anonymous_page(apps=("directory",)), name="get")
class ProjectUsersView(generics.ListAPIView):
    serializer_class = ProjectUserSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        project = public_projects().filter(slug=self.kwargs["slug"]).first()
        if project is None:
            raise NotFound(_("No published project has this slug."))
        return queries.project_users(project)


def _organization_or_404(request, slug: str) -> Organization:
    """The organization, to the public once published and to its managers before; one answer
    whether or not an unpublished one exists."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not user_can_view_organization(
        user=request.user, organization=organization
    ):
        raise NotFound(_("No organization has this slug."))
    return organization


USE_REFUSALS = {
    403: OpenApiResponse(
        description="You are not an owner or admin of this organization, or it is not "
        "published yet."
    ),
}


@method_decorator(cache_anonymous_page, name="get")
class OrganizationUsesView(generics.ListAPIView):
    serializer_class = OrganizationUseSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self):
        organization = get_object_or_404(public_organizations(), slug=self.kwargs["slug"])
        return queries.organization_uses(organization)

    @extend_schema(
        summary="Projects this organization uses",
        description="Published projects the organization says it runs, is trying or stopped "
        "using: in production first, then evaluating, then stopped.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Declare that this organization uses a project",
        description="For the organization's owners and admins, once it is published. "
        "Declaring a project again changes the status and the note of the one declaration "
        "there is (200).",
        request=UseInputSerializer,
        responses={
            201: OpenApiResponse(OrganizationUseSerializer, description="Declared now."),
            200: OpenApiResponse(OrganizationUseSerializer, description="Changed, or as it was."),
            **USE_REFUSALS,
        },
    )
    def post(self, request, slug):
        organization = _organization_or_404(request, slug)
        if not user_can_declare_use_for(user=request.user, organization=organization):
            self.permission_denied(
                request,
                message=_("Only the owners and admins of a published organization declare."),
            )
        data = request.data if isinstance(request.data, dict) else {}
        serializer = UseInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        use, created = services.use_declare(
            organization=organization, actor=request.user, **serializer.validated_data
        )
        output = OrganizationUseSerializer(use, context=self.get_serializer_context())
        return Response(
            output.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class OrganizationUseView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = OrganizationUseSerializer

    @extend_schema(
        summary="Withdraw that this organization uses a project",
        description="For the organization's owners and admins, and staff.",
        request=None,
        responses={204: OpenApiResponse(description="Withdrawn."), **USE_REFUSALS},
    )
    def delete(self, request, slug, project):
        organization = _organization_or_404(request, slug)
        if not user_can_withdraw_use(user=request.user, organization=organization):
            self.permission_denied(
                request, message=_("Only the organization's owners and admins withdraw.")
            )
        use = queries.declaration_of(organization, project)
        if use is None:
            raise NotFound(_("This organization has not said it uses this project."))
        services.use_withdraw(use=use, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
