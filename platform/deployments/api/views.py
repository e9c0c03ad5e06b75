from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from deployments.models import Deployment
from deployments.selectors import deployment_list
from deployments.services import DeploymentRejected, deployment_create, deployment_stop
from jobs.selectors import job_list

from .serializers import DeploymentRequestSerializer, DeploymentSerializer


@extend_schema_view(
    list=extend_schema(tags=["deployments"], summary="Your deployments"),
    retrieve=extend_schema(tags=["deployments"], summary="A deployment: status and endpoint"),
)
class DeploymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeploymentSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Deployment.objects.none()
        return deployment_list(user=self.request.user)

    @extend_schema(
        tags=["deployments"],
        summary="Deploy a job's optimized package",
        request=DeploymentRequestSerializer,
        responses={202: DeploymentSerializer},
    )
    def create(self, request):
        payload = DeploymentRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = get_object_or_404(job_list(user=request.user), pk=payload.validated_data["job"])
        try:
            deployment = deployment_create(owner=request.user, job=job)
        except DeploymentRejected as exc:
            raise ValidationError({"job": [str(exc)]}) from exc
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(tags=["deployments"], summary="Undeploy: free the model in the engine", responses={202: DeploymentSerializer})
    def destroy(self, request, pk=None):
        deployment = deployment_stop(deployment=self.get_object())
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)
