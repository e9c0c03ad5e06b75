"""A thin client of Whetstone's REST API (token auth, the API's error shape)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError
from urllib3.util.retry import Retry

CHUNK = 1024 * 1024


class ResendDropped(Retry):
    """Sends a request again when its connection failed, never when the server was merely slow.

    A reused keep-alive connection that the server closes just as a request goes out fails with
    "Remote end closed connection without response". gunicorn closes idle connections after its
    keep-alive timeout (2 s, the CLI's own poll interval), so a poll loop meets this now and then.
    A request that never reached the server, or an idempotent one (GET, PUT, DELETE) whose
    connection dropped, is sent again; a POST whose connection dropped is not, since the server
    may have acted on it. A read timeout is not a dropped connection: the server is working on
    the request, and sending it again would only double the wait (and the work)."""

    def _is_read_error(self, err: Exception) -> bool:
        return isinstance(err, ProtocolError)


RETRIES = ResendDropped(total=3, connect=3, read=2, status=0, other=0, backoff_factor=0.2, raise_on_status=False)


def retrying_session() -> requests.Session:
    """A session that sends again what failed on the way, as `RETRIES` allows."""
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=RETRIES)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class ApiError(Exception):
    """The server refused or failed; `str()` is the server's own explanation."""

    def __init__(self, status: int, message: str, *, errors: dict | None = None):
        super().__init__(message)
        self.status = status
        self.errors = errors or {}  # the API's {field: [message]}, for callers that name fields their own way


def config_path() -> Path:
    explicit = os.environ.get("WHETSTONE_CONFIG")
    if explicit:
        return Path(explicit)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "whetstone" / "config.json"


def load_config() -> dict:
    path = config_path()
    stored = json.loads(path.read_text()) if path.is_file() else {}
    return {
        "url": os.environ.get("WHETSTONE_URL") or stored.get("url", ""),
        "token": os.environ.get("WHETSTONE_TOKEN") or stored.get("token", ""),
    }


def save_config(*, url: str, token: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # The token is a credential: readable by its owner only.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"url": url, "token": token}, handle)
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


class Client:
    def __init__(self, url: str, token: str, *, timeout: float = 60.0):
        if not url:
            raise ApiError(0, "No server: run `whetstone login --url URL --token TOKEN` or set WHETSTONE_URL.")
        self.base = url.rstrip("/") + "/api/v1"
        self.session = retrying_session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["User-Agent"] = "whetstone-cli"
        self.timeout = timeout

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base}/{path.lstrip('/')}"
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.RequestException as exc:
            raise ApiError(0, f"Could not reach {url}: {exc}") from exc
        if response.status_code >= 400:
            errors = {}
            try:
                body = response.json()
                message = body.get("detail") or json.dumps(body)
                errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
            except (ValueError, AttributeError):
                message = response.text[:500] or response.reason
            raise ApiError(response.status_code, f"{method} {url} → {response.status_code}: {message}", errors=errors)
        return response

    def get(self, path: str, **params) -> dict:
        return self.request("GET", path, params=params or None).json()

    def post(self, path: str, payload: dict | None = None) -> dict:
        return self.request("POST", path, json=payload or {}).json()
