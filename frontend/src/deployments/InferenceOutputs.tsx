// What an inference answered, shown for what it is: class scores as a top-k table, embeddings
// as their norm (with the vector to copy), detections as boxes over the picture sent, anything
// else as a bounded preview with its shape and datatype. The raw response stays one click away.
import { useState } from "react";
import { DetectionView, type SentPicture } from "./DetectionOverlay";
import { detectionLayout, type DetectionHead } from "./detections";

/** An output's kind as the job's report judged it, with the layout of a one-output detection head. */
export type ReportedKind = { kind: string; head?: DetectionHead };

/** Four significant digits, without exponent noise for ordinary magnitudes. */
function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e6 ? Number(value.toPrecision(digits)).toString() : value.toExponential(digits - 1);
}

export type V2Output = { name: string; shape: number[]; datatype: string; data: unknown[] };

// The same words compiler_core/accuracy.py reads an output's name by (looks_like_class_scores).
const CLASS_WORDS = ["logit", "score", "prob", "class", "pred", "label"];
const EMBEDDING_WORDS = ["embed", "hidden", "feature", "pool", "vector", "encod", "repr", "latent"];
const FLOAT_TYPES = new Set(["FP16", "FP32", "FP64", "BF16"]);
const TOP_K = 5;
const PREVIEW_VALUES = 32;
const ROWS_SHOWN = 4;

export type OutputKind = "scores" | "embedding" | "other";

/** How to show an output: the rule compiler_core/accuracy.py judges accuracy by, so both agree. */
export function outputKind(output: V2Output): OutputKind {
  const numeric = FLOAT_TYPES.has(output.datatype) && output.data.every((value) => typeof value === "number");
  const shape = output.shape;
  if (!numeric || shape.length < 2 || shape.length > 3 || (shape.at(-1) ?? 0) < 2) return "other";
  const name = output.name.toLowerCase();
  if (shape.length === 3) return EMBEDDING_WORDS.some((word) => name.includes(word)) ? "embedding" : "other";
  if (CLASS_WORDS.some((word) => name.includes(word))) return "scores";
  if (EMBEDDING_WORDS.some((word) => name.includes(word))) return "embedding";
  // Rows of unit length are a normalised embedding; anything else of shape (batch, n) is scores.
  const rows = splitRows(output.data as number[], shape.at(-1)!);
  return rows.length && rows.every((row) => Math.abs(norm(row) - 1) < 1e-3) ? "embedding" : "scores";
}

function splitRows(values: number[], width: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start + width <= values.length; start += width) rows.push(values.slice(start, start + width));
  return rows;
}

export function norm(values: number[]): number {
  return Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
}

/** The k best classes of one row, with the softmax probability when the row is not one already. */
export function topK(row: number[], k = TOP_K): { index: number; score: number; probability: number }[] {
  const alreadyProbabilities = row.every((value) => value >= 0 && value <= 1) && Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-3;
  const max = Math.max(...row);
  const exps = row.map((value) => Math.exp(value - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return row
    .map((score, index) => ({ index, score, probability: alreadyProbabilities ? score : exps[index]! / total }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
}

function ScoresView({ output, labels }: { output: V2Output; labels: string[] }) {
  const rows = splitRows(output.data as number[], output.shape.at(-1)!);
  return (
    <>
      {rows.slice(0, ROWS_SHOWN).map((row, rowIndex) => (
        <div className="table-scroll" key={rowIndex}>
          <table className="compact" data-testid={`topk-${output.name}-${rowIndex}`}>
            <caption>
              Top {Math.min(TOP_K, row.length)} of {row.length} classes{rows.length > 1 ? `, item ${rowIndex}` : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Label</th>
                <th scope="col">Score</th>
                <th scope="col">Probability</th>
              </tr>
            </thead>
            <tbody>
              {topK(row).map((entry) => (
                <tr key={entry.index}>
                  <td>{entry.index}</td>
                  <td>{labels[entry.index] || <span className="muted">—</span>}</td>
                  <td>{formatNumber(entry.score, 4)}</td>
                  <td>{(entry.probability * 100).toFixed(1)}%</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {rows.length > ROWS_SHOWN && <p className="hint">{rows.length - ROWS_SHOWN} more items in the raw response.</p>}
    </>
  );
}

function EmbeddingView({ output }: { output: V2Output }) {
  const width = output.shape.at(-1)!;
  const vectors = splitRows(output.data as number[], width);
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(JSON.stringify(vectors.length === 1 ? vectors[0] : vectors));
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  }
  return (
    <div data-testid={`embedding-${output.name}`}>
      <p>
        {vectors.length} vector{vectors.length === 1 ? "" : "s"} of {width} values · L2 norm{" "}
        <span data-testid={`embedding-norm-${output.name}`}>
          {vectors.slice(0, ROWS_SHOWN).map((vector) => formatNumber(norm(vector), 4)).join(", ")}
          {vectors.length > ROWS_SHOWN ? ", …" : ""}
        </span>
      </p>
      <button type="button" onClick={() => void copy()} aria-label={`Copy ${output.name} as JSON`}>
        {copied === "copied" ? "Copied" : "Copy vector"}
        {vectors.length === 1 ? "" : "s"}
      </button>
      <span role="status" className="hint">
        {copied === "failed" ? " Copy is blocked by the browser: open the raw response and copy it by hand." : ""}
      </span>
    </div>
  );
}

function PreviewView({ output }: { output: V2Output }) {
  const numbers = output.data.filter((value): value is number => typeof value === "number");
  const shown = output.data.slice(0, PREVIEW_VALUES);
  return (
    <div data-testid={`preview-${output.name}`}>
      {numbers.length === output.data.length && numbers.length > 0 && (
        <p className="hint">
          min {formatNumber(Math.min(...numbers), 4)} · max {formatNumber(Math.max(...numbers), 4)} · mean{" "}
          {formatNumber(numbers.reduce((a, b) => a + b, 0) / numbers.length, 4)}
        </p>
      )}
      <pre className="infer-response" tabIndex={0}>
        {JSON.stringify(shown)}
        {output.data.length > PREVIEW_VALUES ? ` … ${output.data.length - PREVIEW_VALUES} more` : ""}
      </pre>
    </div>
  );
}

function isNumeric(output: V2Output): boolean {
  return FLOAT_TYPES.has(output.datatype) && output.data.every((value) => typeof value === "number");
}

export function InferenceOutputs({
  outputs,
  labels,
  picture = null,
  outputKinds = {},
}: {
  outputs: V2Output[];
  labels: string[];
  /** The picture the request was built from: a detections output is drawn on it. */
  picture?: SentPicture | null;
  /** Each output's kind from the job's report; `detections` is read as boxes even without a picture. */
  outputKinds?: Record<string, ReportedKind>;
}) {
  return (
    <div className="infer-outputs" data-testid="infer-outputs">
      {outputs.map((output) => {
        const reported = outputKinds[output.name];
        const known = reported?.kind === "detections";
        const detections =
          (picture || known) && isNumeric(output) ? detectionLayout(output, known, known ? reported?.head : undefined) : null;
        if (detections) {
          return (
            <section key={output.name} className="infer-output" aria-label={`Output ${output.name}`}>
              <h4>
                {output.name} <span className="muted">[{output.shape.join(", ")}] {output.datatype} · detections</span>
              </h4>
              <DetectionView output={output} layout={detections} picture={picture} labels={labels} />
            </section>
          );
        }
        const kind = outputKind(output);
        return (
          <section key={output.name} className="infer-output" aria-label={`Output ${output.name}`}>
            <h4>
              {output.name} <span className="muted">
                [{output.shape.join(", ")}] {output.datatype}
                {kind === "scores" ? " · class scores" : kind === "embedding" ? " · embedding" : ""}
              </span>
            </h4>
            {kind === "scores" && <ScoresView output={output} labels={labels} />}
            {kind === "embedding" && <EmbeddingView output={output} />}
            {kind === "other" && <PreviewView output={output} />}
          </section>
        );
      })}
    </div>
  );
}

/** The outputs of a V2 response body, or null when it is not one. */
export function responseOutputs(body: unknown): V2Output[] | null {
  if (!body || typeof body !== "object" || !Array.isArray((body as { outputs?: unknown }).outputs)) return null;
  const outputs = (body as { outputs: unknown[] }).outputs;
  const valid = outputs.every(
    (output) =>
      output &&
      typeof output === "object" &&
      typeof (output as V2Output).name === "string" &&
      Array.isArray((output as V2Output).shape) &&
      Array.isArray((output as V2Output).data),
  );
  return valid ? (outputs as V2Output[]) : null;
}
