"""What this process runs on: CPU model, ISA flags, and the CPUs it may use.

The flags decide which candidates are worth building (VNNI makes INT8 dot products
cheap, AVX512_BF16/AMX make BF16 worth trying); the CPU count is the default thread
count, and the fingerprint keys the tuning cache so that results measured on one
machine are never reused on another.

Hardware classes
----------------
A package's speed-up and accuracy hold on machines whose kernels are the ones it was
measured with. `hardware_class()` names that: `<architecture>-<vendor>-<level>`, e.g.

    x86_64-amd-avx2              AVX2 + FMA only (Zen 2/3, Haswell..Skylake client)
    x86_64-amd-avx512vnni-bf16   AVX-512 with VNNI and BF16 (Zen 4/5, Cooper Lake)
    x86_64-intel-amx             AMX tiles with INT8 and BF16 (Sapphire Rapids and later)

The architecture is `platform.machine()` normalised (amd64 -> x86_64, arm64 -> aarch64),
the vendor is the CPU's (`GenuineIntel` -> intel, `AuthenticAMD` -> amd), because oneDNN,
OpenVINO and MLAS dispatch differently per vendor even on the same flags. The level is
the best rung of CLASS_LEVELS whose flags the CPU has all of:

    amx > avx512vnni-bf16 > avx512vnni > avx512 > avxvnni > avx2 > baseline

Only x86-64 has levels today; other architectures are `<arch>-<vendor>-baseline` until
their kernel tiers (NEON dot product, SVE, ...) are named. GPUs will get their own
classes from the compute capability (`cuda-sm90`, ...), not from CPU flags.

WHETSTONE_HARDWARE_CLASS declares a class for this process. It may only narrow what the
machine has (same architecture and vendor, a level whose flags the CPU all has); the
ISA flags it does not include are then hidden from the compiler core, so a worker that
declares `x86_64-amd-avx2` on an AVX-512 host builds the package an AVX2 host would get.
A class the machine cannot serve (AMX on a host without it) is refused with
HardwareClassRefused when the worker or engine starts. What is narrowed is the choice of
candidates and the routing; onnxruntime's and OpenVINO's own kernel dispatch still sees the
real CPU, so timings are those of the real machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from functools import lru_cache
from pathlib import Path
from typing import Mapping

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


HARDWARE_CLASS_ENV = "WHETSTONE_HARDWARE_CLASS"

_AVX512 = frozenset({"avx512f", "avx512bw", "avx512vl"})
# The rungs of the x86-64 ladder, best first, each with the flags it needs. A machine's level is the
# first rung whose flags it has all of; a declared level may be any rung whose flags it has.
CLASS_LEVELS: tuple[tuple[str, frozenset[str]], ...] = (
    ("amx", _AVX512 | {"avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16"}),
    ("avx512vnni-bf16", _AVX512 | {"avx512_vnni", "avx512_bf16"}),
    ("avx512vnni", _AVX512 | {"avx512_vnni"}),
    ("avx512", _AVX512),
    ("avxvnni", frozenset({"avx2", "fma", "avx_vnni"})),
    ("avx2", frozenset({"avx2", "fma"})),
    ("baseline", frozenset()),
)
_LEVEL_FLAGS = dict(CLASS_LEVELS)
# Flags below every rung, kept whatever class is declared.
_ALWAYS_KEPT = frozenset({"sse4_2"})
_ARCHITECTURES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}
_VENDORS = {"genuineintel": "intel", "authenticamd": "amd", "hygongenuine": "hygon"}
# architecture, vendor, level: each lower-case letters and digits (the level may hold dashes).
CLASS_PATTERN = re.compile(r"^(?P<arch>[a-z0-9_]+)-(?P<vendor>[a-z0-9]+)-(?P<level>[a-z0-9][a-z0-9-]*)$")


class HardwareClassRefused(ValueError):
    """A declared hardware class this machine cannot serve, or that is no class at all."""


def normalise_architecture(machine: str) -> str:
    machine = (machine or "unknown").strip().lower()
    return _ARCHITECTURES.get(machine, machine) or "unknown"


def normalise_vendor(vendor_id: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", (vendor_id or "").lower())
    return _VENDORS.get(key, key or "unknown")


def class_level(architecture: str, flags: set[str] | frozenset[str]) -> str:
    """The best rung of the ladder whose flags are all in `flags` (x86-64 only; else baseline)."""
    if normalise_architecture(architecture) != "x86_64":
        return "baseline"
    return next(level for level, needed in CLASS_LEVELS if needed <= flags)


def hardware_class(*, architecture: str, vendor: str, flags: set[str] | frozenset[str]) -> str:
    """The class of a machine from its architecture, CPU vendor id and /proc/cpuinfo flags."""
    arch = normalise_architecture(architecture)
    return f"{arch}-{normalise_vendor(vendor)}-{class_level(arch, set(flags))}"


def parse_hardware_class(name: str) -> tuple[str, str, str]:
    """(architecture, vendor, level) of a class name; HardwareClassRefused when it is not one."""
    match = CLASS_PATTERN.match((name or "").strip())
    levels = [level for level, _ in CLASS_LEVELS]
    if not match:
        raise HardwareClassRefused(
            f"{name!r} is not a hardware class: a class is <architecture>-<vendor>-<level>, e.g. "
            f"x86_64-amd-avx2 or x86_64-intel-amx (levels: {', '.join(levels)}).")
    arch, vendor, level = match["arch"], match["vendor"], match["level"]
    if level not in _LEVEL_FLAGS:
        raise HardwareClassRefused(f"{name!r} is not a hardware class: {level!r} is no level; the levels are "
                                   f"{', '.join(levels)}.")
    if arch != "x86_64" and level != "baseline":
        raise HardwareClassRefused(f"{name!r} is not a hardware class: only x86_64 has levels above baseline.")
    return arch, vendor, level


def check_declared_class(declared: str, *, architecture: str, vendor: str, flags: set[str] | frozenset[str]) -> str:
    """The declared class, if this machine can serve it: same architecture and vendor, and every
    flag its level needs. Otherwise HardwareClassRefused, saying what is missing."""
    arch, declared_vendor, level = parse_hardware_class(declared)
    detected = hardware_class(architecture=architecture, vendor=vendor, flags=flags)
    prefix = f"{HARDWARE_CLASS_ENV}={declared}: this machine is {detected}"
    if arch != normalise_architecture(architecture):
        raise HardwareClassRefused(f"{prefix}, another architecture; a declared class may only narrow the "
                                   "machine's own.")
    if declared_vendor != normalise_vendor(vendor):
        raise HardwareClassRefused(f"{prefix}, another CPU vendor; a declared class may only narrow the "
                                   "machine's own.")
    missing = sorted(_LEVEL_FLAGS[level] - set(flags))
    if missing:
        raise HardwareClassRefused(f"{prefix} and lacks {', '.join(missing)}, which {level} needs; it cannot "
                                   "serve that class (declare its own class or a lower level).")
    return f"{arch}-{declared_vendor}-{level}"


def _kept_flags(level: str) -> frozenset[str]:
    """The flags a host of `level` surely has: its rung's and the rungs' below it, but AVX-VNNI (the
    VEX form), which AVX-512 hosts before Sapphire Rapids and Zen 5 lack."""
    below = [flags for name, flags in CLASS_LEVELS[[n for n, _ in CLASS_LEVELS].index(level):]
             if name != "avxvnni" or level == "avxvnni"]
    return frozenset().union(*below) | _ALWAYS_KEPT


def describe(fields: Mapping[str, str], *, machine: str, declared: str | None = None) -> dict:
    """The description of a machine from its /proc/cpuinfo fields, narrowed to `declared` (a class it
    can serve) when given. Pure: the tests feed it synthetic hosts."""
    flags = set(fields.get("flags", "").split())
    detected = hardware_class(architecture=machine, vendor=fields.get("vendor_id", ""), flags=flags)
    hw_class = detected
    if declared:
        hw_class = check_declared_class(declared, architecture=machine, vendor=fields.get("vendor_id", ""),
                                        flags=flags)
        if hw_class != detected:
            # Hide what the declared class does not have, so candidates are chosen as on such a host.
            flags &= _kept_flags(parse_hardware_class(hw_class)[2])
    isa = {flag: flag in flags for flag in INTERESTING_FLAGS}
    return {
        "cpu_model": fields.get("model name", platform.processor() or "unknown"),
        "cpu_generation": _generation(fields),
        "vendor": fields.get("vendor_id", "unknown"),
        "architecture": machine,
        "logical_cpus": os.cpu_count() or 1,
        "usable_cpus": usable_cpus(),
        "isa": isa,
        "has_vnni": isa["avx512_vnni"] or isa["avx_vnni"] or isa["amx_int8"],
        "has_bf16": isa["avx512_bf16"] or isa["amx_bf16"],
        "has_amx": isa["amx_tile"],
        "memory_bytes": _memory_bytes(),
        "hardware_class": hw_class,
        "detected_hardware_class": detected,
    }


def _generation(fields: Mapping[str, str]) -> str | None:
    """The CPU's family and model numbers ("family 23 model 1": AMD's Zen 1; family 25: Zen 3 and 4).
    A cloud guest's model name often hides them ("AMD EPYC"), and one class holds several: on a Zen 1
    host of the AVX2 class OpenVINO ran a YOLOv8n at par with onnxruntime, on a Zen 3 one 1.7x faster."""
    family, model = fields.get("cpu family", "").strip(), fields.get("model", "").strip()
    return f"family {family} model {model}" if family.isdigit() and model.isdigit() else None


def declared_hardware_class() -> str | None:
    return os.environ.get(HARDWARE_CLASS_ENV, "").strip() or None


@lru_cache(maxsize=1)
def describe_hardware() -> dict:
    """This machine, narrowed to WHETSTONE_HARDWARE_CLASS when set (HardwareClassRefused if it cannot
    serve it)."""
    return describe(_cpuinfo_fields(), machine=platform.machine(), declared=declared_hardware_class())


def this_hardware_class() -> str:
    """The class this process serves; raises HardwareClassRefused for a declared class it cannot.
    Workers and engines call it when they start, so a wrong declaration stops them there."""
    return describe_hardware()["hardware_class"]


def _memory_bytes() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except Exception:  # psutil is optional for the description; never fail on it
        return None


def hardware_fingerprint() -> str:
    """A short stable id of the parts of the machine that change measured speed."""
    return fingerprint(describe_hardware())


def fingerprint(hw: Mapping) -> str:
    """hardware_fingerprint of a description: the tuning cache's key, so a search measured on one
    CPU generation is not replayed on another that shares its name and flags."""
    key = {k: hw.get(k) for k in ("cpu_model", "cpu_generation", "architecture", "usable_cpus", "isa")}
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
