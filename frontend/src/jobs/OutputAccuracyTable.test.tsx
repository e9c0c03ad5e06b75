import { render, screen } from "@testing-library/react";
import { routedReport } from "../test/fixtures";
import { OutputAccuracyTable, kindMetric } from "./OutputAccuracyTable";

describe("OutputAccuracyTable", () => {
  it("gives each output its kind, verdict and the metric its kind is judged by", () => {
    render(<OutputAccuracyTable perOutput={routedReport.accuracy!.per_output} />);
    const rows = screen.getAllByTestId("output-accuracy-row").map((row) => [...row.children].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ["logits", "class scores", "passed", "top-1 agreement 97.00%", "0.998100", "2.00e-2", "—"],
      ["boxes", "detections (set by you)", "failed", "detection agreement 80.00%; score cosine 0.990000, 25 detections", "0.970000", "1.50e+0", "2 of 25 boxes moved"],
      ["mask", "mask", "passed", "thresholded agreement 99.50%; foreground IoU 99.25%", "0.999000", "∞", "—"],
    ]);
  });

  it("names the metric of every kind", () => {
    expect(kindMetric({ kind: "sequence_logits", step_agreement: 0.5 })).toBe("step agreement 50.00%");
    expect(kindMetric({ kind: "regression", relative_error: 0.0012 })).toBe("relative error 1.20e-3");
    expect(kindMetric({ kind: "embedding", cosine: 0.9995 })).toBe("cosine 0.999500");
    expect(kindMetric({ kind: "detections", detection_agreement: null, score_cosine: 1 })).toContain("no detection above the threshold");
    expect(kindMetric({ kind: "detections", boxes_output: "regressors", detection_agreement: 1, score_cosine: 1 }))
      .toContain("(boxes from output regressors)");
    expect(kindMetric({ kind: "detections", detection_agreement: 1, score_cosine: 1, detections: 20, object_agreement: 0.75,
      objects: 4, layout: "[batch, anchors, box 0, 1, 2, 3; objectness 4; class scores 5..84]" }))
      .toBe("detection agreement 100.00%; object agreement 75.00% (4 objects after NMS); score cosine 1.000000, 20 detections; "
        + "read as [batch, anchors, box 0, 1, 2, 3; objectness 4; class scores 5..84]");
  });

  it("shows the confidence bound an agreement with a changed decision was held to", () => {
    render(<OutputAccuracyTable perOutput={{ probs: { kind: "sequence_logits", passes: false, cosine: 0.998, max_abs_diff: 0.1,
      step_agreement: 0.9922, decisions: 640, agreement_bound: 0.9863 } }} />);
    expect(screen.getByTestId("agreement-bound").textContent).toBe("98.63% at 80% confidence over 640 decisions");
  });

  it("says the confidence the search's second look held a changed row to", () => {
    render(<OutputAccuracyTable perOutput={{ logits: { kind: "class_scores", passes: false, cosine: 0.999, max_abs_diff: 0.1,
      top1_agreement: 0.9927, decisions: 2048, agreement_bound: 0.9887, agreement_confidence: 0.95 } }} />);
    expect(screen.getByTestId("agreement-bound").textContent).toBe("98.87% at 95% confidence over 2,048 decisions");
  });

  it("shows nothing for a report without per-output verdicts", () => {
    const { container } = render(<OutputAccuracyTable perOutput={undefined} />);
    expect(container.textContent).toBe("");
  });
});
