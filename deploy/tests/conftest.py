from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploy.serving.engine import DIRECT_INFER_ENV
from deploy.serving.server import stop_server
from deploy.tests.engines import RunningEngine, launch_engine


@pytest.fixture(scope="session")
def serving_engine(tmp_path_factory) -> RunningEngine:
    """One real MLServer for the session, on free loopback ports, in its own tmp dir."""
    engine = launch_engine(tmp_path_factory.mktemp("serving"))
    yield engine
    stop_server(engine.process)


@pytest.fixture(scope="session")
def mlserver_path_engine(tmp_path_factory) -> RunningEngine:
    """A real MLServer whose infer calls all take MLServer's own REST path (no DirectInfer)."""
    engine = launch_engine(tmp_path_factory.mktemp("serving-mlserver-path"), {**os.environ, DIRECT_INFER_ENV: "0"})
    yield engine
    stop_server(engine.process)


@pytest.fixture
def launched_engines():
    """Start extra engines inside a test (e.g. to restart one); all are stopped after it."""
    engines: list[RunningEngine] = []

    def launch(root: Path, env: dict[str, str] | None = None) -> RunningEngine:
        engines.append(launch_engine(root, env))
        return engines[-1]

    yield launch
    for engine in engines:
        stop_server(engine.process)
