"""The `whetstone` command as a CI pipeline runs it, against the real stack:
log in with a personal token, register (a file, a new version, an s3:// URI),
list, optimize with gates and their exit codes, read the job, download the
package, export it for Triton and KServe, deploy, serve a newer package at the same endpoint, undeploy; list and
cancel jobs. Then delete a model and watch the worker purge its objects."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import boto3
import pytest
import yaml

from tests.support.models import slow_matmul_chain, tiny_mlp

pytestmark = pytest.mark.e2e

REPO_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ci_token(stack) -> str:
    api = stack.api()
    response = api.post(f"{stack.web_url}/api/v1/auth/tokens/", json={"name": "ci-e2e"}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["token"]


@pytest.fixture
def whetstone(stack, tmp_path_factory):
    home = tmp_path_factory.mktemp("cli-home")
    env = {key: value for key, value in os.environ.items() if not key.startswith("WHETSTONE_")}
    env.update(WHETSTONE_CONFIG=str(home / "config.json"), PYTHONPATH=str(REPO_DIR))

    def run(*args: str, stdin: str | None = None, check: int | None = 0) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "whetstone_cli", *args], input=stdin, capture_output=True,
                              text=True, env=env, cwd=home, timeout=600)
        if check is not None:
            assert done.returncode == check, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    run.home = home
    return run


def s3_client(stack):
    return boto3.client("s3", endpoint_url=stack.env["S3_ENDPOINT_URL"], aws_access_key_id="testing",
                        aws_secret_access_key="testing", region_name="us-east-1")


def test_ci_pipeline_through_the_cli(stack, whetstone, ci_token, tmp_path):
    name = f"cli-tiny-{uuid.uuid4().hex[:6]}"
    model_file = tiny_mlp(tmp_path / "tiny.onnx")

    whetstone("login", "--url", stack.web_url, "--token", "-", stdin=ci_token + "\n")
    assert oct((whetstone.home / "config.json").stat().st_mode & 0o777) == "0o600"

    first = json.loads(whetstone("models", "register", str(model_file), "--name", name, "--tag", "ci").stdout)
    assert first["version"] == 1
    second = json.loads(whetstone("models", "register", str(model_file), "--name", name).stdout)
    assert (second["model"], second["version"], second["status"]) == (first["model"], 2, "new version")

    listed = json.loads(whetstone("models", "list", "--search", name, "--json").stdout)
    assert [m["name"] for m in listed] == [name] and listed[0]["tags"] == ["ci"]

    gated = whetstone("optimize", name, "--recipe", "lossless", "--wait", "--min-speedup", "0.01",
                      "--max-accuracy-drop", "0.01", "--poll", "0.5")
    summary = json.loads(gated.stdout)
    assert summary["status"] == "succeeded" and summary["missed"] == [] and summary["speedup"] > 0

    missed = whetstone("optimize", str(first["model"]), "--recipe", "lossless", "--wait", "--min-speedup", "1000",
                       "--poll", "0.5", check=1)
    assert "threshold missed: speedup" in missed.stderr
    missed_job = json.loads(missed.stdout)["job"]

    job = json.loads(whetstone("jobs", "get", str(summary["job"])).stdout)
    assert job["status"] == "succeeded" and job["report"]["overall"]["speedup"] == summary["speedup"]

    downloaded = json.loads(whetstone("packages", "download", str(summary["job"]), "-o", "pkg.zip").stdout)
    names = set(zipfile.ZipFile(downloaded["path"] if os.path.isabs(downloaded["path"])
                                else whetstone.home / downloaded["path"]).namelist())
    assert {"model.onnx", "runtime.json", "report.json"} <= names

    # Exports for Triton and KServe, as a pipeline hands them on.
    triton = json.loads(whetstone("packages", "triton", str(summary["job"]), "--name", name,
                                  "--max-batch-size", "16").stdout)
    package_uri = f"s3://{stack.env['S3_BUCKET']}/packages/{summary['job']}/attempt-"  # the published attempt
    endpoint = stack.env["S3_ENDPOINT_URL"].removeprefix("http://")
    assert triton["model_repository"] == f"s3://{endpoint}/{stack.env['S3_BUCKET']}/packages/{summary['job']}/triton"
    assert "max_batch_size: 16" in triton["config_pbtxt"]
    stored = s3_client(stack).get_object(Bucket=stack.env["S3_BUCKET"],
                                         Key=f"packages/{summary['job']}/triton/{name}/config.pbtxt")
    assert stored["Body"].read().decode() == triton["config_pbtxt"]
    manifest = yaml.safe_load(whetstone("packages", "kserve", str(summary["job"]), "--name", name,
                                        "--namespace", "ml").stdout)
    assert (manifest["kind"], manifest["metadata"]["namespace"]) == ("InferenceService", "ml")
    assert manifest["spec"]["predictor"]["model"]["storageUri"].startswith(package_uri)
    refused = whetstone("packages", "triton", str(summary["job"]), "--name", "../up", check=2)
    assert "Triton model name" in refused.stderr

    deployed = json.loads(whetstone("deploy", str(summary["job"]), "--access-token", "--max-batch-size", "4",
                                    "--max-batch-time", "0.002", "--wait", "--poll", "0.5").stdout)
    assert deployed["status"] == "ready" and deployed["endpoint_url"].endswith("/infer")
    assert deployed["access_token"].startswith("wst_") and deployed["max_batch_size"] == 4
    listed = json.loads(whetstone("deployments", "list", "--model", str(first["model"]), "--json").stdout)
    assert [(d["id"], d["status"]) for d in listed] == [(deployed["id"], "ready")]

    # CI's usual step: the newer package goes to the endpoint already serving.
    replaced = json.loads(whetstone("deploy", str(missed_job), "--replace", str(deployed["id"]), "--wait",
                                    "--poll", "0.5").stdout)
    assert (replaced["id"], replaced["job"], replaced["status"]) == (deployed["id"], missed_job, "ready")
    assert replaced["endpoint_url"] == deployed["endpoint_url"] and replaced["max_batch_size"] == 4

    stopped = json.loads(whetstone("deployments", "stop", str(deployed["id"]), "--wait", "--poll", "0.5").stdout)
    assert stopped["status"] == "stopped"
    refused = whetstone("deploy", str(summary["job"]), "--replace", str(deployed["id"]), check=2)
    assert "is stopped" in refused.stderr


def test_list_and_cancel_jobs_through_the_cli(stack, whetstone, ci_token, tmp_path):
    whetstone("login", "--url", stack.web_url, "--token", ci_token)
    name = f"cli-slow-{uuid.uuid4().hex[:6]}"
    model = json.loads(whetstone("models", "register", str(slow_matmul_chain(tmp_path / "slow.onnx", size=768,
                                                                             layers=16)), "--name", name).stdout)
    # The stack's one worker runs the first job for seconds; the second waits in the queue.
    running = json.loads(whetstone("optimize", name, "--recipe", "lossless").stdout)
    queued = json.loads(whetstone("optimize", name, "--recipe", "lossless").stdout)

    listed = json.loads(whetstone("jobs", "list", "--model", str(model["model"]), "--json").stdout)
    assert [job["id"] for job in listed] == [queued["id"], running["id"]]  # newest first
    assert json.loads(whetstone("jobs", "cancel", str(queued["id"])).stdout)["status"] == "cancelled"
    stopped = whetstone("jobs", "cancel", str(running["id"]), "--wait", "--poll", "0.5")
    assert json.loads(stopped.stdout)["status"] in ("cancelled", "succeeded")  # had it just finished: a note
    assert whetstone("jobs", "list", "--model", str(model["model"]), "--status", "running", "--json").stdout.strip() == "[]"

    # A clean-up step may cancel a job that already ended: it is left as it is, and that is not an error.
    again = whetstone("jobs", "cancel", str(queued["id"]))
    assert json.loads(again.stdout)["status"] == "cancelled"


def test_cli_errors_exit_2_with_the_servers_explanation(stack, whetstone, ci_token, tmp_path):
    whetstone("login", "--url", stack.web_url, "--token", ci_token)
    missing = whetstone("optimize", "no-such-model-anywhere", "--wait", check=2)
    assert "No model named" in missing.stderr
    bad = tmp_path / "notes.onnx"
    bad.write_text("not a model\n" * 20)
    refused = whetstone("models", "register", str(bad), "--name", f"bad-{uuid.uuid4().hex[:6]}", check=2)
    assert "400" in refused.stderr and "onnx" in refused.stderr.lower()
    wrong_token = whetstone("login", "--url", stack.web_url, "--token", "wst_not-a-real-token", check=2)
    assert "401" in wrong_token.stderr


def test_register_by_s3_uri_through_the_cli(stack, whetstone, ci_token, tmp_path):
    s3 = s3_client(stack)
    bucket = f"ci-models-{uuid.uuid4().hex[:6]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="tiny/model.onnx", Body=tiny_mlp(tmp_path / "t.onnx").read_bytes())
    whetstone("login", "--url", stack.web_url, "--token", ci_token)
    name = f"from-s3-{uuid.uuid4().hex[:6]}"
    registered = json.loads(whetstone("models", "register", f"s3://{bucket}/tiny/model.onnx", "--name", name).stdout)
    assert registered["version"] == 1
    unreadable = whetstone("models", "register", f"s3://{bucket}/nothing-here.onnx", "--name", name + "-x", check=2)
    assert "no such object" in unreadable.stderr


def test_large_files_go_through_a_presigned_multipart_upload(stack, whetstone, ci_token, tmp_path):
    whetstone("login", "--url", stack.web_url, "--token", ci_token)
    name = f"cli-multipart-{uuid.uuid4().hex[:6]}"
    model_file = tiny_mlp(tmp_path / "large.onnx")
    first = whetstone("models", "register", str(model_file), "--name", name, "--multipart-threshold", "1")
    assert json.loads(first.stdout)["version"] == 1 and "uploaded part 1/1" in first.stderr
    second = whetstone("models", "register", str(model_file), "--name", name, "--multipart-threshold", "1")
    assert json.loads(second.stdout)["version"] == 2


def test_deleted_model_is_purged_from_object_storage_by_the_worker(stack, tmp_path):
    api = stack.api()
    with open(tiny_mlp(tmp_path / "d.onnx"), "rb") as handle:
        model = api.post(f"{stack.web_url}/api/v1/models/", files={"file": ("d.onnx", handle)},
                         data={"name": f"doomed-{uuid.uuid4().hex[:6]}"}, timeout=60).json()
    s3 = s3_client(stack)
    prefix = f"models/{model['id']}/"
    assert s3.list_objects_v2(Bucket="whetstone", Prefix=prefix).get("KeyCount", 0) == 1
    assert api.delete(f"{stack.web_url}/api/v1/models/{model['id']}/", timeout=10).status_code == 204
    assert api.get(f"{stack.web_url}/api/v1/models/{model['id']}/", timeout=10).status_code == 404
    deadline = time.monotonic() + 60
    while s3.list_objects_v2(Bucket="whetstone", Prefix=prefix).get("KeyCount", 0):
        assert time.monotonic() < deadline, "the worker did not purge the deleted model's objects"
        time.sleep(0.5)
