from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.api.schema import ErrorSerializer
from jobs.selectors import best_job_by_model, latest_job_by_model
from modelhub.examples import examples_summary, version_examples_clear, version_examples_replace
from modelhub.ingest import ModelRejected
from modelhub.models import ModelVersion, RegisteredModel
from modelhub.selectors import model_can_edit, model_list, model_list_plain, model_tags_of, model_version_list
from modelhub.services import (
    model_delete,
    model_register,
    model_update,
    model_version_add,
    model_version_from_job,
)
from modelhub.tokenizer import (
    tokenizer_summary,
    version_tokenize,
    version_tokenizer_attach,
    version_tokenizer_clear,
)
from whetstone import objectstore

from .filters import ModelFilter
from .pagination import ModelPagination
from .serializers import (
    ExampleInputsSerializer,
    ExampleInputsUploadSerializer,
    ModelDetailSerializer,
    ModelSerializer,
    ModelUpdateSerializer,
    ModelUploadSerializer,
    ModelUriSerializer,
    ModelVersionDetailSerializer,
    ModelVersionSerializer,
    TokenizerSerializer,
    TokenizerUploadSerializer,
    TokenizeRequestSerializer,
    TokenizeResultSerializer,
    VersionFromJobSerializer,
    VersionUploadSerializer,
    VersionUriSerializer,
    model_row_representation,
)

ERROR = ErrorSerializer
READ_ERRORS = {401: ERROR, 403: ERROR, 404: ERROR}
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 413: ERROR}


class Rejected(APIException):
    def __init__(self, exc: ModelRejected):
        self.status_code = exc.status_code
        super().__init__(detail={exc.field: [str(exc)]})


def _too_large(request, *, limit: int | None = None, what: str = "",
               setting: str = "WHETSTONE_MAX_UPLOAD_BYTES", field: str = "files") -> None:
    """Refuse an oversized body before it is read (and spooled to disk)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # Multipart framing adds a little; the file itself is checked byte-exactly while it streams.
    if limit is not None:
        if length > limit + 64 * 1024:
            raise Rejected(ModelRejected(f"The request is {length} bytes; {what} of at most {limit} bytes are "
                                         f"accepted ({setting}).", field=field, status_code=413))
        return
    if length > settings.WHETSTONE_MAX_UPLOAD_BYTES + 64 * 1024:
        raise Rejected(ModelRejected(
            f"The upload is {length} bytes; the largest accepted upload is {settings.WHETSTONE_MAX_UPLOAD_BYTES} "
            "bytes (WHETSTONE_MAX_UPLOAD_BYTES). Larger files go through a presigned multipart upload.",
            status_code=413))


def _is_json(request) -> bool:
    return (request.content_type or "").startswith("application/json")


class _NoFormatOverride:
    URL_FORMAT_OVERRIDE = None


class ModelListNegotiation(DefaultContentNegotiation):
    """`?format=` filters models by their format here; it does not pick a renderer."""

    settings = _NoFormatOverride()


@extend_schema_view(
    list=extend_schema(tags=["modelhub"], summary="List the models you can see",
                       responses={200: ModelSerializer(many=True), 401: ERROR}),
    retrieve=extend_schema(tags=["modelhub"], summary="A model with its card, signature and graph statistics",
                           responses={200: ModelDetailSerializer, **READ_ERRORS}),
)
class ModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ModelSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    token_scopes = {"create": "register", "partial_update": "register", "destroy": "register"}
    content_negotiation_class = ModelListNegotiation
    pagination_class = ModelPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ModelFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["-updated_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RegisteredModel.objects.none()
        if self.action == "list":
            return model_list_plain(user=self.request.user)
        return model_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        ids = [row["id"] for row in rows]
        tags = model_tags_of(model_ids=ids)
        latest_jobs = latest_job_by_model(user=request.user, model_ids=ids)
        best_jobs = best_job_by_model(user=request.user, model_ids=ids)
        return self.get_paginated_response(
            [model_row_representation(row, tags=tags[row["id"]], user=request.user, latest_job=latest_jobs.get(row["id"]),
                                      best_job=best_jobs.get(row["id"]))
             for row in rows])

    def get_serializer_class(self):
        return ModelDetailSerializer if self.action != "list" else ModelSerializer

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "relevance" in queryset.query.annotations and not self.request.query_params.get("ordering"):
            queryset = queryset.order_by("-relevance", "-updated_at", "-id")
        return queryset

    def _editable(self, model: RegisteredModel) -> RegisteredModel:
        if not model_can_edit(user=self.request.user, model=model):
            raise PermissionDenied("Only the model's owner (or staff) can change it; official models are read-only.")
        return model

    @extend_schema(
        tags=["modelhub"],
        summary="Register a model: upload its file (multipart) or name an s3:// / oss:// URI (JSON)",
        request={"multipart/form-data": ModelUploadSerializer, "application/json": ModelUriSerializer},
        responses={201: ModelDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request):
        _too_large(request)
        payload = (ModelUriSerializer if _is_json(request) else ModelUploadSerializer)(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        common = dict(owner=request.user, name=data["name"], description=data["description"], card=data["card"],
                      tags=data["tags"], visibility=data["visibility"], team=data["team"],
                      sha256=data["sha256"] or None)
        try:
            if "uri" in data:
                model = model_register(uri=data["uri"], **common)
            else:
                model = model_register(upload=data["file"], filename=data["file"].name,
                                       extra_files=data["external_data"], **common)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        model = self.get_queryset().get(pk=model.pk)
        return Response(ModelDetailSerializer(model, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(tags=["modelhub"], summary="Change a model's name, description, card, tags, visibility, image preprocessing or class labels",
                   request=ModelUpdateSerializer, responses={200: ModelDetailSerializer, **WRITE_ERRORS})
    def partial_update(self, request, pk=None):
        model = self._editable(self.get_object())
        payload = ModelUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            model_update(model=model, user=request.user, **payload.validated_data)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        model = self.get_queryset().get(pk=model.pk)
        return Response(ModelDetailSerializer(model, context={"request": request}).data)

    @extend_schema(tags=["modelhub"], summary="Delete a model: gone at once, its files purged in the background",
                   responses={204: None, **WRITE_ERRORS})
    def destroy(self, request, pk=None):
        model = self._editable(self.get_object())
        try:
            model_delete(model=model)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionViewSet(viewsets.GenericViewSet):
    """/models/{model_id}/versions/[{number}/]"""

    serializer_class = ModelVersionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    token_scopes = {"create": "register", "from_job": "register", "examples_replace": "register",
                    "examples_clear": "register", "tokenizer_attach": "register", "tokenizer_clear": "register",
                    "tokenize": "read"}
    filter_backends = []
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"

    def _model(self) -> RegisteredModel:
        return get_object_or_404(model_list(user=self.request.user), pk=self.kwargs["model_id"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ModelVersion.objects.none()
        return model_version_list(model=self._model())

    def _editable_model(self) -> RegisteredModel:
        model = self._model()
        if not model_can_edit(user=self.request.user, model=model):
            raise PermissionDenied("Only the model's owner (or staff) can add versions; official models are read-only.")
        return model

    @extend_schema(tags=["modelhub"], summary="A model's versions, newest first",
                   responses={200: ModelVersionSerializer(many=True), **READ_ERRORS})
    def list(self, request, model_id=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ModelVersionSerializer(page, many=True).data)

    @extend_schema(tags=["modelhub"], summary="One version, with everything inspection found",
                   responses={200: ModelVersionDetailSerializer, **READ_ERRORS})
    def retrieve(self, request, model_id=None, number=None):
        version = get_object_or_404(self.get_queryset(), number=number)
        return Response(ModelVersionDetailSerializer(version).data)

    @extend_schema(
        tags=["modelhub"], summary="Add a version: upload a file (multipart) or name an s3:// / oss:// URI (JSON)",
        request={"multipart/form-data": VersionUploadSerializer, "application/json": VersionUriSerializer},
        responses={201: ModelVersionDetailSerializer, **WRITE_ERRORS},
    )
    def create(self, request, model_id=None):
        _too_large(request)
        model = self._editable_model()
        payload = (VersionUriSerializer if _is_json(request) else VersionUploadSerializer)(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            if "uri" in data:
                version = model_version_add(model=model, user=request.user, uri=data["uri"],
                                            sha256=data["sha256"] or None)
            else:
                version = model_version_add(model=model, user=request.user, upload=data["file"],
                                            filename=data["file"].name, extra_files=data["external_data"],
                                            sha256=data["sha256"] or None)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        return Response(ModelVersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["modelhub"], summary="Register an optimization job's package as a new version (lineage kept)",
                   request=VersionFromJobSerializer, responses={201: ModelVersionDetailSerializer, **WRITE_ERRORS})
    @action(detail=False, methods=["post"], url_path="from-job", parser_classes=[JSONParser])
    def from_job(self, request, model_id=None):
        from jobs.selectors import job_list

        model = self._editable_model()
        payload = VersionFromJobSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = job_list(user=request.user).filter(pk=payload.validated_data["job"]).first()
        if job is None:
            raise ValidationError({"job": [f"No job {payload.validated_data['job']} that you can see."]})
        try:
            version = model_version_from_job(model=model, user=request.user, job=job)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        return Response(ModelVersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)

    def _editable_version(self, number, *, what: str = "example inputs") -> ModelVersion:
        model = self._model()
        if not model_can_edit(user=self.request.user, model=model):
            raise PermissionDenied(f"Only the model's owner (or staff) can change its {what}; official models "
                                   "are read-only.")
        return get_object_or_404(model_version_list(model=model), number=number)

    @extend_schema(tags=["modelhub"], summary="A version's example inputs: how many batches, and their shapes",
                   responses={200: ExampleInputsSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"], url_path="examples", parser_classes=[MultiPartParser])
    def examples(self, request, model_id=None, number=None):
        version = get_object_or_404(self.get_queryset(), number=number)
        return Response(examples_summary(version))

    @extend_schema(
        tags=["modelhub"],
        summary="Attach example inputs (.npz batches) to a version, replacing any it had; jobs that bring no "
                "calibration data use them",
        request={"multipart/form-data": ExampleInputsUploadSerializer},
        responses={200: ExampleInputsSerializer, **WRITE_ERRORS})
    @examples.mapping.put
    def examples_replace(self, request, model_id=None, number=None):
        _too_large(request, limit=settings.WHETSTONE_MAX_CALIBRATION_BYTES, what="example inputs",
                   setting="WHETSTONE_MAX_CALIBRATION_BYTES")
        version = self._editable_version(number)
        payload = ExampleInputsUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            version = version_examples_replace(version=version, files=payload.validated_data["files"])
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        return Response(examples_summary(version))

    @extend_schema(tags=["modelhub"], summary="Remove a version's example inputs (queued jobs keep their copy)",
                   responses={204: None, **WRITE_ERRORS})
    @examples.mapping.delete
    def examples_clear(self, request, model_id=None, number=None):
        version_examples_clear(version=self._editable_version(number))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(tags=["modelhub"], summary="A version's tokenizer (404 when none is attached)",
                   responses={200: TokenizerSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"], url_path="tokenizer", parser_classes=[MultiPartParser])
    def tokenizer(self, request, model_id=None, number=None):
        version = get_object_or_404(self.get_queryset(), number=number)
        summary = tokenizer_summary(version)
        if summary is None:
            raise Http404(f"Version {version.number} has no tokenizer attached.")
        return Response(summary)

    @extend_schema(
        tags=["modelhub"],
        summary="Attach a Hugging Face tokenizer.json to a version, replacing any it had: text then fills its "
                "token-id inputs (the tokenize endpoints, the console's try-it form)",
        description="The file is JSON data, never code: it must be at most MODELHUB_MAX_TOKENIZER_BYTES (413 "
                    "otherwise), UTF-8 JSON with a \"model\" object, and load in the tokenizers library (400 with "
                    "the library's reason otherwise). The version's inputs must all be integer token ids, masks, "
                    "segment or position ids of shape [batch, sequence] or [sequence] (400 naming the one that is "
                    "not).",
        request={"multipart/form-data": TokenizerUploadSerializer},
        responses={200: TokenizerSerializer, **WRITE_ERRORS})
    @tokenizer.mapping.put
    def tokenizer_attach(self, request, model_id=None, number=None):
        _too_large(request, limit=settings.MODELHUB_MAX_TOKENIZER_BYTES, what="tokenizer files",
                   setting="MODELHUB_MAX_TOKENIZER_BYTES", field="file")
        version = self._editable_version(number, what="tokenizer")
        payload = TokenizerUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            version = version_tokenizer_attach(version=version, upload=payload.validated_data["file"])
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        return Response(tokenizer_summary(version))

    @extend_schema(tags=["modelhub"], summary="Remove a version's tokenizer", responses={204: None, **WRITE_ERRORS})
    @tokenizer.mapping.delete
    def tokenizer_clear(self, request, model_id=None, number=None):
        version_tokenizer_clear(version=self._editable_version(number, what="tokenizer"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=["modelhub"],
        summary="Tokenize text into the version's inputs with its tokenizer",
        description="Returns input_ids, attention_mask (and token_type_ids, position_ids where the model has "
                    "such inputs) as V2 tensors of the inputs' datatypes, padded and truncated to the sequence "
                    "length an input fixes (else padded to the longest text), with each text's tokens. 409 when "
                    "no tokenizer is attached.",
        request=TokenizeRequestSerializer,
        responses={200: TokenizeResultSerializer, **WRITE_ERRORS, 503: ERROR})
    @action(detail=True, methods=["post"], url_path="tokenize", parser_classes=[JSONParser])
    def tokenize(self, request, model_id=None, number=None):
        version = get_object_or_404(self.get_queryset(), number=number)
        return Response(tokenize_response(version=version, data=request.data))

    @extend_schema(tags=["modelhub"], summary="Download a version's main file",
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def download(self, request, model_id=None, number=None):
        version = get_object_or_404(self.get_queryset(), number=number)
        if version.status == ModelVersion.Status.FAILED:
            raise Http404("This version failed inspection; its files were removed.")
        return FileResponse(objectstore.open_key(version.storage_key), as_attachment=True,
                            filename=version.storage_key.rsplit("/", 1)[-1],
                            content_type="application/octet-stream")


def tokenize_response(*, version: ModelVersion, data) -> dict:
    """A tokenize request's answer for `version` (the version's endpoint and a deployment's share it)."""
    payload = TokenizeRequestSerializer(data=data)
    payload.is_valid(raise_exception=True)
    try:
        return version_tokenize(version=version, texts=payload.validated_data["texts"])
    except ModelRejected as exc:
        raise Rejected(exc) from exc
