"""Supervise the optimization child: start it in the sandbox (isolation.py),
relay its progress, heartbeat the job row, stop it on cancel (cooperatively
first, then by signal), make sure it dies with the worker, and say why when it
was killed."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import isolation, tuning_cache

CANCEL_GRACE_S = 5.0  # time the child gets to stop at its own cancel check before SIGTERM/SIGKILL
MAX_STAGE_CHARS = 40  # the job row's stage column
MAX_MESSAGE_CHARS = 500


class ChildFailed(Exception):
    """`kind`: the error type the child reported (the compiler core's), when it reported one."""

    def __init__(self, message: str = "", *, kind: str = ""):
        super().__init__(message)
        self.kind = kind


class ChildCancelled(Exception):
    pass


@dataclass
class ChildCallbacks:
    progress: Callable[[str, int, str], None]
    heartbeat: Callable[[], None]
    cancel_requested: Callable[[], bool]
    # The search's time budget in seconds once the child settled it (raised to the model's minimum
    # where the request's is smaller): what the job's clock counts down from.
    time_budget: Callable[[float], None] | None = None


def run_compile_child(
    *, model_path: Path, out_dir: Path, options: dict, workdir: Path, callbacks: ChildCallbacks,
    heartbeat_interval_s: float, read_only: tuple[Path, ...] = (), limits: isolation.Limits,
    owner_id: int | None = None,
) -> None:
    """Compile `model_path` into `out_dir`. The child sees `model_path`'s folder and `read_only`
    read-only and writes only under `workdir/sandbox`; the package is moved to `out_dir` after."""
    writable = workdir / "sandbox"
    child_out = writable / "package"
    cancel_file = writable / "cancel"
    argv = [sys.executable, "-m", "optimizer_worker.compile_child", str(model_path), str(child_out),
            json.dumps(options), str(cancel_file)]
    sandbox = isolation.Sandbox(read_only=(model_path.parent, *read_only), writable=writable)
    extra_env = {}
    if owner_id is not None:
        lent_cache = tuning_cache.lend(owner_id=owner_id, into=writable / "cache")
        extra_env["WHETSTONE_CACHE_DIR"] = str(lent_cache)
    command, env = isolation.command_for(argv, sandbox=sandbox, extra_env=extra_env)
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        preexec_fn=isolation.preexec(limits), env=env,
    )
    events: dict[str, dict] = {}
    peak_reported = 0
    stderr_tail: list[str] = []
    cancel_sent_at: float | None = None
    last_beat = 0.0
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ, "stdout")
    selector.register(child.stderr, selectors.EVENT_READ, "stderr")
    open_streams = 2
    try:
        while open_streams:
            for key, _ in selector.select(timeout=0.5):
                line = key.fileobj.readline()
                if not line:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                text = line.decode(errors="replace").rstrip()
                if key.data == "stderr":
                    stderr_tail = (stderr_tail + [text])[-40:]
                    continue
                event = _parse_event(text)
                if event is None:
                    stderr_tail = (stderr_tail + [text])[-40:]  # a library printed to stdout
                    continue
                events[event["event"]] = event
                peak_reported = max(peak_reported, event["peak_rss_bytes"])
                if event["event"] == "progress":
                    callbacks.progress(event["stage"], event["percent"], event["message"])
                elif event["event"] == "time_budget" and callbacks.time_budget is not None:
                    seconds = _seconds(event.get("seconds"))
                    if seconds is not None:
                        callbacks.time_budget(seconds)
            now = time.monotonic()
            if now - last_beat >= heartbeat_interval_s:
                last_beat = now
                callbacks.heartbeat()
                if cancel_sent_at is None and callbacks.cancel_requested():
                    _touch_no_follow(cancel_file)
                    cancel_sent_at = now
            if cancel_sent_at is not None and now - cancel_sent_at > CANCEL_GRACE_S and child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    child.kill()
        peak_rss_bytes = max(_reap(child), peak_reported)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        selector.close()
    if cancel_sent_at is not None:
        raise ChildCancelled()
    if "done" in events and child.returncode == 0:
        # The child's word ("done") and its folder are its own: code that ran in it can write both.
        # Whatever it left is read by the worker with the worker's rights, so a link in it would
        # have the upload read (and publish) files outside the job.
        _refuse_links(child_out)
        _refuse_what_a_package_may_not_ask(child_out)
        if owner_id is not None:
            tuning_cache.take_back(owner_id=owner_id, lent=lent_cache)
        shutil.rmtree(out_dir, ignore_errors=True)
        os.replace(child_out, out_dir)
        return
    out_of_memory = _out_of_memory_reason(events, stderr_tail, child.returncode, peak_rss_bytes, limits)
    if out_of_memory:
        raise ChildFailed(out_of_memory)
    if "error" in events:
        raise ChildFailed(events["error"]["message"], kind=str(events["error"].get("kind", ""))[:100])
    detail = "\n".join(stderr_tail[-15:])
    killed_by = _signal_of(child.returncode)
    if killed_by == signal.SIGXCPU:
        raise ChildFailed(f"the optimizer used up its CPU-time limit ({limits.cpu_seconds} s) and was stopped\n{detail}")
    if killed_by:
        raise ChildFailed(f"the optimizer process was killed by signal {killed_by} ({signal.Signals(killed_by).name}); "
                          f"its peak memory was {peak_rss_bytes >> 20} MiB\n{detail}")
    raise ChildFailed(f"the optimizer process exited with code {child.returncode}\n{detail}")


def _touch_no_follow(path: Path) -> None:
    """Create the cancel file, but never through a link the child put in its place (the child is
    stopped by signal after the grace period anyway)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))
    except OSError:
        pass


def _refuse_links(package: Path) -> None:
    """The package must be a real folder of real files and folders: no symbolic link, device or pipe."""
    if package.is_symlink() or not package.is_dir():
        raise ChildFailed("the optimizer's package is not a folder (a link or a missing folder); nothing is published")
    def unreadable(error: OSError) -> None:  # a folder the child hid from the check is refused too
        raise ChildFailed(f"the optimizer's package could not be read ({error.strerror}); nothing is published")

    for root, directories, files in os.walk(package, onerror=unreadable):
        for name in (*directories, *files):
            path = Path(root) / name
            mode = path.lstat().st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise ChildFailed(f"the optimizer's package holds {path.relative_to(package)}, which is a link or "
                                  "a special file, not a regular file; nothing is published")


def _refuse_what_a_package_may_not_ask(package: Path) -> None:
    """The serving engine holds every package to compiler_core.package_policy when it loads one;
    a package that asks for more (a library to load, a file to write) fails its job here instead
    of being published for a deploy to refuse."""
    from compiler_core.contracts import ReportV2
    from compiler_core.errors import PackageError
    from compiler_core.package_policy import check_package
    from pydantic import ValidationError

    try:
        check_package(package)
    except PackageError as exc:
        raise ChildFailed(f"the optimizer's package was refused: {exc}; nothing is published") from exc
    # The report goes into the job's row whole, and the console and the API show it.
    report = package / "report.json"
    if not report.is_file() or report.stat().st_size > MAX_REPORT_BYTES:
        raise ChildFailed(f"the optimizer's package has no report.json of at most {MAX_REPORT_BYTES >> 20} MiB; "
                          "nothing is published")
    try:
        ReportV2.from_json(report.read_bytes())
    except ValidationError as exc:
        raise ChildFailed(f"the optimizer's report does not match its contract ({exc.error_count()} errors, the "
                          f"first: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}); nothing is published") from exc


def _parse_event(text: str) -> dict | None:
    """One line of the child's protocol, held to its shape and sizes: the child is untrusted, and
    what it says goes into the job's row (stage, progress, log) and error."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(event, dict) or not isinstance(event.get("event"), str):
        return None
    try:
        percent = int(event.get("percent") or 0)
        peak = int(event.get("peak_rss_bytes") or 0)
    except (TypeError, ValueError):
        return None
    return {**event, "event": event["event"][:20], "stage": str(event.get("stage", ""))[:MAX_STAGE_CHARS],
            "percent": percent, "message": str(event.get("message", ""))[:MAX_MESSAGE_CHARS],
            "peak_rss_bytes": peak}


# A real report is tens of kilobytes; it is stored in the job's row.
MAX_REPORT_BYTES = 8 << 20

# The most a child may say its time budget is: the longest job time limit is hours, not weeks.
MAX_TIME_BUDGET_S = 7 * 86400


def _seconds(value) -> float | None:
    """A time budget the child reports, or None where it is not a sane number of seconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 < value <= MAX_TIME_BUDGET_S else None  # NaN fails both comparisons


def _reap(child: subprocess.Popen) -> int:
    """Wait for the child and return its peak resident memory, descendants included, in bytes."""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss * 1024  # Linux reports KiB


_OOM_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "Failed to allocate memory",
                "out of memory")


def _out_of_memory_reason(events: dict, stderr_tail: list[str], returncode: int, peak_rss_bytes: int,
                          limits: isolation.Limits) -> str | None:
    """The child's memory is capped (RLIMIT_AS), so running out shows as a failed allocation, or as a
    SIGKILL from the kernel's OOM killer when the machine itself is short."""
    error = events.get("error", {})
    text = " ".join([error.get("kind", ""), error.get("message", ""), *stderr_tail])
    allocation_failed = any(marker in text for marker in _OOM_MARKERS)
    # A SIGKILL with no failed allocation is the OOM killer only if the child was big; else it came
    # from elsewhere (an operator, the hard time limit).
    killed_big = _signal_of(returncode) == signal.SIGKILL and peak_rss_bytes >= limits.memory_bytes // 2
    if returncode != 0 and (allocation_failed or killed_big):
        return (f"The optimizer ran out of memory: its limit is {limits.memory_bytes >> 20} MiB of address space "
                f"(WHETSTONE_COMPILE_MEMORY_LIMIT_MB), and its resident memory peaked at {peak_rss_bytes >> 20} MiB "
                "before an allocation failed. "
                "Optimize with fewer or smaller shapes, or ask the operator for a larger limit.")
    return None


def _signal_of(returncode: int) -> int | None:
    """The signal that killed the child: Popen reports it negative; bubblewrap, which stands
    between us and the child, exits with 128 + the signal number, as shells do."""
    if returncode < 0:
        return -returncode
    if returncode > 128 and returncode - 128 in signal.valid_signals():
        return returncode - 128
    return None
