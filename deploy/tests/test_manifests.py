"""The platform's own deployment files: the Kubernetes manifests and the image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

DEPLOY_DIR = Path(__file__).resolve().parents[1]
K8S_DIR = DEPLOY_DIR / "k8s"
DOCKERFILE = DEPLOY_DIR / "docker" / "Dockerfile"
REPO_ROOT = DEPLOY_DIR.parent

# What settings.py reads to reach the real parts (PostgreSQL, Redis, S3).
PLATFORM_ENV = {"DATABASE_URL", "REDIS_URL", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"}
PLATFORM_COMMANDS = ("gunicorn", "celery", "manage.py")


def manifest_files() -> list[Path]:
    return sorted(p for p in K8S_DIR.glob("*.yaml") if p.name != "kustomization.yaml")


def documents() -> list[dict]:
    return [doc for path in manifest_files() for doc in yaml.safe_load_all(path.read_text()) if doc]


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in documents() if doc["kind"] == kind}


def containers(deployment: dict) -> list[dict]:
    spec = deployment["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def is_platform_container(container: dict) -> bool:
    return any(part in PLATFORM_COMMANDS for part in container.get("command", []))


def available_env(container: dict) -> set[str]:
    """Names the container gets from its env and envFrom, checked against the
    ConfigMaps and Secrets the manifests define (a typo'd key would leave the
    variable unset at run time)."""
    config_maps = by_kind("ConfigMap")
    secrets = by_kind("Secret")
    names = set()
    for item in container.get("env", []):
        source = item.get("valueFrom", {})
        if "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            assert ref["key"] in secrets[ref["name"]]["stringData"], item
        if "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            assert ref["key"] in config_maps[ref["name"]]["data"], item
        names.add(item["name"])
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(config_maps[source["configMapRef"]["name"]]["data"])
        if "secretRef" in source:
            names |= set(secrets[source["secretRef"]["name"]]["stringData"])
    return names


def test_every_manifest_has_api_version_kind_and_name():
    docs = documents()
    assert len(docs) >= 8
    for doc in docs:
        assert doc.get("apiVersion") and doc.get("kind"), doc
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"]), doc["metadata"]


def test_kustomization_applies_every_manifest_but_the_secret_example():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    assert listed == {p.name for p in manifest_files()} - {"secret.example.yaml"}
    # The real Secret is created by the operator; its example must never be applied.
    assert not any(doc["kind"] == "Secret" for path in listed for doc in yaml.safe_load_all((K8S_DIR / path).read_text()))


WORKERS = ["whetstone-worker-avx2", "whetstone-worker-avx512vnni-bf16", "whetstone-worker-amx"]


def test_web_worker_and_serving_are_deployed():
    assert {"whetstone-web", "whetstone-serving", *WORKERS} <= set(by_kind("Deployment"))
    assert {"whetstone-web", "whetstone-serving"} <= set(by_kind("Service"))


@pytest.mark.parametrize("name", ["whetstone-web", *WORKERS, "whetstone-serving"])
def test_deployment_containers_have_an_image_and_the_platform_configuration(name):
    deployment = by_kind("Deployment")[name]
    template = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= template["metadata"]["labels"].items()
    platform_containers = 0
    for container in containers(deployment):
        assert container["name"] and container["image"], container
        if is_platform_container(container):
            platform_containers += 1
            missing = PLATFORM_ENV - available_env(container)
            assert not missing, f"{name}/{container['name']} lacks {sorted(missing)}"
    assert platform_containers >= 1


def test_services_route_to_pods_and_named_ports_that_exist():
    pods = {name: d["spec"]["template"] for name, d in by_kind("Deployment").items()}
    for name, service in by_kind("Service").items():
        selected = [t for t in pods.values() if service["spec"]["selector"].items() <= t["metadata"]["labels"].items()]
        assert selected, f"Service {name} selects no pod"
        port_names = {p["name"] for t in selected for c in t["spec"]["containers"] for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, (name, port)


def test_deploy_tasks_reach_the_engine_and_its_model_folder():
    """The serving-queue worker stages packages where the engine loads them from,
    and calls the engine on the port it listens on."""
    config = by_kind("ConfigMap")["whetstone-config"]["data"]
    pod = by_kind("Deployment")["whetstone-serving"]["spec"]["template"]["spec"]
    engine = next(c for c in pod["containers"] if "deploy.serving" in c["command"])
    agent = next(c for c in pod["containers"] if "serving" in c["command"] and "celery" in c["command"])
    args = engine["command"]
    engine_root = args[args.index("--root") + 1]
    assert config["SERVING_MODEL_ROOT"] == f"{engine_root}/models"
    assert config["SERVING_URL"].endswith(f":{args[args.index('--http-port') + 1]}")
    mounts = {m["name"]: m["mountPath"] for m in agent["volumeMounts"]}
    assert any(config["SERVING_MODEL_ROOT"].startswith(mounts.get(m["name"], "//")) for m in engine["volumeMounts"])


def test_engine_and_deploy_agent_share_the_admin_token_from_the_secret():
    """The engine's model repository API shares the port users call; only the deploy agent
    beside it, which loads and unloads models, gets the token it answers."""
    pod = by_kind("Deployment")["whetstone-serving"]["spec"]["template"]["spec"]
    sources = {
        container["name"]: next((item["valueFrom"] for item in container.get("env", [])
                                 if item["name"] == "SERVING_ADMIN_TOKEN"), None)
        for container in pod["containers"]
    }
    assert set(sources) == {"engine", "deploy-agent"}
    assert sources["engine"] == sources["deploy-agent"] == {
        "secretKeyRef": {"name": "whetstone-secrets", "key": "SERVING_ADMIN_TOKEN"}}
    assert "SERVING_ADMIN_TOKEN" not in by_kind("ConfigMap")["whetstone-config"]["data"]
    for container in pod["containers"]:
        available_env(container)  # the key exists in the example Secret


def test_manifests_pass_yamllint():
    linter = pytest.importorskip("yamllint.linter")
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(
        "{extends: default, rules: {line-length: {max: 120}, document-start: disable,"
        " braces: {max-spaces-inside: 1}}}"
    )
    problems = [
        f"{path.name}:{problem.line}: {problem.message}"
        for path in [*manifest_files(), K8S_DIR / "kustomization.yaml"]
        for problem in linter.run(path.read_text(), config)
    ]
    assert problems == []


def test_image_contains_every_package_the_project_installs():
    """A new top-level package left out of the Dockerfile would import in the
    tests and fail only in the container."""
    dockerfile = DOCKERFILE.read_text()
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]]
    copied = set(re.findall(r"^COPY (?:--from=\S+ )?(\S+?)/? ", dockerfile, flags=re.M))
    assert set(packages) | {"platform", "manage.py"} <= copied
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, flags=re.M)
    assert "pyproject.toml" in dockerfile


def test_containers_run_as_the_image_user():
    image_user = re.search(r"^USER (\d+)", DOCKERFILE.read_text(), flags=re.M).group(1)
    for name, deployment in by_kind("Deployment").items():
        security = deployment["spec"]["template"]["spec"]["securityContext"]
        assert str(security["runAsUser"]) == image_user, name


@pytest.mark.parametrize("name", WORKERS)
def test_each_class_has_workers_on_nodes_of_that_class_consuming_its_queue(name):
    """A worker Deployment per hardware class: it declares the class (a pod on a node that cannot
    serve it refuses to start), consumes only that class's queue, and selects nodes by the CPU
    features node-feature-discovery labels them with."""
    from compiler_core.hardware import CLASS_LEVELS, parse_hardware_class

    pod = by_kind("Deployment")[name]["spec"]["template"]
    worker = pod["spec"]["containers"][0]
    declared = next(item["value"] for item in worker["env"] if item["name"] == "WHETSTONE_HARDWARE_CLASS")
    arch, vendor, level = parse_hardware_class(declared)
    command = worker["command"]
    assert command[command.index("-Q") + 1] == f"cpu.{declared}"
    assert pod["metadata"]["labels"]["whetstone.dev/hardware-class"] == declared
    selector = pod["spec"]["nodeSelector"]
    assert selector["feature.node.kubernetes.io/cpu-model.vendor_id"].lower() == vendor
    # NFD's CPUID names for the flags the level needs (/proc/cpuinfo spells them otherwise).
    nfd = {"avx2": "AVX2", "fma": "FMA3", "avx512f": "AVX512F", "avx512bw": "AVX512BW", "avx512vl": "AVX512VL",
           "avx512_vnni": "AVX512VNNI", "avx512_bf16": "AVX512BF16", "amx_tile": "AMXTILE", "amx_int8": "AMXINT8",
           "amx_bf16": "AMXBF16"}
    needed = {f"feature.node.kubernetes.io/cpu-cpuid.{nfd[flag]}" for flag in dict(CLASS_LEVELS)[level]}
    selected = {key for key, value in selector.items() if key.startswith("feature.node.kubernetes.io/cpu-cpuid.")}
    assert selected and selected <= needed and all(selector[key] == "true" for key in selected)
    if level != "amx":  # a node of a higher rung is left to that rung's workers
        absent = [e["key"] for term in pod["spec"]["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"] for e in term["matchExpressions"]
            if e["operator"] == "DoesNotExist"]
        assert absent
