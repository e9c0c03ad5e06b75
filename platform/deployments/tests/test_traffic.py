"""A deployment's traffic from the engine's Prometheus metrics: parsing, percentiles, the API."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary, generate_latest

from deploy.local.processes import free_ports
from deploy.serving.direct_infer import LATENCY_BUCKETS
from deployments.models import Deployment, TrafficSample
from deployments.services import deployment_traffic_sample
from deployments.traffic import histogram_quantile, model_traffic
from deployments.traffic_history import minute_floor
from jobs.models import Job
from modelhub.models import ModelVersion, RegisteredModel


def engine_metrics(calls: dict[str, list[float]], failures: dict[str, int], started_at: float | None = None) -> str:
    """A metrics page written by prometheus_client under the engine's names, labels and buckets
    (and, given `started_at`, the process start time its default registry writes)."""
    registry = CollectorRegistry()
    if started_at is not None:
        Gauge("process_start_time_seconds", "", registry=registry).set(started_at)
    success = Counter("model_infer_request_success", "", ["model", "version"], registry=registry)
    failure = Counter("model_infer_request_failure", "", ["model", "version"], registry=registry)
    duration = Summary("model_infer_request_duration", "", ["model", "version"], registry=registry)
    # deploy/serving/direct_infer.py's LATENCY, with its buckets.
    latency = Histogram("whetstone_infer_duration_seconds", "", ["model"], registry=registry, buckets=LATENCY_BUCKETS)
    for model, seconds in calls.items():
        for value in seconds:
            success.labels(model=model, version="").inc()
            duration.labels(model=model, version="").observe(value)
            latency.labels(model=model).observe(value)
    for model, count in failures.items():
        failure.labels(model=model, version="").inc(count)
    return generate_latest(registry).decode()


def test_percentiles_interpolate_within_buckets_as_prometheus_does():
    buckets = [(0.005, 0.0), (0.01, 50.0), (0.025, 90.0), (0.05, 100.0), (float("inf"), 100.0)]
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.01)
    assert histogram_quantile(0.9, buckets) == pytest.approx(0.025)
    assert histogram_quantile(0.25, buckets) == pytest.approx(0.0075)
    assert histogram_quantile(0.99, buckets) == pytest.approx(0.025 + 0.025 * 9 / 10)
    # Past the last finite bound: that bound, never infinity.
    assert histogram_quantile(0.99, [(0.1, 1.0), (float("inf"), 10.0)]) == pytest.approx(0.1)
    assert histogram_quantile(0.5, [(0.1, 0.0), (float("inf"), 0.0)]) is None


def test_one_models_figures_from_the_engines_page():
    text = engine_metrics({"resnet-7": [0.004] * 90 + [0.2] * 10, "other-3": [5.0] * 50}, {"resnet-7": 5})
    traffic = model_traffic(text, "resnet-7")
    assert (traffic.reachable, traffic.requests, traffic.errors) == (True, 105, 5)
    assert traffic.error_rate == pytest.approx(5 / 105)
    # 90 calls in the 2.5-5 ms bucket, 10 in 100-250 ms: p50 in the first, p99 in the second.
    assert 2.5 <= traffic.latency_ms["p50"] <= 5.0
    assert 100.0 <= traffic.latency_ms["p99"] <= 250.0
    assert traffic.mean_ms == pytest.approx((90 * 4 + 10 * 200) / 100, rel=1e-6)
    # Another model's calls never count.
    assert model_traffic(text, "resnet").requests == 0


def test_a_model_without_calls_says_so():
    traffic = model_traffic(engine_metrics({"other": [0.01]}, {}), "resnet-7")
    assert (traffic.reachable, traffic.requests, traffic.errors, traffic.error_rate) == (True, 0, 0, None)
    assert "No calls yet" in traffic.message


class MetricsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: str, status: int = 200, location: str | None = None):
        super().__init__(("127.0.0.1", 0), _Answer)
        self.body, self.status, self.location, self.paths = body, status, location, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}/metrics"


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.paths.append(self.path)
        body = self.server.body.encode()
        self.send_response(self.server.status)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def metrics_server():
    servers = []

    def start(body: str, **options) -> MetricsServer:
        server = MetricsServer(body, **options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def make_deployment(user, name: str = "tiny-9", status: str = Deployment.Status.READY) -> Deployment:
    model = RegisteredModel.objects.create(owner=user, name=f"model-{name}")
    version = ModelVersion.objects.create(model=model, number=1, storage_key="k", size_bytes=1, sha256="0" * 64)
    job = Job.objects.create(owner=user, model_version=version, recipe="lossless", status=Job.Status.SUCCEEDED)
    return Deployment.objects.create(owner=user, job=job, name=name, status=status)


@pytest.mark.django_db
def test_the_api_reads_the_deployments_model_from_the_configured_engine(api, user, settings, metrics_server):
    server = metrics_server(engine_metrics({"tiny-9": [0.003, 0.004, 0.03]}, {"tiny-9": 1}))
    settings.SERVING_METRICS_URL = server.url
    deployment = make_deployment(user)
    # A user cannot name another address: the query string is not read.
    body = api.get(f"/api/v1/deployments/{deployment.pk}/traffic/", {"url": "http://169.254.169.254/"}).json()
    assert server.paths == ["/metrics"]
    assert (body["reachable"], body["requests"], body["errors"], body["message"]) == (True, 4, 1, "")
    assert body["error_rate"] == pytest.approx(0.25)
    assert set(body["latency_ms"]) == {"p50", "p90", "p99"} and 2.5 <= body["latency_ms"]["p50"] <= 5
    assert body["observed_at"]


@pytest.mark.django_db
def test_an_unreachable_engine_is_said_plainly(api, user, settings, metrics_server):
    deployment = make_deployment(user)
    (closed_port,) = free_ports(1)
    settings.SERVING_METRICS_URL = f"http://127.0.0.1:{closed_port}/metrics"
    body = api.get(f"/api/v1/deployments/{deployment.pk}/traffic/").json()
    assert body == {"reachable": False, "message": "The serving engine is unreachable: its metrics do not answer.",
                    "requests": None, "errors": None, "error_rate": None, "latency_ms": None, "mean_ms": None,
                    "observed_at": body["observed_at"], "history": body["history"]}
    # The history is the stored samples': none yet, so a window of minutes without figures.
    assert body["history"]["samples"] == 0 and len(body["history"]["points"]) == 60
    # An answer that is not the metrics page, and a redirect elsewhere, are not followed or parsed.
    settings.SERVING_METRICS_URL = metrics_server("oops", status=500).url
    assert api.get(f"/api/v1/deployments/{deployment.pk}/traffic/").json()["message"] == (
        "The serving engine's metrics answered HTTP 500.")
    elsewhere = metrics_server(engine_metrics({"tiny-9": [0.01]}, {}))
    settings.SERVING_METRICS_URL = metrics_server("", status=302, location=elsewhere.url).url
    assert api.get(f"/api/v1/deployments/{deployment.pk}/traffic/").json()["reachable"] is False
    assert elsewhere.paths == []


@pytest.mark.django_db
def test_only_the_owner_sees_a_deployments_traffic(api, user, django_user_model, settings):
    other = django_user_model.objects.create_user(username="mallory", password="x")
    deployment = make_deployment(other)
    settings.SERVING_METRICS_URL = ""
    assert api.get(f"/api/v1/deployments/{deployment.pk}/traffic/").status_code == 404
    assert api.get(f"/api/v1/deployments/{deployment.pk}/traffic/", {"window": "1h"}).status_code == 404


@pytest.mark.django_db
def test_the_sampler_records_every_served_deployment_from_one_read_of_the_engine(user, settings, metrics_server):
    server = metrics_server(engine_metrics({"tiny-9": [0.003, 0.004, 0.03], "other": [0.2]}, {"tiny-9": 1},
                                           started_at=1_796_560_924.0))
    settings.SERVING_METRICS_URL = server.url
    busy = make_deployment(user)
    quiet = make_deployment(user, "quiet-2", status=Deployment.Status.UPDATING)  # no call counted yet
    make_deployment(user, "gone-1", status=Deployment.Status.STOPPED)

    assert deployment_traffic_sample() == {"sampled": 2, "pruned": 0, "rechecked": 0}

    assert server.paths == ["/metrics"]
    samples = {sample.deployment_id: sample for sample in TrafficSample.objects.all()}
    assert set(samples) == {busy.pk, quiet.pk}
    assert (samples[busy.pk].requests, samples[busy.pk].errors, samples[busy.pk].engine_started_at) == (
        4, 1, 1_796_560_924.0)
    # The engine's buckets, cumulative: two calls of 2.5-5 ms, one of 25-50 ms.
    assert samples[busy.pk].latency_buckets == {
        "0.0005": 0.0, "0.001": 0.0, "0.0025": 0.0, "0.005": 2.0, "0.01": 2.0, "0.025": 2.0, "0.05": 3.0, "0.1": 3.0,
        "0.25": 3.0, "0.5": 3.0, "1.0": 3.0, "2.5": 3.0, "5.0": 3.0, "10.0": 3.0, "30.0": 3.0, "+Inf": 3.0}
    assert (samples[quiet.pk].requests, samples[quiet.pk].errors, samples[quiet.pk].latency_buckets) == (0, 0, {})


@pytest.mark.django_db
def test_samples_older_than_the_retention_are_pruned_and_an_unreachable_engine_leaves_a_gap(user, settings):
    deployment = make_deployment(user)
    now = timezone.now()
    settings.WHETSTONE_TRAFFIC_RETENTION_S = 3600
    for age_s in (3700, 3500):
        TrafficSample.objects.create(deployment=deployment, observed_at=now - timedelta(seconds=age_s),
                                     requests=1, errors=0)
    (closed_port,) = free_ports(1)
    settings.SERVING_METRICS_URL = f"http://127.0.0.1:{closed_port}/metrics"

    assert deployment_traffic_sample(now=now) == {"sampled": 0, "pruned": 1, "rechecked": 0}

    assert list(TrafficSample.objects.values_list("observed_at", flat=True)) == [now - timedelta(seconds=3500)]


@pytest.mark.django_db
def test_the_reaper_takes_the_samples(user, settings, metrics_server):
    settings.SERVING_METRICS_URL = metrics_server(engine_metrics({"tiny-9": [0.01]}, {})).url
    deployment = make_deployment(user)

    call_command("reap_jobs", "--once", stdout=io.StringIO())

    assert list(TrafficSample.objects.values_list("deployment_id", "requests")) == [(deployment.pk, 1)]


def _sample(deployment: Deployment, at, requests: int, errors: int = 0, buckets: dict | None = None,
            started: float = 1000.0) -> None:
    TrafficSample.objects.create(deployment=deployment, observed_at=at, requests=requests, errors=errors,
                                 latency_buckets=buckets or {}, engine_started_at=started)


@pytest.mark.django_db
def test_the_api_answers_the_history_per_minute_from_the_stored_samples(api, user, settings):
    settings.SERVING_METRICS_URL = ""  # the history does not need the engine to answer now
    deployment = make_deployment(user)
    neighbour = make_deployment(user, "other-4")
    minute = minute_floor(timezone.now()) - timedelta(minutes=10)
    _sample(deployment, minute, 100, 0, {"0.005": 0, "0.01": 0, "+Inf": 0})
    _sample(deployment, minute + timedelta(seconds=20), 180, 4, {"0.005": 40, "0.01": 80, "+Inf": 80})
    # The engine restarted: its new process had counted 20 calls (all over 10 ms) by the next sample.
    _sample(deployment, minute + timedelta(seconds=40), 20, 0, {"0.005": 0, "0.01": 0, "+Inf": 20}, started=2000.0)
    _sample(neighbour, minute + timedelta(seconds=30), 10_000)

    response = api.get(f"/api/v1/deployments/{deployment.pk}/traffic/", {"window": "15m"})

    assert response.status_code == 200, response.content
    history = response.json()["history"]
    assert (history["window"], history["step_s"], history["samples"], len(history["points"])) == ("15m", 60, 3, 15)
    assert history["sample_interval_s"] == settings.WHETSTONE_TRAFFIC_SAMPLE_INTERVAL_S
    points = {point["start"]: point for point in history["points"]}
    point = points[minute.isoformat().replace("+00:00", "Z")]
    # 80 calls then 20 in 40 s; 4 of the 100 failed; rank 50 of 100 timed calls lies a quarter into
    # the 5-10 ms bucket (40 below, 40 in it): 6.25 ms; rank 99 in +Inf: the last finite bound, 10 ms.
    assert point == {"start": point["start"], "requests": 100, "requests_per_s": 2.5, "error_rate": 0.04,
                     "p50_ms": 6.25, "p99_ms": 10.0}
    assert sum(1 for each in history["points"] if each["requests"] is not None) == 1
    assert api.get(f"/api/v1/deployments/{deployment.pk}/traffic/").json()["history"]["window"] == "1h"


@pytest.mark.django_db
def test_an_unknown_window_is_refused(api, user, settings):
    settings.SERVING_METRICS_URL = ""
    deployment = make_deployment(user)
    response = api.get(f"/api/v1/deployments/{deployment.pk}/traffic/", {"window": "1d"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"window": ['"1d" is not a window this history has; one of 15m, 1h, 2h.']}
