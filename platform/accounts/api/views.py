from django.contrib.auth import authenticate, login, logout
from django.views.decorators.csrf import ensure_csrf_cookie
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.services import token_for


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()


def _authenticate(request):
    credentials = CredentialsSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    user = authenticate(request, **credentials.validated_data)
    if user is None:
        raise serializers.ValidationError({"password": ["Unable to log in with these credentials."]})
    return user


class TokenView(APIView):
    """Exchange a username and password for an API token (for CI pipelines)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["accounts"],
        request=CredentialsSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        return Response({"token": token_for(user=_authenticate(request))})


@method_decorator(ensure_csrf_cookie, name="dispatch")
class SessionView(APIView):
    """The console's browser session: GET who am I, POST log in, DELETE log out."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["accounts"], responses={200: UserSerializer})
    def get(self, request):
        if not request.user.is_authenticated:
            return Response({"detail": "Not logged in.", "errors": {}}, status=status.HTTP_401_UNAUTHORIZED)
        return Response(UserSerializer(request.user).data)

    @extend_schema(tags=["accounts"], request=CredentialsSerializer, responses={200: UserSerializer})
    def post(self, request):
        user = _authenticate(request)
        login(request, user)
        return Response(UserSerializer(user).data)

    @extend_schema(tags=["accounts"], responses={204: None})
    def delete(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["accounts"], responses={200: UserSerializer})
    def get(self, request):
        return Response(UserSerializer(request.user).data)
