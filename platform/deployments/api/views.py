from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from deployments.models import Deployment
from deployments.selectors import deployment_list
from deployments.services import (
    Batching,
    DeploymentRejected,
    deployment_create,
    deployment_health,
    deployment_redeploy,
    deployment_stop,
)
from jobs.selectors import job_list

from .filters import DeploymentFilter
from .serializers import (
    DeploymentHealthSerializer,
    DeploymentRequestSerializer,
    DeploymentSerializer,
    RedeployRequestSerializer,
)


def _batching(data: dict, *, default: Batching | None = None, current: Batching = Batching()) -> Batching | None:
    """The batching a request asks for: `default` when it names neither setting; a setting it
    leaves out keeps its `current` value (a redeploy changing only the wait keeps the size)."""
    if "max_batch_size" not in data and "max_batch_time" not in data:
        return default
    return Batching(max_batch_size=data.get("max_batch_size", current.max_batch_size),
                    max_batch_time=data.get("max_batch_time", current.max_batch_time))


def _rejected(exc: DeploymentRejected) -> ValidationError:
    return ValidationError({exc.field: [str(exc)]})


@extend_schema_view(
    list=extend_schema(tags=["deployments"], summary="Your deployments"),
    retrieve=extend_schema(tags=["deployments"], summary="A deployment: status and endpoint"),
)
class DeploymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeploymentSerializer
    filterset_class = DeploymentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Deployment.objects.none()
        return deployment_list(user=self.request.user)

    @extend_schema(
        tags=["deployments"],
        summary="Deploy a job's optimized package",
        description="Status goes pending → loading → ready | failed (the engine's reason in `message`).",
        request=DeploymentRequestSerializer,
        responses={202: DeploymentSerializer},
    )
    def create(self, request):
        payload = DeploymentRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = get_object_or_404(job_list(user=request.user), pk=payload.validated_data["job"])
        try:
            deployment, token = deployment_create(
                owner=request.user, job=job, access_token=payload.validated_data["access_token"],
                batching=_batching(payload.validated_data, default=Batching()),
            )
        except DeploymentRejected as exc:
            raise _rejected(exc) from exc
        deployment.new_access_token = token  # in this response only
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=["deployments"],
        summary="Serve a newer package at the same endpoint, without downtime",
        description="The deployment goes ready → updating → ready. The newer package loads while the served "
                    "one keeps answering at the same URL (and token); the engine switches once it is loaded, "
                    "then frees the old one. If the engine refuses it, the old package keeps serving and "
                    "`message` says why. Each batching setting is kept unless given.",
        request=RedeployRequestSerializer,
        responses={202: DeploymentSerializer},
    )
    @action(detail=True, methods=["post"])
    def redeploy(self, request, pk=None):
        deployment = self.get_object()
        payload = RedeployRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = get_object_or_404(job_list(user=request.user), pk=payload.validated_data["job"])
        try:
            deployment = deployment_redeploy(deployment=deployment, job=job, batching=_batching(
                payload.validated_data, current=Batching(deployment.max_batch_size, deployment.max_batch_time)))
        except DeploymentRejected as exc:
            raise _rejected(exc) from exc
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=["deployments"],
        summary="Liveness and readiness, asked of the serving engine now",
        responses={200: DeploymentHealthSerializer},
    )
    @action(detail=True, methods=["get"])
    def health(self, request, pk=None):
        deployment = self.get_object()
        health = deployment_health(deployment=deployment)
        return Response(DeploymentHealthSerializer(
            {"live": health.live, "ready": health.ready, "status": deployment.status, "message": health.message}
        ).data)

    @extend_schema(tags=["deployments"], summary="Undeploy: free the model in the engine", responses={202: DeploymentSerializer})
    def destroy(self, request, pk=None):
        deployment = deployment_stop(deployment=self.get_object())
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)
