"""Only the platform may use the engine's model repository API (load, unload, index):
callers with the engine's admin token, or, on an engine without one, loopback callers.

Over real engines on loopback (REST and gRPC), and, for callers from elsewhere, the
engine's own ASGI app called in process with the peer address a remote client has.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import NamedTuple

import grpc
import numpy as np
import pytest
import requests
from mlserver.grpc import dataplane_pb2 as pb
from mlserver.grpc import model_repository_pb2 as repository_pb
from mlserver.grpc.dataplane_pb2_grpc import GRPCInferenceServiceStub
from mlserver.grpc.model_repository_pb2_grpc import ModelRepositoryServiceStub
from mlserver.repository.factory import ModelRepositoryFactory
from mlserver.settings import Settings

from deploy.serving.engine import SETTINGS_FILE, engine_server_class, served_app
from deploy.serving.repository import ServingClient, ServingError, access_token_hash, deploy_package, stage_package
from deploy.serving.repository_access import ADMIN_TOKEN_ENV, GrpcRepositoryGuard, RepositoryAccess, RepositoryGuard
from deploy.serving.server import stop_server, write_settings
from deploy.tests.engines import RunningEngine, launch_engine
from deploy.tests.tiny_packages import FEATURES, write_tiny_package

ADMIN_TOKEN = "admin-test-token-0123456789"
ACCESS_TOKEN = "wst_deployment-token-0123456789"
REMOTE = ("203.0.113.9", 41000)  # TEST-NET-3: a caller from elsewhere
LOCAL = ("127.0.0.1", 41000)


@pytest.fixture(scope="module")
def token_engine(tmp_path_factory) -> RunningEngine:
    engine = launch_engine(tmp_path_factory.mktemp("serving-admin-token"), {**os.environ, ADMIN_TOKEN_ENV: ADMIN_TOKEN})
    yield engine
    stop_server(engine.process)


def repository_call(engine: RunningEngine, path: str, headers: dict | None = None) -> requests.Response:
    return requests.post(f"{engine.base_url}/v2/repository/{path}", json={}, headers=headers or {}, timeout=30)


def test_a_token_protected_models_details_answer_only_its_token_or_the_platform(token_engine, tmp_path):
    admin = ServingClient(token_engine.base_url, admin_token=ADMIN_TOKEN)
    deploy_package(admin, write_tiny_package(tmp_path / "package", seed=5), token_engine.models_root, "secretive",
                   access_token_sha256=access_token_hash(ACCESS_TOKEN))
    base = f"{token_engine.base_url}/v2/models/secretive"
    details = [base, f"{base}/ready", f"{base}/versions/v1", f"{base}/docs/dataplane.json"]

    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {ACCESS_TOKEN}"}):
        for url in details:
            refused = requests.get(url, headers=headers, timeout=10)
            assert refused.status_code == 401, (url, headers, refused.text)
            assert list(refused.json()) == ["error"] and "token" in refused.json()["error"]
            assert "inputs" not in refused.text
    holder = {"Authorization": f"Bearer {ACCESS_TOKEN}"}
    metadata = requests.get(base, headers=holder, timeout=10)
    assert metadata.status_code == 200 and metadata.json()["inputs"][0]["name"] == "x"
    assert requests.get(f"{base}/ready", headers=holder, timeout=10).status_code == 200
    # The platform (admin token) still sees it ready, and reads its metadata; no key, no answer.
    assert admin.ready("secretive") and admin.metadata("secretive")["name"] == "secretive"
    assert not ServingClient(token_engine.base_url).ready("secretive")
    # Engine-wide probes stay open.
    assert requests.get(f"{token_engine.base_url}/v2/health/ready", timeout=10).status_code == 200
    # A browser's CORS preflight carries no token and reads nothing: it is not refused here (the
    # console's try-it form needs it); infer without the token is still refused, by the model.
    preflight = requests.options(f"{base}/infer", timeout=10, headers={
        "Origin": "http://console.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert preflight.status_code != 401, preflight.text
    tokenless = requests.post(f"{base}/infer", timeout=10, json={"inputs": [
        {"name": "x", "shape": [1, 8], "datatype": "FP32", "data": [0.0] * 8}]})
    assert tokenless.status_code == 401 and "inputs" not in tokenless.text

    with grpc.insecure_channel(token_engine.grpc_address) as channel:
        stub = GRPCInferenceServiceStub(channel)
        for token in (None, "wrong"):
            for call, request in ((stub.ModelMetadata, pb.ModelMetadataRequest(name="secretive")),
                                  (stub.ModelReady, pb.ModelReadyRequest(name="secretive"))):
                with pytest.raises(grpc.RpcError) as refused:
                    call(request, metadata=grpc_metadata(token))
                assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        answered = stub.ModelMetadata(pb.ModelMetadataRequest(name="secretive"), metadata=grpc_metadata(ACCESS_TOKEN))
        assert answered.inputs[0].name == "x"
        assert stub.ModelReady(pb.ModelReadyRequest(name="secretive"), metadata=grpc_metadata(ADMIN_TOKEN)).ready
        assert stub.ServerReady(pb.ServerReadyRequest()).ready


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {ADMIN_TOKEN}"}],
                         ids=["none", "wrong", "not-bearer"])
def test_repository_calls_without_the_admin_token_are_refused_and_change_nothing(token_engine, tmp_path, headers):
    deploy_package(token_engine.client, write_tiny_package(tmp_path / "package"), token_engine.models_root, "kept")

    # From 127.0.0.1: loopback is no key once the engine has a token.
    for path in ("models/kept/unload", "index", "models/kept/load"):
        refused = repository_call(token_engine, path, headers)
        assert refused.status_code == 401, (path, refused.text)
        assert list(refused.json()) == ["error"] and "admin token" in refused.json()["error"]
    assert requests.get(f"{token_engine.base_url}/v2/models/kept/ready", timeout=10).status_code == 200


def test_repository_calls_with_the_admin_token_are_answered(token_engine, tmp_path):
    package = write_tiny_package(tmp_path / "package", seed=3)
    stage_package(package, token_engine.models_root, "admitted", access_token_sha256=access_token_hash(ACCESS_TOKEN))
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    assert repository_call(token_engine, "models/admitted/load", admin).status_code == 200
    index = repository_call(token_engine, "index", admin).json()
    assert {"name": "admitted", "state": "READY", "reason": ""} in index
    # One client holding both tokens sends each where it belongs.
    both = ServingClient(token_engine.base_url, access_token=ACCESS_TOKEN, admin_token=ADMIN_TOKEN)
    assert both.infer("admitted", {"x": np.ones((1, FEATURES), np.float32)})["logits"].shape == (1, 3)
    both.unload("admitted")
    assert not both.ready("admitted")
    with pytest.raises(ServingError) as refused:
        ServingClient(token_engine.base_url, admin_token=ACCESS_TOKEN).load("admitted")
    assert refused.value.status_code == 401


def grpc_metadata(token: str | None) -> list[tuple[str, str]]:
    return [] if token is None else [("authorization", f"Bearer {token}")]


@pytest.mark.parametrize("service", ["inference", "model_repository"])
def test_grpc_repository_methods_need_the_admin_token(token_engine, tmp_path, service):
    name = f"grpc-{service.replace('_', '-')}"
    deploy_package(token_engine.client, write_tiny_package(tmp_path / "package"), token_engine.models_root, name)
    with grpc.insecure_channel(token_engine.grpc_address) as channel:
        if service == "inference":
            stub, messages = GRPCInferenceServiceStub(channel), pb
        else:
            stub, messages = ModelRepositoryServiceStub(channel), repository_pb

        for token in (None, "wrong"):
            with pytest.raises(grpc.RpcError) as refused:
                stub.RepositoryModelUnload(messages.RepositoryModelUnloadRequest(model_name=name),
                                           metadata=grpc_metadata(token))
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            with pytest.raises(grpc.RpcError):
                stub.RepositoryIndex(messages.RepositoryIndexRequest(), metadata=grpc_metadata(token))
        assert token_engine.client.ready(name)

        stub.RepositoryModelUnload(messages.RepositoryModelUnloadRequest(model_name=name),
                                   metadata=grpc_metadata(ADMIN_TOKEN))
        assert not token_engine.client.ready(name)
        # the rest of the gRPC API stays open
        assert GRPCInferenceServiceStub(channel).ServerLive(pb.ServerLiveRequest()).live


class InProcessEngine:
    """The app a started engine's uvicorn serves, with one model loaded, called as uvicorn
    calls it, so that a call can come from any peer address."""

    def __init__(self, root):
        write_settings(root, http_port=1, grpc_port=2, metrics_port=3)  # never bound
        self.settings = Settings(**json.loads((root / SETTINGS_FILE).read_text()))
        self.loop = asyncio.new_event_loop()

        async def create():
            # MLServer puts its signal handlers on the running loop; closing it takes them off.
            return engine_server_class()(self.settings)
        self.server = self.loop.run_until_complete(create())
        self.app = served_app(self.server)

    def load_staged(self) -> None:
        async def load():
            for model in await ModelRepositoryFactory.resolve_model_repository(self.settings).list():
                await self.server._model_registry.load(model)
        self.loop.run_until_complete(load())

    def ready(self, name: str) -> bool:
        async def ready():
            return (await self.server._model_registry.get_model(name)).ready
        return self.loop.run_until_complete(ready())

    def call(self, path: str, client: tuple[str, int], method: str = "POST") -> tuple[int, dict | None]:
        return self.loop.run_until_complete(asgi_call(self.app, path, client, method=method))


async def asgi_call(app, path: str, client, headers: list | None = None, method: str = "POST"
                    ) -> tuple[int, dict | None]:
    messages = []

    async def receive():
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message):
        messages.append(message)

    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
               "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
               "headers": [(b"content-type", b"application/json"), (b"content-length", b"2"), *(headers or [])],
               "client": client, "server": ("10.0.0.5", 8080)}, receive, send)
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return messages[0]["status"], json.loads(body) if body else None


@pytest.fixture(scope="module")
def engine_in_process(tmp_path_factory):
    """One per test process: MLServer registers its metrics process-wide."""
    root = tmp_path_factory.mktemp("in-process-engine")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(ADMIN_TOKEN_ENV, raising=False)
        engine = InProcessEngine(root)
    stage_package(write_tiny_package(root / "package"), root / "models", "remote-target")
    engine.load_staged()
    yield engine
    engine.loop.close()


@pytest.mark.parametrize("path", ["/v2/repository/models/remote-target/unload", "/v2/repository/index",
                                  "/v2/repository/models/remote-target/load"])
def test_engine_without_an_admin_token_refuses_callers_from_elsewhere(engine_in_process, path):
    status, body = engine_in_process.call(path, REMOTE)

    assert status == 403 and list(body) == ["error"] and ADMIN_TOKEN_ENV in body["error"]
    assert engine_in_process.ready("remote-target")
    # the same engine answers loopback callers (`make run`, a deploy agent beside the engine)
    for local in (LOCAL, ("::1", 41000)):
        status, index = engine_in_process.call("/v2/repository/index", local)
        assert status == 200 and {"name": "remote-target", "state": "READY", "reason": ""} in index
    # and inference stays open to everyone: only the repository is the platform's
    assert engine_in_process.call("/v2/models/remote-target/ready", REMOTE, method="GET")[0] == 200


async def passed(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@pytest.mark.parametrize("authorization, status", [(None, 401), ("Bearer wrong", 401), (f"Bearer {ADMIN_TOKEN}", 200)])
def test_with_an_admin_token_callers_from_anywhere_need_it(authorization, status):
    guard = RepositoryGuard(passed, access=RepositoryAccess(ADMIN_TOKEN))
    headers = [] if authorization is None else [(b"authorization", authorization.encode())]

    for client in (REMOTE, LOCAL):
        assert asyncio.run(asgi_call(guard, "/v2/repository/models/m/unload", client, headers))[0] == status


class CallDetails(NamedTuple):
    method: str
    invocation_metadata: tuple


class Aborted(Exception):
    pass


class FakeServicerContext:
    def __init__(self, peer: str):
        self._peer, self.aborted = peer, None

    def peer(self) -> str:
        return self._peer

    def invocation_metadata(self):
        return ()

    async def abort(self, code, details):
        self.aborted = code
        raise Aborted(details)


@pytest.mark.parametrize("peer, allowed", [("ipv4:203.0.113.9:41000", False), ("ipv4:127.0.0.1:41000", True),
                                           ("ipv6:[::1]:41000", True), ("ipv6:%5B2001:db8::1%5D:41000", False)])
def test_grpc_guard_without_an_admin_token_answers_loopback_peers_only(peer, allowed):
    async def unload(request, context):
        return "unloaded"

    async def call():
        handler = grpc.unary_unary_rpc_method_handler(unload)
        details = CallDetails("/inference.GRPCInferenceService/RepositoryModelUnload", ())

        async def continuation(_):
            return handler

        guarded = await GrpcRepositoryGuard(RepositoryAccess(None)).intercept_service(continuation, details)
        context = FakeServicerContext(peer)
        try:
            return await guarded.unary_unary(None, context), context.aborted
        except Aborted:
            return None, context.aborted

    answer, aborted = asyncio.run(call())
    assert (answer, aborted) == (("unloaded", None) if allowed else (None, grpc.StatusCode.PERMISSION_DENIED))
