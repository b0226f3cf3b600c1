"""Asks over the API: public asks with their progress to read, and offers of hours to make
and take back (`pledges.asks.services`, under the same rules as the pages)."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from directory.api import TagSerializer
from hub.api import absolute_url
from hub.api_filters import ListFilterBackend
from hub.markdown import render_markdown
from hub.models import FORMER_MEMBER
from hub.openapi import NamedChoiceField
from hub.pagecache import cache_anonymous_page
from pledges.asks import queries, services
from pledges.asks.permissions import user_maintains
from pledges.filters import SlugFilter
from pledges.models import Ask, Offer

ID_PATTERN = r"[0-9]+"


def _hours_field(**kwargs):
    return serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, **kwargs)


class AskProjectSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class MaintainerSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="organization.slug")
    name = serializers.CharField(source="organization.name")
    kind = serializers.CharField(source="organization.kind")


class AskProgressSerializer(serializers.Serializer):
    approved_hours = _hours_field(
        source="approved", help_text="Hours given and approved: the only ones that count."
    )
    hours_wanted = _hours_field(source="wanted")
    percent = serializers.IntegerField(help_text="Approved hours as a share of those wanted.")


class AskSerializer(serializers.ModelSerializer):
    project = AskProjectSerializer(read_only=True)
    maintained_by = MaintainerSerializer(
        source="project.maintaining_roles",
        many=True,
        read_only=True,
        help_text="Published organizations that maintain the project.",
    )
    skills = TagSerializer(many=True, read_only=True)
    status = NamedChoiceField(choices=Ask.Status.choices, enum_name="AskStatusEnum", read_only=True)
    is_open = serializers.BooleanField(
        read_only=True, help_text="Open and its date not passed: it takes offers and hours."
    )
    progress = AskProgressSerializer(read_only=True)
    offered_hours = _hours_field(help_text="Hours people offer (not given yet).")
    offer_count = serializers.IntegerField(read_only=True, help_text="People offering hours.")
    text_html = serializers.SerializerMethodField(help_text="The text, sanitised HTML.")
    how_to_start_html = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The ask's page.")

    class Meta:
        model = Ask
        fields = [
            "id", "title", "project", "maintained_by", "skills", "hours_wanted", "needed_by",
            "status", "is_open", "progress", "offered_hours", "offer_count", "text", "text_html",
            "how_to_start", "how_to_start_html", "page_url", "created_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_text_html(self, ask) -> str:
        return str(render_markdown(ask.text))

    def get_how_to_start_html(self, ask) -> str:
        return str(render_markdown(ask.how_to_start))

    def get_page_url(self, ask) -> str:
        return absolute_url(self, ask.get_absolute_url())


class OfferSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField(help_text="Who offers (maintainers see this).")

    class Meta:
        model = Offer
        fields = ["id", "person", "hours", "note", "created_at"]
        read_only_fields = fields

    def get_person(self, offer) -> dict:
        person = offer.person
        if person.is_former_member:
            return {"name": FORMER_MEMBER, "email": ""}
        return {"name": person.display_name, "email": person.email}


class OfferInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = ["hours", "note"]


class OfferErrorSerializer(serializers.Serializer):
    """A refused offer (`detail`, `code`), or the fields of the request that are wrong."""

    detail = serializers.CharField(required=False, help_text="Why the offer is refused.")
    code = serializers.CharField(required=False, help_text="closed, not_public")
    hours = serializers.ListField(child=serializers.CharField(), required=False)
    note = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class AskFilter(filters.FilterSet):
    skill = SlugFilter(method="with_skill", help_text="A skill's (a tag's) slug.")
    project = SlugFilter(field_name="project__slug", help_text="A project's slug.")
    open = filters.BooleanFilter(
        method="by_open", help_text="true: open asks only; false: closed ones only."
    )

    class Meta:
        model = Ask
        fields = ["skill", "project", "open"]

    def with_skill(self, asks, name, slug):
        skilled = Ask.skills.through.objects.filter(ask=OuterRef("pk"), tag__slug=slug)
        return asks.filter(Exists(skilled))

    def by_open(self, asks, name, value):
        is_open = queries.open_asks_q(timezone.localdate())
        return asks.filter(is_open if value else ~Q(is_open))


REFUSED = OpenApiResponse(
    OfferErrorSerializer,
    description="The ask is closed or not public (`detail`, `code`), or per-field errors.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Asks of listed projects",
        description="What projects ask for help with, soonest date first, with their "
        "progress (approved hours only).",
    ),
    retrieve=extend_schema(summary="One ask, with its progress"),
)
@method_decorator(cache_anonymous_page, name="list")
@method_decorator(cache_anonymous_page, name="retrieve")
class AskViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects' calls for help: skills, hours wanted, by when."""

    serializer_class = AskSerializer
    lookup_value_regex = ID_PATTERN
    filter_backends = [ListFilterBackend]
    filterset_class = AskFilter
    # A refused offer (a closed ask) is one sentence and its code.
    service_errors_as_detail = True

    def get_queryset(self):
        asks = queries.asks_visible_to(self.request.user)
        return queries.with_progress(asks).order_by("needed_by", "pk")

    @extend_schema(
        methods=["GET"],
        summary="The offers made to this ask (its maintainers)",
        responses={
            200: OfferSerializer(many=True),
            403: OpenApiResponse(description="Not one of the project's maintainers."),
        },
    )
    @extend_schema(
        methods=["POST"],
        summary="Offer hours to this ask",
        description="Offering again returns your offer, with 200; withdraw it to offer anew.",
        request=OfferInputSerializer,
        responses={
            201: OpenApiResponse(OfferSerializer, description="Offered now."),
            200: OpenApiResponse(OfferSerializer, description="You offer hours already."),
            400: REFUSED,
        },
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Withdraw your offer",
        request=None,
        responses={204: OpenApiResponse(description="Withdrawn.")},
    )
    @action(
        detail=True,
        methods=["get", "post", "delete"],
        url_path="offers",
        url_name="offers",
        permission_classes=[permissions.IsAuthenticated],
        filter_backends=[],
    )
    def offers(self, request, pk=None):
        ask = self.get_object()
        if request.method == "POST":
            serializer = OfferInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            offer, created = services.offer_make(
                ask=ask, person=request.user, **serializer.validated_data
            )
            code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
            return Response(OfferSerializer(offer).data, status=code)
        if request.method == "DELETE":
            mine = queries.offer_of(ask, request.user)
            if mine is None:
                raise NotFound(_("You have no offer on this ask."))
            services.offer_withdraw(offer=mine, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        if not user_maintains(user=request.user, project=ask.project):
            self.permission_denied(request, message=_("Only the project's maintainers see offers."))
        page = self.paginate_queryset(queries.active_offers(ask))
        return self.get_paginated_response(OfferSerializer(page, many=True).data)
