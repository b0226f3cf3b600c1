"""Forms of the organizer pages: check-in, attendee filter, message, edit, cancel."""

import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events import zones
from events.models import Event, Registration
from events.services import EDITABLE_FIELDS, event_check_times

MAX_QUESTIONS = 10
QUESTION_MAX_LENGTH = 200
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class CheckInForm(forms.Form):
    ticket_code = forms.CharField(
        label=gettext_lazy("Ticket code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
                "class": "checkin__input",
            }
        ),
        error_messages={"required": gettext_lazy("Type or scan a ticket code.")},
    )


class AttendeeFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Registration.Status.choices],
    )


class MessageForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=150,
        help_text=gettext_lazy("Up to 150 characters."),
    )
    text = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        label=gettext_lazy("Text"),
        help_text=gettext_lazy(
            "Plain text, up to 5,000 characters. The e-mail says it comes from the "
            "organizers of this event."
        ),
    )

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError(_("Write a subject."))
        return subject


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label=gettext_lazy("Reason (optional)"),
        help_text=gettext_lazy(
            "Sent to everyone registered, with the news that the event is cancelled."
        ),
    )


def _local_datetime(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT),
    )


class TimeZoneInput(forms.TextInput):
    """A text field with the zones' names as suggestions (a datalist: typing "Vancouver"
    offers America/Vancouver), and any name typed by hand still accepted."""

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "list": f"{attrs.get('id', name)}-names"}
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("spellcheck", "false")
        return super().get_context(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}-names"
        options = format_html_join(
            "", '<option value="{}">', ((n,) for n in zones.suggested_names())
        )
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)


class TimeZoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Time zone"))
        kwargs.setdefault(
            "help_text",
            format_lazy(
                gettext_lazy(
                    "Where the event happens, e.g. America/Vancouver (empty: the hub's, "
                    "{zone}). The times are typed in this zone, and everyone sees them in it."
                ),
                zone=settings.TIME_ZONE,
            ),
        )
        super().__init__(max_length=64, required=False, widget=TimeZoneInput(), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return zones.canonical_name(value) if value else settings.TIME_ZONE


ZONED_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


class InEventTimeZone:
    """For forms with a `time_zone` field and the event's times: the times are shown and
    typed in the zone the form names (the one submitted, else the event's), stored in UTC.
    Call `show_times_in_zone(zone_name)` at the end of `__init__`."""

    def show_times_in_zone(self, zone_name: str) -> None:
        if not self.initial.get("time_zone"):
            self.initial["time_zone"] = zone_name
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ZONED_FIELDS:
            value = self.initial.get(name)
            if name in self.fields and value is not None and timezone.is_aware(value):
                # Naive wall-clock time: the widget shows it as it is.
                self.initial[name] = timezone.localtime(value, zone).replace(tzinfo=None)

    def submitted_zone(self) -> zoneinfo.ZoneInfo:
        """The zone the typed times are in; while the zone typed is wrong (its field says
        so), the one the form showed."""
        try:
            name = zones.canonical_name(self.data.get(self.add_prefix("time_zone")) or "")
        except ValidationError:
            name = self.initial.get("time_zone") or settings.TIME_ZONE
        return zoneinfo.ZoneInfo(name)

    def full_clean(self):
        if not self.is_bound:
            return super().full_clean()
        # Django reads typed times in the current time zone, and says so when one does not
        # exist or is ambiguous there (a daylight-saving change): make it the event's.
        with timezone.override(self.submitted_zone()):
            return super().full_clean()


class ChecksEventTimes:
    """For forms of an event's times: they must fit together by the rule the services
    apply (`event_check_times`); each problem goes on its field unless that has one."""

    def clean(self):
        cleaned = super().clean()
        probe = Event(**{name: cleaned.get(name) for name in ZONED_FIELDS})
        try:
            event_check_times(probe)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned


# The event's fields as the organizers' forms name and explain them, in the reader's language.
EVENT_LABELS = {
    "title": gettext_lazy("Title"),
    "summary": gettext_lazy("Summary"),
    "description": gettext_lazy("Description"),
    "kind": gettext_lazy("Kind"),
    "venue_name": gettext_lazy("Venue name"),
    "venue_address": gettext_lazy("Venue address"),
    "online_url": gettext_lazy("Online link"),
    "offer_hours": gettext_lazy("Hours to confirm an offered seat"),
    "ask_accessibility": gettext_lazy("Ask about accessibility needs"),
    "ask_dietary": gettext_lazy("Ask about dietary requirements"),
}
EVENT_HELP_TEXTS = {
    "summary": gettext_lazy("One or two sentences."),
    "online_url": gettext_lazy("Shown only to people who registered."),
    "offer_hours": gettext_lazy(
        "When a seat frees up, the next person on the waitlist has this long to confirm it "
        "before it goes to the one after. Empty: they get the seat at once."
    ),
}


def formfield_https(model_field, **kwargs):
    """Addresses typed without a scheme are taken as https (Django 6's default too)."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class EventEditForm(InEventTimeZone, ChecksEventTimes, forms.ModelForm):
    """The event's details as organizers see them. Times are typed in the event's time zone."""

    questions = forms.CharField(
        label=gettext_lazy("Your own questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            gettext_lazy(
                "One question per line, up to {questions}, each up to {length} characters. "
                "Answers are optional for attendees."
            ),
            questions=MAX_QUESTIONS,
            length=QUESTION_MAX_LENGTH,
        ),
    )

    class Meta:
        model = Event
        fields = list(EDITABLE_FIELDS)
        formfield_callback = formfield_https
        widgets = {
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        labels = EVENT_LABELS
        help_texts = EVENT_HELP_TEXTS

    def __init__(self, *args, seats_taken: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats_taken = seats_taken
        self.fields["time_zone"] = TimeZoneField()
        in_zone = _("In the event's time zone.")
        self.fields["starts_at"] = _local_datetime(_("Starts"), help_text=in_zone)
        self.fields["ends_at"] = _local_datetime(_("Ends"), help_text=in_zone)
        self.fields["registration_opens_at"] = _local_datetime(
            _("Registration opens"), required=False, help_text=_("Leave empty to open it now.")
        )
        self.fields["registration_closes_at"] = _local_datetime(
            _("Registration closes"),
            required=False,
            help_text=_("Leave empty to keep it open until the event starts."),
        )
        self.fields["capacity"] = forms.IntegerField(
            label=_("Capacity"), required=False, min_value=1
        )
        self.fields["capacity"].help_text = _(
            "Seats; leave empty for no limit. %(taken)s already taken. "
            "More seats go to the waitlist at once, in order."
        ) % {"taken": seats_taken}
        self.fields["capacity"].widget.attrs["min"] = max(seats_taken, 1)
        self.fields["description"].help_text = _("Markdown.")
        if not self.is_bound:
            self.initial["questions"] = "\n".join(str(q) for q in (self.instance.questions or []))
        self.show_times_in_zone(zones.event_zone(self.instance).key)

    def clean_questions(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["questions"].splitlines()]
        questions = list(dict.fromkeys(line for line in lines if line))
        if len(questions) > MAX_QUESTIONS:
            raise ValidationError(_("Ask at most %(limit)s questions.") % {"limit": MAX_QUESTIONS})
        too_long = [q for q in questions if len(q) > QUESTION_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("Each question may be up to %(length)s characters; “%(start)s…” is longer.")
                % {"length": QUESTION_MAX_LENGTH, "start": too_long[0][:40]}
            )
        return questions

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and capacity < self.seats_taken:
            raise ValidationError(
                ngettext(
                    "%(taken)s person already holds a seat; the capacity cannot be lower. "
                    "Cancel registrations first if you need fewer seats.",
                    "%(taken)s people already hold a seat; the capacity cannot be lower. "
                    "Cancel registrations first if you need fewer seats.",
                    self.seats_taken,
                )
                % {"taken": self.seats_taken}
            )
        return capacity

    def update_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
