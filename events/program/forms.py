"""Forms of the session board and the schedule editor."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
        label=gettext_lazy("Co-hosts (optional)"),
        required=False,
        max_length=500,
        help_text=format_lazy(
            gettext_lazy(
                "E-mail addresses of up to {limit} people registered for this event, "
                "separated by commas."
            ),
            limit=MAX_CO_HOSTS,
        ),
    )

    class Meta:
        model = SessionProposal
        fields = ["title", "description", "format", "duration_minutes", "tags"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "format": forms.RadioSelect,
        }
        labels = {
            "title": gettext_lazy("Title"),
            "description": gettext_lazy("Description"),
            "format": gettext_lazy("Format"),
            "duration_minutes": gettext_lazy("Duration (minutes)"),
            "tags": gettext_lazy("Tags"),
        }
        help_texts = {
            "title": gettext_lazy(
                "A question works well: “What might an open source chamber of commerce look like?”"
            ),
            "description": gettext_lazy(
                "What you want to talk about and who should come. Markdown."
            ),
            "tags": gettext_lazy("Comma-separated topics, for example: civic tech, procurement."),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["duration_minutes"].widget.attrs.update({"min": 10, "max": 240, "step": 5})

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 5:
            raise ValidationError(_("Give the session a title of at least 5 characters."))
        return title

    def clean_co_hosts(self):
        addresses = [
            a.strip().lower() for a in self.cleaned_data["co_hosts"].split(",") if a.strip()
        ]
        addresses = list(dict.fromkeys(addresses))
        if len(addresses) > MAX_CO_HOSTS:
            raise ValidationError(_("At most %(limit)s co-hosts.") % {"limit": MAX_CO_HOSTS})
        people = {p.email.lower(): p for p in co_host_candidates(self.event).filter(
            email__in=addresses
        )}  # fmt: skip
        unknown = [a for a in addresses if a not in people]
        if unknown:
            raise ValidationError(
                _("Not registered for this event: %(addresses)s. Co-hosts need a seat.")
                % {"addresses": ", ".join(unknown)}
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
        labels = {
            "name": gettext_lazy("Name"),
            "capacity": gettext_lazy("Capacity"),
            "accessibility_notes": gettext_lazy("Accessibility notes"),
        }
        help_texts = {
            "capacity": gettext_lazy("Seats, if known."),
            "accessibility_notes": gettext_lazy("Step-free access, hearing loop, quiet room…"),
        }


class SlotForm(forms.Form):
    starts_at = _local_datetime(gettext_lazy("Starts"))
    ends_at = _local_datetime(gettext_lazy("Ends"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = settings.TIME_ZONE
        self.fields["starts_at"].help_text = _("Time zone: %(zone)s.") % {"zone": zone}
        self.fields["ends_at"].help_text = _("Time zone: %(zone)s.") % {"zone": zone}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A slot must end after it starts."))
        return cleaned


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label=gettext_lazy("Merge into"), coerce=int)

    def __init__(self, *args, proposal: SessionProposal, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(p.pk, p.title) for p in candidates if p.pk != proposal.pk]
