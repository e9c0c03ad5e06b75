"""A model version's tokenizer: a Hugging Face `tokenizer.json` attached to the version, and text
turned into the version's token-id inputs with it (input_ids, attention_mask, token_type_ids,
position_ids).

A tokenizer.json is data, never code: the Rust `tokenizers` library parses it into its own
structures (a vocabulary, merges, normalizer and pre-tokenizer settings) and nothing in it runs.
It is still a hostile file: its size is bounded before it is read, it must be UTF-8 JSON, and the
library must load it, or the upload is refused with what was wrong.

Each attached file is stored under a prefix of its own (models/<model>/tokenizers/v<n>/<random>/
tokenizer.json), so replacing it never overwrites an object a request may be reading, and
everything lies under models/<model>/, so deleting the model purges it.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from whetstone import objectstore

from .ingest import ModelRejected
from .models import ModelVersion

logger = logging.getLogger(__name__)

FILE_NAME = "tokenizer.json"
# V2 datatypes of the integer inputs a token id, mask or segment id may be given as.
TOKEN_DTYPES = {"int64": "INT64", "int32": "INT32"}
# Pad tokens the common tokenizer families use, tried in order when tokenizer.json sets no padding.
PAD_TOKENS = ("[PAD]", "<pad>", "<|pad|>", "<PAD>", "[pad]")
# One request's bounds: a try-it form sends one text, a script a small batch.
MAX_TEXTS = 64
MAX_TEXT_CHARS = 20_000
# How a batch is padded: to the sequence length an input fixes, or to the longest text.
PADDING_CHOICES = [("fixed", "fixed"), ("longest", "longest")]


def tokenizer_root(*, model_id: int, number: int) -> str:
    return f"models/{model_id}/tokenizers/v{number}"


# --- which inputs text fills -----------------------------------------------------

@dataclass
class TextInputs:
    """The version's inputs as text fills them: each input's role, the sequence length when one
    input fixes it, and the batch size when one input fixes that."""

    roles: list[tuple[dict, str]] = field(default_factory=list)  # (input spec, role) in signature order
    sequence_length: int | None = None
    batch_size: int | None = None


def _role(name: str) -> str:
    lowered = name.lower()
    if "attention_mask" in lowered or lowered == "mask" or lowered.endswith("_mask"):
        return "attention_mask"
    if "token_type" in lowered or "segment" in lowered:
        return "token_type_ids"
    if "position" in lowered:
        return "position_ids"
    return "input_ids"


def text_inputs(signature: dict) -> TextInputs:
    """Which of the signature's inputs are token ids, masks, segment or position ids, and the
    fixed lengths they declare. Raises ModelRejected, naming the input, when text cannot fill
    every input (a float input, a rank other than [batch, sequence] or [sequence], two inputs
    that would both be the token ids, fixed lengths that disagree)."""
    inputs = (signature or {}).get("inputs", [])
    found = TextInputs()
    what = ("Text fills integer (int64 or int32) inputs of shape [batch, sequence] or [sequence]: the token ids, "
            "and optionally attention_mask, token_type_ids and position_ids.")
    if not inputs:
        raise ModelRejected(f"This version's signature has no inputs. {what}", field="file")
    for spec in inputs:
        name, dtype, shape = spec.get("name", ""), spec.get("dtype", ""), spec.get("shape")
        if dtype not in TOKEN_DTYPES:
            raise ModelRejected(f"Input {name!r} is {dtype}: text cannot fill it. {what}", field="file")
        if not isinstance(shape, list) or len(shape) not in (1, 2):
            raise ModelRejected(f"Input {name!r} has shape {shape}: text cannot fill it. {what}", field="file")
        found.roles.append((spec, _role(name)))
        sequence, batch = shape[-1], (shape[0] if len(shape) == 2 else 1)
        for value, attribute, label in ((sequence, "sequence_length", "sequence lengths"),
                                        (batch, "batch_size", "batch sizes")):
            if isinstance(value, int) and value > 0:
                held = getattr(found, attribute)
                if held is not None and held != value:
                    raise ModelRejected(f"The inputs fix different {label} ({held} and {value} for {name!r}): "
                                        "text cannot fill both.", field="file")
                setattr(found, attribute, value)
    ids = [spec["name"] for spec, role in found.roles if role == "input_ids"]
    if len(ids) != 1:
        raise ModelRejected(
            f"Text needs exactly one token-id input; this version has {len(ids)} ({', '.join(ids) or 'none'}). "
            f"{what}", field="file")
    return found


# --- attach, remove, show ---------------------------------------------------------

def tokenizer_summary(version: ModelVersion) -> dict | None:
    """What the API shows of a version's tokenizer; None when none is attached."""
    held = version.tokenizer or {}
    if not held.get("key"):
        return None
    return {key: held.get(key) for key in ("name", "size_bytes", "sha256", "kind", "vocab_size", "pad_token",
                                           "updated_at")}


def _load_text(text: str):
    """The library's Tokenizer for `text`; ModelRejected with the library's reason otherwise."""
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_str(text)
    except Exception as exc:  # the library raises a bare Exception naming the JSON's line and column
        raise ModelRejected(
            f"The tokenizers library could not load this tokenizer.json: {exc}. Send the tokenizer.json that "
            "tokenizer.save(\"tokenizer.json\") or a Hugging Face repository's fast tokenizer provides.",
            field="file") from exc


def _why_not_a_tokenizer(text: str) -> str | None:
    """What a file the library refused is instead, when it is plainly something else. Only refused
    files are parsed here: a large tokenizer.json is never held as Python objects as well."""
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return (f"The tokenizer file is not JSON ({str(exc)[:200]}). Send a Hugging Face tokenizer.json (one JSON "
                "object with a \"model\"); vocab.txt, merges.txt or a SentencePiece .model are not accepted.")
    if not isinstance(parsed, dict) or not isinstance(parsed.get("model"), dict):
        return ("This JSON is not a Hugging Face tokenizer.json: it has no \"model\" object (a tokenizer_config.json "
                "or config.json is not the tokenizer itself). Send the tokenizer.json saved beside them.")
    return None


def _checked(upload) -> tuple[bytes, object]:
    limit = settings.MODELHUB_MAX_TOKENIZER_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ModelRejected(f"The tokenizer file is over {limit} bytes; at most {limit} bytes are accepted "
                            "(MODELHUB_MAX_TOKENIZER_BYTES).", field="file", status_code=413)
    if not data:
        raise ModelRejected("The tokenizer file is empty. Send a Hugging Face tokenizer.json.", field="file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelRejected("The tokenizer file is not UTF-8 text. Send a Hugging Face tokenizer.json (one JSON "
                            "object with a \"model\"); a SentencePiece .model or other binary file is not "
                            "accepted.", field="file") from exc
    try:
        return data, _load_text(text)
    except ModelRejected as exc:
        reason = _why_not_a_tokenizer(text)
        if reason:
            raise ModelRejected(reason, field="file") from exc
        raise


def _pad(tokenizer) -> tuple[int, str | None]:
    """The pad id and token: tokenizer.json's own padding, else a usual pad token in the vocabulary,
    else id 0 (masked out by attention_mask either way)."""
    padding = tokenizer.padding
    if padding:
        return padding["pad_id"], padding["pad_token"]
    for token in PAD_TOKENS:
        token_id = tokenizer.token_to_id(token)
        if token_id is not None:
            return token_id, token
    return 0, tokenizer.id_to_token(0)


def version_tokenizer_attach(*, version: ModelVersion, upload) -> ModelVersion:
    """Store `upload` as the version's tokenizer, in place of any it had."""
    if version.status != ModelVersion.Status.READY:
        raise ModelRejected(f"Version {version.number} is {version.status}: a tokenizer is checked against its "
                            "signature, which inspection has not produced.", field="file", status_code=409)
    text_inputs(version.signature)
    data, tokenizer = _checked(upload)
    prefix = f"{tokenizer_root(model_id=version.model_id, number=version.number)}/{secrets.token_hex(6)}"
    _, pad_token = _pad(tokenizer)
    try:
        key = objectstore.put_stream(f"{prefix}/{FILE_NAME}", io.BytesIO(data))
        return _swap(version, {
            "prefix": prefix, "key": key, "name": (getattr(upload, "name", "") or FILE_NAME)[:255],
            "size_bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "kind": type(tokenizer.model).__name__, "vocab_size": tokenizer.get_vocab_size(),
            "pad_token": pad_token, "updated_at": timezone.now().isoformat(timespec="seconds"),
        })
    except BaseException:
        _remove(prefix)
        raise


def version_tokenizer_clear(*, version: ModelVersion) -> ModelVersion:
    return _swap(version, {})


def _swap(version: ModelVersion, held: dict) -> ModelVersion:
    """Point the version at `held` (a stored tokenizer, or {} for none); the object it held before
    is removed once that is committed, so a request reading it meanwhile still finds it."""
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        old_prefix = (locked.tokenizer or {}).get("prefix", "")
        locked.tokenizer = held
        locked.save(update_fields=["tokenizer"])
        if old_prefix:
            transaction.on_commit(lambda: _remove(old_prefix))
    return locked


def _remove(prefix: str) -> None:
    try:
        objectstore.delete_prefix(prefix)
    except Exception:  # the model's purge, or the orphan sweep, removes what is left
        logger.exception("could not remove the tokenizer under %s", prefix)


# --- tokenize ---------------------------------------------------------------------

class _Loaded:
    """A loaded tokenizer and the padding and truncation its file set. Padding and truncation are
    settings of the Tokenizer object itself, so each request sets them under the lock."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.own_truncation = tokenizer.truncation
        self.pad_id, self.pad_token = _pad(tokenizer)
        self.lock = threading.Lock()


@lru_cache(maxsize=4)
def _loaded(key: str, sha256: str) -> _Loaded:
    """Read once per process: the key names an immutable object, and its digest is in the cache key."""
    return _Loaded(_load_text(objectstore.read_text(key)))


def version_tokenize(*, version: ModelVersion, texts: list[str]) -> dict:
    """`texts` as the version's inputs: token ids, attention mask, segment and position ids, padded
    and truncated to the sequence length an input fixes (else padded to the longest text), as V2
    tensors of the inputs' datatypes; with each text's tokens, for a person to read."""
    held = version.tokenizer or {}
    if not held.get("key"):
        raise ModelRejected(f"Version {version.number} has no tokenizer attached. Attach its tokenizer.json: "
                            f"PUT /api/v1/models/{version.model_id}/versions/{version.number}/tokenizer/, or the "
                            "model page's \"Tokenizer\" section.", field="text", status_code=409)
    try:
        inputs = text_inputs(version.signature)
    except ModelRejected as exc:
        raise ModelRejected(str(exc), field="text") from exc
    if inputs.batch_size is not None and len(texts) != inputs.batch_size:
        raise ModelRejected(f"This model takes a batch of exactly {inputs.batch_size} "
                            f"{'text' if inputs.batch_size == 1 else 'texts'}; {len(texts)} sent.", field="texts")
    try:
        loaded = _loaded(held["key"], held["sha256"])
    except ModelRejected:
        raise
    except Exception as exc:  # the object store did not give the file back: never a 500 for the user
        logger.exception("could not read the tokenizer %s", held["key"])
        raise ModelRejected(f"Version {version.number}'s tokenizer could not be read from object storage just now; "
                            "try again, or attach the tokenizer.json again.", field="text", status_code=503) from exc
    length = inputs.sequence_length
    with loaded.lock:
        tokenizer = loaded.tokenizer
        try:
            if length:
                tokenizer.enable_truncation(max_length=length)
                tokenizer.enable_padding(length=length, pad_id=loaded.pad_id, pad_token=loaded.pad_token or "")
            else:
                if loaded.own_truncation:
                    tokenizer.enable_truncation(**loaded.own_truncation)
                else:
                    tokenizer.no_truncation()
                tokenizer.enable_padding(pad_id=loaded.pad_id, pad_token=loaded.pad_token or "")  # to the longest
            encodings = tokenizer.encode_batch(texts)
        except Exception as exc:  # the library's errors are bare Exceptions with its reason
            raise ModelRejected(f"The tokenizer could not encode the text: {exc}", field="text") from exc
    width = len(encodings[0].ids)
    by_role = {
        "input_ids": [encoding.ids for encoding in encodings],
        "attention_mask": [encoding.attention_mask for encoding in encodings],
        "token_type_ids": [encoding.type_ids for encoding in encodings],
        "position_ids": [list(range(width)) for _ in encodings],
    }
    tensors = []
    for spec, role in inputs.roles:
        rows = by_role[role]
        shape = [len(rows), width] if len(spec["shape"]) == 2 else [width]
        tensors.append({"name": spec["name"], "datatype": TOKEN_DTYPES[spec["dtype"]], "shape": shape,
                        "data": [value for row in rows for value in row]})
    return {
        "inputs": tensors,
        "texts": [{"tokens": encoding.tokens, "ids": encoding.ids, "length": sum(encoding.attention_mask),
                   "truncated": bool(encoding.overflowing)} for encoding in encodings],
        "sequence_length": width,
        "padding": "fixed" if length else "longest",
        "pad_token": loaded.pad_token,
        "tokenizer": tokenizer_summary(version),
    }
