// Detections out of a YOLO-style head: [1, 4+C, N] (YOLOv8's channels-first, as exported) or
// [1, N, 4+C], each anchor a box (cx, cy, w, h) followed by C class scores; or, where the job's report
// says so, any layout compiler_core/output_kinds.py judged the output by (YOLOv5's [1, N, 4+1+C] with
// objectness, whose detections score objectness x class score).
import type { V2Output } from "./InferenceOutputs";

export const DEFAULT_SCORE_THRESHOLD = 0.25; // compiler_core/output_kinds.py DETECTION_SCORE
export const DEFAULT_IOU_THRESHOLD = 0.45;
const BOX_ROWS = 4;
// Boxes kept after NMS: a picture of a crowd shows this many, the rest is noise at any threshold.
const MAX_DETECTIONS = 100;
// Anchors over the threshold that go into NMS (quadratic in this), best first.
const MAX_CANDIDATES = 3000;

export type DetectionLayout = {
  anchorsFirst: boolean;
  anchors: number;
  classes: number;
  /** The row (or column) of the first class score; an objectness row sits just before it. */
  firstClass?: number;
  objectness?: boolean;
  /** Raw boxes (YOLOX exported without decoding): each level's [grid height, grid width, stride]. */
  grid?: GridLevel[];
};

export type GridLevel = [number, number, number];

/** How the job's report judged a detections output: its verdict's layout fields. */
export type DetectionHead = { scoreRows: [number, number]; anchorsFirst: boolean; objectness: boolean; grid?: GridLevel[] };

export type Detection = {
  classIndex: number;
  score: number;
  /** Corners in the model input's pixels (x1, y1, x2, y2). */
  box: [number, number, number, number];
};

/**
 * How a rank-3 output holds detections, or null when it cannot be one. With the kind `detections`
 * (from the job's report) any [1, a, b] with a or b >= 5 is read; without, only when an image was sent
 * and the anchors clearly outnumber the rows, so a [1, steps, vocabulary] sequence is not drawn as boxes.
 */
export function detectionLayout(
  output: Pick<V2Output, "shape">,
  known: boolean,
  head?: DetectionHead,
): DetectionLayout | null {
  const shape = output.shape;
  if (shape.length !== 3 || shape[0] !== 1) return null;
  const [, rows, columns] = shape as [number, number, number];
  if (head) return reportedLayout(rows, columns, head);
  const rowsFirst = rows <= columns; // YOLOv8 [1, 84, 8400]
  const attributes = rowsFirst ? rows : columns;
  const anchors = rowsFirst ? columns : rows;
  if (attributes < BOX_ROWS + 1) return null;
  if (!known && anchors < 4 * attributes) return null;
  return { anchorsFirst: !rowsFirst, anchors, classes: attributes - BOX_ROWS };
}

/** The layout the report judged by: no guessing which axis holds the anchors, objectness where it is. */
function reportedLayout(rows: number, columns: number, head: DetectionHead): DetectionLayout | null {
  const anchors = head.anchorsFirst ? rows : columns;
  const attributes = head.anchorsFirst ? columns : rows;
  const [start, end] = head.scoreRows;
  const stop = end === -1 ? attributes : end;
  const firstClass = start + (head.objectness ? 1 : 0);
  if (start < BOX_ROWS || stop > attributes || firstClass >= stop) return null;
  const layout: DetectionLayout = { anchorsFirst: head.anchorsFirst, anchors, classes: stop - firstClass, firstClass, objectness: head.objectness };
  if (head.grid) {
    // Raw boxes are drawn decoded or not at all: on another grid they would be noise in one corner.
    if (head.grid.reduce((cells, [h, w]) => cells + h * w, 0) !== anchors) return null;
    layout.grid = head.grid;
  }
  return layout;
}

/** Each anchor's cell (column, row) and stride, level by level, cells row by row (YOLOX's order). */
function gridCells(grid: GridLevel[]): Array<[number, number, number]> {
  const cells: Array<[number, number, number]> = [];
  for (const [h, w, stride] of grid) {
    for (let row = 0; row < h; row++) for (let column = 0; column < w; column++) cells.push([column, row, stride]);
  }
  return cells;
}

export function iou(a: Detection["box"], b: Detection["box"]): number {
  const width = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const height = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = width * height;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * The detections of one picture: each anchor's best class, those scoring at least `scoreThreshold`,
 * then per-class greedy NMS (a box is dropped when it overlaps a better box of its class by more
 * than `iouThreshold`). Boxes given in 0..1 (normalised exports) are scaled to the input's pixels.
 */
export function decodeDetections(
  values: ArrayLike<number>,
  layout: DetectionLayout,
  input: { width: number; height: number },
  scoreThreshold: number,
  iouThreshold: number,
): Detection[] {
  const { anchors, classes, anchorsFirst } = layout;
  const firstClass = layout.firstClass ?? BOX_ROWS;
  const stride = values.length / anchors; // every attribute, mask coefficients after the classes included
  const at = (anchor: number, attribute: number) =>
    Number(anchorsFirst ? values[anchor * stride + attribute] : values[attribute * anchors + anchor]);
  const cells = layout.grid ? gridCells(layout.grid) : null;
  const candidates: Detection[] = [];
  for (let anchor = 0; anchor < anchors; anchor++) {
    const objectness = layout.objectness ? at(anchor, firstClass - 1) : 1;
    let best = -Infinity;
    let classIndex = 0;
    for (let c = 0; c < classes; c++) {
      const score = objectness * at(anchor, firstClass + c);
      if (score > best) {
        best = score;
        classIndex = c;
      }
    }
    if (!(best >= scoreThreshold)) continue;
    let [cx, cy, w, h] = [at(anchor, 0), at(anchor, 1), Math.abs(at(anchor, 2)), Math.abs(at(anchor, 3))];
    if (cells) {
      // YOLOX's decode: offsets in the cell, log sizes, in strides.
      const [column, row, stride] = cells[anchor]!;
      [cx, cy] = [(at(anchor, 0) + column) * stride, (at(anchor, 1) + row) * stride];
      // Clipped as the judge clips them: a size past e^30 strides is no box, and no Infinity.
      [w, h] = [Math.exp(Math.min(at(anchor, 2), 30)) * stride, Math.exp(Math.min(at(anchor, 3), 30)) * stride];
    }
    candidates.push({ classIndex, score: best, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2] });
  }
  candidates.sort((a, b) => b.score - a.score);
  candidates.length = Math.min(candidates.length, MAX_CANDIDATES);
  const normalised = candidates.length > 0 && candidates.every((d) => d.box.every((v) => v >= -0.5 && v <= 1.5));
  if (normalised) {
    for (const d of candidates) {
      d.box = [d.box[0] * input.width, d.box[1] * input.height, d.box[2] * input.width, d.box[3] * input.height];
    }
  }
  const kept: Detection[] = [];
  for (const candidate of candidates) {
    const overlaps = kept.some(
      (other) => other.classIndex === candidate.classIndex && iou(other.box, candidate.box) > iouThreshold,
    );
    if (!overlaps) kept.push(candidate);
    if (kept.length === MAX_DETECTIONS) break;
  }
  return kept;
}
