"""KServe manifests: an InferenceService per deployed package, and the
ClusterServingRuntime that tells KServe how to run our MLServer image.

KServe's storage initializer copies `storageUri` (the package's S3 prefix) into
/mnt/models; the runtime's container then serves that folder with
WhetstoneRuntime, configured through MLServer's MLSERVER_* environment
variables because the package itself carries no model-settings.json.
"""

from __future__ import annotations

import re
from typing import Any

RUNTIME_NAME = "whetstone-mlserver"
MODEL_FORMAT = "whetstone"
MODEL_FORMAT_VERSION = "1"
MODEL_MOUNT = "/mnt/models"  # where KServe's storage initializer puts storageUri
HTTP_PORT = 8080
GRPC_PORT = 9000
# KServe's storage initializer downloads these schemes; anything else never arrives.
STORAGE_SCHEMES = ("s3", "gs", "pvc", "https", "http", "hdfs", "webhdfs", "oci")
# InferenceService names become Service and host names: RFC 1035 labels.
DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")


def inference_service_manifest(
    name: str,
    storage_uri: str,
    *,
    runtime: str = RUNTIME_NAME,
    namespace: str | None = None,
    service_account_name: str | None = None,
    min_replicas: int = 1,
    max_replicas: int = 1,
    cpu: str = "1",
    memory: str = "2Gi",
) -> dict[str, Any]:
    """A serving.kserve.io/v1beta1 InferenceService serving the package at `storage_uri`.

    `service_account_name` names the account whose secret holds the S3
    credentials (KServe's convention for private buckets).
    """
    if not DNS_1035_LABEL.match(name):
        raise ValueError(
            f"InferenceService name {name!r} must be lowercase letters, digits and '-', "
            "start with a letter and be at most 63 characters"
        )
    scheme = storage_uri.split("://", 1)[0] if "://" in storage_uri else ""
    if scheme not in STORAGE_SCHEMES:
        raise ValueError(f"storage_uri {storage_uri!r} must start with one of {[s + '://' for s in STORAGE_SCHEMES]}")
    if not 0 <= min_replicas <= max_replicas:
        raise ValueError("need 0 <= min_replicas <= max_replicas")
    metadata: dict[str, Any] = {"name": name, "labels": {"app.kubernetes.io/part-of": "whetstone"}}
    if namespace:
        metadata["namespace"] = namespace
    predictor: dict[str, Any] = {
        "minReplicas": min_replicas,
        "maxReplicas": max_replicas,
        "model": {
            "modelFormat": {"name": MODEL_FORMAT, "version": MODEL_FORMAT_VERSION},
            "runtime": runtime,
            "protocolVersion": "v2",
            "storageUri": storage_uri,
            "resources": {
                "requests": {"cpu": cpu, "memory": memory},
                "limits": {"cpu": cpu, "memory": memory},
            },
        },
    }
    if service_account_name:
        predictor["serviceAccountName"] = service_account_name
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": metadata,
        "spec": {"predictor": predictor},
    }


def serving_container_env(model_name: str = "{{.Name}}") -> list[dict[str, str]]:
    """MLServer settings for one model in /mnt/models; KServe fills in {{.Name}}."""
    values = {
        "MLSERVER_HTTP_PORT": str(HTTP_PORT),
        "MLSERVER_GRPC_PORT": str(GRPC_PORT),
        "MLSERVER_PARALLEL_WORKERS": "0",
        "MLSERVER_DEBUG": "false",
        "MLSERVER_MODEL_NAME": model_name,
        "MLSERVER_MODEL_IMPLEMENTATION": "deploy.serving.runtime.WhetstoneRuntime",
        "MLSERVER_MODEL_URI": MODEL_MOUNT,
    }
    return [{"name": key, "value": value} for key, value in values.items()]


# The engine answers its model repository API (load, unload) only to holders of this token, or
# with none, to loopback callers; behind a service mesh's sidecar every caller comes from
# loopback. KServe never calls that API for a single-model runtime, so a Secret with any value
# in the InferenceService's namespace closes it; without the Secret the pod still starts.
ADMIN_TOKEN_SECRET = "whetstone-serving-admin"
ADMIN_TOKEN_FROM_SECRET = {"name": "SERVING_ADMIN_TOKEN", "valueFrom": {"secretKeyRef": {
    "name": ADMIN_TOKEN_SECRET, "key": "SERVING_ADMIN_TOKEN", "optional": True}}}


def cluster_serving_runtime_manifest(
    image: str, *, name: str = RUNTIME_NAME, cpu: str = "1", memory: str = "2Gi"
) -> dict[str, Any]:
    """A serving.kserve.io/v1alpha1 ClusterServingRuntime for the Whetstone image."""
    return {
        "apiVersion": "serving.kserve.io/v1alpha1",
        "kind": "ClusterServingRuntime",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": "whetstone"}},
        "spec": {
            "supportedModelFormats": [
                {"name": MODEL_FORMAT, "version": MODEL_FORMAT_VERSION, "autoSelect": True}
            ],
            "protocolVersions": ["v2"],
            "multiModel": False,
            "containers": [
                {
                    "name": "kserve-container",
                    "image": image,
                    "command": ["python", "-m", "deploy.serving.engine", "--one-package", MODEL_MOUNT],
                    "env": serving_container_env() + [ADMIN_TOKEN_FROM_SECRET],
                    "ports": [{"containerPort": HTTP_PORT, "protocol": "TCP"}],
                    "resources": {
                        "requests": {"cpu": cpu, "memory": memory},
                        "limits": {"cpu": cpu, "memory": memory},
                    },
                }
            ],
        },
    }
