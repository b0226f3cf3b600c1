"""What templates/partials/form_fields.html needs to render any form the same way."""

from django import forms
from django.forms.utils import pretty_name
from django.template import Library

register = Library()

DASHES = "---------"


@register.filter
def has_required_fields(form) -> bool:
    return any(field.field.required for field in form.visible_fields())


def empty_choice_label(field: forms.Field, label: str) -> str:
    """“Choose a kind”, “Choose an organization (optional)”: the empty choice of a select
    in words rather than Django's dashes."""
    label = str(label or "one").strip()
    words = label[:1].lower() + label[1:]
    if not words.lower().startswith(("the ", "a ", "an ", "your ")):
        words = f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"
    return f"Choose {words}" + ("" if field.required else " (optional)")


@register.simple_tag
def word_empty_choices(form) -> str:
    """Replace the dashes of every select's empty choice in `form` by words. The form's
    fields are its own copies, so no other form changes; renders nothing."""
    for name, field in form.fields.items():
        label = field.label or pretty_name(name)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            if field.empty_label == DASHES:
                field.empty_label = empty_choice_label(field, label)
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            choices = list(field.choices)
            if choices and choices[0] == ("", DASHES):
                field.choices = [("", empty_choice_label(field, label)), *choices[1:]]
    return ""
