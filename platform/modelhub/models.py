from django.conf import settings
from django.db import models


class RegisteredModel(models.Model):
    """A model as its owner knows it: a name, a description, and its versions."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.name


class ModelVersion(models.Model):
    """One immutable file of a model, with what inspection found in it."""

    class Format(models.TextChoices):
        ONNX = "onnx", "ONNX"

    model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONNX)
    framework = models.CharField(max_length=40, default="onnx")
    storage_key = models.CharField(max_length=500)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    signature = models.JSONField(default=dict)
    inspection = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["model", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.model.name} v{self.number}"
