from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from directory import queries as directory_queries
from events import feeds as event_feeds
from events import queries as event_queries
from hub import forge_accounts
from hub import queries as hub_queries
from hub import services as hub_services
from hub.form_errors import add_service_errors
from hub.forms import ForgeAccountForm, ProfileForm
from hub.models import ForgeAccount
from hub.pagecache import cache_anonymous_page
from pledges import queries as pledge_queries
from pledges.asks import views as asks_views
from portal import services
from portal.export import export_document
from portal.forms import AccountDeleteForm

MY_LOGS_LIMIT = 100


@cache_anonymous_page
def home(request):
    context = {
        "featured_organizations": directory_queries.featured_organizations(limit=6),
        "directory_counts": directory_queries.published_counts(),
    }
    return render(request, "hub/home.html", context)


@never_cache
@login_required
def me(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        hub_services.user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            show_name_on_pledges=form.cleaned_data["show_name_on_pledges"],
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("me")
    return _me_page(request, form=form)


def _me_page(request, *, form, forge_form=None):
    submitted_organizations, submitted_projects = directory_queries.listings_submitted_by(
        request.user
    )
    context = {
        "form": form,
        "api_token": hub_queries.api_token_for(user=request.user),
        "memberships": directory_queries.memberships_of(request.user),
        "submitted_organizations": submitted_organizations,
        "submitted_projects": submitted_projects,
        "registrations": event_queries.registrations_of(request.user),
        **_calendar_feed_context(request),
        "contributions": list(pledge_queries.contributions_of(request.user)[:MY_LOGS_LIMIT]),
        "forge_accounts": list(forge_accounts.forge_accounts_of(request.user)),
        "forge_form": forge_form or ForgeAccountForm(),
        "forge_connect": _forge_connect_links(),
        **asks_views.me_context(request.user),
    }
    return render(request, "hub/me.html", context)


def _forge_connect_links() -> list[tuple[str, str]]:
    """Where to connect a forge account through OAuth, for the forges the hub has an app of
    (allauth's providers are installed only then: hub/settings.py)."""
    if "allauth.socialaccount" not in settings.INSTALLED_APPS:
        return []
    return [
        (ForgeAccount.Forge(forge).label, reverse(f"{provider}_login"))
        for provider, forge in forge_accounts.PROVIDER_FORGES.items()
        if provider in settings.SOCIALACCOUNT_PROVIDERS
    ]


@require_POST
@never_cache
@login_required
def me_forge_account_add(request):
    form = ForgeAccountForm(request.POST)
    if form.is_valid():
        try:
            account = forge_accounts.forge_account_add(
                user=request.user,
                forge=form.cleaned_data["forge"],
                username=form.cleaned_data["username"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(account)s is on your profile, as declared.") % {"account": account}
            )
            return redirect(reverse("me") + "#forge-title")
    # The profile page again, with the form's errors where the person typed.
    profile_form = ProfileForm(instance=request.user)
    return _me_page(request, form=profile_form, forge_form=form)


@require_POST
@login_required
def me_forge_account_remove(request, pk):
    account = get_object_or_404(ForgeAccount, pk=pk, user=request.user)
    forge_accounts.forge_account_remove(user=request.user, account=account)
    messages.success(request, _("%(account)s is no longer on your profile.") % {"account": account})
    return redirect(reverse("me") + "#forge-title")


def _calendar_feed_context(request) -> dict:
    feed = event_feeds.feed_of(request.user)
    if feed is None:
        return {"calendar_feed": None}
    path = reverse("events:personal-calendar", kwargs={"pk": feed.pk, "token": feed.token})
    address = request.build_absolute_uri(path)
    return {
        "calendar_feed": feed,
        "calendar_feed_url": address,
        "calendar_feed_webcal": "webcal://" + address.split("://", 1)[1],
    }


@require_POST
@login_required
def me_calendar_feed(request):
    """Create or replace the secret calendar address (action=renew), or withdraw it."""
    if request.POST.get("action") == "revoke":
        if event_feeds.calendar_feed_revoke(user=request.user):
            messages.success(request, _("Your calendar address is withdrawn: it no longer works."))
    else:
        replacing = event_feeds.feed_of(request.user) is not None
        event_feeds.calendar_feed_renew(user=request.user)
        messages.success(
            request,
            _("Your calendar has a new address; the old one no longer works.")
            if replacing
            else _("Your calendar address is ready. Add it to your calendar app."),
        )
    return redirect(reverse("me") + "#calendar-title")


@require_POST
@login_required
def me_token_regenerate(request):
    replacing = hub_queries.api_token_for(user=request.user) is not None
    hub_services.api_token_regenerate(user=request.user)
    if replacing:
        messages.success(request, _("Your API token was replaced. The old one no longer works."))
    else:
        messages.success(request, _("Your API token was created. Keep it secret."))
    return redirect("me")


@require_safe
@never_cache
@login_required
def export_json(request):
    response = JsonResponse(export_document(request.user), json_dumps_params={"indent": 2})
    filename = f"open-source-hub-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    blocking = []
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user, password=form.cleaned_data["password"])
        except services.LastOwnerError as refusal:
            blocking = [
                (organization, services.members_page(organization))
                for organization in refusal.organizations
            ]
            form.add_error(None, refusal)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for being with us."))
            return redirect("home")
    return render(request, "portal/account_delete.html", {"form": form, "blocking": blocking})
