from django.conf import settings
from django.db import models


class Visibility(models.TextChoices):
    PRIVATE = "private", "Private to the owner"
    TEAM = "team", "Shared with a team"
    OFFICIAL = "official", "Official: visible to everyone, read-only"


class Source(models.TextChoices):
    UPLOAD = "upload", "Uploaded file"
    URI = "uri", "Registered from an object-store URI"
    OFFICIAL = "official", "Official example, built on the server"
    OPTIMIZED = "optimized", "Package of an optimization job"


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegisteredModel(models.Model):
    """A model as its owner knows it: a name, a card, tags, and its versions."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    card = models.TextField(blank=True, default="", help_text="The model card, in Markdown.")
    tags = models.ManyToManyField(Tag, related_name="models", blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="models")
    # Of the latest version, kept here so that lists filter without a join.
    framework = models.CharField(max_length=40, blank=True, default="")
    format = models.CharField(max_length=40, blank=True, default="")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOAD)
    latest_version = models.ForeignKey(
        "ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The newest version that is ready (kept here so that a list page needs no per-row query).",
    )
    # How the console turns a picture into this model's input (modelhub/preprocessing.py); null: the defaults.
    preprocessing = models.JSONField(null=True, blank=True, default=None)
    # Class names for the try-it form's top-k scores (modelhub/labels.py); null: none saved.
    labels = models.JSONField(null=True, blank=True, default=None)
    # name + description + tags, lower-cased: what keyword search matches.
    search_text = models.TextField(blank=True, default="")
    # A deleted model disappears at once; a background task purges its objects and rows.
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"]),
            # Visibility's "team" branch looks up (team, <the user's teams>) instead of every team model.
            models.Index(fields=["visibility", "team", "-updated_at"], name="modelhub_visibility_team"),
            # The list's default order over live models: a page is read off this index, never sorted.
            models.Index(fields=["-updated_at", "-id"], condition=models.Q(deleted_at__isnull=True),
                         name="modelhub_live_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], condition=models.Q(deleted_at__isnull=True), name="unique_live_model_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ModelVersion(models.Model):
    """One immutable file (or set of files) of a model, with what inspection found in it."""

    class Format(models.TextChoices):
        ONNX = "onnx", "ONNX"
        TORCHSCRIPT = "torchscript", "TorchScript"
        PYTORCH_EXPORT = "pytorch-export", "PyTorch exported program (torch.export .pt2)"
        # Full pickles are refused at upload now (they run code when loaded); kept for older rows.
        PYTORCH = "pytorch", "PyTorch pickle (torch.save; no longer accepted)"
        TF_SAVEDMODEL = "tf-savedmodel", "TensorFlow SavedModel"
        TF_FROZEN_GRAPH = "tf-frozen-graph", "TensorFlow frozen graph"

    class Status(models.TextChoices):
        PENDING = "pending", "Stored, waiting for inspection"
        INSPECTING = "inspecting", "Inspection running"
        READY = "ready", "Ready"
        FAILED = "failed", "Inspection failed"

    model = models.ForeignKey(RegisteredModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONNX)
    framework = models.CharField(max_length=40, default="onnx")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.READY)
    status_message = models.TextField(blank=True, default="")
    # When the inspection in progress began: one older than the task may run lost its worker.
    inspecting_since = models.DateTimeField(null=True, blank=True)
    storage_key = models.CharField(max_length=500, help_text="The main file; other files lie beside it.")
    sent_as = models.CharField(max_length=255, blank=True, default="",
                               help_text="The main file's name as its owner sent it, where it is stored under another.")
    files = models.JSONField(default=list, blank=True, help_text="[{path, size_bytes, sha256}] of every stored file.")
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOAD)
    source_uri = models.CharField(max_length=1000, blank=True, default="")
    # Lineage: an optimized package points to the version it came from and the job that made it.
    source_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived_versions"
    )
    source_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="registered_versions"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    signature = models.JSONField(default=dict)
    # inspection["node_counts"], kept apart so that a list page need not read the whole inspection.
    node_counts = models.JSONField(null=True, blank=True)
    inspection = models.JSONField(default=dict)
    # Example inputs its jobs use when they bring no calibration data (modelhub/examples.py):
    # {"prefix", "files": [{name, key, size_bytes, sha256, shapes: {input: shape}}], "updated_at"}; {} when none.
    examples = models.JSONField(default=dict, blank=True)
    # A Hugging Face tokenizer.json that turns text into this version's token-id inputs (modelhub/tokenizer.py):
    # {"prefix", "key", "name", "size_bytes", "sha256", "kind", "vocab_size", "pad_token", "updated_at"}; {} when none.
    tokenizer = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["model", "number"], name="unique_version_number")]

    def __str__(self) -> str:
        return f"{self.model.name} v{self.number}"

    @property
    def storage_prefix(self) -> str:
        return self.storage_key.rsplit("/", 1)[0]


class PendingUpload(models.Model):
    """A presigned multipart upload straight to S3, registered by its `complete` call."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads")
    filename = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    part_size = models.BigIntegerField()
    storage_key = models.CharField(max_length=500, help_text="Where the parts land, outside every model's prefix.")
    upload_id = models.CharField(max_length=1024)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
