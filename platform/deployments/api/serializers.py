from rest_framework import serializers

from deployments.models import Deployment


class DeploymentRequestSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="The id of a succeeded optimization job.")


class DeploymentSerializer(serializers.ModelSerializer):
    job = serializers.IntegerField(source="job_id", read_only=True)
    model = serializers.IntegerField(source="job.model_version.model_id", read_only=True)
    model_name = serializers.CharField(source="job.model_version.model.name", read_only=True)
    endpoint_url = serializers.CharField(read_only=True, help_text="Open Inference Protocol v2 infer URL.")

    class Meta:
        model = Deployment
        fields = ["id", "name", "job", "model", "model_name", "status", "message", "endpoint_url", "created_at", "updated_at"]
        read_only_fields = fields
