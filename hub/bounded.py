"""Bounded input: ids, list fields and JSON documents of a size the hub can afford to read.

Each list a person sends is checked for length before a single row is looked up, so a list
of half a million tag slugs costs one comparison, not half a million queries.
"""

import io
import re

from django import forms
from django.conf import settings
from rest_framework import serializers
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# Primary keys are 64-bit: 18 digits always fit. `str.isdigit()` is not enough, it accepts
# "²" (which int() refuses) and Arabic-Indic digits (which int() quietly reads).
_ID = re.compile(r"[0-9]{1,18}")

MAX_TAGS = 20
MAX_TARGET_PROJECTS = 50
# A JSON document nested deeper than this is refused; the hub's own documents use three levels.
MAX_JSON_DEPTH = 32


def parse_id(value) -> int | None:
    """A primary key given as ASCII digits (at most 18), or None for anything else."""
    value = value if isinstance(value, str) else str(value or "")
    return int(value) if _ID.fullmatch(value) else None


def parse_ids(values, *, limit: int) -> list[int]:
    """The plausible primary keys among `values` (a list from a form), at most `limit`."""
    ids = (parse_id(value) for value in values[:limit])
    return [pk for pk in ids if pk is not None]


def too_many_message(limit: int, noun: str) -> str:
    return f"Choose at most {limit} {noun}."


class CappedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice that refuses more than `max_choices` values before any query."""

    def __init__(self, *args, max_choices: int, noun: str = "items", **kwargs):
        self.max_choices, self.noun = max_choices, noun
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > self.max_choices:
            raise forms.ValidationError(
                too_many_message(self.max_choices, self.noun), code="max_choices"
            )
        return super().clean(value)


class _CappedSize:
    """For a serializer field of many items (`container`): more than `max_items` is refused
    before a single item is read."""

    container: type | tuple[type, ...]

    def __init__(self, *, max_items: int, noun: str = "items", **kwargs):
        self.max_items, self.noun = max_items, noun
        super().__init__(**kwargs)

    def too_many(self) -> str:
        return too_many_message(self.max_items, self.noun)

    def to_internal_value(self, data):
        if isinstance(data, self.container) and len(data) > self.max_items:
            raise serializers.ValidationError(self.too_many(), code="max_items")
        return super().to_internal_value(data)


class CappedManyRelatedField(_CappedSize, serializers.ManyRelatedField):
    """`many=True` for a related field, refusing more than `max_items` before any query."""

    container = (list, tuple)


class CappedDictField(_CappedSize, serializers.DictField):
    """A JSON object of at most `max_items` keys, refused before its values are checked."""

    container = dict

    def too_many(self) -> str:
        return f"Give at most {self.max_items} {self.noun}."


def capped_slugs(queryset, *, max_items: int, noun: str, **kwargs) -> CappedManyRelatedField:
    """A list of slugs of `queryset`'s rows, at most `max_items` of them."""
    child = serializers.SlugRelatedField(slug_field="slug", queryset=queryset)
    return CappedManyRelatedField(child_relation=child, max_items=max_items, noun=noun, **kwargs)


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _depth_exceeds(data, limit: int) -> bool:
    """Whether `data` nests lists and objects deeper than `limit` (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item)
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies over the upload limit and documents nested too deep.

    DRF reads the request stream itself, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE would not
    apply to JSON without this check; and Python's decoder answers deep nesting with a
    RecursionError (a 500), not a ValueError.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
            stream = io.BytesIO(body)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            too_deep = True
        else:
            too_deep = _depth_exceeds(data, MAX_JSON_DEPTH)
        if too_deep:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return data
