from rest_framework import serializers
from rest_framework.reverse import reverse

from jobs.models import Job


class OptimizationRequestSerializer(serializers.Serializer):
    recipe = serializers.ChoiceField(choices=Job.Recipe.choices, default=Job.Recipe.AUTO)
    accuracy_budget = serializers.FloatField(
        required=False, min_value=0.0, max_value=1.0, help_text="Minimum cosine similarity to the fp32 original."
    )
    shapes = serializers.CharField(
        required=False, allow_blank=True, help_text="Shape set, e.g. 'batch=1,4,16;seq=32,128'."
    )
    time_budget_s = serializers.IntegerField(required=False, min_value=10, max_value=24 * 3600)
    device = serializers.ChoiceField(choices=["cpu", "gpu"], default="cpu")
    priority = serializers.IntegerField(
        default=0, min_value=0, max_value=9, help_text="0..9; higher runs sooner (e.g. a release pipeline)."
    )
    calibration = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=64,
        help_text="Calibration data (multipart): .npz files, each one batch of arrays named like the model's "
                  "inputs. Without it, INT8 calibration and the accuracy check use inputs generated from the signature.",
    )


class JobSerializer(serializers.ModelSerializer):
    model = serializers.IntegerField(source="model_version.model_id", read_only=True)
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    model_version = serializers.IntegerField(source="model_version.number", read_only=True)
    package_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id", "model", "model_name", "model_version", "recipe", "options", "device", "priority",
            "status", "stage", "progress", "log", "error", "report", "package_url",
            "worker", "hardware", "attempts", "cancel_requested",
            "created_at", "dispatched_at", "started_at", "finished_at", "heartbeat_at",
        ]
        read_only_fields = fields

    def get_package_url(self, job) -> str | None:
        if job.status != Job.Status.SUCCEEDED or not job.package_prefix:
            return None
        return reverse("job-package", kwargs={"pk": job.pk}, request=self.context.get("request"))


class TritonExportRequestSerializer(serializers.Serializer):
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=128,
        help_text="Triton model name (letters, digits, '_', '.', '-'); default: the model's name, made safe.",
    )
    max_batch_size = serializers.IntegerField(
        default=8, min_value=0, max_value=1024,
        help_text="Triton's dynamic batching limit, used when every tensor shares a symbolic first dim; 0: off.",
    )


class TritonExportSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The model's folder in the repository, and its name in Triton.")
    model_repository = serializers.CharField(
        help_text="What to give Triton as --model-repository: s3://bucket/packages/<job>/triton (s3://host:port/"
                  "bucket/... for an S3 API other than AWS's), or a local path.")
    files = serializers.ListField(child=serializers.CharField(), help_text="Written below model_repository.")
    config_pbtxt = serializers.CharField()
    notes = serializers.ListField(
        child=serializers.CharField(), help_text="Where Triton will not run the package as the worker measured it.")


class KServeExportQuerySerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=63,
                                 help_text="InferenceService name (DNS-1035); default: the model's name, made safe.")
    namespace = serializers.CharField(required=False, allow_blank=True, max_length=63)
    service_account = serializers.CharField(
        required=False, allow_blank=True, max_length=253,
        help_text="The service account whose secret holds the bucket's credentials.")
