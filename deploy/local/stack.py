"""Compose the platform on one machine: broker, storage, database, serving,
worker, web — in that order, each waited for before the next starts."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import boto3

from .processes import (
    REPO_DIR,
    Stack,
    free_port,
    manage,
    start_reaper,
    start_redis,
    start_s3_server,
    start_serving,
    start_web,
    start_worker,
)


def _base_env(var_dir: Path, overrides: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **overrides}
    env["WHETSTONE_VAR_DIR"] = str(var_dir)
    # deploy/ and compiler_core/ must import in every process, MLServer's included.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_DIR), env.get("PYTHONPATH", "")]))
    env.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'whetstone.sqlite3'}")
    env["PYTHONUNBUFFERED"] = "1"
    # The compiler core's tuning cache belongs to this installation.
    env.setdefault("WHETSTONE_CACHE_DIR", str(var_dir / "cache"))
    return env


def start_stack(
    *,
    var_dir: Path,
    web_port: int,
    serving_port: int,
    env_overrides: dict[str, str] | None = None,
    with_s3_server: bool = False,
    redis_port: int | None = None,
    worker_concurrency: int = 1,
    with_serving: bool = True,
) -> Stack:
    """Start every part that the environment does not already provide.

    REDIS_URL given → use it, else a private Redis under var_dir/redis.
    S3_BUCKET given → use that S3 API; with_s3_server → start one on loopback
    (tests); else the local object store under var_dir/objects.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    log_dir = var_dir / "logs"
    env = _base_env(var_dir, env_overrides or {})
    stack = Stack(env=env)
    try:
        if not env.get("REDIS_URL"):
            port = redis_port or free_port()
            redis = stack.add(lambda: start_redis(port=port, data_dir=var_dir / "redis", log_dir=log_dir, env=env))
            env["REDIS_URL"] = redis.url
        if with_s3_server and not env.get("S3_BUCKET"):
            s3_port = free_port()
            s3 = stack.add(lambda: start_s3_server(port=s3_port, log_dir=log_dir, env=env))
            env.update(S3_ENDPOINT_URL=s3.url, S3_BUCKET="whetstone", S3_ACCESS_KEY_ID="testing",
                       S3_SECRET_ACCESS_KEY="testing", S3_REGION="us-east-1")
            boto3.client("s3", endpoint_url=s3.url, aws_access_key_id="testing",
                         aws_secret_access_key="testing", region_name="us-east-1").create_bucket(Bucket="whetstone")
        serving_root = var_dir / "serving"
        env["SERVING_MODEL_ROOT"] = str(serving_root / "models")
        env["SERVING_URL"] = f"http://127.0.0.1:{serving_port}"
        env.setdefault("SERVING_PUBLIC_URL", env["SERVING_URL"])
        # The web process reads a deployment's traffic from the engine's metrics listener.
        metrics_port = free_port()
        env["SERVING_METRICS_URL"] = f"http://127.0.0.1:{metrics_port}/metrics"
        # The engine, the worker that loads models into it and the web process share one env:
        # a token made for this run keeps the engine's model repository API theirs alone.
        if not env.get("SERVING_ADMIN_TOKEN"):
            env["SERVING_ADMIN_TOKEN"] = secrets.token_urlsafe(32)
        # The console's test-inference form calls the engine from the browser, on the web origin.
        env.setdefault("SERVING_CORS_ORIGINS", f"http://127.0.0.1:{web_port},http://localhost:{web_port}")
        manage(["migrate", "--noinput"], env=env)
        manage(["collectstatic", "--noinput", "--verbosity", "0"], env=env)
        if with_serving:
            stack.add(lambda: start_serving(root=serving_root, http_port=serving_port, log_dir=log_dir, env=env,
                                                   metrics_port=metrics_port))
            stack.serving_url = env["SERVING_URL"]
        stack.add(lambda: start_worker(log_dir=log_dir, env=env, concurrency=worker_concurrency))
        stack.add(lambda: start_reaper(log_dir=log_dir, env=env))
        stack.web_url = stack.add(lambda: start_web(port=web_port, log_dir=log_dir, env=env)).url
    except BaseException:
        stack.stop()
        raise
    return stack
