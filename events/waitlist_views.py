"""Confirming or declining a seat offered from the waitlist: from the event page (signed
in), or through the signed link of the offer e-mail, which speaks for the person without a
sign-in. Only a POST changes anything; the link opens a page with the buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events import queries, waitlist
from events.models import Registration
from events.notifications import registration_for_offer_token
from events.permissions import event_is_public

CONFIRMED = gettext_lazy("Your seat is confirmed. Your ticket is on its way by e-mail.")
DECLINED = gettext_lazy(
    "You declined the seat; it goes to the next person in line. Thank you for saying so."
)


def _answer(request, registration: Registration) -> None:
    """Carry out the button pressed, and say what happened."""
    choice = request.POST.get("action")
    try:
        if choice == "confirm":
            waitlist.offer_accept(registration=registration)
            messages.success(request, CONFIRMED)
        elif choice == "decline":
            waitlist.offer_decline(registration=registration)
            messages.success(request, DECLINED)
        else:
            messages.error(request, _("Choose Confirm or Decline."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


@require_POST
@login_required
def offer(request, slug):
    """The Confirm and Decline buttons of the event page and of /me/."""
    event = queries.public_event(slug)
    if event is None:
        raise Http404("No such event.")
    registration = queries.registration_of(request.user, event)
    if registration is None or registration.status != Registration.Status.OFFERED:
        messages.info(request, _("No seat is offered to you for this event right now."))
    else:
        _answer(request, registration)
    return redirect("me" if request.POST.get("next") == "me" else event)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def offer_link(request, slug, token):
    """The page the offer e-mail links to; the signed token names the registration."""
    registration = registration_for_offer_token(token)
    if (
        registration is None
        or registration.event.slug != slug
        or not event_is_public(registration.event)
    ):
        raise Http404("This link is not valid.")
    if request.method == "POST":
        _answer(request, registration)
        return redirect(request.path)
    context = {
        "registration": registration,
        "event": registration.event,
        "is_open": registration.status == Registration.Status.OFFERED
        and timezone.now() < registration.offer_expires_at,
    }
    # The address is the key to the offer; the site's Referrer-Policy (same-origin) keeps
    # it from other sites ("no-referrer" would make browsers send "Origin: null", which
    # fails the CSRF check of the buttons).
    return render(request, "events/offer.html", context)
