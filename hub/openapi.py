"""The OpenAPI schema says what the API really answers (drf-spectacular's AutoSchema, amended).

drf-spectacular documents what a view declares; these amendments document what every view
does anyway, so a client (or schemathesis) finds each answer it can get in the schema:
- the error answers of every operation (a bad token is a 401 anywhere, a missing object or
  page a 404, refused writes a 403, malformed input or a malformed address a 400), unless the
  view says otherwise;
- reads that anonymous callers may make carry the anonymous security requirement (`{}`),
  whatever permission class grants them;
- a web address that may be empty is a plain string: "" is not a `uri`;
- `NamedChoiceField` is a choice field that is one enum of the name it is given.
"""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from rest_framework import permissions, serializers

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "code": {"type": "string", "description": "A short machine-readable reason."},
    },
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Messages by field (`non_field_errors` for the request as a whole), "
    "or a `detail`.",
    "additionalProperties": {},
}
ERROR_DESCRIPTIONS = {
    "400": "Malformed input: messages by field, or a `detail` for a malformed request.",
    "401": "Not signed in, or the token or session is not valid.",
    "403": "Signed in, but not allowed to do this: the `detail` says why.",
    "404": "No such object (or not one you may see), or no such page of results.",
}


def _may_be_blank(field) -> bool:
    """Whether a serializer field can hold "" (its own flag, or its model field's)."""
    if getattr(field, "allow_blank", False):
        return True
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source:
        return False
    try:
        return bool(model._meta.get_field(source).blank)
    except FieldDoesNotExist:
        return False


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if {} not in auths and self.method in permissions.SAFE_METHODS and self._anonymous_may():
            auths.append({})
        return auths

    def _anonymous_may(self) -> bool:
        """Whether every permission of the view lets an anonymous caller make this request."""
        request = SimpleNamespace(method=self.method, user=AnonymousUser(), auth=None)
        try:
            return all(
                permission.has_permission(request, self.view)
                for permission in self.view.get_permissions()
            )
        except Exception:  # a permission that needs more of a request: not provably open
            return False

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.ChoiceField) and _may_be_blank(field):
            # A read-only field of a ModelSerializer loses `allow_blank`; its model field's
            # blank=True still means "" is returned, so "" belongs in the enum.
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.URLField) and _may_be_blank(field):
            schema["description"] = " ".join(
                filter(None, [schema.get("description", ""), "A web address, or empty."])
            )
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.URLField) and _may_be_blank(field):
            schema.pop("format", None)

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code not in responses:
                responses[code] = self._error_response(code)
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        in_path = any(parameter["in"] == "path" for parameter in parameters)
        paged = any(parameter["name"] == "page" for parameter in parameters)
        # Malformed input is a 400 everywhere: fields by the view, and a malformed address (a
        # NUL character, an oversized body) by hub.middleware before any view runs.
        codes = ["400"]
        # TokenAuthentication refuses a wrong token on every endpoint, public reads included.
        codes.append("401")
        if self.method not in permissions.SAFE_METHODS:
            codes.append("403")
        if in_path or paged:
            codes.append("404")
        return codes

    def _error_response(self, code: str) -> dict:
        if code == "400":
            schema = FIELD_ERRORS_SCHEMA
        else:
            component = ResolvedComponent(
                name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
            )
            self.registry.register_on_missing(component)
            schema = component.ref
        return {
            "content": {"application/json": {"schema": schema}},
            "description": ERROR_DESCRIPTIONS[code],
        }


class NamedChoiceField(serializers.ChoiceField):
    """A choice field whose choices are one named enum in the OpenAPI schema.

    drf-spectacular names enums after the field (and ENUM_NAME_OVERRIDES by the set of
    choices, so two fields with the same choices cannot keep names of their own): `kind`,
    `status` and `format` mean different things on organizations, events, sessions and
    pledges, so each gets the name it is given here.
    """

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        schema = build_choice_field(self.target)
        schema.pop("x-spec-enum-id", None)
        component = ResolvedComponent(
            name=self.target.enum_name,
            type=ResolvedComponent.SCHEMA,
            schema=schema,
            object=self.target.enum_name,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
