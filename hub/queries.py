from rest_framework.authtoken.models import Token

from hub.models import User


def api_token_for(*, user: User) -> Token | None:
    return Token.objects.filter(user=user).first()
