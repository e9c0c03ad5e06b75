"""A broker that is down or hung delays work but never holds a request, loses a
message, or leaves a row waiting for good: against a real Redis, stopped and hung."""

from __future__ import annotations

import io
import os
import signal
import socket
import time

import pytest
import redis

from deploy.local.processes import free_port, start_redis
from deployments.models import Deployment
from jobs.models import Job
from modelhub.models import ModelVersion
from outbox import services as outbox
from outbox.models import OutboxMessage
from tests.support.models import tiny_mlp
from whetstone import taskqueue

pytestmark = pytest.mark.django_db(transaction=True)

# What a request may take while the broker is away: one bounded broker call, plus the work itself.
ANSWER_WITHIN_S = 2.0


@pytest.fixture
def broker(tmp_path, monkeypatch):
    """A private Redis, and the producer pointed at it."""
    service = start_redis(port=free_port(), data_dir=tmp_path / "redis", log_dir=tmp_path / "logs",
                          env=dict(os.environ))
    monkeypatch.setattr(taskqueue, "_producer", taskqueue.make_producer(service.url))
    monkeypatch.setattr(outbox, "_broker_failed_at", 0.0)
    yield service
    if service.process.poll() is None:
        os.kill(service.process.pid, signal.SIGCONT)
    service.stop()


def queued_messages(url: str, queue: str) -> int:
    client = redis.Redis.from_url(url)
    # kombu's Redis transport keeps one list per priority step: "cpu", "cpu:1", ...
    return sum(client.llen(key) for key in client.scan_iter(match=f"{queue}*") if client.type(key) == b"list")


@pytest.fixture
def model(api, tmp_path):
    content = tiny_mlp(tmp_path / "m.onnx").read_bytes()
    return api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "outage"}, format="multipart").json()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_hung_broker_holds_no_request_and_the_work_goes_when_it_answers(api, model, broker):
    os.kill(broker.process.pid, signal.SIGSTOP)  # accepts connections, answers nothing

    first, first_took = timed(lambda: api.post(f"/api/v1/models/{model['id']}/optimizations/",
                                               {"recipe": "lossless"}, format="json"))
    second, second_took = timed(lambda: api.post(f"/api/v1/models/{model['id']}/optimizations/",
                                                 {"recipe": "lossless"}, format="json"))
    assert first.status_code == second.status_code == 202, first.content
    assert first_took < ANSWER_WITHIN_S
    assert second_took < 0.5, "after one failure the broker is left alone for a while"
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 2
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert waiting.count() == 2
    assert [m.attempts for m in waiting] == [1, 0]  # the first tried once; the second left it to the dispatcher

    # The dispatcher's pass during the hang is bounded too, and sends nothing.
    flushed, flush_took = timed(outbox.outbox_flush)
    assert flushed["sent"] == 0 and flush_took < ANSWER_WITHIN_S

    os.kill(broker.process.pid, signal.SIGCONT)
    assert outbox.outbox_flush() == {"sent": 2, "waiting": 0}
    assert queued_messages(broker.url, "cpu") == 2


def test_with_the_broker_down_deploy_and_delete_answer_and_their_work_waits(api, user, model, broker, tmp_path):
    version = ModelVersion.objects.get(model_id=model["id"], number=1)
    job = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED,
                             package_prefix="packages/1/attempt-1-x")
    port = int(broker.url.rsplit(":", 1)[1].split("/")[0])
    broker.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()

    deployed, deploy_took = timed(lambda: api.post("/api/v1/deployments/", {"job": job.pk}, format="json"))
    assert deployed.status_code == 202, deployed.content
    assert deploy_took < ANSWER_WITHIN_S
    assert Deployment.objects.get().status == Deployment.Status.PENDING
    content = tiny_mlp(tmp_path / "other.onnx").read_bytes()
    other = api.post("/api/v1/models/", {"file": io.BytesIO(content), "name": "doomed"}, format="multipart").json()
    deleted, delete_took = timed(lambda: api.delete(f"/api/v1/models/{other['id']}/"))
    assert deleted.status_code == 204 and delete_took < ANSWER_WITHIN_S
    assert sorted(OutboxMessage.objects.filter(sent_at__isnull=True).values_list("task", flat=True)) == [
        "whetstone.deploy", "whetstone.modelhub.purge"]

    # The broker comes back (a new Redis on the same port, empty): the waiting work goes.
    restarted = start_redis(port=port, data_dir=tmp_path / "redis-again", log_dir=tmp_path / "logs",
                            env=dict(os.environ))
    try:
        assert outbox.outbox_flush() == {"sent": 2, "waiting": 0}
        assert queued_messages(restarted.url, "serving") == 1
    finally:
        restarted.stop()
