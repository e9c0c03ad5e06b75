"""Benchmark: the model list endpoint with 10,000 registered models, under a
steady open-loop load on loopback against the production server (gunicorn).

    .venv/bin/python platform/modelhub/bench/list_latency.py [--rate 100] [--duration 20] [--out bench-results]

Against SQLite by default (a fresh file), or PostgreSQL when DATABASE_URL
points at one (a fresh database beside it, dropped afterwards).

The load generator sends requests at fixed times (rate per second) whatever
the answers do, and measures each latency from the moment the request was
due, so a slow server cannot hide its queueing (no coordinated omission).
Scenarios, each at the same rate:
  baseline      GET /api/v1/auth/me/ (same auth, no ModelHub work): the floor
  staff-list    the first page of all 10,000 models
  user-list     a user's first page: own + team-shared + official models
  user-search   the same user's fuzzy search over name, description and tags
  user-filter   tag + framework filters, ordered by name
Prints p50/p90/p99 per scenario and the ratio to the baseline, records the
machine, writes JSON to --out, and says whether p99 ≤ the target (100 ms).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform as stdlib_platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlparse

REPO_DIR = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(REPO_DIR / "platform"), str(REPO_DIR)]

MODELS = 10_000
TARGET_P99_MS = 100.0


# --- the database ----------------------------------------------------------------

def prepare_database(var_dir: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"whetstone_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        parsed = urlparse(url)

        def drop():
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return parsed._replace(path=f"/{name}").geturl(), drop
    return f"sqlite:///{var_dir / 'bench.sqlite3'}", lambda: None


def seed(models: int) -> dict:
    """10,000 models over 50 owners, 5 teams and the official account, each with a version and tags."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from accounts.models import Team
    from accounts.services import personal_token_create
    from modelhub.models import ModelVersion, RegisteredModel, Tag, Visibility

    call_command("migrate", verbosity=0)
    User = get_user_model()
    owners = User.objects.bulk_create([User(username=f"user{i:02d}") for i in range(50)])
    staff = User.objects.create(username="bench-staff", is_staff=True)
    official = User.objects.create(username="whetstone", is_staff=True, is_active=False)
    teams = [Team.objects.create(name=f"team{i}") for i in range(5)]
    for index, owner in enumerate(owners):
        teams[index % 5].members.add(owner)
    tags = Tag.objects.bulk_create([Tag(name=n) for n in (
        "vision", "nlp", "speech", "cnn", "transformer", "rnn", "edge", "server", "int8", "fp16")])
    families = [("resnet", "image classification"), ("bert", "sentence classification"),
                ("wav2vec", "speech recognition"), ("yolo", "object detection"), ("t5", "translation")]
    signature = {"inputs": [{"name": "input", "dtype": "float32", "shape": ["batch", 3, 224, 224]}],
                 "outputs": [{"name": "logits", "dtype": "float32", "shape": ["batch", 1000]}]}
    inspection = {"opset": 17, "dynamic_dims": ["batch"], "signature": signature,
                  "node_counts": {"compute": 53, "memory": 120, "data_movement": 40, "other": 2, "total": 215}}
    with transaction.atomic():
        rows = []
        for i in range(models):
            family, task = families[i % len(families)]
            visibility = (Visibility.OFFICIAL if i % 100 == 0 else Visibility.TEAM if i % 3 == 0
                          else Visibility.PRIVATE)
            owner = official if visibility == Visibility.OFFICIAL else owners[i % len(owners)]
            name = f"{family}-{i:05d}"
            description = f"{family} for {task}, variant {i}"
            model_tags = [tags[i % 10].name, tags[(i // 10) % 10].name]
            rows.append(RegisteredModel(
                owner=owner, name=name, description=description, visibility=visibility,
                team=teams[owners.index(owner) % 5] if visibility == Visibility.TEAM else None,
                framework="onnx" if i % 4 else "pytorch", format="onnx" if i % 4 else "torchscript",
                source="official" if visibility == Visibility.OFFICIAL else "upload",
                search_text=" ".join([name, description, *model_tags]).lower()))
        created = RegisteredModel.objects.bulk_create(rows, batch_size=1000)
        versions = ModelVersion.objects.bulk_create([
            ModelVersion(model=model, number=1, storage_key=f"models/{model.pk}/v1/model.onnx",
                         size_bytes=1_000_000, sha256="0" * 64, signature=signature, inspection=inspection,
                         node_counts=inspection["node_counts"],
                         files=[{"path": "model.onnx", "size_bytes": 1_000_000, "sha256": "0" * 64}])
            for model in created], batch_size=1000)
        for model, version in zip(created, versions):
            model.latest_version = version
        RegisteredModel.objects.bulk_update(created, ["latest_version"], batch_size=1000)
        through = RegisteredModel.tags.through
        through.objects.bulk_create([
            through(registeredmodel_id=model.pk, tag_id=tags[index % 10].pk) for index, model in enumerate(created)
        ] + [through(registeredmodel_id=model.pk, tag_id=tags[(index // 10) % 10].pk)
             for index, model in enumerate(created) if (index // 10) % 10 != index % 10], batch_size=2000)
    # A database in steady state has statistics (and, on PostgreSQL, a visibility map for
    # index-only scans); a freshly seeded one has neither until autovacuum comes by.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    _, staff_token = personal_token_create(user=staff, name="bench")
    _, user_token = personal_token_create(user=owners[0], name="bench")
    from modelhub.selectors import model_list

    return {"staff_token": staff_token, "user_token": user_token, "models": RegisteredModel.objects.count(),
            "visible_to_user": model_list(user=owners[0]).count()}


# --- the load generator -----------------------------------------------------------

class OpenLoopLoad:
    """Requests due at t0 + i/rate, sent by a pool of keep-alive connections."""

    def __init__(self, base_url: str, *, connections: int = 64):
        parsed = urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(max_workers=connections)

    def _connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return self.local.connection

    def _one(self, path: str, headers: dict, due: float) -> tuple[float, int]:
        for attempt in (1, 2):
            connection = self._connection()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                return (time.perf_counter() - due) * 1000, response.status
            except (http.client.HTTPException, OSError):
                connection.close()
                self.local.connection = None
                if attempt == 2:
                    return (time.perf_counter() - due) * 1000, 0
        raise AssertionError("unreachable")

    def run(self, path: str, headers: dict, *, rate: float, duration: float) -> dict:
        total = int(rate * duration)
        start = time.perf_counter() + 0.2
        futures = []
        for index in range(total):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(self.pool.submit(self._one, path, headers, due))
        results = [future.result() for future in futures]
        elapsed = time.perf_counter() - start
        latencies = sorted(latency for latency, status in results if status == 200)
        errors = sum(1 for _, status in results if status != 200)

        def pct(p: float) -> float:
            return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 2) if latencies else None

        return {"requests": total, "errors": errors, "achieved_rps": round(total / elapsed, 1),
                "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": round(latencies[-1], 2)
                if latencies else None, "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None}


# --- the machine -------------------------------------------------------------------

def server_processes(pid: int) -> list:
    import psutil

    master = psutil.Process(pid)
    return [master, *master.children(recursive=True)]


def cpu_seconds(processes: list) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except Exception:  # a worker that was replaced
            pass
    return total


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "python": stdlib_platform.python_version(),
            "system": stdlib_platform.platform(), "load_average_at_start": load}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second (default 100)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario (default 20)")
    parser.add_argument("--models", type=int, default=MODELS)
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--check", action="store_true", help="exit 1 when a list scenario's p99 misses the target")
    args = parser.parse_args(argv)

    from deploy.local.processes import free_port, start_web

    host = machine()  # before the run: its load average says how busy the machine already was
    var_dir = Path(tempfile.mkdtemp(prefix="whetstone-bench-"))
    database_url, drop_database = prepare_database(var_dir)
    os.environ.update(DATABASE_URL=database_url, WHETSTONE_VAR_DIR=str(var_dir),
                      DJANGO_SETTINGS_MODULE="whetstone.settings", DEBUG="false", LOG_LEVEL="WARNING")
    web = None
    try:
        print(f"seeding {args.models} models into {database_url.split('@')[-1]} …", flush=True)
        started = time.perf_counter()
        seeded = seed(args.models)
        print(f"  seeded in {time.perf_counter() - started:.1f} s; the benchmark user sees "
              f"{seeded['visible_to_user']} of {seeded['models']}", flush=True)
        env = {**os.environ, "PYTHONPATH": str(REPO_DIR)}
        web = start_web(port=free_port(), log_dir=var_dir / "logs", env=env)
        load = OpenLoopLoad(web.url)
        staff = {"Authorization": f"Bearer {seeded['staff_token']}"}
        user = {"Authorization": f"Bearer {seeded['user_token']}"}
        scenarios = [
            ("baseline", "/api/v1/auth/me/", user),
            ("staff-list", "/api/v1/models/", staff),
            ("user-list", "/api/v1/models/", user),
            ("user-search", "/api/v1/models/?" + urlencode({"search": "bert sentence"}), user),
            ("user-filter", "/api/v1/models/?" + urlencode({"tag": "nlp", "framework": "onnx", "ordering": "name"}),
             user),
        ]
        for _, path, headers in scenarios:  # warm up every worker's connections and caches
            load.run(path, headers, rate=50, duration=1)
        results = {}
        server = server_processes(web.process.pid)
        for name, path, headers in scenarios:
            cpu_before = cpu_seconds(server)
            results[name] = {"path": path, **load.run(path, headers, rate=args.rate, duration=args.duration)}
            r = results[name]
            # The server's own CPU per request: unlike latency, it barely moves when the machine is shared.
            r["server_cpu_ms_per_request"] = round((cpu_seconds(server) - cpu_before) / r["requests"] * 1000, 2)
            print(f"  {name:<12} p50 {r['p50_ms']:>7} ms  p90 {r['p90_ms']:>7} ms  p99 {r['p99_ms']:>7} ms  "
                  f"max {r['max_ms']:>7} ms  errors {r['errors']}  {r['achieved_rps']} req/s  "
                  f"server cpu {r['server_cpu_ms_per_request']} ms/req", flush=True)
        baseline = results["baseline"]
        for name, result in results.items():
            if name != "baseline" and baseline["p99_ms"] and result["p99_ms"]:
                result["p99_vs_baseline"] = round(result["p99_ms"] / baseline["p99_ms"], 2)
                result["p50_vs_baseline"] = round(result["p50_ms"] / baseline["p50_ms"], 2)
        list_scenarios = [n for n in results if n != "baseline"]
        met = all(results[n]["p99_ms"] is not None and results[n]["p99_ms"] <= TARGET_P99_MS
                  and results[n]["errors"] == 0 for n in list_scenarios)
        report = {
            "benchmark": "modelhub model list under steady load",
            "database": "postgresql" if database_url.startswith("postgres") else "sqlite",
            "server": "gunicorn (2 workers x 4 threads, as `make run`)",
            "rate_rps": args.rate, "duration_s": args.duration, **{k: v for k, v in seeded.items()
                                                                   if not k.endswith("token")},
            "target_p99_ms": TARGET_P99_MS, "target_met": met, "machine": host,
            "load_average_at_end": os.getloadavg(), "scenarios": results,
        }
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"modelhub-list-{report['database']}.json"
        target.write_text(json.dumps(report, indent=2))
        ratios = ", ".join(f"{n} {results[n].get('p99_vs_baseline')}x" for n in list_scenarios)
        print(f"p99 target {TARGET_P99_MS:.0f} ms: {'met' if met else 'MISSED'} (p99 vs baseline: {ratios}); "
              f"written to {target}")
        return 0 if met or not args.check else 1
    finally:
        if web is not None:
            web.stop()
        from django.db import connections

        connections.close_all()
        drop_database()


if __name__ == "__main__":
    sys.exit(main())
