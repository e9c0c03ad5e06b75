from rest_framework import serializers

from deployments.models import Deployment


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


class DeploymentRequestSerializer(BatchingFieldsMixin):
    job = serializers.IntegerField(help_text="The id of a succeeded optimization job.")
    access_token = serializers.BooleanField(
        required=False, default=False,
        help_text="Protect the endpoint with a token: infer calls must send `Authorization: Bearer <token>`. "
                  "The token is in this response only; it is stored hashed and cannot be shown again.")


class RedeployRequestSerializer(BatchingFieldsMixin):
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
    access_token = serializers.SerializerMethodField(
        help_text="The endpoint's access token, in the response that created the deployment only (it is stored "
                  "hashed); null everywhere else.")

    class Meta:
        model = Deployment
        fields = ["id", "name", "job", "target_job", "model", "model_name", "status", "message", "endpoint_url",
                  "access_token_required", "access_token", "max_batch_size", "max_batch_time", "created_at", "updated_at"]
        read_only_fields = fields

    def get_access_token_required(self, deployment: Deployment) -> bool:
        return bool(deployment.access_token_hash)

    def get_access_token(self, deployment: Deployment) -> str | None:
        return getattr(deployment, "new_access_token", None)


class DeploymentHealthSerializer(serializers.Serializer):
    live = serializers.BooleanField(help_text="The serving engine answers (/v2/health/live).")
    ready = serializers.BooleanField(help_text="This deployment's model is loaded and answers (/v2/models/{name}/ready).")
    status = serializers.CharField(help_text="The deployment's recorded lifecycle status.")
    message = serializers.CharField(allow_blank=True)
