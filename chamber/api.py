"""The chamber over the API: practice notes and positions to read (public ones only), and
endorsements to give and withdraw on an organization's behalf (`chamber.services`, under
the same rules as the pages)."""

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from chamber import queries, services
from chamber.models import Endorsement, Position, PracticeNote
from chamber.permissions import MayEndorseOrReadOnly, user_can_withdraw
from directory.api import TagSerializer
from directory.models import Organization
from directory.queries import public_organizations
from hub.api import PublicReadViewSet, absolute_url
from hub.markdown import render_markdown
from hub.pagecache import cache_anonymous_page


class ChamberOrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name", "kind"]
        read_only_fields = fields


# A note or position: its Markdown text rendered and sanitised, and its page's address. (A
# comment, not a docstring: the schema would show a docstring as each serializer's text.)
class PublishedTextSerializer(serializers.ModelSerializer):
    text_html = serializers.SerializerMethodField(
        help_text="The text rendered from Markdown and sanitised."
    )
    page_url = serializers.SerializerMethodField(help_text="Its page on the hub.")

    def get_text_html(self, published) -> str:
        return str(render_markdown(published.text))

    def get_page_url(self, published) -> str:
        return absolute_url(self, published.get_absolute_url())


class PracticeSerializer(PublishedTextSerializer):
    organization = ChamberOrganizationSerializer(read_only=True)
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = PracticeNote
        fields = [
            "slug", "title", "summary", "text", "text_html", "organization", "tags", "page_url",
            "published_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PositionSerializer(PublishedTextSerializer):
    endorsement_count = serializers.IntegerField(
        read_only=True, help_text="Published organizations that endorse the position."
    )

    class Meta:
        model = Position
        fields = [
            "slug", "title", "summary", "text", "text_html", "open_for_endorsement",
            "endorsement_count", "page_url", "published_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class EndorsementSerializer(serializers.ModelSerializer):
    organization = ChamberOrganizationSerializer(read_only=True)

    class Meta:
        model = Endorsement
        fields = ["organization", "created_at"]
        read_only_fields = fields


class EndorsementInputSerializer(serializers.Serializer):
    organization = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=public_organizations(),
        help_text="The slug of a published organization you are an owner or admin of.",
    )


class EndorsementRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class EndorsementErrorSerializer(serializers.Serializer):
    """A refused endorsement (`detail`, `code`), or the fields of the request that are wrong."""

    detail = serializers.CharField(required=False, help_text="Why the endorsement is refused.")
    code = serializers.CharField(required=False, help_text="closed, not_published")
    organization = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


PRACTICE_FILTERS = [
    OpenApiParameter("q", str, description="Words in the title, summary or text."),
    OpenApiParameter("tag", str, description="A tag's slug (a malformed one is ignored)."),
    OpenApiParameter(
        "organization", str, description="An organization's slug (a malformed one is ignored)."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Published practice notes",
        description="Notes members wrote and staff published, newest first.",
        parameters=PRACTICE_FILTERS,
    ),
    retrieve=extend_schema(summary="One published practice note"),
)
class PracticeViewSet(PublicReadViewSet):
    """How member organizations do things, in their own words."""

    serializer_class = PracticeSerializer

    def get_queryset(self):
        if self.action == "list":
            return queries.practice_list(queries.PracticeQuery.from_querydict(self.request.GET))
        return queries.practice_list(queries.PracticeQuery())


ENDORSEMENT_ERRORS = {
    403: OpenApiResponse(
        EndorsementRefusedSerializer,
        description="You are not an owner or admin of a published organization (or of the "
        "one named).",
    ),
    404: OpenApiResponse(
        EndorsementRefusedSerializer,
        description="No such position, or (DELETE) the organization does not endorse it.",
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary="Published positions",
        description="Positions of the hub, newest first, with their endorsement counts.",
    ),
    retrieve=extend_schema(summary="One published position"),
)
@method_decorator(cache_anonymous_page, name="endorsements")
class PositionViewSet(PublicReadViewSet):
    """What the hub asks of cities, states and funders, and who stands behind it."""

    serializer_class = PositionSerializer
    # A refused endorsement (a closed position) is one sentence and its code.
    service_errors_as_detail = True

    def get_queryset(self):
        return queries.position_list()

    @extend_schema(
        methods=["GET"],
        summary="Organizations that endorse this position",
        responses={200: EndorsementSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Endorse this position on an organization's behalf",
        description=(
            "For owners and admins of a published organization. Endorsing again returns the "
            "endorsement there is, with 200. A closed position is a 400 (`code`: closed)."
        ),
        request=EndorsementInputSerializer,
        responses={
            201: OpenApiResponse(EndorsementSerializer, description="Endorsed now."),
            200: OpenApiResponse(EndorsementSerializer, description="Already endorsed."),
            400: OpenApiResponse(
                EndorsementErrorSerializer,
                description="The position is closed (`detail`, `code`), or per-field errors.",
            ),
            **ENDORSEMENT_ERRORS,
        },
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Withdraw an organization's endorsement",
        parameters=[
            OpenApiParameter(
                "organization",
                str,
                required=True,
                description="The slug of the organization whose endorsement to withdraw.",
            )
        ],
        request=None,
        responses={204: OpenApiResponse(description="Withdrawn."), **ENDORSEMENT_ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post", "delete"],
        url_path="endorsements",
        url_name="endorsements",
        permission_classes=[MayEndorseOrReadOnly],
    )
    def endorsements(self, request, slug=None):
        position = self.get_object()
        if request.method == "POST":
            return self._endorse(request, position)
        if request.method == "DELETE":
            return self._withdraw(request, position)
        endorsements = (
            queries.public_endorsements()
            .filter(position=position)
            .select_related("organization")
            .order_by("organization__name", "pk")
        )
        page = self.paginate_queryset(endorsements)
        return self.get_paginated_response(EndorsementSerializer(page, many=True).data)

    def _endorse(self, request, position: Position) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        serializer = EndorsementInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        endorsement, created = services.endorsement_create(
            position=position,
            organization=serializer.validated_data["organization"],
            actor=request.user,
        )
        return Response(
            EndorsementSerializer(endorsement).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _withdraw(self, request, position: Position) -> Response:
        endorsement = queries.endorsement_by(position, request.query_params.get("organization", ""))
        if endorsement is None:
            raise NotFound(_("This organization does not endorse this position."))
        if not user_can_withdraw(user=request.user, endorsement=endorsement):
            self.permission_denied(
                request,
                message=_("Only the organization's owners and admins withdraw its name."),
            )
        services.endorsement_withdraw(endorsement=endorsement, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
