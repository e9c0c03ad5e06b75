"""What each output of a model is, and how its accuracy is judged for the task it serves.

One cosine over a whole output passed packages their users would call broken: a YOLOv8 detector's
output [1, 84, 8400] stacks 4 box rows over 80 class-score rows, the boxes dominate the cosine, and
an INT8 graph kept cosine >= 0.99 while its class scores collapsed. A CRNN's per-step character
logits kept cosine 0.9999 while 1.25% of the decoded characters changed. So each output has a kind,
inferred from the graph (the op that produces it, how a detection head concatenates boxes and
scores) or set by the user, and a judge for that kind; the budget must hold for every output.

Kinds and their judges. Every output must also keep cosine >= budget over all its values (the promise
the budget always made); a kind adds the check its task needs on top. Where a decision changed, an
agreement must hold at AGREEMENT_CONFIDENCE over the decisions counted (`decisions`, `agreement_bound`):

Before any kind: a NaN or an infinity in the candidate where the original has a number (or the other
way round) fails the output outright; the same NaN or infinity in both (a masked class) is no difference.

- `class_scores`: top-1 agreement per row >= TOP1_BUDGET (near-ties in the original ignored: the two
  scores compared, the original's top and the candidate's pick, within TIE_TOLERANCE of the larger).
- `sequence_logits`: per time step, the decoded (arg-max) symbol agrees >= TOP1_BUDGET (read from a
  rank-3 Softmax/LogSoftmax, or a rank-3 output named *logit* that is no detection head's scores).
- `detections`: [batch, rows, anchors] with box rows (cx, cy, w, h; or x1, y1, x2, y2 where every
  detected box of the original reads so) and score rows, judged apart:
  the score rows' own cosine >= budget, and the detections after thresholding agree anchor by anchor
  (same class, boxes at IoU >= DETECTION_IOU) >= TOP1_BUDGET: what any NMS keeps then agrees too.
  In a softmax head, a "no object" class (the confident best of more than half the anchors: DETR,
  SSD) is not a detection.
  `detections@BOXES` is the same judge for a head whose scores and boxes are two outputs with the
  anchors along axis 1 (SSD, MediaPipe's BlazeFace: scores [batch, anchors, classes] here, boxes
  [batch, anchors, cx cy w h ...] in output BOXES); scores given as logits are judged after the sigmoid.
- `mask`: thresholded (0.5 for probabilities, 0 for logits) agreement >= TOP1_BUDGET, and the same for the
  intersection over union of the foreground (a sparse mask's background cannot carry a lost object).
  Also read for per-level sigmoid scores concatenated along the anchors (RetinaNet's [1, anchors, classes]).
- `regression`: relative L2 error <= 1 - budget.
- `embedding` and `values`: cosine alone (`values` also checks top-1 agreement where an output looks
  like class scores, and exact agreement for integer outputs, as before kinds existed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS = ("class_scores", "sequence_logits", "detections", "mask", "regression", "embedding", "values")
# The share of decisions (rows, steps, pixels, detections) that must agree with the original.
TOP1_BUDGET = 0.99
# Once any decision changed, the share must hold at this confidence (the Wilson score interval's lower
# bound), not only as observed: 5 changed steps in 640 (99.2%) let a bf16 OCR recogniser ship that
# changed 1.1% of 1,280 held-out steps. No change at all passes at any count: fp32 rewrites change none.
# 80% lets one changed row in the top-1 check's 256 pass and rejects two; at 90% one already failed,
# which held a budget of 99% to about 99.8%.
AGREEMENT_CONFIDENCE = 0.80
_AGREEMENT_Z = 0.8416  # the standard normal's 80th percentile
# Detections: a score at least this is a detection; the two graphs' boxes must overlap this much.
DETECTION_SCORE = 0.25
DETECTION_IOU = 0.5
# Reference values this close to a threshold are a coin toss in the original already.
THRESHOLD_MARGIN = 0.02
# Scores closer than this (relative to the row's largest |score|) are a tie in the original.
TIE_TOLERANCE = 2.0 ** -8

# Ops that move or reshape a tensor without computing: looked through to find what produced an output.
_PASS_THROUGH = {"Transpose", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Flatten", "Cast"}
_EMBEDDING_WORDS = ("embed", "hidden", "feature", "pool", "vector", "encod", "repr", "latent")
_BOX_WORDS = ("box", "bbox", "coord", "landmark", "keypoint", "regress")


@dataclass(frozen=True)
class OutputKind:
    kind: str = "values"
    # detections: the score rows [start, stop) along axis 1 (the other rows are cx, cy, w, h).
    score_rows: tuple[int, int] | None = None
    source: str = "inferred"     # inferred | set
    # detections@BOXES: this output holds the scores, output BOXES the boxes, anchors along axis 1 of both.
    boxes_output: str | None = None

    def describe_verdict(self) -> dict[str, Any]:
        """The fields a report's per-output verdict names the kind with."""
        return {"kind": self.kind, **({"kind_source": "set"} if self.source == "set" else {}),
                **({"boxes_output": self.boxes_output} if self.boxes_output else {})}

    def cache_material(self) -> list:
        """What of the kind changes a verdict, for the tuning cache's key."""
        return [self.kind, self.score_rows, *([self.boxes_output] if self.boxes_output else [])]


class OutputKindError(ValueError):
    """An output kind the user set that the model cannot have."""


def parse_output_kinds(spec: Any, output_names: list[str]) -> dict[str, OutputKind]:
    """`name=kind;name=detections:4` or {name: kind}: kinds the user sets, checked against the outputs.

    For detections, `:N` says the first N rows along axis 1 are the box (4 for cx, cy, w, h), the rest
    class scores (YOLOv5/v8 layout); `@BOXES` says the boxes are another output (SSD, BlazeFace)."""
    if spec in (None, "", {}):
        return {}
    if isinstance(spec, str):
        pairs = {}
        for part in filter(None, (p.strip() for p in spec.split(";"))):
            name, sep, kind = part.partition("=")
            if not sep:
                raise OutputKindError(f"output kinds: {part!r} should look like output=kind")
            pairs[name.strip()] = kind.strip()
        spec = pairs
    if not isinstance(spec, dict):
        raise OutputKindError("output kinds must be 'output=kind;...' or an object {output: kind}")
    kinds = {}
    for name, value in spec.items():
        if name not in output_names:
            raise OutputKindError(f"output kinds name {name!r}, which the model does not output; its outputs "
                                  f"are {', '.join(output_names)}")
        value = str(value).strip()
        if "@" in value:
            kinds[name] = _split_detections(name, value, output_names)
            continue
        kind, _, rows = value.partition(":")
        if kind not in KINDS:
            raise OutputKindError(f"output kind {kind!r} for {name} is not one of {', '.join(KINDS)}")
        score_rows = None
        if kind == "detections":
            try:
                boxes = int(rows or 4)
            except ValueError as exc:
                raise OutputKindError(f"detections:{rows} for {name}: the box row count must be a number") from exc
            score_rows = (boxes, -1)
        elif rows:
            raise OutputKindError(f"only detections take a row count (detections:4), not {kind}")
        kinds[name] = OutputKind(kind, score_rows, source="set")
    return kinds


def _split_detections(name: str, value: str, output_names: list[str]) -> OutputKind:
    kind, _, boxes = (part.strip() for part in value.partition("@"))
    if kind != "detections":
        raise OutputKindError(f"only detections take a box output (detections@{boxes}), not {kind}")
    if boxes not in output_names:
        raise OutputKindError(f"detections@{boxes} for {name}: the model has no output {boxes!r}; its outputs "
                              f"are {', '.join(output_names)}")
    if boxes == name:
        raise OutputKindError(f"detections@{boxes} for {name}: the boxes must be another output; for boxes "
                              f"and scores in one output, write detections:4")
    return OutputKind("detections", source="set", boxes_output=boxes)


def infer_output_kinds(model, signature: dict[str, Any]) -> dict[str, OutputKind]:
    """Each output's kind, read from the graph; `values` where the graph says nothing."""
    producers = {out: node for node in model.graph.node for out in node.output}
    ranks = {spec["name"]: len(spec["shape"]) if spec.get("shape") else None for spec in signature["outputs"]}
    static: dict[str, list] | None = None  # shape inference costs a pass over the graph: only for a concat head

    def source(name: str):
        node = producers.get(name)
        seen = 0
        while node is not None and node.op_type in _PASS_THROUGH and seen < 16:
            node, seen = producers.get(node.input[0]), seen + 1
        return node

    kinds = {}
    for spec in signature["outputs"]:
        name, rank = spec["name"], ranks[spec["name"]]
        node = source(name)
        op = node.op_type if node is not None else ""
        lowered = name.lower()
        kind = OutputKind()
        if op == "Concat" and rank == 3:
            static = _static_dims(model) if static is None else static
            kind = _detection_layout(node, source, static) or kind
        elif op in ("Softmax", "LogSoftmax"):
            kind = OutputKind({2: "class_scores", 3: "sequence_logits"}.get(rank, "values"))
        elif op == "Sigmoid":
            kind = OutputKind("mask")
        elif any(word in lowered for word in _EMBEDDING_WORDS):
            kind = OutputKind("embedding")
        elif any(word in lowered for word in _BOX_WORDS):
            kind = OutputKind("regression")
        kinds[name] = kind
    split = _split_detection_heads(signature, kinds)
    for name, kind in kinds.items():
        # Raw per-step logits ([batch, steps, symbols] with no Softmax in the graph: CTC, token
        # classification, LM heads) are what the name says, unless they are a detection head's scores.
        if kind.kind == "values" and ranks[name] == 3 and "logit" in name.lower() and name not in split:
            kinds[name] = OutputKind("sequence_logits")
    return {**kinds, **split}


_SCORE_WORDS = ("score", "class", "conf", "logit", "prob")


def _split_detection_heads(signature: dict[str, Any], kinds: dict[str, OutputKind]) -> dict[str, OutputKind]:
    """A head that outputs its scores and its boxes apart, anchors along axis 1 of both (BlazeFace's
    `classificators` [1, 896, 1] beside `regressors` [1, 896, 16]): read only when the names say so,
    exactly one output each, the anchor counts match and the boxes have the 4 values of a box. A
    mask judge would count a sparse head's background anchors, which agree whatever the faces do."""
    shapes = {spec["name"]: spec.get("shape") or [] for spec in signature["outputs"]}

    def named(words, exclude=()):
        return [name for name, shape in shapes.items() if len(shape) == 3
                and any(word in name.lower() for word in words) and not any(w in name.lower() for w in exclude)]

    boxes, scores = named(_BOX_WORDS), named(_SCORE_WORDS, exclude=_BOX_WORDS)
    if len(boxes) != 1 or len(scores) != 1:
        return {}
    box_shape, score_shape = shapes[boxes[0]], shapes[scores[0]]
    anchors = box_shape[1]
    if not isinstance(anchors, int) or anchors != score_shape[1] or not (
            isinstance(box_shape[2], int) and box_shape[2] >= 4):
        return {}
    if kinds.get(scores[0], OutputKind()).kind not in ("values", "mask"):
        return {}  # the graph said something more specific
    return {scores[0]: OutputKind("detections", boxes_output=boxes[0])}


def _static_dims(model) -> dict[str, list]:
    import onnx

    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception:  # noqa: BLE001 - without shapes, detection heads are simply not recognised
        return {}
    dims = {}
    for value in list(inferred.graph.value_info) + list(inferred.graph.output):
        shape = value.type.tensor_type.shape
        dims[value.name] = [d.dim_value if d.HasField("dim_value") else None for d in shape.dim]
    return dims


def _detection_layout(concat, source, static) -> OutputKind | None:
    """A detection head: box rows concatenated with one run of sigmoid/softmax score rows along
    axis 1, every input with the same anchors along axis 2 (YOLOv8's [1, 4+classes, anchors]).

    Not a concat of several score levels along the anchors (RetinaNet's [1, anchors, classes] per
    level): read as a head, its anchors were taken for classes and every lost detection passed. All
    sigmoid, it is a mask: each anchor's class decision judged, its foreground by IoU."""
    axis = next((a.i for a in concat.attribute if a.name == "axis"), None)
    if axis not in (1, -2):
        return None
    offset, score_runs, anchors, sigmoids = 0, [], set(), 0
    for name in concat.input:
        dims = static.get(name)
        rows = dims[1] if dims and len(dims) == 3 else None
        if rows is None:
            return None
        anchors.add(dims[2])
        producer = source(name)
        if producer is not None and producer.op_type in ("Sigmoid", "Softmax"):
            sigmoids += producer.op_type == "Sigmoid"
            if score_runs and score_runs[-1][1] == offset:
                score_runs[-1] = (score_runs[-1][0], offset + rows)
            else:
                score_runs.append((offset, offset + rows))
        offset += rows
    if score_runs == [(0, offset)] and sigmoids == len(concat.input):
        return OutputKind("mask")  # sigmoid scores of every level: a decision per anchor and class
    if len(score_runs) != 1 or len(anchors) != 1 or None in anchors:
        return None
    start, stop = score_runs[0]
    if offset - (stop - start) < 4:  # the rows that are not scores hold no box
        return None
    return OutputKind("detections", score_runs[0])


# --- judges ------------------------------------------------------------------------------------------

def judge(kind: OutputKind, name: str, reference: list[np.ndarray], candidate: list[np.ndarray],
          budget: float, boxes: tuple[list[np.ndarray], list[np.ndarray]] | None = None) -> dict[str, Any]:
    """The metrics of one output over all batches, with `passes`; the kind's own metric decides.
    `boxes`: the reference and candidate batches of the output `kind.boxes_output` names."""
    from .accuracy import finite_cosine, looks_like_class_scores, non_finite_mismatches, top1_over_batches

    def holds(metric: str, agreement: float, decisions: int) -> bool:
        entry[metric] = agreement
        return _agreement_holds(entry, agreement, decisions)

    flat_ref = np.concatenate([np.asarray(r, dtype=np.float64).ravel() for r in reference])
    flat_got = np.concatenate([np.asarray(g, dtype=np.float64).ravel() for g in candidate])
    broken = non_finite_mismatches(flat_ref, flat_got)
    if broken:
        # NaN or an infinity where the original has a number: no metric of any kind may average it away.
        return {**kind.describe_verdict(), "cosine": 0.0, "max_abs_diff": float("inf"), "passes": False,
                "error": f"{broken} value{'s' if broken > 1 else ''} NaN or infinite where the original's are not"}
    finite = np.isfinite(flat_ref)  # the same positions in both: the rest are the same NaN or infinity
    flat_ref, flat_got = flat_ref[finite], flat_got[finite]
    entry: dict[str, Any] = {
        **kind.describe_verdict(),
        "cosine": finite_cosine(flat_ref, flat_got),
        "max_abs_diff": float(np.max(np.abs(flat_ref - flat_got))) if flat_ref.size else 0.0,
    }
    passes = entry["cosine"] >= budget
    if kind.kind == "class_scores" or (kind.kind == "values" and all(
            looks_like_class_scores(np.asarray(r), name) for r in reference)):
        agreement, entry["top1_agreement_raw"], decided = top1_over_batches(reference, candidate)
        passes = holds("top1_agreement", agreement, decided) and passes
    elif kind.kind == "values" and (np.issubdtype(np.asarray(reference[0]).dtype, np.integer)
                                    or np.asarray(reference[0]).dtype == bool):
        # Integer outputs (arg-max indices, labels) must match element for element.
        agreement = float(np.mean(flat_ref == flat_got)) if flat_ref.size else 1.0
        passes = holds("top1_agreement", agreement, int(flat_ref.size)) and passes
    elif kind.kind == "sequence_logits":
        agreement, _, decided = top1_over_batches(reference, candidate)
        passes = holds("step_agreement", agreement, decided) and passes
    elif kind.kind == "mask":
        agreement, decided = _thresholded_agreement(flat_ref, flat_got)
        entry["foreground_iou"] = _foreground_iou(flat_ref, flat_got)
        passes = holds("thresholded_agreement", agreement, decided) and passes and entry["foreground_iou"] >= TOP1_BUDGET
    elif kind.kind == "regression":
        norm = float(np.linalg.norm(flat_ref))
        entry["relative_error"] = float(np.linalg.norm(flat_ref - flat_got) / norm) if norm else float(
            np.linalg.norm(flat_got) > 0)
        passes = passes and entry["relative_error"] <= 1.0 - budget
    elif kind.kind == "detections" and kind.boxes_output:
        if boxes is None:
            raise ValueError(f"its boxes, output {kind.boxes_output}, are missing")
        heads = [(*_split_outputs(box_ref, score_ref), *_split_outputs(box_got, score_got))
                 for box_ref, score_ref, box_got, score_got in zip(boxes[0], reference, boxes[1], candidate)]
        passes = passes and _judge_detections(heads, budget, entry)
    elif kind.kind == "detections":
        heads = [(*_split_rows(np.asarray(ref, np.float64), kind.score_rows),
                  *_split_rows(np.asarray(got, np.float64), kind.score_rows))
                 for ref, got in zip(reference, candidate)]
        passes = passes and _judge_detections(heads, budget, entry)
    entry["passes"] = bool(passes)
    return entry


def _decisions(ref: np.ndarray) -> tuple[np.ndarray, float]:
    """Which elements are decisive (not a coin toss at the threshold), and the threshold.

    Logits: the same coin toss as for probabilities, measured after the sigmoid. A margin scaled by
    the largest |logit| judged nothing near the threshold where one tail runs far (BlazeFace's
    background anchors reach -356, its faces +3: no face was decisive)."""
    if ref.size and ref.min() >= 0 and ref.max() <= 1:
        return np.abs(ref - 0.5) > THRESHOLD_MARGIN, 0.5
    return np.abs(ref) > np.log((0.5 + THRESHOLD_MARGIN) / (0.5 - THRESHOLD_MARGIN)), 0.0


def _foreground_iou(ref: np.ndarray, got: np.ndarray) -> float:
    """Intersection over union of the foreground, over the decisive elements: a sparse mask (163
    faces among 28,672 BlazeFace anchors) that loses every face still agrees on 99.4% of its
    elements, but not on its foreground. 1.0 when the reference has no decisive foreground."""
    decisive, threshold = _decisions(ref)
    ref_fg, got_fg = (ref > threshold) & decisive, (got > threshold) & decisive
    union = int(np.count_nonzero(ref_fg | got_fg))
    return 1.0 if union == 0 else float(np.count_nonzero(ref_fg & got_fg)) / union


def _agreement_holds(entry: dict[str, Any], agreement: float, decisions: int) -> bool:
    """agreement >= TOP1_BUDGET; once a decision changed, at AGREEMENT_CONFIDENCE (Wilson's lower
    bound over `decisions`). Records `decisions`, and `agreement_bound` where it applies."""
    entry["decisions"] = decisions
    if decisions == 0 or agreement >= 1.0:
        return True
    z2 = _AGREEMENT_Z ** 2
    centre = agreement + z2 / (2 * decisions)
    spread = _AGREEMENT_Z * np.sqrt(agreement * (1 - agreement) / decisions + z2 / (4 * decisions ** 2))
    entry["agreement_bound"] = float((centre - spread) / (1 + z2 / decisions))
    return agreement >= TOP1_BUDGET and entry["agreement_bound"] >= TOP1_BUDGET


def _thresholded_agreement(ref: np.ndarray, got: np.ndarray) -> tuple[float, int]:
    """(share of the decisive elements on the same side of the threshold, how many were decisive)."""
    decisive, threshold = _decisions(ref)
    if not decisive.any():
        return 1.0, 0
    return float(np.mean((ref[decisive] > threshold) == (got[decisive] > threshold))), int(np.count_nonzero(decisive))


def _split_rows(array: np.ndarray, score_rows: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(boxes [batch, anchors, 4], scores [batch, anchors, classes]) from [batch, rows, anchors]."""
    start, stop = score_rows
    stop = array.shape[1] if stop == -1 else stop
    scores = array[:, start:stop, :]
    boxes = np.concatenate([array[:, :start, :], array[:, stop:, :]], axis=1)[:, :4, :]
    return boxes.transpose(0, 2, 1), scores.transpose(0, 2, 1)


def _split_outputs(boxes: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(boxes [batch, anchors, 4], scores [batch, anchors, classes]) from a head's two outputs,
    anchors along axis 1 of both. Boxes relative to their anchor (BlazeFace's offsets) are judged as
    they are: decoding moves and scales both graphs' boxes alike, which keeps their IoU."""
    boxes, scores = np.asarray(boxes, np.float64), np.asarray(scores, np.float64)
    if boxes.ndim != 3 or scores.ndim != 3 or boxes.shape[:2] != scores.shape[:2] or boxes.shape[2] < 4:
        raise ValueError(f"scores {list(scores.shape)} and boxes {list(boxes.shape)} are not "
                         "[batch, anchors, classes] and [batch, anchors, 4+]")
    return boxes[..., :4], scores


def _probabilities(reference: np.ndarray, candidate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores as probabilities: logits (the reference leaves [0, 1]) through the sigmoid, in both graphs."""
    if reference.size and reference.min() >= 0 and reference.max() <= 1:
        return reference, candidate

    def sigmoid(x):
        return 0.5 * (1.0 + np.tanh(0.5 * x))  # no overflow warning at BlazeFace's -356

    return sigmoid(reference), sigmoid(candidate)


def _judge_detections(heads, budget, entry) -> bool:
    """`heads`: per batch, (reference boxes, reference scores, candidate boxes, candidate scores) as
    [batch, anchors, 4] and [batch, anchors, classes].

    Score rows by their own cosine; detections anchor by anchor: every anchor that detects an
    object in either graph (best score >= DETECTION_SCORE, clear of the threshold by THRESHOLD_MARGIN)
    must detect it in the other too, same class, boxes at IoU >= DETECTION_IOU.

    Anchor by anchor rather than after NMS: NMS picks among near-equal overlapping boxes by score
    differences in the last bits, so two faithful graphs keep different boxes of one object; a
    package that agrees on every confident anchor agrees after any NMS."""
    from .accuracy import cosine

    score_cosines, matched, total, original = [], 0, 0, 0
    for ref_boxes, ref_scores, got_boxes, got_scores in heads:
        ref_scores, got_scores = _probabilities(ref_scores, got_scores)
        score_cosines.append(cosine(ref_scores, got_scores))
        ref_best, got_best = ref_scores.max(-1), got_scores.max(-1)
        sure = (ref_best >= DETECTION_SCORE + THRESHOLD_MARGIN) | (got_best >= DETECTION_SCORE + THRESHOLD_MARGIN)
        ref_objects = ref_best >= DETECTION_SCORE + THRESHOLD_MARGIN
        background = _background_class(ref_scores)
        if background is not None:  # "no object" in both graphs is no detection to agree on
            ref_class, got_class = ref_scores.argmax(-1), got_scores.argmax(-1)
            sure &= ~((ref_class == background) & (got_class == background))
            ref_objects &= ref_class != background
        original += int(ref_objects.sum())
        images, anchors = np.nonzero(sure)
        if images.size == 0:
            continue
        both = (ref_best[images, anchors] >= DETECTION_SCORE - THRESHOLD_MARGIN) & (
            got_best[images, anchors] >= DETECTION_SCORE - THRESHOLD_MARGIN)
        same_class = ref_scores[images, anchors].argmax(-1) == got_scores[images, anchors].argmax(-1)
        ref_sure, got_sure = ref_boxes[images, anchors], got_boxes[images, anchors]
        if not _corners(ref_sure):
            ref_sure, got_sure = _xyxy(ref_sure), _xyxy(got_sure)
        overlap = _pairwise_iou(ref_sure, got_sure) >= DETECTION_IOU
        matched += int((both & same_class & overlap).sum())
        total += int(images.size)
    entry["score_cosine"] = float(min(score_cosines)) if score_cosines else 1.0
    entry["detections"] = original
    entry["detection_agreement"] = float(matched / total) if total else None
    holds = _agreement_holds(entry, entry["detection_agreement"], total) if total else True
    if total == 0:
        entry["note"] = (f"no detection scored above {DETECTION_SCORE} on these inputs: attach example inputs "
                         "with objects in them to judge detections")
    passes = entry["score_cosine"] >= budget
    if entry["detection_agreement"] is not None:
        passes = passes and holds
    return passes


def _background_class(scores: np.ndarray) -> int | None:
    """The class a softmax head uses for "no object" (DETR's last, SSD's first): the confident best
    class of more than half of all anchors. Counted as detections, DETR's 100 queries of mostly "no
    object" agreed whatever happened to the objects (10% lost: 99.5%, a pass).

    Only where each anchor's scores sum to 1: a sigmoid head (YOLO) has no such class, and reading its
    most frequent confident class as one made a detector's every detection "background" and its judge
    vacuous. A head of one class has none either."""
    if scores.shape[-1] < 2 or not scores.size or not np.allclose(scores.sum(-1), 1.0, atol=1e-3):
        return None
    best = scores.argmax(-1)[scores.max(-1) >= DETECTION_SCORE + THRESHOLD_MARGIN]
    if not best.size:
        return None
    counts = np.bincount(best.ravel(), minlength=scores.shape[-1])
    return int(counts.argmax()) if counts.max() > 0.5 * scores[..., 0].size else None


def _corners(boxes: np.ndarray) -> bool:
    """Are these boxes x1, y1, x2, y2? Every one has x2 > x1 and y2 > y1: boxes given as cx, cy, w, h
    rarely all do (each would be wider than its centre's x). Read as cx, cy, w, h, corner boxes
    slid by 80% of their width kept an IoU above 0.5 and passed."""
    return bool(len(boxes)) and bool(np.all(boxes[:, 2] > boxes[:, 0]) and np.all(boxes[:, 3] > boxes[:, 1]))


def _xyxy(boxes: np.ndarray) -> np.ndarray:
    # |w|, |h|: an untrained head predicts negative sizes, and a box must still overlap itself.
    cx, cy, w, h = boxes[..., 0], boxes[..., 1], np.abs(boxes[..., 2]), np.abs(boxes[..., 3])
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=-1)


def _pairwise_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of a[i] with b[i], for each i."""
    width = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    height = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = width * height
    union = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter
    same = np.all(a == b, axis=1)  # two zero-area boxes overlap when they are the same box
    return np.where(union > 0, inter / np.where(union > 0, union, 1), same.astype(float))
