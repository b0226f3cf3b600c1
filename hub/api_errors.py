"""One error path for the API: what a service raises becomes DRF's answer.

Services speak Django: `ValidationError` (keyed by field, or plain) for the state of
things, `PermissionDenied` for who you are. API views just call the service; this
handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns a ValidationError into a 400 with
per-field messages (`__all__` and plain errors under `non_field_errors`) and a
PermissionDenied into a 403 whose `detail` says why. Everything else is DRF's own.

A view whose refusals are one sentence to show (registering, voting) sets
`service_errors_as_detail = True`: a plain ValidationError is then `{"detail", "code"}`
(the code only when the service gave one), so clients can tell `board_closed` from
`already_voted`.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def validation_error_detail(error: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError as DRF's per-field error body."""
    if hasattr(error, "error_dict"):
        errors = dict(error.message_dict)
        if NON_FIELD_ERRORS in errors:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        return errors
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def refusal_detail(error: DjangoValidationError) -> dict[str, str]:
    """A plain Django ValidationError as one sentence and its code."""
    detail = {"detail": " ".join(error.messages)}
    if getattr(error, "code", None):
        detail["code"] = error.code
    return detail


def to_api_exception(exc: Exception, *, as_detail: bool = False) -> Exception:
    """The DRF exception a service's Django exception stands for (others unchanged)."""
    if isinstance(exc, DjangoValidationError):
        if as_detail and not hasattr(exc, "error_dict"):
            return exceptions.ValidationError(refusal_detail(exc))
        return exceptions.ValidationError(validation_error_detail(exc))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def exception_handler(exc, context):
    as_detail = getattr(context.get("view"), "service_errors_as_detail", False)
    return drf_exception_handler(to_api_exception(exc, as_detail=as_detail), context)
