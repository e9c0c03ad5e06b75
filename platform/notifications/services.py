"""Webhooks: signed job-end notifications, retried with backoff, with a visible history."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import requests
from django.db import IntegrityError, transaction
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
    """POST the delivery once. Returns the seconds to wait before the next
    attempt, or None when it is done (delivered, or out of attempts)."""
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return None
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
        "X-Whetstone-Event": delivery.event,
        "X-Whetstone-Delivery": str(delivery.pk),
    }
    delivery.attempts += 1
    refused = False
    try:
        # Checked again here, against the addresses actually dialled: the name may point
        # elsewhere now than when the webhook was added. No redirect is followed.
        response = outbound.post(delivery.webhook.url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT_S)
        response.close()  # the answer's body is never read: it is the receiver's, not the sender's
        delivery.response_status = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.error = "" if ok else _status_reason(response.status_code)
    except outbound.OutboundRefused as exc:
        ok, refused, delivery.error = False, True, str(exc)[:500]
    except requests.RequestException as exc:
        ok, delivery.error = False, _failure_reason(exc)
    if ok:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, timezone.now()
    elif refused or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    delivery.save()
    if delivery.status == WebhookDelivery.Status.PENDING:
        return float(2 ** delivery.attempts)
    return None


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
