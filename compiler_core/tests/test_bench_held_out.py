"""The bench's held-out judgement: enough decisions that its verdict does not flip on noise.

At 256 rows a true change rate of 0.5% (2 changed rows) passed the budget as observed and failed it at
the guard's 80% confidence about as often as not (bert_encoder and mlp, 2026-12-06); the bench now tops
its held-out inputs up to HELD_OUT_DECISIONS per output.
"""

import numpy as np

from compiler_core.accuracy import compare_outputs
from compiler_core.bench.__main__ import HELD_OUT_DECISIONS, MAX_HELD_OUT_BATCHES, decisions_judged, held_out
from compiler_core.output_kinds import OutputKind

BUDGET = 0.99
SCORES = {"logits": OutputKind("class_scores")}


def _batches(seed: int, count: int, rows: int = 8) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"x": rng.normal(size=(rows, 10)).astype(np.float32)} for _ in range(count)]


def _plain(feed: dict) -> dict:
    return {"logits": feed["x"] * 3.0}


def test_class_scores_are_topped_up_to_the_decisions_the_rule_needs():
    feeds, reference = held_out(_batches(1, 4), lambda count: _batches(2, count), _plain, SCORES, BUDGET)
    assert len(feeds) == len(reference) == HELD_OUT_DECISIONS // 8
    assert decisions_judged(reference, SCORES, BUDGET) == HELD_OUT_DECISIONS


def test_a_half_percent_change_rate_passes_on_the_topped_up_rows_and_not_on_256():
    """Five changed rows in 1,024 pass at 80% confidence; two in 256 (the same rate, less evidence) do not."""
    feeds, reference = held_out(_batches(1, 4), lambda count: _batches(2, count), _plain, SCORES, BUDGET)

    def flip_rows(outputs: list[dict], changed: int) -> list[dict]:
        flipped = [{"logits": o["logits"].copy()} for o in outputs]
        for index in range(changed):  # move each row's top class elsewhere, one row per batch
            row = flipped[index]["logits"][0]
            row[np.argmin(row)] = row.max() + 1.0
        return flipped

    assert compare_outputs(reference, flip_rows(reference, 5), BUDGET, SCORES).passes
    assert not compare_outputs(reference[:32], flip_rows(reference[:32], 2), BUDGET, SCORES).passes


def test_outputs_judged_by_cosine_alone_get_no_more_batches():
    embeddings = {"logits": OutputKind("embedding")}
    feeds, _ = held_out(_batches(1, 4), lambda count: _batches(2, count), _plain, embeddings, BUDGET)
    assert len(feeds) == 4


def test_the_top_up_is_bounded_when_batches_hold_few_decisions():
    """One row a batch (a stateful audio model's chunk) stops at MAX_HELD_OUT_BATCHES, not at 1,024."""
    asked = []

    def more(count: int) -> list[dict]:
        asked.append(count)
        return _batches(2, count, rows=1)

    feeds, _ = held_out(_batches(1, 32, rows=1), more, _plain, SCORES, BUDGET)
    assert asked == [MAX_HELD_OUT_BATCHES - 32] and len(feeds) == MAX_HELD_OUT_BATCHES


def test_a_detection_verdict_names_its_objects():
    """The table's verdict line gives the object agreement beside the anchors': it is what fails a
    package that loses the small objects."""
    from compiler_core.bench.__main__ import _verdict_cell

    cell = _verdict_cell({"output0": {"kind": "detections", "passes": False, "cosine": 0.999, "score_cosine": 0.998,
                                      "detection_agreement": 0.9938, "object_agreement": 0.8889, "objects": 27}})
    assert cell == ("output0 (detections) **MISS**: cos 0.9990, detection 0.9938, scores cos 0.9980, "
                    "objects 0.8889 of 27")
