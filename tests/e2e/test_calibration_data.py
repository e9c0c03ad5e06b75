"""Calibration data uploaded with an optimization reaches the compiler core on the worker."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.support.api import register_model, wait_for_job
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.e2e


def test_int8_job_calibrates_on_the_owners_data(stack, tmp_path):
    api = stack.api()
    model = register_model(api, stack.web_url, tiny_mlp(tmp_path / "m.onnx", seed=7), "calibrated")
    files = []
    for index in range(3):
        buffer = io.BytesIO()
        np.savez(buffer, input=np.random.default_rng(index).standard_normal((8, 16)).astype(np.float32))
        files.append(("calibration", (f"batch{index}.npz", buffer.getvalue(), "application/octet-stream")))
    started = api.post(f"{stack.web_url}/api/v1/models/{model['id']}/optimizations/",
                       data={"recipe": "int8"}, files=files, timeout=30)
    assert started.status_code == 202, started.text
    job = wait_for_job(api, stack.web_url, started.json()["id"], timeout=300)
    assert job["status"] == "succeeded", job["error"]
    assert "user data" in job["report"]["diagnosis"]["test_data_source"]
