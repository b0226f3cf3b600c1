"""Read side of the directory: what the public may see, searched and faceted."""

import hashlib
import re
import time
from dataclasses import astuple, dataclass, fields, replace

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from directory.licenses import spdx_ids_by_lowercase, spdx_licenses
from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole
from directory.search import SEARCH_CONFIG
from events.models import Event

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)

# Cached numbers of the directory page (facets, result counts, page order). Their keys carry
# a version that every change to what the public sees bumps (directory/services.py, on
# commit); the timeout bounds how long a change made around the services (the admin's
# change form, a shell) can take to show.
VERSION_KEY = "directory:listings:version"
CACHE_SECONDS = 300


def directory_cache_invalidate() -> None:
    """Every cached directory number is stale from now on (their keys carry the version)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Not 1: should the key ever be evicted, entries built under an old version must
        # not come back to life.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY, 0)
    return version


def _cache_key(name: str, query, *extra) -> str:
    digest = hashlib.sha256(repr((astuple(query), extra)).encode()).hexdigest()[:40]
    return f"directory:{name}:{_version()}:{connection.vendor}:{digest}"


def clean_query(q: str | None) -> str:
    """The words of a search, at most MAX_QUERY_LENGTH characters, punctuation dropped."""
    return " ".join(WORD.findall((q or "")[:MAX_QUERY_LENGTH]))


def spdx_id_for(text: str) -> str:
    """The SPDX id as SPDX spells it ("mit" -> "MIT"), or "" when there is none."""
    return spdx_ids_by_lowercase().get(text.strip().lower(), "")


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


def featured_organizations(*, limit: int) -> list[Organization]:
    return list(
        Organization.objects.published()
        .filter(featured=True)
        .prefetch_related("tags")
        .order_by("-published_at", "pk")[:limit]
    )


def published_counts() -> dict[str, int]:
    """How many organizations and projects the directory shows."""
    return {
        "organizations": Organization.objects.published().count(),
        "projects": Project.objects.published().count(),
    }


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


# --- The directory page: search, facets, tabs ----------------------------------------------

TABS = ("all", "organizations", "projects")
SORTS = {"relevance": "Relevance", "name": "Name", "newest": "Newest"}
ORGANIZATION_ONLY_FACETS = ("kind", "city", "innersource")
PROJECT_ONLY_FACETS = ("license", "seeking")


@dataclass(frozen=True)
class DirectoryQuery:
    """What a directory URL asks for; unknown or malformed values are dropped, not errors."""

    q: str = ""
    tab: str = "all"
    kind: str = ""
    tags: tuple[str, ...] = ()
    license: str = ""
    city: str = ""
    seeking: bool = False
    innersource: bool = False
    sort: str = "relevance"

    @classmethod
    def from_querydict(cls, params) -> "DirectoryQuery":
        kind = params.get("kind", "")
        tab = params.get("tab", "all")
        sort = params.get("sort", "relevance")
        return cls(
            q=clean_query(params.get("q")),
            tab=tab if tab in TABS else "all",
            kind=kind if kind in Organization.Kind.values else "",
            tags=tuple(
                sorted(
                    {slug for slug in params.getlist("tag") if re.fullmatch(r"[-\w]{1,60}", slug)}
                )
            )[:5],
            license=spdx_id_for(params.get("license", "")),
            city=params.get("city", "")[:80],
            seeking=params.get("seeking") == "1",
            innersource=params.get("innersource") == "1",
            sort=sort if sort in SORTS else "relevance",
        )

    def without(self, *names: str) -> "DirectoryQuery":
        defaults = {field.name: field.default for field in fields(self)}
        return replace(self, **{name: defaults[name] for name in names})

    @property
    def wants_organizations(self) -> bool:
        return self.tab != "projects" and not (self.license or self.seeking)

    @property
    def wants_projects(self) -> bool:
        return self.tab != "organizations" and not (self.kind or self.city or self.innersource)

    @property
    def is_filtered(self) -> bool:
        return self != DirectoryQuery(tab=self.tab, sort=self.sort)


def _ordered(queryset: QuerySet, query: DirectoryQuery) -> QuerySet:
    if query.sort == "name":
        return queryset.order_by(Lower("name"), "pk")
    if query.sort == "newest":
        return queryset.order_by(F("published_at").desc(nulls_last=True), "-pk")
    if query.q:
        return queryset.order_by("-rank", Lower("name"), "pk")
    return queryset.order_by("-featured", Lower("name"), "pk")


def organizations_matching(query: DirectoryQuery) -> QuerySet:
    """Published organizations for `query` (ignoring tabs), filtered, unordered."""
    if query.license or query.seeking:
        return Organization.objects.none()
    queryset = Organization.objects.published()
    if query.kind:
        queryset = queryset.filter(kind=query.kind)
    if query.city:
        queryset = queryset.filter(city__iexact=query.city)
    if query.innersource:
        queryset = queryset.filter(innersource=True)
    for slug in query.tags:
        queryset = queryset.filter(tags__slug=slug)
    return text_search(queryset, query.q)


def projects_matching(query: DirectoryQuery) -> QuerySet:
    # Projects are never featured; the column lets them share ordering with organizations.
    queryset = Project.objects.published().annotate(featured=Value(False))
    if query.kind or query.city or query.innersource:
        return queryset.none()
    if query.license:
        queryset = queryset.filter(license=query.license)
    if query.seeking:
        queryset = queryset.filter(seeking_contributors=True)
    for slug in query.tags:
        queryset = queryset.filter(tags__slug=slug)
    return text_search(queryset, query.q)


def _counts(queryset: QuerySet, field: str) -> list[tuple[str, int]]:
    rows = (
        queryset.order_by()
        .exclude(**{field: ""})
        .values(field)
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", field)
    )
    return [(row[field], row["n"]) for row in rows]


def directory_facets(query: DirectoryQuery, *, tag_limit: int = 25) -> dict:
    """Counts for each facet value within the current result, cached until a listing
    changes (the tab and the sort order change no count).

    A facet's own selection is left out of its counts, so the other values stay
    reachable (pick "company", still see how many labs there are).
    """
    key = _cache_key("facets", query.without("tab", "sort"), tag_limit)
    return cache.get_or_set(
        key, lambda: _directory_facets(query, tag_limit=tag_limit), timeout=CACHE_SECONDS
    )


def _directory_facets(query: DirectoryQuery, *, tag_limit: int) -> dict:
    tag_counts: dict[str, list] = {}
    tag_query = query.without("tags") if not query.tags else query
    for matching in (organizations_matching(tag_query), projects_matching(tag_query)):
        rows = (
            matching.order_by()
            .filter(tags__isnull=False)
            .values("tags__slug", "tags__name")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            entry = tag_counts.setdefault(row["tags__slug"], [row["tags__name"], 0])
            entry[1] += row["n"]
    tags = sorted(tag_counts.items(), key=lambda item: (-item[1][1], item[1][0].lower()))
    licenses = dict(spdx_licenses())
    return {
        "kind": [
            (value, dict(Organization.Kind.choices)[value], n)
            for value, n in _counts(organizations_matching(query.without("kind")), "kind")
        ],
        "city": [
            (value, value, n)
            for value, n in _counts(organizations_matching(query.without("city")), "city")
        ],
        "license": [
            (value, licenses.get(value, {}).get("name", value), n)
            for value, n in _counts(projects_matching(query.without("license")), "license")
        ],
        "tag": [(slug, name, n) for slug, (name, n) in tags[:tag_limit]],
        "seeking": projects_matching(query.without("seeking"))
        .filter(seeking_contributors=True)
        .count(),
        "innersource": organizations_matching(query.without("innersource"))
        .filter(innersource=True)
        .count(),
    }


def directory_results(query: DirectoryQuery) -> tuple[QuerySet, QuerySet]:
    """The ordered organizations and projects the current tab shows."""
    organizations = (
        _ordered(organizations_matching(query), query)
        if query.wants_organizations
        else Organization.objects.none()
    )
    projects = (
        _ordered(projects_matching(query), query)
        if query.wants_projects
        else Project.objects.none()
    )
    return organizations, projects


def directory_counts(query: DirectoryQuery) -> tuple[int, int]:
    """How many organizations and projects the current tab shows, cached until a listing
    changes."""

    def count() -> tuple[int, int]:
        organizations, projects = directory_results(query)
        return (
            organizations.count() if query.wants_organizations else 0,
            projects.count() if query.wants_projects else 0,
        )

    return cache.get_or_set(
        _cache_key("counts", query.without("sort")), count, timeout=CACHE_SECONDS
    )


def directory_page_rows(query: DirectoryQuery, offset: int, limit: int) -> list:
    """One page of the mixed result (organizations and projects together) in a constant
    number of queries: a union of ids in page order (cached until a listing changes), then
    each model's rows with tags."""
    keys = cache.get_or_set(
        _cache_key("page", query, offset, limit),
        lambda: _directory_page_keys(query, offset, limit),
        timeout=CACHE_SECONDS,
    )
    org_ids = [pk for pk, kind in keys if kind == "organization"]
    project_ids = [pk for pk, kind in keys if kind == "project"]
    by_key = {}
    # published() again: a page order from the cache never brings back a listing that
    # stopped being public.
    if org_ids:
        by_key.update(
            {
                ("organization", o.pk): o
                for o in Organization.objects.published()
                .filter(pk__in=org_ids)
                .prefetch_related("tags")
            }
        )
    if project_ids:
        by_key.update(
            {
                ("project", p.pk): p
                for p in Project.objects.published()
                .filter(pk__in=project_ids)
                .prefetch_related("tags")
            }
        )
    return [by_key[(kind, pk)] for pk, kind in keys if (kind, pk) in by_key]


def _directory_page_keys(query: DirectoryQuery, offset: int, limit: int) -> list:
    organizations = organizations_matching(query)
    projects = projects_matching(query)
    if not query.wants_organizations:
        organizations = organizations.none()
    if not query.wants_projects:
        projects = projects.none()
    rank = F("rank") if query.q else Value(0.0)
    org_rows = organizations.order_by().annotate(
        type=Value("organization"), sort_rank=rank, sort_name=Lower("name")
    )
    project_rows = projects.order_by().annotate(
        type=Value("project"), sort_rank=rank, sort_name=Lower("name")
    )
    union = org_rows.values_list(
        "pk", "sort_name", "published_at", "featured", "sort_rank", "type"
    ).union(
        project_rows.values_list(
            "pk", "sort_name", "published_at", "featured", "sort_rank", "type"
        ),
        all=True,
    )
    if query.sort == "name":
        union = union.order_by("sort_name", "pk")
    elif query.sort == "newest":
        union = union.order_by("-published_at", "-pk")
    elif query.q:
        union = union.order_by("-sort_rank", "sort_name", "pk")
    else:
        union = union.order_by("-featured", "sort_name", "pk")
    return [(pk, kind) for pk, *_, kind in union[offset : offset + limit]]


def organization_project_roles(organization: Organization) -> QuerySet:
    """The organization's published projects, with the role it plays in each."""
    return (
        ProjectRole.objects.filter(
            organization=organization, project__status=ListingStatus.PUBLISHED
        )
        .select_related("project")
        .prefetch_related("project__tags")
        .order_by("role", Lower("project__name"))
    )


def project_organization_roles(project: Project) -> QuerySet:
    return (
        ProjectRole.objects.filter(project=project, organization__status=ListingStatus.PUBLISHED)
        .select_related("organization")
        .order_by("role", Lower("organization__name"))
    )


def organizations_managed_by(user) -> QuerySet:
    return Organization.objects.filter(
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.ADMIN],
    ).order_by(Lower("name"))


def organization_memberships(organization: Organization) -> QuerySet:
    status_order = Case(
        When(status=Membership.Status.PENDING, then=Value(0)),
        When(status=Membership.Status.ACTIVE, then=Value(1)),
        default=Value(2),
    )
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by(status_order, "role", "user__email")
    )


def listings_submitted_by(user) -> tuple[QuerySet, QuerySet]:
    return (
        Organization.objects.filter(created_by=user).order_by("-created_at"),
        Project.objects.filter(created_by=user).order_by("-created_at"),
    )


def upcoming_events_of(organization: Organization, *, limit: int = 5) -> list:
    """The organization's published events that have not ended yet, soonest first."""
    return list(
        Event.objects.filter(
            organization=organization,
            status=Event.Status.PUBLISHED,
            ends_at__gte=timezone.now(),
        ).order_by("starts_at")[:limit]
    )
