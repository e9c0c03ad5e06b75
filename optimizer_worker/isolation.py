"""The sandbox every step that parses a user's file runs in.

A model file is hostile data: ONNX protobufs, TorchScript archives and the
engines that compile them are large parsers, and a bug in any of them must not
reach the worker's credentials, the database, other jobs' files or the network.
So the compile child runs under bubblewrap:

- its own user, PID, IPC, UTS, cgroup and network namespaces: no network at all
  (not even the host's loopback, where Redis, the web server and the serving
  engine listen), no view of other processes;
- uid/gid 65534 (nobody) with no capabilities. Outside its user namespace it
  keeps the worker's own uid, so run the worker as an ordinary user (the
  Kubernetes manifests do): a root worker's child is nobody only inside;
- a filesystem made only of what it needs: the system's libraries and the
  Python environment read-only, the job's inputs read-only, and one writable
  folder (the package it writes and its scratch space). The project's `var/`
  (secret key, admin password, SQLite database, object store) is not in it;
- an environment rebuilt from nothing: no DATABASE_URL, S3 keys, SECRET_KEY,
  broker URL or tokens;
- memory, CPU-time and file-size limits.

The worker process keeps the credentials and does the storage I/O around it.

`WHETSTONE_ISOLATION=bwrap` is the default; where bubblewrap is missing or
cannot create namespaces the worker refuses to start, unless the operator opts
out explicitly with `WHETSTONE_ISOLATION=off` (then the child only gets the
scrubbed environment and the limits).
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SANDBOX_UID = 65534  # nobody
PR_SET_PDEATHSIG = 1
PROBE_TIMEOUT_S = 60

# The project's own packages the child imports. The project root itself is not
# mounted: `make run` keeps its secrets and database under it (var/).
PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHILD_PACKAGES = ("compiler_core", "optimizer_worker")

# Harmless, world-readable system files that Python, glibc and the engines read.
_SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group")
# What the engines read to size their thread pools and pick kernels (CPU topology, caches).
_SYSTEM_DIRS_READ_ONLY = ("/usr", "/sys/devices/system/cpu", "/sys/devices/system/node")
# Environment variables the child may keep: locale, thread counts and the compiler core's own
# switches, never credentials.
_ENV_PASSTHROUGH = ("LANG", "LC_ALL", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                    "WHETSTONE_ALLOW_PICKLE_MODELS",
                    # The child describes the hardware for the compiler core: narrowed like its worker.
                    "WHETSTONE_HARDWARE_CLASS")


class IsolationUnavailable(RuntimeError):
    """The sandbox cannot be built on this machine; the message says why and what to do."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    cpu_seconds: int
    file_bytes: int = 16 << 30
    open_files: int = 1024


@dataclass(frozen=True)
class Sandbox:
    """Where a child may read and write. Paths are mounted at the same place inside."""

    read_only: tuple[Path, ...]
    writable: Path  # the job's output and scratch folder; also HOME, TMPDIR and the working directory


def mode() -> str:
    value = os.environ.get("WHETSTONE_ISOLATION", "bwrap").strip().lower()
    if value not in ("bwrap", "off"):
        raise IsolationUnavailable(f"WHETSTONE_ISOLATION={value!r}: use 'bwrap' (the default) or 'off'.")
    return value


def default_limits(*, cpu_seconds: int) -> Limits:
    memory_mb = os.environ.get("WHETSTONE_COMPILE_MEMORY_LIMIT_MB")
    if memory_mb:
        memory = int(memory_mb) << 20
    else:  # three quarters of the machine: the worker and the OS keep the rest
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4
    return Limits(memory_bytes=memory, cpu_seconds=cpu_seconds)


def child_environment(*, home: Path) -> dict[str, str]:
    """The child's whole environment: nothing of the worker's but locale and thread settings."""
    env = {name: os.environ[name] for name in _ENV_PASSTHROUGH if name in os.environ}
    env.update({
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home), "TMPDIR": str(home), "USER": "nobody",
        "PYTHONPATH": str(PROJECT_ROOT), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def _python_paths() -> list[Path]:
    """The interpreter's installation and the virtual environment's packages."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(sys.executable).resolve().parent}
    return sorted(paths)


def bwrap_command(argv: list[str], *, sandbox: Sandbox, env: dict[str, str]) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise IsolationUnavailable(
            "bubblewrap (bwrap) is not installed; `make run` installs it (Debian package bubblewrap). "
            "To run without isolation, set WHETSTONE_ISOLATION=off (see SECURITY.md for what that costs).")
    command = [
        bwrap, "--unshare-all", "--die-with-parent", "--new-session",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--cap-drop", "ALL",
        "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
    ]
    for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/sbin", "usr/sbin")):
        if Path(link).is_symlink():
            command += ["--symlink", target, link]
        elif Path(link).is_dir():
            command += ["--ro-bind", link, link]
    for path in _SYSTEM_DIRS_READ_ONLY:
        command += ["--ro-bind-try", path, path]
    for path in _SYSTEM_FILES:
        command += ["--ro-bind-try", path, path]
    for path in _python_paths():
        command += ["--ro-bind", str(path), str(path)]
    for package in CHILD_PACKAGES:
        command += ["--ro-bind", str(PROJECT_ROOT / package), str(PROJECT_ROOT / package)]
    for path in sandbox.read_only:
        command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(sandbox.writable), str(sandbox.writable), "--chdir", str(sandbox.writable)]
    command += ["--clearenv"]
    for name, value in env.items():
        command += ["--setenv", name, value]
    return command + ["--", *argv]


def preexec(limits: Limits):
    """What runs in the forked child before exec: limits, then die with the worker."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # If the worker is killed (even by SIGKILL), the kernel kills the child too.
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    return apply


def command_for(argv: list[str], *, sandbox: Sandbox, extra_env: dict[str, str] | None = None,
                ) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run `argv` isolated (or, opted out, merely scrubbed)."""
    env = {**child_environment(home=sandbox.writable), **(extra_env or {})}
    sandbox.writable.mkdir(parents=True, exist_ok=True)
    if mode() == "off":
        return argv, env
    return bwrap_command(argv, sandbox=sandbox, env=env), env


def probe() -> None:
    """Build a sandbox and import the compiler core in it; raises IsolationUnavailable with the reason."""
    if mode() == "off":
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="whetstone-isolation-probe-") as scratch:
        sandbox = Sandbox(read_only=(), writable=Path(scratch) / "out")
        argv = [sys.executable, "-c", "import compiler_core, onnxruntime, os; print(os.getuid())"]
        command, env = command_for(argv, sandbox=sandbox)
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise IsolationUnavailable(f"the sandbox could not be started: {exc}") from exc
    if done.returncode != 0 or done.stdout.strip() != str(SANDBOX_UID):
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise IsolationUnavailable(
            f"the sandbox (bubblewrap) does not work on this machine: {reason[0]}. It needs user namespaces "
            "(kernel.unprivileged_userns_clone=1, or a container run with them allowed). To run without "
            "isolation, set WHETSTONE_ISOLATION=off (see SECURITY.md for what that costs).")


def require() -> None:
    """At worker start: a worker that would parse users' files unisolated does not start,
    unless the operator said so."""
    try:
        probe()
    except IsolationUnavailable as exc:
        sys.stderr.write(f"whetstone worker: refusing to start: {exc}\n")
        raise SystemExit(2) from exc
    if mode() == "off":
        sys.stderr.write("whetstone worker: isolation is OFF (WHETSTONE_ISOLATION=off): users' model files are "
                         "parsed without a sandbox. Do this only where every user is trusted.\n")
