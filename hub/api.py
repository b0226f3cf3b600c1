from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import User


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
