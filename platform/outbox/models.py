from django.db import models


class OutboxMessage(models.Model):
    """A task message a worker must get, committed in the same transaction as the row it is about.

    The request that wrote it answers at once; the message is sent right after the commit when the
    broker answers promptly, and otherwise by the dispatcher (`manage.py reap_jobs`) once it does.
    Delivery is at least once: every task is idempotent on its row."""

    task = models.CharField(max_length=100)
    args = models.JSONField(default=list)
    queue = models.CharField(max_length=50)
    priority = models.PositiveSmallIntegerField(default=0)
    options = models.JSONField(default=dict, blank=True, help_text="countdown, soft_time_limit, time_limit")
    key = models.CharField(max_length=100, blank=True, default="", db_index=True,
                           help_text="While a message with this key waits, another with the same key is not added.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["sent_at", "id"])]

    def __str__(self) -> str:
        return f"{self.task}{self.args} → {self.queue} ({'sent' if self.sent_at else 'waiting'})"
