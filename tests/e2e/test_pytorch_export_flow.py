"""A PyTorch user's path on real parts: torch.export.save → register the .pt2 → optimize → deploy → infer.
And the other door shut: a pickle that runs code is refused at upload."""

from __future__ import annotations

import pickle
import uuid

import numpy as np
import pytest
import requests

from tests.support.api import poll

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.e2e

# Served outputs go through JSON and an optimized ONNX graph; they must match torch to this tolerance.
SERVED_OUTPUT_ATOL = 1e-4
JOB_TIMEOUT_S = 300
DEPLOY_TIMEOUT_S = 120


class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(16, 32)
        self.out = torch.nn.Linear(32, 4)

    def forward(self, features):
        return torch.softmax(self.out(torch.relu(self.hidden(features))), dim=-1)


class RunsAShellCommand:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


def test_an_exported_pytorch_model_is_optimized_deployed_and_served(stack, tmp_path):
    api = stack.api()
    unique = uuid.uuid4().hex[:8]  # other tests share this stack
    torch.manual_seed(0)
    module = Classifier().eval()
    batch_dim = torch.export.Dim("batch", min=1, max=256)
    program = torch.export.export(module, (torch.randn(2, 16),), dynamic_shapes={"features": {0: batch_dim}})
    torch.export.save(program, str(tmp_path / "classifier.pt2"))

    with open(tmp_path / "classifier.pt2", "rb") as handle:
        created = api.post(f"{stack.web_url}/api/v1/models/",
                           files={"file": ("classifier.pt2", handle, "application/octet-stream")},
                           data={"name": f"torch-classifier-{unique}"}, timeout=60)
    assert created.status_code == 201, created.text
    model = created.json()
    assert (model["format"], model["framework"]) == ("pytorch-export", "pytorch")
    assert model["signature"]["inputs"] == [{"name": "features", "dtype": "float32", "shape": ["batch", 16]}]

    # No shapes: the exported program names its input, its dtype and its dynamic batch.
    started = api.post(f"{stack.web_url}/api/v1/models/{model['id']}/optimizations/", json={"recipe": "lossless"},
                       timeout=10)
    assert started.status_code == 202, started.text
    job_url = f"{stack.web_url}/api/v1/jobs/{started.json()['id']}/"
    job = poll(api, job_url, until=lambda j: j["status"] in ("succeeded", "failed", "cancelled"), timeout=JOB_TIMEOUT_S)
    assert job["status"] == "succeeded", job["error"]
    assert job["report"]["model"]["source_format"] == "pytorch-export"

    deployed = api.post(f"{stack.web_url}/api/v1/deployments/", json={"job": job["id"]}, timeout=10)
    assert deployed.status_code == 202, deployed.text
    deployment_url = f"{stack.web_url}/api/v1/deployments/{deployed.json()['id']}/"
    deployment = poll(api, deployment_url, until=lambda d: d["status"] in ("ready", "failed"), timeout=DEPLOY_TIMEOUT_S)
    assert deployment["status"] == "ready", deployment["message"]

    batch = np.random.default_rng(3).standard_normal((5, 16)).astype(np.float32)  # not the export's batch of 2
    response = requests.post(
        deployment["endpoint_url"],
        json={"inputs": [{"name": "features", "shape": list(batch.shape), "datatype": "FP32",
                          "data": batch.ravel().tolist()}]},
        timeout=30)
    assert response.status_code == 200, response.text
    output = response.json()["outputs"][0]
    served = np.asarray(output["data"], dtype=np.float32).reshape(output["shape"])
    with torch.no_grad():
        expected = module(torch.from_numpy(batch)).numpy()
    np.testing.assert_allclose(served, expected, atol=SERVED_OUTPUT_ATOL, rtol=0)

    assert api.delete(deployment_url, timeout=10).status_code == 202


def test_a_pickle_that_runs_code_is_refused_at_upload(stack, tmp_path):
    api = stack.api()
    marker = tmp_path / "pwned"
    refused = api.post(f"{stack.web_url}/api/v1/models/",
                       files={"file": ("checkpoint.pt", pickle.dumps(RunsAShellCommand(marker), protocol=2),
                                       "application/octet-stream")},
                       data={"name": f"evil-{uuid.uuid4().hex[:8]}"}, timeout=60)
    assert refused.status_code == 400, refused.text
    assert "torch.export.save(torch.export.export(model, example_inputs)" in refused.json()["detail"]
    assert not marker.exists()
