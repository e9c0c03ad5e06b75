"""Job-end webhooks over the real stack: signed, retried with backoff, with a history."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from tests.support.api import poll, register_model, start_job, wait_for_job
from tests.support.models import tiny_mlp
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.e2e


def test_job_end_is_announced_signed_and_retried_until_delivered(stack, tmp_path):
    receiver = Receiver(fail_first=2)
    try:
        api = stack.create_user("hooked", "hooked-password")
        hook = api.post(f"{stack.web_url}/api/v1/webhooks/", json={"url": receiver.url}, timeout=10)
        assert hook.status_code == 201, hook.text
        hook = hook.json()

        model = register_model(api, stack.web_url, tiny_mlp(tmp_path / "m.onnx"), "hooked")
        job = wait_for_job(api, stack.web_url, start_job(api, stack.web_url, model["id"])["id"])
        assert job["status"] == "succeeded"

        deliveries_url = f"{stack.web_url}/api/v1/webhooks/{hook['id']}/deliveries/"
        history = poll(api, deliveries_url, timeout=60,
                       until=lambda page: page["results"] and page["results"][0]["status"] != "pending")
        delivery = history["results"][0]
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3
        assert [status for _, _, status in receiver.calls] == [500, 500, 204]

        headers, body, _ = receiver.calls[-1]
        expected = "sha256=" + hmac.new(hook["secret"].encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Whetstone-Signature"] == expected
        payload = json.loads(body)
        assert payload["event"] == "job.finished"
        assert payload["job"]["id"] == job["id"] and payload["job"]["status"] == "succeeded"
        assert payload["job"]["speedup"] == job["report"]["overall"]["speedup"]

        # the secret is shown once, at creation
        assert "secret" not in api.get(f"{stack.web_url}/api/v1/webhooks/{hook['id']}/", timeout=10).json()
        # another user sees neither the webhook nor its history
        other = stack.create_user("nosy", "nosy-password")
        assert other.get(deliveries_url, timeout=10).status_code == 404
    finally:
        receiver.close()


def test_a_delivery_whose_message_was_lost_is_sent_once_and_copies_of_its_message_post_nothing(stack, tmp_path):
    """A Redis killed before it wrote a message down leaves the delivery's row and no message: the
    reaper sends it again. A broker that redelivers, or a late original beside the reaper's copy,
    sends a message twice: the receiver still hears of the delivery once."""
    from celery import Celery

    from deploy.local.processes import manage

    receiver = Receiver()
    try:
        api = stack.create_user("lost-message", "lost-message-password")
        hook = api.post(f"{stack.web_url}/api/v1/webhooks/", json={"url": receiver.url}, timeout=10).json()
        model = register_model(api, stack.web_url, tiny_mlp(tmp_path / "m.onnx"), "lost-message")
        wait_for_job(api, stack.web_url, start_job(api, stack.web_url, model["id"])["id"])
        deliveries_url = f"{stack.web_url}/api/v1/webhooks/{hook['id']}/deliveries/"
        announced = poll(api, deliveries_url, timeout=60,
                         until=lambda page: page["results"] and page["results"][0]["status"] == "delivered")
        first = announced["results"][0]

        # The row alone, written the way webhook_enqueue_for_job writes it, with no message at all.
        manage(["shell", "-c",
                "from notifications.models import WebhookDelivery as D; "
                f"d = D.objects.get(pk={first['id']}); "
                "D.objects.create(webhook_id=d.webhook_id, job_id=d.job_id, event='job.lost', payload=d.payload)"],
               env=stack.env)
        history = poll(api, deliveries_url, timeout=120, interval=0.5,
                       until=lambda page: len(page["results"]) == 2 and page["results"][0]["status"] == "delivered")
        lost = history["results"][0]
        assert lost["event"] == "job.lost" and lost["attempts"] == 1

        producer = Celery(broker=stack.env["REDIS_URL"])
        for delivery in (first, lost, first, lost):
            producer.send_task("whetstone.deliver_webhook", args=[delivery["id"]], queue="events")
        time.sleep(3)
        heard = [headers["X-Whetstone-Delivery"] for headers, _, _ in receiver.calls]
        assert sorted(heard) == sorted([str(first["id"]), str(lost["id"])]), heard
        after = api.get(deliveries_url, timeout=10).json()["results"]
        assert [(d["status"], d["attempts"]) for d in after] == [("delivered", 1), ("delivered", 1)]
    finally:
        receiver.close()
