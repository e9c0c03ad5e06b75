"""Accuracy guard: every candidate is compared with the fp32 original on the same inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .contracts.request import LOSSLESS_BUDGET
from .contracts.request import default as _request_default
from .output_kinds import (AGREEMENT_CONFIDENCE, TIE_TOLERANCE, TOP1_BUDGET, OutputKind, agreement_lower_bound,
                           judge)

# The default cosine budget is the optimization request's (contracts/request.py), written there
# only; each output's kind adds its own check (output_kinds.py).
DEFAULT_COSINE_BUDGET = _request_default("accuracy_budget")
# A lossless recipe promises fp32 numerics; fusions reorder sums, nothing more. Also the contract's.
LOSSLESS_COSINE_BUDGET = LOSSLESS_BUDGET
# 99% top-1 agreement is a claim about flips per hundred rows, so it takes a few hundred rows
# to check. On 24 rows a package that flips one row in ten shows no flip 8% of the time: the
# bench caught one (a BERT-like classifier under OpenVINO INT8: 24 of 24 rows in the guard,
# 29 of 32 on the bench's own inputs).
TOP1_MIN_ROWS = 256
# TOP1_BUDGET and TIE_TOLERANCE (output_kinds.py): the share of decisions that must agree, and how
# close two scores are to be a tie in the original already (below bf16's resolution, 2^-8).


def top1_agreement(reference: np.ndarray, candidate: np.ndarray) -> tuple[float, float, int]:
    """(agreement ignoring near-ties in the reference, raw agreement, rows that were not near-ties).

    A tie is judged on the two scores compared, the reference's top and the class the candidate
    picked: scaled by the row's largest |score|, a masked class at -1e4 or the tail of 1,000
    log-probabilities made every changed row a "tie" (10% of rows changed and passed)."""
    ref = reference.reshape(-1, reference.shape[-1]).astype(np.float64)
    got = candidate.reshape(-1, candidate.shape[-1]).astype(np.float64)
    ref_top, got_top = ref.argmax(-1), got.argmax(-1)
    rows = np.arange(len(ref))
    top, alternative = ref[rows, ref_top], ref[rows, got_top]
    with np.errstate(invalid="ignore"):  # -inf - -inf: a masked class against a masked class
        margin = top - alternative
    scale = np.maximum(np.maximum(np.abs(top), np.abs(alternative)), 1e-12)
    decisive = (ref_top == got_top) | ~np.isfinite(scale) | (margin > TIE_TOLERANCE * scale)
    agree = ref_top == got_top
    decided = agree[decisive]
    return (float(decided.mean()) if decided.size else 1.0), float(agree.mean()) if agree.size else 1.0, int(decided.size)


def top1_over_batches(reference: list[np.ndarray], candidate: list[np.ndarray]) -> tuple[float, float, int]:
    """top1_agreement over batches whose last dim may differ (a sequence's logits at each length
    of the shape set): grouped by that dim, counted together."""
    groups: dict[int, tuple[list, list]] = {}
    for ref, got in zip(reference, candidate):
        ref, got = np.asarray(ref), np.asarray(got)
        last = ref.shape[-1] if ref.ndim else 1
        pair = groups.setdefault(last, ([], []))
        pair[0].append(ref.reshape(-1, last))
        pair[1].append(got.reshape(-1, last))
    decided_agree, raw_agree, decided, rows = 0.0, 0.0, 0, 0
    for refs, gots in groups.values():
        ref, got = np.concatenate(refs), np.concatenate(gots)
        share, raw, count = top1_agreement(ref, got)
        decided_agree += share * count
        decided += count
        raw_agree += raw * len(ref)
        rows += len(ref)
    return (decided_agree / decided if decided else 1.0), (raw_agree / rows if rows else 1.0), decided


# Output names that say what a (batch, n) float tensor is, when the name says anything.
_CLASS_WORDS = ("logit", "score", "prob", "class", "pred", "label")
_EMBEDDING_WORDS = ("embed", "hidden", "feature", "pool", "vector", "encod", "repr", "latent")


def looks_like_class_scores(array: np.ndarray, name: str = "") -> bool:
    """(batch, classes) float scores, the shape classifiers emit, and not an embedding of the same shape.

    The arg-max of an embedding means nothing: judging a sentence encoder by top-1 "agreement"
    rejected every INT8 candidate of all-MiniLM-L6-v2 for a number that says nothing about it.
    The name decides when it speaks; otherwise rows of unit length are a normalised embedding.
    """
    if not (array.ndim == 2 and array.shape[-1] >= 2 and np.issubdtype(array.dtype, np.floating)):
        return False
    lowered = name.lower()
    if any(word in lowered for word in _CLASS_WORDS):
        return True
    if any(word in lowered for word in _EMBEDDING_WORDS):
        return False
    norms = np.linalg.norm(array.astype(np.float64), axis=-1)
    return not (norms.size and np.allclose(norms, 1.0, atol=1e-3))


def top1_rows(outputs: dict[str, np.ndarray], kinds: dict[str, OutputKind] | None = None) -> int:
    """The rows one batch of outputs gives the top-1 check (0: the budget is judged by cosine alone).

    Class scores count a decision a row whatever their values, as `judge` counts them. Before kinds
    were asked here, a confident two-class softmax ([0.99, 0.01] rows, of length about 1) read as a
    normalised embedding: PaddleOCR's line classifier was counted 12 rows of 48, and a batch of such
    rows first would have added no rows at all. Outputs judged by a metric of their own (detections,
    steps, embeddings, regression) give none. The rest (`values`, `mask`) are read from the values:
    (batch, classes) scores, one score a row, integer labels."""
    rows = []
    for name, array in outputs.items():
        array = np.asarray(array)
        kind = (kinds or {}).get(name, OutputKind()).kind
        if kind == "class_scores":
            if array.ndim >= 2:  # a 1-D score vector is one decision a batch: no rows to count
                rows.append(int(np.prod(array.shape[:-1])))
        elif kind not in ("values", "mask"):
            continue
        elif looks_like_class_scores(array, name):
            rows.append(array.shape[0])
        elif array.ndim == 2 and array.shape[-1] == 1 and np.issubdtype(array.dtype, np.floating):
            # One score a row (a binary classifier's sigmoid): one decision a row, as rare as top-1's.
            rows.append(array.shape[0])
        elif np.issubdtype(array.dtype, np.integer) or array.dtype == bool:
            rows.append(array.size)
    return min(rows, default=0)


def cosine(reference: np.ndarray, other: np.ndarray) -> float:
    """Cosine similarity over the values finite in both; 0.0 when one has a NaN or an infinity
    where the other has not (nan_to_num made two NaN rows in 256 embeddings read as 0.994)."""
    a = np.asarray(reference, dtype=np.float64).ravel()
    b = np.asarray(other, dtype=np.float64).ravel()
    if non_finite_mismatches(a, b):
        return 0.0
    finite = np.isfinite(a)  # the same positions in both: an identical -inf column is no difference
    return finite_cosine(a[finite], b[finite])


def finite_cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two flat float64 arrays that hold only finite values."""
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if norm == 0:
        # Two all-zero outputs agree perfectly; one all-zero output does not.
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(np.dot(a, b) / norm)


def non_finite_mismatches(reference: np.ndarray, other: np.ndarray) -> int:
    """Elements where one array is NaN or infinite and the other is not, or is another one."""
    a, b = np.asarray(reference), np.asarray(other)
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(b.dtype, np.floating)):
        return 0
    a, b = a.astype(np.float64), b.astype(np.float64)
    finite_a, finite_b = np.isfinite(a), np.isfinite(b)
    same_special = (np.isnan(a) & np.isnan(b)) | (~finite_a & ~finite_b & (a == b))
    return int(np.count_nonzero((finite_a != finite_b) | (~finite_a & ~finite_b & ~same_special)))


def _verdict(entry: dict, budget: float) -> str:
    """Why one output misses its budget, in its kind's own metric."""
    if entry.get("error"):
        return entry["error"]
    bound = entry.get("agreement_bound")
    confidence = entry.get("agreement_confidence", AGREEMENT_CONFIDENCE)
    if bound is not None and bound < TOP1_BUDGET:
        metric = next(m for m in ("step_agreement", "detection_agreement", "thresholded_agreement", "top1_agreement")
                      if entry.get(m) is not None)
        return (f"{metric.replace('_', ' ')} {entry[metric]:.4f} over {entry['decisions']} decisions, "
                f"{bound:.4f} at {confidence:.0%} confidence < {TOP1_BUDGET}")
    objects = entry.get("object_agreement")
    if objects is not None and (objects < TOP1_BUDGET or entry.get("object_agreement_bound", 1.0) < TOP1_BUDGET):
        return (f"object agreement {objects:.4f} over {entry['objects']} objects of the original"
                + (f", {entry['object_agreement_bound']:.4f} at {confidence:.0%} confidence"
                   if "object_agreement_bound" in entry else "") + f" < {TOP1_BUDGET}")
    for metric, limit, worse in (("step_agreement", TOP1_BUDGET, "<"), ("detection_agreement", TOP1_BUDGET, "<"),
                                 ("thresholded_agreement", TOP1_BUDGET, "<"), ("top1_agreement", TOP1_BUDGET, "<"),
                                 ("score_cosine", budget, "<"), ("relative_error", round(1 - budget, 6), ">")):
        value = entry.get(metric)
        if value is not None and (value < limit if worse == "<" else value > limit):
            return f"{metric.replace('_', ' ')} {value:.4f} {worse} {limit}"
    return f"cosine {entry['cosine']:.5f} < budget {budget}"


def _sequence_shapes(value) -> list[tuple] | None:
    if not isinstance(value, (list, tuple)):
        return None
    return [np.shape(element) for element in value]


def _flatten_sequence(value) -> np.ndarray:
    if not value:
        return np.zeros(0, np.float32)
    return np.concatenate([np.asarray(element).ravel() for element in value])


@dataclass
class AccuracyResult:
    cosine: float
    max_abs_diff: float
    top1_agreement: float | None
    per_output: dict
    budget: float
    kinds: dict = field(default_factory=dict)  # name -> OutputKind, to judge the same way again

    @property
    def passes(self) -> bool:
        if not np.isfinite(self.cosine):
            return False
        return all(entry.get("passes", False) for entry in self.per_output.values())

    def why_not(self) -> str | None:
        if self.passes:
            return None
        name, entry = next((n, e) for n, e in self.per_output.items() if not e.get("passes", False))
        return f"output {name} ({entry.get('kind', 'values')}): {_verdict(entry, self.budget)}"

    def as_dict(self) -> dict:
        return {
            "metric": "cosine",
            "value": round(self.cosine, 6),
            "budget": self.budget,
            "max_abs_diff": float(f"{self.max_abs_diff:.6g}"),
            "cosine": round(self.cosine, 6),
            "top1_agreement": None if self.top1_agreement is None else round(self.top1_agreement, 6),
            "passes": self.passes,
            "per_output": self.per_output,
        }


def unproven_at(result: AccuracyResult, confidence: float) -> bool:
    """Whether some output judged by top-1 rows does not hold the budget at `confidence` on the rows
    judged, none changed counting too (the rule itself passes a clean run on any number of rows:
    256 unchanged rows prove 98.96% at 95%), unless it was judged at that confidence already."""
    for entry in result.per_output.values():
        if entry.get("top1_agreement") is None or entry.get("agreement_confidence", 0.0) >= confidence:
            continue
        if agreement_lower_bound(entry["top1_agreement"], int(entry.get("decisions") or 0), confidence) < TOP1_BUDGET:
            return True
    return False


def changed_a_row(result: AccuracyResult) -> bool:
    """Whether some output judged by top-1 rows changed one (its pass then rests on a confidence bound)."""
    return any(entry.get("top1_agreement") is not None and "agreement_bound" in entry
               for entry in result.per_output.values())


def compare_outputs(
    references: list[dict[str, np.ndarray]],
    candidates: list[dict[str, np.ndarray]],
    budget: float,
    kinds: dict[str, OutputKind] | None = None,
    confidence: float = AGREEMENT_CONFIDENCE,
) -> AccuracyResult:
    """Metrics over all batches, each output judged by its kind (output_kinds.py); every output
    must pass. `confidence`: what an agreement with a changed decision must hold at."""
    kinds = kinds or {}
    per_output: dict[str, dict] = {}
    names = list(references[0]) if references else []
    for name in names:
        ref = [r[name] for r in references]
        got = [c.get(name) for c in candidates]
        if any(g is None for g in got):
            per_output[name] = {"cosine": 0.0, "max_abs_diff": float("inf"), "error": "output missing"}
            continue
        if any(isinstance(r, (list, tuple)) for r in ref):
            # A sequence output: the same number of elements of the same shapes, then judged as one tensor.
            if any(_sequence_shapes(r) != _sequence_shapes(g) for r, g in zip(ref, got)):
                per_output[name] = {"cosine": 0.0, "max_abs_diff": float("inf"), "error": "output shape changed"}
                continue
            ref, got = [_flatten_sequence(r) for r in ref], [_flatten_sequence(g) for g in got]
        if any(np.shape(r) != np.shape(g) for r, g in zip(ref, got)):
            per_output[name] = {"cosine": 0.0, "max_abs_diff": float("inf"), "error": "output shape changed"}
            continue
        if not all(np.issubdtype(np.asarray(r).dtype, np.number) or np.asarray(r).dtype == bool for r in ref):
            equal = all(np.array_equal(r, g) for r, g in zip(ref, got))
            per_output[name] = {"cosine": 1.0 if equal else 0.0, "max_abs_diff": 0.0 if equal else float("inf"),
                                "passes": equal}
            continue
        kind = kinds.get(name, OutputKind())
        boxes = None
        if kind.boxes_output and kind.boxes_output in references[0] and all(
                c.get(kind.boxes_output) is not None for c in candidates):
            boxes = ([r[kind.boxes_output] for r in references], [c[kind.boxes_output] for c in candidates])
        try:
            per_output[name] = judge(kind, name, ref, got, budget, boxes=boxes, confidence=confidence)
        except (ValueError, IndexError, TypeError, ArithmeticError) as exc:  # a kind this output cannot have
            try:
                fallback = judge(OutputKind(), name, ref, got, budget, confidence=confidence)
            except (ValueError, IndexError, TypeError, ArithmeticError):  # the verdict is the error, not a crash
                fallback = {"cosine": 0.0, "max_abs_diff": float("inf")}
            per_output[name] = {**fallback, "kind": kind.kind, "passes": False,
                                "error": f"cannot be judged as {kind.kind}: {exc}"}
    for entry in per_output.values():
        entry.setdefault("passes", False)  # missing or reshaped outputs
    top1 = [e["top1_agreement"] for e in per_output.values() if e.get("top1_agreement") is not None]
    return AccuracyResult(
        cosine=min((e["cosine"] for e in per_output.values()), default=1.0),
        max_abs_diff=max((e["max_abs_diff"] for e in per_output.values()), default=0.0),
        top1_agreement=min(top1) if top1 else None,
        per_output={k: {kk: (float(f"{vv:.6g}") if isinstance(vv, float) else vv) for kk, vv in v.items()} for k, v in per_output.items()},
        budget=budget,
        kinds=kinds,
    )
