"""Start, wait for, and stop the platform's processes on one machine.

Used by `make run` (python -m deploy.local) and by the end-to-end tests, so the
tests start the stack exactly the way a user does.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests

REPO_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


# Ports handed out for servers start here, below the kernel's ephemeral range (see free_ports).
FIRST_SERVER_PORT = 20000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports, free now, for servers to bind a moment later.

    Not from bind(("127.0.0.1", 0)): that port comes from the ephemeral range, the range the
    kernel also takes the local port of every outgoing connection from, so between this call
    and the server's bind a connection to Redis or PostgreSQL may take it (a CI run lost its
    engine so: "address already in use"). Below that range, only a server binding on purpose
    takes a port."""
    try:
        first_ephemeral = int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        first_ephemeral = 32768  # Linux's default; macOS starts at 49152
    candidates = range(FIRST_SERVER_PORT, first_ephemeral)
    if len(candidates) < 100 * count:
        # A host whose ephemeral range starts low leaves nothing apart: ask the kernel.
        return _kernel_chosen_ports(count)
    chosen: list[int] = []
    for port in random.sample(candidates, 50 * count):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken, or in TIME_WAIT
        chosen.append(port)
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"no {count} free loopback ports between {FIRST_SERVER_PORT} and {first_ephemeral}")


def _kernel_chosen_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:  # held open together, so the ports are distinct
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port() -> int:
    return free_ports(1)[0]


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, process: subprocess.Popen | None = None,
             log_path: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready{_tail(log_path)}")
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    if process is not None:  # never leave a half-started process behind
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    raise TimeoutError(f"{what} was not ready after {timeout:.0f}s{_tail(log_path)}")


def _tail(log_path: Path | None, lines: int = 30) -> str:
    if log_path is None or not log_path.is_file():
        return ""
    return "\n--- last lines of " + str(log_path) + " ---\n" + "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_ok(url: str) -> bool:
    return requests.get(url, timeout=2).status_code < 500


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    log_path: Path
    url: str = ""
    log_offset: int = 0  # where this run's lines start in the (appended) log
    factory: Callable[[], "Service"] | None = None  # starts a replacement; set by Stack.add
    stopped: bool = False  # stopped on purpose: not to be restarted

    def new_log(self) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(self.log_offset)
            return log.read().decode(errors="replace")

    def stop(self, timeout: float = 15) -> None:
        self.stopped = True
        if self.process.poll() is not None:
            return
        # Each service runs in its own process group so that its children
        # (gunicorn and celery workers, MLServer's) stop with it.
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass


def _stop_with_parent() -> None:
    """Runs in the child before exec: if whatever started the stack dies (Ctrl-C
    twice, a killed test run), the kernel stops this process too, so no stray
    server is left holding a port."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(name: str, command: list[str], *, log_dir: Path, env: dict[str, str], cwd: Path = REPO_DIR) -> Service:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "ab")
    offset = log.tell()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_stop_with_parent,
    )
    log.close()  # the child holds its own descriptor
    return Service(name=name, process=process, log_path=log_path, log_offset=offset)


def redis_server_binary() -> str:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).is_file():
        raise RuntimeError("redis-server is not installed; `make deps` installs it (Debian package redis-server).")
    return binary


def start_redis(*, port: int, data_dir: Path, log_dir: Path, env: dict[str, str]) -> Service:
    data_dir.mkdir(parents=True, exist_ok=True)
    service = spawn(
        "redis",
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
         "--save", "60 1", "--appendonly", "yes", "--daemonize", "no"],
        log_dir=log_dir, env=env,
    )
    wait_for(lambda: port_open(port), timeout=20, what="redis", process=service.process, log_path=service.log_path)
    service.url = f"redis://127.0.0.1:{port}/0"
    return service


def start_s3_server(*, port: int, log_dir: Path, env: dict[str, str]) -> Service:
    """A real S3 API server on loopback (moto in server mode), for tests."""
    service = spawn("s3", [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], log_dir=log_dir, env=env)
    service.url = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_ok(service.url + "/moto-api/"), timeout=60, what="S3 server", process=service.process,
             log_path=service.log_path)
    return service


def manage(args: list[str], *, env: dict[str, str]) -> str:
    result = subprocess.run([PYTHON, str(REPO_DIR / "manage.py"), *args], cwd=REPO_DIR, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start_web(*, port: int, log_dir: Path, env: dict[str, str], workers: int = 2) -> Service:
    service = spawn(
        "web",
        [PYTHON, "-m", "gunicorn", "--pythonpath", "platform", "whetstone.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4", "--timeout", "300",
         "--access-logfile", "-"],
        log_dir=log_dir, env=env,
    )
    service.url = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_ok(service.url + "/api/v1/auth/session/"), timeout=60, what="web server",
             process=service.process, log_path=service.log_path)
    return service


def start_worker(*, log_dir: Path, env: dict[str, str], concurrency: int = 1, name: str = "worker") -> Service:
    """A worker serving the queues this machine supports (optimizer_worker.queues)."""
    command = [PYTHON, "-m", "optimizer_worker", "--concurrency", str(concurrency), "--loglevel", "INFO",
               "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle"]
    service = spawn(name, command, log_dir=log_dir, env=env)
    ready = lambda: "ready." in service.new_log()  # noqa: E731
    wait_for(ready, timeout=90, what="celery worker", process=service.process, log_path=service.log_path)
    return service


def start_reaper(*, log_dir: Path, env: dict[str, str]) -> Service:
    """The job reaper: requeues or fails jobs whose worker vanished. It lives
    apart from the workers so that it keeps watching when one dies."""
    service = spawn("reaper", [PYTHON, str(REPO_DIR / "manage.py"), "reap_jobs"], log_dir=log_dir, env=env)
    ready = lambda: "job reaper: watching" in service.new_log()  # noqa: E731
    wait_for(ready, timeout=60, what="job reaper", process=service.process, log_path=service.log_path)
    return service


def start_serving(*, root: Path, http_port: int, log_dir: Path, env: dict[str, str],
                  metrics_port: int | None = None) -> Service:
    service = spawn(
        "serving",
        [PYTHON, "-m", "deploy.serving", "--root", str(root), "--http-port", str(http_port),
         "--grpc-port", str(free_port()), "--metrics-port", str(metrics_port or free_port())],
        log_dir=log_dir, env=env,
    )
    service.url = f"http://127.0.0.1:{http_port}"
    wait_for(lambda: requests.get(service.url + "/v2/health/live", timeout=2).status_code == 200, timeout=120,
             what="MLServer", process=service.process, log_path=service.log_path)
    return service


@dataclass
class Stack:
    """The platform's processes and how to reach them.

    Like systemd or Kubernetes would, the stack restarts a process that exits
    without being asked to (a worker killed by the OOM killer, or one that gave
    up on a broker that went away): `supervise()` watches in a thread. A part
    that does not come up in time (its broker hung, say) is tried again with
    backoff, and reported; the others keep serving meanwhile, and restarts run
    in a pool of threads so that a slow one holds up no other. The pool's threads
    live as long as the stack: a process started with PR_SET_PDEATHSIG
    (_stop_with_parent) is signalled when the *thread* that started it ends, so
    a thread per restart would stop each restarted part at once.
    """

    env: dict[str, str]
    services: list[Service] = field(default_factory=list)
    web_url: str = ""
    serving_url: str = ""
    on_restart: Callable[[Service], None] | None = None
    on_restart_failed: Callable[[Service, BaseException, float], None] | None = None
    restart_backoff_first_s: float = 2.0
    restart_backoff_max_s: float = 60.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _watching: threading.Event = field(default_factory=threading.Event)
    _restarting: set[str] = field(default_factory=set)
    _restarter: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=8, thread_name_prefix="stack-restart"))
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)  # name -> (failures, next try)

    def add(self, factory: Callable[[], Service]) -> Service:
        service = factory()
        service.factory = factory
        with self._lock:
            self.services.append(service)
        return service

    def service(self, name: str) -> Service:
        with self._lock:
            return next(service for service in self.services if service.name == name)

    def replace(self, name: str, new_service: Service) -> None:
        with self._lock:
            old = next((s for s in self.services if s.name == name), None)
            new_service.factory = new_service.factory or (old.factory if old else None)
            self.services = [s for s in self.services if s.name != name] + [new_service]

    def restart_exited(self) -> list[Future]:
        """Start a restart for each part that exited unasked and is due; returns them, running."""
        now = time.monotonic()
        with self._lock:
            due = [s for s in self.services
                   if not s.stopped and s.process.poll() is not None and s.factory
                   and s.name not in self._restarting and self._failures.get(s.name, (0, 0.0))[1] <= now]
            self._restarting.update(s.name for s in due)
        return [self._restarter.submit(self._restart, service) for service in due]

    def _restart(self, service: Service) -> None:
        try:
            replacement = service.factory()
        except Exception as exc:  # noqa: BLE001 - not up in time: try again later, keep the rest running
            with self._lock:
                failures = self._failures.get(service.name, (0, 0.0))[0] + 1
                delay = min(self.restart_backoff_max_s, self.restart_backoff_first_s * 2 ** (failures - 1))
                self._failures[service.name] = (failures, time.monotonic() + delay)
                self._restarting.discard(service.name)
            if self.on_restart_failed:
                self.on_restart_failed(service, exc, delay)
            return
        replacement.factory = service.factory
        if self._watching.is_set():  # the stack is stopping: do not leave the new process behind
            replacement.stop()
        else:
            self.replace(service.name, replacement)
        with self._lock:
            self._failures.pop(service.name, None)
            self._restarting.discard(service.name)
        if self.on_restart:
            self.on_restart(replacement)

    def supervise(self, interval: float = 0.5) -> None:
        def watch():
            while not self._watching.is_set():
                try:
                    self.restart_exited()
                except Exception as exc:  # noqa: BLE001 - keep watching; try again next round
                    print(f"supervisor: restart failed: {exc}", file=sys.stderr, flush=True)
                self._watching.wait(interval)

        threading.Thread(target=watch, name="stack-supervisor", daemon=True).start()

    def stop(self) -> None:
        self._watching.set()
        self._restarter.shutdown(wait=False, cancel_futures=True)
        for service in reversed(self.services):
            service.stop()
