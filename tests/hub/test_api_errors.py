"""The API's exception handler: a service's Django exceptions become DRF answers."""

from types import SimpleNamespace

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import CharField, Form
from rest_framework.exceptions import NotFound

from hub.api_errors import exception_handler
from hub.form_errors import add_service_errors


def _answer(exc, view=None):
    response = exception_handler(exc, {"view": view})
    return response.status_code, response.data


def test_field_errors_are_a_400_by_field_with_all_as_non_field_errors():
    error = ValidationError({"hours": "Too many.", NON_FIELD_ERRORS: ["Not now."]})
    assert _answer(error) == (400, {"hours": ["Too many."], "non_field_errors": ["Not now."]})


def test_a_plain_error_is_a_400_with_non_field_errors():
    assert _answer(ValidationError("Closed.")) == (400, {"non_field_errors": ["Closed."]})


def test_a_permission_refusal_is_a_403_that_says_why():
    assert _answer(PermissionDenied("Only owners.")) == (403, {"detail": "Only owners."})
    status, data = _answer(PermissionDenied())
    assert status == 403 and data["detail"]


def test_views_that_answer_in_one_sentence_get_detail_and_code():
    view = SimpleNamespace(service_errors_as_detail=True)
    closed = ValidationError("The board is closed.", code="board_closed")
    assert _answer(closed, view) == (
        400,
        {"detail": "The board is closed.", "code": "board_closed"},
    )
    assert _answer(ValidationError("Started."), view) == (400, {"detail": "Started."})
    assert _answer(ValidationError({"answers": "Bad."}), view) == (400, {"answers": ["Bad."]})


def test_other_exceptions_are_drfs_own():
    assert _answer(NotFound("No such event.")) == (404, {"detail": "No such event."})
    assert exception_handler(KeyError("x"), {"view": None}) is None


class _Form(Form):
    name = CharField()


def test_service_errors_land_on_the_form():
    form = _Form({"name": "x"})
    form.is_valid()
    add_service_errors(
        form, ValidationError({"name": "Taken.", "slug": "Bad.", NON_FIELD_ERRORS: "No."})
    )
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Bad.", "No."]
    plain = _Form({"name": "x"})
    plain.is_valid()
    add_service_errors(plain, ValidationError("Closed."))
    assert plain.non_field_errors() == ["Closed."]
