import { MISSING, formatCount, formatRatio, isNumber } from "../format/numbers";
import { StatusBadge } from "../components/StatusBadge";
import { asRecord } from "./report";
import { ResponsiveTable } from "../components/ResponsiveTable";

type OutputVerdict = Record<string, unknown>;

const percent = (value: unknown) => (isNumber(value) ? `${(value * 100).toFixed(2)}%` : MISSING);
// A report from before `agreement_confidence` was written held every bound at 80%.
const confidence = (value: unknown) => `${Math.round((isNumber(value) ? value : 0.8) * 100)}%`;

/**
 * The figure each output kind is judged by (compiler_core/output_kinds.py); cosine and max abs
 * diff have their own columns. A kind this console does not know shows the cosine alone.
 */
export function kindMetric(verdict: OutputVerdict): string {
  switch (verdict.kind) {
    case "class_scores":
      return `top-1 agreement ${percent(verdict.top1_agreement)}`;
    case "sequence_logits":
      return `step agreement ${percent(verdict.step_agreement)}`;
    case "detections": {
      const count = isNumber(verdict.detections) ? `, ${formatCount(verdict.detections)} detections` : "";
      const matched = verdict.detection_agreement === null ? "no detection above the threshold" : `detection agreement ${percent(verdict.detection_agreement)}`;
      const boxes = typeof verdict.boxes_output === "string" ? ` (boxes from output ${verdict.boxes_output})` : "";
      const layout = typeof verdict.layout === "string" ? `; read as ${verdict.layout}` : "";
      const objects = isNumber(verdict.object_agreement)
        ? `; object agreement ${percent(verdict.object_agreement)}${isNumber(verdict.objects) ? ` (${formatCount(verdict.objects)} objects after NMS)` : ""}`
        : "";
      return `${matched}${boxes}${objects}; score cosine ${formatRatio(verdict.score_cosine, 6)}${count}${layout}`;
    }
    case "mask": {
      const foreground = isNumber(verdict.foreground_iou) ? `; foreground IoU ${percent(verdict.foreground_iou)}` : "";
      return `thresholded agreement ${percent(verdict.thresholded_agreement)}${foreground}`;
    }
    case "regression":
      return `relative error ${isNumber(verdict.relative_error) ? verdict.relative_error.toExponential(2) : MISSING}`;
    default:
      return `cosine ${formatRatio(verdict.cosine, 6)}`;
  }
}

/** One row per output with its kind, its verdict and the metric that kind is judged by. */
export function OutputAccuracyTable({ perOutput }: { perOutput: unknown }) {
  const outputs = Object.entries(asRecord(perOutput) ?? {}).filter(([, value]) => asRecord(value) !== null) as [string, OutputVerdict][];
  if (outputs.length === 0) return null;
  return (
    <ResponsiveTable testId="output-accuracy-table" className="compact">
      <thead>
        <tr>
          <th scope="col">Output</th>
          <th scope="col">Kind</th>
          <th scope="col">Verdict</th>
          <th scope="col">Judged by</th>
          <th scope="col" className="number">
            Cosine
          </th>
          <th scope="col" className="number">
            Max abs diff
          </th>
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {outputs.map(([name, verdict]) => (
          <tr key={name} data-testid="output-accuracy-row">
            <th scope="row" className="break">
              {name}
            </th>
            <td>
              {typeof verdict.kind === "string" ? verdict.kind.replace("_", " ") : MISSING}
              {verdict.kind_source === "set" && <span className="muted small"> (set by you)</span>}
            </td>
            <td>
              {typeof verdict.passes === "boolean" ? <StatusBadge status={verdict.passes ? "passed" : "failed"} /> : MISSING}
            </td>
            <td>
              {kindMetric(verdict)}
              {isNumber(verdict.agreement_bound) && isNumber(verdict.decisions) && (
                <div className="muted small" data-testid="agreement-bound">
                  {percent(verdict.agreement_bound)} at {confidence(verdict.agreement_confidence)} confidence over{" "}
                  {formatCount(verdict.decisions)} decisions
                </div>
              )}
            </td>
            <td className="number">{formatRatio(verdict.cosine, 6)}</td>
            <td className="number">
              {/* null: infinite (an output missing or reshaped), as the report writes it */}
              {isNumber(verdict.max_abs_diff) ? verdict.max_abs_diff.toExponential(2) : verdict.max_abs_diff === null ? "∞" : MISSING}
            </td>
            <td className="detail">{[verdict.note, verdict.error].filter((text) => typeof text === "string" && text).join("; ") || MISSING}</td>
          </tr>
        ))}
      </tbody>
    </ResponsiveTable>
  );
}
