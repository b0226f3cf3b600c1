from django import forms

from chamber.models import PracticeNote
from chamber.services import MAX_PRACTICE_TAGS
from directory.forms import GroupedCheckboxes, tag_choices_by_kind
from directory.models import Organization, Tag
from hub.bounded import CappedModelMultipleChoiceField


class PracticeForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label=None,
        help_text="The note speaks for this organization; you are one of its members.",
    )
    tags = CappedModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        required=False,
        widget=GroupedCheckboxes,
        help_text=(
            f"Up to {MAX_PRACTICE_TAGS}: technologies, topics, and InnerSource Commons patterns "
            "by name (such as Trusted Committer)."
        ),
        max_choices=MAX_PRACTICE_TAGS,
        noun="tags",
    )

    class Meta:
        model = PracticeNote
        fields = ["title", "organization", "summary", "text", "tags"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 14}),
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        }
        labels = {"text": "The note"}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["tags"].choices = tag_choices_by_kind()


class EndorseForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label=None,
        label="On behalf of",
        to_field_name="slug",
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
