from django.contrib.auth import authenticate, login, logout
from django.views.decorators.csrf import ensure_csrf_cookie
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts.api.schema import ErrorSerializer
from accounts.models import ALL_SCOPES, PersonalAccessToken
from accounts.permissions import TokenScopePermission
from accounts.services import (
    LoginThrottled,
    login_failure_record,
    login_failures_clear,
    login_throttle_check,
    login_token_create,
)


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class UserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()


class LoginThrottledError(exceptions.Throttled):
    default_detail = "Too many failed logins."
    extra_detail_singular = "Try again in {wait} second."
    extra_detail_plural = "Try again in {wait} seconds."


def _authenticate(request):
    """The user these credentials name, or 400; 429 (with Retry-After) once this
    username has failed too often from this address, the right password included."""
    credentials = CredentialsSerializer(data=request.data)
    credentials.is_valid(raise_exception=True)
    username = credentials.validated_data["username"]
    address = BaseThrottle().get_ident(request)  # REMOTE_ADDR, or X-Forwarded-For per NUM_PROXIES
    try:
        login_throttle_check(username=username, address=address)
    except LoginThrottled as exc:
        raise LoginThrottledError(wait=exc.retry_after_s, detail=str(exc)) from exc
    user = authenticate(request, **credentials.validated_data)
    if user is None:
        login_failure_record(username=username, address=address)
        raise serializers.ValidationError({"password": ["Unable to log in with these credentials."]})
    login_failures_clear(username=username, address=address)
    return user


class LoginTokenSerializer(serializers.ModelSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret (wst_…). Shown only in this response.")
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ALL_SCOPES), read_only=True)

    class Meta:
        model = PersonalAccessToken
        fields = ["token", "id", "name", "scopes", "expires_at"]
        read_only_fields = fields


class TokenView(APIView):
    """Exchange a username and password for a new API token (for CI pipelines and
    the CLI): every scope, expires after WHETSTONE_LOGIN_TOKEN_TTL_DAYS, listed
    under /auth/tokens/ and revocable there."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["accounts"], request=CredentialsSerializer,
                   responses={200: LoginTokenSerializer, 429: ErrorSerializer})
    def post(self, request):
        token, secret = login_token_create(user=_authenticate(request))
        token.token = secret
        return Response(LoginTokenSerializer(token).data)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class SessionView(APIView):
    """The console's browser session: GET who am I, POST log in, DELETE log out."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["accounts"], responses={200: UserSerializer})
    def get(self, request):
        if not request.user.is_authenticated:
            return Response({"detail": "Not logged in.", "errors": {}}, status=status.HTTP_401_UNAUTHORIZED)
        return Response(UserSerializer(request.user).data)

    @extend_schema(tags=["accounts"], request=CredentialsSerializer,
                   responses={200: UserSerializer, 429: ErrorSerializer})
    def post(self, request):
        user = _authenticate(request)
        login(request, user)
        return Response(UserSerializer(user).data)

    @extend_schema(tags=["accounts"], responses={204: None})
    def delete(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(tags=["accounts"], responses={200: UserSerializer})
    def get(self, request):
        return Response(UserSerializer(request.user).data)
