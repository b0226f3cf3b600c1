"""Read side of the directory: what the public may see, searched and faceted."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole
from directory.search import SEARCH_CONFIG

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)


def clean_query(q: str | None) -> str:
    """The words of a search, at most MAX_QUERY_LENGTH characters, punctuation dropped."""
    return " ".join(WORD.findall((q or "")[:MAX_QUERY_LENGTH]))


def _tsquery(words: list[str]) -> str:
    """Every word must match; the last one may be a prefix (people are still typing)."""
    return " & ".join([*words[:-1], f"{words[-1]}:*"])


def text_search(queryset: QuerySet, q: str | None) -> QuerySet:
    """Filter `queryset` by the words of `q`, annotated with `rank` (higher is better)."""
    words = clean_query(q).split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(_tsquery(words), search_type="raw", config=SEARCH_CONFIG)
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    # SQLite: every word somewhere in name, tags or description; names rank first.
    for word in words:
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(tags__name__icontains=word)
        ).distinct()
    return queryset.annotate(
        rank=Case(
            When(name__icontains=words[0], then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


def did_you_mean(model, q: str | None, *, limit: int = 3) -> list[str]:
    """Published names close to `q` when nothing matched (PostgreSQL trigram similarity)."""
    words = clean_query(q)
    if not words or connection.vendor != "postgresql":
        return []
    return list(
        model.objects.published()
        .annotate(similarity=TrigramSimilarity(Lower("name"), words.lower()))
        .filter(similarity__gt=0.2)
        .order_by("-similarity")
        .values_list("name", flat=True)[:limit]
    )


def published_organizations() -> QuerySet:
    return Organization.objects.published().prefetch_related("tags")


def published_projects() -> QuerySet:
    return Project.objects.published().prefetch_related("tags")


def organization_detail(slug: str) -> Organization:
    """A published organization with its published projects and their roles, or DoesNotExist."""
    roles = ProjectRole.objects.filter(project__status=ListingStatus.PUBLISHED).select_related(
        "project"
    )
    return (
        Organization.objects.published()
        .prefetch_related("tags", Prefetch("project_roles", queryset=roles))
        .get(slug=slug)
    )


def project_detail(slug: str) -> Project:
    roles = ProjectRole.objects.filter(organization__status=ListingStatus.PUBLISHED).select_related(
        "organization"
    )
    return (
        Project.objects.published()
        .prefetch_related("tags", Prefetch("roles", queryset=roles))
        .get(slug=slug)
    )


def memberships_of(user) -> QuerySet:
    return Membership.objects.filter(user=user).select_related("organization")
