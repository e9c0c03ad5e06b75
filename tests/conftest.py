"""Fixtures that start the real platform for end-to-end tests.

`stack` starts Redis, an S3 API server (moto, on loopback), MLServer, a Celery
worker and the web server (gunicorn) as separate processes, exactly as
`make run` does, with a database of their own: a fresh PostgreSQL database
when DATABASE_URL points at PostgreSQL, else an SQLite file.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse, urlunparse

import pytest
import requests

from deploy.local.processes import free_port, manage
from deploy.local.stack import start_stack
from whetstone_cli.client import retrying_session

REPO_DIR = Path(__file__).resolve().parents[1]
ARTIFACTS_DIR = REPO_DIR / "test-artifacts"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "e2e-" + uuid.uuid4().hex[:12]


def _fresh_postgres_database(url: str):
    """Create a throwaway database beside the one DATABASE_URL names."""
    import psycopg

    name = f"whetstone_e2e_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(url)

    def drop():
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parsed._replace(path=f"/{name}")), drop


class LiveStack:
    def __init__(self, stack, var_dir: Path):
        self.stack = stack
        self.var_dir = var_dir
        self.web_url = stack.web_url
        self.serving_url = stack.serving_url
        self.admin_username = ADMIN_USERNAME
        self.admin_password = ADMIN_PASSWORD
        self.env = stack.env

    def api(self, *, username: str | None = None, password: str | None = None) -> requests.Session:
        """A requests session authenticated with an API token (the admin's by default)."""
        token = requests.post(
            f"{self.web_url}/api/v1/auth/token/",
            json={"username": username or self.admin_username, "password": password or self.admin_password},
            timeout=10,
        ).json()["token"]
        # As the CLI's: a poll on a kept-alive connection that gunicorn just closed is sent again.
        session = retrying_session()
        session.headers["Authorization"] = f"Token {token}"
        return session

    def service(self, name: str):
        return self.stack.service(name)

    def replace_service(self, name: str, new_service) -> None:
        self.stack.replace(name, new_service)

    def create_user(self, username: str, password: str) -> requests.Session:
        """A new user, and a requests session holding their API token."""
        manage(["shell", "-c",
                "from django.contrib.auth import get_user_model; "
                f"get_user_model().objects.create_user(username={username!r}, password={password!r})"],
               env=self.env)
        return self.api(username=username, password=password)


@contextmanager
def launched_stack(var_dir: Path, *, env: dict[str, str] | None = None, **options) -> Iterator[LiveStack]:
    """Start the platform under `var_dir` with a database of its own; stop it after."""
    overrides = {"WHETSTONE_ADMIN_PASSWORD": ADMIN_PASSWORD, "DEBUG": "false",
                 # The webhook tests' receivers listen on loopback, which the server refuses by default.
                 "WHETSTONE_OUTBOUND_ALLOWLIST": "127.0.0.1/32",
                 # Every client here is 127.0.0.1: the API fuzzer's hundreds of failed logins must not
                 # lock the other tests out by address (the per-username limit stays; accounts' tests
                 # cover both).
                 "WHETSTONE_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
                 # The reaper samples the engine's counters for the traffic history every 15 s by
                 # default; a test that calls a model and reads the history should not wait that long.
                 "WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S": "2", **(env or {})}
    drop_database = None
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        overrides["DATABASE_URL"], drop_database = _fresh_postgres_database(database_url)
    else:
        overrides["DATABASE_URL"] = f"sqlite:///{var_dir / 'whetstone.sqlite3'}"
    stack = start_stack(
        var_dir=var_dir, web_port=free_port(), serving_port=free_port(), env_overrides=overrides,
        with_s3_server=True, **options,
    )
    stack.supervise()  # a process that dies unasked is restarted, as in production
    try:
        manage(["ensure_admin"], env=stack.env)
        yield LiveStack(stack, var_dir)
    finally:
        stack.stop()
        if drop_database:
            drop_database()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with launched_stack(tmp_path_factory.mktemp("whetstone-var")) as live:
        yield live
