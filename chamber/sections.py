"""The chamber's section of the organization page (registered in `ChamberConfig.ready()`):
the organization's published practice notes and the positions it endorses; its members also
get a link to write a note."""

from chamber.permissions import user_can_write_practice_for
from chamber.queries import positions_endorsed_by, public_practices_of


def organization_chamber_section(request, organization, *, can_manage: bool) -> dict | None:
    practices = public_practices_of(organization)
    positions = positions_endorsed_by(organization)
    may_write = user_can_write_practice_for(user=request.user, organization=organization)
    if not (practices or positions or may_write):
        return None
    return {
        "template": "chamber/organization_section.html",
        "context": {"practices": practices, "positions": positions, "may_write": may_write},
    }
