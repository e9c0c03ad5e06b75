from rest_framework import serializers

from deployments.models import Deployment
from deployments.traffic_history import WINDOW_CHOICES, WINDOWS
from modelhub.api.serializers import TokenizerSerializer


class BatchingFieldsMixin(serializers.Serializer):
    max_batch_size = serializers.IntegerField(
        required=False, min_value=0, max_value=1024,
        help_text="Adaptive batching: the engine stacks up to this many concurrent requests along the first "
                  "(batch) dim and runs them at once. 0 or 1: off. Needs a dynamic first dim on every tensor.")
    max_batch_time = serializers.FloatField(
        required=False, min_value=0.0, max_value=1.0,
        help_text="Adaptive batching: the most seconds a request waits for others to fill its batch (e.g. 0.005). "
                  "A batch that opens at an idle model closes once it holds as many requests as the largest of the "
                  "model's recent busy spells, so callers that wait for their answers do not wait out the window.")


class AllowOtherClassMixin(serializers.Serializer):
    allow_other_class = serializers.BooleanField(
        required=False, default=False,
        help_text="Deploy a package measured on another hardware class than the serving engine's (otherwise 409, "
                  "unless a package of the same model version and recipe built for the engine's class exists: "
                  "that one is served). The deployment is then marked measured_on_other_class.")


class DeploymentRequestSerializer(BatchingFieldsMixin, AllowOtherClassMixin):
    job = serializers.IntegerField(help_text="The id of a succeeded optimization job.")
    access_token = serializers.BooleanField(
        required=False, default=False,
        help_text="Protect the endpoint with a token: infer calls must send `Authorization: Bearer <token>`. "
                  "The token is in this response only; it is stored hashed and cannot be shown again.")


class RedeployRequestSerializer(BatchingFieldsMixin, AllowOtherClassMixin):
    job = serializers.IntegerField(help_text="A newer succeeded optimization job of the same model.")


class DeploymentSerializer(serializers.ModelSerializer):
    job = serializers.IntegerField(source="job_id", read_only=True, help_text="The job whose package is served.")
    target_job = serializers.IntegerField(source="target_job_id", read_only=True, allow_null=True,
                                          help_text="While updating: the job whose package is being loaded.")
    model = serializers.IntegerField(source="job.model_version.model_id", read_only=True)
    model_name = serializers.CharField(source="job.model_version.model.name", read_only=True)
    endpoint_url = serializers.CharField(
        read_only=True, help_text="Open Inference Protocol v2 infer URL; it stays the same across redeploys.")
    access_token_required = serializers.SerializerMethodField(
        help_text="Whether infer calls must send `Authorization: Bearer <token>`.")
    package_hardware_class = serializers.SerializerMethodField(
        help_text="The hardware class the served package was measured on (its report's hardware_context).")
    accuracy_on_engine = serializers.JSONField(
        read_only=True, allow_null=True,
        help_text="The engine's re-check of the package against its fp32 original on the engine's own hardware, "
                  "when it loaded it: checked, passes, cosine, budget, inputs, hardware_class; null before.")
    speed_on_engine = serializers.JSONField(
        read_only=True, allow_null=True,
        help_text="The engine's timing of the package against its fp32 original (and an A/A control) on the "
                  "engine's own hardware, when it loaded it: checked, speedup, noise, control_speedup, rounds, "
                  "slower_than_original (true only when more than 10% slower beyond the noise; null when nothing "
                  "was timed), coarse (single runs only: a model too slow for the full measurement), "
                  "claimed_speedup (the report's), baseline_threads, hardware_class, cpu_generation, measured_on, "
                  "measured_on_generation; `reason` when nothing, or only a coarse timing, was done; null before.")
    access_token = serializers.SerializerMethodField(
        help_text="The endpoint's access token, in the response that created the deployment only (it is stored "
                  "hashed); null everywhere else.")
    tokenizer = serializers.SerializerMethodField(
        help_text="The tokenizer of the model version the served job optimized: text can then be tokenized into "
                  "the endpoint's inputs (POST .../tokenize/). Null when none is attached.")

    class Meta:
        model = Deployment
        fields = ["id", "name", "job", "target_job", "model", "model_name", "status", "message", "endpoint_url",
                  "access_token_required", "access_token", "max_batch_size", "max_batch_time", "hardware_class",
                  "package_hardware_class", "measured_on_other_class", "accuracy_on_engine", "speed_on_engine",
                  "tokenizer", "created_at", "updated_at"]
        read_only_fields = fields

    def get_package_hardware_class(self, deployment: Deployment) -> str:
        from deployments.services import package_hardware_class

        return package_hardware_class(deployment.job)

    def get_access_token_required(self, deployment: Deployment) -> bool:
        return bool(deployment.access_token_hash)

    def get_tokenizer(self, deployment: Deployment) -> TokenizerSerializer(allow_null=True):
        from modelhub.tokenizer import tokenizer_summary

        return tokenizer_summary(deployment.job.model_version)

    def get_access_token(self, deployment: Deployment) -> str | None:
        return getattr(deployment, "new_access_token", None)


class DeploymentHealthSerializer(serializers.Serializer):
    live = serializers.BooleanField(help_text="The serving engine answers (/v2/health/live).")
    ready = serializers.BooleanField(help_text="This deployment's model is loaded and answers (/v2/models/{name}/ready).")
    status = serializers.CharField(help_text="The deployment's recorded lifecycle status.")
    message = serializers.CharField(allow_blank=True)


class LatencyPercentilesSerializer(serializers.Serializer):
    p50 = serializers.FloatField(allow_null=True)
    p90 = serializers.FloatField(allow_null=True)
    p99 = serializers.FloatField(allow_null=True)


class TrafficQuerySerializer(serializers.Serializer):
    window = serializers.ChoiceField(
        choices=WINDOW_CHOICES, default="1h", help_text="How far back the history goes.",
        error_messages={"invalid_choice": f'"{{input}}" is not a window this history has; one of {", ".join(WINDOWS)}.'})


class TrafficPointSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The minute's first instant.")
    requests = serializers.IntegerField(
        allow_null=True, help_text="Calls counted in the minute; null (as every figure) when no two samples cover it.")
    requests_per_s = serializers.FloatField(allow_null=True)
    error_rate = serializers.FloatField(allow_null=True, help_text="Failed / all calls in the minute; null without calls.")
    p50_ms = serializers.FloatField(allow_null=True, help_text="From the minute's histogram bucket increases; null "
                                                               "without timed calls.")
    p99_ms = serializers.FloatField(allow_null=True)


class TrafficHistorySerializer(serializers.Serializer):
    window = serializers.ChoiceField(choices=WINDOW_CHOICES)
    step_s = serializers.IntegerField(help_text="Seconds per point (a minute).")
    sample_interval_s = serializers.FloatField(help_text="How often the platform samples the engine's counters.")
    samples = serializers.IntegerField(help_text="Samples taken within the window: two make the first point.")
    points = TrafficPointSerializer(many=True, help_text="One per minute, oldest first; the last minute is partial.")


class DeploymentTrafficSerializer(serializers.Serializer):
    reachable = serializers.BooleanField(help_text="Whether the serving engine's metrics answered.")
    message = serializers.CharField(allow_blank=True, help_text="Why there are no figures, when there are none.")
    requests = serializers.IntegerField(allow_null=True, help_text="Infer calls since the engine started.")
    errors = serializers.IntegerField(allow_null=True, help_text="Of those, the ones that failed.")
    error_rate = serializers.FloatField(allow_null=True, help_text="errors / requests; null without calls.")
    latency_ms = LatencyPercentilesSerializer(
        allow_null=True,
        help_text="Infer latency percentiles in ms, from the engine's histogram buckets (as coarse as they are).")
    mean_ms = serializers.FloatField(allow_null=True)
    observed_at = serializers.DateTimeField(help_text="When the engine was asked.")
    history = TrafficHistorySerializer(
        help_text="Per-minute figures over the window, from the samples the platform takes of the engine's "
                  "counters (stored, so they are there when the engine is not).")

