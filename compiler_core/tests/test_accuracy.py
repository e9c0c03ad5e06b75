"""What the accuracy guard judges an output by: top-1 for class scores, cosine for everything else."""

import numpy as np

from compiler_core.accuracy import compare_outputs


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
