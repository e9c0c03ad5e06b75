"""The whole flow on real parts: register → optimize → report → package → deploy → infer."""

from __future__ import annotations

import io
import uuid
import zipfile

import boto3
import numpy as np
import onnxruntime as ort
import pytest
import requests

from tests.support.api import poll
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.e2e

# Served outputs go through JSON (float32 → text → float32) and an optimized
# graph: they must match the original to this absolute tolerance.
SERVED_OUTPUT_ATOL = 1e-4
JOB_TIMEOUT_S = 300
DEPLOY_TIMEOUT_S = 120


def test_register_optimize_deploy_and_infer(stack, tmp_path):
    api = stack.api()
    model_path = tiny_mlp(tmp_path / "tiny.onnx")
    unique = uuid.uuid4().hex[:8]  # other tests share this stack

    # register
    with open(model_path, "rb") as handle:
        created = api.post(
            f"{stack.web_url}/api/v1/models/",
            files={"file": ("tiny.onnx", handle, "application/octet-stream")},
            data={"name": f"tiny-mlp-{unique}", "description": "e2e"},
            timeout=60,
        )
    assert created.status_code == 201, created.text
    model = created.json()
    assert model["signature"]["inputs"] == [{"name": "input", "dtype": "float32", "shape": ["batch", 16]}]
    assert model["node_counts"]["compute"] == 2 and model["node_counts"]["total"] == 5
    listed = api.get(f"{stack.web_url}/api/v1/models/", params={"search": unique}, timeout=10).json()
    assert [m["id"] for m in listed["results"]] == [model["id"]]

    # optimize, and watch it go through the states
    started = api.post(
        f"{stack.web_url}/api/v1/models/{model['id']}/optimizations/", json={"recipe": "lossless"}, timeout=10
    )
    assert started.status_code == 202, started.text
    job_url = f"{stack.web_url}/api/v1/jobs/{started.json()['id']}/"
    job = poll(api, job_url, until=lambda j: j["status"] in ("succeeded", "failed", "cancelled"), timeout=JOB_TIMEOUT_S)
    assert job["status"] == "succeeded", job["error"]
    assert job["progress"] == 100
    report = job["report"]
    assert report["overall"]["baseline_ms"] > 0 and report["overall"]["optimized_ms"] > 0
    assert report["accuracy"]["cosine"] >= 0.99

    # exports for other servers, written in S3 where Triton and KServe read them
    exported = api.post(f"{job_url}exports/triton/", json={"name": f"tiny-{unique}"}, timeout=60)
    assert exported.status_code == 201, exported.text
    bucket, package_prefix = stack.env["S3_BUCKET"], f"packages/{job['id']}"
    # Triton names an S3 API other than AWS's in the path: s3://host:port/bucket/...
    endpoint = stack.env["S3_ENDPOINT_URL"].removeprefix("http://")
    assert exported.json()["model_repository"] == f"s3://{endpoint}/{bucket}/{package_prefix}/triton"
    s3 = boto3.client("s3", endpoint_url=stack.env["S3_ENDPOINT_URL"], region_name="us-east-1",
                      aws_access_key_id=stack.env["S3_ACCESS_KEY_ID"],
                      aws_secret_access_key=stack.env["S3_SECRET_ACCESS_KEY"])
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"{package_prefix}/triton/")["Contents"]
    assert sorted(o["Key"] for o in listed) == [f"{package_prefix}/triton/tiny-{unique}/1/model.onnx",
                                                f"{package_prefix}/triton/tiny-{unique}/config.pbtxt"]
    config = s3.get_object(Bucket=bucket, Key=f"{package_prefix}/triton/tiny-{unique}/config.pbtxt")["Body"].read()
    assert config.decode() == exported.json()["config_pbtxt"] and f'name: "tiny-{unique}"' in config.decode()
    manifest = api.get(f"{job_url}exports/kserve/", params={"namespace": "ml"}, timeout=10)
    assert manifest.status_code == 200, manifest.text
    # KServe copies the package the job published: its attempt's prefix, without the exports.
    storage_uri = manifest.json()["spec"]["predictor"]["model"]["storageUri"]
    assert storage_uri.startswith(f"s3://{bucket}/{package_prefix}/attempt-"), storage_uri
    served = s3.list_objects_v2(Bucket=bucket, Prefix=storage_uri.removeprefix(f"s3://{bucket}/") + "/")["Contents"]
    served_names = {o["Key"].rsplit("/", 1)[-1] for o in served}
    assert {"model.onnx", "runtime.json", "signature.json", "report.json"} <= served_names
    assert not [o["Key"] for o in served if "/triton/" in o["Key"]]

    # the package, as a CI pipeline downloads it: the exports stored beside it are not part of it
    package = api.get(job["package_url"], timeout=30)
    assert package.status_code == 200
    names = set(zipfile.ZipFile(io.BytesIO(package.content)).namelist())
    assert {"model.onnx", "runtime.json", "signature.json", "report.json"} <= names
    assert not [name for name in names if name.startswith("triton/")]

    # deploy and infer through the Open Inference Protocol
    deployed = api.post(f"{stack.web_url}/api/v1/deployments/", json={"job": job["id"]}, timeout=10)
    assert deployed.status_code == 202, deployed.text
    deployment_url = f"{stack.web_url}/api/v1/deployments/{deployed.json()['id']}/"
    deployment = poll(api, deployment_url, until=lambda d: d["status"] in ("ready", "failed"), timeout=DEPLOY_TIMEOUT_S)
    assert deployment["status"] == "ready", deployment["message"]

    batch = np.random.default_rng(1).standard_normal((3, 16)).astype(np.float32)
    response = requests.post(
        deployment["endpoint_url"],
        json={"inputs": [{"name": "input", "shape": list(batch.shape), "datatype": "FP32", "data": batch.ravel().tolist()}]},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    output = response.json()["outputs"][0]
    served = np.asarray(output["data"], dtype=np.float32).reshape(output["shape"])
    expected = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"]).run(None, {"input": batch})[0]
    np.testing.assert_allclose(served, expected, atol=SERVED_OUTPUT_ATOL, rtol=0)

    # undeploy frees the model in the engine
    assert api.delete(deployment_url, timeout=10).status_code == 202
    poll(api, deployment_url, until=lambda d: d["status"] == "stopped", timeout=DEPLOY_TIMEOUT_S)
    assert requests.get(f"{stack.serving_url}/v2/models/{deployment['name']}/ready", timeout=10).status_code != 200
