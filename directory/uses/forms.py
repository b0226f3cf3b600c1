from django import forms

from directory.models import Project, ProjectUse
from directory.uses.services import NOTE_MAX_LENGTH


class ProjectUseForm(forms.Form):
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        to_field_name="slug",
        empty_label="Choose a project",
        help_text="A project published in the directory. Choosing one you already declared "
        "changes that declaration.",
    )
    status = forms.ChoiceField(
        choices=ProjectUse.Status.choices,
        widget=forms.RadioSelect,
        initial=ProjectUse.Status.PRODUCTION,
    )
    note = forms.CharField(
        label="What for",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Optional, a few words: “runs our 311 service”, “trying it for permits”.",
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
