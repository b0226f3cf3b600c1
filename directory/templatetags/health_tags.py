"""The project health card and badge: read from the stored ProjectHealth row, never a forge."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from directory.health import health_rules
from directory.models import Project, ProjectHealth

register = template.Library()


def _health_of(listing) -> ProjectHealth | None:
    if not isinstance(listing, Project):
        return None
    try:
        return listing.health
    except ObjectDoesNotExist:
        return None


@register.inclusion_tag("directory/partials/health_card.html")
def health_card(project):
    """The card of the project page: each rule met or not with its figure, and the source."""
    health = _health_of(project)
    if health is None or not (health.fetched_at or health.last_result == "not_found"):
        return {"health": None}
    rules = health_rules(health, timezone.now()) if health.fetched_at else []
    judged = [rule for rule in rules if rule.met is not None]
    return {
        "health": health,
        "rules": rules,
        "met": sum(1 for rule in judged if rule.met),
        "judged": len(judged),
    }


@register.inclusion_tag("directory/partials/health_badge.html")
def health_badge(listing):
    """active / quiet / archived on a directory card (a project read at least once)."""
    health = _health_of(listing)
    return {"activity": health.activity if health else "", "health": health}
