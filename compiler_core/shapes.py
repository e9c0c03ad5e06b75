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


def axis_aliases(signature: dict[str, Any]) -> dict[str, str]:
    """`input:axis` for every named dynamic axis -> its dim's name: every axis is addressable as
    input:axis, whatever the exporter named it (unnamed axes already are named that way)."""
    aliases: dict[str, str] = {}
    for spec in signature["inputs"]:
        for axis, dim in enumerate(spec["shape"]):
            if isinstance(dim, str):
                aliases[f"{spec['name']}:{axis}"] = dim
    return aliases


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


# How many shapes one spec may name: each is measured for every candidate, and a cartesian
# product of a few long lists would otherwise be built (and timed) in full.
MAX_SHAPES = 64
SYNTAX = "dim=1,4,16, several dims joined by ';' (batch=1,4;seq=128,512), or a JSON list of {dim: value} objects"


def _dims_hint(known: set[str]) -> str:
    if not known:
        return "this model's inputs have fixed sizes, so it takes no shapes"
    return (f"this model's dynamic dims are {', '.join(sorted(known))} (any dynamic axis may also be "
            "named input:axis)")


def _count(value: Any, field: str, name: str) -> int:
    # bool is an int in Python, and 1.5 would silently become 1: only whole numbers are sizes.
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptimizationError(f"{field}: {name}={value!r} must be a whole number")
    if value < 1:
        raise OptimizationError(f"{field}: {name}={value} must be at least 1")
    return value


def parse_shapes(spec: Any, signature: dict[str, Any], *, field: str = "--shapes") -> list[dict[str, int]]:
    """Accept a SPEC string, a dict of dim -> values, or a list of {dim: value}.

    `field` is what the caller calls this argument (--shapes on the command line, `shapes` in the
    API), so that every message names what the reader typed."""
    known = set(dim_roles(signature))
    if spec is None:
        return derived_shape_set(signature)
    if isinstance(spec, str):
        text = spec.strip()
        if text.startswith("[") or text.startswith("{"):
            try:
                spec = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:  # RecursionError: "[[[[..." nested too deep
                raise OptimizationError(f"{field} is not valid JSON: {exc}") from exc
        else:
            parsed: dict[str, list[int]] = {}
            for part in filter(None, (p.strip() for p in text.split(";"))):
                name, sep, values = part.partition("=")
                if not sep:
                    raise OptimizationError(
                        f"{field}: {part!r} should look like {SYNTAX}; {_dims_hint(known)}")
                try:
                    parsed[name.strip()] = [int(v) for v in values.split(",") if v.strip()]
                except ValueError as exc:
                    raise OptimizationError(
                        f"{field} values must be integers: {part!r} (expected {SYNTAX})") from exc
                if not parsed[name.strip()]:
                    raise OptimizationError(f"{field}: {part!r} names no values; expected {SYNTAX}")
            spec = parsed
    if isinstance(spec, dict):
        names = list(spec)
        lists = [spec[n] if isinstance(spec[n], (list, tuple)) else [spec[n]] for n in names]
        count = 1
        for name, values in zip(names, lists):
            if not values:
                raise OptimizationError(f"{field}: {name} names no values; expected {SYNTAX}")
            count *= len(values)
        if count > MAX_SHAPES:
            raise OptimizationError(f"{field} names {count} shapes (every combination of the values); "
                                    f"at most {MAX_SHAPES} are measured")
        shapes = [dict(zip(names, combo)) for combo in itertools.product(*lists)]
    elif isinstance(spec, list):
        if len(spec) > MAX_SHAPES:
            raise OptimizationError(f"{field} names {len(spec)} shapes; at most {MAX_SHAPES} are measured")
        if not all(isinstance(item, dict) for item in spec):
            raise OptimizationError(f"{field}: a JSON list must hold {{dim: value}} objects, e.g. "
                                    '[{"batch": 1}, {"batch": 8}]')
        shapes = [dict(item) for item in spec]
    else:
        raise OptimizationError(f"{field} must be a SPEC string ({SYNTAX}), a dict or a list, "
                                f"not {type(spec).__name__}")
    aliases = axis_aliases(signature)
    resolved = []
    for shape in shapes:
        named: dict[str, Any] = {}
        for key, value in shape.items():
            name = aliases.get(key, key) if isinstance(key, str) else key
            if name in named and named[name] != value:
                raise OptimizationError(f"{field} gives {name} two values ({named[name]} and {value}): "
                                        f"{key} is another name for {name}")
            named[name] = value
        resolved.append(named)
    shapes = resolved
    for shape in shapes:
        unknown = set(shape) - known
        if unknown:
            raise OptimizationError(
                f"{field} names dims {sorted(unknown)} that the model does not have; {_dims_hint(known)}")
        for name, value in shape.items():
            _count(value, field, name)
    defaults = {n: v for n, v in derived_shape_set(signature)[0].items()}
    return [dict(defaults, **{k: int(v) for k, v in shape.items()}) for shape in shapes] or [defaults]


def shape_label(shape: dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in shape.items()) or "static"


# --- checking a request before any worker sees it ------------------------------------------------

# The formats whose shapes argument names the inputs (the file does not say them), not dim values.
INPUT_SPEC_FORMATS = ("torchscript", "pytorch", "pytorch-pickle")


def _itemsize(dtype: str) -> int:
    import numpy as np

    # As signature.generate_inputs builds them: a dtype numpy does not know is fed as float32.
    if dtype == "bfloat16":
        return 2
    return np.dtype(dtype).itemsize if dtype in np.sctypeDict else 4


def input_batch_bytes(shape: dict[str, int], signature: dict[str, Any]) -> int:
    """Bytes of one batch of inputs at these dim values, as the worker generates it."""
    from .signature import concrete_shape

    total = 0
    for spec in signature.get("inputs", []):
        count = 1
        for dim in concrete_shape(spec, shape):
            count *= dim
        total += count * _itemsize(spec.get("dtype", "float32"))
    return total


def _human_bytes(count: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} bytes"


def check_shapes(spec: Any, signature: dict[str, Any], *, model_format: str = "onnx", field: str = "--shapes",
                 max_input_bytes: int | None = None) -> list[str]:
    """What is wrong with a shapes argument for a model with this (stored) signature, as sentences that
    name `field` the way the reader calls it; empty when the optimizer will accept it.

    The same parsers the optimizer runs decide, so a request accepted here is one the worker accepts.
    With `max_input_bytes`, a shape set whose largest batch of inputs is bigger is refused too: the
    worker would build that batch (several times over: timing, accuracy and reference outputs) and
    run out of memory a minute later."""
    spec = spec if spec not in ("", None) else None
    if model_format in INPUT_SPEC_FORMATS:
        from .errors import InvalidModelError
        from .frontends.pytorch import INPUT_SPEC_SYNTAX, parse_input_specs

        if spec is None:
            return [f"{field} is required for a {model_format} model, whose file does not say its inputs: "
                    f"name each input as {INPUT_SPEC_SYNTAX}, e.g. image:1x3x224x224"]
        try:
            inputs = parse_input_specs(spec)
        except InvalidModelError as exc:
            return [f"{field}: {exc}"]
        # The export makes axis 0 the dynamic dim "batch", which the optimizer then varies itself.
        signature = {"inputs": [{**item, "shape": ["batch", *item["shape"][1:]]} for item in inputs]}
        shape_set = derived_shape_set(signature) + [{"batch": item["shape"][0]} for item in inputs]
    else:
        if not signature.get("inputs"):
            return []  # not known yet (inspected later by a worker): the worker's own check decides
        try:
            shape_set = parse_shapes(spec, signature, field=field)
        except OptimizationError as exc:
            return [str(exc)]
    if max_input_bytes is None:
        return []
    largest = max(shape_set, key=lambda shape: input_batch_bytes(shape, signature))
    size = input_batch_bytes(largest, signature)
    if size > max_input_bytes:
        return [f"{field}: at {shape_label(largest)} one batch of inputs is {_human_bytes(size)} ({size} bytes), "
                f"more than the {_human_bytes(max_input_bytes)} ({max_input_bytes} bytes) a worker is allowed; "
                "choose smaller values"]
    return []
