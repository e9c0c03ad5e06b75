from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from modelhub.ingest import ModelRejected
from modelhub.models import PendingUpload
from modelhub.selectors import model_can_edit, model_list
from modelhub.services import model_register, model_version_add
from modelhub.uploads import staged_upload_of, upload_abort, upload_start

from .serializers import (
    ModelDetailSerializer,
    ModelVersionDetailSerializer,
    UploadCompleteSerializer,
    UploadSerializer,
    UploadStartSerializer,
)
from .views import WRITE_ERRORS, Rejected


class UploadViewSet(viewsets.GenericViewSet):
    """Large files: presigned multipart upload straight to S3, then `complete` registers them."""

    serializer_class = UploadSerializer
    token_scopes = {"create": "register", "complete": "register", "destroy": "register"}
    parser_classes = [JSONParser]
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PendingUpload.objects.none()
        return PendingUpload.objects.filter(owner=self.request.user)

    @extend_schema(tags=["modelhub"], summary="Start a presigned multipart upload (files of 1 GB and more)",
                   request=UploadStartSerializer, responses={201: UploadSerializer, **WRITE_ERRORS})
    def create(self, request):
        payload = UploadStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            pending, parts = upload_start(owner=request.user, **payload.validated_data)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        body = {"id": pending.pk, "filename": pending.filename, "size_bytes": pending.size_bytes,
                "part_size": pending.part_size, "expires_at": pending.expires_at, "parts": parts}
        return Response(UploadSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["modelhub"], summary="Assemble the uploaded parts, verify the checksum, register the model",
                   request=UploadCompleteSerializer,
                   responses={201: ModelDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        pending = self.get_object()
        payload = UploadCompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        staging = staged_upload_of(pending=pending, parts=data["parts"])
        try:
            if data.get("model"):
                model = get_object_or_404(model_list(user=request.user), pk=data["model"])
                if not model_can_edit(user=request.user, model=model):
                    raise PermissionDenied("Only the model's owner (or staff) can add versions.")
                version = model_version_add(model=model, user=request.user, staging=staging)
                return Response(ModelVersionDetailSerializer(version).data, status=status.HTTP_201_CREATED)
            model = model_register(owner=request.user, name=data["name"], description=data["description"],
                                   card=data["card"], tags=data["tags"], visibility=data["visibility"],
                                   team=data["team"], staging=staging)
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        model = model_list(user=request.user).get(pk=model.pk)
        return Response(ModelDetailSerializer(model, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(tags=["modelhub"], summary="Abort an upload and remove its parts", responses={204: None})
    def destroy(self, request, pk=None):
        try:
            upload_abort(pending=self.get_object())
        except ModelRejected as exc:
            raise Rejected(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
