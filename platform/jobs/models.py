from django.conf import settings
from django.db import models


class Job(models.Model):
    """One optimization of one model version. This row is the truth about the job:
    Celery only carries its id."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    FINAL = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    class Recipe(models.TextChoices):
        LOSSLESS = "lossless"
        BF16 = "bf16"
        INT8 = "int8"
        AUTO = "auto"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    model_version = models.ForeignKey("modelhub.ModelVersion", on_delete=models.CASCADE, related_name="jobs")
    recipe = models.CharField(max_length=20, choices=Recipe.choices, default=Recipe.AUTO)
    options = models.JSONField(default=dict, blank=True)
    device = models.CharField(max_length=10, default="cpu")
    hardware_class = models.CharField(
        max_length=80, blank=True, default="", db_index=True,
        help_text="The class of machine the job is optimized for and runs on (compiler_core/hardware.py); "
                  "empty for jobs queued before classes existed.")
    request_group = models.CharField(
        max_length=40, blank=True, default="", db_index=True,
        help_text="Shared by the jobs one request fanned out into, one per hardware class.")
    priority = models.PositiveSmallIntegerField(default=0, help_text="0..9; higher runs sooner (CI may raise it).")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    stage = models.CharField(max_length=120, blank=True, default="")
    progress = models.PositiveSmallIntegerField(default=0)
    log = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    report = models.JSONField(null=True, blank=True)
    package_prefix = models.CharField(max_length=300, blank=True, default="")
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True, default="")
    hardware = models.JSONField(default=dict, blank=True, help_text="The worker's CPU model, ISA flags, GPU.")
    effective_time_budget_s = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="The search's time budget as the worker runs it: the request's time_budget_s, or the model's "
                  "minimum where that is larger; null until the search starts or without a budget.")
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_token = models.CharField(
        max_length=40, blank=True, default="",
        help_text="The current attempt's fence: only the attempt holding it may write to this row.")

    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True, help_text="When its message was last sent.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.recipe}, {self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL
