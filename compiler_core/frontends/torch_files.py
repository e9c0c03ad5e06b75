"""What a PyTorch file is, and whether it is safe to open, decided by reading it as data.

Nothing here imports torch or unpickles anything: the web process calls it on uploads,
and the compiler core calls it again before its child process opens a file. A pickle is
judged by its opcodes alone (`pickletools.genops`): every class or function it would
call must be one of the globals torch's own weights-only unpickler allows.

The kinds of file:

* ``pt2``         a `torch.export.save` archive: a JSON graph plus raw tensor bytes.
                  Accepted when nothing in it would run code (see `check_pt2_archive`).
* ``torchscript`` a `torch.jit.save` zip (it has code/ or constants.pkl); read by
                  TorchScript's own loader, which does not import Python globals.
* ``weights``     a pickle that names only tensor/storage globals: a state_dict or a
                  tensor. Safe to read, but it holds no architecture to export.
* ``pickle``      a pickle that names any other global (a `torch.save(model)` module, or
                  anything at all): loading it runs code that the file chooses.
"""

from __future__ import annotations

import io
import json
import pickletools
import re
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# The one line a PyTorch user needs; every refusal repeats it.
EXPORT_ADVICE = 'torch.export.save(torch.export.export(model, example_inputs), "model.pt2")'

# Mirrors torch._weights_only_unpickler._get_allowed_globals() (torch 2.13) without importing
# torch; a test checks that every name here is also in torch's own list, so this is never looser.
_ALLOWED_GLOBALS = frozenset({
    "collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
    "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
    "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.complex",
    "torch._tensor._rebuild_from_type_v2",
    "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_nested_tensor",
    "torch._utils._rebuild_wrapper_subclass", "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._utils._rebuild_device_tensor_from_cpu_tensor",
    "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
    "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
})
_DTYPES = ("float64 float32 float16 bfloat16 complex32 complex64 complex128 uint8 int8 int16 int32 int64 bool "
           "qint8 quint8 qint32 quint4x2 quint2x4 float8_e5m2 float8_e4m3fn float8_e5m2fnuz float8_e4m3fnuz "
           "float8_e8m0fnu float4_e2m1fn_x2 uint16 uint32 uint64 bits8 bits16 bits1x8 bits2x4 bits4x2 "
           "uint1 uint2 uint3 uint4 uint5 uint6 uint7 int1 int2 int3 int4 int5 int6 int7").split()
_STORAGES = ("Double Float Half BFloat16 ComplexDouble ComplexFloat Long Int Short Char Byte Bool "
             "QUInt8 QInt8 QInt32 QUInt4x2 QUInt2x4").split()
_ALLOWED_GLOBALS |= {f"torch.{name}" for name in _DTYPES}
_ALLOWED_GLOBALS |= {f"torch.{name}Storage" for name in _STORAGES}
_ALLOWED_GLOBALS |= {f"torch.storage.{name}Storage" for name in ("Typed", "Untyped")}
_ALLOWED_GLOBALS |= {f"torch.{name}Tensor" for name in ("Double", "Float", "Half", "BFloat16", "Long", "Int",
                                                         "Short", "Char", "Byte", "Bool")}

_STRING_OPS = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING", "BINSTRING",
               "STRING"}
_MEMO_GET = {"GET", "BINGET", "LONG_BINGET"}
_MEMO_PUT = {"PUT", "BINPUT", "LONG_BINPUT"}
# Opcodes that call something the unpickler looked up by a number or name it cannot allowlist.
_NEVER = {"EXT1", "EXT2", "EXT4"}

MAX_PICKLE_BYTES = 64 << 20  # data.pkl of a huge model is still small: tensors live beside it


class UnsafeTorchFile(Exception):
    """The file would run code when opened (or cannot be shown not to); the message says why."""


@dataclass
class PickleScan:
    globals: list[str] = field(default_factory=list)   # every module.name the pickle would import
    unsafe: list[str] = field(default_factory=list)    # those outside the weights-only allowlist

    @property
    def safe(self) -> bool:
        return not self.unsafe


def scan_pickle(stream: io.BufferedIOBase | bytes) -> PickleScan:
    """The globals one pickle names, read from its opcodes. Fails closed: a global whose name
    cannot be worked out from the opcodes counts as unsafe."""
    if isinstance(stream, (bytes, bytearray)):
        stream = io.BytesIO(stream)
    scan = PickleScan()
    recent: list[object] = []  # values the last opcodes pushed, enough to name a STACK_GLOBAL
    memo: dict[int, object] = {}
    unknown = object()

    def record(name: str) -> None:
        if name.startswith("__builtin__."):  # protocol 2 spells builtins the Python 2 way; pickle maps it
            name = "builtins." + name[len("__builtin__."):]
        scan.globals.append(name)
        if name not in _ALLOWED_GLOBALS:
            scan.unsafe.append(name)

    try:
        for opcode, arg, _pos in pickletools.genops(stream):
            name = opcode.name
            if name in _NEVER:
                record(f"<extension registry code {arg}>")
            elif name in ("GLOBAL", "INST"):
                module, _, attr = str(arg).partition(" ")
                record(f"{module}.{attr}")
            elif name == "STACK_GLOBAL":
                module, attr = (recent[-2], recent[-1]) if len(recent) >= 2 else (unknown, unknown)
                if isinstance(module, str) and isinstance(attr, str):
                    record(f"{module}.{attr}")
                else:
                    record("<a global whose name is computed>")
            if name in _STRING_OPS:
                recent.append(arg if isinstance(arg, str) else unknown)
            elif name in _MEMO_GET:
                recent.append(memo.get(arg, unknown))
            elif name in _MEMO_PUT:
                memo[arg] = recent[-1] if recent else unknown
            elif name == "MEMOIZE":
                memo[len(memo)] = recent[-1] if recent else unknown
            else:
                recent.append(unknown)
            del recent[:-4]
    except Exception as exc:  # noqa: BLE001 - any malformed stream is refused the same way
        raise UnsafeTorchFile(f"the pickle inside cannot be read as data ({type(exc).__name__}: {exc})") from exc
    return scan


# --- which kind of file ------------------------------------------------------------------------

@dataclass
class TorchFile:
    kind: str                         # pt2 | torchscript | weights | pickle
    unsafe_globals: list[str] = field(default_factory=list)


def _zip_root_names(names: list[str], leaf: str) -> list[str]:
    return [n for n in names if n == leaf or (n.endswith("/" + leaf) and n.count("/") == leaf.count("/") + 1)]


def _is_pt2(archive: zipfile.ZipFile, names: list[str]) -> bool:
    for member in _zip_root_names(names, "archive_format"):
        if archive.read(member)[:16].strip() == b"pt2":
            return True
    # torch <= 2.7 wrote another layout, read by a path that unpickles with weights_only=False.
    return "serialized_exported_program.json" in names


def _read_bounded(archive: zipfile.ZipFile, member: str, what: str) -> bytes:
    info = archive.getinfo(member)
    if info.file_size > MAX_PICKLE_BYTES:
        raise UnsafeTorchFile(f"{what} ({member}) is {info.file_size} bytes; more than {MAX_PICKLE_BYTES} is refused")
    with archive.open(info) as handle:
        data = handle.read(MAX_PICKLE_BYTES + 1)
    if len(data) > MAX_PICKLE_BYTES:
        raise UnsafeTorchFile(f"{what} ({member}) expands past {MAX_PICKLE_BYTES} bytes")
    return data


def _scan_torch_zip(archive: zipfile.ZipFile, names: list[str]) -> PickleScan:
    pickles = _zip_root_names(names, "data.pkl")
    if len(pickles) != 1:
        raise UnsafeTorchFile(f"a torch.save zip holds one data.pkl; this one holds {len(pickles)}")
    return scan_pickle(_read_bounded(archive, pickles[0], "the pickle"))


def _scan_legacy_pickles(path: Path) -> PickleScan:
    """torch.save's legacy format (and pickle.dump) is a run of pickles followed by raw tensor bytes:
    magic number, protocol, sys info, the object, storage keys. Scan up to those five."""
    total = PickleScan()
    with open(path, "rb") as handle:
        for _ in range(5):
            if not handle.peek(1)[:1]:
                break
            if handle.peek(1)[:1] != b"\x80":
                break  # raw storage bytes follow the pickles
            part = scan_pickle(handle)
            total.globals += part.globals
            total.unsafe += part.unsafe
    return total


def classify(path: Path) -> TorchFile | None:
    """The kind of PyTorch file `path` is, or None when it is not one. Raises UnsafeTorchFile when
    it looks like one but cannot be read as data."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if _is_pt2(archive, names):
                    return TorchFile("pt2")
                if not _zip_root_names(names, "data.pkl"):
                    return None
                if any("/code/" in n or n.endswith("/constants.pkl") for n in names):
                    return TorchFile("torchscript")
                scan = _scan_torch_zip(archive, names)
        except zipfile.BadZipFile as exc:
            raise UnsafeTorchFile(f"the zip archive is damaged ({exc})") from exc
    elif head.startswith(b"\x80"):
        scan = _scan_legacy_pickles(path)
    else:
        return None
    return TorchFile("weights") if scan.safe else TorchFile("pickle", sorted(set(scan.unsafe)))


# --- torch.export archives -----------------------------------------------------------------------

# sympy.sympify() evaluates each symbolic-shape expression of a .pt2 with eval(); only these names,
# numbers, quoted symbol names and arithmetic may appear in one.
_SYMPY_NAMES = frozenset(
    "Symbol Integer Rational Float Add Mul Pow Mod Max Min Abs floor ceiling sqrt Eq Ne Lt Le Gt Ge "
    "StrictLessThan StrictGreaterThan LessThan GreaterThan Equality Unequality And Or Not Piecewise "
    "oo zoo nan true false True False None Tuple "
    "FloorDiv ModularIndexing Where PythonMod CleanDiv CeilToInt FloorToInt CeilDiv LShift RShift "
    "PowByNatural FloatPow FloatTrueDiv IntTrueDiv IsNonOverlappingAndDenseIndicator TruncToFloat "
    "TruncToInt RoundToInt RoundDecimal ToFloat Identity "
    "integer positive negative nonnegative nonpositive real finite infinite zero nonzero even odd "
    "commutative rational".split())
_SYMPY_OPS = frozenset("( ) , + - * / // % ** < > <= >= == != = & | ~ ^".split())
_QUOTED_SYMBOL = re.compile(r"^(['\"])[A-Za-z][A-Za-z0-9_]*\1$")
_SYMBOL_NAME = re.compile(r"^[a-z]{1,4}[0-9]+$")  # s77, u0, zuf3: how torch names its symbols
MAX_EXPRESSION_CHARS = 4096


def _check_sym_expression(text: object) -> None:
    if not isinstance(text, str) or len(text) > MAX_EXPRESSION_CHARS:
        raise UnsafeTorchFile("a symbolic shape in the graph is not a short expression")
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise UnsafeTorchFile(f"the symbolic shape {text[:80]!r} cannot be parsed") from exc
    for token in tokens:
        kind, value = token.type, token.string
        if kind in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            continue
        if ((kind == tokenize.NAME and (value in _SYMPY_NAMES or _SYMBOL_NAME.match(value)))
                or (kind == tokenize.NUMBER and re.fullmatch(r"[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?", value))
                or (kind == tokenize.STRING and _QUOTED_SYMBOL.match(value))
                or (kind == tokenize.OP and value in _SYMPY_OPS)):
            continue
        raise UnsafeTorchFile(f"the symbolic shape {text[:80]!r} holds {value!r}, which is not arithmetic "
                              "on shape symbols (sympy would evaluate it as Python)")


def _walk_expressions(node: object) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "expr_str":
                    _check_sym_expression(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def check_pt2_archive(path: Path) -> list[str]:
    """Refuse (UnsafeTorchFile) a .pt2 in which `torch.export.load` would run code, and return the
    names of the programs it holds. What torch 2.13's loader would otherwise execute:
    AOTInductor shared libraries, payloads it unpickles with weights_only=False (pickled weights,
    pickled constants, opaque and TorchBind objects, the sample inputs' fallback), the legacy
    layout, and sympy expressions (evaluated with eval)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "serialized_exported_program.json" in names:
                raise UnsafeTorchFile("it is a .pt2 from torch 2.7 or older, whose loader unpickles with "
                                      "weights_only=False; save it again with a newer torch")
            roots = {n.split("/", 1)[0] for n in _zip_root_names(names, "archive_format")}
            if len(roots) != 1:
                raise UnsafeTorchFile("a .pt2 archive has one top-level folder with archive_format in it")
            root = roots.pop() + "/"
            strays = [n for n in names if not n.startswith(root)]
            if strays:
                raise UnsafeTorchFile(f"it holds files outside its folder {root!r} ({strays[0]!r})")
            if any(n.startswith(root + "data/aotinductor/") for n in names):
                raise UnsafeTorchFile("it holds AOTInductor-compiled native code, which would be loaded "
                                      "into the process; export without AOTInductor")
            programs = [n[len(root + "models/"):-len(".json")] for n in names
                        if n.startswith(root + "models/") and n.endswith(".json")]
            if not programs:
                raise UnsafeTorchFile("it holds no exported program (models/*.json)")
            for program in programs:
                _check_program(archive, names, root, program)
    except zipfile.BadZipFile as exc:
        raise UnsafeTorchFile(f"the zip archive is damaged ({exc})") from exc
    return programs


def _check_program(archive: zipfile.ZipFile, names: list[str], root: str, program: str) -> None:
    for folder, config_name in (("weights", f"{program}_weights_config.json"),
                                ("constants", f"{program}_constants_config.json")):
        member = f"{root}data/{folder}/{config_name}"
        if member not in names:
            raise UnsafeTorchFile(f"it lacks data/{folder}/{config_name} (a legacy layout whose {folder} "
                                  "are unpickled); save it again with torch.export.save")
        config = _json(archive, member)
        for fqn, payload in (config.get("config") or {}).items():
            path_name = str(payload.get("path_name", ""))
            if payload.get("use_pickle") or not path_name.startswith(("weight_", "tensor_")):
                raise UnsafeTorchFile(f"its {folder[:-1]} {fqn!r} is stored as a pickled object, not as "
                                      "raw tensor bytes")
    graph = _json(archive, f"{root}models/{program}.json")
    _walk_expressions(graph)
    sample = f"{root}data/sample_inputs/{program}.pt"
    if sample in names:
        # torch.export.load retries a sample that fails weights-only loading with weights_only=False.
        inner = zipfile.ZipFile(io.BytesIO(_read_bounded(archive, sample, "the sample inputs")))
        scan = _scan_torch_zip(inner, inner.namelist())
        if not scan.safe:
            raise UnsafeTorchFile(f"its sample inputs pickle names {', '.join(sorted(set(scan.unsafe))[:5])}")


def _json(archive: zipfile.ZipFile, member: str) -> dict:
    try:
        value = json.loads(_read_bounded(archive, member, "a JSON member"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnsafeTorchFile(f"{member} is not JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise UnsafeTorchFile(f"{member} is not a JSON object")
    return value


# --- what a .pt2's inputs are, read from its JSON --------------------------------------------------

# torch._export.serde.schema.ScalarType, by value, as numpy names the dtype.
_SCALAR_TYPES = {1: "uint8", 2: "int8", 3: "int16", 4: "int32", 5: "int64", 6: "float16", 7: "float32",
                 8: "float64", 10: "complex64", 11: "complex128", 12: "bool", 13: "bfloat16", 28: "uint16",
                 34: "uint32", 35: "uint64"}
_SYMBOL_IN_EXPR = re.compile(r"^Symbol\((['\"])([a-z]+[0-9]+)\1")


def pt2_signature(path: Path) -> dict:
    """Inputs and outputs of the .pt2's program named "model", as data: names, dtypes and dims, the
    dynamic ones named as the ONNX export names them (batch for axis 0, else <input>_dim<axis>)."""
    with zipfile.ZipFile(path) as archive:
        roots = {n.split("/", 1)[0] for n in _zip_root_names(archive.namelist(), "archive_format")}
        graph_module = _json(archive, f"{roots.pop()}/models/model.json").get("graph_module", {})
    values = graph_module.get("graph", {}).get("tensor_values", {})
    signature = graph_module.get("signature", {})
    names: dict[str, str] = {}

    def spec(tensor_name: str, *, naming: bool) -> dict:
        meta = values.get(tensor_name, {})
        shape: list = []
        for axis, size in enumerate(meta.get("sizes", [])):
            if "as_int" in size:
                shape.append(size["as_int"])
                continue
            text = (size.get("as_expr") or {}).get("expr_str", "")
            symbol = _SYMBOL_IN_EXPR.match(text)
            key = symbol.group(2) if symbol else text
            if naming and key not in names:
                names[key] = "batch" if axis == 0 and "batch" not in names.values() else f"{tensor_name}_dim{axis}"
            shape.append(names.get(key, key))
        return {"name": tensor_name, "dtype": _SCALAR_TYPES.get(meta.get("dtype"), "unknown"), "shape": shape}

    def tensors(specs: list, kind: str) -> list[str]:
        return [item[kind]["arg"]["as_tensor"]["name"] for item in specs
                if kind in item and "as_tensor" in (item[kind].get("arg") or {})]

    inputs = [spec(name, naming=True) for name in tensors(signature.get("input_specs", []), "user_input")]
    outputs = [spec(name, naming=False) for name in tensors(signature.get("output_specs", []), "user_output")]
    return {"inputs": inputs, "outputs": outputs}


# --- what the user reads -------------------------------------------------------------------------

def refusal_message(kind: str, name: str, *, unsafe_globals: list[str] | None = None) -> str:
    if kind == "pickle":
        named = f" (it names {', '.join(unsafe_globals[:3])})" if unsafe_globals else ""
        return (f"{name} is a full Python pickle{named}, such as torch.save(model) writes. Loading a pickle "
                "runs whatever code it names, so Whetstone does not open it. Export the model instead and "
                f"upload the .pt2: {EXPORT_ADVICE} (TorchScript and ONNX files are accepted too).")
    if kind == "weights":
        return (f"{name} holds only weights (a state_dict or tensors), not the model's architecture, and "
                "Whetstone cannot rebuild your model class without running your code. Export the model and "
                f"upload the .pt2: {EXPORT_ADVICE}")
    raise ValueError(kind)


def unsafe_pt2_message(name: str, reason: str) -> str:
    return (f"{name} is a torch.export archive that Whetstone will not open: {reason}. Save a plain "
            f"exported program: {EXPORT_ADVICE}")
