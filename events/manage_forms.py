"""Forms of the organizer pages: check-in, attendee filter, message, edit, cancel."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from events.models import Event, Registration
from events.services import EDITABLE_FIELDS, event_check_times

MAX_QUESTIONS = 10
QUESTION_MAX_LENGTH = 200
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class CheckInForm(forms.Form):
    ticket_code = forms.CharField(
        label="Ticket code",
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
        error_messages={"required": "Type or scan a ticket code."},
    )


class AttendeeFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *Registration.Status.choices],
    )


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=150, help_text="Up to 150 characters.")
    text = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Plain text, up to 5,000 characters. The e-mail says it comes from the "
        "organizers of this event.",
    )

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError("Write a subject.")
        return subject


class CancelForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Reason (optional)",
        help_text="Sent to everyone registered, with the news that the event is cancelled.",
    )


def _local_datetime(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT),
    )


def formfield_https(model_field, **kwargs):
    """Addresses typed without a scheme are taken as https (Django 6's default too)."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class EventEditForm(forms.ModelForm):
    """The event's details as organizers see them. Times are typed in the hub's time zone."""

    questions = forms.CharField(
        label="Your own questions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"One question per line, up to {MAX_QUESTIONS}, each up to "
        f"{QUESTION_MAX_LENGTH} characters. Answers are optional for attendees.",
    )

    class Meta:
        model = Event
        fields = list(EDITABLE_FIELDS)
        formfield_callback = formfield_https
        widgets = {
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, seats_taken: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats_taken = seats_taken
        zone = settings.TIME_ZONE
        self.fields["starts_at"] = _local_datetime("Starts", help_text=f"Time zone: {zone}.")
        self.fields["ends_at"] = _local_datetime("Ends", help_text=f"Time zone: {zone}.")
        self.fields["registration_opens_at"] = _local_datetime(
            "Registration opens", required=False, help_text="Leave empty to open it now."
        )
        self.fields["registration_closes_at"] = _local_datetime(
            "Registration closes",
            required=False,
            help_text="Leave empty to keep it open until the event starts.",
        )
        self.fields["capacity"].help_text = (
            f"Seats; leave empty for no limit. {seats_taken} already taken. "
            "More seats go to the waitlist at once, in order."
        )
        self.fields["capacity"].widget.attrs["min"] = max(seats_taken, 1)
        self.fields["description"].help_text = "Markdown."
        if not self.is_bound:
            self.initial["questions"] = "\n".join(str(q) for q in (self.instance.questions or []))

    def clean_questions(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["questions"].splitlines()]
        questions = list(dict.fromkeys(line for line in lines if line))
        if len(questions) > MAX_QUESTIONS:
            raise ValidationError(f"Ask at most {MAX_QUESTIONS} questions.")
        too_long = [q for q in questions if len(q) > QUESTION_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                f"Each question may be up to {QUESTION_MAX_LENGTH} characters; "
                f"“{too_long[0][:40]}…” is longer."
            )
        return questions

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and capacity < self.seats_taken:
            raise ValidationError(
                f"{self.seats_taken} people already hold a seat; the capacity cannot be lower. "
                "Cancel registrations first if you need fewer seats."
            )
        return capacity

    def clean(self):
        cleaned = super().clean()
        probe = Event(
            starts_at=cleaned.get("starts_at"),
            ends_at=cleaned.get("ends_at"),
            registration_opens_at=cleaned.get("registration_opens_at"),
            registration_closes_at=cleaned.get("registration_closes_at"),
        )
        try:
            event_check_times(probe)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def update_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}
