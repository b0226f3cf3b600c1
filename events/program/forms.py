"""Forms of the session board and the schedule editor."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from events.manage_forms import _local_datetime
from events.models import Event, Registration, Room, SessionProposal
from hub.models import User

MAX_CO_HOSTS = 4


def co_host_candidates(event: Event):
    """People who can co-host: registered attendees with a seat and the organizers."""
    return User.objects.filter(
        Q(registrations__event=event, registrations__status__in=Registration.SEAT_HOLDING)
        | Q(organized_events=event)
    ).distinct()


class ProposalForm(forms.ModelForm):
    co_hosts = forms.CharField(
        label="Co-hosts (optional)",
        required=False,
        max_length=500,
        help_text=f"E-mail addresses of up to {MAX_CO_HOSTS} people registered for this "
        "event, separated by commas.",
    )

    class Meta:
        model = SessionProposal
        fields = ["title", "description", "format", "duration_minutes", "tags"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "format": forms.RadioSelect,
        }
        help_texts = {
            "title": "A question works well: “What might an open source chamber of commerce "
            "look like?”",
            "description": "What you want to talk about and who should come. Markdown.",
            "tags": "Comma-separated topics, for example: civic tech, procurement.",
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["duration_minutes"].widget.attrs.update({"min": 10, "max": 240, "step": 5})

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 5:
            raise ValidationError("Give the session a title of at least 5 characters.")
        return title

    def clean_co_hosts(self):
        addresses = [
            a.strip().lower() for a in self.cleaned_data["co_hosts"].split(",") if a.strip()
        ]
        addresses = list(dict.fromkeys(addresses))
        if len(addresses) > MAX_CO_HOSTS:
            raise ValidationError(f"At most {MAX_CO_HOSTS} co-hosts.")
        people = {p.email.lower(): p for p in co_host_candidates(self.event).filter(
            email__in=addresses
        )}  # fmt: skip
        unknown = [a for a in addresses if a not in people]
        if unknown:
            raise ValidationError(
                f"Not registered for this event: {', '.join(unknown)}. Co-hosts need a seat."
            )
        return [people[a] for a in addresses]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "format": data["format"],
            "duration_minutes": data["duration_minutes"],
            "tags": data["tags"],
            "co_hosts": data["co_hosts"],
        }


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "capacity", "accessibility_notes"]


class SlotForm(forms.Form):
    starts_at = _local_datetime("Starts")
    ends_at = _local_datetime("Ends")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = settings.TIME_ZONE
        self.fields["starts_at"].help_text = f"Time zone: {zone}."
        self.fields["ends_at"].help_text = f"Time zone: {zone}."

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "A slot must end after it starts.")
        return cleaned


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label="Merge into", coerce=int)

    def __init__(self, *args, proposal: SessionProposal, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(p.pk, p.title) for p in candidates if p.pk != proposal.pk]
