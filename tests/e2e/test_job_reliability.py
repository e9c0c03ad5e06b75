"""Jobs that never get lost: real Redis, real worker processes, killed and restarted.

The stack here runs with short heartbeats (the reaper notices a lost worker in
seconds rather than a minute) and one running job per user.
"""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import datetime

import pytest
from celery import Celery

from deploy.local.processes import start_redis
from tests.conftest import launched_stack
from tests.support.api import job_url, poll, register_model, start_job, wait_for_job
from tests.support.models import slow_matmul_chain, tiny_mlp

pytestmark = pytest.mark.e2e

HEARTBEAT_TIMEOUT_S = 4
# The reaper runs every second and a lost worker's heartbeat goes stale after
# HEARTBEAT_TIMEOUT_S: a lost job must be requeued well within this.
REQUEUE_DEADLINE_S = 30


@pytest.fixture(scope="module")
def jobs_stack(tmp_path_factory):
    env = {
        "WHETSTONE_HEARTBEAT_INTERVAL_S": "0.5",
        "WHETSTONE_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
        "WHETSTONE_REAPER_INTERVAL_S": "1",
        "WHETSTONE_MAX_RUNNING_JOBS_PER_USER": "1",
        "WHETSTONE_DEFER_COUNTDOWN_S": "0.5",
        "WHETSTONE_LOST_MESSAGE_GRACE_S": "3",
        "WHETSTONE_IDLE_REDISPATCH_S": "5",
        # bf16 jobs get a tiny time limit here, to show a job past its limit ends failed with the reason
        "WHETSTONE_BF16_TIME_LIMIT_S": "3",
    }
    with launched_stack(tmp_path_factory.mktemp("jobs-var"), env=env, with_serving=False,
                        worker_concurrency=2) as live:
        yield live


@pytest.fixture(scope="module")
def slow_model(jobs_stack, tmp_path_factory):
    path = slow_matmul_chain(tmp_path_factory.mktemp("models") / "slow.onnx", size=768, layers=16)
    return register_model(jobs_stack.api(), jobs_stack.web_url, path, "slow")


@pytest.fixture(scope="module")
def tiny_model(jobs_stack, tmp_path_factory):
    path = tiny_mlp(tmp_path_factory.mktemp("models") / "tiny.onnx")
    return register_model(jobs_stack.api(), jobs_stack.web_url, path, "tiny")


def wait_until_running(api, web_url, job_id):
    return poll(api, job_url(web_url, job_id), timeout=60, interval=0.1,
                until=lambda j: j["status"] == "running" and j["stage"] not in ("", "download"))


def package_keys(live, job_id) -> list[str]:
    import boto3

    s3 = boto3.client("s3", endpoint_url=live.env["S3_ENDPOINT_URL"], aws_access_key_id="testing",
                      aws_secret_access_key="testing", region_name="us-east-1")
    listed = s3.list_objects_v2(Bucket=live.env["S3_BUCKET"], Prefix=f"packages/{job_id}/")
    return sorted(item["Key"] for item in listed.get("Contents", []))


def assert_one_package(live, job_id) -> str:
    """Every object under the job's packages/ is the one published attempt's package; returns its prefix."""
    keys = package_keys(live, job_id)
    prefixes = {key.rsplit("/", 1)[0] for key in keys}
    assert len(prefixes) == 1, keys
    prefix = prefixes.pop()
    # A package is its four fixed files plus one model per shape routed to its own winner: those the
    # runtime names, and nothing it does not (a stray file would be a second attempt's leftover).
    runtime = json.loads(read_object(live, f"{prefix}/runtime.json"))
    routed = {spec["model"] for spec in runtime.get("specializations") or []}
    expected = {"model.onnx", "report.json", "runtime.json", "signature.json"} | routed
    assert keys == sorted(f"{prefix}/{name}" for name in expected)
    return prefix


def read_object(live, key: str) -> bytes:
    import boto3

    s3 = boto3.client("s3", endpoint_url=live.env["S3_ENDPOINT_URL"], aws_access_key_id="testing",
                      aws_secret_access_key="testing", region_name="us-east-1")
    return s3.get_object(Bucket=live.env["S3_BUCKET"], Key=key)["Body"].read()


def test_a_worker_stalled_past_its_heartbeat_wakes_to_find_its_job_done_and_publishes_nothing(
        jobs_stack, slow_model):
    """SIGSTOP, not SIGKILL: the worker comes back. Its attempt was superseded meanwhile, so it must
    not republish the package nor rewrite the log of the attempt that finished the job."""
    from deploy.local.processes import start_worker

    api, web = jobs_stack.api(), jobs_stack.web_url
    job = start_job(api, web, slow_model["id"])
    wait_until_running(api, web, job["id"])
    stalled = jobs_stack.service("worker")
    second = start_worker(log_dir=jobs_stack.var_dir / "logs", env=jobs_stack.env, name="second")
    try:
        os.killpg(stalled.process.pid, signal.SIGSTOP)
        try:
            requeued_or_taken = poll(api, job_url(web, job["id"]), timeout=REQUEUE_DEADLINE_S,
                                     until=lambda j: j["attempts"] == 2)
            assert requeued_or_taken["worker"].startswith("second@")
            finished = wait_for_job(api, web, job["id"], timeout=240)
            assert finished["status"] == "succeeded", finished["error"]
        finally:
            os.killpg(stalled.process.pid, signal.SIGCONT)
        # The stalled worker's child was never stopped (it runs in a session of its own): give the
        # woken attempt time to reach its next write, be refused, and clean up.
        time.sleep(HEARTBEAT_TIMEOUT_S + 6)
    finally:
        second.stop()
    after = api.get(job_url(web, job["id"]), timeout=10).json()
    assert after["status"] == "succeeded" and after["attempts"] == 2
    assert after["finished_at"] == finished["finished_at"] and after["log"] == finished["log"]
    assert sum("started on" in line for line in after["log"]) == 2
    assert sum(line.endswith("succeeded") for line in after["log"]) == 1
    prefix = assert_one_package(jobs_stack, job["id"])
    # The stored report is the one the row holds: written by the same attempt.
    import json

    assert json.loads(read_object(jobs_stack, f"{prefix}/report.json")) == after["report"]


def test_sigkill_of_the_worker_mid_job_requeues_it_and_it_then_succeeds(jobs_stack, slow_model):
    api, web = jobs_stack.api(), jobs_stack.web_url
    job = start_job(api, web, slow_model["id"])
    wait_until_running(api, web, job["id"])

    worker = jobs_stack.service("worker")
    os.killpg(worker.process.pid, signal.SIGKILL)  # the worker and its pool, with no chance to clean up
    worker.process.wait(timeout=10)
    killed_at = time.monotonic()

    # The reaper notices the silence and requeues the job; the supervisor has
    # restarted the worker meanwhile (as Kubernetes would), which runs it again.
    requeued = poll(api, job_url(web, job["id"]), timeout=REQUEUE_DEADLINE_S,
                    until=lambda j: any("requeued" in line for line in j["log"]))
    assert time.monotonic() - killed_at < REQUEUE_DEADLINE_S
    assert requeued["status"] in ("queued", "running", "succeeded")
    finished = wait_for_job(api, web, job["id"], timeout=180)
    assert finished["status"] == "succeeded", finished["error"]
    assert finished["attempts"] == 2
    assert jobs_stack.service("worker").process.pid != worker.process.pid
    assert_one_package(jobs_stack, job["id"])


def test_a_task_delivered_twice_runs_once_and_publishes_one_package(jobs_stack, slow_model):
    api, web = jobs_stack.api(), jobs_stack.web_url
    job = start_job(api, web, slow_model["id"])
    # A second delivery of the same message while the first runs (the broker
    # redelivering after a lost connection does exactly this).
    wait_until_running(api, web, job["id"])
    producer = Celery(broker=jobs_stack.env["REDIS_URL"])
    producer.send_task("whetstone.optimize", args=[job["id"]], queue="cpu")
    finished = wait_for_job(api, web, job["id"], timeout=180)
    # and once more after it ended
    producer.send_task("whetstone.optimize", args=[job["id"]], queue="cpu")
    time.sleep(3)
    after = api.get(job_url(web, job["id"]), timeout=10).json()
    assert finished["status"] == after["status"] == "succeeded"
    assert after["attempts"] == 1
    assert after["finished_at"] == finished["finished_at"]
    assert sum("started on" in line for line in after["log"]) == 1
    assert_one_package(jobs_stack, job["id"])


def test_cancel_a_queued_job_and_a_running_job(jobs_stack, slow_model):
    api, web = jobs_stack.api(), jobs_stack.web_url
    running = start_job(api, web, slow_model["id"])
    wait_until_running(api, web, running["id"])
    queued = start_job(api, web, slow_model["id"])  # waits: one running job per user

    cancelled_queued = api.post(f"{job_url(web, queued['id'])}cancel/", timeout=10)
    assert cancelled_queued.status_code == 202
    assert cancelled_queued.json()["status"] == "cancelled"

    asked_at = time.monotonic()
    assert api.post(f"{job_url(web, running['id'])}cancel/", timeout=10).status_code == 202
    stopped = wait_for_job(api, web, running["id"], timeout=30)
    assert stopped["status"] == "cancelled"
    assert time.monotonic() - asked_at < 15, "a running job must stop within seconds"
    assert stopped["package_url"] is None and package_keys(jobs_stack, running["id"]) == []

    time.sleep(2)
    never_started = api.get(job_url(web, queued["id"]), timeout=10).json()
    assert never_started["status"] == "cancelled"
    assert never_started["started_at"] is None and never_started["attempts"] == 0
    assert api.post(f"{job_url(web, queued['id'])}cancel/", timeout=10).status_code == 409


def test_a_job_past_its_recipes_time_limit_fails_with_the_reason(jobs_stack, slow_model):
    api, web = jobs_stack.api(), jobs_stack.web_url
    job = wait_for_job(api, web, start_job(api, web, slow_model["id"], recipe="bf16")["id"], timeout=120)
    assert job["status"] == "failed"
    assert "time limit" in job["error"] and "bf16" in job["error"]
    assert job["package_url"] is None and package_keys(jobs_stack, job["id"]) == []


def test_redis_killed_mid_job_and_restarted_loses_no_job_and_runs_none_twice(jobs_stack, tiny_model, slow_model):
    api, web = jobs_stack.api(), jobs_stack.web_url
    running = start_job(api, web, slow_model["id"])
    wait_until_running(api, web, running["id"])
    before = [start_job(api, web, tiny_model["id"]) for _ in range(2)]
    redis = jobs_stack.service("redis")
    port = int(redis.url.rsplit(":", 1)[1].split("/")[0])
    redis.stopped = True  # the supervisor leaves it down: this test brings it back itself
    os.killpg(redis.process.pid, signal.SIGKILL)  # no chance to write its append-only file
    redis.process.wait(timeout=10)

    # While the broker is down the API still accepts work, each request promptly.
    during = []
    for _ in range(3):
        asked_at = time.monotonic()
        during.append(start_job(api, web, tiny_model["id"]))
        assert time.monotonic() - asked_at < 2.0
    time.sleep(2)
    jobs_stack.replace_service(
        "redis", start_redis(port=port, data_dir=jobs_stack.var_dir / "redis", log_dir=jobs_stack.var_dir / "logs",
                             env=jobs_stack.env)
    )
    for job in [running] + before + during:
        finished = wait_for_job(api, web, job["id"], timeout=240)
        assert finished["status"] == "succeeded", (job["id"], finished["error"], finished["log"])
        # Killing the broker cost no job a second run.
        assert finished["attempts"] == 1, (job["id"], finished["log"])
        assert sum("started on" in line for line in finished["log"]) == 1
        assert_one_package(jobs_stack, job["id"])


def test_fifty_jobs_from_five_users_all_finish_within_the_per_user_limit(jobs_stack, tmp_path):
    users = [jobs_stack.create_user(f"user{i}", f"password-{i}") for i in range(5)]
    models = [register_model(api, jobs_stack.web_url, tiny_mlp(tmp_path / f"m{i}.onnx", seed=i), f"m{i}")
              for i, api in enumerate(users)]
    submitted = [(api, start_job(api, jobs_stack.web_url, model["id"]))
                 for _ in range(10) for api, model in zip(users, models)]
    finished = [wait_for_job(api, jobs_stack.web_url, job["id"], timeout=600) for api, job in submitted]
    assert [job["status"] for job in finished] == ["succeeded"] * 50

    # The per-user limit (1) held: no two jobs of one user ran at the same time.
    by_user: dict[int, list[tuple[datetime, datetime]]] = {}
    for (api, _), job in zip(submitted, finished):
        interval = (datetime.fromisoformat(job["started_at"]), datetime.fromisoformat(job["finished_at"]))
        by_user.setdefault(id(api), []).append(interval)
    for intervals in by_user.values():
        intervals.sort()
        for (_, end), (start, _) in zip(intervals, intervals[1:]):
            assert start >= end, "two jobs of one user overlapped"
