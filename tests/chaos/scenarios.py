"""Fault injection against the real stack: each scenario starts one operation, injects one fault
while it is under way, heals it, and records what became of the operation.

    fault × operation → final state, attempts, packages, duplicates, server errors,
                        slowest answer during the fault, recovery time

Targets (issue #20): no operation lost, no effect applied twice, no row stuck, no 5xx, every request
answered within 2 s during the fault, recovery within heartbeat timeout + 30 s of healing. Recovery
is the time from healing until the operation ended; for an optimization, less the time a clean
run of the same job takes (one is measured first), since a job that had to start over does its
work again by nature.

`tests/e2e/test_chaos.py` runs a few of these in `make test`; `make chaos` runs the whole matrix
(`python -m tests.chaos`) and writes the table to bench-results/chaos.md.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

import psutil
import requests

from tests.support.api import FINAL_JOB_STATES, job_url, poll, register_model, start_job
from tests.support.models import slow_matmul_chain, tiny_mlp
from tests.support.webhooks import Receiver

HEARTBEAT_TIMEOUT_S = 4
# What the stack runs with: short heartbeats, so a lost worker is noticed in seconds.
STACK_ENV = {
    "WHETSTONE_HEARTBEAT_INTERVAL_S": "0.5",
    "WHETSTONE_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
    "WHETSTONE_REAPER_INTERVAL_S": "1",
    "WHETSTONE_LOST_MESSAGE_GRACE_S": "3",
    "WHETSTONE_IDLE_REDISPATCH_S": "5",
    "WHETSTONE_MAX_RUNNING_JOBS_PER_USER": "4",
    # A deployment whose message was lost is sent again after this (60 s by default).
    "WHETSTONE_DEPLOYMENT_REDISPATCH_S": "10",
}
ANSWER_WITHIN_S = 2.0
RECOVERY_WITHIN_S = HEARTBEAT_TIMEOUT_S + 30
SETTLE_TIMEOUT_S = 240


@dataclass
class Outcome:
    fault: str
    operation: str
    final: str = ""
    attempts: int | None = None
    packages: int | None = None
    duplicates: int = 0
    server_errors: int = 0
    slowest_answer_s: float = 0.0
    recovery_s: float | None = None
    notes: list[str] = field(default_factory=list)

    def problems(self, *, expected_final: tuple[str, ...]) -> list[str]:
        found = []
        if self.final not in expected_final:
            found.append(f"ended {self.final!r}, expected one of {expected_final}")
        if self.duplicates:
            found.append(f"{self.duplicates} effect(s) applied twice")
        if self.server_errors:
            found.append(f"{self.server_errors} server error(s)")
        if self.slowest_answer_s > ANSWER_WITHIN_S:
            found.append(f"a request took {self.slowest_answer_s:.1f}s")
        if self.recovery_s is None or self.recovery_s > RECOVERY_WITHIN_S:
            found.append(f"recovery took {self.recovery_s}s")
        return found

    def row(self) -> str:
        cells = [self.fault, self.operation, self.final, _show(self.attempts), _show(self.packages),
                 str(self.duplicates), str(self.server_errors), f"{self.slowest_answer_s:.2f}",
                 _show(self.recovery_s and round(self.recovery_s, 1)), "; ".join(self.notes)]
        return "| " + " | ".join(cells) + " |"


HEADER = ("| fault | operation | final state | attempts | packages | duplicates | 5xx | slowest answer (s) "
          "| recovery (s) | notes |\n|---|---|---|---|---|---|---|---|---|---|")


def _show(value) -> str:
    return "–" if value is None else str(value)


# --- the world the scenarios act on ------------------------------------------------------------


class World:
    """The live stack, an API session, and the models the operations use."""

    def __init__(self, live, tmp: Path):
        self.live = live
        self.api = live.api()
        self.web = live.web_url
        self.slow = register_model(self.api, self.web, slow_matmul_chain(tmp / "slow.onnx", size=512, layers=12),
                                   "chaos-slow")
        self.tiny = register_model(self.api, self.web, tiny_mlp(tmp / "tiny.onnx"), "chaos-tiny")
        self.tmp = tmp
        self.served_job = self.wait_job(start_job(self.api, self.web, self.tiny["id"])["id"])
        assert self.served_job["status"] == "succeeded", self.served_job
        # What the slow optimization takes with no fault: a fault that makes it start over costs this
        # again by nature; recovery is what it costs beyond that. Measured on the second run, as the
        # scenarios' runs are (the first fills the owner's tuning cache, which makes reruns shorter).
        for _ in range(2):
            started = time.monotonic()
            clean = self.wait_job(start_job(self.api, self.web, self.slow["id"])["id"])
            assert clean["status"] == "succeeded", clean
            self.clean_optimize_s = time.monotonic() - started

    def wait_job(self, job_id: int, timeout: float = SETTLE_TIMEOUT_S) -> dict:
        return poll(self.api, job_url(self.web, job_id), timeout=timeout, interval=0.3,
                    until=lambda j: j["status"] in FINAL_JOB_STATES)

    def s3(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.live.env["S3_ENDPOINT_URL"], aws_access_key_id="testing",
                            aws_secret_access_key="testing", region_name="us-east-1")

    def read_object(self, key: str) -> bytes:
        return self.s3().get_object(Bucket=self.live.env["S3_BUCKET"], Key=key)["Body"].read()

    def s3_keys(self, prefix: str) -> list[str]:
        s3 = self.s3()
        keys, token = [], None
        while True:
            page = s3.list_objects_v2(Bucket=self.live.env["S3_BUCKET"], Prefix=prefix,
                                      **({"ContinuationToken": token} if token else {}))
            keys += [item["Key"] for item in page.get("Contents", [])]
            if not page.get("IsTruncated"):
                return keys
            token = page["NextContinuationToken"]

    def process(self, name: str) -> psutil.Process:
        return psutil.Process(self.live.service(name).process.pid)

    def wait_until_whole(self, timeout: float = 120) -> None:
        """Every part running again (the supervisor restarts what a fault killed) before the next scenario."""
        deadline = time.monotonic() + timeout
        while any(service.process.poll() is not None for service in self.live.stack.services):
            if time.monotonic() > deadline:
                raise TimeoutError("the stack did not come back whole after the last fault")
            time.sleep(0.2)
        _probe_me(self).raise_for_status()

    @property
    def redis_port(self) -> int:
        return int(self.live.env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0])


# --- faults --------------------------------------------------------------------------------------


@dataclass
class Fault:
    """inject(world) starts the fault; heal(world) ends it. `hold_s` is how long it lasts."""

    name: str
    inject: Callable[[World], None]
    heal: Callable[[World], None]
    hold_s: float
    applies_to: tuple[str, ...]
    # Where the right end is not the operation's usual one (a killed optimizer fails its job, by policy).
    expected_final: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Why this fault cannot be injected into this stack, or None.
    unavailable: Callable[[World], str | None] = lambda world: None


def _signal_group(world: World, service: str, signum: int) -> None:
    os.killpg(world.live.service(service).process.pid, signum)


def _kill_child(world: World) -> None:
    """SIGKILL the optimizer's sandboxed child (bubblewrap and what runs in it)."""
    worker = world.process("worker")
    children = [p for p in worker.children(recursive=True) if "compile_child" in " ".join(p.cmdline())]
    for child in children:
        child.kill()


def _redis_down(world: World) -> None:
    world.live.service("redis").stop()  # stopped on purpose: the supervisor leaves it down until heal


def _redis_up(world: World) -> None:
    from deploy.local.processes import start_redis

    live = world.live
    live.replace_service("redis", start_redis(port=world.redis_port, data_dir=live.var_dir / "redis",
                                              log_dir=live.var_dir / "logs", env=live.env))


def _postgres_cluster(world: World) -> list[str] | None:
    """`pg_ctlcluster VERSION NAME` of the local cluster the stack's database lives on, if any."""
    import shutil
    import subprocess

    if not world.live.env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return None
    if not shutil.which("pg_lsclusters"):
        return None
    for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.splitlines():
        version, name, port, *_ = line.split()
        if port == str(urlparse(world.live.env["DATABASE_URL"]).port or 5432):
            return [version, name]
    return None


def _postgres(action: str):
    def act(world: World) -> None:
        import subprocess

        subprocess.run(["pg_ctlcluster", *_postgres_cluster(world), action], check=True, timeout=60)
    return act


FAULTS = {
    "worker SIGKILL": Fault("worker SIGKILL", lambda w: _signal_group(w, "worker", signal.SIGKILL), lambda w: None,
                            0, ("optimize", "deploy", "undeploy", "model delete", "webhook")),
    "worker SIGSTOP": Fault("worker SIGSTOP", lambda w: _signal_group(w, "worker", signal.SIGSTOP),
                            lambda w: _signal_group(w, "worker", signal.SIGCONT), HEARTBEAT_TIMEOUT_S + 4,
                            ("optimize", "deploy", "undeploy", "model delete", "webhook")),
    "optimizer child SIGKILL": Fault("optimizer child SIGKILL", _kill_child, lambda w: None, 0, ("optimize",),
                                     expected_final={"optimize": ("failed",)}),
    "Redis SIGKILL": Fault("Redis SIGKILL", lambda w: _signal_group(w, "redis", signal.SIGKILL), lambda w: None,
                           3, ("optimize", "deploy", "undeploy", "model delete", "webhook")),
    "Redis hung 25 s": Fault("Redis hung 25 s", lambda w: _signal_group(w, "redis", signal.SIGSTOP),
                             lambda w: _signal_group(w, "redis", signal.SIGCONT), 25,
                             ("optimize", "deploy", "undeploy", "model delete", "webhook")),
    "Redis down 60 s": Fault("Redis down 60 s", _redis_down, _redis_up, 60,
                             ("optimize", "deploy", "undeploy", "model delete", "webhook")),
    "PostgreSQL stopped 10 s": Fault(
        "PostgreSQL stopped 10 s", _postgres("stop"), _postgres("start"), 10,
        ("optimize", "deploy", "undeploy", "model delete", "webhook"),
        unavailable=lambda world: None if _postgres_cluster(world) else
        "the stack's database is not a local PostgreSQL cluster (set DATABASE_URL to one)"),
    "S3 server hung 20 s": Fault("S3 server hung 20 s", lambda w: _signal_group(w, "s3", signal.SIGSTOP),
                                 lambda w: _signal_group(w, "s3", signal.SIGCONT), 20, ("optimize", "deploy")),
}


# --- operations ----------------------------------------------------------------------------------


@dataclass
class Operation:
    """start(world) → handle, before the fault; ready(world, handle) says when the fault may be
    injected; during(world, handle), if any, is the operation's request made while the fault holds
    (timed like the probes); settle(world, handle, outcome) waits for the end and fills the outcome.
    probe(world) is a request a user makes meanwhile, timed and checked for 5xx."""

    name: str
    start: Callable[[World], dict]
    settle: Callable[[World, dict, Outcome], None]
    expected_final: tuple[str, ...]
    probe: Callable[[World], requests.Response]
    ready: Callable[[World, dict], bool] = lambda world, handle: True
    during: Callable[[World, dict], requests.Response] | None = None


def _optimize_start(world: World) -> dict:
    return start_job(world.api, world.web, world.slow["id"])


def _optimize_ready(world: World, job: dict) -> bool:
    now = world.api.get(job_url(world.web, job["id"]), timeout=10).json()
    return now["status"] == "running" and now["stage"] not in ("", "download")


def _optimize_settle(world: World, job: dict, outcome: Outcome) -> None:
    final = world.wait_job(job["id"])
    outcome.final, outcome.attempts = final["status"], final["attempts"]
    keys = world.s3_keys(f"packages/{job['id']}/")
    prefixes = {key.rsplit("/", 1)[0] for key in keys}
    outcome.packages = len(prefixes)
    published = 1 if final["status"] == "succeeded" else 0
    outcome.duplicates = max(0, sum(line.endswith("succeeded") for line in final["log"]) - 1)
    outcome.duplicates += max(0, len(prefixes) - published)
    reports = [key for key in keys if key.endswith("/report.json")]
    if published and len(reports) == 1 and json.loads(world.read_object(reports[0])) != final["report"]:
        outcome.duplicates += 1
        outcome.notes.append("stored report differs from the row's")
    if final["status"] == "failed":
        outcome.notes.append(final["error"].splitlines()[0][:120])


def _wait_deployment(world: World, deployment_id: int, states: tuple[str, ...]) -> dict:
    return poll(world.api, f"{world.web}/api/v1/deployments/{deployment_id}/", timeout=SETTLE_TIMEOUT_S,
                interval=0.3, until=lambda d: d["status"] in states)


def _deploy(world: World, handle: dict) -> requests.Response:
    response = world.api.post(f"{world.web}/api/v1/deployments/", json={"job": world.served_job["id"]}, timeout=30)
    if response.status_code < 300:
        handle.update(response.json())
    return response


def _deploy_settle(world: World, handle: dict, outcome: Outcome) -> None:
    if "id" not in handle:
        outcome.final = "not created"
        return
    final = _wait_deployment(world, handle["id"], ("ready", "failed"))
    outcome.final = final["status"]
    if final["status"] == "failed":
        outcome.notes.append((final.get("message") or "")[:120])
    # Stop it, so that the next scenario starts from an engine without it.
    world.api.delete(f"{world.web}/api/v1/deployments/{handle['id']}/", timeout=30)
    _wait_deployment(world, handle["id"], ("stopped",))


def _undeploy_start(world: World) -> dict:
    handle: dict = {}
    _deploy(world, handle)
    _wait_deployment(world, handle["id"], ("ready",))
    return handle


def _undeploy(world: World, handle: dict) -> requests.Response:
    return world.api.delete(f"{world.web}/api/v1/deployments/{handle['id']}/", timeout=30)


def _undeploy_settle(world: World, handle: dict, outcome: Outcome) -> None:
    final = _wait_deployment(world, handle["id"], ("stopped",))
    outcome.final = final["status"]
    engine = requests.get(f"{world.live.serving_url}/v2/models/{final['name']}/ready", timeout=10)
    if engine.status_code == 200:
        outcome.duplicates += 1
        outcome.notes.append("the engine still serves it")


def _delete_start(world: World) -> dict:
    return register_model(world.api, world.web, tiny_mlp(world.tmp / "doomed.onnx", seed=7),
                          f"chaos-doomed-{time.monotonic_ns()}")


def _delete(world: World, model: dict) -> requests.Response:
    return world.api.delete(f"{world.web}/api/v1/models/{model['id']}/", timeout=30)


def _delete_settle(world: World, model: dict, outcome: Outcome) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline and world.s3_keys(f"models/{model['id']}/"):
        time.sleep(0.5)
    left = world.s3_keys(f"models/{model['id']}/")
    outcome.final = "purged" if not left else f"{len(left)} objects left"
    gone = world.api.get(f"{world.web}/api/v1/models/{model['id']}/", timeout=10).status_code
    if gone != 404:
        outcome.notes.append(f"the model answers {gone}")


def _webhook_start(world: World) -> dict:
    receiver = Receiver()
    hook = world.api.post(f"{world.web}/api/v1/webhooks/", json={"url": receiver.url}, timeout=10).json()
    return {"receiver": receiver, "hook": hook, "job": start_job(world.api, world.web, world.tiny["id"])}


def _webhook_ready(world: World, handle: dict) -> bool:
    """The fault hits as the job ends: while its announcement is on its way."""
    job = world.api.get(job_url(world.web, handle["job"]["id"]), timeout=10).json()
    return job["status"] in FINAL_JOB_STATES


def _webhook_settle(world: World, handle: dict, outcome: Outcome) -> None:
    url = f"{world.web}/api/v1/webhooks/{handle['hook']['id']}/deliveries/"
    deliveries = poll(world.api, url, timeout=SETTLE_TIMEOUT_S, interval=0.5,
                      until=lambda d: d["results"] and d["results"][0]["status"] != "pending")["results"]
    outcome.final, outcome.attempts = deliveries[0]["status"], deliveries[0]["attempts"]
    outcome.duplicates = max(0, len(handle["receiver"].calls) - 1)
    world.api.delete(f"{world.web}/api/v1/webhooks/{handle['hook']['id']}/", timeout=10)
    handle["receiver"].close()


def _probe_submit(world: World) -> requests.Response:
    return world.api.post(f"{world.web}/api/v1/models/{world.tiny['id']}/optimizations/",
                          json={"recipe": "lossless"}, timeout=30)


def _probe_me(world: World) -> requests.Response:
    return world.api.get(f"{world.web}/api/v1/auth/me/", timeout=30)


OPERATIONS = {
    "optimize": Operation("optimize", _optimize_start, _optimize_settle, ("succeeded",), _probe_submit,
                          ready=_optimize_ready),
    "deploy": Operation("deploy", lambda world: {}, _deploy_settle, ("ready",), _probe_me, during=_deploy),
    "undeploy": Operation("undeploy", _undeploy_start, _undeploy_settle, ("stopped",), _probe_me,
                          during=_undeploy),
    "model delete": Operation("model delete", _delete_start, _delete_settle, ("purged",), _probe_me,
                              during=_delete),
    "webhook": Operation("webhook", _webhook_start, _webhook_settle, ("delivered",), _probe_me,
                         ready=_webhook_ready),
}


def expected_final(fault_name: str, operation_name: str) -> tuple[str, ...]:
    return FAULTS[fault_name].expected_final.get(operation_name, OPERATIONS[operation_name].expected_final)


def run(world: World, fault_name: str, operation_name: str, *, hold_s: float | None = None) -> Outcome:
    """One scenario. `hold_s` shortens (or lengthens) how long the fault lasts."""
    fault, operation = FAULTS[fault_name], OPERATIONS[operation_name]
    hold_s = fault.hold_s if hold_s is None else hold_s
    outcome = Outcome(fault_name, operation_name)
    world.wait_until_whole()
    reason = fault.unavailable(world)
    if reason:
        outcome.final = "not measured"
        outcome.notes.append(reason)
        return outcome
    handle = operation.start(world)
    deadline = time.monotonic() + 120
    while not operation.ready(world, handle):
        if time.monotonic() > deadline:
            outcome.notes.append("never got under way")
            return outcome
        time.sleep(0.05)

    fault.inject(world)
    started = time.monotonic()
    try:
        if operation.during is not None:
            response = _timed(outcome, lambda: operation.during(world, handle))
            if response is not None and response.status_code >= 500:
                outcome.server_errors += 1
        while time.monotonic() - started < hold_s:
            response = _timed(outcome, lambda: operation.probe(world))
            if response is not None and response.status_code >= 500:
                outcome.server_errors += 1
            time.sleep(0.5)
    finally:
        fault.heal(world)
    healed = time.monotonic()
    operation.settle(world, handle, outcome)
    outcome.recovery_s = time.monotonic() - healed
    if operation_name == "optimize":
        # The job may have had to start over: the work itself is not the fault's cost.
        outcome.recovery_s = max(0.0, outcome.recovery_s - world.clean_optimize_s)
    return outcome


def _timed(outcome: Outcome, call):
    started = time.monotonic()
    try:
        return call()
    except requests.RequestException as exc:
        outcome.notes.append(f"no answer: {type(exc).__name__}")
        outcome.slowest_answer_s = max(outcome.slowest_answer_s, time.monotonic() - started)
        return None
    finally:
        outcome.slowest_answer_s = max(outcome.slowest_answer_s, time.monotonic() - started)


def matrix() -> list[tuple[str, str]]:
    return [(fault, operation) for fault, spec in FAULTS.items() for operation in spec.applies_to]
