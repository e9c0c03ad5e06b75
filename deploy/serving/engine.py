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
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from fastapi import Request
from fastapi.exceptions import RequestValidationError

SETTINGS_FILE = "settings.json"
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


async def install_batching_on_reload(old_model, new_model):
    from mlserver.batching.hooks import load_batching

    return await load_batching(new_model)


def engine_server_class():
    from mlserver.server import MLServer

    from .binary import BinaryTensorData

    class WhetstoneMLServer(MLServer):
        def _create_servers(self):
            super()._create_servers()
            # Outermost, before MLServer's own middleware (gzip, CORS, metrics) sees the body.
            self._rest_server._app.add_middleware(BinaryTensorData)

        def _create_model_registry(self):
            registry = super()._create_model_registry()
            # Reload hooks run before the new model's load(), like load hooks do.
            registry._on_model_reload.append(install_batching_on_reload)
            return registry

    return WhetstoneMLServer


async def serve(root: Path) -> None:
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
    await server.start(models)


def main(argv: list[str] | None = None) -> None:
    from mlserver.logging import configure_logger
    from mlserver.utils import install_uvloop_event_loop

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m deploy.serving.engine ROOT  (ROOT holds settings.json, or is the model folder)")
    root = Path(args[0]).resolve()
    if not root.is_dir():
        raise SystemExit(f"{root} is not a folder")
    configure_logger()
    install_uvloop_event_loop()
    install_protocol_error_bodies()
    asyncio.run(serve(root))


if __name__ == "__main__":
    main()
