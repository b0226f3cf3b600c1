"""The current directory search result as CSV or JSON: published listings only.

Both take the query parameters of `/directory/` (q, tab, kind, tag, license, city, seeking,
innersource, sort) and export the whole result, not one page, up to EXPORT_LIMIT rows.
"""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from directory.models import Organization, Project
from directory.queries import DirectoryQuery, directory_results, roles_with_public_organizations

EXPORT_LIMIT = 5_000
COLUMNS = [
    "type", "name", "slug", "url", "kind", "city", "neighbourhood", "website", "innersource",
    "repository_url", "homepage", "license", "seeking_contributors", "organizations", "tags",
    "description", "published_at",
]  # fmt: skip
# The columns a type of listing fills straight from its field of the same name.
ORGANIZATION_COLUMNS = ("kind", "city", "neighbourhood", "website", "innersource")
PROJECT_COLUMNS = ("repository_url", "homepage", "license", "seeking_contributors")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def export_rows(query: DirectoryQuery, *, build_url, limit: int | None = None):
    """(rows, truncated): up to `limit` dicts for the result of `query`, organizations first."""
    limit = EXPORT_LIMIT if limit is None else limit
    organizations, projects = directory_results(query)
    roles = roles_with_public_organizations()
    listings = list(organizations.prefetch_related("tags")[: limit + 1])
    if len(listings) <= limit:
        listings += projects.prefetch_related("tags", Prefetch("roles", queryset=roles))[
            : limit + 1 - len(listings)
        ]
    truncated = len(listings) > limit
    return [_row(listing, build_url) for listing in listings[:limit]], truncated


def _row(listing: Organization | Project, build_url) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(
        name=listing.name,
        slug=listing.slug,
        url=build_url(listing.get_absolute_url()),
        tags=[tag.slug for tag in listing.tags.all()],
        description=listing.description,
        published_at=listing.published_at,
    )
    if isinstance(listing, Organization):
        row.update(type="organization", **_own_columns(listing, ORGANIZATION_COLUMNS))
    else:
        row.update(
            type="project",
            **_own_columns(listing, PROJECT_COLUMNS),
            organizations=[
                {"slug": role.organization.slug, "name": role.organization.name, "role": role.role}
                for role in listing.roles.all()
            ],
        )
    return row


def _own_columns(listing: Organization | Project, columns: tuple[str, ...]) -> dict:
    return {column: getattr(listing, column) for column in columns}


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets a quote before it."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = "; ".join(
            f"{item['name']} ({item['role']})" if isinstance(item, dict) else item for item in value
        )
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    return spreadsheet_safe(str(value))


def _filename(extension: str) -> str:
    return f"directory-{timezone.localdate():%Y-%m-%d}.{extension}"


def _attachment(response: HttpResponse, extension: str, truncated: bool) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    response["X-Export-Truncated"] = "1" if truncated else "0"
    return response


@require_safe
def export_csv(request):
    query = DirectoryQuery.from_querydict(request.GET)
    rows, truncated = export_rows(query, build_url=request.build_absolute_uri)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, "csv", truncated)


@require_safe
def export_json(request):
    query = DirectoryQuery.from_querydict(request.GET)
    rows, truncated = export_rows(query, build_url=request.build_absolute_uri)
    body = json.dumps(
        {"count": len(rows), "truncated": truncated, "results": rows},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, "json", truncated)
