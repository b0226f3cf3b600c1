"""The asks' section of the organization page (registered in `PledgesConfig.ready()`): for an
organization that pledges hours, the open asks that match it."""

from pledges.asks.queries import asks_matching_organization
from pledges.models import Pledge


def organization_asks_section(request, organization, *, can_manage: bool) -> dict | None:
    if not Pledge.objects.filter(organization=organization, status=Pledge.Status.ACTIVE).exists():
        return None
    asks = asks_matching_organization(organization)
    if not asks:
        return None
    return {
        "template": "pledges/asks/organization_section.html",
        "context": {"matching_asks": asks},
        "stylesheets": ["css/pledges.css", "css/asks.css"],
    }
