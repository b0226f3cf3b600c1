"""A pledge's logged hours as CSV, for the organization's own reporting."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone

from directory.exports import spreadsheet_safe
from pledges.models import Pledge

COLUMNS = [
    "date", "hours", "status", "person", "email", "project", "project_url", "description",
    "link", "logged_at", "reviewed_by", "reviewed_at", "rejection_reason",
]  # fmt: skip


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return spreadsheet_safe(str(value))


def contribution_rows(pledge: Pledge):
    logs = (
        pledge.contributions.select_related("contributor", "project", "reviewed_by")
        .order_by("date", "pk")
        .iterator(chunk_size=500)
    )
    for log in logs:
        yield [
            log.date,
            log.hours,
            log.get_status_display(),
            log.contributor.get_full_name(),
            log.contributor.email,
            log.project.name if log.project_id else "",
            log.project_url,
            log.description,
            log.link,
            timezone.localtime(log.created_at),
            log.reviewed_by.email if log.reviewed_by else "",
            timezone.localtime(log.reviewed_at) if log.reviewed_at else None,
            log.rejection_reason,
        ]


def pledge_csv(pledge: Pledge) -> HttpResponse:
    """Every log of the pledge, whatever its status; cells a spreadsheet would run as a
    formula are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in contribution_rows(pledge):
        writer.writerow([_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"pledge-{pledge.pk}-{pledge.organization.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
