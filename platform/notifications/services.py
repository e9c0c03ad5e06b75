"""Webhooks: signed job-end notifications, retried with backoff, with a visible history."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import requests
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from whetstone import taskqueue

from .models import Webhook, WebhookDelivery

DELIVER_TASK = "whetstone.deliver_webhook"
EVENTS_QUEUE = "events"
DELIVERY_TIMEOUT_S = 10
MAX_ATTEMPTS = 6  # backoff 2, 4, 8, 16, 32 s between them
SIGNATURE_HEADER = "X-Whetstone-Signature"


def webhook_create(*, owner, url: str, team=None) -> Webhook:
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


def webhook_enqueue_for_job(*, job) -> int:
    """One delivery per active webhook of the job's owner or of a team they are in."""
    hooks = Webhook.objects.filter(active=True).filter(
        Q(owner_id=job.owner_id, team__isnull=True) | Q(team__members=job.owner_id)
    ).distinct()
    payload = job_payload(job)
    created = 0
    for hook in hooks:
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(webhook=hook, job=job, payload=payload)
        except IntegrityError:
            continue  # this job's end was already announced to this hook
        created += 1
        transaction.on_commit(
            lambda delivery_id=delivery.pk: taskqueue.send(DELIVER_TASK, args=[delivery_id], queue=EVENTS_QUEUE)
        )
    return created


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
    try:
        response = requests.post(delivery.webhook.url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT_S)
        delivery.response_status = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.error = "" if ok else f"HTTP {response.status_code}: {response.text[:300]}"
    except requests.RequestException as exc:
        ok, delivery.error = False, f"{type(exc).__name__}: {exc}"[:500]
    if ok:
        delivery.status, delivery.delivered_at = WebhookDelivery.Status.DELIVERED, timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    delivery.save()
    if delivery.status == WebhookDelivery.Status.PENDING:
        return float(2 ** delivery.attempts)
    return None
