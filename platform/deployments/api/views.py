from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from deployments.models import Deployment
from deployments.selectors import deployment_list, deployment_traffic_history
from deployments.services import (
    Batching,
    DeploymentConflict,
    DeploymentRejected,
    deployment_create,
    deployment_health,
    deployment_redeploy,
    deployment_stop,
)
from deployments.traffic import deployment_traffic
from jobs.selectors import job_list
from modelhub.api.serializers import TokenizeRequestSerializer, TokenizeResultSerializer
from modelhub.api.views import tokenize_response

from .filters import DeploymentFilter
from .serializers import (
    DeploymentHealthSerializer,
    DeploymentRequestSerializer,
    DeploymentSerializer,
    DeploymentTrafficSerializer,
    RedeployRequestSerializer,
    TrafficQuerySerializer,
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


def _conflict(exc: DeploymentConflict) -> Response:
    return Response({"detail": str(exc), "errors": {exc.field: [str(exc)]}}, status=status.HTTP_409_CONFLICT)


@extend_schema_view(
    list=extend_schema(tags=["deployments"], summary="Your deployments"),
    retrieve=extend_schema(tags=["deployments"], summary="A deployment: status and endpoint"),
)
class DeploymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeploymentSerializer
    filterset_class = DeploymentFilter
    token_scopes = {"create": "deploy", "redeploy": "deploy", "destroy": "deploy", "tokenize": "read"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Deployment.objects.none()
        return deployment_list(user=self.request.user)

    @extend_schema(
        tags=["deployments"],
        summary="Deploy a job's optimized package",
        description="Status goes pending → loading → ready | failed (the engine's reason in `message`). The "
                    "package served is the one built for the serving engine's hardware class: the job's own, or "
                    "a sibling of the same model version and recipe; a package measured on another class answers "
                    "409 unless allow_other_class. The engine re-checks the package's accuracy when it loads it "
                    "(`accuracy_on_engine`) and refuses one that misses its budget there; it also times the package "
                    "against that original (`speed_on_engine`), and a package slower there than the original, "
                    "beyond the noise, is served with a warning in `message`.",
        request=DeploymentRequestSerializer,
        responses={202: DeploymentSerializer, 409: OpenApiTypes.OBJECT},
    )
    def create(self, request):
        payload = DeploymentRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = get_object_or_404(job_list(user=request.user), pk=payload.validated_data["job"])
        try:
            deployment, token = deployment_create(
                owner=request.user, job=job, access_token=payload.validated_data["access_token"],
                batching=_batching(payload.validated_data, default=Batching()),
                allow_other_class=payload.validated_data["allow_other_class"],
            )
        except DeploymentConflict as exc:
            return _conflict(exc)
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
        responses={202: DeploymentSerializer, 409: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def redeploy(self, request, pk=None):
        deployment = self.get_object()
        payload = RedeployRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = get_object_or_404(job_list(user=request.user), pk=payload.validated_data["job"])
        try:
            deployment = deployment_redeploy(deployment=deployment, job=job, batching=_batching(
                payload.validated_data, current=Batching(deployment.max_batch_size, deployment.max_batch_time)),
                allow_other_class=payload.validated_data["allow_other_class"])
        except DeploymentConflict as exc:
            return _conflict(exc)
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

    @extend_schema(
        tags=["deployments"],
        summary="Traffic: calls, errors and latency since the engine started, and per minute over a window",
        description="The totals are read now from the engine's Prometheus metrics (the operator's "
                    "SERVING_METRICS_URL; this endpoint takes no address), cumulative since the engine started. "
                    "When the engine does not answer within 2 s, `reachable` is false and `message` says so. "
                    "`history` is computed from the samples of those counters that the platform takes every "
                    "`sample_interval_s` (kept two hours): per minute of `window`, the requests per second, the "
                    "error rate and p50/p99 latency from the histogram's bucket increases, counting again from "
                    "zero where the engine restarted.",
        parameters=[TrafficQuerySerializer],
        responses={200: DeploymentTrafficSerializer},
    )
    @action(detail=True, methods=["get"])
    def traffic(self, request, pk=None):
        deployment = self.get_object()
        query = TrafficQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        traffic = deployment_traffic(name=deployment.name)
        return Response(DeploymentTrafficSerializer({
            "reachable": traffic.reachable, "message": traffic.message, "requests": traffic.requests,
            "errors": traffic.errors, "error_rate": traffic.error_rate,
            "latency_ms": traffic.latency_ms or None, "mean_ms": traffic.mean_ms, "observed_at": traffic.observed_at,
            "history": deployment_traffic_history(deployment=deployment, window=query.validated_data["window"]),
        }).data)

    @extend_schema(
        tags=["deployments"],
        summary="Tokenize text into the served model's inputs with its version's tokenizer",
        description="The model version the served job optimized holds the tokenizer (`tokenizer` on the "
                    "deployment; null when none). The answer's `inputs` are V2 tensors ready to send to the "
                    "endpoint, padded and truncated to the sequence length an input fixes; 409 when no "
                    "tokenizer is attached.",
        request=TokenizeRequestSerializer,
        responses={200: TokenizeResultSerializer, 400: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT,
                   503: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def tokenize(self, request, pk=None):
        deployment = self.get_object()
        return Response(tokenize_response(version=deployment.job.model_version, data=request.data))

    @extend_schema(tags=["deployments"], summary="Undeploy: free the model in the engine", responses={202: DeploymentSerializer})
    def destroy(self, request, pk=None):
        deployment = deployment_stop(deployment=self.get_object())
        return Response(DeploymentSerializer(deployment).data, status=status.HTTP_202_ACCEPTED)
