// Detections drawn over the picture that was sent: an SVG laid over the <img> with the picture's own
// size as its viewBox, so boxes scale with the picture on any screen. Boxes come back in the model
// input's pixels (the picture stretched to H x W) and are mapped back axis by axis.
import { useId, useMemo, useState } from "react";
import {
  decodeDetections,
  DEFAULT_IOU_THRESHOLD,
  DEFAULT_SCORE_THRESHOLD,
  type Detection,
  type DetectionLayout,
} from "./detections";
import type { V2Output } from "./InferenceOutputs";

/** The picture a request was built from, and the input size it was stretched to. */
export type SentPicture = { url: string; width: number; height: number; inputWidth: number; inputHeight: number };

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#9a6324", "#800000"];
const ROWS_LISTED = 20;

function labelOf(detection: Detection, labels: string[]): string {
  return labels[detection.classIndex] || `class ${detection.classIndex}`;
}

export function DetectionOverlay({
  picture,
  detections,
  labels,
}: {
  picture: SentPicture;
  detections: Detection[];
  labels: string[];
}) {
  const sx = picture.width / picture.inputWidth;
  const sy = picture.height / picture.inputHeight;
  // The picture is shown at most 640 px wide (small ones enlarged): text in the picture's units,
  // 1/40 of its longer side, reads at about 16 px; strokes keep 2 screen pixels at any scale.
  const fontSize = Math.max(picture.width, picture.height) / 40;
  return (
    <div className="detection-overlay" data-testid="detection-overlay">
      <img src={picture.url} alt="The picture sent, with the detections drawn over it" />
      <svg viewBox={`0 0 ${picture.width} ${picture.height}`} preserveAspectRatio="none" aria-hidden="true">
        {detections.map((detection, i) => {
          const [x1, y1, x2, y2] = detection.box;
          const color = COLORS[detection.classIndex % COLORS.length]!;
          const x = Math.max(0, x1 * sx);
          const y = Math.max(0, y1 * sy);
          return (
            <g key={i} data-testid="detection-box" data-class={detection.classIndex}>
              <rect
                x={x}
                y={y}
                width={Math.max(0, Math.min(picture.width, x2 * sx) - x)}
                height={Math.max(0, Math.min(picture.height, y2 * sy) - y)}
                fill="none"
                stroke={color}
                strokeWidth={2}
                vectorEffect="non-scaling-stroke"
              />
              <text
                x={x + fontSize / 4}
                y={y + fontSize}
                fontSize={fontSize}
                fill={color}
                stroke="#fff"
                strokeWidth={fontSize / 6}
                paintOrder="stroke"
              >
                {labelOf(detection, labels)} {detection.score.toFixed(2)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** A slider with its value beside it: a label and two cells of the controls' grid. */
function Threshold({
  label,
  value,
  onChange,
  ...range
}: {
  label: string;
  min: number;
  max: number;
  step: number;
  value: number;
  onChange: (value: number) => void;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <span className="range-with-value">
        <input id={id} type="range" {...range} value={value} onChange={(event) => onChange(Number(event.target.value))} />
        <output htmlFor={id}>{value.toFixed(2)}</output>
      </span>
    </>
  );
}

/** A detections output: the thresholds, the picture with its boxes, and the same boxes as a table. */
export function DetectionView({
  output,
  layout,
  picture,
  labels,
}: {
  output: V2Output;
  layout: DetectionLayout;
  picture: SentPicture | null;
  labels: string[];
}) {
  const [scoreThreshold, setScoreThreshold] = useState(DEFAULT_SCORE_THRESHOLD);
  const [iouThreshold, setIouThreshold] = useState(DEFAULT_IOU_THRESHOLD);
  // Without the picture (a request from a file), normalised boxes stay in 0..1.
  const width = picture?.inputWidth ?? 1;
  const height = picture?.inputHeight ?? 1;
  const detections = useMemo(
    () => decodeDetections(output.data as number[], layout, { width, height }, scoreThreshold, iouThreshold),
    [output.data, layout, width, height, scoreThreshold, iouThreshold],
  );
  return (
    <div data-testid={`detections-${output.name}`}>
      <div className="detection-controls">
        <Threshold
          label="Score threshold"
          min={0.01}
          max={0.99}
          step={0.01}
          value={scoreThreshold}
          onChange={setScoreThreshold}
        />
        <Threshold
          label="Overlap (IoU) for NMS"
          min={0.05}
          max={0.95}
          step={0.05}
          value={iouThreshold}
          onChange={setIouThreshold}
        />
      </div>
      <p className="hint" data-testid="detection-count">
        {detections.length} detection{detections.length === 1 ? "" : "s"} of {layout.anchors} anchors ×{" "}
        {layout.classes} classes at score ≥ {scoreThreshold.toFixed(2)}, after per-class NMS at IoU{" "}
        {iouThreshold.toFixed(2)}.
      </p>
      {picture && <DetectionOverlay picture={picture} detections={detections} labels={labels} />}
      {detections.length > 0 && (
        <div className="table-scroll">
          <table className="compact" data-testid={`detection-table-${output.name}`}>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Label</th>
                <th scope="col">Score</th>
                <th scope="col">Box (x1, y1, x2, y2, input pixels)</th>
              </tr>
            </thead>
            <tbody>
              {detections.slice(0, ROWS_LISTED).map((detection, i) => (
                <tr key={i}>
                  <td>{detection.classIndex}</td>
                  <td>{labels[detection.classIndex] || <span className="muted">—</span>}</td>
                  <td>{detection.score.toFixed(3)}</td>
                  <td>{detection.box.map((value) => value.toFixed(1)).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detections.length > ROWS_LISTED && <p className="hint">{detections.length - ROWS_LISTED} more drawn above.</p>}
    </div>
  );
}
