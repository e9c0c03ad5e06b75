"""Small helpers for tests that drive the live REST API."""

from __future__ import annotations

import json
import time
from pathlib import Path

import requests

FINAL_JOB_STATES = ("succeeded", "failed", "cancelled")


def poll(session: requests.Session, url: str, *, until, timeout: float, interval: float = 0.3) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = session.get(url, timeout=10).json()
        if until(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting on {url}; last state: {json.dumps(body)[:3000]}")
        time.sleep(interval)


def register_model(session: requests.Session, web_url: str, path: Path, name: str) -> dict:
    with open(path, "rb") as handle:
        response = session.post(
            f"{web_url}/api/v1/models/",
            files={"file": (path.name, handle, "application/octet-stream")},
            data={"name": name},
            timeout=60,
        )
    assert response.status_code == 201, response.text
    return response.json()


def start_job(session: requests.Session, web_url: str, model_id: int, **body) -> dict:
    response = session.post(f"{web_url}/api/v1/models/{model_id}/optimizations/",
                            json={"recipe": "lossless", **body}, timeout=30)
    assert response.status_code == 202, response.text
    return response.json()


def job_url(web_url: str, job_id: int) -> str:
    return f"{web_url}/api/v1/jobs/{job_id}/"


def wait_for_job(session: requests.Session, web_url: str, job_id: int, *, timeout: float = 300) -> dict:
    return poll(session, job_url(web_url, job_id), until=lambda j: j["status"] in FINAL_JOB_STATES, timeout=timeout)
