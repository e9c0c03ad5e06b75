"""Real serving engines for the tests: started on free loopback ports in a tmp dir, always stopped."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import requests
from prometheus_client.parser import text_string_to_metric_families

from deploy.local.processes import free_ports
from deploy.serving.repository import ServingClient
from deploy.serving.repository_access import ADMIN_TOKEN_ENV
from deploy.serving.server import start_server, stop_server, wait_until_live

ENGINE_START_TIMEOUT_S = 60


@dataclass
class RunningEngine:
    root: Path
    process: Popen
    base_url: str
    log_path: Path
    seconds_to_live: float
    metrics_url: str
    grpc_address: str
    admin_token: str | None  # what the engine's repository API answers; None: loopback callers

    @property
    def models_root(self) -> Path:
        return self.root / "models"

    @property
    def client(self) -> ServingClient:
        return ServingClient(self.base_url, timeout=30, admin_token=self.admin_token)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def launch_engine(root: Path, env: dict[str, str] | None = None) -> RunningEngine:
    """An engine in `root`; `env` replaces the environment it starts with."""
    root.mkdir(parents=True, exist_ok=True)
    http_port, grpc_port, metrics_port = free_ports(3)
    log_path = root / "engine.log"
    process = start_server(
        root, http_port=http_port, grpc_port=grpc_port, metrics_port=metrics_port, log_path=log_path, env=env
    )
    base_url = f"http://127.0.0.1:{http_port}"
    try:
        seconds = wait_until_live(base_url, ENGINE_START_TIMEOUT_S, process=process)
    except Exception:
        stop_server(process)
        raise AssertionError(f"engine did not start:\n{log_path.read_text(errors='replace')}")
    admin_token = (os.environ if env is None else env).get(ADMIN_TOKEN_ENV) or None
    return RunningEngine(root, process, base_url, log_path, seconds, f"http://127.0.0.1:{metrics_port}/metrics",
                         f"127.0.0.1:{grpc_port}", admin_token)


def metric_values(engine: RunningEngine, name: str) -> dict[str, float]:
    """{model: value} of one per-model metric on the engine's metrics port."""
    text = requests.get(engine.metrics_url, timeout=10).text
    return {
        sample.labels["model"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }
