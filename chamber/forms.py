from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from chamber.models import PracticeNote
from chamber.services import MAX_PRACTICE_TAGS
from directory.forms import TagPickerField, tag_choices_by_kind
from directory.models import Organization


class PracticeForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label=None,
        label=_("Organization"),
        help_text=_("The note speaks for this organization; you are one of its members."),
    )
    tags = TagPickerField(
        label=pgettext_lazy("of a practice note", "Tags"), max_choices=MAX_PRACTICE_TAGS
    )

    class Meta:
        model = PracticeNote
        fields = ["title", "organization", "summary", "text", "tags"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 14}),
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        }
        labels = {"title": _("Title"), "summary": _("Summary"), "text": _("The note")}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["tags"].choices = tag_choices_by_kind()
        self.fields["tags"].help_text = gettext(
            "Up to %(limit)s: technologies, topics, and InnerSource Commons patterns by name "
            "(such as Trusted Committer)."
        ) % {"limit": MAX_PRACTICE_TAGS}


class EndorseForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        empty_label=None,
        label=_("On behalf of"),
        to_field_name="slug",
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
