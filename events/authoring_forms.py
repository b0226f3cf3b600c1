"""Forms for making events: a new event (/events/new/) and a copy of one (…/manage/duplicate/).

Times are typed in the event's own time zone (`manage_forms.InEventTimeZone`).
"""

import re
import zoneinfo
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import zones
from events.authoring import co_organizers_from
from events.manage_forms import EventEditForm, InEventTimeZone, _local_datetime
from events.models import Event
from events.permissions import authoring_organizations

MAX_CO_ORGANIZERS = 20
ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")
FIELD_ORDER = [
    "organization", "kind", "title", "summary", "description", "time_zone", "starts_at",
    "ends_at", "venue_name", "venue_address", "online_url", "capacity", "offer_hours",
    "registration_opens_at",
    "registration_closes_at", "ask_accessibility", "ask_dietary", "questions", "co_organizers",
]  # fmt: skip


class EventCreateForm(EventEditForm):
    """A new event: the edit form's fields, plus who runs it."""

    organization = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Organization"),
        help_text=gettext_lazy(
            "The organization that runs the event. It is named on the event's page."
        ),
    )
    co_organizers = forms.CharField(
        label=gettext_lazy("Co-organizers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "E-mail addresses of members of the organization who run the event with "
            "you, separated by commas or new lines. They see the draft and the attendee list."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, seats_taken=0, **kwargs)
        organizations = authoring_organizations(user)
        field = self.fields["organization"]
        field.queryset = organizations
        if user.is_staff:
            field.required = False
            field.empty_label = _("None: the hub itself runs it")
        else:
            field.empty_label = _("Choose an organization")
            if not self.is_bound and "organization" not in self.initial:
                only = list(organizations[:2])
                if len(only) == 1:
                    self.initial["organization"] = only[0].pk
        self.fields["kind"].choices = [("", _("Choose a kind")), *Event.Kind.choices]
        self.fields["capacity"].help_text = _("Seats; leave empty for no limit.")
        self.fields["capacity"].widget.attrs["min"] = 1
        self.order_fields(FIELD_ORDER)

    def clean_co_organizers(self) -> list[str]:
        addresses = [
            text.lower() for text in ADDRESS_SEPARATORS.split(self.cleaned_data["co_organizers"])
        ]
        addresses = list(dict.fromkeys(text for text in addresses if text))
        if len(addresses) > MAX_CO_ORGANIZERS:
            raise ValidationError(
                _("Name at most %(limit)s co-organizers.") % {"limit": MAX_CO_ORGANIZERS}
            )
        wrong = [text for text in addresses if not _is_email(text)]
        if wrong:
            raise ValidationError(
                _("Not an e-mail address: %(addresses)s.") % {"addresses": ", ".join(wrong)[:200]}
            )
        return addresses

    def clean(self):
        cleaned = super().clean()
        if "co_organizers" in cleaned and "organization" not in self.errors:
            try:
                co_organizers_from(
                    cleaned["co_organizers"], organization=cleaned.get("organization")
                )
            except ValidationError as error:
                self.add_error("co_organizers", error.message_dict["co_organizers"])
        return cleaned

    def service_arguments(self) -> dict:
        return {
            "organization": self.cleaned_data["organization"],
            "data": self.update_data(),
            "co_organizer_emails": self.cleaned_data["co_organizers"],
        }


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def next_week_same_time(event: Event, *, now=None):
    """The first start a week (or a whole number of weeks) after `event`'s, at the same
    wall-clock time in its zone, that is still ahead: the default for a copy."""
    now = now or timezone.now()
    zone = zones.event_zone(event)
    start = timezone.localtime(event.starts_at, zone).replace(tzinfo=None)
    weeks = 1
    while timezone.make_aware(start + timedelta(weeks=weeks), zone) <= now:
        weeks += 1
    return timezone.make_aware(start + timedelta(weeks=weeks), zone)


class DuplicateForm(InEventTimeZone, forms.Form):
    """A copy of an event: its title and when it starts; everything else follows."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.zone = zones.event_zone(event)
        zone_label = self.zone.key.replace("_", " ")
        self.fields["starts_at"] = _local_datetime(
            _("Starts"),
            help_text=_(
                "In the event's time zone, %(zone)s. The end and the registration "
                "window move by the same amount."
            )
            % {"zone": zone_label},
        )
        if not self.is_bound:
            self.initial.setdefault("title", event.title)
            self.initial.setdefault("starts_at", next_week_same_time(event))
        self.show_times_in_zone(self.zone.key)

    def submitted_zone(self) -> zoneinfo.ZoneInfo:
        return self.zone
