"""The serving process: MLServer, started from a settings.json we wrote (or the environment).

`python -m deploy.serving.engine <root>` is what `start_server` runs and what the
container image runs on Kubernetes. It differs from `mlserver start <root>` in
these ways, all on purpose:

* `mlserver start FOLDER` overrides `model_repository_root` with FOLDER, and the
  mlserver package has no `__main__`, so `python -m mlserver` does not run at
  all. Here settings.json is the whole truth, models live in `root/models`.
* Without a settings.json in ROOT (a KServe pod, where the storage initializer
  puts the package in /mnt/models), settings and the single model come from
  MLSERVER_* environment variables, as in MLServer's own KServe runtime.
* A request FastAPI rejects before it reaches the model (body that is not JSON,
  a datatype the protocol does not know) would come back as FastAPI's
  `{"detail": [...]}`; the Open Inference Protocol's error body is
  `{"error": "..."}`, which is what every other refusal from MLServer uses.
* MLServer 1.7.1 installs adaptive batching only when a model is first loaded,
  not when a model it already serves is loaded again (a redeploy): its reload
  hooks leave `load_batching` out, so a redeployed model would silently stop
  batching. The registry here runs it on reloads too.
* Over REST, MLServer speaks only JSON; the engine also takes the binary tensor
  data extension of KServe and Triton (deploy/serving/binary.py), which spares
  large inputs the JSON text.
* V2 REST infer calls to our runtime's models skip FastAPI, its middleware
  and MLServer's data plane (deploy/serving/direct_infer.py, in front of the
  app, with its own adaptive batcher): that path cost about a millisecond per
  request, the whole latency budget of a small model.
* The engine tells the platform its hardware class (`GET /v2/repository/hardware`,
  deploy/serving/hardware_report.py); a declared WHETSTONE_HARDWARE_CLASS the machine
  cannot serve stops it at start.
* The model repository API (index, load, unload) answers only the platform:
  callers with the admin token, or loopback callers when none is set
  (deploy/serving/repository_access.py), over REST and gRPC alike. MLServer
  serves it, open, on the port users call for inference. A token-protected
  model's metadata and readiness answer its token (or the platform) only.
* MLServer stops the whole engine when one model fails to load at its start; here
  the others are served, and the repository index gives the refused one's reason
  (the `reason` field MLServer leaves empty).
* Models are found by deploy/serving/model_folders.py, one level deep, never by
  MLServer's recursive scan, which imports the class any model-settings.json below
  its root names (and below it lie the users' staged originals). With
  --one-package (KServe) the one model comes from the environment alone.
* Every request body, on every path, passes request_limits.BodyLimit first: held to
  WHETSTONE_MAX_REQUEST_MB, and inflated there, bounded, so that no later layer
  (MLServer's own inflates without a limit) sees a compressed body.
* Every run has a deadline (run_deadline.py), and a run on the event loop a short
  one of its own (run_placement.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from .switches import switched_on

SETTINGS_FILE = "settings.json"
# WHETSTONE_DIRECT_INFER=0 sends every infer call through MLServer's own REST path:
# the benchmark's comparison, and an operator's way out should the two ever differ.
DIRECT_INFER_ENV = "WHETSTONE_DIRECT_INFER"
HTTP_BAD_REQUEST = 400
# Set by the KServe serving runtime (deploy/exports/kserve.py), never by the platform's engine.
ONE_MODEL_ENV = "MLSERVER_MODEL_IMPLEMENTATION"
# A start-up refusal's reason, as the repository index gives it: the engine's words, not a log.
MAX_REFUSAL_CHARS = 2000


async def answer_invalid_request(request: Request, exc: RequestValidationError):
    from mlserver.rest.responses import Response

    problems = "; ".join(_describe(error) for error in exc.errors())
    return Response(status_code=HTTP_BAD_REQUEST, content={"error": f"invalid request: {problems}"})


def _describe(error: dict) -> str:
    if error.get("type") == "json_invalid":
        return f"the body is not valid JSON ({error.get('ctx', {}).get('error', error.get('msg'))})"
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', '')}"


def install_protocol_error_bodies() -> None:
    # MLServer builds its FastAPI app from this module-level table, so an entry
    # added before the server is created is honoured by every route.
    from mlserver.rest import errors

    errors._EXCEPTION_HANDLERS[RequestValidationError] = answer_invalid_request


def direct_infer_enabled() -> bool:
    return switched_on(DIRECT_INFER_ENV)


async def install_batching_on_reload(old_model, new_model):
    from mlserver.batching.hooks import load_batching

    return await load_batching(new_model)


def engine_server_class():
    from mlserver.handlers.model_repository import ModelRepositoryHandlers
    from mlserver.server import MLServer
    from mlserver.types import State
    from mlserver.rest.app import PrometheusMiddleware  # the metrics layer MLServer adds
    from starlette.middleware import Middleware

    from .binary import BinaryTensorData
    from .request_limits import BodyLimit
    from .hardware_report import HardwareReport
    from .direct_infer import DirectInfer, HttpMetrics
    from .repository_access import GuardedGRPCServer, ModelDetailsGuard, RepositoryAccess, RepositoryGuard

    class IndexWithReasons(ModelRepositoryHandlers):
        """The repository index, with the `reason` MLServer leaves empty (KServe v2's index has the
        field): a staged model this engine refused at its start is UNAVAILABLE with the engine's
        words, so the platform can say why a deployment is not served after a restart."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.refused_at_start: dict[str, str] = {}

        async def _to_item(self, model_settings):
            item = await super()._to_item(model_settings)
            if item.state == State.UNAVAILABLE:
                item.reason = self.refused_at_start.get(model_settings.name, "")
            return item

        async def load(self, name: str) -> bool:
            self.refused_at_start.pop(name, None)  # a later load (a redeploy) has its own answer
            return await super().load(name)

    class WhetstoneMLServer(MLServer):
        # The KServe container (one model, no settings.json) has nothing to serve without it; the
        # platform's engine still takes deployments with none of its staged models loaded.
        stop_when_nothing_loads = False
        nothing_loaded = False

        def _create_servers(self):
            self._model_repository_handlers = IndexWithReasons(repository=self._model_repository,
                                                               model_registry=self._model_registry)
            super()._create_servers()
            access = RepositoryAccess.from_environment()
            self._grpc_server = GuardedGRPCServer(self._settings, self._data_plane,
                                                  self._model_repository_handlers, access=access)
            rest = self._rest_server
            app = rest._app
            # user_middleware runs outermost first. The binary extension goes just inside
            # MLServer's HTTP metrics, so every call is counted, and before its CORS and
            # gzip middleware; the repository guard just before it. DirectInfer, in front,
            # hands every call but infer to this stack, so the guard holds with it on or off.
            stack = app.user_middleware
            metrics = [i for i, layer in enumerate(stack) if layer.cls is PrometheusMiddleware]
            at = metrics[0] + 1 if metrics else 0
            stack.insert(at, Middleware(HardwareReport))
            stack.insert(at, Middleware(BinaryTensorData))
            stack.insert(at, Middleware(ModelDetailsGuard, access=access, registry=self._model_registry))
            stack.insert(at, Middleware(RepositoryGuard, access=access))
            # In front of the whole FastAPI app, where uvicorn calls it (the app itself stays
            # MLServer's: its custom-handler routes are added to it): the body limit on every path,
            # then DirectInfer.
            front = app
            if direct_infer_enabled():
                http_metrics = HttpMetrics(stack[metrics[0]].kwargs) if metrics else None
                front = DirectInfer(app, settings=self._settings, model_registry=self._model_registry,
                                    data_plane=self._data_plane, http_metrics=http_metrics)
            front = BodyLimit(front)
            uvicorn_config = rest._get_config

            def config_with_our_front():
                config = uvicorn_config()
                config.app = front
                return config

            rest._get_config = config_with_our_front

        async def start(self, models_settings=()):
            # MLServer's own start stops the whole engine when one model fails to load at startup.
            # An engine that restarts on another machine (a pod moved to another node) re-checks
            # every staged package there, and one the new machine refuses must not take every other
            # deployment down with it, again at each restart: it stays unloaded, and says why.
            servers = [self._rest_server.start(), self._grpc_server.start()]
            if self._metrics_server:
                servers.append(self._metrics_server.start())
            if self._kafka_server:
                servers.append(self._kafka_server.start())
            servers_task = asyncio.gather(*servers)
            try:
                loaded = await asyncio.gather(*[self._load_alone(model) for model in models_settings])
                self.nothing_loaded = bool(models_settings) and not any(loaded)
                if self.stop_when_nothing_loads and self.nothing_loaded:
                    # The KServe container's one model: stop, as MLServer does, so that the failure
                    # shows as a container that does not start, not a healthy one answering 404.
                    await self.stop()
            finally:
                await servers_task

        async def _load_alone(self, model_settings) -> bool:
            from mlserver.logging import logger

            try:
                await self._model_registry.load(model_settings)
            except Exception as exc:  # noqa: BLE001 - the others go on; the log and the index say why not
                logger.exception(f"Model {model_settings.name} was not loaded at the engine's start; any other "
                                 f"model that loaded is served")
                self._model_repository_handlers.refused_at_start[model_settings.name] = \
                    str(exc)[:MAX_REFUSAL_CHARS]
                return False
            return True

        def _create_model_registry(self):
            registry = super()._create_model_registry()
            # Reload hooks run before the new model's load(), like load hooks do.
            registry._on_model_reload.append(install_batching_on_reload)
            return registry

    return WhetstoneMLServer


def served_app(server):
    """The ASGI app a started engine's uvicorn serves: the body limit, then DirectInfer in front of
    MLServer's FastAPI app, or that app alone with the direct path off (bench/serving_path.py calls it)."""
    return server._rest_server._get_config().app


async def serve(root: Path, *, one_package: bool = False) -> bool:
    """Serve until stopped; True when it stopped because its one model did not load (KServe).

    The platform's engine: ROOT/settings.json (written by server.write_settings) and the models
    staged in its model folder. With `one_package` (the KServe container), ROOT is the package, and
    no file in it is read as settings: the server's settings and the one model come from the
    MLSERVER_* environment variables. Either way the models are found by model_folders, never by
    MLServer's own scan, which imports whatever a model-settings.json anywhere below ROOT names."""
    from mlserver.settings import Settings

    repository = "deploy.serving.model_folders." + ("OnePackage" if one_package else "StagedModels")
    if one_package:
        settings = Settings(model_repository_root=str(root), model_repository_implementation=repository)
    else:
        # Keyword arguments, so MLSERVER_* environment variables still fill what the file leaves unset.
        written = json.loads((root / SETTINGS_FILE).read_text())
        settings = Settings(**{**written, "model_repository_implementation": repository,
                               "model_repository_implementation_args": {}})
    models = []
    if settings.load_models_at_startup:
        models = await settings.model_repository_implementation(root=settings.model_repository_root).list()
    server = engine_server_class()(settings)
    server.stop_when_nothing_loads = one_package
    await server.start(models)
    return server.stop_when_nothing_loads and server.nothing_loaded


def serves_one_package(root: Path, flags: list[str]) -> bool:
    """The KServe container's mode: asked for (--one-package), or told by the serving runtime's
    MLSERVER_MODEL_IMPLEMENTATION (runtimes installed before the flag), or a ROOT without the
    settings.json the platform writes. Never chosen by a file of ROOT's alone: in KServe, ROOT is the
    package, and a package's settings.json would have become the server's settings."""
    return ("--one-package" in flags or bool(os.environ.get(ONE_MODEL_ENV))
            or not (root / SETTINGS_FILE).is_file())


def main(argv: list[str] | None = None) -> None:
    from mlserver.logging import configure_logger
    from mlserver.utils import install_uvloop_event_loop

    args = sys.argv[1:] if argv is None else argv
    flags, paths = [a for a in args if a.startswith("--")], [a for a in args if not a.startswith("--")]
    if len(paths) != 1 or set(flags) - {"--one-package"}:
        raise SystemExit("usage: python -m deploy.serving.engine [--one-package] ROOT  (ROOT holds settings.json; "
                         "with --one-package, ROOT is the one package to serve, as KServe mounts it)")
    root = Path(paths[0]).resolve()
    if not root.is_dir():
        raise SystemExit(f"{root} is not a folder")
    from compiler_core.hardware import HardwareClassRefused, this_hardware_class

    try:
        # Before anything is served: a declared class this machine cannot serve is an operator's
        # mistake that would make every accuracy check on load answer for the wrong machine.
        print(f"serving engine: hardware class {this_hardware_class()}", file=sys.stderr, flush=True)
    except HardwareClassRefused as exc:
        raise SystemExit(f"serving engine: {exc}") from exc
    configure_logger()
    install_uvloop_event_loop()
    install_protocol_error_bodies()
    if asyncio.run(serve(root, one_package=serves_one_package(root, flags))):
        raise SystemExit("serving engine: its model did not load (the log above says why)")


if __name__ == "__main__":
    main()
