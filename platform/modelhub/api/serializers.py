from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team
from jobs.api.schema import SIGNATURE_REF
from modelhub.models import ModelVersion, RegisteredModel, Source, Visibility
from modelhub.tokenizer import MAX_TEXT_CHARS, MAX_TEXTS, PADDING_CHOICES
from modelhub.labels import LabelsField
from modelhub.preprocessing import PreprocessingField, PreprocessingUpdateField

# A version's signature is the compiler core's signature contract (compiler_core.contracts.signature):
# its OpenAPI component `Signature` (and `TensorSpec`) is derived from that contract's JSON Schema.
NULLABLE_SIGNATURE = {"allOf": [SIGNATURE_REF], "nullable": True}


class NodeCountsSerializer(serializers.Serializer):
    compute = serializers.IntegerField()
    memory = serializers.IntegerField()
    data_movement = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.IntegerField()


class StoredFileSerializer(serializers.Serializer):
    path = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()


class LineageSerializer(serializers.Serializer):
    source_model = serializers.IntegerField(allow_null=True)
    source_version = serializers.IntegerField(allow_null=True, help_text="The version's number in source_model.")
    source_job = serializers.IntegerField(allow_null=True)


class ExampleFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file's name as it was sent.")
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    shapes = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()),
                                   help_text="The shape of each input's array in this batch.")


class ExampleInputsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many example batches are attached (0: none).")
    size_bytes = serializers.IntegerField()
    shapes = serializers.ListField(
        child=serializers.DictField(child=serializers.ListField(child=serializers.IntegerField())),
        help_text="The distinct input shapes the batches hold; a job's primary shape is the first batch's.")
    files = ExampleFileSerializer(many=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class ExampleInputsUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), allow_empty=True,
        help_text="Example inputs: .npz files, each one batch of arrays named like the model's inputs. "
                  "They replace any the version had.")


class TokenizerSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file's name as it was sent.")
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    kind = serializers.CharField(help_text="The tokenizer model's type: BPE, WordPiece, WordLevel or Unigram.")
    vocab_size = serializers.IntegerField(help_text="Tokens in the vocabulary, added tokens included.")
    pad_token = serializers.CharField(
        allow_null=True, help_text="The token that pads a text to a fixed length (tokenizer.json's own padding, "
                                   "else [PAD], <pad> or the like from its vocabulary).")
    updated_at = serializers.DateTimeField()


class TokenizerUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="A Hugging Face tokenizer.json (what tokenizer.save() writes; a fast tokenizer's file). It "
                  "replaces any the version had.")


class TokenizeRequestSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, trim_whitespace=False, max_length=MAX_TEXT_CHARS,
                                 help_text="One text; or send `texts` for a batch.")
    texts = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False, max_length=MAX_TEXT_CHARS), required=False, min_length=1,
        max_length=MAX_TEXTS, help_text="Several texts, one row of the batch each.")

    def validate(self, data):
        if ("text" in data) == ("texts" in data):
            raise serializers.ValidationError({"text": ["Send either `text` (one text) or `texts` (a list)."]})
        return {"texts": data["texts"] if "texts" in data else [data["text"]]}


class TokenizedInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    datatype = serializers.CharField(help_text="The input's V2 datatype (INT64 or INT32).")
    shape = serializers.ListField(child=serializers.IntegerField())
    data = serializers.ListField(child=serializers.IntegerField(), help_text="Row-major values.")


class TokenizedTextSerializer(serializers.Serializer):
    tokens = serializers.ListField(child=serializers.CharField(allow_blank=True, trim_whitespace=False),
                                   help_text="Every position's token, padding included.")
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="Their ids in the vocabulary.")
    length = serializers.IntegerField(help_text="How many of them are the text's (the rest pad it).")
    truncated = serializers.BooleanField(help_text="The text was longer than the sequence and was cut.")


class TokenizeResultSerializer(serializers.Serializer):
    inputs = TokenizedInputSerializer(
        many=True, help_text="The model's inputs as Open Inference Protocol (V2) tensors, in the signature's "
                             "order: ready to send as a request's `inputs`.")
    texts = TokenizedTextSerializer(many=True)
    sequence_length = serializers.IntegerField()
    padding = serializers.ChoiceField(
        choices=PADDING_CHOICES,
        help_text="fixed: padded and truncated to the length an input fixes; longest: padded to the longest text.")
    pad_token = serializers.CharField(allow_null=True)
    tokenizer = TokenizerSerializer()


EMPTY_SIGNATURE = {"inputs": [], "outputs": []}


class ModelVersionSerializer(serializers.ModelSerializer):
    signature = serializers.SerializerMethodField()
    node_counts = serializers.SerializerMethodField()
    opset = serializers.SerializerMethodField()
    dynamic_dims = serializers.SerializerMethodField()
    files = StoredFileSerializer(many=True)
    lineage = serializers.SerializerMethodField()
    example_inputs = serializers.SerializerMethodField()
    tokenizer = serializers.SerializerMethodField(
        help_text="The tokenizer.json attached to turn text into this version's token-id inputs; null when none.")

    class Meta:
        model = ModelVersion
        fields = [
            "id", "number", "status", "status_message", "format", "framework", "storage_key", "size_bytes",
            "sha256", "files", "source", "source_uri", "lineage", "signature", "node_counts", "opset",
            "dynamic_dims", "example_inputs", "tokenizer", "created_at",
        ]

    def get_tokenizer(self, version) -> TokenizerSerializer(allow_null=True):
        from modelhub.tokenizer import tokenizer_summary

        return tokenizer_summary(version)

    def get_example_inputs(self, version) -> ExampleInputsSerializer:
        from modelhub.examples import examples_summary

        return examples_summary(version)

    @extend_schema_field(SIGNATURE_REF)
    def get_signature(self, version) -> dict:
        # Empty until inspection has run (a large file waiting for its worker, or a failed one).
        return {**EMPTY_SIGNATURE, **(version.signature or {})}

    def get_node_counts(self, version) -> NodeCountsSerializer(allow_null=True):
        return version.node_counts

    def get_opset(self, version) -> int | None:
        return version.inspection.get("opset")

    def get_dynamic_dims(self, version) -> list[str]:
        return version.inspection.get("dynamic_dims", [])

    def get_lineage(self, version) -> LineageSerializer(allow_null=True):
        if version.source_version_id is None and version.source_job_id is None:
            return None
        source = version.source_version
        return {
            "source_model": source.model_id if source else None,
            "source_version": source.number if source else None,
            "source_job": version.source_job_id,
        }


class ModelVersionDetailSerializer(ModelVersionSerializer):
    inspection = serializers.JSONField(help_text="Everything inspection found (op types, workload, recommendations).")

    class Meta(ModelVersionSerializer.Meta):
        fields = [*ModelVersionSerializer.Meta.fields, "inspection"]


class ModelVersionSummarySerializer(serializers.ModelSerializer):
    """What a list row shows of the latest version (the full version is one request away)."""

    class Meta:
        model = ModelVersion
        fields = ["id", "number", "status", "format", "framework", "size_bytes", "sha256", "storage_key",
                  "source_uri", "created_at"]


_DATETIME = serializers.DateTimeField()


def _version_summary(version) -> dict | None:
    if version is None:
        return None
    return {"id": version.pk, "number": version.number, "status": version.status, "format": version.format,
            "framework": version.framework, "size_bytes": version.size_bytes, "sha256": version.sha256,
            "created_at": _DATETIME.to_representation(version.created_at)}


def _node_counts(model, version) -> dict | None:
    return version.node_counts if version is not None else None


class LatestJobSerializer(serializers.Serializer):
    """The newest optimization job you can see on the model (any version)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    speedup = serializers.FloatField(allow_null=True, help_text="Headline speed-up at the primary shape; "
                                     "null unless the job succeeded.")
    created_at = serializers.DateTimeField()


class BestJobSerializer(serializers.Serializer):
    """Of the succeeded jobs you can see on the model (any version), the one with the highest headline
    speed-up."""

    id = serializers.IntegerField()
    speedup = serializers.FloatField(help_text="Its headline speed-up at the primary shape.")


def _latest_job(job: dict | None) -> dict | None:
    if job is None:
        return None
    return {**job, "created_at": _DATETIME.to_representation(job["created_at"])}


def model_row_representation(row: dict, *, tags: list[str], user, latest_job: dict | None = None,
                             best_job: dict | None = None) -> dict:
    """A list row (from selectors.model_list_rows) in the shape of ModelSerializer."""
    version = None
    if row["latest_version_id"] is not None:
        version = {"id": row["latest_version_id"], "number": row["latest_version__number"],
                   "status": row["latest_version__status"], "format": row["latest_version__format"],
                   "framework": row["latest_version__framework"], "size_bytes": row["latest_version__size_bytes"],
                   "sha256": row["latest_version__sha256"],
                   "created_at": _DATETIME.to_representation(row["latest_version__created_at"])}
    can_edit = bool(user.is_staff or (row["owner_id"] == user.pk and row["visibility"] != Visibility.OFFICIAL))
    return {
        "id": row["id"], "name": row["name"], "description": row["description"], "owner": row["owner__username"],
        "visibility": row["visibility"], "team": row["team_id"], "tags": tags, "framework": row["framework"],
        "format": row["format"], "source": row["source"],
        "created_at": _DATETIME.to_representation(row["created_at"]),
        "updated_at": _DATETIME.to_representation(row["updated_at"]),
        "latest_version": version,
        "signature": {**EMPTY_SIGNATURE, **(row["latest_version__signature"] or {})} if version else None,
        "node_counts": row["latest_version__node_counts"] if version else None,
        "can_edit": can_edit,
        "latest_job": _latest_job(latest_job),
        "best_job": best_job,
    }


class ModelSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    team = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()
    latest_version = ModelVersionSummarySerializer(read_only=True, allow_null=True)
    signature = serializers.SerializerMethodField()
    node_counts = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    latest_job = LatestJobSerializer(read_only=True, allow_null=True)
    best_job = BestJobSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RegisteredModel
        fields = [
            "id", "name", "description", "owner", "visibility", "team", "tags", "framework", "format", "source",
            "created_at", "updated_at", "latest_version", "signature", "node_counts", "can_edit", "latest_job",
            "best_job",
        ]

    def to_representation(self, model) -> dict:
        # Built by hand: a list page is 25 of these under load, and DRF's field
        # machinery cost more than the queries. The declared fields above are
        # the contract (and the schema); the fuzz test checks the two agree.
        from jobs.selectors import best_job_by_model, latest_job_by_model
        from modelhub.selectors import model_can_edit

        version = model.latest_version
        request = self.context.get("request")
        latest_job = latest_job_by_model(user=request.user, model_ids=[model.pk]).get(model.pk) if request else None
        best_job = best_job_by_model(user=request.user, model_ids=[model.pk]).get(model.pk) if request else None
        return {
            "id": model.pk, "name": model.name, "description": model.description, "owner": model.owner.username,
            "visibility": model.visibility, "team": model.team_id, "tags": [tag.name for tag in model.tags.all()],
            "framework": model.framework, "format": model.format, "source": model.source,
            "created_at": _DATETIME.to_representation(model.created_at),
            "updated_at": _DATETIME.to_representation(model.updated_at),
            "latest_version": _version_summary(version),
            "signature": {**EMPTY_SIGNATURE, **(version.signature or {})} if version else None,
            "node_counts": _node_counts(model, version),
            "can_edit": bool(request and model_can_edit(user=request.user, model=model)),
            "latest_job": _latest_job(latest_job),
            "best_job": best_job,
        }

    def get_tags(self, model) -> list[str]:
        return [tag.name for tag in model.tags.all()]  # prefetched

    @extend_schema_field(NULLABLE_SIGNATURE)
    def get_signature(self, model) -> dict | None:
        version = model.latest_version
        return {**EMPTY_SIGNATURE, **(version.signature or {})} if version else None

    def get_node_counts(self, model) -> NodeCountsSerializer(allow_null=True):
        return _node_counts(model, model.latest_version)

    def get_can_edit(self, model) -> bool:
        from modelhub.selectors import model_can_edit

        request = self.context.get("request")
        return bool(request and model_can_edit(user=request.user, model=model))


class ModelDetailSerializer(ModelSerializer):
    card = serializers.CharField(help_text="The model card, in Markdown.")
    latest_version = ModelVersionSerializer(read_only=True, allow_null=True)
    preprocessing = PreprocessingField(
        read_only=True, help_text="How the console turns a picture into the input tensor; null until the owner "
                                  "saves it (the console then applies ImageNet's mean/std, RGB, NCHW, scale 1/255).")
    labels = LabelsField(
        read_only=True, help_text="Class names, entry i naming class i of the class-score output; the console "
                                  "shows them beside the top-k scores. null until the owner saves them.")

    class Meta(ModelSerializer.Meta):
        fields = [*ModelSerializer.Meta.fields, "card", "preprocessing", "labels"]

    def to_representation(self, model) -> dict:
        data = super().to_representation(model)
        version = model.latest_version
        data["latest_version"] = ModelVersionSerializer(version).data if version else None
        data["card"] = model.card
        data["preprocessing"] = model.preprocessing
        data["labels"] = model.labels
        return data


_FILE_HELP = ("An ONNX model (.onnx), a TorchScript or PyTorch module file (.pt), or an archive (.zip, .tar.gz) "
              "of an ONNX model with external data or a TensorFlow SavedModel.")


class _RegisterFields(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)
    card = serializers.CharField(required=False, allow_blank=True, default="", max_length=200000)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, default=list,
                                 max_length=50)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True,
                                              default=None)
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True, default="",
                                    help_text="The file's SHA-256; the upload is refused when it does not match.")


class ModelUploadSerializer(_RegisterFields):
    file = serializers.FileField(help_text=_FILE_HELP, allow_empty_file=True)
    external_data = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False,
                                          default=list, max_length=100,
                                          help_text="External data files of an ONNX model, sent beside it.")


class ModelUriSerializer(_RegisterFields):
    uri = serializers.CharField(max_length=1000, help_text="s3://bucket/key or oss://bucket/key of one object.")


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_FILE_HELP, allow_empty_file=True)
    external_data = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False,
                                          default=list, max_length=100)
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True, default="")


class VersionUriSerializer(serializers.Serializer):
    uri = serializers.CharField(max_length=1000, help_text="s3://bucket/key or oss://bucket/key of one object.")
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True, default="")


class VersionFromJobSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="A succeeded optimization job whose package becomes the new version.")


class ModelUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    card = serializers.CharField(required=False, allow_blank=True, max_length=200000)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False, allow_null=True)
    preprocessing = PreprocessingUpdateField(
        required=False, help_text="How the console turns a picture into the input tensor: layout (NCHW|NHWC), "
                                  "color (RGB|BGR), scale, mean[3], std[3]; keys left out take the defaults. "
                                  "null clears it.")
    labels = LabelsField(
        required=False, help_text="Class names, entry i naming class i (at most 100,000, each at most 200 "
                                  "characters); null removes them.")


SOURCE_CHOICES = Source.choices


class UploadStartSerializer(serializers.Serializer):
    filename = serializers.CharField(max_length=255, help_text="The file's name (its suffix helps detect the format).")
    size_bytes = serializers.IntegerField(min_value=1, max_value=5 * 1024**4)
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", help_text="The whole file's SHA-256, checked on complete.")
    part_size = serializers.IntegerField(required=False, min_value=5 * 1024**2, max_value=5 * 1024**3,
                                         help_text="Bytes per part (5 MiB to 5 GiB; the server may raise it).")


class UploadPartSerializer(serializers.Serializer):
    part_number = serializers.IntegerField(min_value=1, max_value=10_000)
    url = serializers.CharField(help_text="PUT this part's bytes here; keep the ETag header of the answer.")


class UploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    size_bytes = serializers.IntegerField()
    part_size = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    parts = UploadPartSerializer(many=True)


class CompletedPartSerializer(serializers.Serializer):
    part_number = serializers.IntegerField(min_value=1, max_value=10_000)
    etag = serializers.CharField(max_length=200)


class UploadCompleteSerializer(_RegisterFields):
    name = serializers.CharField(max_length=200, required=False,
                                 help_text="Register a new model with this name (or give `model`).")
    model = serializers.IntegerField(required=False, help_text="Add the file as the next version of this model.")
    parts = CompletedPartSerializer(many=True, min_length=1, max_length=10_000)

    def validate(self, data):
        if bool(data.get("name")) == bool(data.get("model")):
            raise serializers.ValidationError({"name": ["Give either `name` (a new model) or `model` (a new version)."]})
        return data
