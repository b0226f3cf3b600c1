from django.utils.decorators import method_decorator
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import User
from hub.pagecache import cache_anonymous_page


def absolute_url(serializer: serializers.Serializer, url: str) -> str:
    """`url` on the request's host, as the API gives every address; the path alone where the
    serializer has no request."""
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "display_name", "date_joined"]


class MeView(APIView):
    """The person the request is authenticated as: a way to check a token works."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)


# A listing's, event's or note's address: letters, digits, hyphens and underscores.
SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


@method_decorator(cache_anonymous_page, name="list")
@method_decorator(cache_anonymous_page, name="retrieve")
class PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A public list and its rows by slug; anonymous readers are served from the page cache."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
