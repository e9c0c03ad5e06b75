from django.conf import settings
from django.db import models
from django.utils import timezone


class Webhook(models.Model):
    """A URL that hears about every job of its owner (or of its team) when it ends."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks",
                             help_text="When set, the webhook hears about the jobs of every member of the team.")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80, help_text="Key of the HMAC-SHA256 signature sent with each delivery.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=40, default="job.finished")
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # When the next attempt is due. A message that reaches a worker well before it is a copy of one
    # already acted on, and does nothing; one long overdue was lost, and the reaper sends it again.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Until when an attempt in progress holds the delivery (the database's clock), so that two copies
    # of its message never POST at once; a worker that died mid-attempt leaves a claim that runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which attempt holds it: only that attempt may record its answer (one that overran its claim may not).
    claim_token = models.CharField(max_length=32, blank=True, default="")
    # How often the reaper has sent the current attempt's message again (services.webhook_reap).
    redispatches = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [models.UniqueConstraint(fields=["webhook", "job", "event"], name="one_delivery_per_event")]
