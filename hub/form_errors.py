"""One helper puts a service's ValidationError on the form the page shows again."""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.forms import BaseForm

T = TypeVar("T")


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Field errors on their fields; errors of fields the form lacks, `__all__` and plain
    errors as the form's non-field errors."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def service_result(form: BaseForm, service: Callable[..., T], /, **arguments) -> T | None:
    """What `service(**arguments)` returns, or None when it refuses: its ValidationError
    then goes on `form`, which the page shows again. For services that return something."""
    try:
        return service(**arguments)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
