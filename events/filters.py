"""The filters of the events list, written once: /events/ and /api/v1/events/ read the same
FilterSet. The page ignores a malformed filter (a visitor's typo shows every event); the API
answers it with a 400 naming the field (django-filter's DRF backend)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters

from directory.queries import public_organizations_q
from events.models import Event
from events.queries import MONTH, EventListQuery, parse_month

WHEN_CHOICES = [("upcoming", "Upcoming"), ("past", "Past")]


class MonthField(forms.CharField):
    default_error_messages = {
        "invalid": "Give a month as YYYY-MM, for example 2025-09.",
        # Year 0000 or 9999-12 would make a date Python cannot represent.
        "range": "Give a month between 1900-01 and 9998-12.",
    }

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value and not MONTH.match(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if value and parse_month(value) is None:
            raise ValidationError(self.error_messages["range"], code="range")
        return value


class MonthFilter(filters.CharFilter):
    field_class = MonthField


class SlugFilter(filters.CharFilter):
    field_class = forms.SlugField


class EventFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)
    month = MonthFilter(
        method="in_month",
        help_text="YYYY-MM: events starting that month in the hub's time zone.",
    )
    organization = SlugFilter(
        method="run_by",
        help_text="Slug of the organizing organization.",
    )
    when = filters.ChoiceFilter(
        method="in_tab",
        choices=WHEN_CHOICES,
        help_text=(
            "upcoming (not yet ended, soonest first) or past (latest first). The default is "
            "upcoming, or both when a month is given."
        ),
    )

    class Meta:
        model = Event
        fields = ["kind", "month", "organization", "when"]

    def __init__(self, data=None, queryset=None, *, now=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # One instant for the whole list, so every event is judged at the same moment.
        self.now = now or timezone.now()

    @classmethod
    def for_page(cls, params, queryset: QuerySet, *, now=None) -> "EventFilter":
        """The filters of /events/, which always shows one tab: upcoming unless past."""
        data = params.copy()
        data["when"] = "past" if params.get("when") == "past" else "upcoming"
        return cls(data, queryset, now=now)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Meta.ordering does not apply to a query with an aggregate: order explicitly.
        events = super().filter_queryset(queryset.order_by("starts_at", "pk"))
        wanted = self.form.cleaned_data
        if not wanted.get("when") and not wanted.get("month"):
            events = self.in_tab(events, "when", "upcoming")
        return events

    def in_tab(self, events: QuerySet, name: str, when: str) -> QuerySet:
        """Upcoming holds what has not ended yet (an event under way is still worth finding)."""
        if when == "past":
            return events.filter(ends_at__lt=self.now).order_by("-starts_at", "-pk")
        return events.filter(ends_at__gte=self.now)

    def in_month(self, events: QuerySet, name: str, month: str) -> QuerySet:
        start, end = parse_month(month)
        return events.filter(starts_at__gte=start, starts_at__lt=end)

    def run_by(self, events: QuerySet, name: str, slug: str) -> QuerySet:
        # Only a published organization's events are found by its slug: the filter never
        # tells which events an unpublished one runs.
        return events.filter(public_organizations_q("organization__"), organization__slug=slug)

    def without(self, name: str) -> QuerySet:
        """The events with every filter applied but `name`: what that filter's facet counts."""
        data = self.data.copy()
        data.pop(name, None)
        return type(self)(data, self.queryset, now=self.now).qs

    @property
    def wanted(self) -> EventListQuery:
        """The filters in use, well-formed ones only, as the page shows them."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        return EventListQuery(
            when=cleaned.get("when") or "upcoming",
            kind=cleaned.get("kind") or "",
            month=cleaned.get("month") or "",
            organization=cleaned.get("organization") or "",
        )
