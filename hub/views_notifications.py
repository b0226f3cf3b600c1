"""Notification preferences and one-click unsubscribe (RFC 8058)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from hub import notifications


@never_cache
@login_required
def preferences(request):
    if request.method == "POST":
        switchable = [kind for kind, _enabled in notifications.preferences_of(request.user)]
        for kind in switchable:
            notifications.preference_set(
                user=request.user, kind=kind.key, enabled=request.POST.get(kind.key) == "on"
            )
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("notification-preferences")
    return render(
        request,
        "hub/notifications.html",
        {"preferences": notifications.preferences_of(request.user)},
    )


# Mail clients send the one-click POST without a session or CSRF token (RFC 8058);
# the signed token is what authorises it.
@csrf_exempt
@never_cache
def unsubscribe(request, token):
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render(request, "hub/unsubscribe.html", {"invalid": True}, status=400)
    user, kind = found
    done = request.method == "POST"
    if done:
        notifications.preference_set(user=user, kind=kind, enabled=False)
    return render(
        request,
        "hub/unsubscribe.html",
        {"kind": notifications.KINDS[kind], "email": user.email, "done": done},
    )
