"""The person's own data in the API: `GET me/export/` and `DELETE me/`."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api import MeView
from portal import services
from portal.export import ExportSerializer, export_document


class AccountDeleteInputSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, help_text="Your current password.")


class OrganizationToHandOverSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    members_url = serializers.CharField(help_text="Where to make another member an owner.")


class AccountDeleteErrorSerializer(serializers.Serializer):
    password = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    organizations = OrganizationToHandOverSerializer(
        many=True, required=False, help_text="Organizations that need another owner first."
    )


class MeAccountView(MeView):
    """`me/`: who the token belongs to (GET), and deleting one's own account (DELETE)."""

    @extend_schema(
        summary="Delete your account",
        description=(
            "Needs your password in the body. Your future registrations are cancelled (each "
            "freed seat goes to the first person on the waitlist), your votes and stars are "
            "removed, your memberships end, and your sessions and API token stop working. "
            "Your logged hours stay and show as “a former member”. The last owner of an "
            "organization with other members is refused until another member is an owner."
        ),
        request=AccountDeleteInputSerializer,
        responses={
            204: OpenApiResponse(description="Deleted."),
            400: OpenApiResponse(
                AccountDeleteErrorSerializer,
                description="Wrong password, or organizations that need another owner first.",
            ),
        },
    )
    def delete(self, request):
        serializer = AccountDeleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.account_delete(
                user=request.user, password=serializer.validated_data["password"]
            )
        except services.LastOwnerError as refusal:
            organizations = [
                {
                    "slug": organization.slug,
                    "name": organization.name,
                    "members_url": request.build_absolute_uri(services.members_page(organization)),
                }
                for organization in refusal.organizations
            ]
            raise ValidationError(
                {"non_field_errors": refusal.messages, "organizations": organizations}
            ) from refusal
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Everything the hub holds about you",
        description=(
            "Your profile, e-mail addresses, memberships, submissions, registrations with "
            "your answers, session proposals, votes, stars, logged hours, e-mail choices and "
            "the recorded changes you made, as one document. The same as `/me/export.json`."
        ),
        responses={200: ExportSerializer},
    )
    def get(self, request):
        return Response(export_document(request.user))
