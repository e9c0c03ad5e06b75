"""The shape set a dynamic model is measured on.

Either the user names it (--shapes "batch=1,4;seq=128,512", a cartesian product of
named dims, or a JSON list of {dim: value} objects), or it is derived from dim names:
batches 1/4/16, sequences 32/128/512, and varied one dim at a time around a primary
shape so the count stays small.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from .errors import OptimizationError

BATCH_VALUES = (1, 4, 16)
SEQUENCE_VALUES = (128, 32, 512)  # the first value is the primary shape's
IMAGE_SIDE = 224


def _role(dim_name: str, spec: dict[str, Any], axis: int) -> str:
    lowered = dim_name.lower()
    if "batch" in lowered or lowered in ("n", "b", "bs") or axis == 0:
        return "batch"
    if any(word in lowered for word in ("seq", "len", "time", "token", "step", "sentence")):
        return "sequence"
    if len(spec["shape"]) == 4 and axis >= 2:
        return "image"
    return "sequence"


def dim_roles(signature: dict[str, Any]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for spec in signature["inputs"]:
        for axis, dim in enumerate(spec["shape"]):
            if isinstance(dim, int):
                continue
            name = dim if isinstance(dim, str) else f"{spec['name']}:{axis}"
            roles.setdefault(name, _role(name, spec, axis))
    return roles


def derived_shape_set(signature: dict[str, Any]) -> list[dict[str, int]]:
    roles = dim_roles(signature)
    if not roles:
        return [{}]
    values = {"batch": BATCH_VALUES, "sequence": SEQUENCE_VALUES, "image": (IMAGE_SIDE,)}
    primary = {name: values[role][0] for name, role in roles.items()}
    shapes = [primary]
    for name, role in roles.items():
        for value in values[role][1:]:
            variant = dict(primary, **{name: value})
            if variant not in shapes:
                shapes.append(variant)
    # Dims sharing a role and a value (e.g. two inputs' sequence lengths) must move together,
    # or the generated inputs would disagree with each other.
    grouped: list[dict[str, int]] = []
    for shape in shapes:
        changed = [n for n in shape if shape[n] != primary[n]]
        if changed:
            role = roles[changed[0]]
            shape = {n: (shape[changed[0]] if roles[n] == role else v) for n, v in primary.items()}
        if shape not in grouped:
            grouped.append(shape)
    return grouped


def parse_shapes(spec: Any, signature: dict[str, Any]) -> list[dict[str, int]]:
    """Accept a SPEC string, a dict of dim -> values, or a list of {dim: value}."""
    if spec is None:
        return derived_shape_set(signature)
    if isinstance(spec, str):
        text = spec.strip()
        if text.startswith("[") or text.startswith("{"):
            try:
                spec = json.loads(text)
            except json.JSONDecodeError as exc:
                raise OptimizationError(f"--shapes is not valid JSON: {exc}") from exc
        else:
            parsed: dict[str, list[int]] = {}
            for part in filter(None, (p.strip() for p in text.split(";"))):
                name, sep, values = part.partition("=")
                if not sep:
                    raise OptimizationError(
                        f"--shapes part {part!r} should look like dim=1,4,16 (dims: {sorted(dim_roles(signature))})")
                try:
                    parsed[name.strip()] = [int(v) for v in values.split(",") if v.strip()]
                except ValueError as exc:
                    raise OptimizationError(f"--shapes values must be integers: {part!r}") from exc
            spec = parsed
    if isinstance(spec, dict):
        names = list(spec)
        lists = [spec[n] if isinstance(spec[n], (list, tuple)) else [spec[n]] for n in names]
        shapes = [dict(zip(names, combo)) for combo in itertools.product(*lists)]
    elif isinstance(spec, list):
        shapes = [dict(item) for item in spec]
    else:
        raise OptimizationError(f"shapes must be a SPEC string, a dict or a list, not {type(spec).__name__}")
    known = set(dim_roles(signature))
    for shape in shapes:
        unknown = set(shape) - known
        if unknown:
            raise OptimizationError(
                f"--shapes names dims {sorted(unknown)} that the model does not have; its dynamic dims are {sorted(known) or 'none'}")
        for name, value in shape.items():
            if int(value) < 1:
                raise OptimizationError(f"--shapes: {name}={value} must be at least 1")
    defaults = {n: v for n, v in derived_shape_set(signature)[0].items()}
    return [dict(defaults, **{k: int(v) for k, v in shape.items()}) for shape in shapes] or [defaults]


def shape_label(shape: dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in shape.items()) or "static"
