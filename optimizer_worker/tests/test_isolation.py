"""The sandbox the compile child runs in, tried as an attacker would: code that
got to run while a hostile model file was parsed goes for the worker's secrets,
the files outside its folder, and the services on the host's loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from optimizer_worker import isolation

# What a payload would try, reported back as JSON on stdout.
HOSTILE_SCRIPT = r"""
import json, os, socket, sys
secret_file, outside_file, port, project_root, model_file = sys.argv[1:6]
port = int(port)
found = {}
try:
    found["secret"] = open(secret_file).read()
except OSError as exc:
    found["secret_error"] = type(exc).__name__
try:
    with open(outside_file, "w") as handle:
        handle.write("pwned")
    found["wrote_outside"] = True
except OSError as exc:
    found["wrote_outside"] = False
try:
    with open(model_file, "w") as handle:  # overwrite the job's input, which the worker trusts afterwards
        handle.write("pwned")
    found["wrote_input"] = True
except OSError as exc:
    found["wrote_input"] = False
try:
    with open("inside.txt", "w") as handle:
        handle.write("fine")
    found["wrote_inside"] = True
except OSError:
    found["wrote_inside"] = False
try:
    socket.create_connection(("127.0.0.1", port), timeout=3).close()
    found["connected"] = True
except OSError as exc:
    found["connected"] = False
found["env"] = dict(os.environ)
found["uid"] = os.getuid()
found["project_entries"] = sorted(os.listdir(project_root))
found["pids"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print(json.dumps(found))
"""

CREDENTIALS = {
    "DATABASE_URL": "postgres://whetstone:hunter2@127.0.0.1/whetstone",
    "S3_SECRET_ACCESS_KEY": "very-secret", "SECRET_KEY": "django-secret",
    "REDIS_URL": "redis://127.0.0.1:6379/0", "SERVING_ADMIN_TOKEN": "admin-token",
}


class _Listener:
    """A TCP server on the host's loopback, standing for Redis, the web port and the engine."""

    def __init__(self):
        self.accepted = 0
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener():
    server = _Listener()
    yield server
    server.close()


def _run_isolated(tmp_path: Path, argv: list[str], monkeypatch) -> subprocess.CompletedProcess:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    sandbox = isolation.Sandbox(read_only=(tmp_path / "job" / "model",), writable=tmp_path / "job" / "sandbox")
    command, env = isolation.command_for(argv, sandbox=sandbox)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60,
                          cwd=sandbox.writable, preexec_fn=isolation.preexec(isolation.default_limits(cpu_seconds=60)))


@pytest.mark.skipif(isolation.mode() == "off", reason="the operator turned isolation off for this run")
def test_a_payload_in_the_compile_child_reaches_no_secret_no_file_outside_and_no_service(tmp_path, monkeypatch,
                                                                                         listener):
    secret = tmp_path / "var" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("the-django-secret-key")
    outside = tmp_path / "outside.txt"
    model = _model_file(tmp_path)
    script = [sys.executable, "-c", HOSTILE_SCRIPT, str(secret), str(outside), str(listener.port),
              str(isolation.PROJECT_ROOT), str(model)]

    done = _run_isolated(tmp_path, script, monkeypatch)

    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert "secret" not in found and found["secret_error"] in ("FileNotFoundError", "PermissionError")
    # A write outside its folder lands, at most, in the sandbox's own throwaway /tmp.
    assert not outside.exists()
    assert found["wrote_input"] is False and model.read_text() == "onnx bytes"
    assert found["wrote_inside"] is True and (tmp_path / "job" / "sandbox" / "inside.txt").read_text() == "fine"
    assert found["connected"] is False and listener.accepted == 0
    assert not set(CREDENTIALS) & set(found["env"]), found["env"]
    assert found["uid"] == isolation.SANDBOX_UID
    # The project's var/ (secret key, admin password, database) and its code are not in the child's world.
    assert found["project_entries"] == sorted({*isolation.CHILD_PACKAGES, *_venv_entry()})
    assert os.getpid() not in found["pids"] and len(found["pids"]) <= 3


def _model_file(tmp_path: Path) -> Path:
    model = tmp_path / "job" / "model" / "model.onnx"
    model.parent.mkdir(parents=True)
    model.write_text("onnx bytes")
    return model


def _venv_entry() -> set[str]:
    prefix = Path(sys.prefix).resolve()
    try:
        return {prefix.relative_to(isolation.PROJECT_ROOT).parts[0]}
    except ValueError:
        return set()


def test_the_same_payload_without_isolation_reaches_them_so_the_test_above_can_fail(tmp_path, monkeypatch,
                                                                                    listener):
    """The control: run unisolated, the payload does reach the listener and the file."""
    secret = tmp_path / "secret_key"
    secret.write_text("the-django-secret-key")
    outside = tmp_path / "outside.txt"
    model = _model_file(tmp_path)
    monkeypatch.setenv("WHETSTONE_ISOLATION", "off")
    done = _run_isolated(tmp_path, [sys.executable, "-c", HOSTILE_SCRIPT, str(secret), str(outside),
                                    str(listener.port), str(isolation.PROJECT_ROOT), str(model)], monkeypatch)
    found = json.loads(done.stdout)
    assert found["secret"] == "the-django-secret-key" and outside.read_text() == "pwned" and found["connected"]
    # Even opted out, the child's environment carries no credential.
    assert not set(CREDENTIALS) & set(found["env"])


def test_the_worker_refuses_to_start_without_the_sandbox_unless_the_operator_opts_out(tmp_path):
    # A PATH without bubblewrap on it; everything else as the worker has it.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = {**os.environ, "PATH": str(bin_dir), "WHETSTONE_ISOLATION": "bwrap"}
    code = "from optimizer_worker import isolation; isolation.require()"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                             cwd=isolation.PROJECT_ROOT)
    assert refused.returncode != 0
    assert "bubblewrap (bwrap) is not installed" in refused.stderr and "WHETSTONE_ISOLATION=off" in refused.stderr

    opted_out = subprocess.run([sys.executable, "-c", code], env={**env, "WHETSTONE_ISOLATION": "off"},
                               capture_output=True, text=True, timeout=60, cwd=isolation.PROJECT_ROOT)
    assert opted_out.returncode == 0, opted_out.stderr
    assert "isolation is OFF" in opted_out.stderr


PAYLOAD = r"""
import json, os, socket
found = {"ran": True}
try:
    found["secret"] = open(%(secret)r).read()
except OSError as exc:
    found["secret_error"] = type(exc).__name__
try:
    open(%(outside)r, "w").write("pwned")
except OSError:
    pass
for name, port in %(ports)r:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
        found[name] = "connected"
    except OSError as exc:
        found[name] = type(exc).__name__
found["credentials"] = sorted(set(os.environ) & set(%(credentials)r))
open(%(report)r, "w").write(json.dumps(found))
"""


@pytest.mark.skipif(isolation.mode() == "off", reason="the operator turned isolation off for this run")
def test_a_code_running_pickle_that_an_operator_let_through_runs_only_inside_the_sandbox(tmp_path, monkeypatch,
                                                                                          listener):
    """The attack from issue #19: a .pt whose pickle runs code. Pickles are refused unless the operator
    allows them; allowed, the payload runs, but in the sandbox: it reads no secret, writes nothing
    outside its job, reaches neither the web port nor Redis, and sees no credential."""
    torch = pytest.importorskip("torch")
    from optimizer_worker.child_process import ChildCallbacks, ChildFailed, run_compile_child

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WHETSTONE_ALLOW_PICKLE_MODELS", "1")
    monkeypatch.setenv("WHETSTONE_CACHE_DIR", str(tmp_path / "cache"))
    secret = tmp_path / "var" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("the-django-secret-key")
    outside = tmp_path / "var" / "written-by-payload"
    report = tmp_path / "job" / "sandbox" / "payload-report.json"  # the one folder the payload may write
    code = PAYLOAD % {"secret": str(secret), "outside": str(outside), "credentials": sorted(CREDENTIALS),
                      "report": str(report),
                      "ports": [("web", listener.port), ("redis", listener.port)]}

    class Payload:
        def __reduce__(self):
            return exec, (code,)

    model = tmp_path / "job" / "model" / "model.pt"
    model.parent.mkdir(parents=True)
    torch.save(Payload(), model)
    with pytest.raises(ChildFailed):  # the file holds no model: the job fails, after the payload ran
        run_compile_child(
            model_path=model, out_dir=tmp_path / "job" / "package", workdir=tmp_path / "job",
            options={"recipe": "lossless", "shapes": "x:1x4"}, heartbeat_interval_s=1,
            callbacks=ChildCallbacks(progress=lambda *a: None, heartbeat=lambda: None, cancel_requested=lambda: False),
            limits=isolation.default_limits(cpu_seconds=600), owner_id=1)

    assert report.is_file(), "the payload did not run: this test would prove nothing"
    found = json.loads(report.read_text())
    assert "secret" not in found
    assert not outside.exists()
    assert found["web"] != "connected" and found["redis"] != "connected" and listener.accepted == 0
    assert found["credentials"] == []
