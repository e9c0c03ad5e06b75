"""Deployment lifecycle through the API and the worker's services, against a real MLServer.

The task queue is replaced by a list (nothing reaches a broker); the tests run
the deploy/undeploy services as the worker would, and the serving engine is a
real one on loopback.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import requests

from celery.exceptions import SoftTimeLimitExceeded

from compiler_core.runtime import load_package
from deploy.local.processes import free_ports
from deploy.serving import repository
from deploy.serving.repository_access import ADMIN_TOKEN_ENV
from deploy.serving.server import stop_server
from deploy.tests.engines import launch_engine
from deploy.tests.tiny_packages import FEATURES, write_corrupt_package, write_tiny_package
from deployments.models import Deployment, TrafficSample
from deployments.services import deployment_load, deployment_traffic_sample, deployment_unload
from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel
from whetstone import objectstore, taskqueue

BATCHED_SIGNATURE = {"inputs": [{"name": "x", "dtype": "float32", "shape": ["batch", FEATURES]}],
                     "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", 3]}]}
FIXED_SIGNATURE = {"inputs": [{"name": "x", "dtype": "float32", "shape": [1, FEATURES]}],
                   "outputs": [{"name": "logits", "dtype": "float32", "shape": [1, 3]}]}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    running = launch_engine(tmp_path_factory.mktemp("engine"))
    yield running
    stop_server(running.process)


@pytest.fixture
def serving(settings, engine):
    settings.SERVING_URL = settings.SERVING_PUBLIC_URL = engine.base_url
    settings.SERVING_METRICS_URL = engine.metrics_url
    settings.SERVING_MODEL_ROOT = engine.models_root
    return engine


@pytest.fixture
def sent(monkeypatch) -> list:
    messages = []
    monkeypatch.setattr(taskqueue, "send_on_commit",
                        lambda name, *, args, queue, **options: messages.append((name, args, queue)))
    return messages


class SlowLoadProxy(ThreadingHTTPServer):
    """Passes the worker's calls on to the engine, one at a time and in order, and
    answers the next `held_loads` load calls only `hold_s` after the engine did: a
    load that outlasts the worker's patience, which the engine nonetheless finishes
    (MLServer does not cancel a load whose caller hung up)."""

    daemon_threads = True
    hold_s = 3.0

    def __init__(self, engine_url: str):
        super().__init__(("127.0.0.1", 0), _ForwardToEngine)
        self.engine_url, self.held_loads, self.forwarding = engine_url, 0, threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _ForwardToEngine(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._forward()

    do_POST = do_GET

    def _forward(self) -> None:
        proxy: SlowLoadProxy = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {key: self.headers[key] for key in ("Content-Type", "Authorization") if key in self.headers}
        with proxy.forwarding:  # an unload sent after a held load reaches the engine after that load
            answer = requests.request(self.command, proxy.engine_url + self.path, data=body, headers=headers,
                                      timeout=60)
            held = self.path.endswith("/load") and proxy.held_loads > 0
            proxy.held_loads -= held
        if held:
            time.sleep(proxy.hold_s)
        try:
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the worker stopped waiting

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def slow_loads(settings, serving):
    """The worker reaches the engine through a SlowLoadProxy; users still call the engine itself."""
    proxy = SlowLoadProxy(serving.base_url)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    settings.SERVING_URL = proxy.url
    yield proxy
    proxy.shutdown()
    proxy.server_close()


def make_job(user, tmp_path, *, seed: int = 0, corrupt: bool = False, model: RegisteredModel | None = None,
             signature: dict = BATCHED_SIGNATURE) -> Job:
    if model is None:
        model = RegisteredModel.objects.create(owner=user, name=f"model-{seed}")
    version = ModelVersion.objects.create(model=model, number=model.versions.count() + 1, storage_key="k",
                                          size_bytes=1, sha256="0" * 64, signature=signature)
    job = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)
    package = tmp_path / f"package-{job.pk}"
    (write_corrupt_package if corrupt else write_tiny_package)(package, **({} if corrupt else {"seed": seed}))
    job.package_prefix = f"packages/{job.pk}"
    job.save(update_fields=["package_prefix"])
    objectstore.put_dir(job.package_prefix, package)
    job.package_dir = package  # for the test's own reference run
    return job


def infer(url: str, x: np.ndarray, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"inputs": [{"name": "x", "shape": list(x.shape), "datatype": "FP32", "data": x.ravel().tolist()}]}
    return requests.post(url, json=body, headers=headers, timeout=30)


def logits(response: requests.Response) -> np.ndarray:
    output = next(o for o in response.json()["outputs"] if o["name"] == "logits")
    return np.asarray(output["data"], np.float32).reshape(output["shape"])


@pytest.mark.django_db(transaction=True)
def test_deploy_redeploy_stop_with_token(api, user, tmp_path, serving, sent):
    first, second = make_job(user, tmp_path, seed=1), None
    created = api.post("/api/v1/deployments/", {"job": first.pk, "access_token": True}, format="json")
    assert created.status_code == 202, created.content
    body = created.json()
    token = body["access_token"]
    assert body["status"] == "pending" and body["access_token_required"] is True and token.startswith("wst_")
    row = Deployment.objects.get(pk=body["id"])
    assert row.access_token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    detail_url = f"/api/v1/deployments/{body['id']}/"
    assert api.get(detail_url).json()["access_token"] is None  # shown once
    assert sent == [(taskqueue.DEPLOY_TASK, [row.pk], taskqueue.SERVING_QUEUE)]

    deployment_load(deployment_id=row.pk)
    deployment = api.get(detail_url).json()
    assert deployment["status"] == "ready", deployment["message"]
    assert api.get(f"{detail_url}health/").json() == {"live": True, "ready": True, "status": "ready", "message": ""}
    # The reaper's traffic sample before any call: the engine has counted none for this model.
    assert deployment_traffic_sample()["sampled"] >= 1
    assert TrafficSample.objects.get(deployment=row).requests == 0
    x = np.random.default_rng(0).normal(size=(2, FEATURES)).astype(np.float32)
    assert infer(deployment["endpoint_url"], x).status_code == 401
    served = infer(deployment["endpoint_url"], x, token)
    assert served.status_code == 200, served.text
    np.testing.assert_allclose(logits(served), load_package(first.package_dir).run({"x": x})["logits"], atol=1e-6)
    # The engine's own metrics, read through the API: the call just answered is counted and timed.
    traffic = api.get(f"{detail_url}traffic/").json()
    assert traffic["reachable"] is True and traffic["requests"] >= 1, traffic
    assert traffic["latency_ms"]["p50"] is not None and traffic["latency_ms"]["p50"] > 0, traffic
    # The next sample makes the history's first point: the call, as a rate, timed.
    deployment_traffic_sample()
    history = api.get(f"{detail_url}traffic/", {"window": "15m"}).json()["history"]
    assert history["samples"] == 2, history
    (minute,) = [point for point in history["points"] if point["requests"] is not None]
    assert minute["requests"] == traffic["requests"] and minute["requests_per_s"] > 0, minute
    assert minute["p50_ms"] > 0 and minute["p99_ms"] >= minute["p50_ms"], minute

    # redeploy a newer job of the same model: same URL, same token, new weights
    second = make_job(user, tmp_path, seed=2, model=first.model_version.model)
    redeployed = api.post(f"{detail_url}redeploy/", {"job": second.pk}, format="json")
    assert redeployed.status_code == 202, redeployed.content
    assert redeployed.json()["status"] == "updating" and redeployed.json()["target_job"] == second.pk
    assert api.post(f"{detail_url}redeploy/", {"job": second.pk}, format="json").status_code == 400  # one at a time
    deployment_load(deployment_id=row.pk)
    after = api.get(detail_url).json()
    assert (after["status"], after["job"], after["target_job"], after["endpoint_url"]) == (
        "ready", second.pk, None, deployment["endpoint_url"])
    np.testing.assert_allclose(logits(infer(after["endpoint_url"], x, token)),
                               load_package(second.package_dir).run({"x": x})["logits"], atol=1e-6)

    # a newer package the engine refuses: the served one stays, the row says why
    broken = make_job(user, tmp_path, corrupt=True, model=first.model_version.model)
    assert api.post(f"{detail_url}redeploy/", {"job": broken.pk}, format="json").status_code == 202
    deployment_load(deployment_id=row.pk)
    after = api.get(detail_url).json()
    assert (after["status"], after["job"]) == ("ready", second.pk)
    assert f"Update to job {broken.pk} failed" in after["message"] and "INVALID_PROTOBUF" in after["message"]
    assert infer(after["endpoint_url"], x, token).status_code == 200

    # stop frees the model in the engine
    assert api.delete(detail_url).status_code == 202
    deployment_unload(deployment_id=row.pk)
    assert api.get(detail_url).json()["status"] == "stopped"
    assert requests.get(f"{serving.base_url}/v2/models/{row.name}/ready", timeout=10).status_code != 200
    assert not (serving.models_root / row.name).exists()
    assert api.get(f"{detail_url}health/").json()["ready"] is False


@pytest.mark.django_db(transaction=True)
def test_package_that_fails_to_load_ends_failed_with_the_engine_message(api, user, tmp_path, serving, sent):
    job = make_job(user, tmp_path, corrupt=True)
    created = api.post("/api/v1/deployments/", {"job": job.pk}, format="json").json()
    assert created["access_token"] is None and created["access_token_required"] is False

    deployment_load(deployment_id=created["id"])

    failed = api.get(f"/api/v1/deployments/{created['id']}/").json()
    assert failed["status"] == "failed"
    assert "could not load the package" in failed["message"] and "INVALID_PROTOBUF" in failed["message"]
    assert not (serving.models_root / created["name"]).exists()  # cannot stop the engine at its next start
    # a failed deployment cannot be redeployed (deploy anew instead)
    assert api.post(f"/api/v1/deployments/{created['id']}/redeploy/", {"job": job.pk},
                    format="json").status_code == 400


@pytest.mark.django_db
def test_batching_settings_are_checked_and_kept(api, user, tmp_path, sent):
    batched = make_job(user, tmp_path, seed=3)
    created = api.post("/api/v1/deployments/", {"job": batched.pk, "max_batch_size": 8, "max_batch_time": 0.005},
                       format="json")
    assert created.status_code == 202, created.content
    assert (created.json()["max_batch_size"], created.json()["max_batch_time"]) == (8, 0.005)

    no_time = api.post("/api/v1/deployments/", {"job": batched.pk, "max_batch_size": 8}, format="json")
    assert no_time.status_code == 400 and "max_batch_time" in no_time.json()["errors"]["max_batch_time"][0]

    fixed = make_job(user, tmp_path, seed=4, signature=FIXED_SIGNATURE)
    refused = api.post("/api/v1/deployments/", {"job": fixed.pk, "max_batch_size": 8, "max_batch_time": 0.005},
                       format="json")
    assert refused.status_code == 400 and "dynamic batch dim" in refused.json()["errors"]["max_batch_size"][0]
    assert api.post("/api/v1/deployments/", {"job": fixed.pk}, format="json").status_code == 202


@pytest.mark.django_db
def test_redeploy_keeps_the_batching_setting_it_does_not_name(api, user, tmp_path, sent):
    first = make_job(user, tmp_path, seed=5)
    created = api.post("/api/v1/deployments/", {"job": first.pk, "max_batch_size": 4, "max_batch_time": 0.002},
                       format="json").json()
    Deployment.objects.filter(pk=created["id"]).update(status=Deployment.Status.READY)
    second = make_job(user, tmp_path, seed=6, model=first.model_version.model)

    redeployed = api.post(f"/api/v1/deployments/{created['id']}/redeploy/",
                          {"job": second.pk, "max_batch_time": 0.004}, format="json")

    assert redeployed.status_code == 202, redeployed.content
    assert (redeployed.json()["max_batch_size"], redeployed.json()["max_batch_time"]) == (4, 0.004)


def test_redeploy_takes_only_a_newer_package_of_the_same_model(api, user, tmp_path, sent):
    job = make_job(user, tmp_path, seed=5)
    other_model_job = make_job(user, tmp_path, seed=6)
    deployment = Deployment.objects.create(owner=user, job=job, name="ready-one", status=Deployment.Status.READY)

    refused = api.post(f"/api/v1/deployments/{deployment.pk}/redeploy/", {"job": other_model_job.pk}, format="json")

    assert refused.status_code == 400 and "another model" in refused.json()["errors"]["job"][0]
    assert Deployment.objects.get(pk=deployment.pk).status == Deployment.Status.READY


@pytest.mark.django_db(transaction=True)
def test_a_load_cut_short_by_a_dead_worker_completes_on_redelivery(user, tmp_path, serving):
    job = make_job(user, tmp_path, seed=7)
    # the first delivery claimed the row (loading), then its worker died before loading
    deployment = Deployment.objects.create(owner=user, job=job, name="redelivered", status=Deployment.Status.LOADING)

    deployment_load(deployment_id=deployment.pk)  # the message, delivered again

    assert Deployment.objects.get(pk=deployment.pk).status == Deployment.Status.READY
    assert requests.get(f"{serving.base_url}/v2/models/redelivered/ready", timeout=10).status_code == 200
    deployment_unload(deployment_id=deployment.pk)


def engine_ready(serving, name: str) -> bool:
    return requests.get(f"{serving.base_url}/v2/models/{name}/ready", timeout=10).status_code == 200


def staged_settings(serving, name: str) -> dict:
    return json.loads((serving.models_root / name / repository.MODEL_SETTINGS_FILE).read_text())


def deploy_ready(api, user, tmp_path, *, seed: int, **batching) -> tuple[Job, dict]:
    job = make_job(user, tmp_path, seed=seed)
    created = api.post("/api/v1/deployments/", {"job": job.pk, **batching}, format="json").json()
    deployment_load(deployment_id=created["id"])
    deployment = api.get(f"/api/v1/deployments/{created['id']}/").json()
    assert deployment["status"] == "ready", deployment["message"]
    return job, deployment


def ask_for_update(api, deployment: dict, job: Job, **batching) -> str:
    """Redeploy `job` at `deployment` (accepted, not yet rolled out); returns the deployment's URL."""
    url = f"/api/v1/deployments/{deployment['id']}/"
    assert api.post(f"{url}redeploy/", {"job": job.pk, **batching}, format="json").status_code == 202
    return url


@pytest.mark.django_db(transaction=True)
def test_a_load_the_engine_does_not_finish_in_time_is_unloaded_and_recorded_failed(user, tmp_path, settings,
                                                                                   serving, slow_loads):
    settings.SERVING_LOAD_TIMEOUT_S = 0.5
    slow_loads.held_loads = 1
    job = make_job(user, tmp_path, seed=11)
    deployment = Deployment.objects.create(owner=user, job=job, name="slow-first-load")

    deployment_load(deployment_id=deployment.pk)

    row = Deployment.objects.get(pk=deployment.pk)
    assert row.status == Deployment.Status.FAILED
    assert "did not finish loading the package within 0.5 s" in row.message, row.message
    # the engine finished that load after the worker gave up; it must not serve a failed deployment
    assert not engine_ready(serving, "slow-first-load")
    assert not (serving.models_root / "slow-first-load").exists()


@pytest.mark.django_db(transaction=True)
def test_an_update_the_engine_does_not_finish_in_time_leaves_the_old_package_serving(
        api, user, tmp_path, settings, serving, slow_loads, sent):
    first, deployment = deploy_ready(api, user, tmp_path, seed=12, max_batch_size=4, max_batch_time=0.002)
    second = make_job(user, tmp_path, seed=13, model=first.model_version.model)
    detail_url = ask_for_update(api, deployment, second, max_batch_size=8, max_batch_time=0.004)
    settings.SERVING_LOAD_TIMEOUT_S = 0.5
    slow_loads.held_loads = 1

    deployment_load(deployment_id=deployment["id"])

    after = api.get(detail_url).json()
    assert (after["status"], after["job"], after["target_job"]) == ("ready", first.pk, None)
    # the engine finished loading the new package after the worker gave up; the old one serves all the same
    x = np.random.default_rng(1).normal(size=(2, FEATURES)).astype(np.float32)
    np.testing.assert_allclose(logits(infer(after["endpoint_url"], x)),
                               load_package(first.package_dir).run({"x": x})["logits"], atol=1e-6)
    assert f"Update to job {second.pk} failed" in after["message"] and "gave no answer to its load" in after["message"]
    assert (after["max_batch_size"], after["max_batch_time"]) == (4, 0.002)
    assert staged_settings(serving, deployment["name"])["max_batch_size"] == 4  # what a restart serves
    deployment_unload(deployment_id=deployment["id"])


@pytest.mark.django_db(transaction=True)
def test_a_failed_update_shows_the_batching_the_old_package_is_served_with(api, user, tmp_path, serving, sent):
    first, deployment = deploy_ready(api, user, tmp_path, seed=14, max_batch_size=4, max_batch_time=0.002)
    detail_url = f"/api/v1/deployments/{deployment['id']}/"
    broken = make_job(user, tmp_path, corrupt=True, model=first.model_version.model)
    asked = api.post(f"{detail_url}redeploy/", {"job": broken.pk, "max_batch_size": 8, "max_batch_time": 0.004},
                     format="json").json()
    assert (asked["max_batch_size"], asked["max_batch_time"]) == (8, 0.004)  # while it updates: what it loads

    deployment_load(deployment_id=deployment["id"])

    after = api.get(detail_url).json()
    assert (after["status"], after["job"]) == ("ready", first.pk) and "INVALID_PROTOBUF" in after["message"]
    assert (after["max_batch_size"], after["max_batch_time"]) == (4, 0.002)
    served = staged_settings(serving, deployment["name"])
    assert (served["max_batch_size"], served["max_batch_time"]) == (4, 0.002)
    deployment_unload(deployment_id=deployment["id"])


@pytest.mark.django_db(transaction=True)
def test_a_stop_whose_undeploy_was_lost_can_be_sent_again(api, user, tmp_path, serving, sent):
    _, deployment = deploy_ready(api, user, tmp_path, seed=15)
    detail_url = f"/api/v1/deployments/{deployment['id']}/"
    assert api.delete(detail_url).status_code == 202
    sent.clear()  # the undeploy message was lost (broker down at commit, worker gone)

    again = api.delete(detail_url)

    assert again.status_code == 202 and again.json()["status"] == "stopping"
    assert sent == [(taskqueue.UNDEPLOY_TASK, [deployment["id"]], taskqueue.SERVING_QUEUE)]
    # Both messages may be delivered, and a worker may die after the unload but
    # before the row says so: an unload of a model the engine no longer has ends stopped.
    serving.client.unload(deployment["name"])
    deployment_unload(deployment_id=deployment["id"])
    deployment_unload(deployment_id=deployment["id"])
    assert api.get(detail_url).json()["status"] == "stopped"
    assert not engine_ready(serving, deployment["name"])
    assert not (serving.models_root / deployment["name"]).exists()


@pytest.mark.parametrize("undeploy_runs_before", ["stage_package", "load"])
@pytest.mark.django_db(transaction=True)
def test_a_stop_during_an_update_leaves_nothing_served(api, user, tmp_path, serving, sent, monkeypatch,
                                                       undeploy_runs_before):
    first, deployment = deploy_ready(api, user, tmp_path, seed=16)
    second = make_job(user, tmp_path, seed=17, model=first.model_version.model)
    detail_url = ask_for_update(api, deployment, second)
    # The stop and its undeploy come while the roll-out is under way: before the new
    # package is staged (it then loads as a new model), or before the engine loads it
    # (the load then fails, and the old package's staged copy is put back).
    owner = repository.ServingClient if undeploy_runs_before == "load" else repository
    step = getattr(owner, undeploy_runs_before)

    def stopped_first(*args, **kwargs):
        monkeypatch.setattr(owner, undeploy_runs_before, step)
        assert api.delete(detail_url).status_code == 202
        deployment_unload(deployment_id=deployment["id"])
        return step(*args, **kwargs)

    monkeypatch.setattr(owner, undeploy_runs_before, stopped_first)

    deployment_load(deployment_id=deployment["id"])

    assert api.get(detail_url).json()["status"] == "stopped"
    assert not engine_ready(serving, deployment["name"])
    assert not (serving.models_root / deployment["name"]).exists()  # a restart would serve it again


@pytest.mark.django_db(transaction=True)
def test_a_load_cut_short_by_the_task_time_limit_leaves_nothing_served(user, tmp_path, serving, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    load = repository.ServingClient.load

    def load_then_time_limit(client, name):
        load(client, name)  # the engine goes on with the load; the task is told to stop waiting for it
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(repository.ServingClient, "load", load_then_time_limit)
    job = make_job(user, tmp_path, seed=18)
    deployment = Deployment.objects.create(owner=user, job=job, name="cut-by-time-limit")

    with pytest.raises(SoftTimeLimitExceeded):
        deployment_load(deployment_id=deployment.pk)

    assert Deployment.objects.get(pk=deployment.pk).status == Deployment.Status.FAILED
    assert not engine_ready(serving, "cut-by-time-limit")
    assert not (serving.models_root / "cut-by-time-limit").exists()


@pytest.mark.django_db(transaction=True)
def test_a_package_exported_for_triton_is_deployed_without_the_export(api, user, tmp_path, serving, sent):
    # The Triton repository lies under the package's prefix; it is not part of what the engine serves.
    job = make_job(user, tmp_path, seed=3)
    assert api.post(f"/api/v1/jobs/{job.pk}/exports/triton/", {"name": "beside"}, format="json").status_code == 201
    created = api.post("/api/v1/deployments/", {"job": job.pk}, format="json")
    row = Deployment.objects.get(pk=created.json()["id"])

    deployment_load(deployment_id=row.pk)

    assert api.get(f"/api/v1/deployments/{row.pk}/").json()["status"] == "ready"
    staged = serving.models_root / row.name
    assert (staged / "model.onnx").is_file() and not (staged / "triton").exists()
    deployment_unload(deployment_id=row.pk, force=True)


@pytest.mark.django_db(transaction=True)
def test_a_stop_the_engine_does_not_answer_stays_stopping_until_a_stop_gets_through(api, user, tmp_path, serving,
                                                                                    sent, settings):
    job = make_job(user, tmp_path, seed=4)
    row = Deployment.objects.get(pk=api.post("/api/v1/deployments/", {"job": job.pk}, format="json").json()["id"])
    deployment_load(deployment_id=row.pk)
    ready_url = f"{serving.base_url}/v2/models/{row.name}/ready"
    settings.SERVING_URL = f"http://127.0.0.1:{free_ports(1)[0]}"  # nothing listens: the unload gets no answer

    assert api.delete(f"/api/v1/deployments/{row.pk}/").status_code == 202
    deployment_unload(deployment_id=row.pk)

    row.refresh_from_db()
    assert row.status == "stopping" and "did not unload the model" in row.message
    assert requests.get(ready_url, timeout=10).status_code == 200  # still served: "stopped" would be untrue
    assert not (serving.models_root / row.name).exists()  # an engine restart will not load it again

    settings.SERVING_URL = serving.base_url
    assert api.delete(f"/api/v1/deployments/{row.pk}/").status_code == 202
    deployment_unload(deployment_id=row.pk)
    row.refresh_from_db()
    assert row.status == "stopped"
    assert requests.get(ready_url, timeout=10).status_code != 200


@pytest.mark.django_db(transaction=True)
def test_an_update_while_the_engine_refuses_connections_keeps_the_old_package(api, user, tmp_path, serving, sent,
                                                                               settings):
    # An engine restarting refuses the connection: the load never reached it, so nothing goes on
    # loading there, and the old package's staged copy is what the restarted engine serves.
    first, deployment = deploy_ready(api, user, tmp_path, seed=20)
    second = make_job(user, tmp_path, seed=21, model=first.model_version.model)
    url = ask_for_update(api, deployment, second)
    real = settings.SERVING_URL
    settings.SERVING_URL = f"http://127.0.0.1:{free_ports(1)[0]}"

    deployment_load(deployment_id=deployment["id"])

    settings.SERVING_URL = real
    after = api.get(url).json()
    assert (after["status"], after["job"]) == ("ready", first.pk), after["message"]
    assert f"Update to job {second.pk} failed" in after["message"]
    staged = json.loads((serving.models_root / deployment["name"] / "runtime.json").read_text())
    assert staged == json.loads((first.package_dir / "runtime.json").read_text())
    deployment_unload(deployment_id=deployment["id"])


@pytest.mark.django_db(transaction=True)
def test_an_update_cut_short_by_the_task_time_limit_serves_what_the_row_says(api, user, tmp_path, serving, sent,
                                                                            monkeypatch):
    first, deployment = deploy_ready(api, user, tmp_path, seed=12)
    second = make_job(user, tmp_path, seed=13, model=first.model_version.model)
    url = ask_for_update(api, deployment, second)
    load, calls = repository.ServingClient.load, []

    def load_then_time_limit(client, name):
        load(client, name)
        calls.append(name)
        if len(calls) == 1:  # the new package's load: the engine goes on with it; the task is told to stop
            raise SoftTimeLimitExceeded()

    monkeypatch.setattr(repository.ServingClient, "load", load_then_time_limit)
    with pytest.raises(SoftTimeLimitExceeded):
        deployment_load(deployment_id=deployment["id"])
    monkeypatch.setattr(repository.ServingClient, "load", load)

    after = api.get(url).json()
    assert (after["status"], after["job"]) == ("ready", first.pk), after["message"]
    x = np.random.default_rng(1).normal(size=(2, FEATURES)).astype(np.float32)
    np.testing.assert_allclose(logits(infer(after["endpoint_url"], x)),
                               load_package(first.package_dir).run({"x": x})["logits"], atol=1e-6)
    deployment_unload(deployment_id=deployment["id"])


@pytest.fixture(scope="module")
def engine_with_admin_token(tmp_path_factory):
    running = launch_engine(tmp_path_factory.mktemp("engine-with-token"), {**os.environ, ADMIN_TOKEN_ENV: "right"})
    yield running
    stop_server(running.process)


@pytest.mark.django_db(transaction=True)
def test_a_stop_the_engine_refuses_stays_stopping(api, user, tmp_path, settings, engine_with_admin_token, sent):
    # E.g. SERVING_ADMIN_TOKEN rotated in the engine's Secret and not yet in the worker's.
    settings.SERVING_URL = settings.SERVING_PUBLIC_URL = engine_with_admin_token.base_url
    settings.SERVING_MODEL_ROOT = engine_with_admin_token.models_root
    settings.SERVING_ADMIN_TOKEN = "right"
    job = make_job(user, tmp_path, seed=4)
    row = Deployment.objects.get(pk=api.post("/api/v1/deployments/", {"job": job.pk}, format="json").json()["id"])
    deployment_load(deployment_id=row.pk)
    settings.SERVING_ADMIN_TOKEN = "rotated"

    assert api.delete(f"/api/v1/deployments/{row.pk}/").status_code == 202
    deployment_unload(deployment_id=row.pk)

    row.refresh_from_db()
    assert row.status == "stopping" and "HTTP 401" in row.message
    assert engine_with_admin_token.client.ready(row.name)  # "stopped" would have been untrue
    settings.SERVING_ADMIN_TOKEN = "right"
    deployment_unload(deployment_id=row.pk)
    row.refresh_from_db()
    assert row.status == "stopped" and not engine_with_admin_token.client.ready(row.name)


@pytest.mark.django_db(transaction=True)
def test_a_package_with_files_of_its_own_is_refused_at_deploy_and_at_redeploy_and_says_why(api, user, tmp_path,
                                                                                          serving, sent):
    """A package is only its own files (compiler_core.package_policy): one that carries a folder (here
    a model-settings.json and module, which MLServer's own scan would import) is refused when it is
    staged, and the row says so instead of a bare exception."""
    def with_a_folder_of_its_own(job):
        objectstore.put_stream(f"{job.package_prefix}/x/model-settings.json",
                               io.BytesIO(b'{"name": "x", "implementation": "planted.Model"}'))
        return job

    hostile = with_a_folder_of_its_own(make_job(user, tmp_path, seed=4))
    created = api.post("/api/v1/deployments/", {"job": hostile.pk}, format="json").json()
    deployment_load(deployment_id=created["id"])
    row = Deployment.objects.get(pk=created["id"])
    assert row.status == Deployment.Status.FAILED
    assert row.message.startswith("The package was refused before it was loaded: the package holds 'x'")
    assert not (serving.models_root / row.name).exists()

    good = make_job(user, tmp_path, seed=5, model=hostile.model_version.model)
    created = api.post("/api/v1/deployments/", {"job": good.pk}, format="json").json()
    deployment_load(deployment_id=created["id"])
    hostile_again = with_a_folder_of_its_own(make_job(user, tmp_path, seed=6, model=hostile.model_version.model))
    assert api.post(f"/api/v1/deployments/{created['id']}/redeploy/", {"job": hostile_again.pk},
                    format="json").status_code == 202
    deployment_load(deployment_id=created["id"])
    row = Deployment.objects.get(pk=created["id"])
    assert (row.status, row.job_id) == (Deployment.Status.READY, good.pk)
    assert f"Update to job {hostile_again.pk} failed" in row.message and "the package holds 'x'" in row.message
    assert not (serving.models_root / row.name / "x").exists()
