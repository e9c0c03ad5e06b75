"""A webhook URL is a user's way to make the server send a request: it must never reach
this machine, a private network or the cloud's metadata service, neither when it is added
nor when a delivery is sent (the name may point elsewhere by then), and the history
never shows what the far end answered."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel
from notifications.models import Webhook, WebhookDelivery
from notifications.services import webhook_deliver

pytestmark = pytest.mark.django_db

PUBLIC_ADDRESS = "93.184.215.14"  # a public (non-reserved) IPv4 address, never dialled in these tests


class Receiver:
    """An HTTP server on loopback that counts what reaches it and answers `status` with a body
    that must never be shown to the webhook's owner."""

    SECRET_BODY = b"internal-only: db_password=hunter2"

    def __init__(self, status: int = 500, headers: dict[str, str] | None = None):
        self.requests: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(self.path)
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(Receiver.SECRET_BODY)))
                self.end_headers()
                self.wfile.write(Receiver.SECRET_BODY)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def dns(monkeypatch):
    """Names this test controls; every other name or literal goes to the real resolver."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host in answers:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (a, port or 0) if ":" not in a else (a, port or 0, 0, 0)) for a in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def add(api, url: str):
    return api.post("/api/v1/webhooks/", {"url": url}, format="json")


def job_of(owner) -> Job:
    model = RegisteredModel.objects.create(owner=owner, name="m", framework="onnx", format="onnx")
    version = ModelVersion.objects.create(model=model, number=1, storage_key="models/x/v1/model.onnx",
                                          size_bytes=1, sha256="0" * 64, signature={"inputs": [], "outputs": []})
    return Job.objects.create(owner=owner, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)


def delivery_to(owner, url: str) -> WebhookDelivery:
    # Saved directly, as a webhook added before this check existed (or while the name was public) would be.
    hook = Webhook.objects.create(owner=owner, url=url, secret="s")
    return WebhookDelivery.objects.create(webhook=hook, job=job_of(owner), payload={"event": "job.finished"})


# --- when the webhook is added -------------------------------------------------------------

@pytest.mark.parametrize("url, rule", [
    ("http://127.0.0.1:8081/v2/repository/index", "loopback"),
    ("http://localhost:8081/", "localhost"),
    ("http://[::1]/hook", "loopback"),
    ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal"),
    ("http://10.0.0.5/hook", "private"),
    ("http://192.168.1.1/hook", "private"),
    ("http://172.16.3.4/hook", "private"),
    ("http://[fd00::1]/hook", "private"),
    ("http://[fe80::1]/hook", "link-local"),
    ("http://100.64.0.1/hook", "carrier-grade NAT"),
    ("http://0.0.0.0:8081/", "unspecified"),
    ("http://224.0.0.1/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://[::ffff:169.254.169.254]/", "metadata"),
    ("ftp://ci.example.com/hook", "http"),
])
def test_internal_targets_are_refused_when_added_naming_the_rule(api, url, rule):
    response = add(api, url)
    assert response.status_code == 400, response.content
    message = " ".join(response.json()["errors"]["url"])
    assert rule.lower() in message.lower(), message
    assert "WHETSTONE_OUTBOUND_ALLOWLIST" in message or rule == "http"
    assert Webhook.objects.count() == 0


def test_a_name_that_resolves_to_a_private_address_is_refused(api, dns):
    dns["hooks.corp.example"] = ["10.1.2.3"]
    response = add(api, "https://hooks.corp.example/x")
    assert response.status_code == 400
    assert "10.1.2.3" in response.json()["detail"] and "private" in response.json()["detail"]


def test_one_private_address_among_public_ones_is_enough_to_refuse(api, dns):
    dns["split.example"] = [PUBLIC_ADDRESS, "127.0.0.1"]
    assert add(api, "https://split.example/x").status_code == 400


def test_a_public_target_is_accepted(api, dns):
    dns["ci.example.org"] = [PUBLIC_ADDRESS]
    response = add(api, "https://ci.example.org/hook")
    assert response.status_code == 201, response.content


def test_the_operator_can_allow_an_internal_network(api, settings, dns):
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["10.1.0.0/16", "hooks.lab"]
    dns["ci.corp.example"] = ["10.1.2.3"]
    assert add(api, "https://ci.corp.example/x").status_code == 201
    assert add(api, "http://hooks.lab/x").status_code == 201
    assert add(api, "http://10.2.0.1/x").status_code == 400  # outside the allowed network


# --- when a delivery is sent ---------------------------------------------------------------

def test_a_name_rebound_to_loopback_after_it_was_added_gets_no_request(api, user, dns, receiver):
    dns["rebind.example"] = [PUBLIC_ADDRESS]
    response = add(api, f"http://rebind.example:{receiver.port}/hook")
    assert response.status_code == 201, response.content
    hook = Webhook.objects.get()
    delivery = WebhookDelivery.objects.create(webhook=hook, job=job_of(user), payload={"event": "job.finished"})

    dns["rebind.example"] = ["127.0.0.1"]  # the attacker's DNS now answers loopback
    assert webhook_deliver(delivery_id=delivery.pk) is None  # refused: final, not retried

    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "loopback" in delivery.error and "127.0.0.1" in delivery.error


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::ffff:127.0.0.1]"])
def test_a_stored_internal_url_is_refused_at_delivery(user, receiver, host):
    delivery = delivery_to(user, f"http://{host}:{receiver.port}/hook")
    webhook_deliver(delivery_id=delivery.pk)
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.response_status is None


def test_a_redirect_to_an_internal_target_is_not_followed(user, settings, dns):
    internal = Receiver(status=204)
    redirector = Receiver(status=302, headers={"Location": f"http://127.0.0.2:{internal.port}/steal"})
    try:
        settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]  # only the redirector is allowed
        delivery = delivery_to(user, f"http://127.0.0.1:{redirector.port}/hook")
        webhook_deliver(delivery_id=delivery.pk)
        assert len(redirector.requests) == 1 and internal.requests == []
        delivery.refresh_from_db()
        assert delivery.response_status == 302 and "redirects are not followed" in delivery.error, delivery.error
    finally:
        internal.close()
        redirector.close()


def test_the_history_shows_the_status_never_the_answer(api, user, settings, receiver):
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    delivery = delivery_to(user, f"http://127.0.0.1:{receiver.port}/hook")
    webhook_deliver(delivery_id=delivery.pk)
    assert receiver.requests == ["/hook"]  # the allowlist let it through

    history = api.get(f"/api/v1/webhooks/{delivery.webhook_id}/deliveries/").json()["results"]
    assert history[0]["response_status"] == 500 and history[0]["error"] == "HTTP 500"
    delivery.refresh_from_db()
    assert history[0]["status"] == "pending" and history[0]["next_attempt_at"] == \
        delivery.next_attempt_at.isoformat().replace("+00:00", "Z")  # when it is tried again
    assert "hunter2" not in str(history)


def test_a_connection_failure_is_named_without_what_the_far_end_sent(user, settings):
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: the connection is refused
        delivery = delivery_to(user, f"http://127.0.0.1:{port}/hook")
        assert webhook_deliver(delivery_id=delivery.pk) == 2.0  # retried later
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.error == "Could not connect: the connection was refused or the host is unreachable."


def test_bodies_recorded_before_this_change_are_forgotten(user):
    import importlib

    from django.apps import apps

    old = delivery_to(user, "https://ci.example.com/hook")
    WebhookDelivery.objects.filter(pk=old.pk).update(error="HTTP 500: internal-only: db_password=hunter2")
    importlib.import_module("notifications.migrations.0002_forget_response_bodies").forget_response_bodies(apps, None)
    old.refresh_from_db()
    assert old.error == "HTTP 500"


def test_a_failed_delivery_is_retried_through_the_outbox_so_a_broker_outage_cannot_drop_it(user, settings, receiver):
    """The retry is a message like any other: committed to the outbox, sent when the broker answers."""
    from optimizer_worker.tasks import deliver_webhook
    from outbox.models import OutboxMessage

    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    delivery = delivery_to(user, f"http://127.0.0.1:{receiver.port}/hook")
    deliver_webhook(delivery.pk)  # the receiver answers 500: another attempt is due
    retry = OutboxMessage.objects.get()
    assert (retry.task, retry.args, retry.queue, retry.options, retry.key) == (
        "whetstone.deliver_webhook", [delivery.pk], "events", {"countdown": 2.0}, f"webhook:{delivery.pk}")
