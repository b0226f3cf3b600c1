from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from directory import queries as directory_queries
from events import queries as event_queries
from hub import queries, services
from hub.forms import ProfileForm
from hub.health import health_report
from hub.pagecache import cache_anonymous_page
from pledges import queries as pledge_queries

MY_LOGS_LIMIT = 100


@cache_anonymous_page
def home(request):
    context = {
        "featured_organizations": directory_queries.featured_organizations(limit=6),
        "directory_counts": directory_queries.published_counts(),
    }
    return render(request, "hub/home.html", context)


@require_GET
@never_cache
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)


@never_cache
@login_required
def me(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            show_name_on_pledges=form.cleaned_data["show_name_on_pledges"],
        )
        messages.success(request, "Your profile is saved.")
        return redirect("me")
    submitted_organizations, submitted_projects = directory_queries.listings_submitted_by(
        request.user
    )
    context = {
        "form": form,
        "api_token": queries.api_token_for(user=request.user),
        "memberships": directory_queries.memberships_of(request.user),
        "submitted_organizations": submitted_organizations,
        "submitted_projects": submitted_projects,
        "registrations": event_queries.registrations_of(request.user),
        "contributions": list(pledge_queries.contributions_of(request.user)[:MY_LOGS_LIMIT]),
    }
    return render(request, "hub/me.html", context)


@require_POST
@login_required
def me_token_regenerate(request):
    services.api_token_regenerate(user=request.user)
    messages.success(request, "Your API token was replaced. The old one no longer works.")
    return redirect("me")
