"""The project page's asks (templates/directory/project_detail.html): the directory sits below
pledges and never imports it, so its template asks this tag for the project's open asks."""

from django import template

from directory.permissions import project_is_public
from pledges.asks.permissions import user_maintains
from pledges.asks.queries import open_asks_of_project

register = template.Library()


@register.inclusion_tag("pledges/asks/project_section.html", takes_context=True)
def project_asks(context, project):
    """The project's open asks, and for its maintainers a link to post one."""
    user = context["request"].user
    return {
        "project": project,
        "asks": open_asks_of_project(project) if project_is_public(project) else [],
        "may_post": project_is_public(project) and user_maintains(user=user, project=project),
    }
