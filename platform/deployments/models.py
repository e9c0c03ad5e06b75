from django.conf import settings
from django.db import models


class Deployment(models.Model):
    """An optimized package behind a V2 inference endpoint.

    pending → loading → ready | failed; ready → updating (a newer job's package
    loads while this one keeps answering) → ready; any → stopping → stopped.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        LOADING = "loading"
        READY = "ready"
        UPDATING = "updating"
        FAILED = "failed"
        STOPPING = "stopping"
        STOPPED = "stopped"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deployments")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="deployments",
                            help_text="The job whose package the endpoint serves (or is loading, at first).")
    target_job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   help_text="While updating: the job whose package replaces the served one.")
    name = models.SlugField(max_length=100, unique=True, help_text="The model name in the serving engine.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    message = models.TextField(blank=True, default="")
    access_token_hash = models.CharField(
        max_length=64, blank=True, default="",
        help_text="SHA-256 of the endpoint's access token; empty when the endpoint is open.")
    max_batch_size = models.PositiveIntegerField(default=0, help_text="Adaptive batching: most requests per batch (0: off).")
    max_batch_time = models.FloatField(default=0.0, help_text="Adaptive batching: seconds to wait for a batch to fill.")
    hardware_class = models.CharField(
        max_length=80, blank=True, default="",
        help_text="The serving engine's hardware class when the package was loaded (empty until it reported one).")
    allow_other_class = models.BooleanField(
        default=False, help_text="The caller accepted a package measured on another class than the engine's.")
    measured_on_other_class = models.BooleanField(
        default=False, help_text="The served package was measured on another class than the engine's: its report's "
                                 "speed-up and accuracy describe another machine.")
    accuracy_on_engine = models.JSONField(
        null=True, blank=True, help_text="The engine's re-check of the package's accuracy on its own hardware.")
    speed_on_engine = models.JSONField(
        null=True, blank=True, help_text="The engine's timing of the package against its fp32 original on its own "
                                         "hardware, when it loaded it.")
    verdicts_engine_started_at = models.FloatField(
        null=True, blank=True, help_text="The start (Unix seconds) of the engine process whose verdicts the row "
                                         "holds, as the traffic sampler read it: a new process checks the model "
                                         "again, and the row takes its verdicts.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def endpoint_url(self) -> str:
        return f"{settings.SERVING_PUBLIC_URL.rstrip('/')}/v2/models/{self.name}/infer"


class TrafficSample(models.Model):
    """The serving engine's cumulative counters for one deployment's model at one moment, as the
    reaper read them (deployments/traffic_history.py turns consecutive samples into rates).
    Kept for WHETSTONE_TRAFFIC_RETENTION_S, then pruned by the same pass."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="traffic_samples")
    observed_at = models.DateTimeField(db_index=True)
    engine_started_at = models.FloatField(
        null=True, blank=True, help_text="The engine process's start (Unix seconds): a new one means its counters began again.")
    requests = models.PositiveBigIntegerField(help_text="Infer calls the engine had counted (succeeded and failed).")
    errors = models.PositiveBigIntegerField(help_text="Of those, the failed ones.")
    latency_buckets = models.JSONField(
        default=dict, blank=True, help_text="The latency histogram's cumulative counts by bucket bound (`le`, seconds).")

    class Meta:
        ordering = ["observed_at", "id"]
        indexes = [models.Index(fields=["deployment", "observed_at"], name="traffic_deployment_time_idx")]

    def __str__(self) -> str:
        return f"{self.deployment_id} @ {self.observed_at.isoformat()}"
