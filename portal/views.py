from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal import services
from portal.export import export_document
from portal.forms import AccountDeleteForm


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
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for being with us.")
            return redirect("home")
    return render(request, "portal/account_delete.html", {"form": form, "blocking": blocking})
