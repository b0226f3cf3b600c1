"""allauth's social accounts, when the hub has a forge's OAuth app (hub/settings.py): they
prove forge accounts and sign people in, but nobody signs up through a forge (sign-up is by
e-mail, which the hub verifies). Imported only while allauth.socialaccount is installed."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.signals import social_account_added, social_account_updated

from hub.forge_accounts import social_account_connected


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False


def connect_signals() -> None:
    social_account_added.connect(social_account_connected, dispatch_uid="forge_account_added")
    social_account_updated.connect(social_account_connected, dispatch_uid="forge_account_updated")
