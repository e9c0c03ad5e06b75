"""The local supervisor keeps the platform up: a part that does not come back in
time is retried with backoff and reported, and the other parts keep running."""

from __future__ import annotations

import os
import signal
import sys
import time

from deploy.local.processes import Service, Stack, spawn


def _sleeper(name: str, tmp_path) -> Service:
    # Started as the stack starts its parts (spawn: its own session, stopped when its starter ends).
    return spawn(name, [sys.executable, "-c", "import time; time.sleep(600)"], log_dir=tmp_path, env=dict(os.environ))


def test_a_part_that_cannot_come_back_is_retried_with_backoff_and_the_rest_keep_running(tmp_path):
    attempts: list[float] = []
    failures: list[tuple[str, float]] = []
    restarted: list[str] = []

    def stuck_worker() -> Service:
        attempts.append(time.monotonic())
        if len(attempts) <= 3:  # the first start, then two restarts that time out (broker hung)
            if len(attempts) > 1:
                raise TimeoutError("celery worker was not ready after 90s")
        return _sleeper("worker", tmp_path)

    stack = Stack(env={}, restart_backoff_first_s=0.3, restart_backoff_max_s=5.0)
    stack.on_restart = lambda service: restarted.append(service.name)
    stack.on_restart_failed = lambda service, error, delay: failures.append((service.name, delay))
    worker = stack.add(stuck_worker)
    web = stack.add(lambda: _sleeper("web", tmp_path))
    stack.supervise(interval=0.05)
    try:
        os.killpg(worker.process.pid, signal.SIGKILL)
        os.killpg(web.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and restarted.count("worker") == 0:
            time.sleep(0.05)
        # The web part came back at once, while the worker's restarts were failing.
        assert restarted[0] == "web"
        assert stack.service("web").process.poll() is None
        # Two failed restarts, reported, the second after a longer wait; then it came back.
        assert failures == [("worker", 0.3), ("worker", 0.6)]
        assert attempts[3] - attempts[2] >= 0.6 - 0.05
        assert restarted.count("worker") == 1 and stack.service("worker").process.poll() is None
        # And they stay up: nothing that started them has gone away (a thread per restart did, and
        # PR_SET_PDEATHSIG then stopped each restarted part as soon as it was up).
        time.sleep(1.5)
        assert stack.service("web").process.poll() is None and stack.service("worker").process.poll() is None
        assert restarted.count("web") == 1 and restarted.count("worker") == 1
    finally:
        stack.stop()
    assert all(service.process.poll() is not None for service in stack.services)
