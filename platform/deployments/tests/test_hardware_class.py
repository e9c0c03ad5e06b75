"""Deploy serves the package built for the engine's hardware class; another class's answers 409
unless the caller overrides, and the deployment is then marked. The engine's accuracy re-check on
load is recorded in the deployment (against a real engine that declares its own class)."""

from __future__ import annotations

import json
import os

import onnx
import pytest

from compiler_core.hardware import describe_hardware
from deploy.serving.server import stop_server
from deploy.tests.engines import launch_engine
from deploy.tests.tiny_packages import tiny_classifier, write_tiny_package
from deployments.models import Deployment
from deployments.services import deployment_load
from fleet.services import member_heartbeat
from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel
from whetstone import objectstore, taskqueue

pytestmark = pytest.mark.django_db

AVX2, AVX512 = "x86_64-amd-avx2", "x86_64-amd-avx512vnni-bf16"


@pytest.fixture
def sent(monkeypatch) -> list:
    messages = []
    monkeypatch.setattr(taskqueue, "send_on_commit",
                        lambda name, *, args, queue, **options: messages.append((name, args, queue)))
    return messages


def engine_reports(settings, hardware_class):
    member_heartbeat(kind="engine", name=settings.SERVING_URL, hardware={"hardware_class": hardware_class})


def packaged_job(user, tmp_path, *, measured_on: str, version: ModelVersion | None = None, package_seed: int = 0,
                 request_group: str = "", slow: bool = False, claimed: float = 1.0) -> Job:
    """A succeeded job whose package (the tiny classifier of `package_seed`; `slow`: with a branch that
    slows it and changes nothing) was measured on `measured_on`, at a speed-up of `claimed`; its model
    version holds the fp32 original (the tiny classifier of seed 0)."""
    if version is None:
        model = RegisteredModel.objects.create(owner=user, name=f"model-{RegisteredModel.objects.count()}")
        version = ModelVersion.objects.create(model=model, number=1, storage_key=f"models/{model.pk}/v1/model.onnx",
                                              size_bytes=1, sha256="0" * 64)
        original = tmp_path / f"original-{model.pk}.onnx"
        onnx.save(tiny_classifier(0), str(original))
        objectstore.put_stream(version.storage_key, original.open("rb"))
    job = Job.objects.create(owner=user, model_version=version, recipe="auto", status=Job.Status.SUCCEEDED,
                             hardware_class=measured_on, request_group=request_group)
    package = write_tiny_package(tmp_path / f"package-{job.pk}", seed=package_seed, slow_products=20 if slow else 0)
    report = {"hardware_context": {"hardware_class": measured_on}, "accuracy": {"budget": 0.99},
              "overall": {"speedup": claimed, "shape": "batch=4"}, "shapes": [{"label": "batch=4", "shape": {"batch": 4}}]}
    (package / "report.json").write_text(json.dumps(report))
    job.package_prefix, job.report = f"packages/{job.pk}/attempt-1", report
    job.save(update_fields=["package_prefix", "report"])
    objectstore.put_dir(job.package_prefix, package)
    return job


def test_a_package_of_the_engines_class_deploys_as_asked(api, user, tmp_path, settings, sent):
    engine_reports(settings, AVX512)
    job = packaged_job(user, tmp_path, measured_on=AVX512)
    response = api.post("/api/v1/deployments/", {"job": job.pk}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["job"] == job.pk and body["hardware_class"] == AVX512 and body["package_hardware_class"] == AVX512
    assert body["measured_on_other_class"] is False


def test_deploy_picks_the_package_built_for_the_engines_class(api, user, tmp_path, settings, sent):
    engine_reports(settings, AVX2)
    asked = packaged_job(user, tmp_path, measured_on=AVX512, request_group="g1")
    for_engine = packaged_job(user, tmp_path, measured_on=AVX2, version=asked.model_version, request_group="g1")
    packaged_job(user, tmp_path, measured_on=AVX2, version=asked.model_version)  # newer, but of another request
    body = api.post("/api/v1/deployments/", {"job": asked.pk}, format="json").json()
    assert body["job"] == for_engine.pk and body["measured_on_other_class"] is False
    assert f"serving job {for_engine.pk}, built for the engine's class {AVX2}" in body["message"]


def test_a_package_of_another_class_is_refused_with_409_and_the_reason_unless_overridden(
        api, user, tmp_path, settings, sent, other_user):
    engine_reports(settings, AVX2)
    job = packaged_job(user, tmp_path, measured_on=AVX512)
    # Another user's package built for AVX2 is not theirs to pick.
    packaged_job(other_user, tmp_path, measured_on=AVX2, version=job.model_version)
    response = api.post("/api/v1/deployments/", {"job": job.pk}, format="json")
    assert response.status_code == 409
    reason = response.json()["detail"]
    assert f"measured on {AVX512}" in reason and f"the serving engine is {AVX2}" in reason
    assert "allow_other_class" in reason and not Deployment.objects.exists() and sent == []

    response = api.post("/api/v1/deployments/", {"job": job.pk, "allow_other_class": True}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["job"] == job.pk and body["measured_on_other_class"] is True and body["hardware_class"] == AVX2


def test_redeploy_follows_the_same_rule(api, user, tmp_path, settings, sent):
    engine_reports(settings, AVX2)
    served = packaged_job(user, tmp_path, measured_on=AVX2)
    deployment = Deployment.objects.create(owner=user, job=served, name="m-redeploy", status=Deployment.Status.READY)
    newer = packaged_job(user, tmp_path, measured_on=AVX512, version=served.model_version)
    response = api.post(f"/api/v1/deployments/{deployment.pk}/redeploy/", {"job": newer.pk}, format="json")
    # The AVX2 package of the same version and recipe is the one built for the engine: it is what serves.
    assert response.status_code == 202 and response.json()["target_job"] == served.pk
    Deployment.objects.filter(pk=deployment.pk).update(status=Deployment.Status.READY, target_job=None)
    Job.objects.filter(pk=served.pk).update(recipe="lossless")
    response = api.post(f"/api/v1/deployments/{deployment.pk}/redeploy/", {"job": newer.pk}, format="json")
    assert response.status_code == 409


def declared_baseline() -> str:
    from compiler_core.hardware import normalise_architecture, normalise_vendor

    hardware = describe_hardware()
    return f"{normalise_architecture(hardware['architecture'])}-{normalise_vendor(hardware['vendor'])}-baseline"


@pytest.fixture(scope="module")
def engine_declaring_baseline(tmp_path_factory):
    """A real engine declaring the lowest class of this machine's architecture and vendor: one every
    host can serve, and never the class the packages below were measured on."""
    declared = declared_baseline()
    env = {**os.environ, "WHETSTONE_HARDWARE_CLASS": declared}
    running = launch_engine(tmp_path_factory.mktemp("engine"), env=env)
    yield running, declared
    stop_server(running.process)


@pytest.fixture
def serving(settings, engine_declaring_baseline):
    engine, declared = engine_declaring_baseline
    settings.SERVING_URL = settings.SERVING_PUBLIC_URL = engine.base_url
    settings.SERVING_MODEL_ROOT = engine.models_root
    settings.SERVING_ADMIN_TOKEN = engine.admin_token or ""
    return declared


def test_the_engine_rechecks_accuracy_on_load_and_the_deployment_records_it(api, user, tmp_path, serving, sent):
    declared = serving
    measured_on = "x86_64-intel-amx" if not declared.startswith("x86_64-intel") else "x86_64-amd-avx2"
    holds = packaged_job(user, tmp_path, measured_on=measured_on)
    body = api.post("/api/v1/deployments/", {"job": holds.pk, "allow_other_class": True}, format="json").json()
    deployment_load(deployment_id=body["id"])
    deployment = Deployment.objects.get(pk=body["id"])
    assert deployment.status == Deployment.Status.READY, deployment.message
    assert deployment.hardware_class == declared and deployment.measured_on_other_class
    verdict = deployment.accuracy_on_engine
    assert verdict["checked"] and verdict["passes"] and verdict["hardware_class"] == declared
    assert verdict["measured_on"] == measured_on
    speed = deployment.speed_on_engine
    assert speed["checked"] and speed["hardware_class"] == declared and speed["claimed_speedup"] == 1.0
    assert speed["slower_than_original"] is False, speed  # the package is the original's graph, at 1 thread
    assert deployment.message == ""  # a load that worked says nothing more; the fields above say it all

    # A package that does not answer like its original (another classifier's weights) is refused there.
    misses = packaged_job(user, tmp_path, measured_on=measured_on, version=holds.model_version, package_seed=7)
    body = api.post("/api/v1/deployments/", {"job": misses.pk, "allow_other_class": True}, format="json").json()
    deployment_load(deployment_id=body["id"])
    deployment = Deployment.objects.get(pk=body["id"])
    assert deployment.status == Deployment.Status.FAILED
    assert "misses its accuracy budget against the fp32 original" in deployment.message
    assert deployment.accuracy_on_engine["passes"] is False


def test_a_package_slower_on_the_engine_than_its_original_is_served_with_a_warning(api, user, tmp_path, serving, sent):
    """Its report claimed 1.8x where it was measured; on this engine it runs hundreds of times slower
    than the original it replaces. It holds its accuracy, so it serves; the deployment says so and
    what to do, and the API gives the engine's figures beside the report's."""
    declared = serving
    job = packaged_job(user, tmp_path, measured_on=declared, slow=True, claimed=1.8)
    body = api.post("/api/v1/deployments/", {"job": job.pk}, format="json").json()
    deployment_load(deployment_id=body["id"])
    state = api.get(f"/api/v1/deployments/{body['id']}/").json()
    assert state["status"] == "ready" and state["accuracy_on_engine"]["passes"] is True
    speed = state["speed_on_engine"]
    assert speed["slower_than_original"] is True and speed["speedup"] < 0.5, speed
    assert speed["claimed_speedup"] == 1.8 and speed["measured_on"] == declared
    assert f"On this engine ({declared}" in state["message"]
    assert "slower than the model it replaces; its report's 1.80x was measured on" in state["message"]
    assert "Optimize the model on a worker of this engine's class and generation" in state["message"]


def test_a_new_engine_process_checks_again_and_the_deployment_takes_its_verdicts(api, user, tmp_path, settings,
                                                                                 sent):
    """A serving pod moved to another node (here: the same machine, declaring another class) loads its
    models again and checks them there; the traffic sampler notices the new process, and the
    deployment shows what the new machine found. A new process that could time only single runs
    leaves the full measurement made on that machine."""
    import time

    import requests

    from deployments.services import deployment_traffic_sample

    baseline_class = declared_baseline()
    own = describe_hardware()["hardware_class"]
    root = tmp_path / "engine"

    def start(**env):
        running = launch_engine(root, env={**os.environ, **env})
        settings.SERVING_URL = settings.SERVING_PUBLIC_URL = running.base_url
        settings.SERVING_MODEL_ROOT = running.models_root
        settings.SERVING_ADMIN_TOKEN = running.admin_token or ""
        settings.SERVING_METRICS_URL = running.metrics_url
        return running

    def restart(running, **env):
        stop_server(running.process)
        running = start(**env)
        deadline = time.monotonic() + 60

        def settled() -> bool:
            # Its start-up loads done (the model loaded, or refused: unavailable, or gone from the
            # index), and its metrics page up, which the sampler reads.
            states = {m["name"]: m.get("state") for m in running.client.index()}
            if not (running.client.all_ready() and states.get(name) in ("READY", "UNAVAILABLE", None)):
                return False
            try:
                return requests.get(running.metrics_url, timeout=5).status_code == 200
            except requests.RequestException:
                return False

        while not settled():
            assert time.monotonic() < deadline, f"the engine did not settle:\n{running.log()}"
            time.sleep(0.2)
        return running

    engine = start(WHETSTONE_HARDWARE_CLASS=baseline_class)
    try:
        job = packaged_job(user, tmp_path, measured_on=baseline_class, slow=True, claimed=1.8)
        body = api.post("/api/v1/deployments/", {"job": job.pk}, format="json").json()
        name = body["name"]
        deployment_load(deployment_id=body["id"])
        assert deployment_traffic_sample()["rechecked"] == 1  # read once more, to learn which process checked
        assert deployment_traffic_sample()["rechecked"] == 0
        assert Deployment.objects.get(pk=body["id"]).speed_on_engine["hardware_class"] == baseline_class

        engine = restart(engine)  # its own class now
        assert deployment_traffic_sample()["rechecked"] == 1
        row = Deployment.objects.get(pk=body["id"])
        assert row.accuracy_on_engine["hardware_class"] == own and row.accuracy_on_engine["passes"] is True
        assert row.speed_on_engine["hardware_class"] == own and row.speed_on_engine["slower_than_original"] is True
        # The engine's class is the row's again, and the package was measured on another, unasked.
        assert row.hardware_class == own and row.measured_on_other_class is True
        assert row.message.startswith(f"The serving engine is now {own}, and this package was measured on "
                                      f"{baseline_class}")
        assert f"redeploy a package optimized for {own}. On this engine ({own}" in row.message  # both said
        assert deployment_traffic_sample()["rechecked"] == 0  # once per process

        # Too little time for the full measurement: single runs (or none), which do not replace it here.
        engine = restart(engine, WHETSTONE_SPEED_ON_LOAD_MAX_S="0.3")
        lesser = engine.client.metadata(name)["parameters"]["speed_on_engine"]
        assert lesser.get("coarse") is True or lesser["checked"] is False, lesser
        assert deployment_traffic_sample()["rechecked"] == 1  # its accuracy verdict
        row = Deployment.objects.get(pk=body["id"])
        assert row.speed_on_engine["hardware_class"] == own and row.speed_on_engine["rounds"] >= 5
        assert "coarse" not in row.speed_on_engine

        # A new process that does not load the package (here: its model file broke) is said. The status
        # stays: an engine started on another model folder would answer so for every deployment.
        staged_model = settings.SERVING_MODEL_ROOT / name / "model.onnx"
        good = staged_model.read_bytes()
        staged_model.write_bytes(good[:37])
        engine = restart(engine)
        assert engine.process.poll() is None  # the platform's engine stays up with nothing loaded
        assert deployment_traffic_sample()["rechecked"] == 1
        row = Deployment.objects.get(pk=body["id"])
        assert row.status == Deployment.Status.READY
        assert row.message.startswith("The serving engine restarted and has not loaded this deployment's package: "
                                      f"it refused it there: model '{name}' could not be loaded: ")
        assert "INVALID_PROTOBUF" in row.message  # the engine's own words, not only its log's
        assert deployment_traffic_sample()["rechecked"] == 0  # said once per process

        # Loaded again by the next process: the note goes, and what holds is said again.
        staged_model.write_bytes(good)
        engine = restart(engine)
        assert deployment_traffic_sample()["rechecked"] == 1
        row = Deployment.objects.get(pk=body["id"])
        assert row.message.startswith(f"The serving engine is now {own}") and "has not loaded" not in row.message
    finally:
        stop_server(engine.process)


def test_the_load_refuses_another_class_it_learns_of_only_then(api, user, tmp_path, serving, sent):
    declared = serving
    job = packaged_job(user, tmp_path, measured_on="x86_64-intel-amx" if "intel" not in declared else AVX2)
    body = api.post("/api/v1/deployments/", {"job": job.pk}, format="json").json()  # the engine had not reported
    assert body["status"] == "pending" and body["hardware_class"] == ""
    deployment_load(deployment_id=body["id"])
    deployment = Deployment.objects.get(pk=body["id"])
    assert deployment.status == Deployment.Status.FAILED and f"the serving engine is {declared}" in deployment.message


def test_the_original_and_the_jobs_calibration_data_are_staged_for_the_engines_check(user, tmp_path):
    import io

    import numpy as np

    from deployments.services import stage_reference

    job = packaged_job(user, tmp_path, measured_on=AVX2)
    buffer = io.BytesIO()
    np.savez(buffer, x=np.zeros((2, 4), np.float32))
    buffer.seek(0)
    objectstore.put_stream(f"models/{job.model_version.model_id}/calibration/job-{job.pk}/batch-000.npz", buffer)
    job.options = {"calibration_prefix": f"models/{job.model_version.model_id}/calibration/job-{job.pk}",
                   "calibration_source": "model version examples"}
    package = tmp_path / "staged"
    (package / "reference" / "inputs").mkdir(parents=True)  # what a package must not bring along
    (package / "reference" / "inputs" / "chosen-by-the-package.npz").write_bytes(b"x")
    (package / "reference" / "reference.json").write_text(json.dumps({"model": "forged.onnx"}))
    stage_reference(job, package)
    assert not (package / "reference" / "inputs" / "chosen-by-the-package.npz").exists()
    described = json.loads((package / "reference" / "reference.json").read_text())
    assert (package / "reference" / described["model"]).is_file()
    assert onnx.load(str(package / "reference" / described["model"])).graph.name == "tiny_classifier"
    assert (package / "reference" / "inputs" / "batch-000.npz").is_file()
    assert described["inputs"] == "the job's calibration data (model version examples)"
    # A reference that is a file, not a folder, is replaced as well: left, it made the staging fail and
    # both checks say "nothing staged".
    as_file = tmp_path / "as-file"
    as_file.mkdir()
    (as_file / "reference").write_text("not a folder")
    stage_reference(job, as_file)
    assert (as_file / "reference" / "reference.json").is_file()
    # A model that is not ONNX has no original the engine could run: nothing is staged.
    job.model_version.format = "torchscript"
    other = tmp_path / "other"
    (other / "reference").mkdir(parents=True)
    (other / "reference" / "reference.json").write_text(json.dumps({"model": "forged.onnx"}))
    stage_reference(job, other)
    assert not (other / "reference").exists()


def test_the_cli_follows_the_package_the_server_chose_and_passes_the_override(tmp_path, monkeypatch, capsys):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from whetstone_cli.main import main

    sent = []
    answers = {("POST", "/api/v1/deployments/"): (202, {"id": 5, "job": 9, "status": "pending", "message":
                                                        "Job 7 was measured on A; serving job 9, built for B."}),
               ("GET", "/api/v1/deployments/5/"): (200, {"id": 5, "job": 9, "status": "ready", "message": ""})}

    class Recorded(BaseHTTPRequestHandler):
        def _answer(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if body:
                sent.append(json.loads(body))
            status, answer = answers[(self.command, self.path)]
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("WHETSTONE_CONFIG", str(tmp_path / "config.json"))
        monkeypatch.setenv("WHETSTONE_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("WHETSTONE_TOKEN", "wst_test")
        assert main(["deploy", "7", "--wait", "--poll", "0.05"]) == 0
        assert "serving job 9 instead of 7" in capsys.readouterr().err
        assert "allow_other_class" not in sent[0]
        assert main(["deploy", "7", "--allow-other-class"]) == 0
        assert sent[-1]["allow_other_class"] is True

        # Served, but slower on the engine than its original (the message and verdict as
        # test_a_package_slower_on_the_engine_than_its_original_is_served_with_a_warning has the
        # platform write them): exit 1, a missed threshold, not 2, a failure.
        slower = "On this engine (B) the package runs 0.40x the speed of its fp32 original (noise ±2%): slower ..."
        answers[("GET", "/api/v1/deployments/5/")] = (200, {"id": 5, "job": 9, "status": "ready", "message": slower,
                                                            "speed_on_engine": {"slower_than_original": True}})
        capsys.readouterr()
        assert main(["deploy", "7", "--wait", "--poll", "0.05"]) == 1
        assert f"deployment 5 ready on job 9, but {slower}" in capsys.readouterr().err
        # A refused update that leaves the same job serving is still a failure, whatever its speed.
        refused = "Update to job 9 refused, still serving job 9: the engine could not load the package"
        answers[("GET", "/api/v1/deployments/5/")] = (200, {"id": 5, "job": 9, "status": "ready", "message": refused,
                                                            "speed_on_engine": {"slower_than_original": True}})
        assert main(["deploy", "7", "--wait", "--poll", "0.05"]) == 2
    finally:
        server.shutdown()
        server.server_close()
