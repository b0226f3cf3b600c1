"""Events over the API: published and cancelled events for everyone, and one's own
registration for members.

Reads annotate the seats taken so a page of events costs the same number of queries
whatever its length; every registration change goes through `events.services`, under
the same locks and rules as the pages.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from events import queries, services
from events.filters import EventFilter
from events.manage_forms import MAX_QUESTIONS
from events.models import ANSWER_MAX_LENGTH, Event, Registration
from events.permissions import public_organizer
from hub.api import PublicReadViewSet, absolute_url
from hub.api_filters import ListFilterBackend
from hub.bounded import CappedDictField
from hub.markdown import render_markdown
from hub.openapi import NamedChoiceField
from hub.throttling import RegisterThrottle

# --- Output --------------------------------------------------------------------------------


class EventOrganizationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-event-detail", lookup_field="slug")
    page_url = serializers.SerializerMethodField(help_text="The event's page on the hub.")
    description_html = serializers.SerializerMethodField(
        help_text="The description rendered from Markdown and sanitised."
    )
    time_zone = serializers.SerializerMethodField(
        help_text="The hub's time zone (IANA name); times are given with its UTC offset."
    )
    online = serializers.SerializerMethodField(
        help_text="True when the event has an online link; registered people receive it."
    )
    seats_taken = serializers.SerializerMethodField(help_text="Confirmed and checked-in people.")
    seats_left = serializers.SerializerMethodField(help_text="Null when the event has no limit.")
    registration_open = serializers.SerializerMethodField(
        help_text="True when a member can register (or join the waitlist) right now."
    )
    registration_closed_reason = serializers.SerializerMethodField(
        help_text="Why nobody can register right now, in words; null while registration is open."
    )
    organization = serializers.SerializerMethodField(
        help_text="The organizing organization, when it is a published listing."
    )
    kind = NamedChoiceField(choices=Event.Kind.choices, enum_name="EventKindEnum", read_only=True)
    status = NamedChoiceField(
        choices=Event.Status.choices, enum_name="EventStatusEnum", read_only=True
    )

    class Meta:
        model = Event
        fields = [
            "url", "page_url", "slug", "title", "kind", "summary", "description_html",
            "starts_at", "ends_at", "time_zone", "venue_name", "venue_address", "online",
            "capacity", "seats_taken", "seats_left", "registration_opens_at",
            "registration_closes_at", "registration_open", "registration_closed_reason",
            "status", "organization",
        ]  # fmt: skip
        read_only_fields = fields

    def get_page_url(self, event) -> str:
        return absolute_url(self, event.get_absolute_url())

    def get_description_html(self, event) -> str:
        return str(render_markdown(event.description))

    def get_time_zone(self, event) -> str:
        return settings.TIME_ZONE

    def get_online(self, event) -> bool:
        return bool(event.online_url)

    def get_seats_taken(self, event) -> int:
        taken = getattr(event, "seats_taken_count", None)
        return services.seats_taken(event) if taken is None else taken

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_seats_left(self, event) -> int | None:
        if event.capacity is None:
            return None
        return max(event.capacity - self.get_seats_taken(event), 0)

    def _closed_reason(self, event) -> str | None:
        return services.registration_closed_reason(event, now=self.context.get("now"))

    def get_registration_open(self, event) -> bool:
        return self._closed_reason(event) is None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_registration_closed_reason(self, event) -> str | None:
        return self._closed_reason(event)

    @extend_schema_field(EventOrganizationSerializer(allow_null=True))
    def get_organization(self, event):
        # An organization that is not (or no longer) published stays unseen.
        organization = public_organizer(event)
        if organization is None:
            return None
        return {"slug": organization.slug, "name": organization.name}


class RegistrationSerializer(serializers.Serializer):
    """A person's registration, read-only. Fields are declared rather than taken from the
    model: this runs once per registration in a rush, and a ModelSerializer builds its
    fields from the model every time it is created."""

    event = serializers.CharField(
        source="event.slug", read_only=True, help_text="The event's slug."
    )
    status = NamedChoiceField(
        choices=Registration.Status.choices, enum_name="RegistrationStatusEnum", read_only=True
    )
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)
    ticket_code = serializers.CharField(read_only=True)
    accessibility_needs = serializers.CharField(read_only=True)
    dietary_requirements = serializers.CharField(read_only=True)
    answers = serializers.JSONField(read_only=True)
    online_url = serializers.SerializerMethodField(
        help_text="The event's online link; only while the registration holds a seat."
    )
    created_at = serializers.DateTimeField(read_only=True)
    confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    offer_expires_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Until when a seat offered from the waitlist (status `offered`) waits for "
        "the person to confirm it on the page linked from their e-mail; DELETE declines it.",
    )
    checked_in_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_online_url(self, registration) -> str | None:
        if registration.has_ticket and registration.event.online_url:
            return registration.event.online_url
        return None


class RegistrationRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why, in words to show the person.")


class RegistrationErrorSerializer(serializers.Serializer):
    """A refused registration (`detail`), or the fields of the request that are wrong."""

    detail = serializers.CharField(required=False, help_text="Why registration is refused.")
    code = serializers.CharField(required=False, help_text="registration_closed")
    accessibility_needs = serializers.ListField(child=serializers.CharField(), required=False)
    dietary_requirements = serializers.ListField(child=serializers.CharField(), required=False)
    answers = serializers.JSONField(
        required=False,
        help_text="Messages by question, or a list of messages about the answers as a whole.",
    )
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


# --- Input ---------------------------------------------------------------------------------


class RegistrationInputSerializer(serializers.Serializer):
    accessibility_needs = serializers.CharField(
        max_length=Registration._meta.get_field("accessibility_needs").max_length,
        required=False,
        allow_blank=True,
    )
    dietary_requirements = serializers.CharField(
        max_length=Registration._meta.get_field("dietary_requirements").max_length,
        required=False,
        allow_blank=True,
    )
    answers = CappedDictField(
        child=serializers.CharField(max_length=ANSWER_MAX_LENGTH, allow_blank=True),
        required=False,
        max_items=MAX_QUESTIONS,
        noun="answers (one per question)",
        help_text="Answers to the event's own questions, by question text.",
    )

    def validate_accessibility_needs(self, value: str) -> str:
        if value.strip() and not self.context["event"].ask_accessibility:
            raise serializers.ValidationError(
                _("This event does not ask about accessibility needs.")
            )
        return value

    def validate_dietary_requirements(self, value: str) -> str:
        if value.strip() and not self.context["event"].ask_dietary:
            raise serializers.ValidationError(
                _("This event does not ask about dietary requirements.")
            )
        return value

    def validate_answers(self, value: dict) -> dict:
        questions = set(self.context["event"].questions or [])
        unknown = {
            question: [_("Not one of this event's questions.")]
            for question in value
            if question not in questions
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        return {question: text.strip() for question, text in value.items() if text.strip()}


# --- Views ---------------------------------------------------------------------------------


def public_events():
    """The public's events (`events.queries.public_events`), seats taken counted."""
    return (
        queries.public_events()
        .select_related("organization")
        # A correlated subquery: only the page's events get their seats counted.
        .annotate(seats_taken_count=queries.seats_taken_subquery())
    )


NOT_REGISTERED = gettext_noop("You have no registration for this event.")
REGISTRATION_ERRORS = {
    401: OpenApiResponse(description="Not signed in: send a token or a session cookie."),
    404: OpenApiResponse(
        RegistrationRefusedSerializer,
        description="No such event, or (GET, DELETE) you have no active registration for it.",
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary="Published events",
        description=(
            "Published and cancelled events (cancelled ones say so in `status`); drafts never. "
            "Filters combine; a malformed filter is a 400 with the field's error."
        ),
        responses={200: EventSerializer(many=True), 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    ),
    retrieve=extend_schema(summary="One published or cancelled event"),
)
class EventViewSet(PublicReadViewSet):
    """The region's summits, unconferences, meetups, workshops and hackathons."""

    serializer_class = EventSerializer
    # A refused registration or cancellation is one sentence (`detail`) and its `code`.
    service_errors_as_detail = True
    filter_backends = [ListFilterBackend]
    filterset_class = EventFilter

    def get_queryset(self):
        if self.action == "registration":
            # Registration locks and re-reads the event itself; no seat count needed here.
            return queries.public_events()
        return public_events()

    def get_serializer_context(self):
        # One "now" for the whole page, so every event is judged at the same instant.
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _registration_of(self, event: Event, user) -> Registration:
        registration = event.registrations.active().filter(user=user).first()
        if registration is None:
            raise NotFound(_(NOT_REGISTERED))
        return registration

    @extend_schema(
        methods=["GET"],
        summary="Your registration for this event",
        description="Your active (not cancelled) registration; 404 when you have none.",
        responses={200: RegistrationSerializer, **REGISTRATION_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Register for this event",
        description=(
            "A seat while seats last, then the waitlist (`status` says which). Registering "
            "again returns the registration you already have, with 200. A closed registration "
            "(not open yet, closed, started, cancelled event) is a 400 whose `detail` says why; "
            "bad answers are a 400 with per-field errors. The body is optional."
        ),
        request=RegistrationInputSerializer,
        responses={
            201: OpenApiResponse(RegistrationSerializer, description="Registered now."),
            200: OpenApiResponse(RegistrationSerializer, description="Already registered."),
            400: OpenApiResponse(
                RegistrationErrorSerializer,
                description="Registration closed (`detail`), or per-field errors.",
                examples=[
                    OpenApiExample(
                        "Closed",
                        value={"detail": "Registration is closed.", "code": "registration_closed"},
                    ),
                    OpenApiExample(
                        "Bad answers",
                        value={"answers": {"Shoe size?": ["Not one of this event's questions."]}},
                    ),
                ],
            ),
            **REGISTRATION_ERRORS,
        },
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Cancel your registration",
        description=(
            "Possible until the event starts; a freed seat goes to the first person on the "
            "waitlist."
        ),
        request=None,
        responses={
            204: OpenApiResponse(description="Cancelled."),
            400: OpenApiResponse(
                RegistrationRefusedSerializer,
                description="The event has started, or you are already checked in.",
            ),
            **REGISTRATION_ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get", "post", "delete"],
        url_path="registration",
        url_name="registration",
        permission_classes=[permissions.IsAuthenticated],
        throttle_classes=[*viewsets.GenericViewSet.throttle_classes, RegisterThrottle],
    )
    def registration(self, request, slug=None):
        event = self.get_object()
        if request.method == "POST":
            return self._register(request, event)
        registration = self._registration_of(event, request.user)
        if request.method == "DELETE":
            services.registration_cancel(registration=registration, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(RegistrationSerializer(registration).data)

    def _register(self, request, event: Event) -> Response:
        data = request.data if request.data is not None else {}
        serializer = RegistrationInputSerializer(data=data, context={"event": event})
        serializer.is_valid(raise_exception=True)
        result = services.registration_create(
            event=event, user=request.user, **serializer.validated_data
        )
        return Response(
            RegistrationSerializer(result.registration).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
