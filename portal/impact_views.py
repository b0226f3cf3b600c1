"""The year in numbers: /impact/ (the current year so far, with every year of the hub
listed), /impact/<year>/ and its CSV. Public pages, cached for anonymous readers on the
versions of every public app (cache_versions.PAGE_DEPENDENCIES["portal"])."""

import csv
import io

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from hub.pagecache import cache_anonymous_page
from portal import impact


def _figures(year: int | None) -> tuple[impact.YearInNumbers, list[int]]:
    """The year's figures and every year of the hub; 404 for a year outside them."""
    today = timezone.localdate()
    years = impact.years_of_hub(today)
    if year is None:
        year = today.year
    if year not in years:
        raise Http404("The hub has no numbers for that year.")
    return impact.year_in_numbers(year, today=today), years


@require_safe
@cache_anonymous_page
def year_page(request, year: int | None = None):
    figures, years = _figures(year)
    context = {
        "figures": figures,
        "years": years,
        "organizations": impact.organizations_in_order(
            figures.organizations, ranked=settings.HUB_BOARDS_RANKED
        ),
        "ranked": settings.HUB_BOARDS_RANKED,
        "working_hours_per_month": settings.HUB_WORKING_HOURS_PER_MONTH,
        # /impact/ is this year's page under a second address.
        "canonical_url": request.build_absolute_uri(
            reverse("impact-year", args=[figures.span.year])
        ),
    }
    return render(request, "portal/impact/year.html", context)


@require_safe
@cache_anonymous_page
def year_csv(request, year: int):
    figures, _ = _figures(year)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(impact.CSV_COLUMNS)
    writer.writerows(impact.csv_rows(figures, ranked=settings.HUB_BOARDS_RANKED))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"impact-{year}-as-of-{figures.span.through.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
