"""The model repository MLServer serves from, and a client for the running engine.

A deployed package is a folder `<models_root>/<name>/` holding the package files
plus the model-settings.json that tells MLServer to open it with
WhetstoneRuntime. The engine's Open Inference Protocol REST API (data plane and
model-repository extension) does the rest: load, unload, index, infer.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import requests
from urllib3.exceptions import NewConnectionError

from compiler_core.package_policy import check_package

from .accuracy_on_load import REFERENCE_DIR
from .binary import decode_response, encode_request
from .datatypes import V2_TO_NUMPY, v2_datatype

MODEL_SETTINGS_FILE = "model-settings.json"
RUNTIME_IMPLEMENTATION = "deploy.serving.runtime.WhetstoneRuntime"
# The name becomes a folder and a URL path segment; keep it to what is safe in both.
MODEL_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
# Where the staged model-settings.json keeps the SHA-256 of a deployment's access
# token (parameters.extra); the token itself is never written anywhere.
ACCESS_TOKEN_HASH_KEY = "access_token_sha256"
# The engine answers these only to the platform (deploy/serving/repository_access.py).
REPOSITORY_PATH_PREFIX = "/v2/repository/"


def access_token_hash(token: str) -> str:
    """What is stored of an access token: its SHA-256, hex. Tokens are long random
    strings, so a fast hash is enough (nothing to brute-force as with passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ServingError(Exception):
    """The engine refused a request; `message` is the engine's own explanation."""

    def __init__(self, message: str, *, status_code: int | None = None, reached: bool = True):
        super().__init__(message if status_code is None else f"{message} (HTTP {status_code})")
        self.message = message
        self.status_code = status_code
        # False when the request surely never reached the engine (refused, no connection made):
        # then the engine is doing nothing about it, unlike after a timeout or a dropped connection.
        self.reached = reached


def model_settings(
    name: str,
    *,
    max_batch_size: int = 0,
    max_batch_time_s: float = 0.0,
    access_token_sha256: str | None = None,
) -> dict[str, Any]:
    """The model-settings.json for a package staged beside it."""
    settings: dict[str, Any] = {
        "name": name,
        "implementation": RUNTIME_IMPLEMENTATION,
        # MLServer resolves a relative uri against this file's folder, so the
        # staged folder can move (e.g. into a container volume) unchanged.
        "parameters": {"uri": "."},
    }
    if access_token_sha256:
        settings["parameters"]["extra"] = {ACCESS_TOKEN_HASH_KEY: access_token_sha256}
    if max_batch_size > 1:
        # MLServer's adaptive batching joins requests along the first dim; it
        # only makes sense when that dim is the batch dim, which the caller knows.
        settings["max_batch_size"] = max_batch_size
        settings["max_batch_time"] = max_batch_time_s
    return settings


def stage_package(
    package_dir: Path,
    models_root: Path,
    name: str,
    *,
    max_batch_size: int = 0,
    max_batch_time_s: float = 0.0,
    access_token_sha256: str | None = None,
) -> Path:
    """Copy the package to `models_root/name` with its model-settings.json; return that folder.

    With `access_token_sha256`, the engine answers infer calls only when they carry
    `Authorization: Bearer <token>` whose SHA-256 that is (401 otherwise).

    Staging again under the same name replaces the earlier copy; call the
    engine's load afterwards to swap the served model.
    """
    package_dir, models_root = Path(package_dir), Path(models_root)
    _check_name(name)
    if not package_dir.is_dir():
        raise FileNotFoundError(f"package folder {package_dir} does not exist")
    if max_batch_size > 1 and max_batch_time_s <= 0:
        raise ValueError("adaptive batching needs max_batch_time_s > 0 (seconds to wait for a batch)")
    models_root.mkdir(parents=True, exist_ok=True)
    # Copy beside the target and swap it in, so the engine never scans a half-copied
    # package; the leading dot keeps MLServer's recursive scan out of the scratch copy.
    # A package is data, and only its own files are staged (package_policy.package_files), with the
    # reference the platform put beside them for the engine's checks on load (stage_reference).
    files = check_package(package_dir, folders_beside=frozenset({REFERENCE_DIR}))
    scratch = Path(tempfile.mkdtemp(prefix=f".{name}.staging-", dir=models_root))
    try:
        staged = scratch / "package"
        staged.mkdir()
        for file in files:
            _copy_regular_file(package_dir / file, staged / file)
        if (package_dir / REFERENCE_DIR).is_dir():
            shutil.copytree(package_dir / REFERENCE_DIR, staged / REFERENCE_DIR, ignore=_all_but_files_and_folders)
        settings = model_settings(
            name, max_batch_size=max_batch_size, max_batch_time_s=max_batch_time_s,
            access_token_sha256=access_token_sha256,
        )
        (staged / MODEL_SETTINGS_FILE).write_text(json.dumps(settings, indent=2) + "\n")
        target = models_root / name
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
        return target
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _copy_regular_file(source: Path, target: Path) -> None:
    """Copy what is at `source` now, refusing a link (check_package looked at it a moment ago: a file
    swapped for a link since then is not followed, nor copied as a link)."""
    from compiler_core.errors import PackageError

    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise PackageError(f"the package's {source.name!r} could not be read as a regular file ({exc.strerror})") from exc
    with os.fdopen(descriptor, "rb") as reading:
        if not stat.S_ISREG(os.fstat(reading.fileno()).st_mode):
            raise PackageError(f"the package's {source.name!r} is not a regular file")
        with open(target, "wb") as writing:
            shutil.copyfileobj(reading, writing, 1 << 20)


def _all_but_files_and_folders(folder: str, names: list[str]) -> list[str]:
    """What a staged reference leaves out: a link (the engine would read what it points at) or a
    special file. The platform writes regular files only; this holds whatever else stages one."""
    left_out = []
    for name in names:
        mode = os.lstat(os.path.join(folder, name)).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            left_out.append(name)
    return left_out


def remove_staged(models_root: Path, name: str) -> None:
    """Delete a staged package, so a restart of the engine no longer loads it."""
    _check_name(name)
    shutil.rmtree(Path(models_root) / name, ignore_errors=True)


def deploy_package(
    client: "ServingClient",
    package_dir: Path,
    models_root: Path,
    name: str,
    *,
    max_batch_size: int = 0,
    max_batch_time_s: float = 0.0,
    access_token_sha256: str | None = None,
) -> Path:
    """Stage a package and have the engine load it; a package the engine refuses is unstaged.

    The engine loads every staged model at start-up (a refused one is left unloaded,
    engine.WhetstoneMLServer.start), so a refused package left on disk would be
    tried, and refused, again at each restart.
    """
    staged = stage_package(
        package_dir, models_root, name, max_batch_size=max_batch_size, max_batch_time_s=max_batch_time_s,
        access_token_sha256=access_token_sha256,
    )
    try:
        client.load(name)
    except ServingError:
        remove_staged(models_root, name)
        raise
    return staged


def redeploy_package(
    client: "ServingClient",
    package_dir: Path,
    models_root: Path,
    name: str,
    *,
    max_batch_size: int = 0,
    max_batch_time_s: float = 0.0,
    access_token_sha256: str | None = None,
) -> Path:
    """Replace the package served as `name` without a moment where `name` does not answer.

    The package is staged under the same name and loaded again. MLServer 1.7
    treats a load of a model it already serves (same name, same version) as a
    reload: it loads the new model first, swaps it into the registry once its
    load() returned, and only then unloads the old one, so requests to
    /v2/models/{name}/infer are answered by the old package until the new one is
    ready. (A new *version* would not do: MLServer makes a newer version the
    default as soon as it starts loading, so the unversioned URL answers "not
    ready" until it finishes.)

    If the engine refuses the new package, the old one keeps serving and its
    staged copy is put back, so a restart serves what is served now.
    """
    models_root = Path(models_root)
    _check_name(name)
    current = models_root / name
    # Leading dot: out of MLServer's scan, like stage_package's scratch copies.
    previous = Path(tempfile.mkdtemp(prefix=f".{name}.previous-", dir=models_root)) / "package"
    if current.exists():
        current.rename(previous)
    try:
        staged = stage_package(
            package_dir, models_root, name, max_batch_size=max_batch_size,
            max_batch_time_s=max_batch_time_s, access_token_sha256=access_token_sha256,
        )
        client.load(name)
    except BaseException:
        remove_staged(models_root, name)
        if previous.exists():
            previous.rename(current)
        raise
    finally:
        shutil.rmtree(previous.parent, ignore_errors=True)
    return staged


class ServingClient:
    """The engine's REST API (Open Inference Protocol v2 + model repository extension)."""

    def __init__(self, base_url: str, timeout: float = 60, *, access_token: str | None = None,
                 admin_token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        if access_token:
            self.session.headers["Authorization"] = f"Bearer {access_token}"
        # Repository calls carry the engine's admin token instead (None drops the session's header):
        # a deployment's token is no key to the repository, nor the admin token one to send to infer.
        self._repository_headers = {"Authorization": f"Bearer {admin_token}" if admin_token else None}
        # A token-protected model's metadata and readiness answer the admin token too (the platform
        # holds only the hash of a deployment's token); without one, the session's header goes.
        self._model_details_headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}

    def live(self) -> bool:
        return self._healthy("/v2/health/live")

    def all_ready(self) -> bool:
        """Whether every model the engine has is ready: after a start, that its start-up loads are done."""
        return self._healthy("/v2/health/ready")

    def _healthy(self, path: str) -> bool:
        """The engine answers 200 at a health path; False when it answers otherwise or not at all."""
        try:
            return self._request("GET", path, check=False).status_code == 200
        except ServingError:
            return False

    def ready(self, name: str) -> bool:
        return self._request("GET", f"/v2/models/{name}/ready", check=False,
                             headers=self._model_details_headers).status_code == 200

    def wait_until_ready(self, name: str, timeout: float) -> None:
        """Block until `name` is ready. After a (re)start the engine answers before
        the models staged on disk finish loading."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.ready(name):
                    return
            except ServingError:
                pass  # not answering yet: still starting
            if time.monotonic() > deadline:
                raise TimeoutError(f"model {name!r} not ready after {timeout:.0f} s")
            time.sleep(0.1)

    def load(self, name: str) -> None:
        self._request("POST", f"/v2/repository/models/{name}/load")

    def unload(self, name: str) -> None:
        self._request("POST", f"/v2/repository/models/{name}/unload")

    def hardware(self) -> dict[str, Any]:
        """The engine's hardware class and machine description (deploy/serving/hardware_report.py)."""
        return self._request("GET", "/v2/repository/hardware").json()

    def index(self) -> list[dict[str, Any]]:
        """Every model in the repository with its state (READY, UNAVAILABLE, ...)."""
        return self._request("POST", "/v2/repository/index", json={}).json()

    def metadata(self, name: str) -> dict[str, Any]:
        return self._request("GET", f"/v2/models/{name}", headers=self._model_details_headers).json()

    def infer(self, name: str, inputs: dict[str, np.ndarray], *, binary: bool = False) -> dict[str, np.ndarray]:
        """Outputs by name. With `binary`, inputs and outputs travel as raw bytes after a JSON
        header (the binary tensor data extension; the engine's way for large tensors)."""
        if binary:
            body, header_length = encode_request(inputs)
            response = self._request("POST", f"/v2/models/{name}/infer", data=body, headers={
                "Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(header_length)})
            length = response.headers.get("Inference-Header-Content-Length")
            return decode_response(response.content, int(length) if length else None)
        body = {"inputs": [_encode_input(input_name, np.asarray(a)) for input_name, a in inputs.items()]}
        response = self._request("POST", f"/v2/models/{name}/infer", json=body).json()
        return {output["name"]: _decode_output(output) for output in response["outputs"]}

    def _request(self, method: str, path: str, *, check: bool = True, **kwargs) -> requests.Response:
        if path.startswith(REPOSITORY_PATH_PREFIX):
            kwargs["headers"] = {**kwargs.get("headers", {}), **self._repository_headers}
        try:
            response = self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            # Callers handle one error type for "the engine did not do it", whatever the cause.
            raise ServingError(f"serving engine at {self.base_url} did not answer: {exc}",
                               reached=not _never_sent(exc)) from exc
        if check and not response.ok:
            raise ServingError(_error_message(response), status_code=response.status_code)
        return response


def _never_sent(exc: requests.RequestException) -> bool:
    """The connection was never made (refused, unreachable, connect timeout): nothing was sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.exceptions.ConnectionError) and isinstance(reason, NewConnectionError)


def _encode_input(name: str, array: np.ndarray) -> dict[str, Any]:
    datatype = v2_datatype(array.dtype)
    data = array.ravel().tolist()
    if datatype == "BYTES":
        data = [v.decode() if isinstance(v, bytes) else str(v) for v in data]
    return {"name": name, "shape": list(array.shape), "datatype": datatype, "data": data}


def _decode_output(output: dict[str, Any]) -> np.ndarray:
    dtype = np.dtype(V2_TO_NUMPY[output["datatype"]])
    return np.asarray(output["data"], dtype=dtype).reshape(output["shape"])


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text or response.reason
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])
    return json.dumps(body)


def _check_name(name: str) -> None:
    if not MODEL_NAME_PATTERN.match(name):
        raise ValueError(
            f"model name {name!r} must be letters, digits, '_', '.' or '-' (at most 128), "
            "starting with a letter or digit"
        )
