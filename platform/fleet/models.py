from django.db import models


class FleetMember(models.Model):
    """A worker or a serving engine, and the hardware class it serves, as last reported.

    Workers write their own row every heartbeat interval (optimizer_worker/celery_app.py); the
    serving engine is asked for its class by the reaper and by the worker that loads packages
    into it (fleet/services.py). A member is online while its row is younger than the heartbeat
    timeout: nothing deletes the row of a machine that vanished, it just stops being listed.
    """

    class Kind(models.TextChoices):
        WORKER = "worker"
        ENGINE = "engine"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=255, help_text="The worker's Celery hostname, or the engine's URL.")
    hardware_class = models.CharField(max_length=80, db_index=True)
    hardware = models.JSONField(default=dict, blank=True, help_text="CPU model, vendor, ISA flags, CPUs.")
    queues = models.JSONField(default=list, blank=True, help_text="The queues a worker consumes.")
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="fleet_member_kind_name")]
        ordering = ["hardware_class", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} ({self.hardware_class})"
