"""The asks' forms: they check the shape of the input; the services check the rules."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from directory.forms import TagPickerField, tag_choices_by_kind
from directory.models import Project
from pledges.asks.services import MAX_PERSON_SKILLS, MAX_SKILLS
from pledges.forms import DateInput
from pledges.models import QUARTER_HOUR, Ask, Offer, validate_quarter_hours


def _skills_field(*, max_choices: int, help_text: str) -> TagPickerField:
    return TagPickerField(max_choices=max_choices, noun="skills", help_text=help_text)


class AskForm(forms.ModelForm):
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        empty_label=None,
        to_field_name="slug",
        help_text=_("One of the projects you maintain."),
    )
    skills = _skills_field(
        max_choices=MAX_SKILLS,
        help_text=format_lazy(_("Up to {count}: the skills that help most."), count=MAX_SKILLS),
    )

    class Meta:
        model = Ask
        fields = ["project", "title", "text", "skills", "hours_wanted", "needed_by", "how_to_start"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "how_to_start": forms.Textarea(attrs={"rows": 3}),
            "needed_by": DateInput,
            "hours_wanted": forms.NumberInput(
                attrs={"step": "0.25", "min": "1", "inputmode": "decimal"}
            ),
        }
        labels = {"text": _("What help do you need?"), "hours_wanted": _("Hours wanted")}
        help_texts = {"needed_by": _("The ask closes on this day if it is not met before.")}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects.order_by("name")
        self.fields["skills"].choices = tag_choices_by_kind()
        if self.instance.pk:
            # An ask stays with its project.
            del self.fields["project"]


class OfferForm(forms.ModelForm):
    hours = forms.DecimalField(
        label=_("Hours you offer"),
        max_digits=6,
        decimal_places=2,
        validators=[
            MinValueValidator(QUARTER_HOUR),
            MaxValueValidator(Decimal("1000")),
            validate_quarter_hours,
        ],
        widget=forms.NumberInput(
            attrs={"step": "0.25", "min": "0.25", "max": "1000", "inputmode": "decimal"}
        ),
        help_text=_("In quarter hours: 2, 7.5, 20…"),
    )

    class Meta:
        model = Offer
        fields = ["hours", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "maxlength": 1000})}
        labels = {"note": _("A note for the maintainers")}
        help_texts = {
            "note": _(
                "Optional: what you would like to do, when you are free. The maintainers "
                "see your name, e-mail address, hours and note."
            )
        }


class SkillsForm(forms.Form):
    skills = _skills_field(
        max_choices=MAX_PERSON_SKILLS,
        help_text=format_lazy(
            _("Up to {count}. Asks that need them show on this page and in your weekly digest."),
            count=MAX_PERSON_SKILLS,
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = tag_choices_by_kind()
