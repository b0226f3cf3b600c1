"""The programme over the API: proposals with votes, proposing, voting, and the published
schedule. Every change goes through `events.program.services`, under the same rules as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from events import queries as event_queries
from events.models import Event, SessionProposal
from events.program import queries, services
from events.program.forms import MAX_CO_HOSTS, co_host_candidates
from hub.api import absolute_url
from hub.markdown import render_markdown
from hub.openapi import NamedChoiceField
from hub.throttling import VoteThrottle


def _host_names(proposal) -> list[str]:
    return [p.display_name or "An attendee" for p in (proposal.proposer, *proposal.co_hosts.all())]


class ProposalSerializer(serializers.ModelSerializer):
    votes = serializers.IntegerField(source="vote_count", read_only=True)
    hosts = serializers.SerializerMethodField(help_text="Display names of the proposer first.")
    description_html = serializers.SerializerMethodField(help_text="Markdown, sanitised.")
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    page_url = serializers.SerializerMethodField()
    format = NamedChoiceField(
        choices=SessionProposal.Format.choices, enum_name="SessionFormatEnum", read_only=True
    )
    status = NamedChoiceField(
        choices=[
            (s, SessionProposal.Status(s).label) for s in event_queries.PUBLIC_PROPOSAL_STATUSES
        ],
        enum_name="SessionProposalStatusEnum",
        read_only=True,
    )
    voted = serializers.SerializerMethodField(help_text="Whether you voted for it (signed in).")

    class Meta:
        model = SessionProposal
        fields = [
            "id", "title", "description", "description_html", "format", "duration_minutes",
            "tags", "hosts", "status", "votes", "voted", "created_at", "page_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_hosts(self, proposal) -> list[str]:
        return _host_names(proposal)

    def get_description_html(self, proposal) -> str:
        return str(render_markdown(proposal.description))

    def get_page_url(self, proposal) -> str:
        return absolute_url(self, proposal.get_absolute_url())

    def get_voted(self, proposal) -> bool:
        return bool(getattr(proposal, "voted", False))


class ProposalInputSerializer(serializers.Serializer):
    title = serializers.CharField(min_length=5, max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    format = serializers.ChoiceField(
        choices=SessionProposal.Format.choices, default=SessionProposal.Format.DISCUSSION
    )
    duration_minutes = serializers.IntegerField(min_value=10, max_value=240, default=45)
    tags = serializers.CharField(max_length=200, required=False, allow_blank=True)
    co_hosts = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=MAX_CO_HOSTS,
        help_text="E-mail addresses of people registered for the event.",
    )

    def validate_co_hosts(self, value):
        addresses = list(dict.fromkeys(a.lower() for a in value))
        people = {
            p.email.lower(): p
            for p in co_host_candidates(self.context["event"]).filter(email__in=addresses)
        }
        unknown = [a for a in addresses if a not in people]
        if unknown:
            raise serializers.ValidationError(
                _("Not registered for this event: %(addresses)s.")
                % {"addresses": ", ".join(unknown)}
            )
        return [people[a] for a in addresses]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class VoteSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    votes = serializers.IntegerField()
    voted = serializers.BooleanField()


class RoomSerializer(serializers.Serializer):
    name = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    accessibility_notes = serializers.CharField()


class ScheduledSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="proposal.id", help_text="The proposal's id.")
    title = serializers.CharField(source="proposal.title")
    format = serializers.CharField(source="proposal.format")
    hosts = serializers.SerializerMethodField()
    room = serializers.CharField(source="room.name")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    votes = serializers.IntegerField(source="vote_count")
    page_url = serializers.SerializerMethodField()

    def get_hosts(self, session) -> list[str]:
        return _host_names(session.proposal)

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, session) -> str:
        return absolute_url(self, session.proposal.get_absolute_url())


class ScheduleSerializer(serializers.Serializer):
    event = serializers.CharField(help_text="The event's slug.")
    rooms = RoomSerializer(many=True)
    sessions = ScheduledSessionSerializer(many=True)


NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such event or session.")


def _public_program_event(slug: str) -> Event:
    event = event_queries.public_event(slug)
    if event is None or not event.has_program:
        raise NotFound(_("No such event, or it has no session board."))
    return event


class SessionListView(APIView):
    """Proposals of an unconference (or summit): everyone reads, registered attendees propose."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    # A refusal is `detail` and its `code` (board_closed); 403 for who you are (hub.api_errors).
    service_errors_as_detail = True

    @extend_schema(
        summary="Session proposals of an event",
        description="Proposals on the board (never hidden or merged ones), most votes first.",
        responses={200: ProposalSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, slug):
        event = _public_program_event(slug)
        proposals = queries.sorted_proposals(
            queries.proposals_with_votes(event, user=request.user),
            "new" if request.query_params.get("sort") == "new" else "votes",
        )
        data = ProposalSerializer(proposals, many=True, context={"request": request}).data
        return Response(data)

    @extend_schema(
        summary="Propose a session",
        description=(
            "For people registered for the event with a seat, and its organizers, while "
            "proposals are open. A closed board is a 400 with `code` `board_closed`."
        ),
        request=ProposalInputSerializer,
        responses={
            201: ProposalSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Per-field errors or `detail`."),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(DetailSerializer, description="Not registered for the event."),
            404: NOT_FOUND,
        },
    )
    def post(self, request, slug):
        event = _public_program_event(slug)
        data = request.data if isinstance(request.data, dict) else {}
        serializer = ProposalInputSerializer(data=data, context={"event": event})
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_create(
            event=event, actor=request.user, **serializer.validated_data
        )
        proposal = queries.proposals_with_votes(event, user=request.user).get(pk=proposal.pk)
        return Response(
            ProposalSerializer(proposal, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class VoteView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, VoteThrottle]
    # A refusal is `detail` and its `code` (already_voted, not_voted, board_closed).
    service_errors_as_detail = True

    def _proposal(self, slug, pk) -> SessionProposal:
        event = _public_program_event(slug)
        proposal = event_queries.board_proposals(event).filter(pk=pk).first()
        if proposal is None:
            raise NotFound(_("No such session."))
        proposal.event = event
        return proposal

    def _result(self, proposal, *, voted: bool, code: int) -> Response:
        votes = proposal.votes.count()
        return Response({"proposal": proposal.pk, "votes": votes, "voted": voted}, status=code)

    @extend_schema(
        summary="Vote for a session",
        description=(
            "One vote per person and session, for registered attendees with a seat while the "
            "board is open. Voting twice is a 400 with `code` `already_voted`."
        ),
        request=None,
        responses={
            201: VoteSerializer,
            400: OpenApiResponse(DetailSerializer, description="Already voted, or board closed."),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(DetailSerializer, description="Not registered with a seat."),
            404: NOT_FOUND,
        },
    )
    def post(self, request, slug, pk):
        proposal = self._proposal(slug, pk)
        services.vote_cast(proposal=proposal, user=request.user)
        return self._result(proposal, voted=True, code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Take your vote back",
        request=None,
        responses={
            200: VoteSerializer,
            400: OpenApiResponse(DetailSerializer, description="No vote to take back, or closed."),
            401: OpenApiResponse(description="Not signed in."),
            404: NOT_FOUND,
        },
    )
    def delete(self, request, slug, pk):
        proposal = self._proposal(slug, pk)
        services.vote_withdraw(proposal=proposal, user=request.user)
        return self._result(proposal, voted=False, code=status.HTTP_200_OK)


class ScheduleView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="The published schedule of an event",
        description="Rooms and scheduled sessions in time order; 404 until it is published.",
        responses={200: ScheduleSerializer, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        event = _public_program_event(slug)
        if not event.schedule_published:
            raise NotFound(_("The schedule of this event is not published yet."))
        grid = queries.schedule_grid(event)
        data = ScheduleSerializer(
            {"event": event.slug, "rooms": grid.rooms, "sessions": grid.sessions},
            context={"request": request},
        ).data
        return Response(data)
