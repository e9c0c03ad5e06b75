"""Run the serving engine as a process: settings, start, wait, stop.

Used by `python -m deploy.serving` (`make run`), by the tests, and by anything
else that needs a real engine on this machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from .engine import SETTINGS_FILE
from .repository import ServingClient

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELS_FOLDER = "models"


def write_settings(
    root: Path,
    *,
    http_port: int,
    grpc_port: int,
    metrics_port: int,
    host: str = "127.0.0.1",
) -> Path:
    """Write `root/settings.json` for the engine and create `root/models`; return the settings path."""
    root = Path(root).resolve()
    models_root = root / MODELS_FOLDER
    models_root.mkdir(parents=True, exist_ok=True)
    settings = {
        "debug": False,  # debug=True would put Python tracebacks in HTTP responses
        # Inference in the server process itself: no worker pool to start per
        # model, and onnxruntime/OpenVINO already use the cores runtime.json gives them.
        "parallel_workers": 0,
        "model_repository_root": str(models_root),
        # A restart reloads every model that was deployed (staged) before it.
        "load_models_at_startup": True,
        "host": host,
        "http_port": http_port,
        "grpc_port": grpc_port,
        "metrics_port": metrics_port,
        # MLServer's defaults are relative to the working directory; keep its
        # scratch folders with the rest of this server's state.
        "metrics_dir": str(root / ".metrics"),
        "environments_dir": str(root / ".envs"),
    }
    # The console calls infer from its own origin (its test-inference form); MLServer answers
    # CORS preflights for the origins listed here (comma-separated), and for none when unset.
    cors_origins = [origin.strip() for origin in os.environ.get("SERVING_CORS_ORIGINS", "").split(",") if origin.strip()]
    if cors_origins:
        settings["cors_settings"] = {
            "allow_origins": cors_origins,
            "allow_methods": ["GET", "POST", "OPTIONS"],
            # The console sends large inputs with the binary tensor extension, whose header a
            # browser sends cross-origin only once the preflight allows it. It asks for JSON
            # outputs: MLServer 1.7 does not pass expose_headers on, so a page could not read
            # the length header of a binary response.
            "allow_headers": ["Content-Type", "Authorization", "Inference-Header-Content-Length"],
        }
    path = root / SETTINGS_FILE
    path.write_text(json.dumps(settings, indent=2) + "\n")
    return path


def engine_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "deploy.serving.engine", str(Path(root).resolve())]


def engine_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for the engine: the repo root first on PYTHONPATH so that
    `deploy.serving.runtime` and `compiler_core` import whatever the working directory."""
    environment = dict(os.environ if env is None else env)
    paths = [str(REPO_ROOT)] + [p for p in environment.get("PYTHONPATH", "").split(os.pathsep) if p]
    environment["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return environment


def start_server(
    root: Path,
    *,
    http_port: int,
    grpc_port: int,
    metrics_port: int,
    env: dict[str, str] | None = None,
    log_path: Path | None = None,
) -> subprocess.Popen:
    """Write settings for `root` and start the engine in the background.

    Its output goes to `log_path` when given (the tests keep it to show why a
    start failed), otherwise to this process's stdout/stderr.
    """
    write_settings(root, http_port=http_port, grpc_port=grpc_port, metrics_port=metrics_port)
    log: IO | None = None
    if log_path is not None:
        log = open(log_path, "ab")
    try:
        return subprocess.Popen(
            engine_command(root),
            cwd=str(root),
            env=engine_environment(env),
            stdout=log,
            stderr=subprocess.STDOUT if log is not None else None,
        )
    finally:
        if log is not None:
            log.close()  # the child holds its own descriptor


def wait_until_live(
    base_url: str, timeout: float, *, process: subprocess.Popen | None = None
) -> float:
    """Block until the engine answers /v2/health/live; return the seconds waited.

    With `process`, a server that exits while starting (port taken, bad
    settings) is reported at once instead of after the whole timeout.
    """
    client = ServingClient(base_url, timeout=2)
    started = time.monotonic()
    while True:
        if client.live():
            return time.monotonic() - started
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"serving engine exited with status {process.returncode} while starting")
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"serving engine at {base_url} not live after {timeout:.0f} s")
        time.sleep(0.1)


def stop_server(process: subprocess.Popen, timeout: float = 15) -> int:
    """SIGTERM (MLServer unloads models and closes its ports), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
