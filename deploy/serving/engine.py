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
"""

from __future__ import annotations

import asyncio
import json
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
    from mlserver.server import MLServer
    from mlserver.rest.app import PrometheusMiddleware  # the metrics layer MLServer adds
    from starlette.middleware import Middleware

    from .binary import BinaryTensorData
    from .hardware_report import HardwareReport
    from .direct_infer import DirectInfer, HttpMetrics
    from .repository_access import GuardedGRPCServer, ModelDetailsGuard, RepositoryAccess, RepositoryGuard

    class WhetstoneMLServer(MLServer):
        # The KServe container (one model, no settings.json) has nothing to serve without it; the
        # platform's engine still takes deployments with none of its staged models loaded.
        stop_when_nothing_loads = False
        nothing_loaded = False

        def _create_servers(self):
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
            if direct_infer_enabled():
                # In front of the whole FastAPI app, where uvicorn calls it: the app itself
                # stays MLServer's (its custom-handler routes are added to it).
                http_metrics = HttpMetrics(stack[metrics[0]].kwargs) if metrics else None
                direct = DirectInfer(app, settings=self._settings, model_registry=self._model_registry,
                                     data_plane=self._data_plane, http_metrics=http_metrics)
                uvicorn_config = rest._get_config

                def config_answering_infer_first():
                    config = uvicorn_config()
                    config.app = direct
                    return config

                rest._get_config = config_answering_infer_first

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
            except Exception:  # noqa: BLE001 - the others go on; the log says why this one did not
                logger.exception(f"Model {model_settings.name} was not loaded at the engine's start; any other "
                                 f"model that loaded is served")
                return False
            return True

        def _create_model_registry(self):
            registry = super()._create_model_registry()
            # Reload hooks run before the new model's load(), like load hooks do.
            registry._on_model_reload.append(install_batching_on_reload)
            return registry

    return WhetstoneMLServer


def served_app(server):
    """The ASGI app a started engine's uvicorn serves: DirectInfer in front of MLServer's
    FastAPI app, or that app alone with the direct path off (bench/serving_path.py calls it)."""
    return server._rest_server._get_config().app


async def serve(root: Path) -> bool:
    """Serve until stopped; True when it stopped because its one model did not load (KServe)."""
    from mlserver.repository.factory import ModelRepositoryFactory
    from mlserver.settings import Settings

    settings_path = root / SETTINGS_FILE
    if settings_path.is_file():
        # Keyword arguments, so MLSERVER_* environment variables still fill what the file leaves unset.
        settings = Settings(**json.loads(settings_path.read_text()))
    else:
        settings = Settings(model_repository_root=str(root))
    models = []
    if settings.load_models_at_startup:
        models = await ModelRepositoryFactory.resolve_model_repository(settings).list()
    server = engine_server_class()(settings)
    server.stop_when_nothing_loads = not settings_path.is_file()
    await server.start(models)
    return server.stop_when_nothing_loads and server.nothing_loaded


def main(argv: list[str] | None = None) -> None:
    from mlserver.logging import configure_logger
    from mlserver.utils import install_uvloop_event_loop

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m deploy.serving.engine ROOT  (ROOT holds settings.json, or is the model folder)")
    root = Path(args[0]).resolve()
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
    if asyncio.run(serve(root)):
        raise SystemExit("serving engine: its model did not load (the log above says why)")


if __name__ == "__main__":
    main()
