"""What the accuracy guard judges an output by: top-1 for class scores, cosine for everything else."""

import numpy as np
import onnx

from compiler_core.accuracy import TOP1_MIN_ROWS, compare_outputs, top1_rows
from compiler_core.calibration import generated_batches
from compiler_core.output_kinds import OutputKind
from compiler_core.pipeline import top1_batches
from compiler_core.signature import signature_of

from . import models


def _rows(seed, n=16, width=32):
    return np.random.default_rng(seed).standard_normal((n, width)).astype(np.float32)


def _flip_argmax(scores):
    """A copy whose arg-max differs on every row while staying close in cosine."""
    flipped = scores.copy()
    rows = np.arange(len(scores))
    top = scores.argmax(-1)
    second = np.argsort(scores, -1)[:, -2]
    flipped[rows, top], flipped[rows, second] = scores[rows, second], scores[rows, top]
    return flipped


def test_class_scores_are_judged_by_top1_agreement():
    logits = _rows(0) * 0.1
    logits[:, 0] += 10.0  # one confident class per row, so a flip is decisive
    result = compare_outputs([{"logits": logits}], [{"logits": _flip_argmax(logits)}], 0.9)
    assert result.top1_agreement == 0.0 and not result.passes


def test_an_embedding_is_judged_by_cosine_alone():
    embedding = _rows(1)
    embedding[:, 0] += 10.0
    close = _flip_argmax(embedding)
    by_name = compare_outputs([{"sentence_embedding": embedding}], [{"sentence_embedding": close}], 0.5)
    assert by_name.top1_agreement is None and by_name.passes
    # No telling name: rows of unit length are a normalised embedding.
    unit = embedding / np.linalg.norm(embedding, axis=-1, keepdims=True)
    unnamed = compare_outputs([{"div_1": unit}], [{"div_1": _flip_argmax(unit)}], 0.5)
    assert unnamed.top1_agreement is None
    # An unnamed output that is not normalised is still treated as class scores.
    raw = compare_outputs([{"output": embedding}], [{"output": close}], 0.5)
    assert raw.top1_agreement == 0.0


def test_class_scores_get_enough_rows_for_top1_and_embeddings_no_extra_batches(tmp_path):
    model = onnx.load(str(models.mlp(tmp_path / "mlp.onnx")))
    signature = signature_of(model)
    feeds = generated_batches(model, signature, {"batch": 8}, 3, seed=1)
    scores = [{"logits": _rows(seed, n=8, width=10)} for seed in range(3)]  # 24 rows of class scores

    more = top1_batches(model, signature, feeds, scores, seed=5000)

    assert len(more) == 29 and all(batch["x"].shape == (8, 64) for batch in more)  # 24 + 29 * 8 >= TOP1_MIN_ROWS
    assert 24 + 8 * len(more) >= TOP1_MIN_ROWS
    assert not any(np.array_equal(more[0]["x"], f["x"]) for f in feeds)  # fresh inputs
    embeddings = [{"sentence_embedding": _rows(seed, n=8)} for seed in range(3)]
    assert top1_batches(model, signature, feeds, embeddings, seed=5000) == []
    labels = [{"label": np.zeros(300, np.int64)}]  # labels are judged element for element; 300 already
    assert top1_batches(model, signature, feeds[:1], labels, seed=5000) == []


def test_confident_class_scores_count_as_rows_by_their_kind(tmp_path):
    """A confident two-class softmax has rows of length about 1, which the values alone read as a
    normalised embedding: PaddleOCR's line classifier was counted 12 rows of 48, and with such a batch
    first no rows at all were added. Its kind (a Softmax's output: class scores) counts every row."""
    model = onnx.load(str(models.mlp(tmp_path / "mlp.onnx")))
    signature = signature_of(model)
    feeds = generated_batches(model, signature, {"batch": 8}, 3, seed=1)
    confident = np.tile(np.array([[0.999, 0.001]], np.float32), (8, 1))
    name = "save_infer_model/scale_0.tmp_1"  # paddle2onnx's: the name says nothing either
    scores = [{name: confident}] * 3
    kinds = {name: OutputKind("class_scores")}
    assert top1_rows(scores[0]) == 0  # guessed from the values: an embedding
    assert top1_rows(scores[0], kinds) == 8
    assert top1_batches(model, signature, feeds, scores, seed=5000) == []
    more = top1_batches(model, signature, feeds, scores, seed=5000, kinds=kinds)
    assert 24 + 8 * len(more) >= TOP1_MIN_ROWS
    # Outputs with a metric of their own give the top-1 check no rows, whatever their values.
    for kind in ("embedding", "detections", "sequence_logits", "regression"):
        assert top1_rows({"logits": _rows(0, n=8, width=10)}, {"logits": OutputKind(kind)}) == 0, kind
    # A 1-D score vector beside real class scores has no rows to count, and does not zero theirs.
    both = {"logits": _rows(0, n=8, width=10), "pooled": np.ones(10, np.float32)}
    assert top1_rows(both, {"logits": OutputKind("class_scores"), "pooled": OutputKind("class_scores")}) == 8
