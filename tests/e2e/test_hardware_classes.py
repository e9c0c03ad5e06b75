"""A fleet of two hardware classes on one machine: two workers, one of them declaring a narrower
class (WHETSTONE_HARDWARE_CLASS), and an engine of the machine's own class.

Routing (a job runs only on a worker of its class), waiting (a job whose class has no worker stays
queued and says why, then runs once one comes), fan-out ("all": one job per class under one
request), package selection at deploy (the package built for the engine's class), the 409 for a
package measured on another class, and its override (served, marked, its accuracy re-checked on the
engine). The classes come from this machine: its own, and the baseline of its architecture and
vendor, which every machine can serve.
"""

from __future__ import annotations

import time
import uuid

import pytest

from compiler_core.hardware import describe_hardware, normalise_architecture, normalise_vendor
from deploy.local.processes import start_worker
from tests.conftest import launched_stack
from tests.support.api import job_url, poll, register_model, start_job, wait_for_job
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.e2e

HEARTBEAT_TIMEOUT_S = 6
DEPLOY_TIMEOUT_S = 240
NARROW_WORKER = "narrow"

_machine = describe_hardware()
OWN = _machine["detected_hardware_class"]
NARROW = f"{normalise_architecture(_machine['architecture'])}-{normalise_vendor(_machine['vendor'])}-baseline"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    if OWN == NARROW:
        pytest.skip(f"this machine is {OWN}: there is no narrower class to declare")
    env = {"WHETSTONE_HEARTBEAT_INTERVAL_S": "1", "WHETSTONE_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
           "WHETSTONE_REAPER_INTERVAL_S": "1", "WHETSTONE_LOST_MESSAGE_GRACE_S": "3",
           "WHETSTONE_IDLE_REDISPATCH_S": "5", "WHETSTONE_MAX_RUNNING_JOBS_PER_USER": "4"}
    with launched_stack(tmp_path_factory.mktemp("fleet-var"), env=env) as live:
        # The stack's own worker is of the machine's class; this one declares the narrower class.
        live.stack.add(lambda: start_narrow_worker(live))
        yield live


def start_narrow_worker(live):
    return start_worker(log_dir=live.var_dir / "logs", env={**live.env, "WHETSTONE_HARDWARE_CLASS": NARROW},
                        name=NARROW_WORKER)


@pytest.fixture(scope="module")
def api(fleet):
    return fleet.api()


def hardware(api, fleet) -> dict[str, dict]:
    return {entry["hardware_class"]: entry for entry in api.get(f"{fleet.web_url}/api/v1/hardware/", timeout=10).json()}


def wait_for_fleet(api, fleet, *, narrow_online: bool) -> None:
    def settled(_):
        classes = hardware(api, fleet)
        own_ok = bool(classes.get(OWN, {}).get("workers")) and bool(classes.get(OWN, {}).get("engines"))
        narrow_ok = bool(classes.get(NARROW, {}).get("workers")) == narrow_online
        return own_ok and narrow_ok

    poll(api, f"{fleet.web_url}/api/v1/hardware/", until=settled, timeout=60, interval=0.5)


def model(api, fleet, tmp_path_factory, seed: int = 0) -> dict:
    path = tiny_mlp(tmp_path_factory.mktemp("fleet-models") / f"m{seed}.onnx", seed=seed)
    return register_model(api, fleet.web_url, path, f"fleet-{uuid.uuid4().hex[:6]}")


def deploy(api, fleet, job_id: int, **body):
    return api.post(f"{fleet.web_url}/api/v1/deployments/", json={"job": job_id, **body}, timeout=10)


def wait_deployed(api, fleet, deployment_id: int) -> dict:
    return poll(api, f"{fleet.web_url}/api/v1/deployments/{deployment_id}/",
                until=lambda d: d["status"] in ("ready", "failed"), timeout=DEPLOY_TIMEOUT_S)


def test_the_fleet_lists_both_classes_with_their_workers_and_the_engine(api, fleet):
    wait_for_fleet(api, fleet, narrow_online=True)
    classes = hardware(api, fleet)
    assert [w["name"].split("@")[0] for w in classes[NARROW]["workers"]] == [NARROW_WORKER]
    assert classes[NARROW]["workers"][0]["detected_hardware_class"] == OWN
    assert f"cpu.{NARROW}" in classes[NARROW]["workers"][0]["queues"]
    assert classes[NARROW]["engines"] == [] and len(classes[OWN]["engines"]) == 1


def test_each_job_runs_on_a_worker_of_its_class(api, fleet, tmp_path_factory):
    wait_for_fleet(api, fleet, narrow_online=True)
    m = model(api, fleet, tmp_path_factory)
    narrow = start_job(api, fleet.web_url, m["id"], hardware_class=NARROW)
    default = start_job(api, fleet.web_url, m["id"])
    assert default["hardware_class"] == OWN  # the serving engine's class
    narrow, default = (wait_for_job(api, fleet.web_url, job["id"]) for job in (narrow, default))
    assert narrow["status"] == default["status"] == "succeeded", (narrow["error"], default["error"])
    assert narrow["worker"].startswith(f"{NARROW_WORKER}@") and not default["worker"].startswith(f"{NARROW_WORKER}@")
    assert narrow["report"]["hardware_context"]["hardware_class"] == NARROW
    assert narrow["report"]["hardware_context"]["detected_hardware_class"] == OWN
    assert default["report"]["hardware_context"]["hardware_class"] == OWN


def test_a_job_waits_for_a_worker_of_its_class_and_runs_when_one_comes(api, fleet, tmp_path_factory):
    wait_for_fleet(api, fleet, narrow_online=True)
    fleet.service(NARROW_WORKER).stop()
    try:
        wait_for_fleet(api, fleet, narrow_online=False)
        m = model(api, fleet, tmp_path_factory, seed=1)
        job = start_job(api, fleet.web_url, m["id"], hardware_class=NARROW)
        assert job["status"] == "queued" and job["stage"] == f"waiting for a worker of class {NARROW}"
        time.sleep(8)  # past the reaper's idle redispatch: the other class's worker still does not take it
        waiting = api.get(job_url(fleet.web_url, job["id"]), timeout=10).json()
        assert waiting["status"] == "queued" and waiting["started_at"] is None
        assert waiting["stage"] == f"waiting for a worker of class {NARROW}"
    finally:
        fleet.replace_service(NARROW_WORKER, start_narrow_worker(fleet))
    done = wait_for_job(api, fleet.web_url, job["id"])
    assert done["status"] == "succeeded" and done["worker"].startswith(f"{NARROW_WORKER}@")


def test_all_fans_out_and_deploy_picks_the_package_built_for_the_engines_class(api, fleet, tmp_path_factory):
    wait_for_fleet(api, fleet, narrow_online=True)
    m = model(api, fleet, tmp_path_factory, seed=2)
    response = api.post(f"{fleet.web_url}/api/v1/models/{m['id']}/optimizations/",
                        json={"recipe": "lossless", "hardware_class": "all"}, timeout=30)
    assert response.status_code == 202, response.text
    body = response.json()
    assert sorted(job["hardware_class"] for job in body["jobs"]) == sorted([OWN, NARROW])
    assert {job["request_group"] for job in body["jobs"]} == {body["request_group"]}
    jobs = {job["hardware_class"]: wait_for_job(api, fleet.web_url, job["id"]) for job in body["jobs"]}
    assert all(job["status"] == "succeeded" for job in jobs.values()), [j["error"] for j in jobs.values()]
    assert jobs[NARROW]["worker"].startswith(f"{NARROW_WORKER}@")

    # Asked to deploy the narrow class's package, deploy serves its sibling built for the engine's class.
    created = deploy(api, fleet, jobs[NARROW]["id"])
    assert created.status_code == 202, created.text
    assert created.json()["job"] == jobs[OWN]["id"]
    state = wait_deployed(api, fleet, created.json()["id"])
    assert state["status"] == "ready", state["message"]
    assert state["hardware_class"] == OWN and state["package_hardware_class"] == OWN
    assert state["measured_on_other_class"] is False
    assert state["accuracy_on_engine"]["checked"] and state["accuracy_on_engine"]["passes"]
    # Timed on the engine against its original too, and read beside what its own report claimed.
    speed = state["speed_on_engine"]
    assert speed["checked"] and speed["hardware_class"] == OWN and speed["rounds"] >= 5, speed
    assert speed["claimed_speedup"] == jobs[OWN]["report"]["overall"]["speedup"]


def test_a_package_of_another_class_answers_409_unless_overridden_then_is_marked(api, fleet, tmp_path_factory):
    wait_for_fleet(api, fleet, narrow_online=True)
    m = model(api, fleet, tmp_path_factory, seed=3)
    job = wait_for_job(api, fleet.web_url, start_job(api, fleet.web_url, m["id"], hardware_class=NARROW)["id"])
    assert job["status"] == "succeeded", job["error"]

    refused = deploy(api, fleet, job["id"])
    assert refused.status_code == 409, refused.text
    assert f"measured on {NARROW}" in refused.json()["detail"] and f"the serving engine is {OWN}" in refused.json()["detail"]

    created = deploy(api, fleet, job["id"], allow_other_class=True)
    assert created.status_code == 202, created.text
    state = wait_deployed(api, fleet, created.json()["id"])
    assert state["status"] == "ready", state["message"]
    assert state["job"] == job["id"] and state["measured_on_other_class"] is True
    assert state["message"] == "" and state["package_hardware_class"] == NARROW
    verdict = state["accuracy_on_engine"]
    assert verdict["checked"] and verdict["passes"] and verdict["hardware_class"] == OWN
    assert verdict["measured_on"] == NARROW
