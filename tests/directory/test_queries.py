"""The directory's read side: the facet counts of one statement against each facet counted
on its own, and the page order against the whole result, on SQLite and PostgreSQL."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone

from directory import queries, services
from directory.models import Project, Tag
from tests.directory.factories import OrganizationFactory, ProjectFactory, TagFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "q=harbor",
    "q=data",
    "q=data+harbor",
    "q=nothing+matches+this",
    "tag=python",
    "tag=python&tag=gis",
    "kind=company",
    "kind=lab&q=data",
    "city=baltimore",
    "city=BALTIMORE&kind=company&innersource=1",
    "innersource=1&tag=gis",
    "license=MIT",
    "license=MIT&seeking=1",
    "seeking=1&q=harbor",
    "kind=company&license=MIT",
    "tab=projects&sort=name&tag=python",
]


@pytest.fixture
def directory():
    python, gis, civic = (TagFactory(name=name) for name in ("Python", "GIS", "Civic tech"))
    now = timezone.now()
    organizations = [
        ("Harbor Data Co", "company", "Baltimore", True, [python, gis]),
        ("Harbor Mapping", "company", "baltimore", False, [gis]),
        ("Data Lab", "lab", "Towson", True, [python]),
        ("Bay Analytics", "company", "", False, []),
        ("Civic Data Group", "community", "Baltimore", True, [civic, python]),
        ("Open Harbor Labs", "lab", "Columbia", False, [civic]),
    ]
    for n, (name, kind, city, innersource, tags) in enumerate(organizations):
        OrganizationFactory(
            name=name,
            kind=kind,
            city=city,
            innersource=innersource,
            featured=n == 3,
            tags=tags,
            description="Open data about the harbor." if n % 2 else "Tools for the city.",
            published_at=now - timedelta(days=n),
        )
    projects = [
        ("Harbor Tides", "MIT", True, [python]),
        ("Data Docks", "MIT", False, [python, gis]),
        ("Row House Data", "Apache-2.0", True, [civic]),
        ("Bay Maps", "", False, [gis]),
        ("Permit Tracker", "GPL-3.0-only", True, []),
    ]
    for n, (name, license, seeking, tags) in enumerate(projects):
        ProjectFactory(
            name=name,
            license=license,
            seeking_contributors=seeking,
            tags=tags,
            published_at=now - timedelta(days=n, hours=12),
        )
    # Never counted: not published.
    OrganizationFactory(name="Hidden Harbor Data", city="Nowhere", tags=[python], pending=True)
    ProjectFactory(name="Hidden Data", license="AGPL-3.0-only", tags=[gis], pending=True)


def counted_on_their_own(query: queries.DirectoryQuery) -> dict:
    """Each facet in a query of its own, the plain way: what the one statement must give."""

    def per_value(listings, field):
        rows = (
            listings.order_by()
            .exclude(**{field: ""})
            .values(field)
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", field)
        )
        return [(row[field], row["n"]) for row in rows]

    organizations, projects = queries.organizations_matching, queries.projects_matching
    tags = Counter()
    for listings in (organizations(query), projects(query)):
        for slug in Tag.objects.values_list("slug", flat=True):
            tags[slug] += listings.filter(tags__slug=slug).count()
    return {
        "kind": per_value(organizations(query.without("kind")), "kind"),
        "city": per_value(organizations(query.without("city")), "city"),
        "license": per_value(projects(query.without("license")), "license"),
        "innersource": organizations(query.without("innersource")).filter(innersource=True).count(),
        "seeking": projects(query.without("seeking")).filter(seeking_contributors=True).count(),
        "tag": {slug: n for slug, n in tags.items() if n},
        "counts": (
            organizations(query).count() if query.wants_organizations else 0,
            projects(query).count() if query.wants_projects else 0,
        ),
    }


@pytest.mark.parametrize("params", QUERIES)
def test_facet_counts_of_the_one_statement_are_those_of_each_facet_alone(directory, params):
    query = queries.DirectoryQuery.from_querydict(QueryDict(params))
    facets = queries.directory_facets(query)
    assert {
        "kind": [(value, n) for value, _, n in facets["kind"]],
        "city": [(value, n) for value, _, n in facets["city"]],
        "license": [(value, n) for value, _, n in facets["license"]],
        "innersource": facets["innersource"],
        "seeking": facets["seeking"],
        "tag": {slug: n for slug, _, n in facets["tag"]},
        "counts": queries.directory_counts(query),
    } == counted_on_their_own(query)


def test_the_facets_count_what_the_other_facets_leave(directory):
    facets = queries.directory_facets(queries.DirectoryQuery(kind="company", city="Baltimore"))
    # Both spellings of the city are one city; the kinds are counted within it.
    assert [(value, n) for value, _, n in facets["city"]] == [
        ("Baltimore", 1),
        ("baltimore", 1),
    ]
    assert [(value, n) for value, _, n in facets["kind"]] == [("company", 2), ("community", 1)]
    assert facets["license"] == [] and facets["seeking"] == 0
    assert queries.directory_counts(queries.DirectoryQuery(kind="company", city="Baltimore")) == (
        2,
        0,
    )


ORDERS = [
    "",
    "q=data",
    "q=harbor",
    "q=data&sort=name",
    "q=data&sort=newest",
    "q=harbor&kind=company",
    "sort=name",
    "sort=newest",
    "tag=python&sort=name",
]


@pytest.mark.parametrize("params", ORDERS)
def test_pages_follow_one_another_in_the_order_of_the_whole_result(directory, params):
    query = queries.DirectoryQuery.from_querydict(QueryDict(params))
    everything = queries._directory_page_keys(query, 0, 100)
    # A search's first rows come with its counts; the pages below are cut from them.
    assert len(everything) == sum(queries.directory_counts(query))
    pages = [queries._directory_page_keys(query, offset, 3) for offset in range(0, 12, 3)]
    assert [key for page in pages for key in page] == everything


@pytest.mark.parametrize("params", ["q=data", "q=harbor&sort=name", "q=data&tag=python"])
def test_the_first_pages_of_a_search_need_no_query_of_their_own(
    directory, params, django_assert_num_queries
):
    query = queries.DirectoryQuery.from_querydict(QueryDict(params))
    with django_assert_num_queries(1):
        queries.directory_counts(query)
    with django_assert_num_queries(0):
        first_pages = queries._directory_page_keys(query, 0, 6)
    queries.directory_cache_invalidate()
    assert first_pages == queries._directory_page_keys(query, 0, 6)


def test_the_default_order_puts_featured_organizations_first_then_names(directory):
    rows = queries.directory_page_rows(queries.DirectoryQuery(), 0, 5)
    assert [row.name for row in rows] == [
        "Bay Analytics",
        "Bay Maps",
        "Civic Data Group",
        "Data Docks",
        "Data Lab",
    ]


def test_words_with_an_organization_only_facet_show_the_organizations(client, directory):
    html = client.get("/directory/?q=harbor&kind=company").content.decode()
    assert "Harbor Data Co" in html and "Harbor Mapping" in html
    assert "Harbor Tides" not in html and "Open Harbor Labs" not in html


def stored_tag_ids(listing) -> list[int]:
    with connection.cursor() as cursor:
        table = listing._meta.db_table
        cursor.execute(f"SELECT tag_ids FROM {table} WHERE id = %s", [listing.pk])  # noqa: S608 - the model's table
        return cursor.fetchone()[0]


def linked_tag_ids(listing) -> list[int]:
    return sorted(listing.tags.values_list("pk", flat=True))


def test_postgresql_keeps_each_listings_tag_ids_whatever_changes_its_tags(postgres, staff_user):
    python, gis, civic = (TagFactory(name=name) for name in ("Python", "GIS", "Civic tech"))
    organization = OrganizationFactory(tags=[python, gis])
    project = ProjectFactory(tags=[civic])
    assert stored_tag_ids(organization) == sorted([python.pk, gis.pk])
    assert stored_tag_ids(project) == [civic.pk]

    organization.tags.add(civic)
    organization.tags.remove(python)
    assert stored_tag_ids(organization) == sorted([gis.pk, civic.pk])
    assert linked_tag_ids(organization) == sorted([gis.pk, civic.pk])
    project.tags.set([python, gis])
    assert stored_tag_ids(project) == sorted([python.pk, gis.pk])
    gis.delete()
    assert stored_tag_ids(organization) == [civic.pk]
    assert stored_tag_ids(project) == [python.pk]
    project.tags.clear()
    assert stored_tag_ids(project) == []
    # Bulk inserts (the demo seed) and moved links (merges) too.
    Project.tags.through.objects.bulk_create(
        [Project.tags.through(project=project, tag=tag) for tag in (python, civic)]
    )
    assert stored_tag_ids(project) == sorted([python.pk, civic.pk])
    duplicate = OrganizationFactory(tags=[python])
    services.organization_merge(keep=organization, duplicate=duplicate, actor=staff_user)
    assert stored_tag_ids(organization) == linked_tag_ids(organization)
    assert python.pk in stored_tag_ids(organization)


def test_newest_first_puts_undated_listings_last_on_every_tab(directory):
    undated = OrganizationFactory(name="Undated Harbor Data")
    type(undated).objects.filter(pk=undated.pk).update(published_at=None)
    queries.directory_cache_invalidate()
    mixed = queries._directory_page_keys(queries.DirectoryQuery(sort="newest"), 0, 100)
    searched = queries._directory_page_keys(
        queries.DirectoryQuery(q="harbor", sort="newest"), 0, 100
    )
    organizations, _ = queries.directory_results(
        queries.DirectoryQuery(sort="newest", tab="organizations")
    )
    assert mixed[-1] == searched[-1] == (undated.pk, "organization")
    assert list(organizations)[-1] == undated
