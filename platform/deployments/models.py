from django.conf import settings
from django.db import models


class Deployment(models.Model):
    """An optimized package behind a V2 inference endpoint."""

    class Status(models.TextChoices):
        PENDING = "pending"
        LOADING = "loading"
        READY = "ready"
        FAILED = "failed"
        STOPPING = "stopping"
        STOPPED = "stopped"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deployments")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="deployments")
    name = models.SlugField(max_length=100, unique=True, help_text="The model name in the serving engine.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def endpoint_url(self) -> str:
        return f"{settings.SERVING_PUBLIC_URL.rstrip('/')}/v2/models/{self.name}/infer"
