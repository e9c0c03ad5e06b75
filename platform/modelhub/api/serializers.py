from rest_framework import serializers

from modelhub.models import ModelVersion, RegisteredModel
from modelhub.selectors import model_latest_version


class TensorSpecSerializer(serializers.Serializer):
    name = serializers.CharField()
    dtype = serializers.CharField()
    shape = serializers.ListField(
        child=serializers.JSONField(), help_text="Dims: an int, the name of a symbolic dim, or null."
    )


class SignatureSerializer(serializers.Serializer):
    inputs = TensorSpecSerializer(many=True)
    outputs = TensorSpecSerializer(many=True)


class NodeCountsSerializer(serializers.Serializer):
    compute = serializers.IntegerField()
    memory = serializers.IntegerField()
    data_movement = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()


class ModelVersionSerializer(serializers.ModelSerializer):
    signature = SignatureSerializer()
    node_counts = serializers.SerializerMethodField()
    opset = serializers.SerializerMethodField()
    dynamic_dims = serializers.SerializerMethodField()

    class Meta:
        model = ModelVersion
        fields = [
            "id", "number", "format", "framework", "storage_key", "size_bytes", "sha256",
            "signature", "node_counts", "opset", "dynamic_dims", "created_at",
        ]

    def get_node_counts(self, version) -> NodeCountsSerializer:
        return version.inspection.get("node_counts", {})

    def get_opset(self, version) -> int | None:
        return version.inspection.get("opset")

    def get_dynamic_dims(self, version) -> list[str]:
        return version.inspection.get("dynamic_dims", [])


class ModelSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    latest_version = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    node_counts = serializers.SerializerMethodField()

    class Meta:
        model = RegisteredModel
        fields = [
            "id", "name", "description", "owner", "created_at", "updated_at",
            "latest_version", "signature", "node_counts",
        ]

    def _latest(self, model):
        return model_latest_version(model=model)

    def get_latest_version(self, model) -> ModelVersionSerializer(allow_null=True):
        version = self._latest(model)
        return ModelVersionSerializer(version).data if version else None

    def get_signature(self, model) -> SignatureSerializer(allow_null=True):
        version = self._latest(model)
        return version.signature if version else None

    def get_node_counts(self, model) -> NodeCountsSerializer(allow_null=True):
        version = self._latest(model)
        return version.inspection.get("node_counts") if version else None


class ModelUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An ONNX model (.onnx).", allow_empty_file=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
