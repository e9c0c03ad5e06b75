"""A job targets a hardware class: routing, the default, "all", and waiting for a worker of its class."""

import pytest

from fleet.services import member_heartbeat
from jobs.models import Job
from jobs.runner import Deferred, run_job
from jobs.services import hardware_class_default, job_reap, waiting_stage
from jobs.tests.test_optimize_api import register
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

AVX2, AVX512 = "x86_64-amd-avx2", "x86_64-amd-avx512vnni-bf16"


def online(kind, name, hardware_class, queues=None):
    if queues is None:
        queues = [f"cpu.{hardware_class}", "cpu", "serving", "events"] if kind == "worker" else []
    member_heartbeat(kind=kind, name=name, hardware={"hardware_class": hardware_class}, queues=queues)


def optimize(api, model_id, **body):
    return api.post(f"/api/v1/models/{model_id}/optimizations/", {"recipe": "lossless", **body}, format="json")


def test_a_named_class_routes_to_its_queue_and_runs_there(api, tmp_path):
    online("worker", "celery@avx512", AVX512)
    response = optimize(api, register(api, tmp_path), hardware_class=AVX512)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["hardware_class"] == AVX512 and body["stage"] == ""
    assert OutboxMessage.objects.get().queue == f"cpu.{AVX512}"


def test_a_job_whose_class_has_no_worker_waits_saying_so_and_goes_on_once_one_comes(api, tmp_path):
    online("worker", "celery@avx2", AVX2)
    response = optimize(api, register(api, tmp_path), hardware_class=AVX512)
    body = response.json()
    assert body["status"] == "queued" and body["stage"] == waiting_stage(AVX512)
    assert "no worker of class x86_64-amd-avx512vnni-bf16 is online" in body["log"][-1]
    # Nothing else takes it: it lies in its own class's queue.
    assert OutboxMessage.objects.get().queue == f"cpu.{AVX512}"
    job_reap()
    assert Job.objects.get().stage == waiting_stage(AVX512)
    online("worker", "celery@avx512", AVX512)
    job_reap()
    assert Job.objects.get().stage == ""


def test_a_worker_of_another_class_hands_the_job_back_instead_of_running_it(api, tmp_path):
    job_id = optimize(api, register(api, tmp_path), hardware_class=AVX512).json()["id"]
    with run_job(job_id, worker="celery@avx2", hardware={"hardware_class": AVX2}) as context:
        assert isinstance(context, Deferred) and AVX512 in context.reason
    assert Job.objects.get().status == Job.Status.QUEUED
    with run_job(job_id, worker="celery@avx512", hardware={"hardware_class": AVX512}) as context:
        assert not isinstance(context, Deferred) and context is not None
        assert Job.objects.get().status == Job.Status.RUNNING


def test_the_default_is_the_serving_engines_class_then_the_setting_then_the_workers(settings, monkeypatch):
    import compiler_core.hardware as hardware

    settings.WHETSTONE_DEFAULT_HARDWARE_CLASS = ""
    monkeypatch.setattr(hardware, "this_hardware_class", lambda: "x86_64-intel-amx")
    assert hardware_class_default() == "x86_64-intel-amx"  # nothing online: the API machine's own
    online("worker", "deploy-agent@node", AVX512, queues=["serving"])
    assert hardware_class_default() == "x86_64-intel-amx"  # a deploy agent runs no job
    online("worker", "celery@avx2", AVX2)
    assert hardware_class_default() == AVX2
    online("worker", "celery@avx512", AVX512)
    assert hardware_class_default() == "x86_64-intel-amx"  # two worker classes, no engine: no guess
    settings.WHETSTONE_DEFAULT_HARDWARE_CLASS = AVX512
    assert hardware_class_default() == AVX512
    online("engine", "http://engine", AVX2)
    assert hardware_class_default() == AVX2  # where it will be served wins


def test_all_fans_out_into_one_job_per_serving_class_under_one_request(api, tmp_path):
    online("engine", "http://a", AVX2)
    online("engine", "http://b", AVX512)
    online("worker", "celery@avx2", AVX2)
    response = optimize(api, register(api, tmp_path), hardware_class="all")
    assert response.status_code == 202, response.content
    body = response.json()
    assert sorted(job["hardware_class"] for job in body["jobs"]) == [AVX2, AVX512]
    assert {job["request_group"] for job in body["jobs"]} == {body["request_group"]}
    assert sorted(OutboxMessage.objects.values_list("queue", flat=True)) == [f"cpu.{AVX2}", f"cpu.{AVX512}"]
    waiting = {job["hardware_class"]: job["stage"] for job in body["jobs"]}
    assert waiting == {AVX2: "", AVX512: waiting_stage(AVX512)}
    listed = api.get("/api/v1/jobs/", {"request_group": body["request_group"]}).json()
    assert listed["count"] == 2


def test_all_with_nothing_online_and_a_wrong_class_are_refused(api, tmp_path):
    model_id = register(api, tmp_path)
    response = optimize(api, model_id, hardware_class="all")
    assert response.status_code == 400 and "none is online" in response.json()["errors"]["hardware_class"][0]
    response = optimize(api, model_id, hardware_class="x86_64-amd-avx3")
    assert response.status_code == 400 and "is not a hardware class" in response.json()["errors"]["hardware_class"][0]
    response = optimize(api, model_id, hardware_class=AVX2, device="gpu")
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_job_waiting_for_its_class_is_not_presumed_lost_but_one_whose_class_is_idle_is(user, settings):
    from django.utils import timezone

    from jobs.services import _presumed_lost_messages
    from jobs.tests.test_lost_messages import queued

    settings.WHETSTONE_LOST_MESSAGE_GRACE_S = 10
    settings.WHETSTONE_IDLE_REDISPATCH_S = 30
    waiting = queued(user, sent_ago=60)
    idle = queued(user, sent_ago=60)
    Job.objects.filter(pk=waiting.pk).update(hardware_class=AVX512)
    Job.objects.filter(pk=idle.pk).update(hardware_class=AVX2)
    online("worker", "celery@avx2", AVX2)
    # A job of another class that started later does not mean the AVX2 queue moved past anything.
    started = queued(user, sent_ago=20, started_ago=10)
    Job.objects.filter(pk=started.pk).update(hardware_class="x86_64-intel-amx")
    lost = {job.pk for job in _presumed_lost_messages(timezone.now())}
    assert idle.pk in lost and waiting.pk not in lost


def test_all_also_covers_the_classes_only_workers_have(api, tmp_path):
    online("engine", "http://a", AVX2)
    online("worker", "celery@avx512", AVX512)
    body = optimize(api, register(api, tmp_path), hardware_class="all").json()
    assert sorted(job["hardware_class"] for job in body["jobs"]) == [AVX2, AVX512]
