from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from modelhub.models import RegisteredModel
from modelhub.selectors import model_list
from modelhub.services import ModelRejected, model_register

from .serializers import ModelSerializer, ModelUploadSerializer


@extend_schema_view(
    list=extend_schema(tags=["modelhub"], summary="List the models you can see"),
    retrieve=extend_schema(tags=["modelhub"], summary="A model with its signature and graph statistics"),
)
class ModelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ModelSerializer
    parser_classes = [MultiPartParser, FormParser]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["-updated_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return RegisteredModel.objects.none()
        return model_list(user=self.request.user)

    @extend_schema(
        tags=["modelhub"],
        summary="Register a model by uploading its file",
        request={"multipart/form-data": ModelUploadSerializer},
        responses={201: ModelSerializer},
    )
    def create(self, request):
        upload = ModelUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            model = model_register(
                owner=request.user,
                name=data["name"],
                description=data["description"],
                upload=data["file"],
                size=data["file"].size,
            )
        except ModelRejected as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        model = self.get_queryset().get(pk=model.pk)
        return Response(ModelSerializer(model).data, status=status.HTTP_201_CREATED)
