"""An event's own time zone: an IANA name, checked against zoneinfo's database.

Times are stored in UTC; organizers type them, and everyone reads them, in the event's zone
(empty means the hub's, settings.TIME_ZONE).
"""

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# In zoneinfo's database, but not places anyone means.
NOT_PLACES = {"Factory", "localtime", "posixrules"}


@lru_cache(maxsize=1)
def _names_by_lowercase() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones() if name not in NOT_PLACES}


@lru_cache(maxsize=1)
def suggested_names() -> tuple[str, ...]:
    """The names to offer in a list: "Area/City" ones and UTC, without legacy aliases."""
    names = _names_by_lowercase().values()
    return tuple(
        sorted(
            name
            for name in names
            if name == "UTC" or ("/" in name and not name.startswith(("Etc/", "SystemV/")))
        )
    )


def canonical_name(text: str) -> str:
    """The zone `text` names, spelled as the database spells it ("america/vancouver" →
    "America/Vancouver"); ValidationError for anything that is not a known zone."""
    name = _names_by_lowercase().get(text.strip().lower())
    if name is None:
        raise ValidationError(
            _(
                "“%(text)s” is not a time zone we know. Use a name like America/Vancouver or "
                "Europe/Berlin."
            ),
            params={"text": text.strip()[:64]},
            code="unknown_time_zone",
        )
    return name


def zone_name(event) -> str:
    """The name of the zone `event`'s times are shown in."""
    return event.time_zone or settings.TIME_ZONE


def event_zone(event) -> zoneinfo.ZoneInfo:
    """The zone of `event`; the hub's if its name is not a known zone (never a 500 for a
    name typed into the admin)."""
    try:
        return zoneinfo.ZoneInfo(canonical_name(zone_name(event)))
    except ValidationError:
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def is_hub_zone(name: str) -> bool:
    return not name or name == settings.TIME_ZONE


def moment_in_words(local) -> str:
    """`local` (a datetime in the event's zone) as a sentence's moment, in the active language:
    "December 7, 2026 at 6:30 PM EST", "7 décembre 2026 à 18 h 30 EST"."""
    return _("%(date)s at %(time)s %(zone)s") % {
        "date": date_format(local, "DATE_FORMAT"),
        "time": date_format(local, "TIME_FORMAT"),
        "zone": date_format(local, "T"),
    }
