"""The filters of the pledges API, as django-filter FilterSets (400 with the field's error on
a malformed value, documented in the schema by drf-spectacular)."""

from django import forms
from django.db.models import QuerySet
from django_filters import rest_framework as filters

from pledges.models import Contribution, Pledge
from pledges.permissions import user_can_manage_pledge


class SlugFilter(filters.CharFilter):
    field_class = forms.SlugField


class PledgeFilter(filters.FilterSet):
    organization = SlugFilter(field_name="organization__slug", help_text="An organization's slug.")

    class Meta:
        model = Pledge
        fields = ["organization"]


class ContributionFilter(filters.FilterSet):
    """A person's own logs; with `pledge`, every log under it for whoever administers its
    organization (`user_can_manage_pledge`), still only their own for anyone else."""

    pledge = filters.NumberFilter(
        method="under_pledge",
        min_value=1,
        help_text="A pledge's id: all its logs when you administer its organization, "
        "otherwise your own logs under it.",
    )
    status = filters.ChoiceFilter(choices=Contribution.Status.choices)

    class Meta:
        model = Contribution
        fields = ["pledge", "status"]

    def filter_queryset(self, logs: QuerySet) -> QuerySet:
        if self.form.cleaned_data.get("pledge") is None:
            logs = logs.filter(contributor=self.request.user)
        return super().filter_queryset(logs)

    def under_pledge(self, logs: QuerySet, name: str, pledge_id) -> QuerySet:
        logs = logs.filter(pledge_id=pledge_id)
        pledge = Pledge.objects.select_related("organization").filter(pk=pledge_id).first()
        if pledge is None or not user_can_manage_pledge(user=self.request.user, pledge=pledge):
            logs = logs.filter(contributor=self.request.user)
        return logs
