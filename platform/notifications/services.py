"""Webhooks: signed job-end notifications, retried with backoff, with a visible history."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from datetime import timedelta

import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from urllib3.exceptions import NameResolutionError, NewConnectionError

from accounts.models import Team
from modelhub.models import Visibility
from whetstone import outbound, taskqueue

from .models import Webhook, WebhookDelivery

DELIVER_TASK = "whetstone.deliver_webhook"
EVENTS_QUEUE = "events"
DELIVERY_TIMEOUT_S = 10
MAX_ATTEMPTS = 6  # backoff 2, 4, 8, 16, 32 s between them
SIGNATURE_HEADER = "X-Whetstone-Signature"
# How long one attempt may take in all (the POST's timeout is per connect and per read, so a
# receiver that trickles its answer could hold it longer): the task's soft time limit
# (optimizer_worker/tasks.py), which ends it as an unanswered attempt.
ATTEMPT_LIMIT_S = DELIVERY_TIMEOUT_S + 5
# An attempt holds its delivery past the task's hard time limit, so the claim outlives the attempt.
CLAIM_S = ATTEMPT_LIMIT_S + 15
# A message that reaches a worker more than this before its attempt is due is a copy of one that was
# already acted on (the clocks of the machines that wrote and read the time may differ this much).
EARLY_TOLERANCE_S = 2.0

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The webhook cannot be added; the message says which rule its URL broke."""

    def __init__(self, message: str, *, field: str = "url"):
        super().__init__(message)
        self.field = field


def webhook_create(*, owner, url: str, team=None) -> Webhook:
    try:
        outbound.check_url(url)
    except outbound.OutboundRefused as exc:
        raise WebhookRejected(str(exc)) from exc
    except outbound.HostUnresolvable:
        # Nothing is known about where it points yet (a name not published, or DNS down);
        # every delivery checks the addresses it dials, so accepting it opens nothing.
        pass
    return Webhook.objects.create(owner=owner, url=url, team=team, secret=secrets.token_urlsafe(32))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def job_payload(job) -> dict:
    report = job.report or {}
    return {
        "event": "job.finished",
        "job": {
            "id": job.pk, "status": job.status, "recipe": job.recipe, "model": job.model_version.model_id,
            "model_version": job.model_version.number, "error": (job.error or "").split("\n")[0],
            "speedup": (report.get("overall") or {}).get("speedup"),
            "accuracy": report.get("accuracy"),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        },
    }


def _hooks_for_job(job) -> list[Webhook]:
    """The webhooks that may hear of `job`: the owner's own, and a team's only
    when the job's model is shared with that team. A team hook carries only what
    the team may see, so a member's private work never reaches it; and only
    accepted members count (Team.members), on both ends: the job's owner, and
    the hook's owner, who stops hearing when they leave the team."""
    hooks = list(Webhook.objects.filter(active=True, owner_id=job.owner_id, team__isnull=True))
    model = job.model_version.model
    if model.visibility == Visibility.TEAM and model.team_id is not None:
        member_ids = set(Team.members.through.objects.filter(team_id=model.team_id).values_list("user_id", flat=True))
        if job.owner_id in member_ids:
            hooks += Webhook.objects.filter(active=True, team_id=model.team_id, owner_id__in=member_ids)
    return hooks


def webhook_enqueue_for_job(*, job) -> int:
    """One delivery per webhook that may hear of the job (_hooks_for_job)."""
    hooks = _hooks_for_job(job)
    payload = job_payload(job)
    created = 0
    for hook in hooks:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(webhook=hook, job=job, payload=payload)
        except IntegrityError:
            continue  # this job's end was already announced to this hook
        created += 1
        taskqueue.send_on_commit(DELIVER_TASK, args=[delivery.pk], queue=EVENTS_QUEUE, key=f"webhook:{delivery.pk}")
    return created


def webhook_retry_later(*, delivery_id: int, countdown: float) -> None:
    taskqueue.send_on_commit(DELIVER_TASK, args=[delivery_id], queue=EVENTS_QUEUE, countdown=countdown,
                             key=f"webhook:{delivery_id}")


def webhook_deliver(*, delivery_id: int) -> float | None:
    """Make the delivery's next attempt: POST it once. Returns the seconds to wait before the next
    attempt, or None when there is none to schedule (delivered, out of attempts, or this message was
    a copy: another attempt holds the delivery, or this one is not due yet).

    A message may arrive twice (the broker's redelivery, the reaper's resend of one presumed lost):
    the claim makes one attempt of each, never two POSTs at once, and only the attempt that holds the
    claim records its answer."""
    token = _claim(delivery_id)
    if token is None:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
        "X-Whetstone-Event": delivery.event,
        "X-Whetstone-Delivery": str(delivery.pk),
    }
    answer = {"response_status": None, "error": ""}
    refused = False
    try:
        # Checked again here, against the addresses actually dialled: the name may point
        # elsewhere now than when the webhook was added. No redirect is followed.
        response = outbound.post(delivery.webhook.url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT_S)
        response.close()  # the answer's body is never read: it is the receiver's, not the sender's
        answer["response_status"] = response.status_code
        ok = 200 <= response.status_code < 300
        answer["error"] = "" if ok else _status_reason(response.status_code)
    except outbound.OutboundRefused as exc:
        ok, refused, answer["error"] = False, True, str(exc)[:500]
    except requests.RequestException as exc:
        ok, answer["error"] = False, _failure_reason(exc)
    except SoftTimeLimitExceeded:
        ok, answer["error"] = False, f"No whole answer within {ATTEMPT_LIMIT_S} s."
    wait = None
    if ok:
        answer.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=Now())
    elif refused or delivery.attempts >= MAX_ATTEMPTS:
        answer.update(status=WebhookDelivery.Status.FAILED)
    else:
        wait = float(2 ** delivery.attempts)
        answer.update(next_attempt_at=Now() + timedelta(seconds=wait))
    recorded = WebhookDelivery.objects.filter(pk=delivery_id, claim_token=token).update(
        **answer, claimed_until=None, claim_token="", redispatches=0)
    return wait if recorded else None  # not recorded: this attempt overran its claim and another took it


def _claim(delivery_id: int) -> str | None:
    """Take the delivery for one attempt, counted now (so an attempt whose worker died counts too):
    only if it is pending, due, has attempts left and no other attempt holds it. Every time here is
    the database's, so machines whose clocks differ still agree on who holds it. Returns the claim's
    token, or None."""
    token = secrets.token_hex(16)
    claimed = WebhookDelivery.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=Now()),
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, attempts__lt=MAX_ATTEMPTS,
        next_attempt_at__lte=Now() + timedelta(seconds=EARLY_TOLERANCE_S),
    ).update(claimed_until=Now() + timedelta(seconds=CLAIM_S), claim_token=token, attempts=F("attempts") + 1)
    return token if claimed else None


def webhook_reap(*, now=None, limit: int = 500) -> int:
    """Send again the message of each delivery whose attempt is overdue and held by no worker: a
    broker can lose a message (Redis killed before it wrote the message down, or with it handed to a
    worker whose connection it dropped), and no delivery may stay pending for good.

    The first resend comes WHETSTONE_LOST_MESSAGE_GRACE_S after the attempt was due, and each further
    one after twice the wait before it: a message that was only late (the events queue behind a busy
    worker) costs a few copies, each of which does nothing (webhook_deliver's claim). Run by the
    reaper process (`manage.py reap_jobs`). Returns the number sent."""
    now = now or timezone.now()
    grace = settings.WHETSTONE_LOST_MESSAGE_GRACE_S
    # A last attempt that never recorded its answer (its worker died) leaves nothing to send again.
    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, attempts__gte=MAX_ATTEMPTS,
                                   claimed_until__lt=now).update(
        status=WebhookDelivery.Status.FAILED, claimed_until=None, claim_token="",
        error="The last attempt did not finish (its worker stopped); no attempts are left.")
    overdue = (WebhookDelivery.objects
               .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), status=WebhookDelivery.Status.PENDING,
                       next_attempt_at__lt=now - timedelta(seconds=grace))
               .order_by("next_attempt_at").values_list("pk", "next_attempt_at", "redispatches")[:limit])
    sent = 0
    for pk, due, redispatches in overdue:
        if (now - due).total_seconds() < grace * (2 ** (redispatches + 1) - 1):
            continue
        with transaction.atomic():
            # Only the pass that counts this resend sends it (one reaper runs, but a second must not double it).
            if WebhookDelivery.objects.filter(pk=pk, redispatches=redispatches,
                                              status=WebhookDelivery.Status.PENDING).update(
                    redispatches=F("redispatches") + 1):
                logger.warning("webhook delivery %s has been due since %s; sending it again", pk,
                               due.isoformat(timespec="seconds"))
                taskqueue.send_on_commit(DELIVER_TASK, args=[pk], queue=EVENTS_QUEUE, key=f"webhook:{pk}")
                sent += 1
    return sent


def _status_reason(status_code: int) -> str:
    """What the history shows of a failed answer: its status only. The body stays unread,
    so a webhook can never be used to read what some server answers the platform."""
    if 300 <= status_code < 400:
        return f"HTTP {status_code}: redirects are not followed; give the final URL."
    return f"HTTP {status_code}"


def _failure_reason(exc: requests.RequestException) -> str:
    """The kind of failure, without the library's text (which can quote what the far end sent)."""
    if isinstance(exc, requests.Timeout):
        return f"Timed out after {DELIVERY_TIMEOUT_S} s."
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error: the certificate could not be verified."
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0] if exc.args else None, "reason", None)
        if isinstance(reason, NameResolutionError):
            return "Could not connect: the host name did not resolve."
        if isinstance(reason, NewConnectionError):
            return "Could not connect: the connection was refused or the host is unreachable."
        return "The connection failed or was closed before an HTTP answer came."
    return f"Delivery failed ({type(exc).__name__})."
