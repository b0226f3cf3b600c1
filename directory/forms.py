from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from directory.licenses import spdx_id_as_spelled
from directory.models import Membership, Organization, Project, ProjectRole, Tag
from directory.repositories import MAX_IMPORT, owner_ref, owns
from hub.bounded import MAX_TAGS, CappedModelMultipleChoiceField, too_many_message
from hub.forge.refs import parse_repository_url
from hub.models import User


class HttpURLField(forms.URLField):
    """A web address: http or https only."""

    default_validators = [URLValidator(schemes=["http", "https"])]


def _lazy_text(message: str, **values) -> str:
    """`message` (marked with gettext_noop) with its values, translated when shown: a form's
    help text is built once, and read in each person's language."""
    return lazy(lambda: gettext(message) % values, str)()


def _http_url_field(label: str, help_text: str = "") -> forms.URLField:
    return HttpURLField(label=label, required=False, assume_scheme="https", help_text=help_text)


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in a fieldset per group, which static/js/filter-choices.js lets people
    filter by typing (without JavaScript the groups and the order still help)."""

    template_name = "directory/widgets/grouped_checkboxes.html"


def tag_choices_by_kind() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every tag, grouped by kind (technologies, then topics), by name within a group."""
    groups = {kind: [] for kind in Tag.Kind.values}
    for tag in Tag.objects.order_by(Lower("name"), "pk"):
        groups[tag.kind].append((tag.pk, tag.name))
    labels = {Tag.Kind.TECHNOLOGY: _("Technologies"), Tag.Kind.TOPIC: _("Topics")}
    return [(labels.get(kind, kind), choices) for kind, choices in groups.items() if choices]


class TagPickerField(CappedModelMultipleChoiceField):
    """Tags picked in checkboxes grouped by kind (a listing's tags, a practice note's, an
    ask's skills, a person's); its form sets `choices` to tag_choices_by_kind() when built,
    so a tag added since shows."""

    widget = GroupedCheckboxes

    def __init__(self, *, max_choices: int, noun: str = "tags", **kwargs):
        super().__init__(
            queryset=Tag.objects.all(), required=False, max_choices=max_choices, noun=noun, **kwargs
        )


def _tags_field(help_text: str) -> TagPickerField:
    return TagPickerField(max_choices=MAX_TAGS, label=_("Tags"), help_text=help_text)


def _logo_field() -> forms.FileField:
    max_megabytes = settings.HUB_LOGO_MAX_BYTES / (1024 * 1024)
    return forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_lazy_text(
            gettext_noop(
                "PNG, JPEG or WebP, at most %(megabytes)s MB; a square image of at least "
                "256×256 pixels looks best. Without a logo the listing shows its initials."
            ),
            megabytes=f"{max_megabytes:g}",
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class ListingFormBase(forms.Form):
    """What the organization and project forms share: tags offered by kind, a name no other
    listing of the kind has (`duplicate_message` otherwise), a logo upload, and a box to
    remove the logo when the listing has one. Neither logo field is a model field of the
    form: the services store the logo (directory.logos)."""

    duplicate_message = ""

    logo = _logo_field()
    remove_logo = forms.BooleanField(
        label=_("Remove the logo (show the initials instead)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.instance.pk and self.instance.logo):
            del self.fields["remove_logo"]
        self.fields["tags"].choices = tag_choices_by_kind()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicates = self._meta.model.objects.filter(name__iexact=name)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(self.duplicate_message)
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo") and cleaned.get("remove_logo"):
            self.add_error("remove_logo", _("Upload a new logo or remove the logo, not both."))
        return cleaned


class OrganizationForm(ListingFormBase, forms.ModelForm):
    duplicate_message = _(
        "An organization with this name is already listed. Claim it instead of adding it again."
    )
    website = _http_url_field(_("Website"))
    tags = _tags_field(
        _lazy_text(
            gettext_noop("Technologies and topics the organization works on (up to %(n)s)."),
            n=MAX_TAGS,
        )
    )

    field_order = [
        "name", "kind", "description", "logo", "remove_logo", "website", "city",
        "neighbourhood", "size_band", "innersource", "tags",
    ]  # fmt: skip

    class Meta:
        model = Organization
        fields = [
            "name", "kind", "description", "website", "city", "neighbourhood", "size_band",
            "innersource", "tags",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "description": _("Description"),
            "city": _("City"),
            "neighbourhood": _("Neighbourhood"),
            "size_band": _("Size band"),
        }


class ProjectForm(ListingFormBase, forms.ModelForm):
    duplicate_message = _("A project with this name is already listed.")
    repository_url = _http_url_field(_("Repository"), _("Where the code lives (https://…)."))
    homepage = _http_url_field(_("Homepage"))
    contact_url = _http_url_field(
        _("How to reach the maintainers"), _("A mailing list, chat room, forum or issue tracker.")
    )
    license = forms.CharField(
        label=_("License (SPDX id)"),
        required=False,
        max_length=80,
        help_text=_("An SPDX identifier such as MIT, Apache-2.0 or GPL-3.0-only."),
        widget=forms.TextInput(attrs={"list": "spdx-licenses", "autocomplete": "off"}),
    )
    help_wanted = forms.MultipleChoiceField(
        label=_("Help wanted"),
        choices=Project.HelpWanted.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = _tags_field(_lazy_text(gettext_noop("Up to %(n)s."), n=MAX_TAGS))

    field_order = [
        "name", "description", "logo", "remove_logo", "repository_url", "homepage", "license",
        "tags", "seeking_contributors", "pitch", "help_wanted", "contact_url",
    ]  # fmt: skip

    class Meta:
        model = Project
        fields = [
            "name", "description", "repository_url", "homepage", "license", "tags",
            "seeking_contributors", "pitch", "help_wanted", "contact_url",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "pitch": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            "seeking_contributors": _("Seeking contributors"),
            "pitch": _("Pitch"),
        }

    def clean_license(self):
        return spdx_id_as_spelled(self.cleaned_data["license"].strip())


class ProjectSubmitForm(ProjectForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("None: an independent project"),
        help_text=_("List the project on behalf of an organization you manage."),
    )
    role = forms.ChoiceField(
        label=_("The organization's role"),
        choices=ProjectRole.Role.choices,
        initial=ProjectRole.Role.MAINTAINER,
        required=False,
    )

    class Meta(ProjectForm.Meta):
        fields = [*ProjectForm.Meta.fields, "organization", "role"]

    def __init__(self, *args, managed_organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = managed_organizations or Organization.objects.none()


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("How are you connected to this organization?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Staff read this before they approve your claim."),
    )


def role_choices(*, with_owner: bool) -> list[tuple[str, str]]:
    """Only owners and staff are offered the owner role; the services refuse it to others."""
    return [
        (value, label)
        for value, label in Membership.Role.choices
        if with_owner or value != Membership.Role.OWNER
    ]


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of a person with an account"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def __init__(self, *args, with_owner: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(with_owner=with_owner)

    def clean_email(self):
        email = self.cleaned_data["email"]
        try:
            self.user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            raise forms.ValidationError(
                _("Nobody with this e-mail address has an account yet. Ask them to sign up first.")
            ) from None
        return email


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MemberRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        help_text=_("Sent to the person with the decision."),
    )


class OwnershipTransferForm(forms.Form):
    to_membership = forms.ModelChoiceField(
        label=_("New owner"),
        queryset=Membership.objects.none(),
        empty_label=_("Choose a member"),
        error_messages={
            "required": _("Choose the member who becomes the owner."),
            "invalid_choice": _("Choose one of the organization's active members."),
        },
        help_text=_("Only active members who are not owners yet are listed."),
    )
    confirm = forms.BooleanField(
        label=_("I understand: the new owner gets full control, and I stay on as an admin."),
        error_messages={"required": _("Tick the box to confirm the transfer.")},
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_membership"]
        field.queryset = (
            Membership.objects.filter(organization=organization, status=Membership.Status.ACTIVE)
            .exclude(role=Membership.Role.OWNER)
            .select_related("user")
            .order_by("user__email")
        )
        field.label_from_instance = lambda m: f"{m.user} <{m.user.email}> ({m.get_role_display()})"


class RepositoryPrefillForm(forms.Form):
    """The first step of listing a project: a repository address to fill the form from."""

    repository_url = forms.CharField(
        label=_("Repository address"),
        max_length=500,
        help_text=_("A GitHub, GitLab or Codeberg repository, e.g. https://github.com/owner/name."),
        widget=forms.URLInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )


class RepositoryImportSourceForm(forms.Form):
    """Where an organization's repositories are, and which of them to offer for import."""

    class Filter(models.TextChoices):
        TOPIC = "topic", _("Repositories with a topic")
        INNERSOURCE = "innersource.json", _("Repositories with an innersource.json file")
        PUBLICCODE = "publiccode.yml", _("Repositories with a publiccode.yml file")
        ALL = "all", _("All public repositories")

    source = forms.CharField(
        label=_("Organization or group on a forge"),
        max_length=500,
        help_text=_("e.g. https://github.com/your-org or https://gitlab.com/groups/your-group."),
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    filter = forms.ChoiceField(
        label=_("Which repositories"),
        choices=Filter.choices,
        initial=Filter.TOPIC,
        widget=forms.RadioSelect(attrs={"class": "choice-list"}),
    )
    topic = forms.SlugField(
        label=_("Topic"),
        required=False,
        max_length=50,
        help_text=_("With “Repositories with a topic”: e.g. innersource or civic."),
    )

    def clean_source(self):
        return owner_ref(self.cleaned_data["source"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("filter") == self.Filter.TOPIC and not cleaned.get("topic"):
            self.add_error("topic", _("Name the topic, or choose another filter."))
        return cleaned

    @property
    def topic_filter(self) -> str:
        """The topic to filter by, once the form is valid ("" for the other filters)."""
        if self.cleaned_data["filter"] != self.Filter.TOPIC:
            return ""
        return self.cleaned_data["topic"]

    @property
    def required_file(self) -> str:
        """The file each imported repository must have ("" for the other filters)."""
        chosen = self.cleaned_data["filter"]
        return chosen if chosen in (self.Filter.INNERSOURCE, self.Filter.PUBLICCODE) else ""


class RepositoryImportChoiceForm(forms.Form):
    """The repositories of the preview the admin ticked: addresses of repositories under the
    organization or group the preview listed, at most MAX_IMPORT of them."""

    repositories = forms.MultipleChoiceField(
        label=_("Repositories to import"),
        error_messages={"required": _("Tick at least one repository to import.")},
    )
    run_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        # Any address may be sent; clean_repositories keeps those under `owner`.
        self.fields["repositories"].valid_value = lambda value: True

    def clean_repositories(self):
        urls = self.cleaned_data["repositories"]
        if len(urls) > MAX_IMPORT:
            raise forms.ValidationError(too_many_message(MAX_IMPORT, "repositories at a time"))
        refs = [parse_repository_url(url) for url in urls]
        if not all(ref and owns(self.owner, ref) for ref in refs):
            raise forms.ValidationError(
                _("Choose repositories of %(owner)s only, from the list below.")
                % {"owner": self.owner.url}
            )
        return list(dict.fromkeys(ref.url for ref in refs))
