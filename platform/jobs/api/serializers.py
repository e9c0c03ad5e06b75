from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from compiler_core.contracts.request import OptimizationRequest
from compiler_core.contracts.request import bounds as request_bounds
from compiler_core.contracts.request import choices as request_choices
from compiler_core.contracts.request import default as request_default
from jobs.api.schema import REPORT_REF
from jobs.models import Job
from jobs.services import TIME_BUDGET_S_RANGE


@extend_schema_field({
    # Null until the job succeeds. Rows written before report_version 2 are served as stored, and are
    # not Reports: the schema says so rather than promise fields those rows never had.
    "anyOf": [REPORT_REF, {"type": "object", "additionalProperties": {},
                           "description": "A report written before report_version 2, as stored."}],
    "nullable": True,
    "description": "The optimization report: a Report (report_version 2) for every job this version ran; "
                   "null until the job succeeds.",
})
class ReportField(serializers.JSONField):
    """The report as the worker stored it: the compiler core's report contract (its component `Report`)."""


def _from_contract(name: str, drf_field, **overrides):
    """A DRF field for the request contract's field `name`: its default, bounds, choices and help are
    the contract's (compiler_core.contracts.request); `overrides` are where the API narrows them."""
    field = OptimizationRequest.model_fields[name]
    kwargs: dict = {"help_text": field.description}
    value = request_default(name)
    if value is not None:
        kwargs["default"] = value
    else:
        kwargs["required"] = False
    limits = request_bounds(name)
    if "ge" in limits or "gt" in limits:
        kwargs["min_value"] = limits.get("ge", limits.get("gt"))
    if "le" in limits:
        kwargs["max_value"] = limits["le"]
    if drf_field is serializers.ChoiceField:
        kwargs["choices"] = request_choices(name)
    kwargs.update(overrides)
    return drf_field(**kwargs)


class OptimizationRequestSerializer(serializers.Serializer):
    """The API's optimization request: the compiler core's request contract (each field below is
    derived from it, and so is the OpenAPI component: jobs.api.schema), plus what only the platform
    has: `priority`, and calibration as uploaded files (the worker turns them into the contract's
    calibration directory). The contract's `target` is `device` here, its name in the API since
    before the contract; `threads` and `caller` are the worker's to set.

    A field this serializer does not name is refused (400), not dropped: a misspelt option
    (`time_budget`, `options: {...}`) would otherwise run a job with the defaults."""

    # API field -> the contract's field it is.
    CONTRACT_FIELDS = {"recipe": "recipe", "accuracy_budget": "accuracy_budget", "shapes": "shapes",
                       "time_budget_s": "time_budget_s", "device": "target", "output_kinds": "output_kinds",
                       "hardware_class": "hardware_class"}
    # Where the API takes less than the contract: its OpenAPI properties are the serializer's own.
    API_NARROWS = ("shapes", "time_budget_s", "output_kinds")

    recipe = _from_contract("recipe", serializers.ChoiceField)
    accuracy_budget = _from_contract("accuracy_budget", serializers.FloatField)
    # A string in the API (the JSON list syntax goes inside it); the compiler core's parser checks it
    # against the model's signature when the job is submitted.
    shapes = _from_contract("shapes", serializers.CharField, allow_blank=True, max_length=4000)
    time_budget_s = _from_contract(
        "time_budget_s", serializers.IntegerField, min_value=TIME_BUDGET_S_RANGE[0], max_value=TIME_BUDGET_S_RANGE[1],
        help_text=f"Seconds the search may take, a whole number from {TIME_BUDGET_S_RANGE[0]} to "
                  f"{TIME_BUDGET_S_RANGE[1]} on this platform; default: no limit (every candidate is tried).")
    device = _from_contract("target", serializers.ChoiceField)
    # A string in the API ('output0=detections:4;probs=sequence_logits'), checked against the model's
    # outputs when the job is submitted.
    output_kinds = _from_contract("output_kinds", serializers.CharField, allow_blank=True, max_length=4000)
    priority = serializers.IntegerField(
        default=0, min_value=0, max_value=9, help_text="0..9; higher runs sooner (e.g. a release pipeline)."
    )
    hardware_class = _from_contract("hardware_class", serializers.CharField, allow_blank=True, max_length=80)
    calibration = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=64,
        help_text="Calibration data (multipart): .npz files, each one batch of arrays named like the model's "
                  "inputs. Without it, INT8 calibration and the accuracy check use inputs generated from the signature.",
    )

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_unknown_field(name, list(self.fields))] for name in unknown})
        return super().to_internal_value(data)

    def validate_accuracy_budget(self, value: float) -> float:
        # The contract's lower bound is exclusive, which DRF's min_value cannot say.
        low = request_bounds("accuracy_budget")["gt"]
        if value <= low:
            raise serializers.ValidationError(
                f"Ensure this value is greater than {low:g} (a cosine similarity in ({low:g}, 1]; {low:g} would "
                "accept any output).")
        return value


def _unknown_field(name: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1)
    hint = f" Did you mean {close[0]}?" if close else ""
    return f"Unknown field.{hint} An optimization request takes {', '.join(known)}."


class JobSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True, help_text="Who started the job.")
    model = serializers.IntegerField(source="model_version.model_id", read_only=True)
    model_name = serializers.CharField(source="model_version.model.name", read_only=True)
    model_version = serializers.IntegerField(source="model_version.number", read_only=True)
    package_url = serializers.SerializerMethodField()
    report = ReportField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id", "owner", "model", "model_name", "model_version", "recipe", "options", "device", "hardware_class",
            "request_group", "priority",
            "status", "stage", "progress", "effective_time_budget_s", "log", "error", "report", "package_url",
            "worker", "hardware", "attempts", "cancel_requested",
            "created_at", "dispatched_at", "started_at", "finished_at", "heartbeat_at",
        ]
        read_only_fields = fields

    def get_package_url(self, job) -> str | None:
        if job.status != Job.Status.SUCCEEDED or not job.package_prefix:
            return None
        return reverse("job-package", kwargs={"pk": job.pk}, request=self.context.get("request"))


class OptimizationFanOutSerializer(serializers.Serializer):
    """The answer to a request with hardware_class "all": one job per class."""

    request_group = serializers.CharField(help_text="Shared by the jobs; filter jobs by it: ?request_group=...")
    jobs = JobSerializer(many=True)


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
