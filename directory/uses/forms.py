from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Project, ProjectUse
from directory.uses.services import NOTE_MAX_LENGTH


class ProjectUseForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose a project"),
        help_text=_(
            "A project published in the directory. Choosing one you already declared "
            "changes that declaration."
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProjectUse.Status.choices,
        widget=forms.RadioSelect,
        initial=ProjectUse.Status.PRODUCTION,
    )
    note = forms.CharField(
        label=_("What for"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Optional, a few words: “runs our 311 service”, “trying it for permits”."),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
