"""Only the platform may use the engine's model repository API.

The repository extension (`POST /v2/repository/index`, `.../models/{name}/load`
and `.../unload`, and the same methods over gRPC) shares its port with
inference, which users reach. Open, it would list every deployed model to
anyone and let anyone unload a deployment (while the platform's row still says
ready) or load any folder on the engine's disk. So the engine answers it only
to a caller with `Authorization: Bearer <SERVING_ADMIN_TOKEN>`; an engine with
no admin token answers it only to loopback callers, which keeps `make run`
working unconfigured and leaves a public engine without a token closed.

A deployment with an access token keeps its model's details behind that token
too (ModelDetailsGuard): metadata (the signature), readiness and the model's
docs under `/v2/models/{name}` answer the token's holder, and the platform
(the callers RepositoryAccess admits, which may load and unload it anyway).
The engine-wide probes, `/v2/health/live` and `/v2/health/ready`, stay open.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from dataclasses import dataclass
from urllib.parse import unquote

import grpc
import orjson
from mlserver.grpc.server import GRPCServer

ADMIN_TOKEN_ENV = "SERVING_ADMIN_TOKEN"
HTTP_UNAUTHORIZED = 401
HTTP_FORBIDDEN = 403
# Anywhere in the path: under a root_path, or after a doubled slash, it is still the repository.
REPOSITORY_PATH = re.compile(r"(^|/)v2/repository(/|$)")
MODEL_PATH = re.compile(r"(^|/)v2/models/(?P<name>[^/]+)(/|$)")
INFER_PATH = re.compile(r"/infer/?$")
# gRPC: RepositoryIndex, RepositoryModelLoad and RepositoryModelUnload, on both services that
# carry them (inference.GRPCInferenceService and the older inference.model_repository one).
GRPC_REPOSITORY_METHOD = re.compile(r"/inference\.[\w.]+/Repository\w*")
# gRPC: a model's details (the same guard as ModelDetailsGuard over REST).
GRPC_MODEL_DETAILS_METHOD = re.compile(r"/inference\.GRPCInferenceService/Model(Metadata|Ready)")
GRPC_STATUS = {HTTP_UNAUTHORIZED: grpc.StatusCode.UNAUTHENTICATED, HTTP_FORBIDDEN: grpc.StatusCode.PERMISSION_DENIED}


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str


class RepositoryAccess:
    """Who may call the repository API: holders of the admin token, or with none set, loopback."""

    def __init__(self, admin_token: str | None):
        self._token = (admin_token or "").strip().encode() or None

    @classmethod
    def from_environment(cls) -> "RepositoryAccess":
        return cls(os.environ.get(ADMIN_TOKEN_ENV))

    def refusal(self, authorization: str | None, peer_host: str | None) -> Refusal | None:
        if self._token is None:
            if _is_loopback(peer_host):
                return None
            return Refusal(HTTP_FORBIDDEN, "the model repository API answers only local callers on an engine "
                                           f"without an admin token ({ADMIN_TOKEN_ENV})")
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Refusal(HTTP_UNAUTHORIZED, "the model repository API needs the engine's admin token: "
                                              "send 'Authorization: Bearer <token>'")
        if not hmac.compare_digest(token.strip().encode(), self._token):
            return Refusal(HTTP_UNAUTHORIZED, "the admin token is not valid for this engine")
        return None


class RepositoryGuard:
    """ASGI middleware in front of MLServer's REST app: repository calls need RepositoryAccess."""

    def __init__(self, app, *, access: RepositoryAccess):
        self.app = app
        self._access = access

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and REPOSITORY_PATH.search(scope["path"]):
            authorization = next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"authorization"),
                                 None)
            refusal = self._access.refusal(authorization, (scope.get("client") or (None,))[0])
            if refusal is not None:
                await _refuse(send, refusal)
                return
        await self.app(scope, receive, send)


async def _refuse(send, refusal: Refusal) -> None:
    body = orjson.dumps({"error": refusal.message})
    await send({"type": "http.response.start", "status": refusal.status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class ModelDetailsGuard:
    """ASGI middleware: every REST path under `/v2/models/{name}` of a model that has an access
    token (metadata, ready, docs; infer is checked by the model itself as well) answers only
    that token, or a caller RepositoryAccess admits (the platform's health checks and deploys)."""

    def __init__(self, app, *, access: RepositoryAccess, registry):
        self.app = app
        self._access = access
        self._registry = registry

    async def __call__(self, scope, receive, send):
        match = MODEL_PATH.search(scope["path"]) if scope["type"] == "http" else None
        # Let through: a browser's CORS preflight, which never carries the token and reads nothing;
        # and infer, which the model checks itself (no second registry lookup on the hot path).
        if match is not None and (scope.get("method") == "OPTIONS" or INFER_PATH.search(scope["path"])):
            match = None
        if match is not None:
            refusal = await self._refusal(unquote(match.group("name")), scope)
            if refusal is not None:
                await _refuse(send, refusal)
                return
        await self.app(scope, receive, send)

    async def _refusal(self, name: str, scope) -> Refusal | None:
        authorization = next((v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"authorization"),
                             None)
        return await model_details_refusal(self._registry, self._access, name, authorization,
                                           (scope.get("client") or (None,))[0])


async def model_details_refusal(registry, access: RepositoryAccess, name: str, authorization: str | None,
                                peer_host: str | None) -> Refusal | None:
    """Why this caller may not read model `name`'s details, or None: the model has no access
    token, or the caller sends it, or the caller is the platform (RepositoryAccess)."""
    from mlserver.errors import MLServerError

    try:
        models = await registry.get_models(name)
    except MLServerError:
        return None  # no such model: MLServer says so
    guarded = [model for model in models if getattr(model, "_access_token_sha256", None)]
    if not guarded or access.refusal(authorization, peer_host) is None:
        return None
    try:
        guarded[0].check_access_token(authorization)
    except MLServerError as exc:
        return Refusal(HTTP_UNAUTHORIZED, str(exc))
    return None


class GrpcRepositoryGuard(grpc.aio.ServerInterceptor):
    """The same checks over gRPC: the repository methods (RepositoryAccess), and ModelMetadata
    and ModelReady of a token-protected model (model_details_refusal). The peer is known only
    once the call runs, so the method's handler is wrapped rather than refused here."""

    def __init__(self, access: RepositoryAccess, registry=None):
        self._access = access
        self._registry = registry

    async def intercept_service(self, continuation, handler_call_details):
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        details = self._registry is not None and GRPC_MODEL_DETAILS_METHOD.fullmatch(method)
        if not GRPC_REPOSITORY_METHOD.fullmatch(method) and not details:
            return handler
        access, registry, behaviour = self._access, self._registry, handler.unary_unary

        async def guarded(request, context):
            authorization = next((v for k, v in context.invocation_metadata() or () if k == "authorization"), None)
            peer_host = _grpc_peer_host(context.peer())
            if details:
                refusal = await model_details_refusal(registry, access, request.name, authorization, peer_host)
            else:
                refusal = access.refusal(authorization, peer_host)
            if refusal is not None:
                await context.abort(GRPC_STATUS[refusal.status], refusal.message)
            return await behaviour(request, context)

        return grpc.unary_unary_rpc_method_handler(guarded, request_deserializer=handler.request_deserializer,
                                                   response_serializer=handler.response_serializer)


class GuardedGRPCServer(GRPCServer):
    """MLServer's gRPC server with GrpcRepositoryGuard before its own interceptors.

    GRPCServer._create_server sets `_interceptors` to a new list, appends its own,
    and hands the list to grpc.aio.server, which takes no interceptor once built;
    so the guard joins the list as it is set."""

    def __init__(self, *args, access: RepositoryAccess, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard = GrpcRepositoryGuard(access, registry=self._data_plane._model_registry)

    @property
    def _interceptors(self) -> list:
        return self._with_guard

    @_interceptors.setter
    def _interceptors(self, interceptors: list) -> None:
        self._with_guard = [self._guard, *interceptors]


def _is_loopback(host: str | None) -> bool:
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False  # no peer address (a test client, a unix socket): not known to be local
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _grpc_peer_host(peer: str | None) -> str | None:
    """The address in a gRPC peer string: 'ipv4:127.0.0.1:5000', 'ipv6:[::1]:5000' (or %5B::1%5D)."""
    kind, _, rest = unquote(peer or "").partition(":")
    if kind not in ("ipv4", "ipv6"):
        return None
    return rest.rpartition(":")[0].strip("[]")
