"""Pledge pages' forms: they check the shape of the input; the services check the rules."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.models import Project
from hub.bounded import MAX_TARGET_PROJECTS, CappedModelMultipleChoiceField
from pledges.asks.queries import open_public_asks
from pledges.evidence import MAX_EVIDENCE_LINKS, evidence_refs
from pledges.models import (
    LOGGED_HOURS_VALIDATORS,
    QUARTER_HOUR,
    Ask,
    Contribution,
    Period,
    Pledge,
    web_url,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PledgeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you pledge?"),
        choices=Pledge.Kind.choices,
        widget=forms.RadioSelect,
        initial=Pledge.Kind.HOURS,
    )
    hours_per_period = forms.DecimalField(
        label=_("Hours per period"),
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=QUARTER_HOUR,
        help_text=_("For a number of hours: how many hours each period."),
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    percent = forms.DecimalField(
        label=_("Percent of working hours"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    workforce_size = forms.IntegerField(
        label=_("People in the workforce"),
        required=False,
        min_value=1,
        max_value=10_000_000,
        help_text=_("For a percentage: how many people work at the organization."),
    )
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, initial=Period.MONTH)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for no end date."),
    )
    target_projects = CappedModelMultipleChoiceField(
        label=_("Target projects"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        max_choices=MAX_TARGET_PROJECTS,
        noun="target projects",
    )
    public = forms.BooleanField(
        label=_("Public: show this pledge and its progress on the hub's pages"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_projects"].queryset = Project.objects.published().order_by("name")
        self.fields["target_projects"].help_text = gettext(
            "Optional: up to %(limit)s listed projects the pledge supports. "
            "People may still log hours on any open source project."
        ) % {"limit": MAX_TARGET_PROJECTS}
        self.fields["percent"].help_text = gettext(
            "For a percentage: 2.5 means 2.5%% of everyone's working hours. The hub counts "
            "%(hours)s working hours per person a month and shows the hours it comes to once "
            "you save."
        ) % {"hours": settings.HUB_WORKING_HOURS_PER_MONTH}

    @classmethod
    def initial_from(cls, pledge: Pledge) -> dict:
        initial = {field: getattr(pledge, field) for field in cls.base_fields}
        initial["target_projects"] = list(pledge.target_projects.all())
        return initial

    def clean(self):
        data = super().clean()
        if data.get("kind") == Pledge.Kind.HOURS:
            if data.get("hours_per_period") is None and "hours_per_period" not in self.errors:
                self.add_error("hours_per_period", gettext("How many hours a period?"))
        elif data.get("kind") == Pledge.Kind.PERCENT:
            if data.get("percent") is None and "percent" not in self.errors:
                self.add_error("percent", gettext("What percentage of working hours?"))
            if data.get("workforce_size") is None and "workforce_size" not in self.errors:
                self.add_error(
                    "workforce_size", gettext("How many people work at the organization?")
                )
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext("A pledge cannot end before it starts."))
        return data

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "target_projects"}


class ContributionForm(forms.Form):
    """Logging (or changing) hours under a pledge."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=4,
        decimal_places=2,
        validators=LOGGED_HOURS_VALIDATORS,
        help_text=_("In quarter hours: 0.25, 1.5, 2.75…"),
        widget=forms.NumberInput(
            attrs={"step": "0.25", "min": "0.25", "max": "24", "inputmode": "decimal"}
        ),
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("— Not listed: give its address below —"),
    )
    project_url = forms.URLField(
        label=_("Or the project's address"),
        required=False,
        max_length=200,
        validators=[web_url],
        assume_scheme="https",
        help_text=_("For a project that is not in the directory: https://…"),
    )
    description = forms.CharField(
        label=_("What did you do?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=200,
        validators=[web_url],
        assume_scheme="https",
        help_text=_("Optional: a pull request, an issue, a talk…"),
    )
    ask = forms.ModelChoiceField(
        label=_("Answers an ask"),
        queryset=Ask.objects.none(),
        required=False,
        empty_label=_("— No ask —"),
        help_text=_(
            "Optional: the project's ask these hours answer (see Asks). Once approved, "
            "they count toward it."
        ),
    )
    evidence_urls = forms.CharField(
        label=_("Evidence links"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3, "autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, *args, pledge: Pledge, **kwargs):
        super().__init__(*args, **kwargs)
        targets = Pledge.target_projects.through.objects.filter(
            pledge_id=pledge.pk, project_id=OuterRef("pk")
        )
        projects = Project.objects.published().annotate(is_target=Exists(targets))
        field = self.fields["project"]
        field.queryset = projects
        # One query builds both groups: the pledge's target projects first.
        rows = list(projects.order_by("-is_target", "name").values_list("pk", "name", "is_target"))
        targeted = [(pk, name) for pk, name, is_target in rows if is_target]
        others = [(pk, name) for pk, name, is_target in rows if not is_target]
        choices = [("", field.empty_label)]
        if targeted:
            choices.append((gettext("This pledge's projects"), targeted))
            choices.append((gettext("Other listed projects"), others))
        else:
            choices += others
        field.choices = choices
        # A log keeps the ask it named, also once the ask closed.
        named = self.initial.get("ask")
        asks = open_public_asks() | Ask.objects.filter(pk=getattr(named, "pk", None))
        self.fields["ask"].queryset = asks.select_related("project")
        self.fields["evidence_urls"].help_text = gettext(
            "Optional: up to %(limit)s pull or merge requests, commits or issues on GitHub, "
            "GitLab or Codeberg, one per line. The hub checks that you wrote them around that "
            "day, against the forge accounts on your account page."
        ) % {"limit": MAX_EVIDENCE_LINKS}
        self.fields["ask"].label_from_instance = lambda ask: f"{ask.project.name}: {ask.title}"

    @classmethod
    def initial_from(cls, contribution: Contribution) -> dict:
        initial = {
            field: getattr(contribution, field)
            for field in cls.base_fields
            if field != "evidence_urls"
        }
        initial["evidence_urls"] = "\n".join(e.url for e in contribution.evidence.all())
        return initial

    def clean_evidence_urls(self) -> list[str]:
        lines = self.cleaned_data["evidence_urls"].splitlines()
        try:
            refs = evidence_refs(lines)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["evidence_urls"]) from error
        return [ref.url for ref in refs]

    def clean(self):
        data = super().clean()
        # A log that answers an ask is on the ask's project (pledges.asks.services).
        if (
            not data.get("project")
            and not data.get("project_url")
            and not data.get("ask")
            and "project_url" not in self.errors
        ):
            self.add_error(
                "project", gettext("Choose a listed project or give the project's address.")
            )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why? The person sees this."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
