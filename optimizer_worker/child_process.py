"""Supervise the optimization child: relay its progress, heartbeat the job row,
stop it on cancel (cooperatively first, then by signal), and make sure it dies
with the worker."""

from __future__ import annotations

import ctypes
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PR_SET_PDEATHSIG = 1
CANCEL_GRACE_S = 5.0  # time the child gets to stop at its own cancel check before SIGTERM/SIGKILL


class ChildFailed(Exception):
    pass


class ChildCancelled(Exception):
    pass


def _die_with_parent() -> None:
    """If the worker process is killed (even by SIGKILL), the kernel kills the child too."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class ChildCallbacks:
    progress: Callable[[str, int, str], None]
    heartbeat: Callable[[], None]
    cancel_requested: Callable[[], bool]


def run_compile_child(
    *, model_path: Path, out_dir: Path, options: dict, workdir: Path, callbacks: ChildCallbacks,
    heartbeat_interval_s: float,
) -> None:
    cancel_file = workdir / "cancel"
    command = [sys.executable, "-m", "optimizer_worker.compile_child", str(model_path), str(out_dir),
               json.dumps(options), str(cancel_file)]
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    events: dict[str, dict] = {}
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
                try:
                    event = json.loads(text)
                except json.JSONDecodeError:
                    stderr_tail = (stderr_tail + [text])[-40:]  # a library printed to stdout
                    continue
                events[event["event"]] = event
                if event["event"] == "progress":
                    callbacks.progress(event["stage"], event["percent"], event.get("message", ""))
            now = time.monotonic()
            if now - last_beat >= heartbeat_interval_s:
                last_beat = now
                callbacks.heartbeat()
                if cancel_sent_at is None and callbacks.cancel_requested():
                    cancel_file.touch()
                    cancel_sent_at = now
            if cancel_sent_at is not None and now - cancel_sent_at > CANCEL_GRACE_S and child.poll() is None:
                child.terminate()
                try:
                    child.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    child.kill()
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        selector.close()
    if cancel_sent_at is not None:
        raise ChildCancelled()
    if "done" in events and child.returncode == 0:
        return
    if "error" in events:
        raise ChildFailed(events["error"]["message"])
    detail = "\n".join(stderr_tail[-15:])
    if child.returncode < 0:
        raise ChildFailed(f"the optimizer process was killed by signal {-child.returncode}\n{detail}")
    raise ChildFailed(f"the optimizer process exited with code {child.returncode}\n{detail}")
