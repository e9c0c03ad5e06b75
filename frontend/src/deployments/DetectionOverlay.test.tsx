import { fireEvent, render, screen, within } from "@testing-library/react";
import { decodeDetections, detectionLayout, iou } from "./detections";
import { InferenceOutputs, type V2Output } from "./InferenceOutputs";

const ANCHORS = 32;
// Anchor: cx, cy, w, h, score of class 0, score of class 1.
const ANCHOR_ROWS = [
  [50, 50, 20, 20, 0.9, 0.1], // the best box of class 0
  [52, 50, 20, 20, 0.8, 0.05], // the same object again: NMS drops it (IoU 0.82)
  [52, 50, 20, 20, 0.1, 0.7], // the same place, another class: kept
  [150, 100, 40, 30, 0.3, 0.2], // weak: kept at 0.25, gone at 0.5
];

function anchorsFirst(): number[][] {
  return Array.from({ length: ANCHORS }, (_, i) => ANCHOR_ROWS[i] ?? [10, 10, 4, 4, 0.01, 0.02]);
}

/** YOLOv8's export: [1, 4 + classes, anchors], attribute rows first. */
function yoloOutput(name = "output0"): V2Output {
  const rows = anchorsFirst();
  const data = Array.from({ length: 6 }, (_, attribute) => rows.map((row) => row[attribute]!)).flat();
  return { name, shape: [1, 6, ANCHORS], datatype: "FP32", data };
}

const picture = { url: "blob:picture", width: 400, height: 200, inputWidth: 200, inputHeight: 200 };

describe("detections from a YOLO-style head", () => {
  it("keeps each anchor's best class over the threshold, then NMS per class", () => {
    const output = yoloOutput();
    const layout = detectionLayout(output, false)!;
    expect(layout).toEqual({ anchorsFirst: false, anchors: ANCHORS, classes: 2 });
    const kept = decodeDetections(output.data as number[], layout, { width: 200, height: 200 }, 0.25, 0.45);
    expect(kept.map((d) => [d.classIndex, d.score])).toEqual([[0, 0.9], [1, 0.7], [0, 0.3]]);
    expect(kept[0]!.box).toEqual([40, 40, 60, 60]);
    expect(decodeDetections(output.data as number[], layout, { width: 200, height: 200 }, 0.5, 0.45)).toHaveLength(2);
    // At IoU 0.9 the repeated box of class 0 is no longer the same object.
    expect(decodeDetections(output.data as number[], layout, { width: 200, height: 200 }, 0.25, 0.9)).toHaveLength(4);
    expect(iou([40, 40, 60, 60], [42, 40, 62, 60])).toBeCloseTo(360 / 440, 6);
  });

  it("reads [1, anchors, 4 + classes] the same, and scales boxes given in 0..1", () => {
    const rows = anchorsFirst();
    const layout = detectionLayout({ shape: [1, ANCHORS, 6] }, false)!;
    expect(layout.anchorsFirst).toBe(true);
    const kept = decodeDetections(rows.flat(), layout, { width: 200, height: 200 }, 0.25, 0.45);
    expect(kept.map((d) => d.classIndex)).toEqual([0, 1, 0]);
    const normalised = rows.map(([cx, cy, w, h, ...scores]) => [cx! / 200, cy! / 200, w! / 200, h! / 200, ...scores]);
    const scaled = decodeDetections(normalised.flat(), layout, { width: 200, height: 200 }, 0.25, 0.45);
    scaled[0]!.box.forEach((value, i) => expect(value).toBeCloseTo([40, 40, 60, 60][i]!, 6));
  });

  it("reads YOLOv5's objectness as the report does: a detection scores objectness x class score", () => {
    // [1, anchors, 4 + objectness + 2 classes + 2 mask coefficients]: YOLOv5-seg, as the report read it.
    const rows = [
      [50, 50, 20, 20, 0.9, 0.9, 0.1, 7, -3], // an object of class 0: 0.81
      [150, 100, 40, 30, 0.02, 0.1, 0.95, 5, 5], // class scores without an object: no detection
      [120, 60, 10, 10, 0.5, 0.2, 0.8, 0, 0], // class 1 at 0.4
    ];
    const head = { scoreRows: [4, 7] as [number, number], anchorsFirst: true, objectness: true };
    const layout = detectionLayout({ shape: [1, 3, 9] }, true, head)!;
    expect(layout).toEqual({ anchorsFirst: true, anchors: 3, classes: 2, firstClass: 5, objectness: true });
    const kept = decodeDetections(rows.flat(), layout, { width: 200, height: 200 }, 0.25, 0.45);
    expect(kept.map((d) => [d.classIndex, Number(d.score.toFixed(3))])).toEqual([[0, 0.81], [1, 0.4]]);
    // Without the report's layout, objectness (and the mask coefficients) would be classes of their own.
    expect(detectionLayout({ shape: [1, 40, 9] }, true)).toEqual({ anchorsFirst: true, anchors: 40, classes: 5 });
    // A transposed head the report read rows first is not guessed from its shape.
    expect(detectionLayout({ shape: [1, 9, 3] }, true, { ...head, anchorsFirst: false })).toMatchObject({ anchorsFirst: false, anchors: 3 });
    expect(detectionLayout({ shape: [1, 3, 6] }, true, head)).toBeNull(); // fewer columns than the report read
  });

  it("decodes YOLOX's raw boxes on the report's grid, and draws none on a grid that does not fit", () => {
    // Two levels: a 2x2 grid at stride 8, then a 1x1 grid at stride 16; [cx, cy, log w, log h, obj, class].
    const rows = [
      [0, 0, 0, 0, 0.01, 0.9],
      [0, 0, 0, 0, 0.01, 0.9],
      [0, 0, 0, 0, 0.01, 0.9],
      [0.5, 0.25, Math.log(2), 0, 0.9, 0.9], // row 1, column 1 at stride 8: centre (12, 10), 16 x 8
      [0.5, 0.5, 0, Math.log(3), 0.8, 0.5], // the one cell at stride 16: centre (8, 8), 16 x 48
    ];
    const head = { scoreRows: [4, 6] as [number, number], anchorsFirst: true, objectness: true, grid: [[2, 2, 8], [1, 1, 16]] as [number, number, number][] };
    const layout = detectionLayout({ shape: [1, 5, 6] }, true, head)!;
    const kept = decodeDetections(rows.flat(), layout, { width: 32, height: 32 }, 0.25, 0.45);
    expect(kept.map((d) => Number(d.score.toFixed(2)))).toEqual([0.81, 0.4]);
    kept[0]!.box.forEach((value, i) => expect(value).toBeCloseTo([4, 6, 20, 14][i]!, 6));
    kept[1]!.box.forEach((value, i) => expect(value).toBeCloseTo([0, -16, 16, 32][i]!, 6));
    expect(detectionLayout({ shape: [1, 5, 6] }, true, { ...head, grid: [[2, 2, 8]] })).toBeNull();
    expect(detectionLayout({ shape: [1, 5, 6] }, true, { ...head, grid: [] })).toBeNull();
  });

  it("does not take a sequence of logits for detections unless the report says so", () => {
    expect(detectionLayout({ shape: [1, 26, 37] }, false)).toBeNull();
    expect(detectionLayout({ shape: [1, 26, 37] }, true)).toEqual({ anchorsFirst: false, anchors: 37, classes: 22 });
    expect(detectionLayout({ shape: [1, 4, 100] }, true)).toBeNull(); // boxes without a score
    expect(detectionLayout({ shape: [2, 84, 8400] }, true)).toBeNull(); // one picture per request
  });
});

describe("the detection overlay", () => {
  it("draws the kept boxes on the picture sent, mapped back to its size, with labels", () => {
    render(<InferenceOutputs outputs={[yoloOutput()]} labels={["cat", "dog"]} picture={picture} />);
    const overlay = screen.getByTestId("detection-overlay");
    expect(overlay.querySelector("img")!.getAttribute("src")).toBe("blob:picture");
    expect(overlay.querySelector("svg")!.getAttribute("viewBox")).toBe("0 0 400 200");
    const boxes = within(overlay).getAllByTestId("detection-box");
    expect(boxes.map((box) => box.textContent)).toEqual(["cat 0.90", "dog 0.70", "cat 0.30"]);
    // The input was the picture stretched to 200 x 200: x doubles back, y stays.
    const rect = boxes[0]!.querySelector("rect")!;
    expect(["x", "y", "width", "height"].map((name) => Number(rect.getAttribute(name)))).toEqual([80, 40, 40, 20]);
    expect(screen.getByText(/detections$/).textContent).toContain("[1, 6, 32] FP32 · detections");
    expect(screen.getByTestId("detection-count").textContent).toContain("3 detections of 32 anchors × 2 classes");
    const rows = within(screen.getByTestId("detection-table-output0")).getAllByRole("row");
    expect(rows[1]!.textContent).toBe("0cat0.90040.0, 40.0, 60.0, 60.0");

    fireEvent.change(screen.getByLabelText(/Score threshold/), { target: { value: "0.5" } });
    expect(within(overlay).getAllByTestId("detection-box")).toHaveLength(2);
    expect(screen.getByTestId("detection-count").textContent).toContain("at score ≥ 0.50");
  });

  it("reads an output as detections without a picture only when the report's kind says so", () => {
    const { unmount } = render(<InferenceOutputs outputs={[yoloOutput()]} labels={[]} />);
    expect(screen.queryByTestId("detections-output0")).toBeNull();
    expect(screen.getByTestId("preview-output0")).toBeTruthy();
    unmount();
    render(<InferenceOutputs outputs={[yoloOutput()]} labels={[]} outputKinds={{ output0: { kind: "detections" } }} />);
    expect(screen.getByTestId("detections-output0")).toBeTruthy();
    expect(screen.queryByTestId("detection-overlay")).toBeNull();
    expect(screen.getByTestId("detection-count").textContent).toContain("3 detections");
  });

  it("leaves class scores as a top-k table when a picture was sent", () => {
    const logits: V2Output = { name: "logits", shape: [1, 3], datatype: "FP32", data: [0.1, 2, 0.3] };
    render(<InferenceOutputs outputs={[logits]} labels={[]} picture={picture} />);
    expect(screen.getByTestId("topk-logits-0")).toBeTruthy();
    expect(screen.queryByTestId("detection-overlay")).toBeNull();
  });
});
