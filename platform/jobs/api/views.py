import tempfile
import zipfile

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.exports import ExportRejected, job_export_triton, job_kserve_manifest, package_keys
from jobs.models import Job
from jobs.selectors import job_list
from jobs.services import ALL_CLASSES, JobRejected, job_cancel, optimization_request
from modelhub.selectors import model_latest_version, model_list
from whetstone import objectstore

from .filters import JobFilter
from .serializers import (
    JobSerializer,
    KServeExportQuerySerializer,
    OptimizationFanOutSerializer,
    OptimizationRequestSerializer,
    TritonExportRequestSerializer,
    TritonExportSerializer,
)



class ModelOptimizationsView(APIView):
    token_scopes = {"post": "optimize"}

    @extend_schema(
        tags=["jobs"],
        summary="Start an optimization of the model's latest version",
        request={"application/json": OptimizationRequestSerializer,
                 "multipart/form-data": OptimizationRequestSerializer},
        responses={202: PolymorphicProxySerializer(
            component_name="OptimizationAccepted", serializers=[JobSerializer, OptimizationFanOutSerializer],
            resource_type_field_name=None)},
        description="Answers the job; with hardware_class 'all', the request_group and one job per class.",
    )
    def post(self, request, model_id: int):
        model = get_object_or_404(model_list(user=request.user), pk=model_id)
        version = model_latest_version(model=model)
        if version is None:
            raise ValidationError({"model": ["The model has no version to optimize."]})
        payload = OptimizationRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        recipe, device, priority = data.pop("recipe"), data.pop("device"), data.pop("priority")
        calibration = data.pop("calibration", None)
        hardware_class = data.pop("hardware_class", "").strip()
        try:
            jobs = optimization_request(
                owner=request.user, model_version=version, recipe=recipe, options=data, device=device,
                priority=priority, calibration=calibration, hardware_class=hardware_class,
            )
        except JobRejected as exc:
            raise ValidationError({exc.field: [str(exc)]}) from exc
        context = {"request": request}
        if hardware_class == ALL_CLASSES:
            return Response(OptimizationFanOutSerializer({"request_group": jobs[0].request_group, "jobs": jobs},
                                                         context=context).data, status=status.HTTP_202_ACCEPTED)
        return Response(JobSerializer(jobs[0], context=context).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(tags=["jobs"], summary="Your optimization jobs, newest first"),
    retrieve=extend_schema(tags=["jobs"], summary="A job: status, progress, log, report"),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = JobSerializer
    filterset_class = JobFilter
    token_scopes = {"cancel": "optimize", "export_triton": "optimize"}
    ordering_fields = ["created_at", "finished_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Job.objects.none()
        return job_list(user=self.request.user)

    @extend_schema(tags=["jobs"], summary="Cancel a queued or running job", request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        try:
            job = job_cancel(job=self.get_object())
        except JobRejected as exc:
            return Response({"detail": str(exc), "errors": {}}, status=status.HTTP_409_CONFLICT)
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=["jobs"],
        summary="Download the optimized package as a zip archive",
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="package", url_name="package")
    def package(self, request, pk=None):
        job = self.get_object()
        if job.status != Job.Status.SUCCEEDED or not job.package_prefix:
            raise NotFound(f"Job {job.pk} has no package (status: {job.status}).")
        archive = tempfile.TemporaryFile()
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            for key in package_keys(job):
                with objectstore.open_key(key) as source, zipped.open(key[len(job.package_prefix) + 1 :], "w") as target:
                    for chunk in iter(lambda: source.read(objectstore.CHUNK), b""):
                        target.write(chunk)
        archive.seek(0)
        return FileResponse(
            archive, as_attachment=True, filename=f"whetstone-job-{job.pk}-package.zip", content_type="application/zip"
        )

    @extend_schema(
        tags=["jobs"],
        summary="Write the package as a Triton model repository under the package's prefix",
        request=TritonExportRequestSerializer,
        responses={201: TritonExportSerializer},
    )
    @action(detail=True, methods=["post"], url_path="exports/triton", url_name="export-triton")
    def export_triton(self, request, pk=None):
        payload = TritonExportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            exported = job_export_triton(job=self.get_object(), name=payload.validated_data.get("name") or None,
                                         max_batch_size=payload.validated_data["max_batch_size"])
        except ExportRejected as exc:
            return _refused(exc)
        return Response(TritonExportSerializer(exported).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["jobs"],
        summary="A KServe InferenceService that serves the package from S3",
        parameters=[KServeExportQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"], url_path="exports/kserve", url_name="export-kserve")
    def export_kserve(self, request, pk=None):
        query = KServeExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            manifest = job_kserve_manifest(job=self.get_object(), name=query.validated_data.get("name") or None,
                                           namespace=query.validated_data.get("namespace"),
                                           service_account_name=query.validated_data.get("service_account"))
        except ExportRejected as exc:
            return _refused(exc)
        return Response(manifest)


def _refused(exc: ExportRejected) -> Response:
    return Response({"detail": str(exc), "errors": {exc.field: [str(exc)]}}, status=exc.status_code)
