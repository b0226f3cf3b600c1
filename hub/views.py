from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hub import queries, services
from hub.forms import ProfileForm
from hub.health import health_report


def home(request):
    return render(request, "hub/home.html")


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
            user=request.user, display_name=form.cleaned_data["display_name"]
        )
        messages.success(request, "Your profile is saved.")
        return redirect("me")
    token = queries.api_token_for(user=request.user)
    return render(request, "hub/me.html", {"form": form, "api_token": token})


@require_POST
@login_required
def me_token_regenerate(request):
    services.api_token_regenerate(user=request.user)
    messages.success(request, "Your API token was replaced. The old one no longer works.")
    return redirect("me")
