"""Token scopes: what an API token may do.

Each request needs one scope: GET/HEAD/OPTIONS need `read`; an unsafe request
needs what its view declares in `token_scopes` (keyed by viewset action, or by
lower-case HTTP method for a plain APIView), and `admin` when the view declares
nothing, so that a new endpoint is closed to narrow tokens until someone decides.
A session (the console) or a test's forced login carries no token: it may do
everything its user may.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import PersonalAccessToken, Scope


def required_scope(request, view) -> str:
    declared = getattr(view, "token_scopes", {}) or {}
    action = getattr(view, "action", None)
    if action in declared:
        return declared[action]
    if request.method.lower() in declared:
        return declared[request.method.lower()]
    if request.method in SAFE_METHODS:
        return Scope.READ
    return Scope.ADMIN


class TokenScopePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, PersonalAccessToken):
            return True
        scope = required_scope(request, view)
        if scope in token.scopes:
            return True
        self.message = (f"This API token lacks the {scope!r} scope needed here (it has: "
                        f"{', '.join(token.scopes) or 'none'}). Create a token with that scope.")
        return False
