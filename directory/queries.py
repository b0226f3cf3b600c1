"""Read side of the directory: what the public may see, searched and faceted."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import astuple, dataclass, fields, replace
from difflib import SequenceMatcher

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Length, Lower
from django.utils.translation import gettext_lazy

from directory.licenses import spdx_ids_by_lowercase, spdx_licenses
from directory.models import (
    ListingStatus,
    Membership,
    Organization,
    Project,
    ProjectHealth,
    ProjectRole,
    Tag,
)
from directory.search import SEARCH_CONFIG
from hub import cache_versions
from hub.pagecache import public_pages_changed

MAX_QUERY_LENGTH = 200
WORD = re.compile(r"\w+", re.UNICODE)

# --- Who sees what: the one statement of each listing's visibility rule ----------------------
#
# The public sees an organization or a project once staff published it: never while it is
# pending, after it was rejected, or once it is archived. Every public surface (pages, API,
# exports, the feed, the digest, the events and pledges that name an organization) reads
# these functions; `directory.permissions` checks one object against the same status.
PUBLIC_LISTING_STATUS = ListingStatus.PUBLISHED


def public_organizations_q(prefix: str = "") -> Q:
    """The organizations the public sees, as a condition; `prefix` reaches them through a
    relation ("organization__" on a pledge, an event or a project role)."""
    return Q(**{f"{prefix}status": PUBLIC_LISTING_STATUS})


def public_projects_q(prefix: str = "") -> Q:
    """The projects the public sees, as a condition (see `public_organizations_q`)."""
    return Q(**{f"{prefix}status": PUBLIC_LISTING_STATUS})


def public_organizations() -> QuerySet:
    return Organization.objects.filter(public_organizations_q())


def public_projects() -> QuerySet:
    return Project.objects.filter(public_projects_q())


def roles_with_public_projects() -> QuerySet:
    """Project roles whose project the public sees: what an organization may list."""
    return ProjectRole.objects.filter(public_projects_q("project__")).select_related("project")


def roles_with_public_organizations() -> QuerySet:
    """Project roles whose organization the public sees: what a project may name."""
    return ProjectRole.objects.filter(public_organizations_q("organization__")).select_related(
        "organization"
    )


PUBLIC_LISTINGS = {Organization: public_organizations, Project: public_projects}

# Cached numbers of the directory page (facets, result counts, page order). Their keys carry
# a version that every change to what the public sees bumps (directory/services.py, on
# commit); the timeout bounds how long a change made around the services (the admin's
# change form, a shell) can take to show.
VERSION_KEY = cache_versions.DIRECTORY_LISTINGS
CACHE_SECONDS = 300


def directory_cache_invalidate() -> None:
    """Every cached directory number is stale from now on (their keys carry the version);
    so are the cached pages that show the directory, as merges move rows with update(),
    which sends no signal."""
    cache_versions.bump(VERSION_KEY)
    public_pages_changed("directory")


def _version() -> int:
    return cache_versions.current(VERSION_KEY)


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


# "Did you mean": on the embedded default the search is compared (difflib) with at most this
# many names, read once per directory version; a name must be this close (0 to 1).
SUGGESTION_CANDIDATES = 5000
SUGGESTION_CUTOFF = 0.75


def _tags_in_public_use() -> QuerySet:
    return Tag.objects.filter(
        Exists(
            Organization.tags.through.objects.filter(
                tag=OuterRef("pk"), organization__in=public_organizations()
            )
        )
        | Exists(
            Project.tags.through.objects.filter(tag=OuterRef("pk"), project__in=public_projects())
        )
    )


def _suggestion_sources() -> list[QuerySet]:
    """What a search may be corrected to: the published listings' names and their tags'."""
    return [public_organizations(), public_projects(), _tags_in_public_use()]


def did_you_mean(q: str | None, *, limit: int = 3) -> list[str]:
    """Names of published listings and of their tags close to the words of `q`, for a search
    that found nothing; closest first, shorter names first among equals. Cached per query
    until a listing changes, in one query at most (PostgreSQL: trigram word similarity on
    the names' trigram indexes; elsewhere difflib over a cached, bounded list of names)."""
    words = clean_query(q).lower()
    if not words:
        return []
    digest = hashlib.sha256(words.encode()).hexdigest()[:40]
    key = f"directory:did-you-mean:{_version()}:{connection.vendor}:{digest}"
    suggestions = cache.get(key)
    if suggestions is None:
        if connection.vendor == "postgresql":
            suggestions = _similar_names_postgresql(words, limit + 1)
        else:
            suggestions = _similar_names(words, _suggestion_vocabulary(), limit + 1)
        cache.set(key, suggestions, timeout=CACHE_SECONDS)
    return [name for name in suggestions if name.lower() != words][:limit]


class WordSimilar(Func):
    """`words <% text` (pg_trgm): some extent of the text is as close to the words as
    pg_trgm.word_similarity_threshold (0.6) asks. A trigram index on the text answers it."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _similar_names_postgresql(words: str, limit: int) -> list[str]:
    matches = [
        source.alias(lower_name=Lower("name"))
        .filter(WordSimilar(Value(words), "lower_name"))
        .annotate(
            similarity=TrigramWordSimilarity(Value(words), "lower_name"), length=Length("name")
        )
        .order_by()
        .values_list("name", "similarity", "length")
        for source in _suggestion_sources()
    ]
    rows = matches[0].union(*matches[1:]).order_by("-similarity", "length", "name")[:limit]
    return [name for name, _similarity, _length in rows]


def _suggestion_vocabulary() -> list[str]:
    names = [source.values_list("name", flat=True).order_by() for source in _suggestion_sources()]
    return cache.get_or_set(
        f"directory:suggestion-names:{_version()}",
        lambda: list(names[0].union(*names[1:])[:SUGGESTION_CANDIDATES]),
        timeout=CACHE_SECONDS,
    )


def _similar_names(words: str, names: list[str], limit: int) -> list[str]:
    """The names closest to `words` (difflib's ratio, at least SUGGESTION_CUTOFF), comparing
    the whole name and each run of as many of its words as the search has."""
    matcher = SequenceMatcher(b=words)
    size = len(words.split())
    scored = []
    for name in names:
        lowered = name.lower()
        tokens = lowered.split()
        best = 0.0
        for extent in {lowered, *(" ".join(tokens[i : i + size]) for i in range(len(tokens)))}:
            matcher.set_seq1(extent)
            # The quick upper bounds first, as difflib.get_close_matches does.
            floor = max(best, SUGGESTION_CUTOFF)
            if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
                best = max(best, matcher.ratio())
        if best >= SUGGESTION_CUTOFF:
            scored.append((-best, len(name), name))
    return [name for *_, name in sorted(scored)[:limit]]


def featured_organizations(*, limit: int) -> list[Organization]:
    return list(
        public_organizations()
        .filter(featured=True)
        .prefetch_related("tags")
        .order_by("-published_at", "pk")[:limit]
    )


def published_counts() -> dict[str, int]:
    """How many organizations and projects the directory shows."""
    return {
        "organizations": public_organizations().count(),
        "projects": public_projects().count(),
    }


def organization_detail(slug: str) -> Organization:
    """A published organization with its published projects and their roles, or DoesNotExist."""
    return (
        public_organizations()
        .prefetch_related("tags", Prefetch("project_roles", queryset=roles_with_public_projects()))
        .get(slug=slug)
    )


def project_detail(slug: str) -> Project:
    """A published project with its published organizations and their roles, or DoesNotExist."""
    return (
        public_projects()
        .select_related("health")
        .prefetch_related("tags", Prefetch("roles", queryset=roles_with_public_organizations()))
        .get(slug=slug)
    )


def memberships_of(user) -> QuerySet:
    return Membership.objects.filter(user=user).select_related("organization")


# --- The directory page: search, facets, tabs ----------------------------------------------

TABS = ("all", "organizations", "projects")
SORTS = {
    "relevance": gettext_lazy("Relevance"),
    "name": gettext_lazy("Name"),
    "newest": gettext_lazy("Newest"),
    "active": gettext_lazy("Recently active"),
}
ORGANIZATION_ONLY_FACETS = ("kind", "city", "innersource")
PROJECT_ONLY_FACETS = ("license", "seeking", "health", "used_by")
# The "used by" facet's one value: projects that public bodies run or evaluate.
USED_BY_PUBLIC = "public"


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
    health: str = ""
    used_by: str = ""
    sort: str = "relevance"

    @classmethod
    def from_querydict(cls, params) -> "DirectoryQuery":
        kind = params.get("kind", "")
        tab = params.get("tab", "all")
        sort = params.get("sort", "relevance")
        health = params.get("health", "")
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
            health=health if health in ProjectHealth.Activity.values else "",
            used_by=USED_BY_PUBLIC if params.get("used_by") == USED_BY_PUBLIC else "",
            sort=sort if sort in SORTS else "relevance",
        )

    def without(self, *names: str) -> "DirectoryQuery":
        defaults = {field.name: field.default for field in fields(self)}
        return replace(self, **{name: defaults[name] for name in names})

    @property
    def wants_organizations(self) -> bool:
        return self.tab != "projects" and not (
            self.license or self.seeking or self.health or self.used_by
        )

    @property
    def wants_projects(self) -> bool:
        return self.tab != "organizations" and not (self.kind or self.city or self.innersource)

    @property
    def health_label(self) -> str:
        return ProjectHealth.Activity(self.health).label if self.health else ""

    @property
    def is_filtered(self) -> bool:
        return self != DirectoryQuery(tab=self.tab, sort=self.sort)


def _ordered(queryset: QuerySet, query: DirectoryQuery) -> QuerySet:
    if query.sort == "name":
        return queryset.order_by(Lower("name"), "pk")
    if query.sort == "newest":
        return queryset.order_by(F("published_at").desc(nulls_last=True), "-pk")
    if query.sort == "active":
        # Organizations have no commits of their own: they come by name.
        if queryset.model is Project:
            return queryset.order_by(
                F("health__last_commit_at").desc(nulls_last=True), Lower("name"), "pk"
            )
        return queryset.order_by(Lower("name"), "pk")
    if query.q:
        return queryset.order_by("-rank", Lower("name"), "pk")
    return queryset.order_by("-featured", Lower("name"), "pk")


def _facet_filters(query: DirectoryQuery, facets: tuple[str, ...]) -> dict[str, Q]:
    """The filters of the values chosen among `facets`, by facet."""
    filters = {
        "kind": Q(kind=query.kind),
        "city": Q(city__iexact=query.city),
        "innersource": Q(innersource=True),
        "license": Q(license=query.license),
        "seeking": Q(seeking_contributors=True),
        "health": Q(health__activity=query.health),
    }
    if query.used_by:
        filters["used_by"] = Q(_used_by_public_bodies())
    return {facet: filters[facet] for facet in facets if getattr(query, facet)}


def _used_by_public_bodies():
    """The "used by public bodies" condition of projects, written with the declarations'
    visibility rule (imported here: directory.uses.queries reads this module)."""
    from directory.uses.queries import used_by_public_bodies

    return used_by_public_bodies()


def _tagged_and_searched(queryset: QuerySet, query: DirectoryQuery) -> QuerySet:
    for slug in query.tags:
        queryset = queryset.filter(tags__slug=slug)
    return text_search(queryset, query.q)


def organizations_matching(query: DirectoryQuery) -> QuerySet:
    """Published organizations for `query` (ignoring tabs), filtered, unordered."""
    if query.license or query.seeking or query.health or query.used_by:
        return Organization.objects.none()
    queryset = public_organizations().filter(
        *_facet_filters(query, ORGANIZATION_ONLY_FACETS).values()
    )
    return _tagged_and_searched(queryset, query)


def projects_matching(query: DirectoryQuery) -> QuerySet:
    # Projects are never featured; the column lets them share ordering with organizations.
    queryset = public_projects().annotate(featured=Value(False))
    if query.kind or query.city or query.innersource:
        return queryset.none()
    queryset = queryset.filter(*_facet_filters(query, PROJECT_ONLY_FACETS).values())
    return _tagged_and_searched(queryset, query)


# The column each facet counts. Kind, city and license count the listings per value; the
# flags count the listings that have them.
FACET_COLUMNS = {
    "kind": "kind",
    "city": "city",
    "innersource": "innersource",
    "license": "license",
    "seeking": "seeking_contributors",
    "health": "health__activity",
    "used_by": "used_by_public",
}
FLAG_FACETS = ("innersource", "seeking", "used_by")
LISTING_FACETS = {
    Organization: (organizations_matching, ORGANIZATION_ONLY_FACETS),
    Project: (projects_matching, PROJECT_ONLY_FACETS),
}
# How many of a search's first rows in page order its counts come with: the first pages of
# the mixed result then need no query of their own, and no second search.
FIRST_ROWS = 100
# What the rows of the mixed result are ordered by, besides their id.
PAGE_COLUMNS = ["published_at", "featured", "sort_rank", "sort_name", "last_active"]
# Undated listings go last, as on the single-type tabs (PostgreSQL puts NULL first when
# descending). Only here: NULLS LAST on the others would keep the indexes from ordering.
NULLABLE_PAGE_COLUMNS = {"published_at", "last_active"}


def _last_active(model) -> Cast | F:
    """A project's last commit; an organization's is NULL (typed, for the union)."""
    if model is Project:
        return F("health__last_commit_at")
    return Cast(Value(None), DateTimeField())


# The listings' own array of tag ids, which PostgreSQL keeps by trigger (directory
# migration 0004); elsewhere tags are counted through the link tables.
TAG_IDS = "tag_ids"


def _page_order(query: DirectoryQuery) -> tuple[str, ...]:
    """The order of the mixed result, over the columns of its rows (`order_by()` style)."""
    if query.sort == "name":
        return ("sort_name", "pk")
    if query.sort == "newest":
        return ("-published_at", "-pk")
    if query.sort == "active":
        return ("-last_active", "sort_name", "pk")
    if query.q:
        return ("-sort_rank", "sort_name", "pk")
    return ("-featured", "sort_name", "pk")


def _directory_numbers(query: DirectoryQuery) -> dict:
    """Totals, facet and tag counts of both listing types for `query` (tab and sort
    aside), cached until a listing changes."""
    key = _cache_key("numbers", query.without("tab", "sort"))
    numbers = cache.get(key)
    if numbers is None:
        numbers, first_rows = _count_directory(query)
        cache.set(key, numbers, timeout=CACHE_SECONDS)
        if first_rows is not None:
            cache.set(_cache_key("first-rows", query), first_rows, timeout=CACHE_SECONDS)
    return numbers


@dataclass(frozen=True)
class _Candidates:
    """One listing type's matches before the facet filters: a common table of the
    counting statement, with a column per facet and per filter in use ("in_<facet>")."""

    model: type
    facets: tuple[str, ...]
    chosen: tuple[str, ...]
    columns: tuple[str, ...]
    sql: str

    @property
    def table(self) -> str:
        return f"{self.model._meta.model_name}_matches"


def _count_directory(query: DirectoryQuery) -> tuple[dict, list | None]:
    """The numbers of `_directory_numbers` in one statement, and for a search on the mixed
    tab the keys of its FIRST_ROWS first rows in page order (every match is ranked by then).

    Each facet counts the listings that pass the other facets' filters, its own choice
    left out (pick "company", still see how many labs there are); the totals and the tags
    count those that pass them all. The listings that match the words and tags are found
    once per type, and every count reads them, rather than searching once per facet.
    """
    numbers = {facet: 0 if facet in FLAG_FACETS else [] for facet in FACET_COLUMNS}
    numbers |= {"organization": 0, "project": 0, "tags": []}
    ordered = bool(query.q) and query.tab == "all"
    tag_ids = TAG_IDS if connection.vendor == "postgresql" else ""
    all_candidates, params = [], []
    for model, (matching, facets) in LISTING_FACETS.items():
        listings = matching(query.without(*facets))
        if listings.query.is_empty():
            continue
        chosen = {
            f"in_{facet}": ExpressionWrapper(condition, output_field=BooleanField())
            for facet, condition in _facet_filters(query, facets).items()
        }
        fields = [FACET_COLUMNS[facet] for facet in facets]
        if "used_by" in facets:
            listings = listings.annotate(used_by_public=_used_by_public_bodies())
        if ordered:
            listings = listings.annotate(
                sort_rank=F("rank"), sort_name=Lower("name"), last_active=_last_active(model)
            )
            fields += PAGE_COLUMNS
        if tag_ids:
            table = connection.ops.quote_name(model._meta.db_table)
            # A column Django does not know (it is the database's own); names only.
            listings = listings.annotate(**{tag_ids: RawSQL(f"{table}.{tag_ids}", ())})  # noqa: S611 - names only
            fields.append(tag_ids)
        sql, listing_params = (
            listings.order_by().annotate(**chosen).values("pk", *fields, *chosen).query
        ).sql_with_params()
        columns = (
            "id",
            *facets,
            *(PAGE_COLUMNS if ordered else ()),
            *([tag_ids] if tag_ids else ()),
            *chosen,
        )
        all_candidates.append(_Candidates(model, facets, tuple(chosen), columns, sql))
        params += listing_params
    if not all_candidates:
        return numbers, [] if ordered else None
    first_rows = []
    with connection.cursor() as cursor:
        cursor.execute(_counting_sql(all_candidates, _page_order(query) if ordered else ()), params)
        for facet, value, label, n, _position in cursor.fetchall():
            if facet == "page":
                first_rows.append((n, value))
            elif facet == "tags":
                numbers["tags"].append((value, label, n))
            elif isinstance(numbers[facet], list):
                numbers[facet].append((value, n))
            else:  # a flag or a total
                numbers[facet] = n
    return numbers, first_rows if ordered else None


def _counting_sql(all_candidates: list[_Candidates], order: tuple[str, ...]) -> str:
    """The statement of `_count_directory`, of (facet, value, label, n, position) rows.

    SQL names come from the models and the facets; values are only in the candidates'
    parameters.
    """
    tables = [f"{c.table} ({', '.join(c.columns)}) AS ({c.sql})" for c in all_candidates]
    counts = [sql for candidates in all_candidates for sql in _counts_sql(candidates)]
    if order:
        # First in the union: its position column decides that column's type.
        counts.insert(0, _first_rows_sql(all_candidates, order))
    return f"WITH {', '.join(tables)} {' UNION ALL '.join(counts)} ORDER BY 1, 5, 4 DESC, 2"


def _where(conditions) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""


def _counts_sql(candidates: _Candidates) -> list[str]:
    """A row per value of each facet, a total (the model's name as the facet), and a "tags"
    row per tag with its slug and name as the value and the label."""
    table, chosen = candidates.table, candidates.chosen
    counts = []
    for facet in candidates.facets:
        others = [condition for condition in chosen if condition != f"in_{facet}"]
        if facet in FLAG_FACETS:
            value, group_by, others = "NULL", "", [*others, facet]
        else:
            value, group_by, others = facet, f"GROUP BY {facet}", [*others, f"{facet} <> ''"]
        counts.append(
            f"SELECT '{facet}', {value}, NULL, COUNT(*), NULL "  # noqa: S608 - names only, values are parameters
            f"FROM {table} {_where(others)} {group_by}"
        )
    model = candidates.model._meta.model_name
    counts.append(
        f"SELECT '{model}', NULL, NULL, COUNT(*), NULL FROM {table} {_where(chosen)}"  # noqa: S608 - names only, values are parameters
    )
    qn = connection.ops.quote_name
    if TAG_IDS in candidates.columns:
        tag_ids = f"SELECT unnest({TAG_IDS}) AS tag_id FROM {table} {_where(chosen)}"  # noqa: S608 - names only, values are parameters
    else:
        link = candidates.model.tags.through._meta
        tag_ids = (
            f"SELECT link.{qn(link.get_field('tag').column)} AS tag_id "  # noqa: S608 - names only, values are parameters
            f"FROM {qn(link.db_table)} link JOIN {table} "
            f"ON {table}.id = link.{qn(link.get_field(model).column)} {_where(chosen)}"
        )
    counts.append(
        f"SELECT 'tags', tag.slug, tag.name, tagged.n, NULL FROM ("  # noqa: S608 - names only, values are parameters
        f"SELECT tag_id, COUNT(*) AS n FROM ({tag_ids}) listing_tags GROUP BY tag_id"
        f") tagged JOIN {qn(Tag._meta.db_table)} tag ON tag.id = tagged.tag_id"
    )
    return counts


def _first_rows_sql(all_candidates: list[_Candidates], order: tuple[str, ...]) -> str:
    """A "page" row per first row of the mixed result: its type as the value, its id as n,
    its position."""
    terms = []
    for name in order:
        column = name.removeprefix("-")
        direction = "ASC" if name == column else "DESC"
        if column in NULLABLE_PAGE_COLUMNS:
            direction += " NULLS LAST"
        terms.append(f"{'id' if column == 'pk' else column} {direction}")
    by = ", ".join(terms)
    rows = " UNION ALL ".join(
        f"SELECT '{c.model._meta.model_name}' AS listing_type, id, "  # noqa: S608 - names only, values are parameters
        f"{', '.join(PAGE_COLUMNS)} FROM {c.table} {_where(c.chosen)}"
        for c in all_candidates
    )
    return (
        f"SELECT 'page', listing_type, NULL, id, ROW_NUMBER() OVER (ORDER BY {by}) "  # noqa: S608 - column names only
        f"FROM ({rows} ORDER BY {by} LIMIT {FIRST_ROWS}) first_rows"
    )


def directory_facets(query: DirectoryQuery, *, tag_limit: int = 25) -> dict:
    """Counts for each facet value within the current result, cached until a listing
    changes (the tab and the sort order change no count).

    A facet's own selection is left out of its counts, so the other values stay
    reachable (pick "company", still see how many labs there are).
    """
    numbers = _directory_numbers(query)
    tag_counts: dict[str, list] = {}
    for slug, name, n in numbers["tags"]:
        entry = tag_counts.setdefault(slug, [name, 0])
        entry[1] += n
    tags = sorted(tag_counts.items(), key=lambda item: (-item[1][1], item[1][0].lower()))
    kinds = dict(Organization.Kind.choices)
    licenses = dict(spdx_licenses())
    return {
        "kind": [(value, kinds[value], n) for value, n in numbers["kind"]],
        "city": [(value, value, n) for value, n in numbers["city"]],
        "license": [
            (value, licenses.get(value, {}).get("name", value), n)
            for value, n in numbers["license"]
        ],
        "tag": [(slug, name, n) for slug, (name, n) in tags[:tag_limit]],
        "seeking": numbers["seeking"],
        "innersource": numbers["innersource"],
        "used_by": [(USED_BY_PUBLIC, gettext_lazy("Public bodies"), numbers["used_by"])]
        if numbers["used_by"]
        else [],
        "health": [
            (value, label, dict(numbers["health"]).get(value, 0))
            for value, label in ProjectHealth.Activity.choices
            if value in dict(numbers["health"])
        ],
    }


def directory_results(query: DirectoryQuery) -> tuple[QuerySet, QuerySet]:
    """The ordered organizations and projects the current tab shows."""
    organizations = (
        _ordered(organizations_matching(query), query)
        if query.wants_organizations
        else Organization.objects.none()
    )
    projects = (
        _ordered(projects_matching(query), query).select_related("health")
        if query.wants_projects
        else Project.objects.none()
    )
    return organizations, projects


def directory_counts(query: DirectoryQuery) -> tuple[int, int]:
    """How many organizations and projects the current tab shows, cached until a listing
    changes."""
    numbers = _directory_numbers(query)
    return (
        numbers["organization"] if query.wants_organizations else 0,
        numbers["project"] if query.wants_projects else 0,
    )


class PagedRows:
    """Just enough of a Paginator's object list: a count already known and a way to fetch
    one window of rows, so the Paginator neither counts nor slices a queryset itself."""

    def __init__(self, total: int, fetch: Callable[[int, int], list]):
        self.total, self.fetch = total, fetch

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list:
        return self.fetch(window.start, window.stop - window.start)


def directory_tab_count(query: DirectoryQuery) -> int:
    """How many listings the organizations or projects tab shows, cached until a listing
    changes: a plain count, for readers that need no facets (the API)."""
    organizations, projects = directory_results(query)
    listings = organizations if query.tab == "organizations" else projects
    return cache.get_or_set(
        _cache_key("count", query.without("sort")), listings.count, timeout=CACHE_SECONDS
    )


def directory_tab_page(query: DirectoryQuery, listings: QuerySet, offset: int, limit: int) -> list:
    """One page of `listings`, the ordered result of `query`'s organizations or projects
    tab (with whatever it prefetches); its ids are cached until a listing changes, and a
    page read again fetches its rows by id instead of ranking every match."""
    key = _cache_key("tab-page", query, offset, limit)
    ids = cache.get(key)
    if ids is None:
        rows = list(listings[offset : offset + limit])
        cache.set(key, [row.pk for row in rows], timeout=CACHE_SECONDS)
        return rows
    # The same filters again: a cached page never shows a listing that stopped matching.
    by_pk = {row.pk: row for row in listings.order_by().filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


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
    # The rule again: a page order from the cache never brings back a listing that stopped
    # being public.
    if org_ids:
        by_key.update(
            {
                ("organization", o.pk): o
                for o in public_organizations().filter(pk__in=org_ids).prefetch_related("tags")
            }
        )
    if project_ids:
        by_key.update(
            {
                ("project", p.pk): p
                for p in public_projects()
                .filter(pk__in=project_ids)
                .select_related("health")
                .prefetch_related("tags")
            }
        )
    return [by_key[(kind, pk)] for pk, kind in keys if (kind, pk) in by_key]


def _directory_page_keys(query: DirectoryQuery, offset: int, limit: int) -> list:
    first_rows = cache.get(_cache_key("first-rows", query))
    if first_rows is not None and (
        offset + limit <= len(first_rows) or len(first_rows) < FIRST_ROWS
    ):
        return first_rows[offset : offset + limit]
    order = _page_order(query)
    # Only the sides the tab shows: a side emptied by the other side's facets has no rank.
    sides = [
        matching(query)
        .order_by()
        .annotate(
            type=Value(kind),
            sort_rank=F("rank") if query.q else Value(0.0),
            sort_name=Lower("name"),
            last_active=_last_active(model),
        )
        .values_list("pk", *PAGE_COLUMNS, "type")
        for wanted, matching, kind, model in (
            (query.wants_organizations, organizations_matching, "organization", Organization),
            (query.wants_projects, projects_matching, "project", Project),
        )
        if wanted
    ]
    if not sides or not limit:
        return []
    order = [
        F(name.removeprefix("-")).desc(nulls_last=True)
        if name.removeprefix("-") in NULLABLE_PAGE_COLUMNS
        else name
        for name in order
    ]
    if len(sides) == 1:
        rows = sides[0].order_by(*order)
    elif connection.features.supports_slicing_ordering_in_compound:
        # The page is among each side's first offset + limit rows in page order, which an
        # index gives when there are no words to rank, instead of sorting every row.
        organizations, projects = (side.order_by(*order)[: offset + limit] for side in sides)
        rows = organizations.union(projects, all=True).order_by(*order)
    else:
        rows = sides[0].union(sides[1], all=True).order_by(*order)
    return [(pk, kind) for pk, *_, kind in rows[offset : offset + limit]]


# A revision's data holds the new value of each field the edit changes (tags as ids) and,
# under this key (no field's name), the values they replaced.
PREVIOUS_VALUES = "_previous"


def revision_changes(revision) -> list[tuple[str, object, object]]:
    """(field name, value before, value proposed) for each field a revision changes; the value
    before is None for revisions recorded before the hub kept it."""
    previous = revision.data.get(PREVIOUS_VALUES, {})
    return [
        (name, previous.get(name), proposed)
        for name, proposed in revision.data.items()
        if name != PREVIOUS_VALUES
    ]


def organization_project_roles(organization: Organization) -> QuerySet:
    """The organization's published projects, with the role it plays in each."""
    return (
        roles_with_public_projects()
        .filter(organization=organization)
        .prefetch_related("project__tags")
        .order_by("role", Lower("project__name"))
    )


def project_organization_roles(project: Project) -> QuerySet:
    """The project's published organizations, with the role each plays."""
    return (
        roles_with_public_organizations()
        .filter(project=project)
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
