"""A delivery's message can be lost (Redis killed before it wrote the message down, or dropped with
the connection of the worker that had reserved it) and can arrive twice (the broker's redelivery,
the reaper's resend). Neither may leave a delivery pending for good or POST it twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import WebhookDelivery
from notifications.services import CLAIM_S, webhook_deliver, webhook_reap
from notifications.tests.test_outbound_targets import Receiver, delivery_to
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    server = Receiver(status=204)
    yield server
    server.close()


def resent(delivery) -> int:
    return OutboxMessage.objects.filter(key=f"webhook:{delivery.pk}").count()


def test_a_delivery_whose_message_never_came_is_sent_again_once_overdue_then_less_and_less_often(user, settings):
    settings.WHETSTONE_LOST_MESSAGE_GRACE_S = 10
    delivery = delivery_to(user, "https://ci.example.com/hook")  # its message went nowhere
    due = delivery.next_attempt_at

    assert webhook_reap(now=due + timedelta(seconds=9)) == 0  # not overdue yet: it may be on its way
    assert webhook_reap(now=due + timedelta(seconds=11)) == 1
    assert resent(delivery) == 1
    # The copy may be late too: the next one waits twice as long, and so on.
    assert webhook_reap(now=due + timedelta(seconds=29)) == 0
    assert webhook_reap(now=due + timedelta(seconds=31)) == 1
    assert webhook_reap(now=due + timedelta(seconds=69)) == 0
    assert webhook_reap(now=due + timedelta(seconds=71)) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.redispatches) == ("pending", 0, 3)


def test_two_copies_of_a_message_post_once(user, receiver):
    delivery = delivery_to(user, f"http://127.0.0.1:{receiver.port}/hook")
    assert webhook_deliver(delivery_id=delivery.pk) is None
    assert webhook_deliver(delivery_id=delivery.pk) is None  # the copy: delivered already
    assert receiver.requests == ["/hook"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert webhook_reap(now=timezone.now() + timedelta(hours=1)) == 0


def test_a_copy_that_comes_while_an_attempt_holds_the_delivery_does_nothing(user, receiver):
    delivery = delivery_to(user, f"http://127.0.0.1:{receiver.port}/hook")
    held_until = timezone.now() + timedelta(seconds=CLAIM_S)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=held_until, attempts=1)

    assert webhook_deliver(delivery_id=delivery.pk) is None
    assert receiver.requests == []
    # Nor is it sent again while held: the attempt may still be answered.
    assert webhook_reap(now=held_until - timedelta(seconds=1)) == 0


def test_an_attempt_whose_worker_died_counts_and_its_delivery_is_sent_again_when_its_hold_runs_out(user, receiver):
    delivery = delivery_to(user, f"http://127.0.0.1:{receiver.port}/hook")
    held_until = timezone.now() + timedelta(seconds=CLAIM_S)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=held_until, attempts=1)

    assert webhook_reap(now=held_until + timedelta(seconds=1)) == 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert webhook_deliver(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, receiver.requests) == ("delivered", 2, ["/hook"])


def test_a_copy_that_comes_before_its_attempt_is_due_does_nothing(user, settings):
    settings.WHETSTONE_OUTBOUND_ALLOWLIST = ["127.0.0.1/32"]
    failing = Receiver(status=503)
    try:
        delivery = delivery_to(user, f"http://127.0.0.1:{failing.port}/hook")
        assert webhook_deliver(delivery_id=delivery.pk) == 2.0  # the retry is due in 2 s
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() + timedelta(seconds=30))  # a longer backoff, as later attempts have
        assert webhook_deliver(delivery_id=delivery.pk) is None  # a copy of the first message
        assert failing.requests == ["/hook"]
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.claimed_until) == ("pending", 1, None)
    finally:
        failing.close()


class _Answer:
    def __init__(self, status_code: int):
        self.status_code = status_code

    def close(self):
        pass


def test_an_attempt_that_overran_its_claim_records_nothing_over_the_attempt_that_took_it(user, monkeypatch):
    """Attempt A hangs past its claim; B takes the delivery and delivers it; then A's 503 comes
    back. A may not write 'pending' over B's 'delivered' nor schedule a third POST. (The POST is
    faked so the two attempts can interleave on one connection; the real one is tested above.)"""
    from notifications import services

    delivery = delivery_to(user, "https://ci.example.com/hook")
    posts = []

    def post(url, **kwargs):
        posts.append(url)
        if len(posts) == 1:  # attempt A: its claim runs out while it waits, and B runs meanwhile
            WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
            assert webhook_deliver(delivery_id=delivery.pk) is None  # B: delivered
            return _Answer(503)
        return _Answer(204)

    monkeypatch.setattr(services.outbound, "post", post)
    assert webhook_deliver(delivery_id=delivery.pk) is None  # A: nothing recorded, nothing scheduled
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status, len(posts)) == ("delivered", 2, 204, 2)


def test_an_attempt_that_does_not_finish_in_time_counts_as_unanswered(user, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from notifications import services

    def trickling(url, **kwargs):
        raise SoftTimeLimitExceeded()  # what the task's soft time limit raises in a receiver that trickles

    monkeypatch.setattr(services.outbound, "post", trickling)
    delivery = delivery_to(user, "https://ci.example.com/hook")
    assert webhook_deliver(delivery_id=delivery.pk) == 2.0
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "No whole answer within" in delivery.error
    assert delivery.claimed_until is None


def test_a_last_attempt_whose_worker_died_fails_the_delivery_and_none_is_sent_again(user):
    from notifications.services import MAX_ATTEMPTS

    delivery = delivery_to(user, "https://ci.example.com/hook")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=MAX_ATTEMPTS, claimed_until=timezone.now() - timedelta(seconds=1), claim_token="gone")
    assert webhook_reap(now=timezone.now() + timedelta(hours=1)) == 0
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "did not finish" in delivery.error
    assert webhook_deliver(delivery_id=delivery.pk) is None  # a late copy


def test_the_task_ends_an_attempt_before_its_claim_runs_out():
    from notifications.services import ATTEMPT_LIMIT_S, CLAIM_S
    from optimizer_worker.tasks import deliver_webhook

    assert deliver_webhook.soft_time_limit == ATTEMPT_LIMIT_S
    assert deliver_webhook.soft_time_limit < deliver_webhook.time_limit < CLAIM_S


def test_deliveries_stranded_before_lost_messages_were_sent_again_are_failed_not_sent_now(user):
    import importlib

    from django.apps import apps

    from notifications.models import Webhook

    old = delivery_to(user, "https://ci.example.com/hook")
    other = Webhook.objects.create(owner=user, url="https://b.example/", secret="s")
    recent = WebhookDelivery.objects.create(webhook=other, job=old.job, payload={"event": "job.finished"})
    WebhookDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    importlib.import_module("notifications.migrations.0003_delivery_claims_and_due_times").fail_stale_deliveries(
        apps, None)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == "failed" and "lost" in old.error and recent.status == "pending"
