from django import forms
from django.utils.translation import gettext_lazy as _

from hub.models import ForgeAccount, User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        max_length=120,
        required=False,
        label=_("Display name"),
        help_text=_("How your name appears on the hub. You can leave it empty."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "show_name_on_pledges"]
        labels = {
            "display_name": _("Display name"),
            "show_name_on_pledges": _("Show my name on pledge pages"),
        }
        widgets = {"display_name": forms.TextInput(attrs={"autocomplete": "name"})}


class ForgeAccountForm(forms.Form):
    """A forge user name typed on the profile (declared; connecting the account proves it)."""

    forge = forms.ChoiceField(label=_("Forge"), choices=ForgeAccount.Forge.choices)
    username = forms.CharField(
        label=_("User name"),
        max_length=101,
        help_text=_("As it appears in your profile's address, e.g. github.com/<user name>."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
