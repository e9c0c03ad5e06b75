"""whetstone — register, optimize, gate and deploy models from a CI pipeline.

Exit codes: 0 success (and every threshold met); 1 the job succeeded but a
threshold (--min-speedup, --min-shape-set-speedup, --max-accuracy-drop) was missed; 2 an error (bad
input, a failed or cancelled job, a timeout, the server refused).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Callable

from .client import ApiError, Client, file_sha256, load_config, save_config

EXIT_OK, EXIT_THRESHOLD, EXIT_ERROR = 0, 1, 2
HTTP_CONFLICT = 409
# How many models a search by name reads through to find the one with exactly that name.
MAX_NAME_MATCHES = 1000
FINAL_JOB_STATES = ("succeeded", "failed", "cancelled")


def out(data) -> None:
    print(json.dumps(data, indent=2, sort_keys=True))


def err(message: str) -> None:
    print(f"whetstone: {message}", file=sys.stderr)


def client_from(args) -> Client:
    config = load_config()
    return Client(getattr(args, "url", None) or config["url"], config["token"], timeout=args.http_timeout)


# --- login ----------------------------------------------------------------------

def cmd_login(args) -> int:
    token = args.token
    if token == "-" or not token:
        token = sys.stdin.readline().strip()
    client = Client(args.url, token, timeout=args.http_timeout)
    me = client.get("auth/me/")
    path = save_config(url=args.url, token=token)
    err(f"logged in to {args.url} as {me['username']} (saved to {path})")
    return EXIT_OK


# --- models ---------------------------------------------------------------------

def resolve_model(client: Client, ref: str) -> dict:
    """A model by id, or by name among the models you can see (your own first)."""
    if ref.isdigit():
        return client.get(f"models/{ref}/")
    me = client.get("auth/me/")["username"]
    matches = [m for m in listed(client, "models/", limit=MAX_NAME_MATCHES, search=ref) if m["name"] == ref]
    matches.sort(key=lambda m: m["owner"] != me)
    if not matches:
        raise ApiError(404, f"No model named {ref!r} that you can see.")
    return client.get(f"models/{matches[0]['id']}/")


def _register_fields(args) -> dict:
    fields = {"name": args.name, "description": args.description, "visibility": args.visibility}
    if args.team:
        fields["team"] = args.team
    if args.card:
        fields["card"] = Path(args.card).read_text()
    return fields


def cmd_models_register(args) -> int:
    client = client_from(args)
    source = args.source
    is_uri = source.startswith(("s3://", "oss://"))
    name = args.name or (source.rsplit("/", 1)[-1].split(".")[0] if is_uri else Path(source).stem)
    args.name = name
    fields = _register_fields(args)
    try:
        if is_uri:
            body = client.request("POST", "models/", json={**fields, "uri": source, "tags": args.tag,
                                                           "sha256": args.sha256 or ""}).json()
        elif Path(source).is_file() and Path(source).stat().st_size >= args.multipart_threshold:
            body = _presigned_upload(client, Path(source), args, {**fields, "tags": args.tag})
        else:
            body = _upload(client, "models/", Path(source), args, {**fields, "tags": args.tag})
        out({"model": body["id"], "name": body["name"], "version": body["latest_version"]["number"]
             if body.get("latest_version") else 1, "status": "registered"})
        return EXIT_OK
    except ApiError as exc:
        if exc.status != 409 or args.no_new_version:
            raise
    # The name exists: CI re-runs register on every build, so the file becomes a new version.
    model = resolve_model(client, name)
    path = f"models/{model['id']}/versions/"
    if is_uri:
        version = client.request("POST", path, json={"uri": source, "sha256": args.sha256 or ""}).json()
    elif Path(source).stat().st_size >= args.multipart_threshold:
        version = _presigned_upload(client, Path(source), args, {"model": model["id"]})
    else:
        version = _upload(client, path, Path(source), args, {})
    out({"model": model["id"], "name": model["name"], "version": version["number"], "status": "new version"})
    return EXIT_OK


def _upload(client: Client, path: str, file: Path, args, fields: dict) -> dict:
    if not file.is_file():
        raise ApiError(0, f"{file}: no such file (or give an s3:// or oss:// URI).")
    data = [(key, str(value)) for key, value in fields.items() if key != "tags" and value not in (None, "")]
    data += [("tags", tag) for tag in fields.get("tags") or []]
    data.append(("sha256", args.sha256 or file_sha256(file)))
    handles = [open(file, "rb")] + [open(extra, "rb") for extra in args.external_data]
    try:
        files = [("file", (file.name, handles[0], "application/octet-stream"))]
        files += [("external_data", (Path(h.name).name, h, "application/octet-stream")) for h in handles[1:]]
        return client.request("POST", path, data=data, files=files, timeout=max(args.http_timeout, 600)).json()
    finally:
        for handle in handles:
            handle.close()


def _presigned_upload(client: Client, file: Path, args, fields: dict) -> dict:
    """Large files: parts go straight to object storage over presigned URLs, then `complete` registers them."""
    import requests

    size = file.stat().st_size
    upload = client.post("uploads/", {"filename": file.name, "size_bytes": size,
                                      "sha256": args.sha256 or file_sha256(file)})
    parts = []
    try:
        with open(file, "rb") as handle:
            for part in upload["parts"]:
                handle.seek((part["part_number"] - 1) * upload["part_size"])
                chunk = handle.read(upload["part_size"])
                answer = requests.put(part["url"], data=chunk, timeout=max(args.http_timeout, 600))
                if answer.status_code != 200:
                    raise ApiError(answer.status_code, f"part {part['part_number']} was refused by object storage: "
                                                       f"{answer.text[:300]}")
                parts.append({"part_number": part["part_number"], "etag": answer.headers["ETag"]})
                err(f"uploaded part {part['part_number']}/{len(upload['parts'])}")
        payload = {key: value for key, value in fields.items() if value not in (None, "")}
        return client.request("POST", f"uploads/{upload['id']}/complete/", json={**payload, "parts": parts},
                              timeout=max(args.http_timeout, 1800)).json()
    except BaseException:
        try:
            client.request("DELETE", f"uploads/{upload['id']}/")
        except ApiError:
            pass
        raise


def listed(client: Client, path: str, *, limit: int, **filters) -> list[dict]:
    """Up to `limit` items of a paged list, following its `next` links; empty filters are not sent.
    An item created while paging shifts the pages (newest first), so one seen already is skipped."""
    results, seen = [], set()
    page: dict = {"next": path}
    params = {key: value for key, value in filters.items() if value not in (None, "")}
    while page.get("next") and len(results) < limit:
        page = client.get(page["next"], **params)
        params = {}  # the next link carries them
        for item in page["results"]:
            if item["id"] not in seen:
                seen.add(item["id"])
                results.append(item)
    return results[:limit]


def show_items(items: list[dict], *, as_json: bool, line: Callable[[dict], str]) -> int:
    """A list command's output: the items as JSON, or one `line(item)` each."""
    if as_json:
        out(items)
    else:
        for item in items:
            print(line(item))
    return EXIT_OK


def _model_line(model: dict) -> str:
    version = (model.get("latest_version") or {}).get("number", "-")
    return (f"{model['id']:>6}  {model['name']:<40} v{version:<4} {model['format']:<14} "
            f"{model['visibility']:<9} {','.join(model['tags'])}")


def cmd_models_list(args) -> int:
    return show_items(listed(client_from(args), "models/", limit=args.limit, search=args.search, tag=args.tag,
                             framework=args.framework, owner=args.owner, ordering=args.ordering),
                      as_json=args.json, line=_model_line)


# --- optimize, jobs ----------------------------------------------------------------

def wait_until_settled(client: Client, path: str, what: str, settled: tuple[str, ...], *, timeout: float,
                       poll: float, progress: Callable[[dict], str] | None = None) -> dict:
    """GET `path` every `poll` seconds until its status is one of `settled`; `progress(item)`
    returns a line to print on stderr whenever it changes."""
    deadline = time.monotonic() + timeout
    last_line = None
    while True:
        item = client.get(path)
        if item["status"] in settled:
            return item
        line = progress(item) if progress else None
        if line and line != last_line:
            err(line)
            last_line = line
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} is still {item['status']} after {timeout:.0f} s")
        time.sleep(poll)


def wait_for_job(client: Client, job_id: int, *, timeout: float, poll: float) -> dict:
    return wait_until_settled(
        client, f"jobs/{job_id}/", f"job {job_id}", FINAL_JOB_STATES, timeout=timeout, poll=poll,
        progress=lambda job: f"job {job_id}: {job['status']} {job.get('stage') or ''} {job.get('progress', 0)}%")


def headline(report: dict) -> dict:
    """The report's two speed-ups and the shapes each covers.

    `speedup` is the primary shape's (the first shape the job named): the ratio of the baseline
    and optimized latencies the report prints. Reports before report_version 2 held the shape
    set's geometric mean in overall.speedup; for those the headline is taken from the latencies.
    """
    overall = report.get("overall") or {}
    speedup, shape_set_speedup = overall.get("speedup"), overall.get("shape_set_speedup")
    version = report.get("report_version")
    if isinstance(version, int) and version < 2:
        before, after = overall.get("baseline_ms"), overall.get("optimized_ms")
        shape_set_speedup = speedup
        speedup = round(before / after, 4) if before and after else None
    shape_set = overall.get("shape_set")
    if shape_set is None:
        shape_set = [entry.get("label") for entry in report.get("shapes") or [] if isinstance(entry, dict)]
    return {"speedup": speedup, "speedup_shape": overall.get("shape"),
            "shape_set_speedup": shape_set_speedup, "shape_set": shape_set}


def judge(job: dict, *, min_speedup: float | None, max_accuracy_drop: float | None,
          min_shape_set_speedup: float | None = None) -> tuple[int, dict]:
    """Exit code and a summary: 0 met, 1 a threshold missed, 2 the job did not succeed.

    --min-speedup judges the headline, the speed-up at the primary shape; a pipeline that cares
    about the whole shape set asks for --min-shape-set-speedup as well (or instead)."""
    report = job.get("report") or {}
    figures = headline(report)
    speedup, shape_set_speedup = figures["speedup"], figures["shape_set_speedup"]
    accuracy = report.get("accuracy") or {}
    value = accuracy.get("value")
    drop = None if value is None else max(0.0, 1.0 - float(value))
    summary = {"job": job["id"], "status": job["status"], **figures,
               "accuracy_metric": accuracy.get("metric"), "accuracy": value, "accuracy_drop": drop,
               "package_url": job.get("package_url"), "missed": []}
    if job["status"] != "succeeded":
        summary["error"] = job.get("error") or f"job {job['status']}"
        return EXIT_ERROR, summary
    if min_speedup is not None and (speedup is None or speedup < min_speedup):
        summary["missed"].append(f"speedup {speedup} at {figures['speedup_shape']} < --min-speedup {min_speedup}")
    if min_shape_set_speedup is not None and (shape_set_speedup is None or shape_set_speedup < min_shape_set_speedup):
        summary["missed"].append(f"shape-set speedup {shape_set_speedup} (geometric mean over "
                                 f"{', '.join(map(str, figures['shape_set']))}) < --min-shape-set-speedup "
                                 f"{min_shape_set_speedup}")
    if max_accuracy_drop is not None and (drop is None or drop > max_accuracy_drop):
        summary["missed"].append(f"accuracy drop {drop} > --max-accuracy-drop {max_accuracy_drop}")
    return (EXIT_THRESHOLD if summary["missed"] else EXIT_OK), summary


# The request's fields as `whetstone optimize` spells them: the server's message names the field it
# refused, and the person reading it typed the flag.
OPTIMIZE_FLAGS = {"shapes": "--shapes", "time_budget_s": "--time-budget", "device": "--device",
                  "recipe": "--recipe", "hardware_class": "--hardware-class", "accuracy_budget": "--max-accuracy-drop (sent as accuracy_budget = 1 - drop)"}


def in_cli_terms(exc: ApiError) -> ApiError:
    if exc.status != 400 or not exc.errors:
        return exc
    lines = []
    for field, messages in exc.errors.items():
        flag = OPTIMIZE_FLAGS.get(field, field)
        for message in messages if isinstance(messages, list) else [messages]:
            text = re.sub(rf"^{re.escape(field)}\b:? *", "", str(message))
            lines.append(f"{flag}: {text}")
    return ApiError(exc.status, "the server refused the optimization: " + "; ".join(lines), errors=exc.errors)


def cmd_optimize(args) -> int:
    client = client_from(args)
    model = resolve_model(client, args.model)
    payload = {"recipe": args.recipe, "device": args.device}
    if args.max_accuracy_drop is not None:
        # The optimizer keeps to the same budget, so it does not pick a candidate the gate would refuse.
        payload["accuracy_budget"] = round(1.0 - args.max_accuracy_drop, 6)
    if args.shapes:
        payload["shapes"] = args.shapes
    if args.time_budget:
        payload["time_budget_s"] = args.time_budget
    if args.hardware_class:
        payload["hardware_class"] = args.hardware_class
    try:
        job = client.post(f"models/{model['id']}/optimizations/", payload)
    except ApiError as exc:
        raise in_cli_terms(exc) from exc
    if "jobs" in job:  # hardware_class "all": one job per class
        err(f"{len(job['jobs'])} jobs started, one per hardware class: "
            + ", ".join(f"{j['id']} ({j['hardware_class']})" for j in job["jobs"]))
        out(job)
        if args.wait:
            err("--wait follows one job: wait for each with `whetstone jobs get JOB --wait`")
            return EXIT_ERROR
        return EXIT_OK
    err(f"job {job['id']} started: {args.recipe} on {model['name']} v{job.get('model_version')}"
        + (f" for {job['hardware_class']}" if job.get("hardware_class") else ""))
    if not args.wait:
        out(job)
        return EXIT_OK
    job = wait_for_job(client, job["id"], timeout=args.timeout, poll=args.poll)
    code, summary = judge(job, min_speedup=args.min_speedup, max_accuracy_drop=args.max_accuracy_drop,
                          min_shape_set_speedup=args.min_shape_set_speedup)
    out(summary)
    for line in summary["missed"]:
        err(f"threshold missed: {line}")
    if code == EXIT_ERROR:
        err(summary["error"])
    return code


def cmd_jobs_get(args) -> int:
    client = client_from(args)
    job = wait_for_job(client, args.job, timeout=args.timeout, poll=args.poll) if args.wait else \
        client.get(f"jobs/{args.job}/")
    out(job)
    return EXIT_OK if not args.wait or job["status"] == "succeeded" else EXIT_ERROR


def _job_line(job: dict) -> str:
    speedup = headline(job.get("report") or {})["speedup"]
    shown = "-" if speedup is None else f"{speedup:.2f}x"
    return (f"{job['id']:>6}  {job['status']:<9} {job['recipe']:<8} {job['device']:<3} "
            f"{job['model_name']:<32} v{job['model_version']:<4} {shown:>7}  {job['created_at']}")


def cmd_jobs_list(args) -> int:
    return show_items(listed(client_from(args), "jobs/", limit=args.limit, model=args.model, status=args.status),
                      as_json=args.json, line=_job_line)


def cmd_jobs_cancel(args) -> int:
    """Make sure the job no longer runs: one that already ended is left as it is (exit 0, with
    a note), so a pipeline's clean-up step can call this whatever became of the job."""
    client = client_from(args)
    try:
        job = client.post(f"jobs/{args.job}/cancel/")
    except ApiError as exc:
        if exc.status != HTTP_CONFLICT:
            raise
        job = client.get(f"jobs/{args.job}/")
        if job["status"] not in FINAL_JOB_STATES:
            raise
    if args.wait:
        # A running job stops at its next checkpoint, within seconds.
        job = wait_for_job(client, args.job, timeout=args.timeout, poll=args.poll)
    out(job)
    if job["status"] in FINAL_JOB_STATES and job["status"] != "cancelled":
        err(f"job {args.job} ended {job['status']}, not cancelled")
    return EXIT_OK


def cmd_packages_download(args) -> int:
    client = client_from(args)
    target = Path(args.output or f"whetstone-job-{args.job}-package.zip")
    response = client.request("GET", f"jobs/{args.job}/package/", stream=True, timeout=max(args.http_timeout, 600))
    partial = target.with_name(target.name + ".part")
    with open(partial, "wb") as handle:
        for chunk in response.iter_content(1024 * 1024):
            handle.write(chunk)
    partial.replace(target)
    out({"job": args.job, "path": str(target), "size_bytes": target.stat().st_size})
    return EXIT_OK


def cmd_packages_triton(args) -> int:
    # The server copies the package's model into the repository before it answers: minutes for a large one.
    exported = client_from(args).request(
        "POST", f"jobs/{args.job}/exports/triton/", json={"name": args.name or "", "max_batch_size": args.max_batch_size},
        timeout=max(args.http_timeout, 600)).json()
    out(exported)
    for note in exported.get("notes", []):
        err(f"note: {note}")
    return EXIT_OK


def cmd_packages_kserve(args) -> int:
    import yaml

    params = {"name": args.name, "namespace": args.namespace, "service_account": args.service_account}
    manifest = client_from(args).get(f"jobs/{args.job}/exports/kserve/",
                                     **{key: value for key, value in params.items() if value})
    yaml.safe_dump(manifest, sys.stdout, sort_keys=False)  # for `kubectl apply -f -`
    return EXIT_OK


# --- deployments ---------------------------------------------------------------------

# Statuses a deployment rests in; the others (pending, loading, updating, stopping) move on by themselves.
SETTLED_DEPLOYMENT_STATES = ("ready", "failed", "stopped")


def wait_for_deployment(client: Client, deployment_id: int, *, timeout: float, poll: float) -> dict:
    return wait_until_settled(client, f"deployments/{deployment_id}/", f"deployment {deployment_id}",
                              SETTLED_DEPLOYMENT_STATES, timeout=timeout, poll=poll)


def _batching(args) -> dict:
    return {key: value for key, value in (("max_batch_size", args.max_batch_size),
                                          ("max_batch_time", args.max_batch_time)) if value is not None}


def cmd_deploy(args) -> int:
    client = client_from(args)
    other_class = {"allow_other_class": True} if args.allow_other_class else {}
    if args.replace is not None:
        # Same endpoint, same token: the engine loads the new package beside the served one and switches.
        deployment = client.post(f"deployments/{args.replace}/redeploy/", {"job": args.job, **_batching(args),
                                                                           **other_class})
        chosen = deployment.get("target_job") or args.job
    else:
        deployment = client.post("deployments/", {"job": args.job, "access_token": args.access_token,
                                                  **_batching(args), **other_class})
        chosen = deployment["job"]
    if chosen != args.job:
        # The server serves the package built for the engine's hardware class: another job of the same version.
        err(f"serving job {chosen} instead of {args.job}: {deployment.get('message') or 'built for the engine'}")
    if not args.wait:
        out(deployment)
        return EXIT_OK
    first = deployment
    try:
        deployment = wait_for_deployment(client, first["id"], timeout=args.timeout, poll=args.poll)
    except BaseException:
        # The access token is in the first answer only, and the server keeps only its hash:
        # whatever ends the wait, the answer that holds it is printed.
        out(first)
        raise
    if first.get("access_token"):
        deployment["access_token"] = first["access_token"]
    out(deployment)
    # A refused update leaves the deployment ready on its old job (or on the same job, when
    # that was sent again) with the reason in `message`, which a load or update that worked clears.
    if deployment["status"] != "ready" or deployment["job"] != chosen or deployment.get("message"):
        if _served_but_slower(deployment, chosen):
            # It serves, as asked; what failed is the promise: it is slower there than the original.
            err(f"deployment {deployment['id']} ready on job {chosen}, but {deployment['message']}")
            return EXIT_THRESHOLD
        err(f"deployment {deployment['id']} {deployment['status']} on job {deployment['job']}: "
            f"{deployment.get('message') or 'no reason given'}")
        return EXIT_ERROR
    return EXIT_OK


def _served_but_slower(deployment: dict, chosen: int) -> bool:
    """Ready on the job asked for, its message the engine's finding that the package runs slower there
    than its fp32 original (not a refused update, which leaves the old job or says so)."""
    speed = deployment.get("speed_on_engine")
    return (isinstance(speed, dict) and speed.get("slower_than_original") is True
            and deployment["status"] == "ready" and deployment["job"] == chosen
            and (deployment.get("message") or "").startswith("On this engine ("))  # speed_on_load.WARNING_PREFIX


def _deployment_line(deployment: dict) -> str:
    return (f"{deployment['id']:>6}  {deployment['name']:<24} {deployment['status']:<9} job {deployment['job']:<6} "
            f"{deployment['model_name']:<32} {deployment['endpoint_url']}")


def cmd_deployments_list(args) -> int:
    return show_items(listed(client_from(args), "deployments/", limit=args.limit, model=args.model,
                             status=args.status), as_json=args.json, line=_deployment_line)


def cmd_deployments_get(args) -> int:
    out(client_from(args).get(f"deployments/{args.deployment}/"))
    return EXIT_OK


def cmd_deployments_stop(args) -> int:
    client = client_from(args)
    deployment = client.request("DELETE", f"deployments/{args.deployment}/").json()
    if args.wait:
        deployment = wait_for_deployment(client, args.deployment, timeout=args.timeout, poll=args.poll)
    out(deployment)
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="whetstone", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--http-timeout", type=float, default=60.0, help="seconds per HTTP request")
    commands = parser.add_subparsers(dest="command", required=True)

    login = commands.add_parser("login", help="check a personal API token and remember it")
    login.add_argument("--url", required=True, help="the Whetstone server, e.g. https://whetstone.example.com")
    login.add_argument("--token", default="-", help="a personal API token (wst_…); '-' reads it from stdin")
    login.set_defaults(func=cmd_login)

    models = commands.add_parser("models", help="the ModelHub").add_subparsers(dest="models_command", required=True)
    register = models.add_parser("register", help="register FILE or s3:// / oss:// URI (a new version if the name exists)")
    register.add_argument("source", metavar="FILE|URI")
    register.add_argument("--name")
    register.add_argument("--description", default="")
    register.add_argument("--tag", action="append", default=[])
    register.add_argument("--card", help="a Markdown file to use as the model card")
    register.add_argument("--visibility", choices=["private", "team", "official"], default="private")
    register.add_argument("--team", type=int)
    register.add_argument("--external-data", action="append", default=[], help="an ONNX external data file")
    register.add_argument("--sha256", help="expected checksum (computed from FILE when not given)")
    register.add_argument("--no-new-version", action="store_true", help="fail when the name exists")
    register.add_argument("--multipart-threshold", type=int, default=1024**3, metavar="BYTES",
                          help="files this large go through a presigned multipart upload (default 1 GiB)")
    register.set_defaults(func=cmd_models_register)

    listing = models.add_parser("list", help="models you can see")
    listing.add_argument("--search")
    listing.add_argument("--tag")
    listing.add_argument("--framework")
    listing.add_argument("--owner")
    listing.add_argument("--ordering")
    _listing(listing)
    listing.set_defaults(func=cmd_models_list)

    optimize = commands.add_parser("optimize", help="optimize a model (by id or name) and gate on the result")
    optimize.add_argument("model", metavar="MODEL")
    optimize.add_argument("--recipe", choices=["lossless", "bf16", "int8", "auto"], default="auto")
    optimize.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    optimize.add_argument("--shapes")
    optimize.add_argument("--time-budget", type=int)
    optimize.add_argument("--hardware-class", metavar="CLASS",
                          help="optimize for this class of machine, e.g. x86_64-amd-avx2 (default: the serving "
                               "engines'); the job waits for a worker of it")
    optimize.add_argument("--min-speedup", type=float,
                          help="smallest accepted speed-up at the primary shape (the first shape in --shapes): "
                               "the report's headline, overall.speedup")
    optimize.add_argument("--min-shape-set-speedup", type=float,
                          help="smallest accepted geometric mean of the speed-ups over the measured shape set "
                               "(overall.shape_set_speedup)")
    optimize.add_argument("--max-accuracy-drop", type=float,
                          help="largest accepted 1 - accuracy value (cosine similarity to the fp32 original)")
    _waiting(optimize, "for the job and judge it: exit 1 on a missed threshold, 2 unless it succeeded", 3600)
    optimize.set_defaults(func=cmd_optimize)

    jobs = commands.add_parser("jobs", help="optimization jobs").add_subparsers(dest="jobs_command", required=True)
    get = jobs.add_parser("get", help="a job's status and report")
    get.add_argument("job", type=int)
    _waiting(get, "until the job ends: exit 2 unless it succeeded", 3600)
    get.set_defaults(func=cmd_jobs_get)
    listing = jobs.add_parser("list", help="your jobs, newest first")
    listing.add_argument("--model", type=int, help="only this model's")
    listing.add_argument("--status", choices=["queued", "running", "succeeded", "failed", "cancelled"])
    _listing(listing)
    listing.set_defaults(func=cmd_jobs_list)
    cancel = jobs.add_parser("cancel", help="cancel a queued or running job; one that already ended is left as it "
                                            "is (exit 0, with a note)")
    cancel.add_argument("job", type=int)
    _waiting(cancel, "until the job has stopped", 600)
    cancel.set_defaults(func=cmd_jobs_cancel)

    packages = commands.add_parser("packages", help="optimized packages").add_subparsers(dest="packages_command",
                                                                                         required=True)
    download = packages.add_parser("download", help="download a job's package (zip)")
    download.add_argument("job", type=int)
    download.add_argument("-o", "--output")
    download.set_defaults(func=cmd_packages_download)
    triton = packages.add_parser("triton", help="write a job's package as a Triton model repository under the "
                                                "package's prefix in object storage; prints where")
    triton.add_argument("job", type=int)
    triton.add_argument("--name", help="Triton model name (default: the model's name, made safe)")
    triton.add_argument("--max-batch-size", type=int, default=8, metavar="N",
                        help="Triton's dynamic batching limit when the model has a batch dim (0: off; default 8)")
    triton.set_defaults(func=cmd_packages_triton)
    kserve = packages.add_parser("kserve", help="print a KServe InferenceService (YAML) serving a job's package")
    kserve.add_argument("job", type=int)
    kserve.add_argument("--name", help="InferenceService name (default: the model's name, made safe)")
    kserve.add_argument("--namespace")
    kserve.add_argument("--service-account", help="whose secret holds the bucket's credentials")
    kserve.set_defaults(func=cmd_packages_kserve)

    deploy = commands.add_parser("deploy", help="deploy a job's package behind a V2 inference endpoint, "
                                                "or serve it at an existing deployment's endpoint (--replace)")
    deploy.add_argument("job", type=int)
    deploy.add_argument("--replace", type=int, metavar="DEPLOYMENT",
                        help="serve the package at this deployment's endpoint (and token), without downtime")
    deploy.add_argument("--access-token", action="store_true",
                        help="infer calls must send 'Authorization: Bearer TOKEN'; the token is printed once")
    deploy.add_argument("--max-batch-size", type=int, metavar="N",
                        help="adaptive batching: up to N concurrent requests run as one batch (0 or 1: off)")
    deploy.add_argument("--max-batch-time", type=float, metavar="SECONDS",
                        help="adaptive batching: the most a request waits for others to join it (e.g. 0.005)")
    deploy.add_argument("--allow-other-class", action="store_true",
                        help="deploy a package measured on another hardware class than the serving engine's "
                             "(refused otherwise); the deployment is marked measured_on_other_class")
    _waiting(deploy, "until the deployment is ready: exit 2 if it failed, or if an update was refused; exit 1 "
                     "if it serves but the engine found the package slower there than its fp32 original", 600)
    deploy.set_defaults(func=cmd_deploy)

    deployments = commands.add_parser("deployments", help="your deployments").add_subparsers(
        dest="deployments_command", required=True)
    listing = deployments.add_parser("list", help="deployments you can see")
    listing.add_argument("--model", type=int, help="only this model's")
    listing.add_argument("--status", choices=["pending", "loading", "ready", "updating", "failed", "stopping",
                                              "stopped"])
    _listing(listing)
    listing.set_defaults(func=cmd_deployments_list)
    get = deployments.add_parser("get", help="a deployment: status, job, endpoint")
    get.add_argument("deployment", type=int)
    get.set_defaults(func=cmd_deployments_get)
    stop = deployments.add_parser("stop", help="undeploy: free the model in the engine")
    stop.add_argument("deployment", type=int)
    _waiting(stop, "until the model is unloaded", 600)
    stop.set_defaults(func=cmd_deployments_stop)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def _listing(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=_positive_int, default=100, help="show at most this many (default 100)")
    parser.add_argument("--json", action="store_true", help="print the items as JSON")


def _waiting(parser: argparse.ArgumentParser, what: str, timeout: float) -> None:
    parser.add_argument("--wait", action="store_true", help=f"wait {what}")
    parser.add_argument("--timeout", type=float, default=timeout, help="seconds to wait at most")
    parser.add_argument("--poll", type=float, default=2.0, help="seconds between two looks")


def check_arguments(parser: argparse.ArgumentParser, args) -> None:
    if getattr(args, "replace", None) is not None and args.access_token:
        parser.error("--access-token: a replaced deployment keeps its own token")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    try:
        return args.func(args)
    except ApiError as exc:
        err(str(exc))
    except (TimeoutError, OSError) as exc:
        err(str(exc))
    except KeyboardInterrupt:
        err("interrupted")
    except Exception as exc:  # noqa: BLE001 - Python's own exit status for a crash, 1, is a missed threshold here
        err(f"{type(exc).__name__}: {exc}")
    return EXIT_ERROR
