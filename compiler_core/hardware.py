"""What this process runs on: CPU model, ISA flags, and the CPUs it may use.

The flags decide which candidates are worth building (VNNI makes INT8 dot products
cheap, AVX512_BF16/AMX make BF16 worth trying); the CPU count is the default thread
count, and the fingerprint keys the tuning cache so that results measured on one
machine are never reused on another.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from functools import lru_cache
from pathlib import Path

# The ISA extensions that change which kernels an engine can pick.
INTERESTING_FLAGS = (
    "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx_vnni",
    "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16", "sse4_2",
)


def _cpuinfo_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return fields
    for line in text.splitlines():
        if not line.strip():
            break  # the first processor block describes them all on the machines we target
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def cgroup_cpu_limit(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> float | None:
    """CPUs granted by a cgroup v2 quota ("max" or missing means no quota)."""
    try:
        quota, period = cpu_max.read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    try:
        return int(quota) / int(period)
    except (ValueError, ZeroDivisionError):
        return None


def usable_cpus() -> int:
    """CPUs this process may use: its affinity mask, capped by a cgroup quota.

    os.cpu_count() would count the whole host, which oversubscribes a container
    and makes every measurement noisy.
    """
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    quota = cgroup_cpu_limit()
    if quota is not None:
        count = min(count, max(1, int(quota)))  # a fractional quota still gets one thread
    return max(1, count)


@lru_cache(maxsize=1)
def describe_hardware() -> dict:
    fields = _cpuinfo_fields()
    flags = set(fields.get("flags", "").split())
    isa = {flag: flag in flags for flag in INTERESTING_FLAGS}
    return {
        "cpu_model": fields.get("model name", platform.processor() or "unknown"),
        "vendor": fields.get("vendor_id", "unknown"),
        "architecture": platform.machine(),
        "logical_cpus": os.cpu_count() or 1,
        "usable_cpus": usable_cpus(),
        "isa": isa,
        "has_vnni": isa["avx512_vnni"] or isa["avx_vnni"] or isa["amx_int8"],
        "has_bf16": isa["avx512_bf16"] or isa["amx_bf16"],
        "has_amx": isa["amx_tile"],
        "memory_bytes": _memory_bytes(),
    }


def _memory_bytes() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except Exception:  # psutil is optional for the description; never fail on it
        return None


def hardware_fingerprint() -> str:
    """A short stable id of the parts of the machine that change measured speed."""
    hw = describe_hardware()
    key = {k: hw[k] for k in ("cpu_model", "architecture", "usable_cpus", "isa")}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def software_context() -> dict:
    # Read from package metadata: importing torch or openvino just to print a version costs seconds.
    from importlib import metadata

    versions = {"python": platform.python_version(), "os": platform.platform()}
    for name in ("onnx", "onnxruntime", "onnxscript", "openvino", "nncf", "numpy", "torch"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
