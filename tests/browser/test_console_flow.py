"""The console end to end: a user registers, optimizes and deploys a model in Chromium,
against the real stack (web server, Celery worker, Redis, S3 server, MLServer)."""

from __future__ import annotations

import json
import re
import shlex
import uuid
from pathlib import Path

import numpy as np
import onnx
import pytest
import requests
from onnx import TensorProto, helper, numpy_helper
from playwright.sync_api import expect

from tests.support.models import slow_matmul_chain

from .pages import (
    ComparePage,
    DashboardPage,
    JobPage,
    JobsListPage,
    ListPage,
    LoginPage,
    ModelDetailPage,
    ModelsPage,
    TeamsPage,
    TokensPage,
    WebhooksPage,
)

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FEATURES = 8
UNITS = 4
JOB_TIMEOUT_S = 420
DEPLOY_TIMEOUT_S = 180
NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1440, "height": 900}


def matmul_add_relu(path: Path) -> Path:
    """y = relu(x @ W + b) with a symbolic batch dim.

    The weights are new on every run: the compiler core caches tuning results by the model's
    SHA-256 on the worker's machine, and a cache hit skips the candidates this test reads.
    """
    rng = np.random.default_rng(uuid.uuid4().int)
    weights = numpy_helper.from_array(rng.standard_normal((FEATURES, UNITS)).astype(np.float32), "W")
    bias = numpy_helper.from_array(rng.standard_normal(UNITS).astype(np.float32), "b")
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["xw"]),
            helper.make_node("Add", ["xw", "b"], ["z"]),
            helper.make_node("Relu", ["z"], ["y"]),
        ],
        "matmul_add_relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", FEATURES])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", UNITS])],
        initializer=[weights, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="whetstone-browser-test")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


# Code, logs and text fields keep their lines and scroll inside their own box; nothing else may
# scroll sideways on a phone: list tables are cards there (ResponsiveTable), not cut tables.
# The try-it form's top-k tables (InferenceOutputs) are the one exception left: that form is being
# reworked on its own; once they are ResponsiveTables, drop them from this list.
OWN_SCROLLERS = "pre, textarea, .job-log, [data-testid='infer-outputs'] .table-scroll"
# What a keyboard reaches, in the order the browser walks it.
FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, summary"


def assert_fits_narrow_screen(console_page, screenshot_name: str) -> None:
    """At phone width the page reflows: no box reaches past the screen or scrolls sideways (code and
    logs excepted), and every list table shows its rows as stacked cards."""
    page = console_page.page
    desktop = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        console_page.screenshot(screenshot_name)
        width = page.evaluate("document.documentElement.scrollWidth")
        # Boxes that reach past the screen, and boxes whose content does (a long word in a box that
        # fits, a table wider than its scroll box). What is not shown (a folded menu's entries) and
        # overflow hidden on purpose (visually hidden text, a clamped description) cut nothing.
        culprits = page.evaluate("""(ownScrollers) => [...document.querySelectorAll('body *')]
            .filter(e => !e.closest(ownScrollers) && e.checkVisibility())
            .filter(e => !['hidden', 'clip'].includes(getComputedStyle(e).overflowX))
            // (an SVG chart's parts have no CSS box of their own: only where they reach counts)
            // (a zero-width box is a layout probe, such as the div Recharts measures its container
            // with: its content is judged by where it reaches, like an SVG's parts)
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                         || (!(e instanceof SVGElement) && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' in ' + (e.parentElement.closest('[data-testid]')
                                  ?.dataset.testid ?? 'the page') + ' ' + Math.round(e.getBoundingClientRect().right)
                              + ' (content ' + e.scrollWidth + ' in ' + e.clientWidth + '): '
                              + JSON.stringify(e.textContent.trim().slice(0, 40)))""", OWN_SCROLLERS)
        assert width <= NARROW["width"] and not culprits, (
            f"{page.url} is {width}px wide on a {NARROW['width']}px screen: {culprits}")
        rows_not_cards = page.evaluate("""() => [...document.querySelectorAll('.responsive-table > table > tbody > tr')]
            .filter(row => getComputedStyle(row).display !== 'block').length""")
        assert rows_not_cards == 0, f"{page.url}: {rows_not_cards} table rows are not cards at {NARROW['width']}px"
    finally:
        page.set_viewport_size(desktop)


def screenshot_at_both_widths(console_page, name: str) -> None:
    """The page as a desktop (1,440 px) and a phone (390 px) show it; at 390 px it must fit."""
    page = console_page.page
    desktop = page.viewport_size
    page.set_viewport_size(WIDE)
    try:
        console_page.screenshot(f"{name}-1440")
        assert_fits_narrow_screen(console_page, f"{name}-390")
    finally:
        page.set_viewport_size(desktop)


def assert_tab_walks_cards_in_order(console_page, table_testid: str) -> int:
    """At phone width, Tab from a table's first control visits every link and button of its cards in
    document order, each one on screen. Returns how many it visited."""
    page = console_page.page
    desktop = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        table = page.get_by_test_id(table_testid)
        count = table.evaluate("""(table, focusable) => {
            const items = [...table.querySelectorAll(focusable)].filter(e => e.checkVisibility());
            items.forEach((e, index) => { e.dataset.focusStep = String(index); });
            return items.length;
        }""", FOCUSABLE)
        assert count > 0, f"{table_testid} has nothing to focus"
        table.locator("[data-focus-step='0']").focus()
        for step in range(count):
            if step:
                page.keyboard.press("Tab")
            focused = page.evaluate("""() => { const e = document.activeElement, box = e.getBoundingClientRect();
                return {step: e.dataset.focusStep ?? null, name: e.getAttribute('aria-label') || e.textContent.trim(),
                        left: box.left, right: box.right, width: box.width}; }""")
            assert focused["step"] == str(step), f"Tab {step} in {table_testid} went to {focused}"
            assert focused["width"] > 0 and focused["left"] >= 0 and focused["right"] <= NARROW["width"], (
                f"{focused['name']!r} is off the {NARROW['width']}px screen: {focused}")
        return count
    finally:
        page.set_viewport_size(desktop)


def curl_request(snippet: str) -> tuple[str, dict, dict]:
    """The URL, headers and JSON body of the console's curl snippet, parsed the way a shell would."""
    words = shlex.split(snippet.replace("\\\n", " "), comments=True)
    url = words[words.index("-X") + 2]
    headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
    return url, headers, json.loads(words[words.index("-d") + 1])


def test_register_optimize_report_deploy(stack, browser_page, screenshots, tmp_path):
    model_file = matmul_add_relu(tmp_path / "matmul_add_relu.onnx")
    login = LoginPage(browser_page, screenshots).open()
    login.screenshot("01-login")

    models = login.log_in(stack.admin_username, stack.admin_password)
    models.screenshot("02-models")

    detail = models.upload(model_file, name="browser-mlp", description="MatMul, Add, Relu; dynamic batch")
    model_url = browser_page.url
    assert "will help" in detail.advice("lossless"), "the inspection's advice is missing"
    assert "because" in detail.advice("int8")
    assert detail.version_rows()[0].startswith("v1")
    expect(browser_page.get_by_test_id("model-jobs")).to_have_count(0)  # no job yet: the empty state
    assert "[batch, 8]" in detail.input_shapes()
    assert "batch" in detail.dynamic_dims()
    assert detail.node_count("compute") == 1
    assert detail.node_count("memory") == 2
    assert detail.node_count("total") == 3
    expect(browser_page).to_have_title("browser-mlp · Whetstone")
    detail.screenshot("03-model-detail")
    assert_fits_narrow_screen(detail, "03-model-detail-narrow")

    job = detail.optimize(recipe="lossless")
    job.screenshot("04-job-in-progress")
    status = job.wait_until_finished(timeout_s=JOB_TIMEOUT_S)
    assert status == "succeeded", f"job ended {status}: {job.error()}"

    # A tiny model on a loaded runner may gain nothing at batch=1 and still route other shapes to a
    # faster variant: all three verdicts are honest outcomes; "Speed-up not reported" is not one.
    assert re.fullmatch(r"\d+\.\d\d× faster|No gain: the original model ships"
                        r"|No gain at \S+: other shapes are faster \(see the shape set\)",
                        job.overall_speedup()), job.overall_speedup()
    assert job.optimization_rows(), "the report lists no optimizations"
    before_total, after_total = job.kernel_counts("total")
    assert before_total == "3", f"kernels before: {before_total}"
    assert re.fullmatch(r"\d+", after_total)
    assert "meets the budget" in job.accuracy_verdict()
    assert any("batch" in row for row in job.shape_rows()), job.shape_rows()
    assert job.candidate_rows(), "the report lists no candidates"
    # p50/p90/p99 per shape where the report carries them (report_version 2), else the p50 bars.
    expect(browser_page.get_by_test_id("percentile-group").or_(
        browser_page.get_by_test_id("latency-bar-group")).first).to_be_visible()
    assert job.log_lines(), "the job log is empty"
    package = browser_page.request.get(job.package_href())
    assert package.ok and package.body()[:2] == b"PK", f"package download: HTTP {package.status}"
    job.screenshot("05-job-report")
    repository = job.export_triton("console-tiny")
    assert re.fullmatch(r"--model-repository=s3://\S+/packages/\d+/triton", repository), repository
    assert '"storageUri": "s3://' in job.kserve_manifest()
    job.screenshot("05-job-exports")

    assert_fits_narrow_screen(job, "06-job-report-narrow")

    deployment = job.deploy()
    deployment.screenshot("07-deployment-pending")
    status = deployment.wait_until_settled(timeout_s=DEPLOY_TIMEOUT_S)
    assert status == "ready", f"deployment ended {status}: {deployment.message()}"
    endpoint = deployment.endpoint_url()
    assert endpoint.startswith(stack.serving_url) and endpoint.endswith("/infer"), endpoint
    assert "Engine live" in deployment.health()
    # The test-inference form calls the engine from the browser (CORS on the serving origin).
    answer_text = deployment.send_test_inference_with_keyboard()
    assert "HTTP 200" in answer_text and '"name": "y"' in answer_text, answer_text
    expect(browser_page.get_by_test_id("infer-outputs")).to_be_visible()  # rendered, the raw JSON folded
    deployment.screenshot("08-deployment-ready")
    assert_fits_narrow_screen(deployment, "08-deployment-ready-narrow")

    # The curl snippet is what a user copies: it must work against the live endpoint as shown.
    url, headers, body = curl_request(deployment.curl_snippet())
    assert url == endpoint
    assert "Authorization" not in headers
    answer = requests.post(url, json=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    (output,) = answer.json()["outputs"]
    assert output["shape"] == [1, UNITS]
    assert "requests.post" in deployment.python_snippet()

    # Deployment health: the calls above reach the charts (rate, p50/p99, error rate per minute).
    summaries = deployment.traffic_charts(timeout_s=45)
    assert [summary.split(" over ")[0] for summary in summaries] == ["Requests per second", "Latency", "Error rate"]
    assert "requests latest" in summaries[0] and "errors latest 0.00%" in summaries[2], summaries
    assert deployment.traffic_requests() >= 2
    deployment.screenshot("08-deployment-traffic")
    assert_fits_narrow_screen(deployment, "08-deployment-traffic-narrow")

    jobs = deployment.open_from_nav("Jobs")
    assert any("browser-mlp" in row and "succeeded" in row for row in jobs.rows("job-row")), jobs.rows("job-row")
    jobs.screenshot("09-jobs")
    assert_fits_narrow_screen(jobs, "09-jobs-narrow")
    deployments = jobs.open_from_nav("Deployments")
    rows = deployments.rows("deployment-row")
    assert any("browser-mlp" in row and "ready" in row and endpoint in row for row in rows), rows
    deployments.screenshot("09-deployments")
    assert_fits_narrow_screen(deployments, "09-deployments-narrow")

    dashboard = DashboardPage(browser_page, screenshots).open()
    assert dashboard.jobs() >= 1
    assert re.fullmatch(r"\d+%", dashboard.share_above_1_1())
    dashboard.screenshot("09-dashboard")
    assert_fits_narrow_screen(dashboard, "09-dashboard-narrow")

    browser_page.goto(model_url)
    model_page = ModelDetailPage(browser_page, screenshots)
    model_page.wait_until_shown("browser-mlp")
    assert any("succeeded" in row for row in model_page.job_rows()), model_page.job_rows()
    expect(browser_page.get_by_test_id("model-deployments")).to_contain_text(deployment_name(endpoint))
    deployments = model_page.open_from_nav("Deployments")

    browser_page.get_by_role("link", name=deployment_name(endpoint)).click()
    expect(deployment.status).to_have_text("ready")
    assert deployment.stop(timeout_s=DEPLOY_TIMEOUT_S) == "stopped", deployment.message()
    assert requests.post(url, json=body, timeout=30).status_code != 200, "a stopped deployment still answers"
    deployment.screenshot("10-deployment-stopped")


def deployment_name(endpoint: str) -> str:
    return endpoint.rstrip("/").split("/")[-2]


def test_deploy_behind_an_access_token(stack, browser_page, screenshots, tmp_path):
    model_file = matmul_add_relu(tmp_path / "token_mlp.onnx")
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    job = models.upload(model_file, name="browser-token-mlp").optimize(recipe="lossless")
    assert job.wait_until_finished(timeout_s=JOB_TIMEOUT_S) == "succeeded", job.error()

    deployment = job.deploy(require_access_token=True)
    token = deployment.access_token()
    assert len(token) >= 16, "the access token looks too short to be a secret"
    assert deployment.wait_until_settled(timeout_s=DEPLOY_TIMEOUT_S) == "ready", deployment.message()
    deployment.screenshot("01-deployment-with-token")
    # The form starts with the token the page was given once; the browser's call needs CORS to allow it.
    answer_text = deployment.send_test_inference_with_keyboard()
    assert "HTTP 200" in answer_text, answer_text

    url, headers, body = curl_request(deployment.curl_snippet())
    assert headers["Authorization"] == f"Bearer {token}"
    assert requests.post(url, json=body, headers=headers, timeout=30).status_code == 200
    assert requests.post(url, json=body, timeout=30).status_code == 401, "the endpoint answers without the token"

    # The token is shown once: after a reload the page only says that one is needed.
    browser_page.reload()
    expect(browser_page.get_by_test_id("token-required")).to_be_visible()
    expect(browser_page.get_by_test_id("access-token")).to_have_count(0)
    assert token not in deployment.curl_snippet()
    # Without the token the engine's refusal is shown as it came.
    assert "HTTP 401" in deployment.send_test_inference_with_keyboard()


def test_cancel_a_running_optimization(stack, browser_page, screenshots, tmp_path):
    slow_model = slow_matmul_chain(tmp_path / "slow_chain.onnx")
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    job = models.upload(slow_model, name="browser-slow-chain").optimize_with_keyboard(recipe="auto")
    job.cancel_with_keyboard()
    assert job.wait_until_finished(timeout_s=120) == "cancelled", job.error()
    expect(browser_page.get_by_role("button", name="Cancel job")).to_have_count(0)
    expect(browser_page.get_by_test_id("report")).to_have_count(0)
    job.screenshot("01-job-cancelled")


def test_upload_rejection_is_shown_beside_the_file_field(stack, browser_page, screenshots, tmp_path):
    not_a_model = tmp_path / "notes.onnx"
    not_a_model.write_text("these are meeting notes, not a model")
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)

    message = models.upload_expecting_rejection(not_a_model, name="not-a-model")
    assert message.strip(), "the server gave no reason for refusing the file"
    assert browser_page.get_by_label("Model file").get_attribute("aria-invalid") == "true"
    models.screenshot("01-upload-rejected")
    models.search("not-a-model")
    assert "not-a-model" not in models.model_names()


def test_wrong_password_is_refused(stack, browser_page, screenshots):
    login = LoginPage(browser_page, screenshots).open()
    login.submit(stack.admin_username, "not-the-password")
    assert "Unable to log in" in login.password_errors()
    assert browser_page.url.endswith("/login")
    login.screenshot("01-login-refused")


def test_deep_link_asks_for_login_and_returns_there_by_keyboard(stack, browser_page, screenshots):
    browser_page.goto("/deployments")
    expect(browser_page).to_have_url(re.compile(r"/login\?next=%2Fdeployments$"))
    login = LoginPage(browser_page, screenshots)
    login.screenshot("01-login-for-deep-link")
    login.log_in_with_keyboard(stack.admin_username, stack.admin_password)
    expect(browser_page).to_have_url(re.compile(r"/deployments$"))
    expect(browser_page.get_by_role("heading", name="Deployments", level=1)).to_be_visible()
    # The first Tab on a console page offers to skip the navigation.
    browser_page.keyboard.press("Tab")
    expect(browser_page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_models_list_filters_sorts_and_registers_by_uri(stack, browser_page, screenshots, tmp_path):
    """PAI's ModelHub list: register from object storage, narrow by tag and format, sort by name."""
    import boto3

    run = uuid.uuid4().hex[:8]
    model_file = matmul_add_relu(tmp_path / "uri_mlp.onnx")
    env = stack.env
    s3 = boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], aws_access_key_id=env["S3_ACCESS_KEY_ID"],
                      aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"], region_name=env["S3_REGION"])
    # A user's own bucket: the ModelHub refuses URIs inside its own storage bucket.
    bucket = "browser-team-models"
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket)
    key = f"incoming/{run}/uri_mlp.onnx"
    s3.upload_file(str(model_file), bucket, key)

    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    models.register_uri(f"s3://{bucket}/incoming/{run}/missing.onnx", name=f"missing-{run}")
    assert models.uri_errors().strip(), "no reason given beside the URI field"
    models.screenshot("01-register-uri-rejected")

    browser_page.get_by_label("Object URI").fill(f"s3://{bucket}/{key}")
    browser_page.get_by_test_id("upload-form").get_by_label("Name").fill(f"b-uri-{run}")
    browser_page.get_by_test_id("upload-form").get_by_label("Tags").fill(f"tag-{run}, browser")
    browser_page.get_by_text("Model card (Markdown, optional)").click()
    browser_page.get_by_label("Model card", exact=True).fill(
        "# URI MLP\n\nRegistered **from S3**.\n\n<script>window.cardScriptRan = true</script>"
        "<img src=x onerror=\"window.cardScriptRan = true\">")
    browser_page.get_by_role("button", name="Register").click()
    expect(browser_page).to_have_url(re.compile(r"/models/\d+$"), timeout=60_000)
    detail = ModelDetailPage(browser_page, screenshots)
    detail.wait_until_shown(f"b-uri-{run}")
    assert f"tag-{run}" in detail.tags()
    expect(browser_page.get_by_test_id("storage-address")).to_contain_text("s3://")
    card = browser_page.get_by_test_id("model-card")
    expect(card.get_by_role("heading", name="URI MLP")).to_be_visible()
    expect(card.locator("strong")).to_have_text("from S3")
    assert card.locator("script").count() == 0
    assert browser_page.evaluate("window.cardScriptRan") is None, "the model card ran a script"
    detail.screenshot("02-model-from-uri")

    models.open()
    models.filter_by_tag(f"tag-{run}")
    assert models.model_names() == [f"b-uri-{run}"]
    assert models.sources() and "mine" in models.sources()[0]
    models.filter_by("Format", "onnx")
    assert models.model_names() == [f"b-uri-{run}"]
    models.filter_by("Format", "torchscript")
    expect(browser_page.get_by_test_id("empty-state")).to_contain_text("No model matches")
    models.screenshot("03-models-filtered-empty")

    models.open()
    models.sort_by_name()
    assert models.sort_state("name") == "ascending"
    names = models.model_names()
    assert names == sorted(names, key=str.lower) or names == sorted(names), names
    models.screenshot("04-models-sorted")
    assert_fits_narrow_screen(models, "04-models-narrow")

    models.search_with_keyboard(f"b-uri-{run}")
    assert models.model_names() == [f"b-uri-{run}"]
    assert "Download v1" in models.open_more_with_keyboard(f"b-uri-{run}")
    models.screenshot("05-models-more-menu")


def test_api_tokens_create_once_and_revoke(stack, browser_page, screenshots):
    login = LoginPage(browser_page, screenshots).open()
    login.log_in(stack.admin_username, stack.admin_password)
    tokens = TokensPage(browser_page, screenshots).open()
    name = f"ci-{uuid.uuid4().hex[:6]}"
    secret = tokens.create_with_keyboard(name)
    assert secret.startswith("wst_"), secret
    tokens.screenshot("01-token-created")
    whoami = requests.get(f"{stack.web_url}/api/v1/auth/me/", headers={"Authorization": f"Token {secret}"}, timeout=10)
    assert whoami.status_code == 200, whoami.text
    assert any(name in row and "active" in row for row in tokens.rows()), tokens.rows()
    assert all(secret not in row for row in tokens.rows())

    tokens.revoke(name)
    assert any(name in row and "revoked" in row for row in tokens.rows()), tokens.rows()
    refused = requests.get(f"{stack.web_url}/api/v1/auth/me/", headers={"Authorization": f"Token {secret}"}, timeout=10)
    assert refused.status_code == 401
    tokens.screenshot("02-token-revoked")
    assert_fits_narrow_screen(tokens, "03-tokens-narrow")
    # Shown once: a reload lists the token but never its secret.
    browser_page.reload()
    expect(browser_page.get_by_test_id("new-token")).to_have_count(0)


def test_webhooks_add_and_delete(stack, browser_page, screenshots):
    LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    webhooks = WebhooksPage(browser_page, screenshots).open()
    url = f"https://ci.example.com/hooks/{uuid.uuid4().hex[:8]}"
    assert webhooks.add_with_keyboard(url), "no signing secret shown"
    expect(browser_page.get_by_test_id("webhook-row").filter(has_text=url)).to_be_visible()
    webhooks.screenshot("01-webhook-added")
    assert_fits_narrow_screen(webhooks, "02-webhooks-narrow")
    webhooks.delete(url)
    assert url not in webhooks.urls()


def large_matmul(path: Path) -> Path:
    """A model just past the console's multipart threshold (64 MiB): y = x @ W, W 4096x4224 float32."""
    rng = np.random.default_rng(uuid.uuid4().int)
    weights = numpy_helper.from_array(rng.standard_normal((4096, 4224)).astype(np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])],
        "large_matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4096])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4224])],
        initializer=[weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def test_large_file_goes_straight_to_object_storage(stack, browser_page, screenshots, tmp_path):
    """Past 64 MiB the console hashes the file, PUTs its parts to presigned S3 URLs, then completes."""
    import boto3

    env = stack.env
    s3 = boto3.client("s3", endpoint_url=env["S3_ENDPOINT_URL"], aws_access_key_id=env["S3_ACCESS_KEY_ID"],
                      aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"], region_name=env["S3_REGION"])
    # What an operator configures on the bucket for browser uploads: this origin may PUT, and may read ETag.
    s3.put_bucket_cors(Bucket=env["S3_BUCKET"], CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": [stack.web_url], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
    model_file = large_matmul(tmp_path / "large_matmul.onnx")
    assert model_file.stat().st_size > 64 * 1024 * 1024

    part_puts: list[str] = []
    browser_page.on("request", lambda request: part_puts.append(request.url)
                    if request.method == "PUT" and request.url.startswith(env["S3_ENDPOINT_URL"]) else None)
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    name = f"browser-large-{uuid.uuid4().hex[:6]}"
    detail = models.upload(model_file, name=name,
                           while_uploading=lambda listing: listing.page.screenshot(
                               path=str(screenshots / "00-upload-progress.png")))
    assert len(part_puts) >= 2, f"expected the parts to go to object storage, saw {part_puts}"
    assert detail.version_rows()[0].startswith("v1")
    detail.screenshot("01-large-model")


def test_models_list_fits_1440_px_long_names_wrap_and_search_forgives_typos(stack, browser_page, screenshots,
                                                                             tmp_path):
    """Issue 24: at 1440 px the models list shows its Actions column without scrolling, with the
    latest job and the size; a 200-character name wraps on the model page at 390 px; a typo
    still finds the model."""
    run = uuid.uuid4().hex[:8]
    model_file = matmul_add_relu(tmp_path / "long_name.onnx")
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    long_name = f"doc-orientation-{run}-" + "x" * (200 - len(f"doc-orientation-{run}-"))
    detail = models.upload(model_file, name=long_name)
    detail.wait_until_shown(long_name)
    assert_fits_narrow_screen(detail, "01-long-name-390")

    browser_page.set_viewport_size(WIDE)
    models = ModelsPage(browser_page, screenshots).open()
    models.search(f"doc orientaton {run}")
    assert models.model_names() == [long_name]
    table_box = browser_page.get_by_test_id("models-table").locator("xpath=..").bounding_box()
    actions_box = browser_page.get_by_role("columnheader", name="Actions").bounding_box()
    assert actions_box["x"] + actions_box["width"] <= table_box["x"] + table_box["width"] + 1, (
        f"the Actions column ends at {actions_box['x'] + actions_box['width']}px, "
        f"past the list's box ({table_box['x'] + table_box['width']}px)")
    expect(browser_page.get_by_test_id("model-latest-job").first).to_have_text("none yet")
    expect(browser_page.get_by_test_id("model-size").first).to_contain_text("B")
    models.screenshot("02-models-1440")
    assert_fits_narrow_screen(models, "03-models-390")


def test_jobs_list_filters_are_kept_in_the_url(stack, browser_page, screenshots, tmp_path):
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(matmul_add_relu(tmp_path / "jobs_filter.onnx"), name=f"jobs-filter-{uuid.uuid4().hex[:8]}")
    detail.optimize(recipe="lossless")
    jobs = ListPage(browser_page, screenshots).open_from_nav("Jobs")
    browser_page.get_by_label("Recipe").select_option("lossless")
    expect(browser_page).to_have_url(re.compile(r"recipe=lossless"))
    browser_page.get_by_role("button", name=re.compile(r"^Only jobs of ")).first.click()
    expect(browser_page).to_have_url(re.compile(r"model=\d+"))
    expect(browser_page.get_by_test_id("job-model-filter")).to_be_visible()
    jobs.screenshot("01-jobs-filtered-1280")
    browser_page.reload()
    expect(browser_page.get_by_label("Recipe")).to_have_value("lossless")
    assert_fits_narrow_screen(jobs, "02-jobs-390")


def test_report_page_tells_the_story_at_1440_px(stack, browser_page, screenshots, tmp_path):
    """Issue 24: the report leads with what ships (structure, not the routes label), draws the
    candidates' speed-up against accuracy and the p50/p90/p99 per shape, and folds its long tables,
    so the page is far shorter than the 4,454 px it was."""
    browser_page.set_viewport_size(WIDE)
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(matmul_add_relu(tmp_path / "report_story.onnx"), name=f"report-{uuid.uuid4().hex[:8]}")
    job = detail.optimize(recipe="lossless")
    expect(browser_page.get_by_test_id("job-elapsed")).to_contain_text("running for", timeout=60_000)
    status = job.wait_until_finished(timeout_s=JOB_TIMEOUT_S)
    assert status == "succeeded", f"job ended {status}: {job.error()}"
    assert "+routes[" not in browser_page.get_by_test_id("report").inner_text()
    assert job.shipped_words().startswith("The package runs"), job.shipped_words()
    assert job.shipped_rows(), "no shape in the shipped table"
    assert job.plotted_candidates(), "the plot places no candidate"
    assert job.percentile_shapes() == len(job.shape_rows())
    assert not job.section_is_open("report-candidates"), "the candidates table should start folded"
    height = job.page_height()
    job.screenshot("01-report-1440")
    assert height < 3000, f"the report page is {height}px tall at 1440 px"
    job.open_section("report-candidates")
    expect(browser_page.get_by_test_id("candidates-table")).to_be_visible()
    job.screenshot("02-report-candidates-open-1440")
    assert_fits_narrow_screen(job, "03-report-390")


def test_compare_two_jobs_side_by_side_at_1440_px(stack, browser_page, screenshots, tmp_path):
    """Issue 24: tick two jobs in the list, compare them; the selection is in the URL, so the link
    survives a reload and can be shared."""
    browser_page.set_viewport_size(WIDE)
    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(matmul_add_relu(tmp_path / "compare.onnx"), name=f"compare-{uuid.uuid4().hex[:8]}")
    model_url = browser_page.url
    job_ids = []
    for _ in range(2):
        job = detail.optimize(recipe="lossless")
        job_ids.append(int(browser_page.url.rstrip("/").rsplit("/", 1)[1]))
        assert job.wait_until_finished(timeout_s=JOB_TIMEOUT_S) == "succeeded", job.error()
        browser_page.goto(model_url)
        detail.version_rows()
    jobs = JobsListPage(browser_page, screenshots).open()
    for job_id in job_ids:
        jobs.tick_for_compare(job_id)
    compare = jobs.compare()
    expect(browser_page).to_have_url(re.compile(rf"/compare\?jobs={job_ids[0]}(,|%2C){job_ids[1]}$"))
    assert [column.split("\n")[0] for column in compare.columns()] == [f"Job #{job_id}" for job_id in job_ids]
    speedups = compare.cells("compare-speedup")
    assert len(speedups) == 2 and all(re.match(r"\d+\.\d\d×", cell) for cell in speedups), speedups
    assert all(cell != "—" for cell in compare.cells("compare-shipped"))
    assert compare.shape_labels(), "no per-shape row"
    compare.screenshot("01-compare-1440")
    browser_page.reload()
    compare.wait_until_shown()
    assert len(compare.columns()) == 2
    assert_fits_narrow_screen(compare, "02-compare-390")


def accept_invitations(stack, session) -> None:
    """The invitee answers yes through the API (`session` holds their token), as their CLI would."""
    invitations = session.get(f"{stack.web_url}/api/v1/team-invitations/", timeout=10).json()["results"]
    assert invitations, "the invitee has no invitation"
    for invitation in invitations:
        accepted = session.post(f"{stack.web_url}/api/v1/team-invitations/{invitation['id']}/accept/", timeout=10)
        assert accepted.status_code == 200, accepted.text


def test_every_page_at_1440_and_390_px(stack, browser_page, screenshots, tmp_path):
    """Issue 24: every console page, screenshotted at 1,440 and 390 px; at 390 px nothing scrolls
    sideways, the list tables are stacked cards, and Tab walks a card list's links in order."""
    run = uuid.uuid4().hex[:6]
    login = LoginPage(browser_page, screenshots).open()
    screenshot_at_both_widths(login, "01-login")
    models = login.log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(matmul_add_relu(tmp_path / "every_page.onnx"), name=f"every-page-{run}",
                           description="MatMul, Add, Relu; screenshotted at two widths")
    model_url = browser_page.url
    job_ids = []
    for _ in range(2):  # two jobs for the compare page
        job = detail.optimize(recipe="lossless")
        job_ids.append(int(browser_page.url.rstrip("/").rsplit("/", 1)[1]))
        assert job.wait_until_finished(timeout_s=JOB_TIMEOUT_S) == "succeeded", job.error()
        browser_page.goto(model_url)
        detail.wait_until_shown(f"every-page-{run}")

    models = ModelsPage(browser_page, screenshots).open()
    screenshot_at_both_widths(models, "02-models")
    assert assert_tab_walks_cards_in_order(models, "models-table") >= 5  # the sort buttons, then each card
    browser_page.goto(model_url)
    detail.wait_until_shown(f"every-page-{run}")
    detail.job_rows()
    screenshot_at_both_widths(detail, "03-model")

    jobs = JobsListPage(browser_page, screenshots).open()
    screenshot_at_both_widths(jobs, "04-jobs")
    assert_tab_walks_cards_in_order(jobs, "jobs-table")
    browser_page.goto(f"/jobs/{job_ids[0]}")
    report = JobPage(browser_page, screenshots)
    expect(report.status).to_have_text("succeeded")
    report.open_every_section()
    screenshot_at_both_widths(report, "05-job-report")
    compare = ComparePage(browser_page, screenshots).open(job_ids)
    screenshot_at_both_widths(compare, "06-compare")

    browser_page.goto(f"/jobs/{job_ids[0]}")
    expect(report.status).to_have_text("succeeded")
    deployment = report.deploy()
    assert deployment.wait_until_settled(timeout_s=DEPLOY_TIMEOUT_S) == "ready", deployment.message()
    screenshot_at_both_widths(deployment, "07-deployment")
    deployments = deployment.open_from_nav("Deployments")
    screenshot_at_both_widths(deployments, "08-deployments")
    browser_page.go_back()
    assert deployment.stop(timeout_s=DEPLOY_TIMEOUT_S) == "stopped", deployment.message()

    screenshot_at_both_widths(DashboardPage(browser_page, screenshots).open(), "09-dashboard")
    hardware = ListPage(browser_page, screenshots).open_from_nav("Hardware")
    expect(browser_page.get_by_test_id("hardware-class").first).to_be_visible()
    screenshot_at_both_widths(hardware, "10-hardware")

    teams = TeamsPage(browser_page, screenshots).open()
    teams.create(f"every-page-{run}")
    stack.create_user(f"guest-{run}", "guest-password")
    assert teams.invite(f"every-page-{run}", f"guest-{run}").startswith("Added")  # staff add directly
    teams.open()
    screenshot_at_both_widths(teams, "11-teams")

    tokens = TokensPage(browser_page, screenshots).open()
    tokens.create_with_keyboard(f"every-page-{run}")
    screenshot_at_both_widths(tokens, "12-tokens")
    webhooks = WebhooksPage(browser_page, screenshots).open()
    webhooks.add_with_keyboard(f"https://ci.example.com/hooks/{run}")
    screenshot_at_both_widths(webhooks, "13-webhooks")

    browser_page.goto("/no-such-page")
    expect(browser_page.get_by_role("heading", level=1)).to_be_visible()
    screenshot_at_both_widths(ListPage(browser_page, screenshots), "14-not-found")


def test_team_owner_promotes_and_hands_over_by_keyboard_at_390_px(stack, browser_page, screenshots):
    """Issue 24: on a phone the members table is cards whose buttons a keyboard reaches; an owner (not
    staff) invites, makes the member an admin once they accepted, hands the team over, and is then an
    admin with no role controls left."""
    run = uuid.uuid4().hex[:6]
    name, owner, guest = f"roles-{run}", f"owner-{run}", f"member-{run}"
    stack.create_user(owner, "owner-password")
    guest_session = stack.create_user(guest, "member-password")
    LoginPage(browser_page, screenshots).open().log_in(owner, "owner-password")
    browser_page.set_viewport_size(NARROW)
    teams = TeamsPage(browser_page, screenshots).open()
    teams.create(name)
    assert teams.invite(name, guest) == f"Invited {guest}: they join when they accept."
    accept_invitations(stack, guest_session)
    teams.open()
    assert teams.roles(name) == {owner: "owner", guest: "member"}
    assert teams.my_role(name) == "You are the owner."
    assert assert_tab_walks_cards_in_order(teams, "team-members") == 3  # make admin, make owner, remove
    teams.screenshot("01-owner-390")

    teams.press(f"Make {guest} an admin")
    expect(browser_page.get_by_role("button", name=f"Make {guest} a member")).to_be_visible()
    assert teams.roles(name)[guest] == "admin"
    teams.screenshot("02-promoted-390")

    teams.press(f"Transfer ownership of {name} to {guest}", confirm=True)
    expect(teams.team(name).get_by_test_id("my-role")).to_have_text("You are an admin.")
    assert teams.roles(name) == {owner: "admin", guest: "owner"}
    expect(teams.team(name).get_by_role("button", name=re.compile(r"^Make "))).to_have_count(0)
    assert_fits_narrow_screen(teams, "03-handed-over-390")
