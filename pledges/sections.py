"""The pledges section of the organization page (registered in `PledgesConfig.ready()`)."""

from django.utils import timezone

from pledges import charts, queries


def organization_pledges_section(request, organization, *, can_manage: bool) -> dict | None:
    # Public pledges for everyone; private ones too for the organization's people.
    pledges = charts.attach_progress(
        queries.pledges_of_organization(organization, user=request.user),
        timezone.localdate(),
    )
    if not pledges and not can_manage:
        return None
    return {
        "template": "pledges/partials/organization_section.html",
        "context": {"pledges": pledges},
        "stylesheets": ["css/pledges.css"],
    }
