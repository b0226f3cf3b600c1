"""Small pieces every app's admin shares: actions that call a service per selected row."""

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class ServiceActionsMixin:
    """For admin actions: run one service per selected row, so every change keeps its rules
    and leaves its audit row; a refused row is reported and the others still go through."""

    def run_each(
        self, request, objects: Iterable, service: Callable, done: str, noun: str | None = None
    ) -> int:
        count = 0
        for obj in objects:
            try:
                service(obj)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{obj}: {error_text(error)}", messages.ERROR)
            else:
                count += 1
        if count:
            singular = noun or str(self.model._meta.verbose_name)
            many = None if noun else str(self.model._meta.verbose_name_plural)
            self.message_user(request, f"{plural(count, singular, many)} {done}.", messages.SUCCESS)
        return count
